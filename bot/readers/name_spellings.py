"""Vietnamese name syllables typed without diacritics, with the one spelling they almost always have.

Only syllables whose spelling is not in doubt are listed, by position (family name, middle, given name);
a syllable left out ("hoa": Hoa, Hòa or Hóa; "thanh": Thanh or Thành) is kept as typed and the citizen is
asked to confirm.
"""
from __future__ import annotations

FAMILY = {
    "nguyen": "Nguyễn", "tran": "Trần", "le": "Lê", "pham": "Phạm", "hoang": "Hoàng", "huynh": "Huỳnh",
    "phan": "Phan", "vu": "Vũ", "vo": "Võ", "dang": "Đặng", "bui": "Bùi", "do": "Đỗ", "ho": "Hồ", "ngo": "Ngô",
    "duong": "Dương", "ly": "Lý", "dinh": "Đinh", "trinh": "Trịnh", "truong": "Trương", "doan": "Đoàn",
    "lam": "Lâm", "mai": "Mai", "cao": "Cao", "luu": "Lưu", "ha": "Hà", "ta": "Tạ", "to": "Tô", "thai": "Thái",
    "vuong": "Vương", "quach": "Quách", "luong": "Lương", "chu": "Chu", "kieu": "Kiều", "trieu": "Triệu",
    "lai": "Lại", "khuat": "Khuất", "nghiem": "Nghiêm", "tong": "Tống", "hua": "Hứa", "dao": "Đào",
    "nong": "Nông", "phung": "Phùng", "giang": "Giang", "kim": "Kim", "au": "Âu", "diep": "Diệp",
    "thach": "Thạch", "ong": "Ông", "tieu": "Tiêu",
}
MIDDLE = {
    "thi": "Thị", "van": "Văn", "duc": "Đức", "huu": "Hữu", "ngoc": "Ngọc", "dinh": "Đình", "cong": "Công",
    "quoc": "Quốc", "xuan": "Xuân", "minh": "Minh", "quang": "Quang", "hong": "Hồng", "kim": "Kim",
    "bich": "Bích", "tien": "Tiến", "trong": "Trọng", "ba": "Bá", "viet": "Việt", "manh": "Mạnh", "the": "Thế",
    "khanh": "Khánh", "hai": "Hải", "phuong": "Phương", "anh": "Anh", "gia": "Gia", "bao": "Bảo",
    "dieu": "Diệu", "tuan": "Tuấn", "dang": "Đăng", "nhat": "Nhật", "trung": "Trung", "hoai": "Hoài",
    "kieu": "Kiều", "phuc": "Phúc", "tuyet": "Tuyết", "que": "Quế", "ai": "Ái", "lan": "Lan", "mai": "Mai",
    "diem": "Diễm", "cam": "Cẩm", "huyen": "Huyền", "nguyen": "Nguyên", "hoang": "Hoàng", "duy": "Duy",
    "chi": "Chí", "tri": "Trí", "truong": "Trường", "thien": "Thiên", "hieu": "Hiếu", "song": "Song",
    "ngo": "Ngô", "le": "Lê", "tran": "Trần", "pham": "Phạm", "vu": "Vũ", "do": "Đỗ", "bui": "Bùi",
}
GIVEN = {
    "an": "An", "anh": "Anh", "binh": "Bình", "cuong": "Cường", "duc": "Đức", "dat": "Đạt", "giang": "Giang",
    "hai": "Hải", "hanh": "Hạnh", "hieu": "Hiếu", "huy": "Huy", "khanh": "Khánh", "lan": "Lan", "linh": "Linh",
    "long": "Long", "mai": "Mai", "minh": "Minh", "nam": "Nam", "nga": "Nga", "ngoc": "Ngọc", "nhung": "Nhung",
    "phuong": "Phương", "quang": "Quang", "quynh": "Quỳnh", "son": "Sơn", "tam": "Tâm", "thao": "Thảo",
    "trang": "Trang", "tuan": "Tuấn", "tung": "Tùng", "van": "Vân", "viet": "Việt", "vy": "Vy", "hang": "Hằng",
    "ha": "Hà", "hoang": "Hoàng", "huyen": "Huyền", "lien": "Liên", "loan": "Loan", "nhi": "Nhi", "oanh": "Oanh",
    "phuc": "Phúc", "quan": "Quân", "trung": "Trung", "dao": "Đào", "diep": "Diệp", "dieu": "Diệu",
    "hau": "Hậu", "hoai": "Hoài", "lam": "Lâm", "loc": "Lộc", "luan": "Luân", "nhan": "Nhân", "ngan": "Ngân",
    "tai": "Tài", "thang": "Thắng", "thinh": "Thịnh", "toan": "Toàn", "tri": "Trí", "tuyet": "Tuyết",
    "uyen": "Uyên", "xuan": "Xuân", "hue": "Huệ", "cuc": "Cúc", "dung": None, "hoa": None, "hung": None,
    "huong": None, "thanh": None, "thu": None, "yen": None, "hien": None, "thuy": None, "tu": None, "vinh": None,
    "my": None, "ly": None, "chau": "Châu", "kiet": "Kiệt", "khoa": "Khoa", "phat": "Phát", "thuan": "Thuận",
    "sang": None, "hoan": None, "tho": None, "dong": None, "hiep": "Hiệp", "vuong": "Vương",
    "quyen": "Quyên", "nhu": "Như", "truc": "Trúc", "tien": None, "hop": "Hợp", "chinh": None,
}

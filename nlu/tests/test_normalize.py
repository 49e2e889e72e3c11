"""The Vietnamese normaliser shared by Rasa's component, the fallback matcher and the client."""
import unicodedata

import pytest

from nlu.normalize import MAX_CHARS, clean, is_empty, normalize, strip_diacritics, tokens

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text, expected", [
    # diacritics folded, đ -> d, lower case
    ("Tiêm vắc xin được không?", "tiem vac xin duoc khong"),
    ("ĐĂNG KÝ TIÊM", "dang ky tiem"),
    ("Hoà bình", "hoa binh"),  # old-style tone placement
    ("Hòa bình", "hoa binh"),
    # abbreviations
    ("tiem vaxin dc k", "tiem vac xin duoc khong"),
    ("đc ko", "duoc khong"),
    ("hok biết j", "khong biet gi"),
    ("cách ly ntn", "cach ly nhu the nao"),
    ("đi vs ai", "di voi ai"),
    ("test bn tiền", "test bao nhieu tien"),
    ("sđt của bs", "so dien thoai cua bac si"),
    ("sdt tp thanh hoa", "so dien thoai thanh pho thanh hoa"),
    ("nhiều ng bị", "nhieu nguoi bi"),
    # words that only look like abbreviations once folded stay as they are
    ("đau họng", "dau hong"),
    ("khongggg", "khong"),
    ("covid-19", "covid 19"),
    # emoji, punctuation and control characters vanish
    ("Chào bạn 😷🙏!!!", "chao ban"),
    ("a\x00b\u200bc\x1b d\r\ng\th", "a b c d g h"),
    ("", ""),
    (None, ""),
])
def test_normalize_table(text, expected):
    assert normalize(text) == expected


def test_nfd_and_nfc_input_give_the_same_form():
    text = "Người cao tuổi có bệnh nền tiêm được không"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalize(nfd) == normalize(text) == normalize(strip_diacritics(text))


def test_unfolded_form_keeps_diacritics_and_expands():
    assert normalize("tiem dc ko", fold=False) == "tiem được không"
    assert tokens("Sổ sức khỏe", fold=False) == ["sổ", "sức", "khỏe"]


def test_strip_diacritics():
    assert strip_diacritics("Đà Nẵng, Thanh Hóa") == "Da Nang, Thanh Hoa"


def test_clean_cuts_long_text_and_keeps_diacritics():
    text = "tôi bị sốt " * 500  # 5,500 characters
    out = clean(text)
    assert len(out) <= MAX_CHARS and out.startswith("tôi bị sốt")
    assert "\n" not in clean("a\nb") and clean("  a   b ") == "a b"
    assert len(normalize("x" * 5000 + " y")) <= 5000


@pytest.mark.parametrize("text", ["", "   ", "😷", "🙏🙏🙏", "?!...", "\x00\x01"])
def test_nothing_to_classify(text):
    assert is_empty(text)


def test_something_to_classify():
    assert not is_empty("ok")

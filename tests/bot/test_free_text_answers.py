"""Free text where a button is offered: each row is a message typed at one question of the declaration, the
reading the engine keeps and a fragment of its reply. Vietnamese with and without diacritics, and English.

Every row goes through the real engine, Redis and database; the clock is set to Wednesday 2 December 2026,
10:00 in Hanoi, so "hôm kia", "thứ Hai" and two-digit years have one right answer.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine import handle
from bot.messages import Inbound
from bot.session import ConversationSession
from bot.text import fold
from core import clock
from core.redis_conn import get_redis

pytestmark = pytest.mark.usefixtures("db", "redis_client")

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Wednesday
# The answers given before each question, so the conversation can start at that question.
BEFORE = {
    "full_name": {},
    "birth_year": {"full_name": "Lê Văn Tâm"},
    "onset": {"full_name": "Lê Văn Tâm", "birth_year": 1980, "phone": "+84912345600", "commune_code": 14797,
              "symptoms": ["fever"], "danger_signs": []},
    "contact": {"full_name": "Lê Văn Tâm", "birth_year": 1980, "phone": "+84912345600", "commune_code": 14797,
                "symptoms": []},
    "doses": {"full_name": "Lê Văn Tâm", "birth_year": 1980, "phone": "+84912345600", "commune_code": 14797,
              "symptoms": [], "contact": False, "epidemic_area": False},
}
BEFORE["chronic"] = {**BEFORE["doses"], "doses": 2}


@pytest.fixture(autouse=True)
def wednesday(settings, redis_client):
    clock.set_now(settings, NOW)
    yield
    clock.reset(settings)


def at_step(settings, user: str, step: str, lang: str = "vi", channel: str = "telegram", data=None) -> None:
    """Put the citizen at `step` of a declaration, with the answers before it already given."""
    session = ConversationSession(channel=channel, user_id=user, lang=lang, flow="declaration", step=step,
                                  data=dict(data if data is not None else BEFORE[step]))
    session.save(get_redis(settings), 600)


def send(settings, user: str, text: str = "", payload: str | None = None, channel: str = "telegram"):
    """One message; returns (the replies' text and buttons, the session after it)."""
    replies = handle(settings, Inbound(channel=channel, user_id=user, kind="button" if payload else "text",
                                       text=text, payload=payload))
    joined = "\n".join(r.text + " " + " ".join(b.title for b in r.buttons) for r in replies)
    return joined, ConversationSession.load(get_redis(settings), channel, user)


def has(reply: str, fragment: str) -> bool:
    """The fragment is in the reply (compared with and without diacritics)."""
    return fragment.lower() in reply.lower() or fold(fragment) in fold(reply)


# --- year of birth: (typed, language, year kept or None, reply) ------------------------------------
YEARS = [
    ("1952", "vi", 1952, "số điện thoại"),
    ("nam 1952", "vi", 1952, "số điện thoại"),
    ("năm 1952", "vi", 1952, "số điện thoại"),
    ("ba sinh nam 52", "vi", 1952, "số điện thoại"),
    ("bà sinh năm 52", "vi", 1952, "số điện thoại"),
    ("sinh năm 1952", "vi", 1952, "số điện thoại"),
    ("52", "vi", 1952, "số điện thoại"),
    ("1952 a", "vi", 1952, "số điện thoại"),
    ("1952 ạ", "vi", 1952, "số điện thoại"),
    ("sinh ngày 12/3/1952", "vi", 1952, "số điện thoại"),
    ("05", "vi", 2005, "số điện thoại"),  # two digits: the latest such year not in the future
    ("26", "vi", 2026, "số điện thoại"),
    ("72 tuoi", "vi", 1954, "số điện thoại"),
    ("ba 72 tuổi", "vi", 1954, "số điện thoại"),
    ("năm nay 72", "vi", 1954, "số điện thoại"),
    ("chau 6 thang tuoi", "vi", 2026, "số điện thoại"),  # a baby
    ("born in 1952", "en", 1952, "phone number"),
    ("I am 72", "en", 1954, "phone number"),
    ("I'm 72 years old", "en", 1954, "phone number"),
    ("72 years", "en", 1954, "phone number"),
    ("I was born in 52", "en", 1952, "phone number"),
    ("1850", "vi", None, "Năm sinh không thể trước năm 1900"),
    ("2030", "vi", None, "Năm 2030 chưa tới"),
    ("150 tuổi", "vi", None, "150 là không thể"),
    ("0912345678", "vi", None, "từ 1900 đến 2026"),
    ("không nhớ", "vi", None, "từ 1900 đến 2026"),
    ("in 2031", "en", None, "2031 is in the future"),
    ("I am 130", "en", None, "An age of 130 is not possible"),
]


@pytest.mark.parametrize("text, lang, year, reply", YEARS)
def test_year_of_birth(settings, text, lang, year, reply):
    at_step(settings, "years", "birth_year", lang)
    said, session = send(settings, "years", text)
    assert session.data.get("birth_year") == year
    assert has(said, reply), said


# --- vaccine doses: (typed, language, doses kept or None, reply) --------------------------------------
DOSES = [
    ("ba tiem 3 mui roi", "vi", 3, "bệnh nền"),  # "bà" is grandma, not three
    ("bà tiêm 3 mũi rồi", "vi", 3, "bệnh nền"),
    ("tiêm đủ 2 mũi", "vi", 2, "bệnh nền"),
    ("tiem du 2 mui", "vi", 2, "bệnh nền"),
    ("hai mũi", "vi", 2, "bệnh nền"),
    ("hai mui", "vi", 2, "bệnh nền"),
    ("một mũi", "vi", 1, "bệnh nền"),
    ("mot", "vi", 1, "bệnh nền"),
    ("ba", "vi", 3, "bệnh nền"),
    ("bốn mũi", "vi", 3, "bệnh nền"),  # 3+
    ("bon mui", "vi", 3, "bệnh nền"),
    ("đã tiêm mũi 3", "vi", 3, "bệnh nền"),
    ("chưa tiêm mũi 3", "vi", 2, "bệnh nền"),
    ("2 mũi cơ bản và 1 mũi nhắc lại", "vi", 3, "bệnh nền"),
    ("chưa tiêm", "vi", 0, "bệnh nền"),
    ("chua tiem mui nao", "vi", 0, "bệnh nền"),
    ("không", "vi", 0, "bệnh nền"),
    ("3+", "vi", 3, "bệnh nền"),
    ("3 shots", "en", 3, "chronic condition"),
    ("two doses", "en", 2, "chronic condition"),
    ("I had one jab", "en", 1, "chronic condition"),
    ("twice", "en", 2, "chronic condition"),
    ("not vaccinated", "en", 0, "chronic condition"),
    ("tiem roi", "vi", None, "0, 1, 2 hoặc 3+"),  # vaccinated, but how many times?
    ("không biết", "vi", None, "0, 1, 2 hoặc 3+"),
]


@pytest.mark.parametrize("text, lang, doses, reply", DOSES)
def test_doses(settings, text, lang, doses, reply):
    at_step(settings, "doses", "doses", lang)
    said, session = send(settings, "doses", text)
    assert session.data.get("doses") == doses
    assert has(said, reply), said


# --- onset, told on Wednesday 2/12/2026: (typed, language, date kept or None, reply) ----------------------
DAYS = [
    ("hôm qua", "vi", "2026-12-01", "tiếp xúc gần"),
    ("tu hom qua", "vi", "2026-12-01", "tiếp xúc gần"),
    ("bị sốt từ hôm qua", "vi", "2026-12-01", "tiếp xúc gần"),
    ("tối qua", "vi", "2026-12-01", "tiếp xúc gần"),
    ("hôm kia", "vi", "2026-11-30", "tiếp xúc gần"),
    ("hom kia", "vi", "2026-11-30", "tiếp xúc gần"),
    ("3 ngày trước", "vi", "2026-11-29", "tiếp xúc gần"),
    ("3 ngay truoc", "vi", "2026-11-29", "tiếp xúc gần"),
    ("ba hom nay", "vi", "2026-11-29", "tiếp xúc gần"),
    ("hai ngày trước", "vi", "2026-11-30", "tiếp xúc gần"),
    ("thứ Hai", "vi", "2026-11-30", "tiếp xúc gần"),
    ("tu thu 2", "vi", "2026-11-30", "tiếp xúc gần"),
    ("chủ nhật", "vi", "2026-11-29", "tiếp xúc gần"),
    ("thứ tư", "vi", "2026-11-25", "tiếp xúc gần"),  # today is Wednesday: the one before
    ("hôm nay", "vi", "2026-12-02", "tiếp xúc gần"),
    ("sáng nay", "vi", "2026-12-02", "tiếp xúc gần"),
    ("sang nay", "vi", "2026-12-02", "tiếp xúc gần"),
    ("tuần trước", "vi", "2026-11-25", "tiếp xúc gần"),
    ("mấy hôm nay", "vi", "2026-11-29", "tiếp xúc gần"),
    ("20/11", "vi", "2026-11-20", "tiếp xúc gần"),
    ("ngày 20 tháng 11", "vi", "2026-11-20", "tiếp xúc gần"),
    ("yesterday", "en", "2026-12-01", "close contact"),
    ("2 days ago", "en", "2026-11-30", "close contact"),
    ("two days ago", "en", "2026-11-30", "close contact"),
    ("since Monday", "en", "2026-11-30", "close contact"),
    ("this morning", "en", "2026-12-02", "close contact"),
    ("last week", "en", "2026-11-25", "close contact"),
    ("ngày mai", "vi", None, "không phải ngày trong tương lai"),
    ("25/12", "vi", None, "không phải ngày trong tương lai"),  # last Christmas is too long ago to be an onset
    ("không nhớ", "vi", None, "không phải ngày trong tương lai"),
]


@pytest.mark.parametrize("text, lang, day, reply", DAYS)
def test_onset(settings, text, lang, day, reply):
    at_step(settings, "days", "onset", lang)
    said, session = send(settings, "days", text)
    assert session.data.get("onset") == day
    assert has(said, reply), said


def test_symptoms_told_with_the_day_they_started_skip_the_onset_question(settings):
    at_step(settings, "symptom-story", "symptoms", data=BEFORE["contact"])
    said, session = send(settings, "symptom-story", "ba bi ho voi sot tu hom qua")
    assert session.data["symptoms"] == ["fever", "cough"] and session.data["onset"] == "2026-12-01"
    assert "nguy hiểm" in said
    said, session = send(settings, "symptom-story", "không")
    assert "tiếp xúc gần" in said and session.step == "contact"  # "when did they start?" is not asked


def test_symptoms_without_a_day_still_ask_when_they_started(settings):
    at_step(settings, "symptom-plain", "symptoms", data=BEFORE["contact"])
    send(settings, "symptom-plain", "sốt và ho")
    said, session = send(settings, "symptom-plain", "không")
    assert "bắt đầu" in said and session.step == "onset"


# --- yes/no with extra words: (question, typed, language, value or None, detail kept, reply) ------------------
YES_NO = [
    ("chronic", "co, ba bi cao huyet ap", "vi", True, "cao huyet ap", "kiểm tra lại"),
    ("chronic", "có, bà bị cao huyết áp", "vi", True, "cao huyết áp", "kiểm tra lại"),
    ("chronic", "bà bị tiểu đường ạ", "vi", True, "tiểu đường", "kiểm tra lại"),
    ("chronic", "cao huyết áp", "vi", True, "cao huyết áp", "kiểm tra lại"),  # an illness named is a yes
    ("chronic", "không bị gì", "vi", False, None, "kiểm tra lại"),
    ("chronic", "khong bi gi", "vi", False, None, "kiểm tra lại"),
    ("chronic", "yes I have diabetes", "en", True, "diabetes", "check your declaration"),
    ("chronic", "no I don't", "en", False, None, "check your declaration"),
    ("contact", "dạ có", "vi", True, None, "vùng dịch"),
    ("contact", "da co", "vi", True, None, "vùng dịch"),
    ("contact", "vâng ạ", "vi", True, None, "vùng dịch"),
    ("contact", "khong co a", "vi", False, None, "vùng dịch"),
    ("contact", "không có ạ", "vi", False, None, "vùng dịch"),
    ("contact", "chưa từng", "vi", False, None, "vùng dịch"),
    ("contact", "chua tung", "vi", False, None, "vùng dịch"),
    ("contact", "dạ không", "vi", False, None, "vùng dịch"),
    ("contact", "có tiếp xúc với F0", "vi", True, "tiếp xúc với F0", "vùng dịch"),
    ("contact", "co tiep xuc voi F0", "vi", True, "tiep xuc voi F0", "vùng dịch"),
    ("contact", "yes, my neighbour tested positive", "en", True, "neighbour tested positive", "epidemic area"),
    ("contact", "no I don't think so", "en", False, None, "epidemic area"),
    ("contact", "I didn't", "en", False, None, "epidemic area"),
    ("contact", "không biết", "vi", None, None, "có hoặc không"),  # "I don't know" is not a no
    ("contact", "có lẽ", "vi", None, None, "có hoặc không"),
    ("contact", "có phải khai không?", "vi", None, None, "có hoặc không"),
    ("contact", "not sure", "en", None, None, "yes or no"),
]


@pytest.mark.parametrize("step, text, lang, value, detail, reply", YES_NO)
def test_yes_no_with_extra_words(settings, step, text, lang, value, detail, reply):
    at_step(settings, "yesno", step, lang)
    said, session = send(settings, "yesno", text)
    assert session.data.get(step) is value
    assert session.data.get(f"{step}_detail") == detail
    assert has(said, reply), said


# --- names: (typed, language, name kept, or the guess to confirm, reply) -----------------------------------
NAMES = [
    ("ba ten la nguyen thi hoa", "vi", None, "Nguyễn Thị Hoa", "Tên của bạn là Nguyễn Thị Hoa, đúng không?"),
    ("tôi tên là Nguyễn Văn An", "vi", "Nguyễn Văn An", None, "Năm sinh"),
    ("tên tôi là trần thị bình", "vi", "Trần Thị Bình", None, "Năm sinh"),
    ("ten toi la tran thi binh", "vi", "Trần Thị Bình", None, "Năm sinh"),
    ("tên của tôi là Phạm Thị Mai", "vi", "Phạm Thị Mai", None, "Năm sinh"),
    ("Họ và tên: Đỗ Minh Khôi", "vi", "Đỗ Minh Khôi", None, "Năm sinh"),
    ("con là Lê Minh Tuấn ạ", "vi", "Lê Minh Tuấn", None, "Năm sinh"),
    ("da toi ten la hoang van nam nhe", "vi", "Hoàng Văn Nam", None, "Năm sinh"),
    ("nguyen van an", "vi", "Nguyễn Văn An", None, "Năm sinh"),
    ("NGUYỄN VĂN AN", "vi", "Nguyễn Văn An", None, "Năm sinh"),
    ("nguyễn thị hòa", "vi", "Nguyễn Thị Hòa", None, "Năm sinh"),  # typed with diacritics: as typed
    ("nguyen thanh hung", "vi", None, "Nguyễn Thanh Hung", "đúng không"),  # Thanh/Thành, Hùng/Hưng
    ("Bi Hoàng", "vi", "Bi Hoàng", None, "Năm sinh"),
    ("my name is John Smith", "en", "John Smith", None, "Year of birth"),
    ("I am anna müller", "en", "Anna Müller", None, "Year of birth"),
    ("My name is Sean McDonald", "en", "Sean McDonald", None, "Year of birth"),
    ("ba ten la nguyen thi hoa", "en", None, "Nguyễn Thị Hoa", "Your name is Nguyễn Thị Hoa, is that right?"),
    ("khai báo y tế", "vi", None, None, "ví dụ: Nguyễn Văn An"),  # a request is nobody's name
    ("tôi tên là 0912345678", "vi", None, None, "ví dụ: Nguyễn Văn An"),
    ("tôi tên là", "vi", None, None, "ví dụ: Nguyễn Văn An"),  # the opening only: no name yet
]


@pytest.mark.parametrize("text, lang, name, guess, reply", NAMES)
def test_names(settings, text, lang, name, guess, reply):
    at_step(settings, "names", "full_name", lang)
    said, session = send(settings, "names", text)
    assert session.data.get("full_name") == name
    assert session.data.get("_name_guess") == guess
    assert has(said, reply), said


def test_a_guessed_name_is_kept_when_confirmed(settings):
    at_step(settings, "name-yes", "full_name")
    said, _ = send(settings, "name-yes", "ba ten la nguyen thi hoa")
    assert "Tên của bạn là Nguyễn Thị Hoa, đúng không?" in said and "Có" in said
    said, session = send(settings, "name-yes", "dạ đúng")
    assert session.data["full_name"] == "Nguyễn Thị Hoa" and "Năm sinh" in said


def test_a_guessed_name_refused_is_typed_again_and_kept_as_typed(settings):
    at_step(settings, "name-no", "full_name")
    send(settings, "name-no", "nguyen thi hoa")
    said, session = send(settings, "name-no", payload="/no")
    assert "gõ lại họ tên" in said and "full_name" not in session.data
    said, session = send(settings, "name-no", "nguyen thi hoa")  # typed again: taken as written, not guessed
    assert session.data["full_name"] == "Nguyen Thi Hoa" and "Năm sinh" in said


def test_a_name_typed_instead_of_yes_replaces_the_guess(settings):
    at_step(settings, "name-other", "full_name")
    send(settings, "name-other", "nguyen thi hoa")
    said, session = send(settings, "name-other", "Nguyễn Thị Hòa")
    assert session.data["full_name"] == "Nguyễn Thị Hòa" and "Năm sinh" in said


def test_a_household_members_name_is_confirmed_as_theirs(settings):
    at_step(settings, "name-member", "full_name", data={"household_of": 1, "phone": "+84912345600"})
    said, _ = send(settings, "name-member", "tran van con")
    assert "Tên người đó là Trần Văn Con, đúng không?" in said


# --- the summary before a declaration is saved ---------------------------------------------------------------
def declarations(settings) -> list:
    from sqlalchemy import select

    from core.db import session_scope
    from core.models import Declaration

    with session_scope(settings.database_url) as db:
        records = db.scalars(select(Declaration).order_by(Declaration.id)).all()
        db.expunge_all()
        return records


def test_a_declaration_told_in_free_text_is_summarised_and_saved_only_when_sent(settings):
    user = "summary-walk"
    said, _ = send(settings, user, "khai báo y tế")
    if "đồng ý" in said:
        send(settings, user, payload="/consent:yes")
    for text, reply in [
        ("ba ten la nguyen thi hoa", "Tên của bạn là Nguyễn Thị Hoa, đúng không?"),
        ("dạ đúng", "Năm sinh"),
        ("ba sinh nam 52", "số điện thoại"),
        ("0912 345 678", "xã hoặc phường"),
        ("hac thanh", "14 ngày"),
        ("sốt, ho", "nguy hiểm"),
        ("không", "bắt đầu"),
        ("tu hom qua", "tiếp xúc gần"),
        ("co tiep xuc voi F0", "vùng dịch"),
        ("khong co a", "liều"),
        ("ba tiem 3 mui roi", "bệnh nền"),
    ]:
        said, _ = send(settings, user, text)
        assert has(said, reply), (text, said)
    said, session = send(settings, user, "co, ba bi cao huyet ap")
    assert session.step == "summary"
    for shown in ("Bạn kiểm tra lại tờ khai", "Nguyễn Thị Hoa", "1952", "0912 *** 678", "Phường Hạc Thành",
                  "Sốt, Ho", "01/12/2026", "Có (tiep xuc voi F0)", "Không", "3+", "Có (cao huyet ap)",
                  "Đúng, gửi", "Sửa"):
        assert shown in said, (shown, said)
    assert "0912 345 678" not in said  # the number is masked as it was typed
    assert declarations(settings) == []  # nothing is saved before the citizen sends it
    said, session = send(settings, user, "Đúng, gửi")  # the button's title, typed
    assert "Tờ khai của bạn đã được ghi nhận" in said or "đã được ghi nhận" in said, said
    [record] = declarations(settings)
    assert record.full_name == "Nguyễn Thị Hoa" and record.birth_year == 1952 and record.phone == "+84912345678"
    assert record.answers["chronic"] is True and record.answers["chronic_detail"] == "cao huyet ap"
    assert record.answers["contact_detail"] == "tiep xuc voi F0" and record.answers["doses"] == 3
    assert record.answers["onset"] == "2026-12-01" and record.answers["symptoms"] == ["fever", "cough"]
    assert not any(key.startswith("_") for key in record.answers)


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
def test_one_answer_is_corrected_and_the_summary_comes_back(settings, channel):
    """Pressed as each channel sends a press (Zalo: the payload as text; Telegram: callback data)."""
    from tests.bot.test_buttons_every_channel import USERS, pressed, typed

    at_step(settings, USERS[channel], "chronic", channel=channel)
    last = typed(settings, channel, "khong")
    assert "Bạn kiểm tra lại tờ khai" in last[-1].text and "1980" in last[-1].text
    last = pressed(settings, channel, last, "/edit")
    assert "Bạn muốn sửa thông tin nào?" in last[-1].text
    offered = [b.payload.split("@")[0] for b in last[-1].buttons]
    assert {"/edit:full_name", "/edit:birth_year", "/edit:phone", "/edit:commune", "/edit:doses"} <= set(offered)
    last = pressed(settings, channel, last, "/edit:birth_year")
    assert "Năm sinh" in last[-1].text
    last = typed(settings, channel, "sinh nam 1960")
    # Straight back to the summary: the questions already answered are not asked again.
    assert "Bạn kiểm tra lại tờ khai" in last[-1].text and "1960" in last[-1].text and "1980" not in last[-1].text
    assert len(last) == 1
    pressed(settings, channel, last, "/confirm")
    [record] = declarations(settings)
    assert record.birth_year == 1960 and record.full_name == "Lê Văn Tâm" and record.answers["doses"] == 2
    assert record.channel == channel


def test_symptoms_added_in_a_correction_ask_the_questions_that_follow_from_them(settings):
    at_step(settings, "summary-symptoms", "chronic")
    send(settings, "summary-symptoms", "không")
    send(settings, "summary-symptoms", payload="/edit")
    said, _ = send(settings, "summary-symptoms", payload="/edit:symptoms")
    assert "14 ngày" in said
    said, _ = send(settings, "summary-symptoms", "bị ho")
    assert "nguy hiểm" in said  # danger signs and onset were never asked: they are now
    said, _ = send(settings, "summary-symptoms", "không")
    assert "bắt đầu" in said
    said, session = send(settings, "summary-symptoms", "hôm kia")
    assert session.step == "summary" and "Ho" in said and "30/11/2026" in said


def test_a_danger_sign_added_in_a_correction_saves_at_once(settings):
    at_step(settings, "summary-add-danger", "chronic",
            data={**BEFORE["chronic"], "symptoms": ["cough"], "danger_signs": [], "onset": "2026-12-01"})
    said, _ = send(settings, "summary-add-danger", "không")
    assert "Dấu hiệu nguy hiểm: Không có" in said
    send(settings, "summary-add-danger", "sửa dấu hiệu nguy hiểm")
    send(settings, "summary-add-danger", payload="/danger_signs:chest_pain")
    said, _ = send(settings, "summary-add-danger", payload="/done")
    assert "115" in said and "kiểm tra lại" not in said  # no second summary: 115 and staff at once
    assert [r.risk_level for r in declarations(settings)] == ["danger"]


def test_typed_words_at_the_summary(settings):
    at_step(settings, "summary-words", "chronic")
    send(settings, "summary-words", "không")
    said, _ = send(settings, "summary-words", "sửa")
    assert "Bạn muốn sửa thông tin nào?" in said
    said, _ = send(settings, "summary-words", "Số mũi vắc xin")  # a button's title, typed
    assert "liều" in said
    said, _ = send(settings, "summary-words", "hai mũi")
    assert "Bạn kiểm tra lại tờ khai" in said
    said, _ = send(settings, "summary-words", "gì vậy")  # neither: the summary again, with what to press
    assert "Bạn bấm 'Đúng, gửi'" in said and declarations(settings) == []
    send(settings, "summary-words", "gửi")
    assert len(declarations(settings)) == 1


@pytest.mark.parametrize("text, lang, question", [
    ("sửa năm sinh", "vi", "Năm sinh"),
    ("sai so dien thoai", "vi", "Số điện thoại của bạn"),
    ("nhầm xã rồi", "vi", "xã hoặc phường"),
    ("sua benh nen", "vi", "bệnh nền"),
    ("sửa số mũi", "vi", "liều"),
    ("wrong phone", "en", "Your phone number"),
    ("change the number of doses", "en", "How many doses"),
    ("change my year of birth", "en", "Year of birth"),
])
def test_a_correction_typed_with_the_answer_it_names(settings, text, lang, question):
    at_step(settings, f"summary-typed-{abs(hash(text))}", "chronic", lang=lang)
    send(settings, f"summary-typed-{abs(hash(text))}", "không" if lang == "vi" else "no")
    said, session = send(settings, f"summary-typed-{abs(hash(text))}", text)
    assert question in said and session.data.get("_editing") is True


def test_the_summary_in_english(settings):
    at_step(settings, "summary-en", "chronic", lang="en")
    said, _ = send(settings, "summary-en", "yes I have asthma")
    for shown in ("Please check your declaration", "Name: Lê Văn Tâm", "Year of birth: 1980", "Yes (asthma)",
                  "Correct, send", "Edit"):
        assert shown in said, (shown, said)
    said, _ = send(settings, "summary-en", payload="/confirm")
    assert "Your declaration is recorded" in said


def test_danger_signs_are_saved_at_once_without_a_summary(settings):
    """115 and the staff alert must not wait for a press."""
    at_step(settings, "summary-danger", "chronic",
            data={**BEFORE["chronic"], "symptoms": ["fever", "breathing"], "danger_signs": ["chest_pain"],
                  "onset": "2026-12-01"})
    said, session = send(settings, "summary-danger", "không")
    assert "115" in said and "kiểm tra lại" not in said
    assert [r.risk_level for r in declarations(settings)] == ["danger"]


def test_a_household_members_summary_leaves_the_shared_phone_and_commune_alone(settings):
    data = {**BEFORE["chronic"], "household_of": 1}
    at_step(settings, "summary-member", "chronic", data=data)
    send(settings, "summary-member", "không")
    replies = handle(settings, Inbound(channel="telegram", user_id="summary-member", kind="button", payload="/edit"))
    offered = [b.payload.split("@")[0] for b in replies[-1].buttons]
    assert "/edit:birth_year" in offered and "/edit:phone" not in offered and "/edit:commune" not in offered


def test_a_call_has_no_summary(settings):
    """On the hotline each keypad answer is read back as it is given: the last answer saves the declaration."""
    at_step(settings, "+84912345601", "chronic", channel="voice")
    said, session = send(settings, "+84912345601", payload="/no", channel="voice")
    assert session.step != "summary" and len(declarations(settings)) == 1 and "kiểm tra lại" not in said


@pytest.mark.slow
@pytest.mark.usefixtures("web", "worker")
def test_zalo_summary_and_correction_through_the_sandbox(settings, sandbox_clean):
    """Over real HTTP: the sandbox's signed Zalo webhooks, a real worker, the replies sent to the sandbox."""
    from tests.bot.test_end_to_end_chat import _messages, _press_zalo, _reply_with, _zalo

    sandbox, user, seen = sandbox_clean, "5550091", 0
    for text, expected in (("khai bao", "đồng ý"), ("/consent:yes", "Họ và tên"),
                           ("toi ten la tran van binh", "Năm sinh"), ("nam 1952", "điện thoại"),
                           ("0912 345 681", "xã hoặc phường"), ("hac thanh", "14 ngày"), ("khong", "tiếp xúc"),
                           ("khong co a", "vùng dịch"), ("khong", "liều"), ("tiêm đủ 2 mũi", "bệnh nền"),
                           ("khong", "Đúng, gửi")):
        _zalo(sandbox, user, event_name="user_send_text", text=text)
        seen = len(_reply_with(sandbox, "zalo", user, seen, expected))
    messages = _messages(sandbox, "zalo", user, seen)
    assert "Trần Văn Bình" in messages[-1]["text"] and "0912 *** 681" in messages[-1]["text"]
    for title, expected in (("Sửa", "Bạn muốn sửa thông tin nào?"), ("Năm sinh", "Năm sinh")):
        _press_zalo(sandbox, user, messages, title)
        messages = _reply_with(sandbox, "zalo", user, seen, expected)
        seen = len(messages)
    _zalo(sandbox, user, event_name="user_send_text", text="ba 72 tuổi")
    messages = _reply_with(sandbox, "zalo", user, seen, "1954")
    seen = len(messages)
    _press_zalo(sandbox, user, messages, "Đúng, gửi")
    _reply_with(sandbox, "zalo", user, seen, "đã được ghi nhận")
    [record] = declarations(settings)
    assert record.birth_year == 1954 and record.full_name == "Trần Văn Bình" and record.answers["doses"] == 2


@pytest.mark.parametrize("text, more", [("có, cho mẹ tôi", True), ("dạ có", True), ("yes please", True),
                                        ("không cần đâu", False), ("khong a", False), ("no thanks", False)])
def test_another_household_member_in_free_text(settings, text, more):
    session = ConversationSession(channel="telegram", user_id="household-words", lang="vi", flow="household",
                                  step="more", data={"household_of": 1, "phone": "+84912345600"})
    session.save(get_redis(settings), 600)
    said, session = send(settings, "household-words", text)
    assert ("Họ và tên" in said or "họ tên" in said.lower()) if more else session.flow is None, said


def test_an_unclear_answer_about_another_member_says_what_to_answer(settings):
    ConversationSession(channel="telegram", user_id="household-unclear", lang="vi", flow="household", step="more",
                        data={"household_of": 1}).save(get_redis(settings), 600)
    said, session = send(settings, "household-unclear", "để tôi hỏi đã")
    assert "Vui lòng trả lời có hoặc không." in said and session.flow == "household"

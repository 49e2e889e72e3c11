"""Engine paths besides the declaration: reports, announcements, language, staff, bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import handle
from bot.messages import Inbound
from core.db import session_scope
from core.models import Alert, ChannelIdentity, Report, Subscription
from tests.bot.test_engine_flows import run, say

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def test_report_with_photo_gets_a_reference(settings):
    replies = run(settings, "rep-1", [
        (("p", "/report"), "phản ánh điều gì"),
        (("p", "/report:price_gouging"), "mô tả"),
        ("Hiệu thuốc ở chợ bán que test 500 nghìn một cái", "gửi ảnh"),
    ])
    replies = say(settings, "rep-1", kind="image", media_url="https://example.invalid/p.jpg")
    with session_scope(settings.database_url) as db:
        report = db.scalar(select(Report))
        assert report.category == "price_gouging" and "que test" in report.text
        assert report.media_url == "https://example.invalid/p.jpg"
        assert report.reference in replies[-1].text


def test_report_location_and_skip(settings):
    run(settings, "rep-2", [(("p", "/report:quarantine_breach"), "mô tả"),
                            ("Nhà số 5 đang cách ly nhưng vẫn ra ngoài", "vị trí")])
    replies = say(settings, "rep-2", kind="location", latitude=19.8, longitude=105.77)
    assert "PA-" in replies[-1].text
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Report)).latitude == pytest.approx(19.8)


@pytest.mark.parametrize("text, category", [
    ("co nguoi tu sai gon ve ma khong cach ly, nha so 5 ngo 3", "quarantine_breach"),
    ("Có người gọi tự xưng cán bộ y tế bắt chuyển tiền xét nghiệm", "scam"),
    ("hiệu thuốc đầu ngõ bán que test 200 nghìn một cái, tăng giá quá", "price_gouging"),
    ("trên facebook lan truyền tin đồn sắp phong tỏa toàn tỉnh", "fake_news"),
    ("hàng xóm tôi sốt cao mấy hôm nay, nghi nhiễm mà không đi khám", "suspected_case"),
    ("ống nước trước nhà bị vỡ mấy hôm nay chưa ai sửa", "other"),
])
def test_a_report_typed_in_one_message_is_sorted_by_its_words(settings, text, category):
    """On the category question, a typed description is kept and placed in the category its words say."""
    user = f"rep-words-{abs(hash(text))}"
    run(settings, user, [(("p", "/report"), "phản ánh điều gì"), (text, "vị trí"), (("p", "/skip"), "PA-")])
    with session_scope(settings.database_url) as db:
        report = db.scalar(select(Report))
        assert (report.category, report.text) == (category, text)


def test_a_report_category_chosen_by_its_number(settings):
    run(settings, "rep-num", [(("p", "/report"), "phản ánh điều gì"), ("7", "phản ánh điều gì"),  # no 7th option
                              ("3", "mô tả"), ("Số 0283 lạ gọi đòi tiền", "vị trí"), (("p", "/skip"), "PA-")])
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Report)).category == "scam"


PHOTO = "https://example.invalid/shop.jpg"


def test_a_photo_sent_on_its_own_starts_a_report_that_keeps_it(settings):
    user = "rep-photo"
    assert "phản ánh điều gì" in say(settings, user, kind="image", media_url=PHOTO)[-1].text
    run(settings, user, [(("p", "/report:price_gouging"), "mô tả"),
                         ("hiệu thuốc đầu ngõ bán que test 150 nghìn", "PA-")])  # no second ask for a photo
    with session_scope(settings.database_url) as db:
        report = db.scalar(select(Report))
        assert (report.category, report.media_url) == ("price_gouging", PHOTO)


@pytest.mark.parametrize("caption, expected, category", [
    ("có người bán que test giá cao gấp 3, tăng giá quá", "PA-", "price_gouging"),
    ("đây có phải triệu chứng covid không", "Nguồn", None),  # a question with a photo: answered, no report
])
def test_a_captioned_photo(settings, caption, expected, category):
    replies = say(settings, f"rep-cap-{abs(hash(caption))}", kind="image", media_url=PHOTO, text=caption)
    assert expected in replies[-1].text or expected in replies[0].text
    with session_scope(settings.database_url) as db:
        report = db.scalar(select(Report))
        assert (report.category, report.media_url, report.text) == (category, PHOTO, caption) if category \
            else report is None


def test_subscribe_and_unsubscribe(settings):
    run(settings, "sub-1", [(("p", "/subscribe"), "thông báo"), ("phuong hac thanh", "Hạc Thành")])
    with session_scope(settings.database_url) as db:
        sub = db.scalar(select(Subscription))
        assert sub.active and sub.commune_code == 14797
    run(settings, "sub-1", [(("p", "/unsubscribe"), "không nhận thông báo nữa")])
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Subscription)).active is False


def test_language_switch_is_remembered(settings):
    run(settings, "lang-1", [("english", "English"), ("/start", "Health declaration")])
    run(settings, "lang-1", [("tieng viet", "tiếng Việt"), ("/start", "Khai báo y tế")])


def test_staff_handoff_raises_an_alert(settings):
    run(settings, "staff-1", [(("p", "/staff"), "cán bộ")])
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Alert)).kind == "handoff"


def test_unfollow_marks_identity_and_follow_restores(settings):
    handle(settings, Inbound(channel="zalo", user_id="z-1", kind="follow"))
    assert handle(settings, Inbound(channel="zalo", user_id="z-1", kind="unfollow")) == []
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(ChannelIdentity)).stopped_reason == "unfollowed"
    assert handle(settings, Inbound(channel="zalo", user_id="z-1", kind="follow"))
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(ChannelIdentity)).stopped_at is None


@pytest.mark.parametrize("text", ["", "😷🙏", "x" * 5000, "ab\x00\x07cd", "Привет مرحبا 你好", "\u202e\u200b"])
def test_bad_free_text_gets_a_polite_answer(settings, text):
    replies = say(settings, "bad-1", text=text)
    assert replies and all(r.text for r in replies)


@pytest.mark.parametrize("answer,expected", [("1850", "1900"), ("abc", "1900"), ("19577", "1900"), ("", "1900")])
def test_impossible_year_is_reasked(settings, answer, expected):
    run(settings, f"year-{answer}", [(("p", "/declare"), "họ và tên"), ("Phạm Thị Dung", "Năm sinh"),
                                     (answer, expected)])


@pytest.mark.parametrize("answer,expected", [("abc", "không phải là số điện thoại"),
                                             # A foreign number needs its +country code (a foreigner's
                                             # "+1 415 ..." is taken: tests/bot/test_leaving_and_help.py).
                                             ("415 555 0123", "không tồn tại"), ("0212345678", "không tồn tại")])
def test_bad_phone_is_reasked_with_the_reason(settings, answer, expected):
    run(settings, f"phone-{answer}", [(("p", "/declare"), "họ và tên"), ("Phạm Thị Dung", "Năm sinh"),
                                      ("1960", "điện thoại"), (answer, expected)])


def test_faq_answer_in_the_citizens_language_with_its_source(settings):
    vi = run(settings, "faq-1", [(("p", "/faq:quarantine"), "Nguồn")])
    en = run(settings, "faq-2", [(("p", "/lang:en"), "English"), (("p", "/faq:quarantine"), "Source")])
    assert vi[-1].text != en[-1].text


def test_expired_answer_is_not_given_and_goes_to_the_curators(settings):
    from nlu.models import UnansweredQuestion

    replies = run(settings, "faq-3", [(("p", "/faq:distancing_rules"), "cán bộ sẽ liên hệ")])
    assert "Chỉ thị" not in replies[-1].text
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(UnansweredQuestion)).reason == "expired_answer"


def test_an_answer_expires_on_the_provincial_calendar(settings):
    """Half past midnight in Vietnam the day after valid_until is still the day before in UTC: expired."""
    from datetime import datetime, time, timedelta, timezone
    from zoneinfo import ZoneInfo

    from bot import faq
    from core import clock

    last_day = faq.get_answer("faq/quarantine", "vi").valid_until
    next_morning = datetime.combine(last_day + timedelta(days=1), time(0, 30), ZoneInfo(settings.timezone))
    assert next_morning.astimezone(timezone.utc).date() == last_day
    clock.set_now(settings, next_morning)
    try:
        replies = run(settings, "faq-expiry", [(("p", "/faq:quarantine"), "cán bộ sẽ liên hệ")])
    finally:
        clock.reset(settings)
    assert "Nguồn" not in replies[-1].text


@pytest.mark.parametrize("code,expected", [(None, "Health declaration"), ("fr", "Health declaration"),
                                           ("vi-VN", "Khai báo y tế")])
def test_a_new_citizen_gets_the_default_language_unless_telegram_says_one_loa_speaks(settings, code, expected):
    english_default = settings.with_(default_language="en")
    run(english_default, f"deflang-{code}", [("/start", expected)], language_code=code)

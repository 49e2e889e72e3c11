"""Flow transcripts through the real engine, Redis and database: each row is what a citizen sends
and a fragment the last reply must contain (or the payload of a button it must offer)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import handle, session_state
from bot.messages import Inbound
from bot.text import fold
from core.models import Alert, Declaration

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def say(settings, user, text=None, payload=None, channel="telegram", **extra):
    """Send one message and return the replies; the citizens of these transcripts agree to the privacy notice
    when it is shown (consent itself: tests/bot/test_consent.py) and send the summary as it is (the summary
    and its corrections: tests/bot/test_free_text_answers.py)."""
    kind = "button" if payload else extra.pop("kind", "text")
    replies = handle(settings, Inbound(channel=channel, user_id=user, kind=kind, text=text or "", payload=payload,
                                       **extra))
    if any(b.payload.split("@")[0] == "/consent:yes" for r in replies for b in r.buttons):
        replies = handle(settings, Inbound(channel=channel, user_id=user, kind="button", payload="/consent:yes"))
    return confirm_summary(settings, user, replies, channel)


def confirm_summary(settings, user, replies, channel="telegram"):
    """Press 'Correct, send' when the last replies are the declaration's summary; the replies after it."""
    sends = [b.payload for r in replies for b in r.buttons if b.payload.split("@")[0] == "/confirm"]
    if not sends:
        return replies
    return handle(settings, Inbound(channel=channel, user_id=user, kind="button", payload=sends[-1]))


def run(settings, user, transcript, channel="telegram", **first):
    """Play a transcript of (text | ("payload", p), expected fragment) rows; return the last replies."""
    replies = []
    for i, (message, expected) in enumerate(transcript):
        kwargs = dict(first) if i == 0 else {}
        if isinstance(message, tuple):
            replies = say(settings, user, payload=message[1], channel=channel, **kwargs)
        else:
            replies = say(settings, user, text=message, channel=channel, **kwargs)
        joined = "\n".join(r.text for r in replies) + "\n" + " ".join(b.payload + " " + b.title for r in replies for b in r.buttons)
        assert expected.lower() in joined.lower() or fold(expected) in fold(joined), f"step {i} {message!r}: {expected!r} not in {joined!r}"
    return replies


VI_WITH_DIACRITICS = [
    ("Xin chào", "Khai báo y tế"),
    ("khai báo y tế", "họ và tên"),
    ("khai báo y tế", "ví dụ: Nguyễn Văn An"),  # a request is not a name: re-asked with an example
    ("cho tôi hỏi cách ly bao lâu vậy", "ví dụ: Nguyễn Văn An"),  # nor is a question
    ("phải khai những gì?", "ví dụ: Nguyễn Văn An"),
    ("Nguyễn Văn An", "Năm sinh"),
    ("1850", "1900"),  # impossible year: re-asked with an example
    ("1957", "số điện thoại"),
    ("abc", "0912 345 678"),  # not a phone number: re-asked with an example
    ("0912 345 678", "xã hoặc phường"),
    ("Hạc Thành", "14 ngày"),
    (("p", "/symptoms:fever"), "✓"),
    (("p", "/symptoms:cough"), "/done"),
    (("p", "/done"), "dấu hiệu nguy hiểm"),
    (("p", "/done"), "bắt đầu"),
    ("hôm qua", "tiếp xúc gần"),
    ("có", "vùng dịch"),
    ("không", "liều"),
    (("p", "/doses:2"), "bệnh nền"),
    ("có", "CAO"),
]

VI_NO_DIACRITICS = [
    ("chao ban", "khai bao"),
    ("toi muon khai bao y te", "ho va ten"),
    ("tran thi binh", "nam sinh"),
    ("1990", "so dien thoai"),
    ("84912345679", "xa hoac phuong"),
    ("hac thanh", "14 ngay"),
    ("ko", "tiep xuc gan"),
    ("k", "vung dich"),
    ("ko", "lieu"),
    ("2", "benh nen"),
    ("khong", "THAP"),
]

EN = [
    ("/start", "Health declaration"),  # Telegram says the user's app is in English
    (("p", "/lang:vi"), "tiếng Việt"),
    (("p", "/lang:en"), "English"),
    (("p", "/declare"), "Type 'cancel' to stop"),  # English words in the English hint
    ("John Smith", "Year of birth"),
    ("1980", "phone number"),
    ("+84 912 345 670", "commune or ward"),
    ("Hac Thanh", "last 14 days"),
    ("fever, cough and difficulty breathing", "danger signs"),
    (("p", "/symptoms:x"), "choose"),
    (("p", "/done"), "start"),
    ("yesterday", "close contact"),
    ("no", "epidemic area"),
    ("no", "doses"),
    ("3", "chronic"),
    ("no", "EMERGENCY"),
]


def _fold(rows):
    from bot.text import fold
    return [(m, fold(e)) for m, e in rows]


@pytest.mark.parametrize("name,transcript,first", [("vi", VI_WITH_DIACRITICS, {}),
                                                   ("en", EN, {"language_code": "en-US"})])
def test_declaration_transcripts(settings, name, transcript, first):
    run(settings, f"user-{name}", transcript, **first)
    with __import__("core.db", fromlist=["session_scope"]).session_scope(settings.database_url) as db:
        record = db.scalar(select(Declaration).where(Declaration.channel == "telegram"))
        assert record is not None and record.rule_version and record.reasons
        expected = {"vi": "high", "en": "danger"}[name]
        assert record.risk_level == expected
        alerts = db.scalars(select(Alert)).all()
        assert [a.kind for a in alerts] == ["high_risk" if expected == "high" else "danger"]


def test_declaration_without_diacritics_matches_folded_text(settings):
    """Replies carry diacritics; the citizen types none: compare folded."""
    from bot.text import fold

    user = "user-nodia"
    for i, (message, expected) in enumerate(VI_NO_DIACRITICS):
        replies = say(settings, user, text=message)
        joined = fold("\n".join(r.text for r in replies) + " " + " ".join(b.title for r in replies for b in r.buttons))
        assert fold(expected) in joined, f"step {i}: {expected!r} not in {joined!r}"
    from core.db import session_scope
    with session_scope(settings.database_url) as db:
        record = db.scalar(select(Declaration))
        assert record.answers["doses"] == 2 and record.risk_level == "low"
        assert record.phone == "+84912345679" and record.commune_code == 14797 and record.birth_year == 1990


def test_declaration_reads_the_shared_clock(settings):
    """Dates in the flow follow core.clock (moved in demos and tests), like the dialer's schedules."""
    from datetime import datetime, timezone

    from core import clock

    clock.set_now(settings, datetime(2031, 3, 10, 3, 0, tzinfo=timezone.utc))
    try:
        replies = run(settings, "clock-1", [("khai bao y te", "ho va ten"), ("Le Van Tam", "nam sinh"),
                                             ("2031", "so dien thoai")])
        assert "2031" not in replies[-1].text
        run(settings, "clock-2", [("khai bao y te", "ho va ten"), ("Le Van Tam", "nam sinh"),
                                  ("2032", "2031")])  # after the moved "this year": re-asked, up to 2031
    finally:
        clock.reset(settings)


@pytest.mark.parametrize("done", ["xong", "Xong rồi", "done"])
def test_typing_done_on_a_choose_all_question_with_nothing_chosen_means_none(settings, done):
    run(settings, f"done-{done}", [("khai bao y te", "ho va ten"), ("Le Van Tam", "nam sinh"), ("1980", "so dien thoai"),
                                   ("0912345670", "xa hoac phuong"), ("hac thanh", "14 ngay"),
                                   ("ho, sot", "dau hieu nguy hiem"), (done, "bat dau")])


def test_cancel_back_and_resume(settings):
    user = "user-resume"
    run(settings, user, [("khai bao", "họ và tên"), ("Lê Văn Cường", "Năm sinh"), ("quay lai", "họ và tên"),
                         ("Lê Văn Cường", "Năm sinh"), ("menu", "Tiếp tục"), (("p", "/continue"), "Năm sinh"),
                         ("hủy", "Đã hủy"), (("p", "/continue"), "Khai báo y tế")])
    assert session_state(settings, "telegram", user) is None


def test_household_member_shares_phone_and_commune(settings):
    user = "user-household"
    rows = VI_NO_DIACRITICS[1:] + [("co", "thành viên"), ("Tran Van Con", "Trần Văn Con, đúng không"),
                                    ("co", "Năm sinh"), ("2015", "14 ngày"),
                                    ("khong", "tiếp xúc"), ("khong", "vùng dịch"), ("khong", "liều"), ("0", "bệnh nền"),
                                    ("khong", "THẤP"), ("khong", "Khai báo y tế")]
    run(settings, user, rows)
    from core.db import session_scope
    with session_scope(settings.database_url) as db:
        records = db.scalars(select(Declaration).order_by(Declaration.id)).all()
        assert len(records) == 2
        assert records[1].household_of_id == records[0].id
        assert records[1].phone == records[0].phone == "+84912345679"
        assert records[1].commune_code == records[0].commune_code == 14797

"""Free text outside a flow through the NLU interface. Rasa is not running here, so the client's
degraded-mode matcher (trained from the same files) answers: the bot never goes silent."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.models import Alert, Report
from nlu.models import UnansweredQuestion
from tests.bot.test_engine_flows import run, say

pytestmark = pytest.mark.usefixtures("db", "redis_client")

CASES = [
    # (what the citizen types, a fragment of the answer or a button payload)
    ("toi muon khai bao y te", "họ và tên"),
    ("Tôi muốn khai báo y tế", "họ và tên"),
    ("sao tong dai goi cho toi vay", "truy vết"),
    ("cho toi noi chuyen voi nhan vien", "cán bộ"),
    ("dang ky nhan thong bao", "thông báo"),
    ("cach ly tai nha may ngay", "Nguồn"),
    ("Tôi 57 tuổi bị cao huyết áp, tiêm vaccine được không?", "Nguồn"),
    ("English please", "English"),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_free_text_becomes_an_action(settings, text, expected):
    run(settings, f"nlu-{abs(hash(text))}", [(text, expected)])


def test_low_confidence_asks_back_then_offers_the_menu_and_a_person(settings):
    """Two misses in a row: the menu with examples of questions and a button for a person, never a silent
    hand-off (the citizen chooses to ask staff)."""
    user = "nlu-miss"
    first = say(settings, user, text="asdkj qwe zzxv")
    assert "chưa hiểu" in first[-1].text and 2 <= len(first[-1].buttons) <= 4
    assert first[-1].buttons[-1].payload == "/staff"
    second = say(settings, user, text="lkjhg poiuy mnbv")
    assert "vẫn chưa hiểu" in second[-1].text and "F1 cách ly bao nhiêu ngày?" in second[-1].text
    assert {"/declare", "/faq", "/staff"} <= {b.payload for b in second[-1].buttons}
    with session_scope(settings.database_url) as db:
        questions = db.scalars(select(UnansweredQuestion)).all()
        assert [q.reason for q in questions] == ["low_confidence", "low_confidence"]
        assert questions[0].text == "asdkj qwe zzxv" and questions[0].predictions
        assert db.scalar(select(Alert)) is None


def test_out_of_scope_says_what_loa_is_for_and_never_hands_over(settings):
    """Weather and gold prices are not for staff: each gets the scope and the menu, and goes to the curators."""
    user = "nlu-oos"
    for text in ("thoi tiet mai the nao", "giá vàng hôm nay bao nhiêu", "ai vo dich world cup"):
        replies = say(settings, user, text=text)
        assert "chỉ hỗ trợ các việc phòng chống dịch" in replies[0].text
        assert "/declare" in [b.payload for r in replies for b in r.buttons]
    assert "chưa hiểu" in say(settings, user, text="asdkj qwe zzxv")[-1].text  # a real miss is still a first miss
    with session_scope(settings.database_url) as db:
        assert [q.reason for q in db.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))] == [
            "out_of_scope", "out_of_scope", "out_of_scope", "low_confidence"]
        assert db.scalar(select(Alert)) is None


def test_a_whole_report_in_one_message_goes_straight_to_the_evidence(settings):
    """The citizen said what and where: only a photo or location is left to ask, then the reference."""
    text = "toi muon phan anh co nguoi tu vung dich ve khong khai bao o thon 3"
    run(settings, "nlu-report", [(text, "vị trí"), (("p", "/skip"), "PA-")])
    with session_scope(settings.database_url) as db:
        report = db.scalar(select(Report))
        assert (report.category, report.text) == ("quarantine_breach", text)


def test_answer_in_english_for_an_english_citizen(settings):
    replies = run(settings, "nlu-en", [(("p", "/lang:en"), "English"), ("how long is home quarantine", "Source")])
    assert "Nguồn" not in replies[-1].text


def test_a_chosen_topic_ends_a_run_of_misses(settings):
    user = "nlu-miss-then-topic"
    assert "chưa hiểu" in say(settings, user, text="asdkj qwe zzxv")[-1].text
    assert "Nguồn" in say(settings, user, payload="/faq:quarantine")[-1].text
    again = say(settings, user, text="lkjhg poiuy mnbv")
    assert "chưa hiểu" in again[-1].text  # asked back again, not handed over
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Alert)) is None


@pytest.mark.parametrize("text", ["👍", "😷🙏", "...", "", "4", "12"])
def test_emoji_or_a_lone_option_number_is_neither_a_miss_nor_a_question_for_the_curators(settings, text):
    """A bare "4" is an option no longer on offer (the NLU once read it as a vaccine question): the menu."""
    user = f"nlu-emoji-{abs(hash(text))}"
    for _ in range(3):
        replies = say(settings, user, text=text)
        assert replies and "/declare" in [b.payload for r in replies for b in r.buttons]
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Alert)) is None and db.scalar(select(UnansweredQuestion)) is None

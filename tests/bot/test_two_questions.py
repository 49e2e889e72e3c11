"""A message with two questions gets both answers, in the order asked (nlu.split through the engine)."""
from __future__ import annotations

import pytest

from bot.engine import handle
from bot.faq import get_answer
from bot.messages import Inbound

pytestmark = pytest.mark.usefixtures("db", "redis_client")


@pytest.mark.parametrize("message, topics", [
    ("Khẩu trang vải có dùng được không, và thú cưng có lây bệnh không?", ["faq/masks", "faq/pets"]),
    ("Triệu chứng của covid là gì, và cách ly tại nhà bao nhiêu ngày?", ["faq/symptoms", "faq/quarantine"]),
    ("Bà bầu có tiêm vắc xin được không? Còn trẻ em 5 tuổi có được tiêm không?",
     ["faq/vaccine_pregnancy", "faq/vaccine_children"]),
])
def test_both_questions_are_answered_in_order(settings, message, topics):
    replies = handle(settings, Inbound(channel="zalo", user_id=f"two-{abs(hash(message))}", text=message))
    firsts = [get_answer(topic, "vi").text.splitlines()[0] for topic in topics]
    assert [r.text.splitlines()[0] for r in replies] == firsts


def test_one_question_gets_one_answer(settings):
    replies = handle(settings, Inbound(channel="zalo", user_id="one-q", text="Thú cưng có lây bệnh không?"))
    assert len(replies) == 1

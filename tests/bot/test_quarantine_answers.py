"""The question everyone asked: quarantine by classification and vaccination, answered first in one line with
the rule in force (the province's settings), then the source; a short follow-up ("F2 thì sao?") is understood."""
from __future__ import annotations

import pytest

from bot.engine import handle
from bot.messages import Inbound
from bot.quarantine_rules import classification, vaccination

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def _ask(settings, user, text, lang="vi"):
    replies = handle(settings, Inbound(channel="zalo", user_id=user, text=text, language_code=lang))
    return "\n".join(r.text for r in replies)


@pytest.mark.parametrize("question, first_line", [
    ("Tôi là F1 thì cách ly bao nhiêu ngày?", "F1: cách ly tại nhà 7 ngày"),
    ("toi la f1 thi cach ly bao nhieu ngay", "F1: cách ly tại nhà 7 ngày"),
    ("F1 đã tiêm 2 mũi thì cách ly mấy ngày", "F1 đã tiêm đủ mũi: cách ly tại nhà 5 ngày"),
    ("F2 có phải cách ly không", "F2 không phải cách ly"),
    ("tiêm 2 mũi rồi có phải cách ly không?", "F1 đã tiêm đủ mũi vắc xin cách ly tại nhà 5 ngày"),
])
def test_quarantine_by_classification_and_vaccination(settings, question, first_line):
    text = _ask(settings, f"q-{abs(hash(question))}", question)
    assert text.startswith(first_line), text
    assert "Nguồn:" in text and "F0" not in text.split("\n")[0]


def test_english_and_the_rules_in_force_come_from_the_settings(settings):
    text = _ask(settings.with_(quarantine_days_f1=10), "q-en", "I am F1, how many days of quarantine?", lang="en")
    assert text.startswith("F1: quarantine at home for 10 days"), text


def test_a_follow_up_that_only_names_a_classification(settings):
    _ask(settings, "q-follow", "Tôi là F1 thì cách ly bao nhiêu ngày?")
    assert _ask(settings, "q-follow", "F2 thì sao?").startswith("F2 không phải cách ly")
    assert _ask(settings, "q-follow", "con f2?").startswith("F2 không phải cách ly")


@pytest.mark.nodb
@pytest.mark.parametrize("text, cls, vaccinated", [
    ("toi la F1", "F1", None), ("f 2 thi sao", "F2", None), ("F0 cách ly", "F0", None),
    ("đã tiêm đủ 2 mũi", None, True), ("chua tiem mui nao", None, False), ("fully vaccinated F1", "F1", True),
    ("COVID-19 là gì", None, None), ("SpO2 96%", None, None),
])
def test_readings(text, cls, vaccinated):
    assert (classification(text), vaccination(text)) == (cls, vaccinated)

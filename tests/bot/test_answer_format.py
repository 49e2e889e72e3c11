"""Every vetted answer starts with the direct answer in one short sentence and ends with its source and the date
it was last checked ("Cập nhật dd/mm/yyyy."), in the chat and on the hotline, in Vietnamese and English."""
from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from bot import faq
from core.i18n import format_date
from tests.bot.test_engine_flows import say

ENTRIES = yaml.safe_load(faq.ANSWERS_FILE.read_text(encoding="utf-8"))["answers"]
TOPICS = sorted(ENTRIES)
LANGS = ("vi", "en")
UPDATED = {"vi": "Cập nhật", "en": "Updated"}
# A sentence ends inside the line when a full stop, "?" or "!" is followed by a space ("... dương tính. Nếu ...").
_INNER_STOP = re.compile(r"[.?!]\s")


def _first_line(topic: str, lang: str, hotline: str = "1900 9095") -> str:
    return ENTRIES[topic][lang].strip().splitlines()[0].replace("{hotline}", hotline)


def _updated(topic: str, lang: str) -> str:
    """The closing "Cập nhật <date>." as the reply writes the entry's `updated` date today."""
    return f"{UPDATED[lang]} {format_date(ENTRIES[topic]['updated'], lang, 'dd/MM/yyyy')}."


def test_every_topic_the_bot_offers_has_a_vetted_answer():
    assert set(faq.TITLES) == set(ENTRIES)


@pytest.mark.nodb
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", TOPICS)
def test_the_first_line_is_the_direct_answer_in_one_short_sentence(topic, lang):
    first = _first_line(topic, lang)
    assert first.endswith("."), first
    assert not _INNER_STOP.search(first), f"more than one sentence: {first}"
    assert len(first) <= 160, f"{len(first)} characters: {first}"
    assert len(ENTRIES[topic][lang].strip().splitlines()) >= 2, "the direct answer is followed by the details"


@pytest.mark.nodb
@pytest.mark.parametrize("topic", TOPICS)
def test_every_entry_says_where_it_comes_from_and_when_it_was_checked(topic):
    entry = ENTRIES[topic]
    assert entry.get("source") and entry.get("authority")
    assert isinstance(entry.get("valid_until"), date) and isinstance(entry.get("updated"), date)
    assert entry["updated"] <= date.today(), "checked in the future"


def _chat_reply(settings, topic: str, lang: str) -> str:
    user = f"format-{lang}-{topic}"
    if lang != "vi":
        say(settings, user, payload=f"/lang:{lang}")
    replies = say(settings, user, payload=f"/faq:{topic.split('/', 1)[1]}")
    return replies[-1].text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", TOPICS)
def test_the_chat_reply_starts_with_the_direct_answer_and_ends_with_the_update_date(settings, db, redis_client,
                                                                                    topic, lang):
    text = _chat_reply(settings, topic, lang)
    answer = faq.get_answer(topic, lang)
    if answer.expired:  # past its review date: never given (tests/bot/test_engine_paths.py), staff follow up
        assert _first_line(topic, lang, settings.hotline_number) not in text
        return
    assert text.startswith(_first_line(topic, lang, settings.hotline_number))
    assert text.endswith(_updated(topic, lang)), text[-120:]
    assert answer.source in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic", TOPICS)
def test_the_hotline_reads_the_direct_answer_first_and_the_update_date_last(settings, redis_client, topic, lang):
    from ivr.menus import faq_answer

    sentences, follow_up = faq_answer(settings, topic, lang)
    if faq.get_answer(topic, lang).expired:
        assert follow_up and len(sentences) == 1
        return
    assert not follow_up
    assert sentences[0] == _first_line(topic, lang, settings.hotline_number)
    assert sentences[-1].endswith(_updated(topic, lang)), sentences[-1]
    assert all(line.strip() and "{hotline}" not in line for line in sentences)


# The issue asks for "cập nhật dd/mm/yyyy", on chat and on the hotline alike.
@pytest.mark.parametrize("lang", LANGS)
def test_the_update_date_is_written_day_month_year(settings, db, redis_client, lang):
    from ivr.menus import faq_answer

    expected = f"{UPDATED[lang]} {ENTRIES['faq/testing']['updated'].strftime('%d/%m/%Y')}."
    assert _chat_reply(settings, "faq/testing", lang).endswith(expected)
    assert faq_answer(settings, "faq/testing", lang)[0][-1].endswith(expected)


@pytest.mark.parametrize("lang, direct", [("vi", "Hai vạch, kể cả vạch mờ, là dương tính."),
                                          ("en", "Two lines, even a faint one, mean positive.")])
def test_a_caller_hears_the_direct_answer_first_and_the_date_before_the_topics_again(web, db, redis_client, settings,
                                                                                    lang, direct):
    """Over real HTTP through the TwiML walker: questions (2), Testing (4), then back to the main menu (9)."""
    from core import clock
    from tests.ivr.hotline_calls import HANG_UP, place, set_local_time, spoken

    set_local_time(settings, 9)
    try:
        lines = spoken(place(web, lang, ["2", str(list(faq.TITLES).index("faq/testing") + 1), "9", HANG_UP])).splitlines()
    finally:
        clock.reset(settings)
    start = lines.index(direct)
    dated = next(i for i, line in enumerate(lines) if line.endswith(_updated("faq/testing", lang)))
    assert start < dated and all(line != direct for line in lines[:start])
    # between them only the answer's own lines: nothing else interrupts it
    assert dated - start == len(faq.get_answer("faq/testing", lang).text.splitlines())

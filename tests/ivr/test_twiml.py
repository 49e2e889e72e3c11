"""ivr.twiml: engine replies as keypad plans and TwiML, and keys pressed turned back into engine input.

Pure functions: no database, no Redis, no HTTP. `send` records what would reach the engine.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.messages import Button, Reply
from ivr import twiml

pytestmark = pytest.mark.nodb
ACTION = "http://loa.test/voice/declare"
YES_NO = [Button("Yes", "/yes"), Button("No", "/no")]
SYMPTOMS = Reply("Any of these?", [Button("✓ Fever", "symptoms:fever"), Button("Cough", "symptoms:cough"),
                                   Button("Done", "/done")], multi_select=True)


class Engine:
    """Stands in for bot.engine.handle: records each input and answers with a scripted batch."""

    def __init__(self, *answers: list[Reply]):
        self.sent: list[tuple[str | None, str]] = []
        self.answers = list(answers)

    def __call__(self, payload: str | None = None, text: str = "") -> list[Reply]:
        self.sent.append((payload, text))
        return self.answers.pop(0) if self.answers else [Reply("ok")]


def xml(state: dict, lang: str = "vi") -> ET.Element:
    return ET.fromstring(str(twiml.render(state, lang, ACTION)))


def says(root: ET.Element) -> list[tuple[str, str, str]]:
    return [(el.text, el.get("voice"), el.get("language")) for el in root.iter("Say")]


# --- rendering -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, voice, language", [("vi", "Google.vi-VN-Standard-A", "vi-VN"),
                                                    ("en", "Google.en-US-Standard-C", "en-US")])
def test_every_say_uses_the_language_voice(lang, voice, language):
    root = xml(twiml.plan([Reply("Hello"), Reply("Contact?", YES_NO)]), lang)
    assert {(v, lang_) for _t, v, lang_ in says(root)} == {(voice, language)}


def test_buttons_become_press_n_in_a_one_digit_gather_with_a_noinput_redirect():
    root = xml(twiml.plan([Reply("Thanks."), Reply("Contact?", YES_NO)]), "en")
    gather = root.find("Gather")
    assert gather.get("numDigits") == "1" and gather.get("action") == ACTION and gather.get("input") == "dtmf"
    assert [t for t, _v, _l in says(root)] == ["Thanks.", "Contact?", "For Yes, press 1.", "For No, press 2."]
    assert root.find("Redirect").text == ACTION + "?noinput=1"


def test_vietnamese_prompts_come_from_the_catalog():
    root = xml(twiml.plan([Reply("Tiếp xúc?", [Button("Có", "/yes")])]), "vi")
    assert "Để chọn Có, bấm phím 1." in [t for t, _v, _l in says(root)]


def test_numeric_choices_are_pressed_as_themselves():
    state = twiml.plan([Reply("Doses?", [Button(d, f"/doses:{d.rstrip('+')}") for d in ("0", "1", "2", "3+")])])
    assert [t for t, _v, _l in says(xml(state, "en"))][-1] == "For 3 or more, press 3."
    engine = Engine()
    twiml.next_state(state, "0", engine, "en")
    assert engine.sent == [("/doses:0", "")]


def test_more_than_nine_buttons_are_typed_then_hash():
    state = twiml.plan([Reply("Pick", [Button(f"Item {i}", f"/i:{i}") for i in range(1, 12)])])
    gather = xml(state, "en").find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") is None
    engine = Engine()
    twiml.next_state(state, "11", engine, "en")
    assert engine.sent == [("/i:11", "")]


def test_speech_text_is_cleaned_of_emoji_checkmarks_and_links():
    assert twiml.clean("✓ Sốt 🤒\nSee https://moh.gov.vn now") == ["Sốt", "See now"]


def test_end_plan_is_only_sentences():
    root = xml(twiml.plan([Reply("Risk level: LOW.")]), "en")
    assert root.find("Gather") is None and [t for t, _v, _l in says(root)] == ["Risk level: LOW."]


# --- keys pressed ------------------------------------------------------------------------------
def test_a_button_key_sends_its_payload_and_plans_the_next_question():
    engine = Engine([Reply("Year of birth?", ask="digits")])
    state = twiml.next_state(twiml.plan([Reply("Contact?", YES_NO)]), "2", engine, "en")
    assert engine.sent == [("/no", "")] and state["mode"] == "digits"


@pytest.mark.parametrize("digits, note", [("7", "Sorry, that key is not valid."), ("", "I did not hear a key.")])
def test_invalid_and_missing_keys_repeat_the_question_then_give_up_on_the_third(digits, note):
    state = twiml.plan([Reply("Contact?", YES_NO)])
    engine = Engine()
    for attempt in (1, 2):
        state = twiml.next_state(state, digits, engine, "en")
        assert state["mode"] == "buttons" and state["say"] == [note] and state["failures"] == attempt
        assert "Contact?" in [t for t, _v, _l in says(xml(state, "en"))]
    assert twiml.next_state(state, digits, engine, "en")["mode"] == "giveup"
    assert engine.sent == []


def test_a_valid_key_resets_the_failure_count():
    state = twiml.next_state(twiml.plan([Reply("Q", ask="digits")]), "", Engine(), "en")
    assert state["failures"] == 1
    assert twiml.next_state(state, "1957", Engine(), "en")["failures"] == 0


def test_digits_are_read_back_and_only_a_confirmed_number_reaches_the_engine():
    engine = Engine()
    state = twiml.plan([Reply("Year of birth?", ask="digits")])
    gather = xml(state, "en").find("Gather")
    assert gather.get("finishOnKey") == "#" and gather.get("numDigits") is None
    state = twiml.next_state(state, "1975", engine, "en")
    assert [t for t, _v, _l in says(xml(state, "en"))] == [
        "You entered 1 9 7 5. Press 1 to confirm, 2 to enter it again."]
    state = twiml.next_state(state, "2", engine, "en")  # re-enter
    assert state["typed"] is None and engine.sent == []
    state = twiml.next_state(twiml.next_state(state, "1957#", engine, "en"), "1", engine, "en")
    assert engine.sent == [(None, "1957")]


def test_multi_select_asks_each_option_as_yes_no_then_sends_changes_and_done():
    engine = Engine([], [], [Reply("Next question", YES_NO)])
    state = twiml.plan([SYMPTOMS])
    assert [o["title"] for o in state["options"]] == ["Fever", "Cough"]  # "/done" is not asked
    spoken = [t for t, _v, _l in says(xml(state, "en"))]
    assert spoken == ["Any of these?", "Fever? Press 1 for yes, 2 for no."]
    state = twiml.next_state(state, "2", engine, "en")  # fever was chosen before: now no -> toggled off
    assert [t for t, _v, _l in says(xml(state, "en"))] == ["Cough? Press 1 for yes, 2 for no."]
    state = twiml.next_state(state, "1", engine, "en")  # cough: yes -> toggled on
    assert engine.sent == [("symptoms:fever", ""), ("symptoms:cough", ""), ("/done", "")]
    assert state["mode"] == "buttons"


def test_multi_select_with_nothing_chosen_sends_only_done():
    engine = Engine()
    state = twiml.plan([Reply("Danger signs?", [Button("Chest pain", "d:chest"), Button("None", "/done")],
                              multi_select=True)])
    twiml.next_state(state, "2", engine, "en")
    assert engine.sent == [("/done", "")]


def test_urgent_reply_offers_the_cdc_before_anything_else():
    state = twiml.plan([Reply("Risk: EMERGENCY. Call 115.", urgent=True), Reply("Another member?", YES_NO)])
    assert state["mode"] == "urgent"
    assert [t for t, _v, _l in says(xml(state, "en"))][-1] == "To talk to the provincial CDC now, press 1."
    assert twiml.next_state(state, "1", Engine(), "en")["mode"] == "cdc"
    then = twiml.next_state(state, "", Engine(), "en")  # silence goes on with the call, it is no failure
    assert then["mode"] == "buttons" and then["ask"] == "Another member?"


def test_pick_for_hand_built_menus():
    state = twiml.menu(["Welcome."], "Main menu.", [("1", "To declare, press 1.", "declare"),
                                                    ("0", "For the CDC, press 0.", "cdc")])
    assert twiml.pick(state, "0", "en")[0] == "cdc"
    payload, again = twiml.pick(state, "5", "en")
    assert payload is None and again["say"] == ["Sorry, that key is not valid."]
    assert [t for t, _v, _l in says(xml(state, "en"))] == ["Welcome.", "Main menu.", "To declare, press 1.",
                                                          "For the CDC, press 0."]


def test_say_and_hang_up():
    root = ET.fromstring(str(twiml.say_and_hang_up("en", "Goodbye.")))
    assert [el.tag for el in root] == ["Say", "Hangup"]


def test_every_ivr_prompt_has_a_vietnamese_translation():
    from babel.messages.pofile import read_po

    from core.i18n import TRANSLATIONS

    with (TRANSLATIONS / "vi" / "LC_MESSAGES" / "ivr.po").open("rb") as fh:
        missing = [m.id for m in read_po(fh) if m.id and not m.string]
    assert missing == []


def test_a_speech_question_is_a_speech_gather_with_the_hints_in_the_call_language():
    from ivr import twiml

    state = twiml.plan([Reply("Say your commune.", ask="speech", hints=["Hạc Thành", "Quảng Phú"])])
    xml = str(twiml.render(state, "vi", "https://loa.example/voice/declare"))
    assert 'input="speech"' in xml and 'language="vi-VN"' in xml and 'hints="Hạc Thành, Quảng Phú"' in xml
    sent = []
    after = twiml.next_state(state, "", lambda **kw: sent.append(kw) or [Reply("ok")], "vi", speech="hac thanh")
    assert sent == [{"text": "hac thanh"}] and after["mode"] == "end"
    assert twiml.next_state(state, "", lambda **kw: [], "vi", speech="")["say"] == ["Xin lỗi, tôi chưa nghe thấy bạn nói."]

"""The hotline's language choice and health declaration, walked by keypad over real HTTP in both languages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import Alert, Declaration
from ivr.simulate import call
from tests.ivr.hotline_calls import CALLER, COMMUNE, HANG_UP, LOW_RISK, events, place, set_local_time, spoken


@pytest.fixture()
def hotline(web, db, redis_client, settings):
    """A running Loa at 09:00 local time (the CDC is open), clean database and Redis."""
    set_local_time(settings, 9)
    yield web
    from core import clock

    clock.reset(settings)


@pytest.mark.parametrize("lang, texts", [
    ("vi", ["Danh mục chính.", "Năm sinh? (ví dụ: 1985)", "Bạn đã nhập 1 9 5 7. Bấm phím 1 để xác nhận, phím 2 để nhập lại.",
            "Sốt? Có, bấm phím 1. Không, bấm phím 2.", "Mức nguy cơ: THẤP"]),
    ("en", ["Main menu.", "Year of birth? (for example: 1985)", "You entered 1 9 5 7. Press 1 to confirm, 2 to enter it again.",
            "Fever? Press 1 for yes, 2 for no.", "Risk level: LOW"]),
])
def test_a_low_risk_declaration_by_keypad(hotline, db, lang, texts):
    transcript = place(hotline, lang, ["1", *LOW_RISK, HANG_UP])
    text = spoken(transcript)
    for expected in texts:
        assert expected in text
    assert ("For 3 or more, press 3." if lang == "en" else "Để chọn 3 trở lên, bấm phím 3.") in text
    # Chat-only hints (buttons to tap, dates to type) are never read to a caller.
    assert not any(hint in text for hint in ("'Done'", "'Xong'", "type a date", "gõ ngày"))
    # The greeting is bilingual; after the choice every sentence is in the chosen language's voice.
    after = transcript[transcript.index(events(transcript, "gather")[0]):]
    voice = ("Google.vi-VN-Standard-A", "vi-VN") if lang == "vi" else ("Google.en-US-Standard-C", "en-US")
    assert {(e["voice"], e["language"]) for e in events(after, "say")} == {voice}
    # After the result the caller is back at the main menu, and their declaration is stored.
    assert text.rindex("Risk level" if lang == "en" else "Mức nguy cơ") < text.rindex("Main menu." if lang == "en" else "Danh mục chính.")
    with db() as session:
        row = session.scalars(select(Declaration)).one()
    assert (row.channel, row.phone, row.birth_year, row.risk_level) == ("voice", CALLER, 1957, "low")
    assert row.answers["doses"] == 2 and row.answers["symptoms"] == []
    assert transcript[-1] == {"verb": "end", "reason": "caller_hangup"}


def test_silence_at_the_language_prompt_means_vietnamese(hotline):
    text = spoken(place(hotline, None, [HANG_UP]))
    assert "Danh mục chính." in text and "Để khai báo y tế, bấm phím 1." in text


def test_an_invalid_language_key_is_said_and_asked_again(hotline):
    text = spoken(call(hotline.url, ["7", "2", HANG_UP]))
    assert "Xin lỗi, phím bạn bấm không hợp lệ." in text and "Main menu." in text


def test_a_typed_number_can_be_entered_again(hotline, db):
    transcript = place(hotline, "en", ["1", "1", "1875#", "2", "1957#", "1", *LOW_RISK[3:], HANG_UP])
    text = spoken(transcript)
    assert "You entered 1 8 7 5." in text and "You entered 1 9 5 7." in text
    with db() as session:
        assert session.scalars(select(Declaration.birth_year)).one() == 1957


# Words that only make sense in a chat (buttons to tap, text to type): a caller has a keypad.
CHAT_HINTS = {"en": ("type", "tap", "button", "done", "choose"), "vi": ("gõ", "chạm", "nút", "xong", "chọn, hoặc")}


@pytest.mark.parametrize("lang, retry", [("en", "Please enter a year of birth between 1900"),
                                         ("vi", "Vui lòng nhập năm sinh từ 1900")])
def test_a_year_the_engine_refuses_is_asked_again_in_keypad_words(hotline, lang, retry):
    text = spoken(place(hotline, lang, ["1", "1", "1850#", "1", "1980#", "1", *COMMUNE, "1", *["2"] * 6, *["2"] * 4, "2", HANG_UP]))
    assert retry in text
    after_menu = text[text.index("1 8 5 0"):].lower()  # the declaration: the retry, the symptoms, the onset
    assert not [hint for hint in CHAT_HINTS[lang] if hint in after_menu]


def test_symptoms_are_asked_one_by_one_and_the_chosen_ones_recorded(hotline, db):
    # fever yes, cough yes, the rest no; danger signs all no; onset "yesterday" (2); contact yes.
    keys = ["1", "1", "1980#", "1", *COMMUNE, "1", "1", *["2"] * 5, *["2"] * 4, "2", "1", "2", "2", "2"]
    text = spoken(place(hotline, "en", [*keys, "2", HANG_UP]))
    assert "Do you have any of these danger signs right now?" in text
    assert "When did the symptoms start?" in text and "type a date" not in text
    with db() as session:
        row = session.scalars(select(Declaration)).one()
    assert sorted(row.answers["symptoms"]) == ["cough", "fever"] and row.answers["contact"] is True
    assert row.risk_level == "high"


def test_danger_signs_offer_the_cdc_at_once(hotline, db):
    # Difficulty breathing: yes -> EMERGENCY; then "1" at the CDC offer rings the on-duty numbers.
    keys = ["1", "1", "1950#", "1", *COMMUNE, "2", "2", "1", *["2"] * 4, *["2"] * 4, "1", "2", "2", "2", "2", "1"]
    transcript = place(hotline, "en", keys, dial_status="completed")
    text = spoken(transcript)
    assert "CALL 115 NOW" in text and "To talk to the provincial CDC now, press 1." in text
    dial = events(transcript, "dial")[0]
    assert dial["numbers"] == ["+842373000115"] and dial["caller_id"] == CALLER
    assert "Thank you for calling. Goodbye." in text and transcript[-1]["reason"] == "hangup"
    with db() as session:
        assert session.scalars(select(Alert.kind)).all() == ["danger"]


def test_silence_at_the_cdc_offer_goes_back_to_the_main_menu(hotline):
    keys = ["1", "1", "1950#", "1", *COMMUNE, "2", "2", "1", *["2"] * 4, *["2"] * 4, "1", "2", "2", "2", "2", ""]
    text = spoken(place(hotline, "en", [*keys, "2", HANG_UP]))  # 2: no other household member
    assert text.rindex("To talk to the provincial CDC now") < text.rindex("Main menu.")


@pytest.mark.parametrize("key, note", [("5", "Sorry, that key is not valid."), ("", "I did not hear a key.")])
def test_three_failed_answers_in_the_declaration_transfer_to_the_cdc(hotline, key, note):
    transcript = place(hotline, "en", ["1", "1", "1957#", "1", *COMMUNE, key, key, key])
    text = spoken(transcript)
    assert text.count(note) == 2 and text.count("Fever? Press 1 for yes, 2 for no.") == 3
    assert "Let me connect you to the CDC. Please hold." in text and events(transcript, "dial")


def test_the_commune_is_said_aloud_and_confirmed_on_the_keypad(hotline, db):
    """An old ward name heard by the recogniser is offered as today's ward; 2 says it again, 1 confirms."""
    keys = ["1", "1", "1957#", "1", "phuong dong ve", "2", "Hạc Thành", "1", *LOW_RISK[5:], HANG_UP]
    transcript = place(hotline, "vi", keys)
    text = spoken(transcript)
    assert "Sau tiếng bíp, bạn hãy nói tên xã hoặc phường nơi bạn ở" in text
    assert "Có phải bạn nói Phường Hạc Thành (Phuong Dong Ve cũ)?" in text and "Mời bạn thử lại." in text
    heard = [e for e in events(transcript, "gather") if e["input"] == "speech"]
    assert len(heard) == 2 and {e["language"] for e in heard} == {"vi-VN"}
    with db() as session:
        assert session.scalars(select(Declaration.commune_code)).one() == 14797  # Phường Hạc Thành


def test_a_commune_never_heard_can_be_skipped(hotline, db):
    keys = ["1", "1", "1957#", "1", "xyz abc", "2", *LOW_RISK[5:], HANG_UP]
    text = spoken(place(hotline, "en", keys))
    assert "Sorry, I did not catch the name of a commune." in text
    with db() as session:
        assert session.scalars(select(Declaration.commune_code)).one() is None


def test_a_household_member_is_declared_by_keypad_with_the_name_said_aloud(hotline, db):
    member = ["1", "Trần Thị Hoa", "2", "Trần Thị Hoa", "1", "1960#", "1", *["2"] * 7, "2", "2", "2", "2", "2"]
    text = spoken(place(hotline, "en", ["1", *LOW_RISK[:-1], *member, HANG_UP]))
    assert "Would you like to declare for another member of your household?" in text
    assert "I heard: Trần Thị Hoa. Is that right?" in text and "Let us try again." in text
    with db() as session:
        rows = session.scalars(select(Declaration).order_by(Declaration.id)).all()
    assert [(r.full_name, r.birth_year) for r in rows][1] == ("Trần Thị Hoa", 1960)
    assert rows[1].household_of_id == rows[0].id and rows[1].commune_code == rows[0].commune_code

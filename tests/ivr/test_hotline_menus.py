"""The hotline's other branches over real HTTP: questions, a tracing call, reports, the CDC, failures, signatures."""
from __future__ import annotations

from datetime import date, datetime, timezone

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from core.models import Alert, Report
from core.testing import wait_until
from tests.ivr.hotline_calls import CALLER, HANG_UP, events, place, set_local_time, spoken


@pytest.fixture()
def hotline(web, db, redis_client, settings):
    """A running Loa at 09:00 local time (the CDC is open), clean database and Redis."""
    set_local_time(settings, 9)
    yield web
    from core import clock

    clock.reset(settings)


@pytest.fixture()
def night(hotline, settings):
    """The same, at 23:00: the CDC is closed."""
    set_local_time(settings, 23)
    return hotline


# --- 2: questions -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang, topic_line, source", [
    ("vi", "Để chọn Quy định cách ly, bấm phím 3.", "Nguồn:"),
    ("en", "For Quarantine rules, press 3.", "Source:"),
])
def test_questions_are_read_and_the_topics_offered_again(hotline, lang, topic_line, source):
    text = spoken(place(hotline, lang, ["2", "3", "9", HANG_UP]))
    assert topic_line in text and source in text
    # topics, the answer, the topics again, then the main menu
    assert text.count(topic_line) == 2 and text.rindex(source) < text.rindex(topic_line)


def test_an_answer_past_its_review_date_is_not_read_and_staff_call_back(hotline, db, monkeypatch):
    from bot import faq

    def expired(topic, lang, hotline="", today=None):
        return faq.Answer(topic, "OLD GUIDANCE", "moh.gov.vn", "Bộ Y tế", date(2021, 1, 1), True)

    monkeypatch.setattr(faq, "get_answer", expired)
    text = spoken(place(hotline, "en", ["2", "1", HANG_UP]))
    assert "OLD GUIDANCE" not in text and "Our staff will call you back about it." in text
    with db() as session:
        alert = session.scalars(select(Alert)).one()
    assert alert.kind == "callback" and alert.details["phone"] == CALLER


# --- 3: a call from the tracing centre -----------------------------------------------------------
def _called(db, phone: str, classification: str) -> None:
    from ivr.models import CallAttempt, TracingContact, TracingList

    with db() as session:
        tracing_list = TracingList(name="cluster 7")
        session.add(tracing_list)
        session.flush()
        contact = TracingContact(list_id=tracing_list.id, phone=phone, name="Trần Thị Bình",
                                 classification=classification, status="reached")
        session.add(contact)
        session.flush()
        session.add(CallAttempt(contact_id=contact.id, attempt_no=1, purpose="tracing", to_phone=phone,
                                from_number="+842373600115", status="completed", outcome="reached",
                                started_at=datetime(2026, 11, 20, 2, 30, tzinfo=timezone.utc)))
        session.commit()


@pytest.mark.parametrize("lang, why, offer", [
    ("vi", "bạn có tên trong danh sách tiếp xúc gần (F1)", "Để khai báo sức khỏe ngay bây giờ, bấm phím 1."),
    ("en", "you were listed as a close contact (F1)", "To do the health check now, press 1."),
])
def test_a_genuine_tracing_call_is_explained_and_the_health_check_offered(hotline, db, lang, why, offer):
    _called(db, CALLER, "F1")
    text = spoken(place(hotline, lang, ["3", "1", HANG_UP], stir_verstat="TN-Validation-Passed-A"))
    assert why in text and offer in text and "9:30" in text  # 02:30 UTC, read in Vietnam time
    assert "Do you agree?" in text or "Bạn có đồng ý không?" in text  # 1 started the declaration: consent first


@pytest.mark.parametrize("stir_verstat", [None, "TN-Validation-Passed-B", "TN-Validation-Failed-A", "TN-No-Validation"])
def test_without_the_carriers_attestation_the_details_go_by_sms_to_the_number(hotline, db, worker, sandbox_clean,
                                                                             stir_verstat):
    """A caller id can be spoofed: the calls to a number are never read out to whoever shows it."""
    _called(db, CALLER, "F1")
    traced = spoken(place(hotline, "en", ["3", "9", HANG_UP], stir_verstat=stir_verstat))
    untraced = spoken(place(hotline, "en", ["3", "9", HANG_UP], caller="+84912000777", stir_verstat=stir_verstat))
    neutral = "For your privacy, if our tracing centre called this number, the details have been sent to it by SMS."
    # Whoever shows a number hears the same words whether or not it was traced: being traced is health data.
    assert neutral in traced and traced == untraced
    assert "close contact" not in traced and "9:30" not in traced and "no record" not in untraced
    sms = wait_until(lambda: httpx.get(f"{sandbox_clean.url}/_sandbox/sms",
                                       params={"to": CALLER, "direction": "outbound-api"}, timeout=10).json(),
                     timeout=30)
    assert len(sms) == 1 and "close contact (F1)" in sms[0]["body"] and "9:30" in sms[0]["body"]
    from ivr.notify import send_lookup_sms

    # Spoofed calls again and again: at most two lookup SMS a day reach the number.
    assert [send_lookup_sms(CALLER, "en") for _ in range(2)] == ["sent", "daily_limit"]
    assert not httpx.get(f"{sandbox_clean.url}/_sandbox/sms", params={"to": "+84912000777"}, timeout=10).json()


def test_a_returnee_is_told_why_and_nothing_about_any_case(hotline, db):
    _called(db, CALLER, "returnee")
    text = spoken(place(hotline, "en", ["3", "9", HANG_UP], stir_verstat="TN-Validation-Passed-A"))
    assert "returning from an epidemic area" in text and "We never tell anyone who the confirmed case is." in text


@pytest.mark.parametrize("lang, warning", [
    ("vi", "đó có thể là lừa đảo"),
    ("en", "it may be a scam"),
])
def test_no_call_placed_warns_of_scams_and_takes_a_report(hotline, db, lang, warning):
    _called(db, "+84987654321", "F1")  # somebody else was called
    transcript = place(hotline, lang, ["3", "1", HANG_UP], stir_verstat="TN-Validation-Passed-A")
    text = spoken(transcript)
    assert warning in text and "0 2 3 7 3 6 0 0 1 1 5" in text
    with db() as session:
        report = session.scalars(select(Report)).one()
    assert (report.category, report.channel) == ("scam", "voice")
    assert report.media_url == events(transcript, "record")[0]["recording_url"]


def test_a_withheld_number_cannot_be_looked_up(hotline):
    text = spoken(place(hotline, "en", ["3", "9", HANG_UP], caller="anonymous"))
    assert "We cannot see your phone number" in text


# --- 4: reports -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, category_key, category", [("vi", "2", "quarantine_breach"), ("en", "4", "price_gouging")])
def test_a_spoken_report_is_stored_with_a_reference_read_back(hotline, db, lang, category_key, category):
    transcript = place(hotline, lang, ["4", category_key, HANG_UP])
    with db() as session:
        report = session.scalars(select(Report)).one()
    assert report.category == category and report.media_url.startswith("https://api.twilio.com/")
    assert " ".join(ch for ch in report.reference if ch.isalnum()) in spoken(transcript)
    assert report.citizen_id is not None


def test_report_menu_key_9_goes_back(hotline, db):
    text = spoken(place(hotline, "en", ["4", "9", HANG_UP]))
    assert text.count("Main menu.") == 2
    with db() as session:
        assert session.scalars(select(Report)).all() == []


# --- 0: the CDC -------------------------------------------------------------------------------
def test_the_cdc_is_dialled_in_its_hours(hotline, settings):
    transcript = place(hotline, "en", ["0"], dial_status="completed")
    dial = events(transcript, "dial")[0]
    assert dial["numbers"] == settings.cdc_numbers and dial["caller_id"] == CALLER
    assert spoken(transcript).endswith("Thank you for calling. Goodbye.")


def test_nobody_answering_leaves_a_voicemail_and_a_callback_task(hotline, db):
    transcript = place(hotline, "vi", ["0"], dial_status="no-answer")
    assert "Hiện chưa có nhân viên nào nghe máy." in spoken(transcript)
    with db() as session:
        alert = session.scalars(select(Alert)).one()
    assert alert.kind == "callback" and alert.details["reason"] == "no-answer"
    assert alert.details["recording_url"] == events(transcript, "record")[0]["recording_url"]


def test_outside_hours_the_caller_goes_straight_to_voicemail(night, db):
    transcript = place(night, "en", ["0"])
    assert not events(transcript, "dial") and "The CDC line is closed now." in spoken(transcript)
    with db() as session:
        assert session.scalars(select(Alert.details)).one()["reason"] == "closed"


def test_numbers_can_have_their_own_hours(settings, redis_client):
    from ivr.cdc import on_duty

    shifts = settings.with_(cdc_numbers=["+842373000001@07:00-12:00", "+842373000002@12:00-21:00",
                                         "+842373000003@21:00-07:00"])
    set_local_time(settings, 9)
    assert on_duty(shifts) == ["+842373000001"]
    set_local_time(settings, 23)
    assert on_duty(shifts) == ["+842373000003"]
    from core import clock

    clock.reset(settings)


# --- failures ---------------------------------------------------------------------------------
def test_a_timeout_repeats_the_prompt_and_an_invalid_key_says_so(hotline):
    text = spoken(place(hotline, "en", ["", "7", "2", "9", HANG_UP]))
    assert "I did not hear a key." in text and "Sorry, that key is not valid." in text
    assert text.count("Main menu.") == 4 and "Choose a topic." in text


def test_three_failures_in_hours_transfer_to_the_cdc(hotline):
    transcript = place(hotline, "en", ["7", "8", ""])
    assert "Let me connect you to the CDC. Please hold." in spoken(transcript) and events(transcript, "dial")


def test_three_failures_outside_hours_say_goodbye(night):
    transcript = place(night, "vi", ["7", "7", "7"])
    assert spoken(transcript).endswith("Xin chào tạm biệt.") and transcript[-1]["reason"] == "hangup"
    assert not events(transcript, "dial")


def test_an_unknown_call_at_a_later_step_hears_the_main_menu(hotline, settings):
    params = {"CallSid": "CA" + "0" * 32, "From": CALLER, "Digits": "1"}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(f"{settings.public_url}/voice/menu",
                                                                               params)
    response = httpx.post(f"{hotline.url}/voice/menu", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200 and "Danh mục chính." in response.text


# --- signatures -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/language", "/voice/menu", "/voice/declare",
                                  "/voice/faq", "/voice/lookup", "/voice/report", "/voice/recorded",
                                  "/voice/cdc/after", "/voice/voicemail", "/voice/tracing/identity?contact=1&attempt=1",
                                  "/voice/tracing/step?contact=1&attempt=1", "/voice/tracing/cdc-after?contact=1&attempt=1"])
def test_unsigned_or_badly_signed_requests_are_refused(hotline, settings, path):
    params = {"CallSid": "CA" + "1" * 32, "From": CALLER, "Digits": "1"}
    assert httpx.post(hotline.url + path, data=params).status_code == 403
    forged = RequestValidator("not-our-token").compute_signature(settings.public_url + path, params)
    assert httpx.post(hotline.url + path, data=params, headers={"X-Twilio-Signature": forged}).status_code == 403


def test_behind_a_proxy_the_public_url_is_rebuilt(hotline, settings):
    params = {"CallSid": "CA" + "2" * 32, "From": CALLER}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        "https://hotline.loa.example.vn/voice/incoming", params)
    headers = {"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "hotline.loa.example.vn"}
    response = httpx.post(hotline.url + "/voice/incoming", data=params, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")

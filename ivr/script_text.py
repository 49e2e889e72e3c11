"""What the tracing call says, in the person's language: never who the confirmed case (F0) is."""
from __future__ import annotations

from datetime import timedelta

from twilio.twiml.voice_response import VoiceResponse

from core import clock
from core.i18n import N_, format_date, translator
from ivr import cdc, twiml

WHO = {
    "F1": N_("Our records show that you were in close contact with a confirmed COVID-19 case (you are an F1)."),
    "F2": N_("Our records show that you were in contact with a close contact of a COVID-19 case (you are an F2)."),
    "returnee": N_("Our records show that you recently returned from an epidemic area."),
}


def _province(settings) -> str:
    try:
        from bot.places import province_name

        return province_name(settings.province_code)
    except Exception:  # noqa: BLE001 - a name is a nicety; the call must go on
        return ""


def identity(settings, contact, retry: int) -> list[str]:
    """The greeting (first time only) and 'press 1 if you are NAME'."""
    _ = translator(contact.language)
    lines = [] if retry else [_("Hello. This is the automated call of the %(province)s COVID-19 tracing centre.",
                                 province=_province(settings))]
    lines.append(_("If you are %(name)s, press 1. If you are not, press 2. To receive no more automated calls, press 9.",
                   name=contact.name))
    return lines


def quarantine_days(settings, classification: str) -> int:
    """Quarantine days for a classification, from the settings."""
    return {"F1": settings.quarantine_days_f1, "F2": settings.quarantine_days_f2,
            "returnee": settings.quarantine_days_returnee}.get(classification, 0)


def status(settings, contact, attempt) -> list[str]:
    """The person's status and what it means for them, then the lead-in to the health check."""
    _ = translator(contact.language)
    if attempt.purpose == "followup":
        lines = [_("Thank you. This is your daily health check.")]
        if contact.followup_until:
            lines.append(_("We will call you each day until %(date)s.", date=format_date(contact.followup_until, contact.language)))
        return lines + [_("Please answer the questions with your keypad.")]
    lines = [_("Thank you. %(who)s", who=_(WHO.get(contact.classification, WHO["F1"])))]
    days = quarantine_days(settings, contact.classification)
    start = contact.exposure_date or clock.local_now(settings).date()
    if days > 0:
        lines.append(_("Please stay in quarantine at home for %(days)s days, until %(date)s: stay in your own room, wear a mask, receive no visitors, and measure your temperature twice a day.",
                       days=days, date=format_date(start + timedelta(days=days), contact.language)))
    else:
        lines.append(_("You do not need to quarantine. Please watch your health, wear a mask, avoid crowded places, and declare at once if you have symptoms."))
    lines.append(_("Now a short health check. Please answer the questions with your keypad."))
    return lines


def machine(settings, lang: str) -> list[str]:
    """The short message left on an answering machine (nothing personal: anyone may hear it)."""
    _ = translator(lang)
    return [_("Hello, this is the provincial health tracing centre with an important message. Please call our hotline %(hotline)s as soon as possible. Thank you.",
              hotline=settings.hotline_number)]


def opted_out(settings, lang: str) -> list[str]:
    """Confirmation of an opt-out, with where to get help anyway."""
    _ = translator(lang)
    return [_("You will receive no more automated calls. If you need help, call the hotline %(hotline)s. Goodbye.",
              hotline=settings.hotline_number)]


def unfinished(settings, lang: str) -> list[str]:
    """Goodbye when the person stopped answering the health check."""
    _ = translator(lang)
    return [_("We did not receive your answers. You can finish the health check by calling the hotline %(hotline)s. Goodbye.",
              hotline=settings.hotline_number)]


def connect_cdc(settings, lang: str, action_url: str) -> VoiceResponse:
    """Dial the CDC numbers on duty now (ivr.cdc); outside their hours promise a call back and point to 115."""
    _ = translator(lang)
    voice, language = twiml.voice(lang)
    response = VoiceResponse()
    # The same duty roster as the hotline: a number's own hours ("+84...@07:00-12:00") are not part of it.
    numbers = cdc.on_duty(settings)
    if not numbers:
        response.say(_("The CDC line is closed now. Staff have been alerted and will call you back. In an emergency, call 115."),
                     voice=voice, language=language)
        response.hangup()
        return response
    response.say(_("Connecting you to the provincial CDC. Please hold."), voice=voice, language=language)
    # With an action, the end of the <Dial> comes back to us: a finished conversation is not "nobody answered".
    dial = response.dial(action=action_url, method="POST", caller_id=settings.twilio_from_number,
                         timeout=cdc.DIAL_TIMEOUT_S)
    for number in numbers:
        dial.number(number)
    return response


def after_cdc(lang: str, dial_status: str) -> VoiceResponse:
    """The end of the tracing call once the <Dial> to the CDC is over."""
    _ = translator(lang)
    if dial_status == "completed":
        return twiml.say_and_hang_up(lang, _("Thank you. Goodbye."))
    return twiml.say_and_hang_up(lang, _("Nobody could answer. Staff have been alerted and will call you back. In an emergency, call 115."))

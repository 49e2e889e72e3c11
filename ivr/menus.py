"""The hotline's own menus (language, main menu, questions, tracing-call lookup, reports) as keypad plans.

Each is built with `ivr.twiml.menu`, so the views render them and count failures like any engine question.
Every sentence is a msgid of the ivr catalog; key 9 always goes back to the main menu.
"""
from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from core import clock
from core.i18n import N_, format_date, format_datetime, translator
from ivr import twiml

FAQ_TOPICS = 5
WHY = {"F1": N_("you were listed as a close contact (F1) of a confirmed case"),
       "F2": N_("you were listed as a contact of a close contact (F2)"),
       "returnee": N_("you were listed as returning from an epidemic area")}
REPORT_CATEGORIES = (
    ("suspected_case", N_("To report a suspected case, press %(n)s.")),
    ("quarantine_breach", N_("To report someone breaking quarantine, press %(n)s.")),
    ("scam", N_("To report a scam, press %(n)s.")),
    ("price_gouging", N_("To report price gouging on medical goods, press %(n)s.")),
    ("other", N_("For anything else, press %(n)s.")),
)


def _province(settings) -> str:
    try:
        from bot.places import province_name

        return province_name(settings.province_code)
    except Exception:  # noqa: BLE001 - a name is a nicety; the call must go on
        return ""


def language(settings, action_url: str, note: bool = False) -> VoiceResponse:
    """The first prompt, in both languages: 1 (or nothing) for Vietnamese, 2 for English."""
    vi, en = translator("vi"), translator("en")
    response = VoiceResponse()
    gather = response.gather(action=action_url, method="POST", input="dtmf", num_digits=1,
                             timeout=twiml.KEY_TIMEOUT_S - 3, finish_on_key="")
    if note:
        twiml.say(gather, vi("Sorry, that key is not valid."), "vi")
    else:
        twiml.say(gather, vi("Hello, this is the COVID-19 hotline of %(province)s.", province=_province(settings)), "vi")
    twiml.say(gather, vi("For Vietnamese, press 1."), "vi")
    twiml.say(gather, en("For English, press 2."), "en")
    # Silence means Vietnamese (the default), so no-input comes back like a key press.
    response.redirect(twiml.twiml_url(action_url, noinput=1), method="POST")
    return response


def main(lang: str, say_first: list[str] | None = None) -> dict:
    """The main menu: declare, questions, a tracing call, report, speak to the CDC."""
    _ = translator(lang)
    return twiml.menu(say_first or [], _("Main menu."), [
        ("1", _("To declare your health, press 1."), "declare"),
        ("2", _("To hear answers to the most asked questions, press 2."), "faq"),
        ("3", _("About a call you received from the tracing centre, press 3."), "lookup"),
        ("4", _("To report something, press 4."), "report"),
        ("0", _("To speak to the CDC, press 0."), "cdc"),
    ])


def back_option(lang: str) -> tuple[str, str, str]:
    """Key 9: back to the main menu."""
    _ = translator(lang)
    return "9", _("To go back to the main menu, press 9."), "menu"


def faq(lang: str, say_first: list[str] | None = None) -> dict:
    """The most asked topics, read as a menu."""
    from bot.faq import top_topics

    _ = translator(lang)
    options = [(str(i), _("For %(title)s, press %(n)s.", title=title, n=i), topic)
               for i, (topic, title) in enumerate(top_topics(FAQ_TOPICS, lang), 1)]
    return twiml.menu(say_first or [], _("Choose a topic."), [*options, back_option(lang)])


def faq_answer(settings, topic: str, lang: str) -> tuple[list[str], bool]:
    """(sentences to read, whether staff must follow up because the answer is missing or out of date)."""
    from bot.faq import get_answer

    _ = translator(lang)
    answer = get_answer(topic, lang, hotline=settings.hotline_number, today=clock.local_now(settings).date())
    if answer is None or answer.expired or not answer.text:
        # Guidance past its review date must not be read out: a person answers instead.
        return [_("The answer to this question is being updated. Our staff will call you back about it.")], True
    source = _("Source: %(authority)s.", authority=answer.authority) if answer.authority else ""
    if answer.updated:  # the same "updated on" as the chat answer, read as a date
        source = (source + " " + _("Updated %(date)s.", date=format_date(answer.updated, lang, "dd/MM/yyyy"))).strip()
    return [*twiml.clean(answer.text), *([source] if source else [])], False


def lookup(settings, calls: list, caller: str | None, lang: str, by_sms: bool = False) -> dict:
    """What we know about calls to the caller's number (never anything about the F0), and what next; with
    `by_sms` (caller id not attested) nothing is read out: any details went by SMS to the number."""
    _ = translator(lang)
    genuine = _("Our tracing calls come only from %(number)s and the hotline %(hotline)s. Health staff never ask for money, bank details or OTP codes.",
                number=twiml.spell_phone(settings.twilio_from_number),
                hotline=twiml.spell_phone(settings.hotline_number))
    if caller is None:
        lines = [_("We cannot see your phone number, so we cannot look up our calls to you."), genuine]
        return twiml.menu(lines, "", [("1", _("To report a suspicious call, press 1."), "report_scam"),
                                      back_option(lang)])
    if by_sms:
        lines = [_("For your privacy, if our tracing centre called this number, the details have been sent to it by SMS."),
                 genuine]
        return twiml.menu(lines, "", [("1", _("To do the health check now, press 1."), "declare"),
                                      ("2", _("To report a suspicious call, press 2."), "report_scam"), back_option(lang)])
    if not calls:
        lines = [_("We have no record of calling your number."),
                 _("If someone claimed to be from the health authorities, it may be a scam: do not pay, and do not share any code."),
                 genuine]
        return twiml.menu(lines, "", [("1", _("To report a suspicious call, press 1."), "report_scam"),
                                      back_option(lang)])
    lines = [_("Yes, the provincial tracing centre called your number.")]
    for call in calls[:3]:
        lines.append(_("On %(when)s we called you because %(why)s.", when=format_datetime(call.when, lang),
                       why=_(WHY.get(call.classification, WHY["F1"]))))
    lines.append(_("We never tell anyone who the confirmed case is."))
    return twiml.menu(lines, "", [("1", _("To do the health check now, press 1."), "declare"), back_option(lang)])


def report(lang: str, say_first: list[str] | None = None) -> dict:
    """What the report is about, before the recording."""
    _ = translator(lang)
    options = [(str(i), _(line, n=i), category) for i, (category, line) in enumerate(REPORT_CATEGORIES, 1)]
    return twiml.menu(say_first or [], _("What would you like to report?"), [*options, back_option(lang)])


def record_prompt(lang: str, action_url: str, note: str = "") -> VoiceResponse:
    """Ask for the spoken report and <Record> it; silence comes back with noinput=1."""
    _ = translator(lang)
    response = VoiceResponse()
    if note:
        twiml.say(response, note, lang)
    twiml.say(response, _("After the beep, say what happened, where and when. Press the hash key when you have finished."),
              lang)
    response.record(action=action_url, method="POST", max_length=180, timeout=6, finish_on_key="#",
                    play_beep=True)
    response.redirect(twiml.twiml_url(action_url, noinput=1), method="POST")
    return response

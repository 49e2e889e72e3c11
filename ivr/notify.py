"""The SMS a person gets when every call attempt failed: who tried to reach them and the hotline."""
from __future__ import annotations

import logging

from sqlalchemy import update

from bot.channels.errors import ContactStopped, MessageInvalid
from bot.text import strip_diacritics
from core import clock
from core.db import session_scope
from core.redis_conn import get_redis
from core.i18n import format_datetime, translator
from core.settings import Settings
from ivr import store, twilio_client
from ivr.lookup import calls_to
from ivr.menus import WHY
from ivr.models import TracingContact

log = logging.getLogger(__name__)
LOOKUP_SMS_PER_DAY = 2


def unreachable_text(settings: Settings, lang: str) -> str:
    """The SMS body; Vietnamese without diacritics so it fits the cheaper 160-character encoding."""
    _ = translator(lang)
    text = _("The provincial health tracing centre tried to call you several times. Please call the hotline %(hotline)s. We never ask for money or codes.",
             hotline=settings.hotline_number)
    return strip_diacritics(text) if lang == "vi" else text


def send_unreachable_sms(contact_id: int) -> str:
    """RQ job: send the unreachable SMS once (claimed before sending so a retry never sends twice)."""
    settings = Settings.from_env()
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        contact = session.get(TracingContact, contact_id)
        if contact is None:
            return "missing"
        if store.opted_out(session, [contact.phone], store.SMS_OPT_OUT_CHANNELS):
            return "opted_out"
        claimed = session.execute(update(TracingContact).where(TracingContact.id == contact_id,
                                                               TracingContact.sms_sent_at.is_(None))
                                  .values(sms_sent_at=now)).rowcount
        phone, lang = contact.phone, contact.language
    if not claimed:
        return "already_sent"
    try:
        twilio_client.send_sms(settings, phone, unreachable_text(settings, lang))
    except (ContactStopped, MessageInvalid) as exc:
        with session_scope(settings.database_url) as session:
            if isinstance(exc, ContactStopped):
                store.add_opt_out(session, phone, "sms", "twilio 21610")
        log.info("unreachable SMS for contact %s refused: %s", contact_id, exc.kind)
        return exc.kind
    except Exception:
        # Retryable (connection, throttling): give the claim back so RQ's retry sends it.
        with session_scope(settings.database_url) as session:
            session.execute(update(TracingContact).where(TracingContact.id == contact_id).values(sms_sent_at=None))
        raise
    return "sent"



def lookup_text(settings: Settings, calls: list, lang: str) -> str:
    """The SMS a hotline caller gets about our calls to their number (never anything about the F0)."""
    _ = translator(lang)
    lines = [_("The provincial tracing centre called your number:")]
    lines += [_("On %(when)s we called you because %(why)s.", when=format_datetime(call.when, lang),
                why=_(WHY.get(call.classification, WHY["F1"]))) for call in calls[:3]]
    lines.append(_("Questions: call the hotline %(hotline)s. We never ask for money or codes.",
                   hotline=settings.hotline_number))
    text = "\n".join(lines)
    return strip_diacritics(text) if lang == "vi" else text


def send_lookup_sms(phone: str, lang: str) -> str:
    """RQ job: SMS the calls we placed to `phone` to that number (the hotline's caller id was not attested)."""
    settings = Settings.from_env()
    with session_scope(settings.database_url) as session:
        if store.opted_out(session, [phone], store.SMS_OPT_OUT_CHANNELS):
            return "opted_out"
        calls = calls_to(settings, session, phone)
    if not calls:
        return "no_calls"
    # Spoofed calls must not flood a number with SMS: at most LOOKUP_SMS_PER_DAY a day for one number.
    counter = f"loa:lookup-sms:{phone}:{clock.local_now(settings):%Y%m%d}"
    client = get_redis(settings)
    if client.incr(counter) > LOOKUP_SMS_PER_DAY:
        return "daily_limit"
    client.expire(counter, 2 * 24 * 3600)
    try:
        twilio_client.send_sms(settings, phone, lookup_text(settings, calls, lang))
    except (ContactStopped, MessageInvalid) as exc:
        log.info("lookup SMS refused: %s", exc.kind)
        return exc.kind
    return "sent"

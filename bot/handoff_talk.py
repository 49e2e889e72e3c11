"""Talking to staff in a conversation: asking opens a hand-off (reference, staff hours), the citizen's next
messages join its thread instead of being answered by the bot, and menu words, "huy" or "bot" leave it."""
from __future__ import annotations

import logging

from babel.dates import get_day_names

from bot import staff_hours
from bot.alerts import raise_alert
from bot.answers import symptoms_in
from bot.flows.declaration_fields import DANGER_SIGNS, label
from bot.handoff_models import Handoff
from bot.handoffs import ACTIVE, active_for, add_message, close, open_handoff, publish
from bot.menu import BOT_WORDS, CANCEL_WORDS, MENU_WORDS, is_word, show_menu, wants_to_stop
from bot.turn import Turn
from core import clock
from core.i18n import gettext, normalize_language

log = logging.getLogger(__name__)
DEFAULT_HOURS = "07:30-17:00 Mon-Sat"
# After "your message was added to your request", later messages within this time get no reply: a citizen
# writing several lines in a row is not answered line by line.
QUIET_S = 5 * 60


def hand_over(turn: Turn, reason: str = "asked") -> None:
    """Open (or rejoin) a hand-off to staff, tell its reference and when staff answer."""
    if turn.channel == "voice":  # on a call there is no thread to join: an alert for a call back
        raise_alert(turn.db, turn.redis, "handoff", "normal", f"citizen asks for staff ({reason})",
                    citizen_id=turn.citizen.id, details={"channel": turn.channel, "reason": reason})
        turn.say(turn._("I have passed your message to our staff; they will reply here during working hours. For emergencies call 115."))
        return
    handoff = active_for(turn.db, turn.channel, turn.inbound.user_id)
    if handoff is None:
        handoff = open_handoff(turn.db, turn.citizen.id, turn.channel, turn.inbound.user_id, reason)
        if turn.text and not turn.payload:
            add_message(turn.db, handoff, "citizen", turn.text, turn.inbound.kind)
        raise_alert(turn.db, turn.redis, "handoff", "normal", f"citizen asks for staff ({reason})",
                    citizen_id=turn.citizen.id,
                    details={"channel": turn.channel, "reason": reason, "handoff_id": handoff.id,
                             "reference": handoff.reference, "last_text": turn.text[:500]})
    turn.session.handoff, turn.session.handoff_ack_at = handoff.id, None
    text = turn._("I have passed your request to our staff (reference %(ref)s).", ref=handoff.reference) + " " \
        + when_staff_answer(turn) + "\n" \
        + turn._("Write your question here: your next messages go to staff. To talk to the bot again, type 'bot'. For emergencies call 115.")
    add_message(turn.db, handoff, "bot", text)
    turn.say(text, [(turn._("Talk to the bot"), "/menu")])


def when_staff_answer(turn: Turn) -> str:
    """'Staff answer from 07:30 to 17:00, Monday to Saturday' and, when closed now, when they will answer."""
    try:
        hours = staff_hours.parse(turn.settings.staff_hours)
    except ValueError:
        log.error("STAFF_HOURS %r is not understood; using %s", turn.settings.staff_hours, DEFAULT_HOURS)
        hours = staff_hours.parse(DEFAULT_HOURS)
    now = clock.local_now(turn.settings)
    days = _day_names(hours.weekdays, turn.lang)
    text = turn._("Staff answer from %(opens)s to %(closes)s, %(days)s.", opens=hours.opens.strftime("%H:%M"),
                  closes=hours.closes.strftime("%H:%M"), days=days)
    if hours.is_open(now):
        return text + " " + turn._("Someone will reply here soon.")
    opening = hours.next_opening(now)
    day = get_day_names("wide", locale=normalize_language(turn.lang))[opening.weekday()]
    return text + " " + turn._("They are not at work now and will reply from %(time)s on %(day)s %(date)s.",
                               time=opening.strftime("%H:%M"), day=day, date=opening.strftime("%d/%m"))


def _day_names(weekdays: frozenset[int], lang: str) -> str:
    names = get_day_names("wide", locale=normalize_language(lang))
    if len(weekdays) == 7:
        return gettext(lang, "every day")
    ordered = sorted(weekdays)
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return gettext(lang, "%(first)s to %(last)s", first=names[ordered[0]], last=names[ordered[-1]])
    return ", ".join(names[d] for d in ordered)


def active(turn: Turn) -> Handoff | None:
    """The hand-off this conversation is joined to, while staff have not closed it."""
    if turn.session.handoff is None:
        return None
    handoff = turn.db.get(Handoff, turn.session.handoff)
    if handoff is None or handoff.status not in ACTIVE:
        turn.session.handoff = turn.session.handoff_ack_at = None  # staff closed it: the bot answers again
        return None
    return handoff


def leaves(turn: Turn) -> bool:
    """Menu words, "huy", "bot", a way of stopping, or any of our buttons (except asking for staff) leave it."""
    if turn.inbound.kind in ("follow", "start"):
        return True
    if turn.payload and turn.payload != "/staff":
        return True
    return is_word(turn, MENU_WORDS | CANCEL_WORDS | BOT_WORDS) or wants_to_stop(turn)


def leave(turn: Turn) -> bool:
    """Detach from the hand-off ("huy" also cancels the request); True when the message is answered here,
    False when it should go on to the bot (a button press, /start)."""
    handoff = active(turn)
    turn.session.handoff = turn.session.handoff_ack_at = None
    if handoff is None:
        return False
    if is_word(turn, CANCEL_WORDS):
        close(turn.db, handoff.id, "citizen")
        add_message(turn.db, handoff, "citizen", turn.text or turn.payload or "", turn.inbound.kind)
        show_menu(turn, greeting=False, intro=turn._("Your request to staff (%(ref)s) is cancelled.",
                                                     ref=handoff.reference))
        return True
    if turn.payload and turn.payload != "/menu" or turn.inbound.kind in ("follow", "start"):
        return False
    show_menu(turn, greeting=False, intro=turn._(
        "You are talking to the bot again. Staff can still answer your request %(ref)s here.", ref=handoff.reference))
    return True


def join(turn: Turn) -> None:
    """The citizen's message goes to the staff thread; the bot says so once, then stays quiet for a while."""
    handoff = active(turn)
    inbound = turn.inbound
    if turn.payload != "/staff":  # pressing "Talk to staff" again only asks for the reference: nothing for staff
        add_message(turn.db, handoff, "citizen", turn.text or None, inbound.kind,
                    inbound.media_url or inbound.extra.get("media_url"))
        publish(turn.redis, handoff, "citizen")
    if turn.text and warn_of_danger(turn, handoff):
        return
    now = clock.now(turn.settings).timestamp()  # the schedules' clock, so a test can move it
    if turn.payload == "/staff" or not turn.session.handoff_ack_at or now - turn.session.handoff_ack_at >= QUIET_S:
        turn.session.handoff_ack_at = now
        turn.say(turn._("Your message was added to your request to staff (%(ref)s). Staff will answer here. To talk to the bot again, type 'bot'.",
                        ref=handoff.reference), [(turn._("Talk to the bot"), "/menu")])


def warn_of_danger(turn: Turn, handoff: Handoff) -> bool:
    """A danger sign named while waiting for staff is never met with silence: 115 now, and a critical alert."""
    danger = symptoms_in(turn.text, (*DANGER_SIGNS, "breathing"))
    if not danger:
        return False
    raise_alert(turn.db, turn.redis, "danger", "critical", "a citizen waiting for staff describes danger signs",
                citizen_id=turn.citizen.id, details={"channel": turn.channel, "reference": handoff.reference,
                                                     "handoff_id": handoff.id, "text": turn.text[:500],
                                                     "signs": danger})
    turn.say(turn._("%(signs)s can be a danger sign: call 115 now, or go to the nearest hospital.",
                    signs=", ".join(label(turn.lang, key) for key in danger)), urgent=True)
    return True

"""Announcements: subscribe with a commune (or the whole province), unsubscribe."""
from __future__ import annotations

from sqlalchemy import select

from bot import places
from bot.flows.base import Flow, Step
from bot.flows.declaration import answer_commune
from bot.turn import Turn
from core.models import Subscription, utcnow


def ask_commune(turn: Turn) -> None:
    """Which commune's announcements."""
    turn.say(turn._("Which commune or ward do you want announcements for? Type its name, or choose the whole province."),
             [(turn._("Whole province"), "/commune:all")])


def answer_sub_commune(turn: Turn) -> bool:
    """A commune, or the whole province."""
    if turn.payload == "/commune:all":
        turn.session.data["commune_code"] = None
        return True
    return answer_commune(turn)


def finish(turn: Turn) -> None:
    """Create or update the subscription for this channel identity."""
    code = turn.session.data.get("commune_code")
    subscription = turn.db.scalar(select(Subscription).where(Subscription.identity_id == turn.identity.id))
    if subscription is None:
        subscription = Subscription(citizen_id=turn.citizen.id, identity_id=turn.identity.id)
        turn.db.add(subscription)
    subscription.commune_code, subscription.active, subscription.ended_at = code, True, None
    turn.citizen.commune_code = code or turn.citizen.commune_code
    turn.db.flush()
    turn.session.end()
    where = places.by_code(turn.settings.province_code, code).name if code else places.province_name(
        turn.settings.province_code)
    turn.say(turn._("You are subscribed to announcements for %(where)s. Type 'huy dang ky' to stop.", where=where))


def unsubscribe(turn: Turn) -> None:
    """Stop every announcement subscription of this channel identity."""
    subscriptions = turn.db.scalars(select(Subscription).where(Subscription.identity_id == turn.identity.id,
                                                               Subscription.active.is_(True))).all()
    for subscription in subscriptions:
        subscription.active, subscription.ended_at = False, utcnow()
    turn.say(turn._("You will no longer receive announcements. Type 'dang ky' to subscribe again.")
             if subscriptions else turn._("You are not subscribed to announcements."))


SUBSCRIBE = Flow("subscribe", (Step("commune", ask_commune, answer_sub_commune),), finish)

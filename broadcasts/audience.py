"""Who a campaign reaches, and on which channel, as one SQL query (planning inserts it, preview counts it).

The audience is either the active subscriptions (optionally of some communes, one topic, one language)
or an uploaded list of phone numbers. Stopped addresses, unsubscribed citizens and SMS opt-outs are
always left out. Each person gets ONE row, on the best channel they can be reached on:
  1 zalo      their Zalo interaction window is open (last message to the OA within 7 days, channels.md A.5)
  2 telegram  they follow the Telegram bot
  3 zns       the campaign has a ZNS template and their phone is known
  4 sms       the campaign allows SMS, their phone is known and has not opted out
A person with none of these is "unreachable" (counted by the preview, not planned).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, null, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from broadcasts.models import Campaign, UploadedPhone
from core.models import ChannelIdentity, Citizen, Subscription
from ivr.models import OptOut

ZALO_WINDOW = timedelta(days=7)  # cs messages after 7 days of silence fail with -230 (channels.md A.5)
RANKS = {"zalo": 1, "telegram": 2, "zns": 3, "sms": 4}
PHONE_CHANNELS = ("sms", "phone")  # ChannelIdentity.channel values whose external_id is a phone number


def _language(campaign: Campaign, citizen_language):
    """SQL: 'en' for English speakers when the campaign has an English body, else 'vi' (render.language_for)."""
    if not (campaign.body_en or "").strip():
        return literal("vi")
    return case((citizen_language == "en", literal("en")), else_=literal("vi"))


def _subscribers(campaign: Campaign, lo: int | None, hi: int | None):
    """One row per active subscription on a working address, filtered by communes/topic/language."""
    audience = campaign.audience or {}
    conditions = [Subscription.active.is_(True), ChannelIdentity.stopped_at.is_(None)]
    if audience.get("communes"):
        codes = list(audience["communes"])
        # A province-wide subscriber (no commune) who lives in a chosen commune is in, too.
        conditions.append(or_(Subscription.commune_code.in_(codes),
                              and_(Subscription.commune_code.is_(None), Citizen.commune_code.in_(codes))))
    if audience.get("topic"):
        conditions.append(Subscription.topic == audience["topic"])
    if audience.get("language"):
        conditions.append(Citizen.language == audience["language"])
    if lo is not None:
        conditions += [Subscription.citizen_id >= lo, Subscription.citizen_id < hi]
    return (select(Subscription.citizen_id.label("person"), Subscription.citizen_id.label("citizen_id"),
                   ChannelIdentity.id.label("identity_id"), ChannelIdentity.channel.label("via"),
                   ChannelIdentity.external_id.label("external_id"),
                   ChannelIdentity.last_inbound_at.label("last_inbound_at"),
                   func.coalesce(Subscription.commune_code, Citizen.commune_code).label("commune_code"),
                   _language(campaign, Citizen.language).label("language"), Citizen.phone.label("phone"))
            .join(ChannelIdentity, ChannelIdentity.id == Subscription.identity_id)
            .join(Citizen, Citizen.id == Subscription.citizen_id)
            .where(*conditions))


def _uploaded(campaign: Campaign, lo: int | None, hi: int | None):
    """One row per uploaded phone x working address of its citizen (if the phone is a known citizen's)."""
    upload_id = (campaign.audience or {}).get("phones_upload_id")
    identity = aliased(ChannelIdentity)
    unsubscribed = and_(
        exists().where(Subscription.citizen_id == Citizen.id, Subscription.active.is_(False)),
        ~exists().where(Subscription.citizen_id == Citizen.id, Subscription.active.is_(True)))
    conditions = [UploadedPhone.upload_id == upload_id, or_(Citizen.id.is_(None), ~unsubscribed)]
    language = (campaign.audience or {}).get("language")
    if language:
        conditions.append(func.coalesce(Citizen.language, "vi") == language)
    if lo is not None:
        conditions += [UploadedPhone.id >= lo, UploadedPhone.id < hi]
    return (select(func.coalesce(Citizen.id, -UploadedPhone.id).label("person"), Citizen.id.label("citizen_id"),
                   identity.id.label("identity_id"), identity.channel.label("via"),
                   identity.external_id.label("external_id"), identity.last_inbound_at.label("last_inbound_at"),
                   Citizen.commune_code.label("commune_code"),
                   _language(campaign, func.coalesce(Citizen.language, "vi")).label("language"),
                   UploadedPhone.phone.label("phone"))
            .select_from(UploadedPhone)
            .outerjoin(Citizen, Citizen.phone == UploadedPhone.phone)
            .outerjoin(identity, and_(identity.citizen_id == Citizen.id, identity.stopped_at.is_(None),
                                      identity.channel.in_(("zalo", "telegram"))))
            .where(*conditions))


def base(campaign: Campaign, lo: int | None = None, hi: int | None = None):
    """The audience before the channel choice, as a subquery (persons may appear on several rows)."""
    if (campaign.audience or {}).get("phones_upload_id"):
        return _uploaded(campaign, lo, hi).subquery("audience")
    return _subscribers(campaign, lo, hi).subquery("audience")


def _sms_ok(phone_col):
    """SQL: the phone has not opted out of SMS and no SMS address with it is stopped."""
    return and_(~exists().where(OptOut.phone == phone_col, OptOut.channel == "sms"),
                ~exists().where(ChannelIdentity.external_id == phone_col,
                                ChannelIdentity.channel.in_(PHONE_CHANNELS), ChannelIdentity.stopped_at.isnot(None)))


def options(campaign: Campaign, now: datetime, lo: int | None = None, hi: int | None = None):
    """Each audience row with the best channel it offers (`rank`, NULL: none), in one pass over the rows."""
    b = base(campaign, lo, hi)
    # CASE takes the first true branch, so the cheapest working channel of the row wins; the opt-out
    # lookups only run for rows that reach the SMS branch.
    whens = [(and_(b.c.via == "zalo", b.c.last_inbound_at >= now - ZALO_WINDOW), RANKS["zalo"]),
             (b.c.via == "telegram", RANKS["telegram"])]
    if campaign.zns_template_id:
        whens.append((b.c.phone.isnot(None), RANKS["zns"]))
    if campaign.allow_sms:
        whens.append((and_(b.c.phone.isnot(None), _sms_ok(b.c.phone)), RANKS["sms"]))
    return select(b, case(*whens, else_=null()).label("rank")).subquery("options")


def chosen(campaign: Campaign, now: datetime, lo: int | None = None, hi: int | None = None) -> Select:
    """One row per reachable person: their best-ranked option (person, citizen_id, identity_id, channel, ...)."""
    o = options(campaign, now, lo, hi)
    by_address = o.c.rank <= RANKS["telegram"]  # zalo/telegram go to the identity, zns/sms to the phone
    ranked = select(
        o.c.person, o.c.citizen_id, case((by_address, o.c.identity_id), else_=null()).label("identity_id"),
        case({rank: literal(name) for name, rank in RANKS.items()}, value=o.c.rank).label("channel"),
        case((by_address, o.c.external_id), else_=o.c.phone).label("address"), o.c.language, o.c.commune_code,
        func.row_number().over(partition_by=o.c.person, order_by=(o.c.rank, o.c.identity_id)).label("rn"),
    ).where(o.c.rank.isnot(None)).subquery("ranked")
    return select(ranked.c.person, ranked.c.citizen_id, ranked.c.identity_id, ranked.c.channel, ranked.c.address,
                  ranked.c.language, ranked.c.commune_code).where(ranked.c.rn == 1)


def person_bounds(session, campaign: Campaign) -> tuple[int, int] | None:
    """(lowest, highest) key the batches of planning walk over: citizen ids, or uploaded-phone row ids."""
    upload_id = (campaign.audience or {}).get("phones_upload_id")
    if upload_id:
        query = select(func.min(UploadedPhone.id), func.max(UploadedPhone.id)).where(UploadedPhone.upload_id == upload_id)
    else:
        query = select(func.min(Subscription.citizen_id), func.max(Subscription.citizen_id)).where(
            Subscription.active.is_(True))
    low, high = session.execute(query).one()
    return None if low is None else (int(low), int(high))


def eligible_count(session, campaign: Campaign) -> int:
    """People in the audience before the channel choice (reachable or not)."""
    b = base(campaign)
    return int(session.execute(select(func.count(func.distinct(b.c.person)))).scalar_one())

"""Before launch: who a campaign would reach (per channel, commune, language), how long it would take at the
configured rates, the message as each language sees it, and a test send to the composer's own addresses."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import places
from bot.channels import get_adapter
from bot.channels.errors import SendError
from bot.messages import Reply
from bot.phones import InvalidPhone, to_e164
from broadcasts import audience, render
from broadcasts.models import Campaign, PhoneUpload, StaffTestAddress
from broadcasts.quiet_hours import quiet_until
from core.i18n import translator
from core.privacy import mask_phone
from core.settings import Settings

TEST_CHANNELS = ("zalo", "telegram", "sms")


def rates(settings: Settings) -> dict[str, float]:
    """Sends per second per channel (0: no limit); ZNS goes through the same Zalo app as cs messages."""
    return {"zalo": settings.broadcast_zalo_per_second, "zns": settings.broadcast_zalo_per_second,
            "telegram": settings.broadcast_telegram_per_second, "sms": settings.sms_per_second}


def estimated_seconds(by_channel: dict[str, int], settings: Settings) -> float:
    """How long the sends take: channels run side by side, each at its own rate, so the slowest one decides."""
    per_channel = [count / rate for channel, count in by_channel.items()
                   if (rate := rates(settings).get(channel, 0)) > 0]
    return round(max(per_channel, default=0.0), 1)


def counts(session: Session, campaign: Campaign, now: datetime) -> dict:
    """Recipients per channel, per commune and per language, as planning would choose them now."""
    picked = audience.chosen(campaign, now).subquery("picked")
    rows = session.execute(select(picked.c.channel, picked.c.commune_code, picked.c.language, func.count())
                           .group_by(picked.c.channel, picked.c.commune_code, picked.c.language)).all()
    by_channel: dict[str, int] = {}
    by_commune: dict[int | None, int] = {}
    by_language: dict[str, int] = {}
    for channel, commune, language, n in rows:
        by_channel[channel] = by_channel.get(channel, 0) + n
        by_commune[commune] = by_commune.get(commune, 0) + n
        by_language[language] = by_language.get(language, 0) + n
    return {"by_channel": by_channel, "by_commune": by_commune, "by_language": by_language,
            "total": sum(by_channel.values())}


def preview(session: Session, settings: Settings, campaign: Campaign, now: datetime) -> dict:
    """Everything staff check before approving or launching (JSON-safe)."""
    found = counts(session, campaign, now)
    eligible = audience.eligible_count(session, campaign)
    communes = [{"code": code, "name": _commune_name(settings, code), "recipients": n}
                for code, n in sorted(found["by_commune"].items(), key=lambda item: (-item[1], item[0] or 0))]
    held = quiet_until(campaign, settings, now)
    out = {
        "recipients": found["total"],
        "unreachable": max(eligible - found["total"], 0),
        "by_channel": found["by_channel"],
        "by_language": found["by_language"],
        "by_commune": communes,
        "estimated_seconds": estimated_seconds(found["by_channel"], settings),
        "rates_per_second": rates(settings),
        "held_by_quiet_hours_until": held.isoformat() if held else None,
        "messages": render.all_languages(campaign),
    }
    upload_id = (campaign.audience or {}).get("phones_upload_id")
    if upload_id:
        upload = session.get(PhoneUpload, upload_id)
        out["upload"] = {"id": upload_id, "accepted": upload.good_count if upload else 0,
                         "refused": len(upload.rows) if upload else 0}
    return out


def _commune_name(settings: Settings, code: int | None) -> str:
    if code is None:
        return "-"
    commune = places.by_code(settings.province_code, code)
    return commune.name if commune else str(code)


def my_addresses(session: Session, staff_id: int) -> list[dict]:
    """The staff member's own test addresses."""
    rows = session.execute(select(StaffTestAddress).where(StaffTestAddress.staff_id == staff_id)
                           .order_by(StaffTestAddress.id)).scalars()
    return [{"channel": r.channel, "address": r.address} for r in rows]


def set_my_addresses(session: Session, staff_id: int, addresses: list[dict]) -> list[dict]:
    """Replace the staff member's test addresses with `addresses` ([{channel, address}]); ValueError if bad."""
    clean = []
    for item in addresses:
        channel, address = str(item.get("channel", "")), str(item.get("address", "")).strip()
        if channel not in TEST_CHANNELS or not address:
            raise ValueError(f"channel must be one of {TEST_CHANNELS} with an address")
        if channel == "sms":
            try:
                address = to_e164(address, vietnam_only=False)
            except InvalidPhone as exc:
                raise ValueError(f"not a phone number ({exc.reason})") from exc
        if (channel, address) not in [(c["channel"], c["address"]) for c in clean]:
            clean.append({"channel": channel, "address": address[:64]})
    session.execute(delete(StaffTestAddress).where(StaffTestAddress.staff_id == staff_id))
    session.add_all(StaffTestAddress(staff_id=staff_id, **c) for c in clean)
    session.flush()
    return clean


def test_send(session: Session, settings: Settings, campaign: Campaign, staff_id: int) -> list[dict]:
    """Send the campaign, marked as a test, in every language it has to each of the staff member's addresses."""
    results = []
    for target in my_addresses(session, staff_id):
        channel, address = target["channel"], target["address"]
        for language in render.all_languages(campaign):
            _ = translator(language)
            if channel == "sms":
                reply = Reply(text=_("[Test] %(text)s", text=render.sms_text(campaign, language)), language=language)
            else:
                base = render.reply_for(campaign, language)
                reply = Reply(text=_("[Test] %(text)s", text=base.text), buttons=base.buttons, language=language)
            shown = mask_phone(address) if channel == "sms" else address
            try:
                ids = get_adapter(channel, settings).send(address, [reply])
                results.append({"channel": channel, "address": shown, "language": language, "ok": True,
                                "message_ids": ids})
            except SendError as exc:
                results.append({"channel": channel, "address": shown, "language": language, "ok": False,
                                "error": f"{type(exc).__name__}: {exc}"})
    return results

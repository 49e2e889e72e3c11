"""Check what staff send to create or edit a campaign; every problem is named by its field."""
from __future__ import annotations

from datetime import datetime, timezone

from bot import places
from core.settings import Settings

EDITABLE = ("title", "body_vi", "body_en", "buttons", "link", "audience", "allow_sms", "zns_template_id",
            "urgent", "scheduled_at")
MAX_BUTTONS = 3  # Zalo shows at most a few buttons per card; more is a wall of choices anyway
MAX_BODY = 2000  # Zalo's and Telegram's practical message size (channels.md)
LANGUAGES = ("vi", "en")


class Invalid(ValueError):
    """The campaign data has problems: `errors` maps a field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _text(data: dict, name: str, errors: dict, required: bool, limit: int) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = "required"
        return None
    if not isinstance(value, str):
        errors[name] = "must be text"
        return None
    if len(value) > limit:
        errors[name] = f"longer than {limit} characters"
    return value.strip()


def _buttons(raw, errors: dict) -> list[dict]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_BUTTONS:
        errors["buttons"] = f"a list of at most {MAX_BUTTONS} buttons"
        return []
    out = []
    for i, button in enumerate(raw):
        payload = str((button or {}).get("payload") or "").strip() if isinstance(button, dict) else ""
        if not payload.startswith("/"):
            errors[f"buttons[{i}].payload"] = "a bot command such as /declare or /faq:quarantine"
            continue
        out.append({"title_vi": str(button.get("title_vi") or "").strip()[:40],
                    "title_en": str(button.get("title_en") or "").strip()[:40], "payload": payload[:64]})
    return out


def _audience(raw, settings: Settings, errors: dict) -> dict:
    raw = raw or {}
    if not isinstance(raw, dict):
        errors["audience"] = "an object"
        return {}
    communes = raw.get("communes")
    if communes is not None:
        try:
            communes = sorted({int(c) for c in communes})
        except (TypeError, ValueError):
            errors["audience.communes"] = "a list of commune codes"
            communes = None
        else:
            unknown = [c for c in communes if places.by_code(settings.province_code, c) is None]
            if unknown:
                errors["audience.communes"] = f"not communes of this province: {unknown}"
            communes = communes or None
    language = raw.get("language") or None
    if language is not None and language not in LANGUAGES:
        errors["audience.language"] = "vi, en or null"
    upload = raw.get("phones_upload_id")
    if upload is not None and not isinstance(upload, int):
        errors["audience.phones_upload_id"] = "an upload id"
    topic = raw.get("topic") or None
    return {"communes": communes, "topic": str(topic)[:32] if topic else None, "language": language,
            "phones_upload_id": upload}


def parse_when(raw, errors: dict) -> datetime | None:
    """An aware datetime from ISO text (UTC when no zone is given), None for empty; a problem goes in `errors`."""
    if raw in (None, ""):
        return None
    try:
        when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        errors["scheduled_at"] = "an ISO date and time, e.g. 2026-12-03T08:00:00+07:00"
        return None
    # Stored in UTC: SQLite keeps the wall time and drops the zone.
    return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)


def clean(data: dict, settings: Settings) -> dict:
    """The campaign fields from `data` checked and normalised; raises Invalid naming each bad field."""
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        errors["fields"] = f"unknown: {unknown}"
    out = {
        "title": _text(data, "title", errors, required=True, limit=200),
        "body_vi": _text(data, "body_vi", errors, required=True, limit=MAX_BODY),
        "body_en": _text(data, "body_en", errors, required=False, limit=MAX_BODY),
        "buttons": _buttons(data.get("buttons"), errors),
        "link": _text(data, "link", errors, required=False, limit=500),
        "audience": _audience(data.get("audience"), settings, errors),
        "allow_sms": bool(data.get("allow_sms", False)),
        "zns_template_id": _text(data, "zns_template_id", errors, required=False, limit=64),
        "urgent": bool(data.get("urgent", False)),
        "scheduled_at": parse_when(data.get("scheduled_at"), errors),
    }
    if out["link"] and not out["link"].startswith(("https://", "http://")):
        errors["link"] = "an http(s) address"
    if errors:
        raise Invalid(errors)
    return out

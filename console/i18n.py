"""The console's language (vi default, en) and the helpers its templates use."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import session

from core import i18n

LANGUAGES = i18n.LANGUAGES


def current_language() -> str:
    """The language the staff member chose (session), else Vietnamese."""
    return i18n.normalize_language(session.get("lang") or i18n.DEFAULT_LANGUAGE)


def gettext(message: str, **values) -> str:
    """`message` in the console's current language (catalog domain "console")."""
    return i18n.gettext(current_language(), message, **values)


def when(value: datetime | None) -> str:
    """A date and time in the configured zone as dd/mm/yyyy hh:mm ('' for None), as Vietnamese staff write it.

    strftime, not Babel: the pages print hundreds of these and Babel's formatter costs ~0.3 ms each.
    """
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(i18n.local_zone()).strftime("%d/%m/%Y %H:%M")


def number(value) -> str:
    """A number with the current language's separators."""
    return i18n.format_number(value or 0, current_language())

"""The console's language (vi default, en) and the helpers its templates use."""
from __future__ import annotations

from datetime import datetime

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
    """A date and time in Asia/Ho_Chi_Minh for the current language ('' for None)."""
    return i18n.format_datetime(value, current_language()) if value else ""


def number(value) -> str:
    """A number with the current language's separators."""
    return i18n.format_number(value or 0, current_language())

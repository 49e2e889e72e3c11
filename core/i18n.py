"""Babel i18n: catalogs per domain (bot, ivr, nlu, ...) in translations/, vi default, en second.

Source strings (msgids) are English; the vi catalog carries the Vietnamese. `.mo` files are compiled
by `make` (pybabel compile); if one is missing or older than its `.po`, it is compiled in memory so a
fresh checkout never speaks untranslated text.
"""
from __future__ import annotations

import os
import threading
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from core.settings import ROOT

TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The TIMEZONE setting's zone (Asia/Ho_Chi_Minh by default), read when used so .env applies."""
    return _zone(os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE)
_lock = threading.Lock()


def normalize_language(code: str | None) -> str:
    """Map a language code ('vi-VN', 'en_US', None) to one Loa speaks."""
    if not code:
        return DEFAULT_LANGUAGE
    short = code.replace("_", "-").split("-")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def _load_domain(lang: str, po_path: Path) -> Translations:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=po_path.stem)
        import io

        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return Translations(fp=buf, domain=po_path.stem)
    with mo_path.open("rb") as fh:
        return Translations(fp=fh, domain=po_path.stem)


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """All domains of one language merged into one Translations object."""
    lang = normalize_language(lang)
    with _lock:
        merged: NullTranslations | None = None
        folder = TRANSLATIONS / lang / "LC_MESSAGES"
        for po_path in sorted(folder.glob("*.po")) if folder.exists() else []:
            domain = _load_domain(lang, po_path)
            if merged is None:
                merged = domain
            else:
                merged.merge(domain)
        return merged or NullTranslations()


def gettext(lang: str, message: str, **values) -> str:
    """Translate `message` into `lang` and fill its %(name)s placeholders."""
    text = translations(lang).gettext(message)
    return text % values if values else text


def ngettext(lang: str, singular: str, plural: str, n: int, **values) -> str:
    """Plural-aware translation; `n` is also available as %(n)s."""
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"n": n, **values}


def translator(lang: str):
    """A `_` function bound to one language: `_("Hello %(name)s", name=...)`."""

    def _(message: str, **values) -> str:
        return gettext(lang, message, **values)

    return _


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated later with gettext)."""
    return message


def local_now() -> datetime:
    """The current time in the configured zone (TIMEZONE, Asia/Ho_Chi_Minh by default)."""
    return datetime.now(timezone.utc).astimezone(local_zone())


def format_date(value: date | datetime, lang: str, fmt: str = "medium") -> str:
    """A date written the way `lang` readers expect, in the configured zone."""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(local_zone()).date()
    return _format_date(value, format=fmt, locale=Locale.parse(normalize_language(lang)))


def format_datetime(value: datetime, lang: str, fmt: str = "short") -> str:
    """A date and time in the configured zone, formatted for `lang`."""
    if not value.tzinfo:
        value = value.replace(tzinfo=timezone.utc)
    return _format_datetime(value, format=fmt, tzinfo=local_zone(), locale=Locale.parse(normalize_language(lang)))


def format_number(value: float | int, lang: str) -> str:
    """A number with the locale's separators (1.234,5 in vi; 1,234.5 in en)."""
    return format_decimal(value, locale=Locale.parse(normalize_language(lang)))

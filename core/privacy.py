"""Personal data in logs: phone numbers are masked before any line is written."""
from __future__ import annotations

import logging
import re

from core.secret_masking import SecretMaskingFilter, mask_secrets, remember_secrets  # noqa: F401 (re-export)

# 0912345678, 0912 345 678, 84912345678, +84 912 345 678, (+84) 912.345.678: the prefix is kept as written.
# "%2B84..." is a number in a URL's query string.
_PHONE = re.compile(r"(?<![\w+])((?:%2B)?\(?\+?84\)?[ .-]?|0)(\d(?:[ .-]?\d){7,10})(?![\w])")


def mask_phone(text: str) -> str:
    """Replace the middle digits of every phone number in `text` with '*', keeping the last 3."""

    def _mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return match.group(1) + "*" * max(len(digits) - len(re.sub(r"\D", "", match.group(1))) - 3, 0) + digits[-3:]

    return _PHONE.sub(_mask, text)


def replace_phones(text: str, placeholder: str = "0900000000") -> str:
    """Replace every phone number in `text` with `placeholder` (training data keeps the shape, not the number)."""
    return _PHONE.sub(placeholder, text)


class MaskingFormatter(logging.Formatter):
    """A formatter that masks phone numbers and secrets in the whole line, tracebacks included (exception texts
    carry them)."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with every phone number and secret masked."""
        return mask_secrets(mask_phone(super().format(record)))


class PhoneMaskingFilter(logging.Filter):
    """A logging filter that masks phone numbers in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def configure_logging(level: str = "INFO", settings=None) -> None:
    """Log to stderr with phone numbers and secrets masked, once per process (`settings`: its secrets too)."""
    if settings is not None:
        remember_secrets(settings)
    root = logging.getLogger()
    if any(isinstance(f, PhoneMaskingFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PhoneMaskingFilter())
    handler.addFilter(SecretMaskingFilter())
    root.addHandler(handler)
    root.setLevel(level)

"""Personal data in logs: phone numbers are masked before any line is written."""
from __future__ import annotations

import logging
import re

_PHONE = re.compile(r"(?<![\w])(\+?84|0)(\d[\d .-]{6,12}\d)(?![\w])")


def mask_phone(text: str) -> str:
    """Replace the middle digits of every phone number in `text` with '*', keeping the last 3."""

    def _mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return match.group(1) + "*" * max(len(digits) - len(re.sub(r"\D", "", match.group(1))) - 3, 0) + digits[-3:]

    return _PHONE.sub(_mask, text)


class PhoneMaskingFilter(logging.Filter):
    """A logging filter that masks phone numbers in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with phone numbers masked, once per process."""
    root = logging.getLogger()
    if any(isinstance(f, PhoneMaskingFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PhoneMaskingFilter())
    root.addHandler(handler)
    root.setLevel(level)

"""Vietnamese phone numbers: parsed and validated with `phonenumbers`, stored in E.164."""
from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """The text is not a usable Vietnamese phone number; `reason` says why (for the re-ask)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # not_a_number | not_vietnamese | invalid


def to_e164(text: str, region: str = "VN", vietnam_only: bool = True) -> str:
    """'0912 345 678', '84912345678' or '+84912345678' -> '+84912345678'; raises InvalidPhone."""
    raw = (text or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) < 8:
        raise InvalidPhone("not_a_number")
    if raw.startswith("84") and len(digits) >= 11:
        raw = "+" + digits  # Zalo sends 84xxxxxxxxx without the plus
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("not_a_number") from exc
    if vietnam_only and number.country_code != 84:
        raise InvalidPhone("not_vietnamese")
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """'+84912345678' -> '0912 345 678' for reading back to the citizen; a foreign number stays international
    ('+1 415-555-0100'), and text that is no number comes back as it was."""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 84
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)

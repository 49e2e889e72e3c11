"""Personal fields as a staff member may see them: whole with the ".personal" permission, masked without."""
from __future__ import annotations

import re

from core.staff_auth import can, current_staff

PHONE_FIELDS = ("phone", "to_phone", "from_phone")
NAME_FIELDS = ("name", "full_name", "display_name")


def mask_number(phone: str | None) -> str | None:
    """Every digit but the last 3 starred; a leading '+' and country code kept ('+84*******678')."""
    if not phone:
        return phone
    keep = re.match(r"^\+\d{2}", phone)
    head = keep.group(0) if keep else ""
    body = phone[len(head):]
    digits = sum(ch.isdigit() for ch in body)
    out, seen = [], 0
    for ch in body:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 3 else "*")
        else:
            out.append(ch)
    return head + "".join(out)


def mask_name(name: str | None) -> str | None:
    """Initials only ('Nguyen Van An' -> 'N. V. A.')."""
    if not name:
        return name
    return " ".join(word[0] + "." for word in name.split())


def redact(record: dict, permission: str, staff=None, *, phones=PHONE_FIELDS, names=NAME_FIELDS) -> dict:
    """`record` with its phone and name fields masked unless `staff` (default: the request's) has `permission`."""
    if can(staff if staff is not None else current_staff(), permission):
        return record
    out = dict(record)
    for key in phones:
        if isinstance(out.get(key), str):
            out[key] = mask_number(out[key])
    for key in names:
        if isinstance(out.get(key), str):
            out[key] = mask_name(out[key])
    return out


def shows_personal(permission: str, staff=None) -> bool:
    """Whether `staff` (default: the request's) sees personal fields whole under `permission`."""
    return can(staff if staff is not None else current_staff(), permission)

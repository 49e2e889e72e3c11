"""What every webhook schema shares: strict pydantic models, the field types providers send, and one
`check()` that turns a validation failure into a ParseError (400) naming the first bad field.

Models are strict (a number is not a string, a list is not a string) and ignore fields Loa does not read,
so a provider adding fields never breaks us while a wrong type in a field we read is a clear 400.
"""
from __future__ import annotations

import math
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from bot.channels import ParseError

M = TypeVar("M", bound=BaseModel)

# An id as providers send it: no spaces or control characters, bounded (it ends up in Redis keys).
Id = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\s\x00-\x1f\x7f]+$")]
# Free text from a citizen: bounded so a 1 MB "message" never reaches the engine, and without NUL, which no
# keyboard types and PostgreSQL cannot store (the worker would fail on it after the webhook said yes).
Text = Annotated[str, StringConstraints(max_length=8000, pattern=r"^[^\x00]*$")]
Short = Annotated[str, StringConstraints(max_length=512, pattern=r"^[^\x00]*$")]
Url = Annotated[str, StringConstraints(max_length=2048, pattern=r"^https?://[^\s\x00-\x1f\x7f]+$")]


def _number(value: str | float) -> float:
    """A coordinate given as a number or as decimal text ("19.806692"), finite."""
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError("not a number") from exc
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _latitude(value: str | float) -> float:
    number = _number(value)
    if not -90 <= number <= 90:
        raise ValueError("latitude out of range")
    return number


def _longitude(value: str | float) -> float:
    number = _number(value)
    if not -180 <= number <= 180:
        raise ValueError("longitude out of range")
    return number


Latitude = Annotated[str | float, AfterValidator(_latitude)]
Longitude = Annotated[str | float, AfterValidator(_longitude)]


class Strict(BaseModel):
    """Base of every webhook model: strict types, unknown fields ignored, immutable."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


def describe(error: ValidationError, data) -> str:
    """'message.text: Input should be a valid string' for the first problem found in `data`."""
    first = error.errors(include_url=False, include_input=False)[0]
    # pydantic's path also names union members and validators ("constrained-str", "Party"): keep only the
    # steps that exist in the data, and the name of a missing field.
    parts, node = [], data
    for i, part in enumerate(first["loc"]):
        if isinstance(node, dict) and part in node:
            parts.append(str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parts.append(str(part))
            node = node[part]
        elif first["type"] == "missing" and i == len(first["loc"]) - 1:
            parts.append(str(part))
    return f"{'.'.join(parts) or 'body'}: {first['msg']}"


def check(model: type[M], data) -> M:
    """`data` validated as `model`; ParseError (answered 400) naming the first bad field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ParseError(describe(exc, data)) from None

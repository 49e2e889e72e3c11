"""Year of birth as citizens give it: '1952', 'nam 1952', 'ba sinh nam 52', '72 tuoi', 'I am 72'."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import fold

OLDEST = 1900
MAX_AGE = 120
# An age is a number said with "tuổi" / "years old", or after "I am" / "age".
_AGE_AFTER = re.compile(r"(?<!\d)(\d{1,3})\s*(?:tuoi|t|years?(?:\s*old)?|yrs?(?:\s*old)?|yo|y\s*o)(?![a-z])")
_AGE_BEFORE = re.compile(r"(?:\bi\s*am|\bi\s*m|\bim|\baged?|\bnam\s*nay)\s+(\d{1,3})(?!\d)(?!\s*[/.-]\d)")
_BABY = re.compile(r"(?<!\d)\d{1,2}\s*(?:thang(?:\s*tuoi)?|months?(?:\s*old)?)(?![a-z])")
_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})(?!\d)")
_NUMBER = re.compile(r"(?<!\d)\d+(?!\d)")


@dataclass(frozen=True)
class YearReading:
    """A year of birth, or why the answer cannot be one (reason: future | too_old | age | none)."""

    year: int | None
    reason: str | None = None
    given: int | None = None  # the refused year or age, to say why


def two_digit_year(yy: int, this_year: int) -> int:
    """'52' -> 1952, '05' -> 2005: the latest year with those last digits that is not in the future."""
    year = 2000 + yy
    return year if year <= this_year else 1900 + yy


def _checked(year: int, this_year: int) -> YearReading:
    if year > this_year:
        return YearReading(None, "future", year)
    if year < OLDEST:
        return YearReading(None, "too_old", year)
    return YearReading(year)


def read_birth_year(text: str, this_year: int) -> YearReading:
    """The year of birth in a short answer, from a year (4 or 2 digits, or inside a date) or an age."""
    folded = fold(text)
    if _BABY.search(folded):
        return YearReading(this_year)  # "6 tháng tuổi": a baby, born this year (or late last year)
    age = _AGE_AFTER.search(folded) or _AGE_BEFORE.search(folded)
    if age:
        years = int(age.group(1))
        if years > MAX_AGE:
            return YearReading(None, "age", years)
        return YearReading(this_year - years)
    date = _DATE.search(folded)
    if date:
        digits = date.group(1)
        return _checked(int(digits) if len(digits) == 4 else two_digit_year(int(digits), this_year), this_year)
    numbers = _NUMBER.findall(folded)
    if len(numbers) != 1:
        return YearReading(None, "none")
    number = numbers[0]
    if len(number) == 4:
        return _checked(int(number), this_year)
    if len(number) == 2:
        return YearReading(two_digit_year(int(number), this_year))
    return YearReading(None, "none")

"""The question everyone asked: "I am F1: how many days of quarantine?", "and F2?", "vaccinated: still?".

The general quarantine answer is about confirmed cases (F0); a citizen who names their classification or their
vaccination gets the rule in force for them first, in one line, from the province's settings
(QUARANTINE_DAYS_F1, QUARANTINE_DAYS_F1_VACCINATED, QUARANTINE_DAYS_F2), then the vetted answer's source.
"""
from __future__ import annotations

import re

from bot.text import fold
from bot.turn import Turn

TOPICS = ("faq/quarantine", "faq/close_contact")
_CLASS = re.compile(r"(?<![a-z0-9])f\s?([012])(?![0-9])")
_VACCINATED = re.compile(r"(tiem|chich)\s*(du|\d|hai|ba|mot|2|3)?\s*(mui|lieu)|tiem du|da tiem|tiem roi|vaccinated|"
                         r"(two|three|2|3) (doses|shots)|all (my )?doses|full(y)? dose")
_NOT_VACCINATED = re.compile(r"chua tiem|khong tiem|not vaccinated|unvaccinated|no vaccine|chua chich")
# "F2 thì sao?", "con F2?", "and F2?": a follow-up that only names a classification.
_FOLLOW_UP = re.compile(r"^(con |and |what about |the )?f\s?[012]( thi sao| thi the nao| sao| nua| then)?\s*\??$")


def classification(text: str) -> str | None:
    """'F0', 'F1' or 'F2' when the text names one (with or without a space: 'f 1')."""
    found = _CLASS.search(fold(text))
    return f"F{found.group(1)}" if found else None


def vaccination(text: str) -> bool | None:
    """True when the text says the person is vaccinated, False when it says not, else None."""
    folded = fold(text)
    if _NOT_VACCINATED.search(folded):
        return False
    return True if _VACCINATED.search(folded) else None


_QUARANTINE = re.compile(r"cach ly|quarantin|isolat|o nha bao nhieu ngay")


def is_follow_up(turn: Turn) -> bool:
    """A short "F2 thì sao?" right after a quarantine answer."""
    return "quarantine" in turn.session.told and bool(_FOLLOW_UP.match(fold(turn.text)))


def asks_for_the_rule(turn: Turn) -> bool:
    """A question about quarantine that names a classification or a vaccination ("tiêm 2 mũi rồi có phải cách ly
    không?"), or a follow-up to one: answered by the rule, whatever the NLU makes of the rest of the sentence."""
    if is_follow_up(turn):
        return True
    text = turn.text
    return len(text) <= 300 and bool(_QUARANTINE.search(fold(text))) and \
        (classification(text) in ("F1", "F2") or vaccination(text) is not None)


def direct_answer(turn: Turn) -> str | None:
    """The rule in force for the classification or vaccination the citizen named, in one line; None if neither."""
    cls, vaccinated = classification(turn.text), vaccination(turn.text)
    s = turn.settings
    if cls == "F1" or (cls is None and vaccinated is not None):
        if vaccinated is True:
            return turn._("An F1 who has had all vaccine doses quarantines at home for %(days)s days after the last contact with the case (%(other)s days if not fully vaccinated); F2 do not quarantine.",
                          days=s.quarantine_days_f1_vaccinated, other=s.quarantine_days_f1) if cls is None else \
                turn._("F1 with all vaccine doses: quarantine at home for %(days)s days after the last contact with the case, then watch your health.",
                       days=s.quarantine_days_f1_vaccinated)
        return turn._("F1: quarantine at home for %(days)s days after the last contact with the case (%(vaccinated)s days if you have had all vaccine doses), then watch your health.",
                      days=s.quarantine_days_f1, vaccinated=s.quarantine_days_f1_vaccinated)
    if cls == "F2":
        if s.quarantine_days_f2 > 0:
            return turn._("F2: quarantine at home for %(days)s days, and declare at once if the F1 you met tests positive.",
                          days=s.quarantine_days_f2)
        return turn._("F2 do not need to quarantine: watch your health, wear a mask, and declare at once if you have symptoms or if the F1 you met tests positive (you then become an F1).")
    return None  # F0 or nothing named: the general answer is about confirmed cases

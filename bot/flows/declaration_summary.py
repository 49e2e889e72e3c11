"""Before a declaration is saved: the answers read back, sent as they are or one of them corrected."""
from __future__ import annotations

import re

from bot import places
from bot.answers import yes_no
from bot.flows.declaration_fields import DATA_KEYS, FIELDS, shown
from bot.flows.declaration_result import is_danger
from bot.turn import Turn

SEND_WORDS = {"gui", "gui di", "dung gui", "dung roi gui", "send", "submit", "xac nhan", "confirm"}
EDIT_WORDS = {"sua", "sua lai", "sai", "chua dung", "khong dung", "edit", "change", "correct it", "wrong"}
# "sửa năm sinh", "sai số điện thoại", "wrong phone": the answer named with the correction (folded words).
_EDIT_WORD = re.compile(r"\b(?:sua|sai|nham|edit|change|wrong|correct)\b")
FIELD_WORDS = (
    ("birth_year", ("nam sinh", "tuoi", "year", "age", "born")),
    ("phone", ("dien thoai", "sdt", "so dt", "phone")),
    ("commune", ("xa", "phuong", "dia chi", "commune", "ward", "address")),
    ("danger_signs", ("nguy hiem", "danger")),
    ("symptoms", ("trieu chung", "symptom")),
    ("onset", ("ngay bat dau", "khi nao", "tu ngay", "since", "onset", "started")),
    ("contact", ("tiep xuc", "contact")),
    ("epidemic_area", ("vung dich", "epidemic", "area")),
    ("doses", ("mui", "lieu", "vac", "dose", "shot")),
    ("chronic", ("benh nen", "chronic", "condition")),
    ("full_name", ("ten", "name")),
)


def _lines(turn: Turn) -> list[tuple[str, str, str]]:
    """(step, label, value) of every answer given, in the order asked."""
    data = turn.session.data

    def commune_name(code: int) -> str:
        found = places.by_code(turn.settings.province_code, int(code))
        return found.name if found else str(code)

    rows = []
    for step, label in FIELDS:
        value = shown(turn.lang, step, data, commune_name)
        if value is not None:
            rows.append((step, turn._(label), value))
    return rows


def _editable(turn: Turn) -> list[tuple[str, str, str]]:
    # A household member shares the declarer's phone and commune; they are corrected on the declarer's.
    member = bool(turn.session.data.get("household_of"))
    return [row for row in _lines(turn) if not (member and row[0] in ("phone", "commune"))]


def skip_summary(turn: Turn) -> bool:
    """No summary on a call (each keypad answer was read back as it was given), nor with danger signs: 115 and
    the staff alert must not wait for a press (a wrong answer is corrected by declaring again)."""
    return turn.channel == "voice" or is_danger(turn)


def is_editing(turn: Turn, step: str) -> bool:
    """While one answer is corrected, the steps already answered are not asked again."""
    data = turn.session.data
    return bool(data.get("_editing")) and DATA_KEYS.get(step, step) in data


def ask_summary(turn: Turn) -> None:
    """The answers, then 'Correct, send' or 'Edit'."""
    turn.session.data.pop("_editing", None)
    body = "\n".join(f"- {label}: {value}" for _step, label, value in _lines(turn))
    turn.say(turn._("Please check your declaration:") + "\n" + body + "\n" + turn._("Is everything correct?"),
             [(turn._("Correct, send"), "/confirm"), (turn._("Edit"), "/edit")])


def ask_which(turn: Turn) -> None:
    """Which answer to correct."""
    buttons = [(label, f"/edit:{step}") for step, label, _value in _editable(turn)]
    turn.say(turn._("Which answer do you want to change?"), buttons + [(turn._("Correct, send"), "/confirm")])


def _named(folded: str) -> str | None:
    """The answer a typed correction names ('sửa năm sinh' -> birth_year), or None."""
    if not _EDIT_WORD.search(folded):
        return None
    for step, words in FIELD_WORDS:
        if any(re.search(rf"\b{re.escape(w)}", folded) for w in words):
            return step
    return None


def answer_summary(turn: Turn) -> bool:
    """Send (True), or pick an answer to correct and ask that question again."""
    from bot.flows.declaration import DECLARATION  # the flow's table imports this module

    payload, folded = turn.payload or "", turn.folded
    if payload == "/confirm" or folded in SEND_WORDS:
        return True
    step = payload.removeprefix("/edit:") if payload.startswith("/edit:") else _named(folded)
    if step and step in {row[0] for row in _editable(turn)}:
        turn.session.data["_editing"] = True
        turn.session.step = step
        DECLARATION.step(step).ask(turn)
        return False
    if payload.startswith("/edit") or folded in EDIT_WORDS or yes_no(turn) is False:
        ask_which(turn)
        return False
    if yes_no(turn):
        return True
    turn.say(turn._("Please press 'Correct, send' to send your declaration, or 'Edit' to change an answer."))
    ask_summary(turn)
    return False

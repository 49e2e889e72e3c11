"""The declaration's fields: the options offered, their labels, and how each answer reads back in a summary."""
from __future__ import annotations

from datetime import date

import re

from core import i18n
from core.i18n import N_, gettext

SYMPTOMS = {
    "fever": N_("Fever"), "cough": N_("Cough"), "breathing": N_("Difficulty breathing"),
    "sore_throat": N_("Sore throat"), "taste_smell": N_("Loss of taste or smell"),
    "fatigue": N_("Fatigue"), "muscle_ache": N_("Muscle ache"),
}
DANGER_SIGNS = {
    "chest_pain": N_("Chest pain or tightness"), "confusion": N_("Confusion, hard to wake"),
    "bluish_lips": N_("Bluish lips or face"), "low_spo2": N_("SpO2 at or below 96%"),
}
ONSET = (("today", N_("Today"), 0), ("yesterday", N_("Yesterday"), 1), ("2_3", N_("2-3 days ago"), 2),
         ("4_7", N_("4-7 days ago"), 5), ("over_7", N_("Over a week ago"), 8))
DOSES = ("0", "1", "2", "3")
# Illnesses named at the chronic-condition question are a yes on their own ("cao huyết áp", "diabetes").
CHRONIC_WORDS = ("tieu duong", "duong huyet", "huyet ap", "tim mach", "benh tim", "suy tim", "phoi", "copd",
                 "hen", "suyen", "than", "ung thu", "gan", "diabetes", "blood pressure", "hypertension", "heart",
                 "lung", "kidney", "cancer", "asthma", "liver")

# Summary lines in order: (step name, label). The step is the one asked again when the citizen corrects it.
FIELDS = (
    ("full_name", N_("Name")), ("birth_year", N_("Year of birth")), ("phone", N_("Phone")),
    ("commune", N_("Commune/ward")), ("symptoms", N_("Symptoms")), ("danger_signs", N_("Danger signs")),
    ("onset", N_("Symptoms since")), ("contact", N_("Close contact with a case")),
    ("epidemic_area", N_("From an epidemic area")), ("doses", N_("Vaccine doses")),
    ("chronic", N_("Chronic condition")),
)
# The data key each step fills (a step whose key is set is not asked again after a correction).
DATA_KEYS = {"commune": "commune_code"}


def is_voice(turn) -> bool:
    """The citizen is on a call (keypad answers)."""
    return turn.channel == "voice"


def is_member(turn) -> bool:
    """The declaration is for a member of the declarer's household."""
    return bool(turn.session.data.get("household_of"))


def yes_no_buttons(turn) -> list[tuple[str, str]]:
    """The Yes and No buttons."""
    return [(turn._("Yes"), "/yes"), (turn._("No"), "/no")]


def masked_as_typed(phone: str) -> str:
    """'0912 345 678' -> '0912 *** 678': the three digits before the last three hidden, the spacing kept."""
    positions = [m.start() for m in re.finditer(r"\d", phone)]
    hidden = set(positions[-6:-3])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


def label(lang: str, key: str) -> str:
    """The translated label of a symptom or danger sign."""
    return gettext(lang, {**SYMPTOMS, **DANGER_SIGNS}.get(key, key))


def _yes_no(lang: str, value, detail: str = "") -> str:
    text = gettext(lang, "Yes") if value else gettext(lang, "No")
    return f"{text} ({detail})" if value and detail else text


def shown(lang: str, step: str, data: dict, commune_name) -> str | None:
    """How one answer reads in the summary, or None when the step was not asked."""
    if step == "full_name":
        return data.get("full_name")
    if step == "birth_year":
        return str(data["birth_year"]) if data.get("birth_year") else None
    if step == "phone":
        return masked_as_typed(data.get("_phone_typed") or data["phone"]) if data.get("phone") else None
    if step == "commune":
        return commune_name(data["commune_code"]) if data.get("commune_code") else None
    if step in ("symptoms", "danger_signs"):
        if step not in data or (step == "danger_signs" and not data.get("symptoms")):
            return None
        return ", ".join(label(lang, k) for k in data[step]) or gettext(lang, "None")
    if step == "onset":
        return i18n.format_date(date.fromisoformat(data["onset"]), lang, "dd/MM/yyyy") if data.get("onset") else None
    if step == "doses":
        return ("3+" if data["doses"] >= 3 else str(data["doses"])) if "doses" in data else None
    if step in data:
        return _yes_no(lang, data[step], data.get(f"{step}_detail", ""))
    return None

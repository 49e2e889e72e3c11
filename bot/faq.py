"""Vetted answers to the FAQ topics (nlu/answers.yml), each with its source, authority and valid-until date.

An expired answer is never given: the caller tells the citizen staff will follow up and queues the
question for the curators.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from core.i18n import N_, gettext
from core.settings import ROOT

ANSWERS_FILE = ROOT / "nlu" / "answers.yml"

# Short titles for buttons and the voice menu, in the order the hotline reads them (most asked first).
TITLES = {
    "faq/vaccine_eligibility": N_("Who can be vaccinated"),
    "faq/symptoms": N_("Symptoms"),
    "faq/quarantine": N_("Quarantine rules"),
    "faq/testing": N_("Testing"),
    "faq/close_contact": N_("F0, F1, F2 and close contacts"),
    "faq/home_care": N_("Caring for a case at home"),
    "faq/emergency_signs": N_("Danger signs"),
    "faq/vaccine_registration": N_("Registering for vaccination"),
    "faq/vaccine_side_effects": N_("After the vaccine"),
    "faq/prevention": N_("Protecting yourself"),
    "faq/covid_basics": N_("About COVID-19"),
    "faq/transmission": N_("How it spreads"),
    "faq/risk_groups": N_("Who is most at risk"),
    "faq/masks": N_("Masks"),
    "faq/disinfection": N_("Cleaning and disinfection"),
    "faq/treatment": N_("Medicines and treatment"),
    "faq/children": N_("Children with COVID-19"),
    "faq/vaccine_pregnancy": N_("Vaccines and pregnancy"),
    "faq/vaccine_types": N_("Vaccine types and boosters"),
    "faq/vaccine_children": N_("Vaccinating children"),
    "faq/vaccine_certificate": N_("Vaccination certificates"),
    "faq/distancing_rules": N_("Distancing rules"),
    "faq/travel": N_("Travel"),
    "faq/support_policy": N_("Support for people affected"),
    "faq/apps": N_("Apps (PC-Covid, VNEID)"),
    "faq/hotlines": N_("Hotlines"),
    "faq/pets": N_("Pets and animals"),
    "faq/after_covid": N_("After COVID-19"),
    "faq/workplace": N_("Workplaces"),
    "faq/scams_fake_news": N_("Scams and fake news"),
}


@dataclass(frozen=True)
class Answer:
    """One topic's answer in one language, with where it comes from and until when it holds."""

    topic: str
    text: str
    source: str
    authority: str
    valid_until: date
    expired: bool
    updated: date | None = None  # when the text was last checked against its source ("cập nhật dd/mm/yyyy")


@lru_cache(maxsize=1)
def _file(path: Path = ANSWERS_FILE) -> dict:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _answers() -> dict:
    return _file().get("answers", {})


def authority_in(lang: str, authority: str) -> str:
    """The issuing authorities ("Bộ Y tế; Chính phủ") named in `lang`; untranslated names stay as written."""
    names = (_file().get("authorities") or {}).get(lang) or {}
    return "; ".join(names.get(part.strip(), part.strip()) for part in authority.split(";") if part.strip())


def get_answer(topic: str, lang: str, hotline: str = "", today: date | None = None) -> Answer | None:
    """The answer for `topic` ('faq/quarantine') in `lang` (vi fallback), or None if there is none."""
    entry = _answers().get(topic)
    if not entry:
        return None
    text = (entry.get(lang) or entry.get("vi") or "").strip().replace("{hotline}", hotline)
    valid_until = entry.get("valid_until")
    if isinstance(valid_until, str):
        valid_until = date.fromisoformat(valid_until)
    expired = valid_until is None or valid_until < (today or date.today())
    updated = entry.get("updated")
    if isinstance(updated, str):
        updated = date.fromisoformat(updated)
    return Answer(topic, text, entry.get("source", ""), authority_in(lang, entry.get("authority", "")), valid_until,
                  expired, updated)


def title(topic: str, lang: str) -> str:
    """A topic's short title in `lang`."""
    return gettext(lang, TITLES.get(topic, topic.split("/")[-1].replace("_", " ")))


def top_topics(n: int, lang: str) -> list[tuple[str, str]]:
    """The `n` most asked topics as (topic, title in `lang`)."""
    return [(topic, title(topic, lang)) for topic in list(TITLES)[:n]]

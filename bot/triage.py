"""Risk triage by versioned rules kept as data (bot/triage_rules.yml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("triage_rules.yml")
LEVELS = ("low", "moderate", "high", "danger")


@dataclass(frozen=True)
class Answers:
    """What triage needs from a declaration."""

    symptoms: tuple[str, ...] = ()
    danger_signs: tuple[str, ...] = ()
    contact: bool = False
    epidemic_area: bool = False
    age: int | None = None
    chronic: bool = False


@dataclass
class TriageResult:
    """The risk level, the reasons that produced it and the rule version that decided."""

    level: str
    reasons: list[str] = field(default_factory=list)
    version: str = ""
    deciding: list[str] = field(default_factory=list)  # the reasons of the rules at `level` (what the citizen hears)


@lru_cache(maxsize=1)
def _versions(path: Path = RULES_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        versions = yaml.safe_load(fh)["versions"]
    return sorted(versions, key=lambda v: v["effective"])


def rules_for(day: date | None = None) -> dict:
    """The rule version in effect on `day` (today by default)."""
    day = day or date.today()
    effective = [v for v in _versions() if v["effective"] <= day]
    if not effective:
        raise LookupError(f"no triage rules in effect on {day}")
    return effective[-1]


def _holds(when: dict, a: Answers, symptom_count: int) -> bool:
    exposed = a.contact or a.epidemic_area
    checks = {
        "danger_signs": lambda v: bool(a.danger_signs) == v,
        "symptoms_min": lambda v: symptom_count >= v,
        "symptoms_max": lambda v: symptom_count <= v,
        "exposed": lambda v: exposed == v,
        "contact": lambda v: a.contact == v,
        "age_min": lambda v: a.age is not None and a.age >= v,
        "chronic": lambda v: a.chronic == v,
    }
    return all(checks[name](value) for name, value in when.items())


def triage(answers: Answers, day: date | None = None) -> TriageResult:
    """Score a declaration: the highest level of every rule that applies, with all their reasons."""
    version = rules_for(day)
    known = set(version["symptoms"])
    count = len({s for s in answers.symptoms if s in known})
    level, applied = "low", []
    for rule in version["rules"]:
        if _holds(rule["when"], answers, count):
            applied.append(rule)
            if LEVELS.index(rule["level"]) > LEVELS.index(level):
                level = rule["level"]
    return TriageResult(level=level, reasons=[r["reason"] for r in applied], version=version["version"],
                        deciding=[r["reason"] for r in applied if r["level"] == level])

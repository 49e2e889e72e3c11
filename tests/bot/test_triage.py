"""Risk triage by the versioned rules of bot/triage_rules.yml: level, every reason for staff, the deciding ones
for the citizen."""
from __future__ import annotations

from datetime import date

import pytest

from bot.triage import Answers, rules_for, triage

pytestmark = pytest.mark.nodb
DAY = date(2026, 6, 1)


@pytest.mark.parametrize("answers, level, deciding, also", [
    (Answers(), "low", ["no_symptoms"], []),
    (Answers(epidemic_area=True), "moderate", ["exposed_no_symptoms"], ["no_symptoms"]),
    (Answers(symptoms=("fever",)), "moderate", ["some_symptoms"], []),
    (Answers(symptoms=("fever",), chronic=True), "moderate", ["some_symptoms", "chronic_and_symptom"], []),
    (Answers(symptoms=("fever", "cough"), age=70), "high", ["symptoms_and_age"], ["some_symptoms"]),
    (Answers(symptoms=("fever", "sore_throat"), contact=True), "high",
     ["symptoms_and_exposed", "contact_and_symptom"], ["some_symptoms"]),
    (Answers(symptoms=("fever", "cough", "fatigue")), "high", ["many_symptoms"], []),
    (Answers(danger_signs=("chest_pain",)), "danger", ["danger_signs"], []),
    (Answers(symptoms=("fever",), danger_signs=("low_spo2",), contact=True), "danger", ["danger_signs"],
     ["some_symptoms", "symptom_and_exposed", "contact_and_symptom"]),
    # An answer outside the rule version's list does not count as a symptom.
    (Answers(symptoms=("hiccups",)), "low", ["no_symptoms"], []),
])
def test_level_and_reasons(answers, level, deciding, also):
    result = triage(answers, DAY)
    assert (result.level, result.deciding, result.version) == (level, deciding, rules_for(DAY)["version"])
    assert sorted(result.reasons) == sorted(deciding + also)  # staff see every rule that applied


def test_no_rules_before_the_first_version():
    with pytest.raises(LookupError):
        rules_for(date(2019, 1, 1))

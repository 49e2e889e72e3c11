"""The end of a declaration: triage, the record, alerts for staff, and what the citizen should do."""
from __future__ import annotations

from datetime import date

from bot.alerts import raise_alert
from bot.triage import Answers, triage
from bot.turn import Turn
from core import clock
from core.i18n import N_
from core.models import Declaration

LEVEL_NAMES = {"low": N_("LOW"), "moderate": N_("MODERATE"), "high": N_("HIGH"), "danger": N_("EMERGENCY")}
REASONS = {
    "danger_signs": N_("you have danger signs"),
    "no_symptoms": N_("no symptoms"),
    "exposed_no_symptoms": N_("no symptoms, but you were exposed"),
    "some_symptoms": N_("you have symptoms"),
    "symptom_and_exposed": N_("a symptom and an exposure"),
    "symptoms_and_exposed": N_("symptoms and an exposure"),
    "symptoms_and_age": N_("symptoms at age 65 or over"),
    "many_symptoms": N_("three or more symptoms"),
    "contact_and_symptom": N_("contact with a case and symptoms"),
    "chronic_and_symptom": N_("symptoms with a chronic condition"),
}
ADVICE = {
    "low": N_("Keep following 5K: masks, disinfection, distance, no gatherings, health declaration. Declare again if anything changes."),
    "moderate": N_("Stay at home and away from others, wear a mask, measure your temperature twice a day, and do a rapid test. Declare again if symptoms get worse."),
    "high": N_("Isolate at home now and do a rapid test. The provincial CDC will contact you; you can also call the hotline %(hotline)s."),
    "danger": N_("CALL 115 NOW for an ambulance. Staff have been alerted and will call you."),
}


def _answers(data: dict, today: date) -> Answers:
    symptoms = tuple(data.get("symptoms", []))
    danger = tuple(data.get("danger_signs", [])) + (("breathing",) if "breathing" in symptoms else ())
    age = today.year - data["birth_year"] if data.get("birth_year") else None
    return Answers(symptoms=symptoms, danger_signs=danger, contact=bool(data.get("contact")),
                   epidemic_area=bool(data.get("epidemic_area")), age=age, chronic=bool(data.get("chronic")))


def is_danger(turn: Turn) -> bool:
    """The answers so far call for 115 now (the declaration is then saved and staff alerted without delay)."""
    today = clock.local_now(turn.settings).date()
    return triage(_answers(turn.session.data, today), today).level == "danger"


def _save(turn: Turn, data: dict, result) -> Declaration:
    citizen = turn.citizen
    main = not data.get("household_of")
    if main:
        citizen.name = citizen.name or data.get("full_name")
        citizen.birth_year = citizen.birth_year or data.get("birth_year")
        citizen.commune_code = data.get("commune_code") or citizen.commune_code
    answers = {k: v for k, v in data.items() if not k.startswith("_")}
    record = Declaration(
        citizen_id=citizen.id, household_of_id=data.get("household_of"), channel=turn.channel,
        full_name=data.get("full_name") or citizen.name or "", birth_year=data.get("birth_year"),
        phone=data.get("phone") or citizen.phone, commune_code=data.get("commune_code"), answers=answers,
        risk_level=result.level, rule_version=result.version, reasons=result.reasons,
        tracing_contact_id=data.get("tracing_contact_id"),
    )
    turn.db.add(record)
    turn.db.flush()
    return record


def finish(turn: Turn) -> None:
    """Triage, store, alert staff when needed, tell the citizen, then offer a household member."""
    data = dict(turn.session.data)
    today = clock.local_now(turn.settings).date()
    result = triage(_answers(data, today), today)
    record = _save(turn, data, result)
    if result.level in ("danger", "high"):
        danger = result.level == "danger"
        raise_alert(turn.db, turn.redis, "danger" if danger else "high_risk", "critical" if danger else "high",
                    f"{result.level} declaration #{record.id}", citizen_id=turn.citizen.id,
                    declaration_id=record.id,
                    details={"reasons": result.reasons, "channel": turn.channel, "rule_version": result.version})
    # The citizen hears why the level is what it is; staff (the record and the alert) see every rule that applied.
    reasons = ", ".join(turn._(REASONS[r]) for r in result.deciding if r in REASONS)
    text = "\n".join([
        turn._("Thank you, %(name)s. Your declaration is recorded.", name=record.full_name) if record.full_name
        else turn._("Thank you. Your declaration is recorded."),
        turn._("Risk level: %(level)s (%(reasons)s).", level=turn._(LEVEL_NAMES[result.level]), reasons=reasons),
        turn._(ADVICE[result.level], hotline=turn.settings.hotline_number),
    ])
    urgent = result.level in ("danger", "high")
    turn.say(text, urgent=urgent)
    turn.session.data["_last_declaration"] = record.id
    household_of = data.get("household_of") or record.id
    if turn.channel == "voice" and data.get("tracing_contact_id"):
        turn.session.end()  # a tracing call ends after the person's own check
        return
    turn.session.start("household", "more", {"household_of": household_of, "phone": data.get("phone"),
                                              "commune_code": data.get("commune_code")})
    turn.say(turn._("Would you like to declare for another member of your household?"),
             [(turn._("Yes"), "/yes"), (turn._("No"), "/no")])

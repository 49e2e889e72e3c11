"""The health declaration: a table of small steps, written once and rendered by every channel."""
from __future__ import annotations

from datetime import date, timedelta

from bot import places
from bot.answers import NO, parse_day, symptoms_in, yes_no, yes_no_detail
from bot.flows import commune_by_voice
from bot.flows.base import Flow, Step
from bot.flows.declaration_fields import CHRONIC_WORDS, DANGER_SIGNS, DOSES, ONSET, SYMPTOMS, label
from bot.flows.declaration_fields import is_member as _member, is_voice as _is_voice, yes_no_buttons as _yes_no_buttons
from bot.flows.declaration_person import answer_birth_year, answer_name, ask_birth_year, ask_name
from bot.flows.declaration_result import finish
from bot.flows.declaration_summary import answer_summary, ask_summary, is_editing, skip_summary
from bot.phones import InvalidPhone, to_e164
from bot.identities import link_phone, vouched_phone
from bot.readers.doses import read_doses
from bot.text import fold
from bot.turn import Turn
from core import clock
from core.i18n import N_

# Typed instead of pressing 'Done' on a choose-all-that-apply question (with nothing chosen: none of them).
DONE_WORDS = {"xong", "xong roi", "roi", "het", "the thoi", "vay thoi", "done", "finish", "finished", "that s all"}


# --- consent (Decree 13/2023: health answers are sensitive personal data) ---------------------------
# Bump when the notice's text changes: citizens who agreed to an older notice are asked again.
NOTICE_VERSION = "2026-12-02"


def has_consent(turn: Turn) -> bool:
    """Agreed to the notice in force; household members are declared by someone who agreed; a tracing call's
    health check is made under the public-health law (Decree 13/2023, art. 17), not on consent."""
    citizen = turn.citizen
    return (bool(citizen.consent_at) and citizen.consent_version == NOTICE_VERSION) or _member(turn) \
        or bool(turn.session.data.get("tracing_contact_id"))


def ask_consent(turn: Turn) -> None:
    """What is collected, why, who sees it and for how long; agree or not."""
    turn.say(turn._("Before you declare: we collect your name, year of birth, phone number, commune and health answers so that the provincial health authorities can assess your risk and contact you. Only authorised health staff see them. They are deleted %(days)s days after your case is closed. You can ask us to delete them at any time: type 'xoa du lieu'. Do you agree?",
                    days=turn.settings.retention_days),
             [(turn._("I agree"), "/consent:yes"), (turn._("I do not agree"), "/consent:no")])


def answer_consent(turn: Turn) -> bool:
    """Agreeing stores the time and the notice's version; not agreeing ends the declaration, FAQ and hotline stay."""
    value = {"/consent:yes": True, "/consent:no": False}.get(turn.payload or "", yes_no(turn))
    if value is None:
        turn.say(turn._("Please answer yes or no (có / không)."))
        ask_consent(turn)
        return False
    if value:
        turn.citizen.consent_at, turn.citizen.consent_version = clock.now(turn.settings), NOTICE_VERSION
        return True
    turn.session.end()
    turn.say(turn._("Understood: nothing is recorded. You can still ask me questions, or call the hotline %(hotline)s.",
                    hotline=turn.settings.hotline_number),
             [(turn._("Ask a question"), "/faq"), (turn._("Menu"), "/menu")])
    return False


# --- phone --------------------------------------------------------------------------------
def skip_phone(turn: Turn) -> bool:
    """Voice knows the caller's number; members share the declarer's; a prefill is kept."""
    return _is_voice(turn) or _member(turn) or bool(turn.session.data.get("phone"))


def ask_phone(turn: Turn) -> None:
    """Ask for the phone number, with the channel's share-contact button."""
    turn.say(turn._("Your phone number? Press the button to share it, or type it (for example: 0912 345 678)."),
             ask="contact")


def parse_phone(turn: Turn) -> str | None:
    """The shared or typed number in E.164; None after re-asking with the reason it was refused."""
    text = turn.inbound.phone or turn.text
    # A foreigner's number is taken in international format (+1..., 0044...), or from a citizen writing English.
    foreign_ok = turn.lang == "en" or text.strip().startswith(("+", "00"))
    try:
        return to_e164(text, vietnam_only=not foreign_ok)
    except InvalidPhone as exc:
        reasons = {
            "not_a_number": N_("That is not a phone number."),
            "not_vietnamese": N_("Please give a Vietnamese phone number."),
            "invalid": N_("That number does not exist in Vietnam."),
        }
        turn.say(turn._(reasons[exc.reason]) + " " + turn._("Example: 0912 345 678."), ask="contact")
        return None


def answer_phone(turn: Turn) -> bool:
    """A valid Vietnamese number, shared or typed, kept with this declaration; linked to the citizen only when
    the provider vouches it is theirs (a typed number or someone else's contact links nothing)."""
    phone = parse_phone(turn)
    if phone is None:
        return False
    turn.session.data["phone"] = phone
    # The summary shows the number the way the citizen wrote it (masked), not in E.164.
    turn.session.data["_phone_typed"] = turn.inbound.phone or " ".join(turn.text.split())
    if turn.inbound.phone and vouched_phone(turn.inbound):  # the number came from the provider, not typed
        link_phone(turn.db, turn.identity, phone)
    return True


# --- commune ------------------------------------------------------------------------------
def skip_commune(turn: Turn) -> bool:
    """Members share the declarer's; a prefill is kept (a tracing call's list without one is not asked)."""
    data = turn.session.data
    return _member(turn) or data.get("commune_code") is not None or (_is_voice(turn) and "commune_code" in data)


def ask_commune(turn: Turn) -> None:
    """Ask for the commune or ward (on a call: said aloud, then confirmed by keypad)."""
    if _is_voice(turn):
        commune_by_voice.ask(turn)
        return
    turn.say(turn._("Which commune or ward of %(province)s do you live in? (for example: Hạc Thành)",
                    province=places.province_name(turn.settings.province_code)))


def answer_commune(turn: Turn) -> bool:
    """Match against the province's current list, tolerant of missing diacritics and typos."""
    if _is_voice(turn):
        return commune_by_voice.answer(turn)
    code = turn.payload[len("/commune:"):] if (turn.payload or "").startswith("/commune:") else None
    if code and code.isdigit() and places.by_code(turn.settings.province_code, int(code)):
        turn.session.data["commune_code"] = int(code)
        return True
    found, suggestions = places.match(turn.settings.province_code, turn.text)
    if found:
        turn.session.data["commune_code"] = found.code
        if found.was:  # a name from before the 2025 reorganisation: say what it is today
            turn.say(turn._("%(old)s is now part of %(new)s.", old=found.was, new=found.name))
        return True
    if suggestions:
        turn.near_miss = True
        turn.say(turn._("Did you mean one of these?"), [(c.label(turn.lang), f"/commune:{c.code}") for c in suggestions])
    else:
        turn.say(turn._("I could not find that commune or ward. Please type its name, for example: Hạc Thành."))
    return False


# --- symptoms and danger signs (multi-select) --------------------------------------------------
def _ask_multi(turn: Turn, question: str, options: dict, key: str) -> None:
    chosen = turn.session.data.get(key, [])
    buttons = [(("✓ " if k in chosen else "") + turn._(label), f"/{key}:{k}") for k, label in options.items()]
    buttons.append((turn._("Done") if chosen else turn._("None of these"), "/done"))
    turn.say(question, buttons, multi_select=True)


def _answer_multi(turn: Turn, options: dict, key: str, ask) -> bool:
    chosen: list = turn.session.data.setdefault(key, [])
    payload = turn.payload or ""
    if payload == "/done" or fold(turn.text) in DONE_WORDS:
        return True
    if payload.startswith(f"/{key}:") and payload.split(":", 1)[1] in options:
        item = payload.split(":", 1)[1]
        chosen.remove(item) if item in chosen else chosen.append(item)
        ask(turn)
        return False
    named = symptoms_in(turn.text, tuple(options))
    if named:
        turn.session.data[key] = named
        return True
    if turn.folded in NO or yes_no(turn) is False:
        return True
    turn.say(turn._("Please choose from the buttons, or type them, for example: sốt, ho. Type 'không' if none."))
    ask(turn)
    return False


def ask_symptoms(turn: Turn) -> None:
    """Which symptoms in the last 14 days (choose all that apply)."""
    # On the phone each symptom is its own yes/no question, so there is nothing to "choose, then Done".
    question = (turn._("In the last 14 days, have you had any of these symptoms?") if _is_voice(turn)
                else turn._("In the last 14 days, have you had any of these? Choose all that apply, then 'Done'."))
    _ask_multi(turn, question, SYMPTOMS, "symptoms")


def answer_symptoms(turn: Turn) -> bool:
    """Toggle a symptom, take typed symptoms, or finish."""
    done = _answer_multi(turn, SYMPTOMS, "symptoms", ask_symptoms)
    data = turn.session.data
    if done and not data.get("symptoms"):
        # Gone back and cleared every symptom: danger signs and onset are skipped now, so drop earlier answers.
        data.pop("danger_signs", None)
        data.pop("onset", None)
    data.pop("_onset_told", None)
    if done and data.get("symptoms") and not turn.payload:
        # "ba bi ho voi sot tu hom qua": the day they started was told with them, so it is not asked again.
        today = clock.local_now(turn.settings).date()
        onset = parse_day(turn.text, today)
        if onset and onset >= today - timedelta(days=60):
            data["onset"], data["_onset_told"] = onset.isoformat(), True
    return done


def skip_onset(turn: Turn) -> bool:
    """Asked only of someone with symptoms who did not already say when they started."""
    return no_symptoms(turn) or bool(turn.session.data.get("_onset_told"))


def no_symptoms(turn: Turn) -> bool:
    """Danger signs and onset are only asked of someone with symptoms."""
    return not turn.session.data.get("symptoms")


def ask_danger(turn: Turn) -> None:
    """Ask for the danger signs that need 115 at once."""
    _ask_multi(turn, turn._("Do you have any of these danger signs right now?"), DANGER_SIGNS, "danger_signs")


def answer_danger(turn: Turn) -> bool:
    """Toggle a danger sign, take typed ones, or finish."""
    return _answer_multi(turn, DANGER_SIGNS, "danger_signs", ask_danger)


# --- onset ----------------------------------------------------------------------------------
def ask_onset(turn: Turn) -> None:
    """When did the symptoms start."""
    turn.say(turn._("When did the symptoms start?") if _is_voice(turn)
             else turn._("When did the symptoms start? Choose, or type a date (for example: 20/11)."),
             [(turn._(label), f"/onset:{key}") for key, label, _days in ONSET])


def answer_onset(turn: Turn) -> bool:
    """A button or a date that is not in the future."""
    today = clock.local_now(turn.settings).date()
    payload = turn.payload or ""
    days = {f"/onset:{key}": d for key, _label, d in ONSET}.get(payload)
    onset = today - timedelta(days=days) if days is not None else parse_day(turn.text, today)
    if onset is None or onset < today - timedelta(days=60):
        turn.say(turn._("Please choose a button or type a date like 20/11 (not in the future)."))
        ask_onset(turn)
        return False
    turn.session.data["onset"] = onset.isoformat()
    return True


# --- exposure, vaccination, chronic conditions --------------------------------------------------
def _yes_no_step(key: str, question: str, implied_by: tuple[str, ...] = ()) -> Step:
    def ask(turn: Turn) -> None:
        turn.say(turn._(question), _yes_no_buttons(turn))

    def answer(turn: Turn) -> bool:
        reading = yes_no_detail(turn, implied_by)
        if reading.value is None:
            turn.say(turn._("Please answer yes or no (có / không)."), _yes_no_buttons(turn))
            return False
        turn.session.data[key] = reading.value
        # "có, bà bị cao huyết áp": the yes and which illness, both kept for staff.
        if reading.value and reading.detail:
            turn.session.data[f"{key}_detail"] = reading.detail
        else:
            turn.session.data.pop(f"{key}_detail", None)
        return True

    ask.__doc__ = f"Ask: {question}"
    answer.__doc__ = f"Yes or no for {key}."
    return Step(key, ask, answer)


def ask_vaccine(turn: Turn) -> None:
    """How many vaccine doses."""
    turn.say(turn._("How many doses of COVID-19 vaccine have you had?"),
             [(d if d != "3" else "3+", f"/doses:{d}") for d in DOSES])


def answer_vaccine(turn: Turn) -> bool:
    """0, 1, 2 or 3+ doses, pressed or said ('ba tiem 3 mui roi', 'hai mũi', 'chưa tiêm', 'two doses')."""
    payload = turn.payload or ""
    count = read_doses(payload.removeprefix("/doses:") if payload.startswith("/doses:") else turn.text)
    if count is not None and 0 <= count <= 10:
        turn.session.data["doses"] = min(count, 3)
        return True
    turn.say(turn._("Please choose 0, 1, 2 or 3+."))
    ask_vaccine(turn)
    return False


def _once(step: Step) -> Step:
    """The step, passed by while one answer is corrected from the summary once it has an answer."""
    original = step.skip
    return Step(step.name, step.ask, step.answer, lambda t: is_editing(t, step.name) or bool(original and original(t)))


DECLARATION = Flow("declaration", (
    Step("consent", ask_consent, answer_consent, skip=has_consent),
    *map(_once, (
        Step("full_name", ask_name, answer_name,
             skip=lambda t: (_is_voice(t) and not _member(t)) or "full_name" in t.session.data),
        Step("birth_year", ask_birth_year, answer_birth_year, skip=lambda t: bool(t.session.data.get("birth_year"))),
        Step("phone", ask_phone, answer_phone, skip=skip_phone),
        Step("commune", ask_commune, answer_commune, skip=skip_commune),
        Step("symptoms", ask_symptoms, answer_symptoms),
        Step("danger_signs", ask_danger, answer_danger, skip=no_symptoms),
        Step("onset", ask_onset, answer_onset, skip=skip_onset),
        _yes_no_step("contact", N_("In the last 14 days, were you in close contact with a confirmed or suspected case?")),
        _yes_no_step("epidemic_area", N_("In the last 14 days, did you come from an epidemic area?")),
        Step("doses", ask_vaccine, answer_vaccine),
        _yes_no_step("chronic", N_("Do you have a chronic condition (diabetes, high blood pressure, heart, lung or kidney disease, cancer)?"),
                     implied_by=CHRONIC_WORDS),
    )),
    Step("summary", ask_summary, answer_summary, skip=skip_summary),
), finish)


__all__ = ["DECLARATION", "label", "SYMPTOMS", "DANGER_SIGNS", "ONSET", "DOSES", "date"]

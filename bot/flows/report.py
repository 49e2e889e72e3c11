"""Citizen reports: suspected case, quarantine breach, scam, price gouging, fake news."""
from __future__ import annotations

import re
import secrets

from bot.flows.base import Flow, Step
from bot.text import fold
from bot.turn import Turn
from bot.understand import moved_on, parse
from core.i18n import N_
from core.models import Report

CATEGORIES = {
    "suspected_case": N_("Suspected case"), "quarantine_breach": N_("Quarantine breach"),
    "scam": N_("Scam"), "price_gouging": N_("Price gouging"), "fake_news": N_("Fake news"), "other": N_("Other"),
}


# Words that place a free-text report, on the folded text (no diacritics), first match wins: a scam that
# mentions quarantine is still a scam. Staff read the text anyway; the category only sorts their queue.
CATEGORY_WORDS = (
    ("scam", r"lua dao|gia danh|gia mao|mao danh|chuyen tien|otp|scam|fraud|impersonat"),
    ("price_gouging", r"tang gia|thoi gia|het gia|dau co|gia cao|ban dat|ep gia|gouging|overpric|hoard"),
    ("fake_news", r"tin gia|tin don|tin vit|sai su that|bia dat|xuyen tac|fake news|rumou?r"),
    # Not "cach ly" alone: "how long is home quarantine" is a question, not a report.
    ("quarantine_breach", r"(khong|ko|k|chua|tron|pha|bo|chang|het) (chiu |thuc hien |tu )?cach ly|cach ly ma|"
                          r"(khong|ko|k|chua|tron) khai bao|vi pham|tu tap|breach|breaking quarantine|"
                          r"not isolating|won t isolate|did not declare|didn t declare"),
    ("suspected_case", r"nghi nhiem|nghi mac|nghi la f0|duong tinh|trieu chung|\bsot\b|kho tho|mat vi giac|"
                       r"suspect|symptom|fever|cough"),
)


def guess_category(text: str) -> str:
    """The category a free-text report most likely belongs to ('other' when no word places it)."""
    folded = fold(text)
    return next((key for key, words in CATEGORY_WORDS if re.search(words, folded)), "other")


def ask_category(turn: Turn) -> None:
    """What is the report about."""
    turn.say(turn._("What would you like to report?"),
             [(turn._(label), f"/report:{key}") for key, label in CATEGORIES.items()])


def answer_category(turn: Turn) -> bool:
    """One of the categories (typed text becomes 'other' with that text kept)."""
    payload = turn.payload or ""
    key = payload.removeprefix("/report:")
    if payload.startswith("/report:") and key in CATEGORIES:
        turn.session.data["category"] = key
        return True
    text = turn.text.strip()
    if text.isdigit() and 1 <= int(text) <= len(CATEGORIES):  # "2": the second option, as typed on a keypad
        turn.session.data["category"] = list(CATEGORIES)[int(text) - 1]
        return True
    if len(text) >= 10:
        category = guess_category(text)
        if category == "other":
            if moved_on(turn, "report") is not None:  # "noi tieng anh di", a FAQ question: not a report
                ask_category(turn)
                return False
        turn.session.data.update(category=category, text=text)
        return True
    ask_category(turn)
    return False


def ask_details(turn: Turn) -> None:
    """Ask for what happened, where and when."""
    turn.say(turn._("Please describe what happened, where and when. Do not share other people's health details beyond what is needed."))


def answer_details(turn: Turn) -> bool:
    """At least a few words."""
    if len(turn.text) < 5:
        turn.say(turn._("Please write a few words about what happened."))
        return False
    previous = turn.session.data.get("text")
    turn.session.data["text"] = f"{previous}\n{turn.text}" if previous else turn.text
    return True


def ask_evidence(turn: Turn) -> None:
    """Offer to add a photo or a location."""
    turn.say(turn._("You can send a photo or your location now, or skip."), [(turn._("Skip"), "/skip")],
             ask="location")


def answer_evidence(turn: Turn) -> bool:
    """A photo, a location, more text, or skip."""
    inbound = turn.inbound
    if inbound.media_url:
        turn.session.data["media_url"] = inbound.media_url
    elif inbound.latitude is not None:
        turn.session.data.update(latitude=inbound.latitude, longitude=inbound.longitude)
    elif turn.payload != "/skip" and turn.text:
        turn.session.data["text"] = f"{turn.session.data.get('text', '')}\n{turn.text}".strip()
    return True


def save_report(turn: Turn, category: str, text: str | None, media_url: str | None = None,
                latitude: float | None = None, longitude: float | None = None) -> Report:
    """Store a report with a fresh reference number (PA-XXXXXX) for the citizen to quote."""
    report = Report(reference="PA-" + secrets.token_hex(3).upper(), citizen_id=turn.citizen.id,
                    channel=turn.channel, category=category, text=text, media_url=media_url,
                    latitude=latitude, longitude=longitude)
    turn.db.add(report)
    turn.db.flush()
    return report


def finish(turn: Turn) -> None:
    """Store the report and give the reference number."""
    data = turn.session.data
    report = save_report(turn, data.get("category", "other"), data.get("text"), data.get("media_url"),
                         data.get("latitude"), data.get("longitude"))
    turn.session.end()
    turn.say(turn._("Thank you. Your report is recorded with reference %(ref)s. Staff will look into it.",
                    ref=report.reference))


REPORT = Flow("report", (
    Step("category", ask_category, answer_category, skip=lambda t: bool(t.session.data.get("category"))),
    Step("details", ask_details, answer_details, skip=lambda t: bool(t.session.data.get("text"))),
    Step("evidence", ask_evidence, answer_evidence, skip=lambda t: bool(t.session.data.get("media_url"))),
), finish)


def start_with_photo(turn: Turn) -> bool:
    """A photo outside a flow is nearly always evidence (a crowded shop, a scam message): start a report that
    keeps it, with its caption as the text when the caption reads as a report; False for a captioned question."""
    caption = turn.text
    if caption and parse(turn, caption).intent != "report":  # "is this rash a symptom?" is a question
        return False
    category = guess_category(caption) if caption else "other"
    data = {"media_url": turn.inbound.media_url, **({"text": caption} if caption else {})}
    REPORT.start(turn, {**data, **({"category": category} if category != "other" else {})})
    return True

"""A symptom told as a story ("ba bi ho voi sot tu hom qua thi phai lam sao"): a short, kind answer with what
to do now (115 first when a danger sign is named), then the offer to declare: never straight to "your name?"."""
from __future__ import annotations

import re

from bot.alerts import raise_alert
from bot.answers import symptoms_in
from bot.flows.declaration import DANGER_SIGNS, SYMPTOMS, label
from bot.text import fold
from bot.turn import Turn

# Someone suffers ("bị", "I have", "my mother has") or it has lasted ("từ hôm qua", "since", "3 days").
_STORY = re.compile(r"(^| )(bi|dang bi|co ve bi|i have|i ve|ive|i am having|has|have had|my \w+ has|since|"
                    r"tu hom|may hom|hom qua|hom nay|sang nay|toi qua|dem qua|\d+ ngay|\d+ days?)( |$)")
_MIN_WORDS = 4


def is_story(turn: Turn) -> bool:
    """A message that tells of symptoms someone has (not a question about symptoms in general)."""
    folded = fold(turn.text)
    if len(folded.split()) < _MIN_WORDS or len(folded) > 400:
        return False
    return bool(symptoms_in(turn.text, (*SYMPTOMS, *DANGER_SIGNS))) and bool(_STORY.search(folded))


def answer(turn: Turn) -> None:
    """Sympathy, what to do now, 115 for a danger sign (and staff alerted), then the offer to declare."""
    named = symptoms_in(turn.text, (*SYMPTOMS, *DANGER_SIGNS))
    danger = [key for key in named if key in DANGER_SIGNS or key == "breathing"]
    words = [label(turn.lang, key).lower() for key in named]
    names = words[0] if len(words) == 1 else ", ".join(words[:-1]) + turn._(" and ") + words[-1]
    lines = []
    if danger:
        raise_alert(turn.db, turn.redis, "danger", "critical", "a citizen describes danger signs in a chat",
                    citizen_id=turn.citizen.id, details={"channel": turn.channel, "text": turn.text[:500],
                                                         "signs": danger})
        lines.append(turn._("%(signs)s can be a danger sign: call 115 now, or go to the nearest hospital.",
                            signs=", ".join(label(turn.lang, key) for key in danger)))
    lines.append(turn._("I am sorry to hear about the %(symptoms)s.", symptoms=names))
    lines.append(turn._("What to do now: stay at home and away from others, wear a mask, rest and drink plenty of water, bring the fever down with paracetamol as the pack says, and do a rapid test if you can."))
    lines.append(turn._("Then make a health declaration, so the health station can follow up:"))
    turn.say("\n".join(lines), [(turn._("Health declaration"), "/declare"), (turn._("Ask a question"), "/faq"),
                                (turn._("Talk to staff"), "/staff")], urgent=bool(danger))

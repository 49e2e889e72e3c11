"""A household member's name on the hotline: said aloud, read back, confirmed on the keypad (a misheard name
is never recorded as said); the caller may skip it and staff see the member without a name."""
from __future__ import annotations

from bot.turn import Turn

YES, AGAIN, SKIP = "/name:yes", "/name:again", "/name:skip"


def ask(turn: Turn, again: bool = False) -> None:
    """Ask the caller to say the household member's full name."""
    question = turn._("After the tone, say the full name of the household member.")
    turn.say((turn._("Let us try again.") + " " if again else "") + question, ask="speech")


def answer(turn: Turn) -> bool:
    """A heard name is read back; 1 keeps it, 2 asks again, 3 goes on without it."""
    data = turn.session.data
    payload = turn.payload or ""
    if payload == YES and data.get("_heard_name"):
        data["full_name"] = data.pop("_heard_name")
        return True
    if payload == SKIP:
        data.pop("_heard_name", None)
        data["full_name"] = ""
        return True
    if payload == AGAIN or not turn.text.strip():
        ask(turn, again=True)
        return False
    heard = " ".join(word.capitalize() for word in turn.text.split())[:100]
    data["_heard_name"] = heard
    turn.say(turn._("I heard: %(name)s. Is that right?", name=heard),
             [(turn._("Yes"), YES), (turn._("Say it again"), AGAIN), (turn._("Skip this question"), SKIP)])
    return False

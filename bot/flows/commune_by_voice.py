"""The commune on the hotline: said aloud (speech recognition in the call's language, with the province's
commune names as hints), then confirmed on the keypad, since a misheard name must never be recorded as said."""
from __future__ import annotations

from bot import places
from bot.turn import Turn

AGAIN = "/commune:again"
SKIP = "/commune:skip"  # three failed tries: the declaration goes on without it (staff can ask later)


def _hints(turn: Turn) -> list[str]:
    # The bare names ("Hạc Thành"): people say them without "phường"; recognisers take a few hundred phrases.
    return [c.name.split(" ", 1)[1] if " " in c.name else c.name for c in places.communes(turn.settings.province_code)]


def ask(turn: Turn, again: bool = False) -> None:
    """Ask the caller to say their commune or ward."""
    question = turn._("After the tone, say the name of your commune or ward, for example: Hạc Thành.")
    turn.say((turn._("Let us try again.") + " " if again else "") + question, ask="speech", hints=_hints(turn))


def answer(turn: Turn) -> bool:
    """A press confirms a heard name (or asks to say it again); a heard name is offered for confirmation."""
    payload = turn.payload or ""
    if payload == SKIP:
        turn.session.data["commune_code"] = None
        return True
    if payload == AGAIN:
        ask(turn, again=True)
        return False
    code = payload.removeprefix("/commune:")
    if payload.startswith("/commune:") and code.isdigit() and places.by_code(turn.settings.province_code, int(code)):
        turn.session.data["commune_code"] = int(code)
        return True
    found, suggestions = places.match(turn.settings.province_code, turn.text)
    choices = [found] if found else suggestions
    if not choices:
        turn.say(turn._("Sorry, I did not catch the name of a commune."),
                 [(turn._("Say it again"), AGAIN), (turn._("Skip this question"), SKIP)])
        return False
    buttons = [(c.label(turn.lang), f"/commune:{c.code}") for c in choices]
    turn.say(turn._("Did you say one of these?") if len(choices) > 1 else turn._("Did you say %(name)s?",
                                                                                   name=choices[0].label(turn.lang)),
             [*buttons, (turn._("Say it again"), AGAIN), (turn._("Skip this question"), SKIP)])
    return False

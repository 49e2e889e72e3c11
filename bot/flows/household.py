"""After a declaration: another member of the household, or back to the menu."""
from __future__ import annotations

from bot.answers import yes_no
from bot.flows.base import Flow, Step
from bot.turn import Turn


def ask_more(turn: Turn) -> None:
    """Ask whether to declare for another household member."""
    turn.say(turn._("Would you like to declare for another member of your household?"),
             [(turn._("Yes"), "/yes"), (turn._("No"), "/no")])


def answer_more(turn: Turn) -> bool:
    """Yes starts a member's declaration ('có, cho mẹ tôi'); no ends ('không cần đâu')."""
    value = yes_no(turn)
    if value is None:
        if turn.channel != "voice":  # a call re-reads its keys by itself
            turn.say(turn._("Please answer yes or no (có / không)."))
        ask_more(turn)
        return False
    turn.session.data["more"] = value
    return True


def finish(turn: Turn) -> None:
    """Start the member's declaration (sharing phone and commune) or say goodbye."""
    from bot.flows.declaration import DECLARATION
    from bot.menu import show_menu

    data = turn.session.data
    if data.get("more"):
        DECLARATION.start(turn, {k: data[k] for k in ("household_of", "phone", "commune_code") if data.get(k)})
        return
    turn.session.end()
    show_menu(turn, greeting=False)


HOUSEHOLD = Flow("household", (Step("more", ask_more, answer_more),), finish)

"""Leaving what is going on: stopping a flow in any natural words (a declaration is kept for later) and
asking for a person from anywhere."""
from __future__ import annotations

from bot.handoff_talk import hand_over
from bot.menu import show_menu
from bot.turn import Turn

# Only a declaration is long enough to come back to; leaving a one-question flow for the menu ends it,
# so it never takes the place of a declaration set aside earlier.
RESUMABLE = {"declaration"}


def leave_flow(turn: Turn) -> None:
    """Set a declaration aside for 'continue'; end any other flow."""
    if turn.session.flow in RESUMABLE:
        turn.session.pause()
    else:
        turn.session.end()


def stop(turn: Turn) -> None:
    """"thôi", "dừng lại", "để sau", "stop": leave the flow (a declaration can be continued later) and say so."""
    if turn.session.flow in RESUMABLE:
        intro = turn._("All right, I stopped. Your answers so far are kept: choose 'Continue my declaration' when you are ready.")
    elif turn.session.flow:
        intro = turn._("All right, I stopped.")
    else:
        intro = turn._("All right. I am here whenever you need me.")
    leave_flow(turn)
    show_menu(turn, greeting=False, intro=intro)


def ask_for_staff(turn: Turn) -> None:
    """"Cho tôi gặp cán bộ", "talk to a person": set the flow aside and open a hand-off."""
    leave_flow(turn)
    hand_over(turn)

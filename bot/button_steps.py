"""Buttons carry the question they answer: "/yes@contact", not "/yes".

A chat keeps old buttons on screen, and a double tap sends a press twice: without the step in the payload a
"Yes" meant for "were you in contact with a case?" would be taken as the answer to whatever is asked next.
The engine tags every button offered while a flow waits on a step (Zalo and Telegram; SMS and voice answer
the list just read to them, so they are never stale) and takes the tag off a press before anything reads it;
a press tagged with another step is stale: ignored with a short note.
"""
from __future__ import annotations

from bot.messages import Button
from bot.turn import Turn

TAGGED_CHANNELS = ("zalo", "telegram")
SEP = "@"


def tag(turn: Turn) -> None:
    """Add the current step to the payload of every button this turn offers while a flow waits on that step."""
    step = turn.session.step if turn.session.flow else None
    if not step or turn.channel not in TAGGED_CHANNELS:
        return
    for reply in turn.replies:
        reply.buttons = [Button(b.title, b.payload if SEP in b.payload else f"{b.payload}{SEP}{step}")
                         for b in reply.buttons]


def untag(turn: Turn) -> bool:
    """Take the step off a pressed button; False when the press was for another question (stale)."""
    payload = turn.payload
    if not payload or SEP not in payload or not payload.startswith("/"):
        return True
    base, _, step = payload.rpartition(SEP)
    if turn.inbound.text == payload:
        turn.inbound.text = base  # Zalo sends the pressed payload as the message text
    turn.inbound.payload = base
    return bool(turn.session.flow) and step == turn.session.step

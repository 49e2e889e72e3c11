"""Stickers, GIFs, voice notes, files, videos and a location sent outside a flow: always an answer, never
silence; inside a flow the current question comes again after it."""
from __future__ import annotations

from bot.menu import show_menu
from bot.turn import Turn

MEDIA_KINDS = ("sticker", "voice", "file", "video")


def is_media(turn: Turn) -> bool:
    """A kind of message the engine cannot read (see the channel parsers), or a location outside a flow."""
    return turn.inbound.kind in MEDIA_KINDS or (turn.inbound.kind == "location" and not turn.session.flow)


def what_loa_takes(turn: Turn) -> str:
    """The kinds of messages Loa can take, in one sentence."""
    return turn._("I can read typed messages, photos (for a report), your location and your phone number (with the button).")


def answer_media(turn: Turn, ask_again=None) -> None:
    """Say what Loa does with this kind of message; then the question on screen (`ask_again`) or the menu."""
    kind = turn.inbound.kind
    if kind == "voice":
        intro = turn._("I cannot listen to voice messages yet: please type your message, or call the hotline %(hotline)s.",
                       hotline=turn.settings.hotline_number)
    elif kind == "sticker":
        intro = turn._("Thank you! 😊") if turn.session.flow else turn._("Hello! 😊 How can I help you?")
    elif kind == "location":
        intro = turn._("Thank you for your location. To report something at this place, choose 'Report something'.")
    else:
        intro = turn._("I cannot open files or videos yet.") + " " + what_loa_takes(turn)
    if ask_again is not None:
        turn.say(intro)
        ask_again(turn)
    else:
        show_menu(turn, greeting=False, intro=intro)

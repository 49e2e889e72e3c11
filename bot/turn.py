"""One turn of a conversation: what came in, who sent it, where they are, and what we say back."""
from __future__ import annotations

from dataclasses import dataclass, field

import redis
from sqlalchemy.orm import Session

from bot.messages import Button, Inbound, Reply
from bot.session import ConversationSession
from bot.text import fold
from core.i18n import gettext
from core.models import ChannelIdentity, Citizen
from core.settings import Settings


@dataclass
class Turn:
    """Everything a step needs; steps add replies with `say`."""

    settings: Settings
    db: Session
    redis: redis.Redis
    identity: ChannelIdentity
    session: ConversationSession
    inbound: Inbound
    replies: list[Reply] = field(default_factory=list)
    # Set by a step whose answer was close to a valid one (a misspelt commune with suggestions): the citizen is
    # answering, so the message is never read as a request to leave the flow.
    near_miss: bool = False

    @property
    def citizen(self) -> Citizen:
        """The citizen behind this identity."""
        return self.identity.citizen

    @property
    def lang(self) -> str:
        """The language to answer in."""
        return self.session.lang or self.citizen.language or self.settings.default_language

    @property
    def channel(self) -> str:
        """zalo | telegram | sms | voice."""
        return self.inbound.channel

    @property
    def text(self) -> str:
        """What the citizen typed (stripped)."""
        return (self.inbound.text or "").strip()

    @property
    def payload(self) -> str | None:
        """The button payload, when the citizen chose a button (or typed its payload, or its number)."""
        if self.inbound.payload:
            return self.inbound.payload
        text = self.text
        if text.startswith("/"):
            return text.split()[0] if not text.startswith("/lang") else text
        offered = self.session.offered
        if text in offered:
            # Zalo sends a pressed oa.query.show button back as plain text equal to its payload.
            return text
        # Only SMS shows buttons as a numbered list; on chat a typed "2" means two (doses, years).
        if self.channel == "sms" and offered and text.isdigit() and 1 <= int(text) <= len(offered):
            return offered[int(text) - 1]
        folded = fold(text)
        return self.session.offered_titles.get(folded)

    @property
    def folded(self) -> str:
        """The comparison form of the text."""
        return fold(self.text)

    def _(self, message: str, **values) -> str:
        """Translate into the citizen's language."""
        return gettext(self.lang, message, **values)

    def say(self, text: str, buttons: list[tuple[str, str]] | None = None, **options) -> Reply:
        """Add a reply; `buttons` are (title, payload) pairs."""
        reply = Reply(text=text, buttons=[Button(t, p) for t, p in (buttons or [])], language=self.lang, **options)
        self.replies.append(reply)
        return reply

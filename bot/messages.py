"""The message vocabulary every channel shares: what comes in (Inbound) and what goes out (Reply)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice offered to the citizen: `title` is shown, `payload` comes back when it is chosen."""

    title: str
    payload: str


@dataclass
class Inbound:
    """One thing a citizen did on a channel, already parsed out of the provider's payload.

    kind: text | button | contact | location | image | follow | unfollow | delivered | seen | start
    """

    channel: str  # zalo | telegram | sms | voice
    user_id: str  # the provider's id for this citizen (Zalo user id, Telegram chat id, E.164 phone)
    kind: str = "text"
    text: str = ""
    payload: str | None = None  # button payload / callback data
    phone: str | None = None  # shared contact (Telegram contact, Zalo user_submit_info)
    latitude: float | None = None
    longitude: float | None = None
    media_url: str | None = None
    language_code: str | None = None  # Telegram's from.language_code
    display_name: str | None = None
    msg_id: str | None = None  # provider message id, for dedupe
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-safe dict (for the RQ queue and Redis inboxes)."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> "Inbound":
        """The inverse of to_dict."""
        return cls(**data)


@dataclass
class Reply:
    """One message Loa sends back; channels render buttons as they can (quick replies, numbered list, keypad).

    ask: what kind of answer the step waits for: None (free text or buttons), "contact" (share phone),
    "location", "digits" (voice keypad number), "record" (voice message), "speech" (said aloud on a call).
    """

    text: str
    buttons: list[Button] = field(default_factory=list)
    ask: str | None = None
    multi_select: bool = False  # buttons toggle (symptoms); voice reads them one by one
    language: str = "vi"
    urgent: bool = False  # danger: voice offers to connect to the CDC at once
    hints: list[str] = field(default_factory=list)  # ask="speech": phrases the recogniser should expect

    def to_dict(self) -> dict:
        """A JSON-safe dict."""
        return {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
            "ask": self.ask,
            "multi_select": self.multi_select,
            "language": self.language,
            "urgent": self.urgent,
            "hints": list(self.hints),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Reply":
        """The inverse of to_dict."""
        data = dict(data)
        data["buttons"] = [Button(**b) for b in data.get("buttons", [])]
        return cls(**data)

"""The closed set of send errors (courier's model): each is retryable or not, and the rules live here."""
from __future__ import annotations


class SendError(Exception):
    """Base of every send failure; `retryable` tells the caller whether trying again can help."""

    retryable = False
    kind = "error"

    def __init__(self, message: str = "", *, code: int | str | None = None, retry_after: float | None = None):
        super().__init__(message or self.kind)
        self.code = code
        self.retry_after = retry_after


class ConnectionFailed(SendError):
    """The provider could not be reached or answered 5xx: retry later."""

    retryable = True
    kind = "connection_failed"


class Throttled(SendError):
    """The provider asked us to slow down: retry after `retry_after` seconds."""

    retryable = True
    kind = "throttled"


class ContactStopped(SendError):
    """The citizen blocked the bot, unfollowed, or opted out: mark them, never retry."""

    retryable = False
    kind = "contact_stopped"


class MessageInvalid(SendError):
    """The message itself was refused (bad parameter, window closed for this type): record and skip."""

    retryable = False
    kind = "message_invalid"


class AuthFailed(SendError):
    """Our credentials were refused even after a refresh: an operator must act."""

    retryable = True
    kind = "auth_failed"

"""Twilio's form-encoded webhooks (SMS in, SMS status, voice steps, call status) as strict schemas.

Every value in a form is text, so the checks are on shape: a sid is two letters and 32 hex digits, a
number is digits, a status is one Twilio sends. A key sent twice arrives as a list and is refused where
one value is expected. Empty values (Twilio sends `FromCity=` and the like) count as absent.
"""
from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import parse_qs

from pydantic import StringConstraints, model_validator

from bot.channels import ParseError
from bot.channels.schema import Strict, Text, Url

MessageSidText = Annotated[str, StringConstraints(pattern=r"^(SM|MM)[0-9a-fA-F]{32}$")]
CallSidText = Annotated[str, StringConstraints(pattern=r"^CA[0-9a-fA-F]{32}$")]
AccountSidText = Annotated[str, StringConstraints(pattern=r"^AC[0-9a-fA-F]{32}$")]
PhoneText = Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{3,20}$")]
# A caller id may also be "anonymous", "client:alice" or a SIP address: printable, bounded.
CallerIdText = Annotated[str, StringConstraints(max_length=256, pattern=r"^[^\x00-\x1f\x7f]*$")]
CountText = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,9}$")]
NaturalText = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}$")]
DigitsText = Annotated[str, StringConstraints(pattern=r"^[0-9*#wW]{0,64}$")]
DecimalText = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,12})?$")]

MessageStatusValue = Literal["queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving",
                             "received", "accepted", "scheduled", "read", "partially_delivered", "canceled"]
CallStatusValue = Literal["queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer",
                          "canceled"]
DialCallStatusValue = Literal["completed", "answered", "busy", "no-answer", "failed", "canceled"]
AnsweredByValue = Literal["human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other",
                          "fax", "unknown"]


def fields(body: bytes) -> dict[str, str | list[str]]:
    """A form body as a dict: one value as a string, a repeated key as the list of its values."""
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise ParseError("body is not UTF-8") from exc
    return _present({key: values[0] if len(values) == 1 else values for key, values in parsed.items()})


def multidict_fields(form) -> dict[str, str | list[str]]:
    """The same dict from a Werkzeug MultiDict (request.form / request.values)."""
    return _present({key: values[0] if len(values) == 1 else values for key, values in form.lists()})


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value != ""}


class _HasSid(Strict):
    """A Twilio message form: MessageSid (or the older SmsSid) is required."""

    MessageSid: MessageSidText | None = None
    SmsSid: MessageSidText | None = None

    @model_validator(mode="after")
    def _has_sid(self):
        if not (self.MessageSid or self.SmsSid):
            raise ValueError("MessageSid is required")
        return self

    @property
    def sid(self) -> str:
        """The message's sid."""
        return self.MessageSid or self.SmsSid


class InboundSms(_HasSid):
    """A citizen's text (or MMS) to Loa's number."""

    From: PhoneText
    To: PhoneText | None = None
    AccountSid: AccountSidText | None = None
    Body: Text = ""
    NumMedia: CountText = "0"
    MediaUrl0: Url | None = None


class SmsStatus(_HasSid):
    """A delivery status callback for an SMS Loa sent."""

    MessageStatus: MessageStatusValue | None = None
    To: PhoneText
    ErrorCode: NaturalText | None = None


class VoiceStep(Strict):
    """Any request Twilio makes during a call (the voice URL, a Gather's action, a Record's, a Dial's)."""

    CallSid: CallSidText
    AccountSid: AccountSidText | None = None
    From: CallerIdText | None = None
    To: CallerIdText | None = None
    CallStatus: CallStatusValue | None = None
    Digits: DigitsText | None = None
    SpeechResult: Text | None = None
    Confidence: DecimalText | None = None
    RecordingUrl: Url | None = None
    RecordingDuration: CountText | None = None
    DialCallStatus: DialCallStatusValue | None = None
    AnsweredBy: AnsweredByValue | None = None


class CallStatusCallback(VoiceStep):
    """A call progress event for one of our outbound calls."""

    CallStatus: CallStatusValue
    SequenceNumber: NaturalText | None = None
    CallDuration: NaturalText | None = None


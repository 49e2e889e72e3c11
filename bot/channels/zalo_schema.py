"""The Zalo OA webhook events Loa reads, as strict schemas (shapes: channels.md A.4).

Ids, texts and the phone are strings as Zalo sends them; coordinates may be numbers or decimal text.
Only the fields the readers use are declared: anything else in an event is ignored.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from bot.channels.schema import Id, Latitude, Longitude, Short, Strict, Text, Url

EventName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Unix milliseconds; Zalo sends them as a string, an integer is read the same way.
Millis = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,16}$")] | Annotated[int, Field(ge=0, lt=10**16)]
Phone = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class Envelope(Strict):
    """What every event carries: its name, the app it is for, and when Zalo sent it."""

    event_name: EventName
    app_id: Id
    timestamp: Millis


class Party(Strict):
    """A sender, recipient or follower: {"id": "..."}."""

    id: Id


class Coordinates(Strict):
    """A point in any of the spellings seen: latitude/longitude, lat/long, lat/lng."""

    latitude: Latitude | None = None
    longitude: Longitude | None = None
    lat: Latitude | None = None
    long: Longitude | None = None
    lng: Longitude | None = None

    def point(self) -> tuple[float, float] | None:
        """(latitude, longitude) as floats, or None when either is missing."""
        lat = self.latitude if self.latitude is not None else self.lat
        lon = next((v for v in (self.longitude, self.long, self.lng) if v is not None), None)
        if lat is None or lon is None:
            return None
        return float(lat), float(lon)


class AttachmentPayload(Coordinates):
    """An attachment's payload: a media url, nested coordinates, or the coordinates themselves."""

    url: Url | None = None
    coordinates: Coordinates | None = None


class Attachment(Strict):
    """One attachment of a message."""

    type: Short | None = None
    payload: AttachmentPayload | None = None


class Message(Strict):
    """A citizen's message: its id, text (or caption), attachments, an optional quoted message."""

    msg_id: Id
    text: Text | None = None
    quote_msg_id: Id | None = None
    attachments: Annotated[list[Attachment], Field(max_length=20)] = []
    location: Coordinates | None = None


class UserMessage(Envelope):
    """user_send_text / user_send_image / user_send_location."""

    sender: Party
    message: Message


class FollowChange(Envelope):
    """follow / unfollow."""

    follower: Party


class Info(Strict):
    """What the citizen shared on a request_user_info card; the phone comes as 84xxxxxxxxx."""

    phone: Phone
    name: Short | None = None
    address: Short | None = None
    ward: Short | None = None
    district: Short | None = None
    city: Short | None = None


class SubmitInfo(Envelope):
    """user_submit_info."""

    sender: Party
    info: Info


class Receipt(Strict):
    """The message(s) a delivery or seen receipt is about."""

    msg_id: Id | None = None
    msg_ids: Annotated[list[Id], Field(max_length=100)] | None = None


class DeliveryReceipt(Envelope):
    """user_received_message / user_seen_message (nested, or the flat ZNS callback shape)."""

    recipient: Party | Id
    message: Receipt | None = None
    msg_id: Id | None = None

    def user_id(self) -> str:
        """The citizen the receipt is about (the recipient of our message)."""
        return self.recipient.id if isinstance(self.recipient, Party) else self.recipient

    def ids(self) -> list[str]:
        """The ids of our messages the receipt covers."""
        message = self.message or Receipt()
        if message.msg_ids:
            return list(message.msg_ids)
        return [mid for mid in (message.msg_id or self.msg_id,) if mid]

"""The parts of a Telegram Update that Loa reads, as strict schemas (Bot API types, private chats).

Ids are integers as the Bot API sends them ("501234567" as text is refused), texts are strings,
coordinates numbers. Fields Loa does not read are ignored, so new Bot API fields never break parsing.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.channels.schema import Id, Short, Strict, Text

# Telegram ids are signed 64-bit integers (groups and channels are negative).
TgId = Annotated[int, Field(ge=-(2**63), lt=2**63)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class User(Strict):
    """A Telegram user (the sender)."""

    id: TgId
    first_name: Short = ""
    last_name: Short | None = None
    language_code: Short | None = None

    @property
    def full_name(self) -> str:
        """First and last name, as Telegram shows them."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


class Chat(Strict):
    """The chat a message belongs to; only "private" ones are for Loa."""

    id: TgId
    type: Short


class Contact(Strict):
    """A shared contact; `user_id` is set when the contact is a Telegram user."""

    phone_number: Annotated[str, Field(min_length=1, max_length=32)]
    user_id: TgId | None = None


class Location(Strict):
    """A shared location."""

    latitude: Latitude
    longitude: Longitude


class PhotoSize(Strict):
    """One size of a photo; the last is the biggest."""

    file_id: Id


class Media(Strict):
    """A sticker, voice note, audio, animation, document or video: only its file id is kept."""

    file_id: Id


class Message(Strict):
    """A message in a chat."""

    message_id: TgId
    chat: Chat
    from_: User | None = Field(default=None, alias="from")
    text: Text | None = None
    caption: Text | None = None
    contact: Contact | None = None
    location: Location | None = None
    photo: Annotated[list[PhotoSize], Field(max_length=20)] | None = None
    sticker: Media | None = None
    voice: Media | None = None
    audio: Media | None = None
    animation: Media | None = None  # a GIF; Telegram also fills `document` for it
    document: Media | None = None
    video: Media | None = None
    video_note: Media | None = None


class InlineButton(Strict):
    """A button of an inline keyboard."""

    text: Short = ""
    callback_data: Short | None = None


class InlineKeyboard(Strict):
    """The inline keyboard under one of our messages."""

    inline_keyboard: Annotated[list[Annotated[list[InlineButton], Field(max_length=20)]], Field(max_length=100)]


class CallbackMessage(Strict):
    """The message whose inline button was pressed (possibly too old to be shown in full)."""

    message_id: TgId
    chat: Chat | None = None
    reply_markup: InlineKeyboard | None = None


class CallbackQuery(Strict):
    """An inline button press."""

    id: Id
    from_: User = Field(alias="from")
    data: Short | None = None
    message: CallbackMessage | None = None


class MemberStatus(Strict):
    """The bot's membership in a chat."""

    status: Short


class ChatMemberUpdated(Strict):
    """The bot was blocked or unblocked (in a private chat)."""

    chat: Chat
    from_: User = Field(alias="from")
    new_chat_member: MemberStatus


class Update(Strict):
    """One update; at most one of the optional parts is set."""

    update_id: Annotated[int, Field(ge=0)]
    message: Message | None = None
    callback_query: CallbackQuery | None = None
    my_chat_member: ChatMemberUpdated | None = None

"""The Telegram adapter: secret-token webhooks in, Bot API messages out (python-telegram-bot, one loop)."""
from __future__ import annotations

import hmac
import logging
import warnings
from functools import partial

from telegram import (Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove)
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
                            TelegramError)
from telegram.request import HTTPXRequest

from bot.channels import header
from bot.channels.aio import LoopThread
from bot.channels.errors import AuthFailed, ConnectionFailed, ContactStopped, MessageInvalid, Throttled
from bot.channels.telegram_updates import parse_update
from bot.messages import Inbound, Reply
from core.settings import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 4096
SHORT_TITLE = 18  # two buttons per row when every title is this short
# Keyboard chrome the engine does not write: the label on Telegram's "share" buttons.
LABELS = {
    "contact": {"vi": "📱 Gửi số điện thoại của tôi", "en": "📱 Share my phone number"},
    "location": {"vi": "📍 Gửi vị trí của tôi", "en": "📍 Share my location"},
}


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        # PTB 22 warns that int access is deprecated; both forms are handled here.
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def inline_keyboard(reply: Reply) -> InlineKeyboardMarkup:
    """The reply's buttons as an inline keyboard: two per row when titles are short, else one."""
    buttons = [InlineKeyboardButton(b.title, callback_data=b.payload) for b in reply.buttons]
    per_row = 2 if all(len(b.title) <= SHORT_TITLE for b in reply.buttons) else 1
    return InlineKeyboardMarkup([buttons[i:i + per_row] for i in range(0, len(buttons), per_row)])


def share_keyboard(ask: str, language: str) -> ReplyKeyboardMarkup:
    """A one-time reply keyboard whose single button shares the phone number or the location."""
    label = LABELS[ask].get(language, LABELS[ask]["vi"])
    button = KeyboardButton(label, request_contact=ask == "contact", request_location=ask == "location")
    return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram's 4096-character limit, cut at line or word breaks."""
    from bot.channels.zalo import split_text as _split

    return _split(text, limit)


class TelegramAdapter:
    """Telegram Bot API through one PTB Bot per process and a persistent event loop."""

    channel = "telegram"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.runner = LoopThread("loa-telegram")
        request = HTTPXRequest(connection_pool_size=32, connect_timeout=2.0, read_timeout=5.0,
                               write_timeout=5.0, pool_timeout=3.0)
        # getUpdates long-polls, so it gets its own request object with a longer read timeout.
        polling = HTTPXRequest(connection_pool_size=1, read_timeout=10.0, connect_timeout=5.0)
        self.bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base, request=request,
                       get_updates_request=polling)

    # -- in ------------------------------------------------------------------------------------
    def verify(self, headers, body: bytes) -> bool:
        """True when the secret-token header matches ours and the body is declared as JSON."""
        content_type = (header(headers, "Content-Type") or "").split(";")[0].strip().lower()
        given = header(headers, "X-Telegram-Bot-Api-Secret-Token") or ""
        secret = self.settings.telegram_webhook_secret
        return content_type == "application/json" and bool(secret) and \
            hmac.compare_digest(given.encode(), secret.encode())

    def parse(self, body: bytes) -> list[Inbound]:
        """The Inbounds in one update; [] for ignored updates; raises ParseError when malformed."""
        return parse_update(body)

    # -- out -----------------------------------------------------------------------------------
    def acknowledge(self, inbound: Inbound) -> None:
        """Answer a button press so the citizen's spinner stops; a stale query is not an error."""
        query_id = inbound.extra.get("callback_query_id")
        if query_id:
            try:
                self.runner.run(self.bot.answer_callback_query(query_id))
            except Exception as exc:  # noqa: BLE001 - a stale or failed answer must not stop the replies
                log.info("callback query not answered: %s", exc)

    def send(self, user_id: str, replies: list[Reply], reply_to: Inbound | None = None) -> list[str]:
        """Send replies to a chat; returns message ids; raises a bot.channels.errors error."""
        return self.runner.run(self._send_all(int(user_id), replies, reply_to))

    async def _send_all(self, chat_id: int, replies: list[Reply], reply_to: Inbound | None) -> list[str]:
        ids: list[str] = []
        for index, reply in enumerate(replies):
            if index == 0 and self._is_toggle(reply, reply_to):
                ids.append(await self._call(self._edit(chat_id, reply, reply_to.extra["message_id"])))
                continue
            remove = reply_to is not None and reply_to.kind in ("contact", "location") and index == 0
            for call in self._messages(chat_id, reply, remove):
                ids.append(await self._call(call()))
        return ids

    @staticmethod
    def _is_toggle(reply: Reply, reply_to: Inbound | None) -> bool:
        """A multi-select answer to a press on the same keyboard: edit that message instead of a new one."""
        if reply_to is None or not reply.multi_select or not reply_to.extra.get("message_id"):
            return False
        return reply_to.extra.get("keyboard") == sorted(b.payload for b in reply.buttons)

    async def _edit(self, chat_id: int, reply: Reply, message_id: int):
        try:
            await self.bot.edit_message_text(reply.text[:MAX_TEXT], chat_id=chat_id, message_id=message_id,
                                             reply_markup=inline_keyboard(reply))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
        return message_id

    def _messages(self, chat_id: int, reply: Reply, remove_keyboard: bool) -> list:
        """The calls sending one reply (not yet started): text chunks, then the keyboard on the last chunk."""
        chunks = split_text(reply.text) or [""]
        send = partial(self.bot.send_message, chat_id)
        calls = [partial(send, c) for c in chunks[:-1]]
        if reply.ask in LABELS:
            calls.append(partial(send, chunks[-1], reply_markup=share_keyboard(reply.ask, reply.language)))
            if reply.buttons:
                calls.append(partial(send, "…", reply_markup=inline_keyboard(reply)))
        elif reply.buttons:
            calls.append(partial(send, chunks[-1], reply_markup=inline_keyboard(reply)))
        else:
            calls.append(partial(send, chunks[-1], reply_markup=ReplyKeyboardRemove() if remove_keyboard else None))
        return calls

    @staticmethod
    async def _call(coro) -> str:
        """Await one Bot API call and translate PTB's errors into the closed set of send errors."""
        try:
            result = await coro
        except RetryAfter as exc:
            raise Throttled(str(exc), code=429, retry_after=retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise ContactStopped(str(exc), code=403) from exc
        except (BadRequest, ChatMigrated) as exc:
            raise MessageInvalid(str(exc), code=400) from exc
        except InvalidToken as exc:
            raise AuthFailed(str(exc), code=401) from exc
        except NetworkError as exc:  # TimedOut and 5xx/409 land here; BadRequest was caught above
            raise ConnectionFailed(str(exc)) from exc
        except TelegramError as exc:
            raise ConnectionFailed(str(exc)) from exc
        return str(getattr(result, "message_id", result))

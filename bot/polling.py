"""Development without a public URL: `python -m bot.polling` long-polls Telegram's getUpdates and feeds
each update into the same pipeline as the webhook (parse -> dedupe -> inbox -> RQ "inbound")."""
from __future__ import annotations

import json
import logging
import signal
import sys
import time

from telegram.error import Conflict, NetworkError, TelegramError

from bot import inbox
from bot.channels import ParseError, get_adapter
from core.privacy import configure_logging
from core.settings import Settings

log = logging.getLogger("bot.polling")
LONG_POLL_S = 25
ALLOWED = ["message", "callback_query", "my_chat_member"]


def poll_once(settings: Settings, offset: int | None, timeout: int = LONG_POLL_S) -> int | None:
    """Fetch one batch of updates, queue them, and return the next offset."""
    adapter = get_adapter("telegram", settings)
    updates = adapter.runner.run(adapter.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED),
                                 timeout=timeout + 30)
    for update in updates:
        body = json.dumps(update.to_dict()).encode()
        try:
            inbounds = adapter.parse(body)
        except ParseError as exc:
            log.warning("update %s skipped: %s", update.update_id, exc)
            inbounds = []
        if inbounds:
            inbox.accept(settings, inbounds)
        offset = update.update_id + 1  # confirmed to Telegram by the next call
    return offset


def main() -> None:
    """Delete any webhook, then poll until interrupted, backing off on network trouble."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if settings.telegram_mode != "polling":
        log.warning("TELEGRAM_MODE is %r; polling anyway (this removes the webhook)", settings.telegram_mode)
    adapter = get_adapter("telegram", settings)
    adapter.runner.run(adapter.bot.delete_webhook())
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    offset, backoff = None, 1.0
    log.info("polling Telegram at %s", settings.telegram_api_base)
    while not stop:
        try:
            offset = poll_once(settings, offset)
            backoff = 1.0
        except Conflict as exc:  # another poller or a webhook is active
            log.error("getUpdates conflict: %s", exc)
            time.sleep(backoff := min(backoff * 2, 60))
        except (NetworkError, TelegramError) as exc:
            log.warning("getUpdates failed: %s", exc)
            time.sleep(backoff := min(backoff * 2, 30))
        except KeyboardInterrupt:
            break
    return None


if __name__ == "__main__":
    sys.exit(main())

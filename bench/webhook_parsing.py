"""What checking a webhook body costs: the schema-checked readers of every channel on recorded payloads, in
microseconds per body (the webhook's whole answer is measured by bench/webhooks.py), beside the naive reading
Loa had before: python-telegram-bot's Update.de_json with no type checks. Runs in a few seconds, needs nothing
running. Last line: RESULT zalo_us=.. zalo_origin_us=.. telegram_us=.. telegram_ptb_us=.. sms_us=.. voice_us=.."""
from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.schema import check  # noqa: E402
from bot.channels.sms import SmsAdapter  # noqa: E402
from bot.channels.telegram_updates import parse_update  # noqa: E402
from bot.channels.twilio_forms import CallStatusCallback, fields  # noqa: E402
from bot.channels.zalo_events import check_origin, parse_event  # noqa: E402
from core.settings import Settings  # noqa: E402
from telegram import Update  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
N = 20000


def per_call_us(fn) -> float:
    """Best of three runs of N calls, in microseconds per call."""
    return min(timeit.repeat(fn, number=N, repeat=3)) / N * 1e6


def main() -> None:
    """Time each reader on a typical recorded body and print the figures."""
    settings = Settings.from_env()
    zalo = (FIXTURES / "zalo" / "user_send_text.json").read_bytes()
    telegram = (FIXTURES / "telegram" / "callback_query.json").read_bytes()
    sms = (FIXTURES / "twilio" / "sms_inbound_text.form").read_bytes()
    status = (FIXTURES / "twilio" / "voice_status_completed.form").read_bytes()
    stamp = int(zalo.split(b'"timestamp":"')[1][:13])
    adapter = SmsAdapter(settings)
    figures = {
        "zalo_us": per_call_us(lambda: parse_event(zalo)),
        "zalo_origin_us": per_call_us(lambda: check_origin(zalo, settings.zalo_app_id, now_ms=stamp)),
        "telegram_us": per_call_us(lambda: parse_update(telegram)),
        "telegram_ptb_us": per_call_us(lambda: Update.de_json(json.loads(telegram), None)),
        "sms_us": per_call_us(lambda: adapter.parse(sms)),
        "voice_us": per_call_us(lambda: check(CallStatusCallback, fields(status))),
    }
    for name, value in figures.items():
        print(f"{name:>16}: {value:7.1f} us per body")
    print("RESULT " + " ".join(f"{name}={value:.1f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()

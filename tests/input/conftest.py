"""Bad-input tests: every webhook posted through the Flask test client, correctly signed, against the real
Redis (a private database number, so no shared worker drains what we check) and the real test database."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from rq import Queue
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from bot.channels.sms import form
from core.redis_conn import QUEUES, get_redis
from sandbox.zalo_events import sign_zalo
from tests.bot.helpers import ECHO, fresh, own_redis_url

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ZALO_USER = "4143046553463412237"
TG_CHAT = "501234567"


def recorded(provider: str, name: str) -> bytes:
    """A recorded payload, byte for byte (Zalo ones stamped now: Loa refuses events over 5 minutes old)."""
    path = next(FIXTURES.joinpath(provider).glob(f"{name}.*"))
    body = path.read_bytes()
    return fresh(body) if provider == "zalo" else body


def recorded_json(provider: str, name: str) -> dict:
    """A recorded JSON payload as a dict, to change one field of it."""
    return json.loads(recorded(provider, name))


def recorded_pairs(name: str) -> list[tuple[str, str]]:
    """A recorded Twilio form as (key, value) pairs, blanks kept, in the order Twilio sent them."""
    return parse_qsl(recorded("twilio", name).decode(), keep_blank_values=True)


def zalo_mac(body: bytes, secret: str) -> str:
    """X-ZEvent-Signature as Zalo computes it, with app_id and timestamp read from the body when it has them."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        event = None
    event = event if isinstance(event, dict) else {}
    return sign_zalo(body, str(event.get("app_id", "")), str(event.get("timestamp", "")), secret)


def redis_state(settings) -> dict:
    """Every key of our Redis database with its type and size: what a request wrote shows as a difference."""
    r = get_redis(settings)
    keys = sorted(r.scan_iter(count=1000))
    if not keys:
        return {}
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    types = pipe.execute()
    sizes = {"list": "llen", "zset": "zcard", "set": "scard", "hash": "hlen", "string": "strlen", "stream": "xlen"}
    for key, kind in zip(keys, types):
        getattr(pipe, sizes.get(kind, "exists"))(key)
    return {key: (kind, size) for key, kind, size in zip(keys, types, pipe.execute())}


def jobs(settings) -> int:
    """Jobs waiting on every RQ queue."""
    return sum(Queue(name, connection=get_redis(settings)).count for name in QUEUES)


class Webhooks:
    """Post to each webhook, signed the way its provider signs, and say what the request wrote to Redis."""

    def __init__(self, app, settings):
        self.client, self.settings = app.test_client(), settings
        self.twilio = RequestValidator(settings.twilio_auth_token)

    def _post(self, path: str, body: bytes, headers: dict):
        before = redis_state(self.settings)
        response = self.client.post(path, data=body, headers=headers)
        response.wrote = redis_state(self.settings) != before  # noqa: attribute for the tables' "queued?"
        return response

    def zalo(self, body: bytes, signed: bool = True):
        """POST /webhooks/zalo with X-ZEvent-Signature computed from the body (app_id + body + timestamp + key)."""
        mac = zalo_mac(body, self.settings.zalo_oa_secret_key) if signed else "mac=" + "0" * 64
        return self._post("/webhooks/zalo", body, {"Content-Type": "application/json", "X-ZEvent-Signature": mac})

    def telegram(self, body: bytes, secret: str | None = None):
        """POST /webhooks/telegram with the secret token header."""
        token = self.settings.telegram_webhook_secret if secret is None else secret
        return self._post("/webhooks/telegram", body, {"Content-Type": "application/json",
                                                        "X-Telegram-Bot-Api-Secret-Token": token})

    def sms(self, body: bytes | list, path: str = "/webhooks/sms", signed: bool = True):
        """POST a form to an SMS webhook, signed over the values ivr.sms checks (first value of each key)."""
        body = urlencode(body).encode() if isinstance(body, list) else body
        url = self.settings.public_url.rstrip("/") + path
        signature = self.twilio.compute_signature(url, form(body)) if signed else "bm90IGEgc2lnbmF0dXJl"
        return self._post(path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                       "X-Twilio-Signature": signature})

    def voice(self, path: str, body: bytes | list, signed: bool = True):
        """POST a form to a voice webhook (path may carry a query), signed over every value as Flask reads them."""
        body = urlencode(body).encode() if isinstance(body, list) else body
        url = self.settings.public_url.rstrip("/") + path
        params = MultiDict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        signature = self.twilio.compute_signature(url, params) if signed else "bm90IGEgc2lnbmF0dXJl"
        return self._post(path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                       "X-Twilio-Signature": signature})


@pytest.fixture(scope="session")
def input_settings(settings, migrated):
    """Settings on a private Redis database with the echo engine."""
    return settings.with_(redis_url=own_redis_url(settings.redis_url, db=(_db(settings.redis_url) + 9) % 16),
                          bot_handler=ECHO)


def _db(url: str) -> int:
    tail = url.rpartition("/")[2]
    return int(tail) if tail.isdigit() else 0


@pytest.fixture(scope="session")
def input_app(input_settings):
    """One web app on `input_settings` for every bad-input test."""
    from core.app import create_app

    return create_app(input_settings)


@pytest.fixture()
def hooks(input_app, input_settings):
    """A Webhooks poster, its Redis database emptied first. The SQL database is not emptied: no case here reads
    rows of another test, and emptying every table for each of these hundreds of cases would cost minutes."""
    get_redis(input_settings).flushdb()
    return Webhooks(input_app, input_settings)

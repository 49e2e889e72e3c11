"""End to end: a person texts Loa through the Twilio stand-in, the worker asks the engine, the replies come
back as numbered SMS without diacritics; a reply "2" picks the second option; STOP sticks (21610)."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from core.testing import wait_until

pytestmark = pytest.mark.slow
CITIZEN = "+84912345670"


@pytest.fixture()
def texting(sandbox_clean, web, worker, db, redis_client):
    """Sandbox, Loa and a worker running; clean state."""
    return sandbox_clean


def text(sandbox, body: str) -> dict:
    response = httpx.post(f"{sandbox.url}/_sandbox/twilio/incoming_sms", json={"from": CITIZEN, "body": body},
                          timeout=30)
    response.raise_for_status()
    return response.json()


def sent(sandbox) -> list[str]:
    messages = httpx.get(f"{sandbox.url}/_sandbox/sms", params={"to": CITIZEN, "direction": "outbound-api"},
                         timeout=10).json()
    return [m["body"] for m in messages]


def test_a_conversation_by_numbered_options(texting):
    assert text(texting, "menu")["webhook"]["http_status"] == 200
    menu = wait_until(lambda: sent(texting), timeout=30)[0]
    assert "1. Khai bao y te" in menu and all(ord(ch) < 128 for ch in menu)  # GSM-7: one segment per 160
    text(texting, "2")  # the second option: ask a question
    topics = wait_until(lambda: sent(texting)[1:], timeout=30)[0]
    assert "1. Ai duoc tiem vac xin" in topics


def test_stop_sticks_until_start(texting, settings, db):
    from bot.channels.errors import ContactStopped
    from bot.channels.sms import SmsAdapter
    from bot.messages import Reply
    from ivr.models import OptOut

    assert text(texting, "STOP")["opt_out_type"] == "STOP"
    with db() as session:
        assert session.scalars(select(OptOut.channel).where(OptOut.phone == CITIZEN)).all() == ["sms"]
    with pytest.raises(ContactStopped):
        SmsAdapter(settings).send(CITIZEN, [Reply("Hello")])
    text(texting, "START")
    assert SmsAdapter(settings).send(CITIZEN, [Reply("Hello again")])[0].startswith("SM")
    with db() as session:
        assert session.scalars(select(OptOut).where(OptOut.phone == CITIZEN)).all() == []

"""POST /webhooks/telegram with bad input: each row is (case, body, expected status, queued?), every request
carrying our secret token so the checks after it are what answers."""
from __future__ import annotations

import json

import pytest

from bot.webhooks import UNREADABLE
from tests.input.conftest import recorded, recorded_json


def changed(name: str, path: str, value=None, remove: bool = False) -> bytes:
    """A recorded update with the field at `path` ("message.chat.id") set to `value` or removed."""
    update = recorded_json("telegram", name)
    *parents, last = path.split(".")
    node = update
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if remove:
        del node[last]
    else:
        node[int(last) if isinstance(node, list) else last] = value
    return json.dumps(update, ensure_ascii=False).encode()


CASES = [
    ("text accepted", lambda: recorded("telegram", "message_text"), 200, True),
    ("chat id as text", lambda: changed("message_text", "message.chat.id", "501234567"), 400, False),
    ("chat id is a list", lambda: changed("message_text", "message.chat.id", [501234567]), 400, False),
    ("chat missing", lambda: recorded("telegram", "message_without_chat"), 400, False),
    ("text is a list", lambda: changed("message_text", "message.text", ["xin", "chào"]), 400, False),
    ("text is a number", lambda: changed("message_text", "message.text", 115), 400, False),
    ("text with a NUL", lambda: changed("message_text", "message.text", "xin\u0000chào"), 400, False),
    ("from.id as text", lambda: changed("message_text", "message.from.id", "501234567"), 400, False),
    ("update_id as text", lambda: changed("message_text", "update_id", "810000001"), 400, False),
    ("no update_id", lambda: recorded("telegram", "no_update_id"), 400, False),
    ("message is a string", lambda: changed("message_text", "message", "xin chào"), 400, False),
    ("body is a JSON list", lambda: b"[" + recorded("telegram", "message_text") + b"]", 400, False),
    ("body is JSON null", lambda: b"null", 400, False),
    ("body is not JSON", lambda: recorded("telegram", "truncated"), 400, False),
    ("deeply nested body", lambda: b"[" * 100000 + b"]" * 100000, 400, False),
    ("latitude as text", lambda: changed("location", "message.location.latitude", "19.8"), 400, False),
    ("latitude out of range", lambda: changed("location", "message.location.latitude", 91.0), 400, False),
    ("photo is an object", lambda: changed("photo", "message.photo", {"file_id": "x"}), 400, False),
    ("photo file_id is a number", lambda: changed("photo", "message.photo.1.file_id", 7), 400, False),
    ("contact phone is a number", lambda: changed("contact", "message.contact.phone_number", 84912345678),
     400, False),
    ("button press without from", lambda: changed("callback_query", "callback_query.from", remove=True), 400, False),
    ("button data is a list", lambda: changed("callback_query", "callback_query.data", ["/sym", "fever"]),
     400, False),
    ("keyboard rows are not lists", lambda: changed("callback_query", "callback_query.message.reply_markup",
                                                    {"inline_keyboard": ["/sym fever"]}), 400, False),
    ("button press accepted", lambda: recorded("telegram", "callback_query"), 200, True),
    ("membership status is a number", lambda: changed("my_chat_member_kicked", "my_chat_member.new_chat_member.status",
                                                      3), 400, False),
    ("edited message: ignored", lambda: recorded("telegram", "edited_message"), 200, False),
    ("group message: ignored", lambda: recorded("telegram", "group_message"), 200, False),
]


@pytest.mark.parametrize("case,build,status,queued", CASES, ids=[c[0] for c in CASES])
def test_telegram_bad_input(hooks, case, build, status, queued):
    response = hooks.telegram(build())
    assert response.status_code == status, response.get_json()
    assert response.wrote is queued
    if status >= 400:
        assert response.get_json()["description"] not in ("", UNREADABLE)


def test_wrong_secret_is_403_and_oversized_is_413(hooks):
    wrong = hooks.telegram(recorded("telegram", "message_text"), secret="guess")
    assert (wrong.status_code, wrong.wrote) == (403, False)
    big = b'{"update_id": 1, "x": "' + b"a" * hooks.settings.max_body_bytes + b'"}'
    too_big = hooks.telegram(big)
    assert (too_big.status_code, too_big.wrote) == (413, False)

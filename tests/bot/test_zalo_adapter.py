"""The Zalo adapter over recorded webhook payloads: each row names the case, the input and what comes out."""
from __future__ import annotations

import pytest

from bot.channels import ParseError
from bot.channels.errors import AuthFailed, ConnectionFailed, ContactStopped, MessageInvalid, Throttled
from bot.channels.zalo import ZaloAdapter, button_groups, map_error, split_text
from bot.messages import Button, Reply
from tests.bot.helpers import payload, zalo_signature

USER = "4143046553463412237"

# (case, fixture, expected Inbounds as {field: value}, checked field by field)
HANDLED = [
    ("typed text", "user_send_text",
     [dict(kind="text", user_id=USER, text="khai báo y tế", payload=None, msg_id="96d3cdf3af150460909",
           extra={"event_id": "user_send_text:96d3cdf3af150460909", "event": "user_send_text"})]),
    ("button click comes back as its payload", "user_send_text_button",
     [dict(kind="button", user_id=USER, text="/declare", payload="/declare", msg_id="a1c4e0f1b2d3e4f5a6b7")]),
    ("reply quoting one of ours", "user_send_text_quote",
     [dict(kind="text", text="Có, tôi bị sốt", extra={"quote_msg_id": "f0e1d2c3b4a596877869"})]),
    ("follow", "follow",
     [dict(kind="follow", user_id=USER, msg_id=None, extra={"event_id": f"follow:{USER}:1677721100000"})]),
    ("unfollow", "unfollow", [dict(kind="unfollow", user_id=USER)]),
    ("shared contact, 84... becomes E.164", "user_submit_info",
     [dict(kind="contact", user_id=USER, phone="+84912345678", display_name="Nguyễn Văn An",
           extra={"city": "Thanh Hóa", "event_id": f"user_submit_info:{USER}:1677721300000"})]),
    ("location, chatwoot shape", "user_send_location",
     [dict(kind="location", latitude=19.806692, longitude=105.785182, msg_id="c3d5e0f1b2d3e4f5a6b9")]),
    ("location, lat/long shape", "user_send_location_latlong", [dict(kind="location", latitude=19.806692,
                                                                     longitude=105.785182)]),
    ("location, message.location shape", "user_send_location_flat", [dict(kind="location", latitude=19.806692,
                                                                          longitude=105.785182)]),
    ("image with caption", "user_send_image",
     [dict(kind="image", media_url="https://photo-stal-1.zdn.vn/abc/photo.jpg", text="tụ tập đông người")]),
    ("delivery receipt: the citizen is the recipient", "user_received_message",
     [dict(kind="delivered", user_id=USER, msg_id="e5f7a8b9c0d1e2f3a4b5",
           extra={"event_id": "user_received_message:e5f7a8b9c0d1e2f3a4b5"})]),
    ("seen receipt for two messages", "user_seen_message",
     [dict(kind="seen", user_id=USER, msg_id="e5f7a8b9c0d1e2f3a4b5"),
      dict(kind="seen", user_id=USER, msg_id="e5f7a8b9c0d1e2f3a4b6")]),
    # Media the engine cannot read still come in, so the citizen gets an answer (never silence).
    ("sticker", "user_send_sticker", [dict(kind="sticker", msg_id="a7b9c0d1e2f3a4b5c6d7", media_url=None)]),
    ("GIF", "user_send_gif", [dict(kind="sticker", extra={"media_url": "https://gif-stal.zdn.vn/abc/hello.gif"})]),
    ("voice note", "user_send_audio", [dict(kind="voice", extra={"media_url": "https://voice-stal.zdn.vn/abc/voice.aac"})]),
    ("file with a caption", "user_send_file", [dict(kind="file", text="giấy xét nghiệm của tôi", media_url=None)]),
    ("video", "user_send_video", [dict(kind="video")]),
]
IGNORED = [("our own message echoed", "oa_send_text")]
MALFORMED = [
    ("truncated JSON", "truncated"),
    ("no event_name", "missing_event_name"),
    ("text without msg_id", "text_without_msg_id"),
    ("location without coordinates", "location_without_coordinates"),
]


@pytest.fixture()
def zalo(settings):
    return ZaloAdapter(settings)


def _matches(inbound, expected: dict) -> None:
    for name, value in expected.items():
        actual = getattr(inbound, name)
        if name == "extra":
            assert {k: actual.get(k) for k in value} == value
        else:
            assert actual == value, name


@pytest.mark.parametrize("case,fixture,expected", HANDLED, ids=[r[0] for r in HANDLED])
def test_handled_events(zalo, case, fixture, expected):
    inbounds = zalo.parse(payload("zalo", fixture))
    assert len(inbounds) == len(expected)
    for inbound, want in zip(inbounds, expected):
        assert inbound.channel == "zalo"
        _matches(inbound, want)


@pytest.mark.parametrize("case,fixture", IGNORED, ids=[r[0] for r in IGNORED])
def test_ignored_events(zalo, case, fixture):
    assert zalo.parse(payload("zalo", fixture)) == []


@pytest.mark.parametrize("case,fixture", MALFORMED, ids=[r[0] for r in MALFORMED])
def test_malformed_events(zalo, case, fixture):
    with pytest.raises(ParseError):
        zalo.parse(payload("zalo", fixture))


def _tamper(body: bytes) -> bytes:
    return body.replace("khai báo".encode(), "khai bao".encode())


# (case, how the signature header is made from (body, settings), body transform, verified?)
SIGNATURES = [
    ("signed like Zalo", lambda b, s: zalo_signature(b, s.zalo_oa_secret_key), None, True),
    ("without the mac= prefix", lambda b, s: zalo_signature(b, s.zalo_oa_secret_key)[4:], None, True),
    ("upper-case hex", lambda b, s: "mac=" + zalo_signature(b, s.zalo_oa_secret_key)[4:].upper(), None, True),
    ("signed with another OA's key", lambda b, s: zalo_signature(b, "someone-else"), None, False),
    ("body changed after signing", lambda b, s: zalo_signature(b, s.zalo_oa_secret_key), _tamper, False),
    ("signed with the app secret instead", lambda b, s: zalo_signature(b, s.zalo_app_secret_key), None, False),
    ("no signature header", None, None, False),
]


@pytest.mark.parametrize("case,sign,transform,ok", SIGNATURES, ids=[r[0] for r in SIGNATURES])
def test_signature(zalo, settings, case, sign, transform, ok):
    body = payload("zalo", "user_send_text")
    headers = {"x-zevent-signature": sign(body, settings)} if sign else {}
    assert zalo.verify(headers, transform(body) if transform else body) is ok


def test_unverifiable_body_is_a_bad_request(zalo):
    with pytest.raises(ParseError):
        zalo.verify({"X-ZEvent-Signature": "mac=00"}, payload("zalo", "truncated"))


# -- rendering and error mapping: pure functions, no network ----------------------------------
def test_long_text_is_cut_at_word_breaks_under_2000():
    text = ("Người dân cần theo dõi sức khỏe hằng ngày. " * 120).strip()
    pieces = split_text(text)
    assert len(pieces) == 3 and all(len(p) <= 2000 for p in pieces)
    assert " ".join(pieces) == text


@pytest.mark.parametrize("count,sizes", [(0, []), (3, [3]), (5, [5]), (6, [3, 3]), (7, [4, 3]), (11, [4, 4, 3])])
def test_buttons_are_split_evenly_into_cards(count, sizes):
    assert [len(g) for g in button_groups(list(range(count)))] == sizes


def test_render_buttons_contact_and_text(zalo):
    menu = Reply(text="Chọn:", buttons=[Button(f"Mục {i}", f"/item {i}") for i in range(7)])
    cards = zalo.render(menu)
    assert [c["attachment"]["payload"]["template_type"] for c in cards] == ["button", "button"]
    first = cards[0]["attachment"]["payload"]["buttons"][0]
    assert first == {"type": "oa.query.show", "title": "Mục 0", "payload": "/item 0"}
    contact = zalo.render(Reply(text="Xin số điện thoại", ask="contact"))
    assert contact[-1]["attachment"]["payload"]["template_type"] == "request_user_info"
    assert zalo.render(Reply(text="a" * 4500)) == [{"text": "a" * 2000}, {"text": "a" * 2000}, {"text": "a" * 500}]


ERRORS = [
    (-32, Throttled, 60.0), (-213, ContactStopped, None), (-217, ContactStopped, None),
    (-227, ContactStopped, None), (-244, ContactStopped, None), (-230, MessageInvalid, None),
    (-232, MessageInvalid, None), (-201, MessageInvalid, None), (-210, MessageInvalid, None),
    (-233, MessageInvalid, None), (-248, MessageInvalid, None), (-216, AuthFailed, None),
    (-200, ConnectionFailed, None),
]


@pytest.mark.parametrize("code,error,retry_after", ERRORS, ids=[str(r[0]) for r in ERRORS])
def test_error_codes_map_to_the_closed_set(code, error, retry_after):
    exc = map_error(code, "msg")
    assert type(exc) is error and exc.code == code and exc.retry_after == retry_after


def test_the_contact_cards_image_is_served_by_loa(zalo, client):
    from urllib.parse import urlparse

    card = zalo.render(Reply(text="Xin số điện thoại", ask="contact"))[-1]
    url = card["attachment"]["payload"]["elements"][0]["image_url"]
    assert url.startswith(zalo.settings.public_url)
    resp = client.get(urlparse(url).path)
    assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data.startswith(b"\x89PNG")

"""The Zalo OA stand-in over real HTTP: tokens, sends and their error codes, message validation."""
from __future__ import annotations

import pytest

from core.testing import wait_until
from tests.sandbox.helpers import access_token, fault, refresh, zalo_send

pytestmark = pytest.mark.nodb

TEXT = {"text": "Xin chào"}


def test_refresh_token_rotates_and_an_old_one_is_refused(api, settings):
    first = refresh(api, settings, settings.zalo_refresh_token)
    assert set(first) == {"access_token", "refresh_token", "expires_in"}
    assert isinstance(first["expires_in"], str) and int(first["expires_in"]) == 90000
    second = refresh(api, settings, first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    reused = refresh(api, settings, first["refresh_token"])
    assert reused["error"] < 0 and reused["error_description"] and "access_token" not in reused
    assert {"error_name", "error_reason", "ref_doc"} <= set(reused)
    tokens = api.get("/_sandbox/zalo/token").json()
    assert tokens["refresh_token"] == second["refresh_token"]
    assert first["refresh_token"] in tokens["spent_refresh_tokens"]
    assert tokens["access_token"] == second["access_token"]
    # An access token stays good until it expires, even after a refresh (like Zalo).
    assert zalo_send(api, first["access_token"], "u-rot", TEXT).json()["error"] == 0


OAUTH_REFUSALS = [
    ("wrong app secret key", dict(secret="not-the-secret")),
    ("wrong app id", dict(app_id="42")),
    ("unknown refresh token", dict(refresh_token="made-up")),
]


@pytest.mark.parametrize("case,change", OAUTH_REFUSALS, ids=[r[0] for r in OAUTH_REFUSALS])
def test_oauth_refusals_use_the_oauth_error_shape(api, settings, case, change):
    token = change.pop("refresh_token", settings.zalo_refresh_token)
    body = refresh(api, settings, token, **change)
    assert body["error"] < 0 and body["error_description"]


def test_strict_seed_makes_the_configured_refresh_token_single_use(api, settings):
    fault(api, channel="zalo", strict_seed=True, reset_tokens=True)
    assert "access_token" in refresh(api, settings, settings.zalo_refresh_token)
    assert refresh(api, settings, settings.zalo_refresh_token)["error"] < 0
    fault(api, channel="zalo", reset_tokens=True)


def test_expired_access_token_gives_216_then_a_refresh_works(api, settings):
    fault(api, channel="zalo", token_ttl_s=1)
    token = access_token(api, settings)
    assert zalo_send(api, token, "u-ttl", TEXT).json()["error"] == 0
    wait_until(lambda: zalo_send(api, token, "u-ttl", TEXT).json()["error"] == -216, timeout=10, interval=0.2)
    fault(api, channel="zalo", token_ttl_s=90000)
    assert zalo_send(api, access_token(api, settings), "u-ttl", TEXT).json()["error"] == 0


def test_expire_tokens_now(api, settings):
    token = access_token(api, settings)
    fault(api, channel="zalo", expire_tokens=True)
    body = zalo_send(api, token, "u1", TEXT).json()
    assert body == {"error": -216, "message": "Access token is invalid"}
    assert zalo_send(api, "", "u1", TEXT).json()["error"] == -216


# (case, faults to apply first, user, endpoint, expected error code)
RECIPIENTS = [
    ("a user who wrote recently", [], "u-ok", "cs", 0),
    ("blocked the OA", [dict(user_id="u-b", blocked=True)], "u-b", "cs", -217),
    ("unfollowed", [dict(user_id="u-f", followed=False)], "u-f", "cs", -213),
    ("unknown user", [dict(user_id="u-x", exists=False)], "u-x", "cs", -213),
    ("never seen, strict mode", [dict(unknown_users="reject")], "u-new", "cs", -213),
    ("silent for 8 days", [dict(user_id="u-8", last_interaction_days_ago=8)], "u-8", "cs", -230),
    ("silent for 6 days", [dict(user_id="u-6", last_interaction_days_ago=6)], "u-6", "cs", 0),
    ("injected app rate limit", [dict(fail_next={"count": 1, "error": -32})], "u-r", "cs", -32),
    ("injected error for one user only", [dict(user_id="u-other", fail_next={"error": -200})], "u-mine", "cs", 0),
    ("injected error for that user", [dict(user_id="u-e", fail_next={"error": -200})], "u-e", "cs", -200),
    ("promotion outside its hours", [dict(promotion_window="00:00-00:00")], "u-p", "promotion", -234),
]


@pytest.mark.parametrize("case,setup,user,kind,code", RECIPIENTS, ids=[r[0] for r in RECIPIENTS])
def test_recipient_rules(api, settings, case, setup, user, kind, code):
    for spec in setup:
        fault(api, channel="zalo", **spec)
    message = TEXT if kind == "cs" else {"attachment": {"type": "template", "payload": {
        "template_type": "promotion", "elements": [{"type": "header", "content": "Thông báo"}]}}}
    body = zalo_send(api, access_token(api, settings), user, message, kind).json()
    assert body["error"] == code, body
    if code == 0:
        assert body["message"] == "Success" and body["data"]["user_id"] == user and body["data"]["message_id"]
    else:
        assert body["message"]


def test_app_rate_limit_gives_32_then_off_lifts_it(api, settings):
    fault(api, channel="zalo", rate_limit={"calls": 2, "period_s": 60})
    token = access_token(api, settings)
    codes = [zalo_send(api, token, "u-rl", TEXT).json()["error"] for _ in range(3)]
    assert codes == [0, 0, -32]
    fault(api, channel="zalo", rate_limit="off")
    assert zalo_send(api, token, "u-rl", TEXT).json()["error"] == 0


@pytest.mark.parametrize("status", [429, 500, 503])
def test_injected_http_failures(api, settings, status):
    token = access_token(api, settings)
    fault(api, channel="zalo", fail_next={"count": 1, "status": status, "retry_after": 7})
    resp = zalo_send(api, token, "u-h", TEXT)
    assert resp.status_code == status
    if status == 429:
        assert resp.headers["Retry-After"] == "7"
    assert zalo_send(api, token, "u-h", TEXT).json()["error"] == 0  # only the next call fails


def _button_card(buttons, text="Chọn một mục"):
    return {"text": text, "attachment": {"type": "template", "payload": {
        "template_type": "button", "text": text, "buttons": buttons}}}


QUERY = {"type": "oa.query.show", "title": "Khai báo", "payload": "/declare"}
# (case, endpoint, message, expected error, expected record fields when accepted)
MESSAGES = [
    ("plain text", "cs", {"text": "Xin chào"}, 0, {"kind": "text", "text": "Xin chào", "buttons": []}),
    ("button card", "cs", _button_card([QUERY, {"type": "oa.open.url", "title": "Web",
                                                "payload": {"url": "https://loa.example"}},
                                        {"type": "oa.open.phone", "title": "Gọi", "payload": {"phone_code": "19009095"}}]),
     0, {"kind": "buttons", "text": "Chọn một mục", "buttons": [
         {"title": "Khai báo", "payload": "/declare", "type": "oa.query.show"},
         {"title": "Web", "payload": "https://loa.example", "type": "oa.open.url"},
         {"title": "Gọi", "payload": "19009095", "type": "oa.open.phone"}]}),
    ("request_user_info card", "cs", {"attachment": {"type": "template", "payload": {
        "template_type": "request_user_info", "elements": [{"title": "Chia sẻ số điện thoại", "subtitle": "Để khai báo",
                                                            "image_url": "https://loa.example/p.png"}]}}},
     0, {"kind": "request_user_info", "buttons": [{"title": "Chia sẻ số điện thoại", "payload": "__contact__",
                                                    "type": "request_user_info"}]}),
    ("image by url", "cs", {"attachment": {"type": "template", "payload": {
        "template_type": "media", "elements": [{"media_type": "image", "url": "https://loa.example/a.png"}]}}},
     0, {"kind": "image", "media": "https://loa.example/a.png"}),
    ("transaction template", "transaction", {"attachment": {"type": "template", "payload": {
        "template_type": "transaction_order", "language": "VI",
        "elements": [{"type": "header", "content": "Lịch tiêm"}, {"type": "text", "content": "8:00 thứ Hai"}]}}},
     0, {"kind": "transaction", "text": "Lịch tiêm\n8:00 thứ Hai"}),
    ("text too long", "cs", {"text": "a" * 2001}, -210, None),
    ("empty text", "cs", {"text": "  "}, -201, None),
    ("six buttons", "cs", _button_card([QUERY] * 6), -210, None),
    ("unknown button type", "cs", _button_card([{**QUERY, "type": "oa.query.secret"}]), -201, None),
    ("query button without payload", "cs", _button_card([{**QUERY, "payload": ""}]), -201, None),
    ("text on the transaction endpoint", "transaction", {"text": "hi"}, -233, None),
    ("button card on the promotion endpoint", "promotion", _button_card([QUERY]), -233, None),
]


@pytest.mark.parametrize("case,kind,message,code,record", MESSAGES, ids=[r[0] for r in MESSAGES])
def test_messages_are_validated_and_recorded(api, settings, case, kind, message, code, record):
    body = zalo_send(api, access_token(api, settings), "u-m", message, kind).json()
    assert body["error"] == code, body
    recorded = api.get("/_sandbox/messages", params={"channel": "zalo", "user_id": "u-m"}).json()
    if code:
        assert recorded == []
        return
    (item,) = recorded
    assert item["message_id"] == body["data"]["message_id"]
    assert {k: item[k] for k in record} == record


def test_profile_oa_info_quota_and_upload(api, settings):
    token = access_token(api, settings)
    headers = {"access_token": token}
    detail = api.get("/zalo/openapi/v3.0/oa/user/detail", params={"data": '{"user_id":"u-d"}'}, headers=headers)
    data = detail.json()["data"]
    assert data["user_id"] == "u-d" and data["display_name"] and data["avatars"]["240"]
    assert data["user_is_follower"] is True
    info = api.get("/zalo/openapi/v3.0/oa/info", headers=headers).json()
    assert info["error"] == 0 and info["data"]["oa_id"] == settings.zalo_oa_id
    assert api.get("/zalo/openapi/v3.0/oa/quota/message", headers=headers).json()["error"] == 0
    upload = api.post("/zalo/openapi/v2.0/oa/upload/image", files={"file": ("a.png", b"\x89PNG", "image/png")},
                      headers=headers).json()
    assert upload["error"] == 0 and upload["data"]["attachment_id"]
    assert api.get("/zalo/openapi/v3.0/oa/info").json()["error"] == -216

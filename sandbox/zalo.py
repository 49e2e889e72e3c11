"""Stand-in for the Zalo OA Open API v3 and its OAuth host, plus the webhook emitter (events to Loa).

Routes (prefix /zalo): POST openapi/v3.0/oa/message/{cs,transaction,promotion}, GET openapi/v3.0/oa/user/detail,
GET openapi/v3.0/oa/info, GET|POST openapi/v3.0/oa/quota/message, POST openapi/v2.0/oa/upload/{image,file},
POST oauth/v4/oa/access_token. Like Zalo, API errors come back as HTTP 200 with {"error": <negative>, "message"}.
The /_sandbox endpoints that drive this module are in sandbox.inspect.
"""
from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, time as dtime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request

from core.settings import Settings
from sandbox import chat_store, faults, keys, webhook_sender, zalo_state
from sandbox.zalo_events import build_zalo_event, new_msg_id, sign_zalo, user_id_by_app  # noqa: F401 (re-export)
from sandbox.zalo_messages import error_message, read_message

bp = Blueprint("zalo", __name__, url_prefix="/zalo")
CHANNEL = "zalo"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _settings() -> Settings:
    return current_app.config["LOA_SETTINGS"]


def zalo_error(code: int, message: str | None = None) -> Response:
    """A Zalo API error: HTTP 200 with the error code in the body, like the real API."""
    return jsonify(error=code, message=message or error_message(code))


def _injected(user_id: str | None, method: str) -> Response | None:
    slow = float(faults.setting(CHANNEL, "delay_s") or 0)
    if slow > 0 and method != "oauth":
        time.sleep(slow)
    rule = faults.take_failure(CHANNEL, user_id, method, named_only=method == "oauth")
    if rule is None:
        return None
    if rule.get("delay_s"):
        time.sleep(float(rule["delay_s"]))  # a slow answer, then whatever else the rule says (or success)
        if not rule.get("status") and not rule.get("error"):
            return None
    if rule.get("status"):
        status = int(rule["status"])
        resp = Response(rule.get("description") or f"sandbox: injected HTTP {status}", status=status,
                        mimetype="text/plain")
        if status == 429:
            after = rule.get("retry_after")  # seconds, or a string sent as is (an HTTP-date)
            resp.headers["Retry-After"] = after if isinstance(after, str) else str(int(after or 1))
        return resp
    return zalo_error(int(rule.get("error", -200)), rule.get("description"))


def _gate(method: str, user_id: str | None = None) -> Response | None:
    """Injected failure, then access token, then the per-app rate limit: the first that refuses answers."""
    refused = _injected(user_id, method)
    if refused is not None:
        return refused
    if not zalo_state.access_ok(request.headers.get("access_token", ""), _settings().zalo_access_token):
        return zalo_error(-216)
    limit = faults.setting(CHANNEL, "rate_limit")
    if faults.limited([(("zalo", "app"), lambda: faults.Window(int(limit["calls"]), float(limit["period_s"])))]):
        return zalo_error(-32)
    return None


def _recipient(user_id: str, kind: str) -> int:
    create = faults.setting(CHANNEL, "unknown_users") == "accept"
    code = zalo_state.recipient_error(zalo_state.get_user(user_id, create=create), kind)
    if code == 0 and kind == "promotion" and not _in_promotion_window():
        return -234
    return code


def _in_promotion_window() -> bool:
    window = faults.setting(CHANNEL, "promotion_window")
    if not window:
        return True
    start, end = (dtime.fromisoformat(part.strip()) for part in window.split("-"))
    return start <= datetime.now(TZ).time().replace(tzinfo=None) < end


@bp.post("/openapi/v3.0/oa/message/<kind>")
def send_message(kind: str):
    """Send a cs / transaction / promotion message to one user."""
    if kind not in ("cs", "transaction", "promotion"):
        return zalo_error(-209)
    body = request.get_json(silent=True)
    user_id = str(((body or {}).get("recipient") or {}).get("user_id") or "") if isinstance(body, dict) else ""
    refused = _gate(f"message/{kind}", user_id or None)
    if refused is not None:
        return refused
    if not isinstance(body, dict):
        return zalo_error(-201, "Body is invalid")
    if not user_id:
        return zalo_error(-201, "user_id is invalid")
    code, why, fields = read_message(kind, body.get("message"))
    if code:
        return zalo_error(code, why)
    code = _recipient(user_id, kind)
    if code:
        return zalo_error(code)
    if not zalo_state.spend_quota(faults.setting(CHANNEL, "message_quota")):
        return zalo_error(-211)
    message_id = new_msg_id()
    chat_store.record(CHANNEL, user_id, message_id, raw=body, endpoint=kind, **fields)
    emit_receipts(user_id, message_id)
    data = {"message_id": message_id, "user_id": user_id}
    if kind != "cs":
        data["quota"] = {"quota_type": "sub_quota", "remain": "1999", "total": "2000"}
    return jsonify(error=0, message="Success", data=data)


@bp.get("/openapi/v3.0/oa/user/detail")
def user_detail():
    """A user's profile: data={"user_id": ...} in the query string."""
    try:
        user_id = str(json.loads(request.args.get("data") or "{}").get("user_id") or "")
    except (ValueError, AttributeError):
        user_id = ""
    refused = _gate("user/detail", user_id or None)
    if refused is not None:
        return refused
    user = zalo_state.get_user(user_id, create=faults.setting(CHANNEL, "unknown_users") == "accept") \
        if user_id else None
    if user is None or not user["exists"]:
        return zalo_error(-201, "user_id is invalid")
    avatar = f"https://s120-ava-talk.zadn.vn/sandbox/{user_id}.jpg"
    last = datetime.fromtimestamp(user["last_interaction"], TZ).strftime("%d/%m/%Y")
    return jsonify(error=0, message="Success", data={
        "user_id": user_id, "user_id_by_app": user_id_by_app(user_id), "display_name": user["display_name"],
        "user_alias": "", "is_sensitive": False,
        "user_last_interaction_date": last, "user_is_follower": user["followed"], "avatar": avatar,
        "avatars": {"120": avatar, "240": avatar}, "tags_and_notes_info": {"tag_names": [], "notes": []},
        "shared_info": {}})


@bp.get("/openapi/v3.0/oa/info")
def oa_info():
    """The OA's own profile."""
    refused = _gate("oa/info")
    if refused is not None:
        return refused
    settings = _settings()
    return jsonify(error=0, message="Success", data={
        "oa_id": settings.zalo_oa_id, "name": "Loa Sandbox OA", "description": "Sandbox Official Account",
        "oa_alias": "loa-sandbox", "is_verified": True, "oa_type": 2, "cate_name": "Cơ quan nhà nước",
        "num_follower": sum(1 for u in zalo_state.users() if u["followed"]),
        "avatar": "https://s160-ava-talk.zadn.vn/sandbox/oa.jpg", "cover": "https://cover.zadn.vn/sandbox/oa.jpg",
        "package_name": "Gói Nâng cao"})


@bp.route("/openapi/v3.0/oa/quota/message", methods=["GET", "POST"])
def quota():
    """Message quota left (the sandbox never runs out unless a fault says so)."""
    refused = _gate("quota/message")
    if refused is not None:
        return refused
    return jsonify(error=0, message="Success", data={"quota_type": "sub_quota", "remain": "1999", "total": "2000",
                                                      "expired_date": "31/12/2099"})


@bp.post("/openapi/v2.0/oa/upload/<kind>")
def upload(kind: str):
    """Upload an image (-> attachment_id) or a file (-> token), multipart field `file`."""
    if kind not in ("image", "file", "gif"):
        return zalo_error(-209)
    refused = _gate(f"upload/{kind}")
    if refused is not None:
        return refused
    if "file" not in request.files:
        return zalo_error(-201, "file is invalid")
    key = "token" if kind == "file" else "attachment_id"
    return jsonify(error=0, message="Success", data={key: secrets.token_urlsafe(24)})


def oauth_error(code: int, name: str, description: str) -> Response:
    """The OAuth host's error shape (codes are the sandbox's best guess; fields match channels.md A.2)."""
    return jsonify(error=code, error_name=name, error_reason=description, error_description=description,
                   ref_doc="https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new")


@bp.post("/oauth/v4/oa/access_token")
def access_token():
    """Exchange a refresh token for a new access token and a new (rotated, single-use) refresh token."""
    settings = _settings()
    refused = _injected(None, "oauth")
    if refused is not None:
        return refused
    if request.form.get("app_id") != settings.zalo_app_id:
        return oauth_error(-14002, "Invalid app id", "app_id is invalid")
    if request.headers.get("secret_key") != settings.zalo_app_secret_key:
        return oauth_error(-14003, "Invalid secret key", "secret_key is invalid")
    if request.form.get("grant_type") != "refresh_token":
        return oauth_error(-14010, "Invalid grant type", "only grant_type=refresh_token is supported here")
    seed_reusable = not faults.setting(CHANNEL, "strict_seed")
    if not zalo_state.spend_refresh_token(request.form.get("refresh_token", ""), settings.zalo_refresh_token,
                                          seed_reusable):
        return oauth_error(-14014, "Invalid refresh token", "Refresh token is invalid or has been used")
    ttl = int(faults.setting(CHANNEL, "token_ttl_s"))
    access, refresh = zalo_state.issue_tokens(ttl)
    return jsonify(access_token=access, refresh_token=refresh, expires_in=str(ttl))


def emit_receipts(user_id: str, message_id: str, **fields) -> None:
    """user_received_message (and user_seen_message) for a message just sent, when the knobs ask for them."""
    if not faults.setting(CHANNEL, "emit_received"):
        return
    settings = _settings()
    emit_event(settings, "user_received_message", user_id, in_background=True, msg_id=message_id, **fields)
    if faults.setting(CHANNEL, "emit_seen"):
        emit_event(settings, "user_seen_message", user_id, in_background=True, msg_ids=[message_id], **fields)


def webhook_url(settings: Settings) -> str:
    """Where Zalo events go: the configured URL, else Loa's {public_url}/webhooks/zalo."""
    return faults.setting(CHANNEL, "webhook_url") or f"{settings.public_url}/webhooks/zalo"


def emit_event(settings: Settings, event_name: str, user_id: str, in_background: bool = False, **fields) -> dict:
    """Build a webhook event, update the user's state, sign it and POST it to Loa (retrying like Zalo)."""
    event = build_zalo_event(event_name, str(user_id), app_id=settings.zalo_app_id, oa_id=settings.zalo_oa_id,
                             **fields)
    zalo_state.note_event(str(user_id), event_name)
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "ZaloWebhook/sandbox",
               "X-ZEvent-Signature": sign_zalo(body, event["app_id"], event["timestamp"],
                                                   keys.own("zalo_oa_secret_key", settings.zalo_oa_secret_key))}
    config = faults.config(CHANNEL)
    delivery = webhook_sender.deliver(CHANNEL, webhook_url(settings), body, headers, config["webhook_retry_delays"],
                                      config["webhook_timeout_s"], label=event_name, retry_header="num_retry",
                                      in_background=in_background)
    return {"event": event, "delivery": delivery}


def reset() -> None:
    """Forget users (tokens stay valid: see sandbox.zalo_state)."""
    zalo_state.reset()

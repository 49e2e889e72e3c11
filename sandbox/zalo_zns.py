"""Stand-in for Zalo's ZNS host (business.openapi.zalo.me): template messages to a phone number.

POST /zalo/business/message/template  {"phone": "84...", "template_id", "template_data": {...}, "tracking_id"}
  -> {"error": 0, "message": "Success", "data": {"msg_id", "sent_time", "quota": {"dailyQuota", "remainingQuota"}}}
Refusals (HTTP 200 like the OA API): -216 bad token, -32 app rate limit, -201 bad phone / template not approved,
-211 daily quota used up (knob zns_daily_quota; ZNS's own codes are undocumented), -234 outside zns_window.
Delivered messages are recorded under channel "zns" with the phone (84...) as user id; with the Zalo knob
emit_received a user_received_message carrying the tracking_id follows.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, jsonify, request

from sandbox import chat_store, faults, zalo_state
from sandbox.zalo import TZ, _gate, emit_receipts, zalo_error
from sandbox.zalo_events import new_msg_id

bp = Blueprint("zalo_zns", __name__, url_prefix="/zalo/business")
PHONE = re.compile(r"^84\d{9,10}$")


def _in_window(window: str | None) -> bool:
    if not window:
        return True
    start, end = (part.strip() for part in window.split("-"))
    now = datetime.now(TZ).strftime("%H:%M")
    return start <= now < end


@bp.post("/message/template")
def send_template():
    """Send one ZNS template message to a phone number."""
    body = request.get_json(silent=True)
    phone = str((body or {}).get("phone") or "") if isinstance(body, dict) else ""
    refused = _gate("zns/template", phone or None)
    if refused is not None:
        return refused
    if not isinstance(body, dict) or not PHONE.match(phone):
        return zalo_error(-201, "phone is invalid")
    template = str(body.get("template_id") or "")
    approved = faults.setting("zalo", "zns_templates")
    if not template or (approved is not None and template not in approved):
        return zalo_error(-201, "template_id is invalid or not approved")
    if not isinstance(body.get("template_data") or {}, dict):
        return zalo_error(-201, "template_data is invalid")
    if not _in_window(faults.setting("zalo", "zns_window")):
        return zalo_error(-234)
    day = datetime.now(TZ).date().isoformat()
    limit = int(faults.setting("zalo", "zns_daily_quota"))
    if not zalo_state.spend_quota(limit, f"zns:{day}"):
        return zalo_error(-211)
    msg_id = new_msg_id()
    data = body.get("template_data") or {}
    text = "\n".join(str(v) for v in data.values())
    tracking = str(body.get("tracking_id") or "")
    chat_store.record("zns", phone, msg_id, kind="zns", text=text, raw=body, template_id=template,
                      tracking_id=tracking)
    emit_receipts(phone, msg_id, tracking_id=tracking or None)
    remaining = max(0, limit - zalo_state.quota_used(f"zns:{day}"))
    return jsonify(error=0, message="Success", data={
        "msg_id": msg_id, "sent_time": str(int(datetime.now().timestamp() * 1000)),
        "quota": {"dailyQuota": str(limit), "remainingQuota": str(remaining)}})

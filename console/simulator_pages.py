"""Simulator: chat with Loa as a citizen through the real engine (bot.engine.handle), in a Zalo-like panel.

The test citizen is "console-sim-<staff id>" on the zalo channel: what staff declare here lands in the
database like any citizen's declaration (that is the point: check a change before citizens see it).
"""
from __future__ import annotations

import json

from flask import g, redirect, render_template, request, url_for

from bot.engine import handle
from bot.messages import Inbound
from console.access import page, record, settings
from console.blueprint import bp
from core.redis_conn import get_redis

KEEP = 60  # messages of the transcript kept on screen
TTL_S = 24 * 3600


def _key() -> str:
    return f"loa:console:sim:{g.staff.id}"


def sim_user() -> str:
    """The simulated citizen's Zalo user id for the signed-in staff member."""
    return f"console-sim-{g.staff.id}"


def _transcript() -> list[dict]:
    return [json.loads(raw) for raw in get_redis(settings()).lrange(_key(), -KEEP, -1)]


def _append(*entries: dict) -> None:
    client = get_redis(settings())
    with client.pipeline() as pipe:
        for entry in entries:
            pipe.rpush(_key(), json.dumps(entry, ensure_ascii=False))
        pipe.ltrim(_key(), -KEEP, -1)
        pipe.expire(_key(), TTL_S)
        pipe.execute()


@bp.get("/simulator")
@page("simulator.use")
def simulator():
    """The chat panel with the conversation so far and the last reply's buttons."""
    transcript = _transcript()
    buttons = next((e.get("buttons", []) for e in reversed(transcript) if e["who"] == "bot"), [])
    return render_template("console/simulator.html", transcript=transcript, buttons=buttons)


@bp.post("/simulator/say")
@page("simulator.use")
def simulator_say():
    """Send a text or a button's payload to the engine as the test citizen; show what Loa answers."""
    text, payload = request.form.get("text", "").strip()[:1000], request.form.get("payload") or None
    if not text and not payload:
        return redirect(url_for("console.simulator"))
    inbound = Inbound(channel="zalo", user_id=sim_user(), kind="button" if payload else "text", text=text,
                      payload=payload, display_name=f"Console test ({g.staff.name})")
    replies = handle(settings(), inbound)
    shown = request.form.get("title") or text or payload
    _append({"who": "me", "text": shown},
            *({"who": "bot", "text": r.text, "buttons": [[b.title, b.payload] for b in r.buttons]} for r in replies))
    record("simulator.say", kind=inbound.kind)
    return redirect(url_for("console.simulator") + "#end")


@bp.post("/simulator/reset")
@page("simulator.use")
def simulator_reset():
    """Clear the panel (the engine's conversation state for the test citizen expires on its own)."""
    get_redis(settings()).delete(_key())
    return redirect(url_for("console.simulator"))

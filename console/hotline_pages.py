"""Simulator, hotline half: call Loa's hotline from an on-screen keypad and read what it says as text.

The call is the same one `python -m ivr.simulate` places: signed webhooks to Loa's own /voice/incoming, the
TwiML walked by sandbox.twiml_walker. Keys are typed ahead: one group per keypad prompt, separated by commas
("1,2,1957#"); a call ends when the keys run out (silence) and staff redial with more.
"""
from __future__ import annotations

import re

from flask import g, render_template, request

from console.access import page, record, settings
from console.blueprint import bp
from ivr.simulate import call, describe

KEYS = re.compile(r"^[0-9*#,]{0,60}$")


def sim_caller() -> str:
    """The simulated caller: a Twilio client identity, never a phone number (no real person's records or SMS)."""
    return f"client:console-{g.staff.id}"


@bp.get("/simulator/hotline")
@page("simulator.use")
def hotline():
    """The keypad."""
    return render_template("console/hotline.html", keys="", lines=None)


@bp.post("/simulator/hotline")
@page("simulator.use")
def hotline_call():
    """Place the simulated call with the typed keys; show the transcript."""
    keys = request.form.get("keys", "").replace(" ", "")
    if not KEYS.match(keys):
        return render_template("console/hotline.html", keys="", lines=None, error="0-9 * # ,"), 400
    groups = keys.split(",") if keys else []
    transcript = call(settings().public_url, inputs=groups, caller=sim_caller())
    lines = [line for line in (describe(event) for event in transcript) if line]
    record("simulator.hotline", keys=len(groups))
    return render_template("console/hotline.html", keys=keys, lines=lines)

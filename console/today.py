"""Today: the day's counts at a glance and the last 14 days as a chart, for the whole province or one commune."""
from __future__ import annotations

from flask import render_template, request

from bot import places
from console.access import db_scope, page, settings
from console.blueprint import bp
from console.stats import RISKS, last_days, today_counts
from core import clock


def commune_choices() -> list[tuple[int, str]]:
    """(code, name) of every commune of the province, for filters."""
    return [(c.code, c.name) for c in places.communes(settings().province_code)]


def commune_arg() -> int | None:
    """The ?commune= filter as a code, None when absent or not a number."""
    raw = request.args.get("commune", "")
    return int(raw) if raw.isdecimal() and len(raw) < 10 else None


@bp.get("/")
@page("declarations.read")
def today():
    """The Today page."""
    now, commune = clock.now(settings()), commune_arg()
    with db_scope() as db:
        counts = today_counts(db, settings(), now, commune)
        chart = last_days(db, settings(), now, commune)
    return render_template("console/today.html", counts=counts, chart=chart, risks=RISKS,
                           communes=commune_choices(), commune=commune)

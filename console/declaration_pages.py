"""Declarations: filter the list, open one (household, triage reasons, rule version), export CSV (supervisors)."""
from __future__ import annotations

from flask import Response, abort, g, render_template, request
from sqlalchemy import func, select

from bot import places
from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.context import name_for, phone_for
from console.csv_safe import csv_text
from console.declaration_filters import CHANNELS, RISKS, filtered, read_filters
from console.today import commune_choices
from core.models import Declaration
from core.staff_auth import can

PAGE_SIZE = 50
EXPORT_MAX = 50000  # one file a spreadsheet opens; narrow the filters for more


def _commune_name(code: int | None) -> str:
    found = places.by_code(settings().province_code, code) if code else None
    return found.name if found else ""


@bp.get("/declarations")
@page("declarations.read")
def declarations():
    """The filtered list, 50 a page (names and numbers masked for roles without declarations.personal)."""
    filters = read_filters()
    page_no = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)  # a huge page is no 500
    query = filtered(filters, settings().timezone)
    with db_scope() as db:
        rows = db.scalars(query.limit(PAGE_SIZE + 1).offset((page_no - 1) * PAGE_SIZE)).all()
        total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    items = [{"d": d, "name": name_for("declarations.personal", d.full_name),
              "phone": phone_for("declarations.personal", d.phone), "commune": _commune_name(d.commune_code)}
             for d in rows]
    if rows and can(g.staff, "declarations.personal"):
        record("declaration.list.view", rows=len(rows))  # names and numbers were shown: a personal-data read
    return render_template("console/declarations.html", items=items, filters=filters, total=total, page_no=page_no,
                           more=more, risks=RISKS, channels=CHANNELS, communes=commune_choices(),
                           args=request.args.to_dict())


@bp.get("/declarations/<int:declaration_id>")
@page("declarations.personal", audit_as="declaration.view", target=("declaration", "declaration_id"))
def declaration(declaration_id: int):
    """One declaration with its household members, the triage reasons and the rule version."""
    with db_scope() as db:
        found = db.get(Declaration, declaration_id) or abort(404)
        main = db.get(Declaration, found.household_of_id) if found.household_of_id else None
        members = db.scalars(select(Declaration).where(Declaration.household_of_id == (main or found).id)
                             .order_by(Declaration.id)).all()
    return render_template("console/declaration.html", d=found, main=main, members=members,
                           commune=_commune_name(found.commune_code))


@bp.get("/declarations/export.csv")
@page("declarations.export")
def export():
    """The filtered declarations as CSV (formula-safe cells); audited with the filters used and the row count."""
    filters = read_filters()
    with db_scope() as db:
        rows = db.scalars(filtered(filters, settings().timezone).limit(EXPORT_MAX)).all()
    header = ["id", "created_at", "channel", "full_name", "birth_year", "phone", "commune_code", "commune",
              "risk_level", "rule_version", "reasons", "household_of_id"]
    body = csv_text(header, ([d.id, d.created_at.isoformat(), d.channel, d.full_name, d.birth_year, d.phone,
                              d.commune_code, _commune_name(d.commune_code), d.risk_level, d.rule_version,
                              "; ".join(map(str, d.reasons or [])), d.household_of_id] for d in rows))
    record("declaration.export", rows=len(rows), query=request.args.to_dict())
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=declarations.csv"})

"""What every console template gets: `_`, the signed-in staff member, the menu they may open, formatters."""
from __future__ import annotations

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError

from console.blueprint import bp
from console.i18n import current_language, gettext, number, when
from core.i18n import N_
from core.staff_auth import can
from core.staff_masking import mask_name, mask_number

# (endpoint, label, permission): a staff member sees the pages their role may open.
MENU = (
    ("console.today", N_("Today"), "declarations.read"),
    ("console.alerts", N_("Alerts"), "alerts.read"),
    ("console.conversations", N_("Conversations"), "conversations.work"),
    ("console.declarations", N_("Declarations"), "declarations.read"),
    ("console.reports", N_("Reports"), "reports.read"),
    ("console.tracing", N_("Tracing"), "tracing.read"),
    ("console.campaigns_list", N_("Campaigns"), "broadcasts.read"),
    ("console.questions", N_("Questions"), "curators.read"),
    ("console.simulator", N_("Simulator"), "simulator.use"),
    ("console.data_requests", N_("Data requests"), "data_requests.work"),
    ("console.audit_log", N_("Audit log"), "audit.read"),
)


@bp.context_processor
def _globals() -> dict:
    staff = g.get("staff")
    return {
        "_": gettext, "lang": current_language(), "staff": staff, "when": when, "number": number,
        "can": lambda permission: can(staff, permission),
        "menu": [(endpoint, gettext(label)) for endpoint, label, perm in MENU if can(staff, perm)],
        "here": request.endpoint,
    }


def phone_for(permission: str, phone: str | None) -> str | None:
    """A phone number as the signed-in staff member may see it: whole with `permission`, masked without."""
    return phone if can(g.get("staff"), permission) else mask_number(phone)


def name_for(permission: str, name: str | None) -> str | None:
    """A person's name as the signed-in staff member may see it: whole with `permission`, initials without."""
    return name if can(g.get("staff"), permission) else mask_name(name)


@bp.errorhandler(403)
def _forbidden(_exc):
    return render_template("console/error.html", code=403,
                           message=gettext("Your role may not open this page.")), 403


@bp.errorhandler(404)
def _not_found(_exc):
    return render_template("console/error.html", code=404, message=gettext("Not found.")), 404


@bp.errorhandler(CSRFError)
def _csrf_refused(_exc):
    return render_template("console/error.html", code=400,
                           message=gettext("This form has expired or did not come from the console. Reload the page and try again.")), 400

"""Reports: the citizens' reports with photo and location; staff change a report's status and the citizen is
told in their own channel and language."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.messages import Reply
from console.access import db_scope, page, record, settings
from console.blueprint import bp
from console.i18n import gettext as _
from core.i18n import N_, gettext
from core.models import ChannelIdentity, Citizen, Report
from core.staff_auth import can

STATUSES = (N_("new"), N_("in_progress"), N_("resolved"), N_("rejected"))
# What the citizen reads when staff move their report (msgids English, translated in console.po).
TOLD = {
    "in_progress": N_("Your report %(ref)s is being handled by the authorities."),
    "resolved": N_("Your report %(ref)s has been handled. Thank you for reporting."),
    "rejected": N_("Your report %(ref)s was reviewed and needs no further action. Thank you for reporting."),
}
PAGE = 100


@bp.get("/reports")
@page("reports.read")
def reports():
    """Reports newest first, filtered by status; the text, photo and place only with reports.personal."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    query = select(Report).order_by(Report.created_at.desc()).limit(PAGE)
    if status:
        query = query.where(Report.status == status)
    with db_scope() as db:
        rows = db.scalars(query).all()
    personal = can(g.staff, "reports.personal")
    if rows and personal:
        record("report.list.view", rows=len(rows))  # citizens' own words and places were shown
    return render_template("console/reports.html", rows=rows, statuses=STATUSES, status=status, personal=personal)


@bp.post("/reports/<int:report_id>/status")
@page("reports.work")
def report_status(report_id: int):
    """Move a report to a new status and tell the citizen on the channel they reported on."""
    new = request.form.get("status", "")
    if new not in STATUSES:
        abort(400)
    with db_scope() as db:
        report = db.get(Report, report_id) or abort(404)
        changed, report.status = report.status != new, new
        citizen = db.get(Citizen, report.citizen_id) if report.citizen_id else None
        identity = db.scalar(select(ChannelIdentity).where(
            ChannelIdentity.citizen_id == report.citizen_id, ChannelIdentity.channel == report.channel,
            ChannelIdentity.stopped_at.is_(None))) if citizen else None
        address = (identity.channel, identity.external_id) if identity else None
        language, reference = (citizen.language if citizen else None) or "vi", report.reference
    told = False
    if changed and new in TOLD and address:
        told = _tell(address[0], address[1], gettext(language, TOLD[new], ref=reference), language)
    record("report.status", "report", report_id, status=new, told=told)
    flash(_("Report %(ref)s: %(status)s.", ref=reference, status=_(new)) +
          (" " + _("The citizen was told.") if told else ""))
    return redirect(url_for("console.reports"))


def _tell(channel: str, user_id: str, text: str, language: str) -> bool:
    from bot import outbox  # lazy: every channel adapter comes with it

    delivery = outbox.deliver(settings(), channel, user_id, [Reply(text=text, language=language)])
    outbox.save(settings(), delivery, channel, user_id)
    return bool(delivery.deferred or any(row.status == "sent" for row in delivery.rows))

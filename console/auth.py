"""Sign-in with a staff account (argon2, lock-out), sign-out, sign-out everywhere, and the language switch.

A session names the account AND the account's session_version when it was opened (Flask-Login's user id is
"<account id>:<version>"): "sign out everywhere", a new password or disabling the account bumps the version,
so every older session is refused at its next request.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import UserMixin, login_user, logout_user
from sqlalchemy import select

from console.blueprint import bp, login_manager
from console.i18n import LANGUAGES, gettext as _
from console.ratelimit import too_many_signins
from core import staff_accounts
from core.db import session_scope
from core.staff_models import StaffAccount


class ConsoleUser(UserMixin):
    """The signed-in staff member as Flask-Login sees it."""

    def __init__(self, account: StaffAccount):
        self.account_id, self.name, self.role = account.id, account.name, account.role
        self.session_version = account.session_version

    def get_id(self) -> str:
        """The session's user id: the account and the session version it was opened with."""
        return f"{self.account_id}:{self.session_version}"


@login_manager.user_loader
def _load(user_id: str) -> ConsoleUser | None:
    try:
        account_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    with session_scope(current_app.config["LOA_SETTINGS"].database_url) as db:
        account = db.get(StaffAccount, account_id)
        if account is None or not account.active or account.session_version != version:
            return None  # disabled, or signed out everywhere since this session began
        return ConsoleUser(account)


@login_manager.unauthorized_handler
def _unauthorized():
    return redirect(url_for("console.signin", next=request.full_path))


def _safe_next(target: str | None) -> str:
    # Only a path inside the console: a crafted ?next= must not send staff to another site after signing in.
    if target and target.startswith("/console") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("console.today")


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """The sign-in form; a right name and password open a session (locked accounts stay locked)."""
    if request.method == "GET":
        return render_template("console/signin.html", next=request.args.get("next", ""))
    settings = current_app.config["LOA_SETTINGS"]
    if too_many_signins(settings, request.remote_addr or "-"):
        return render_template("console/signin.html", next="",
                               error=_("Too many sign-in attempts from here. Wait a minute and try again.")), 429
    name, password = request.form.get("name", ""), request.form.get("password", "")
    with session_scope(settings.database_url) as db:
        account = staff_accounts.verify_password(db, name, password, settings=settings) if name and password else None
        user = ConsoleUser(account) if account else None
    if user is None:
        return render_template("console/signin.html", next=request.form.get("next", ""),
                               error=_("Wrong name or password, or the account is locked for a while.")), 401
    lang = session.get("lang")
    session.clear()  # a fresh session at sign-in: nothing set before it carries over (session fixation)
    if lang:
        session["lang"] = lang
    login_user(user)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/signout")
def signout():
    """End this session."""
    logout_user()
    return redirect(url_for("console.signin"))


@bp.post("/signout-everywhere")
def signout_everywhere():
    """End every session of the signed-in account, on every device."""
    if g.staff is None:
        abort(401)
    with session_scope(current_app.config["LOA_SETTINGS"].database_url) as db:
        account = db.get(StaffAccount, g.staff.id)
        staff_accounts.sign_out_everywhere(db, account, actor=g.staff)
    logout_user()
    flash(_("You are signed out on every device."))
    return redirect(url_for("console.signin"))


@bp.get("/lang/<code>")
def language(code: str):
    """Switch the console's language (vi or en) and go back to the page."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


def staff_names(db, ids) -> dict[int, str]:
    """Account names by id (for "who approved" lines)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.execute(select(StaffAccount.id, StaffAccount.name).where(StaffAccount.id.in_(ids))).all())


for _view in (signin, signout, signout_everywhere, language):
    _view.public = True  # reachable without a session (signout_everywhere checks its own)

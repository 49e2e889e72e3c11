"""The console's blueprint and what it sets up on the app: sessions, sign-in (Flask-Login), CSRF (Flask-WTF)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from core.staff_auth import Staff

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
login_manager = LoginManager()
csrf = CSRFProtect()


@bp.record_once
def _setup(state) -> None:
    app = state.app
    settings = app.config["LOA_SETTINGS"]
    # The session cookie is the console's only credential: never readable by scripts, never sent by other
    # sites' forms, and only over HTTPS when Loa is served over HTTPS.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
                      # Webhooks and the bearer-token APIs have no forms: CSRF is checked by the console only.
                      WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    login_manager.init_app(app)
    login_manager.login_view = "console.signin"
    csrf.init_app(app)


@bp.before_request
def _identify() -> None:
    """Name the staff member of a console request (core.staff_auth and core.audit read g.staff) and check CSRF."""
    g.staff = Staff(id=current_user.account_id, name=current_user.name, role=current_user.role) \
        if current_user.is_authenticated else None
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()

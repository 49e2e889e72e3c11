"""Every console route x every role: let in or 403, by the one permission table (core/roles.py).
Without a session every page sends to the sign-in page; a new route that is not in ROUTES fails the last test."""
from __future__ import annotations

import pytest

from core.roles import PERMISSIONS, ROLES

# (method, path, permission). Ids that do not exist: a role that is let in gets 404/400, never 403.
ROUTES = [
    ("GET", "/console/", "declarations.read"),
    ("GET", "/console/alerts", "alerts.read"),
    ("GET", "/console/alerts/queue", "alerts.read"),
    ("GET", "/console/alerts/999999", "alerts.work"),
    ("POST", "/console/alerts/999999/claim", "alerts.work"),
    ("POST", "/console/alerts/999999/note", "alerts.work"),
    ("POST", "/console/alerts/999999/resolve", "alerts.work"),
    ("GET", "/console/conversations", "conversations.work"),
    ("GET", "/console/conversations/999999", "conversations.work"),
    ("GET", "/console/conversations/999999/thread", "conversations.work"),
    ("POST", "/console/conversations/999999/hold", "conversations.work"),
    ("POST", "/console/conversations/999999/close", "conversations.work"),
    ("POST", "/console/conversations/999999/reply", "conversations.work"),
    ("GET", "/console/declarations", "declarations.read"),
    ("GET", "/console/declarations/999999", "declarations.personal"),
    ("GET", "/console/declarations/export.csv", "declarations.export"),
    ("GET", "/console/reports", "reports.read"),
    ("POST", "/console/reports/999999/status", "reports.work"),
    ("GET", "/console/tracing", "tracing.read"),
    ("POST", "/console/tracing/upload", "tracing.write"),
    ("POST", "/console/tracing/contacts/999999/close", "tracing.write"),
    ("GET", "/console/tracing/people?q=An", "tracing.personal"),
    ("GET", "/console/tracing/contacts/999999", "tracing.personal"),
    ("POST", "/console/tracing/contacts/999999/phone", "tracing.write"),
    ("POST", "/console/tracing/dialer/pause", "tracing.dialer"),
    ("POST", "/console/tracing/dialer/resume", "tracing.dialer"),
    ("POST", "/console/tracing/lists/999999/pause", "tracing.dialer"),
    ("POST", "/console/tracing/lists/999999/resume", "tracing.dialer"),
    ("GET", "/console/campaigns", "broadcasts.read"),
    ("GET", "/console/campaigns/new", "broadcasts.compose"),
    ("POST", "/console/campaigns/new", "broadcasts.compose"),
    ("GET", "/console/campaigns/999999", "broadcasts.read"),
    ("GET", "/console/campaigns/999999/progress", "broadcasts.read"),
    ("POST", "/console/campaigns/999999/submit", "broadcasts.compose"),
    ("POST", "/console/campaigns/999999/approve", "broadcasts.approve"),
    ("POST", "/console/campaigns/999999/launch", "broadcasts.launch"),
    ("POST", "/console/campaigns/999999/pause", "broadcasts.launch"),
    ("POST", "/console/campaigns/999999/resume", "broadcasts.launch"),
    ("POST", "/console/campaigns/999999/cancel", "broadcasts.launch"),
    ("GET", "/console/questions", "curators.read"),
    ("POST", "/console/questions/999999/label", "curators.write"),
    ("GET", "/console/audit", "audit.read"),
    ("GET", "/console/data-requests", "data_requests.work"),
    ("POST", "/console/data-requests/999999/done", "data_requests.work"),
    ("GET", "/console/simulator", "simulator.use"),
    ("POST", "/console/simulator/say", "simulator.use"),
    ("POST", "/console/simulator/reset", "simulator.use"),
    ("GET", "/console/simulator/hotline", "simulator.use"),
    ("POST", "/console/simulator/hotline", "simulator.use"),
]
PUBLIC = {"console.signin", "console.signout", "console.signout_everywhere", "console.language", "console.vendor",
          "console.static"}


def _signin_redirect(response) -> bool:
    return response.status_code == 302 and "/console/signin" in response.headers.get("Location", "")


@pytest.mark.parametrize("method,path,permission", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(signed_in, method, path, permission):
    for role in ROLES:
        response = signed_in[role].open(path, method=method)
        if role in PERMISSIONS[permission]:
            assert response.status_code != 403 and not _signin_redirect(response), (role, response.status_code)
        else:
            assert response.status_code == 403, (role, response.status_code)


@pytest.mark.parametrize("method,path,permission", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_without_a_session_goes_to_sign_in(console_app, method, path, permission):
    response = console_app.test_client().open(path, method=method)
    assert _signin_redirect(response)


def test_every_console_route_is_in_the_table(console_app):
    adapter = console_app.url_map.bind("localhost")
    covered = set()
    for method, path, _perm in ROUTES:
        endpoint, _args = adapter.match(path.split("?")[0], method=method)
        covered.add((endpoint, method))
    for rule in console_app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{method} {rule.rule} is not in the route x role table"


def test_htmx_fragment_without_a_session_sends_the_page_to_sign_in(console_app):
    response = console_app.test_client().get("/console/alerts/queue", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/console/signin"

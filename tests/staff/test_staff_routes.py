"""Route x role: every staff API route answers 401 without a token, 403 to a role without the permission,
and lets the allowed roles in. The expected roles are written out here, not read from core.roles, so a
change to the permission table shows up as a failing row."""
from __future__ import annotations

import pytest

from core import roles
from tests.staff.conftest import BOOTSTRAP_TOKEN, bearer

ALL = {"admin", "supervisor", "operator", "viewer"}
WORKERS = {"admin", "supervisor", "operator"}
SUPERVISORS = {"admin", "supervisor"}

# method, path, JSON body, roles let in
ROUTES = [
    ("post", "/api/tracing/import", {"list": "role-table", "rows": []}, WORKERS),
    ("post", "/api/tracing/contacts/999999/close", None, WORKERS),
    ("get", "/api/tracing/lists/999999", None, ALL),
    ("get", "/api/tracing/unreachable", None, ALL),
    ("get", "/api/tracing/dialer", None, ALL),
    ("post", "/api/tracing/dialer/pause", None, SUPERVISORS),
    ("post", "/api/tracing/dialer/resume", None, SUPERVISORS),
    ("post", "/api/tracing/lists/999999/pause", None, SUPERVISORS),
    ("post", "/api/tracing/lists/999999/resume", None, SUPERVISORS),
    ("get", "/api/curators/questions", None, WORKERS),
    ("post", "/api/curators/questions/999999/resolve", {"label": None}, WORKERS),
    ("get", "/api/curators/training-data", None, WORKERS),
    ("get", "/api/curators/answers", None, ALL),
    ("get", "/api/pipeline/dead-letters", None, WORKERS),
    ("post", "/api/pipeline/dead-letters/unknown/replay", None, SUPERVISORS),
]


@pytest.mark.parametrize("method, path, body, allowed", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_route_by_role(api, tokens, method, path, body, allowed):
    call = getattr(api, method)
    assert call(path, json=body).status_code == 401
    assert call(path, json=body, headers=bearer("not-a-token")).status_code == 401
    for role in sorted(roles.ROLES):
        status = call(path, json=body, headers=bearer(tokens[role])).status_code
        if role in allowed:
            assert status not in (401, 403) and status < 500, (role, status)
        else:
            assert status == 403, (role, status)
    bootstrap = call(path, json=body, headers=bearer(BOOTSTRAP_TOKEN)).status_code
    assert bootstrap not in (401, 403) and bootstrap < 500


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]


def _sample_path(app, rule) -> str:
    # Any value the converter accepts will do: a refused caller never reaches the view.
    values = {arg: next(iter(conv.items)) if hasattr(conv, "items") else 1 for arg, conv in rule._converters.items()}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def test_every_api_route_is_guarded_by_a_known_permission(staff_app):
    for rule in _api_rules(staff_app):
        permission = getattr(staff_app.view_functions[rule.endpoint], "permission", None)
        assert permission in roles.PERMISSIONS, f"{rule.rule} is not behind core.staff_auth.require"


def test_every_api_route_refuses_callers_without_its_permission(api, staff_app, tokens):
    """Also covers routes other surfaces add later (/api/broadcasts...): refusals never reach the view."""
    for rule in _api_rules(staff_app):
        permission = staff_app.view_functions[rule.endpoint].permission
        path = _sample_path(staff_app, rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            call = getattr(api, method.lower())
            assert call(path).status_code == 401, (method, path)
            for role in roles.ROLES:
                if not roles.allows(role, permission):
                    assert call(path, headers=bearer(tokens[role])).status_code == 403, (method, path, role)


def test_permission_table_names_only_known_roles():
    assert roles.ROLES == ("admin", "supervisor", "operator", "viewer")
    for permission, holders in roles.PERMISSIONS.items():
        assert holders <= set(roles.ROLES) and "admin" in holders, permission
    for name in ("broadcasts.read", "broadcasts.compose", "broadcasts.approve", "broadcasts.launch"):
        assert name in roles.PERMISSIONS  # imported by broadcasts/

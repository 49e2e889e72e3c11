"""What each staff role may do: ONE table of permission -> roles, read by every staff surface.

Roles, from most to least trusted:
  admin       manages accounts and settings, reads the audit log, and may do everything else;
  supervisor  sees personal data, approves campaigns (four-eyes), exports declarations, pauses calling;
  operator    composes campaigns, works alerts, conversations and tracing lists: it sees the phone numbers
              and names of the people it works on (it has to call them back), but approves nothing;
  viewer      counts and summaries only; phone numbers and names reach it masked.

A permission ending in ".personal" means "may see full phone numbers and names" on that surface; without
it a surface still answers, with personal fields masked (core.staff_masking).
"""
from __future__ import annotations

ROLES = ("admin", "supervisor", "operator", "viewer")

_ALL = frozenset(ROLES)
_WORKERS = frozenset({"admin", "supervisor", "operator"})
_SUPERVISORS = frozenset({"admin", "supervisor"})
_ADMIN = frozenset({"admin"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # Tracing lists and the call centre (/api/tracing, console Tracing page).
    "tracing.read": _ALL,                # list progress, dialer state, the unreachable queue (masked for viewers)
    "tracing.personal": _WORKERS,        # full numbers and names of the people called
    "tracing.write": _WORKERS,           # import a list, correct a number, close a case
    "tracing.dialer": _SUPERVISORS,      # pause/resume ALL calling: stops every tracer's work at once
    # FAQ curation (/api/curators, console Questions page).
    "curators.read": _WORKERS,           # the citizens' own words (free text may name people): not for viewers
    "curators.write": _WORKERS,          # label a question, edit an answer
    "answers.read": _ALL,                # the vetted answers and their valid-until dates: public content
    "nlu.retrain": _SUPERVISORS,         # retrain and load a new model: changes what every citizen is told
    # Campaigns (/api/broadcasts, console Campaigns page); names imported by broadcasts/.
    "broadcasts.read": _ALL,             # campaigns, counts and delivery breakdowns
    "broadcasts.compose": _WORKERS,      # draft, edit, preview, test send, submit for approval
    "broadcasts.approve": _SUPERVISORS,  # four-eyes: the approver must also not be the author (checked by broadcasts)
    "broadcasts.launch": _WORKERS,       # launch an approved campaign, pause, resume, cancel
    "broadcasts.personal": _WORKERS,     # uploaded phone lists and per-recipient rows
    # Alerts, conversations, declarations, reports (console).
    "alerts.read": _ALL,                 # the queue and its counts
    "alerts.work": _WORKERS,             # claim, note, call back, resolve
    "conversations.work": _WORKERS,      # take a hand-off and reply to the citizen
    "declarations.read": _ALL,           # counts by risk, commune, day
    "declarations.personal": _WORKERS,   # one person's declaration, household, phone
    "declarations.export": _SUPERVISORS,  # CSV export of personal data
    "reports.read": _ALL,
    "reports.personal": _WORKERS,        # the report's text, photo, location and reporter
    "reports.work": _WORKERS,            # change a report's status (the citizen is told)
    "simulator.use": _WORKERS,           # talk to the real engine as a citizen
    # The message pipeline (/api/pipeline): messages whose processing kept failing.
    "pipeline.read": _WORKERS,           # how many are stuck and why
    "pipeline.personal": _SUPERVISORS,   # who sent them and what they said
    "pipeline.replay": _SUPERVISORS,     # hand them to the engine again once the cause is fixed
    # Administration.
    "accounts.manage": _ADMIN,           # create, disable accounts; issue and revoke tokens
    "audit.read": _ADMIN,                # the audit log itself names who saw whom
    "console.settings": _ADMIN,          # on-duty numbers, calling window, quiet hours, rule version
    "retention.read": _ADMIN,            # what the retention job purged
    "data_requests.work": _SUPERVISORS,  # citizens' "delete my data" requests: see who asked, mark them done
}


def roles_for(permission: str) -> frozenset[str]:
    """The roles that hold `permission`; an unknown permission is a programming error (KeyError)."""
    return PERMISSIONS[permission]


def allows(role: str, permission: str) -> bool:
    """Whether `role` holds `permission`."""
    return role in roles_for(permission)


def permissions_of(role: str) -> list[str]:
    """Every permission `role` holds, sorted (for `python -m core.staff list` and the console)."""
    return sorted(p for p, roles in PERMISSIONS.items() if role in roles)

"""The audit log gets a row for every read of personal data and every write, with who, what and from where;
counts-only reads leave none. Viewers get phone numbers and names masked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core import audit
from core.models import utcnow
from core.staff_masking import mask_name, mask_number
from core.staff_models import AuditEntry
from ivr.models import TracingContact, TracingList
from nlu.models import UnansweredQuestion
from tests.staff.conftest import bearer

PHONE, NAME = "+84912345678", "Nguyen Van An"


@pytest.fixture()
def unreachable_person(db):
    """One person on a list whom every call failed to reach."""
    with db() as session:
        tracing_list = TracingList(name="audit-list")
        session.add(tracing_list)
        session.flush()
        contact = TracingContact(list_id=tracing_list.id, phone=PHONE, name=NAME, classification="F1",
                                 status="unreachable", unreachable_at=utcnow(), attempts=4)
        session.add(contact)
        session.commit()
        return tracing_list.id, contact.id


def _entries(db, action=None):
    with db() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return session.scalars(query).all()


@pytest.mark.parametrize("role, phone, name", [
    ("admin", PHONE, NAME),
    ("supervisor", PHONE, NAME),
    ("operator", PHONE, NAME),
    ("viewer", "+84******678", "N. V. A."),
])
def test_unreachable_queue_by_role(api, db, tokens, unreachable_person, role, phone, name):
    (person,) = api.get("/api/tracing/unreachable", headers=bearer(tokens[role])).get_json()["contacts"]
    assert (person["phone"], person["name"]) == (phone, name)
    (entry,) = _entries(db, "tracing.unreachable.view")
    assert (entry.actor_name, entry.ip, entry.details["status"]) == (role, "127.0.0.1", 200)
    assert entry.actor_id is not None and entry.at is not None


def test_a_viewer_never_gets_a_full_number(api, tokens, unreachable_person):
    body = api.get("/api/tracing/unreachable", headers=bearer(tokens["viewer"])).get_data(as_text=True)
    assert "912345678" not in body and "Nguyen" not in body


def test_writes_are_audited(api, db, tokens, unreachable_person):
    list_id, contact_id = unreachable_person
    auth = bearer(tokens["operator"])
    body = {"list": "audited", "rows": [{"phone": "0912000111", "name": "Tran Thi B", "classification": "F1",
                                       "exposure_date": "2026-11-30"}]}
    assert api.post("/api/tracing/import", json=body, headers=auth).status_code == 200
    assert api.post(f"/api/tracing/contacts/{contact_id}/close", headers=auth).status_code == 200
    assert api.post("/api/tracing/dialer/pause", headers=bearer(tokens["supervisor"])).status_code == 200
    imported, closed = _entries(db, "tracing.import")[0], _entries(db, "tracing.close")[0]
    assert imported.details["imported"] == 1 and imported.details["list_id"] != list_id
    assert "0912000111" not in str(imported.details)  # the audit log says what happened, not the rows
    assert (closed.target_type, closed.target_id, closed.actor_name) == ("tracing_contact", str(contact_id), "operator")
    (paused,) = _entries(db, "tracing.dialer")
    assert paused.details["path"] == "/api/tracing/dialer/pause" and paused.actor_name == "supervisor"


def test_curators_reads_and_labels_are_audited(api, db, tokens):
    with db() as session:
        question = UnansweredQuestion(channel="zalo", language="vi", reason="low_confidence", text="con meo",
                                      status="new", predictions=[])
        session.add(question)
        session.commit()
    auth = bearer(tokens["operator"])
    assert api.get("/api/curators/questions?status=all", headers=auth).status_code == 200
    assert api.post(f"/api/curators/questions/{question.id}/resolve", json={"label": "faq/pets"},
                    headers=auth).status_code == 200
    assert api.get("/api/curators/training-data", headers=auth).status_code == 200
    view, resolve, export = (_entries(db, a)[0] for a in ("curators.questions.view", "curators.resolve",
                                                           "curators.training_data.export"))
    assert view.details["query"] == {"status": "all"}
    assert (resolve.target_type, resolve.target_id) == ("unanswered_question", str(question.id))
    assert export.actor_name == "operator"


def test_counts_only_reads_leave_no_row(api, db, tokens, unreachable_person):
    list_id, _ = unreachable_person
    assert api.get(f"/api/tracing/lists/{list_id}", headers=bearer(tokens["viewer"])).status_code == 200
    assert api.get("/api/curators/answers", headers=bearer(tokens["viewer"])).status_code == 200
    assert [e.action for e in _entries(db) if not e.action.startswith("staff.")] == []


def test_refused_calls_and_failed_writes_read_nothing_and_leave_no_row(api, db, tokens):
    api.get("/api/tracing/unreachable")
    api.post("/api/tracing/contacts/999999/close", headers=bearer(tokens["operator"]))  # 404
    assert [e.action for e in _entries(db) if not e.action.startswith("staff.")] == []


def test_record_outside_a_request_names_the_given_actor(db):
    with db() as session:
        entry = audit.record(session, "retention.purge", details={"rows": 3}, actor="cli:ops")
        session.commit()
    assert (entry.actor_id, entry.actor_name, entry.ip) == (None, "cli:ops", None)
    assert not hasattr(audit, "delete") and not hasattr(audit, "purge")


@pytest.mark.parametrize("raw, masked", [
    ("+84912345678", "+84******678"),
    ("0912345678", "*******678"),
    ("0912 345 678", "**** *** 678"),
    ("+14155550100", "+14******100"),
    ("", ""),
    (None, None),
])
def test_mask_number(raw, masked):
    assert mask_number(raw) == masked


def test_mask_name():
    assert mask_name("Nguyễn Thị Ánh") == "N. T. Á."

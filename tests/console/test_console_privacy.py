"""Viewers see counts and masked numbers only; every view of a person's record and every export is audited."""
from __future__ import annotations

from datetime import date

import pytest

from tests.console.conftest import FULL_PHONE, add_declaration, audit_actions

VIEWER_PAGES = ["/console/", "/console/alerts", "/console/alerts/queue", "/console/declarations",
                "/console/tracing", "/console/campaigns"]


@pytest.fixture()
def people(db):
    """A high-risk declaration (with its alert) and an unreachable tracing contact, both with full numbers."""
    from ivr.models import TracingContact, TracingList
    from core.models import utcnow

    with db() as session:
        declaration = add_declaration(session, phone="+84912345678", name="Nguyen Van An")
        tracing_list = TracingList(name="F1 ward 3")
        session.add(tracing_list)
        session.flush()
        session.add(TracingContact(list_id=tracing_list.id, phone="+84987654321", name="Tran Thi Binh",
                                   classification="F1", exposure_date=date(2026, 11, 30), status="unreachable",
                                   attempts=4, unreachable_at=utcnow()))
        session.commit()
        return declaration.id


@pytest.mark.parametrize("path", VIEWER_PAGES)
def test_a_viewer_never_sees_a_full_phone_number(signed_in, people, path):
    page = signed_in["viewer"].get(path).get_data(as_text=True)
    assert FULL_PHONE.findall(page) == []
    assert "Nguyen Van An" not in page and "Tran Thi Binh" not in page


def test_a_viewer_sees_masked_numbers_and_initials(signed_in, people):
    declarations = signed_in["viewer"].get("/console/declarations").get_data(as_text=True)
    assert "+84******678" in declarations and "N. V. A." in declarations
    tracing = signed_in["viewer"].get("/console/tracing").get_data(as_text=True)
    assert "+84******321" in tracing and "T. T. B." in tracing


def test_an_operator_sees_the_numbers_it_works_on(signed_in, people):
    assert "+84912345678" in signed_in["operator"].get("/console/declarations").get_data(as_text=True)
    assert "+84987654321" in signed_in["operator"].get("/console/tracing").get_data(as_text=True)


def test_personal_views_are_audited_once_each(signed_in, people, db):
    from core.models import Alert

    client = signed_in["operator"]
    with db() as session:
        alert_id = session.query(Alert.id).scalar()
    assert client.get(f"/console/declarations/{people}").status_code == 200
    assert client.get(f"/console/alerts/{alert_id}").status_code == 200
    client.get("/console/declarations")
    client.get("/console/tracing")
    client.get("/console/questions")
    signed_in["supervisor"].get("/console/data-requests")
    signed_in["supervisor"].get("/console/declarations/export.csv?risk=high")
    with db() as session:
        seen = audit_actions(session, "declaration.view")
        assert [(e.actor_name, e.target_type, e.target_id) for e in seen] == [("operator", "declaration", str(people))]
        assert [(e.actor_name, e.target_id) for e in audit_actions(session, "alert.view")] == [("operator", str(alert_id))]
        for action in ("declaration.list.view", "tracing.unreachable.view", "curators.questions.view"):
            assert [e.actor_name for e in audit_actions(session, action)] == ["operator"], action
        assert [e.actor_name for e in audit_actions(session, "data_request.list.view")] == ["supervisor"]
        export = audit_actions(session, "declaration.export")
        assert len(export) == 1 and export[0].details["rows"] == 1 and export[0].details["query"] == {"risk": "high"}
        assert export[0].ip == "127.0.0.1"


def test_viewer_pages_with_masked_data_write_no_personal_view_rows(signed_in, people, db):
    signed_in["viewer"].get("/console/declarations")
    signed_in["viewer"].get("/console/tracing")
    with db() as session:
        assert audit_actions(session, "declaration.list.view") == []
        assert audit_actions(session, "tracing.unreachable.view") == []


def test_export_cells_cannot_run_as_formulas(signed_in, db):
    with db() as session:
        add_declaration(session, name="=HYPERLINK(\"http://x\",\"click\")", phone="+84912345670", risk="low")
        add_declaration(session, name="@SUM(A1)", phone="+84912345671", risk="low")
        add_declaration(session, name="-1+2", phone="+84912345672", risk="low")
        session.commit()
    body = signed_in["supervisor"].get("/console/declarations/export.csv").get_data(as_text=True)
    assert body.startswith("\ufeffid,created_at")
    assert "'=HYPERLINK" in body and "'@SUM(A1)" in body and "'-1+2" in body
    assert ",=" not in body and ",@" not in body


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+84912", "'+84912"), ("-3", "'-3"), ("@x", "'@x"),
                                            ("\tx", "'\tx"), ("An", "An"), ("", ""), (None, ""), (12, "12")])
def test_safe_cell(value, expected):
    from console.csv_safe import safe_cell

    assert safe_cell(value) == expected

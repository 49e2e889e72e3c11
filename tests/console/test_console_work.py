"""Staff work through the console's forms: alerts, tracing uploads, questions, campaigns, data requests, simulator."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from tests.console.conftest import add_declaration, audit_actions

BAD_ROW_CSV = ("phone,name,classification,exposure_date\n"
               "0912345678,Nguyen Van An,F1,2026-11-30\n"
               "12345,Tran Thi Binh,F1,2026-11-30\n"
               "0987654321,Le Van Cuong,F9,2026-11-30\n")


def test_claim_note_and_resolve_an_alert(signed_in, db):
    from console.models import AlertNote, AlertWork
    from core.models import Alert

    with db() as session:
        add_declaration(session, risk="danger")
        session.commit()
        alert_id = session.scalar(select(Alert.id))
    client = signed_in["operator"]
    assert f'data-alert-id="{alert_id}"' in client.get("/console/alerts/queue").get_data(as_text=True)
    client.post(f"/console/alerts/{alert_id}/claim")
    assert "operator" in client.get("/console/alerts/queue").get_data(as_text=True)
    client.post(f"/console/alerts/{alert_id}/note", data={"text": "Called back, ambulance on its way"})
    client.post(f"/console/alerts/{alert_id}/resolve")
    assert f'data-alert-id="{alert_id}"' not in client.get("/console/alerts/queue").get_data(as_text=True)
    with db() as session:
        alert = session.get(Alert, alert_id)
        assert alert.acknowledged_by == "operator" and alert.acknowledged_at is not None
        work = session.get(AlertWork, alert_id)
        assert work.claimed_by == work.resolved_by == "operator"
        assert [n.text for n in session.scalars(select(AlertNote))] == ["Called back, ambulance on its way"]
        for action in ("alert.claim", "alert.note", "alert.resolve"):
            assert [e.target_id for e in audit_actions(session, action)] == [str(alert_id)], action


def test_today_counts_declarations_and_open_alerts(signed_in, db):
    with db() as session:
        add_declaration(session, risk="danger", phone="+84912345670")
        add_declaration(session, risk="low", phone="+84912345671")
        session.commit()
    page = signed_in["viewer"].get("/console/").get_data(as_text=True)
    assert re.search(r'id="count-declarations"><div class="n">2<', page)
    assert re.search(r'id="count-risk-danger"><div class="n risk-danger">1<', page)
    assert re.search(r'id="count-alerts"><div class="n">1<', page)


def test_today_filters_by_commune(signed_in, db):
    with db() as session:
        add_declaration(session, risk="low", commune=1, phone="+84912345670")
        add_declaration(session, risk="low", commune=2, phone="+84912345671")
        session.commit()
    page = signed_in["viewer"].get("/console/?commune=1").get_data(as_text=True)
    assert re.search(r'id="count-declarations"><div class="n">1<', page)
    chart = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page).group(1)
    assert '"low": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]' in chart


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_upload_a_tracing_list_with_bad_rows(signed_in, db, kind):
    from ivr.models import TracingContact

    if kind == "csv":
        data, filename = BAD_ROW_CSV.encode(), "ward3.csv"
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for line in BAD_ROW_CSV.strip().split("\n"):
            sheet.append(line.split(","))
        sheet.append([None, None, None, None])  # a formatted empty row is no person
        sheet["A2"] = 912345678  # Excel drops the leading 0 of a number typed in a number cell
        buf = io.BytesIO()
        book.save(buf)
        data, filename = buf.getvalue(), "ward3.xlsx"
    response = signed_in["operator"].post("/console/tracing/upload", data={
        "list": "", "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="import-error"') == 2
    assert re.search(r"<td data-label=\"Dòng\">3</td><td data-label=\"Vấn đề\">số điện thoại sai", page)
    with db() as session:
        assert [c.phone for c in session.scalars(select(TracingContact))] == ["+84912345678"]
        assert audit_actions(session, "tracing.import")[0].details["errors"] == 2


def test_an_unreadable_upload_is_refused_with_the_reason(signed_in):
    response = signed_in["operator"].post("/console/tracing/upload", data={
        "file": (io.BytesIO(b"not a workbook"), "list.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Excel .xlsx" in response.get_data(as_text=True)


def test_pause_and_resume_all_calling(signed_in):
    from ivr import dialer

    client = signed_in["supervisor"]
    client.post("/console/tracing/dialer/pause")
    assert 'id="dialer-resume"' in client.get("/console/tracing").get_data(as_text=True)
    settings = client.application.config["LOA_SETTINGS"]
    assert dialer.paused_since(settings) is not None
    client.post("/console/tracing/dialer/resume")
    assert dialer.paused_since(settings) is None


def test_label_an_unanswered_question(signed_in, db):
    from nlu.models import UnansweredQuestion

    with db() as session:
        session.add(UnansweredQuestion(channel="zalo", text="con meo nha toi co bi lay khong", language="vi",
                                       reason="low_confidence", predictions=[["faq/pets", 0.41]]))
        session.commit()
        question_id = session.scalar(select(UnansweredQuestion.id))
    client = signed_in["operator"]
    assert "con meo nha toi" in client.get("/console/questions").get_data(as_text=True)
    client.post(f"/console/questions/{question_id}/label", data={"label": "faq/pets"})
    with db() as session:
        row = session.get(UnansweredQuestion, question_id)
        assert (row.status, row.label) == ("resolved", "faq/pets")
    assert "con meo nha toi" not in client.get("/console/questions").get_data(as_text=True)


def test_campaign_composed_by_an_operator_and_approved_by_a_supervisor(signed_in, db):
    from broadcasts.models import Campaign

    operator, supervisor = signed_in["operator"], signed_in["supervisor"]
    response = operator.post("/console/campaigns/new", data={"title": "Tiêm chủng", "body_vi": "Tiêm mũi 3 tại trạm y tế"})
    assert response.status_code == 302
    campaign_id = int(response.headers["Location"].rsplit("/", 1)[1])
    operator.post(f"/console/campaigns/{campaign_id}/submit")
    operator.post(f"/console/campaigns/{campaign_id}/approve")  # not its role: 403
    with db() as session:
        assert session.get(Campaign, campaign_id).state == "awaiting_approval"
    supervisor.post(f"/console/campaigns/{campaign_id}/approve")
    operator.post(f"/console/campaigns/{campaign_id}/launch")
    with db() as session:
        campaign = session.get(Campaign, campaign_id)
        # Launched: "scheduled" with started_at set until the broadcasts worker has planned its rows.
        assert campaign.state == "scheduled" and campaign.started_at is not None and campaign.approved_by_id
        assert [e.actor_name for e in audit_actions(session, "campaign.approve")] == ["supervisor"]
    assert 'id="progress-bar"' in operator.get(f"/console/campaigns/{campaign_id}/progress").get_data(as_text=True)


def test_a_supervisor_cannot_approve_its_own_campaign(signed_in, db):
    from broadcasts.models import Campaign

    supervisor = signed_in["supervisor"]
    response = supervisor.post("/console/campaigns/new", data={"title": "x", "body_vi": "y"})
    campaign_id = int(response.headers["Location"].rsplit("/", 1)[1])
    supervisor.post(f"/console/campaigns/{campaign_id}/submit")
    page = supervisor.post(f"/console/campaigns/{campaign_id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "cannot approve" in page
    with db() as session:
        assert session.get(Campaign, campaign_id).state == "awaiting_approval"


def test_invalid_campaign_names_the_problem(signed_in):
    response = signed_in["operator"].post("/console/campaigns/new", data={"title": "", "body_vi": ""})
    assert response.status_code == 400 and "title: required" in response.get_data(as_text=True)


def test_mark_a_data_request_done(signed_in, db):
    from core.models import Citizen, DataRequest

    with db() as session:
        citizen = Citizen(name="Pham Van Dung")
        session.add(citizen)
        session.flush()
        session.add(DataRequest(citizen_id=citizen.id, kind="delete", channel="zalo"))
        session.commit()
        request_id = session.scalar(select(DataRequest.id))
    client = signed_in["supervisor"]
    assert f"DL-{request_id}" in client.get("/console/data-requests").get_data(as_text=True)
    client.post(f"/console/data-requests/{request_id}/done")
    with db() as session:
        row = session.get(DataRequest, request_id)
        assert (row.status, row.handled_by) == ("done", "supervisor")


def test_audit_log_filters(signed_in, db):
    signed_in["operator"].post("/console/tracing/dialer/pause")  # 403: nothing recorded
    signed_in["supervisor"].post("/console/tracing/dialer/pause")
    page = signed_in["admin"].get("/console/audit?action=tracing.dialer").get_data(as_text=True)
    assert page.count('class="audit-row"') == 1 and "supervisor" in page
    page = signed_in["admin"].get("/console/audit?actor=operator&action=tracing").get_data(as_text=True)
    assert page.count('class="audit-row"') == 0


def test_simulator_declaration_reaches_today(signed_in):
    client = signed_in["operator"]
    for text in ["xin chao"]:
        client.post("/console/simulator/say", data={"text": text})
    page = client.get("/console/simulator").get_data(as_text=True)
    assert 'class="bubble bot"' in page and "xin chao" in page


def test_take_answer_and_close_a_conversation(signed_in, db, sandbox_clean):
    import httpx

    from bot import handoffs
    from bot.handoff_models import Handoff
    from core.models import ChannelIdentity, Citizen

    with db() as session:
        citizen = Citizen(language="vi")
        session.add(citizen)
        session.flush()
        session.add(ChannelIdentity(citizen_id=citizen.id, channel="telegram", external_id="7300001"))
        handoff = handoffs.open_handoff(session, citizen.id, "telegram", "7300001")
        handoffs.add_message(session, handoff, "citizen", "Toi can hoi ve cach ly tai nha")
        session.commit()
        handoff_id, reference = handoff.id, handoff.reference
    client = signed_in["operator"]
    assert reference in client.get("/console/conversations").get_data(as_text=True)
    page = client.get(f"/console/conversations/{handoff_id}").get_data(as_text=True)
    assert "Toi can hoi ve cach ly tai nha" in page
    client.post(f"/console/conversations/{handoff_id}/hold")
    client.post(f"/console/conversations/{handoff_id}/reply", data={"text": "Chào bạn, cán bộ CDC đây."})
    sent = httpx.get(f"{sandbox_clean.url}/_sandbox/messages", params={"channel": "telegram", "user_id": "7300001"},
                     timeout=5).json()
    messages = sent if isinstance(sent, list) else sent.get("messages", [])
    assert any("cán bộ CDC đây" in (m.get("text") or "") for m in messages)
    client.post(f"/console/conversations/{handoff_id}/close")
    with db() as session:
        found = session.get(Handoff, handoff_id)
        assert (found.status, found.held_by, found.closed_by) == ("closed", "operator", "operator")
        for action in ("handoff.view", "handoff.hold", "handoff.reply", "handoff.close"):
            assert [e.target_id for e in audit_actions(session, action)] == [str(handoff_id)], action
    assert reference not in client.get("/console/conversations").get_data(as_text=True)


def test_a_report_status_change_is_told_to_the_citizen(signed_in, db, sandbox_clean):
    import httpx

    from core.models import ChannelIdentity, Citizen, Report

    with db() as session:
        citizen = Citizen(language="vi")
        session.add(citizen)
        session.flush()
        session.add(ChannelIdentity(citizen_id=citizen.id, channel="telegram", external_id="7400001"))
        session.add(Report(reference="PA-ABC123", citizen_id=citizen.id, channel="telegram", category="price_gouging",
                           text="Hieu thuoc ban khau trang gia cao", latitude=19.8, longitude=105.77))
        session.commit()
        report_id = session.scalar(select(Report.id))
    viewer_page = signed_in["viewer"].get("/console/reports").get_data(as_text=True)
    assert "PA-ABC123" in viewer_page and "Hieu thuoc" not in viewer_page
    assert "Hieu thuoc" in signed_in["operator"].get("/console/reports").get_data(as_text=True)
    signed_in["operator"].post(f"/console/reports/{report_id}/status", data={"status": "resolved"})
    sent = httpx.get(f"{sandbox_clean.url}/_sandbox/messages", params={"channel": "telegram", "user_id": "7400001"},
                     timeout=5).json()
    messages = sent if isinstance(sent, list) else sent.get("messages", [])
    assert any("PA-ABC123 của bạn đã được xử lý" in (m.get("text") or "") for m in messages)
    with db() as session:
        assert session.get(Report, report_id).status == "resolved"
        assert audit_actions(session, "report.status")[0].details["told"] is True


def test_close_an_unreachable_case(signed_in, db):
    from datetime import date

    from core.models import utcnow
    from ivr.models import TracingContact, TracingList

    with db() as session:
        tracing_list = TracingList(name="F1 xa 7")
        session.add(tracing_list)
        session.flush()
        contact = TracingContact(list_id=tracing_list.id, phone="+84987650001", name="Vo Thi Em", classification="F1",
                                 exposure_date=date(2026, 11, 30), status="unreachable", unreachable_at=utcnow())
        session.add(contact)
        session.commit()
        contact_id = contact.id
    signed_in["operator"].post(f"/console/tracing/contacts/{contact_id}/close")
    with db() as session:
        assert session.get(TracingContact, contact_id).status == "closed"
        assert [e.target_id for e in audit_actions(session, "tracing.close")] == [str(contact_id)]
    assert "Vo Thi Em" not in signed_in["operator"].get("/console/tracing").get_data(as_text=True)


def test_failed_deliveries_show_their_reasons(signed_in, db):
    from broadcasts.models import Campaign, Delivery

    with db() as session:
        campaign = Campaign(title="t", body_vi="x", buttons=[], audience={}, allow_sms=False, urgent=False,
                            state="running", in_flight_lost=0, planned_count=3)
        session.add(campaign)
        session.flush()
        for n, (status, reason) in enumerate([("sent", None), ("failed", "blocked"), ("failed", "blocked")]):
            session.add(Delivery(campaign_id=campaign.id, citizen_id=n, channel="zalo", address=f"z{n}",
                                 status=status, reason=reason))
        session.commit()
        campaign_id = campaign.id
    page = signed_in["viewer"].get(f"/console/campaigns/{campaign_id}/progress").get_data(as_text=True)
    assert "100%" in page and "blocked (2)" in page


def test_find_a_person_see_their_calls_and_correct_the_number(signed_in, db):
    from datetime import date

    from core.models import utcnow
    from ivr.models import CallAttempt, TracingContact, TracingList

    with db() as session:
        tracing_list = TracingList(name="F1 xa 9")
        session.add(tracing_list)
        session.flush()
        contact = TracingContact(list_id=tracing_list.id, phone="+84987650002", name="Dang Van Phuc", classification="F1",
                                 exposure_date=date(2026, 11, 30), status="unreachable", attempts=4,
                                 unreachable_at=utcnow(), last_outcome="invalid_number")
        session.add(contact)
        session.flush()
        session.add(CallAttempt(call_sid="CA" + "1" * 32, contact_id=contact.id, attempt_no=1, purpose="tracing",
                                to_phone=contact.phone, from_number="+842373600115", status="failed",
                                outcome="invalid_number"))
        session.commit()
        contact_id = contact.id
    client = signed_in["operator"]
    for query in ("0987 650 002", "van phuc"):
        assert "Dang Van Phuc" in client.get("/console/tracing/people", query_string={"q": query}).get_data(as_text=True)
    page = client.get(f"/console/tracing/contacts/{contact_id}").get_data(as_text=True)
    assert page.count('class="call-row"') == 1 and "invalid_number" in page
    client.post(f"/console/tracing/contacts/{contact_id}/phone", data={"phone": "not a number"})
    client.post(f"/console/tracing/contacts/{contact_id}/phone", data={"phone": "0912 000 111"})
    with db() as session:
        contact = session.get(TracingContact, contact_id)
        assert (contact.phone, contact.status, contact.attempts) == ("+84912000111", "pending", 0)
        assert len(audit_actions(session, "tracing.correct_phone")) == 1
        assert len(audit_actions(session, "tracing.search")) == 2
        assert len(audit_actions(session, "tracing.contact.view")) == 1
    assert signed_in["viewer"].get("/console/tracing/people?q=phuc").status_code == 403

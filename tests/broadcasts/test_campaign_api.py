"""The campaigns API end to end in the web app: compose, submit, four-eyes, urgent, launch, pause, resume,
cancel, every move audited; edits only in draft; route x role."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from broadcasts.models import Campaign, Delivery
from core.staff_models import AuditEntry
from core.testing import wait_until
from tests.broadcasts.dispatch_helpers import dispatch_worker  # noqa: F401  (fixture)

DRAFT = {"title": "Tiêm chủng", "body_vi": "Tiêm vắc xin tại trạm y tế xã.", "body_en": "Vaccination at the commune clinic.",
         "buttons": [{"payload": "/declare"}, {"payload": "/faq:vaccination", "title_vi": "Hỏi về vắc xin"}],
         "link": "https://soyte.thanhhoa.gov.vn/tiem-chung"}


@pytest.fixture()
def call(client, staff, redis_client):
    """call(name, method, path, json=None) -> response, as that staff member."""

    def _call(name, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {staff[name][1]}"}
        return getattr(client, method)(f"/api/broadcasts{path}", headers=headers, **kwargs)

    return _call


def _planned(db, campaign_id):
    with db() as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.campaign_id == campaign_id))


def _audit_actions(db, campaign_id):
    with db() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.actor_name).where(
            AuditEntry.target_type == "campaign", AuditEntry.target_id == str(campaign_id)).order_by(AuditEntry.id)).all()
    return [tuple(r) for r in rows]


def test_a_campaign_from_draft_to_cancelled_with_four_eyes_and_audit(call, db, people, dispatch_worker):
    people.add()
    people.add(channels=("telegram",), language="en")
    people.session.commit()
    created = call("olga", "post", "/", json=DRAFT)
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    assert created.json["state"] == "draft" and created.json["author_name"] == "olga"

    preview = call("vic", "get", f"/{cid}/preview").json
    assert preview["recipients"] == 2 and preview["by_channel"] == {"zalo": 1, "telegram": 1}
    assert preview["by_language"] == {"vi": 1, "en": 1}
    assert preview["messages"]["vi"]["buttons"][0]["title"] == "Khai báo ngay"
    assert preview["messages"]["en"]["buttons"] == [{"title": "Declare now", "payload": "/declare"},
                                                    {"title": "Read more", "payload": "/faq:vaccination"}]
    assert preview["messages"]["en"]["text"].endswith("https://soyte.thanhhoa.gov.vn/tiem-chung")

    assert call("olga", "patch", f"/{cid}", json={"title": "Tiêm chủng đợt 2"}).json["title"] == "Tiêm chủng đợt 2"
    assert call("olga", "post", f"/{cid}/approve").status_code == 403  # operators approve nothing
    assert call("olga", "post", f"/{cid}/submit").json["state"] == "awaiting_approval"
    assert call("olga", "patch", f"/{cid}", json={"title": "x"}).status_code == 409  # no edits once submitted
    assert call("olga", "post", f"/{cid}/launch").status_code == 409  # not approved
    assert call("vic", "post", f"/{cid}/approve").status_code == 403
    approved = call("sam", "post", f"/{cid}/approve")
    assert approved.status_code == 200 and approved.json["state"] == "scheduled"
    assert approved.json["approved_by_name"] == "sam"

    launched = call("oscar", "post", f"/{cid}/launch")
    assert launched.status_code == 200 and launched.json["state"] == "scheduled" and launched.json["launching"]
    assert call("olga", "post", f"/{cid}/launch").status_code == 409  # once only
    # The launch job (on the broadcasts queue, not in the request) has dispatch plan the rows, then run.
    wait_until(lambda: call("vic", "get", f"/{cid}").json["state"] == "running", timeout=30, interval=0.1)
    assert _planned(db, cid) == 2
    assert call("oscar", "post", f"/{cid}/pause", json={"reason": "wrong link"}).json["state"] == "paused"
    assert call("oscar", "post", f"/{cid}/pause").status_code == 409
    assert call("oscar", "post", f"/{cid}/resume").json["state"] == "running"
    cancelled = call("oscar", "post", f"/{cid}/cancel", json={"reason": "superseded"})
    assert cancelled.json["state"] == "cancelled" and cancelled.json["cancelled_at"]
    with db() as session:  # rows not yet taken end at once; none waits to be sent
        left = session.execute(select(Delivery.status, Delivery.reason).where(Delivery.campaign_id == cid)).all()
    assert "queued" not in {status for status, _ in left}
    assert call("oscar", "post", f"/{cid}/cancel").status_code == 409
    one = call("vic", "get", f"/{cid}").json
    assert one["counters"]["total"] == 2 and one["replies"]["replies"] == 0

    assert _audit_actions(db, cid) == [
        ("campaign.create", "olga"), ("campaign.edit", "olga"), ("campaign.submit", "olga"),
        ("campaign.approve", "sam"), ("campaign.launch", "oscar"), ("campaign.pause", "oscar"),
        ("campaign.resume", "oscar"), ("campaign.cancel", "oscar")]


def test_urgent_needs_two_approvers_neither_the_author(call, db):
    cid = call("sam", "post", "/", json={**DRAFT, "urgent": True}).json["id"]  # a supervisor can author too
    call("sam", "post", f"/{cid}/submit")
    own = call("sam", "post", f"/{cid}/approve")
    assert own.status_code == 403 and own.json["error"] == "own_campaign"
    first = call("sue", "post", f"/{cid}/approve").json
    assert first["state"] == "awaiting_approval" and first["approved_by_name"] == "sue"
    again = call("sue", "post", f"/{cid}/approve")
    assert again.status_code == 403 and again.json["error"] == "same_approver"
    second = call("ada", "post", f"/{cid}/approve").json
    assert second["state"] == "scheduled" and second["second_approved_by_name"] == "ada"


def test_reject_sends_back_to_draft_and_drops_approvals(call):
    cid = call("olga", "post", "/", json={**DRAFT, "urgent": True}).json["id"]
    call("olga", "post", f"/{cid}/submit")
    call("sam", "post", f"/{cid}/approve")
    back = call("sue", "post", f"/{cid}/reject", json={"reason": "typo"}).json
    assert back["state"] == "draft" and back["approved_by_id"] is None
    assert call("olga", "patch", f"/{cid}", json={"body_vi": "Đã sửa"}).status_code == 200


def test_invalid_campaigns_are_refused_field_by_field(call):
    bad = call("olga", "post", "/", json={"title": "", "buttons": [{"payload": "declare"}], "link": "ftp://x",
                                          "audience": {"communes": [1], "language": "fr"}, "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json["errors"]) == {"title", "body_vi", "buttons[0].payload", "link", "audience.communes",
                                       "audience.language", "fields"}


def test_a_scheduled_launch_waits_for_its_time(call, db, redis_client):
    from rq import Queue

    cid = call("olga", "post", "/", json={**DRAFT, "scheduled_at": "2099-01-01T08:00:00+07:00"}).json["id"]
    call("olga", "post", f"/{cid}/submit")
    call("sam", "post", f"/{cid}/approve")
    assert call("olga", "post", f"/{cid}/launch").json["state"] == "scheduled"
    assert f"campaign-start-{cid}" in Queue("broadcasts", connection=redis_client).scheduled_job_registry.get_job_ids()


# method, path (CID: a campaign id), roles allowed
ALL = {"olga", "sam", "vic", "ada"}
WORKERS = {"olga", "sam", "ada"}
SUPERVISORS = {"sam", "ada"}
ROUTES = [
    ("get", "/", ALL), ("post", "/", WORKERS), ("get", "/CID", ALL), ("patch", "/CID", WORKERS),
    ("get", "/CID/preview", ALL), ("post", "/CID/submit", WORKERS), ("post", "/CID/approve", SUPERVISORS),
    ("post", "/CID/reject", SUPERVISORS), ("post", "/CID/schedule", WORKERS), ("post", "/CID/launch", WORKERS),
    ("post", "/CID/pause", WORKERS), ("post", "/CID/resume", WORKERS), ("post", "/CID/cancel", WORKERS),
    ("get", "/CID/replies", ALL), ("get", "/CID/deliveries", WORKERS), ("post", "/uploads", WORKERS),
    ("get", "/test-addresses", WORKERS),
]


@pytest.mark.parametrize("method,path,allowed", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(call, client, method, path, allowed):
    cid = call("ada", "post", "/", json=DRAFT).json["id"]
    path = path.replace("CID", str(cid))
    assert getattr(client, method)(f"/api/broadcasts{path}").status_code == 401
    for name in ("olga", "sam", "vic", "ada"):
        status = call(name, method, path, json={}).status_code
        if name in allowed:
            assert status not in (401, 403) and status < 500, (name, status)
        else:
            assert status == 403, (name, status)

"""Uploaded phone lists (row report, bad rows, BOM), planning from them, replies within 24 h, the test send
to the composer's own addresses through the sandbox, and a scheduled campaign starting at its time."""
from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from broadcasts import campaigns, replies
from broadcasts.models import Campaign, Delivery, UploadedPhone
from broadcasts.planning import plan
from core.models import MessageLog, Subscription
from tests.broadcasts.conftest import NOW, address, campaign_row
from tests.broadcasts.test_campaign_api import DRAFT, call  # noqa: F401  (the fixture)

CSV = (
    "\ufeffHọ tên,SĐT,ghi chú\n"  # Excel's BOM, Vietnamese headers
    "An,0912 345 678,\n"
    "Bình,12345,too short\n"
    "Chi,+1 415 555 0100,foreign\n"
    "\n"
    "Dũng,84912345678,same as An\n"
    "Em,0987 000 002,\n"
    "Giang,0999 999 999 9,\n"
).replace("SĐT", "sdt")


def test_upload_reports_bad_rows_and_keeps_good_ones(call, db):
    cid = call("olga", "post", "/", json=DRAFT).json["id"]
    response = call("olga", "post", f"/uploads?campaign_id={cid}", data=CSV.encode(), content_type="text/csv")
    assert response.status_code == 201, response.json
    report = response.json
    assert report["accepted"] == 2
    assert [(r["row"], r["reason"]) for r in report["refused"]] == [
        (3, "not_a_number"), (4, "not_vietnamese"), (6, "duplicate"), (8, "invalid")]
    with db() as session:
        assert sorted(session.execute(select(UploadedPhone.phone)).scalars()) == ["+84912345678", "+84987000002"]
        assert session.get(Campaign, cid).audience["phones_upload_id"] == report["upload_id"]
    assert call("vic", "get", f"/uploads/{report['upload_id']}").status_code == 403  # viewers see no phone lists
    assert call("sam", "get", f"/uploads/{report['upload_id']}").json["accepted"] == 2
    refused = call("olga", "post", "/uploads", data="name,city\nAn,Hà Nội\n".encode(), content_type="text/csv")
    assert refused.status_code == 400 and "no phone column" in refused.json["description"]
    latin1 = call("olga", "post", "/uploads", data="sdt\n0912345678\nB\xe0\n".encode("latin-1"), content_type="text/csv")
    assert latin1.status_code == 400


def test_an_upload_reaches_known_citizens_on_their_best_channel_and_others_by_sms(call, db, people):
    known = people.add(channels=("telegram",))
    unsubscribed = people.add(channels=("zalo",), active=False)
    people.session.commit()
    cid = call("olga", "post", "/", json={**DRAFT, "allow_sms": True}).json["id"]
    body = f"sdt\n{known.phone}\n{unsubscribed.phone}\n0912345678\n".encode()
    call("olga", "post", f"/uploads?campaign_id={cid}", data=body, content_type="text/csv")
    with db() as session:
        assert plan(session, cid, now=NOW) == 2
        rows = session.execute(select(Delivery.citizen_id, Delivery.channel, Delivery.address)
                               .order_by(Delivery.channel)).all()
        session.commit()
    assert [tuple(r) for r in rows] == [(None, "sms", "+84912345678"), (known.id, "telegram", address("telegram", people.n - 1))]


def test_a_message_within_24_hours_of_the_campaign_is_a_reply(people):
    session = people.session
    a = people.add(channels=("zalo",))
    b = people.add(channels=("zalo", "telegram"))
    c = people.add(channels=("zalo",))
    campaign = campaign_row(session)
    plan(session, campaign.id, now=NOW)
    session.query(Delivery).update({"status": "delivered", "sent_at": NOW})
    session.add_all([
        MessageLog(channel="zalo", external_id=f"zalo-{1}", direction="in", text="ok", created_at=NOW + timedelta(hours=2)),
        # b answers on Telegram although the campaign came on Zalo
        MessageLog(channel="telegram", external_id=address("telegram", 2), direction="in", text="?",
                   created_at=NOW + timedelta(hours=23)),
        MessageLog(channel="telegram", external_id=address("telegram", 2), direction="in", text="??",
                   created_at=NOW + timedelta(hours=3)),
        # c wrote before the campaign and two days after: neither is a reply
        MessageLog(channel="zalo", external_id="zalo-3", direction="in", text="hi", created_at=NOW - timedelta(hours=1)),
        MessageLog(channel="zalo", external_id="zalo-3", direction="in", text="hi", created_at=NOW + timedelta(days=2)),
        MessageLog(channel="zalo", external_id="zalo-3", direction="out", text="answer", created_at=NOW + timedelta(hours=1)),
    ])
    session.flush()
    assert {a.id, b.id, c.id} == set(session.execute(select(Subscription.citizen_id)).scalars())
    assert replies.count(session, campaign.id) == 2
    assert replies.summary(session, campaign.id) == {"replies": 2, "reached": 3, "reply_rate": round(2 / 3, 4)}


def test_test_send_goes_to_my_own_addresses_marked_as_a_test(call, sandbox_clean):
    chat = "5550017"
    assert call("olga", "post", "/1/test-send").status_code == 404
    cid = call("olga", "post", "/", json=DRAFT).json["id"]
    assert call("olga", "post", f"/{cid}/test-send").status_code == 400  # no addresses yet
    saved = call("olga", "put", "/test-addresses", json={"addresses": [{"channel": "telegram", "address": chat}]})
    assert saved.json == {"addresses": [{"channel": "telegram", "address": chat}]}
    assert call("olga", "put", "/test-addresses", json={"addresses": [{"channel": "fax", "address": "1"}]}).status_code == 400
    results = call("olga", "post", f"/{cid}/test-send").json["results"]
    assert [(r["language"], r["ok"]) for r in results] == [("vi", True), ("en", True)]
    got = httpx.get(f"{sandbox_clean.url}/_sandbox/messages", params={"channel": "telegram", "user_id": chat}).json()
    assert [m["text"].split(" ", 1)[0] for m in got] == ["[Thử]", "[Test]"]
    assert "Tiêm vắc xin" in got[0]["text"] and "Vaccination" in got[1]["text"]
    assert call("oscar", "get", "/test-addresses").json == {"addresses": []}  # addresses are each one's own


def test_a_launched_campaign_starts_at_its_scheduled_time(call, db, settings, redis_client):
    from core import clock

    cid = call("olga", "post", "/", json={**DRAFT, "scheduled_at": "2099-01-01T08:00:00+07:00"}).json["id"]
    call("olga", "post", f"/{cid}/submit")
    call("sam", "post", f"/{cid}/approve")
    call("olga", "post", f"/{cid}/launch")
    assert campaigns.start_due(cid) is False  # not yet its time
    with db() as session:
        assert session.get(Campaign, cid).state == "scheduled"
    try:
        clock.set_now(settings, clock.now(settings).replace(year=2099, month=1, day=1, hour=2))
        assert campaigns.start_due(cid) is True
    finally:
        clock.reset(settings)
    with db() as session:
        assert session.get(Campaign, cid).state == "running"
    assert campaigns.start_due(cid) is False  # a second run of the job does nothing

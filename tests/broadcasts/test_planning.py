"""Planning: who gets a delivery row, on which channel, once per citizen, in numbered chunks (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from broadcasts.models import Delivery
from broadcasts.planning import chunk_count, plan
from ivr.models import OptOut
from tests.broadcasts.conftest import NOW, address, campaign_row

# (case, citizen as People.add kwargs, campaign fields, expected channel or None when left out)
CHANNEL_CASES = [
    ("zalo window open", dict(channels=("zalo",)), {}, "zalo"),
    ("zalo window closed, no fallback", dict(channels=("zalo",), window_open=False), {}, None),
    ("zalo window closed, ZNS template", dict(channels=("zalo",), window_open=False),
     dict(zns_template_id="340406"), "zns"),
    ("zalo window closed, SMS allowed", dict(channels=("zalo",), window_open=False), dict(allow_sms=True), "sms"),
    ("ZNS before SMS", dict(channels=("zalo",), window_open=False), dict(zns_template_id="1", allow_sms=True), "zns"),
    ("window closed, no phone", dict(channels=("zalo",), window_open=False, phone=False),
     dict(zns_template_id="1", allow_sms=True), None),
    ("telegram subscriber", dict(channels=("telegram",)), {}, "telegram"),
    ("zalo open beats telegram", dict(channels=("telegram", "zalo")), {}, "zalo"),
    ("telegram beats ZNS when the zalo window is closed", dict(channels=("zalo", "telegram"), window_open=False),
     dict(zns_template_id="1"), "telegram"),
    ("SMS subscriber", dict(channels=("sms",)), dict(allow_sms=True), "sms"),
    ("SMS subscriber, SMS not allowed", dict(channels=("sms",)), {}, None),
    ("stopped zalo address", dict(channels=("zalo",), stopped=("zalo",)), dict(allow_sms=True), None),
    ("stopped zalo, telegram still works", dict(channels=("zalo", "telegram"), stopped=("zalo",)), {}, "telegram"),
    ("unsubscribed", dict(channels=("zalo",), active=False), {}, None),
    ("stopped SMS address", dict(channels=("sms",), stopped=("sms",)), dict(allow_sms=True), None),
]


@pytest.mark.parametrize("case,person,fields,expected", CHANNEL_CASES, ids=[c[0] for c in CHANNEL_CASES])
def test_each_citizen_gets_the_best_channel_they_can_be_reached_on(people, case, person, fields, expected):
    session = people.session
    citizen = people.add(**person)
    campaign = campaign_row(session, **fields)
    assert plan(session, campaign.id, now=NOW) == (0 if expected is None else 1)
    rows = session.execute(select(Delivery)).scalars().all()
    assert [r.channel for r in rows] == ([] if expected is None else [expected])
    if rows:
        assert rows[0].citizen_id == citizen.id and rows[0].status == "queued" and rows[0].attempts == 0
        assert rows[0].address == (citizen.phone if expected in ("zns", "sms") else address(expected, people.n))


def test_sms_opt_out_is_left_out(people):
    session = people.session
    opted = people.add(channels=("zalo",), window_open=False)
    kept = people.add(channels=("zalo",), window_open=False)
    session.add(OptOut(phone=opted.phone, channel="sms", reason="STOP"))
    campaign = campaign_row(session, allow_sms=True)
    assert plan(session, campaign.id, now=NOW) == 1
    assert session.execute(select(Delivery.citizen_id)).scalars().all() == [kept.id]


def test_one_delivery_per_citizen_however_many_addresses_and_subscriptions(people):
    session = people.session
    citizen = people.add(channels=("zalo", "telegram", "sms"), commune=100)
    from core.models import Subscription

    identity_id = session.execute(select(Subscription.identity_id).where(Subscription.citizen_id == citizen.id)).first()[0]
    session.add(Subscription(citizen_id=citizen.id, identity_id=identity_id, commune_code=None, topic="announcements"))
    session.flush()
    campaign = campaign_row(session, allow_sms=True, zns_template_id="1")
    assert plan(session, campaign.id, now=NOW) == 1


def test_audience_filters_communes_topic_language(people):
    session = people.session
    a = people.add(commune=1001, language="vi")
    b = people.add(commune=1002, language="en")
    c = people.add(commune=1003, topic="vaccination")
    d = people.add(commune=None)  # province-wide subscriber
    from core.models import Citizen

    session.get(Citizen, d.id).commune_code = 1002  # ...who lives in 1002
    session.flush()

    def planned(audience, **fields):
        campaign = campaign_row(session, audience=audience, **fields)
        plan(session, campaign.id, now=NOW)
        return sorted(session.execute(select(Delivery.citizen_id).where(Delivery.campaign_id == campaign.id)).scalars())

    assert planned({}) == sorted([a.id, b.id, c.id, d.id])
    assert planned({"communes": [1002]}) == sorted([b.id, d.id])
    assert planned({"topic": "vaccination"}) == [c.id]
    assert planned({"language": "en"}) == [b.id]
    assert planned({"communes": [1001, 1003], "topic": "announcements"}) == [a.id]


def test_english_speakers_get_english_only_when_there_is_an_english_body(people):
    session = people.session
    people.add(language="en")
    people.add(language="vi")
    without = campaign_row(session)
    with_en = campaign_row(session, body_en="Hello")
    plan(session, without.id, now=NOW)
    plan(session, with_en.id, now=NOW)

    def languages(campaign_id):
        return sorted(session.execute(select(Delivery.language).where(Delivery.campaign_id == campaign_id)).scalars())

    assert languages(without.id) == ["vi", "vi"]
    assert languages(with_en.id) == ["en", "vi"]


def test_chunks_are_numbered_across_batches_and_planning_happens_once(people):
    session = people.session
    for _ in range(23):
        people.add()
    campaign = campaign_row(session)
    assert plan(session, campaign.id, chunk_size=5, now=NOW, batch_persons=7) == 23
    chunks = session.execute(select(Delivery.chunk)).scalars().all()
    # Each batch of 7 person keys ends on a short chunk: never two batches in one chunk, no chunk over 5 rows.
    assert max(chunks.count(c) for c in set(chunks)) <= 5
    assert sorted(set(chunks)) == list(range(chunk_count(session, campaign.id)))
    people.add()
    assert plan(session, campaign.id, chunk_size=5, now=NOW) == 23  # planned once: later subscribers not added
    assert len(session.execute(select(Delivery.id)).all()) == 23

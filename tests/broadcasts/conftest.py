"""Fixtures for campaign tests: staff accounts with tokens, and a factory of citizens with addresses."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from broadcasts.models import Campaign
from core.models import ChannelIdentity, Citizen, Subscription
from core.staff_accounts import create_account, issue_token

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hanoi: outside quiet hours


@pytest.fixture()
def staff(db):
    """{name: (account_id, token)} for an operator author, two supervisors, a second operator, a viewer, an admin."""
    out = {}
    with db.begin() as session:
        for name, role in (("olga", "operator"), ("oscar", "operator"), ("sam", "supervisor"),
                           ("sue", "supervisor"), ("vic", "viewer"), ("ada", "admin")):
            account = create_account(session, name, role, actor="tests")
            _row, token = issue_token(session, account, actor="tests")
            out[name] = (account.id, token)
    return out


def address(channel: str, n: int) -> str:
    """The n-th test citizen's address on a chat channel (Telegram chat ids are numbers)."""
    return str(7_000_000 + n) if channel == "telegram" else f"{channel}-{n}"


class People:
    """Adds citizens with channel identities and subscriptions in one session."""

    def __init__(self, session):
        self.session = session
        self.n = 0

    def add(self, *, channels=("zalo",), phone=True, language="vi", commune=None, topic="announcements",
            window_open=True, stopped=(), active=True, subscribe=True) -> Citizen:
        """A citizen with one identity per channel (subscribed unless `subscribe` is False)."""
        self.n += 1
        citizen = Citizen(phone=f"+8498{self.n:07d}" if phone else None, language=language, commune_code=commune)
        self.session.add(citizen)
        self.session.flush()
        for channel in channels:
            identity = ChannelIdentity(
                citizen_id=citizen.id, channel=channel,
                external_id=citizen.phone if channel == "sms" else address(channel, self.n),
                last_inbound_at=NOW - (timedelta(hours=1) if window_open else timedelta(days=8)),
                stopped_at=NOW if channel in stopped else None)
            self.session.add(identity)
            self.session.flush()
            if subscribe:
                self.session.add(Subscription(citizen_id=citizen.id, identity_id=identity.id, commune_code=commune,
                                              topic=topic, active=active))
        self.session.flush()
        return citizen


@pytest.fixture()
def people(db):
    """A People factory on an open session (committed at the end of the test's `with`)."""
    session = db()
    yield People(session)
    session.close()


def campaign_row(session, **fields) -> Campaign:
    """A campaign straight into the database (planning tests skip approval)."""
    values = dict(title="t", body_vi="Xin chào", body_en=None, buttons=[], audience={}, allow_sms=False,
                  urgent=False, state="running", in_flight_lost=0)
    values.update(fields)
    campaign = Campaign(**values)
    session.add(campaign)
    session.flush()
    return campaign

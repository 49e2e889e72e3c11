"""Consent before the first declaration (Decree 13/2023), and "xoa du lieu": a deletion request staff see."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import handle
from bot.flows.declaration import NOTICE_VERSION
from bot.messages import Inbound
from core.models import Alert, ChannelIdentity, Citizen, DataRequest, Declaration

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def _send(settings, user, text="", payload=None, channel="zalo"):
    replies = handle(settings, Inbound(channel=channel, user_id=user, kind="button" if payload else "text",
                                       text=text, payload=payload))
    # Buttons carry their step ("/consent:yes@consent", bot.button_steps): compared here without it.
    return replies, "\n".join(r.text for r in replies), [b.payload.split("@")[0] for r in replies for b in r.buttons]


def _citizen(db, user) -> Citizen:
    with db() as session:
        return session.scalar(select(Citizen).join(ChannelIdentity).where(ChannelIdentity.external_id == user))


@pytest.mark.parametrize("start", ["khai bao y te", "Tôi muốn khai báo y tế", "/declare"])
def test_the_notice_comes_before_the_first_question_and_agreeing_is_stored(settings, db, start):
    user = f"c-{abs(hash(start))}"
    _r, text, buttons = _send(settings, user, start, payload=start if start.startswith("/") else None)
    assert "xoa du lieu" in text and "90" in text and buttons == ["/consent:yes", "/consent:no"]
    assert "họ và tên" not in text.lower()
    _r, text, _b = _send(settings, user, payload="/consent:yes")
    assert "họ và tên" in text.lower()
    citizen = _citizen(db, user)
    assert citizen.consent_at is not None and citizen.consent_version == NOTICE_VERSION


@pytest.mark.parametrize("answer", ["co", "đồng ý", "Có"])
def test_a_typed_yes_agrees(settings, db, answer):
    user = f"typed-{abs(hash(answer))}"
    _send(settings, user, "khai bao")
    assert "họ và tên" in _send(settings, user, answer)[1].lower()


def test_not_agreeing_records_nothing_and_still_answers_questions(settings, db):
    user = "refuser"
    _send(settings, user, "khai bao")
    _r, text, buttons = _send(settings, user, payload="/consent:no")
    assert "không có thông tin nào được ghi lại" in text.lower() and "1900 9095" in text and "/faq" in buttons
    assert _citizen(db, user).consent_at is None
    with db() as session:
        assert session.scalar(select(Declaration)) is None
    # Asked again next time: no declaration without agreeing.
    assert "/consent:yes" in _send(settings, user, "khai bao")[2]


def test_the_notice_is_asked_once_and_again_only_when_its_version_changes(settings, db):
    user = "once"
    _send(settings, user, "khai bao")
    _send(settings, user, payload="/consent:yes")
    _send(settings, user, "huy")
    assert "họ và tên" in _send(settings, user, "khai bao")[1].lower()
    with db() as session:
        citizen = session.scalar(select(Citizen).join(ChannelIdentity).where(ChannelIdentity.external_id == user))
        citizen.consent_version = "2020-01-01"
        session.commit()
    _send(settings, user, "huy")
    assert "/consent:yes" in _send(settings, user, "khai bao")[2]


@pytest.mark.parametrize("text", ["xoa du lieu", "Xóa dữ liệu của tôi", "toi muon xoa thong tin cua toi",
                                  "delete my data", "Please delete my personal data"])
def test_asking_to_delete_ones_data_files_one_request_staff_see(settings, db, text):
    user = f"del-{abs(hash(text))}"
    _send(settings, user, "xin chao")
    _r, reply, _b = _send(settings, user, text)
    assert "DL-" in reply
    _send(settings, user, text)  # asked twice: still one open request
    with db() as session:
        requests = session.scalars(select(DataRequest)).all()
        assert [(r.kind, r.status, r.channel) for r in requests] == [("delete", "new", "zalo")]
        assert session.scalar(select(Alert.kind)) == "data_request"


def test_a_deletion_request_inside_a_declaration_ends_it(settings, db):
    user = "del-mid"
    _send(settings, user, "khai bao")
    _send(settings, user, payload="/consent:yes")
    assert "DL-" in _send(settings, user, "xoa du lieu")[1]
    assert "DL-" not in _send(settings, user, "Nguyen Van A")[1]
    with db() as session:
        assert session.scalar(select(Declaration)) is None

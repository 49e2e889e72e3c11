"""Citizens' requests about their personal data (Decree 13/2023): "xoa du lieu" asks staff to delete it."""
from __future__ import annotations

from sqlalchemy import select

from bot.alerts import raise_alert
from bot.turn import Turn
from core.models import DataRequest

# "xóa dữ liệu", "tôi muốn xoá thông tin của tôi", "delete my data": a request under Decree 13/2023.
DELETE_PHRASES = ("xoa du lieu", "xoa thong tin", "xoa het thong tin", "xoa tai khoan", "huy du lieu",
                  "delete my data", "delete my information", "delete my personal data", "erase my data",
                  "remove my data")


def wants_deletion(turn: Turn) -> bool:
    """A short message that asks to delete the citizen's personal data."""
    folded = f" {turn.folded} "
    return len(folded.split()) <= 12 and any(f" {phrase} " in folded or f" {phrase}" in folded
                                              for phrase in DELETE_PHRASES)


def request_deletion(turn: Turn) -> None:
    """Record a deletion request for staff (one open request per citizen) and tell the citizen what happens."""
    turn.session.end()
    request = turn.db.scalar(select(DataRequest).where(DataRequest.citizen_id == turn.citizen.id,
                                                       DataRequest.status == "new"))
    if request is None:
        request = DataRequest(citizen_id=turn.citizen.id, kind="delete", channel=turn.channel)
        turn.db.add(request)
        turn.db.flush()
        raise_alert(turn.db, turn.redis, "data_request", "normal", "citizen asks to delete their personal data",
                    citizen_id=turn.citizen.id, details={"channel": turn.channel, "data_request_id": request.id})
    turn.say(turn._("Your request to delete your personal data is recorded (number %(ref)s). Staff will carry it out within 72 hours and tell you here.",
                    ref=f"DL-{request.id}"))

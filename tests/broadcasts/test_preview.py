"""Preview: recipients per channel, commune and language, the unreachable, the estimated duration at the
configured rates, quiet hours, and the message in each language."""
from __future__ import annotations

from datetime import timedelta

from broadcasts.preview import preview
from tests.broadcasts.conftest import NOW, campaign_row

HAC_THANH, QUANG_PHU = 14797, 16522


def test_preview_counts_and_duration(people, settings):
    session = people.session
    people.add(channels=("zalo",), commune=HAC_THANH)
    people.add(channels=("telegram",), commune=HAC_THANH, language="en")
    people.add(channels=("zalo",), commune=QUANG_PHU, window_open=False)  # falls to SMS
    people.add(channels=("zalo",), commune=QUANG_PHU, window_open=False, phone=False)  # reachable on nothing
    campaign = campaign_row(session, allow_sms=True, body_en="Hello", buttons=[{"payload": "/declare"}],
                            audience={"communes": None, "topic": None, "language": None, "phones_upload_id": None})
    rates = settings.with_(broadcast_zalo_per_second=1.0, broadcast_telegram_per_second=1.0, sms_per_second=0.5,
                           quiet_hours="21:00-07:00", timezone="Asia/Ho_Chi_Minh")
    seen = preview(session, rates, campaign, NOW)
    assert seen["recipients"] == 3 and seen["unreachable"] == 1
    assert seen["by_channel"] == {"zalo": 1, "telegram": 1, "sms": 1}
    assert seen["by_language"] == {"vi": 2, "en": 1}
    assert seen["by_commune"] == [{"code": HAC_THANH, "name": "Phường Hạc Thành", "recipients": 2},
                                  {"code": QUANG_PHU, "name": "Phường Quảng Phú", "recipients": 1}]
    assert seen["estimated_seconds"] == 2.0  # the slowest channel: 1 SMS at 0.5/s
    assert seen["held_by_quiet_hours_until"] is None  # 10:00 in Hanoi
    assert seen["messages"]["vi"]["buttons"] == [{"title": "Khai báo ngay", "payload": "/declare"}]
    assert seen["messages"]["en"]["text"] == "Hello"
    assert seen["messages"]["vi"]["sms"].endswith("Soạn STOP để ngừng nhận tin.")
    at_night = preview(session, rates, campaign, NOW + timedelta(hours=13))  # 23:00 in Hanoi
    assert at_night["held_by_quiet_hours_until"].startswith("2026-12-03T07:00:00+07:00")

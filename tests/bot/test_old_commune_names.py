"""Communes as citizens name them: today's names, names from before the 2025 reorganisation (mapped to today's
unit and said back), "xã" and "phường" respected, each place offered once."""
from __future__ import annotations

import pytest

from bot import places
from bot.engine import handle
from bot.messages import Inbound

THANH_HOA = 38


@pytest.mark.nodb
@pytest.mark.parametrize("typed, found, was, suggested", [
    ("Phường Đông Vệ", "Phường Hạc Thành", "Phường Đông Vệ", []),  # merged into Hạc Thành in 2025
    ("phuong dong ve", "Phường Hạc Thành", "Phuong Dong Ve", []),
    ("p. dong ve", "Phường Hạc Thành", "P. Dong Ve", []),
    ("xa quang phu", "Xã Xuân Tín", "Xa Quang Phu", []),  # the old xã Quảng Phú, never Phường Quảng Phú
    ("phuong quang phu", "Phường Quảng Phú", "", []),
    ("quang phu", None, None, ["Phường Quảng Phú", "Xã Xuân Tín (Quang Phu cũ)"]),  # both exist: ask
    ("thi tran ha trung", "Xã Hà Trung", "Thi Tran Ha Trung", []),
    ("Hạc Thành", "Phường Hạc Thành", "", []),
    ("hac thanh", "Phường Hạc Thành", "", []),
])
def test_match(typed, found, was, suggested):
    commune, suggestions = places.match(THANH_HOA, typed)
    assert (commune.name if commune else None, commune.was if commune else None) == (found, was)
    labels = [c.label("vi") for c in suggestions]
    assert labels == suggested and len({c.code for c in suggestions}) == len(suggestions)


@pytest.mark.nodb
def test_no_commune_is_suggested_twice():
    for typed in ("quang", "dong", "hoang", "thanh", "xuan"):
        _found, suggestions = places.match(THANH_HOA, typed)
        assert len({c.code for c in suggestions}) == len(suggestions), typed


@pytest.mark.usefixtures("db", "redis_client")
def test_an_old_name_in_a_declaration_is_said_back_as_todays_unit(settings):
    def say(text=None, payload=None):
        inbound = Inbound(channel="telegram", user_id="old-commune", kind="button" if payload else "text",
                          text=text or "", payload=payload)
        return "\n".join(r.text for r in handle(settings, inbound))

    say(payload="/declare")
    say(payload="/consent:yes")
    for text in ("Le Thi Mai", "1975", "0912 345 671"):
        say(text)
    assert "Phuong Dong Ve nay thuộc Phường Hạc Thành." in say("phuong dong ve")

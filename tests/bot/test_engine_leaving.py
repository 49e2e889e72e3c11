"""Leaving a flow and coming back: language, back, menu and cancel in every flow, and an unfinished
declaration that survives a detour through another flow."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.engine import session_state
from core.db import session_scope
from core.models import Declaration
from tests.bot.test_engine_flows import run, say

pytestmark = pytest.mark.usefixtures("db", "redis_client")


def test_waiting_for_the_number_of_a_tracing_question_understands_language_back_and_menu(settings, sandbox_clean):
    user = "leave-tracing"
    run(settings, user, [(("p", "/tracing"), "chia sẻ số điện thoại"),
                         (("p", "/lang:en"), "Share your phone number"),  # re-asked in the new language
                         ("back", "first question"),
                         ("menu", "What would you like to do?")])
    assert session_state(settings, "telegram", user) is None
    replies = say(settings, user, payload="/continue")
    assert replies and "Continue my declaration" not in str([b.title for r in replies for b in r.buttons])
    run(settings, user, [(("p", "/verify"), "Share your phone number"), ("0912 345 111", "sent a code by SMS")])


@pytest.mark.parametrize("message, expected, flow_after", [
    # A new request while Loa waits for the number to check: it is taken as a new message.
    ("toi muon phan anh co nguoi tu vung dich ve khong khai bao", "vị trí", "report"),
    ("cam on", "Không có gì", None),
    (("p", "/declare"), "họ và tên", "declaration"),
    # Digits are an attempt at the number: re-asked with the reason, still waiting.
    ("0912 345 67", "không tồn tại", "link_phone"),
    ("0912 345 678", "đã gửi một mã qua SMS", "link_phone"),  # a typed number is proven by a code first
])
def test_waiting_for_the_number_to_check_never_traps_the_citizen(settings, sandbox_clean, message, expected,
                                                                flow_after):
    user = f"leave-link-{abs(hash(str(message)))}"
    first = run(settings, user, [(("p", "/tracing"), "chia sẻ số điện thoại")])
    assert "0237 3600 115" in "\n".join(r.text for r in say(settings, user + "-v", payload="/tracing"))
    assert first
    run(settings, user, [(message, expected)])
    assert session_state(settings, "telegram", user) == flow_after


# A whole declaration, ending on "declare for another member of your household?".
DECLARED = [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh"), ("1980", "điện thoại"),
            ("0912 345 600", "xã hoặc phường"), ("Hạc Thành", "14 ngày"), (("p", "/done"), "tiếp xúc gần"),
            ("không", "vùng dịch"), ("không", "liều"), (("p", "/doses:2"), "bệnh nền"), ("không", "thành viên")]


@pytest.mark.parametrize("start, message, expected, flow_after", [
    # Not a commune, clearly something else: the citizen moved on.
    ("/subscribe", "huy nhan thong bao", "chưa đăng ký nhận thông báo", None),
    ("/subscribe", "cach ly tai nha may ngay", "Nguồn", None),
    ("/subscribe", "toi muon phan anh co nguoi ban khau trang gia cao", "vị trí", "report"),
    # A language request re-asks the same question in that language.
    ("/subscribe", "english please", "Which commune or ward", "subscribe"),
    ("/report", "english", "What would you like to report?", "report"),
    ("/report", "noi tieng anh di", "What would you like to report?", "report"),
    ("/report", "cach ly tai nha may ngay", "Nguồn", None),
    # One or two words are not enough to read a new request from: asked again.
    # ...but "để sau" (later) is a way of stopping (tests/bot/test_leaving_and_help.py).
    ("/subscribe", "de sau", "đã dừng", None),
    ("/report", "bo qua", "phản ánh điều gì", "report"),
    # Not a commune and nothing else either: asked again.
    ("/subscribe", "xa khong ton tai", "không tìm thấy", "subscribe"),
    # A misspelt commune (the degraded matcher reads it as a prevention question at 0.95): suggestions, not a FAQ.
    ("/subscribe", "Phờng Đông Quang", "Phường Đông Quang", "subscribe"),
    # After a declaration, a question instead of "another member?" is answered.
    ("/household", "cach ly tai nha may ngay", "Nguồn", None),
    # Inside a declaration a symptom is part of the answers, never a way out.
    ("/declare", "toi bi sot", "1900", "declaration"),
])
def test_a_message_that_is_no_answer_but_a_clear_request_leaves_the_flow(settings, start, message, expected,
                                                                         flow_after):
    user = f"leave-req-{abs(hash((start, message)))}"
    first = ([(("p", "/declare"), ""), ("Lê Văn Tâm", "Năm sinh")] if start == "/declare"
             else DECLARED if start == "/household" else [(("p", start), "")])
    run(settings, user, first + [(message, expected)])
    assert session_state(settings, "telegram", user) == flow_after


def test_asking_for_staff_mid_declaration_sets_it_aside(settings):
    user = "leave-staff"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh"),
                         ("cho toi gap nhan vien", "cán bộ")])
    assert session_state(settings, "telegram", user) is None
    run(settings, user, [(("p", "/continue"), "Năm sinh"), ("1980", "điện thoại")])


def test_a_detour_through_another_flow_keeps_the_unfinished_declaration(settings):
    user = "leave-detour"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Thị Hoa", "Năm sinh"),
                         ("menu", "/continue"),
                         (("p", "/report"), "phản ánh"), ("menu", "/continue"),
                         (("p", "/tracing"), "chia sẻ"), ("/start", "/continue"),
                         (("p", "/subscribe"), "thông báo"), ("hủy", "Đã hủy"),
                         (("p", "/continue"), "Năm sinh"), ("1970", "điện thoại")])
    assert session_state(settings, "telegram", user) == "declaration"


def test_cancel_outside_a_flow_drops_the_unfinished_declaration(settings):
    user = "leave-cancel"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("menu", "/continue"), ("huy", "Đã hủy")])
    replies = say(settings, user, text="menu")
    assert "/continue" not in [b.payload for r in replies for b in r.buttons]


def test_clearing_symptoms_after_going_back_drops_the_danger_signs(settings):
    user = "leave-symptoms"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Thị Hoa", "Năm sinh"), ("1970", "điện thoại"),
                         ("0912345678", "xã"), ("Hạc Thành", "14 ngày"),
                         (("p", "/symptoms:fever"), "✓"), (("p", "/done"), "nguy hiểm"),
                         (("p", "/danger_signs:chest_pain"), "✓"), ("quay lai", "14 ngày"),
                         (("p", "/symptoms:fever"), "/done"), (("p", "/done"), "tiếp xúc gần"),
                         ("không", "vùng dịch"), ("không", "liều"), ("2", "bệnh nền"), ("không", "THẤP")])
    with session_scope(settings.database_url) as db:
        record = db.scalar(select(Declaration))
        assert record.risk_level == "low" and not record.answers.get("danger_signs")


def test_coming_back_with_a_hello_offers_to_continue_rather_than_taking_it_as_a_name(settings):
    user = "leave-hello"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Xin chào", "/continue"), (("p", "/continue"), "họ và tên"),
                         ("Lê Thị Hoa", "Năm sinh")])
    run(settings, user, [("chao ban", "/continue"), (("p", "/continue"), "Năm sinh")])


def test_declaring_again_with_an_unfinished_declaration_asks_before_dropping_it(settings):
    user = "leave-redeclare"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Thị Hoa", "Năm sinh"), ("menu", "/continue"),
                         ("khai bao", "chưa hoàn thành"),
                         (("p", "/continue"), "Năm sinh")])
    run(settings, user, [("menu", "/continue"), ("khai bao", "/declare:new"), (("p", "/declare:new"), "họ và tên"),
                         # The new declaration is the one to continue: the old answers (at the year) are gone.
                         ("menu", "/continue"), (("p", "/continue"), "họ và tên")])


def test_a_phone_shared_before_its_question_is_kept(settings):
    user = "leave-early-phone"
    run(settings, user, [(("p", "/declare"), "họ và tên")])
    replies = say(settings, user, kind="contact", phone="+84912000333")
    text = "\n".join(r.text for r in replies)
    assert "số điện thoại của bạn đã được lưu" in text.lower() and "họ và tên" in text.lower()
    # The phone question is skipped: after the year comes the commune.
    run(settings, user, [("Lê Thị Hoa", "Năm sinh"), ("1970", "xã hoặc phường")])

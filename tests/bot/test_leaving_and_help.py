"""Leaving and getting help (issue 9): stopping in any natural words, asking for a person (a hand-off with a
reference and staff hours that the next messages join), media that always get an answer, English first
messages, and foreign phone numbers. Conversations through the real engine, Redis and database; media through
the channel parsers with recorded payloads."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import staff_hours
from bot.channels.telegram_updates import parse_update
from bot.channels.zalo_events import parse_event
from bot.engine import handle, session_state
from bot.handoff_models import Handoff
from bot.handoffs import close, queue, send_staff_reply, thread
from bot.messages import Inbound
from bot.session import ConversationSession
from core import clock
from core.db import session_scope
from core.models import Alert, Citizen, MessageLog
from core.redis_conn import get_redis
from tests.bot.helpers import payload, sandbox_messages
from tests.bot.test_engine_flows import run, say

pytestmark = pytest.mark.usefixtures("db", "redis_client")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def texts(replies) -> str:
    return "\n".join(r.text for r in replies)


def lower(replies) -> str:
    return texts(replies).lower()


def payloads(replies) -> list[str]:
    return [b.payload.split("@")[0] for r in replies for b in r.buttons]


def session(settings, user, channel="telegram") -> ConversationSession:
    return ConversationSession.load(get_redis(settings), channel, user)


# --- stopping ------------------------------------------------------------------------------------------------
STOPPING = ["thôi", "Thôi!", "thoi khong khai nua", "không khai nữa", "ko khai nua dau", "dừng lại", "dung lai",
            "dừng", "tôi muốn dừng", "toi muon dung lai", "STOP", "stop", "thôi không làm nữa", "để sau",
            "de luc khac nhe", "thôi để sau", "quit", "I want to stop", "later", "never mind",
            "tôi không muốn khai báo nữa", "tạm dừng"]


@pytest.mark.parametrize("words", STOPPING)
def test_any_natural_way_of_stopping_sets_the_declaration_aside_to_continue_later(settings, words):
    user = f"stop-{abs(hash(words))}"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh")])
    replies = say(settings, user, text=words)
    assert session_state(settings, "telegram", user) is None
    assert "/continue" in payloads(replies) and ("dừng" in texts(replies) or "stopped" in texts(replies))
    assert session(settings, user).paused["step"] == "birth_year"
    # Continued later, typed or pressed, where it was left, with the answers given so far.
    resumed = say(settings, user, text="tiep tuc") if len(words) % 2 else say(settings, user, payload="/continue")
    assert session_state(settings, "telegram", user) == "declaration"
    assert session(settings, user).step == "birth_year" and session(settings, user).data["full_name"]
    assert resumed and resumed[-1].text


@pytest.mark.parametrize("answer", ["không", "khong", "ko", "k", "không có", "đúng", "dung", "có", "bỏ qua"])
def test_a_no_or_a_yes_inside_a_declaration_is_an_answer_not_a_way_of_stopping(settings, answer):
    user = f"stop-not-{abs(hash(answer))}"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh"), ("1980", "điện thoại"),
                         ("0912 345 600", "xã hoặc phường"), ("Hạc Thành", "14 ngày")])
    replies = say(settings, user, text=answer)
    assert session_state(settings, "telegram", user) == "declaration", texts(replies)
    assert "đã dừng" not in texts(replies)


@pytest.mark.parametrize("words, expected", [("thôi", "Tôi luôn ở đây"), ("stop", "Tôi luôn ở đây"),
                                             ("I want to stop", "here whenever you need")])
def test_stopping_outside_a_flow_gets_a_kind_word_and_the_menu(settings, words, expected):
    replies = say(settings, f"stop-out-{abs(hash(words))}", text=words)
    assert expected in texts(replies) and "/declare" in payloads(replies)


def test_cancelling_still_drops_the_declaration(settings):
    user = "stop-cancel"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh"), ("huy", "Đã hủy")])
    assert session(settings, user).paused is None


# --- a person ------------------------------------------------------------------------------------------------
def at(settings, weekday_date: str, hhmm: str) -> None:
    """Move Loa's clock to a local date and time."""
    local = datetime.fromisoformat(f"{weekday_date}T{hhmm}:00").replace(tzinfo=ZONE)
    clock.set_now(settings, local)


@pytest.mark.parametrize("ask, lang", [("Cho tôi gặp cán bộ", "vi"), ("gap nhan vien", "vi"),
                                       ("cho toi noi chuyen voi nguoi that", "vi"), (("p", "/staff"), "vi"),
                                       ("talk to a person", "en"), ("I want to speak with a human", "en")])
def test_asking_for_a_person_gives_a_reference_and_the_hours_and_the_next_messages_join_it(settings, ask, lang):
    user = f"staff-{abs(hash(str(ask)))}"
    at(settings, "2026-12-07", "09:00")  # a Monday, staff at work
    replies = say(settings, user, payload=ask[1]) if isinstance(ask, tuple) else say(settings, user, text=ask)
    with session_scope(settings.database_url) as db:
        handoff = db.scalar(select(Handoff))
        ref, handoff_id = handoff.reference, handoff.id
        assert (handoff.status, handoff.channel, handoff.user_id) == ("open", "telegram", user)
    assert ref.startswith("HT-") and ref in texts(replies) and "07:30" in texts(replies)
    assert ("Thứ Hai" in texts(replies) and "sớm" in texts(replies)) if lang == "vi" else "Monday" in texts(replies)
    # The next message joins the hand-off: said once, then quiet for a few minutes, not "I did not understand".
    first = say(settings, user, text="me toi bi ho tu hom qua, co can xet nghiem khong")
    assert ref in texts(first) and "/menu" in payloads(first)
    assert say(settings, user, text="ba ten la Nguyen Thi Hoa, o phuong Dong Ve") == []
    clock.advance(settings, 6 * 60)
    assert ref in texts(say(settings, user, text="alo co ai khong"))
    assert ref in texts(say(settings, user, payload="/staff"))  # asking again always gets the reference back
    with session_scope(settings.database_url) as db:
        lines = thread(db, handoff_id)
        said = [line.text for line in lines if line.author == "citizen"]
        assert said[-3:] == ["me toi bi ho tu hom qua, co can xet nghiem khong",
                             "ba ten la Nguyen Thi Hoa, o phuong Dong Ve", "alo co ai khong"]
        assert any(line.author == "bot" and ref in line.text for line in lines)
        assert [h.reference for h in queue(db)] == [ref]
        # The console follows the threads on a stream: one entry per citizen message that joined.
        assert get_redis(settings).xlen("loa:handoffs") == 3
        close(db, handoff_id, "nv.hoa")
    # Closed by staff: the bot answers again.
    after = say(settings, user, text="toi muon khai bao y te")
    assert any(word in lower(after) for word in ("họ và tên", "full name"))


@pytest.mark.parametrize("text", ["me toi kho tho qua", "ba bị đau ngực từ sáng", "my father has difficulty breathing"])
def test_a_danger_sign_while_waiting_for_staff_is_never_met_with_silence(settings, text):
    user = f"staff-danger-{abs(hash(text))}"
    say(settings, user, text="cho toi gap can bo")
    say(settings, user, text="toi can hoi ve cach ly")  # acknowledged; the next ones are quiet...
    replies = say(settings, user, text=text)  # ...but not a danger sign
    assert "115" in texts(replies) and replies[-1].urgent
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Alert).where(Alert.kind == "danger")).severity == "critical"


def test_outside_staff_hours_the_citizen_is_told_when_staff_answer(settings):
    at(settings, "2026-12-06", "20:15")  # a Sunday evening
    replies = say(settings, "staff-closed", text="cho toi gap can bo")
    assert "hết giờ làm việc" in texts(replies) and "07:30 Thứ Hai, ngày 07/12" in texts(replies)
    at(settings, "2026-12-07", "06:00")  # Monday before opening
    replies = say(settings, "staff-early", text="talk to a person")
    assert "from 07:30 on Monday 07/12" in texts(replies)


@pytest.mark.parametrize("words, status_after, expected", [
    ("bot", "open", "nói chuyện lại với bot"), ("menu", "open", "nói chuyện lại với bot"),
    (("p", "/menu"), "open", "nói chuyện lại với bot"), ("huy", "closed", "đã được hủy"),
    ("thoi", "open", "nói chuyện lại với bot"),
])
def test_menu_words_huy_or_bot_leave_the_hand_off(settings, words, status_after, expected):
    user = f"staff-leave-{abs(hash(str(words)))}"
    say(settings, user, text="gap nhan vien")
    replies = say(settings, user, payload=words[1]) if isinstance(words, tuple) else say(settings, user, text=words)
    assert expected in texts(replies) and "/declare" in payloads(replies)
    assert session(settings, user).handoff is None
    with session_scope(settings.database_url) as db:
        handoff = db.scalar(select(Handoff))
        assert handoff.status == status_after and (status_after == "open" or handoff.closed_by == "citizen")
    assert "họ và tên" in lower(say(settings, user, payload="/declare"))


@pytest.mark.parametrize("channel, user", [("zalo", "4143046553463412299"), ("sms", "+84912345001")])
def test_the_hand_off_works_the_same_on_zalo_and_sms(settings, channel, user):
    """Zalo sends the pressed "Talk to the bot" button back as the text "/menu"; SMS shows it as a numbered list."""
    opened = handle(settings, Inbound(channel=channel, user_id=user, text="cho toi gap can bo"))
    assert "HT-" in texts(opened)
    joined = handle(settings, Inbound(channel=channel, user_id=user, text="toi o xa Quang Phu"))
    assert "đã được thêm vào yêu cầu" in texts(joined)
    left = handle(settings, Inbound(channel=channel, user_id=user, text="/menu" if channel == "zalo" else "1"))
    assert "nói chuyện lại với bot" in texts(left)
    with session_scope(settings.database_url) as db:
        handoff = db.scalar(select(Handoff))
        assert (handoff.channel, handoff.user_id, handoff.status) == (channel, user, "open")


def test_asking_for_staff_mid_declaration_keeps_it_and_a_button_leaves_the_hand_off(settings):
    user = "staff-mid"
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh"), ("gap can bo", "HT-")])
    assert say(settings, user, text="toi co cau hoi ve tiem vaccine")  # joins the thread
    run(settings, user, [(("p", "/continue"), "Năm sinh"), ("1980", "điện thoại")])


def test_two_misunderstood_messages_get_a_menu_and_a_way_to_rephrase_not_a_silent_hand_off(settings):
    user = "staff-misses"
    say(settings, user, text="asdkj qwe zzxv")
    second = say(settings, user, text="lkjhg poiuy mnbv")
    assert "ví dụ" in texts(second) and "/staff" in payloads(second)
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Handoff)) is None
    assert "HT-" in texts(say(settings, user, payload="/staff"))


def test_staff_see_what_was_said_before_and_their_reply_reaches_the_citizen(settings, sandbox_clean):
    user = "501234999"
    with session_scope(settings.database_url) as db:
        db.add(MessageLog(channel="telegram", external_id=user, direction="in", text="F1 cach ly may ngay",
                          created_at=clock.now(settings) - timedelta(minutes=3)))
    say(settings, user, text="cho toi gap can bo")
    with session_scope(settings.database_url) as db:
        handoff_id = db.scalar(select(Handoff.id))
        lines = thread(db, handoff_id)
        assert lines[0].before and lines[0].text == "F1 cach ly may ngay"
        assert [line.text for line in lines if line.author == "citizen" and not line.before] == ["cho toi gap can bo"]
    assert send_staff_reply(settings, handoff_id, "nv.hoa", "Chào bạn, F1 cách ly 7 ngày.")
    sent = sandbox_messages(settings, "telegram", user)
    assert sent and "F1 cách ly 7 ngày" in str(sent[-1])
    with session_scope(settings.database_url) as db:
        handoff = db.get(Handoff, handoff_id)
        assert (handoff.status, handoff.held_by) == ("held", "nv.hoa")
        assert thread(db, handoff_id)[-1].author == "staff:nv.hoa"


# --- media ---------------------------------------------------------------------------------------------------
MEDIA = [
    ("zalo", "user_send_audio", "voice", ["thoại", "1900 9095"]),
    ("zalo", "user_send_sticker", "sticker", ["Xin chào", "/declare"]),
    ("zalo", "user_send_gif", "sticker", ["Xin chào", "/declare"]),
    ("zalo", "user_send_file", "file", ["tệp", "ảnh"]),
    ("zalo", "user_send_video", "video", ["video", "vị trí"]),
    ("zalo", "user_send_location", "location", ["vị trí", "/report"]),
    ("telegram", "voice", "voice", ["thoại", "1900 9095"]),
    ("telegram", "audio", "voice", ["thoại"]),
    ("telegram", "sticker", "sticker", ["Xin chào", "/declare"]),
    ("telegram", "animation", "sticker", ["Xin chào"]),
    ("telegram", "document", "file", ["tệp"]),
    ("telegram", "video", "video", ["video"]),
    ("telegram", "video_note", "video", ["video"]),
    ("telegram", "location", "location", ["vị trí", "/report"]),
]


def parsed(provider: str, fixture: str) -> Inbound:
    body = payload(provider, fixture)
    (inbound,) = parse_event(body) if provider == "zalo" else parse_update(body)
    return inbound


@pytest.mark.parametrize("provider, fixture, kind, expected", MEDIA, ids=[f"{m[0]}-{m[1]}" for m in MEDIA])
def test_media_outside_a_flow_always_get_an_answer(settings, provider, fixture, kind, expected):
    inbound = parsed(provider, fixture)
    assert inbound.kind == kind
    replies = handle(settings, inbound)
    joined = texts(replies) + " " + " ".join(payloads(replies))
    assert all(part in joined for part in expected), joined


@pytest.mark.parametrize("fixture", ["voice", "sticker", "document"])
def test_media_inside_a_declaration_get_an_answer_and_the_question_again(settings, fixture):
    inbound = parsed("telegram", fixture)
    user = inbound.user_id
    run(settings, user, [(("p", "/declare"), "họ và tên"), ("Lê Văn Tâm", "Năm sinh")])
    replies = handle(settings, inbound)
    assert "Năm sinh" in texts(replies) and len(replies) >= 2
    assert session_state(settings, "telegram", user) == "declaration"


# --- English -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("first, expected", [("hello", "/declare"),
                                             ("how long is quarantine for F1?", ""),
                                             ("I want to declare", "full name"),
                                             ("Hi, I want to talk to a person", "HT-")])
def test_a_first_message_in_english_is_answered_in_english(settings, first, expected):
    user = f"en-{abs(hash(first))}"
    replies = say(settings, user, text=first)
    assert replies and all(r.language == "en" for r in replies) and expected in texts(replies) + str(payloads(replies))
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(Citizen.language)) == "en"


def test_on_zalo_the_first_typed_message_after_following_decides_the_language(settings):
    user = "en-zalo-follow"
    assert handle(settings, Inbound(channel="zalo", user_id=user, kind="follow"))[-1].language == "vi"
    replies = handle(settings, Inbound(channel="zalo", user_id=user, text="hello"))
    assert replies and all(r.language == "en" for r in replies)


def test_a_language_chosen_or_a_name_typed_is_never_overridden_by_a_guess(settings):
    user = "en-chosen"
    say(settings, user, payload="/lang:en")
    say(settings, user, payload="/declare")
    assert say(settings, user, text="Nguyễn Văn An")[-1].language == "en"  # a Vietnamese name, not Vietnamese
    user = "vi-chosen"
    say(settings, user, payload="/lang:vi")
    assert say(settings, user, text="hello")[-1].language == "vi"


@pytest.mark.parametrize("first", ["ok", "covid", "F1", "Xin chào", "toi muon khai bao"])
def test_an_ambiguous_or_vietnamese_first_message_stays_in_vietnamese(settings, first):
    replies = say(settings, f"vi-{abs(hash(first))}", text=first)
    assert replies and all(r.language == "vi" for r in replies)


def test_a_whole_sentence_in_the_other_language_switches_but_a_name_does_not(settings):
    user = "en-switch"
    assert say(settings, user, text="xin chao")[-1].language == "vi"
    assert all(r.language == "en" for r in say(settings, user, text="how long is home quarantine for F1?"))
    assert say(settings, user, payload="/declare")[-1].language == "en"
    assert say(settings, user, text="Nguyễn Thị Hoa")[-1].language == "en"  # a name is not a switch
    assert all(r.language == "vi" for r in say(settings, user, text="tôi muốn hỏi cách ly bao nhiêu ngày"))


@pytest.mark.parametrize("lang, number, accepted", [
    ("en", "+1 415 555 0100", True), ("vi", "+44 20 7946 0958", True), ("vi", "0044 20 7946 0958", True),
    ("en", "0912 345 678", True), ("vi", "415 555 0100", False),
])
def test_a_foreign_number_is_accepted_in_international_format_or_from_an_english_speaker(settings, lang, number,
                                                                                          accepted):
    user = f"phone-{lang}-{abs(hash(number))}"
    if lang == "en":
        say(settings, user, payload="/lang:en")
    say(settings, user, payload="/declare")
    say(settings, user, text="John Smith" if lang == "en" else "Lê Văn Tâm")
    say(settings, user, text="1980")
    replies = say(settings, user, text=number)
    assert (session(settings, user).step == "commune") is accepted, texts(replies)


# --- STAFF_HOURS ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec, weekdays, opens, closes", [
    ("07:30-17:00 Mon-Sat", {0, 1, 2, 3, 4, 5}, "07:30", "17:00"),
    ("8:00 - 11:30 Mon-Fri,Sun", {0, 1, 2, 3, 4, 6}, "08:00", "11:30"),
    ("07:00-21:00", set(range(7)), "07:00", "21:00"),
    ("13:00-17:00 Sat-Mon", {5, 6, 0}, "13:00", "17:00"),
])
def test_staff_hours_are_read_from_the_setting(spec, weekdays, opens, closes):
    hours = staff_hours.parse(spec)
    assert (set(hours.weekdays), hours.opens.strftime("%H:%M"), hours.closes.strftime("%H:%M")) == \
        (weekdays, opens, closes)


@pytest.mark.parametrize("spec", ["", "always", "17:00-07:30 Mon-Sat", "07:30-17:00 Lundi"])
def test_a_staff_hours_setting_that_cannot_be_read_is_refused(spec):
    with pytest.raises(ValueError):
        staff_hours.parse(spec)


@pytest.mark.parametrize("now, expected", [
    ("2026-12-05T17:30", "2026-12-07T07:30"),  # Saturday after closing -> Monday
    ("2026-12-07T06:59", "2026-12-07T07:30"),  # Monday before opening -> the same morning
    ("2026-12-07T12:00", "2026-12-08T07:30"),  # open now: the next opening is tomorrow's
])
def test_the_next_opening(now, expected):
    hours = staff_hours.parse("07:30-17:00 Mon-Sat")
    local = datetime.fromisoformat(now).replace(tzinfo=ZONE)
    assert hours.next_opening(local) == datetime.fromisoformat(expected).replace(tzinfo=ZONE)


def test_a_misconfigured_staff_hours_still_gives_the_citizen_a_reference(settings):
    replies = say(settings.with_(staff_hours="whenever"), "staff-badhours", text="gap nhan vien")
    assert "HT-" in texts(replies) and "07:30" in texts(replies)


# --- end to end: the sandbox emits a signed webhook, a real worker answers through the Zalo adapter -----------------
@pytest.mark.slow
@pytest.mark.usefixtures("web", "worker")
def test_a_zalo_voice_note_gets_an_answer_end_to_end(settings, sandbox_clean):
    import httpx

    user = "5550077"
    event = {"user_id": user, "event_name": "user_send_audio",
             "attachments": [{"type": "audio", "payload": {"url": "https://voice-stal.zdn.vn/sandbox/voice.aac"}}]}
    response = httpx.post(f"{sandbox_clean.url}/_sandbox/zalo/emit", json=event, timeout=10)
    assert response.json()["delivery"]["status"] == 200, response.text
    messages = httpx.get(f"{sandbox_clean.url}/_sandbox/messages",
                         params={"channel": "zalo", "user_id": user, "wait": 15, "min": 1}, timeout=20).json()
    assert messages and "1900 9095" in messages[0]["text"] and "thoại" in messages[0]["text"]


# --- the word families, read without a conversation ----------------------------------------------------------
def _typed(text):
    from types import SimpleNamespace

    return SimpleNamespace(payload=None, text=text)


@pytest.mark.parametrize("text, stops", [
    *[(t, True) for t in ("thôi nhé", "thui", "thôi bỏ đi", "khong can nua", "thôi không cần", "ngừng", "tạm dừng",
                          "dừng khai báo", "em muốn dừng lại", "để mai", "để lúc khác nhé", "lát nữa", "không muốn khai nữa",
                          "ko lam nua", "hong khai nua dau", "not now", "maybe later", "stop please", "please stop",
                          "I'd like to stop", "I will do it later", "forget it", "never mind")],
    *[(t, False) for t in ("không", "ko", "k", "không có", "khong co gi", "có", "đúng", "dung", "đúng rồi", "dung roi",
                           "bỏ qua", "không sốt nữa", "khong kho tho nua", "stop bleeding", "later this week I had fever",
                           "Nguyễn Văn Dũng", "dung lai so dien thoai", "sot tu hom qua", "ok")],
])
def test_ways_of_stopping_and_answers_that_are_not(text, stops):
    from bot.menu import wants_to_stop

    assert wants_to_stop(_typed(text)) is stops


@pytest.mark.parametrize("text, wants", [
    *[(t, True) for t in ("Cho tôi gặp cán bộ", "cho toi gap can bo", "gap nhan vien", "tôi muốn nói chuyện với nhân viên",
                          "xin gặp tư vấn viên", "cho em gap nguoi that", "alo cho toi gap can bo nhe", "lien he can bo",
                          "talk to a person", "I want to speak with a human", "can I talk to someone", "human please",
                          "speak to a real person")],
    *[(t, False) for t in ("nhan vien y te co den nha khong", "can bo", "gap", "nguoi nha toi bi sot",
                           "toi muon khai bao", "talk")],
])
def test_ways_of_asking_for_a_person(text, wants):
    from bot.menu import wants_staff

    assert wants_staff(_typed(text)) is wants


CONVERSATION = [  # (typed, a fragment of the reply) on each channel, through the sandbox and a real worker
    ("gap nhan vien", "HT-"),
    ("me toi bi ho tu hom qua", "đã được thêm vào yêu cầu"),
    ("bot", "nói chuyện lại với bot"),
    ("thôi", "Tôi luôn ở đây"),
]


@pytest.mark.slow
@pytest.mark.usefixtures("web", "worker")
@pytest.mark.parametrize("channel", ["zalo", "telegram"])
def test_asking_for_a_person_leaving_and_stopping_end_to_end(settings, sandbox_clean, channel):
    import httpx

    from tests.bot.test_end_to_end_chat import _reply_with

    user = "5550078" if channel == "zalo" else "777078"
    seen = 0
    for text, expected in CONVERSATION:
        event = ({"user_id": user, "event_name": "user_send_text", "text": text} if channel == "zalo"
                 else {"chat_id": user, "kind": "text", "text": text})
        response = httpx.post(f"{sandbox_clean.url}/_sandbox/{channel}/emit", json=event, timeout=10)
        assert response.json()["delivery"]["status"] == 200, response.text
        seen = len(_reply_with(sandbox_clean, channel, user, seen, expected))

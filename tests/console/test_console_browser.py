"""The console in a real browser (Playwright driving Debian's headless chromium) against the served app:
sign in, Today's counts after a chat declaration, an alert arriving live then claimed and resolved, a tracing
upload with bad rows, labelling a question, declaring in the simulator. A screenshot of each page is saved."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.console.browser import ensure_chromium, screenshot_dir
from tests.console.conftest import BAD_ROW_CSV_TEXT, PASSWORD

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")  # closed with this module: a live Playwright loop breaks later asyncio.run()
def browser():
    """One headless chromium for the whole run."""
    reason = ensure_chromium()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture()
def staff(db, redis_client):
    """An operator, a supervisor and an admin account."""
    from core import staff_accounts

    with db() as session:
        for role in ("operator", "supervisor", "admin"):
            staff_accounts.create_account(session, role, role, PASSWORD)
        session.commit()


@pytest.fixture()
def page(browser, web, staff):
    """A phone-sized browser page signed in as the operator."""
    context = browser.new_context(viewport={"width": 412, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(15000)
    sign_in(tab, web.url, "operator")
    yield tab
    context.close()


def sign_in(tab, base: str, name: str) -> None:
    """Fill and send the sign-in form."""
    tab.goto(f"{base}/console/signin")
    tab.fill("#name", name)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(re.compile(r".*/console/$"))


def shot(tab, name: str) -> None:
    """Save the whole page as <name>.png."""
    tab.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)


def test_sign_in_page_and_a_wrong_password(browser, web, staff):
    context = browser.new_context(viewport={"width": 412, "height": 800})
    tab = context.new_page()
    tab.goto(f"{web.url}/console/")
    assert "/console/signin" in tab.url
    shot(tab, "signin")
    tab.fill("#name", "operator")
    tab.fill("#password", "not the password")
    tab.click("button[type=submit]")
    assert "Sai tên hoặc mật khẩu" in tab.inner_text(".error")
    context.close()


def test_today_counts_a_chat_declaration(page, web, settings):
    from tests.bot.test_engine_flows import VI_WITH_DIACRITICS, run

    run(settings, "browser-citizen", VI_WITH_DIACRITICS)  # through bot.engine.handle: a high-risk declaration
    page.goto(f"{web.url}/console/")
    assert page.inner_text("#count-declarations .n") == "1"
    assert page.inner_text("#count-risk-high .n") == "1"
    assert page.inner_text("#count-alerts .n") == "1"
    page.wait_for_function("document.querySelector('#days-chart').width > 0 && window.Chart !== undefined")
    shot(page, "today")


def test_an_alert_arrives_live_and_is_claimed_and_resolved(page, web, settings, db, redis_client):
    from bot.alerts import raise_alert
    from core.models import Alert

    page.goto(f"{web.url}/console/alerts")
    assert page.locator("#no-alerts").is_visible()
    with db() as session:
        alert = raise_alert(session, redis_client, "danger", "critical", "danger signs: difficulty breathing")
        session.commit()
        alert_id = alert.id
    # No reload: the queue polls itself and the new alert appears.
    page.wait_for_selector(f'tr[data-alert-id="{alert_id}"]')
    shot(page, "alerts")
    page.click(f'tr[data-alert-id="{alert_id}"] a')
    page.click("#claim")
    assert "operator" in page.inner_text("#alert-state")
    page.fill("#note", "Đã gọi lại, đã báo trạm y tế")
    page.click("text=Lưu ghi chú")
    shot(page, "alert")
    page.click("#resolve")
    page.wait_for_selector("#no-alerts")
    with db() as session:
        assert session.get(Alert, alert_id).acknowledged_by == "operator"


def test_upload_a_tracing_list_with_a_bad_row(page, web):
    page.goto(f"{web.url}/console/tracing")
    page.set_input_files("#list-file", files=[{"name": "phuong3.csv", "mimeType": "text/csv",
                                                "buffer": BAD_ROW_CSV_TEXT.encode()}])
    page.click("#upload")
    page.wait_for_selector("#import-report")
    assert page.locator("tr.import-error").count() == 2
    assert "đã nhập 1" in page.inner_text("#import-report")
    assert page.locator("tr.list-row").count() == 1
    shot(page, "tracing")


def test_label_a_question(page, web, db):
    from nlu.models import UnansweredQuestion

    with db() as session:
        session.add(UnansweredQuestion(channel="zalo", text="nuoi cho co bi lay covid khong", language="vi",
                                       reason="low_confidence", predictions=[["faq/pets", 0.4]]))
        session.commit()
    page.goto(f"{web.url}/console/questions")
    row = page.locator("tr.question-row")
    assert "nuoi cho" in row.inner_text()
    shot(page, "questions")
    row.locator("input[name=label]").fill("faq/pets")
    row.locator("button").click()
    page.wait_for_selector("text=Không có câu hỏi nào.")
    with db() as session:
        assert session.scalar(select(UnansweredQuestion.label)) == "faq/pets"


def test_declare_in_the_simulator(page, web, db):
    """The same transcript the engine's own tests play, typed and clicked in the simulator's Zalo-like panel."""
    from core.models import Declaration
    from tests.bot.test_engine_flows import VI_WITH_DIACRITICS

    page.goto(f"{web.url}/console/simulator")
    for message, expected in VI_WITH_DIACRITICS:
        if isinstance(message, tuple):
            _click_button(page, message[1])
        else:
            page.fill("#sim-text", message)
            with page.expect_navigation():
                page.click("#sim-send")
        for automatic in ("/consent:yes", "/confirm"):
            if page.locator(_button(automatic)).count():
                _click_button(page, automatic)  # the privacy notice and the summary, agreed to as a citizen would
        shown = _fold(_last_replies(page) + " " + " ".join(
            page.locator("form input[name=payload]").evaluate_all("els => els.map(e => e.value)")
            + page.locator(".sim-button").all_inner_texts()))
        assert _fold(expected) in shown, (message, expected, shown)
    shot(page, "simulator")
    with db() as session:
        declared = session.scalars(select(Declaration)).all()
        assert [(d.channel, d.risk_level) for d in declared] == [("zalo", "high")]


def _last_replies(page) -> str:
    """The text of every bot bubble since the last thing the citizen sent (one turn may answer in several)."""
    return page.evaluate("""() => { const all = [...document.querySelectorAll('.bubble')];
        const i = all.map(b => b.classList.contains('me')).lastIndexOf(true);
        return all.slice(i + 1).map(b => b.innerText).join(' '); }""")


def _button(payload: str) -> str:
    return f'form:has(input[name=payload][value^="{payload}"]) button'  # payloads may carry a step tag (@step)


def _click_button(page, payload: str) -> None:
    with page.expect_navigation():  # the form posts, then the panel comes back with the replies
        page.click(_button(payload))


def test_the_other_pages_render_for_a_supervisor(browser, web, staff, db):
    from tests.console.conftest import add_declaration

    with db() as session:
        add_declaration(session, risk="danger", commune=None)
        session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    sign_in(tab, web.url, "supervisor")
    for name, path in [("declarations", "/console/declarations"), ("campaigns", "/console/campaigns"),
                       ("campaign-new", "/console/campaigns/new"), ("data-requests", "/console/data-requests"),
                       ("conversations", "/console/conversations"), ("reports", "/console/reports"),
                       ("today-desktop", "/console/")]:
        tab.goto(web.url + path)
        assert tab.title().endswith("Loa")
        shot(tab, name)
    tab.goto(web.url + "/console/declarations")
    tab.click("tr.declaration-row a")
    assert tab.inner_text("#rule-version") == "2026-11-01"
    shot(tab, "declaration")
    context.close()
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, web.url, "admin")
    admin.goto(f"{web.url}/console/audit")
    assert admin.locator("tr.audit-row").count() >= 2  # the supervisor's views of a person, at least
    shot(admin, "audit")
    admin.context.close()


def _fold(text: str) -> str:
    from bot.text import fold

    return fold(text)


def test_campaign_composed_approved_launched_and_watched_to_100_percent(browser, web, sandbox_clean, staff, db,
                                                                       settings, tmp_path):
    """An operator composes and launches, a supervisor approves; the sandbox's Telegram receives every message
    while the progress bar (htmx) climbs to 100% without a reload."""
    from datetime import datetime, time as clock_time, timezone
    from zoneinfo import ZoneInfo

    import httpx

    from core import clock
    from core.models import ChannelIdentity, Citizen, Subscription

    from core.testing import start_worker
    from tests.broadcasts.dispatch_helpers import stop_worker

    # A worker of its own on the broadcasts queue: the shared one takes the dialer's tick jobs first.
    sender = start_worker(["broadcasts"], log=tmp_path / "broadcasts-worker.log")
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    clock.set_now(settings, datetime.combine(today, clock_time(10), ZoneInfo(settings.timezone)))  # not quiet hours
    try:
        with db() as session:
            for n in range(3):
                citizen = Citizen(language="vi")
                session.add(citizen)
                session.flush()
                identity = ChannelIdentity(citizen_id=citizen.id, channel="telegram", external_id=str(8_100_000 + n),
                                           last_inbound_at=datetime.now(timezone.utc))
                session.add(identity)
                session.flush()
                session.add(Subscription(citizen_id=citizen.id, identity_id=identity.id, topic="announcements"))
            session.commit()
        operator = browser.new_context(viewport={"width": 412, "height": 900}).new_page()
        supervisor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        for tab, name in ((operator, "operator"), (supervisor, "supervisor")):
            tab.set_default_timeout(15000)
            sign_in(tab, web.url, name)
        operator.goto(f"{web.url}/console/campaigns/new")
        operator.fill("#title", "Lịch tiêm mũi 3")
        operator.fill("#body_vi", "Trạm y tế phường tiêm mũi 3 từ thứ Hai.")
        operator.click("#save")
        operator.wait_for_selector("#move-submit")
        campaign_url = operator.url
        operator.click("#move-submit")
        operator.wait_for_selector("text=chờ duyệt")
        assert operator.locator("#move-approve").count() == 0  # an operator approves nothing
        supervisor.goto(campaign_url)
        supervisor.click("#move-approve")
        supervisor.wait_for_selector("text=đã duyệt")
        operator.goto(campaign_url)
        operator.click("#move-launch")
        operator.wait_for_function("document.querySelector('#progress-bar').textContent.trim() === '100%'",
                                   timeout=90000)
        operator.wait_for_selector('#progress-text[data-state="finished"]', timeout=30000)
        operator.screenshot(path=str(screenshot_dir() / "campaign.png"), full_page=True)
        sent = httpx.get(f"{sandbox_clean.url}/_sandbox/messages", params={"channel": "telegram"}, timeout=5).json()
        texts = [m.get("text", "") for m in (sent if isinstance(sent, list) else sent.get("messages", []))]
        assert sum("tiêm mũi 3" in t for t in texts) == 3
    finally:
        clock.reset(settings)
        stop_worker(sender)


def test_call_the_hotline_from_the_keypad(page, web):
    page.goto(f"{web.url}/console/simulator/hotline")
    page.click('button.key[data-key="1"]')
    with page.expect_navigation():
        page.click("#call")
    transcript = page.inner_text("#transcript")
    assert "[vi]" in transcript and "> pressed 1" in transcript and "call ended" in transcript
    shot(page, "hotline")

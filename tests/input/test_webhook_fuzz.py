"""Fuzz every webhook with Hypothesis: recorded payloads (tests/fixtures) and the sandbox's emitters, mutated
(a value replaced by any JSON value, a key dropped, a value wrapped in a list, a number turned to text...), plus
random bodies, all correctly signed so the body checks answer, not the signature. Every answer must be 2xx or
4xx, never 5xx; a 4xx must write nothing to Redis (nothing queued) and name its reason (never the catch-all)."""
from __future__ import annotations

import copy
import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st

from bot.webhooks import UNREADABLE
from core.redis_conn import get_redis
from sandbox.telegram_updates import UPDATE_KINDS, build_telegram_update
from sandbox.zalo_events import EVENT_NAMES, build_zalo_event
from tests.input.conftest import FIXTURES, recorded, recorded_pairs

FUZZ = hsettings(max_examples=150, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large])

# -- JSON payloads ----------------------------------------------------------------------------------
leaf = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=20) | st.sampled_from(["", "0", "-1", "1e999", "84912345678", "/start", "http://x"]))
json_value = st.recursive(leaf, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids,
                                                                                           max_size=3), max_leaves=8)


def _paths(node, path=()):
    """Every position in a JSON document, the root included."""
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, path + (key,))


def _set(doc, path, value):
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_json(draw, seeds: list[dict]) -> bytes:
    """A seed with up to three mutations, or (now and then) a random document or random bytes."""
    kind = draw(st.sampled_from(["mutated"] * 8 + ["random", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    doc = draw(json_value) if kind == "random" else copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        value = _get(doc, path)
        op = draw(st.sampled_from(["replace", "replace", "drop", "drop", "null", "wrap", "as_text", "as_number",
                                   "nest"]))
        if op == "drop" and path:
            parent = _get(doc, path[:-1])
            parent.pop(path[-1]) if isinstance(parent, dict) else parent.pop(path[-1])
        elif op == "wrap":
            doc = _set(doc, path, [value])
        elif op == "as_text":
            doc = _set(doc, path, json.dumps(value) if not isinstance(value, str) else value + draw(st.text(max_size=3)))
        elif op == "as_number":
            doc = _set(doc, path, draw(st.integers(-10**20, 10**20) | st.floats()))
        elif op == "nest":
            doc = _set(doc, path, {"id": value})
        elif op == "null":
            doc = _set(doc, path, None)
        else:
            doc = _set(doc, path, draw(json_value))
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()


def _zalo_seeds(settings) -> list[dict]:
    recorded_ones = [json.loads(recorded("zalo", p.stem)) for p in sorted((FIXTURES / "zalo").glob("*.json"))
                     if p.stem != "truncated"]
    emitted = [build_zalo_event(name, "4143046553463412237", app_id=settings.zalo_app_id, oa_id=settings.zalo_oa_id,
                                text="khai báo y tế") for name in sorted(EVENT_NAMES)]
    return recorded_ones + emitted


def _telegram_seeds() -> list[dict]:
    recorded_ones = [json.loads(p.read_bytes()) for p in sorted((FIXTURES / "telegram").glob("*.json"))
                     if p.stem != "truncated"]
    emitted = [build_telegram_update(810000100 + i, kind, 501234567, text="xin chào", data="/yes", phone="0912345678",
                                     latitude=19.8, longitude=105.78) for i, kind in enumerate(UPDATE_KINDS)]
    return recorded_ones + emitted


# -- form payloads (Twilio) -------------------------------------------------------------------------
form_text = st.text(max_size=24) | st.sampled_from(["", "-1", "1.5", "+84912345678", "CA" + "0" * 32,
                                                    "SM" + "0" * 32, "completed", "in-progress", "human", "9#",
                                                    "http://x/y", "\x00", "a" * 3000])


@st.composite
def mutated_form(draw, seeds: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """A recorded form with up to three mutations: a value changed, a key dropped, repeated or invented."""
    pairs = list(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["value", "drop", "repeat", "add"]))
        if not pairs:
            op = "add"
        if op == "add":
            pairs.append((draw(st.text(max_size=12) | st.sampled_from([k for k, _ in pairs] or ["x"])),
                          draw(form_text)))
            continue
        i = draw(st.integers(0, len(pairs) - 1))
        if op == "value":
            pairs[i] = (pairs[i][0], draw(form_text))
        elif op == "drop":
            pairs.pop(i)
        else:
            pairs.append((pairs[i][0], draw(form_text)))
    return pairs


# -- every single-field change, exhaustively, at the readers (no HTTP: thousands in a second) ---------
WRONG = [None, "", "x", 0, -1, 1.5, True, [], {}, ["x"], {"id": "x"}]


def _single_changes(seeds: list[dict]):
    """Each seed with one field dropped or set to each WRONG value, for every field at every depth."""
    for seed in seeds:
        for path in _paths(seed):
            if path:
                doc = copy.deepcopy(seed)
                parent = _get(doc, path[:-1])
                parent.pop(path[-1]) if isinstance(parent, dict) else parent.pop(path[-1])
                yield doc
            for value in WRONG:
                yield _set(copy.deepcopy(seed), path, copy.deepcopy(value))


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
def test_every_single_field_change_is_read_or_refused(input_settings, channel):
    from bot.channels import ParseError, get_adapter

    adapter = get_adapter(channel, input_settings)
    seeds = _zalo_seeds(input_settings) if channel == "zalo" else _telegram_seeds()
    count = 0
    for doc in _single_changes(seeds):
        count += 1
        try:
            inbounds = adapter.parse(json.dumps(doc).encode())
        except ParseError:
            continue
        for inbound in inbounds:  # what is accepted is typed as the engine expects
            assert isinstance(inbound.user_id, str) and inbound.user_id, doc
            assert isinstance(inbound.text, str) and isinstance(inbound.extra["event_id"], str), doc
    assert count > 1000


def test_every_single_field_change_of_a_twilio_form_is_read_or_refused(input_settings):
    from bot.channels import ParseError
    from bot.channels.schema import check
    from bot.channels.sms import SmsAdapter
    from bot.channels.twilio_forms import CallStatusCallback, VoiceStep, fields

    sms = SmsAdapter(input_settings)
    readers = {"sms_inbound_text": sms.parse, "sms_inbound_image": sms.parse, "sms_status_delivered": sms.parse_status,
               "sms_status_failed_21610": sms.parse_status,
               "voice_incoming": lambda b: check(VoiceStep, fields(b)),
               "voice_recorded": lambda b: check(VoiceStep, fields(b)),
               "voice_status_completed": lambda b: check(CallStatusCallback, fields(b))}
    for name, read in readers.items():
        pairs = recorded_pairs(name)
        for i in range(len(pairs)):
            for value in ["", "x", "-1", "1.5", "\x00", "a" * 9000, None, "twice"]:
                changed = [p for j, p in enumerate(pairs) if j != i or value == "twice"]
                if value not in (None, "twice"):
                    changed.insert(i, (pairs[i][0], value))
                if value == "twice":
                    changed.append((pairs[i][0], pairs[i][1] + "0"))
                try:
                    read(urlencode(changed).encode())
                except ParseError:
                    pass


# -- the checks -------------------------------------------------------------------------------------
def _check(response) -> None:
    body = response.get_data(as_text=True)
    event(f"HTTP {response.status_code}")  # pytest --hypothesis-show-statistics: how many got past the checks
    assert response.status_code < 500, body
    assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, response.status_code
    assert UNREADABLE not in body, "a reader raised something other than a ParseError (see the log)"
    if response.status_code >= 400:
        assert not response.wrote, f"{response.status_code} but something was written to Redis"


def _fresh(settings) -> None:
    get_redis(settings).flushdb()


def test_fuzz_zalo(hooks, input_settings):
    seeds = _zalo_seeds(input_settings)

    @FUZZ
    @given(body=mutated_json(seeds))
    def run(body):
        _fresh(input_settings)
        _check(hooks.zalo(body))

    run()


def test_fuzz_telegram(hooks, input_settings):
    seeds = _telegram_seeds()

    @FUZZ
    @given(body=mutated_json(seeds))
    def run(body):
        _fresh(input_settings)
        _check(hooks.telegram(body))

    run()


@pytest.mark.parametrize("path,seeds", [
    ("/webhooks/sms", ["sms_inbound_text", "sms_inbound_image"]),
    ("/webhooks/sms/status", ["sms_status_delivered", "sms_status_failed_21610"]),
])
def test_fuzz_sms(hooks, input_settings, path, seeds):
    forms = [recorded_pairs(name) for name in seeds]

    @FUZZ
    @given(pairs=mutated_form(forms))
    def run(pairs):
        _fresh(input_settings)
        _check(hooks.sms(pairs, path=path))

    run()


def _sandbox_voice_pairs(settings, status: bool) -> list[tuple[str, str]]:
    """What the Twilio stand-in sends for a call (sandbox.twilio_call_run.base_params), plus a progress event."""
    from types import SimpleNamespace

    from sandbox.twilio_call_run import base_params

    call = SimpleNamespace(account_sid=settings.twilio_account_sid, sid="CA" + "5" * 32, status="in-progress",
                           to="+84987654321", from_=settings.twilio_from_number, direction="outbound-api",
                           amd="Enable", answered_by="human", async_amd_callback=None)
    params = base_params(call)
    if status:
        params.update(CallStatus="completed", CallbackSource="call-progress-events", SequenceNumber="4",
                      Timestamp="Wed, 02 Dec 2026 02:31:05 +0000", CallDuration="31", SipResponseCode="200")
    return list(params.items())


@pytest.mark.parametrize("path,seeds", [
    ("/voice/incoming", ["voice_incoming", "sandbox call"]),
    ("/voice/menu", ["voice_gather_digits"]),
    ("/voice/recorded", ["voice_recorded"]),
    ("/voice/status?attempt=1", ["voice_status_ringing", "voice_status_completed", "sandbox status"]),
])
def test_fuzz_voice(hooks, input_settings, path, seeds):
    forms = [_sandbox_voice_pairs(input_settings, name.endswith("status")) if name.startswith("sandbox")
             else recorded_pairs(name) for name in seeds]

    @FUZZ
    @given(pairs=mutated_form(forms))
    def run(pairs):
        _fresh(input_settings)
        _check(hooks.voice(path, pairs))

    run()

"""The client against a stand-in Rasa that is healthy, slow, broken or down: breaker and fallback path."""
from pathlib import Path

import pytest

from core.testing import free_port
from nlu.breaker import Breaker
from nlu.client import NluClient
from nlu.fallback import get_matcher
from nlu.tests.standin import StandIn

pytestmark = pytest.mark.nodb
TOY = Path(__file__).parent / "fixtures" / "toy_data.yml"


@pytest.fixture()
def standin():
    server = StandIn(free_port())
    yield server
    server.stop()


def make_client(settings, url: str, **kwargs) -> NluClient:
    client = NluClient(settings.with_(nlu_url=url, nlu_timeout_ms=200), **kwargs)
    client.matcher = lambda: get_matcher([TOY])
    return client


def test_healthy_rasa_resolves_faq_subintents(settings, standin):
    client = make_client(settings, standin.url)
    result = client.parse("cách ly mấy ngày", "vi")
    assert (result.intent, result.source) == ("faq/quarantine", "rasa")
    assert result.confidence == pytest.approx(0.9 * 0.8)
    names = [name for name, _ in result.ranking]
    assert names[:3] == ["faq/quarantine", "faq/close_contact", "greet"]
    assert "faq" not in names
    assert client.state() == "ok"


def test_text_is_cleaned_and_cut_before_sending(settings, standin):
    client = make_client(settings, standin.url)
    client.parse("cách\x00 ly\u200b\n" + "x" * 5000, "vi")
    sent = standin.posts[-1]
    assert len(sent) <= 500 and sent.startswith("cách ly ") and "\x00" not in sent and "\u200b" not in sent


def test_a_long_letter_is_cut_keeping_its_question(settings, standin):
    # citizens writing to the health authorities tell their situation first and ask last
    letter = "Kính gửi Bộ Y tế. " + "Tôi năm nay 60 tuổi, có bệnh tiểu đường và tăng huyết áp nhiều năm. " * 12
    client = make_client(settings, standin.url)
    client.parse(letter + "Xin hỏi tôi có được tiêm mũi nhắc lại không?", "vi")
    sent = standin.posts[-1]
    assert len(sent) <= 500 and sent.startswith("Kính gửi Bộ Y tế.")
    assert sent.endswith("Xin hỏi tôi có được tiêm mũi nhắc lại không?")


@pytest.mark.parametrize("text", ["", "   ", "😷🙏", "\x00\x01"])
def test_nothing_to_classify_is_not_sent(settings, standin, text):
    result = make_client(settings, standin.url).parse(text, "vi")
    assert (result.intent, result.confidence) == ("nlu_fallback", 0.0)
    assert standin.posts == []


@pytest.mark.parametrize("mode", ["slow", "500", "garbage", "no_model"])
def test_broken_rasa_falls_back(settings, standin, mode):
    standin.mode = mode
    client = make_client(settings, standin.url)
    result = client.parse("cách ly mấy ngày", "vi")
    assert (result.intent, result.source) == ("faq/quarantine", "fallback")
    assert client.state() == "degraded"


def test_down_rasa_falls_back(settings):
    client = make_client(settings, f"http://127.0.0.1:{free_port()}")
    result = client.parse("xin chào", "vi")
    assert (result.intent, result.source) == ("greet", "fallback")
    assert client.state() == "degraded"


def test_breaker_stops_calling_a_dead_server_and_recovers(settings, standin):
    standin.mode = "500"
    now = [0.0]
    client = make_client(settings, standin.url)
    client.breaker = Breaker(fail_max=3, reset_s=15, clock=lambda: now[0])
    for _ in range(10):
        assert client.parse("cách ly mấy ngày", "vi").source == "fallback"
    assert len(standin.posts) == 3  # the breaker opened after three failures
    assert client.state() == "degraded"
    standin.mode = "ok"
    now[0] += 16  # past reset_s: the next call is a trial
    assert client.parse("cách ly mấy ngày", "vi").source == "rasa"
    assert client.breaker.state == "closed"
    assert client.state() == "ok"


def test_get_client_is_one_per_process(settings):
    from nlu.client import get_client

    assert get_client(settings) is get_client(settings)
    assert get_client(settings) is not get_client(settings.with_(nlu_url="http://127.0.0.1:1"))

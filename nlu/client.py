"""The app's way into the NLU: Rasa over HTTP, with a circuit breaker and the degraded-mode matcher.

No rasa import here: this runs in the app venv. One client per process (get_client) so the pooled
keep-alive connections and the breaker's memory of a dead server are shared by every thread.
"""
from __future__ import annotations

import logging
import os
import threading
import time

import httpx

from nlu.breaker import Breaker, CircuitOpen
from nlu.focus import keep_question
from nlu.normalize import MAX_CHARS, clean, is_empty
from nlu.result import FALLBACK_INTENT, NluResult

log = logging.getLogger(__name__)
MAX_TIMEOUT_MS = 300  # the engine answers within a chat turn; a slower NLU is treated as down
STATE_TTL_S = 5.0  # /healthz may be polled often: probe Rasa at most this often
FAIL_MAX = 3
# Below this resolved confidence (P(faq) * P(topic) for FAQ topics) the answer is nlu_fallback: Rasa's
# FallbackClassifier only sees P(faq). With DIET + ResponseSelector it raised held-out out-of-scope recall
# 0.71 -> 0.82; with the flat SVM classifier (config.yml) P(faq) * P(topic) is the topic's own probability and
# the floor asks back when FAQ probability is spread over topics (held-out: OOS recall 0.929 either way,
# accuracy 0.931 with the floor, 0.937 without; kept at the fallback matcher's 0.3).
MIN_CONFIDENCE = 0.3
RESET_S = 15.0
_clients: dict[tuple, "NluClient"] = {}
_clients_lock = threading.Lock()


class NluError(Exception):
    """Rasa answered, but not with a usable parse."""


def text_for_nlu(text: str | None) -> str:
    """The text sent to Rasa: cleaned and cut to MAX_CHARS, keeping the end where a long letter asks."""
    return keep_question(clean(text, 10 * MAX_CHARS), MAX_CHARS)


def resolve(data: dict, text_used: str, min_confidence: float = MIN_CONFIDENCE) -> NluResult:
    """Turn Rasa's /model/parse JSON into an NluResult, with retrieval intents resolved to faq/<topic>."""
    intent = (data.get("intent") or {}).get("name")
    if not intent:
        raise NluError("no intent in Rasa's answer (is a model loaded?)")
    selectors = data.get("response_selector") or {}
    ranking: list[tuple[str, float]] = []
    for item in data.get("intent_ranking") or [data["intent"]]:
        name, conf = item["name"], float(item.get("confidence") or 0.0)
        selector = (selectors.get(name) or selectors.get("default")) if name in _retrieval(selectors) else None
        if selector:
            # P(faq/topic) = P(faq) * P(topic | faq): comparable with the other intents' confidences.
            for sub in (selector.get("ranking") or [])[:3]:
                ranking.append((sub["intent_response_key"], conf * float(sub.get("confidence") or 0.0)))
        else:
            ranking.append((name, conf))
    ranking.sort(key=lambda pair: pair[1], reverse=True)
    if intent == FALLBACK_INTENT:
        conf = float(data["intent"].get("confidence") or 0.0)
        ranking = [(FALLBACK_INTENT, conf)] + [pair for pair in ranking if pair[0] != FALLBACK_INTENT]
    top, confidence = ranking[0] if ranking else (FALLBACK_INTENT, 0.0)
    if confidence < min_confidence:
        top = FALLBACK_INTENT
    return NluResult(top, confidence, ranking[:10], "rasa", text_used)


def _retrieval(selectors: dict) -> list[str]:
    return list(selectors.get("all_retrieval_intents") or [k for k in selectors if k != "all_retrieval_intents"])


class NluClient:
    """parse() through Rasa when it is healthy, through the fallback matcher when it is not."""

    def __init__(self, settings, fail_max: int = FAIL_MAX, reset_s: float = RESET_S):
        self.base_url = settings.nlu_url.rstrip("/")
        timeout_s = min(settings.nlu_timeout_ms, MAX_TIMEOUT_MS) / 1000
        # One pooled client: a new TCP connection per request costs more than Rasa's parse itself.
        self.http = httpx.Client(timeout=httpx.Timeout(timeout_s),
                                 limits=httpx.Limits(max_connections=32, max_keepalive_connections=32))
        self.breaker = Breaker(fail_max=fail_max, reset_s=reset_s)
        self._state = ("degraded", -1e9)  # (state, when known)
        self.matcher = _default_matcher  # a callable returning the fallback matcher (tests give a toy one)

    def parse(self, text: str, lang: str = "vi") -> NluResult:
        """Classify one citizen message; never raises for NLU trouble (the fallback answers instead)."""
        cleaned = text_for_nlu(text)
        if is_empty(cleaned):
            return NluResult.empty("rasa", cleaned)
        try:
            data = self.breaker.call(self._post, cleaned)
            result = resolve(data, cleaned)
        except CircuitOpen:
            return self._fallback(cleaned)
        except (httpx.HTTPError, NluError, ValueError, KeyError, TypeError) as exc:
            log.warning("NLU unavailable, using the fallback matcher: %s", type(exc).__name__)
            self._remember("degraded")
            return self._fallback(cleaned)
        self._remember("ok")
        return result

    def state(self) -> str:
        """'ok' when Rasa answers, 'degraded' when the fallback matcher is answering."""
        if self.breaker.state == "open":
            return "degraded"
        state, when = self._state
        if time.monotonic() - when < STATE_TTL_S:
            return state
        try:
            self.breaker.call(self._status)
            self._remember("ok")
        except (CircuitOpen, httpx.HTTPError, NluError):
            self._remember("degraded")
        return self._state[0]

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

    def _post(self, text: str) -> dict:
        response = self.http.post(f"{self.base_url}/model/parse", json={"text": text})
        response.raise_for_status()
        return response.json()

    def _status(self) -> None:
        response = self.http.get(f"{self.base_url}/status")
        response.raise_for_status()
        if not (response.json() or {}).get("model_file"):
            raise NluError("Rasa runs without a model")

    def _remember(self, state: str) -> None:
        self._state = (state, time.monotonic())

    def _fallback(self, text: str) -> NluResult:
        try:
            return self.matcher().parse(text)
        except Exception:  # noqa: BLE001 - no data, broken data: say "not understood" rather than fail the turn
            log.exception("the fallback matcher failed")
            return NluResult.empty("fallback", text)


def _default_matcher():
    from nlu.fallback import get_matcher  # scikit-learn is imported only when Rasa fails

    return get_matcher()


def get_client(settings) -> NluClient:
    """The process's client for settings.nlu_url (a new one after a fork: sockets are not shared)."""
    key = (os.getpid(), settings.nlu_url, settings.nlu_timeout_ms)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = NluClient(settings)
        return client


def forget_clients() -> None:
    """Close and drop this process's clients, breakers included (tests; a changed NLU_URL)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()

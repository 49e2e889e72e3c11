"""A tiny stand-in for Rasa's HTTP server that can be healthy, slow, broken or answer nonsense."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def rasa_answer(text: str) -> dict:
    """A /model/parse answer shaped like Rasa 3.6's, for a FAQ question about quarantine."""
    return {
        "text": text,
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [],
        "intent_ranking": [{"name": "faq", "confidence": 0.9}, {"name": "greet", "confidence": 0.06},
                           {"name": "thanks", "confidence": 0.04}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {"responses": [{"text": "faq/quarantine"}], "confidence": 0.8,
                             "intent_response_key": "faq/quarantine", "utter_action": "utter_faq/quarantine"},
                "ranking": [{"confidence": 0.8, "intent_response_key": "faq/quarantine"},
                            {"confidence": 0.15, "intent_response_key": "faq/close_contact"},
                            {"confidence": 0.05, "intent_response_key": "faq/masks"}],
            },
        },
    }


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.hits.append(("GET", self.path, None))
        if self.server.mode == "ok":
            self._send(200, json.dumps({"model_file": "loa-nlu-test.tar.gz"}).encode())
        else:
            self._send(500, b"{}")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.hits.append(("POST", self.path, body.get("text")))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.0)
        if mode in ("ok", "slow"):
            self._send(200, json.dumps(rasa_answer(body.get("text", ""))).encode())
        elif mode == "500":
            self._send(500, b'{"error": "boom"}')
        elif mode == "garbage":
            self._send(200, b"<html>not json</html>", "text/html")
        elif mode == "no_model":
            self._send(200, json.dumps({"text": body.get("text"), "intent": {}}).encode())


class StandIn:
    """The stand-in server on 127.0.0.1:`port`; set `.mode` to change how it behaves."""

    def __init__(self, port: int):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.daemon_threads = True
        self.server.mode = "ok"
        self.server.hits = []
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def mode(self) -> str:
        """ok | slow | 500 | garbage | no_model."""
        return self.server.mode

    @mode.setter
    def mode(self, value: str) -> None:
        self.server.mode = value

    @property
    def posts(self) -> list[str]:
        """The texts POSTed to /model/parse so far."""
        return [text for method, _, text in self.server.hits if method == "POST"]

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()

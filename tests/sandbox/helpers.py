"""Helpers the sandbox tests share: faults, Zalo tokens and sends, Telegram calls."""
from __future__ import annotations

import hashlib


def fault(api, **spec) -> dict:
    """POST one fault spec to the sandbox and return its answer (raising on a refusal)."""
    resp = api.post("/_sandbox/faults", json=spec)
    resp.raise_for_status()
    return resp.json()


def refresh(api, settings, refresh_token: str, secret: str | None = None, app_id: str | None = None) -> dict:
    """Call Zalo's OAuth token endpoint with a refresh token, the way Loa's adapter does."""
    resp = api.post("/zalo/oauth/v4/oa/access_token",
                    data={"app_id": app_id or settings.zalo_app_id, "grant_type": "refresh_token",
                          "refresh_token": refresh_token},
                    headers={"secret_key": secret or settings.zalo_app_secret_key})
    assert resp.status_code == 200
    return resp.json()


def access_token(api, settings) -> str:
    """A fresh Zalo access token (from the configured refresh token)."""
    return refresh(api, settings, settings.zalo_refresh_token)["access_token"]


def zalo_send(api, token: str, user_id: str, message: dict, kind: str = "cs"):
    """POST a message to the Zalo stand-in; returns the httpx response."""
    return api.post(f"/zalo/openapi/v3.0/oa/message/{kind}", json={"recipient": {"user_id": user_id},
                                                                    "message": message},
                    headers={"access_token": token})


def zalo_mac(body: bytes, app_id: str, timestamp: str, secret: str) -> str:
    """channels.md A.4, written out independently of the sandbox: mac= + sha256(app_id+body+timestamp+secret)."""
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


def tg(api, settings, method: str, **params):
    """A form-encoded Bot API call (what PTB sends); returns the httpx response."""
    return api.post(f"/telegram/bot{settings.telegram_bot_token}/{method}", data=params)

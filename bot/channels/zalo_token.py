"""Zalo OA access tokens: kept in ProviderCredential("zalo"), refreshed with the single-use refresh token.

Zalo rotates the refresh token on every refresh and the old one stops working at once, so the new pair
is committed to the database before the new access token is used, under a Redis lock so two workers
never spend the same refresh token.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy.exc import IntegrityError

from bot.channels.errors import AuthFailed, ConnectionFailed
from bot.provider_alerts import provider_auth_failed
from core.db import session_scope
from core.models import ProviderCredential
from core.redis_conn import get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
NAME = "zalo"
LOCK_KEY = "loa:lock:zalo-token"
# Refresh a little before Zalo's expiry so a send never races the deadline.
EARLY_S = 300


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class ZaloTokens:
    """The OA access token for this process, backed by the database and shared with every worker."""

    def __init__(self, settings: Settings, http: httpx.Client):
        self.settings = settings
        self.http = http
        self._token: str | None = None
        self._expires_at: datetime | None = None
        self._mutex = threading.Lock()

    def current(self) -> str:
        """A usable access token: the cached one, else the stored one, else a freshly refreshed one."""
        with self._mutex:
            if self._token and not self._expiring(self._expires_at):
                return self._token
            row = self._load_or_seed()
            if row.access_token and not self._expiring(_aware(row.expires_at)):
                self._token, self._expires_at = row.access_token, _aware(row.expires_at)
                return self._token
        return self.refresh(stale=row.access_token)

    def refresh(self, stale: str | None) -> str:
        """Exchange the refresh token for a new pair, unless another worker already replaced `stale`."""
        lock = get_redis(self.settings).lock(LOCK_KEY, timeout=30, blocking_timeout=20)
        if not lock.acquire():
            raise ConnectionFailed("timed out waiting for the Zalo token lock")
        try:
            row = self._load_or_seed()
            if row.access_token and row.access_token != stale and not self._expiring(_aware(row.expires_at)):
                return self._remember(row.access_token, _aware(row.expires_at))
            data = self._call_oauth(row.refresh_token or "")
            expires_at = datetime.now(timezone.utc) + timedelta(seconds=int(data.get("expires_in") or 90000))
            with session_scope(self.settings.database_url) as db:
                stored = db.get(ProviderCredential, NAME)
                stored.access_token = data["access_token"]
                stored.refresh_token = data["refresh_token"]
                stored.expires_at = expires_at
            # Committed above: only now is the new access token put to use.
            log.info("zalo access token refreshed; expires at %s", expires_at.isoformat())
            return self._remember(data["access_token"], expires_at)
        finally:
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - an expired lock is released already
                pass

    def _call_oauth(self, refresh_token: str) -> dict:
        try:
            resp = self.http.post(
                f"{self.settings.zalo_oauth_base}/v4/oa/access_token",
                data={"app_id": self.settings.zalo_app_id, "grant_type": "refresh_token",
                      "refresh_token": refresh_token},
                headers={"secret_key": self.settings.zalo_app_secret_key},
            )
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"zalo oauth unreachable: {type(exc).__name__}") from exc
        if resp.status_code >= 500:
            raise ConnectionFailed(f"zalo oauth answered {resp.status_code}")
        try:
            data = resp.json()
        except ValueError as exc:
            raise ConnectionFailed("zalo oauth answered non-JSON") from exc
        if not data.get("access_token") or not data.get("refresh_token"):
            reason = data.get("error_description") or data.get("error_name") or data.get("message") or "no token"
            log.error("zalo token refresh refused: %s", reason)
            provider_auth_failed(self.settings, "zalo", reason, "Zalo replies wait: get a new refresh token in the "
                                 "Zalo developer console and store it as provider_credential 'zalo'.")
            raise AuthFailed(f"zalo refresh refused: {reason}", code=data.get("error"))
        return data

    def _remember(self, token: str, expires_at: datetime | None) -> str:
        with self._mutex:
            self._token, self._expires_at = token, expires_at
        return token

    @staticmethod
    def _expiring(expires_at: datetime | None) -> bool:
        return expires_at is not None and datetime.now(timezone.utc) >= expires_at - timedelta(seconds=EARLY_S)

    def _load_or_seed(self) -> ProviderCredential:
        with session_scope(self.settings.database_url) as db:
            row = db.get(ProviderCredential, NAME)
            if row is not None:
                return row
        try:
            with session_scope(self.settings.database_url) as db:
                row = ProviderCredential(name=NAME, access_token=self.settings.zalo_access_token or None,
                                         refresh_token=self.settings.zalo_refresh_token)
                db.add(row)
        except IntegrityError:  # another worker seeded it first
            with session_scope(self.settings.database_url) as db:
                row = db.get(ProviderCredential, NAME)
        return row

"""The Zalo stand-in's memory: OA access/refresh tokens and what it knows about each user.

Tokens survive `POST /_sandbox/reset` on purpose: Loa keeps its token pair in its database across tests, and
an OA's authorization does not vanish because a test cleared its inbox. `reset_tokens()` forgets them.
"""
from __future__ import annotations

import secrets
import threading
import time

WINDOW_S = 7 * 24 * 3600  # cs messages only within 7 days of the user's last interaction (-230 after)

_lock = threading.Lock()
_access: dict[str, float] = {}  # access token -> expiry (Unix seconds)
_refresh: dict[str, float] = {}  # refresh tokens still usable -> when issued
_spent: set[str] = set()  # refresh tokens already exchanged (single use)
_revoked: set[str] = set()  # expired by a fault, including a configured static token
_refresh_count = 0
_users: dict[str, dict] = {}
_spent_quota: dict[str, int] = {}  # "oa" -> OA messages accepted; "zns:<local date>" -> ZNS sent that day


# -- tokens ---------------------------------------------------------------------------------------
def issue_tokens(ttl_s: float) -> tuple[str, str]:
    """A new access token (valid `ttl_s`) and a new single-use refresh token."""
    access, refresh = "sbx-at-" + secrets.token_urlsafe(24), "sbx-rt-" + secrets.token_urlsafe(24)
    with _lock:
        _access[access] = time.time() + ttl_s
        _refresh[refresh] = time.time()
    return access, refresh


def spend_refresh_token(token: str, seed: str, seed_reusable: bool) -> bool:
    """Use up a refresh token; False when it is unknown or was used before."""
    global _refresh_count
    with _lock:
        if token in _refresh:
            del _refresh[token]
        elif token and token == seed and (seed_reusable or token not in _spent):
            pass  # the refresh token from Loa's settings: how every deployment starts
        else:
            return False
        _spent.add(token)
        _refresh_count += 1
        return True


def access_ok(token: str, static_token: str = "") -> bool:
    """True when `token` is an unexpired access token (or the one configured in Loa's settings)."""
    with _lock:
        if not token or token in _revoked:
            return False
        if token == static_token:
            return True
        expiry = _access.get(token)
        return expiry is not None and time.time() < expiry


def expire_access_tokens(static_token: str = "") -> int:
    """Make every access token issued so far (and the configured one) invalid now; returns how many."""
    with _lock:
        count = len(_access)
        _revoked.update(_access)
        _access.clear()
        if static_token:
            _revoked.add(static_token)
        return count


def tokens_snapshot() -> dict:
    """Currently valid tokens, newest last, for `GET /_sandbox/zalo/token`."""
    now = time.time()
    with _lock:
        access = [{"access_token": t, "expires_in": int(exp - now)} for t, exp in _access.items() if exp > now]
        refresh = list(_refresh)
        return {"access_token": access[-1]["access_token"] if access else None,
                "refresh_token": refresh[-1] if refresh else None,
                "access_tokens": access, "refresh_tokens": refresh,
                "spent_refresh_tokens": sorted(_spent), "refresh_count": _refresh_count}


def reset_tokens() -> None:
    """Forget every token issued (the configured refresh token works again)."""
    global _refresh_count
    with _lock:
        _access.clear(), _refresh.clear(), _spent.clear(), _revoked.clear()
        _refresh_count = 0


# -- users ----------------------------------------------------------------------------------------
def _new_user(user_id: str) -> dict:
    return {"user_id": user_id, "followed": True, "blocked": False, "exists": True,
            "last_interaction": time.time(), "display_name": f"Zalo {user_id[-4:]}"}


def get_user(user_id: str, create: bool) -> dict | None:
    """The user's state; an unknown user is created (a follower who just wrote) only when `create`."""
    with _lock:
        found = _users.get(user_id)
        if found is None and create:
            found = _users[user_id] = _new_user(user_id)
        return dict(found) if found else None


def set_user(user_id: str, **changes) -> dict:
    """Change a user's state (followed, blocked, exists, last_interaction, display_name), creating them."""
    with _lock:
        found = _users.setdefault(user_id, _new_user(user_id))
        found.update(changes)
        return dict(found)


def note_event(user_id: str, event_name: str) -> None:
    """Update a user after they produced a webhook event (writing opens the 7-day window; follow/unfollow)."""
    if event_name == "follow":
        set_user(user_id, followed=True, exists=True, last_interaction=time.time())
    elif event_name == "unfollow":
        set_user(user_id, followed=False)
    elif event_name.startswith(("user_send", "user_submit", "anonymous_send")):
        set_user(user_id, exists=True, last_interaction=time.time())


def recipient_error(user: dict | None, kind: str) -> int:
    """The Zalo error code for sending a `kind` (cs, transaction, promotion) message to `user`; 0 if allowed."""
    if user is None or not user["exists"]:
        return -213
    if user["blocked"]:
        return -217
    if not user["followed"]:
        return -213
    if kind == "cs" and time.time() - user["last_interaction"] > WINDOW_S:
        return -230
    return 0


def spend_quota(limit: int | None, name: str = "oa") -> bool:
    """Count one message against a quota (`limit` None: unlimited); False when it is used up."""
    with _lock:
        used = _spent_quota.get(name, 0)
        if limit is not None and used >= int(limit):
            return False
        _spent_quota[name] = used + 1
        return True


def quota_used(name: str) -> int:
    """How much of a quota is spent."""
    with _lock:
        return _spent_quota.get(name, 0)


def users() -> list[dict]:
    """Every user the stand-in knows."""
    with _lock:
        return [dict(u) for u in _users.values()]


def reset() -> None:
    """Forget every user (tokens stay, see the module docstring)."""
    with _lock:
        _users.clear()
        _spent_quota.clear()

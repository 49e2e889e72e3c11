"""Which database a Redis belongs to: `loa:owner` holds a fingerprint of DATABASE_URL, and Loa refuses another's.

Sessions, inboxes, queues and dialer leases in Redis point at rows of one database; a Loa started on another
database with the same Redis (a second `make run` with another DATABASE_URL reusing a leftover redis-server)
would act on them: call people its lists do not have, answer in flows its records do not match. `core.run`
and every worker call `claim` at start; the key is written once, then only compared.

`python -m core.redis_owner assign` gives the Redis to the current DATABASE_URL, after an operator has moved the
database on purpose (the test fixtures do the same for their run's database).
"""
from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

import redis
from sqlalchemy.engine import URL, make_url

from core.redis_conn import get_redis
from core.settings import Settings

OWNER_KEY = "loa:owner"


class RedisOwnedElsewhere(RuntimeError):
    """The Redis holds the data of another database."""


def fingerprint(database_url: str) -> str:
    """sha256 of the database URL without its password (a rotated password is still the same database)."""
    url = make_url(database_url)
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    # URL.set(password=None) keeps the password: build the URL again without it (and without the driver).
    plain = URL.create(url.get_backend_name(), username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query).render_as_string(hide_password=False)
    return hashlib.sha256(plain.encode()).hexdigest()


def claim(client: redis.Redis, database_url: str) -> str:
    """Mark this Redis as `database_url`'s if unmarked; raise RedisOwnedElsewhere when another database owns it."""
    ours = fingerprint(database_url)
    client.set(OWNER_KEY, ours, nx=True)
    stored = client.get(OWNER_KEY)
    theirs = stored.decode() if stored else ours  # deleted in between (tests empty loa:*): nobody else owns it
    if theirs != ours:
        raise RedisOwnedElsewhere(
            f"this Redis holds the data of another database (loa:owner {theirs[:12]}…, this DATABASE_URL "
            f"{ours[:12]}…): its sessions, queues and dialer state would be applied to the wrong records. "
            "Point REDIS_URL at this database's Redis (or, for the embedded one, set REDIS_EMBEDDED_PORT/"
            "REDIS_EMBEDDED_DIR), or if the database moved on purpose run `python -m core.redis_owner assign`.")
    return ours


def claim_if_reachable(settings) -> None:
    """`claim` for a web process: refuse another database's Redis, but boot while Redis is away (/healthz
    says 503 until it is back; workers and core.run check again when they start)."""
    try:
        claim(get_redis(settings), settings.database_url)
    except redis.ConnectionError as exc:
        logging.getLogger(__name__).warning("could not check loa:owner at start: %s", exc)


def assign(client: redis.Redis, database_url: str) -> str:
    """Give the Redis to `database_url`, whoever owned it before."""
    ours = fingerprint(database_url)
    client.set(OWNER_KEY, ours)
    return ours


def main(argv: list[str]) -> int:
    """`python -m core.redis_owner assign|show`: give the Redis to DATABASE_URL, or show who owns it."""
    settings = Settings.from_env()
    client = get_redis(settings)
    if argv[:1] == ["assign"]:
        print(f"loa:owner = {assign(client, settings.database_url)}")
        return 0
    stored = client.get(OWNER_KEY)
    print(f"loa:owner = {stored.decode() if stored else '(unset)'}; "
          f"this DATABASE_URL = {fingerprint(settings.database_url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

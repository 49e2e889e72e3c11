"""Data for bench/broadcast.py: its own PostgreSQL database, citizens written by the database itself, and the
cost of planning a campaign measured in a process of its own."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loa_bench_broadcast"


def fresh_postgres() -> str | None:
    """Drop and create loa_bench_broadcast; its URL, or None when PostgreSQL does not answer."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS loa_bench_broadcast WITH (FORCE)")
            conn.execute("CREATE DATABASE loa_bench_broadcast")
    except psycopg.OperationalError:
        return None
    return PG_URL


def seed(url: str, first: int, count: int, channel: str, topic: str) -> None:
    """`count` subscribed citizens (ids first..) on `channel`, written by the database itself."""
    from sqlalchemy import text

    from core.db import get_engine

    engine = get_engine(url)
    last = first + count - 1
    if engine.dialect.name == "postgresql":
        series, g = f"generate_series({first}, {last}) AS s(g)", "g"
        prefix = ""
    else:
        series, g = "s", "g"
        prefix = f"WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + 1 FROM s WHERE g < {last}) "
    address = "'z' || g" if channel == "zalo" else f"CAST({g} AS TEXT)"
    with engine.begin() as conn:
        conn.execute(text(f"{prefix}INSERT INTO citizen (id, phone, language, created_at) "
                          f"SELECT g, '+849' || CAST(10000000 + g AS TEXT), 'vi', CURRENT_TIMESTAMP FROM {series}"))
        conn.execute(text(f"{prefix}INSERT INTO channel_identity (id, citizen_id, channel, external_id, "
                          f"last_inbound_at, created_at) SELECT g, g, '{channel}', {address}, CURRENT_TIMESTAMP, "
                          f"CURRENT_TIMESTAMP FROM {series}"))
        conn.execute(text(f"{prefix}INSERT INTO subscription (citizen_id, identity_id, topic, active, created_at) "
                          f"SELECT g, g, '{topic}', TRUE, CURRENT_TIMESTAMP FROM {series}"))
        if engine.dialect.name == "postgresql":
            for table in ("citizen", "channel_identity"):
                conn.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))


PLAN_SCRIPT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from broadcasts.planning import plan
from core.db import session_factory
with session_factory({url!r})() as db:
    started = time.perf_counter()
    count = plan(db, {campaign_id}, chunk_size=500)
    db.commit()
    elapsed = time.perf_counter() - started
print(count, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def plan_cost(url: str, first: int, count: int, make_campaign) -> tuple[float, float]:
    """(seconds, peak MB) of planning `count` recipients, in a process of its own."""
    seed(url, first, count, "zalo", "plan")
    campaign_id = make_campaign(url, "plan", planned=False)
    out = subprocess.run([sys.executable, "-c", PLAN_SCRIPT.format(root=str(ROOT), url=url, campaign_id=campaign_id)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    planned, seconds, mb = int(out[0]), float(out[1]), float(out[2])
    print(f"plan: {planned} deliveries planned in {seconds:.1f} s, planner peak {mb:.0f} MB", flush=True)
    return seconds, mb

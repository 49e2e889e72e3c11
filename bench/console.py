"""Console benchmark: every page (with its filters) opened 50 times by a signed-in admin, on PostgreSQL holding
100,000 declarations and 1,000,000 delivery rows (plus alerts, tracing contacts, calls, questions, audit rows).
Starts an embedded Redis and the web app, seeds a database of its own (created when missing) and stops them.

    .venv/bin/python bench/console.py [--declarations 100000] [--deliveries 1000000] [--repeat 50]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/loa_bench_console] [--keep]

Last line: RESULT slowest_page=.. slowest_p95_ms=.. declarations=.. deliveries=..   (target: p95 < 200 ms)
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.testing import free_port  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loa_bench_console"
PASSWORD = "bench-console-password"


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def _reset(url: str) -> None:
    from core import migrate
    from core.db import Base, get_engine
    from core.models import load_all_models

    load_all_models()
    with get_engine(url).begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate.upgrade(url)


SEED = [
    # citizens and their declarations over the last 60 days, ~170 communes, mostly low risk
    "INSERT INTO citizen (id, phone, name, language, commune_code, created_at) SELECT g, NULL, 'Citizen ' || g, 'vi', "
    "NULL, now() FROM generate_series(1, {declarations}) g",
    "INSERT INTO declaration (citizen_id, channel, full_name, birth_year, phone, commune_code, answers, risk_level, "
    "rule_version, reasons, created_at) SELECT g, (ARRAY['zalo','telegram','voice','sms'])[1 + g % 4], "
    "'Nguyen Van ' || g, 1950 + g % 60, '+8491' || lpad((g % 10000000)::text, 7, '0'), {communes}[1 + g % {ncommunes}], "
    "'{{}}', (ARRAY['low','low','low','low','moderate','moderate','high','danger'])[1 + g % 8], '2026-11-01', "
    "'[\"fever\"]', now() - (g % 60) * interval '1 day' - (g % 86400) * interval '1 second' "
    "FROM generate_series(1, {declarations}) g",
    "INSERT INTO alert (kind, severity, citizen_id, declaration_id, summary, details, created_at, acknowledged_at) "
    "SELECT 'high_risk', 'high', d.citizen_id, d.id, 'high risk declaration', '{{}}', d.created_at, "
    "CASE WHEN d.id % 50 = 0 THEN NULL ELSE d.created_at END FROM declaration d WHERE d.risk_level IN ('high','danger')",
    "INSERT INTO staff_account (name, role, password_hash, active, failed_logins, session_version, created_at) "
    "VALUES ('author', 'operator', NULL, true, 0, 1, now())",
    "INSERT INTO campaign (title, body_vi, buttons, audience, allow_sms, urgent, state, author_id, created_at, "
    "updated_at, planned_count, in_flight_lost) SELECT 'Campaign ' || g, 'Noi dung ' || g, '[]', '{{}}', false, false, "
    "CASE WHEN g = 1 THEN 'running' ELSE 'finished' END, (SELECT id FROM staff_account WHERE name = 'author'), now(), "
    "now(), {per_campaign}, 0 FROM generate_series(1, 10) g",
    "INSERT INTO delivery (campaign_id, citizen_id, channel, address, language, status, attempts, chunk) "
    "SELECT 1 + (g - 1) / {per_campaign}, g, 'zalo', 'z' || g, 'vi', "
    "(ARRAY['queued','sent','delivered','seen','failed','sent'])[1 + g % 6], 1, g % 2000 "
    "FROM generate_series(1, {deliveries}) g",
    "INSERT INTO tracing_list (name, created_at) SELECT 'List ' || g, now() FROM generate_series(1, 40) g",
    "INSERT INTO tracing_contact (list_id, row_number, phone, name, classification, language, status, purpose, "
    "attempts, created_at, unreachable_at) SELECT 1 + g % 40, g, '+8498' || lpad(g::text, 7, '0'), 'Person ' || g, "
    "'F1', 'vi', (ARRAY['pending','reached','reached','unreachable','closed'])[1 + g % 5], 'tracing', g % 4, now(), "
    "CASE WHEN g % 5 = 3 THEN now() - (g % 3) * interval '1 day' END FROM generate_series(1, 20000) g",
    "INSERT INTO call_attempt (call_sid, contact_id, attempt_no, purpose, to_phone, from_number, status, "
    "last_sequence_number, outcome, started_at, placed_at) SELECT 'CA' || g, 1 + g % 20000, 1, 'tracing', '+84980000000', "
    "'+842373600115', (ARRAY['completed','busy','no-answer'])[1 + g % 3], 0, "
    "(ARRAY['reached','busy','no_answer'])[1 + g % 3], now() - (g % 10) * interval '1 day', "
    "now() - (g % 10) * interval '1 day' FROM generate_series(1, 40000) g",
    "INSERT INTO unanswered_question (channel, text, language, predictions, reason, status, created_at) "
    "SELECT 'zalo', 'cau hoi so ' || g, 'vi', '[[\"faq/pets\", 0.4]]', 'low_confidence', "
    "CASE WHEN g % 3 = 0 THEN 'new' ELSE 'resolved' END, now() FROM generate_series(1, 5000) g",
    "INSERT INTO audit_entry (at, actor_name, action, target_type, target_id, details) SELECT now() - g * interval "
    "'1 second', 'author', (ARRAY['declaration.view','alert.view','campaign.launch'])[1 + g % 3], 'declaration', "
    "g::text, '{{}}' FROM generate_series(1, 200000) g",
    "INSERT INTO data_request (citizen_id, kind, channel, status, created_at) SELECT g, 'delete', 'zalo', "
    "CASE WHEN g % 4 = 0 THEN 'new' ELSE 'done' END, now() FROM generate_series(1, 2000) g",
    "INSERT INTO report (reference, citizen_id, channel, category, text, status, created_at) SELECT 'PA-' || g, g, "
    "'zalo', 'price_gouging', 'phan anh so ' || g, CASE WHEN g % 3 = 0 THEN 'new' ELSE 'resolved' END, "
    "now() - g * interval '1 minute' FROM generate_series(1, 5000) g",
    "INSERT INTO handoff (citizen_id, channel, user_id, reference, reason, status, opened_at) SELECT g, 'zalo', "
    "'z' || g, 'HT-' || g, 'asked', CASE WHEN g % 10 = 0 THEN 'open' ELSE 'closed' END, now() - g * interval '1 minute' "
    "FROM generate_series(1, 3000) g",
    "SELECT setval(pg_get_serial_sequence('citizen', 'id'), (SELECT max(id) FROM citizen))",
]


def _seed(url: str, declarations: int, deliveries: int, province: int) -> None:
    from bot import places
    from core.db import get_engine

    codes = [c.code for c in places.communes(province)]
    values = dict(declarations=declarations, deliveries=deliveries, per_campaign=max(1, deliveries // 10),
                  communes="(ARRAY[" + ",".join(map(str, codes)) + "])", ncommunes=len(codes))
    with get_engine(url).begin() as conn:
        for statement in SEED:
            conn.exec_driver_sql(statement.format(**values).replace("%", "%%"))
        conn.exec_driver_sql("ANALYZE")


def _pages(client, base: str, commune: int) -> list[str]:
    alert_id = re.search(r"/console/alerts/(\d+)", client.get(f"{base}/console/alerts").text).group(1)
    declaration_id = re.search(r"/console/declarations/(\d+)", client.get(f"{base}/console/declarations").text).group(1)
    return [
        "/console/", f"/console/?commune={commune}", "/console/alerts", "/console/alerts/queue",
        f"/console/alerts/{alert_id}", "/console/declarations", f"/console/declarations?commune={commune}",
        "/console/declarations?risk=danger", "/console/declarations?channel=zalo&risk=high",
        f"/console/declarations?from=2026-01-01&to=2030-01-01&commune={commune}&risk=low",
        "/console/declarations?page=100", f"/console/declarations/{declaration_id}",
        f"/console/declarations/export.csv?commune={commune}&risk=danger", "/console/tracing",
        "/console/campaigns", "/console/campaigns/1", "/console/campaigns/1/progress", "/console/campaigns/5",
        "/console/questions", "/console/questions?status=all", "/console/audit", "/console/audit?actor=author",
        "/console/audit?action=alert", "/console/data-requests", "/console/simulator", "/console/simulator/hotline",
        "/console/conversations", "/console/conversations/10", "/console/reports", "/console/reports?status=new",
    ]


def main(argv: list[str] | None = None) -> int:
    """Seed, serve, sign in, open every page `--repeat` times; print each page's p95 and the RESULT line."""
    parser = argparse.ArgumentParser(prog="bench/console.py", description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args(argv)

    from core.embedded_redis import start, stop

    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-console-"))
    redis_url, redis_proc = start(port=free_port(), data_dir=tmp / "redis")
    os.environ.update(DATABASE_URL=args.database_url, REDIS_URL=redis_url, PORT=str(free_port()), LOG_LEVEL="WARNING",
                      CONSOLE_SIGNIN_PER_MINUTE="1000")
    os.environ.pop("PUBLIC_URL", None)
    try:
        import httpx

        from core import staff_accounts
        from core.app import create_app
        from core.db import session_scope
        from core.settings import Settings
        from core.testing import ServerThread

        settings = Settings.from_env()
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request lines between the figures
        _create_database(args.database_url)
        started = time.monotonic()
        _reset(args.database_url)
        _seed(args.database_url, args.declarations, args.deliveries, settings.province_code)
        print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)
        with session_scope(args.database_url) as db:
            staff_accounts.create_account(db, "bench-admin", "admin", PASSWORD)
        server = ServerThread(create_app(settings), settings.port).start()
        base = server.url
        with httpx.Client(timeout=30) as client:
            page = client.get(f"{base}/console/signin").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            signed = client.post(f"{base}/console/signin", data={"name": "bench-admin", "password": PASSWORD,
                                                                  "csrf_token": token})
            assert signed.status_code == 302, signed.status_code
            from bot import places

            commune = places.communes(settings.province_code)[0].code
            results = {}
            for path in _pages(client, base, commune):
                timings = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    response = client.get(base + path)
                    timings.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
                results[path] = p95
                print(f"{path:75s} p50={statistics.median(timings):7.1f} ms  p95={p95:7.1f} ms", flush=True)
        server.stop()
        slowest = max(results, key=results.get)
        print(f"RESULT slowest_page={slowest} slowest_p95_ms={results[slowest]:.1f} declarations={args.declarations} "
              f"deliveries={args.deliveries}")
        return 0
    finally:
        stop(redis_proc)


if __name__ == "__main__":
    sys.exit(main())

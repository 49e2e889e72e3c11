"""NLU latency through nlu.client against a real Rasa server: 1 client and 8 concurrent clients.

Run after setup: .venv/bin/python bench/nlu.py [--requests 400]
Starts nlu/serve.sh on a free port with the newest model, compares the pooled client with a naive
design (a new HTTP connection per request), stops the server. Last line: RESULT p50_ms=.. p95_ms=.. p95_8_ms=..
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from core.settings import Settings  # noqa: E402
from core.testing import free_port  # noqa: E402
from nlu.client import NluClient  # noqa: E402
from nlu.data import HELD_OUT, load_examples  # noqa: E402
from nlu.normalize import clean  # noqa: E402
from nlu.server import latest_model, start_rasa_server, stop_rasa_server, wait_ready  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def timed(fn, text: str) -> tuple[float, str]:
    """(milliseconds, source) for one call of fn(text)."""
    start = time.perf_counter()
    source = fn(text)
    return (time.perf_counter() - start) * 1000, source


def run(fn, texts: list[str], threads: int) -> tuple[list[float], int]:
    """Latencies of fn over texts from `threads` concurrent callers, and how many were not answered by Rasa."""
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda t: timed(fn, t), texts))
    return [ms for ms, _ in results], sum(source != "rasa" for _, source in results)


def line(name: str, latencies: list[float], misses: int) -> str:
    """One summary line."""
    return (f"{name:34} n={len(latencies):4d} p50={statistics.median(latencies):6.1f}ms "
            f"p95={percentile(latencies, 95):6.1f}ms max={max(latencies):6.1f}ms not-rasa={misses}")


def main() -> int:
    """Start Rasa, measure, stop Rasa, print the RESULT line."""
    args = argparse.ArgumentParser()
    args.add_argument("--requests", type=int, default=400)
    opts = args.parse_args()
    model = latest_model()
    if model is None:
        print("no trained model: run bash nlu/train.sh", file=sys.stderr)
        return 1
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkdtemp(prefix="loa-bench-")) / "rasa.log"
    started = time.monotonic()
    proc = start_rasa_server(port, model=model, log=log)
    try:
        wait_ready(url, proc)
        print(f"rasa ready in {time.monotonic() - started:.1f}s ({model.name})")
        pool = [t for t, _ in load_examples([HELD_OUT])] or ["cách ly bao nhiêu ngày", "xin chào"]
        texts = [pool[i % len(pool)] for i in range(opts.requests)]
        client = NluClient(Settings.from_env(nlu_url=url, nlu_timeout_ms=300))

        def pooled(text: str) -> str:
            return client.parse(text, "vi").source

        def naive(text: str) -> str:
            # The design we did not pick: a new connection (and client) per request, no breaker.
            response = httpx.post(f"{url}/model/parse", json={"text": clean(text)}, timeout=5)
            response.raise_for_status()
            return "rasa"

        run(pooled, texts[:30], 1)  # warm-up: TensorFlow's first calls are slow
        one, one_miss = run(pooled, texts, 1)
        naive_one, naive_one_miss = run(naive, texts, 1)
        eight, eight_miss = run(pooled, texts, 8)
        naive_eight, naive_eight_miss = run(naive, texts, 8)
    finally:
        stop_rasa_server(proc)
    print(line("client (pooled), 1 caller", one, one_miss))
    print(line("naive (new connection), 1 caller", naive_one, naive_one_miss))
    print(line("client (pooled), 8 callers", eight, eight_miss))
    print(line("naive (new connection), 8 callers", naive_eight, naive_eight_miss))
    print(f"RESULT p50_ms={statistics.median(one):.1f} p95_ms={percentile(one, 95):.1f} "
          f"p95_8_ms={percentile(eight, 95):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

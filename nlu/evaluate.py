"""Scores Rasa and the fallback matcher on nlu/test/held_out.yml (run by nlu/evaluate.sh).

Usage: python -m nlu.evaluate [--models DIR] [--held-out FILE] [--url URL]
Without --url it starts a Rasa server on a free port with the newest model in DIR and stops it after.
Out-of-scope examples answered nlu_fallback count as out_of_scope (the engine treats both the same way).
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from core.settings import Settings
from nlu.client import resolve, text_for_nlu
from nlu.data import HELD_OUT, data_files, load_examples
from nlu.eval_figures import figures
from nlu.fallback import FallbackMatcher
from nlu.intents import OUT_OF_SCOPE
from nlu.normalize import strip_diacritics
from nlu.result import NluResult
from nlu.server import MODELS_DIR, latest_model, start_rasa_server, stop_rasa_server, wait_ready


def rasa_predict(url: str, texts: list[str], threads: int = 4) -> list[NluResult]:
    """Rasa's resolved reading (intent faq/<topic> for FAQ questions, and the ranking) of each text, over HTTP."""
    with httpx.Client(timeout=30) as http:
        def one(text: str) -> NluResult:
            cleaned = text_for_nlu(text)  # what the app's client sends
            response = http.post(f"{url}/model/parse", json={"text": cleaned})
            response.raise_for_status()
            return resolve(response.json(), cleaned)

        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, texts))


def score(gold: list[str], results: list[NluResult], texts: list[str]) -> dict:
    """Accuracy, macro-F1 over the gold intents, per-intent P/R/F1, out-of-scope recall, top-3, long questions."""
    from sklearn.metrics import precision_recall_fscore_support

    pred = [r.intent for r in results]
    extra = figures(texts, gold, pred, [r.ranking for r in results], [r.confidence for r in results],
                    Settings.from_env().nlu_confidence_threshold)

    asked_back = sum(p_ == OUT_OF_SCOPE[1] for p_ in pred)
    pred = [OUT_OF_SCOPE[0] if g == OUT_OF_SCOPE[0] and p in OUT_OF_SCOPE else p for g, p in zip(gold, pred)]
    labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    oos = [p_ == OUT_OF_SCOPE[0] for g, p_ in zip(gold, pred) if g == OUT_OF_SCOPE[0]]
    return {
        "acc": sum(g == p_ for g, p_ in zip(gold, pred)) / len(gold),
        "macro_f1": float(f.mean()),
        "oos_recall": sum(oos) / len(oos) if oos else float("nan"),
        "asked_back": asked_back,
        "per_intent": {label: (p[i], r[i], f[i], int(s[i])) for i, label in enumerate(labels)},
        **extra,
    }


def report(rasa: dict, fallback: dict) -> None:
    """Print the per-intent table and the summary, Rasa and the fallback matcher side by side."""
    print(f"{'intent':28} {'n':>4} | {'rasa P':>6} {'R':>5} {'F1':>5} | {'fb P':>6} {'R':>5} {'F1':>5}")
    for label, (p, r, f, n) in rasa["per_intent"].items():
        fp, fr, ff, _ = fallback["per_intent"][label]
        print(f"{label:28} {n:4d} | {p:6.2f} {r:5.2f} {f:5.2f} | {fp:6.2f} {fr:5.2f} {ff:5.2f}")
    for key in ("acc", "macro_f1", "oos_recall", "nodiacritics_acc", "top3", "answered", "long_acc", "long_top3"):
        print(f"{key:28}      | {rasa[key]:18.3f} | {fallback[key]:18.3f}")
    print(f"{'answered nlu_fallback':28}      | {rasa['asked_back']:18d} | {fallback['asked_back']:18d}")
    print(f"{'questions over 20 words':28}      | {rasa['long_n']:18d} |")


def main(argv: list[str] | None = None) -> int:
    """Evaluate both matchers on the held-out set and print the RESULT line."""
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--models", type=Path, default=MODELS_DIR)
    args.add_argument("--held-out", type=Path, default=HELD_OUT)
    args.add_argument("--url", default="")
    opts = args.parse_args(argv)
    held = load_examples([opts.held_out])
    texts, gold = [t for t, _ in held], [i for _, i in held]
    bare = [strip_diacritics(t) for t in texts]

    started = time.monotonic()
    matcher = FallbackMatcher(load_examples(data_files()))  # training files only, never the held-out set
    fallback = score(gold, [matcher.parse(t) for t in texts], texts)
    fallback["nodiacritics_acc"] = score(gold, [matcher.parse(t) for t in bare], bare)["acc"]
    print(f"fallback matcher: fitted and scored in {time.monotonic() - started:.1f}s", file=sys.stderr)

    proc, url = None, opts.url.rstrip("/")
    if not url:
        from core.testing import free_port

        model = latest_model(opts.models)
        if model is None:
            print(f"no model in {opts.models}", file=sys.stderr)
            return 1
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_rasa_server(port, model=model, log=opts.models / "evaluate-server.log")
    try:
        started = time.monotonic()
        wait_ready(url, proc)
        print(f"rasa: ready in {time.monotonic() - started:.1f}s", file=sys.stderr)
        started = time.monotonic()
        rasa = score(gold, rasa_predict(url, texts), texts)
        rasa["nodiacritics_acc"] = score(gold, rasa_predict(url, bare), bare)["acc"]
        print(f"rasa: {2 * len(texts)} parses in {time.monotonic() - started:.1f}s", file=sys.stderr)
    finally:
        if proc is not None:
            stop_rasa_server(proc)
    print(f"held-out examples: {len(texts)} ({opts.held_out})")
    report(rasa, fallback)
    print(f"RESULT rasa_acc={rasa['acc']:.3f} rasa_macro_f1={rasa['macro_f1']:.3f} "
          f"rasa_oos_recall={rasa['oos_recall']:.3f} rasa_nodiacritics_acc={rasa['nodiacritics_acc']:.3f} "
          f"rasa_top3={rasa['top3']:.3f} rasa_answered={rasa['answered']:.3f} rasa_long_n={rasa['long_n']} rasa_long_acc={rasa['long_acc']:.3f} "
          f"rasa_long_top3={rasa['long_top3']:.3f} fallback_acc={fallback['acc']:.3f} "
          f"fallback_top3={fallback['top3']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Curators' command line: `python -m nlu.curate list|resolve|export|answers` (same rules as /api/curators)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import clock
from core.db import session_scope
from core.settings import Settings
from nlu import curation


def _list(settings: Settings, opts) -> int:
    with session_scope(settings.database_url) as session:
        rows = curation.list_questions(session, opts.status, opts.reason, opts.limit)
        for row in rows:
            q = curation.question_json(row)
            guesses = ", ".join(f"{p['intent']} {p['confidence']:.2f}" for p in q["predictions"][:3]) or "-"
            label = f" -> {q['label']}" if q["status"] == "resolved" else ""
            print(f"#{q['id']:<6} {q['reason']:<15} {q['channel']:<9} {q['text'][:80]!r}{label}  [{guesses}]")
        print(f"{len(rows)} shown; waiting: {curation.counts(session).get('new', {})}", file=sys.stderr)
    return 0


def _resolve(settings: Settings, opts) -> int:
    label = None if opts.label == "-" else opts.label
    with session_scope(settings.database_url) as session:
        row = curation.resolve(session, opts.id, label, clock.now(settings))
        print(f"#{row.id} resolved" + (f" as {label}" if label else " (nothing to learn)"))
    return 0


def _export(settings: Settings, opts) -> int:
    with session_scope(settings.database_url) as session:
        text, count = curation.training_yaml(session)
    if opts.output:
        Path(opts.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{count} labelled example(s) exported", file=sys.stderr)
    return 0


def _answers(settings: Settings, opts) -> int:
    rows = curation.answers_status(clock.local_now(settings).date(), opts.warn_days)
    for a in rows:
        print(f"{a['topic']:<28} {a['state']:<9} until {a['valid_until']}  ({a['days_left']} days)  {a['authority']}")
    return 1 if any(a["state"] == "expired" for a in rows) and opts.strict else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one curators' command."""
    parser = argparse.ArgumentParser(prog="python -m nlu.curate", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="questions waiting (or resolved), newest first")
    p.add_argument("--status", default="new", choices=["new", "resolved", "all"])
    p.add_argument("--reason", help="low_confidence, expired_answer, out_of_scope, handoff, no_answer")
    p.add_argument("--limit", type=int, default=50)
    p = sub.add_parser("resolve", help="label a question with its intent ('-' when there is nothing to learn)")
    p.add_argument("id", type=int)
    p.add_argument("label")
    p = sub.add_parser("export", help="labelled questions as Rasa NLU YAML")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p = sub.add_parser("answers", help="every answer's valid-until date")
    p.add_argument("--warn-days", type=int, default=30)
    p.add_argument("--strict", action="store_true", help="exit 1 when an answer has expired")
    opts = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        return {"list": _list, "resolve": _resolve, "export": _export, "answers": _answers}[opts.command](settings, opts)
    except curation.CurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except LookupError:
        print(f"error: no question {opts.id}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""`python -m broadcasts`: campaigns from the command line, through the staff HTTP API.

Authentication is a staff API token in the environment (LOA_STAFF_TOKEN, from `python -m core.staff add`
or `... token`): the command acts as that account, with its role's permissions and audit rows, exactly
like the console. The API's address is --url, else LOA_URL, else PUBLIC_URL.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import httpx
import yaml

from broadcasts.watch_view import print_preview, watch
from core.settings import Settings

MOVES = ("submit", "approve", "launch", "resume")
MOVES_WITH_REASON = ("reject", "pause", "cancel")


class ApiError(Exception):
    """The API refused the request; the message is its status and description."""


class Api:
    """A thin client of /api/broadcasts with the staff token."""

    def __init__(self, url: str, token: str):
        self.http = httpx.Client(base_url=url.rstrip("/") + "/api/broadcasts", timeout=120,
                                 headers={"Authorization": f"Bearer {token}"})

    def call(self, method: str, path: str, **kwargs) -> dict:
        """One request; the JSON answer, or ApiError with the API's own explanation."""
        response = self.http.request(method, path, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = {"description": response.text[:200]}
        if response.status_code >= 400:
            detail = body.get("errors") or body.get("description") or body.get("error")
            raise ApiError(f"{response.status_code}: {detail}")
        return body


def read_campaign_file(path: str) -> dict:
    """A campaign from a YAML or JSON file (the API's fields: title, body_vi, body_en, buttons, audience...)."""
    text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ApiError(f"{path} does not hold a campaign (a mapping of fields)")
    return data


def _summary(campaign: dict) -> str:
    approvals = ", ".join(n for n in (campaign.get("approved_by_name"), campaign.get("second_approved_by_name")) if n)
    state = "launching" if campaign.get("launching") else campaign["state"]
    return (f"#{campaign['id']} {state:<17} {campaign['title']}"
            + (f"  (approved by {approvals})" if approvals else "")
            + (f"  at {campaign['scheduled_at']}" if campaign.get("scheduled_at") else ""))


def run(api: Api, args) -> str | None:
    """Carry out one command; returns what to print."""
    command = args.command
    if command == "list":
        found = api.call("GET", "/", params={"state": args.state} if args.state else None)["campaigns"]
        return "\n".join(_summary(c) for c in found) or "no campaigns"
    if command == "create":
        campaign = api.call("POST", "/", json=read_campaign_file(args.file))
        report = _upload(api, campaign["id"], args.phones) if args.phones else ""
        return "\n".join(filter(None, [_summary(api.call("GET", f"/{campaign['id']}")), report]))
    if command == "edit":
        return _summary(api.call("PATCH", f"/{args.id}", json=read_campaign_file(args.file)))
    if command == "upload":
        return _upload(api, args.id, args.csv)
    if command == "show":
        return json.dumps(api.call("GET", f"/{args.id}"), ensure_ascii=False, indent=2)
    if command == "preview":
        print_preview(api.call("GET", f"/{args.id}/preview"))
        return None
    if command == "test-send":
        results = api.call("POST", f"/{args.id}/test-send")["results"]
        return "\n".join(f"{r['channel']} {r['address']} [{r['language']}]: {'sent' if r['ok'] else r['error']}"
                         for r in results)
    if command == "schedule":
        return _summary(api.call("POST", f"/{args.id}/schedule", json={"at": args.at}))
    if command in MOVES:
        return _summary(api.call("POST", f"/{args.id}/{command}"))
    if command in MOVES_WITH_REASON:
        return _summary(api.call("POST", f"/{args.id}/{command}", json={"reason": args.reason or ""}))
    if command == "replies":
        r = api.call("GET", f"/{args.id}/replies")
        return f"{r['replies']} replies from {r['reached']} reached ({r['reply_rate']:.1%})"
    if command == "watch":
        return watch(lambda: api.call("GET", f"/{args.id}"), interval=args.interval, once=args.once)
    raise ApiError(f"unknown command {command}")


def _upload(api: Api, campaign_id: int, csv_path: str) -> str:
    data = Path(csv_path).read_bytes()
    report = api.call("POST", "/uploads", params={"campaign_id": campaign_id, "filename": Path(csv_path).name},
                      content=data, headers={"Content-Type": "text/csv"})
    lines = [f"upload #{report['upload_id']}: {report['accepted']} numbers accepted, {len(report['refused'])} refused"]
    lines += [f"  row {r['row']}: {r['value']!r} {r['reason']}" for r in report["refused"]]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    p = argparse.ArgumentParser(prog="python -m broadcasts", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="Loa's address (default: LOA_URL, else PUBLIC_URL)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="campaigns, newest first").add_argument("--state")
    create = sub.add_parser("create", help="a draft from a YAML/JSON file")
    create.add_argument("file")
    create.add_argument("--phones", help="a CSV of phone numbers as its audience")
    edit = sub.add_parser("edit", help="change a draft from a YAML/JSON file (only the fields in it)")
    edit.add_argument("id", type=int)
    edit.add_argument("file")
    upload = sub.add_parser("upload", help="a CSV of phone numbers as a draft's audience")
    upload.add_argument("id", type=int)
    upload.add_argument("csv")
    for name in ("show", "preview", "test-send", "replies") + MOVES:
        sub.add_parser(name).add_argument("id", type=int)
    for name in MOVES_WITH_REASON:
        move = sub.add_parser(name)
        move.add_argument("id", type=int)
        move.add_argument("--reason")
    schedule = sub.add_parser("schedule", help="start time, e.g. 2026-12-03T08:00+07:00 ('' clears it)")
    schedule.add_argument("id", type=int)
    schedule.add_argument("at")
    watch_cmd = sub.add_parser("watch", help="live progress until the campaign ends (Ctrl-C leaves)")
    watch_cmd.add_argument("id", type=int)
    watch_cmd.add_argument("--interval", type=float, default=1.0)
    watch_cmd.add_argument("--once", action="store_true", help="print the progress once and return")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit status 0 on success, 1 when the API refused, 2 on a usage error."""
    args = parser().parse_args(argv)
    token = os.environ.get("LOA_STAFF_TOKEN", "")
    if not token:
        print("LOA_STAFF_TOKEN is not set: create a token with `python -m core.staff token NAME`", file=sys.stderr)
        return 2
    url = args.url or os.environ.get("LOA_URL") or Settings.from_env().public_url
    try:
        out = run(Api(url, token), args)
    except (ApiError, OSError, httpx.HTTPError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if out:
        print(out)
    return 0

"""What `python -m broadcasts` shows: a campaign's live progress (rich) and its preview, for a terminal."""
from __future__ import annotations

import time
from typing import Callable

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table

FINAL = ("finished", "cancelled")
DONE = ("sent", "delivered", "seen", "failed")
STATUS_STYLE = {"queued": "dim", "sending": "yellow", "sent": "cyan", "delivered": "green", "seen": "bold green",
                "failed": "red"}


def progress(campaign: dict):
    """One frame: a bar of rows done, one bar per status, failures by reason, rows lost in flight, replies."""
    counters = campaign.get("counters") or {}
    by_status = counters.get("by_status") or {}
    total = max(campaign.get("planned_count") or counters.get("total") or 0, 1)
    done = sum(by_status.get(s, 0) for s in DONE)
    head = Table.grid(padding=(0, 1))
    head.add_row(f"[bold]#{campaign['id']} {campaign['title']}[/]", f"[{_state_style(campaign['state'])}]{campaign['state']}[/]")
    if campaign.get("paused_reason") and campaign["state"] == "paused":
        head.add_row("paused:", campaign["paused_reason"])
    bars = Table.grid(padding=(0, 1))
    bars.add_row("done", ProgressBar(total=total, completed=done, width=40), f"{done}/{total} ({done / total:.0%})")
    for status, style in STATUS_STYLE.items():
        n = by_status.get(status, 0)
        bars.add_row(f"[{style}]{status}[/]", ProgressBar(total=total, completed=n, width=40, complete_style=style), str(n))
    parts = [head, bars]
    reasons = sorted((counters.get("failed_by_reason") or {}).items(), key=lambda kv: -kv[1])
    if reasons:
        table = Table("failed because", "rows", title=None, box=None)
        for reason, n in reasons[:8]:
            table.add_row(reason, str(n))
        parts.append(table)
    extra = [f"by channel: {counters.get('by_channel') or {}}"]
    if counters.get("in_flight_lost"):
        extra.append(f"[yellow]{counters['in_flight_lost']} rows were in flight on a worker that died "
                     "(the only ones that may have arrived twice)[/]")
    replies = campaign.get("replies") or {}
    if replies:
        extra.append(f"replies: {replies.get('replies', 0)} of {replies.get('reached', 0)} reached")
    parts += extra
    return Group(*parts)


def _state_style(state: str) -> str:
    return {"running": "green", "paused": "yellow", "cancelled": "red", "finished": "bold green"}.get(state, "cyan")


def watch(fetch: Callable[[], dict], interval: float = 1.0, once: bool = False, console: Console | None = None) -> str:
    """Redraw the campaign's progress every `interval` seconds until it is finished or cancelled."""
    console = console or Console()
    campaign = fetch()
    if once or campaign["state"] in FINAL:
        console.print(progress(campaign))
        return _last_line(campaign)
    with Live(progress(campaign), console=console, refresh_per_second=4) as live:
        while campaign["state"] not in FINAL:
            time.sleep(interval)  # polling the API: the terminal refreshes at this pace
            campaign = fetch()
            live.update(progress(campaign))
    return _last_line(campaign)


def _last_line(campaign: dict) -> str:
    by_status = (campaign.get("counters") or {}).get("by_status") or {}
    return (f"campaign #{campaign['id']} {campaign['state']}: "
            + ", ".join(f"{s} {by_status.get(s, 0)}" for s in STATUS_STYLE))


def print_preview(preview: dict, console: Console | None = None) -> None:
    """The preview as a staff member reads it before approving."""
    console = console or Console()
    minutes = preview["estimated_seconds"] / 60
    console.print(f"[bold]{preview['recipients']}[/] recipients ({preview['unreachable']} in the audience "
                  f"cannot be reached on any allowed channel); about {minutes:.1f} min at the configured rates")
    if preview.get("held_by_quiet_hours_until"):
        console.print(f"[yellow]quiet hours now: sends would wait until {preview['held_by_quiet_hours_until']}[/]")
    channels = Table("channel", "recipients", "rate/s")
    for channel, n in sorted(preview["by_channel"].items(), key=lambda kv: -kv[1]):
        channels.add_row(channel, str(n), str(preview["rates_per_second"].get(channel, "")))
    console.print(channels)
    communes = Table("commune", "recipients")
    for row in preview["by_commune"][:15]:
        communes.add_row(row["name"], str(row["recipients"]))
    if len(preview["by_commune"]) > 15:
        communes.add_row(f"... {len(preview['by_commune']) - 15} more", "")
    console.print(communes)
    for language, message in preview["messages"].items():
        buttons = " | ".join(f"[{b['title']}]" for b in message["buttons"])
        console.print(f"[bold]{language}[/]: {message['text']}" + (f"\n    {buttons}" if buttons else ""))
        console.print(f"[dim]{language} SMS: {message['sms']}[/]")
    if preview.get("upload"):
        up = preview["upload"]
        console.print(f"upload #{up['id']}: {up['accepted']} numbers accepted, {up['refused']} refused")

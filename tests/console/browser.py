"""Debian's chromium for the browser tests: found, or installed with apt-get when missing (Playwright's own browser
downloads cannot be fetched here), and Playwright launched on it."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def ensure_chromium() -> str | None:
    """The chromium binary, installing Debian's package when missing; None (with the reason) when impossible."""
    if CHROMIUM.exists():
        return None
    if shutil.which("apt-get") is None:
        return "no /usr/bin/chromium and no apt-get to install it"
    if os.geteuid() != 0:
        return "no /usr/bin/chromium, and installing it with apt-get needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is still missing"


def screenshot_dir() -> Path:
    """Where the browser tests save a screenshot of each page (CONSOLE_SCREENSHOTS, else var/test-screenshots)."""
    folder = Path(os.environ.get("CONSOLE_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "var" / "test-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder

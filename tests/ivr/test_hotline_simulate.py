"""`python -m ivr.simulate`: the terminal simulator calls a running Loa, scripted and interactive."""
from __future__ import annotations

import os
import subprocess
import sys

from core.settings import ROOT


def run(web, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ivr.simulate", "--url", web.url, *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=60, env=dict(os.environ))


def test_scripted_keys_print_what_is_said(web, db, redis_client):
    result = run(web, "--lang", "en", "--keys", "2,3,9")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[en] Main menu." in out and "> pressed 2" in out and "[en] For Quarantine rules, press 3." in out
    assert "Source:" in out and "-- call ended:" in out


def test_interactive_keys_from_stdin(web, db, redis_client, settings):
    from core import clock
    from tests.ivr.hotline_calls import set_local_time

    set_local_time(settings, 9)  # the CDC is open
    try:
        # Vietnamese chosen on the command line; the person presses 0 (the CDC), then hangs up with "q".
        result = run(web, "--lang", "vi", "--dial", "completed", stdin="0\nq\n")
    finally:
        clock.reset(settings)
    assert result.returncode == 0, result.stderr
    assert "[vi] Danh mục chính." in result.stdout and "(dialling +842373000115: completed)" in result.stdout
    assert "[vi] Cảm ơn bạn đã gọi. Xin chào tạm biệt." in result.stdout

"""`python -m broadcasts` against the live web app: an urgent Telegram campaign created from a YAML file,
approved by two supervisors, launched, watched to the end; every subscriber got it once."""
from __future__ import annotations

import pytest

from broadcasts.cli import main
from tests.broadcasts.dispatch_helpers import add_people, dispatch_worker, sent_to  # noqa: F401  (fixture)

YAML = """\
title: Lịch tiêm chủng
body_vi: Tiêm vắc xin tại trạm y tế xã từ 8 giờ sáng mai.
body_en: Vaccination at the commune clinic from 8 am tomorrow.
buttons:
  - payload: /declare
urgent: true
"""


@pytest.fixture()
def cli(web, staff, monkeypatch, capsys):
    """cli(name, *args) -> (exit status, stdout, stderr), as that staff member."""

    def _run(name, *args):
        monkeypatch.setenv("LOA_STAFF_TOKEN", staff[name][1])
        status = main(["--url", web.url, *args])
        out = capsys.readouterr()
        return status, out.out, out.err

    return _run


def test_a_campaign_from_a_file_to_finished(cli, db, tmp_path, redis_client, sandbox_clean, dispatch_worker):
    with db() as session:
        chats = add_people(session, 5, "telegram", start=500)
    path = tmp_path / "campaign.yml"
    path.write_text(YAML, encoding="utf-8")
    status, out, _ = cli("olga", "create", str(path))
    assert status == 0 and out.startswith("#") and "draft" in out
    cid = out[1:].split()[0]

    status, out, _ = cli("olga", "preview", cid)
    assert status == 0 and "5 recipients" in out and "Khai báo ngay" in out and "telegram" in out
    assert cli("olga", "submit", cid)[1].split()[1] == "awaiting_approval"
    status, _, err = cli("olga", "approve", cid)
    assert status == 1 and "403" in err  # operators approve nothing, and never their own campaign
    assert "awaiting_approval" in cli("sam", "approve", cid)[1]
    assert "scheduled" in cli("sue", "approve", cid)[1]
    assert "launching" in cli("olga", "launch", cid)[1]

    status, out, _ = cli("vic", "watch", cid, "--interval", "0.2")
    assert status == 0
    assert f"campaign #{cid} finished" in out and "failed 0" in out
    assert sent_to(sandbox_clean, "telegram") == {chat: 1 for chat in chats}
    assert cli("vic", "cancel", cid)[0] == 1  # viewers cannot, and a finished campaign cannot be cancelled anyway


def test_without_a_token_the_cli_says_how_to_get_one(monkeypatch, capsys):
    monkeypatch.delenv("LOA_STAFF_TOKEN", raising=False)
    assert main(["list"]) == 2
    assert "python -m core.staff" in capsys.readouterr().err


def test_create_with_a_phone_list_reports_its_bad_rows(cli, tmp_path, redis_client):
    path, phones = tmp_path / "c.json", tmp_path / "phones.csv"
    path.write_text('{"title": "SMS", "body_vi": "Xin chào", "allow_sms": true}', encoding="utf-8")
    phones.write_text("sdt\n0912345678\n12345\n0912 345 678\n", encoding="utf-8")
    status, out, _ = cli("olga", "create", str(path), "--phones", str(phones))
    assert status == 0 and "draft" in out
    assert "1 numbers accepted, 2 refused" in out and "row 3: '12345' not_a_number" in out and "row 4" in out
    cid = out[1:].split()[0]
    status, out, _ = cli("olga", "preview", cid)
    assert "upload #" in out and "1 numbers accepted, 2 refused" in out and "sms" in out
    status, _, err = cli("olga", "create", str(tmp_path / "missing.yml"))
    assert status == 1 and "missing.yml" in err

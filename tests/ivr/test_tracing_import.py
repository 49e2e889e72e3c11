"""Importing tracing lists: CSV (1,000 rows, 50 bad), the JSON API, idempotence."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from ivr.importer import import_csv, main
from ivr.models import TracingContact
from tests.ivr.conftest import make_rows


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _count(db) -> int:
    with db() as session:
        return session.scalar(select(func.count()).select_from(TracingContact))


def test_csv_1000_rows_50_bad_then_again_nothing_new(settings, db, redis_client, nighttime, tmp_path):
    rows, bad = make_rows(1000, bad_every=20)
    assert bad == 50
    path = tmp_path / "truy-vet-2026-11-22.csv"
    path.write_text(_csv(rows), encoding="utf-8")

    first = import_csv(settings, path)
    assert (first.imported, first.existing, len(first.errors)) == (950, 0, 50)
    assert {e["reason"] for e in first.errors} == {"invalid_phone", "missing_field", "duplicate", "invalid_value"}
    # Row numbers are spreadsheet rows: header is row 1; bad rows are every 20th person.
    assert [e["row"] for e in first.errors] == [20 * k + 1 for k in range(1, 51)]
    assert next(e for e in first.errors if e["reason"] == "duplicate")["detail"].startswith("same phone as row")
    assert _count(db) == 950

    second = import_csv(settings, path)
    assert (second.imported, second.existing, len(second.errors)) == (0, 950, 50)
    assert _count(db) == 950


def test_rows_are_normalized(settings, db, redis_client, nighttime):
    text = ("so_dien_thoai,ho_ten,phan_loai,xa_phuong,ngon_ngu,ngay_tiep_xuc\n"
            "+84 98 000 0001,Trần Thị B,f1,Hạc Thành,en,20/11/2026\n"
            "0980000002,Lê C,Returnee,14797,,2026-11-19\n"
            "0980000003,Lê D,F2,Nowhere Town,,2026-11-19\n")
    result = import_csv(settings, "inline", "inline", text=text)
    assert result.imported == 2
    assert result.errors == [{"row": 4, "reason": "invalid_value", "field": "commune",
                              "detail": "unknown or ambiguous commune 'Nowhere Town'"}]
    with db() as session:
        first = session.scalar(select(TracingContact).where(TracingContact.row_number == 2))
        assert (first.phone, first.classification, first.language, first.commune_code, str(first.exposure_date)) == (
            "+84980000001", "F1", "en", 14797, "2026-11-20")
        assert first.status == "pending" and first.attempts == 0


def test_command_line(settings, db, redis_client, nighttime, tmp_path, capsys):
    rows, _ = make_rows(30, bad_every=10)
    path = tmp_path / "cli.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    assert main([str(path), "--list", "cli-list"]) == 1  # some rows were bad
    out = capsys.readouterr().out
    assert "row 11: invalid_phone" in out and "27 imported, 0 already there, 3 rejected" in out


@pytest.fixture()
def api_app(settings, migrated):
    from core.app import create_app

    return create_app(settings.with_(staff_api_token="staff-secret"))


def test_json_api(api_app, db, redis_client, nighttime):
    client = api_app.test_client()
    rows, _ = make_rows(100, bad_every=25, start=5000)
    body = {"list": "api-list", "rows": rows}
    assert client.post("/api/tracing/import", json=body).status_code == 401
    assert client.post("/api/tracing/import", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": "Bearer staff-secret"}
    first = client.post("/api/tracing/import", json=body, headers=auth)
    assert first.status_code == 200
    data = first.get_json()
    assert (data["imported"], data["existing"], len(data["errors"])) == (96, 0, 4)
    assert [e["row"] for e in data["errors"]] == [25, 50, 75, 100]  # JSON rows count from 1
    again = client.post("/api/tracing/import", json=body, headers=auth).get_json()
    assert (again["imported"], again["existing"]) == (0, 96)
    assert client.post("/api/tracing/import", json={"rows": "x"}, headers=auth).status_code == 400
    summary = client.get(f"/api/tracing/lists/{data['list_id']}", headers=auth).get_json()
    assert summary["counts"] == {"pending": 96}


def test_api_closed_without_token(app, db):
    assert app.test_client().post("/api/tracing/import", json={"list": "x", "rows": []}).status_code == 401

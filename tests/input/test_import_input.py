"""Tracing list imports with awkward files: a byte-order mark, ';' separators, unreadable lines, values of the
wrong type, over-long or empty list names. Good rows always go in; bad ones are reported row by row."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from ivr.importer import ImportRefused, import_csv, import_rows, main
from ivr.models import TracingContact, TracingList
from tests.ivr.conftest import nighttime  # noqa: F401 (fixture: no call is placed while we look)

HEADER = "phone,name,classification,exposure_date\n"
GOOD = "0980000001,Trần Thị B,F1,2026-11-20\n0980000002,Lê C,F2,2026-11-19\n"
LATIN1 = (HEADER + "0980000002,Lê C,F2,2026-11-19\n").encode("latin-1")  # "ê" as one byte: not UTF-8


def _count(db, list_name: str) -> int:
    with db() as session:
        return session.scalar(select(func.count()).select_from(TracingContact).join(TracingList)
                              .where(TracingList.name == list_name))


# (case, file bytes, imported, [(row, reason, field)] reported)
FILES = [
    ("UTF-8 with a byte-order mark (Excel)", b"\xef\xbb\xbf" + (HEADER + GOOD).encode(), 2, []),
    ("semicolons (Excel, Vietnamese locale)", (HEADER + GOOD).replace(",", ";").encode("utf-8-sig"), 2, []),
    ("tabs", (HEADER + GOOD).replace(",", "\t").encode(), 2, []),
    ("Windows line ends", (HEADER + GOOD).replace("\n", "\r\n").encode("utf-8-sig"), 2, []),
    ("a NUL byte in one row", (HEADER + "0980000003,Lê\x00D,F1,2026-11-20\n" + GOOD).encode(), 2,
     [(2, "invalid_value", "name")]),
    ("a field over the csv limit", (HEADER + "0980000004,\"" + "a" * 200_000 + "\",F1,2026-11-20\n" + GOOD).encode(),
     2, [(2, "invalid_value", None)]),
    ("a short row", (HEADER + "0980000005,Lê E\n" + GOOD).encode(), 2, [(2, "missing_field", "classification")]),
]


@pytest.mark.parametrize("case,data,imported,errors", FILES, ids=[f[0] for f in FILES])
def test_awkward_files(settings, db, redis_client, nighttime, tmp_path, case, data, imported, errors):
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    result = import_csv(settings, path, "awkward")
    assert result.imported == imported and _count(db, "awkward") == imported
    assert [(e["row"], e["reason"], e["field"]) for e in result.errors] == errors


def test_bom_in_text_from_the_api_is_read(settings, db, redis_client, nighttime):
    result = import_csv(settings, "inline", "inline", text="\ufeff" + HEADER + GOOD)
    assert (result.imported, result.errors) == (2, [])


# (case, field, value, field named in the report): each makes one row bad; the good row still goes in
ODD_VALUES = [
    ("superscript digit as commune", "commune", "²", "commune"),
    ("commune code not in the province", "commune", "99999999", "commune"),
    ("impossible date", "exposure_date", "2026-02-30", "date"),
    ("phone of 500 digits", "phone", "9" * 500, "phone"),
    ("only a zero-width space as name", "name", "\u200b", "name"),
    ("unknown classification", "classification", "F9", "classification"),
]


@pytest.mark.parametrize("case,field,value,named", ODD_VALUES, ids=[v[0] for v in ODD_VALUES])
def test_odd_values_are_reported_with_their_field(settings, db, redis_client, nighttime, case, field, value, named):
    good = {"phone": "0980000040", "name": "An", "classification": "F1", "exposure_date": "2026-11-20"}
    result = import_rows(settings, "odd", [{**good, "phone": "0980000041", field: value}, good])
    assert result.imported == 1
    assert [(e["row"], e["field"]) for e in result.errors] == [(1, named)]


# (case, row value for "name", reported?)
VALUES = [
    ("a list", ["Trần", "B"], True),
    ("an object", {"first": "B"}, True),
    ("a control character", "Trần\x07B", True),
    ("a number is text enough", 12345, False),
]


@pytest.mark.parametrize("case,value,reported", VALUES, ids=[v[0] for v in VALUES])
def test_json_values_of_the_wrong_type(settings, db, redis_client, nighttime, case, value, reported):
    rows = [{"phone": "0980000010", "name": value, "classification": "F1", "exposure_date": "2026-11-20"},
            {"phone": "0980000011", "name": "Lê C", "classification": "F2", "exposure_date": "2026-11-19"},
            "not a row"]
    result = import_rows(settings, "json-types", rows)
    bad = [(e["row"], e["field"]) for e in result.errors]
    assert bad == ([(1, "name")] if reported else []) + [(3, None)]
    assert result.imported == (1 if reported else 2)


# (case, list name, the name the list gets, or None and the refusal's words)
NAMES = [
    ("200 characters", "x" * 200, "x" * 200, None),
    ("spaces around are trimmed", "  cluster 7  ", "cluster 7", None),
    ("201 characters", "x" * 201, None, "at most 200"),
    ("empty", "   ", None, "empty"),
    ("not text", ["cluster", 7], None, "must be text"),
    ("a control character", "cluster\x007", None, "control character"),
]


@pytest.mark.parametrize("case,name,accepted,refusal", NAMES, ids=[n[0] for n in NAMES])
def test_list_names(settings, db, redis_client, nighttime, case, name, accepted, refusal):
    rows = [{"phone": "0980000020", "name": "An", "classification": "F1", "exposure_date": "2026-11-20"}]
    if accepted is not None:
        assert import_rows(settings, name, rows).list_name == accepted
        return
    with pytest.raises(ImportRefused) as refused:
        import_rows(settings, name, rows)
    assert refusal in refused.value.reason
    with db() as session:
        assert session.scalar(select(func.count()).select_from(TracingList)) == 0


def test_api_refuses_a_long_list_name_with_the_reason(settings, migrated, db, redis_client, nighttime):
    from core.app import create_app

    client = create_app(settings.with_(staff_api_token="staff-secret")).test_client()
    auth = {"Authorization": "Bearer staff-secret"}
    rows = [{"phone": "0980000030", "name": "An", "classification": "F1", "exposure_date": "2026-11-20"}]
    json_answer = client.post("/api/tracing/import", json={"list": "x" * 300, "rows": rows}, headers=auth)
    csv_answer = client.post("/api/tracing/import?list=" + "y" * 300, data=(HEADER + GOOD).encode(),
                             headers={**auth, "Content-Type": "text/csv"})
    for answer in (json_answer, csv_answer):
        assert answer.status_code == 400 and "at most 200" in answer.get_json()["description"]
    not_utf8 = client.post("/api/tracing/import?list=latin", data=LATIN1,
                           headers={**auth, "Content-Type": "text/csv"})
    assert not_utf8.status_code == 400 and "UTF-8" in not_utf8.get_json()["description"]
    bom = client.post("/api/tracing/import?list=bom", data=b"\xef\xbb\xbf" + (HEADER + GOOD).encode(),
                      headers={**auth, "Content-Type": "text/csv"})
    assert bom.status_code == 200 and bom.get_json()["imported"] == 2
    with db() as session:
        assert session.scalar(select(func.count()).select_from(TracingList)) == 1  # only "bom"


def test_command_line_refuses_a_file_that_is_not_utf8(settings, db, redis_client, nighttime, tmp_path, capsys):
    path = tmp_path / "latin.csv"
    path.write_bytes(LATIN1)
    assert main([str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


# -- fuzz: whatever the rows hold, the import reports bad rows and never fails as a whole ---------------
cell = st.none() | st.integers() | st.floats() | st.booleans() | st.text(max_size=30) | st.lists(st.text(max_size=3),
                                                                                                  max_size=2)
FIELDS = ["phone", "so_dien_thoai", "name", "classification", "phan_loai", "commune", "language", "exposure_date",
          "ngay_ve", "x"]


@hsettings(max_examples=60, deadline=None, database=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.dictionaries(st.sampled_from(FIELDS), cell, max_size=7) | cell, max_size=5))
def test_fuzz_json_rows(settings, db, redis_client, nighttime, rows):
    good = {"phone": "0980000050", "name": "An", "classification": "F1", "exposure_date": "2026-11-20"}
    result = import_rows(settings, "fuzz-rows", [*rows, good])
    assert result.imported + result.existing >= 1  # the good row is in
    assert len(result.errors) <= len(rows) and all(e["reason"] for e in result.errors)


@hsettings(max_examples=60, deadline=None, database=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(junk=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_fuzz_csv_text(settings, db, redis_client, nighttime, junk):
    text = HEADER + junk + "\n" + GOOD
    result = import_csv(settings, "inline", "fuzz-csv", text=text)
    assert result.imported + result.existing >= 1 or result.errors  # junk may swallow lines, never the import

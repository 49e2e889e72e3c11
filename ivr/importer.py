"""Import people to call from a CSV file or JSON rows: the good rows go in, every bad row is reported.

Row numbers are the ones staff see: in a CSV the header is row 1, so the first person is row 2;
in JSON the first item is row 1. Importing the same rows into the same list again creates nothing.
Command line: `python -m ivr.importer FILE.csv [--list NAME]`.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from bot.phones import InvalidPhone, to_e164
from core import clock
from core.db import session_scope
from core.settings import Settings
from ivr.models import TracingList

# Header spellings staff use (English and Vietnamese without diacritics) -> our field.
ALIASES = {
    "phone": "phone", "so_dien_thoai": "phone", "sdt": "phone", "dien_thoai": "phone",
    "name": "name", "full_name": "name", "ho_ten": "name", "ho_va_ten": "name",
    "classification": "classification", "class": "classification", "phan_loai": "classification",
    "commune": "commune", "commune_code": "commune", "xa_phuong": "commune", "ma_xa": "commune",
    "language": "language", "lang": "language", "ngon_ngu": "language",
    "exposure_date": "date", "arrival_date": "date", "date": "date", "ngay_tiep_xuc": "date", "ngay_ve": "date",
}
REQUIRED = ("phone", "name", "classification", "date")
CLASSES = {"f1": "F1", "f2": "F2", "returnee": "returnee", "nguoi_ve": "returnee", "nguoi ve": "returnee"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y")


@dataclass
class ImportResult:
    """What an import did: rows imported, rows already there, and every bad row with its reason."""

    list_id: int
    list_name: str
    imported: int = 0
    existing: int = 0
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-safe dict for the API and the command line."""
        return asdict(self)


class RowError(ValueError):
    """One bad row: `reason` is invalid_phone | missing_field | invalid_value | duplicate."""

    def __init__(self, reason: str, field_name: str | None = None, detail: str = ""):
        super().__init__(detail or reason)
        self.reason, self.field, self.detail = reason, field_name, detail


def _normalize_keys(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        name = ALIASES.get(str(key or "").strip().lower().replace(" ", "_"))
        if name and name not in out:
            out[name] = "" if value is None else str(value).strip()
    return out


def _parse_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError("invalid_value", "date", f"not a date: {text!r}")


def _parse_commune(settings: Settings, text: str) -> int | None:
    from bot import places

    if not text:
        return None
    if text.isdigit():
        if places.by_code(settings.province_code, int(text)) is None:
            raise RowError("invalid_value", "commune", f"no commune {text} in this province")
        return int(text)
    found, _ = places.match(settings.province_code, text)
    if found is None:
        raise RowError("invalid_value", "commune", f"unknown or ambiguous commune {text!r}")
    return found.code


def clean_row(settings: Settings, raw: dict) -> dict:
    """One raw row -> the contact's fields; raises RowError naming what is wrong."""
    row = _normalize_keys(raw)
    for name in REQUIRED:
        if not row.get(name):
            raise RowError("missing_field", name, f"{name} is empty")
    try:
        phone = to_e164(row["phone"])
    except InvalidPhone as exc:
        raise RowError("invalid_phone", "phone", exc.reason) from exc
    classification = CLASSES.get(row["classification"].lower())
    if classification is None:
        raise RowError("invalid_value", "classification", "expected F1, F2 or returnee")
    language = (row.get("language") or settings.default_language).lower()[:2]
    if language not in ("vi", "en"):
        raise RowError("invalid_value", "language", "expected vi or en")
    return {
        "phone": phone, "name": row["name"][:200], "classification": classification,
        "commune_code": _parse_commune(settings, row.get("commune", "")), "language": language,
        "exposure_date": _parse_date(row["date"]),
    }


def _get_list(session, name: str) -> TracingList:
    found = session.scalar(select(TracingList).where(TracingList.name == name))
    if found is None:
        found = TracingList(name=name)
        session.add(found)
        session.flush()
    return found


def import_rows(settings: Settings, list_name: str, rows, first_row: int = 1) -> ImportResult:
    """Validate and insert `rows` (dicts) into the list named `list_name`, creating it if needed."""
    from ivr.store import insert_contacts

    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        tracing_list = _get_list(session, list_name)
        result = ImportResult(tracing_list.id, list_name)
        seen: dict[str, int] = {}
        good = []
        for number, raw in enumerate(rows, start=first_row):
            try:
                contact = clean_row(settings, raw if isinstance(raw, dict) else {})
                if contact["phone"] in seen:
                    raise RowError("duplicate", "phone", f"same phone as row {seen[contact['phone']]}")
            except RowError as exc:
                result.errors.append({"row": number, "reason": exc.reason, "field": exc.field, "detail": exc.detail})
                continue
            seen[contact["phone"]] = number
            good.append({**contact, "row_number": number, "list_id": tracing_list.id, "next_attempt_at": now})
        result.imported = insert_contacts(session, good)
        result.existing = len(good) - result.imported
    if result.imported:
        from ivr.dialer import kick

        kick(settings)
    return result


def import_csv(settings: Settings, source: str | Path, list_name: str | None = None, text: str | None = None) -> ImportResult:
    """Import a CSV file (or its `text`); the list is named after the file unless `list_name` is given."""
    if text is None:
        text = Path(source).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return import_rows(settings, list_name or Path(str(source)).stem, reader, first_row=2)


def main(argv: list[str] | None = None) -> int:
    """Command line: import a CSV, print the summary and every bad row; exit 1 if any row was bad."""
    parser = argparse.ArgumentParser(prog="python -m ivr.importer", description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--list", dest="list_name", default=None, help="list name (default: the file name)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = import_csv(Settings.from_env(), args.file, args.list_name)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for err in result.errors:
            print(f"row {err['row']}: {err['reason']} ({err['field']}): {err['detail']}")
        print(f"list {result.list_name!r}: {result.imported} imported, {result.existing} already there, "
              f"{len(result.errors)} rejected")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())

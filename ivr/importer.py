"""Import people to call from a CSV file or JSON rows: the good rows go in, every bad row is reported.

Row numbers are the ones staff see: in a CSV the header is row 1, so the first person is row 2;
in JSON the first item is row 1. Importing the same rows into the same list again creates nothing.
A CSV may start with a byte-order mark and use ',', ';' or tabs; a list name over 200 characters,
empty or not text refuses the whole import with the reason (the API answers 400).
Command line: `python -m ivr.importer FILE.csv [--list NAME]`.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from werkzeug.exceptions import BadRequest

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
LIST_NAME_MAX = 200  # the column's width (tracing_list.name)
DELIMITERS = ",;\t"  # Excel writes ';' where the decimal separator is ','
CONTROL = {chr(c) for c in range(32)} - {"\t"} | {"\x7f"}
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


class ImportRefused(BadRequest):
    """The whole import is refused before any row is read (list name, file encoding): a 400 with the reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RowError(ValueError):
    """One bad row: `reason` is invalid_phone | missing_field | invalid_value | duplicate."""

    def __init__(self, reason: str, field_name: str | None = None, detail: str = ""):
        super().__init__(detail or reason)
        self.reason, self.field, self.detail = reason, field_name, detail


def list_name(raw) -> str:
    """The list name staff gave, trimmed; ImportRefused when it is not text, empty, too long or has control characters."""
    if not isinstance(raw, str):
        raise ImportRefused("the list name must be text")
    name = raw.strip()
    if not name:
        raise ImportRefused("the list name is empty")
    if len(name) > LIST_NAME_MAX:
        raise ImportRefused(f"the list name has {len(name)} characters; at most {LIST_NAME_MAX} are allowed")
    if any(ch in CONTROL for ch in name):
        raise ImportRefused("the list name contains a control character")
    return name


def _normalize_keys(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        name = ALIASES.get(str(key or "").strip().lower().replace(" ", "_"))
        if not name or name in out:
            continue
        if isinstance(value, (dict, list, tuple, set)):
            raise RowError("invalid_value", name, f"{name} must be text, not a list or an object")
        # Invisible format characters (zero-width spaces, BOMs pasted from Excel) are no content.
        text = "" if value is None else "".join(ch for ch in str(value) if unicodedata.category(ch) != "Cf").strip()
        if any(ch in CONTROL for ch in text):
            raise RowError("invalid_value", name, f"{name} contains a control character")
        out[name] = text
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
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to int()
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


def import_rows(settings: Settings, name, rows, first_row: int = 1) -> ImportResult:
    """Validate and insert `rows` (dicts) into the list named `name`, creating it if needed.

    A row the CSV reader cannot read comes as a RowError and is reported like any other bad row."""
    from ivr.store import insert_contacts

    name = list_name(name)
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        tracing_list = _get_list(session, name)
        result = ImportResult(tracing_list.id, name)
        seen: dict[str, int] = {}
        good = []
        for number, raw in enumerate(rows, start=first_row):
            try:
                if isinstance(raw, RowError):
                    raise raw
                if not isinstance(raw, dict):
                    raise RowError("invalid_value", None, "a row must be an object of named fields")
                contact = clean_row(settings, raw)
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


def read_text(data: bytes) -> str:
    """A CSV file's text: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"); ImportRefused otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"the file is not UTF-8 text (byte {exc.start}); save it as \"CSV UTF-8\"") from None


def _csv_rows(text: str):
    """The rows of a CSV text as dicts; a row the csv module cannot read comes as a RowError in its place."""
    text = text.removeprefix("\ufeff")  # a BOM left in decoded text would hide the first column's name
    header = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header.count) if header else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a NUL byte, an over-long field: this row is bad, the next ones may be fine
            yield RowError("invalid_value", None, f"unreadable CSV line {reader.line_num}: {exc}")
            continue
        yield row


def import_csv(settings: Settings, source: str | Path, name: str | None = None, text: str | bytes | None = None) -> ImportResult:
    """Import a CSV file (or its `text`); the list is named after the file unless `name` is given."""
    if text is None:
        text = Path(source).read_bytes()
    if isinstance(text, bytes):
        text = read_text(text)
    return import_rows(settings, name or Path(str(source)).stem, _csv_rows(text), first_row=2)


def main(argv: list[str] | None = None) -> int:
    """Command line: import a CSV, print the summary and every bad row; exit 1 if any row was bad, 2 if refused."""
    parser = argparse.ArgumentParser(prog="python -m ivr.importer", description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--list", dest="list_name", default=None, help="list name (default: the file name)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    try:
        result = import_csv(Settings.from_env(), args.file, args.list_name)
    except ImportRefused as exc:
        print(f"refused: {exc.reason}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"refused: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
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

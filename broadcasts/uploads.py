"""An uploaded list of phone numbers as a campaign's audience: every good row goes in, every bad one is
reported with its row number and reason (like the tracing import).

The file is a CSV in UTF-8 (a byte-order mark is fine) with a phone column ("phone", "sdt",
"so_dien_thoai", "dien_thoai") or just one number per line. Row numbers are the file's lines, as a
spreadsheet shows them. Reasons: not_a_number | not_vietnamese | invalid | duplicate | unreadable.
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.phones import InvalidPhone, to_e164
from broadcasts.models import PhoneUpload, UploadedPhone

PHONE_HEADERS = {"phone", "phone_number", "sdt", "so_dien_thoai", "dien_thoai", "so_dt", "mobile"}
DELIMITERS = (",", ";", "\t")
INSERT_BATCH = 5000


class UploadRefused(ValueError):
    """The whole file cannot be read (not UTF-8, no phone column, no rows)."""


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def phone_cells(data: bytes):
    """(row number, raw text) for each line's phone cell; raises UploadRefused for an unreadable file."""
    try:
        text = data.decode("utf-8-sig").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise UploadRefused(f'the file is not UTF-8 text (byte {exc.start}); save it as "CSV UTF-8"') from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise UploadRefused("the file has no rows")
    delimiter = max(DELIMITERS, key=lines[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    keys = [_key(h) for h in header]
    column = next((i for i, k in enumerate(keys) if k in PHONE_HEADERS), None)
    first_row = 2
    if column is None:
        if len(header) == 1 or any(ch.isdigit() for ch in header[0]):
            column, first_row = 0, 1  # no header: the first line is already a number
            yield 1, header[0] if header else ""
        else:
            raise UploadRefused(f"no phone column (one of: {', '.join(sorted(PHONE_HEADERS))})")
    row_number = first_row - 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_number = reader.line_num
            yield row_number, exc
            continue
        row_number = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        yield row_number, cells[column] if column < len(cells) else ""


def import_phones(session: Session, data: bytes, *, created_by: int | None, filename: str | None = None,
                  campaign_id: int | None = None) -> PhoneUpload:
    """Store the file's good numbers (E.164, once each) and its row report; the caller commits."""
    upload = PhoneUpload(campaign_id=campaign_id, created_by=created_by, filename=(filename or "")[:200] or None,
                         good_count=0, rows=[])
    session.add(upload)
    session.flush()
    seen: dict[str, int] = {}
    refused: list[dict] = []
    batch: list[dict] = []
    for row, raw in phone_cells(data):
        if isinstance(raw, Exception):
            refused.append({"row": row, "value": "", "reason": "unreadable", "detail": str(raw)[:200]})
            continue
        try:
            phone = to_e164(raw)
        except InvalidPhone as exc:
            refused.append({"row": row, "value": raw[:40], "reason": exc.reason})
            continue
        if phone in seen:
            refused.append({"row": row, "value": raw[:40], "reason": "duplicate", "detail": f"same as row {seen[phone]}"})
            continue
        seen[phone] = row
        batch.append({"upload_id": upload.id, "phone": phone, "row_number": row})
        if len(batch) >= INSERT_BATCH:
            session.execute(insert(UploadedPhone.__table__), batch)
            batch = []
    if batch:
        session.execute(insert(UploadedPhone.__table__), batch)
    upload.good_count = len(seen)
    upload.rows = refused
    session.flush()
    return upload


def report(upload: PhoneUpload) -> dict:
    """The upload's row report for the API (refused rows carry the raw value: staff see what they typed)."""
    return {"upload_id": upload.id, "campaign_id": upload.campaign_id, "filename": upload.filename,
            "accepted": upload.good_count, "refused": upload.rows}

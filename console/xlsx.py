"""Tracing lists kept in Excel: the first sheet's rows as dicts keyed by its header row (openpyxl)."""
from __future__ import annotations

import io
from datetime import date, datetime
from zipfile import BadZipFile

from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from ivr.importer import ImportRefused


def _text(value) -> str:
    # Excel stores dates as dates and phone numbers often as numbers: give the importer what a CSV would hold.
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        text = str(value)
        return "0" + text if len(text) == 9 else text  # a leading 0 Excel dropped from a mobile number
    return str(value)


def xlsx_rows(data: bytes) -> list[dict]:
    """The rows of the first sheet as dicts (row 1 is the header); ImportRefused when it is not a readable .xlsx
    file (a broken sheet only shows while its rows are read, so they are all read here)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except (BadZipFile, KeyError, ValueError, OSError, IndexError, ParseError, TypeError) as exc:
        raise ImportRefused(f"the file is not an Excel .xlsx workbook ({exc.__class__.__name__})") from None
    header = [_text(cell).strip() for cell in (rows[0] if rows else ())]
    out = []
    for values in rows[1:]:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue  # Excel keeps formatted empty rows; they are not people
        out.append({header[i]: _text(v) for i, v in enumerate(values) if i < len(header) and header[i]})
    return out

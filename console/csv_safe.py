"""CSV cells a spreadsheet will not run: text starting with = + - @ (or a tab/CR) gets a leading quote."""
from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """`value` as CSV text that Excel and LibreOffice show as text, never evaluate as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: list[str], rows) -> str:
    """A whole CSV document (UTF-8 with BOM so Excel reads Vietnamese right) with every cell made safe."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()

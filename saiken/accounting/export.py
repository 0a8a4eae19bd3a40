"""CSV (UTF-8 with BOM, or Shift_JIS/cp932) and Excel renderings of a report table.

Every cell goes through saiken.documents.cells: a text a spreadsheet would run as a
formula is written as text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from saiken.documents.cells import append_row, csv_text


def to_csv(header: list[str], rows: list[list], encoding: str = "utf-8") -> bytes:
    """UTF-8 gets a BOM so Excel opens it correctly; cp932 is what older city systems read."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_text(v) for v in header])
    for r in rows:
        w.writerow([csv_text(v) for v in r])
    text = buf.getvalue()
    if encoding == "utf-8":
        return ("\ufeff" + text).encode("utf-8")
    return text.encode("cp932")


def to_xlsx(title: str, header: list[str], rows: list[list], sheet: str = "収納状況") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    append_row(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        append_row(ws, [float(v) if isinstance(v, Decimal) else v for v in r])
    for col in range(1, len(header) + 1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 28 if col == 2 else 14
        for cell in ws[letter][2:]:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
    ws.freeze_panes = "C3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""Writes the eL-QR (and other configured-layout) payment files the tests read; deterministic.

    .venv/bin/python tests/data/elqr/make_files.py

default.utf8.csv, default.sjis.csv and default.xlsx hold the same five payments in
`saiken.core.formats.layout.ELQR_DEFAULT` (our assumed layout: 収納機関番号, 納付番号,
確認番号, 納付区分, 金額, 納付日, 納付方法, 払込日). The .xlsx is typed the way a person's
Excel is: eL parts as text (確認番号 048213 keeps its zero), amounts as numbers except
one typed as "45,600", 納付日 as date cells, 払込日 as YYYYMMDD strings, one blank.

    row 2  notice 2026-01-123456, 12,300 yen, paid 11/27
    row 3  notice 2026-01-123457, 45,600 yen (written "45,600")
    row 4  nursery fee notice, 25,000 yen
    row 5  the row-2 notice paid again on 11/30: another key, an overpayment later
    row 6  paid 11/30 by card, not yet remitted (払込日 blank)

app_export.sjis.csv with app_export.layout.json: another system's table read through a
stored layout — a payment app's export with two title lines, no header, numbered
columns, 和暦 dates and full-width amounts.

bad/ holds one defect per file, on line 3 (the second data row) where it is a row's.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"

HEADER = ["収納機関番号", "納付番号", "確認番号", "納付区分", "金額", "納付日", "納付方法", "払込日"]
ROWS = [
    ["15100", "2026010000123456", "048213", "101", "12300", "20261127", "スマートフォン決済アプリ", "20261204"],
    ["15100", "2026010000123457", "902114", "101", "45,600", "20261127", "インターネットバンキング", "20261204"],
    ["15100", "2026050000088001", "311007", "201", "25000", "20261128", "金融機関窓口", "20261204"],
    ["15100", "2026010000123456", "048213", "101", "12300", "20261130", "スマートフォン決済アプリ", "20261207"],
    ["15100", "2026030000040021", "500300", "301", "5100", "20261130", "クレジットカード", ""],
]

APP_LAYOUT = {
    "name": "smartphone_app_export",
    "description": "スマホ決済事業者の収納データ（見出しなし、先頭2行は表題）",
    "encoding": "Shift_JIS",
    "has_header": False,
    "skip_rows": 2,
    "columns": {"transaction_id": 1, "notice_number": 2, "payer_kana": 3, "amount": 4, "paid_on": 5, "remitted_on": 6},
    "date_format": "wareki",
    "channel": "smartphone",
    "key_fields": ["transaction_id"],
    "match_fields": ["notice_number"],
    "amount_field": "amount",
    "paid_on_field": "paid_on",
    "booked_on_field": "remitted_on",
}
APP_LINES = [
    ["スマホ決済 収納データ一覧"],
    ["作成日", "令和8年12月1日"],
    ["T2026112700001", "2026-01-0000123456", "ﾔﾏﾀﾞ ﾀﾛｳ", "１２，３００", "令和8年11月27日", "R8.12.4"],
    ["T2026112800002", "2026-05-0000088001", "ｻﾄｳ ﾊﾅｺ", "２５０００", "R8.11.28", "令和8年12月4日"],
    ["T2026113000003", "2026-03-0000040021", "ｽｽﾞｷ ｲﾁﾛｳ", "5,100", "Ｒ８．１１．３０", ""],
]


def csv_lines(lines: list[list[str]]) -> str:
    out = []
    for cells in lines:
        out.append(",".join(f'"{c}"' if "," in c else c for c in cells) + "\r\n")
    return "".join(out)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def utf8(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    return csv_lines([header, *rows]).encode("utf-8")


def with_cell(rows: list[list[str]], index: int, column: str, value: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[index][HEADER.index(column)] = value
    return out


def deterministic_zip(raw: bytes) -> bytes:
    # openpyxl stamps the save time into docProps/core.xml and the zip entries; pin both
    # so that re-running the script leaves the file unchanged.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-12-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 12, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx(rows: list[list[str]], header: list[str] = HEADER, amounts_as_text: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "収納データ"
    book.properties.creator = "saiken tests"
    book.properties.created = datetime(2026, 12, 1)
    sheet.append(header)
    for cells in rows:
        values: list[object] = list(cells)
        amount, paid, remitted = cells[4], cells[5], cells[7]
        if amount.isdigit() and not amounts_as_text:
            values[4] = int(amount)  # a number cell; "45,600" stays text, as typed
        values[5] = date(int(paid[:4]), int(paid[4:6]), int(paid[6:]))
        values[7] = remitted or None
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:4]:
            cell.number_format = "@"  # text cells: Excel would drop 048213's zero otherwise
        row[5].number_format = "yyyy/mm/dd"
    buf = io.BytesIO()
    book.save(buf)
    return deterministic_zip(buf.getvalue())


def main() -> None:
    write(HERE / "default.utf8.csv", b"\xef\xbb\xbf" + utf8(ROWS))
    write(HERE / "default.sjis.csv", csv_lines([HEADER, *ROWS]).encode("cp932"))
    write(HERE / "default.xlsx", xlsx(ROWS))
    write(HERE / "app_export.sjis.csv", csv_lines(APP_LINES).encode("cp932"))
    write(HERE / "app_export.layout.json", (json.dumps(APP_LAYOUT, ensure_ascii=False, indent=2) + "\n").encode())

    three = ROWS[:3]  # a small file; the defect goes into its second row, line 3
    write(BAD / "impossible_date.csv", utf8(with_cell(three, 1, "納付日", "20261131")))
    write(BAD / "non_numeric_amount.csv", utf8(with_cell(three, 1, "金額", "4560O")))  # a letter O typed for 0
    write(BAD / "amount_overflow.csv", utf8(with_cell(three, 1, "金額", "12345678901")))
    write(BAD / "negative_amount.csv", utf8(with_cell(three, 1, "金額", "-45600")))
    write(BAD / "zero_amount.csv", utf8(with_cell(three, 1, "金額", "0")))
    write(BAD / "duplicate_key.csv", utf8([three[0], three[0], three[2]]))
    write(BAD / "wrong_encoding.csv", csv_lines([HEADER, *three]).encode("euc_jp"))
    write(BAD / "utf16.csv", csv_lines([HEADER, *three]).encode("utf-16"))
    # A host's EBCDIC (cp500) export of the digits alone (Japanese cannot be written in it).
    write(BAD / "ebcdic.csv", csv_lines([[c for c in r if c.isascii()] for r in three]).encode("cp500"))
    no_check = [[c for i, c in enumerate(r) if HEADER[i] != "確認番号"] for r in [HEADER, *three]]
    write(BAD / "missing_column.csv", csv_lines(no_check).encode("utf-8"))
    write(BAD / "empty.csv", b"")
    write(BAD / "non_numeric_amount.xlsx", xlsx(with_cell(three, 1, "金額", "未定"), amounts_as_text=False))


if __name__ == "__main__":
    main()

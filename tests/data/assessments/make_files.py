"""Writes the assessment (調定) files the tests read, and their layouts; deterministic.

    .venv/bin/python tests/data/assessments/make_files.py

The debtors the files name (the tests register them): 山田 太郎 as 宛名番号 0000123;
佐藤 花子 as 宛名番号 0000456, 市営住宅契約番号 H-0101 and 保育児童番号 C-0001.

general.utf8.csv (UTF-8 with BOM) with general.layout.json: a general export with a
header, the receivable's code in a column, the 宛名番号 system as a default, dates as
YYYYMMDD, fiscal years written 2026, 令和8 and R8:

    line 2  市税 第1期 taro, due 2026-06-30 (Tue)
    line 3  市税 第2期 taro, due 2026-08-31 (Mon), amount "29,000"
    line 4  市税 第3期 taro, due 2026-10-31 (Sat) → the ledger rolls it to 11-02
    line 5  保育料 第1期 hanako, due 2026-05-31 (Sun) → 06-01
    line 6  市税 第1期 of 0000789, not known: 鈴木 一郎 is registered (half-width kana)
    line 7  市税 第2期 of 0000789, due 2026-12-29 (year-end closure) → 2027-01-04

housing.sjis.csv (Shift_JIS) with housing.layout.json: the housing system's table with a
title line, 和暦 dates, 期別 as 第1期, full-width amounts, 家賃 and 駐車場 as subjects of
the same 期, the receivable and the system (市営住宅契約番号) as defaults, and a new
tenant whose name has 髙 (a cp932 extension) and a reading in hiragana.

childcare.xlsx with childcare.layout.json: the childcare system's Excel, on its second
sheet 調定一覧, typed as a person's Excel is: years and amounts as numbers (one amount
as the text "18,000"), dates as date cells, the system named by code or by its label.

bad/ holds one defect per file on line 3 (the second data row), in the general layout:
an unknown receivable code, an impossible date, a non-numeric amount, a due date after
its fiscal year's end (the ledger refuses it), an instalment given twice, an unknown
宛名番号 without a name — and several_errors.csv with three defects on lines 3–5.
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

GENERAL_LAYOUT = {
    "kind": "assessments",
    "name": "general",
    "description": "汎用の調定データ（見出しあり、債権コード・宛名番号つき）",
    "encoding": None,
    "has_header": True,
    "skip_rows": 0,
    "sheet": None,
    "date_format": "%Y%m%d",
    "columns": {
        "receivable": "債権コード", "identifier": "宛名番号", "fiscal_year": "年度", "instalment_no": "期別",
        "nominal_due": "納期限", "amount": "調定額", "assessed_on": "調定日", "subject": "科目",
        "notice_number": "通知書番号", "name": "氏名", "name_kana": "フリガナ", "birth_date": "生年月日",
        "postal_code": "郵便番号", "address": "住所",
    },
    "defaults": {"identifier_system": "resident"},
}
HEADER = ["債権コード", "宛名番号", "年度", "期別", "納期限", "調定額", "調定日", "科目", "通知書番号", "氏名", "フリガナ", "生年月日", "郵便番号", "住所"]
SUZUKI = ["鈴木 一郎", "ｽｽﾞｷ ｲﾁﾛｳ", "19800115", "951-8550", "新潟市中央区学校町通１番町６０２番地１"]
ROWS = [
    ["city_tax", "0000123", "2026", "1", "20260630", "30000", "20260601", "個人市民税", "2026010000000101", "", "", "", "", ""],
    ["city_tax", "0000123", "令和8", "2", "20260831", "29,000", "20260601", "個人市民税", "2026010000000102", "", "", "", "", ""],
    ["city_tax", "0000123", "R8", "3", "20261031", "29000", "20260601", "個人市民税", "2026010000000103", "", "", "", "", ""],
    ["nursery_fee", "0000456", "2026", "1", "20260531", "20000", "20260410", "", "", "", "", "", "", ""],
    ["city_tax", "0000789", "2026", "1", "20260630", "15000", "20260601", "個人市民税", "2026010000000201", *SUZUKI],
    ["city_tax", "0000789", "2026", "2", "20261229", "15000", "20260601", "個人市民税", "2026010000000202", *SUZUKI],
]

HOUSING_LAYOUT = {
    "kind": "assessments",
    "name": "housing",
    "description": "市営住宅管理システムの調定データ（1行目は表題、和暦）",
    "encoding": "Shift_JIS",
    "has_header": True,
    "skip_rows": 1,
    "date_format": "wareki",
    "columns": {
        "identifier": "契約番号", "fiscal_year": "年度", "instalment_no": "期別", "subject": "区分",
        "nominal_due": "納期限", "amount": "使用料", "assessed_on": "調定日", "name": "入居者氏名", "name_kana": "フリガナ",
    },
    "defaults": {"receivable": "municipal_housing", "identifier_system": "housing"},
}
HOUSING_LINES = [
    ["市営住宅使用料 調定データ（令和8年度 4月・5月分）"],
    ["契約番号", "年度", "期別", "区分", "納期限", "使用料", "調定日", "入居者氏名", "フリガナ"],
    ["H-0101", "令和8年度", "第1期", "家賃", "令和8年4月30日", "４２，０００", "令和8年4月1日", "佐藤 花子", "サトウ ハナコ"],
    ["H-0101", "令和8年度", "第1期", "駐車場", "令和8年4月30日", "３，０００", "R8.4.1", "佐藤 花子", "サトウ ハナコ"],
    ["H-0101", "令和8年度", "第2期", "家賃", "令和8年5月31日", "42000", "R8.4.1", "佐藤 花子", "サトウ ハナコ"],
    ["H-0202", "R8", "第1期", "家賃", "R8.4.30", "38,500", "R8.4.1", "髙橋 幸子", "たかはし さちこ"],
]

CHILDCARE_LAYOUT = {
    "kind": "assessments",
    "name": "childcare",
    "description": "保育システムのExcel（2枚目のシート「調定一覧」）",
    "has_header": True,
    "sheet": "調定一覧",
    "date_format": "%Y/%m/%d",
    "columns": {
        "identifier_system": "番号種別", "identifier": "児童番号", "fiscal_year": "年度", "instalment_no": "期別",
        "nominal_due": "納期限", "amount": "保育料", "assessed_on": "調定日", "name": "保護者氏名", "name_kana": "フリガナ",
    },
    "defaults": {"receivable": "nursery_fee"},
}
CHILDCARE_HEADER = ["番号種別", "児童番号", "年度", "期別", "納期限", "保育料", "調定日", "保護者氏名", "フリガナ"]
CHILDCARE_ROWS = [
    ["childcare", "C-0001", 2026, 1, date(2026, 4, 30), 18000, date(2026, 4, 10), None, None],
    ["保育児童番号", "C-0001", 2026, 2, date(2026, 5, 31), "18,000", date(2026, 4, 10), None, None],
    ["childcare", "C-0002", 2026, 1, date(2026, 4, 30), 9000, date(2026, 4, 10), "伊藤 美咲", "イトウ ミサキ"],
]


def csv_lines(lines: list[list[str]]) -> str:
    out = []
    for cells in lines:
        out.append(",".join(f'"{c}"' if "," in c or "，" in c else c for c in cells) + "\r\n")
    return "".join(out)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def utf8(rows: list[list[str]]) -> bytes:
    return csv_lines([HEADER, *rows]).encode("utf-8")


def with_cell(rows: list[list[str]], index: int, column: str, value: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[index][HEADER.index(column)] = value
    return out


def layout_json(layout: dict) -> bytes:
    return (json.dumps(layout, ensure_ascii=False, indent=2) + "\n").encode()


def deterministic_zip(raw: bytes) -> bytes:
    # openpyxl stamps the save time into docProps/core.xml and the zip entries; pin both
    # so that re-running the script leaves the file unchanged.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-04-10T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 4, 10, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def childcare_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.properties.creator = "saiken tests"
    book.properties.created = datetime(2026, 4, 10)
    notes = book.active
    notes.title = "説明"  # the data is on the second sheet: the layout names it
    notes.append(["令和8年度 保育料 調定一覧（保育システムより出力）"])
    sheet = book.create_sheet("調定一覧")
    sheet.append(CHILDCARE_HEADER)
    for cells in CHILDCARE_ROWS:
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = row[6].number_format = "yyyy/mm/dd"
    buf = io.BytesIO()
    book.save(buf)
    return deterministic_zip(buf.getvalue())


def main() -> None:
    write(HERE / "general.layout.json", layout_json(GENERAL_LAYOUT))
    write(HERE / "general.utf8.csv", b"\xef\xbb\xbf" + utf8(ROWS))
    write(HERE / "housing.layout.json", layout_json(HOUSING_LAYOUT))
    write(HERE / "housing.sjis.csv", csv_lines(HOUSING_LINES).encode("cp932"))
    write(HERE / "childcare.layout.json", layout_json(CHILDCARE_LAYOUT))
    write(HERE / "childcare.xlsx", childcare_xlsx())

    three = ROWS[:3]  # a small file; the defect goes into its second row, line 3
    write(BAD / "unknown_receivable.csv", utf8(with_cell(three, 1, "債権コード", "city_taxx")))
    write(BAD / "impossible_date.csv", utf8(with_cell(three, 1, "納期限", "20260931")))
    write(BAD / "non_numeric_amount.csv", utf8(with_cell(three, 1, "調定額", "29,OOO")))  # letters O typed for 0
    write(BAD / "due_outside_fiscal_year.csv", utf8(with_cell(three, 1, "納期限", "20270430")))  # FY2026 ends 2027-03-31
    write(BAD / "duplicate_instalment.csv", utf8(with_cell(three, 1, "期別", "1")))
    write(BAD / "unknown_identifier_without_name.csv", utf8(with_cell(three, 1, "宛名番号", "0009999")))
    several = with_cell(with_cell(with_cell(ROWS[:5], 1, "納期限", "20260931"), 2, "債権コード", "citytax"), 3, "調定額", "二万円")
    write(BAD / "several_errors.csv", utf8(several))


if __name__ == "__main__":
    main()

"""Configured layouts: the assumed eL-QR default, another system's export, and the JSON they are stored as."""

import io
import json
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from saiken.core.formats import PAYMENT, FormatError, PaymentRecord
from saiken.core.formats.layout import (
    ELQR_DEFAULT,
    Layout,
    LayoutError,
    parse_date,
    parse_wareki,
    read_table,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "elqr"


def read(name: str, layout: Layout = ELQR_DEFAULT):
    return read_table((DATA / name).read_bytes(), layout, name)


def app_layout() -> Layout:
    return Layout.from_dict(json.loads((DATA / "app_export.layout.json").read_text(encoding="utf-8")))


def only_error(excinfo):
    [error] = excinfo.value.errors
    return error


# --- the eL-QR default ----------------------------------------------------------------


def test_a_default_elqr_record_in_full():
    first = read("default.utf8.csv").records[0]
    assert first == PaymentRecord(
        line=2,
        key="15100:2026010000123456:048213:101:2026-11-27",
        amount=12_300,
        paid_on=date(2026, 11, 27),
        channel="elqr",
        match={
            "el_number": "151002026010000123456048213101",
            "el_institution": "15100",
            "el_payment_number": "2026010000123456",
            "el_confirmation": "048213",
            "el_payment_type": "101",
        },
        action=PAYMENT,
        booked_on=date(2026, 12, 4),
        extra={"method": "スマートフォン決済アプリ"},
    )


def test_the_default_file():
    records = read("default.utf8.csv").records
    assert [(r.line, r.amount, r.paid_on, r.booked_on) for r in records] == [
        (2, 12_300, date(2026, 11, 27), date(2026, 12, 4)),
        (3, 45_600, date(2026, 11, 27), date(2026, 12, 4)),  # written "45,600"
        (4, 25_000, date(2026, 11, 28), date(2026, 12, 4)),
        (5, 12_300, date(2026, 11, 30), date(2026, 12, 7)),
        (6, 5_100, date(2026, 11, 30), None),  # not yet remitted
    ]
    # The notice of line 2 paid again on another day: same eL number, another key.
    assert records[3].match == records[0].match
    assert records[3].key != records[0].key


def test_shift_jis_utf8_and_excel_give_the_same_records():
    csv = read("default.utf8.csv")
    assert read("default.sjis.csv").records == csv.records
    excel = read("default.xlsx")
    assert excel.records == csv.records
    assert excel.meta == {"layout": "elqr_default", "format": "xlsx", "sheet": "収納データ"}
    assert csv.meta == {"layout": "elqr_default", "format": "csv"}


def test_excel_is_known_by_its_bytes_whatever_the_name():
    data = (DATA / "default.xlsx").read_bytes()
    assert read_table(data, ELQR_DEFAULT, "download.csv").meta["format"] == "xlsx"


def test_the_default_says_it_is_an_assumption():
    assert "仮定" in ELQR_DEFAULT.description
    assert "正式なレイアウトに置き換えてください" in ELQR_DEFAULT.description


# --- another system's export through a stored layout -----------------------------------


def test_an_export_with_titles_numbered_columns_wareki_and_full_width_amounts():
    records = read("app_export.sjis.csv", app_layout()).records
    assert [(r.line, r.key, r.amount, r.paid_on, r.booked_on) for r in records] == [
        (3, "T2026112700001", 12_300, date(2026, 11, 27), date(2026, 12, 4)),  # "１２，３００", 令和8年11月27日
        (4, "T2026112800002", 25_000, date(2026, 11, 28), date(2026, 12, 4)),  # "２５０００", R8.11.28
        (5, "T2026113000003", 5_100, date(2026, 11, 30), None),  # "Ｒ８．１１．３０"
    ]
    assert records[0].channel == "smartphone"
    assert records[0].match == {"notice_number": "2026-01-0000123456"}
    assert records[0].extra == {"transaction_id": "T2026112700001", "payer_kana": "ﾔﾏﾀﾞ ﾀﾛｳ"}  # kept as written


# --- the malformed corpus -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "field", "phrase"),
    [
        ("impossible_date.csv", 3, "納付日", "存在しない日付です（20261131）"),
        ("non_numeric_amount.csv", 3, "金額", "数字ではありません（4560O）"),
        ("non_numeric_amount.xlsx", 3, "金額", "数字ではありません（未定）"),
        ("amount_overflow.csv", 3, "金額", "大きすぎます"),
        ("negative_amount.csv", 3, "金額", "負です"),
        ("zero_amount.csv", 3, "金額", "0円です"),
        ("duplicate_key.csv", 3, "キー", "2行目とキー"),
        ("wrong_encoding.csv", 0, "文字コード", "UTF-8としてもShift_JISとしても読めません"),
        ("utf16.csv", 0, "文字コード", "UTF-16"),
        ("ebcdic.csv", 0, "文字コード", "EBCDIC"),
        ("missing_column.csv", 1, "確認番号", "見出しに「確認番号」の列がありません"),
        ("empty.csv", 0, "ファイル", "データがありません"),
    ],
)
def test_each_bad_file_names_its_defect(name, line, field, phrase):
    with pytest.raises(FormatError) as excinfo:
        read(f"bad/{name}")
    error = only_error(excinfo)
    assert (error.line, error.field) == (line, field)
    assert phrase in error.reason


# --- layouts as data ------------------------------------------------------------------


@pytest.mark.parametrize("layout", [ELQR_DEFAULT, app_layout()], ids=["elqr", "app"])
def test_a_layout_round_trips_through_json(layout):
    stored = json.dumps(layout.to_dict(), ensure_ascii=False)
    assert Layout.from_dict(json.loads(stored)) == layout


def test_the_stored_app_layout_is_what_to_dict_writes():
    stored = json.loads((DATA / "app_export.layout.json").read_text(encoding="utf-8"))
    written = app_layout().to_dict()
    assert {k: written[k] for k in stored} == stored
    assert written["joined"] == {} and written["sheet"] is None


def test_from_dict_names_unknown_and_missing_settings():
    with pytest.raises(LayoutError) as excinfo:
        Layout.from_dict({"name": "x", "colums": {}})
    assert excinfo.value.problems == [
        "不明な設定項目「colums」があります",
        "設定項目「channel」がありません",
        "設定項目「columns」がありません",
        "設定項目「key_fields」がありません",
        "設定項目「match_fields」がありません",
    ]
    with pytest.raises(LayoutError, match="JSONオブジェクト"):
        Layout.from_dict(["name"])


def test_every_problem_of_a_layout_is_listed():
    with pytest.raises(LayoutError) as excinfo:
        Layout.from_dict(
            {
                "name": "broken",
                "has_header": False,
                "columns": {"amount": 0, "paid_on": "納付日", "flag": True},
                "channel": "eL",
                "key_fields": "amount",
                "match_fields": ["notice"],
                "booked_on_field": "remitted_on",
                "joined": {"el": ["a", "b"]},
                "encoding": "EUC-JP",
                "date_format": "%Y%m",
                "skip_rows": -1,
            }
        )
    problems = "\n".join(excinfo.value.problems)
    for phrase in [
        "columns「amount」の列番号は1以上です",
        "columns「paid_on」は列番号で指定してください",
        "columns「flag」の列は見出し名か1から始まる列番号です",
        "joined「el」の「a」が columns にありません",
        "booked_on_field（払込日の項目）「remitted_on」が columns にありません",
        "key_fields（キーに使う項目）を1つ以上、リストで指定してください",
        "match_fields の「notice」が columns にも joined にもありません",
        "文字コード「EUC-JP」には対応していません",
        "date_format「%Y%m」では年月日を読めません",
        "channel（納付経路）は半角英小文字のコードです",
        "skip_rows（読み飛ばす行数）は0以上の整数です",
    ]:
        assert phrase in problems
    assert str(excinfo.value).startswith("レイアウト「broken」の設定が正しくありません: ")


def test_a_layout_is_checked_when_built_in_code_too():
    with pytest.raises(LayoutError, match="amount_field"):
        replace(ELQR_DEFAULT, amount_field="total")


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R8.11.27", date(2026, 11, 27)),
        ("R08/11/27", date(2026, 11, 27)),
        ("r8-1-5", date(2026, 1, 5)),
        ("令和8年11月27日", date(2026, 11, 27)),
        ("令和８年１１月２７日", date(2026, 11, 27)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成 30年 3月 31日", date(2018, 3, 31)),
        ("㋿8年11月27日", date(2026, 11, 27)),  # the one-character era sign folds to 令和
    ],
)
def test_wareki(text, expected):
    assert parse_wareki(text) == expected
    assert parse_date(text, "wareki") == expected


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("H31.5.1", "平成の期間（1989年1月8日〜2019年4月30日）にありません"),  # 令和元年 already
        ("R1.4.30", "令和の期間"),
        ("平成元年1月7日", "平成の期間"),  # still 昭和64年
        ("R8.2.29", "存在しない日付です"),
        ("R0.1.1", "1（元年）以上"),
        ("S64.1.7", "和暦の日付として読めません"),
        ("2026-11-27", "和暦の日付として読めません"),
    ],
)
def test_wareki_refused(text, phrase):
    with pytest.raises(ValueError, match=re.escape(phrase)):
        parse_wareki(text)


def test_strptime_formats():
    assert parse_date("2026-11-27", "%Y-%m-%d") == date(2026, 11, 27)
    assert parse_date("２０２６/１１/２７", "%Y/%m/%d") == date(2026, 11, 27)
    with pytest.raises(ValueError, match="存在しない日付です"):
        parse_date("2026-02-30", "%Y-%m-%d")
    with pytest.raises(ValueError, match="書式「%Y-%m-%d」と一致しません"):
        parse_date("20261127", "%Y-%m-%d")


# --- cells and shapes, written here ----------------------------------------------------

SIMPLE = Layout(
    name="simple",
    has_header=False,
    columns={"notice": 1, "amount": 2, "paid_on": 3, "remitted_on": 4},
    date_format="%Y-%m-%d",
    channel="bank",
    key_fields=("notice", "paid_on"),
    match_fields=("notice",),
    booked_on_field="remitted_on",
)


def table(text: str, layout: Layout = SIMPLE, filename: str = "x.csv"):
    return read_table(text.encode("utf-8"), layout, filename)


def errors(text: str, layout: Layout = SIMPLE) -> list[tuple[int, str, str]]:
    with pytest.raises(FormatError) as excinfo:
        table(text, layout)
    return [(e.line, e.field, e.reason) for e in excinfo.value.errors]


def test_full_width_and_comma_amounts():
    records = table('Ｎ１,"１，２３４",2026-11-27,\n2,"1,234",2026-11-27,\n3,１２３４,2026-11-27,\n').records
    assert [(r.key, r.amount) for r in records] == [("N1:2026-11-27", 1234), ("2:2026-11-27", 1234), ("3:2026-11-27", 1234)]
    assert records[0].match == {"notice": "N1"}  # folded, so it matches what the city printed


def test_every_bad_row_is_reported():
    text = "1,100,2026-11-27,2026-11-20\n2,100,2026/11/27,\n,100,2026-11-27,\n4,100\n"
    assert errors(text) == [
        (1, "4列目（remitted_on）", "払込日（2026-11-20）が納付日（2026-11-27）より前です"),
        (2, "3列目（paid_on）", "日付が書式「%Y-%m-%d」と一致しません（2026/11/27）"),
        (3, "1列目（notice）", "値がありません"),
        (4, "3列目（paid_on）", "3列目がありません（この行は2列）"),
        (4, "4列目（remitted_on）", "4列目がありません（この行は2列）"),
    ]


def test_skipped_rows_still_count_for_line_numbers():
    layout = replace(SIMPLE, skip_rows=2)
    assert [r.line for r in table("収納データ\n作成日,2026-12-01\n1,100,2026-11-27,\n", layout).records] == [3]
    assert errors("表題\n\n1,abc,2026-11-27,\n", layout) == [(3, "2列目（amount）", "金額が数字ではありません（abc）")]


def test_header_names_are_found_anywhere_and_folded():
    layout = Layout(
        name="named",
        columns={"notice": "納付書番号", "amount": "金額", "paid_on": "納付日"},
        channel="bank",
        key_fields=("notice",),
        match_fields=("notice",),
    )
    [record] = table("備考,金額,納付書番号,納付日\nメモ,500,A-1,20261127\n", layout).records
    assert (record.key, record.amount, record.line) == ("A-1", 500, 2)
    assert record.extra == {}
    with pytest.raises(FormatError) as excinfo:
        table("金額,金額,納付日\n1,2,20261127\n", layout)
    assert [(e.line, e.field, e.reason) for e in excinfo.value.errors] == [
        (1, "納付書番号", "見出しに「納付書番号」の列がありません"),
        (1, "金額", "見出しに「金額」の列が2つあります"),
    ]
    with pytest.raises(FormatError, match="見出し行のみ"):
        table("備考,金額,納付書番号,納付日\n", layout)


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    for r in rows:
        book.active.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_excel_cells_of_every_type():
    data = xlsx(
        [
            ["N1", 1234, datetime(2026, 11, 27), "2026-12-04"],  # number, datetime, date text
            ["N2", 1234.0, "2026-11-27", date(2026, 12, 4)],  # a float amount, a date cell
            ["N3", "１，２３４", date(2026, 11, 27)],  # no remittance: the row just ends
            [None, None, None, None],  # an empty row is no record
            [20261127, "1,234", "2026-11-28"],  # a code typed as a number
        ]
    )
    records = read_table(data, SIMPLE, "payments.xlsx").records
    assert [(r.line, r.key, r.amount, r.booked_on) for r in records] == [
        (1, "N1:2026-11-27", 1234, date(2026, 12, 4)),
        (2, "N2:2026-11-27", 1234, date(2026, 12, 4)),
        (3, "N3:2026-11-27", 1234, None),
        (5, "20261127:2026-11-28", 1234, None),
    ]


def test_excel_amounts_refused():
    data = xlsx([["N1", 1234.5, "2026-11-27"], ["N2", -100, "2026-11-27"], ["N3", 0, "2026-11-27"]])
    with pytest.raises(FormatError) as excinfo:
        read_table(data, SIMPLE, "payments.xlsx")
    assert [(e.line, e.reason) for e in excinfo.value.errors] == [
        (1, "金額に円未満の端数があります（1234.5）"),
        (2, "金額が負です（-100円）"),
        (3, "金額が0円です"),
    ]


def test_the_sheet_by_name():
    data = xlsx([["N1", 100, "2026-11-27"]], title="4月分")
    assert read_table(data, replace(SIMPLE, sheet="4月分"), "a.xlsx").meta["sheet"] == "4月分"
    with pytest.raises(FormatError) as excinfo:
        read_table(data, replace(SIMPLE, sheet="5月分"), "a.xlsx")
    error = only_error(excinfo)
    assert (error.field, error.reason) == ("シート", "シート「5月分」がありません（あるシート: 4月分）")


def test_files_that_are_not_xlsx():
    with pytest.raises(FormatError, match=r"旧形式のExcelファイル（\.xls）"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, SIMPLE, "old.xls")
    with pytest.raises(FormatError, match=r"Excelファイル（\.xlsx）として読めません"):
        read_table(b"1,100,2026-11-27\n", SIMPLE, "renamed.xlsx")

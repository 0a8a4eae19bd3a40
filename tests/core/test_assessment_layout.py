"""Assessment layouts and the files they read (tests/data/assessments, see make_files.py there)."""

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from saiken.core.formats import FieldError, FormatError
from saiken.core.formats.assessments import (
    KIND,
    AssessmentLayout,
    AssessmentRow,
    LayoutError,
    parse_fiscal_year,
    read_assessment_rows,
    read_assessments,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "assessments"


def layout(name: str) -> AssessmentLayout:
    return AssessmentLayout.from_dict(json.loads((DATA / f"{name}.layout.json").read_text(encoding="utf-8")))


def read(filename: str, layout_name: str = "general") -> list[AssessmentRow]:
    return read_assessments((DATA / filename).read_bytes(), layout(layout_name), filename)


def errors_of(filename: str, layout_name: str = "general") -> list[FieldError]:
    with pytest.raises(FormatError) as excinfo:
        read(filename, layout_name)
    return excinfo.value.errors


MINIMAL = {
    "name": "minimal",
    "columns": {"debtor_id": 1, "fiscal_year": 2, "instalment_no": 3, "nominal_due": 4, "amount": 5},
    "defaults": {"receivable": "city_tax", "assessed_on": "20260601"},
    "has_header": False,
}


# --- the good files ---------------------------------------------------------------------


def test_a_general_row_in_full():
    rows = read("general.utf8.csv")
    assert len(rows) == 6
    assert rows[4] == AssessmentRow(
        line=6, receivable="city_tax", fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=15_000,
        assessed_on=date(2026, 6, 1), identifier_system="resident", identifier="0000789", subject="個人市民税",
        notice_number="2026010000000201", name="鈴木 一郎", name_kana="ｽｽﾞｷ ｲﾁﾛｳ", birth_date=date(1980, 1, 15),
        postal_code="951-8550", address="新潟市中央区学校町通1番町602番地1",  # full-width digits folded, as the register stores them
    )


def test_fiscal_years_written_three_ways_and_amounts_with_commas():
    rows = read("general.utf8.csv")
    assert [r.fiscal_year for r in rows[:3]] == [2026, 2026, 2026]  # 2026, 令和8, R8
    assert [r.amount for r in rows[:3]] == [30_000, 29_000, 29_000]  # "29,000"
    # Dates are read as written: rolling over holidays is the ledger's work.
    assert rows[2].nominal_due == date(2026, 10, 31)


def test_shift_jis_with_a_title_line_wareki_dates_and_full_width_amounts():
    rows = read("housing.sjis.csv", "housing")
    assert [r.line for r in rows] == [3, 4, 5, 6]  # the title line counts
    assert [(r.instalment_no, r.subject, r.amount) for r in rows] == [(1, "家賃", 42_000), (1, "駐車場", 3_000), (2, "家賃", 42_000), (1, "家賃", 38_500)]
    assert {(r.receivable, r.identifier_system) for r in rows} == {("municipal_housing", "housing")}  # from defaults
    assert rows[0].nominal_due == date(2026, 4, 30) and rows[1].assessed_on == date(2026, 4, 1)
    assert rows[3].name == "髙橋 幸子"  # a cp932 extension character survives


def test_excel_on_a_named_sheet_with_number_and_date_cells():
    rows = read("childcare.xlsx", "childcare")
    assert [(r.line, r.identifier_system, r.identifier, r.instalment_no, r.amount) for r in rows] == [
        (2, "childcare", "C-0001", 1, 18_000), (3, "保育児童番号", "C-0001", 2, 18_000), (4, "childcare", "C-0002", 1, 9_000),
    ]
    assert rows[1].nominal_due == date(2026, 5, 31) and rows[0].fiscal_year == 2026


def test_excel_found_by_its_bytes_whatever_its_name():
    rows = read_assessments((DATA / "childcare.xlsx").read_bytes(), layout("childcare"), "upload.bin")
    assert len(rows) == 3


def test_a_headerless_file_by_column_numbers_with_debtor_ids():
    lay = AssessmentLayout.from_dict({**MINIMAL, "date_format": "%Y/%m/%d", "defaults": {"receivable": "city_tax", "assessed_on": "2026/06/01"}})
    rows = read_assessments("17,R8,第2期,2026/07/31,12000\n".encode(), lay, "x.csv")
    assert rows == [AssessmentRow(line=1, receivable="city_tax", fiscal_year=2026, instalment_no=2, nominal_due=date(2026, 7, 31),
                                  amount=12_000, assessed_on=date(2026, 6, 1), debtor_id=17)]
    assert rows[0].debtor_key == ("id", 17)
    # Errors name a numbered column by its number, a default as such, an unmapped target by its name.
    assert (lay.label("amount"), lay.label("receivable"), lay.label("name_kana")) == ("5列目（調定額）", "債権コード（既定値）", "フリガナ")


# --- the bad files: every error with its line, its column's header and a reason ---------------


@pytest.mark.parametrize("filename, field, reason", [
    ("impossible_date.csv", "納期限", "存在しない日付です（20260931）"),
    ("non_numeric_amount.csv", "調定額", "金額が数字ではありません（29,OOO）"),
    ("duplicate_instalment.csv", "期別", "2行目と同じ調定（債務者・債権・科目・年度・期別）です"),
])
def test_a_bad_row_is_named_by_line_header_and_reason(filename, field, reason):
    assert errors_of(f"bad/{filename}") == [FieldError(3, field, reason)]


@pytest.mark.parametrize("filename", ["unknown_receivable.csv", "due_outside_fiscal_year.csv", "unknown_identifier_without_name.csv"])
def test_what_only_the_database_can_tell_passes_the_reader(filename):
    # An unknown code or identifier and a due date outside its year are the importer's to find.
    assert len(read(f"bad/{filename}")) == 3


def test_every_error_of_a_file_at_once_and_the_good_rows_kept():
    data = (DATA / "bad" / "several_errors.csv").read_bytes()
    rows, errors = read_assessment_rows(data, layout("general"), "several_errors.csv")
    assert [(e.line, e.field) for e in errors] == [(3, "納期限"), (5, "調定額")]
    assert [r.line for r in rows] == [2, 4, 6]  # line 4's unknown code is for the importer


def test_blank_required_cells_and_short_rows():
    head = "債権コード,宛名番号,年度,期別,納期限,調定額,調定日\n"
    data = (head + "city_tax,,2026,1,20260630,100,20260601\ncity_tax,0000123,2026\n").encode()
    cols = {"receivable": "債権コード", "identifier": "宛名番号", "fiscal_year": "年度", "instalment_no": "期別", "nominal_due": "納期限", "amount": "調定額", "assessed_on": "調定日"}
    errors = pytest.raises(FormatError, read_assessments, data, AssessmentLayout(name="t", columns=cols, defaults={"identifier_system": "resident"}), "t.csv").value.errors
    assert errors[0] == FieldError(2, "宛名番号", "値がありません")
    assert [(e.line, e.field) for e in errors[1:]] == [(3, "期別"), (3, "納期限"), (3, "調定額"), (3, "調定日")]
    assert errors[1].reason == "4列目がありません（この行は3列）"


def test_a_missing_header_is_named():
    errors = errors_of("housing.sjis.csv", "general")  # the wrong layout for the file
    assert errors[0].line == 1 and "見出しに「債権コード」の列がありません" in errors[0].reason


def test_excel_impossible_values_in_cells():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "年度", "期別", "納期限", "金額"])
    sheet.append([5, 2026, 1, date(2026, 6, 30), 1000.5])
    sheet.append([6, "令和99", 0, "2026-06-31", "未定"])
    buf = io.BytesIO()
    book.save(buf)
    lay = AssessmentLayout.from_dict({**MINIMAL, "has_header": True, "columns": {"debtor_id": "id", "fiscal_year": "年度", "instalment_no": "期別", "nominal_due": "納期限", "amount": "金額"}})
    errors = pytest.raises(FormatError, read_assessments, buf.getvalue(), lay, "x.xlsx").value.errors
    assert [(e.line, e.field) for e in errors] == [(2, "金額"), (3, "年度"), (3, "期別"), (3, "納期限"), (3, "金額")]
    assert "円未満の端数" in errors[0].reason and "期別は1以上" in errors[2].reason


def test_empty_and_undecodable_files():
    assert errors_of_bytes(b"") == [FieldError(0, "ファイル", "データがありません（空のファイルです）")]
    assert errors_of_bytes("債権コード\n".encode("euc_jp") + "期別\n".encode("euc_jp"))[0].field == "文字コード"


def errors_of_bytes(data: bytes) -> list[FieldError]:
    with pytest.raises(FormatError) as excinfo:
        read_assessments(data, layout("general"), "x.csv")
    return excinfo.value.errors


# --- fiscal years -------------------------------------------------------------------------


@pytest.mark.parametrize("text, year", [
    ("2026", 2026), ("2026年度", 2026), ("令和8", 2026), ("令和8年度", 2026), ("R8", 2026), ("r08", 2026), ("Ｒ８", 2026),
    ("令和元年度", 2019), ("H31", 2019), ("平成30年度", 2018), ("H1", 1989),
])
def test_fiscal_years(text, year):
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize("text, reason", [
    ("26", "西暦の年度は4桁です"), ("平成32年度", "平成32年度はありません"), ("令和0", "1（元年）から"), ("S60", "年度として読めません"),
    ("1900", "扱えません"), ("", "年度として読めません"),
])
def test_impossible_fiscal_years(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_fiscal_year(text)


# --- the layout as stored JSON -------------------------------------------------------------


def test_layouts_round_trip_through_json_with_their_kind():
    for name in ("general", "housing", "childcare"):
        d = layout(name).to_dict()
        assert d["kind"] == KIND
        assert AssessmentLayout.from_dict(json.loads(json.dumps(d))) == layout(name)


def test_a_frozen_layout_keeps_its_own_copies():
    columns = dict(MINIMAL["columns"])
    lay = AssessmentLayout.from_dict({**MINIMAL, "columns": columns})
    columns["amount"] = 9
    assert lay.columns["amount"] == 5


@pytest.mark.parametrize("change, problem", [
    ({"columns": {**MINIMAL["columns"], "amout": 6}}, "columns の項目「amout」は使えません"),
    ({"columns": {k: v for k, v in MINIMAL["columns"].items() if k != "debtor_id"}}, "債務者を指定する列"),
    ({"columns": {**MINIMAL["columns"], "identifier": 6}}, "debtor_id か identifier"),
    ({"columns": {**{k: v for k, v in MINIMAL["columns"].items() if k != "debtor_id"}, "identifier": 6}}, "identifier_system（番号の種類）を columns か defaults"),
    ({"columns": {k: v for k, v in MINIMAL["columns"].items() if k != "amount"}}, "「amount」（調定額）を columns か defaults"),
    ({"columns": {**MINIMAL["columns"], "amount": "金額"}}, "列番号で指定してください"),
    ({"columns": {**MINIMAL["columns"], "amount": 0}}, "列番号は1以上"),
    ({"defaults": {"receivable": "city_tax", "assessed_on": "20260601", "fiscal_year": "2026"}}, "columns と defaults の両方"),
    ({"defaults": {"receivable": "city_tax", "assessed_on": "20260601", "name": "山田"}}, "defaults に「name」は指定できません"),
    ({"defaults": {"receivable": "city_tax", "assessed_on": "2026-06-01"}}, "defaults「assessed_on」: 日付が書式「%Y%m%d」と一致しません"),
    ({"defaults": {"receivable": "", "assessed_on": "20260601"}}, "defaults「receivable」の値は空でない文字列です"),
    ({"encoding": "EUC-JP"}, "文字コード「EUC-JP」には対応していません"),
    ({"date_format": "%Y"}, "date_format「%Y」では年月日を読めません"),
    ({"skip_rows": -1}, "skip_rows"),
    ({"kind": "payments"}, "調定の取込レイアウトではありません"),
    ({"channel": "elqr"}, "収納データの取込レイアウトです"),
    ({"colums": {}}, "不明な設定項目「colums」"),
])
def test_a_bad_layout_names_what_is_wrong(change, problem):
    with pytest.raises(LayoutError) as excinfo:
        AssessmentLayout.from_dict({**MINIMAL, **change})
    assert any(problem in p for p in excinfo.value.problems), excinfo.value.problems
    assert "レイアウト「minimal」の設定が正しくありません" in str(excinfo.value)


def test_a_layout_that_is_not_an_object():
    with pytest.raises(LayoutError, match="JSONオブジェクト"):
        AssessmentLayout.from_dict(["name"])


# --- the contract date (契約日・債権の発生日) -------------------------------------------------

LOANS = {
    "name": "loans",
    "columns": {"identifier": "貸付番号", "fiscal_year": "年度", "instalment_no": "回", "nominal_due": "納期限", "amount": "償還額",
                "assessed_on": "調定日", "arose_on": "契約日"},
    "defaults": {"receivable": "scholarship_loan", "identifier_system": "resident"},
}
LOANS_HEADER = "貸付番号,年度,回,納期限,償還額,調定日,契約日\n"


def read_loans(body: str, **change) -> tuple[list[AssessmentRow], list[FieldError]]:
    return read_assessment_rows((LOANS_HEADER + body).encode(), AssessmentLayout(**{**LOANS, **change}), "loans.csv")


def test_a_contract_date_is_read_and_a_blank_one_stays_none():
    rows, errors = read_loans("S-1,2023,1,20230630,12000,20230401,20150301\nS-2,2023,1,20230630,12000,20230401,\n")
    assert errors == []
    assert [(r.identifier, r.arose_on) for r in rows] == [("S-1", date(2015, 3, 1)), ("S-2", None)]


def test_a_contract_date_in_wareki():
    rows, _ = read_loans("S-1,R5,1,R5.6.30,12000,R5.4.1,平成27年3月1日\n", date_format="wareki")
    assert rows[0].arose_on == date(2015, 3, 1)


@pytest.mark.parametrize("cell, reason", [
    ("20150231", "存在しない日付です（20150231）"),
    ("2015/3/1x", None),
    ("20230701", "契約日・債権の発生日（2023-07-01）が納期限（2023-06-30）より後です"),
])
def test_a_bad_contract_date_is_named_by_line_header_and_reason(cell, reason):
    rows, errors = read_loans(f"S-1,2023,1,20230630,12000,20230401,20150301\nS-2,2023,1,20230630,12000,20230401,{cell}\n")
    assert [r.line for r in rows] == [2]
    [e] = errors
    assert (e.line, e.field) == (3, "契約日")
    if reason is not None:
        assert e.reason == reason


def test_a_contract_date_on_the_due_date_is_allowed():
    rows, errors = read_loans("S-1,2023,1,20230630,12000,20230401,20230630\n")
    assert (errors, rows[0].arose_on) == ([], date(2023, 6, 30))


def test_a_contract_date_cannot_be_a_default():
    with pytest.raises(LayoutError) as excinfo:
        AssessmentLayout(**{**LOANS, "columns": {k: v for k, v in LOANS["columns"].items() if k != "arose_on"},
                            "defaults": {**LOANS["defaults"], "arose_on": "20150301"}})
    assert any("arose_on" in p for p in excinfo.value.problems)

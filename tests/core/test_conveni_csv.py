"""The agency's 速報/確報 CSV: the files of tests/data/conveni (see make_files.py for their story)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from saiken.core.conveni import barcode_content
from saiken.core.formats import CANCEL, PAYMENT, PRELIMINARY, FormatError, PaymentRecord
from saiken.core.formats.conveni_csv import COLUMNS, read_conveni

DATA = Path(__file__).resolve().parent.parent / "data" / "conveni"
ISSUER = "917311"


def read(name: str):
    return read_conveni((DATA / name).read_bytes())


def slip(receivable: int, notice: int, instalment: int, amount: int) -> str:
    return barcode_content(
        issuer=ISSUER, free=f"2026{receivable:02d}{notice:010d}{instalment:02d}", deadline=date(2026, 11, 30), amount=amount
    )


# The cast of make_files.py.
A = slip(1, 123456, 3, 12_300)  # preliminary, then final
B = slip(5, 88001, 8, 25_000)  # preliminary, then final
C = slip(3, 40021, 6, 5_100)  # preliminary, then cancelled
D = slip(9, 7002, 8, 42_000)  # paid twice
P = slip(1, 123999, 3, 8_800)  # post office, then corrected away
E = slip(5, 88002, 8, 3_000)  # final without preliminary


def by_barcode(parsed) -> dict[str, list[PaymentRecord]]:
    out: dict[str, list[PaymentRecord]] = {}
    for r in parsed.records:
        out.setdefault(r.match["barcode"], []).append(r)
    return out


@pytest.mark.parametrize("name", ["preliminary", "final", "cancel"])
def test_utf8_with_header_and_shift_jis_without_read_the_same(name):
    with_header = read(f"{name}.utf8.csv").records
    assert [replace(r, line=r.line - 1) for r in with_header] == list(read(f"{name}.sjis.csv").records)


def test_a_preliminary_record_in_full():
    first = read("preliminary.utf8.csv").records[0]
    assert first == PaymentRecord(
        line=2,  # under the header
        key=f"{A}:202611261015:0012345",
        amount=12_300,
        paid_on=date(2026, 11, 26),
        channel="convenience",
        match={"barcode": A},
        action=PRELIMINARY,
        booked_on=None,
        extra={
            "kind": "01",
            "store_code": "0012345",
            "chain_code": "0001",
            "chain_name": "セブン-イレブン",
            "paid_at": "10:15",
            "user_field_1": "2026-01-0000123456",
            "user_field_2": "03",
            "stamp_flag": "0",
            "created_on": "2026-11-27",
        },
    )
    assert read("preliminary.sjis.csv").records[0].line == 1  # no header


def test_the_preliminary_file():
    parsed = read("preliminary.utf8.csv")
    assert [(r.line, r.action, r.amount) for r in parsed.records] == [
        (2, PRELIMINARY, 12_300),
        (3, PRELIMINARY, 42_000),
        (4, PRELIMINARY, 8_800),  # 12: a post office, reported like a 速報
        (5, PRELIMINARY, 25_000),
        (6, PRELIMINARY, 5_100),
        (7, PRELIMINARY, 42_000),
    ]
    assert parsed.totals is None  # the caller counts and sums
    assert parsed.meta == {"format": "conveni_csv", "created_on": "2026-11-27"}
    assert by_barcode(parsed)[P][0].extra["chain_name"] == "ゆうちょ銀行（郵便局）"


def test_the_final_file_books_the_transfer_date():
    parsed = read("final.utf8.csv")
    assert {r.action for r in parsed.records} == {PAYMENT}
    assert {r.booked_on for r in parsed.records} == {date(2026, 12, 4)}
    assert [r.match["barcode"] for r in parsed.records] == [E, A, D, B, D]


def test_a_preliminary_and_its_final_share_the_key():
    preliminary = by_barcode(read("preliminary.utf8.csv"))
    final = by_barcode(read("final.utf8.csv"))
    for barcode in (A, B):
        assert [r.key for r in preliminary[barcode]] == [r.key for r in final[barcode]]
        assert preliminary[barcode][0].paid_on == final[barcode][0].paid_on


def test_a_cancellation_shares_the_key_of_what_it_cancels():
    preliminary = by_barcode(read("preliminary.utf8.csv"))
    cancel = by_barcode(read("cancel.utf8.csv"))
    assert [r.action for r in cancel[C]] == [CANCEL]
    assert cancel[C][0].key == preliminary[C][0].key
    # 22, a post-office correction, cancels the post office's 12 record.
    assert cancel[P][0].action == CANCEL
    assert cancel[P][0].extra["kind"] == "22"
    assert cancel[P][0].key == preliminary[P][0].key
    assert cancel[P][0].amount == preliminary[P][0].amount


def test_the_same_slip_paid_twice_is_two_payments():
    preliminary = by_barcode(read("preliminary.utf8.csv"))[D]
    final = by_barcode(read("final.utf8.csv"))[D]
    assert len({r.key for r in preliminary}) == 2
    assert [r.key for r in final] == [r.key for r in preliminary]
    assert [r.extra["store_code"] for r in final] == ["0012345", "0456789"]
    assert [r.paid_on for r in final] == [date(2026, 11, 26), date(2026, 11, 27)]


def test_a_final_without_a_preliminary():
    keys = {r.key for r in read("preliminary.utf8.csv").records}
    late = by_barcode(read("final.utf8.csv"))[E]
    assert late[0].key == f"{E}:202611252358:0345600"
    assert late[0].key not in keys


# --- the malformed corpus -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "field", "phrase"),
    [
        ("bad_check_digit.csv", 3, "バーコード情報", "チェックデジットが一致しません"),
        ("amount_mismatch.csv", 3, "金額", "バーコードの金額（42,000円）と一致しません"),
        ("impossible_date.csv", 3, "収納日", "存在しない日付です（20261131）"),
        ("unknown_kind.csv", 3, "種別", "種別「05」は不明です"),
        ("non_numeric_amount.csv", 3, "金額", "数字ではありません"),
        ("amount_overflow.csv", 3, "金額", "大きすぎます"),
        ("wrong_encoding.csv", 0, "文字コード", "UTF-8としてもShift_JISとしても読めません"),
        ("ebcdic.csv", 0, "文字コード", "EBCDIC"),
        ("missing_column.csv", 1, "店舗コード", "見出しに「店舗コード」の列がありません"),
        ("empty.csv", 0, "ファイル", "データがありません"),
    ],
)
def test_each_bad_file_names_its_defect(name, line, field, phrase):
    with pytest.raises(FormatError) as excinfo:
        read(f"bad/{name}")
    [error] = excinfo.value.errors
    assert (error.line, error.field) == (line, field)
    assert phrase in error.reason


def test_a_missing_column_without_header_is_reported_on_every_row():
    with pytest.raises(FormatError) as excinfo:
        read("bad/missing_column_no_header.csv")
    assert [(e.line, e.field, e.reason) for e in excinfo.value.errors] == [
        (n, "列数", "13列のはずが12列です") for n in (1, 2, 3)
    ]


# --- rows written here ----------------------------------------------------------------


def row(**cells: str) -> list[str]:
    values = {
        "種別": "01",
        "収納日": "20261126",
        "収納時刻": "1015",
        "バーコード情報": "EAN" + A,
        "ユーザー使用欄1": "",
        "ユーザー使用欄2": "",
        "印紙フラグ": "0",
        "金額": "12300",
        "コンビニ本部コード": "0001",
        "コンビニ名": "セブン-イレブン",
        "店舗コード": "0012345",
        "振込日": "",
        "データ作成日": "20261127",
    }
    values.update(cells)
    return [values[c] for c in COLUMNS]


def csv(*rows: list[str], header: list[str] | None = None) -> bytes:
    lines = ([header] if header else []) + list(rows)
    return "".join(",".join(r) + "\r\n" for r in lines).encode("cp932")


def errors(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(FormatError) as excinfo:
        read_conveni(data)
    return [(e.line, e.field) for e in excinfo.value.errors]


def test_every_error_of_every_row_is_reported_and_nothing_is_returned():
    data = csv(
        row(),
        row(**{"収納日": "20261132", "収納時刻": "2460"}),
        row(),  # a duplicate of line 1
        row(**{"種別": "02"}),  # a final without 振込日
        row(**{"印紙フラグ": "x", "店舗コード": ""}),
    )
    assert errors(data) == [
        (2, "収納日"),
        (2, "収納時刻"),
        (3, "バーコード情報"),
        (4, "振込日"),
        (5, "印紙フラグ"),
        (5, "店舗コード"),
    ]


def test_dates_that_contradict_each_other():
    data = csv(
        row(**{"種別": "02", "振込日": "20261125"}),
        row(**{"データ作成日": "20261120"}),
    )
    assert errors(data) == [(1, "振込日"), (2, "データ作成日")]


def test_a_header_may_order_columns_its_own_way_and_add_some():
    header = ["備考", *reversed(COLUMNS)]
    data = csv(["メモ", *reversed(row())], header=header)
    [record] = read_conveni(data).records
    assert record.line == 2
    assert replace(record, line=1) == read_conveni(csv(row())).records[0]


def test_bare_digits_and_a_trailing_comma_are_accepted():
    data = ",".join(row(**{"バーコード情報": A})).encode() + b",\r\n"
    [record] = read_conveni(data).records
    assert record.match == {"barcode": A}


def test_the_barcode_must_be_ean_and_44_digits():
    assert errors(csv(row(**{"バーコード情報": "EAN" + A[:-1]}))) == [(1, "バーコード情報")]


def test_a_header_only_file():
    with pytest.raises(FormatError, match="見出し行のみ"):
        read_conveni(csv(header=list(COLUMNS)))


def test_a_non_final_transfer_date_is_kept_not_booked():
    [record] = read_conveni(csv(row(**{"振込日": "20261204"}))).records
    assert record.booked_on is None
    assert record.extra["transfer_date"] == "2026-12-04"

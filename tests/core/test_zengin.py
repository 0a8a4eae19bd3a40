"""全銀協 口座振替 (91) and 総合振込 (21) files: FORMATS.md §1–2.

The sample files in tests/data/zengin/ come from make_files.py: a request of
eight debits for 2025-05-27, one per result code (0 twice), and the bank's
result for it in three line-ending styles; bad/ holds the same result with
one defect each.
"""

import importlib.util
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from saiken.core.formats import FAILED_DEBIT, PAYMENT, FileTotals, FormatError
from saiken.core.formats import banks
from saiken.core.formats.kana import bank_kana
from saiken.core.formats.zengin import (
    DEBIT_DATA,
    DEBIT_HEADER,
    DEBIT_TRAILER,
    RESULT_CODES,
    TRANSFER_DATA,
    TRANSFER_TRAILER,
    TransferItem,
    make_debit_result,
    read_debit_result,
    write_credit_transfer,
    write_debit_request,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "zengin"
DEBIT_DATE = date(2025, 5, 27)


def _load_make_files():
    spec = importlib.util.spec_from_file_location("zengin_make_files", DATA / "make_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


samples = _load_make_files()
ITEMS, CODES, CITY = samples.ITEMS, samples.CODES, samples.CITY


def read(name, **kw):
    return read_debit_result((DATA / name).read_bytes(), debit_date=kw.pop("debit_date", DEBIT_DATE), **kw)


def errors_of(data, **kw):
    with pytest.raises(FormatError) as e:
        read_debit_result(data, debit_date=kw.pop("debit_date", DEBIT_DATE), **kw)
    return e.value.errors


def has_error(errors, line, field, phrase):
    return any(e.line == line and e.field == field and phrase in e.reason for e in errors)


def request(items=ITEMS, **kw):
    return write_debit_request(**(CITY | {"debit_date": DEBIT_DATE, "items": items} | kw))


def record(data: bytes, n: int) -> str:
    """The n-th (1-based) record of a CRLF file, as text."""
    return data.split(b"\r\n")[n - 1].decode("cp932")


def field(text, layout, name):
    f = next(f for f in layout if f.name == name)
    return text[f.start - 1 : f.end]


# --- layouts and sample files ------------------------------------------------


@pytest.mark.parametrize(
    "layout, name, start, end",
    [
        (DEBIT_HEADER, "引落日", 55, 58),
        (DEBIT_HEADER, "取引支店名", 81, 95),
        (DEBIT_HEADER, "口座番号", 97, 103),
        (DEBIT_DATA, "預金種目", 43, 43),
        (DEBIT_DATA, "預金者名", 51, 80),
        (DEBIT_DATA, "引落金額", 81, 90),
        (DEBIT_DATA, "顧客番号", 92, 111),
        (DEBIT_DATA, "振替結果コード", 112, 112),
        (DEBIT_TRAILER, "振替済件数", 20, 25),
        (DEBIT_TRAILER, "振替不能金額", 44, 55),
        (TRANSFER_DATA, "手形交換所番号", 39, 42),
        (TRANSFER_DATA, "顧客コード2", 102, 111),
        (TRANSFER_DATA, "振込指定区分", 112, 112),
        (TRANSFER_DATA, "識別表示", 113, 113),
        (TRANSFER_TRAILER, "合計金額", 8, 19),
    ],
)
def test_layout_positions_match_the_standard(layout, name, start, end):
    f = next(f for f in layout if f.name == name)
    assert (f.start, f.end) == (start, end)


def test_committed_files_are_what_make_files_writes():
    built = samples.build()
    on_disk = {str(p.relative_to(DATA)): p.read_bytes() for p in DATA.rglob("*.dat")}
    assert set(on_disk) == set(built)
    for name, data in built.items():
        assert on_disk[name] == data, f"{name} is stale: run tests/data/zengin/make_files.py"


def test_request_file_has_no_line_breaks():
    data = (DATA / "request_nobreak.dat").read_bytes()
    assert len(data) == 120 * (len(ITEMS) + 3)
    assert b"\r" not in data and b"\n" not in data
    assert data.decode("cp932")[:4] == "1910"


def test_result_file_has_crlf_after_every_record():
    lines = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    assert lines[-1] == b""
    assert [len(line) for line in lines[:-1]] == [120] * (len(ITEMS) + 3)


# --- reading results -----------------------------------------------------------


def test_reads_a_result_file():
    parsed = read("result_crlf.dat")
    assert [r.result_code for r in parsed.records] == CODES
    assert [r.action for r in parsed.records] == [PAYMENT] + [FAILED_DEBIT] * 6 + [PAYMENT]
    first = parsed.records[0]
    assert first.line == 2
    assert first.key == "2025-05-27:00000000012320250101"
    assert first.amount == 5_000
    assert first.paid_on == DEBIT_DATE
    assert first.channel == "direct_debit"
    assert first.match == {
        "customer_number": "00000000012320250101",
        "bank_code": "0001",
        "branch_code": "001",
        "account_number": "1234567",
    }
    assert first.extra["holder"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
    paid = ITEMS[0].amount + ITEMS[7].amount
    total = sum(i.amount for i in ITEMS)
    assert parsed.totals == FileTotals(
        count=8, amount=total, paid_count=2, paid_amount=paid, failed_count=6, failed_amount=total - paid
    )
    assert parsed.meta["委託者コード"] == "0012345678"
    assert parsed.meta["委託者名"] == "ｻｲｹﾝｼ ｶｲｹｲｶﾝﾘｼﾔ"
    assert parsed.meta["引落日"] == "2025-05-27"
    assert parsed.meta["取引銀行番号"] == "0140"
    assert parsed.meta["取引支店番号"] == "281"
    assert parsed.meta["ファイル"] == "結果"


def test_half_width_names_come_back_as_the_bank_wrote_them():
    holders = [r.extra["holder"] for r in read("result_crlf.dat").records]
    assert holders == [
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "ｽｽﾞｷ ｲﾁﾛ-",
        "(ｶ)ﾊﾟ-ｸ ｻ-ﾋﾞｽ",
        "ｼﾞﾖｳﾉ ｷﾖｳｺ",
        "ﾎﾟﾂﾎﾟ ﾊﾅｺ",
        "ｶﾞﾂｺｳﾎｳｼﾞﾝ ﾐﾄﾞﾘｶﾞｵｶｶﾞｸｴﾝ",
        "ｻﾄｳ ｳﾞｲｸﾄﾘｱ",
        "ﾜﾀﾅﾍﾞ ｼﾞﾕﾝｲﾁﾛｳ ﾀﾞｲﾋﾖｳｼﾔ ｶﾌﾞｼｷ",  # cut at 29: the 30th byte's ﾞ would have been lost
    ]


def test_line_endings_and_eof_mark_do_not_matter():
    crlf = read("result_crlf.dat")
    assert read("result_lf_eof.dat") == crlf
    raw = (DATA / "result_crlf.dat").read_bytes()
    assert read_debit_result(raw.replace(b"\r\n", b"\r"), debit_date=DEBIT_DATE) == crlf
    assert read_debit_result(raw.replace(b"\r\n", b""), debit_date=DEBIT_DATE) == crlf
    assert read_debit_result(raw + b"\x1a", debit_date=DEBIT_DATE) == crlf


def test_a_request_is_not_taken_as_a_result():
    errors = errors_of((DATA / "request_nobreak.dat").read_bytes())
    assert has_error(errors, 10, "振替済件数・振替不能件数", "依頼ファイル")  # the trailer


def test_a_request_can_be_read_when_asked_for():
    parsed = read("request_nobreak.dat", allow_request=True)
    assert parsed.meta["ファイル"] == "依頼"
    assert [r.result_code for r in parsed.records] == [None] * len(ITEMS)
    assert parsed.totals == FileTotals(count=8, amount=sum(i.amount for i in ITEMS))


def test_a_request_with_blank_result_codes_is_read():
    raw = (DATA / "request_nobreak.dat").read_bytes().decode("cp932")
    records = [raw[i : i + 120] for i in range(0, len(raw), 120)]
    records = [r[:111] + " " + r[112:] if r[0] == "2" else r for r in records]
    parsed = read_debit_result("".join(records).encode("cp932"), debit_date=DEBIT_DATE, allow_request=True)
    assert len(parsed.records) == len(ITEMS)


@pytest.mark.parametrize("code", ["0", "1", "2", "3", "4", "8", "9", "5", "E"])
def test_each_result_code(code):
    item = ITEMS[0]
    parsed = read_debit_result(make_debit_result(request([item]), {item.customer_number: code}), debit_date=DEBIT_DATE)
    (rec,) = parsed.records
    assert rec.result_code == code  # unknown codes (5, E) are kept raw, never refused
    assert rec.action == (PAYMENT if code == "0" else FAILED_DEBIT)
    assert (parsed.totals.paid_count, parsed.totals.failed_count) == ((1, 0) if code == "0" else (0, 1))


def test_result_codes_have_their_meaning():
    assert set(RESULT_CODES) == {"0", "1", "2", "3", "4", "8", "9"}
    assert RESULT_CODES["1"] == "資金不足"
    assert RESULT_CODES["4"] == "預金口座振替依頼書なし"


@pytest.mark.parametrize("line_ending", ["crlf", "none"])
def test_round_trip(line_ending):
    codes = {item.customer_number: code for item, code in zip(ITEMS, CODES)}
    result = make_debit_result(request(line_ending=line_ending), codes, line_ending=line_ending)
    parsed = read_debit_result(result, debit_date=DEBIT_DATE)
    assert len(parsed.records) == len(ITEMS)
    for rec, item in zip(parsed.records, ITEMS):
        assert rec.key == f"2025-05-27:{item.customer_number}"
        assert rec.amount == item.amount
        assert rec.match == {
            "customer_number": item.customer_number,
            "bank_code": item.bank_code,
            "branch_code": item.branch_code,
            "account_number": item.account_number,
        }
        assert rec.extra == {"holder": bank_kana(item.holder, 30), "account_type": item.account_type}
        assert rec.result_code == codes[item.customer_number]


def test_the_date_must_be_the_one_asked_for():
    errors = errors_of((DATA / "result_crlf.dat").read_bytes(), debit_date=date(2025, 5, 26))
    assert has_error(errors, 1, "引落日", "2025-05-26 と違います")


# --- malformed files: each has one defect, and the error says where ------------


@pytest.mark.parametrize(
    "name, line, field, phrase",
    [
        ("record_length", 3, "レコード長", "119バイト"),
        ("trailer_count", 10, "合計件数", "データレコードの数 8件と一致しません"),
        ("trailer_amount", 10, "合計金額", "データの合計 1,235,024,235円と一致しません"),
        ("paid_plus_failed", 10, "振替済件数・振替不能件数", "振替済件数 2件 ＋ 振替不能件数 7件 が合計件数 8件と一致しません"),
        ("amount_not_numeric", 2, "引落金額", "数字でなければなりません: 「00000050O0」"),
        ("amount_overflow", 103, "合計金額", "1,009,999,999,899円は12桁に収まりません"),
        ("unknown_bank", 2, "引落銀行番号", "銀行コード 0999 は存在しません"),
        ("unknown_branch", 2, "引落支店番号", "銀行コード 0001 に支店コード 999 は存在しません"),
        ("ebcdic_code_kubun", 1, "コード区分", "EBCDIC"),
        ("ebcdic_bytes", 1, "コード区分", "EBCDIC のファイルです（先頭バイト 0xF1）"),
        ("utf8_names", 1, "委託者名", "UTF-8 の文字があります"),
        ("utf8_names", 2, "引落銀行名", "UTF-8 の文字があります"),
        ("missing_end", 0, "データ区分", "エンドレコード（データ区分 9）がありません"),
        ("data_after_end", 12, "データ区分", "エンドレコード（11行目）の後にレコードがあります"),
        ("small_kana", 2, "預金者名", "小さい仮名「ｯ」"),
        ("detached_mark", 2, "預金者名", "先頭の「ﾞ」は仮名から離れています"),
        ("account_type_5", 2, "預金種目", "預金種目「5」は口座振替にありません"),
        ("dummy_not_blank", 2, "ダミー", "ダミー（113〜120バイト目）は空白のはずが「00000000」です"),
        ("byte_0x80", 2, "預金者名", "文字ではないバイト 0x80 があります（70バイト目"),
        ("byte_0xA0", 2, "預金者名", "文字ではないバイト 0xA0"),
        ("byte_0xFD", 2, "預金者名", "文字ではないバイト 0xFD"),
        ("byte_0xFE", 2, "預金者名", "文字ではないバイト 0xFE"),
        ("byte_0xFF", 2, "預金者名", "文字ではないバイト 0xFF"),
    ],
)
def test_bad_file(name, line, field, phrase):
    errors = errors_of((DATA / "bad" / f"{name}.dat").read_bytes())
    assert has_error(errors, line, field, phrase), errors


@pytest.mark.parametrize(
    "name, count",
    [
        ("record_length", 1),  # a record that cannot be read does not also break the totals
        ("amount_not_numeric", 1),
        ("unknown_bank", 1),
        ("unknown_branch", 1),
        ("ebcdic_code_kubun", 1),
        ("ebcdic_bytes", 1),
        ("missing_end", 1),
        ("data_after_end", 1),
        ("utf8_names", 9),  # every record with kana in it
        ("paid_plus_failed", 2),  # the 不能 count disagrees with the data and with the total
        ("small_kana", 1),
        ("detached_mark", 1),
        ("account_type_5", 1),
        ("dummy_not_blank", 1),
        ("byte_0x80", 1),
        ("byte_0xFF", 1),
    ],
)
def test_one_defect_gives_no_cascade(name, count):
    assert len(errors_of((DATA / "bad" / f"{name}.dat").read_bytes())) == count


def test_every_bad_file_is_tested():
    tested = {p[0] for p in test_bad_file.pytestmark[0].args[1]}
    assert tested == {p.stem for p in (DATA / "bad").glob("*.dat")}


def test_all_errors_are_reported_at_once():
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    rec[1] = rec[1][:1] + b"0999" + rec[1][5:]  # unknown bank on line 2
    rec[4] = rec[4][:80] + b"ABCDEFGHIJ" + rec[4][90:]  # bad amount on line 5
    errors = errors_of(b"\r\n".join(rec), debit_date=date(2025, 5, 28))
    assert has_error(errors, 1, "引落日", "違います")
    assert has_error(errors, 2, "引落銀行番号", "存在しません")
    assert has_error(errors, 5, "引落金額", "数字")
    assert [e.line for e in errors] == sorted(e.line for e in errors)


def test_no_break_file_of_the_wrong_length():
    data = (DATA / "request_nobreak.dat").read_bytes()
    data = data[:300] + data[301:]  # one byte lost from line 3
    errors = errors_of(data, allow_request=True)
    assert has_error(errors, 0, "レコード長", "120バイトの倍数ではありません（4件目から位置がずれています）")


def test_empty_file():
    assert has_error(errors_of(b"\x1a"), 0, "ファイル", "空です")


def test_a_credit_transfer_file_is_not_a_debit_file():
    errors = errors_of((DATA / "transfer_crlf.dat").read_bytes())
    assert len(errors) == 1
    assert has_error(errors, 1, "種別コード", "総合振込")


def test_blank_result_code_in_a_result():
    data = (DATA / "result_crlf.dat").read_bytes()
    rec = data.split(b"\r\n")
    rec[2] = rec[2][:111] + b" " + rec[2][112:]  # line 3 was code 1 (資金不足)
    errors = errors_of(b"\r\n".join(rec))
    assert has_error(errors, 3, "振替結果コード", "空白")


def test_duplicate_customer_number_is_refused():
    # Keys are date + 顧客番号: a second record with the same key would post nothing.
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    rec[3] = rec[3][:91] + rec[1][91:111] + rec[3][111:]
    errors = errors_of(b"\r\n".join(rec))
    assert has_error(errors, 4, "顧客番号", "2行目と重複しています")


def test_records_out_of_order():
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    trailer = rec.pop(9)
    rec.insert(5, trailer)  # trailer before the last four data records
    errors = errors_of(b"\r\n".join(rec))
    assert has_error(errors, 7, "データ区分", "トレーラー（6行目）の後にデータがあります")


def test_header_filler_is_read_leniently():
    # Some banks leave the city's bank (59–95) blank and treat 96–120 as filler.
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    rec[0] = rec[0][:58] + b" " * 37 + b"XX-" + b" " * 22
    parsed = read_debit_result(b"\r\n".join(rec), debit_date=DEBIT_DATE)
    assert "取引銀行番号" not in parsed.meta and "口座番号" not in parsed.meta
    assert len(parsed.records) == len(ITEMS)


def test_missing_header():
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    errors = errors_of(b"\r\n".join(rec[1:]))
    assert has_error(errors, 1, "データ区分", "先頭のレコードはヘッダー")


def test_full_width_shift_jis_is_refused():
    rec = (DATA / "result_crlf.dat").read_bytes().split(b"\r\n")
    rec[1] = rec[1][:50] + "ヤマダ".encode("cp932") + rec[1][56:]  # same length, full-width kana
    errors = errors_of(b"\r\n".join(rec))
    assert has_error(errors, 2, "預金者名", "全角文字「ヤ」")


# --- writing ---------------------------------------------------------------------


def test_written_request_fields():
    data = request()
    header, first, trailer, end = record(data, 1), record(data, 2), record(data, 10), record(data, 11)
    assert field(header, DEBIT_HEADER, "委託者コード") == "0012345678"
    assert field(header, DEBIT_HEADER, "委託者名") == "ｻｲｹﾝｼ ｶｲｹｲｶﾝﾘｼﾔ".ljust(40)
    assert field(header, DEBIT_HEADER, "引落日") == "0527"
    assert field(first, DEBIT_DATA, "引落金額") == "0000005000"
    assert field(first, DEBIT_DATA, "振替結果コード") == "0"
    assert field(first, DEBIT_DATA, "ダミー") == "    "
    assert field(trailer, DEBIT_TRAILER, "合計件数") == "000008"
    assert trailer[19:55] == "0" * 36  # the result totals are zero in a request
    assert end == "9" + " " * 119


def test_long_names_are_cut_not_refused():
    long = replace(ITEMS[0], holder="ア" * 40)
    assert field(record(request([long]), 2), DEBIT_DATA, "預金者名") == "ｱ" * 30


GOOD = ITEMS[0]


@pytest.mark.parametrize(
    "header, item, line, field_name, phrase",
    [
        ({"consignor_code": "12345678901"}, {}, 1, "委託者コード", "10桁を超えています"),
        ({"consignor_code": "12-34"}, {}, 1, "委託者コード", "数字で指定してください"),
        ({"consignor_name": "債権市"}, {}, 1, "委託者名", "漢字は書けません"),
        ({"bank_code": "0999"}, {}, 1, "取引銀行番号", "銀行コード 0999 は存在しません"),
        ({"branch_code": "999"}, {}, 1, "取引支店番号", "支店コード 999 は存在しません"),
        ({"account_type": "3"}, {}, 1, "預金種目", "'3' は使えません"),
        ({"account_number": "12345678"}, {}, 1, "口座番号", "7桁を超えています"),
        ({"debit_date": "2025-05-27"}, {}, 1, "引落日", "日付で指定してください"),
        ({}, {"amount": 0}, 2, "引落金額", "1円以上"),
        ({}, {"amount": 10_000_000_000}, 2, "引落金額", "9,999,999,999円以下"),
        ({}, {"amount": 1500.0}, 2, "引落金額", "整数（円）"),
        ({}, {"amount": True}, 2, "引落金額", "整数（円）"),
        ({}, {"customer_number": "1" * 19}, 2, "顧客番号", "20桁の数字です"),
        ({}, {"customer_number": "１" * 20}, 2, "顧客番号", "数字で指定してください"),
        ({}, {"holder": "山田太郎"}, 2, "預金者名", "「山」"),
        ({}, {"holder": "　"}, 2, "預金者名", "空です"),
        ({}, {"account_type": "4"}, 2, "預金種目", "'4' は使えません"),
        ({}, {"new_code": "3"}, 2, "新規コード", "'3' は使えません"),
        ({}, {"bank_code": "0999"}, 2, "引落銀行番号", "存在しません"),
        ({}, {"bank_code": "1"}, 2, "引落銀行番号", "4桁の数字"),
        ({}, {"branch_code": "999"}, 2, "引落支店番号", "存在しません"),
        ({}, {"bank_name": "ミズホ銀行"}, 2, "引落銀行名", "「銀」"),
    ],
)
def test_writer_refuses_bad_input(header, item, line, field_name, phrase):
    with pytest.raises(ValueError) as e:
        request([replace(GOOD, **item)], **header)
    errors = e.value.errors
    assert has_error(errors, line, field_name, phrase), errors
    assert field_name in str(e.value)


def test_writer_reports_every_bad_item():
    items = [replace(GOOD, amount=0), GOOD, replace(GOOD, customer_number=ITEMS[1].customer_number, holder="漢")]
    items.append(replace(ITEMS[1]))  # the same 顧客番号 as the third: refused
    with pytest.raises(FormatError) as e:
        request(items)
    errors = e.value.errors
    assert has_error(errors, 2, "引落金額", "1円以上")
    assert has_error(errors, 3, "顧客番号", "2行目と重複しています")
    assert has_error(errors, 4, "預金者名", "「漢」")
    assert has_error(errors, 5, "顧客番号", "4行目と重複しています")


def test_writer_refuses_an_empty_file_and_bad_line_endings():
    with pytest.raises(FormatError, match="引落データが1件もありません"):
        request([])
    with pytest.raises(ValueError, match="改行の指定"):
        request(line_ending="lf")


def test_writer_refuses_a_total_that_does_not_fit():
    items = [replace(GOOD, amount=9_999_999_999, customer_number=f"{n:020d}") for n in range(1, 102)]
    with pytest.raises(FormatError) as e:
        request(items)
    assert has_error(e.value.errors, 103, "合計金額", "12桁に収まりません")


def test_make_debit_result_refuses_unknown_customers_and_results():
    with pytest.raises(ValueError, match="依頼ファイルにない顧客番号"):
        make_debit_result(request(), {"9" * 20: "1"})
    with pytest.raises(ValueError, match="振替結果がすでに入っています"):
        make_debit_result((DATA / "result_crlf.dat").read_bytes(), {})


# --- 総合振込 (refunds) ------------------------------------------------------------


def transfer(items, **kw):
    args = CITY | {"transfer_date": date(2025, 6, 10), "items": items} | kw
    return write_credit_transfer(**args)


REFUND = TransferItem("0001", "ﾐｽﾞﾎ", "001", "ﾄｳｷﾖｳ", "1", "1234567", "ヤマダ　タロウ", 1_500, customer_code1="2025000001")


def test_credit_transfer_fields():
    data = transfer([REFUND, replace(REFUND, account_type="4", transfer_kind="8", customer_code1="")])
    header, first, second, trailer = (record(data, n) for n in (1, 2, 3, 4))
    assert header[:4] == "1210"
    assert header[54:58] == "0610"
    assert field(first, TRANSFER_DATA, "受取人名") == "ﾔﾏﾀﾞ ﾀﾛｳ".ljust(30)
    assert field(first, TRANSFER_DATA, "振込金額") == "0000001500"
    assert field(first, TRANSFER_DATA, "顧客コード1") == "2025000001"
    assert field(first, TRANSFER_DATA, "顧客コード2") == " " * 10
    assert field(first, TRANSFER_DATA, "振込指定区分") == "7"  # 電信 by default
    assert field(second, TRANSFER_DATA, "預金種目") == "4"
    assert field(second, TRANSFER_DATA, "振込指定区分") == "8"
    assert trailer == "8" + "000002" + "000000003000" + " " * 101
    assert record(data, 5) == "9" + " " * 119
    assert all(len(r) == 120 for r in data.split(b"\r\n")[:-1])


def test_committed_transfer_file():
    data = (DATA / "transfer_crlf.dat").read_bytes()
    assert record(data, 1)[:4] == "1210"
    assert field(record(data, 3), TRANSFER_DATA, "被仕向銀行番号") == "9900"  # ゆうちょ


@pytest.mark.parametrize(
    "item, field_name, phrase",
    [
        ({"account_type": "3"}, "預金種目", "'3' は使えません"),
        ({"transfer_kind": "9"}, "振込指定区分", "'9' は使えません"),
        ({"customer_code1": "12345678901"}, "顧客コード1", "10桁を超えています"),
        ({"payee": "株式会社"}, "受取人名", "漢字"),
        ({"amount": -100}, "振込金額", "1円以上"),
        ({"branch_code": "999"}, "被仕向支店番号", "存在しません"),
    ],
)
def test_credit_transfer_refuses_bad_input(item, field_name, phrase):
    with pytest.raises(FormatError) as e:
        transfer([replace(REFUND, **item)])
    assert has_error(e.value.errors, 2, field_name, phrase), e.value.errors


# --- bank master -------------------------------------------------------------------


def test_bank_and_branch_names_in_half_width_kana():
    assert banks.bank_name("0001") == "ﾐｽﾞﾎ"
    assert banks.branch_name("0001", "001") == "ﾄｳｷﾖｳ"
    assert banks.bank_name("9900") == "ﾕｳﾁﾖ"
    assert banks.branch_name("9900", "018") == "ｾﾞﾛｲﾁﾊﾁ"


@pytest.mark.parametrize(
    "bank, branch, message",
    [
        ("1234", "001", "銀行コード 1234 は存在しません"),
        ("0001", "999", "銀行コード 0001 に支店コード 999 は存在しません"),
        ("001", "001", "銀行コードは4桁の数字です"),
        ("0001", "1", "支店コードは3桁の数字です"),
    ],
)
def test_check_account(bank, branch, message):
    with pytest.raises(ValueError, match=message):
        banks.check_account(bank, branch)


def test_check_account_accepts_real_branches():
    banks.check_account("0001", "001")
    banks.check_account("9900", "018")

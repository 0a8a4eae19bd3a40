"""Writes the 全銀協 sample files in this folder: `.venv/bin/python tests/data/zengin/make_files.py`.

Deterministic: the same code gives the same bytes, and tests/core/test_zengin.py
checks the committed files against `build()`. Every file in bad/ is a good
result file with ONE defect, made the way a faulty system would make it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from saiken.core.formats.banks import bank_name, branch_name
from saiken.core.formats.zengin import (
    DebitItem,
    TransferItem,
    make_debit_result,
    write_credit_transfer,
    write_debit_request,
)

HERE = Path(__file__).resolve().parent
DEBIT_DATE = date(2025, 5, 27)

CITY = dict(
    consignor_code="0012345678",
    consignor_name="サイケンシ　カイケイカンリシャ",
    bank_code="0140",  # 第四北越銀行 新潟市役所出張所
    bank_name=bank_name("0140"),
    branch_code="281",
    branch_name=branch_name("0140", "281"),
    account_type="1",
    account_number="7654321",
)


def _item(bank: str, branch: str, account: str, holder: str, amount: int, customer: str, **kw) -> DebitItem:
    return DebitItem(bank, bank_name(bank), branch, branch_name(bank, branch), "1", account, holder, amount, customer, **kw)


# One debit per result code, names that exercise the kana rules: dakuten and
# handakuten (ﾞﾟ), the long mark, small kana, ゆうちょ, and a name long enough
# to be cut before a ﾞ.
ITEMS = [
    _item("0001", "001", "1234567", "ヤマダ　タロウ", 5_000, "00000000012320250101"),
    _item("0005", "001", "0234567", "スズキ　イチロー", 12_345, "00000000045620250101"),
    _item("0009", "001", "3456789", "（カ）パーク　サービス", 100_000, "00000000078920250102", new_code="1"),
    _item("0010", "005", "0000001", "じょうの　きょうこ", 3_200, "00000000101120250101"),
    _item("9900", "018", "0012345", "ポッポ　ハナコ", 8_800, "00000000131420250103"),
    _item("0140", "200", "7000001", "ガッコウホウジン　ミドリガオカガクエン", 250_000, "00000000161720250101", new_code="2"),
    _item("0001", "004", "2222222", "サトウ　ヴィクトリア", 1_234_567_890, "00000000192020250101"),
    _item("0009", "005", "3333333", "ワタナベ　ジュンイチロウ　ダイヒョウシャ　カブシキガイシャ", 77_000, "00000000222320250101"),
]
CODES = ["0", "1", "2", "3", "4", "8", "9", "0"]  # ITEMS[i] gets CODES[i]
RESULTS = {item.customer_number: code for item, code in zip(ITEMS, CODES)}

REFUNDS = [
    TransferItem("0001", bank_name("0001"), "001", branch_name("0001", "001"), "1", "1234567", "ヤマダ　タロウ", 1_500,
                 customer_code1="2025000001"),
    TransferItem("9900", bank_name("9900"), "018", branch_name("9900", "018"), "1", "0012345", "ポッポ　ハナコ", 300,
                 customer_code1="2025000002", customer_code2="0000000017"),
    TransferItem("0010", bank_name("0010"), "005", branch_name("0010", "005"), "2", "0000001", "（ユ）ジョウノ　ショウテン", 42_000,
                 transfer_kind="8"),
]


def _records(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


def _crlf(records: list[bytes]) -> bytes:
    return b"".join(r + b"\r\n" for r in records)


def _put(record: bytes, start: int, value: bytes) -> bytes:
    """Overwrite bytes at 1-based `start`, as a faulty system would."""
    return record[: start - 1] + value + record[start - 1 + len(value) :]


def build() -> dict[str, bytes]:
    request = write_debit_request(debit_date=DEBIT_DATE, items=ITEMS, line_ending="none", **CITY)
    result = make_debit_result(request, RESULTS, line_ending="crlf")
    files = {
        "request_nobreak.dat": request,
        "result_crlf.dat": result,
        "result_lf_eof.dat": result.replace(b"\r\n", b"\n") + b"\x1a",
        "transfer_crlf.dat": write_credit_transfer(transfer_date=date(2025, 6, 10), items=REFUNDS, **CITY),
    }

    rec = _records(result)  # header, 8 data (lines 2–9), trailer (line 10), end (line 11)
    trailer = 9

    def bad(name: str, records: list[bytes]) -> None:
        files[f"bad/{name}.dat"] = _crlf(records)

    bad("record_length", rec[:2] + [rec[2][:-1]] + rec[3:])  # line 3 is 119 bytes
    bad("trailer_count", rec[:trailer] + [_put(rec[trailer], 2, b"000007")] + rec[trailer + 1 :])
    total = sum(i.amount for i in ITEMS)
    bad("trailer_amount", rec[:trailer] + [_put(rec[trailer], 8, b"%012d" % (total + 1))] + rec[trailer + 1 :])
    bad("paid_plus_failed", rec[:trailer] + [_put(rec[trailer], 38, b"000007")] + rec[trailer + 1 :])  # 不能 6 → 7
    bad("amount_not_numeric", rec[:1] + [_put(rec[1], 81, b"00000050O0")] + rec[2:])  # letter O in line 2
    bad("unknown_bank", rec[:1] + [_put(rec[1], 2, b"0999")] + rec[2:])
    bad("unknown_branch", rec[:1] + [_put(rec[1], 21, b"999")] + rec[2:])
    bad("ebcdic_code_kubun", [_put(rec[0], 4, b"1")] + rec[1:])
    bad("utf8_names", [r.decode("cp932").encode("utf-8") for r in rec])
    bad("missing_end", rec[:-1])
    bad("data_after_end", rec + [rec[1]])
    # Line 2 is ヤマダ タロウ's debit: 預金者名 at 51–80 ("ﾔﾏﾀﾞ ﾀﾛｳ" then spaces).
    bad("small_kana", rec[:1] + [_put(rec[1], 51, "ﾔﾏﾀﾞ ﾀﾛｯ".encode("cp932"))] + rec[2:])
    bad("detached_mark", rec[:1] + [_put(rec[1], 51, "ﾞ".encode("cp932"))] + rec[2:])  # ﾞﾏﾀﾞ ﾀﾛｳ
    bad("account_type_5", rec[:1] + [_put(rec[1], 43, b"5")] + rec[2:])
    bad("dummy_not_blank", rec[:1] + [_put(rec[1], 113, b"00000000")] + rec[2:])
    for byte in (0x80, 0xA0, 0xFD, 0xFE, 0xFF):
        bad(f"byte_0x{byte:02X}", rec[:1] + [_put(rec[1], 70, bytes([byte]))] + rec[2:])
    files["bad/amount_overflow.dat"] = _overflow()
    files["bad/ebcdic_bytes.dat"] = _ebcdic()
    return files


def _overflow() -> bytes:
    """101 debits of the largest amount: the total needs 13 digits, and a faulty
    system wrote only the last 12 into the trailer."""
    big = [_item("0001", "001", "1234567", "ヤマダ　タロウ", 9_999_999_999, f"{n:020d}") for n in range(1, 102)]
    request = write_debit_request(debit_date=DEBIT_DATE, items=big[:100], line_ending="crlf", **CITY)
    rec = _records(make_debit_result(request, {}, line_ending="crlf"))
    extra = _put(rec[1], 92, b"%020d" % 101)
    total = 9_999_999_999 * 101
    trailer = rec[101]
    for start, value in ((2, b"%06d" % 101), (8, b"%012d" % (total % 10**12)), (20, b"%06d" % 101),
                         (26, b"%012d" % (total % 10**12))):
        trailer = _put(trailer, start, value)
    return _crlf(rec[:101] + [extra, trailer, rec[102]])


def _ebcdic() -> bytes:
    """A mainframe's result: EBCDIC (cp037, romaji names), コード区分 1, no line breaks."""
    items = [
        DebitItem("0001", "MIZUHO", "001", "TOKYO", "1", "1234567", "YAMADA TARO", 5_000, "00000000012320250101"),
        DebitItem("0005", "MUFG", "001", "HONTEN", "1", "0234567", "SUZUKI ICHIRO", 12_345, "00000000045620250101"),
    ]
    city = CITY | {"consignor_name": "SAIKEN CITY", "bank_name": "DAISHIHOKUETSU", "branch_name": "SHIYAKUSHO"}
    request = write_debit_request(debit_date=DEBIT_DATE, items=items, line_ending="crlf", **city)
    rec = _records(make_debit_result(request, {"00000000045620250101": "1"}, line_ending="crlf"))
    rec[0] = _put(rec[0], 4, b"1")
    return b"".join(r.decode("ascii").encode("cp037") for r in rec)


def main() -> None:
    for name, data in build().items():
        path = HERE / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(HERE)}: {len(data)} bytes")


if __name__ == "__main__":
    main()

"""Writes the convenience-store payment files the tests read; deterministic, re-run to refresh.

    .venv/bin/python tests/data/conveni/make_files.py

The agency's CSV (FORMATS.md §3): 種別, 収納日, 収納時刻, バーコード情報, ユーザー使用欄1,
ユーザー使用欄2, 印紙フラグ, 金額, コンビニ本部コード, コンビニ名, 店舗コード, 振込日, データ作成日.
Each good file is written twice: UTF-8 with BOM and a header row (as Excel saves it), and
Shift_JIS without a header (as the agency sends it), both with CRLF.

The story, one slip per line of the cast:

    A  city tax, 3rd instalment, 12,300 yen: preliminary, then final
    B  nursery fee, 25,000 yen: preliminary, then final
    C  national health insurance, 5,100 yen: preliminary, then cancelled (03)
    D  housing rent, 42,000 yen: the same slip paid twice, at two stores on two days;
       two preliminaries and two finals with different keys (the second is a refund)
    P  city tax at a post office, 8,800 yen: 12, then corrected away (22)
    E  nursery fee, 3,000 yen, paid at 23:58: a final without a preliminary

bad/ holds one defect per file, always on the second data row (line 3 under the header),
except the file-wide ones (encoding, empty).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from saiken.core.conveni import barcode_content

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"

HEADER = [
    "種別", "収納日", "収納時刻", "バーコード情報", "ユーザー使用欄1", "ユーザー使用欄2", "印紙フラグ",
    "金額", "コンビニ本部コード", "コンビニ名", "店舗コード", "振込日", "データ作成日",
]  # fmt: skip

ISSUER = "917311"  # the collection agency's issuer code for the city (invented)


def slip(fiscal_year: int, receivable: int, notice: int, instalment: int, amount: int, deadline: date) -> str:
    # The city's free field: fiscal year, receivable code, notice number, instalment.
    free = f"{fiscal_year:04d}{receivable:02d}{notice:010d}{instalment:02d}"
    return barcode_content(issuer=ISSUER, free=free, deadline=deadline, amount=amount)


DUE = date(2026, 11, 30)
A = slip(2026, 1, 123456, 3, 12_300, DUE)
B = slip(2026, 5, 88001, 8, 25_000, DUE)
C = slip(2026, 3, 40021, 6, 5_100, DUE)
D = slip(2026, 9, 7002, 8, 42_000, DUE)
P = slip(2026, 1, 123999, 3, 8_800, DUE)
E = slip(2026, 5, 88002, 8, 3_000, DUE)

SEVEN = ("0001", "セブン-イレブン")
LAWSON = ("0002", "ローソン")
FAMIMA = ("0003", "ファミリーマート")
POST = ("9900", "ゆうちょ銀行（郵便局）")


def row(kind, paid, time, barcode, chain, store, *, created, transfer="", amount=None, user1=None):
    amount = str(int(barcode[37:43])) if amount is None else amount
    # The agency echoes the city's own reference in the user fields: notice and instalment.
    free = barcode[8:29]
    user1 = f"{free[3:7]}-{free[7:9]}-{free[9:19]}" if user1 is None else user1
    return [kind, paid, time, "EAN" + barcode, user1, free[19:21], "0", amount, chain[0], chain[1], store, transfer, created]


PRELIMINARY = [
    row("01", "20261126", "1015", A, SEVEN, "0012345", created="20261127"),
    row("01", "20261126", "1200", D, SEVEN, "0012345", created="20261127"),
    row("12", "20261126", "1420", P, POST, "00123", created="20261127"),
    row("01", "20261126", "1942", B, LAWSON, "0234567", created="20261127"),
    row("01", "20261127", "0803", C, FAMIMA, "0345678", created="20261127"),
    row("01", "20261127", "1730", D, LAWSON, "0456789", created="20261127"),
]
CANCEL = [
    row("03", "20261127", "0803", C, FAMIMA, "0345678", created="20261128"),
    row("22", "20261126", "1420", P, POST, "00123", created="20261128"),
]
FINAL = [
    row("02", "20261125", "2358", E, FAMIMA, "0345600", created="20261201", transfer="20261204"),
    row("02", "20261126", "1015", A, SEVEN, "0012345", created="20261201", transfer="20261204"),
    row("02", "20261126", "1200", D, SEVEN, "0012345", created="20261201", transfer="20261204"),
    row("02", "20261126", "1942", B, LAWSON, "0234567", created="20261201", transfer="20261204"),
    row("02", "20261127", "1730", D, LAWSON, "0456789", created="20261201", transfer="20261204"),
]


def csv_lines(lines: list[list[str]]) -> str:
    # No field of this layout holds a comma, a quote or a line break: no quoting needed.
    return "".join(",".join(cells) + "\r\n" for cells in lines)


def csv_text(rows: list[list[str]], header: bool = True) -> str:
    return csv_lines(([HEADER] if header else []) + rows)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def utf8(rows, header=True) -> bytes:
    return b"\xef\xbb\xbf" + csv_text(rows, header).encode("utf-8")


def sjis(rows, header=False) -> bytes:
    return csv_text(rows, header).encode("cp932")


def with_cell(rows: list[list[str]], index: int, column: str, value: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[index][HEADER.index(column)] = value
    return out


def main() -> None:
    for name, rows in (("preliminary", PRELIMINARY), ("final", FINAL), ("cancel", CANCEL)):
        write(HERE / f"{name}.utf8.csv", utf8(rows))
        write(HERE / f"{name}.sjis.csv", sjis(rows))

    three = PRELIMINARY[:3]  # a small file; the defect goes into its second row, line 3
    write(BAD / "bad_check_digit.csv", utf8(with_cell(three, 1, "バーコード情報", "EAN" + D[:43] + str((int(D[43]) + 1) % 10))))
    write(BAD / "amount_mismatch.csv", utf8(with_cell(three, 1, "金額", "42500")))
    write(BAD / "impossible_date.csv", utf8(with_cell(three, 1, "収納日", "20261131")))
    write(BAD / "unknown_kind.csv", utf8(with_cell(three, 1, "種別", "05")))
    write(BAD / "non_numeric_amount.csv", utf8(with_cell(three, 1, "金額", "42000円")))
    write(BAD / "amount_overflow.csv", utf8(with_cell(three, 1, "金額", "12345678901")))
    # EUC-JP, as an old Unix system would send it: valid in neither UTF-8 nor cp932.
    write(BAD / "wrong_encoding.csv", csv_text(three, header=False).encode("euc_jp"))
    # A host's EBCDIC (cp500) export: only digits and Latin letters survive in it.
    romanized = [r[:9] + ["SEVEN-ELEVEN"] + r[10:] for r in three]
    write(BAD / "ebcdic.csv", csv_text(romanized, header=False).encode("cp500"))
    no_store = [[c for i, c in enumerate(r) if HEADER[i] != "店舗コード"] for r in [HEADER, *three]]
    write(BAD / "missing_column.csv", b"\xef\xbb\xbf" + csv_lines(no_store).encode("utf-8"))
    write(BAD / "missing_column_no_header.csv", csv_lines(no_store[1:]).encode("cp932"))
    write(BAD / "empty.csv", b"")


if __name__ == "__main__":
    main()

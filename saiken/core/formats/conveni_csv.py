"""The collection agency's convenience-store payment data (速報 / 確報) in its CSV.

The common layout of FORMATS.md §3, thirteen columns, with or without a header row,
in UTF-8 or Shift_JIS:

    種別, 収納日 (YYYYMMDD), 収納時刻 (HHMM), バーコード情報 ("EAN" + 44 digits),
    ユーザー使用欄1, ユーザー使用欄2, 印紙フラグ, 金額, コンビニ本部コード, コンビニ名,
    店舗コード, 振込日 (確報 only), データ作成日

What each 種別 asks of the ledger:

    01 速報          PRELIMINARY  paid at a store, the money not yet confirmed
    02 確報          PAYMENT      confirmed; 振込日 is the day the agency remits it
    03 速報取消      CANCEL       a preliminary withdrawn (the store voided the sale)
    12 郵便局        PRELIMINARY  paid at a post office, reported like a 速報
    22 郵便局訂正    CANCEL       the post office withdrew its 12 record: we read it as a
                                  cancellation of the record with the same key, as the
                                  agency's correction carries the original's date, time
                                  and office; a corrected amount arrives as a new 12

The key is the slip's identity at one payment: f"{barcode44}:{収納日}{収納時刻}:{店舗コード}".
A preliminary, its final and its cancellation carry the same barcode, time and store,
so they share it and the ledger can pair them (a final without a preliminary simply
has no partner). The same slip paid twice — at another time or store — gets another
key and posts twice; the second becomes an overpayment for refund, which is what
happened. The barcode alone would merge those two payments and lose one.

No totals in this layout: the caller counts records and sums amounts.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from saiken.core import conveni
from saiken.core.formats import CANCEL, PAYMENT, PRELIMINARY, Errors, FieldError, FormatError, ParsedFile, PaymentRecord
from saiken.core.formats.text import check_amount, decode, parse_yyyymmdd, read_csv_rows

CHANNEL = "convenience"

KIND = "種別"
PAID_DATE = "収納日"
PAID_TIME = "収納時刻"
BARCODE = "バーコード情報"
USER1 = "ユーザー使用欄1"
USER2 = "ユーザー使用欄2"
STAMP = "印紙フラグ"
AMOUNT = "金額"
CHAIN_CODE = "コンビニ本部コード"
CHAIN_NAME = "コンビニ名"
STORE = "店舗コード"
TRANSFER_DATE = "振込日"
CREATED = "データ作成日"

COLUMNS = (
    KIND, PAID_DATE, PAID_TIME, BARCODE, USER1, USER2, STAMP,
    AMOUNT, CHAIN_CODE, CHAIN_NAME, STORE, TRANSFER_DATE, CREATED,
)  # fmt: skip

# 種別 → (action, label)
KINDS = {
    "01": (PRELIMINARY, "速報"),
    "02": (PAYMENT, "確報"),
    "03": (CANCEL, "速報取消"),
    "12": (PRELIMINARY, "郵便局速報"),
    "22": (CANCEL, "郵便局訂正"),
}
FINAL_KINDS = {"02"}

BARCODE_PREFIX = "EAN"


def _is_digits(s: str) -> bool:
    return bool(s) and s.isascii() and s.isdigit()


def _columns(rows: list[tuple[int, list[str]]], errors: list[FieldError]) -> tuple[dict[str, int], bool]:
    """Column positions, from the header row if there is one; and whether there is one."""
    line, first = rows[0]
    names = [cell.strip() for cell in first]
    if KIND not in names:
        return {name: i for i, name in enumerate(COLUMNS)}, False
    # A header: find the columns by name, so an agency's extra or reordered columns
    # are harmless; a missing one is an error.
    for name in COLUMNS:
        if name not in names:
            errors.append(FieldError(line, name, f"見出しに「{name}」の列がありません"))
        elif names.count(name) > 1:
            errors.append(FieldError(line, name, f"見出しに「{name}」の列が{names.count(name)}つあります"))
    return {name: names.index(name) for name in COLUMNS if name in names}, True


def _date(raw: str, line: int, field: str, errors: list[FieldError], *, required: bool = True) -> date | None:
    if not raw:
        if required:
            errors.append(FieldError(line, field, "日付がありません"))
        return None
    try:
        return parse_yyyymmdd(raw)
    except ValueError as e:
        errors.append(FieldError(line, field, str(e)))
        return None


def _time(raw: str, line: int, errors: list[FieldError]) -> str | None:
    if len(raw) != 4 or not _is_digits(raw) or int(raw[:2]) > 23 or int(raw[2:]) > 59:
        errors.append(FieldError(line, PAID_TIME, f"時刻は時分4桁（HHMM、0000〜2359）です（{raw!r}）"))
        return None
    return raw


def _barcode(raw: str, line: int, errors: list[FieldError]) -> conveni.ConveniBarcode | None:
    # The layout writes "EAN" before the digits; bare 44 digits are accepted too, as
    # they cannot be anything else.
    digits = raw[len(BARCODE_PREFIX) :] if raw.startswith(BARCODE_PREFIX) else raw
    if len(digits) != conveni.LENGTH or not _is_digits(digits):
        errors.append(FieldError(line, BARCODE, f"バーコード情報は「EAN」に続く半角数字44桁です（{raw!r}）"))
        return None
    try:
        return conveni.parse_barcode(digits)
    except ValueError as e:
        errors.append(FieldError(line, BARCODE, str(e)))
        return None


def _amount(raw: str, line: int, errors: list[FieldError]) -> int | None:
    if not _is_digits(raw):
        errors.append(FieldError(line, AMOUNT, f"金額が数字ではありません（{raw!r}）"))
        return None
    try:
        return check_amount(int(raw))
    except ValueError as e:
        errors.append(FieldError(line, AMOUNT, str(e)))
        return None


def _record(line: int, cells: list[str], errors: list[FieldError]) -> PaymentRecord | None:
    """One row, its cells in the order of COLUMNS (stripped)."""
    return _plain_record(line, cells) or _checked_record(line, cells, errors)


def _day(raw: str) -> date | None:
    try:
        return parse_yyyymmdd(raw)  # cached: a file has a handful of dates and 200,000 rows
    except ValueError:
        return None


def _plain_record(line: int, cells: list[str]) -> PaymentRecord | None:
    """The record of a row that is plainly right, else None (then `_checked_record` says
    what is wrong). Only the common case is looked at, in as few steps as possible."""
    kind, paid_raw, time_raw, barcode_raw, user1, user2, stamp, amount_raw, chain_code, chain_name, store, transfer_raw, created_raw = cells
    final = kind in FINAL_KINDS
    paid_on = _day(paid_raw)
    booked_on = _day(transfer_raw) if transfer_raw else None
    created_on = _day(created_raw) if created_raw else None
    if (
        kind not in KINDS or paid_on is None or stamp not in ("0", "1") or not store
        or (transfer_raw and booked_on is None) or (final and booked_on is None) or (created_raw and created_on is None)
        or (booked_on and booked_on < paid_on) or (created_on and created_on < paid_on)
        or len(time_raw) != 4 or not time_raw.isascii() or not time_raw.isdigit() or time_raw[:2] > "23" or time_raw[2:] > "59"
        or not amount_raw.isascii() or not amount_raw.isdigit()
    ):
        return None
    digits = barcode_raw[3:] if barcode_raw.startswith(BARCODE_PREFIX) else barcode_raw
    try:
        slip = conveni.parse_barcode(digits)
        amount = check_amount(int(amount_raw))
    except ValueError:
        return None
    if amount != slip.amount:
        return None
    return _payment_record(line, cells, paid_on, slip, amount, booked_on, created_on)


def _checked_record(line: int, cells: list[str], errors: list[FieldError]) -> PaymentRecord | None:
    """A row field by field, every fault added to `errors`."""
    before = len(errors)
    kind, paid_raw, time_raw, barcode_raw, user1, user2, stamp, amount_raw, chain_code, chain_name, store, transfer_raw, created_raw = cells
    if kind not in KINDS:
        known = "、".join(f"{k} {label}" for k, (_, label) in KINDS.items())
        errors.append(FieldError(line, KIND, f"種別「{kind}」は不明です（{known}のいずれか）"))
    paid_on = _date(paid_raw, line, PAID_DATE, errors)
    paid_at = _time(time_raw, line, errors)
    slip = _barcode(barcode_raw, line, errors)
    amount = _amount(amount_raw, line, errors)
    if slip is not None and amount is not None and amount != slip.amount:
        errors.append(
            FieldError(line, AMOUNT, f"金額（{amount:,}円）がバーコードの金額（{slip.amount:,}円）と一致しません")
        )
    if stamp not in ("0", "1"):
        errors.append(FieldError(line, STAMP, f"印紙フラグは0または1です（{stamp!r}）"))
    if not store:
        errors.append(FieldError(line, STORE, "店舗コードがありません"))
    final = kind in FINAL_KINDS
    booked_on = _date(transfer_raw, line, TRANSFER_DATE, errors, required=final)
    created_on = _date(created_raw, line, CREATED, errors, required=False)
    if paid_on and booked_on and booked_on < paid_on:
        errors.append(FieldError(line, TRANSFER_DATE, f"振込日（{booked_on}）が収納日（{paid_on}）より前です"))
    if paid_on and created_on and created_on < paid_on:
        errors.append(FieldError(line, CREATED, f"データ作成日（{created_on}）が収納日（{paid_on}）より前です"))
    if len(errors) > before:
        return None
    assert paid_on is not None and paid_at is not None and slip is not None and amount is not None
    return _payment_record(line, cells, paid_on, slip, amount, booked_on, created_on)


def _payment_record(
    line: int, cells: list[str], paid_on: date, slip: conveni.ConveniBarcode, amount: int, booked_on: date | None, created_on: date | None,
) -> PaymentRecord:
    """The record of a row whose fields have been checked."""
    kind, paid_raw, time_raw, _, user1, user2, stamp, _, chain_code, chain_name, store, _, _ = cells
    final = kind in FINAL_KINDS
    extra = {
        "kind": kind,
        "store_code": store,
        "chain_code": chain_code,
        "chain_name": chain_name,
        "paid_at": f"{time_raw[:2]}:{time_raw[2:]}",
        "user_field_1": user1,
        "user_field_2": user2,
        "stamp_flag": stamp,
    }
    if created_on:
        extra["created_on"] = _iso(created_on)
    if booked_on and not final:
        # Not the remittance of a confirmed payment: kept for the record, not booked.
        extra["transfer_date"] = _iso(booked_on)
    return PaymentRecord(
        line=line,
        key=f"{slip.content}:{paid_raw}{time_raw}:{store}",
        amount=amount,
        paid_on=paid_on,
        channel=CHANNEL,
        match={"barcode": slip.content},
        action=KINDS[kind][0],
        booked_on=booked_on if final else None,
        extra=extra,
    )


@lru_cache(maxsize=1024)  # a file has a handful of dates
def _iso(day: date) -> str:
    return day.isoformat()


def read_conveni(data: bytes) -> ParsedFile:
    """Every row of a 速報/確報 file as a PaymentRecord, or FormatError listing every bad field."""
    rows = read_csv_rows(decode(data))
    if not rows:
        raise FormatError([FieldError(0, "ファイル", "データがありません（空のファイルです）")])
    errors = Errors()  # every problem counted, the first KEPT_ERRORS kept
    positions, has_header = _columns(rows, errors)
    if errors:
        raise FormatError(errors)
    data_rows = rows[1:] if has_header else rows
    if not data_rows:
        raise FormatError([FieldError(0, "ファイル", "見出し行のみでデータがありません")])
    width = max(positions.values()) + 1
    order = [positions[name] for name in COLUMNS]
    records: list[PaymentRecord] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in data_rows:
        # Without a header the columns are known by position only, so a row of another
        # width is refused rather than guessed at; empty cells after the last column
        # (a trailing comma) are harmless either way.
        while len(row) > width and not row[-1].strip():
            row = row[:-1]
        if has_header and len(row) < width:
            errors.append(FieldError(line, "列数", f"見出しの{len(rows[0][1])}列に対して{len(row)}列しかありません"))
            continue
        if not has_header and len(row) != width:
            errors.append(FieldError(line, "列数", f"{len(COLUMNS)}列のはずが{len(row)}列です"))
            continue
        record = _record(line, [row[i].strip() for i in order], errors)
        if record is None:
            continue
        other = seen.setdefault((record.key, record.action), line)
        if other != line:
            errors.append(FieldError(line, BARCODE, f"{other}行目と同じ収納データです（同じ種別・バーコード・収納日時・店舗）"))
            continue
        records.append(record)
    if errors:
        raise FormatError(errors)
    meta = {"format": "conveni_csv"}
    created = {r.extra.get("created_on", "") for r in records}
    if len(created) == 1 and "" not in created:
        meta["created_on"] = created.pop()  # the file's データ作成日, when every row agrees
    return ParsedFile(records=tuple(records), meta=meta)

"""全銀協 fixed-length files: 口座振替 (種別コード 91) and 総合振込 (種別コード 21).

Layouts: FORMATS.md §1–2. Every record is 120 single-byte JIS X 0201
characters written as cp932: header (データ区分 1), data (2) × n, trailer (8),
end (9). Writers are strict and refuse anything a bank could reject; the
reader is lenient about line endings and filler but checks every field that
money depends on, and reports every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from saiken.core.formats import FAILED_DEBIT, PAYMENT, Errors, FieldError, FileTotals, FormatError, ParsedFile, PaymentRecord
from saiken.core.formats import banks
from saiken.core.formats.kana import bank_kana, name_error

RECORD_LENGTH = 120
ENCODING = "cp932"

RESULT_CODES = {
    "0": "振替済",
    "1": "資金不足",
    "2": "取引なし",
    "3": "預金者の都合による振替停止",
    "4": "預金口座振替依頼書なし",
    "8": "委託者の都合による振替停止",
    "9": "その他",
}

DEBIT_ACCOUNT_TYPES = {"1": "普通", "2": "当座", "3": "納税準備", "9": "その他"}
TRANSFER_ACCOUNT_TYPES = {"1": "普通", "2": "当座", "4": "貯蓄", "9": "その他"}
CITY_ACCOUNT_TYPES = {"1": "普通", "2": "当座", "9": "その他"}  # the city's own account in a header
NEW_CODES = {"0": "その他", "1": "初回", "2": "変更"}
TRANSFER_KINDS = {"7": "電信", "8": "文書"}

MAX_AMOUNT = 9_999_999_999  # 10 digits in a data record
MAX_TOTAL = 999_999_999_999  # 12 digits in a trailer
MAX_COUNT = 999_999  # 6 digits in a trailer


# --- layouts ---------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    name: str
    start: int  # 1-based, as the standard numbers positions
    length: int

    @property
    def end(self) -> int:
        return self.start - 1 + self.length


def _layout(*fields: tuple[str, int]) -> tuple[_Field, ...]:
    out, pos = [], 1
    for name, length in fields:
        out.append(_Field(name, pos, length))
        pos += length
    assert pos == RECORD_LENGTH + 1, f"layout covers {pos - 1} bytes"
    return tuple(out)


DEBIT_HEADER = _layout(
    ("データ区分", 1), ("種別コード", 2), ("コード区分", 1), ("委託者コード", 10), ("委託者名", 40),
    ("引落日", 4), ("取引銀行番号", 4), ("取引銀行名", 15), ("取引支店番号", 3), ("取引支店名", 15),
    ("預金種目", 1), ("口座番号", 7), ("ダミー", 17),
)
DEBIT_DATA = _layout(
    ("データ区分", 1), ("引落銀行番号", 4), ("引落銀行名", 15), ("引落支店番号", 3), ("引落支店名", 15),
    ("ダミー", 4), ("預金種目", 1), ("口座番号", 7), ("預金者名", 30), ("引落金額", 10), ("新規コード", 1),
    ("顧客番号", 20), ("振替結果コード", 1), ("ダミー", 8),
)
DEBIT_TRAILER = _layout(
    ("データ区分", 1), ("合計件数", 6), ("合計金額", 12), ("振替済件数", 6), ("振替済金額", 12),
    ("振替不能件数", 6), ("振替不能金額", 12), ("ダミー", 65),
)
END = _layout(("データ区分", 1), ("ダミー", 119))

TRANSFER_HEADER = _layout(
    ("データ区分", 1), ("種別コード", 2), ("コード区分", 1), ("依頼人コード", 10), ("依頼人名", 40),
    ("振込指定日", 4), ("仕向銀行番号", 4), ("仕向銀行名", 15), ("仕向支店番号", 3), ("仕向支店名", 15),
    ("預金種目", 1), ("口座番号", 7), ("ダミー", 17),
)
TRANSFER_DATA = _layout(
    ("データ区分", 1), ("被仕向銀行番号", 4), ("被仕向銀行名", 15), ("被仕向支店番号", 3),
    ("被仕向支店名", 15), ("手形交換所番号", 4), ("預金種目", 1), ("口座番号", 7), ("受取人名", 30),
    ("振込金額", 10), ("新規コード", 1), ("顧客コード1", 10), ("顧客コード2", 10), ("振込指定区分", 1),
    ("識別表示", 1), ("ダミー", 7),
)
TRANSFER_TRAILER = _layout(("データ区分", 1), ("合計件数", 6), ("合計金額", 12), ("ダミー", 101))

_DEBIT_LAYOUTS = {"1": DEBIT_HEADER, "2": DEBIT_DATA, "8": DEBIT_TRAILER, "9": END}


def _get(text: str, layout: tuple[_Field, ...], name: str) -> str:
    f = next(f for f in layout if f.name == name)
    return text[f.start - 1 : f.end]


def _field_at(layout: tuple[_Field, ...] | None, position: int) -> str:
    for f in layout or ():
        if f.start <= position <= f.end:
            return f.name
    return "レコード"


# --- writing ---------------------------------------------------------------


@dataclass(frozen=True)
class DebitItem:
    """One 口座振替 data record: whose account, how much, and the city's key."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str  # 預金種目: 1 普通, 2 当座, 3 納税準備, 9 その他
    account_number: str  # up to 7 digits
    holder: str  # 預金者名, kana as the bank registered it
    amount: int  # yen
    customer_number: str  # 顧客番号: exactly 20 digits, the matching key
    new_code: str = "0"  # 新規コード: 0 その他, 1 初回, 2 変更


@dataclass(frozen=True)
class TransferItem:
    """One 総合振込 data record (a refund)."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str  # 預金種目: 1 普通, 2 当座, 4 貯蓄, 9 その他
    account_number: str
    payee: str  # 受取人名
    amount: int
    customer_code1: str = ""  # 顧客コード1: up to 10 digits, blank when unused
    customer_code2: str = ""
    transfer_kind: str = "7"  # 振込指定区分: 7 電信, 8 文書
    new_code: str = "0"


@dataclass
class _Builder:
    """Formats fields for a writer, collecting every problem instead of stopping at the first."""

    errors: list[FieldError] = field(default_factory=list)

    def fail(self, line: int, name: str, reason: str, width: int) -> str:
        self.errors.append(FieldError(line, name, reason))
        return " " * width

    def number(self, line: int, name: str, value: object, width: int, *, exact: bool = False) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not re.fullmatch(r"[0-9]+", text):
            return self.fail(line, name, f"数字で指定してください: {value!r}", width)
        if exact and len(text) != width:
            return self.fail(line, name, f"{width}桁の数字です: {text}（{len(text)}桁）", width)
        if len(text) > width:
            return self.fail(line, name, f"{width}桁を超えています: {text}", width)
        return text.zfill(width)

    def amount(self, line: int, name: str, value: object) -> str:
        if not isinstance(value, int) or isinstance(value, bool):
            return self.fail(line, name, f"金額は整数（円）で指定してください: {value!r}", 10)
        if not 0 < value <= MAX_AMOUNT:
            return self.fail(line, name, f"金額は1円以上{MAX_AMOUNT:,}円以下です: {value:,}円", 10)
        return f"{value:010d}"

    def name(self, line: int, name: str, value: object, width: int) -> str:
        if not isinstance(value, str):
            return self.fail(line, name, f"文字列で指定してください: {value!r}", width)
        try:
            kana = bank_kana(value.strip(), width)  # a leading space would shift the name the bank compares
        except ValueError as e:
            return self.fail(line, name, str(e), width)
        if not kana.strip():
            return self.fail(line, name, "空です", width)
        # Names are cut, not refused: the field is all a bank compares.
        return kana.ljust(width)

    def choice(self, line: int, name: str, value: object, choices: Mapping[str, str]) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if text not in choices:
            allowed = "・".join(f"{k} {v}" for k, v in choices.items())
            return self.fail(line, name, f"{value!r} は使えません（{allowed}）", 1)
        return text

    def mmdd(self, line: int, name: str, value: object) -> str:
        if not isinstance(value, date):
            return self.fail(line, name, f"日付で指定してください: {value!r}", 4)
        return f"{value:%m%d}"

    def bank(self, line: int, names: tuple[str, str], bank_code: object, branch_code: object) -> tuple[str, str]:
        try:
            banks.check_bank(bank_code)
        except ValueError as e:
            return self.fail(line, names[0], str(e), 4), " " * 3
        try:
            banks.check_branch(bank_code, branch_code)
        except ValueError as e:
            return bank_code, self.fail(line, names[1], str(e), 3)
        return bank_code, branch_code

    def total(self, line: int, count: int, amount: int) -> tuple[str, str]:
        c = f"{count:06d}" if count <= MAX_COUNT else self.fail(line, "合計件数", f"{count:,}件は6桁に収まりません", 6)
        a = (
            f"{amount:012d}"
            if amount <= MAX_TOTAL
            else self.fail(line, "合計金額", f"合計 {amount:,}円は12桁に収まりません。ファイルを分けてください", 12)
        )
        return c, a


def _record(layout: tuple[_Field, ...], values: Mapping[str, str]) -> str:
    parts = []
    for f in layout:
        value = values.get(f.name, " " * f.length)  # ダミー and unused fields are spaces
        assert len(value) == f.length, (f.name, value)
        parts.append(value)
    return "".join(parts)


def _encode(records: list[str], line_ending: str) -> bytes:
    eol = {"crlf": b"\r\n", "none": b""}[line_ending]
    out = []
    for r in records:
        raw = r.encode(ENCODING)
        assert len(raw) == RECORD_LENGTH, r  # every character written is single-byte
        out.append(raw + eol)
    return b"".join(out)


def _check_line_ending(line_ending: str) -> None:
    if line_ending not in ("crlf", "none"):
        raise ValueError(f"改行の指定は 'crlf' か 'none' です: {line_ending!r}")


def write_debit_request(
    *,
    consignor_code: str,
    consignor_name: str,
    debit_date: date,
    bank_code: str,
    bank_name: str,
    branch_code: str,
    branch_name: str,
    account_type: str,
    account_number: str,
    items: Iterable[DebitItem],
    line_ending: Literal["crlf", "none"] = "crlf",
) -> bytes:
    """口座振替依頼データ (種別 91) for the city's bank; raises FormatError listing every bad field.

    The header's bank and account are the city's collection account. Errors
    name the record the value would have become (header = 1, items from 2).
    """
    _check_line_ending(line_ending)
    b = _Builder()
    items = list(items)
    city_bank, city_branch = b.bank(1, ("取引銀行番号", "取引支店番号"), bank_code, branch_code)
    records = [
        _record(
            DEBIT_HEADER,
            {
                "データ区分": "1",
                "種別コード": "91",
                "コード区分": "0",
                "委託者コード": b.number(1, "委託者コード", consignor_code, 10),
                "委託者名": b.name(1, "委託者名", consignor_name, 40),
                "引落日": b.mmdd(1, "引落日", debit_date),
                "取引銀行番号": city_bank,
                "取引銀行名": b.name(1, "取引銀行名", bank_name, 15),
                "取引支店番号": city_branch,
                "取引支店名": b.name(1, "取引支店名", branch_name, 15),
                "預金種目": b.choice(1, "預金種目", account_type, CITY_ACCOUNT_TYPES),
                "口座番号": b.number(1, "口座番号", account_number, 7),
            },
        )
    ]
    if not items:
        b.errors.append(FieldError(0, "データ", "引落データが1件もありません"))
    seen: dict[str, int] = {}
    total = 0
    for line, item in enumerate(items, start=2):
        if not isinstance(item, DebitItem):
            b.errors.append(FieldError(line, "データ", f"DebitItem ではありません: {type(item).__name__}"))
            continue
        bank, branch = b.bank(line, ("引落銀行番号", "引落支店番号"), item.bank_code, item.branch_code)
        customer = b.number(line, "顧客番号", item.customer_number, 20, exact=True)
        if customer.strip():
            if customer in seen:
                b.errors.append(FieldError(line, "顧客番号", f"顧客番号 {customer} が{seen[customer]}行目と重複しています"))
            seen.setdefault(customer, line)
        amount = b.amount(line, "引落金額", item.amount)
        if amount.strip():
            total += item.amount
        records.append(
            _record(
                DEBIT_DATA,
                {
                    "データ区分": "2",
                    "引落銀行番号": bank,
                    "引落銀行名": b.name(line, "引落銀行名", item.bank_name, 15),
                    "引落支店番号": branch,
                    "引落支店名": b.name(line, "引落支店名", item.branch_name, 15),
                    "預金種目": b.choice(line, "預金種目", item.account_type, DEBIT_ACCOUNT_TYPES),
                    "口座番号": b.number(line, "口座番号", item.account_number, 7),
                    "預金者名": b.name(line, "預金者名", item.holder, 30),
                    "引落金額": amount,
                    "新規コード": b.choice(line, "新規コード", item.new_code, NEW_CODES),
                    "顧客番号": customer,
                    "振替結果コード": "0",  # a request carries 0; the bank fills in the result
                },
            )
        )
    trailer_line = len(items) + 2
    count, amount_total = b.total(trailer_line, len(items), total)
    records.append(
        _record(
            DEBIT_TRAILER,
            {
                "データ区分": "8",
                "合計件数": count,
                "合計金額": amount_total,
                "振替済件数": "0" * 6,
                "振替済金額": "0" * 12,
                "振替不能件数": "0" * 6,
                "振替不能金額": "0" * 12,
            },
        )
    )
    records.append(_record(END, {"データ区分": "9"}))
    if b.errors:
        raise FormatError(b.errors)
    return _encode(records, line_ending)


def write_credit_transfer(
    *,
    consignor_code: str,
    consignor_name: str,
    transfer_date: date,
    bank_code: str,
    bank_name: str,
    branch_code: str,
    branch_name: str,
    account_type: str,
    account_number: str,
    items: Iterable[TransferItem],
    line_ending: Literal["crlf", "none"] = "crlf",
) -> bytes:
    """総合振込データ (種別 21) for refunds; raises FormatError listing every bad field.

    consignor_* is the 依頼人 (the city, with the code the bank assigned for
    総合振込); the header's bank and account are the account the money leaves.
    """
    _check_line_ending(line_ending)
    b = _Builder()
    items = list(items)
    city_bank, city_branch = b.bank(1, ("仕向銀行番号", "仕向支店番号"), bank_code, branch_code)
    records = [
        _record(
            TRANSFER_HEADER,
            {
                "データ区分": "1",
                "種別コード": "21",
                "コード区分": "0",
                "依頼人コード": b.number(1, "依頼人コード", consignor_code, 10),
                "依頼人名": b.name(1, "依頼人名", consignor_name, 40),
                "振込指定日": b.mmdd(1, "振込指定日", transfer_date),
                "仕向銀行番号": city_bank,
                "仕向銀行名": b.name(1, "仕向銀行名", bank_name, 15),
                "仕向支店番号": city_branch,
                "仕向支店名": b.name(1, "仕向支店名", branch_name, 15),
                "預金種目": b.choice(1, "預金種目", account_type, CITY_ACCOUNT_TYPES),
                "口座番号": b.number(1, "口座番号", account_number, 7),
            },
        )
    ]
    if not items:
        b.errors.append(FieldError(0, "データ", "振込データが1件もありません"))
    total = 0
    for line, item in enumerate(items, start=2):
        if not isinstance(item, TransferItem):
            b.errors.append(FieldError(line, "データ", f"TransferItem ではありません: {type(item).__name__}"))
            continue
        bank, branch = b.bank(line, ("被仕向銀行番号", "被仕向支店番号"), item.bank_code, item.branch_code)
        amount = b.amount(line, "振込金額", item.amount)
        if amount.strip():
            total += item.amount
        codes = {
            name: (b.number(line, name, value, 10) if value != "" else " " * 10)  # blank when unused
            for name, value in (("顧客コード1", item.customer_code1), ("顧客コード2", item.customer_code2))
        }
        records.append(
            _record(
                TRANSFER_DATA,
                {
                    "データ区分": "2",
                    "被仕向銀行番号": bank,
                    "被仕向銀行名": b.name(line, "被仕向銀行名", item.bank_name, 15),
                    "被仕向支店番号": branch,
                    "被仕向支店名": b.name(line, "被仕向支店名", item.branch_name, 15),
                    # 手形交換所番号 is unused: the standard allows spaces.
                    "預金種目": b.choice(line, "預金種目", item.account_type, TRANSFER_ACCOUNT_TYPES),
                    "口座番号": b.number(line, "口座番号", item.account_number, 7),
                    "受取人名": b.name(line, "受取人名", item.payee, 30),
                    "振込金額": amount,
                    "新規コード": b.choice(line, "新規コード", item.new_code, NEW_CODES),
                    **codes,
                    "振込指定区分": b.choice(line, "振込指定区分", item.transfer_kind, TRANSFER_KINDS),
                    # 識別表示 blank: 顧客コード, not EDI情報, fill 92–111.
                },
            )
        )
    count, amount_total = b.total(len(items) + 2, len(items), total)
    records.append(_record(TRANSFER_TRAILER, {"データ区分": "8", "合計件数": count, "合計金額": amount_total}))
    records.append(_record(END, {"データ区分": "9"}))
    if b.errors:
        raise FormatError(b.errors)
    return _encode(records, line_ending)


# --- reading ---------------------------------------------------------------

# Bytes a JIS (コード区分 0) record may hold: printable ASCII and half-width kana.
_NOT_JIS = re.compile(rb"[^\x20-\x7e\xa1-\xdf]")
# Single bytes that are no character at all in JIS X 0201 or Shift_JIS.
_NOT_A_CHARACTER = frozenset(b"\x80\xa0\xfd\xfe\xff")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _split_records(data: bytes) -> list[bytes]:
    """The file's records, whatever the line endings; raises FormatError if it cannot be cut."""
    data = data.rstrip(b"\x1a\r\n")  # a DOS end-of-file mark and a final line break
    if not data:
        raise FormatError([FieldError(0, "ファイル", "ファイルが空です")])
    if 0xF0 <= data[0] <= 0xF9:  # EBCDIC digits: the header's データ区分 1 is 0xF1
        raise FormatError(
            [
                FieldError(
                    1,
                    "コード区分",
                    f"EBCDIC のファイルです（先頭バイト 0x{data[0]:02X}）。"
                    "JIS（コード区分 0、Shift_JIS）で作り直してもらってください",
                )
            ]
        )
    if _LINE_BREAK.search(data):
        return _LINE_BREAK.split(data)
    if len(data) % RECORD_LENGTH:
        # Without line breaks a short or long record shifts all that follow;
        # the first record not starting with a データ区分 is where it went wrong.
        shifted = next(
            (i // RECORD_LENGTH + 1 for i in range(0, len(data), RECORD_LENGTH) if data[i : i + 1] not in b"1289"),
            None,
        )
        where = f"（{shifted}件目から位置がずれています）" if shifted else ""
        raise FormatError(
            [
                FieldError(
                    0, "レコード長", f"改行のないファイルの長さ {len(data)} バイトが120バイトの倍数ではありません{where}"
                )
            ]
        )
    return [data[i : i + RECORD_LENGTH] for i in range(0, len(data), RECORD_LENGTH)]


def _decode(line: int, raw: bytes, layout: tuple[_Field, ...] | None, errors: list[FieldError]) -> str | None:
    """The record as text, or None (with the error recorded) if its bytes or length are wrong."""
    bad = _NOT_JIS.search(raw)
    if bad:
        name = _field_at(layout, bad.start() + 1)
        if _decodes(raw, "utf-8"):
            reason = "UTF-8 の文字があります。Shift_JIS（cp932）の半角カナで作り直してもらってください"
        elif raw[bad.start()] in _NOT_A_CHARACTER or not _decodes(raw, ENCODING):
            # 0x80, 0xA0 and 0xFD–0xFF are no character of JIS X 0201 or of Shift_JIS
            # (cp932 maps them to control and private-use code points): never read as text.
            reason = f"文字ではないバイト 0x{raw[bad.start()]:02X} があります（{bad.start() + 1}バイト目。全銀協の文字は半角の英数字・カナ・記号だけです）"
        else:
            wide = next(ch for ch in raw.decode(ENCODING) if len(ch.encode(ENCODING)) > 1)
            reason = f"全角文字「{wide}」があります。使えるのは半角カナ・英数字だけです"
        errors.append(FieldError(line, name, reason))
        return None
    if len(raw) != RECORD_LENGTH:
        errors.append(FieldError(line, "レコード長", f"{len(raw)}バイトです。1レコードは120バイトです"))
        return None
    return raw.decode(ENCODING)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class _DebitRow:
    line: int
    code: str | None = None  # 振替結果コード; None if the record could not be read
    amount: int | None = None
    customer: str | None = None
    bank: str | None = None
    branch: str | None = None
    account_type: str | None = None
    account: str | None = None
    holder: str = ""


@dataclass
class _DebitFile:
    header: dict[str, str] = field(default_factory=dict)
    header_line: int | None = None
    rows: list[_DebitRow] = field(default_factory=list)
    trailer: dict[str, int | None] = field(default_factory=dict)
    trailer_line: int | None = None
    texts: list[str | None] = field(default_factory=list)
    errors: Errors = field(default_factory=Errors)  # every problem counted, the first KEPT_ERRORS kept

    @property
    def is_request(self) -> bool:
        """A request has no results: all four result totals zero, every code 0 or blank."""
        results = [self.trailer.get(k) for k in ("振替済件数", "振替済金額", "振替不能件数", "振替不能金額")]
        return bool(self.rows) and results == [0, 0, 0, 0] and all(r.code in ("0", " ") for r in self.rows)


class _Reader:
    def __init__(self, errors: Errors):
        self.errors = errors

    def digits(self, line: int, text: str, layout: tuple[_Field, ...], name: str) -> str | None:
        value = _get(text, layout, name)
        if not re.fullmatch(r"[0-9]+", value):
            self.errors.append(FieldError(line, name, f"数字でなければなりません: 「{value}」"))
            return None
        return value

    def name(self, line: int, text: str, layout: tuple[_Field, ...], name: str) -> str:
        """A kana name field, refused if it holds what no bank writes (small kana, a detached ﾞ/ﾟ)."""
        value = _get(text, layout, name).rstrip()
        why = name_error(value)
        if why:
            self.errors.append(FieldError(line, name, why))
        return value

    def blank(self, line: int, text: str, layout: tuple[_Field, ...]) -> None:
        """Every ダミー of the record is spaces, as the 全銀協 layout fills it."""
        for f in layout:
            value = text[f.start - 1 : f.end]
            if f.name == "ダミー" and value.strip(" "):
                self.errors.append(
                    FieldError(line, "ダミー", f"ダミー（{f.start}〜{f.end}バイト目）は空白のはずが「{value.strip()}」です")
                )

    def bank(self, line: int, bank_field: str, branch_field: str, text: str, layout) -> tuple[str | None, str | None]:
        bank = self.digits(line, text, layout, bank_field)
        branch = self.digits(line, text, layout, branch_field)
        if bank is not None:
            try:
                banks.check_bank(bank)
            except ValueError as e:
                self.errors.append(FieldError(line, bank_field, str(e)))
                return bank, branch
        if bank is not None and branch is not None:
            try:
                banks.check_branch(bank, branch)
            except ValueError as e:
                self.errors.append(FieldError(line, branch_field, str(e)))
        return bank, branch


def _parse_debit(data: bytes) -> _DebitFile:
    """Everything a 91 file says, checked record by record; totals are checked by the caller."""
    out = _DebitFile()
    errors = out.errors
    read = _Reader(errors)
    end_line = None
    for line, raw in enumerate(_split_records(data), start=1):
        kind = raw[:1].decode("latin-1")
        if end_line is not None:
            errors.append(FieldError(line, "データ区分", f"エンドレコード（{end_line}行目）の後にレコードがあります"))
            out.texts.append(None)
            continue
        layout = _DEBIT_LAYOUTS.get(kind)
        text = _decode(line, raw, layout, errors)
        out.texts.append(text)
        if layout is None:
            if text is not None:  # else its bytes or length were reported already
                errors.append(FieldError(line, "データ区分", f"データ区分「{kind}」は 1・2・8・9 のいずれかです"))
            continue
        if kind == "1" and line != 1:
            errors.append(FieldError(line, "データ区分", "ヘッダー（1）は先頭に1つだけです（1ファイルに委託者は1つ）"))
            continue
        if kind != "1" and line == 1:
            errors.append(FieldError(line, "データ区分", "先頭のレコードはヘッダー（データ区分 1）のはずです"))
        if kind == "2" and out.trailer_line:
            errors.append(FieldError(line, "データ区分", f"トレーラー（{out.trailer_line}行目）の後にデータがあります"))
        if kind == "8" and out.trailer_line:
            errors.append(FieldError(line, "データ区分", f"トレーラーが2つあります（{out.trailer_line}行目）"))
            continue
        if kind == "9":
            end_line = line
            if text is not None:
                read.blank(line, text, END)
        if kind == "2":
            row = _DebitRow(line)
            out.rows.append(row)
            if text is not None:
                _parse_debit_data(read, line, text, row)
        elif text is None:
            pass
        elif kind == "1":
            out.header_line = line
            out.header = _parse_debit_header(read, line, text)
        elif kind == "8":
            out.trailer_line = line
            read.blank(line, text, DEBIT_TRAILER)
            out.trailer = {
                name: (int(v) if (v := read.digits(line, text, DEBIT_TRAILER, name)) is not None else None)
                for name in ("合計件数", "合計金額", "振替済件数", "振替済金額", "振替不能件数", "振替不能金額")
            }
    if out.trailer_line is None:
        errors.append(FieldError(0, "データ区分", "トレーラーレコード（データ区分 8）がありません"))
    if end_line is None:
        errors.append(FieldError(0, "データ区分", "エンドレコード（データ区分 9）がありません"))
    return out


def _parse_debit_header(read: _Reader, line: int, text: str) -> dict[str, str]:
    errors = read.errors
    kind = _get(text, DEBIT_HEADER, "種別コード")
    # Another kind of file has another layout: its other "errors" would be noise.
    if kind == "21":
        raise FormatError([FieldError(line, "種別コード", "種別コード 21 は総合振込です。口座振替（91）のファイルを指定してください")])
    if kind != "91":
        raise FormatError([FieldError(line, "種別コード", f"種別コード「{kind}」は口座振替の 91 のはずです")])
    code_kind = _get(text, DEBIT_HEADER, "コード区分")
    if code_kind == "1":
        errors.append(
            FieldError(line, "コード区分", "コード区分 1（EBCDIC）のファイルは読めません。JIS（コード区分 0）で作り直してもらってください")
        )
    elif code_kind != "0":
        errors.append(FieldError(line, "コード区分", f"コード区分「{code_kind}」は 0（JIS）のはずです"))
    header = {
        "種別コード": kind,
        "委託者コード": read.digits(line, text, DEBIT_HEADER, "委託者コード") or "",
        "委託者名": read.name(line, text, DEBIT_HEADER, "委託者名"),
        "引落日": read.digits(line, text, DEBIT_HEADER, "引落日") or "",
    }
    # The city's own bank: checked when given, since some banks leave 59–95 blank.
    if _get(text, DEBIT_HEADER, "取引銀行番号").strip() or _get(text, DEBIT_HEADER, "取引支店番号").strip():
        bank, branch = read.bank(line, "取引銀行番号", "取引支店番号", text, DEBIT_HEADER)
        header |= {
            "取引銀行番号": bank or "",
            "取引銀行名": read.name(line, text, DEBIT_HEADER, "取引銀行名"),
            "取引支店番号": branch or "",
            "取引支店名": read.name(line, text, DEBIT_HEADER, "取引支店名"),
        }
    # 96–120 are filler at some banks: kept when they hold an account, never refused.
    account_type, account = _get(text, DEBIT_HEADER, "預金種目"), _get(text, DEBIT_HEADER, "口座番号")
    if (account_type + account).isdigit():
        header |= {"預金種目": account_type, "口座番号": account}
    return header


def _parse_debit_data(read: _Reader, line: int, text: str, row: _DebitRow) -> None:
    errors = read.errors
    row.bank, row.branch = read.bank(line, "引落銀行番号", "引落支店番号", text, DEBIT_DATA)
    read.name(line, text, DEBIT_DATA, "引落銀行名")
    read.name(line, text, DEBIT_DATA, "引落支店名")
    row.account_type = read.digits(line, text, DEBIT_DATA, "預金種目")
    if row.account_type is not None and row.account_type not in DEBIT_ACCOUNT_TYPES:
        # 全銀協 口座振替 データレコード 預金種目: 1 普通, 2 当座, 3 納税準備, 9 その他 (4 貯蓄 is 総合振込's only).
        allowed = "・".join(f"{k} {v}" for k, v in DEBIT_ACCOUNT_TYPES.items())
        errors.append(FieldError(line, "預金種目", f"預金種目「{row.account_type}」は口座振替にありません（{allowed}）"))
    row.account = read.digits(line, text, DEBIT_DATA, "口座番号")
    row.holder = read.name(line, text, DEBIT_DATA, "預金者名")
    read.blank(line, text, DEBIT_DATA)
    amount = read.digits(line, text, DEBIT_DATA, "引落金額")
    if amount is not None:
        row.amount = int(amount)
        if row.amount == 0:
            errors.append(FieldError(line, "引落金額", "引落金額が0円です"))
    new_code = _get(text, DEBIT_DATA, "新規コード")
    if not (new_code.isdigit() or new_code == " "):  # not used for posting: any digit will do
        errors.append(FieldError(line, "新規コード", f"数字でなければなりません: 「{new_code}」"))
    row.customer = read.digits(line, text, DEBIT_DATA, "顧客番号")
    row.code = _get(text, DEBIT_DATA, "振替結果コード")


def _check_debit_totals(f: _DebitFile, *, request: bool) -> None:
    """The trailer agrees with itself and with the data records."""
    t, line, errors = f.trailer, f.trailer_line or 0, f.errors
    readable = all(r.code is not None for r in f.rows)
    with_amounts = readable and all(r.amount is not None for r in f.rows)

    def agree(name: str, actual: int, what: str, unit: str) -> None:
        stated = t.get(name)
        if stated is None or stated == actual:
            return
        width = 6 if unit == "件" else 12
        if actual >= 10**width:
            errors.append(
                FieldError(line, name, f"{what}{actual:,}{unit}は{width}桁に収まりません（{name} {stated:,}{unit}）")
            )
        else:
            errors.append(FieldError(line, name, f"{name} {stated:,}{unit}が{what}{actual:,}{unit}と一致しません"))

    agree("合計件数", len(f.rows), "データレコードの数 ", "件")
    if with_amounts:
        agree("合計金額", sum(r.amount for r in f.rows), "データの合計 ", "円")
    if request:
        return
    for r in f.rows:
        if r.code == " ":
            errors.append(FieldError(r.line, "振替結果コード", "振替結果コードが空白です"))
    if readable:
        paid = [r for r in f.rows if r.code == "0"]
        failed = [r for r in f.rows if r.code != "0"]
        agree("振替済件数", len(paid), "結果コード0のデータ ", "件")
        agree("振替不能件数", len(failed), "結果コード0以外のデータ ", "件")
        if with_amounts:
            agree("振替済金額", sum(r.amount for r in paid), "結果コード0のデータの合計 ", "円")
            agree("振替不能金額", sum(r.amount for r in failed), "結果コード0以外のデータの合計 ", "円")
    for part, whole, unit in (("件数", "合計件数", "件"), ("金額", "合計金額", "円")):
        paid_n, failed_n, total_n = t.get("振替済" + part), t.get("振替不能" + part), t.get(whole)
        if None not in (paid_n, failed_n, total_n) and paid_n + failed_n != total_n:
            errors.append(
                FieldError(
                    line,
                    f"振替済{part}・振替不能{part}",
                    f"振替済{part} {paid_n:,}{unit} ＋ 振替不能{part} {failed_n:,}{unit} が{whole} {total_n:,}{unit}と一致しません",
                )
            )


def read_debit_result(data: bytes, *, debit_date: date, allow_request: bool = False) -> ParsedFile:
    """口座振替結果データ (種別 91) → one PaymentRecord per data record, or FormatError listing every problem.

    The file carries only MMDD: `debit_date` is the full date the city asked
    for, and the header must agree with it. Result code 0 posts a payment,
    every other code (unknown ones included, kept raw) a failed debit. A
    request file (no results yet) is refused unless `allow_request`, so that
    it can never be posted as if everything had been collected; read with
    it, its records have no result_code and meta["ファイル"] is "依頼".
    """
    f = _parse_debit(data)
    errors = f.errors
    mmdd = f.header.get("引落日")
    if mmdd:
        try:
            date(debit_date.year, int(mmdd[:2]), int(mmdd[2:]))
        except ValueError:
            errors.append(FieldError(f.header_line or 1, "引落日", f"引落日 {mmdd} は日付ではありません（MMDD）"))
        else:
            if mmdd != f"{debit_date:%m%d}":
                errors.append(
                    FieldError(
                        f.header_line or 1,
                        "引落日",
                        f"引落日 {mmdd} が指定された引落日 {debit_date.isoformat()} と違います",
                    )
                )
    request = f.is_request
    if request and not allow_request:
        errors.append(
            FieldError(
                f.trailer_line or 0,
                "振替済件数・振替不能件数",
                "振替結果が入っていない依頼ファイルです。銀行から返ってきた振替結果ファイルを取り込んでください",
            )
        )
    _check_debit_totals(f, request=request)
    seen: dict[str, int] = {}
    for r in f.rows:
        if r.customer is None:
            continue
        if r.customer in seen:
            # The key is date + 顧客番号: a second record would be dropped as already posted.
            errors.append(FieldError(r.line, "顧客番号", f"顧客番号 {r.customer} が{seen[r.customer]}行目と重複しています"))
        seen.setdefault(r.customer, r.line)
    if errors:
        raise FormatError(sorted(errors, key=lambda e: e.line), total=len(errors))

    records = tuple(
        PaymentRecord(
            line=r.line,
            key=f"{debit_date.isoformat()}:{r.customer}",
            amount=r.amount,
            paid_on=debit_date,
            channel="direct_debit",
            match={
                "customer_number": r.customer,
                "bank_code": r.bank,
                "branch_code": r.branch,
                "account_number": r.account,
            },
            action=PAYMENT if request or r.code == "0" else FAILED_DEBIT,
            result_code=None if request else r.code,
            extra={"holder": r.holder, "account_type": r.account_type or ""},
        )
        for r in f.rows
    )
    t = f.trailer
    totals = FileTotals(count=t["合計件数"], amount=t["合計金額"])
    if not request:
        totals = FileTotals(
            count=t["合計件数"],
            amount=t["合計金額"],
            paid_count=t["振替済件数"],
            paid_amount=t["振替済金額"],
            failed_count=t["振替不能件数"],
            failed_amount=t["振替不能金額"],
        )
    meta = {k: v for k, v in f.header.items() if k != "引落日"}
    meta |= {"引落日": debit_date.isoformat(), "ファイル": "依頼" if request else "結果"}
    return ParsedFile(records=records, totals=totals, meta=meta)


def make_debit_result(
    request: bytes, results: Mapping[str, str], *, line_ending: Literal["crlf", "none"] = "crlf"
) -> bytes:
    """The result file a bank would return for `request`: what tests and the demo city need.

    `results` maps 顧客番号 to a result code; records not named were debited (0).
    """
    _check_line_ending(line_ending)
    f = _parse_debit(request)
    _check_debit_totals(f, request=True)
    if f.errors:
        raise FormatError(f.errors)
    if not f.is_request:
        raise ValueError("振替結果がすでに入っています。依頼ファイルを指定してください")
    unknown = set(results) - {r.customer for r in f.rows}
    if unknown:
        raise ValueError(f"依頼ファイルにない顧客番号です: {', '.join(sorted(unknown))}")
    bad = {c for c in results.values() if not re.fullmatch(r"[0-9A-Z]", c)}
    if bad:
        raise ValueError(f"振替結果コードは英数字1文字です: {', '.join(sorted(bad))}")
    texts = [t for t in f.texts if t is not None]
    by_line = {r.line: r for r in f.rows}
    paid = failed = paid_amount = failed_amount = 0
    code_at = next(fl for fl in DEBIT_DATA if fl.name == "振替結果コード").start - 1
    out = []
    for line, text in enumerate(texts, start=1):
        row = by_line.get(line)
        if row is not None:
            code = results.get(row.customer, "0")
            text = text[:code_at] + code + text[code_at + 1 :]
            if code == "0":
                paid, paid_amount = paid + 1, paid_amount + row.amount
            else:
                failed, failed_amount = failed + 1, failed_amount + row.amount
        elif text[0] == "8":
            text = _record(
                DEBIT_TRAILER,
                {
                    "データ区分": "8",
                    "合計件数": _get(text, DEBIT_TRAILER, "合計件数"),
                    "合計金額": _get(text, DEBIT_TRAILER, "合計金額"),
                    "振替済件数": f"{paid:06d}",
                    "振替済金額": f"{paid_amount:012d}",
                    "振替不能件数": f"{failed:06d}",
                    "振替不能金額": f"{failed_amount:012d}",
                },
            )
        out.append(text)
    return _encode(out, line_ending)


# --- a result checked against the city's contract and its own request ----------


@dataclass(frozen=True)
class RequestedDebit:
    """One data record of a 口座振替依頼データ the city wrote: what its result must repeat."""

    customer_number: str  # 顧客番号, 20 digits
    amount: int  # 引落金額
    bank_code: str  # 引落銀行番号
    branch_code: str  # 引落支店番号
    account_type: str  # 預金種目
    account_number: str  # 口座番号, 7 digits

    def as_list(self) -> list:
        return [self.customer_number, self.amount, self.bank_code, self.branch_code, self.account_type, self.account_number]

    @classmethod
    def from_list(cls, row) -> RequestedDebit:
        customer, amount, bank, branch, account_type, account = row
        return cls(str(customer), int(amount), str(bank), str(branch), str(account_type), str(account))

    @classmethod
    def from_record(cls, r: PaymentRecord) -> RequestedDebit:
        """A request's data record as read back (read_debit_result with allow_request)."""
        return cls(r.match["customer_number"], r.amount, r.match["bank_code"], r.match["branch_code"], r.extra.get("account_type", ""),
                   r.match["account_number"])


# What a result record must repeat from its request line, by the layout's field names.
_REPEATED = (
    ("引落銀行番号", "bank_code"),
    ("引落支店番号", "branch_code"),
    ("預金種目", "account_type"),
    ("口座番号", "account_number"),
)


def _result_value(record: PaymentRecord, attr: str) -> str:
    if attr == "account_type":
        return record.extra.get("account_type", "")
    return record.match.get(attr) or ""


def check_debit_result(
    parsed: ParsedFile, *, consignor_code: str, requests: list[tuple[RequestedDebit, ...]] | None,
) -> list[FieldError]:
    """A 口座振替結果データ (種別 91) answers one 依頼データ of ours, or it is not ours to post.

    The bank returns the request it was sent, each data record with its 振替結果コード
    filled in (全銀協 口座振替 データレコード: the bank fills in 振替結果コード and repeats
    the rest): so the header's 委託者コード is the one the bank assigned to the city, the
    引落日 is that of a request the city wrote, and every data record repeats a line of
    that request — 顧客番号, 引落金額 and the account — and the result holds every line of
    it, no more and no fewer (合計件数・合計金額). Money is received only as the city asked
    for it (地方自治法231条の2第3項, 同法施行令155条: 口座振替の方法による納付).

    `requests` is each request written for the file's debit date (oldest first; None or
    empty: none). The file is checked against the one sharing most of its 顧客番号 (the
    latest of equals). Returns every problem found (empty: the file may be posted).
    """
    errors: list[FieldError] = []
    theirs = (parsed.meta.get("委託者コード") or "").strip()
    if theirs != consignor_code:
        errors.append(FieldError(1, "委託者コード", f"委託者コード {theirs or '（空白）'} は当市の委託者コード {consignor_code} ではありません（他の委託者の結果は取り込みません）"))
    when = parsed.meta.get("引落日", "")
    if not requests:
        errors.append(FieldError(1, "引落日", f"引落日 {when} の口座振替依頼データを作成していません（依頼していない結果は取り込みません）"))
        return errors
    customers = {r.match.get("customer_number") for r in parsed.records}
    best = max(reversed(requests), key=lambda lines: sum(1 for x in lines if x.customer_number in customers))
    best = tuple(best)
    asked = {x.customer_number: x for x in best}
    for r in parsed.records:
        customer = r.match.get("customer_number") or ""
        line = asked.get(customer)
        if line is None:
            errors.append(FieldError(r.line, "顧客番号", f"顧客番号 {customer} は引落日 {when} の依頼データにありません（依頼していない引落は取り込みません）"))
            continue
        if r.amount != line.amount:
            errors.append(FieldError(r.line, "引落金額", f"引落金額 {r.amount:,}円が依頼した金額 {line.amount:,}円と違います（顧客番号 {customer}）"))
        for name, attr in _REPEATED:
            got, want = _result_value(r, attr), getattr(line, attr)
            if got != want:
                errors.append(FieldError(r.line, name, f"{name} {got or '（空白）'} が依頼した {want} と違います（顧客番号 {customer}）"))
    trailer = max((r.line for r in parsed.records), default=1) + 1  # the trailer follows the data records
    count, amount = len(parsed.records), sum(r.amount for r in parsed.records)
    want_count, want_amount = len(best), sum(x.amount for x in best)
    if count != want_count:
        errors.append(FieldError(trailer, "合計件数", f"結果 {count:,}件が依頼した {want_count:,}件と一致しません"))
    if amount != want_amount:
        errors.append(FieldError(trailer, "合計金額", f"結果の合計 {amount:,}円が依頼した合計 {want_amount:,}円と一致しません"))
    missing = sorted(set(asked) - customers)
    for customer in missing:
        errors.append(FieldError(trailer, "顧客番号", f"依頼した顧客番号 {customer}（{asked[customer].amount:,}円）の結果がありません"))
    return errors

"""Payment and assessment files as plain records: the shapes every codec returns.

A codec reads bytes and returns a ParsedFile, or raises FormatError listing
every bad record at once (line, field, reason) — a file is taken whole or not at
all. Codecs know nothing of the database: matching a record to an instalment
and posting it is `saiken.payments`'s work, from the record's `match` keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class FieldError:
    line: int  # 1-based record (or line) number in the file; 0 for the file as a whole
    field: str  # the field's Japanese name as the layout calls it, e.g. "引落金額"
    reason: str  # Japanese, says what is wrong and what was expected

    def __str__(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル"
        return f"{where} {self.field}: {self.reason}"


# How many of a file's errors are kept and shown; the rest are counted ("ほか N 件").
# A file of junk has an error in every field of every line: the clerk needs the first
# ones and how many there are, not a page of hundreds of thousands.
KEPT_ERRORS = 1000


class Errors:
    """A file's problems as a codec finds them: every one counted, the first `keep` kept.

    Used where a list of FieldError was: `append`, `len` (every problem, kept or not),
    truth and iteration (the kept ones, in the order found)."""

    def __init__(self, keep: int = KEPT_ERRORS):
        self.kept: list[FieldError] = []
        self.total = 0
        self._keep = keep

    def append(self, error: FieldError) -> None:
        self.total += 1
        if len(self.kept) < self._keep:
            self.kept.append(error)

    def extend(self, errors) -> None:
        for e in errors:
            self.append(e)
        if isinstance(errors, Errors):  # and those it counted without keeping
            self.total += errors.total - len(errors.kept)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.kept)

    def __eq__(self, other) -> bool:
        if isinstance(other, Errors):
            return (self.kept, self.total) == (other.kept, other.total)
        if isinstance(other, list):
            return self.kept == other and self.total == len(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Errors({self.kept!r}, total={self.total})"


class FormatError(ValueError):
    """A file that cannot be taken. `errors` lists the problems found (the first
    KEPT_ERRORS of them); `total` counts them all, `more` those not listed."""

    def __init__(self, errors: list[FieldError] | Errors, total: int | None = None):
        kept = list(errors)
        self.total = max(len(errors) if total is None else total, len(kept))
        self.errors = kept[:KEPT_ERRORS]
        head = "; ".join(str(e) for e in self.errors[:3])
        more = f" ほか{self.total - 3}件" if self.total > 3 else ""
        super().__init__(f"{head}{more}")

    @property
    def more(self) -> int:
        """The problems found but not listed."""
        return self.total - len(self.errors)


# What a record asks the ledger to do.
PAYMENT = "payment"  # money received: post it
PRELIMINARY = "preliminary"  # 速報: received at a store, not yet confirmed
CANCEL = "cancel"  # 速報取消: a preliminary record withdrawn
FAILED_DEBIT = "failed_debit"  # 振替不能: a direct debit that did not happen

ACTION_LABELS = {PAYMENT: "納付", PRELIMINARY: "速報", CANCEL: "速報取消", FAILED_DEBIT: "振替不能"}

# The names of the keys a record is matched by (PaymentRecord.match), as a clerk reads them;
# a layout's own key names are shown as the layout writes them.
MATCH_LABELS = {
    "customer_number": "顧客番号", "bank_code": "銀行コード", "branch_code": "支店コード", "account_number": "口座番号",
    "barcode": "バーコード", "instalment_id": "調定番号", "notice_number": "通知書番号", "el_payment_number": "eL番号",
    "納付番号": "納付番号",
}

# The names of what else a record keeps (PaymentRecord.extra): the bank's 預金者名 and
# 預金種目 (全銀協 口座振替 データ・レコード), the store agency's CSV columns; a layout's
# own column names are shown as the layout writes them.
EXTRA_LABELS = {
    "holder": "預金者名", "account_type": "預金種目", "kind": "データ種別", "store_code": "店舗コード",
    "chain_code": "コンビニ本部コード", "chain_name": "コンビニ名", "paid_at": "収納時刻", "user_field_1": "ユーザー使用欄1",
    "user_field_2": "ユーザー使用欄2", "stamp_flag": "印紙フラグ", "created_on": "データ作成日", "transfer_date": "振込日",
}


@dataclass(frozen=True)
class PaymentRecord:
    line: int
    key: str  # unique within its format across all files: the same key posts once
    amount: int  # whole yen, > 0
    paid_on: date
    channel: str  # a saiken.ledger.models.Channel value: "direct_debit", "convenience", "elqr", …
    match: dict[str, str]  # how to find what it pays, e.g. {"customer_number": "000…123"}, {"barcode": "91…"}
    action: str = PAYMENT
    booked_on: date | None = None  # the day the money reaches the city (振込日), if the file says
    result_code: str | None = None  # direct debit: the bank's raw result code
    extra: dict[str, str] = field(default_factory=dict)  # anything else worth keeping (store, names)


@dataclass(frozen=True)
class FileTotals:
    """The file's own totals (a trailer), which the records must agree with."""

    count: int
    amount: int
    paid_count: int | None = None
    paid_amount: int | None = None
    failed_count: int | None = None
    failed_amount: int | None = None


@dataclass(frozen=True)
class ParsedFile:
    records: tuple[PaymentRecord, ...]
    totals: FileTotals | None = None
    meta: dict[str, str] = field(default_factory=dict)  # header facts: 委託者コード, 引落日, …

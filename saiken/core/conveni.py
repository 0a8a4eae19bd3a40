"""The convenience-store payment barcode (コンビニ収納用バーコード): 44 digits of GS1-128.

Layout (FORMATS.md §3):

    91 | issuer (6) | free field (21) | reissue (1) | deadline YYMMDD (6) | stamp (1) | amount (6) | CD (1)

The check digit is modulus 10, weights 3 and 1 from the right over the first 43 digits.
A deadline of 999999 means "no deadline"; the stamp flag is always 0 for public money
(no revenue stamp on a public receipt). Stores cannot take more than 999,999 yen on one
slip, and most agency contracts cap lower (often 300,000 yen): above the cap a notice
carries no barcode at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

AI = "91"
LENGTH = 44
ISSUER_LEN = 6
FREE_LEN = 21
NO_DEADLINE = "999999"
MAX_AMOUNT = 999_999


class AmountNotPayableAtStores(ValueError):
    """The amount is above 999,999 yen or the contract cap: print no barcode.

    A subclass so that a caller deciding "barcode or not" can tell this expected
    case from bad data (which is a bug and should stop the work).
    """


@dataclass(frozen=True)
class ConveniBarcode:
    """The fields of one 44-digit slip, as read back from a printed or paid barcode."""

    issuer: str
    free: str
    reissue: int
    deadline: date | None
    stamp: int
    amount: int
    check: str
    raw: str = field(default="", compare=False, repr=False)  # the 44 digits as read, if read

    @property
    def content(self) -> str:
        if self.raw:
            return self.raw
        first43 = _first43(self.issuer, self.free, self.reissue, self.deadline, self.stamp, self.amount)
        return first43 + self.check


def _is_digits(s: str) -> bool:
    # str.isdigit() accepts full-width and other Unicode digits; a barcode takes ASCII only.
    return bool(s) and s.isascii() and s.isdigit()


def check_digit(first43: str) -> str:
    """The modulus-10 (weights 3, 1 from the right) check digit of the first 43 digits."""
    if len(first43) != LENGTH - 1 or not _is_digits(first43):
        raise ValueError(f"チェックデジットの計算には半角数字43桁が必要です（{first43!r}）")
    # From the right, odd positions weigh 3 and even ones 1. Summed as bytes (each digit
    # is its code less 48): this runs for every record of a 200,000-line file.
    digits = first43.encode("ascii")
    odd, even = digits[::-2], digits[-2::-2]
    total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
    return str((10 - total % 10) % 10)


def _first43(issuer: str, free: str, reissue: int, deadline: date | None, stamp: int, amount: int) -> str:
    yymmdd = NO_DEADLINE if deadline is None else deadline.strftime("%y%m%d")
    return f"{AI}{issuer}{free.zfill(FREE_LEN)}{reissue}{yymmdd}{stamp}{amount:06d}"


def barcode_content(
    *,
    issuer: str,
    free: str,
    reissue: int = 0,
    deadline: date | None,
    amount: int,
    cap: int | None = None,
) -> str:
    """The 44 digits for one slip.

    `free` is the issuer's own field (notice number, instalment…), zero-padded on the left
    to 21 digits. `deadline` None prints 999999 (no deadline). `cap` is the agency
    contract's ceiling; above it (or above 999,999) AmountNotPayableAtStores is raised.
    Any other bad input raises ValueError.
    """
    if not isinstance(issuer, str) or len(issuer) != ISSUER_LEN or not _is_digits(issuer):
        raise ValueError(f"収納機関番号（発行者コード）は半角数字6桁です（{issuer!r}）")
    if not isinstance(free, str) or not _is_digits(free):
        raise ValueError(f"自由使用欄は半角数字で指定してください（{free!r}）")
    if len(free) > FREE_LEN:
        raise ValueError(f"自由使用欄は21桁以内です（{len(free)}桁: {free!r}）")
    if isinstance(reissue, bool) or not isinstance(reissue, int) or not 0 <= reissue <= 9:
        raise ValueError(f"再発行区分は0〜9の整数です（{reissue!r}）")
    if deadline is not None and not isinstance(deadline, date):
        raise ValueError(f"支払期限は日付またはNone（期限なし）で指定してください（{deadline!r}）")
    if deadline is not None and not 2000 <= deadline.year <= 2099:
        # YYMMDD cannot say which century; only this one reads back unambiguously.
        raise ValueError(f"支払期限は2000年から2099年までの日付です（{deadline}）")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"金額は円単位の整数で指定してください（{amount!r}）")
    if amount < 0:
        raise ValueError(f"金額が負です（{amount}円）")
    if amount == 0:
        raise ValueError("金額が0円のバーコードは作成できません")
    if amount > MAX_AMOUNT:
        raise AmountNotPayableAtStores(f"コンビニ収納の上限999,999円を超えています（{amount:,}円）")
    if cap is not None and amount > cap:
        raise AmountNotPayableAtStores(f"コンビニ収納の契約上限{cap:,}円を超えています（{amount:,}円）")
    first43 = _first43(issuer, free, reissue, deadline, 0, amount)
    return first43 + check_digit(first43)


def parse_barcode(s: str) -> ConveniBarcode:
    """Read 44 digits back into fields; ValueError on bad length, AI, date or check digit.

    The stamp flag is returned as read, not enforced: agencies' files also carry slips of
    private issuers.
    """
    if not isinstance(s, str) or len(s) != LENGTH or not _is_digits(s):
        raise ValueError(f"バーコードは半角数字44桁です（{s!r}）")
    if not s.startswith(AI):
        raise ValueError(f"バーコードの先頭はアプリケーション識別子91です（{s[:2]}）")
    expected = check_digit(s[:43])
    if s[43] != expected:
        raise ValueError(f"バーコードのチェックデジットが一致しません（{s[43]}、正しくは{expected}）")
    raw_deadline = s[30:36]
    deadline = None
    if raw_deadline != NO_DEADLINE:
        try:
            deadline = date(2000 + int(raw_deadline[:2]), int(raw_deadline[2:4]), int(raw_deadline[4:]))
        except ValueError:
            raise ValueError(f"バーコードの支払期限が日付ではありません（{raw_deadline}）") from None
    return ConveniBarcode(
        issuer=s[2:8],
        free=s[8:29],
        reissue=int(s[29]),
        deadline=deadline,
        stamp=int(s[36]),
        amount=int(s[37:43]),
        check=s[43],
        raw=s,
    )


# saiken's own use of the 21-digit free field: one digit says what the slip pays,
# twenty give its id. A store payment then finds its debt without any lookup table.
SLIP_INSTALMENT = "1"  # a notice (納付書) for one instalment
SLIP_DEMAND = "2"  # a 督促状 for all the instalments (and the fee) it demands
SLIP_NOTICE = "3"  # a 納付書 (first issue, reissue or 分納) for the lines printed on it
SLIP_KINDS = (SLIP_INSTALMENT, SLIP_DEMAND, SLIP_NOTICE)

# The reissue digit (再発行区分): 0 on a first issue, 1 on a reissued slip.
FIRST_ISSUE = 0
REISSUE = 1


def slip_free_field(kind: str, ident: int) -> str:
    if kind not in SLIP_KINDS:
        raise ValueError(f"払込票の種類 {kind!r} は登録されていません")
    if not 0 < ident < 10**20:
        raise ValueError(f"払込票の番号 {ident} は20桁に収まりません")
    return f"{kind}{ident:020d}"


def slip_of(free: str) -> tuple[str, int] | None:
    """(kind, id) from a free field written by `slip_free_field`; None for any other."""
    if len(free) != FREE_LEN or free[0] not in SLIP_KINDS or not free.isdigit():
        return None
    return free[0], int(free[1:])

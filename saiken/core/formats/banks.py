"""Bank and branch codes (統一金融機関コード) from the maintained `zengin-code` package.

The package's data is a snapshot of the 全銀協 master: banks merge and branches
close, so keep the package current. ゆうちょ銀行 is bank 9900 with its
three-digit 店名 codes (〇一八 …) as branches.
"""

from __future__ import annotations

import re
from functools import cache

from saiken.core.formats.kana import bank_kana

_BANK_CODE = re.compile(r"[0-9]{4}")
_BRANCH_CODE = re.compile(r"[0-9]{3}")


@cache
def _banks():
    # Imported on first use: loading ~29,000 branches costs a fifth of a
    # second, which only file work should pay.
    from zengin_code import Bank

    return Bank.all


def check_bank(bank_code: str) -> None:
    if not isinstance(bank_code, str) or not _BANK_CODE.fullmatch(bank_code):
        raise ValueError(f"銀行コードは4桁の数字です: {bank_code!r}")
    if bank_code not in _banks():
        raise ValueError(f"銀行コード {bank_code} は存在しません")


def check_branch(bank_code: str, branch_code: str) -> None:
    """The branch exists at that bank; the bank itself is checked first."""
    check_bank(bank_code)
    if not isinstance(branch_code, str) or not _BRANCH_CODE.fullmatch(branch_code):
        raise ValueError(f"支店コードは3桁の数字です: {branch_code!r}")
    if branch_code not in _banks()[bank_code].branches:
        raise ValueError(f"銀行コード {bank_code} に支店コード {branch_code} は存在しません")


def check_account(bank_code: str, branch_code: str) -> None:
    """Raise ValueError (in Japanese) unless the bank and its branch exist."""
    check_branch(bank_code, branch_code)


def bank_name(bank_code: str) -> str:
    """The bank's name in half-width kana as files carry it, e.g. 0001 → ﾐｽﾞﾎ."""
    check_bank(bank_code)
    return bank_kana(_banks()[bank_code].kana)


def branch_name(bank_code: str, branch_code: str) -> str:
    """The branch's name in half-width kana, e.g. (0001, 001) → ﾄｳｷﾖｳ."""
    check_branch(bank_code, branch_code)
    return bank_kana(_banks()[bank_code].branches[branch_code].kana)

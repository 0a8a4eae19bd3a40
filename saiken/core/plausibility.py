"""Checks that a payment record could have happened: our slip, a possible day, an id in range.

A collection agency's store file (収納データ) is written under the city's contract: every
slip in it carries the city's own 収納機関番号 (the issuer code the agency assigned, the
6 digits after the application identifier 91 of the GS1-128 barcode), and every payment
in it was made after the slip was issued and no later than the day the file arrives.
A record that breaks either is not a payment of ours or not a payment at all: the file is
broken, and it is refused whole, naming the record and the field, so that the agency
sends it again (a future date would otherwise fix late charges and the settlement year
on a day that has not come, and a date before the slip existed would waive a late charge).

Ids parsed from a slip's free field or a 顧客番号 are compared with the database's
64-bit keys: one of 2^63 or more cannot be ours.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

# The largest key of a 64-bit signed integer column (Django's BigAutoField on SQLite and
# PostgreSQL alike): an id above it names no row of ours.
ID_MAX = 2**63 - 1


def id_in_range(ident: int) -> bool:
    """Whether `ident` can be a database key (1 .. 2^63−1)."""
    return 0 < ident <= ID_MAX


def issuer_error(issuer: str, accepted: Collection[str]) -> str | None:
    """Why a slip of `issuer` is not ours (None if it is)."""
    if issuer in accepted:
        return None
    ours = "・".join(sorted(accepted))
    return f"収納機関番号 {issuer} はこの市の番号（{ours}）ではありません。他の収納機関の払込票は取り込めません（収納代行業者に確認してください）"


def stamp_error(flag: str, where: str) -> str | None:
    """Why a stamp flag (印紙フラグ) `flag` cannot be on a slip of the city's (None if it can).

    The GS1-128 収納用バーコード carries a stamp flag (position 37: 0 印紙不要, 1 印紙必要),
    and the agency's 速報・確報 repeats it as 印紙フラグ. A receipt for public money is a
    document of a local public body and bears no revenue stamp (印紙税法第5条第2号:
    国・地方公共団体が作成した文書は非課税 (verify: the store's receipt as the city's)),
    so every slip the city prints carries 0; a 1 on one of its slips is a slip the city
    did not print, or a file that is not what the store read.
    """
    if flag == "0":
        return None
    return f"{where}が「{flag}」です。市の公金の払込票は印紙不要（0）だけです（収入印紙の要る払込票は市が発行していません）"


def earliest_payment_day(today: date, max_age_days: int) -> date:
    """The oldest payment day a file arriving `today` may carry."""
    return today - timedelta(days=max_age_days)


def paid_on_error(paid_on: date, *, today: date, max_age_days: int, issued_on: date | None = None, issued_what: str = "") -> str | None:
    """Why a payment on `paid_on` is impossible in a file taken `today` (None if possible).

    The bounds are inclusive: a payment on the day the slip was issued, on the day the
    file is taken, and exactly `max_age_days` before it are possible; one a day outside
    any of them is not.
    """
    if paid_on > today:
        return f"収納日 {paid_on} は取込日 {today} より後です（未来の日付の収納はありません）"
    earliest = earliest_payment_day(today, max_age_days)
    if paid_on < earliest:
        return f"収納日 {paid_on} は取込日から{max_age_days:,}日より前（{earliest} より前）です（設定 SAIKEN_PAYMENT_MAX_AGE_DAYS）"
    if issued_on is not None and paid_on < issued_on:
        return f"収納日 {paid_on} は{issued_what or '払込票の発行'}（{issued_on}）より前です"
    return None

"""The bank's side of the demo city's direct debit (口座振替): the result file a bank returns.

The city writes a 口座振替依頼データ (`saiken export-debits`); the bank debits each account
on the debit date and returns the same records with the 振替結果コード filled in (全銀協
口座振替 種別91, data record position 112). This answers a request as a bank would: most
accounts pay, a few percent do not, for the reasons banks give most (資金不足 first).
For the demo and the tests only: a real city gets this file from its bank.
"""

from __future__ import annotations

from datetime import date
from random import Random
from typing import NamedTuple

from django.db.models import Count, F, Max, Q

from saiken.core.formats.zengin import RESULT_CODES, make_debit_result, read_debit_result

# (result code, weight) of the debits that fail: mostly insufficient funds.
FAILURES = (("1", 75), ("2", 5), ("3", 10), ("4", 3), ("9", 7))
FAIL_RATE = 0.03


class BankAnswer(NamedTuple):
    data: bytes  # the result file
    records: int  # debits in it
    failed: dict[str, str]  # 顧客番号 → result code, of the debits that failed


def bank_answer(request: bytes, *, fail_rate: float = FAIL_RATE, seed: int = 1) -> BankAnswer:
    """The result file for `request`, with the result codes of the debits that failed.

    round(records × fail_rate) debits fail (at least one when the rate is above zero),
    chosen by `seed`: the same request and seed give the same file."""
    if not 0.0 <= fail_rate <= 1.0:
        raise ValueError("不能率は 0〜1 で指定してください")
    customers = sorted(r.match["customer_number"] for r in _request_records(request))
    count = min(len(customers), max(1, round(len(customers) * fail_rate))) if fail_rate > 0 else 0
    rng = Random(seed)
    failed = sorted(rng.sample(customers, count))
    codes = [code for code, _ in FAILURES]
    weights = [w for _, w in FAILURES]
    results = {customer: rng.choices(codes, weights)[0] for customer in failed}
    return BankAnswer(make_debit_result(request, results), len(customers), results)


def _request_records(request: bytes):
    # The header carries the debit date as MMDD only; a leap year reads every MMDD (0229 too).
    mmdd = request[54:58].decode("ascii", "replace")
    if not mmdd.isdigit():
        raise ValueError("口座振替依頼データのヘッダーに引落日（MMDD）がありません")
    return read_debit_result(request, debit_date=date(2000, int(mmdd[:2]), int(mmdd[2:])), allow_request=True).records


def describe(results: dict[str, str]) -> str:
    """"資金不足 3件、取引なし 1件" for the failed debits."""
    counts: dict[str, int] = {}
    for code in results.values():
        counts[code] = counts.get(code, 0) + 1
    return "、".join(f"{RESULT_CODES.get(code, code)} {n:,}件" for code, n in sorted(counts.items())) or "なし"


def next_debit_date(after: date) -> date | None:
    """The debit date ahead with the most debits: among the due dates after `after` of open
    instalments that a mandate debits, the one with the most (the earliest of equals) — a
    city's main debit date (市税's 期別), not a day with a handful of monthly fees. The last
    such date on or before `after` when none is ahead; None when no mandate has any."""
    from saiken.ledger.models import Instalment

    debited = Instalment.objects.filter(
        principal_due__gt=0, debtor__mandates__receivable=F("receivable"), debtor__mandates__valid_from__lte=F("due_date"),
    ).filter(Q(debtor__mandates__valid_to__isnull=True) | Q(debtor__mandates__valid_to__gte=F("due_date")))
    ahead = list(debited.filter(due_date__gt=after).values("due_date").annotate(n=Count("id", distinct=True)).values_list("due_date", "n"))
    if ahead:
        return min(ahead, key=lambda row: (-row[1], row[0]))[0]
    return debited.filter(due_date__lte=after).aggregate(d=Max("due_date"))["d"]

"""Pledges and promises judged from the ledger (`saiken.cases.rules.judge_schedule`).

A pledge counts the debtor's payments (Payment rows) to the receivables of the
instalments it covers, from the day it was signed; a promise counts the debtor's
payments to its receivable (any receivable if none was named) from the day it
was made, with no grace. Each function reads a whole set in a fixed number of
queries, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from saiken.cases.models import Pledge, PledgeInstalment, Promise
from saiken.cases.rules import Verdict, judge_schedule
from saiken.ledger.models import Payment


def _payments(debtor_ids: set[int], since: date, as_of: date) -> dict[int, list[tuple[int, date, int]]]:
    """(receivable id, paid_on, yen) per debtor, paid from `since` through `as_of`."""
    out: dict[int, list] = defaultdict(list)
    if not debtor_ids:
        return out
    rows = Payment.objects.filter(debtor_id__in=sorted(debtor_ids), paid_on__gte=since, paid_on__lte=as_of)
    for debtor_id, receivable_id, paid_on, amount in rows.values_list("debtor_id", "receivable_id", "paid_on", "amount"):
        out[debtor_id].append((receivable_id, paid_on, amount))
    return out


def judge_pledges(pledges: Iterable[Pledge], as_of: date) -> dict[int, Verdict]:
    """Each pledge's schedule, row by row, as of `as_of` (pledges need `case` loaded or
    `case_id`; the debtor is read from the case)."""
    pledges = [p for p in pledges if p.signed_on <= as_of]
    if not pledges:
        return {}
    ids = [p.pk for p in pledges]
    schedule: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for pid, due_on, amount in PledgeInstalment.objects.filter(pledge_id__in=ids).values_list("pledge_id", "due_on", "amount"):
        schedule[pid].append((due_on, amount))
    covered: dict[int, set[int]] = defaultdict(set)
    debtor_of: dict[int, int] = {}
    through = Pledge.instalments.through.objects.filter(pledge_id__in=ids)
    for pid, receivable_id, debtor_id in through.values_list("pledge_id", "instalment__receivable_id", "instalment__debtor_id"):
        covered[pid].add(receivable_id)
        debtor_of[pid] = debtor_id
    since = min(p.signed_on for p in pledges)
    paid = _payments(set(debtor_of.values()), since, as_of)
    out = {}
    for p in pledges:
        receivables = covered.get(p.pk, set())
        payments = [(d, yen) for r, d, yen in paid.get(debtor_of.get(p.pk), []) if r in receivables]
        out[p.pk] = judge_schedule(schedule[p.pk], payments, since=p.signed_on, grace_days=p.grace_days, as_of=as_of)
    return out


def judge_promises(promises: Iterable[Promise], as_of: date) -> dict[int, Verdict]:
    """Each promise as a one-row schedule without grace (promises need `case` loaded)."""
    promises = [p for p in promises if p.promised_on <= as_of]
    if not promises:
        return {}
    since = min(p.promised_on for p in promises)
    paid = _payments({p.case.debtor_id for p in promises}, since, as_of)
    out = {}
    for p in promises:
        payments = [(d, yen) for r, d, yen in paid.get(p.case.debtor_id, []) if p.receivable_id is None or r == p.receivable_id]
        out[p.pk] = judge_schedule([(p.due_on, p.amount)], payments, since=p.promised_on, grace_days=0, as_of=as_of)
    return out

"""消込候補: the instalments a waiting record (未消込・対象が複数) likely pays, for the clerk.

The database side of saiken.core.suggest: for a page of records, a few queries load the
open instalments that could be meant, of the receivables the user reconciles only
(saiken.staff.policy, `Act.PAYMENT_RECONCILE`: a clerk is never shown another
department's debt):
0. the instalment a record's own key named, when it waits for the department that owns it;
1. those whose 通知書番号 a record names (an ambiguous number's candidates, paid or not);
2. open instalments whose total due or principal equals a record's amount, due within
   saiken.core.suggest.CLOSE_DAYS of its payment date;
3. open instalments of the people whose reading (フリガナ, folded as the bank writes it)
   is the record's name (a bank record's 預金者名, a layout's カナ氏名).
Each query is capped (ROWS_PER_RECORD per record); the core scores and keeps the best
five per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Replace

from saiken.core import suggest
from saiken.core.suggest import SMALL_KANA, Candidate, Record, fold_kana
from saiken.debtors.models import Debtor
from saiken.ledger.actions import OPEN
from saiken.ledger.models import Instalment
from saiken.payments.matching import notice_of
from saiken.payments.models import ReceivedPayment
from saiken.staff import policy
from saiken.staff.policy import Act

ROWS_PER_RECORD = 100
# Where a record's name may be: a bank result's 預金者名, or a CSV layout's reading column.
KANA_KEYS = ("holder", "name_kana", "kana", "カナ氏名", "氏名カナ", "フリガナ")


@dataclass(frozen=True)
class Suggested:
    instalment: Instalment
    score: int
    reasons: tuple[str, ...]


def record_of(r: ReceivedPayment) -> Record:
    """What the scorer needs of a received record."""
    extra = r.extra or {}
    kana = next((str(extra[k]).strip() for k in KANA_KEYS if str(extra.get(k, "")).strip()), "")
    return Record(amount=r.amount, paid_on=r.paid_on, kana=kana, notice=notice_of(r.match or {}) or "", matched=r.instalment_id)


def _folded(field: str):
    """The reading in the database folded as fold_kana folds it (no spaces, no small kana)."""
    expr = Replace(Replace(F(field), Value(" "), Value("")), Value("\u3000"), Value(""))
    for small, large in SMALL_KANA.items():
        expr = Replace(expr, Value(chr(small)), Value(chr(large)))
    return expr


def suggestions(records: Sequence[ReceivedPayment], user, *, limit: int = suggest.LIMIT) -> dict[int, list[Suggested]]:
    """For each record (by pk), up to `limit` suggestions, best first."""
    scope = sorted(policy.receivable_ids(user, Act.PAYMENT_RECONCILE))
    facts = {r.pk: record_of(r) for r in records}
    if not scope or not facts:
        return {pk: [] for pk in facts}
    cap = ROWS_PER_RECORD * len(facts)
    mine = Instalment.objects.filter(receivable_id__in=scope)
    found: dict[int, Instalment] = {}

    matched = sorted({f.matched for f in facts.values() if f.matched is not None})
    if matched:
        found.update((i.pk, i) for i in mine.filter(pk__in=matched))

    notices = sorted({f.notice for f in facts.values() if f.notice})
    if notices:
        found.update((i.pk, i) for i in mine.filter(notice_number__in=notices).order_by("due_date", "id")[:cap])

    window = timedelta(days=suggest.CLOSE_DAYS)
    by_amount = [
        Q(due_date__range=(f.paid_on - window, f.paid_on + window)) & (Q(principal_due=f.amount) | Q(total=f.amount))
        for f in facts.values()
    ]
    open_ = mine.filter(OPEN).annotate(total=F("principal_due") + F("late_charge_due") + F("fee_due"))
    found.update((i.pk, i) for i in open_.filter(reduce(lambda a, b: a | b, by_amount)).order_by("due_date", "id")[:cap])

    keys = sorted({fold_kana(f.kana) for f in facts.values() if f.kana} - {""})
    if keys:
        # A bank's 預金者名 is cut at 30 characters: a long one matches a reading that starts with it.
        named = reduce(lambda a, b: a | b, [Q(folded__startswith=k) if len(k) >= 29 else Q(folded=k) for k in keys])
        owing = Instalment.objects.filter(OPEN, debtor_id=OuterRef("pk"), receivable_id__in=scope)
        people = Debtor.objects.alias(folded=_folded("name_kana")).filter(named).filter(Exists(owing)).values("pk")
        found.update((i.pk, i) for i in mine.filter(OPEN, debtor_id__in=people).order_by("due_date", "id")[:cap])

    if not found:
        return {pk: [] for pk in facts}
    rows = {i.pk: i for i in Instalment.objects.filter(pk__in=list(found)).select_related("debtor", "receivable")}
    candidates = [
        Candidate(i.pk, i.debtor_id, i.due_date, i.total_due, i.principal_due, i.notice_number, i.debtor.name_kana)
        for i in rows.values()
    ]
    # Each record is scored against the candidates that share a key with it, not all.
    index: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in candidates:
        index["id", c.instalment_id].append(c)
        index["notice", c.notice_number].append(c)
        index["amount", c.total_due].append(c)
        if c.principal_due != c.total_due:
            index["amount", c.principal_due].append(c)
        index["kana", fold_kana(c.debtor_kana)].append(c)
    out: dict[int, list[Suggested]] = {}
    for pk, f in facts.items():
        mine_ = index["amount", f.amount] + (index["notice", f.notice] if f.notice else []) + index["id", f.matched]
        if f.kana:
            key = fold_kana(f.kana)
            mine_ += index["kana", key] if len(key) < 29 else [c for (k, v), cs in index.items() if k == "kana" and v.startswith(key) for c in cs]
        out[pk] = [Suggested(rows[s.instalment_id], s.score, s.reasons) for s in suggest.suggest(f, mine_, limit=limit)]
    return out

"""The facts a case's priority is computed from (`saiken.core.priority`), read for a set of cases.

A fixed number of queries per chunk of cases: what is owed, the nearest prescription,
broken pledges and promises (judged from the ledger), the last contact. The amounts
can be limited to the receivables a user may see, so a list never totals debts the
user could not open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.conf import settings
from django.db.models import F, Max, Min, Q, Sum
from django.utils import timezone

from saiken.cases.models import PROGRESS_KINDS, Case, ContactEntry, Pledge, Promise
from saiken.cases.pledges import judge_pledges, judge_promises
from saiken.cases.rules import PlanState
from saiken.core.priority import DEFAULT_WEIGHTS, CaseFacts, Reason, Weights, priority
from saiken.ledger.models import Instalment
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import owing

CHUNK = 2000
OPEN = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)


def weights() -> Weights:
    """The city's priority weights (setting SAIKEN_CASE_PRIORITY, a dict of Weights fields)."""
    data = getattr(settings, "SAIKEN_CASE_PRIORITY", None)
    return Weights.from_dict(data) if data else DEFAULT_WEIGHTS


def end_of(day: date) -> datetime:
    """The first instant after `day`, local time: contacts `at` before it happened on or before that day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True)
class Ranked:
    case: Case
    facts: CaseFacts
    score: int
    reasons: tuple[Reason, ...]


def owed_by_debtor(debtor_ids: Collection[int], receivable_ids: Collection[int] | None = None) -> dict[int, int]:
    qs = Instalment.objects.filter(debtor_id__in=list(debtor_ids)).filter(OPEN)
    if receivable_ids is not None:
        qs = qs.filter(receivable_id__in=sorted(receivable_ids))
    rows = qs.values("debtor_id").annotate(t=Sum(F("principal_due") + F("late_charge_due") + F("fee_due"))).values_list("debtor_id", "t")
    return dict(rows)


def nearest_prescription(debtor_ids: Collection[int], as_of: date, receivable_ids: Collection[int] | None = None) -> dict[int, date]:
    """The earliest completion on or after `as_of` among each debtor's open instalments (the cache
    `saiken refresh-prescription` keeps)."""
    qs = PrescriptionStatus.objects.filter(owing("instalment__"), instalment__debtor_id__in=list(debtor_ids), completes_on__gte=as_of)
    if receivable_ids is not None:
        qs = qs.filter(instalment__receivable_id__in=sorted(receivable_ids))
    return dict(qs.values("instalment__debtor_id").annotate(m=Min("completes_on")).values_list("instalment__debtor_id", "m"))


def last_contacts(case_ids: Collection[int], as_of: date) -> dict[int, date]:
    rows = (
        ContactEntry.objects.filter(case_id__in=list(case_ids), kind__in=PROGRESS_KINDS, at__lt=end_of(as_of))
        .values("case_id").annotate(m=Max("at")).values_list("case_id", "m")
    )
    return {cid: timezone.localtime(at).date() for cid, at in rows}


def broken_counts(case_ids: Collection[int], as_of: date) -> tuple[Counter, Counter]:
    """(broken pledges, broken promises) per case, judged from the ledger as of `as_of`."""
    pledges = list(Pledge.objects.filter(case_id__in=list(case_ids), signed_on__lte=as_of).select_related("case"))
    promises = list(Promise.objects.filter(case_id__in=list(case_ids), promised_on__lte=as_of).select_related("case"))
    p_verdicts, q_verdicts = judge_pledges(pledges, as_of), judge_promises(promises, as_of)
    broken_pledges = Counter(p.case_id for p in pledges if p_verdicts[p.pk].state == PlanState.BROKEN)
    broken_promises = Counter(p.case_id for p in promises if q_verdicts[p.pk].state == PlanState.BROKEN)
    return broken_pledges, broken_promises


def case_facts(cases: Sequence[Case], as_of: date, receivable_ids: Collection[int] | None = None) -> dict[int, CaseFacts]:
    """CaseFacts per case id; amounts and prescription over `receivable_ids` (None: all)."""
    out: dict[int, CaseFacts] = {}
    for chunk in chunks(list(cases)):
        debtors = [c.debtor_id for c in chunk]
        ids = [c.pk for c in chunk]
        owed = owed_by_debtor(debtors, receivable_ids)
        nearest = nearest_prescription(debtors, as_of, receivable_ids)
        contacts = last_contacts(ids, as_of)
        pledges, promises = broken_counts(ids, as_of)
        for c in chunk:
            out[c.pk] = CaseFacts(
                owed=owed.get(c.debtor_id, 0),
                prescription_completes_on=nearest.get(c.debtor_id),
                broken_promises=pledges[c.pk] + promises[c.pk],
                last_contact_on=contacts.get(c.pk),
                next_action_on=c.next_action_on,
            )
    return out


def ranked(cases: Sequence[Case], as_of: date, receivable_ids: Collection[int] | None = None) -> list[Ranked]:
    """The cases by priority, highest first (ties: the nearer next action, then the older case)."""
    facts = case_facts(cases, as_of, receivable_ids)
    w = weights()
    rows = []
    for c in cases:
        score, reasons = priority(facts[c.pk], as_of, w)
        rows.append(Ranked(c, facts[c.pk], score, reasons))
    rows.sort(key=lambda r: (-r.score, r.case.next_action_on or date.max, r.case.pk))
    return rows

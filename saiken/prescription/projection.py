"""The core's prescription inputs, read from the database for many instalments at once.

Every instalment with anything still owed on any component — principal, late
charge (延滞金・遅延損害金) or fee (督促手数料) — is open for prescription: a late
charge or fee left after the principal is paid shares its instalment's
prescription, and is warned, proposed and written off with it. For tax,
地方税法18条1項 counts 延滞金 and 督促手数料 among the 地方団体の徴収金 whose
collection right prescribes in 5 years (the 延滞金 of a tax with the tax, 同項1号;
督促手数料 from the day the right can be exercised, 同項2号). The 延滞金 follows
its tax's renewal and suspension, and a payment of the tax renews it, as
国税通則法73条5項・6項 say of 延滞税 (the local-tax paragraphs of 18条の2: verify);
here a payment on any component acknowledges the whole instalment. Other public
claims apply the same through 地方自治法236条3項 (civil code where no law rules).
For private claims the 遅延損害金 is taken to go with its principal as an
accessory claim (each day's damages prescribing apart is not modelled: verify).

Per chunk of instalments: one query each for the instalments, their first 督促
(DemandLine), the days they were paid or had money transferred in (Entry), the
recorded events, and the deferments, execution stops and 履行延期の特約 (saiken.relief),
whatever the chunk's size. `refresh` rebuilds the
PrescriptionStatus cache over every open instalment, in keyset chunks, one
transaction per chunk; it is safe to re-run.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce

from saiken.catalog.models import LegalClass, ReceivableType
from saiken.core import prescription as law
from saiken.core.entries import Kind
from saiken.demands.delivery_state import deliveries
from saiken.demands.models import DemandLine
from saiken.ledger.models import Entry, Instalment
from saiken.prescription.models import EventKind, PrescriptionEvent, PrescriptionStatus

if TYPE_CHECKING:
    from saiken.relief.effects import DeferralEffect

log = logging.getLogger(__name__)

CHUNK = 5000
# Which new due date of a 履行延期 split over several payments counts (`project_instalments`).
EARLIEST, LATEST = "earliest", "latest"
IDS_PER_QUERY = 900  # explicit id lists fit any SQLite build (999 parameters before 3.32)

# Something still owed on some component: what prescription watches (see the module docstring).
OWING = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)


def owing(prefix: str = "") -> Q:
    """OWING seen from a model that reaches the instalment through `prefix` ("instalment__")."""
    if not prefix:
        return OWING
    return Q(**{f"{prefix}principal_due__gt": 0}) | Q(**{f"{prefix}late_charge_due__gt": 0}) | Q(**{f"{prefix}fee_due__gt": 0})


# Recorded event kinds as core events; seizure and court carry their end.
_EVENTS = {
    EventKind.ACKNOWLEDGEMENT: lambda on, ended: law.Acknowledgement(on),
    EventKind.PLEDGE: lambda on, ended: law.Pledge(on),
    EventKind.SEIZURE: lambda on, ended: law.Seizure(on, ended),
    EventKind.JUDGMENT: lambda on, ended: law.Judgment(on),
    EventKind.REMINDER: lambda on, ended: law.Reminder(on),
    EventKind.COURT: lambda on, ended: law.CourtProceeding(on, ended),
    EventKind.INVOKED: lambda on, ended: law.Invocation(on),
}


def rule_for(r: ReceivableType) -> law.Rule:
    """A receivable's prescription settings as the core's Rule.

    Four choices are city-wide settings until the catalog has fields for them:
    SAIKEN_PRESCRIPTION_TAX_DEMAND_WAIT_DAYS (10, 地方税法18条の2),
    SAIKEN_PRESCRIPTION_ROLL_OVER_HOLIDAYS (False, 民法142条),
    SAIKEN_PRESCRIPTION_JUDGMENT_YEARS (10, 民法169条) and
    SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS (True: a 催告, and a 督促 after the
    first, postpones a public claim's completion by 6 months, once — 民法150条, applied
    by 地方税法18条3項 and 地方自治法236条3項; private claims always).
    """
    return law.Rule(
        years=r.prescription_years,
        start=r.prescription_start,
        objective_years=r.prescription_objective_years or 10,
        # 旧民法167条: 10 years unless a shorter period (170–174条) is set.
        old_law_years=r.prescription_old_law_years or 10,
        needs_invocation=r.prescription_needs_invocation,
        public=r.legal_class != LegalClass.PRIVATE,
        tax=r.is_tax,
        tax_demand_wait_days=getattr(settings, "SAIKEN_PRESCRIPTION_TAX_DEMAND_WAIT_DAYS", 10),
        roll_over_holidays=getattr(settings, "SAIKEN_PRESCRIPTION_ROLL_OVER_HOLIDAYS", False),
        judgment_years=getattr(settings, "SAIKEN_PRESCRIPTION_JUDGMENT_YEARS", 10),
        public_reminder_suspends=public_reminder_suspends(),
    )


def public_reminder_suspends() -> bool:
    """Setting SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS (default True): whether a 催告
    postpones a public claim's completion (民法150条 through 地方税法18条3項 and
    地方自治法236条3項)."""
    return bool(getattr(settings, "SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS", True))


def reminder_counts(r: ReceivableType) -> bool:
    """Whether a 催告 sent on this receivable is a prescription event worth recording."""
    return r.legal_class == LegalClass.PRIVATE or public_reminder_suspends()


def _rules() -> dict[int, law.Rule]:
    return {r.id: rule_for(r) for r in ReceivableType.objects.all()}


def _relief(name: str, ids: Sequence[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Periods per instalment from `saiken.relief.effects.<name>`: deferment_periods
    (徴収猶予・換価の猶予, which stop the clock) or execution_stops (執行停止, which
    do not, but the basis says so), or deferrals (履行延期の特約, effects.DeferralEffect).

    saiken/relief/effects.py is being written alongside this module: until it
    offers the function there are no such periods. Anything else that breaks on
    import is logged, as a missing deferment moves a completion date and must
    not pass unnoticed.
    """
    try:
        effects = importlib.import_module("saiken.relief.effects")
    except ModuleNotFoundError as e:
        if e.name != "saiken.relief.effects":
            log.warning("relief periods unavailable, prescription computed without them: %s", e)
        return {}
    except (ImportError, AttributeError) as e:
        log.warning("relief periods unavailable, prescription computed without them: %s", e)
        return {}
    periods = getattr(effects, name, None)
    if periods is None:
        return {}
    return periods(list(ids))


def _project(
    where: Q, related: dict, rules: dict[int, law.Rule], as_of: date, deferral: str = EARLIEST
) -> dict[int, law.Prescription]:
    """Project the instalments selected by `where`; `related` selects the same ones
    (or a superset) by `instalment_id` in the other tables. `deferral`: which new due
    date of a 履行延期 split over several payments counts (see `project_instalments`)."""
    if deferral not in (EARLIEST, LATEST):
        raise ValueError(f"deferral must be {EARLIEST!r} or {LATEST!r}")
    rows = list(Instalment.objects.filter(where).annotate(owed=F("principal_due") + F("late_charge_due") + F("fee_due")).values_list(
        "id", "receivable_id", "due_date", "arose_on", "assessed_on", "owed"))
    if not rows:
        return {}
    events: dict[int, list] = defaultdict(list)
    # The 督促 counts from the day it reached the debtor (民法97条1項), and not at all
    # while it was returned and not sent again (saiken.demands.delivery_state).
    demanded = list(DemandLine.objects.filter(**related).values_list(
        "instalment_id", "demand_id", "demand__issued_on", "demand__receivable__legal_class"))
    delivered = deliveries({(did, issued, legal != LegalClass.PRIVATE) for _, did, issued, legal in demanded})
    for iid, did, _, _ in demanded:
        d = delivered[did]
        if d.delivered_on is not None:
            events[iid].append(law.FirstDemand(d.delivered_on, sent=d.sent_on))
    # A payment or transfer on any component acknowledges the debt: paying the
    # late charge acknowledges the principal too (大判昭3.3.24).
    # A payment since reversed (posted to the wrong person, a counter payment cancelled)
    # acknowledged nothing: its reversal carries the payment (saiken.core.reversal).
    reversed_ = Entry.objects.filter(**related, kind=Kind.PAYMENT_REVERSAL, payment__isnull=False).values("payment_id")
    paid = (
        Entry.objects.filter(**related, kind__in=[Kind.PAYMENT, Kind.TRANSFER_IN])
        .exclude(payment_id__in=reversed_)
        .annotate(day=Coalesce("payment__paid_on", "booked_on"))
        .values_list("instalment_id", "day")
        .distinct()
    )
    for iid, day in paid:
        events[iid].append(law.PartialPayment(day))
    for iid, kind, on, ended in PrescriptionEvent.objects.filter(**related).values_list("instalment_id", "kind", "on", "ended_on"):
        events[iid].append(_EVENTS[kind](on, ended))
    ids = [r[0] for r in rows]
    for iid, periods in _relief("deferment_periods", ids).items():
        events[iid].extend(law.Deferment(s, e) for s, e in periods)
    for iid, periods in _relief("execution_stops", ids).items():
        events[iid].extend(law.ExecutionStop(s, e) for s, e in periods)
    owed = {r[0]: r[5] for r in rows}
    for iid, found in _relief("deferrals", ids).items():
        events[iid].extend(law.Deferral(d.start, new_due(d, owed[iid], deferral)) for d in found)
    return {
        iid: law.project(rules[rid], due=due, arose=arose_on(arose, assessed, due), known=None, events=events.get(iid, ()), as_of=as_of)
        for iid, rid, due, arose, assessed, _ in rows
    }


def new_due(d: DeferralEffect, owed_now: int, deferral: str) -> date:
    """The due date a 履行延期の特約 `d` (saiken.relief.effects.DeferralEffect) gives an
    instalment that owes `owed_now` yen, for prescription (民法166条1項).

    The payments made since the agreement (its balance then less what is owed now)
    pay its portions in date order. EARLIEST: the first portion still unpaid — the
    prescription of that portion completes first, so the warning list and the cache
    never miss it (a late charge fixed after the agreement counts as unpaid, which
    errs early). LATEST: the last portion — nothing is extinguished before the last
    portion has prescribed. With no portions, the day it took effect."""
    if not d.portions:
        return d.start
    if deferral == LATEST:
        return max(day for day, _ in d.portions)
    paid, reached = max(0, d.balance - owed_now), 0
    for day, amount in sorted(d.portions):
        reached += amount
        if reached > paid:
            return day
    return max(day for day, _ in d.portions)


def arose_on(arose: date | None, assessed: date, due: date) -> date:
    """When the claim arose: the recorded date, else the assessment, but never after
    the due date (a claim is due only once it exists; arrears loaded into the
    ledger later carry a late assessment date, which must not move an old-law
    claim under the new law)."""
    return arose or min(assessed, due)


def project_instalments(ids: Iterable[int], as_of: date, *, deferral: str = EARLIEST) -> dict[int, law.Prescription]:
    """Prescription of each instalment in `ids` as of `as_of`, a few queries per 900 ids.

    An instalment under a 履行延期の特約 (地方自治法施行令171条の6) runs from the day
    after its new due date (`law.Deferral`). When the schedule split it over several
    payments, each portion has its own due date and, strictly, its own prescription;
    one projection per instalment cannot hold them all, so `deferral` picks one:

    - EARLIEST (the default; the warning list, the nightly cache, the pages): the
      first portion still unpaid, whose prescription completes first, so no
      completion is missed;
    - LATEST (whatever extinguishes: collectability's `decide`, the write-off's
      `extinguished_by_prescription`, the invocation check): the last portion, so
      no later portion is extinguished early.

    Known limitation: an instalment whose first portions have prescribed while later
    ones have not is warned about, but neither refused nor written off in part.
    """
    ids = sorted(set(ids))
    rules = _rules()
    out: dict[int, law.Prescription] = {}
    for i in range(0, len(ids), IDS_PER_QUERY):
        part = ids[i : i + IDS_PER_QUERY]
        out.update(_project(Q(id__in=part), {"instalment_id__in": part}, rules, as_of, deferral))
    return out


def _status(iid: int, p: law.Prescription, as_of: date) -> PrescriptionStatus:
    return PrescriptionStatus(
        instalment_id=iid, runs_from=p.runs_from, completes_on=p.completes_on, regime=p.regime.value,
        needs_invocation=p.needs_invocation, basis=p.basis[:300], refreshed_on=as_of,
    )


_FIELDS = ["runs_from", "completes_on", "regime", "needs_invocation", "basis", "refreshed_on"]


def save_statuses(projections: dict[int, law.Prescription], as_of: date) -> None:
    PrescriptionStatus.objects.bulk_create(
        [_status(iid, p, as_of) for iid, p in projections.items()],
        update_conflicts=True, unique_fields=["instalment"], update_fields=_FIELDS, batch_size=500,
    )


def refresh_instalments(ids: Iterable[int], as_of: date) -> int:
    """Recompute the cache for a few instalments (after an event); drops those with nothing owed."""
    ids = sorted(set(ids))
    open_ids = set(Instalment.objects.filter(OWING, id__in=ids).values_list("id", flat=True))
    projections = project_instalments(open_ids, as_of)
    save_statuses(projections, as_of)
    PrescriptionStatus.objects.filter(instalment_id__in=[i for i in ids if i not in open_ids]).delete()
    return len(projections)


def refresh(as_of: date, chunk: int = CHUNK, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute PrescriptionStatus for every instalment with anything still owed
    (principal, late charge or fee), and delete the statuses of those no longer
    open. Returns how many were written.

    Keyset chunks over open instalment ids, each its own transaction: a stopped
    run leaves whole chunks done, and running again finishes the job.
    """
    rules = _rules()
    total = Instalment.objects.filter(OWING).count()  # counted on the partial index instalment_open_due
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            ids = list(
                Instalment.objects.filter(OWING, id__gt=last).order_by("id").values_list("id", flat=True)[:chunk]
            )
            # The tail past the last open instalment has nothing open left.
            hi = ids[-1] if ids else (Instalment.objects.aggregate(m=Max("id"))["m"] or 0)
            # Lock this range's statuses first: record_event locks the status it
            # refreshes, so an event committed during the chunk is either seen by
            # the queries below or written after them, never overwritten by a
            # projection that missed it.
            list(PrescriptionStatus.objects.select_for_update().filter(instalment_id__gt=last, instalment_id__lte=hi).order_by("id").values_list("id"))
            if ids:
                projections = _project(
                    OWING & Q(id__gt=last, id__lte=hi),
                    {"instalment_id__gt": last, "instalment_id__lte": hi},
                    rules,
                    as_of,
                )
                save_statuses(projections, as_of)
                done += len(projections)
            PrescriptionStatus.objects.filter(
                instalment_id__gt=last, instalment_id__lte=hi,
                instalment__principal_due=0, instalment__late_charge_due=0, instalment__fee_due=0,
            ).delete()
        if not ids:
            return done
        if progress is not None:
            progress(done, total)
        last = hi

"""Is each of these instalments still collectable on a day? — for every act and every page.

`collectability(ids, as_of)` answers for many instalments at once with the pure
decision `saiken.core.collectability.decide`, fed by the prescription projection
(`saiken.prescription.projection.project_instalments`) and the relief that
extinguished a debt (`saiken.relief.effects.extinguished`). `require` is what an
act calls: it raises the act's own error with the reason when a claim is
extinguished, and returns the warnings for claims past completion that the debtor
has not invoked yet. `split` is what a batch (the demand run, the debit export,
reminders) calls to leave extinguished instalments out and count them.

Cost: one query per 900 ids for the instalments (none when the caller passes
them), one for the relief decisions, plus the projection's few queries per 900
instalments that may be prescribed. Which may be prescribed is decided from the due date alone
(`core.collectability.earliest_completion`): no event can bring a completion
before the shortest period counted from the day after the due date, so an
instalment due more recently than that needs no projection — which leaves out
nearly every instalment of a demand run or a debit file.

The PrescriptionStatus cache is deliberately *not* used to clear an instalment:
a completion can move earlier without the cache being refreshed (a deferment
revoked or ended early shortens the stop that pushed it back; a 督促 found
undelivered no longer renews; a setting or an event corrected in the admin),
and the cache is only rebuilt nightly. Trusting it could let a seizure through
on a claim extinguished since the last refresh; the due-date bound cannot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F

from saiken.catalog.models import ReceivableType
from saiken.core import collectability as law
from saiken.core.collectability import COLLECTABLE, Collectability
from saiken.ledger.models import Instalment
from saiken.prescription.projection import IDS_PER_QUERY, LATEST, project_instalments, rule_for
from saiken.relief.effects import extinguished as relief_extinguished


def collectability(ids: Iterable[int], as_of: date) -> dict[int, Collectability]:
    """Every instalment in `ids` → its Collectability on `as_of` (unknown ids are absent)."""
    ids = sorted(set(ids))
    rows: list[tuple[int, int, date, int]] = []
    for n in range(0, len(ids), IDS_PER_QUERY):
        rows += Instalment.objects.filter(id__in=ids[n : n + IDS_PER_QUERY]).annotate(
            owed=F("principal_due") + F("late_charge_due") + F("fee_due")
        ).values_list("id", "receivable_id", "due_date", "owed")
    return decide_rows(rows, as_of)


def decide_rows(rows: Iterable[tuple[int, int, date, int]], as_of: date) -> dict[int, Collectability]:
    """`collectability` for instalments the caller has read already, as (id, receivable id,
    due date, yen still owed): saves the batch its own read of them."""
    rows = list(rows)
    out = {row[0]: COLLECTABLE for row in rows}
    owed = [row for row in rows if row[3] > 0]
    if not owed:
        return out
    rules = {r.id: rule_for(r) for r in ReceivableType.objects.all()}
    # Only these can be past completion on `as_of` (see the module docstring).
    maybe = [iid for iid, rid, due, _ in owed if as_of > law.earliest_completion(rules[rid], due)]
    # A 履行延期 split over several payments: its last portion, so no later portion is
    # extinguished early (see project_instalments).
    projections = project_instalments(maybe, as_of, deferral=LATEST) if maybe else {}
    # A page asks about its few instalments; a batch asks once about the whole city — the
    # open instalments relief has extinguished are few (the write-off run clears them), so
    # one unfiltered query costs less than thousands of ids sent to the database.
    owed_ids = [row[0] for row in owed]
    wanted = set(owed_ids)
    relief: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for iid, reason, on in relief_extinguished(as_of, owed_ids if len(owed_ids) <= IDS_PER_QUERY else None):
        if iid in wanted:
            relief[iid].append((reason, on))
    for iid, _, _, balance in owed:
        out[iid] = law.decide(projections.get(iid), as_of, balance=balance, relief=relief.get(iid, ()))
    return out


@dataclass
class Split:
    """A batch divided: what may go ahead, what is extinguished, what goes ahead with a warning."""

    collectable: list[int] = field(default_factory=list)
    extinguished: dict[int, Collectability] = field(default_factory=dict)
    warned: dict[int, Collectability] = field(default_factory=dict)


def split(ids: Iterable[int], as_of: date, *, rows: Iterable[tuple[int, int, date, int]] | None = None) -> Split:
    """`ids` in their order, divided by `collectability` on `as_of`; `rows` as for
    `decide_rows` when the caller has them."""
    ids = list(ids)
    found = decide_rows(rows, as_of) if rows is not None else collectability(ids, as_of)
    out = Split()
    for iid in ids:
        c = found.get(iid, COLLECTABLE)
        if c.extinguished:
            out.extinguished[iid] = c
        else:
            out.collectable.append(iid)
            if c.warns:
                out.warned[iid] = c
    return out


def require(
    instalments: Sequence[Instalment],
    on: date,
    *,
    act: str,
    error: Callable[[str, str], Exception],
    field_name: str = "instalments",
) -> list[str]:
    """An act on `instalments` on `on`: raise `error(message, field)` naming every
    extinguished claim and why; return a warning for each private claim past
    completion (民法145条: the debtor may still invoke). Call it before writing."""
    found = collectability([i.pk for i in instalments], on)
    refused, warnings = [], []
    for i in instalments:
        c = found.get(i.pk, COLLECTABLE)
        if c.extinguished:
            refused.append(c.refusal(str(i), act))
        elif c.warns:
            warnings.append(c.warning(str(i), act))
    if refused:
        raise error(" ".join(refused), field_name)
    return warnings


def require_any(
    instalments: Sequence[Instalment],
    on: date,
    *,
    act: str,
    error: Callable[[str, str], Exception],
    field_name: str = "instalments",
) -> list[str]:
    """An act on a debtor's claims as a whole (a promise to pay so much): refused as
    `require` does when every one of `instalments` is extinguished on `on`; otherwise
    a warning for each that is (it is not part of what may be asked) and for each
    past completion and not invoked."""
    if not instalments:
        return []
    found = collectability([i.pk for i in instalments], on)
    gone = [i for i in instalments if found.get(i.pk, COLLECTABLE).extinguished]
    if len(gone) == len(instalments):
        return require(instalments, on, act=act, error=error, field_name=field_name)
    warnings = [f"{i} は{found[i.pk].explanation()}。{act}の対象になりません。" for i in gone]
    return warnings + [found[i.pk].warning(str(i), act) for i in instalments if found.get(i.pk, COLLECTABLE).warns]

"""The delivery date of demand notices, read from their DeliveryEvent rows.

A 督促 takes effect when it reaches the debtor (民法97条1項). The date used
everywhere — prescription (the first 督促 renews from it), the seizure date and
the compliance view — is, for each notice (saiken.core.delivery):

1. an explicit delivery date if one is recorded (配達証明, hand-over at the counter);
2. else the date a 公示送達 takes effect (地方税法20条の2第3項: 7 days counted from
   the day posting began, for taxes and, by 地方自治法231条の3第4項 (verify), the other public
   revenue; 民法98条3項: two weeks after the posting or the last publication, for
   private claims);
3. else, for a notice returned (返戻) and not sent again, no delivery: no renewal
   of prescription and no seizure;
4. else the day it (or its re-send) was sent plus SAIKEN_DEMAND_PRESUMED_MAIL_DAYS
   (default 0: the issue day, as before deliveries were recorded; a city may set
   e.g. 2 for ordinary mail).

The on-time share of the compliance view still counts the issue day: 地方税法329条
asks that the 督促状 be *sent* (発しなければならない) within 20 days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings

from saiken.catalog.models import LegalClass
from saiken.core import delivery as law
from saiken.core.deadlines import seizure_from
from saiken.demands.models import DeliveryEvent, DeliveryKind

IDS_PER_QUERY = 900


def presumed_mail_days() -> int:
    """SAIKEN_DEMAND_PRESUMED_MAIL_DAYS: days between sending a notice and its presumed
    arrival when nothing else is recorded (default 0)."""
    return int(getattr(settings, "SAIKEN_DEMAND_PRESUMED_MAIL_DAYS", 0))


def seizure_counts_from_delivery() -> bool:
    """SAIKEN_SEIZURE_COUNTS_FROM_DELIVERY: count 地方税法331条's 10 days from the
    delivery rather than from the day the notice was sent (default False)."""
    return bool(getattr(settings, "SAIKEN_SEIZURE_COUNTS_FROM_DELIVERY", False))


def core_event(kind: str, on: date, reason: str = ""):
    if kind == DeliveryKind.RETURNED:
        return law.Returned(on, reason)
    if kind == DeliveryKind.RESENT:
        return law.Resent(on)
    if kind == DeliveryKind.PUBLISHED:
        return law.Published(on)
    if kind == DeliveryKind.DELIVERED:
        return law.Delivered(on)
    raise ValueError(f"unknown delivery kind {kind!r}")


def events_of(demand_ids: Iterable[int]) -> dict[int, list]:
    """Core delivery events per demand, in the order they happened; one query per 900 ids."""
    ids = sorted(set(demand_ids))
    out: dict[int, list] = defaultdict(list)
    for i in range(0, len(ids), IDS_PER_QUERY):
        part = ids[i : i + IDS_PER_QUERY]
        for demand_id, kind, on, reason in (
            DeliveryEvent.objects.filter(demand_id__in=part).order_by("demand_id", "on", "id").values_list("demand_id", "kind", "on", "reason")
        ):
            out[demand_id].append(core_event(kind, on, reason))
    return dict(out)


def deliveries(demands: Iterable[tuple[int, date, bool]]) -> dict[int, law.Delivery]:
    """(demand id, issue day, public claim?) → the notice's delivery; one query for the
    events of all of them."""
    demands = list(demands)
    events = events_of(d[0] for d in demands)
    days = presumed_mail_days()
    return {did: law.delivery(issued, events.get(did, ()), presumed_mail_days=days, public=public) for did, issued, public in demands}


def delivery_of(demand) -> law.Delivery:
    public = demand.receivable.legal_class != LegalClass.PRIVATE
    return deliveries([(demand.pk, demand.issued_on, public)])[demand.pk]


def seizure_from_of(demand, d: law.Delivery) -> date | None:
    """The notice's 差押可能日 after delivery `d` (None for a non-forcible claim or
    while the notice has not reached the debtor)."""
    if demand.receivable.legal_class != LegalClass.FORCIBLE:
        return None
    return seizure_from(sent=d.sent_on, delivered=d.delivered_on, designated_deadline=demand.designated_deadline,
                        counts_from_delivery=seizure_counts_from_delivery())


def differences():
    """`saiken check-ledger`: Demand.returned and Demand.seizure_from, which the delivery
    actions keep, recomputed from the DeliveryEvent rows (for every notice with a
    record, and no notice without one marked returned)."""
    from saiken.demands.models import Demand
    from saiken.ledger.verify import Difference

    def day(d: date | None) -> int:
        return d.toordinal() if d else 0

    for d in Demand.objects.filter(returned=True, delivery_events__isnull=True).values_list("number", flat=True):
        yield Difference(f"督促状 {d}", "返戻中", 1, 0)
    ids = list(DeliveryEvent.objects.values_list("demand_id", flat=True).distinct().order_by("demand_id"))
    for i in range(0, len(ids), IDS_PER_QUERY):
        demands = list(Demand.objects.filter(id__in=ids[i : i + IDS_PER_QUERY]).select_related("receivable"))
        states = deliveries((d.pk, d.issued_on, d.receivable.legal_class != LegalClass.PRIVATE) for d in demands)
        for d in demands:
            s = states[d.pk]
            if d.returned != s.returned:
                yield Difference(f"督促状 {d.number}", "返戻中", int(d.returned), int(s.returned))
            if d.seizure_from != (expected := seizure_from_of(d, s)):
                yield Difference(f"督促状 {d.number}", "差押可能日", day(d.seizure_from), day(expected))

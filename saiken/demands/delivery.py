"""Recording the delivery of a demand notice: 返戻, 再送付, 公示送達 and 送達の確認.

One action per state change. Each checks that the user may act on the notice's
receivable (the department that owns it, or an administrator), that the law and
the notice's history allow the step, then — in one transaction — inserts the
DeliveryEvent, recomputes the notice's cached state (Demand.returned and
Demand.seizure_from), refreshes the prescription status of its instalments and
writes the audit row. The delivery date these give is described in
saiken.demands.delivery_state.

The debtor's own address is not changed here: a re-send keeps the address it
went to on its event row (the debtors app has no address-change action yet).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from saiken import audit
from saiken.catalog.models import LegalClass
from saiken.core import delivery as law
from saiken.core.era import wareki
from saiken.demands.delivery_state import delivery_of, seizure_from_of
from saiken.demands.models import Demand, DeliveryEvent, DeliveryKind, ReturnReason
from saiken.ledger.errors import LedgerError
from saiken.prescription import collectability
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import refresh_instalments
from saiken.staff import access, policy
from saiken.staff.policy import Act


class DeliveryError(LedgerError):
    """A delivery step refused; nothing was written."""


def may_record(user, demand: Demand) -> bool:
    """May `user` record the delivery of `demand`? `Act.DEMAND_DELIVERY` on the notice's
    receivable (saiken.staff.policy): the clerks and managers of the department that
    issued it, and administrators. Seeing the notice is not enough: a tax disclosure
    lets another department see a tax notice, not record its delivery, and the central
    team works the cases transferred to it, not the department's mail."""
    return policy.may(user, Act.DEMAND_DELIVERY, demand.receivable_id)


def _begin(demand: Demand | int, user, on: date, today: date | None, field: str) -> tuple[Demand, law.Delivery, list[DeliveryEvent], date]:
    """Lock the notice (two clerks recording at once must each see the other's step)
    and its instalments' prescription statuses (as prescription.actions does, so a
    bulk refresh cannot overwrite the new projection), check who and when."""
    today = today or timezone.localdate()
    pk = demand.pk if isinstance(demand, Demand) else demand
    demand = Demand.objects.select_for_update(of=("self",)).select_related("receivable", "debtor").get(pk=pk)
    if not may_record(user, demand):
        raise DeliveryError(f"督促状 {demand.number} の送達を記録する権限がありません（{demand.receivable} の所管課の職員のみ）。", "user")
    if on is None:
        raise DeliveryError("日付を入力してください。", field)
    if on > today:
        raise DeliveryError(f"{wareki(on)} は未来の日付です。", field)
    if on < demand.issued_on:
        raise DeliveryError(f"督促状の発付日（{wareki(demand.issued_on)}）より前の日付です。", field)
    ids = list(demand.lines.values_list("instalment_id", flat=True))
    list(PrescriptionStatus.objects.select_for_update().filter(instalment_id__in=ids).order_by("id").values_list("id"))
    events = list(demand.delivery_events.order_by("on", "id"))
    return demand, delivery_of(demand), events, today


def _last(events: list[DeliveryEvent], kind: str) -> DeliveryEvent | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def _finish(demand: Demand, event: DeliveryEvent, user, today: date, summary: str) -> DeliveryEvent:
    d = delivery_of(demand)
    demand.returned = d.returned
    demand.seizure_from = seizure_from_of(demand, d)
    demand.save(update_fields=["returned", "seizure_from"])
    refresh_instalments(list(demand.lines.values_list("instalment_id", flat=True)), today)
    audit.record(
        user=user, action=f"demand.{event.kind}", target=event, debtor_id=demand.debtor_id,
        summary=f"督促状 {demand.number} {summary}",
        detail={
            "demand": demand.pk, "kind": event.kind, "on": event.on.isoformat(), "reason": event.reason,
            "address": event.address, "effective_on": event.effective_on.isoformat() if event.effective_on else None,
            "delivered_on": d.delivered_on.isoformat() if d.delivered_on else None,
            "seizure_from": demand.seizure_from.isoformat() if demand.seizure_from else None,
        },
    )
    return event


@transaction.atomic
def record_return(demand: Demand | int, *, returned_on: date, reason: str, note: str = "", user=None, today: date | None = None) -> DeliveryEvent:
    """返戻の記録: the notice came back undelivered on `returned_on`. Until it is sent
    again or published (公示送達) it has not reached the debtor: no renewal of
    prescription (民法97条1項), no seizure."""
    demand, d, events, today = _begin(demand, user, returned_on, today, "returned_on")
    if reason not in ReturnReason.values:
        raise DeliveryError("返戻の理由を選んでください。", "reason")
    if d.returned:
        raise DeliveryError("この督促状は返戻として記録済みです。再送付か公示送達を記録してください。", "returned_on")
    if d.how == "confirmed":
        raise DeliveryError(f"この督促状は{wareki(d.delivered_on)}に送達が確認されています。", "returned_on")
    if d.how == "published":
        raise DeliveryError("公示送達した督促状は返戻になりません。", "returned_on")
    if returned_on < d.sent_on:
        raise DeliveryError(f"発送日（{wareki(d.sent_on)}）より前の返戻日です。", "returned_on")
    event = DeliveryEvent.objects.create(demand=demand, kind=DeliveryKind.RETURNED, on=returned_on, reason=reason, note=note[:300],
                                         created_by=_user(user))
    return _finish(demand, event, user, today, f"返戻（{wareki(returned_on)}、{ReturnReason(reason).label}）")


@transaction.atomic
def record_resend(demand: Demand | int, *, sent_on: date, address: str, postal_code: str = "", note: str = "", user=None,
                  today: date | None = None) -> DeliveryEvent:
    """再送付の記録: a returned notice sent again on `sent_on` to `address` (a new or
    corrected address). It counts as delivered like a first sending (the presumed
    mail days after `sent_on`) unless it is returned again."""
    demand, d, events, today = _begin(demand, user, sent_on, today, "sent_on")
    address = address.strip()
    if not d.returned:
        raise DeliveryError("返戻として記録されていない督促状は再送付できません。", "sent_on")
    if not address:
        raise DeliveryError("再送付先の住所を入力してください。", "address")
    returned = _last(events, DeliveryKind.RETURNED)
    if sent_on < returned.on:
        raise DeliveryError(f"返戻日（{wareki(returned.on)}）より前の再送付日です。", "sent_on")
    collectability.require(_instalments(demand), sent_on, act="督促状の再送付", error=DeliveryError, field_name="sent_on")
    event = DeliveryEvent.objects.create(demand=demand, kind=DeliveryKind.RESENT, on=sent_on, address=address[:200],
                                         postal_code=postal_code.strip()[:8], note=note[:300], created_by=_user(user))
    return _finish(demand, event, user, today, f"再送付（{wareki(sent_on)}、{address}）")


@transaction.atomic
def record_publication(demand: Demand | int, *, posted_on: date, note: str = "", user=None, today: date | None = None) -> DeliveryEvent:
    """公示送達の記録: posting began on `posted_on` (for a private claim: the day of the
    last 官報 publication or of the posting the court ordered instead). The notice is
    delivered on the day saiken.core.delivery.publication_effective_on gives:
    地方税法20条の2第3項 for public claims, 民法98条3項 for private ones.

    Only for a returned notice: a 公示送達 needs an address that cannot be found
    (地方税法20条の2第1項; one returned letter without an inquiry is not enough,
    which the clerk's investigation, not this record, has to show)."""
    demand, d, events, today = _begin(demand, user, posted_on, today, "posted_on")
    if not d.returned:
        raise DeliveryError("公示送達は、返戻となり再送付していない督促状について記録します。", "posted_on")
    returned = _last(events, DeliveryKind.RETURNED)
    if posted_on < returned.on:
        raise DeliveryError(f"返戻日（{wareki(returned.on)}）より前の掲示開始日です。", "posted_on")
    collectability.require(_instalments(demand), posted_on, act="公示送達", error=DeliveryError, field_name="posted_on")
    effective = law.publication_effective_on(posted_on, public=demand.receivable.legal_class != LegalClass.PRIVATE)
    event = DeliveryEvent.objects.create(demand=demand, kind=DeliveryKind.PUBLISHED, on=posted_on, effective_on=effective, note=note[:300],
                                         created_by=_user(user))
    return _finish(demand, event, user, today, f"公示送達（掲示開始 {wareki(posted_on)}、送達の効力 {wareki(effective)}）")


@transaction.atomic
def record_delivery(demand: Demand | int, *, delivered_on: date, note: str = "", user=None, today: date | None = None) -> DeliveryEvent:
    """送達の確認: the notice is known to have reached the debtor on `delivered_on`
    (配達証明, a hand-over at the counter — also of a returned notice —, or a clerk's
    finding that a refusal counts as receipt, 民法97条2項). This date then wins over
    every presumption."""
    demand, d, events, today = _begin(demand, user, delivered_on, today, "delivered_on")
    if d.how == "confirmed":
        raise DeliveryError(f"この督促状は{wareki(d.delivered_on)}に送達が確認されています。", "delivered_on")
    if delivered_on < d.sent_on:
        raise DeliveryError(f"発送日（{wareki(d.sent_on)}）より前の送達日です。", "delivered_on")
    if d.how == "published" and delivered_on >= d.delivered_on:
        raise DeliveryError(f"公示送達の効力が{wareki(d.delivered_on)}に生じています。", "delivered_on")
    event = DeliveryEvent.objects.create(demand=demand, kind=DeliveryKind.DELIVERED, on=delivered_on, note=note[:300], created_by=_user(user))
    return _finish(demand, event, user, today, f"送達確認（{wareki(delivered_on)}）")


def _instalments(demand: Demand) -> list:
    """The notice's instalments: a returned 督促 never took effect, so the claim
    may have been extinguished meanwhile, and then it is not sent again (see
    saiken.prescription.collectability)."""
    return [line.instalment for line in demand.lines.select_related("instalment__receivable").order_by("instalment_id")]


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def returned_notices(user, *, department_id: int | None = None, receivable_id: int | None = None, limit: int = 500):
    """Notices returned and not yet sent again, published or found delivered, that the
    user may act on, oldest first, each with its last return: (count, rows)."""
    qs = Demand.objects.filter(returned=True).filter(access.receivable_filter(user))
    if department_id:
        qs = qs.filter(receivable__department_id=department_id)
    if receivable_id:
        qs = qs.filter(receivable_id=receivable_id)
    rows = list(qs.select_related("debtor", "receivable", "receivable__department").order_by("receivable__department__name", "issued_on", "id")[:limit])
    last = {}
    for e in DeliveryEvent.objects.filter(demand__in=[r.pk for r in rows], kind=DeliveryKind.RETURNED).order_by("on", "id"):
        last[e.demand_id] = e
    for r in rows:
        r.last_return = last.get(r.pk)
    return qs.count(), rows

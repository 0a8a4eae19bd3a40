"""納付書の発行 and 督促状の写し: one action each, every check inside.

- `issue_slip`: a 納付書 for one payer's instalments (当初 or 再発行), the late charge
  computed to a chosen day by the ledger's own late-charge rules
  (saiken.ledger.late_charges.Context, as a payment fixes it);
- `issue_first_slips`: the first-issue slips of an assessment, one per instalment,
  payable by its 納期限 with no late charge;
- `issue_plan_slips`: one slip per payment of a 分納誓約, for that payment's amount;
- `demand_copy`: a copy (写) of a 督促状 already issued, for one person.

Who may: `Act.SLIP` on each receivable of the slip (a 督促状's copy: `Act.DEMAND_DOCUMENT`,
as its PDF is). What the law allows: nothing is asked for an extinguished claim
(saiken.prescription.collectability; 地方税法18条, 地方自治法236条, 民法166条), nor for an
instalment with nothing owed. A refusal writes nothing; an issue and every PDF are audited.

The store barcode (saiken.core.conveni) names the slip (SLIP_NOTICE + its id), so a store
payment is split by the slip's own lines (saiken.payments.imports). Its amount is the
total; above the agency contract's cap (SAIKEN_CONVENI_CAP) or 999,999 yen the slip has no
barcode and says so.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saiken import audit
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component, parse_order
from saiken.core.conveni import FIRST_ISSUE, REISSUE, SLIP_DEMAND, SLIP_NOTICE, AmountNotPayableAtStores, barcode_content, slip_free_field
from saiken.core.era import wareki
from saiken.debtors.models import Debtor
from saiken.documents.slip import MAX_LINES, SlipDocument, SlipLineData, render_slips
from saiken.ledger import late_charges
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.prescription import collectability
from saiken.slips.models import PaymentSlip, SlipKind, SlipLine
from saiken.staff import policy
from saiken.staff.policy import Act

PAYMENT_PLACES = (
    "市役所本庁舎・各区役所の窓口",
    "指定金融機関・収納代理金融機関（ゆうちょ銀行を含む）",
    "コンビニエンスストア（バーコード付きの場合）",
)


class SlipRefused(LedgerError):
    """A slip that may not be issued (nothing was written)."""


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def slip_receivables(user, debtor_id: int, receivables: Iterable[ReceivableType] | None = None) -> list[int]:
    """The debtor's receivables (those the user may see, or `receivables` already loaded
    by the page) that the user may print slips of: screens hide the links to what
    `issue_slip` would refuse."""
    from saiken.staff import access

    if not policy.may(user, Act.SLIP):
        return []
    if receivables is None:
        receivables = ReceivableType.objects.filter(pk__in=sorted(access.visible_receivable_ids(user, debtor_id))).select_related("department")
    return sorted({r.pk for r in receivables if policy.may(user, Act.SLIP, r, debtor_id=debtor_id)})


def _barcode(slip: PaymentSlip) -> tuple[str, str]:
    """(44 digits, "") or ("", why there is none)."""
    try:
        return barcode_content(
            issuer=settings.SAIKEN_CONVENI_ISSUER,
            free=slip_free_field(SLIP_NOTICE, slip.pk),  # a store payment finds this slip by it
            reissue=REISSUE if slip.kind == SlipKind.REISSUE else FIRST_ISSUE,
            deadline=slip.deadline,
            amount=slip.total,
            cap=settings.SAIKEN_CONVENI_CAP,
        ), ""
    except AmountNotPayableAtStores as e:
        return "", str(e)


def _check_dates(*, today: date, deadline: date, late_charge_to: date) -> None:
    if deadline < today:
        raise SlipRefused(f"支払期限 {wareki(deadline)} は過ぎています。今日以降の日付を指定してください。", "deadline")
    if late_charge_to < today:
        # A late charge computed to a past day is less than what a payment today fixes.
        raise SlipRefused(f"延滞金の計算日 {wareki(late_charge_to)} は今日より前です。", "late_charge_to")
    if deadline < late_charge_to:
        raise SlipRefused(f"支払期限 {wareki(deadline)} が延滞金の計算日 {wareki(late_charge_to)} より前です。", "deadline")
    if deadline.year > 2099:
        raise SlipRefused("支払期限は2099年までの日付です。", "deadline")


def _locked(debtor: Debtor, instalments: Sequence[Instalment | int]) -> list[Instalment]:
    """The instalments, locked and re-read; refused unless every one is the debtor's."""
    ids = sorted({i.pk if isinstance(i, Instalment) else int(i) for i in instalments})
    if not ids:
        raise SlipRefused("納付書に載せる調定（期別）を選んでください。", "instalments")
    found = list(Instalment.objects.select_for_update().select_related("receivable").filter(pk__in=ids).order_by("due_date", "id"))
    if len(found) != len(ids):
        raise SlipRefused("選んだ調定の一部が見つかりません。", "instalments")
    others = [i for i in found if i.debtor_id != debtor.pk]
    if others:
        raise SlipRefused(f"{debtor.name} 以外の方の調定は載せられません（{'、'.join(str(i) for i in others)}）。", "instalments")
    return found


def _require(user, debtor: Debtor, found: list[Instalment]) -> None:
    policy.require(user, Act.SLIP)
    for rid in sorted({i.receivable_id for i in found}):
        policy.require(user, Act.SLIP, rid, debtor_id=debtor.pk)


def _require_owed(found: list[Instalment], today: date) -> None:
    paid = [i for i in found if i.total_due == 0]
    if paid:
        raise SlipRefused(f"納付済みの調定は載せられません（{'、'.join(str(i) for i in paid)}）。", "instalments")
    collectability.require(found, today, act="納付書の発行", error=SlipRefused)


def late_charges_to(found: Sequence[Instalment], on: date) -> dict[int, int]:
    """The late charge each instalment would owe if paid in full on `on`: what is fixed and
    unpaid, plus what a payment completing its principal on `on` fixes (the ledger's own
    computation, saiken.ledger.late_charges; 地方税法326条 and the receivables' ordinances)."""
    ctx = late_charges.Context.load([i.id for i in found if i.principal_due > 0])
    return {i.id: i.late_charge_due + (ctx.to_fix(i, on) if i.principal_due > 0 else 0) for i in found}


def preview(user, debtor: Debtor, instalments: Sequence[Instalment | int], *, late_charge_to: date) -> list[tuple[Instalment, int, int, int]]:
    """(instalment, principal, late charge to `late_charge_to`, fee) per line, for the
    form's preview: what `issue_slip` would print, writing nothing."""
    found = list(Instalment.objects.select_related("receivable").filter(
        pk__in=[i.pk if isinstance(i, Instalment) else int(i) for i in instalments], debtor=debtor).order_by("due_date", "id"))
    _require(user, debtor, found)
    charges = late_charges_to(found, late_charge_to)
    return [(i, i.principal_due, charges[i.id], i.fee_due) for i in found]


def _create(user, debtor: Debtor, kind: str, today: date, deadline: date, late_charge_to: date,
            lines: list[tuple[Instalment, int, int, int]], pledge_payment=None) -> PaymentSlip:
    if len(lines) > MAX_LINES:
        raise SlipRefused(f"1枚の納付書に載せられる期別は{MAX_LINES}件までです（{len(lines)}件）。分けて発行してください。", "instalments")
    total = sum(p + lc + fee for _, p, lc, fee in lines)
    if total <= 0:
        raise SlipRefused("納付額が0円の納付書は発行できません。", "instalments")
    slip = PaymentSlip.objects.create(
        debtor=debtor, kind=kind, issued_on=today, issued_by=_user(user), deadline=deadline, late_charge_to=late_charge_to,
        total=total, pledge_payment=pledge_payment,
    )
    SlipLine.objects.bulk_create(
        SlipLine(slip=slip, instalment=i, receivable_id=i.receivable_id, principal=p, late_charge=lc, fee=fee) for i, p, lc, fee in lines
    )
    slip.barcode, slip.no_barcode = _barcode(slip)
    slip.save(update_fields=["barcode", "no_barcode"])
    audit.record(
        user=user, action="slip.issue", target=slip, debtor_id=debtor.pk,
        summary=f"納付書の発行（{slip.get_kind_display()}）{debtor.name} {len(lines)}期別 {total:,}円 支払期限 {wareki(deadline)}"
                + ("" if slip.barcode else "（バーコードなし）"),
        detail={"kind": kind, "instalments": [i.pk for i, *_ in lines], "total": total, "deadline": deadline.isoformat(),
                "late_charge_to": late_charge_to.isoformat(), "barcode": bool(slip.barcode)},
    )
    return slip


@transaction.atomic
def issue_slip(
    user, debtor: Debtor, instalments: Sequence[Instalment | int], *, late_charge_to: date, deadline: date,
    kind: str = SlipKind.REISSUE, today: date | None = None,
) -> PaymentSlip:
    """納付書 (当初 or 再発行) for `debtor`'s `instalments`: each line is the instalment's
    principal, its late charge as if paid on `late_charge_to`, and its fee. Refused
    (SlipRefused, policy.Refused) for another person's instalment, one with nothing owed
    or extinguished, a deadline in the past or before `late_charge_to`."""
    today = _today(today)
    if kind not in (SlipKind.FIRST, SlipKind.REISSUE):
        raise SlipRefused("納付書の種類は当初か再発行です（分納は分納誓約から発行します）。", "kind")
    found = _locked(debtor, instalments)
    _require(user, debtor, found)
    _check_dates(today=today, deadline=deadline, late_charge_to=late_charge_to)
    _require_owed(found, today)
    charges = late_charges_to(found, late_charge_to)
    return _create(user, debtor, kind, today, deadline, late_charge_to, [(i, i.principal_due, charges[i.id], i.fee_due) for i in found])


@transaction.atomic
def issue_first_slips(user, debtor: Debtor, instalments: Sequence[Instalment | int], *, today: date | None = None) -> list[PaymentSlip]:
    """当初の納付書 of an assessment: one slip per instalment, payable by its 納期限 (the
    支払期限), for what it still owes, with no late charge. Refused for an instalment
    already past its 納期限 (that one is reissued with its late charge) or with nothing owed."""
    today = _today(today)
    found = _locked(debtor, instalments)
    _require(user, debtor, found)
    late = [i for i in found if i.due_date < today]
    if late:
        raise SlipRefused(f"納期限を過ぎた調定は当初の納付書にできません（{'、'.join(str(i) for i in late)}）。再発行してください。", "instalments")
    _require_owed(found, today)
    return [_create(user, debtor, SlipKind.FIRST, today, i.due_date, i.due_date, [(i, i.principal_due, i.late_charge_due, i.fee_due)]) for i in found]


@transaction.atomic
def issue_plan_slips(user, pledge, *, today: date | None = None) -> list[PaymentSlip]:
    """分納の納付書: one slip per payment of the 分納誓約 `pledge` still to come (due today
    or later), each for that payment's amount; a row printed before gets its slip again. The amounts are laid over the pledge's open
    instalments in order (oldest first, each in its receivable's allocation order), as the
    payments will be; what remains after the balances is the late charge the plan pays off
    last (fixed by the ledger when the principal is complete) and sits on the last line."""
    from saiken.cases.models import Pledge

    today = _today(today)
    pledge = Pledge.objects.select_related("case__debtor").get(pk=pledge.pk if isinstance(pledge, Pledge) else pledge)
    debtor = pledge.case.debtor
    found = _locked(debtor, list(pledge.instalments.values_list("pk", flat=True)))
    _require(user, debtor, found)
    rows = list(pledge.schedule.filter(due_on__gte=today).order_by("number"))
    if not rows:
        raise SlipRefused("これから納付期限が来る分納計画の回がありません。", "pledge")
    owed = [i for i in found if i.total_due > 0]
    if not owed:
        raise SlipRefused("分納誓約の対象の調定はすべて納付済みです。", "pledge")
    collectability.require(owed, today, act="納付書の発行", error=SlipRefused)
    # What is still owed, per instalment and component, in payment order.
    left = [(i, {Component.PRINCIPAL: i.principal_due, Component.LATE_CHARGE: i.late_charge_due, Component.FEE: i.fee_due}) for i in owed]
    slips = []
    for row in rows:
        amount = row.amount
        lines: dict[int, list] = {}
        for i, bal in left:
            for c in parse_order(i.receivable.allocation_order):
                take = min(amount, bal[c])
                if take:
                    bal[c] -= take
                    amount -= take
                    line = lines.setdefault(i.pk, [i, 0, 0, 0])
                    line[{Component.PRINCIPAL: 1, Component.LATE_CHARGE: 2, Component.FEE: 3}[c]] += take
            if not amount:
                break
        if amount:
            last = owed[-1]
            line = lines.setdefault(last.pk, [last, 0, 0, 0])
            line[2] += amount  # the accruing late charge the plan covers
        printed = PaymentSlip.objects.filter(pledge_payment=row).order_by("-id").first()
        if printed is not None:  # printed before: the same slip again, never a second barcode for one row
            slips.append(printed)
            continue
        slips.append(_create(user, debtor, SlipKind.PLAN, today, row.due_on, row.due_on, [tuple(x) for x in lines.values()], pledge_payment=row))
    return slips


def documents(slips: Sequence[PaymentSlip]) -> list[SlipDocument]:
    """The slips as plain data for the renderer."""
    out = []
    for s in slips:
        lines = list(s.lines.select_related("instalment", "receivable", "receivable__department").order_by("instalment__due_date", "instalment_id"))
        r = lines[0].receivable
        heading = ""
        if s.pledge_payment_id:
            heading = f"分納誓約 第{s.pledge_payment.number}回（{wareki(s.pledge_payment.due_on)}納付期限）"
        out.append(SlipDocument(
            number=s.number, kind=s.get_kind_display(), heading=heading, issued_on=s.issued_on, deadline=s.deadline,
            late_charge_to=s.late_charge_to, postal_code=s.debtor.postal_code, address=s.debtor.address, name=s.debtor.name,
            department_name=r.department.name, department_phone=r.department.phone, city_name=settings.SAIKEN_CITY_NAME,
            issuer_title=settings.SAIKEN_ISSUER_TITLE,
            lines=tuple(
                SlipLineData(x.receivable.name, x.instalment.subject, x.instalment.fiscal_year, x.instalment.instalment_no,
                             x.instalment.due_date, x.principal, x.late_charge, x.fee)
                for x in lines
            ),
            barcode=s.barcode or None, no_barcode=s.no_barcode, payment_places=PAYMENT_PLACES,
            charges_late=any(late_charges.charges_late(x.receivable) for x in lines),
        ))
    return out


def slip_pdf(user, slips: Sequence[PaymentSlip]) -> bytes:
    """The slips as one PDF (one page each), refused unless `user` may issue slips of
    every receivable on them; each download is audited (names and amounts, tax among them)."""
    slips = list(slips)
    if not slips:
        raise SlipRefused("納付書がありません。", "slip")
    policy.require(user, Act.SLIP)
    for s in slips:
        for rid in sorted(set(s.lines.values_list("receivable_id", flat=True))):
            policy.require(user, Act.SLIP, rid, debtor_id=s.debtor_id)
    buf = io.BytesIO()
    render_slips(documents(slips), buf)
    for s in slips:
        audit.record(user=user, action="slip.download", target=s, debtor_id=s.debtor_id, summary=f"{s} のPDF")
    return buf.getvalue()


def demand_copy(user, notice, *, today: date | None = None) -> tuple[bytes, str]:
    """督促状の写し for one person: the notice as issued (number, 発付日, 指定期限, lines),
    marked 再発行（写）, with a fresh barcode (reissue digit 1) while the demanded
    instalments are still wholly unpaid; its store deadline is the 指定期限, or, once that
    has passed, SAIKEN_SLIP_DAYS days from today. Returns (PDF, a note for the clerk).
    Refused unless the user may make the 督促状's documents (`Act.DEMAND_DOCUMENT`)."""
    from saiken.demands.documents import notice as notice_of
    from saiken.demands.models import Demand
    from saiken.documents.demand_notice import render_demand_notices

    today = _today(today)
    demand = Demand.objects.select_related("debtor", "receivable", "receivable__department").get(pk=notice.pk if isinstance(notice, Demand) else notice)
    policy.require(user, Act.DEMAND_DOCUMENT, demand.receivable_id, debtor_id=demand.debtor_id)
    n = notice_of(demand, city=settings.SAIKEN_CITY_NAME, issuer=settings.SAIKEN_ISSUER_TITLE)
    lines = list(demand.lines.select_related("instalment"))
    unpaid = all(x.instalment.principal_due == x.principal for x in lines) and sum(x.instalment.fee_due for x in lines) >= demand.fee
    note = ""
    code = None
    if not unpaid:
        note = "督促した期別に納付があったため、写しにはバーコードを付けていません。納付書を再発行してください。"
    elif n.barcode is not None:
        deadline = demand.designated_deadline if demand.designated_deadline >= today else today + timedelta(days=settings.SAIKEN_SLIP_DAYS)
        code = barcode_content(
            issuer=settings.SAIKEN_CONVENI_ISSUER, free=slip_free_field(SLIP_DEMAND, demand.pk), reissue=REISSUE,
            deadline=deadline, amount=n.total, cap=settings.SAIKEN_CONVENI_CAP,
        )
    buf = io.BytesIO()
    render_demand_notices([replace(n, barcode=code, copy_issued_on=today)], buf)
    audit.record(
        user=user, action="demand.copy", target=demand, debtor_id=demand.debtor_id,
        summary=f"督促状の写しの発行 {demand.number} {demand.debtor.name}" + ("（バーコードなし）" if code is None else ""),
        detail={"demand": demand.pk, "barcode": code is not None},
    )
    return buf.getvalue(), note

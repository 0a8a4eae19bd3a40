"""窓口収納: money taken at the city's window, with a 領収書, and the day's close (日計表).

One action per change, every check in it (so a screen and a command are refused alike):
- `preview_counter_payment` shows how the receivable's allocation rule (充当順位) splits
  the amount: the late charges the payment fixes, then principal, late charge and fee, by
  the very planner `record_payment` posts with (saiken.ledger.actions.plan_payment);
- `take_counter_payment` posts it through `record_payment` on exactly the ticked
  instalments and writes the receipt (CounterReceipt) and an audit row in one transaction.
Who may: `Act.COUNTER_PAYMENT` on the receivable (the owning department's staff; never the
committee or auditors). A claim extinguished by prescription or relief is not collected
(地方税法18条1項: a tax claim extinguishes without invocation; 地方自治法236条2項 for
public claims): what was paid on it would be 過誤納金 to refund.

One receipt is one payment of one receivable; several receipts may be taken in a row.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from saiken import audit
from saiken.core.allocation import Component
from saiken.core.entries import Kind
from saiken.core.era import fiscal_year_code, fiscal_year_label, wareki
from saiken.core.fiscal import fiscal_year_of
from saiken.debtors.models import Debtor
from saiken.ledger import actions as ledger
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Channel, Entry, Instalment, Payment
from saiken.payments.models import CounterReceipt
from saiken.prescription import collectability
from saiken.staff import access, policy
from saiken.staff.models import Role
from saiken.staff.policy import Act

CASH = Channel.COUNTER
COMPONENT_LABELS = {Component.PRINCIPAL: "本税（料）", Component.LATE_CHARGE: "延滞金", Component.FEE: "手数料"}


def counter_channels() -> tuple[str, ...]:
    """The ways to pay at the counter (setting SAIKEN_COUNTER_CHANNELS): cash first."""
    return tuple(c for c in settings.SAIKEN_COUNTER_CHANNELS if c in Channel.values)


def channel_choices() -> list[tuple[str, str]]:
    labels = {Channel.COUNTER.value: "現金", Channel.CREDIT.value: "クレジットカード"}
    return [(c, labels.get(c, Channel(c).label)) for c in counter_channels()]


class CounterError(LedgerError):
    """A counter payment that cannot be taken as asked (nothing is written)."""


@dataclass(frozen=True)
class Line:
    """One instalment of a counter payment: owed before, paid (per component), owed after."""

    instalment_id: int
    label: str
    due_date: date
    principal_before: int
    late_before: int  # fixed before, plus what this payment fixes
    fee_before: int
    late_fixed: int  # the late charge this payment fixes (to its payment day)
    principal_paid: int = 0
    late_paid: int = 0
    fee_paid: int = 0

    @property
    def paid(self) -> int:
        return self.principal_paid + self.late_paid + self.fee_paid

    @property
    def principal_after(self) -> int:
        return self.principal_before - self.principal_paid

    @property
    def late_after(self) -> int:
        return self.late_before - self.late_paid

    @property
    def fee_after(self) -> int:
        return self.fee_before - self.fee_paid

    @property
    def remaining(self) -> int:
        return self.principal_after + self.late_after + self.fee_after

    def as_dict(self) -> dict:
        return {
            "instalment": self.instalment_id, "label": self.label, "due_date": self.due_date.isoformat(),
            "principal_paid": self.principal_paid, "late_paid": self.late_paid, "fee_paid": self.fee_paid,
            "late_fixed": self.late_fixed,
            "principal_after": self.principal_after, "late_after": self.late_after, "fee_after": self.fee_after,
        }


@dataclass(frozen=True)
class Preview:
    debtor: Debtor
    receivable: object
    amount: int
    paid_on: date
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)

    @property
    def owed_in_full(self) -> int:
        return sum(x.principal_before + x.late_before + x.fee_before for x in self.lines)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _label(i: Instalment) -> str:
    subject = f" {i.subject}" if i.subject else ""
    return f"{i.receivable.name} {fiscal_year_label(i.fiscal_year)}{subject} 第{i.instalment_no}期"


def _targets(user, debtor: Debtor, instalments: Sequence[Instalment | int], amount, paid_on: date, today: date) -> tuple[list[Instalment], list[str]]:
    """Every check a counter payment passes before anything is computed or written."""
    ids = sorted({i.pk if isinstance(i, Instalment) else int(i) for i in instalments})
    if not ids:
        raise CounterError("納付する期別を選んでください。", "instalments")
    found = list(Instalment.objects.filter(pk__in=ids).select_related("receivable", "debtor").order_by("due_date", "id"))
    if len(found) != len(ids) or any(i.debtor_id != debtor.pk for i in found):
        raise CounterError("この債務者の調定だけを選べます。", "instalments")
    receivables = {i.receivable_id for i in found}
    if len(receivables) != 1:
        raise CounterError("1枚の領収書は1つの債権です。債権ごとに分けて収納してください。", "instalments")
    policy.require(user, Act.COUNTER_PAYMENT, found[0].receivable)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise CounterError("金額は1円以上の整数で入力してください。", "amount")
    if paid_on > today:
        raise CounterError(f"納付日に将来の日付（{wareki(paid_on)}）は指定できません。", "paid_on")
    if not all(i.total_due > 0 for i in found):
        raise CounterError("未納額のない期別が含まれています。", "instalments")
    warnings = collectability.require(found, paid_on, act="窓口収納", error=CounterError)
    return found, warnings


def _lines(targets: list[Instalment], plan: ledger.PaymentPlan) -> list[Line]:
    paid: dict[tuple[int, str], int] = defaultdict(int)
    for a in plan.allocations:
        paid[(a.key, a.component)] += a.amount
    return [
        Line(
            instalment_id=i.id, label=_label(i), due_date=i.due_date,
            principal_before=i.principal_due, late_before=i.late_charge_due + plan.late_charges.get(i.id, 0), fee_before=i.fee_due,
            late_fixed=plan.late_charges.get(i.id, 0),
            principal_paid=paid[(i.id, Component.PRINCIPAL)], late_paid=paid[(i.id, Component.LATE_CHARGE)],
            fee_paid=paid[(i.id, Component.FEE)],
        )
        for i in targets
    ]


def _plan(targets: list[Instalment], amount: int, paid_on: date) -> ledger.PaymentPlan:
    receivable = targets[0].receivable
    plan = ledger.plan_payment(amount, paid_on, targets, receivable)
    if plan.rest:
        owed = amount - plan.rest
        raise CounterError(f"金額 {amount:,}円 が選んだ期別の納付額 {owed:,}円 を超えています。超える分はお返しください。", "amount")
    return plan


def amount_to_settle(targets: list[Instalment], paid_on: date) -> dict[int, int]:
    """Per instalment, what pays it in full on `paid_on`: what is owed plus the late charge
    that payment would fix (the counter form's default amount is their sum)."""
    if not targets:
        return {}
    late = ledger.late_charges_to_pay_in_full(paid_on, targets, targets[0].receivable)
    return {i.id: i.total_due + late.get(i.id, 0) for i in targets}


def preview_counter_payment(user, debtor: Debtor, instalments: Sequence[Instalment | int], amount: int, paid_on: date, *, today: date | None = None) -> Preview:
    """The split the receivable's allocation rule gives a counter payment: writes nothing."""
    targets, warnings = _targets(user, debtor, instalments, amount, paid_on, _today(today))
    plan = _plan(targets, amount, paid_on)
    return Preview(debtor, targets[0].receivable, amount, paid_on, _lines(targets, plan), warnings)


def _next_number(fiscal_year: int) -> tuple[int, str]:
    seq = (CounterReceipt.objects.filter(fiscal_year=fiscal_year).aggregate(m=Max("seq"))["m"] or 0) + 1
    return seq, f"{fiscal_year_code(fiscal_year)}-{seq:06d}"


@transaction.atomic
def take_counter_payment(
    user, debtor: Debtor, instalments: Sequence[Instalment | int], amount: int, tendered: int | None, channel: str,
    paid_on: date, *, today: date | None = None,
) -> CounterReceipt:
    """窓口収納: post `amount` on exactly the ticked `instalments` (one receivable) as paid on
    `paid_on` and booked today, and write its 領収書. Cash needs `tendered` ≥ `amount`
    (the change is handed back); a card or other channel takes the amount itself."""
    today = _today(today)
    targets, _ = _targets(user, debtor, instalments, amount, paid_on, today)
    if channel not in counter_channels():
        raise CounterError(f"窓口で扱わない納付方法です（{channel}）。", "channel")
    if channel == CASH:
        if not isinstance(tendered, int) or isinstance(tendered, bool) or tendered < amount:
            raise CounterError(f"預り金額が納付額 {amount:,}円 に足りません。", "tendered")
    else:
        tendered = amount
    receivable = targets[0].receivable
    _plan(targets, amount, paid_on)  # refuses more than is owed before anything is written
    posted = ledger.record_payment(
        debtor=debtor, receivable=receivable, amount=amount, paid_on=paid_on, booked_on=today, channel=channel,
        instalments=targets, user=user,
    )
    if posted.overpaid:  # another clerk's payment on the same instalments got in first
        raise CounterError("選んだ期別の未納額が変わりました。もう一度確認してください。", "amount")
    # What the receipt says: the entries as booked, and the balances they left.
    fixed = {e.instalment_id: e.amount for e in posted.entries if e.kind == Kind.ASSESSMENT and e.component == Component.LATE_CHARGE}
    paid: dict[tuple[int, str], int] = defaultdict(int)
    for e in posted.entries:
        if e.kind == Kind.PAYMENT:
            paid[(e.instalment_id, e.component)] += e.amount
    after = {i.pk: i for i in Instalment.objects.filter(pk__in=[t.pk for t in targets])}
    lines = [
        Line(
            instalment_id=t.id, label=_label(t), due_date=t.due_date,
            principal_before=after[t.id].principal_due + paid[(t.id, Component.PRINCIPAL)],
            late_before=after[t.id].late_charge_due + paid[(t.id, Component.LATE_CHARGE)],
            fee_before=after[t.id].fee_due + paid[(t.id, Component.FEE)],
            late_fixed=fixed.get(t.id, 0),
            principal_paid=paid[(t.id, Component.PRINCIPAL)], late_paid=paid[(t.id, Component.LATE_CHARGE)],
            fee_paid=paid[(t.id, Component.FEE)],
        ).as_dict()
        for t in targets
    ]
    fiscal_year = fiscal_year_of(today)
    for attempt in range(5):
        # Two clerks at once may read the same last number: the unique key refuses the
        # second insert, which reads the number again (its savepoint keeps the payment).
        seq, number = _next_number(fiscal_year)
        try:
            with transaction.atomic():
                receipt = CounterReceipt.objects.create(
                    number=number, fiscal_year=fiscal_year, seq=seq, payment=posted.payment, channel=channel,
                    tendered=tendered, change=tendered - amount, debtor_name=debtor.name, receivable_name=receivable.name,
                    lines=lines, clerk=user, taken_on=today,
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
    audit.record(
        user=user, action="payments.counter", target=receipt, debtor_id=debtor.pk,
        summary=f"窓口収納 {receipt.number} {receivable.name} {amount:,}円（{Channel(channel).label}）",
        detail={"payment": posted.payment.pk, "amount": amount, "channel": channel, "tendered": tendered,
                "instalments": [t.pk for t in targets], "paid_on": paid_on.isoformat()},
    )
    return receipt


def require_receipt(user, receipt: CounterReceipt) -> None:
    """Who may see and reprint a receipt: who may take counter payments on its receivable."""
    policy.require(user, Act.COUNTER_PAYMENT, receipt.payment.receivable_id)


# ---- 日計表: the day's close per clerk and channel ------------------------------------------


TAKEN, REVERSED, MOVED = "taken", "reversed", "moved"
CLOSE_KIND_LABELS = {TAKEN: "収納", REVERSED: "取消", MOVED: "訂正による再計上"}


@dataclass
class CloseLine:
    """One clerk's one channel on one day, of one kind: the receipts, and the ledger they must equal.

    - 収納 (taken): the receipts taken that day; the payments of that channel the clerk
      booked that day; the PAYMENT entries of those payments.
    - 取消 (reversed), negative: the payments of the clerk's (and their receipts) whose
      reversal was booked that day; the PAYMENT_REVERSAL entries booked that day.
    - 訂正による再計上 (moved): a payment booked again elsewhere by an approved correction
      (saiken.payments.corrections); no money changes hands, so no receipt: its payment
      and entries must agree.
    """

    clerk_id: int
    clerk: str
    channel: str
    kind: str = TAKEN
    receipts: int = 0
    receipts_total: int = 0
    payments: int = 0
    payments_total: int = 0
    entries_total: int = 0

    @property
    def channel_label(self) -> str:
        return dict(channel_choices()).get(self.channel) or Channel(self.channel).label

    @property
    def kind_label(self) -> str:
        return CLOSE_KIND_LABELS[self.kind]

    @property
    def balanced(self) -> bool:
        if self.kind == MOVED:
            return self.receipts == 0 and self.payments_total == self.entries_total
        return self.receipts == self.payments and self.receipts_total == self.payments_total == self.entries_total

    def as_dict(self) -> dict:
        return {"clerk": self.clerk, "channel": self.channel, "kind": self.kind, "receipts": self.receipts,
                "receipts_total": self.receipts_total, "payments": self.payments, "payments_total": self.payments_total,
                "entries_total": self.entries_total, "balanced": self.balanced}


def close_lines(day: date, clerk_ids: Sequence[int] | None) -> list[CloseLine]:
    """日計表: per clerk, counter channel and kind (収納, 取消, 訂正による再計上; see
    CloseLine) the receipts and the ledger of `day`. A line balances when receipts,
    payments and entries agree (count and yen). Every figure of the close is read here,
    a few grouped queries whatever the day's count. `clerk_ids` None: every clerk's."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from saiken.payments.models import PaymentCorrection

    channels = counter_channels()
    lines: dict[tuple[int, str, str], CloseLine] = {}

    def add(rows, kind: str, *fields: str, sign: int = 1) -> None:
        for clerk_id, channel, *values in rows:
            key = (clerk_id, channel, kind)
            if key not in lines:
                lines[key] = CloseLine(clerk_id, "", channel, kind)
            for f, v in zip(fields, values, strict=True):
                setattr(lines[key], f, sign * (v or 0))

    def mine(qs, field: str):
        return qs if clerk_ids is None else qs.filter(**{f"{field}__in": clerk_ids})

    ours = mine(Payment.objects.filter(channel__in=channels).exclude(created_by=None), "created_by_id")
    moved = Exists(PaymentCorrection.objects.filter(reposted=OuterRef("pk")))
    booked = ours.filter(booked_on=day)
    taken, reposted = booked.exclude(moved), booked.filter(moved)
    # Reversed that day: payments of any day with a PAYMENT_REVERSAL entry booked on `day`.
    reversed_ = ours.filter(Exists(Entry.objects.filter(payment=OuterRef("pk"), kind=Kind.PAYMENT_REVERSAL, booked_on=day)))

    def payment_rows(qs):
        return qs.values("created_by_id", "channel").annotate(n=Count("id"), total=Sum("amount")).values_list(
            "created_by_id", "channel", "n", "total")

    def entry_rows(qs, kind: Kind, **extra):
        return (Entry.objects.filter(kind=kind, payment__in=qs, **extra).values("payment__created_by_id", "payment__channel")
                .annotate(total=Sum("amount")).values_list("payment__created_by_id", "payment__channel", "total"))

    def receipt_rows(qs):
        return qs.values("clerk_id", "channel").annotate(n=Count("id"), total=Sum("payment__amount")).values_list(
            "clerk_id", "channel", "n", "total")

    add(receipt_rows(mine(CounterReceipt.objects.filter(taken_on=day), "clerk_id")), TAKEN, "receipts", "receipts_total")
    add(payment_rows(taken), TAKEN, "payments", "payments_total")
    add(entry_rows(taken, Kind.PAYMENT), TAKEN, "entries_total")
    add(receipt_rows(CounterReceipt.objects.filter(payment__in=reversed_)), REVERSED, "receipts", "receipts_total", sign=-1)
    add(payment_rows(reversed_), REVERSED, "payments", "payments_total", sign=-1)
    add(entry_rows(reversed_, Kind.PAYMENT_REVERSAL, booked_on=day), REVERSED, "entries_total", sign=-1)
    add(payment_rows(reposted), MOVED, "payments", "payments_total")
    add(entry_rows(reposted, Kind.PAYMENT), MOVED, "entries_total")
    add(receipt_rows(CounterReceipt.objects.filter(payment__in=reposted)), MOVED, "receipts", "receipts_total")

    names = dict(get_user_model().objects.filter(pk__in={k[0] for k in lines}).values_list("pk", "username"))
    for x in lines.values():
        x.clerk = names.get(x.clerk_id, str(x.clerk_id))
    order = {c: n for n, c in enumerate(channels)}
    kinds = {TAKEN: 0, REVERSED: 1, MOVED: 2}
    return sorted(lines.values(), key=lambda x: (x.clerk, order.get(x.channel, 99), kinds[x.kind]))


def close_clerks(user, clerk=None) -> list[int] | None:
    """Whose close `user` may read: their own; a manager their department's clerks; an
    administrator anyone's (None: every clerk). `clerk`: one of those (refused otherwise)."""
    from django.contrib.auth import get_user_model

    policy.require(user, Act.COUNTER_PAYMENT)
    role = access.role(user)
    if role == Role.ADMIN:
        allowed = None
    elif role == Role.MANAGER:
        allowed = set(get_user_model().objects.filter(staff__department_id=access.department_id(user)).values_list("pk", flat=True))
    else:
        allowed = {user.pk}
    if clerk is not None:
        if allowed is not None and clerk.pk not in allowed:
            raise policy.Refused("この職員の日計表は見られません（本人と所管課長だけが見られます）。")
        return [clerk.pk]
    return None if allowed is None else sorted(allowed)


# ---- 領収書 PDF --------------------------------------------------------------------------------


def receipt_data(receipt: CounterReceipt):
    """The receipt as the renderer's plain data, from what was fixed when it was taken."""
    from saiken.documents.receipt import Receipt, ReceiptLine

    payment = receipt.payment
    clerk = receipt.clerk
    return Receipt(
        number=receipt.number, taken_on=receipt.taken_on, paid_on=payment.paid_on,
        city_name=settings.SAIKEN_CITY_NAME, issuer_title=settings.SAIKEN_ISSUER_TITLE,
        department_name=payment.receivable.department.name, clerk=clerk.get_full_name() or clerk.username,
        debtor_name=receipt.debtor_name, receivable_name=receipt.receivable_name,
        channel_label=dict(channel_choices()).get(receipt.channel) or Channel(receipt.channel).label,
        cash=receipt.channel == CASH, amount=payment.amount, tendered=receipt.tendered, change=receipt.change,
        lines=tuple(
            ReceiptLine(
                label=x["label"], due_date=date.fromisoformat(x["due_date"]), principal_paid=x["principal_paid"],
                late_paid=x["late_paid"], fee_paid=x["fee_paid"], principal_after=x["principal_after"],
                late_after=x["late_after"], fee_after=x["fee_after"],
            )
            for x in receipt.lines
        ),
    )


def receipt_document(receipt: CounterReceipt, user, *, width: str = "a4"):
    """The receipt's PDF (A4 or 80 mm roll) in the document directory, made on first asking;
    refused unless `user` may take counter payments on its receivable. Every download is
    audited (payments.receipt_download)."""
    from saiken.documents import store
    from saiken.documents.receipt import WIDTHS, render_receipt

    require_receipt(user, receipt)
    if width not in WIDTHS:
        raise CounterError("用紙はA4かレシート幅です。", "width")
    name = f"receipt-{receipt.number}-{width}.pdf"
    folder = store.private_dir("receipts")
    path = folder / name
    if not path.is_file():
        partial = store.private_file(folder / f"{name}.part")
        render_receipt(receipt_data(receipt), partial, width=width)
        os.replace(partial, path)
    path = store.resolve(f"receipts/{name}", folder="receipts", prefix="receipt-")
    audit.record(user=user, action="payments.receipt_download", target=receipt, debtor_id=receipt.payment.debtor_id,
                 summary=f"領収書 {receipt.number} のダウンロード（{'A4' if width == 'a4' else 'レシート幅'}）",
                 detail={"receipt": receipt.number, "width": width})
    return path

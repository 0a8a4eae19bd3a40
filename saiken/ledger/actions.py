"""One function per change to the ledger.

Each validates, writes its entries and caches in one transaction, and raises
LedgerError (writing nothing) when the change is not allowed. Views, commands
and imports only parse input and call these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from saiken import audit
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Allocation, Component, Debt, allocate
from saiken.core import reversal
from saiken.core.calendar import statutory_due
from saiken.core.entries import ASSESSED_SIGN, Kind
from saiken.core.fiscal import fiscal_year_end, fiscal_year_start
from saiken.debtors.models import Debtor
from saiken.ledger import late_charges
from saiken.ledger.booking import book
from saiken.ledger.errors import DuplicatePayment, LedgerError
from saiken.ledger.models import Channel, Entry, Instalment, Payment, WriteOffReason

OPEN = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)


def _positive(amount: int, field: str = "amount") -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise LedgerError("金額は円単位の整数で入力してください。", field)
    if amount <= 0:
        raise LedgerError("金額は1円以上で入力してください。", field)
    return amount


def _debts(*instalments: Instalment) -> dict[int, tuple[int, int]]:
    return {i.id: (i.receivable_id, i.fiscal_year) for i in instalments}


def _as_debt(i: Instalment, late_charge: int = 0) -> Debt:
    balances = {c: i.balance_of(c) for c in Component}
    balances[Component.LATE_CHARGE] += late_charge
    return Debt(i.id, i.due_date, balances)


def _late_charges_fixed_by(amount: int, paid_on: date, targets: list[Instalment], receivable: ReceivableType) -> dict[int, int]:
    """The late charges this payment fixes, per instalment (see saiken.ledger.late_charges).

    Interest-first receivables: what has accrued on every target up to the payment.
    Principal-first: the charge of each instalment whose principal this payment
    completes. Adding a charge can leave too little for a later instalment's
    principal, so the set is narrowed until it is stable (it only ever shrinks).
    """
    late = [i for i in targets if i.principal_due > 0 and i.due_date < paid_on]
    if not late or not late_charges.charges_late(receivable):
        return {}
    ctx = late_charges.Context.load([i.id for i in late], {receivable.id: receivable})
    if late_charges.interest_first(receivable):
        return {i.id: yen for i in late if (yen := ctx.to_fix(i, paid_on))}
    charge = {i.id: ctx.to_fix(i, paid_on) for i in late}
    fixed: dict[int, int] = {}
    while True:
        allocations, _ = allocate(amount, [_as_debt(i, fixed.get(i.id, 0)) for i in targets], receivable.order, receivable.scope)
        paid = defaultdict(int)
        for a in allocations:
            if a.component == Component.PRINCIPAL:
                paid[a.key] += a.amount
        completed = {i.id: charge[i.id] for i in late if paid[i.id] == i.principal_due and charge[i.id]}
        if completed.keys() == fixed.keys():
            return fixed
        fixed = {iid: yen for iid, yen in completed.items() if not fixed or iid in fixed}


@dataclass(frozen=True)
class PaymentPlan:
    """How a payment would post: the late charges it fixes per instalment, its
    allocations (by the receivable's 充当順位) and what is left over (過納)."""

    late_charges: dict[int, int]
    allocations: list[Allocation]
    rest: int


def plan_payment(amount: int, paid_on: date, targets: list[Instalment], receivable: ReceivableType) -> PaymentPlan:
    """The one planner of a payment on `targets`, read-only: record_payment posts it,
    the counter and the reconciliation's confirmation show it before posting."""
    _positive(amount)
    targets = sorted(targets, key=lambda i: (i.due_date, i.id))
    fixed = _late_charges_fixed_by(amount, paid_on, targets, receivable)
    debts = [_as_debt(i, fixed.get(i.id, 0)) for i in targets]
    allocations, rest = allocate(amount, debts, receivable.order, receivable.scope)
    return PaymentPlan(fixed, list(allocations), rest)


def late_charges_to_pay_in_full(paid_on: date, targets: list[Instalment], receivable: ReceivableType) -> dict[int, int]:
    """The late charge each of `targets` would have fixed if paid in full on `paid_on`
    (what the counter asks for when a person settles those instalments that day)."""
    late = [i for i in targets if i.principal_due > 0 and i.due_date < paid_on]
    if not late or not late_charges.charges_late(receivable):
        return {}
    ctx = late_charges.Context.load([i.id for i in late], {receivable.id: receivable})
    return {i.id: yen for i in late if (yen := ctx.to_fix(i, paid_on))}


OVERPAYMENT_MEMO = "過納"  # the excess of a payment, held as 過誤納金 (every posting path writes it)


def late_charge_memo(paid_on: date) -> str:
    return f"延滞金確定（{paid_on:%Y-%m-%d}納付）"


def check_arose_on(arose_on: date | None, nominal_due: date) -> None:
    """The contract date (債権の発生日) is on or before the due date: an instalment
    falls due only once the claim exists. It decides a private claim's law:
    改正民法附則10条4項 keeps the old civil code for claims arising after 2020-04-01
    from a contract made before it."""
    if arose_on is not None and arose_on > nominal_due:
        raise LedgerError(f"契約日（債権の発生日） {arose_on} が納期限 {nominal_due} より後です。", "arose_on")


def check_instalment_dates(fiscal_year: int, nominal_due: date) -> None:
    if nominal_due < fiscal_year_start(fiscal_year):
        raise LedgerError(
            f"納期限 {nominal_due} が{fiscal_year}年度の開始日（{fiscal_year_start(fiscal_year)}）より前です。", "nominal_due"
        )
    if nominal_due > fiscal_year_end(fiscal_year):
        raise LedgerError(
            f"納期限 {nominal_due} が{fiscal_year}年度の末日（{fiscal_year_end(fiscal_year)}）より後です。", "nominal_due"
        )


@transaction.atomic
def assess(
    *,
    debtor: Debtor,
    receivable: ReceivableType,
    fiscal_year: int,
    instalment_no: int,
    nominal_due: date,
    amount: int,
    assessed_on: date,
    subject: str = "",
    notice_number: str = "",
    arose_on: date | None = None,
    user=None,
) -> Instalment:
    """調定: create an instalment and its assessment entry. `arose_on`: the contract
    date of a loan or lease (see check_arose_on); None when the claim arose with
    the assessment."""
    _positive(amount)
    check_instalment_dates(fiscal_year, nominal_due)
    check_arose_on(arose_on, nominal_due)
    if instalment_no < 1:
        raise LedgerError("期別は1以上で入力してください。", "instalment_no")
    instalment = Instalment(
        debtor=debtor,
        receivable=receivable,
        fiscal_year=fiscal_year,
        subject=subject,
        instalment_no=instalment_no,
        nominal_due=nominal_due,
        due_date=statutory_due(nominal_due),
        assessed_on=assessed_on,
        notice_number=notice_number,
        arose_on=arose_on,
        principal_due=amount,
    )
    try:
        with transaction.atomic():
            instalment.save()
    except IntegrityError as e:
        raise LedgerError(
            f"{debtor} の {receivable} {fiscal_year}年度 {subject} 第{instalment_no}期は既に調定されています。", "instalment_no"
        ) from e
    book(
        [Entry(instalment=instalment, kind=Kind.ASSESSMENT, amount=amount, booked_on=assessed_on, created_by=user)],
        _debts(instalment),
        update_balances=False,
    )
    return instalment


@transaction.atomic
def correct_assessment(*, instalment: Instalment, delta: int, booked_on: date, reason: str, user=None) -> list[Entry]:
    """増額・減額更正. A decrease below what was already paid sets the excess aside as 過誤納金."""
    if delta == 0:
        raise LedgerError("更正額が0円です。", "delta")
    if not reason.strip():
        raise LedgerError("更正の理由を入力してください。", "reason")
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    entries = []
    if delta > 0:
        entries.append(Entry(instalment=instalment, kind=Kind.INCREASE, amount=delta, booked_on=booked_on, reason=reason, created_by=user))
    else:
        decrease = -delta
        assessed = sum(
            ASSESSED_SIGN[Kind(k)] * a
            for k, a in instalment.entries.filter(component=Component.PRINCIPAL, kind__in=[k.value for k in ASSESSED_SIGN]).values_list("kind", "amount")
        )
        if decrease > assessed:
            raise LedgerError(f"減額 {decrease:,}円 が調定額 {assessed:,}円 を超えています。", "delta")
        entries.append(Entry(instalment=instalment, kind=Kind.DECREASE, amount=decrease, booked_on=booked_on, reason=reason, created_by=user))
        excess = decrease - instalment.principal_due
        if excess > 0:
            entries.append(Entry(instalment=instalment, kind=Kind.OVERPAYMENT, amount=excess, booked_on=booked_on, memo="減額更正による過誤納", created_by=user))
    return book(entries, _debts(instalment))


@dataclass(frozen=True)
class Posted:
    payment: Payment
    entries: list[Entry]
    overpaid: int


@transaction.atomic
def record_payment(
    *,
    debtor: Debtor,
    receivable: ReceivableType,
    amount: int,
    paid_on: date,
    booked_on: date | None = None,
    channel: str = Channel.COUNTER,
    instalment: Instalment | None = None,
    instalments: Sequence[Instalment] | None = None,
    reference: str | None = None,
    user=None,
) -> Posted:
    """収納: allocate a payment to the named instalment (or the chosen `instalments`, as
    a counter payment or a corrected one names them), or else to the debtor's open
    instalments of the receivable; oldest first by the receivable's rule, any excess
    held as 過誤納金."""
    _positive(amount)
    booked_on = booked_on or paid_on
    if booked_on < paid_on:
        raise LedgerError("収納日が納付日より前です。", "booked_on")
    if channel not in Channel.values:
        raise LedgerError(f"納付経路 {channel!r} は登録されていません。", "channel")
    if reference and Payment.objects.filter(reference=reference).exists():
        raise DuplicatePayment(f"収納キー {reference} は既に計上済みです。", "reference")
    if instalment is not None and instalments:
        raise LedgerError("納付対象の調定は一つの指定方法で指定してください。", "instalment")
    targets = Instalment.objects.select_for_update().filter(debtor=debtor, receivable=receivable)
    if instalment is not None:
        targets = targets.filter(pk=instalment.pk)
    elif instalments:
        chosen = {i.pk for i in instalments}
        targets = targets.filter(pk__in=chosen)
        if targets.count() != len(chosen):
            raise LedgerError(f"{debtor} の {receivable} でない調定が含まれています。", "instalments")
    else:
        targets = targets.filter(OPEN)
    targets = list(targets.order_by("due_date", "id"))
    if not targets:
        raise LedgerError(f"{debtor} の {receivable} に納付対象の調定がありません。", "instalment")
    plan = plan_payment(amount, paid_on, targets, receivable)
    fixed, allocations, rest = plan.late_charges, plan.allocations, plan.rest
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                debtor=debtor, receivable=receivable, amount=amount, paid_on=paid_on, booked_on=booked_on,
                channel=channel, reference=reference or None, created_by=user,
            )
    except IntegrityError as e:  # the same reference posted concurrently
        raise DuplicatePayment(f"収納キー {reference} は既に計上済みです。", "reference") from e
    Payment.tally([(receivable.id, booked_on, channel, amount)])
    common = dict(payment=payment, booked_on=booked_on, created_by=user)
    # The late charge a payment fixes carries the payment, so that reversing the payment
    # finds it (saiken.core.reversal).
    entries = [
        Entry(instalment_id=iid, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE, amount=yen, booked_on=booked_on,
              payment=payment, memo=late_charge_memo(paid_on), created_by=user)
        for iid, yen in fixed.items()
    ]
    entries += [Entry(instalment_id=a.key, kind=Kind.PAYMENT, component=a.component, amount=a.amount, **common) for a in allocations]
    if rest:
        holder = targets[-1]
        entries.append(Entry(instalment=holder, kind=Kind.PAYMENT, amount=rest, **common))
        entries.append(Entry(instalment=holder, kind=Kind.OVERPAYMENT, amount=rest, memo=OVERPAYMENT_MEMO, **common))
    return Posted(payment, book(entries, _debts(*targets)), rest)


@transaction.atomic
def refund(*, instalment: Instalment, amount: int, booked_on: date, memo: str = "", user=None) -> Entry:
    """還付: pay back money held as 過誤納金."""
    _positive(amount)
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    if amount > instalment.overpaid:
        raise LedgerError(f"還付額 {amount:,}円 が過誤納金 {instalment.overpaid:,}円 を超えています。", "amount")
    entry = Entry(instalment=instalment, kind=Kind.REFUND, amount=amount, booked_on=booked_on, memo=memo, created_by=user)
    return book([entry], _debts(instalment))[0]


@transaction.atomic
def transfer(*, source: Instalment, target: Instalment, amount: int, booked_on: date, user=None) -> list[Entry]:
    """充当: apply 過誤納金 held on one instalment to another debt of the same person."""
    _positive(amount)
    locked = {i.pk: i for i in Instalment.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).select_related("receivable").order_by("pk")}
    if source.pk == target.pk:
        raise LedgerError("充当元と充当先が同じです。", "target")
    source, target = locked[source.pk], locked[target.pk]
    if source.debtor_id != target.debtor_id:
        raise LedgerError("別の債務者の債務には充当できません。", "target")
    if amount > source.overpaid:
        raise LedgerError(f"充当額 {amount:,}円 が過誤納金 {source.overpaid:,}円 を超えています。", "amount")
    allocations, rest = allocate(amount, [_as_debt(target)], target.receivable.order, target.receivable.scope)
    if rest:
        raise LedgerError(f"充当額が充当先の未納額 {target.total_due:,}円 を超えています。", "amount")
    out = Entry(instalment=source, kind=Kind.TRANSFER_OUT, amount=amount, booked_on=booked_on, memo=f"{target}へ充当", created_by=user)
    book([out], _debts(source))
    ins = [
        Entry(instalment=target, kind=Kind.TRANSFER_IN, component=a.component, amount=a.amount, booked_on=booked_on,
              counterpart=out, memo=f"{source}から充当", created_by=user)
        for a in allocations
    ]
    return [out, *book(ins, _debts(target))]


@transaction.atomic
def write_off(*, instalment: Instalment, booked_on: date, reason: str, note: str = "", user=None) -> list[Entry]:
    """不納欠損: book off everything still owed on an extinguished instalment."""
    if reason not in WriteOffReason.values:
        raise LedgerError(f"不納欠損の理由 {reason!r} は登録されていません。", "reason")
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    entries = [
        Entry(instalment=instalment, kind=Kind.WRITE_OFF, component=c, amount=instalment.balance_of(c), booked_on=booked_on, reason=reason, memo=note, created_by=user)
        for c in Component
        if instalment.balance_of(c) > 0
    ]
    if not entries:
        raise LedgerError("未納額がないため不納欠損できません。", "instalment")
    return book(entries, _debts(instalment))


def outstanding(debtor: Debtor) -> int:
    return Instalment.objects.filter(debtor=debtor).aggregate(
        s=Sum("principal_due") + Sum("late_charge_due") + Sum("fee_due")
    )["s"] or 0


@transaction.atomic
def reduce_late_charge(*, instalment: Instalment, booked_on: date, reason: str, amount: int | None = None, user=None) -> Entry:
    """延滞金の減免: reduce (or, without an amount, waive) a fixed late charge, for a recorded reason."""
    if not reason.strip():
        raise LedgerError("減免の理由を入力してください。", "reason")
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    owed = instalment.late_charge_due
    if owed == 0:
        raise LedgerError("確定した未納の延滞金がないため減免できません。", "instalment")
    amount = owed if amount is None else _positive(amount)
    if amount > owed:
        raise LedgerError(f"減免額 {amount:,}円 が未納の延滞金 {owed:,}円 を超えています。", "amount")
    entry = Entry(instalment=instalment, kind=Kind.DECREASE, component=Component.LATE_CHARGE, amount=amount, booked_on=booked_on,
                  reason=reason, memo="延滞金の減免" if amount < owed else "延滞金の免除", created_by=user)
    book([entry], _debts(instalment))
    audit.record(user=user, action="late_charge.reduce", target=instalment,
                 summary=f"{instalment} 延滞金 {amount:,}円を減免（{reason}）", detail={"amount": amount, "reason": reason})
    return entry


@dataclass(frozen=True)
class Reversed:
    payment: Payment
    entries: list[Entry]


def _fixed_without_link(payment: Payment, instalment_ids: set[int]) -> list[Entry]:
    """Late charges fixed by a payment posted before the fixing entry carried its payment:
    found by the instalment, the booking day and the memo every path wrote."""
    return list(
        Entry.objects.filter(
            instalment_id__in=instalment_ids, payment__isnull=True, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE,
            booked_on=payment.booked_on, memo=late_charge_memo(payment.paid_on),
        ).order_by("id")
    )


def plan_reversal(payment: Payment, *, lock: bool = False) -> tuple[list[reversal.ReversalEntry], list[Instalment], list[str]]:
    """The entries that would undo `payment` (saiken.core.reversal), its instalments (locked
    with `lock`), and why it cannot be undone now (empty when it can): what
    reverse_payment books, and what a screen shows before anyone asks."""
    posted = list(payment.entries.order_by("id"))
    targets = {e.instalment_id for e in posted}
    posted += _fixed_without_link(payment, targets)
    instalments = Instalment.objects.filter(pk__in=targets).order_by("pk")
    instalments = list(instalments.select_for_update() if lock else instalments)
    try:
        plan = reversal.plan(
            reversal.PostedEntry(e.id, e.instalment_id, Kind(e.kind), Component(e.component), e.amount) for e in posted
        )
    except reversal.CannotReverse as e:
        return [], instalments, [str(e)]
    balances = {i.id: ({c: i.balance_of(c) for c in Component}, i.overpaid) for i in instalments}
    return plan, instalments, reversal.shortfalls(balances, plan)


@transaction.atomic
def reverse_payment(*, payment: Payment, booked_on: date, reason: str, user=None) -> Reversed:
    """収納取消: undo every entry of a payment by its reversal (saiken.core.reversal),
    booked on `booked_on`; the payment and its entries stay. Who may, and the approval,
    are the caller's (saiken.payments.corrections); this checks the ledger only."""
    if not reason.strip():
        raise LedgerError("取消の理由を入力してください。", "reason")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)  # two reversals of one payment wait in line
    if booked_on < payment.booked_on:
        raise LedgerError(f"取消の計上日 {booked_on} が収納の計上日 {payment.booked_on} より前です。", "booked_on")
    plan, locked, short = plan_reversal(payment, lock=True)
    if short:
        raise LedgerError("この収納は取り消せません: " + "／".join(short), "payment")
    memo = f"{payment.paid_on:%Y-%m-%d}納付 {payment.amount:,}円の取消"
    entries = [
        Entry(instalment_id=r.instalment_id, kind=r.kind, component=r.component, amount=r.amount, booked_on=booked_on,
              payment=payment, counterpart_id=r.counterpart_id, reason=reason[:200], memo=memo, created_by=user)
        for r in plan
    ]
    # The channel tally counts payments that stand: a reversed one leaves it, in the
    # year it was counted in (saiken.ledger.summaries.payment_figures).
    Payment.tally([(payment.receivable_id, payment.booked_on, payment.channel, -payment.amount)])
    return Reversed(payment, book(entries, _debts(*locked)))

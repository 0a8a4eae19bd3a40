"""One function per change: the reconciliation queue, 充当 and 還付, and the bank files.

Who may (saiken.staff.policy), checked here before anything is written, so a screen, a
command and an API are refused alike:
- posting an unmatched record to an instalment (手動消込) is `Act.PAYMENT_RECONCILE` on the
  instalment's receivable; setting a record aside (対象外) is the same act, on the receivable
  of the instalment the record was matched to when it names one (another department's
  record, left in the queue by saiken.payments.imports);
- 充当, 還付決定, 組戻し, the 総合振込 file and its download are `Act.REFUND` on the
  receivable of each refund (a refund pays a person's bank account; 還付 and 充当 of a tax's
  過誤納金 are 地方税法17条・17条の2, decided by the department that owns the claim). A refund file holds only refunds the user may do; downloading it needs
  the act on every refund in it.
There is no anonymous act: a command names the staff login it runs as (`--user`).
Every file written or downloaded leaves an audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saiken import audit
from saiken.debtors.models import Debtor
from saiken.documents.store import NotStored, private_dir, stored_name, write_private
from saiken.documents.store import resolve as resolve_stored
from saiken.ledger import actions as ledger
from saiken.ledger.actions import OPEN
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Channel, Instalment
from saiken.payments.models import DebitRun, DirectDebitMandate, ReceivedPayment, Refund
from saiken.prescription import collectability
from saiken.staff import policy
from saiken.staff.policy import Act

Status = ReceivedPayment.Status
WAITING = (Status.UNMATCHED, Status.AMBIGUOUS)


@transaction.atomic
def resolve(received: ReceivedPayment, instalments: Instalment | Sequence[Instalment], *, confirmed_debtor: Debtor | int,
            user=None) -> ReceivedPayment:
    """手動消込: a clerk names the instalment (or several instalments of one person and one
    receivable) an unmatched record pays, and confirms the person; it is posted now, split
    oldest first by the receivable's allocation rule (saiken.ledger.actions.record_payment).

    `confirmed_debtor` is the person the clerk saw on the confirmation step: it must be the
    instalments' debtor, or nothing is written (a stale form never posts to someone else)."""
    chosen = [instalments] if isinstance(instalments, Instalment) else list(instalments)
    if not chosen:
        raise LedgerError("消込先の調定を選んでください。", "instalment")
    locked = list(Instalment.objects.select_related("debtor", "receivable").filter(pk__in=[i.pk for i in chosen]).order_by("due_date", "id"))
    if len(locked) != len({i.pk for i in chosen}):
        raise LedgerError("選んだ調定が見つかりません。", "instalment")
    for receivable_id in sorted({i.receivable_id for i in locked}):
        _require(user, Act.PAYMENT_RECONCILE, receivable_id)
    debtor_ids = {i.debtor_id for i in locked}
    if len(debtor_ids) != 1:
        raise LedgerError("一度に消込できるのは一人の債務者の調定だけです。", "instalment")
    if len({i.receivable_id for i in locked}) != 1:
        raise LedgerError("一度に消込できるのは一つの債権の調定だけです（債権ごとに充当順位が異なります）。", "instalment")
    confirmed_id = getattr(confirmed_debtor, "pk", confirmed_debtor)
    debtor = locked[0].debtor
    if confirmed_id != debtor.pk:
        raise LedgerError(f"確認した債務者と消込先の調定の債務者（{debtor}）が異なります。もう一度選び直してください。", "confirmed_debtor")
    received = ReceivedPayment.objects.select_for_update().get(pk=received.pk)
    if received.status not in WAITING:
        raise LedgerError(f"この収納データは{received.get_status_display()}のため消込できません。", "status")
    first = locked[0]
    posted = ledger.record_payment(
        debtor=debtor, receivable=first.receivable, amount=received.amount, paid_on=received.paid_on,
        booked_on=received.booked_on or received.paid_on, channel=received.channel, instalments=locked,
        user=_user(user),
    )
    received.status, received.instalment, received.payment = Status.RESOLVED, first, posted.payment
    received.resolved_by, received.resolved_at = _user(user), timezone.now()
    received.save(update_fields=["status", "instalment", "payment", "resolved_by", "resolved_at"])
    names = "、".join(str(i) for i in locked)
    audit.record(user=user, action="payments.resolve", target=received, debtor_id=debtor.pk,
                 summary=f"収納データ {received.amount:,}円（{received.paid_on}）を {names} に消込（債務者 {debtor} を確認）"[:300],
                 detail={"instalments": [i.pk for i in locked], "confirmed_debtor": debtor.pk})
    return received


@transaction.atomic
def dismiss(received: ReceivedPayment, *, reason: str, user=None) -> ReceivedPayment:
    """対象外: the record is not ours to post (e.g. another city's slip); kept, with the reason."""
    received = ReceivedPayment.objects.select_for_update().get(pk=received.pk)
    # A record matched to another department's instalment is that department's to set aside.
    owner = Instalment.objects.filter(pk=received.instalment_id).values_list("receivable_id", flat=True).first() if received.instalment_id else None
    _require(user, Act.PAYMENT_RECONCILE, owner)
    if not reason.strip():
        raise LedgerError("理由を入力してください。", "reason")
    if received.status not in WAITING:
        raise LedgerError(f"この収納データは{received.get_status_display()}です。", "status")
    received.status, received.reason = Status.DISMISSED, reason[:200]
    received.resolved_by, received.resolved_at = _user(user), timezone.now()
    received.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    audit.record(user=user, action="payments.dismiss", target=received, summary=f"収納データ {received.amount:,}円を対象外に（{reason}）")
    return received


@transaction.atomic
def return_to_sender(received: ReceivedPayment, *, reason: str, user=None) -> ReceivedPayment:
    """返戻: the record is not the city's money (another city's slip, an account that is not
    one of our debtors'): it leaves the queue and is listed for the store's agency or the
    bank to take back (saiken.payments.actions.returned_records), with the reason."""
    received = ReceivedPayment.objects.select_for_update().get(pk=received.pk)
    # As for 対象外: a record matched to another department's instalment is theirs to send back.
    owner = Instalment.objects.filter(pk=received.instalment_id).values_list("receivable_id", flat=True).first() if received.instalment_id else None
    _require(user, Act.PAYMENT_RECONCILE, owner)
    if not reason.strip():
        raise LedgerError("返戻の理由を入力してください。", "reason")
    if received.status not in WAITING:
        raise LedgerError(f"この収納データは{received.get_status_display()}のため返戻にできません。", "status")
    received.status, received.reason = Status.RETURNED, reason.strip()[:200]
    received.resolved_by, received.resolved_at = _user(user), timezone.now()
    received.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    audit.record(user=user, action="payments.return", target=received,
                 summary=f"収納データ {received.amount:,}円（{received.paid_on}）を返戻（{received.reason}）"[:300],
                 detail={"import": received.import_batch_id, "line": received.line, "reason": received.reason})
    return received


def returned_records(user):
    """The records sent back (返戻) that the user may see: those matched to no instalment,
    and those matched to an instalment of a receivable the user reconciles."""
    _require(user, Act.PAYMENT_RECONCILE)
    mine = policy.receivable_ids(user, Act.PAYMENT_RECONCILE)
    return (
        ReceivedPayment.objects.filter(status=Status.RETURNED)
        .filter(Q(instalment__isnull=True) | Q(instalment__receivable_id__in=mine))
        .select_related("import_batch", "resolved_by").order_by("-resolved_at", "-id")
    )


RETURNED_HEADER = ["取込番号", "ファイル名", "形式", "行", "納付日", "金額", "納付経路", "バーコード", "顧客番号", "銀行コード", "支店コード",
                   "口座番号", "預金者名", "収納機関", "店舗コード", "返戻理由", "返戻日時", "処理者"]


def returned_csv(user, *, encoding: str = "cp932") -> bytes:
    """The 返戻 list as CSV for the store's agency or the bank (Shift_JIS by default; every
    cell written safe from spreadsheet formulas by saiken.accounting.export.to_csv).
    The export is audited: it names the records and the money sent back."""
    from saiken.accounting.export import to_csv

    rows, ids, total = [], [], 0
    for r in returned_records(user):
        m, x = r.match or {}, r.extra or {}
        at = timezone.localtime(r.resolved_at).strftime("%Y-%m-%d %H:%M") if r.resolved_at else ""
        rows.append([
            r.import_batch_id, r.import_batch.filename, r.get_format_display(), r.line, r.paid_on.isoformat(), r.amount,
            Channel(r.channel).label if r.channel in Channel.values else r.channel, m.get("barcode", ""), m.get("customer_number", ""),
            m.get("bank_code", ""), m.get("branch_code", ""), m.get("account_number", ""), x.get("holder", ""), x.get("chain_name", ""),
            x.get("store_code", ""), r.reason, at, r.resolved_by.get_full_name() or r.resolved_by.get_username() if r.resolved_by else "",
        ])
        ids.append(r.pk)
        total += r.amount
    audit.record(user=user, action="payments.returned_export", summary=f"返戻一覧 {len(ids):,}件 {total:,}円をCSVで出力",
                 detail={"records": ids})
    return to_csv(RETURNED_HEADER, rows, encoding=encoding)


@transaction.atomic
def transfer_overpayment(instalment: Instalment, *, on: date, user=None) -> int:
    """充当: apply the 過誤納金 held on an instalment to the same person's open debts of the
    same receivable, oldest first (by the receivable's allocation rules). Returns yen moved."""
    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    _require(user, Act.REFUND, instalment.receivable_id)
    held = instalment.overpaid
    if held == 0:
        raise LedgerError("過誤納金がありません。", "instalment")
    moved = 0
    targets = Instalment.objects.filter(OPEN, debtor_id=instalment.debtor_id, receivable_id=instalment.receivable_id).exclude(pk=instalment.pk)
    for target in targets.order_by("due_date", "id"):
        if moved == held:
            break
        amount = min(held - moved, target.total_due)
        if amount:
            ledger.transfer(source=instalment, target=target, amount=amount, booked_on=on, user=_user(user))
            moved += amount
    if moved == 0:
        raise LedgerError("充当先となる未納の調定がありません。還付してください。", "instalment")
    audit.record(user=user, action="payments.transfer", target=instalment, summary=f"過誤納金 {moved:,}円を充当")
    return moved


@transaction.atomic
def decide_refund(
    instalment: Instalment, *, amount: int | None = None, on: date, bank_code: str = "", branch_code: str = "",
    account_type: str = "1", account_number: str = "", holder_kana: str = "", user=None,
) -> Refund:
    """還付決定: book the refund and queue it for the next credit-transfer file. Without an
    account, the debtor's direct-debit account for the receivable is used."""
    from saiken.core.formats.banks import check_account
    from saiken.core.formats.kana import bank_kana
    from saiken.core.formats.zengin import TRANSFER_ACCOUNT_TYPES

    instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
    _require(user, Act.REFUND, instalment.receivable_id)
    amount = instalment.overpaid if amount is None else amount
    if not bank_code:
        mandate = DirectDebitMandate.objects.filter(debtor_id=instalment.debtor_id, receivable_id=instalment.receivable_id).order_by("-valid_from").first()
        if mandate is None:
            raise LedgerError("振込先口座を入力してください（口座振替の登録がありません）。", "bank_code")
        bank_code, branch_code, account_type = mandate.bank_code, mandate.branch_code, mandate.account_type
        account_number, holder_kana = mandate.account_number, mandate.holder_kana
    if account_type not in TRANSFER_ACCOUNT_TYPES:
        # 総合振込 (全銀 種別21) pays into 1 普通, 2 当座, 4 貯蓄, 9 その他 only: a 納税準備預金 (3)
        # takes debits, not transfers, so a debit mandate's account may not serve here.
        allowed = "・".join(f"{k} {v}" for k, v in TRANSFER_ACCOUNT_TYPES.items())
        raise LedgerError(f"預金種目 {account_type} の口座へは振り込めません（振込できるのは {allowed}）。振込先口座を入力してください。",
                          "account_type")
    try:
        check_account(bank_code, branch_code)
    except ValueError as e:
        raise LedgerError(str(e), "bank_code") from e
    try:
        holder = bank_kana(holder_kana or instalment.debtor.name_kana, 30)
    except ValueError as e:
        raise LedgerError(str(e), "holder_kana") from e
    if not (account_number.isdigit() and len(account_number) <= 7):
        raise LedgerError("口座番号は7桁以内の数字です。", "account_number")
    ledger.refund(instalment=instalment, amount=amount, booked_on=on, memo="還付決定", user=_user(user))
    refund = Refund.objects.create(
        instalment=instalment, amount=amount, decided_on=on, bank_code=bank_code, branch_code=branch_code,
        account_type=account_type, account_number=account_number.zfill(7), holder_kana=holder, created_by=_user(user),
    )
    audit.record(user=user, action="payments.refund", target=refund, debtor_id=instalment.debtor_id, summary=f"還付 {amount:,}円を決定（{instalment}）")
    return refund


class RefundFile(NamedTuple):
    """A 総合振込 file made: its path (None when every refund was held), how many refunds and
    how much it pays, and the refunds held back with the reason (refund id, reason)."""

    path: Path | None
    count: int
    total: int
    held: list[tuple[int, str]]


@transaction.atomic
def export_refunds(*, transfer_date: date, user=None) -> RefundFile | None:
    """総合振込データ: every decided refund not yet sent that the user may refund, in one
    全銀 種別21 file (a clerk's file holds her department's refunds; an administrator's, all).

    A refund the bank's layout refuses (an account type it does not transfer to, a name
    outside its character set — decided before those checks existed) is held back with its
    reason, still "decided", for a clerk to correct; it never stops the others."""
    from saiken.core.formats.banks import bank_name, branch_name
    from saiken.core.formats.zengin import TransferItem

    _require(user, Act.REFUND)
    waiting = Refund.objects.select_for_update().filter(status=Refund.Status.REQUESTED)
    waiting = waiting.filter(instalment__receivable_id__in=policy.receivable_ids(user, Act.REFUND))
    refunds = list(waiting.order_by("id"))
    if not refunds:
        return None
    good, items, held = [], [], []
    for r in refunds:
        try:
            item = TransferItem(
                bank_code=r.bank_code, bank_name=bank_name(r.bank_code), branch_code=r.branch_code,
                branch_name=branch_name(r.bank_code, r.branch_code), account_type=r.account_type, account_number=r.account_number,
                payee=r.holder_kana, amount=r.amount, customer_code1=f"{r.pk:010d}", customer_code2=f"{r.instalment_id:010d}",
            )
            _transfer_file(transfer_date, [item])  # the writer's own checks, on this refund alone
        except ValueError as e:
            held.append((r.pk, str(e)))
            continue
        good.append(r)
        items.append(item)
    for pk, reason in held:
        audit.record(user=user, action="payments.refund_held", target=next(r for r in refunds if r.pk == pk),
                     summary=f"還付 {pk} を振込データに含めませんでした: {reason}"[:300], detail={"reason": reason})
    if not good:
        return RefundFile(None, 0, 0, held)
    path = _write(f"refunds-{transfer_date:%Y%m%d}-{timezone.now():%H%M%S}.txt", _transfer_file(transfer_date, items))
    name = stored_name(path)
    Refund.objects.filter(pk__in=[r.pk for r in good]).update(status=Refund.Status.SENT, transfer_file=name)
    total = sum(r.amount for r in good)
    audit.record(user=user, action="payments.export_refunds", summary=f"総合振込データ {len(good):,}件 {total:,}円（{transfer_date}）",
                 detail={"file": name, "refunds": [r.pk for r in good], "held": [pk for pk, _ in held]})
    return RefundFile(path, len(good), total, held)


def _transfer_file(transfer_date: date, items: list) -> bytes:
    from saiken.core.formats.banks import bank_name, branch_name
    from saiken.core.formats.zengin import write_credit_transfer

    return write_credit_transfer(
        consignor_code=settings.SAIKEN_BANK_CONSIGNOR_CODE, consignor_name=settings.SAIKEN_BANK_CONSIGNOR_NAME,
        transfer_date=transfer_date, bank_code=settings.SAIKEN_BANK_CODE, bank_name=bank_name(settings.SAIKEN_BANK_CODE),
        branch_code=settings.SAIKEN_BANK_BRANCH, branch_name=branch_name(settings.SAIKEN_BANK_CODE, settings.SAIKEN_BANK_BRANCH),
        account_type=settings.SAIKEN_BANK_ACCOUNT_TYPE, account_number=settings.SAIKEN_BANK_ACCOUNT_NUMBER, items=items,
        line_ending=settings.SAIKEN_BANK_LINE_ENDING,
    )


@transaction.atomic
def export_debits(*, debit_date: date, user=None, out: Path | None = None) -> DebitRun:
    """口座振替依頼データ: every instalment due on `debit_date` with an active mandate, of the
    receivables the user may act on (`Act.PAYMENT_IMPORT`; an administrator: all)."""
    from saiken.core.formats.banks import bank_name, branch_name
    from saiken.core.formats.zengin import DebitItem, RequestedDebit, write_debit_request

    _require(user, Act.PAYMENT_IMPORT)
    active = DirectDebitMandate.objects.filter(valid_from__lte=debit_date).exclude(valid_to__lt=debit_date)
    active = active.filter(receivable_id__in=policy.receivable_ids(user, Act.PAYMENT_IMPORT))
    mandates = {(m.debtor_id, m.receivable_id): m for m in active.order_by("valid_from")}
    due = list(Instalment.objects.filter(due_date=debit_date, principal_due__gt=0).order_by("id").values_list("id", "debtor_id", "receivable_id", "principal_due"))
    # A claim extinguished (免除, 債権放棄, 執行停止による即時消滅…) is never debited: left out, counted in the audit row.
    gone = collectability.split([row[0] for row in due if (row[1], row[2]) in mandates], debit_date).extinguished
    items = []
    first_time = set()
    for iid, debtor_id, receivable_id, amount in due:
        m = mandates.get((debtor_id, receivable_id))
        if m is None or iid in gone:
            continue
        items.append(DebitItem(
            bank_code=m.bank_code, bank_name=bank_name(m.bank_code), branch_code=m.branch_code,
            branch_name=branch_name(m.bank_code, m.branch_code), account_type=m.account_type, account_number=m.account_number,
            holder=m.holder_kana, amount=amount, customer_number=f"{iid:020d}", new_code="0" if m.first_debit_done else "1",
        ))
        if not m.first_debit_done:
            first_time.add(m.pk)
    if not items:
        left = f"（消滅した債権 {len(gone):,}件を除外）" if gone else ""
        raise LedgerError(f"{debit_date} に引き落とす口座振替の対象はありません{left}。", "debit_date")
    data = write_debit_request(
        consignor_code=settings.SAIKEN_BANK_CONSIGNOR_CODE, consignor_name=settings.SAIKEN_BANK_CONSIGNOR_NAME, debit_date=debit_date,
        bank_code=settings.SAIKEN_BANK_CODE, bank_name=bank_name(settings.SAIKEN_BANK_CODE), branch_code=settings.SAIKEN_BANK_BRANCH,
        branch_name=branch_name(settings.SAIKEN_BANK_CODE, settings.SAIKEN_BANK_BRANCH), account_type=settings.SAIKEN_BANK_ACCOUNT_TYPE,
        account_number=settings.SAIKEN_BANK_ACCOUNT_NUMBER, items=items, line_ending=settings.SAIKEN_BANK_LINE_ENDING,
    )
    if out is not None:  # the command's --out: the operator's own file, named as given (service user only)
        write_private(out, data)
        path, name = out, str(out)
    else:
        path = _write(f"debits-{debit_date:%Y%m%d}-{timezone.now():%H%M%S}.txt", data)
        name = stored_name(path)
    DirectDebitMandate.objects.filter(pk__in=first_time).update(first_debit_done=True)
    lines = [
        RequestedDebit(i.customer_number, i.amount, i.bank_code, i.branch_code, i.account_type, i.account_number.zfill(7)).as_list()
        for i in items
    ]
    run = DebitRun.objects.create(debit_date=debit_date, created_by=_user(user), items=len(items), amount=sum(i.amount for i in items),
                                  filename=name, lines=lines)
    audit.record(user=user, action="payments.export_debits", target=run,
                 summary=f"口座振替依頼 {len(items):,}件 {run.amount:,}円（引落日 {debit_date}）" + (f"、消滅債権のため除外 {len(gone):,}件" if gone else ""),
                 detail={"extinguished": sorted(gone)})
    run.extinguished = sorted(gone)
    return run


def _write(name: str, data: bytes) -> Path:
    """A bank file (account numbers, names, amounts) in the document directory, readable
    and writable by the service user only."""
    return write_private(private_dir("bank") / name, data)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _require(user, act: Act, receivable: int | None = None) -> None:
    policy.require(user, act, receivable)


def refund_file(refund: Refund, *, user=None) -> Path:
    """The 総合振込 file a refund was sent in, for download: `Act.REFUND` on every refund in
    that file, the file only by its generated name inside the document directory (never a
    path stored elsewhere), and an audit row naming the file and its refunds."""
    refund = Refund.objects.select_related("instalment").get(pk=refund.pk)
    _require(user, Act.REFUND, refund.instalment.receivable_id)
    if not refund.transfer_file:
        raise NotStored("振込データがありません。")
    in_file = list(Refund.objects.filter(transfer_file=refund.transfer_file).values_list("pk", "instalment__receivable_id"))
    for _, receivable_id in in_file:
        _require(user, Act.REFUND, receivable_id)
    path = resolve_stored(refund.transfer_file, folder="bank", prefix="refunds-")
    audit.record(user=user, action="payments.download_refunds", target=refund, debtor_id=refund.instalment.debtor_id,
                 summary=f"総合振込データ {path.name} をダウンロード（{len(in_file):,}件）",
                 detail={"file": stored_name(path), "refunds": sorted(pk for pk, _ in in_file)})
    return path


@transaction.atomic
def refund_returned(refund: Refund, *, on: date, reason: str, user=None) -> Refund:
    """組戻し: a refund the bank could not pay came back; the money is held as 過誤納金 again,
    to be refunded to a corrected account or transferred."""
    from saiken.core.entries import Kind
    from saiken.ledger.booking import book
    from saiken.ledger.models import Entry

    refund = Refund.objects.select_for_update().select_related("instalment").get(pk=refund.pk)
    _require(user, Act.REFUND, refund.instalment.receivable_id)
    if refund.status != Refund.Status.SENT:
        raise LedgerError(f"この還付は{refund.get_status_display()}のため返戻にできません。", "status")
    if not reason.strip():
        raise LedgerError("返戻の理由を入力してください。", "reason")
    i = Instalment.objects.select_for_update().get(pk=refund.instalment_id)
    book([Entry(instalment=i, kind=Kind.REFUND_RETURNED, amount=refund.amount, booked_on=on, memo=f"還付返戻: {reason}"[:200], created_by=_user(user))],
         {i.id: (i.receivable_id, i.fiscal_year)})
    refund.status = Refund.Status.RETURNED
    refund.save(update_fields=["status"])
    audit.record(user=user, action="payments.refund_returned", target=refund, debtor_id=i.debtor_id, summary=f"還付 {refund.amount:,}円が返戻（{reason}）")
    return refund

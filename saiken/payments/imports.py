"""収納データ取込: one function takes a payment file whole, or refuses it whole.

`import_payments` is what the command and the screen both call:

1. the same file (SHA-256) already taken → refused, naming the earlier import;
2. the codec reads every record, or lists every bad one (line, field, reason) —
   the refusal is kept in the import history, and nothing else is written;
3. records already taken from another file (same format and key) post nothing;
   a store's final record confirms its preliminary one, a cancellation withdraws it;
4. each new record is matched (saiken.payments.matching); matched payments are
   posted to the ledger in the same transaction (saiken.ledger.bulk.post_payments),
   unmatched ones wait for a clerk, failed debits are recorded with their reason
   (the instalment stays unpaid, so the next demand run takes it), and preliminary
   records are visible at once (the demand run leaves their instalments out).

Who may (saiken.staff.policy): importing and confirming a file is `Act.PAYMENT_IMPORT`.
A bank's or a store's file pays many receivables at once, and the city's departments
each own theirs (the city's 事務分掌, 地方自治法158条 (verify); 地方税法22条 keeps tax
figures with tax staff). So a record is
posted only to an instalment of a receivable the importing user may act on (her
department's; an administrator's: every one); a record that pays another department's
instalment is not posted but waits in the reconciliation queue as unmatched, with the
reason, for that department to post. Nothing is refused for it: the file is taken whole,
the money is recorded, and no department pays another's debt by mistake. There is no
anonymous import: the import-payments command names the staff login it runs as (`--user`;
an administrator's for a city-wide file).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saiken import audit
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component, Debt, allocate
from saiken.core.conveni import SLIP_DEMAND, SLIP_NOTICE
from saiken.core.formats import CANCEL, FAILED_DEBIT, KEPT_ERRORS, PAYMENT, PRELIMINARY, Errors, FieldError, FormatError, ParsedFile, PaymentRecord
from saiken.core.formats.limits import check_lines, check_size
from saiken.core.plausibility import id_in_range, issuer_error, paid_on_error, stamp_error
from saiken.demands.models import Demand
from saiken.ledger.booking import insert_rows
from saiken.ledger.bulk import PaymentRequest, gc_paused, post_payments, select_in
from saiken.ledger.errors import BatchRejected
from saiken.ledger.models import Instalment
from saiken.payments.matching import Match, match_records, slip_of_record
from saiken.payments import uploads
from saiken.payments.models import DebitRun, Format, ImportMapping, PaymentImport, ReceivedPayment
from saiken.slips.models import PaymentSlip, SlipLine
from saiken.staff import access, policy
from saiken.staff.models import Role
from saiken.staff.policy import Act

Status = ReceivedPayment.Status
_FIELDS = (
    "import_batch_id", "line", "format", "key", "status", "amount", "paid_on", "booked_on", "channel", "match",
    "result_code", "extra", "instalment_id", "demand_id", "payment_id", "reason", "key_hash",
)
_PAYMENT = _FIELDS.index("payment_id")


class ImportRefused(Exception):
    """The file was not taken. `batch` is the refused import kept in the history (if any)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None, batch: PaymentImport | None = None, total: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []  # the first KEPT_ERRORS
        self.total = len(self.errors) if total is None else total  # all of them
        self.batch = batch


@dataclass(frozen=True)
class Preview:
    parsed: ParsedFile
    matches: dict[int, Match]
    already: set[str]  # keys taken before


def parse(data: bytes, *, format: str, filename: str, mapping: ImportMapping | None = None, debit_date: date | None = None) -> ParsedFile:
    """Read a file with its format's codec; FormatError lists every bad record (the first
    KEPT_ERRORS of them, and counts the rest). The size and row limits of the settings
    (saiken.payments.uploads) are checked before the file is parsed."""
    limits = uploads.limits()
    check_size(len(data), limits)
    if format == Format.ZENGIN_DEBIT_RESULT:
        from saiken.core.formats.sniff import zengin_file_problem
        from saiken.core.formats.zengin import RECORD_LENGTH, read_debit_result

        problem = zengin_file_problem(data)
        if problem:  # named before the header's date is read (it would read as garbled)
            raise FormatError([FieldError(1, "ファイル", problem)])
        check_lines(data, limits, record_length=RECORD_LENGTH)
        parsed = read_debit_result(data, debit_date=debit_date or infer_debit_date(data))
        check_against_requests(parsed, date.fromisoformat(parsed.meta["引落日"]))
        return parsed
    if format == Format.CONVENI:
        from saiken.core.formats.conveni_csv import read_conveni

        check_lines(data, limits)
        return read_conveni(data)
    if format in (Format.ELQR, Format.CSV):
        from saiken.core.formats.layout import ELQR_DEFAULT, Layout

        if mapping is not None:
            layout = Layout.from_dict(mapping.layout)
        elif format == Format.ELQR:
            layout = ELQR_DEFAULT
        else:
            raise FormatError([FieldError(0, "取込レイアウト", "CSV・Excelの取込には取込レイアウト（--mapping）の指定が必要です")])
        return read_table(data, layout, filename, limits)
    raise FormatError([FieldError(0, "形式", f"形式 {format!r} は取り込めません（{', '.join(Format.values)}）")])


def check_against_requests(parsed: ParsedFile, debit_date: date) -> None:
    """A debit result is posted only when it answers a request we wrote: the city's
    委託者コード (settings.SAIKEN_BANK_CONSIGNOR_CODE), a DebitRun of its debit date, and
    each record a line of that request (saiken.core.formats.zengin.check_debit_result).
    Raises FormatError naming each record and field at fault."""
    from saiken.core.formats.zengin import check_debit_result

    runs = [_request_lines(run) for run in DebitRun.objects.filter(debit_date=debit_date).order_by("id")]
    requests = [r for r in runs if r is not None]
    errors = check_debit_result(parsed, consignor_code=settings.SAIKEN_BANK_CONSIGNOR_CODE, requests=requests)
    if runs and not requests:  # we wrote one, but neither its lines nor its file are kept
        errors = [e for e in errors if e.field != "引落日"]
        errors.append(FieldError(1, "引落日", f"引落日 {debit_date} の依頼データの明細もファイルも残っていないため、結果を照合できません"))
    if errors:
        raise FormatError(errors)


def _request_lines(run: DebitRun):
    """The lines of a request: kept on the run, or (a run written before they were kept)
    read back from the request file kept in the document directory; None if neither."""
    from saiken.core.formats.zengin import RequestedDebit, read_debit_result
    from saiken.documents.store import NotStored, resolve

    if run.lines is not None:
        return tuple(RequestedDebit.from_list(row) for row in run.lines)
    try:
        kept = read_debit_result(resolve(run.filename, folder="bank", prefix="debits-").read_bytes(), debit_date=run.debit_date, allow_request=True)
    except (NotStored, OSError, FormatError):
        return None
    return tuple(RequestedDebit.from_record(r) for r in kept.records)


def read_table(data, layout, filename, limits):
    from saiken.core.formats.layout import read_table as read

    return read(data, layout, filename, limits)


def infer_debit_date(data: bytes, today: date | None = None) -> date:
    """A 全銀 file gives the debit date as MMDD only: take the latest request file
    sent for that day, else the nearest such date not more than a month ahead."""
    today = today or timezone.localdate()
    head = data[:120]
    mmdd = head[54:58].decode("ascii", "replace") if len(head) >= 58 else ""
    if not (mmdd.isdigit() and 1 <= int(mmdd[:2]) <= 12):
        raise FormatError([FieldError(1, "引落日", f"ヘッダーの引落日（MMDD）が読めません（{mmdd!r}）")])
    month, day = int(mmdd[:2]), int(mmdd[2:])
    runs = [r for r in DebitRun.objects.order_by("-debit_date")[:200] if (r.debit_date.month, r.debit_date.day) == (month, day)]
    if runs:
        return runs[0].debit_date
    for year in (today.year + 1, today.year, today.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= today + timedelta(days=31):
            return d
    raise FormatError([FieldError(1, "引落日", f"引落日 {mmdd} は日付として正しくありません")])


def preview(
    data: bytes, *, format: str, filename: str, mapping: ImportMapping | None = None, debit_date: date | None = None, user=None,
    today: date | None = None,
) -> Preview:
    """What an import by `user` would do, without writing anything."""
    allowed = _scope(user)
    parsed = parse(data, format=format, filename=filename, mapping=mapping, debit_date=debit_date)
    check_contract(parsed, format=format, today=today or timezone.localdate())
    hashes = sorted({key_hash(r.key) for r in parsed.records})
    already = set()
    for start in range(0, len(hashes), 5000):
        already.update(ReceivedPayment.objects.filter(format=format, key_hash__in=hashes[start:start + 5000]).values_list("key", flat=True))
    new = [r for r in parsed.records if r.key not in already]
    return Preview(parsed, within(match_records(new), allowed), already)


def accepted_issuers() -> frozenset[str]:
    """The 収納機関番号 whose slips are the city's: the one it prints
    (SAIKEN_CONVENI_ISSUER) and any it printed before (SAIKEN_CONVENI_FORMER_ISSUERS)."""
    return frozenset({settings.SAIKEN_CONVENI_ISSUER, *settings.SAIKEN_CONVENI_FORMER_ISSUERS})


def check_contract(parsed: ParsedFile, *, format: str, today: date) -> frozenset[int] | None:
    """FormatError naming every record of a store file that cannot be a payment of ours
    (saiken.core.plausibility): a slip of another 収納機関番号, or a 収納日 after `today`
    (the import day), older than SAIKEN_PAYMENT_MAX_AGE_DAYS, or before the slip's
    instalment was assessed (調定日) or its 督促状 issued (発付日) — the slip carries no
    issue date of its own.

    Refused whole rather than leaving the records unmatched: the agency's file under the
    city's contract holds only the city's slips, and a record that breaks it means the file
    is not the one the agency should have sent (its remittance would not agree either).

    Returns the ids of the instalments the slips name that exist (read for their 調定日),
    so that matching need not read them again; None when nothing was read."""
    if format != Format.CONVENI:
        return None
    from saiken.core.formats.conveni_csv import BARCODE, PAID_DATE, STAMP

    accepted = accepted_issuers()
    max_age = settings.SAIKEN_PAYMENT_MAX_AGE_DAYS
    errors = Errors()
    issued, existing = _slip_issue_days(parsed.records)
    for r in parsed.records:
        barcode = r.match.get("barcode", "")
        why = issuer_error(barcode[2:8], accepted)
        if why:
            errors.append(FieldError(r.line, BARCODE, why))
            continue
        # Our slips are public money: the barcode's stamp flag (position 37) and the
        # agency's 印紙フラグ column are both 0.
        for field, flag, where in ((BARCODE, barcode[36:37], "バーコードの印紙フラグ（37桁目）"), (STAMP, r.extra.get("stamp_flag", "0"), "印紙フラグ")):
            why = stamp_error(flag, where)
            if why:
                errors.append(FieldError(r.line, field, why))
        on, what = issued.get(r.line, (None, ""))
        why = paid_on_error(r.paid_on, today=today, max_age_days=max_age, issued_on=on, issued_what=what)
        if why:
            errors.append(FieldError(r.line, PAID_DATE, why))
    if errors:
        raise FormatError(errors)
    return existing


def _slip_issue_days(records) -> tuple[dict[int, tuple[date, str]], frozenset[int]]:
    """Per line: the day the record's slip could first have been paid, and what it is;
    and the ids of the instalments named that exist."""
    instalments: dict[int, int] = {}
    demands: dict[int, int] = {}
    slips: dict[int, int] = {}
    for r in records:
        slip = slip_of_record(r)
        if slip is None or not id_in_range(slip[1]):
            continue
        (demands if slip[0] == SLIP_DEMAND else slips if slip[0] == SLIP_NOTICE else instalments)[r.line] = slip[1]
    assessed: dict[int, date] = {}
    ids = sorted(set(instalments.values()))
    for start in range(0, len(ids), 5000):
        assessed.update(select_in(Instalment, ("id", "assessed_on"), "id", ids[start:start + 5000], ordered=False))
    demand_issued: dict[int, date] = {}
    ids = sorted(set(demands.values()))
    for start in range(0, len(ids), 5000):
        demand_issued.update(Demand.objects.filter(pk__in=ids[start:start + 5000]).values_list("pk", "issued_on"))
    slip_issued: dict[int, date] = {}
    ids = sorted(set(slips.values()))
    for start in range(0, len(ids), 5000):
        slip_issued.update(PaymentSlip.objects.filter(pk__in=ids[start:start + 5000]).values_list("pk", "issued_on"))
    out = {line: (assessed[i], f"調定 {i} の調定日") for line, i in instalments.items() if i in assessed}
    out.update({line: (demand_issued[i], f"督促状 {i} の発付日") for line, i in demands.items() if i in demand_issued})
    out.update({line: (slip_issued[i], f"納付書 {i} の発行日") for line, i in slips.items() if i in slip_issued})
    return out, frozenset(assessed)


def _scope(user) -> frozenset[int] | None:
    """The receivables the user's file may pay (None: every one); refuses a user who may not import."""
    policy.require(user, Act.PAYMENT_IMPORT)
    if access.role(user) == Role.ADMIN:
        return None
    return policy.receivable_ids(user, Act.PAYMENT_IMPORT)


def within(matches: dict[int, Match], allowed: frozenset[int] | None) -> dict[int, Match]:
    """The matches, with those that would pay a receivable outside `allowed` turned into
    unmatched records: they wait in the queue, naming the instalment they were matched to,
    for the department that owns it."""
    if allowed is None:
        return matches
    ids = sorted({i for m in matches.values() if m.found for i in m.instalment_ids})
    owner: dict[int, int] = {}
    for start in range(0, len(ids), 5000):
        owner.update(select_in(Instalment, ("id", "receivable_id"), "id", ids[start:start + 5000], ordered=False))
    outside = {r for r in owner.values() if r not in allowed}
    if not outside:
        return matches
    names = dict(ReceivableType.objects.filter(pk__in=outside).values_list("pk", "name"))
    out = {}
    for line, m in matches.items():
        theirs = sorted({owner[i] for i in m.instalment_ids if owner.get(i) in outside}) if m.found else []
        out[line] = replace(m, outside=True, reason=f"所管外の債権（{'・'.join(names[r] for r in theirs)}）の調定のため消込していません（所管課で消込）") if theirs else m
    return out


def import_payments(
    data: bytes, *, format: str, filename: str, mapping: ImportMapping | None = None, user=None,
    debit_date: date | None = None, today: date | None = None,
) -> PaymentImport:
    """Take the file whole or refuse it (see the module docstring). `today` is the import
    day the payment dates are checked against (check_contract): the local date unless a
    replay (the benchmark, a test) names another."""
    allowed = _scope(user)  # refused before anything is written, the history included
    with gc_paused():
        return _import(allowed, data, format=format, filename=filename, mapping=mapping, user=user, debit_date=debit_date, today=today or timezone.localdate())


def _import(allowed: frozenset[int] | None, data: bytes, *, format: str, filename: str, mapping: ImportMapping | None, user, debit_date: date | None, today: date) -> PaymentImport:
    sha = hashlib.sha256(data).hexdigest()
    earlier = PaymentImport.objects.filter(format=format, sha256=sha, status=PaymentImport.Status.POSTED).first()
    if earlier is not None:
        raise ImportRefused(f"このファイルは取込済みです（取込番号 {earlier.pk}、{timezone.localtime(earlier.imported_at):%Y-%m-%d %H:%M}）。二重には計上しません。")
    common = dict(format=format, mapping=mapping, filename=filename[:255], sha256=sha, size=len(data), imported_by=_user(user))
    try:
        parsed = parse(data, format=format, filename=filename, mapping=mapping, debit_date=debit_date)
        _check_totals(parsed)
        existing = check_contract(parsed, format=format, today=today)
    except FormatError as e:
        batch = PaymentImport.objects.create(status=PaymentImport.Status.REJECTED, errors=[_error(x) for x in e.errors], error_count=e.total, **common)
        raise ImportRefused(f"ファイルに誤りがあるため取り込みませんでした（{e.total:,}件）。", e.errors, batch, e.total) from e
    try:
        with transaction.atomic():
            batch = PaymentImport.objects.create(status=PaymentImport.Status.POSTED, **common)
            _take(batch, parsed, user, allowed, existing)
            audit.record(user=user, action="payments.import", target=batch,
                         summary=f"{batch.get_format_display()} {filename} {batch.records:,}件 {batch.amount:,}円（消込 {batch.posted:,}件、未消込 {batch.unmatched:,}件）")
    except IntegrityError as e:
        # Another process took the same file (or record) a moment ago: its transaction won.
        raise ImportRefused("同じファイルまたはレコードが同時に取り込まれました。取込履歴を確認してください。二重には計上していません。") from e
    except BatchRejected as e:
        errors = [FieldError(x.line, x.field, x.reason) for x in e.errors]
        kept = errors[:KEPT_ERRORS]
        batch = PaymentImport.objects.create(status=PaymentImport.Status.REJECTED, errors=[_error(x) for x in kept], error_count=len(errors), **common)
        raise ImportRefused("計上できないレコードがあるため取り込みませんでした。", kept, batch, len(errors)) from e
    return batch


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _error(e: FieldError) -> dict:
    return {"line": e.line, "field": e.field, "reason": e.reason}


def _check_totals(parsed: ParsedFile) -> None:
    """The file's own totals must agree with its records (the codecs check too; this is
    the importer's own guard, so a codec bug cannot post a file that disagrees)."""
    t = parsed.totals
    if t is None:
        return
    count, amount = len(parsed.records), sum(r.amount for r in parsed.records)
    errors = []
    if t.count != count:
        errors.append(FieldError(0, "合計件数", f"トレーラの合計件数 {t.count:,} とデータ件数 {count:,} が一致しません"))
    if t.amount != amount:
        errors.append(FieldError(0, "合計金額", f"トレーラの合計金額 {t.amount:,} とデータの合計 {amount:,} が一致しません"))
    if errors:
        raise FormatError(errors)


def _take(batch: PaymentImport, parsed: ParsedFile, user, allowed: frozenset[int] | None = None,
          existing: frozenset[int] | None = None) -> None:
    """Post a parsed file. `existing`: instalment ids known to exist (check_contract read
    them); instalments are never deleted, so matching need not read them again."""
    records = parsed.records
    fmt = batch.format
    hashes = {r.key: key_hash(r.key) for r in records}
    values = sorted(set(hashes.values()))
    # PostgreSQL gets the whole file's hashes as one array: in chunks of 5,000 the planner
    # expected each to match thousands of rows and scanned the table forty times.
    step = max(len(values), 1) if connection.vendor == "postgresql" else 5000
    taken = [
        pk for start in range(0, len(values), step)
        for pk, f in select_in(ReceivedPayment, ("id", "format"), "key_hash", values[start:start + step], ordered=False) if f == fmt
    ]
    known: dict[str, ReceivedPayment] = {}
    errors: list[FieldError] = []
    by_hash = {h: k for k, h in hashes.items()}
    for start in range(0, len(taken), 5000):
        for rp in ReceivedPayment.objects.select_for_update().filter(pk__in=taken[start:start + 5000]):
            mine = by_hash[rp.key_hash]
            if rp.key != mine:  # two keys, one 64-bit hash: never seen, but never silently merged
                line = next(r.line for r in records if r.key == mine)
                errors.append(FieldError(line, "レコードキー", f"照合用ハッシュが取込済みの別レコード（取込番号 {rp.import_batch_id}）と衝突しました。システム管理者に連絡してください"))
                continue
            known[rp.key] = rp
    counts: Counter = Counter()
    in_file: dict[str, int] = {}  # key → index in `new`
    new: list[PaymentRecord] = []
    confirm: list[tuple[PaymentRecord, ReceivedPayment]] = []
    cancel: list[ReceivedPayment] = []
    for r in records:
        counts["records"] += 1
        counts["amount"] += r.amount
        before = known.get(r.key)
        if before is None and r.key in in_file:
            # A slip's preliminary and its final (or cancellation) in the same file.
            i = in_file[r.key]
            if new[i].action == PRELIMINARY and r.action == PAYMENT:
                new[i] = r
                counts["confirmed"] += 1
            elif new[i].action == PRELIMINARY and r.action == CANCEL:
                new[i] = replace(new[i], action=CANCEL)
            else:
                errors.append(FieldError(r.line, "レコードキー", f"同じレコード（{r.key}）がファイル内で重複しています（{new[i].line}行目）"))
        elif before is None:
            in_file[r.key] = len(new)
            new.append(r)
        elif before.status == Status.PRELIMINARY and r.action == PAYMENT:
            confirm.append((r, before))
        elif before.status == Status.PRELIMINARY and r.action == CANCEL:
            cancel.append(before)
        elif r.action == CANCEL and before.status in (Status.POSTED, Status.RESOLVED):
            errors.append(FieldError(r.line, "種別", f"確報で計上済みの収納（取込番号 {before.import_batch_id} の{before.line}行目）は速報取消できません"))
        else:
            counts["duplicates"] += 1  # taken before from another file: posts nothing
    if errors:
        raise BatchRejected([_record_error(e) for e in errors])

    matches = within(match_records([r for r in new if r.action != CANCEL] + [r for r, _ in confirm], existing=existing), allowed)
    demand_lines = _demand_balances(matches)
    slip_lines = _slip_lines(matches)
    # The record's key (unique per format) is what makes an import once-only; the ledger's
    # payments need no reference of their own, and each request knows its record.
    requests: list[PaymentRequest] = []
    owners: list[int] = []  # per request: its record's index in `rows`, or −1 − index in `confirm`
    rows: list[list] = []
    for r in new:
        m = matches.get(r.line, Match())
        status, reason = _status_of(r, m)
        rows.append(_row(batch, r, status, m, reason, hashes[r.key]))
        if status == Status.POSTED:
            these = _requests(r, m, demand_lines, slip_lines)
            requests += these
            owners += [len(rows) - 1] * len(these)
        _count(counts, status, r)
    for n, (r, before) in enumerate(confirm):
        m = matches[r.line]
        if m.found:
            these = _requests(r, m, demand_lines, slip_lines)
            requests += these
            owners += [-1 - n] * len(these)
            before.status, before.booked_on = Status.POSTED, r.booked_on or r.paid_on
        else:
            before.status, before.reason = Status.UNMATCHED, m.reason
        counts["confirmed"] += 1
        _count(counts, before.status, r)
    for before in cancel:
        before.status = Status.CANCELLED
        counts["cancelled"] += 1

    if requests:
        posted = post_payments(requests, user=_user(user))
        counts["overpaid"] += posted.overpaid
        for owner, pid in zip(owners, posted.payment_ids):
            if owner >= 0:
                rows[owner][_PAYMENT] = rows[owner][_PAYMENT] or pid  # a demand slip: its first payment
            elif confirm[-1 - owner][1].payment_id is None:
                confirm[-1 - owner][1].payment_id = pid
    insert_rows(ReceivedPayment, _FIELDS, [tuple(row) for row in rows], returning=False, cluster="key_hash")
    for r, before in confirm:
        before.save(update_fields=["status", "booked_on", "payment", "reason"])
    for before in cancel:
        before.save(update_fields=["status"])

    PaymentImport.objects.filter(pk=batch.pk).update(
        records=counts["records"], amount=counts["amount"], posted=counts["posted"], posted_amount=counts["posted_amount"],
        unmatched=counts["unmatched"], unmatched_amount=counts["unmatched_amount"], preliminary=counts["preliminary"],
        confirmed=counts["confirmed"], cancelled=counts["cancelled"] + counts["cancel_records"], failed=counts["failed"],
        failed_amount=counts["failed_amount"], duplicates=counts["duplicates"], overpaid=counts["overpaid"],
    )
    batch.refresh_from_db()


def _record_error(e: FieldError):
    from saiken.ledger.errors import RecordError

    return RecordError(e.line, e.field, e.reason)


def _status_of(r: PaymentRecord, m: Match) -> tuple[str, str]:
    if r.action == CANCEL:
        return Status.CANCELLED, "速報取消（対応する速報なし）"
    if r.action == FAILED_DEBIT:
        from saiken.core.formats.zengin import RESULT_CODES

        return Status.FAILED, RESULT_CODES.get(r.result_code or "", f"結果コード {r.result_code}")
    if not m.found:
        return (Status.AMBIGUOUS if m.ambiguous else Status.UNMATCHED), m.reason
    if r.action == PRELIMINARY:
        return Status.PRELIMINARY, ""
    return Status.POSTED, ""


def _count(counts: Counter, status: str, r: PaymentRecord) -> None:
    if status == Status.POSTED:
        counts["posted"] += 1
        counts["posted_amount"] += r.amount
    elif status in (Status.UNMATCHED, Status.AMBIGUOUS):
        counts["unmatched"] += 1
        counts["unmatched_amount"] += r.amount
    elif status == Status.PRELIMINARY:
        counts["preliminary"] += 1
    elif status == Status.FAILED:
        counts["failed"] += 1
        counts["failed_amount"] += r.amount
    elif status == Status.CANCELLED:
        counts["cancel_records"] += 1


def key_hash(key: str) -> int:
    """A record key as a signed 64-bit number: the unique index of 200,000 long keys costs
    SQLite seconds per file, of their hashes a fraction (a collision is refused, not merged)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _row(batch, r: PaymentRecord, status: str, m: Match, reason: str, hashed: int) -> list:
    instalment_id = m.instalment_ids[0] if m.instalment_ids and not m.ambiguous else None
    return [
        # JSON as text: the bulk insert writes plain values (COPY on PostgreSQL). The match keys
        # and details are kept for the records a clerk may have to look at; a posted record's
        # key and instalment say all (and 200,000 dumps cost seconds).
        batch.pk, r.line, batch.format, r.key, str(status), r.amount, r.paid_on, r.booked_on, r.channel,
        "{}" if status == Status.POSTED else json.dumps(r.match, ensure_ascii=False), r.result_code or "",
        "{}" if status == Status.POSTED else json.dumps(r.extra, ensure_ascii=False),
        instalment_id, m.demand_id, None, reason[:200], hashed,
    ]


def _requests(r: PaymentRecord, m: Match, demand_lines: dict[int, list[tuple]], slip_lines: dict[int, dict[int, int]] | None = None) -> list[PaymentRequest]:
    booked = r.booked_on or r.paid_on
    if m.slip_id is not None:
        # A 納付書 pays the lines printed on it, oldest first: each instalment what the slip
        # asked for it (principal, late charge to the slip's day, fee), any excess on the
        # last. Within an instalment the ledger splits it in the receivable's order and fixes
        # the late charge as of the payment day (saiken.ledger.bulk.post_payments).
        asked = (slip_lines or {})[m.slip_id]
        left, per = r.amount, Counter()
        for iid in m.instalment_ids:
            per[iid] = min(left, asked[iid])
            left -= per[iid]
        per[m.instalment_ids[-1]] += left
        return [PaymentRequest(iid, per[iid], r.paid_on, booked, r.channel) for iid in m.instalment_ids if per[iid]]
    if m.demand_id is None:
        return [PaymentRequest(m.instalment_ids[0], r.amount, r.paid_on, booked, r.channel)]
    # A 督促状 slip pays all its instalments (and its fee): split it by the receivable's
    # allocation order over what each still owes; any excess stays on the last one.
    rows = demand_lines[m.demand_id]
    receivable = _receivables()[rows[0][1]]
    debts = [Debt(iid, due, {Component.PRINCIPAL: p, Component.LATE_CHARGE: lc, Component.FEE: fee}) for iid, _, due, p, lc, fee in rows]
    parts, rest = allocate(r.amount, debts, receivable.order, receivable.scope)
    per: Counter = Counter()
    for a in parts:
        per[a.key] += a.amount
    per[rows[-1][0]] += rest
    out = []
    for iid, *_rest in rows:
        if per[iid]:
            out.append(PaymentRequest(iid, per[iid], r.paid_on, booked, r.channel))
    return out


_RECEIVABLES: dict[int, ReceivableType] = {}


def _receivables() -> dict[int, ReceivableType]:
    if not _RECEIVABLES:
        _RECEIVABLES.update({x.id: x for x in ReceivableType.objects.all()})
    return _RECEIVABLES


def _slip_lines(matches: dict[int, Match]) -> dict[int, dict[int, int]]:
    """Each matched slip's lines: instalment → what the slip asked for it."""
    ids = sorted({m.slip_id for m in matches.values() if m.slip_id is not None and m.found})
    out: dict[int, dict[int, int]] = {i: {} for i in ids}
    for start in range(0, len(ids), 5000):
        for slip_id, iid, p, lc, fee in SlipLine.objects.filter(slip_id__in=ids[start:start + 5000]).values_list(
            "slip_id", "instalment_id", "principal", "late_charge", "fee"
        ):
            out[slip_id][iid] = p + lc + fee
    return out


def _demand_balances(matches: dict[int, Match]) -> dict[int, list[tuple]]:
    """Each matched demand's instalments with their balances, locked (PostgreSQL)."""
    _RECEIVABLES.clear()
    wanted = {m.demand_id: m.instalment_ids for m in matches.values() if m.demand_id is not None and m.found}
    ids = sorted({iid for iids in wanted.values() for iid in iids})
    if not ids:
        return {}
    rows = {
        row[0]: row
        for row in Instalment.objects.select_for_update().filter(id__in=ids).order_by("id")
        .values_list("id", "receivable_id", "due_date", "principal_due", "late_charge_due", "fee_due")
    }
    return {demand_id: [rows[i] for i in iids] for demand_id, iids in wanted.items()}

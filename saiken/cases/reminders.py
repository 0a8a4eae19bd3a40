"""Reminders (催告) in batches, by saved criteria.

`Criteria` is a value saved as JSON under a name (ReminderCriteria). It selects the
open cases whose overdue instalments, among the named receivables (or the
department's, or all), are at least `days_overdue` days past due and add up to at
least `min_owed`. Instalments are left out — and a case with nothing left is not
selected — when
- a store has reported them paid (速報) and the final record is awaited;
- `not_under_relief`: an approved relief decision (猶予, 執行停止, 徴収停止, 履行延期, …)
  is in force on them that day;
- `no_pledge_in_force`: a payment pledge in force (signed, neither broken nor
  completed, judged from the ledger) covers them.

`issue_reminders` writes, per selected case, a ReminderLetter (what it said, as it
stood), a contact entry of kind letter (the stall rule counts reminders from these),
an audit row and a 催告 prescription event through
`saiken.prescription.actions.record_event` (a 6-month suspension, once; the
prescription module decides "once"): for private claims always (民法150条), for
public ones unless the setting SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS is off
(民法150条 applied by 地方税法18条3項 and 地方自治法236条3項). A department sends a debtor at
most one reminder a day (a unique key), so the same day's second run sends nothing.
Work is chunked by case, one transaction per chunk, with the chunk's cases locked:
two runs at once cannot both write a letter for the same case.

The letters become one PDF after the run (`render_run`), with progress on the run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saiken import audit
from saiken.audit.models import AuditEvent
from saiken.cases.actions import CaseError, _at_start_of, _user
from saiken.cases.dispositions import relief_in_force
from saiken.cases.models import Case, ContactEntry, ContactKind, Pledge, ReminderCriteria, ReminderLetter, ReminderRun
from saiken.cases.pledges import judge_pledges
from saiken.cases.rules import PlanState
from saiken.catalog.models import Department, ReceivableType
from saiken.core.era import wareki
from saiken.core.relief import ReliefKind
from saiken.demands.models import DocumentStatus
from saiken.documents import store
from saiken.ledger.models import Instalment
from saiken.payments.models import ReceivedPayment
from saiken.prescription import collectability
from saiken.prescription.actions import PrescriptionError, record_event
from saiken.prescription.projection import reminder_counts
from saiken.prescription.models import EventKind
from saiken.staff import policy
from saiken.staff.policy import Act

CHUNK = 1000
DEFAULT_PAY_DAYS = 14
OPEN = Q(principal_due__gt=0) | Q(late_charge_due__gt=0) | Q(fee_due__gt=0)
ALL_RELIEF = frozenset(k.value for k in ReliefKind)


def pay_days() -> int:
    """Days from the letter to the date it asks payment by (setting SAIKEN_REMINDER_PAY_DAYS)."""
    return int(getattr(settings, "SAIKEN_REMINDER_PAY_DAYS", DEFAULT_PAY_DAYS))


@dataclass(frozen=True)
class Criteria:
    """催告の抽出条件. Unset numbers (None) are not applied."""

    receivables: tuple[str, ...] = ()  # receivable codes; empty: the department's, or all
    min_owed: int | None = None  # 未納額がX円以上
    days_overdue: int | None = None  # 納期限からD日以上経過（None: 1日以上）
    no_pledge_in_force: bool = True  # 履行中の分納誓約の対象を除く
    not_under_relief: bool = True  # 緩和措置中の調定を除く
    department: str | None = None  # 所管課コード: its receivables, and the sender of the letters

    def __post_init__(self):
        object.__setattr__(self, "receivables", tuple(sorted(set(self.receivables))))
        for name in ("min_owed", "days_overdue"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                raise ValueError(f"{name} must be a non-negative integer")

    def to_json(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v is not None}
        out["receivables"] = list(self.receivables)
        return out

    @classmethod
    def from_json(cls, data: dict) -> Criteria:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["receivables"] = tuple(values.get("receivables") or ())
        return cls(**values)

    def describe(self, names: dict[str, str] | None = None) -> list[str]:
        names = names or {}
        out = []
        if self.department:
            out.append(f"所管課 {names.get(self.department, self.department)}")
        if self.receivables:
            out.append("債権 " + "・".join(names.get(c, c) for c in self.receivables))
        if self.min_owed is not None:
            out.append(f"未納額 {self.min_owed:,}円以上")
        out.append(f"納期限から{self.days_overdue or 1}日以上経過")
        if self.no_pledge_in_force:
            out.append("履行中の分納誓約の対象を除く")
        if self.not_under_relief:
            out.append("緩和措置中を除く")
        return out


@dataclass
class Selected:
    """One case a run would remind, with the instalments its letter lists."""

    case: Case
    department_id: int
    instalments: list[Instalment]

    @property
    def owed(self) -> int:
        return sum(i.total_due for i in self.instalments)


def receivable_ids(criteria: Criteria) -> list[int]:
    qs = ReceivableType.objects.all()
    if criteria.receivables:
        found = dict(qs.filter(code__in=criteria.receivables).values_list("code", "id"))
        unknown = sorted(set(criteria.receivables) - found.keys())
        if unknown:
            raise CaseError(f"債権 {'・'.join(unknown)} は登録されていません。", "receivables")
        ids = set(found.values())
        if criteria.department:
            ids &= set(qs.filter(department__code=criteria.department).values_list("id", flat=True))
        return sorted(ids)
    if criteria.department:
        qs = qs.filter(department__code=criteria.department)
    return sorted(qs.values_list("id", flat=True))


def _department(criteria: Criteria) -> Department | None:
    if not criteria.department:
        return None
    d = Department.objects.filter(code=criteria.department).first()
    if d is None:
        raise CaseError(f"所管課 {criteria.department} は登録されていません。", "department")
    return d


def _candidates(criteria: Criteria, as_of: date, rids: list[int]):
    cutoff = as_of - timedelta(days=criteria.days_overdue or 1)
    reported = ReceivedPayment.objects.filter(status=ReceivedPayment.Status.PRELIMINARY, instalment__isnull=False).values("instalment_id")
    return Instalment.objects.filter(receivable_id__in=rids, due_date__lte=cutoff).filter(OPEN).exclude(id__in=reported)


def _pledged(case_ids: list[int], as_of: date) -> set[int]:
    """Instalments covered by a pledge in force on `as_of`."""
    pledges = list(Pledge.objects.filter(case_id__in=case_ids, signed_on__lte=as_of, break_noted_on__isnull=True).select_related("case"))
    verdicts = judge_pledges(pledges, as_of)
    live = [p.pk for p in pledges if p.pk in verdicts and verdicts[p.pk].state == PlanState.ACTIVE]
    through = Pledge.instalments.through.objects.filter(pledge_id__in=live)
    return set(through.values_list("instalment_id", flat=True))


def _chunk(criteria: Criteria, as_of: date, rids: list[int], cases: list[Case], sender: Department | None) -> tuple[list[Selected], int, int]:
    """The chunk's selections, how many were left out as reminded already that day, and how
    many instalments were left out because the claim no longer exists."""
    ids = [c.pk for c in cases]
    by_debtor = {c.debtor_id: c for c in cases}
    rows = list(_candidates(criteria, as_of, rids).filter(debtor_id__in=list(by_debtor)).select_related("receivable")
                .order_by("debtor_id", "due_date", "receivable__number", "pk"))
    # An extinguished claim (時効完成, 執行停止3年, 免除…) is never asked for again.
    gone = set(collectability.split([i.pk for i in rows], as_of).extinguished)
    drop: set[int] = set(gone)
    if criteria.not_under_relief:
        drop |= set(relief_in_force([i.pk for i in rows], ALL_RELIEF, as_of))
    if criteria.no_pledge_in_force:
        drop |= _pledged(ids, as_of)
    grouped: dict[int, list[Instalment]] = defaultdict(list)
    for i in rows:
        if i.pk not in drop:
            grouped[by_debtor[i.debtor_id].pk].append(i)
    sent = set(ReminderLetter.objects.filter(case_id__in=ids, sent_on=as_of).values_list("case_id", "department_id"))
    out, skipped = [], 0
    for c in cases:
        items = grouped.get(c.pk)
        if not items:
            continue
        s = Selected(c, sender.pk if sender else c.department_id, items)
        if criteria.min_owed is not None and s.owed < criteria.min_owed:
            continue
        if (c.pk, s.department_id) in sent:
            skipped += 1
            continue
        out.append(s)
    return out, skipped, len(gone)


def _case_ids(criteria: Criteria, as_of: date, rids: list[int], after: int, limit: int) -> list[int]:
    # Keyset paging over the open cases that have any candidate instalment.
    debtors = _candidates(criteria, as_of, rids).values("debtor_id")
    return list(
        Case.objects.filter(status=Case.Status.OPEN, opened_on__lte=as_of, pk__gt=after, debtor_id__in=debtors)
        .order_by("pk").values_list("pk", flat=True)[:limit]
    )


def _chunks(criteria: Criteria, as_of: date, chunk: int) -> Iterator[tuple[list[Selected], int, int]]:
    rids = receivable_ids(criteria)
    sender = _department(criteria)
    after = 0
    while ids := _case_ids(criteria, as_of, rids, after, chunk):
        after = ids[-1]
        cases = list(Case.objects.filter(pk__in=ids).select_related("debtor").order_by("pk"))
        yield _chunk(criteria, as_of, rids, cases, sender)


def select_for_reminders(criteria: Criteria, as_of: date, *, chunk: int = CHUNK) -> list[Selected]:
    """The cases a run on `as_of` would remind (in case order), each with its instalments.
    Cases already reminded that day by the same department are not among them."""
    out: list[Selected] = []
    for selected, _, _ in _chunks(criteria, as_of, chunk):
        out.extend(selected)
    return out


# --- the run ---------------------------------------------------------------------------


@transaction.atomic
def save_criteria(*, name: str, criteria: Criteria, department: Department | None = None, user=None) -> ReminderCriteria:
    """催告の抽出条件の保存 (a new name, or a change to an existing one), by staff who may
    send reminders for every receivable it covers (`Act.REMINDER`): a department's for its
    own receivables, an administrator's for the whole city."""
    if not name.strip():
        raise CaseError("名称を入力してください。", "name")
    policy.require_all(user, Act.REMINDER, receivable_ids(criteria))
    # The owning department (who may see and run it): given, else the criteria's own.
    department = department or _department(criteria)
    row, created = ReminderCriteria.objects.select_for_update().get_or_create(
        name=name.strip()[:100], defaults={"criteria": criteria.to_json(), "department": department, "created_by": _user(user)}
    )
    if not created:
        if row.department_id != (department.pk if department else None):
            raise CaseError(f"抽出条件「{row.name}」は{row.department.name if row.department else '全庁'}の条件です。別の名称で保存してください。", "name")
        row.criteria = criteria.to_json()
        row.save(update_fields=["criteria", "updated_at"])
    audit.record(user=user, action="reminder.criteria", target=row, summary=f"催告の抽出条件「{row.name}」を{'登録' if created else '変更'}",
                 detail=criteria.to_json())
    return row


def _line(i: Instalment) -> dict:
    return {
        "instalment": i.pk, "receivable": i.receivable.name, "legal_class": i.receivable.legal_class,
        "late_charge_kind": i.receivable.late_charge_kind, "fiscal_year": i.fiscal_year, "subject": i.subject,
        "instalment_no": i.instalment_no, "due_date": i.due_date.isoformat(),
        "principal": i.principal_due, "late_charge": i.late_charge_due, "fee": i.fee_due,
        "basis": i.receivable.legal_texts.collection_basis,  # 滞納処分 / 法的措置 article, as of the letter
    }


def _issue_chunk(run: ReminderRun, selected: list[Selected], user, today: date) -> None:
    as_of = run.run_on
    at = _at_start_of(as_of)
    by = _user(user)
    contacts = ContactEntry.objects.bulk_create([
        ContactEntry(case=s.case, kind=ContactKind.LETTER, at=at, by=by, summary=f"催告書を送付（{len(s.instalments)}期別、{wareki(run.pay_by)}までの納付を求める）",
                     outcome=f"一括発送 {run.pk}")
        for s in selected
    ])
    start = run.count
    letters = ReminderLetter.objects.bulk_create([
        ReminderLetter(run=run, case=s.case, department_id=s.department_id, sent_on=as_of, number=f"R{as_of:%Y%m%d}-{run.pk}-{start + n:06d}",
                       owed=s.owed, lines=[_line(i) for i in s.instalments], contact=contact)
        for n, (s, contact) in enumerate(zip(selected, contacts), start=1)
    ])
    for s in selected:
        for i in s.instalments:
            if not reminder_counts(i.receivable):
                continue  # the city's setting: a 催告 does nothing to a public claim's prescription
            try:
                record_event(instalment=i, kind=EventKind.REMINDER, on=as_of, note=f"催告書 一括発送 {run.pk}", user=by, today=today)
            except PrescriptionError as e:
                raise CaseError(f"{i}: {e.message}", "as_of") from e
    AuditEvent.objects.bulk_create([
        AuditEvent(user=by, action="case.reminder", target_type=letter._meta.label_lower, target_id=letter.pk, debtor_id=s.case.debtor_id,
                   summary=f"催告書 {letter.number}（{wareki(as_of)}、{len(s.instalments)}期別）",
                   detail={"run": run.pk, "instalments": [i.pk for i in s.instalments], "owed": s.owed})
        for s, letter in zip(selected, letters)
    ])
    run.count += len(selected)
    run.amount += sum(s.owed for s in selected)


def issue_reminders(
    criteria: ReminderCriteria, as_of: date, user=None, *, chunk: int = CHUNK, progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> ReminderRun:
    """催告書の一括発送 for `criteria` on `as_of`; safe to re-run (the day's letters are not
    sent twice). `progress(letters, skipped)` is called after each chunk."""
    today = today or timezone.localdate()
    if as_of > today:
        raise CaseError(f"発送日 {wareki(as_of)} は未来の日付です。", "as_of")
    c = Criteria.from_json(criteria.criteria)
    rids = receivable_ids(c)
    policy.require_all(user, Act.REMINDER, rids)  # a department sends its own; the whole city, an administrator
    sender = _department(c)
    run = ReminderRun.objects.create(criteria=criteria, criteria_used=c.to_json(), run_on=as_of, pay_by=as_of + timedelta(days=pay_days()),
                                     created_by=_user(user))
    after = 0
    while ids := _case_ids(c, as_of, rids, after, chunk):
        after = ids[-1]
        with transaction.atomic():
            # The chunk's cases locked in id order: a second run at the same time waits
            # here, then finds the letters written and skips those cases.
            cases = list(Case.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("debtor").order_by("pk"))
            selected, skipped, gone = _chunk(c, as_of, rids, cases, sender)
            if selected:
                _issue_chunk(run, selected, user, today)
            run.skipped += skipped
            run.extinguished += gone
            ReminderRun.objects.filter(pk=run.pk).update(count=run.count, amount=run.amount, skipped=run.skipped, extinguished=run.extinguished)
        if progress:
            progress(run.count, run.skipped)
    with transaction.atomic():
        if run.count == 0:
            run.document_status = DocumentStatus.DONE
        run.save(update_fields=["count", "amount", "skipped", "extinguished", "document_status"])
        audit.record(user=user, action="reminder.issue", target=run,
                     summary=f"催告書の一括発送「{criteria.name}」{wareki(as_of)} {run.count:,}件（同日発送済み {run.skipped:,}件）"
                     + (f"、消滅債権のため除外 {run.extinguished:,}期別" if run.extinguished else ""),
                     detail={"criteria": c.to_json(), "run_on": as_of.isoformat(), "count": run.count, "skipped": run.skipped,
                             "extinguished": run.extinguished})
    return run


# --- the PDF ---------------------------------------------------------------------------


def require_documents(user, run: ReminderRun) -> None:
    """Refuse (`policy.Refused`) unless `user` may make and download the run's letters
    (names, addresses and amounts, tax among them: 地方税法22条): `Act.REMINDER`
    on every receivable its criteria cover — the sending department's staff, or an
    administrator for a run of the whole city."""
    policy.require_all(user, Act.REMINDER, receivable_ids(Criteria.from_json(run.criteria_used)))


def claim_for_rendering(run: ReminderRun, user) -> bool:
    """Mark the run as rendering unless it already is or is done (two clicks make one PDF);
    refused unless `user` may make its letters. A claim is audited (reminder.render)."""
    from saiken.demands.documents import claim_document

    require_documents(user, run)
    with transaction.atomic():
        claimed = claim_document(ReminderRun.objects.filter(pk=run.pk, count__gt=0))
        if claimed:
            audit.record(user=user, action="reminder.render", target=run, summary=f"催告書PDFの作成（{run.count:,}件）")
    return claimed


def open_document(run: ReminderRun, user) -> Path | None:
    """The run's finished PDF for `user` (None if there is none yet), refused unless they
    may have its letters; every download is audited (reminder.pdf)."""
    require_documents(user, run)
    run.refresh_from_db(fields=["document_status", "document"])
    if run.document_status != DocumentStatus.DONE or not run.document:
        return None
    path = store.resolve(run.document, prefix="reminders-")  # only a file the system wrote (NotStored: 404)
    audit.record(user=user, action="reminder.pdf", target=run, summary=f"催告書PDFを取得（{run.count:,}件）")
    return path


def render_run(run: ReminderRun, *, user=None, progress: Callable[[int, int], None] | None = None, claimed: bool = False) -> Path | None:
    """Render every letter of `run` into one PDF, a page each; returns its path (None if
    already claimed). Unless `claimed` (by `claim_for_rendering`, which checked the user),
    `user` is checked here."""
    from saiken.demands.documents import render_to_file
    from saiken.documents.reminder_letter import render_reminder_letters

    if not claimed and not claim_for_rendering(run, user):
        return None
    run.refresh_from_db()
    return render_to_file(
        run, f"reminders-{run.run_on:%Y%m%d}-{run.pk}", run.count,
        lambda out, tick: render_reminder_letters(notices(run), out, progress=tick, every=500), progress,
    )


def notices(run: ReminderRun, chunk: int = 2000) -> Iterator:
    """The run's letters as printable notices, in number order, a chunk at a time."""
    from saiken.documents.reminder_letter import ReminderLine, ReminderNotice

    city, issuer = settings.SAIKEN_CITY_NAME, settings.SAIKEN_ISSUER_TITLE
    after = 0
    while batch := list(ReminderLetter.objects.filter(run=run, pk__gt=after).select_related("case__debtor", "department").order_by("pk")[:chunk]):
        for letter in batch:
            debtor = letter.case.debtor
            lines = tuple(
                ReminderLine(
                    receivable_name=x["receivable"], legal_class=x["legal_class"], fiscal_year=x["fiscal_year"], subject=x["subject"],
                    instalment_no=x["instalment_no"], due_date=date.fromisoformat(x["due_date"]), principal=x["principal"],
                    late_charge=x["late_charge"], fee=x["fee"], late_charge_kind=x.get("late_charge_kind", "none"),
                    basis=x.get("basis"),
                )
                for x in letter.lines
            )
            yield ReminderNotice(
                number=letter.number, sent_on=letter.sent_on, pay_by=run.pay_by, postal_code=debtor.postal_code, address=debtor.address,
                name=debtor.name, department_name=letter.department.name, department_phone=letter.department.phone, city_name=city,
                issuer_title=issuer, lines=lines,
            )
        after = batch[-1].pk


def letters_for(case_ids: Sequence[int]) -> dict[int, list[ReminderLetter]]:
    out: dict[int, list] = defaultdict(list)
    for letter in ReminderLetter.objects.filter(case_id__in=list(case_ids)).order_by("-sent_on", "-pk"):
        out[letter.case_id].append(letter)
    return out

"""調定データ取込: assessments from other systems' CSV or Excel files, taken whole or refused whole.

The file is read through a stored layout (an ImportMapping whose layout JSON has
"kind": "assessments", see saiken.core.formats.assessments). Then, set-based:

1. the same file (SHA-256) already taken → refused, naming the earlier import;
2. every row is read, or every bad field is listed (line, field as the file's header
   calls it, reason) — a refused file is kept in the history, nothing else is written;
3. each row's debtor is found by our number or by the source system's identifier
   (DebtorIdentifier); an unknown identifier with a name and a reading registers a new
   debtor with that identifier (one per identifier, however many rows it has); an
   unknown identifier without them is an error on its line;
4. receivables are found by catalog code; due dates must lie in their fiscal year and
   the instalment must not exist yet; an optional contract date (契約日・債権の発生日)
   must not be after the due date, and is stored on the instalment for prescription
   (a private claim from a contract before 2020-04-01 keeps the old civil code,
   改正民法附則10条4項);
5. everything is written in one transaction: the new debtors, then one call of
   `saiken.ledger.bulk.assess_bulk` (which rolls due dates over holidays), the import's
   history row and the audit rows.

`preview_assessments` runs steps 2–4 and writes nothing; `import_assessments` runs all.
The view, the command and the tests call only these two.

Who may (saiken.staff.policy): `Act.ASSESSMENT_IMPORT`, asked by both before anything is
read or written. 調定 belongs to the department that owns the receivable (the city's 事務分掌,
地方自治法158条 (verify); 地方税法22条 keeps tax figures with tax staff): a row of a receivable
the user may not assess is an error on its line, and the file is refused whole. An
administrator assesses every receivable. The size and row limits of the settings
(saiken.payments.uploads) are checked before the file is parsed; of a file's errors the
first KEPT_ERRORS are kept and the rest counted.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from datetime import date
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from saiken import audit
from saiken.catalog.models import LegalClass, ReceivableType
from saiken.core.calendar import statutory_due
from saiken.core.formats import KEPT_ERRORS, FieldError, FormatError
from saiken.core.prescription import CIVIL_CODE_REFORM
from saiken.core.formats.assessments import KIND, AssessmentLayout, AssessmentRow, LayoutError, read_assessment_rows
from saiken.core.names import normalize_kana, normalize_name
from saiken.debtors.actions import register_debtor
from saiken.debtors.models import Debtor, DebtorIdentifier, SourceSystem
from saiken.ledger.actions import check_instalment_dates
from saiken.ledger.bulk import AssessmentRequest, assess_bulk
from saiken.ledger.errors import BatchRejected, LedgerError
from saiken.ledger.models import Instalment
from saiken.payments import uploads
from saiken.payments.models import AssessmentImport, ImportMapping
from saiken.staff import access, policy
from saiken.staff.models import Role
from saiken.staff.policy import Act

CHUNK = 5000
MAPPING_FIELD = "取込レイアウト"

# A file may name the system by its code ("resident") or by its label ("宛名番号").
_SYSTEMS = {**{v: v for v in SourceSystem.values}, **{label: v for v, label in SourceSystem.choices}}


class AssessmentImportRefused(Exception):
    """The file was not taken. `batch` is the refused import kept in the history (if any)."""

    def __init__(self, message: str, errors: Sequence[FieldError] = (), batch: AssessmentImport | None = None, total: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)[:KEPT_ERRORS]
        self.total = len(list(errors)) if total is None else total  # all of them; `errors` keeps the first
        self.batch = batch


@dataclass(frozen=True)
class PreviewRow:
    row: AssessmentRow
    receivable: ReceivableType | None
    debtor_id: int | None  # the debtor found; None for a new one (or none found)
    debtor_name: str  # the debtor found, or the name a new one will be registered under
    new_debtor: bool
    problems: tuple[FieldError, ...]

    @property
    def due_date(self) -> date:
        """納期限 as the ledger will store it: rolled over weekends, holidays and 12/29–1/3."""
        return statutory_due(self.row.nominal_due)

    @property
    def old_civil_code(self) -> bool:
        """A private claim from a contract made before 2020-04-01: its prescription follows
        the old civil code even for instalments due later (改正民法附則10条4項)."""
        return (
            self.row.arose_on is not None and self.row.arose_on < CIVIL_CODE_REFORM
            and self.receivable is not None and self.receivable.legal_class == LegalClass.PRIVATE
        )


@dataclass(frozen=True)
class AssessmentPreview:
    filename: str
    sha256: str
    layout: AssessmentLayout
    rows: tuple[PreviewRow, ...]
    errors: tuple[FieldError, ...]  # the problems of the rows, by line: the first KEPT_ERRORS
    error_count: int = 0  # all of them

    @property
    def errors_more(self) -> int:
        return max(self.error_count - len(self.errors), 0)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def records(self) -> int:
        return len(self.rows)

    @property
    def amount(self) -> int:
        return sum(p.row.amount for p in self.rows)

    @property
    def new_debtors(self) -> int:
        return len({_key(p.row) for p in self.rows if p.new_debtor})


@dataclass(frozen=True)
class CreatedDebtor:
    line: int  # the first row that named it
    debtor_id: int
    name: str
    system: str
    identifier: str


@dataclass(frozen=True)
class AssessmentImportResult:
    batch: AssessmentImport
    records: int
    amount: int
    created_debtors: tuple[CreatedDebtor, ...]


def assessment_mappings() -> QuerySet[ImportMapping]:
    """The stored layouts for assessments (payment layouts carry no kind)."""
    return ImportMapping.objects.filter(layout__kind=KIND)


def layout_of(mapping: ImportMapping) -> AssessmentLayout:
    """The mapping's layout; FormatError (line 0, 取込レイアウト) naming every problem with it."""
    if not isinstance(mapping.layout, dict) or mapping.layout.get("kind") != KIND:
        raise FormatError([FieldError(0, MAPPING_FIELD, f"取込レイアウト「{mapping.label}」は調定用ではありません（kind が \"{KIND}\" のレイアウトを選んでください）")])
    try:
        layout = AssessmentLayout.from_dict(mapping.layout)
    except LayoutError as e:
        raise FormatError([FieldError(0, MAPPING_FIELD, f"取込レイアウト「{mapping.label}」: {p}") for p in e.problems]) from None
    system = layout.defaults.get("identifier_system")
    if system is not None and system not in _SYSTEMS:
        raise FormatError([FieldError(0, MAPPING_FIELD, f"取込レイアウト「{mapping.label}」: 番号の種類「{system}」は登録されていません（{_system_names()}）")])
    return layout


def _scope(user) -> frozenset[int] | None:
    """The receivables the user may assess (None: every one); refuses a user who may not import."""
    policy.require(user, Act.ASSESSMENT_IMPORT)
    if access.role(user) == Role.ADMIN:
        return None
    return policy.receivable_ids(user, Act.ASSESSMENT_IMPORT)


def preview_assessments(data: bytes, *, mapping: ImportMapping, filename: str, user) -> AssessmentPreview:
    """What an import by `user` would do, without writing anything. FormatError when the file
    cannot be read at all; problems of single rows (unknown codes, debtors, existing
    instalments, receivables of another department) are in `errors`."""
    allowed = _scope(user)
    layout = layout_of(mapping)
    rows, bad = read_assessment_rows(data, layout, filename, uploads.limits())
    preview_rows, errors = _resolve(rows, layout, allowed)
    kept, total = _kept(bad, errors)
    return AssessmentPreview(filename, hashlib.sha256(data).hexdigest(), layout, tuple(preview_rows), tuple(kept), total)


def _kept(bad, errors: list[FieldError]) -> tuple[list[FieldError], int]:
    """The reader's errors and the database's, by line: the first KEPT_ERRORS, and how many in all."""
    return _by_line([*bad, *errors])[:KEPT_ERRORS], len(bad) + len(errors)


def import_assessments(data: bytes, *, mapping: ImportMapping, filename: str, user) -> AssessmentImportResult:
    """調定 for every row of the file, or for none: AssessmentImportRefused lists the problems
    (the first KEPT_ERRORS, and counts them all). Refused (policy.Refused) before anything
    is written, the history included, when the user may not import assessments."""
    receivables = _scope(user)
    sha = hashlib.sha256(data).hexdigest()
    earlier = AssessmentImport.objects.filter(sha256=sha, status=AssessmentImport.Status.POSTED).first()
    if earlier is not None:
        raise AssessmentImportRefused(
            f"このファイルは取込済みです（取込番号 {earlier.pk}、{timezone.localtime(earlier.imported_at):%Y-%m-%d %H:%M}）。二重には調定しません。"
        )
    user = _user(user)
    common = dict(mapping=mapping, filename=filename[:255], sha256=sha, size=len(data), imported_by=user)
    try:
        layout = layout_of(mapping)
        rows, bad = read_assessment_rows(data, layout, filename, uploads.limits())
    except FormatError as e:
        raise _refuse(common, e.errors, "ファイルに誤りがあるため取り込みませんでした", e.total) from e
    try:
        with transaction.atomic():
            # Resolved inside the transaction, so that what was checked is what is written.
            resolved, errors = _resolve(rows, layout, receivables)
            if bad or errors:
                raise _Rejected(*_kept(bad, errors))
            batch = AssessmentImport.objects.create(status=AssessmentImport.Status.POSTED, **common)
            created = _register_new_debtors(resolved, layout, batch, user)
            debtor_of = {c_key: c.debtor_id for c_key, c in created.items()}
            requests = [
                AssessmentRequest(
                    debtor_id=p.debtor_id if p.debtor_id is not None else debtor_of[_key(p.row)],
                    receivable_id=p.receivable.pk, fiscal_year=p.row.fiscal_year, instalment_no=p.row.instalment_no,
                    nominal_due=p.row.nominal_due, amount=p.row.amount, assessed_on=p.row.assessed_on,
                    subject=p.row.subject, notice_number=p.row.notice_number, arose_on=p.row.arose_on,
                )
                for p in resolved
            ]
            try:
                assess_bulk(requests, user=user)
            except BatchRejected as e:
                # The ledger numbers records from 1 in the order given: the file's rows.
                raise _Rejected([FieldError(resolved[x.line - 1].row.line, layout.label(x.field), x.reason) for x in e.errors]) from e
            amount = sum(r.amount for r in requests)
            AssessmentImport.objects.filter(pk=batch.pk).update(records=len(requests), amount=amount, debtors_created=len(created))
            batch.refresh_from_db()
            audit.record(
                user=user, action="payments.import_assessments", target=batch,
                summary=f"調定データ {filename} {len(requests):,}件 {amount:,}円（新規債務者 {len(created):,}人）",
                detail={"mapping": mapping.name, "created_debtors": [c.debtor_id for c in created.values()]},
            )
    except _Rejected as e:
        raise _refuse(common, e.errors, "調定できない行があるため取り込みませんでした", e.total) from None
    except IntegrityError as e:
        # Another process took the same file, instalment or identifier a moment ago: its transaction won.
        raise AssessmentImportRefused("同じファイルまたは同じ調定が同時に取り込まれました。取込履歴を確認してください。二重には調定していません。") from e
    return AssessmentImportResult(batch, batch.records, batch.amount, tuple(sorted(created.values(), key=lambda c: c.line)))


class _Rejected(Exception):
    def __init__(self, errors: list[FieldError], total: int | None = None):
        self.errors = _by_line(errors)[:KEPT_ERRORS]
        self.total = len(errors) if total is None else total


def _by_line(errors: list[FieldError]) -> list[FieldError]:
    return sorted(errors, key=lambda e: e.line)  # stable: a line's problems keep the columns' order


def _refuse(common: dict, errors: Sequence[FieldError], message: str, total: int | None = None) -> AssessmentImportRefused:
    kept = list(errors)[:KEPT_ERRORS]
    total = len(errors) if total is None else total
    batch = AssessmentImport.objects.create(
        status=AssessmentImport.Status.REJECTED, errors=[_error(x) for x in kept], error_count=total, **common
    )
    return AssessmentImportRefused(f"{message}（{total:,}件）。", kept, batch, total)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _error(e: FieldError) -> dict:
    return {"line": e.line, "field": e.field, "reason": e.reason}


def _chunks(items: Iterable, size: int = CHUNK) -> Iterable[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _key(r: AssessmentRow) -> tuple:
    """The debtor as the row names it, with the system's label read as its code."""
    return ("id", r.debtor_id) if r.debtor_id is not None else (_SYSTEMS.get(r.identifier_system, r.identifier_system), r.identifier)


def _system_names() -> str:
    return "、".join(f"{v}（{label}）" for v, label in SourceSystem.choices)


def _resolve(
    rows: Sequence[AssessmentRow], layout: AssessmentLayout, allowed: Collection[int] | None = None,
) -> tuple[list[PreviewRow], list[FieldError]]:
    """Each row with its receivable and debtor, and every problem; a few queries per 5,000 rows."""
    label = layout.label
    receivables = {r.code: r for r in ReceivableType.objects.all()}
    systems = {r.line: _SYSTEMS.get(r.identifier_system) for r in rows if r.debtor_id is None}

    known_ids: dict[int, str] = {}
    for chunk in _chunks(sorted({r.debtor_id for r in rows if r.debtor_id is not None})):
        known_ids.update(Debtor.objects.filter(id__in=chunk).values_list("id", "name"))
    wanted: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.debtor_id is None and systems[r.line]:
            wanted[systems[r.line]].add(r.identifier)
    known_identifiers: dict[tuple[str, str], tuple[int, str]] = {}
    for system, values in wanted.items():
        for chunk in _chunks(sorted(values)):
            for value, debtor_id, name in DebtorIdentifier.objects.filter(system=system, value__in=chunk).values_list("value", "debtor_id", "debtor__name"):
                known_identifiers[(system, value)] = (debtor_id, name)

    out: list[PreviewRow] = []
    first_of_new: dict[tuple, AssessmentRow] = {}  # an unknown identifier → the row that registers it
    for r in rows:
        problems: list[FieldError] = []
        receivable = receivables.get(r.receivable)
        if receivable is None:
            problems.append(FieldError(r.line, label("receivable"), _unknown_code(r.receivable, receivables)))
        elif not receivable.active:
            problems.append(FieldError(r.line, label("receivable"), f"債権「{receivable.name}」（{r.receivable}）は使用中ではありません"))
        elif allowed is not None and receivable.pk not in allowed:
            problems.append(FieldError(r.line, label("receivable"), f"債権「{receivable.name}」は所管外のため、調定を取り込めません"))
        try:
            check_instalment_dates(r.fiscal_year, r.nominal_due)
        except LedgerError as e:
            problems.append(FieldError(r.line, label("nominal_due"), e.message))
        debtor_id, debtor_name, new = None, "", False
        if r.debtor_id is not None:
            if r.debtor_id in known_ids:
                debtor_id, debtor_name = r.debtor_id, known_ids[r.debtor_id]
            else:
                problems.append(FieldError(r.line, label("debtor_id"), f"債務者番号 {r.debtor_id} は登録されていません"))
        elif systems[r.line] is None:
            problems.append(FieldError(r.line, label("identifier_system"), f"番号の種類「{r.identifier_system}」は登録されていません（{_system_names()}）"))
        elif (systems[r.line], r.identifier) in known_identifiers:
            debtor_id, debtor_name = known_identifiers[(systems[r.line], r.identifier)]
        else:
            new, debtor_name = True, normalize_name(r.name)
            problems += _new_debtor_problems(r, systems[r.line], first_of_new, label)
        out.append(PreviewRow(r, receivable, debtor_id, debtor_name, new, tuple(problems)))

    # The file reader refuses two rows for the same debtor as the file names it; two
    # identifiers (or a number and an identifier) can still name the same person.
    seen: dict[tuple, int] = {}
    for i, p in enumerate(out):
        if p.debtor_id is None or p.receivable is None:
            continue
        key = (p.debtor_id, p.receivable.pk, p.row.subject, p.row.fiscal_year, p.row.instalment_no)
        first = seen.setdefault(key, p.row.line)
        if first != p.row.line:
            out[i] = _with(p, FieldError(p.row.line, label("instalment_no"), f"{first}行目と同じ債務者（{p.debtor_name}）の同じ調定です"))
    existing = _existing_instalments(out)
    for i, p in enumerate(out):
        if p.debtor_id is not None and p.receivable is not None and (p.debtor_id, p.receivable.pk, p.row.subject, p.row.fiscal_year, p.row.instalment_no) in existing:
            out[i] = _with(p, FieldError(p.row.line, label("instalment_no"), f"この調定（{p.debtor_name}・{p.receivable.name}・{p.row.fiscal_year}年度・第{p.row.instalment_no}期）は既に登録されています"))
    return out, [e for p in out for e in p.problems]


def _unknown_code(code: str, receivables: dict[str, ReceivableType]) -> str:
    close = get_close_matches(code, receivables, n=1, cutoff=0.75)
    hint = f"{close[0]}（{receivables[close[0]].name}）ではありませんか" if close else "債権一覧の債権コードを指定してください"
    return f"債権コード「{code}」は登録されていません（{hint}）"


def _new_debtor_problems(r: AssessmentRow, system: str, first_of_new: dict, label) -> list[FieldError]:
    """A row whose identifier is unknown: it can register the debtor only with a name and a reading."""
    system_label = SourceSystem(system).label
    if not normalize_name(r.name):
        return [FieldError(r.line, label("identifier"), f"{system_label} {r.identifier} の債務者は登録されていません（新しく登録するには氏名とフリガナが必要です）")]
    if not normalize_kana(r.name_kana):
        return [FieldError(r.line, label("name_kana"), f"{system_label} {r.identifier} の債務者を新しく登録するにはフリガナが必要です")]
    first = first_of_new.setdefault(_key(r), r)
    if first is not r and _facts(first) != _facts(r):
        return [FieldError(r.line, label("name"), f"{first.line}行目と同じ{system_label}（{r.identifier}）ですが、氏名・フリガナ・生年月日が異なります")]
    return []


def _facts(r: AssessmentRow) -> tuple:
    return normalize_name(r.name), normalize_kana(r.name_kana), r.birth_date


def _with(p: PreviewRow, problem: FieldError) -> PreviewRow:
    return PreviewRow(p.row, p.receivable, p.debtor_id, p.debtor_name, p.new_debtor, (*p.problems, problem))


def _existing_instalments(rows: Sequence[PreviewRow]) -> set[tuple]:
    ids = sorted({p.debtor_id for p in rows if p.debtor_id is not None})
    years = sorted({p.row.fiscal_year for p in rows})
    existing: set[tuple] = set()
    for chunk in _chunks(ids):
        existing.update(
            Instalment.objects.filter(debtor_id__in=chunk, fiscal_year__in=years)
            .values_list("debtor_id", "receivable_id", "subject", "fiscal_year", "instalment_no")
        )
    return existing


def _register_new_debtors(rows: Sequence[PreviewRow], layout: AssessmentLayout, batch: AssessmentImport, user) -> dict[tuple, CreatedDebtor]:
    """One debtor per unknown identifier, registered with the facts of its first row.

    One by one through the register's own action (names and readings normalised, the
    identifier's uniqueness checked): new people are few next to the rows assessed.
    """
    created: dict[tuple, CreatedDebtor] = {}
    for p in rows:
        r = p.row
        if not p.new_debtor or _key(r) in created:
            continue
        system = _SYSTEMS[r.identifier_system]
        try:
            debtor = register_debtor(
                name=r.name, name_kana=r.name_kana, birth_date=r.birth_date, postal_code=r.postal_code, address=r.address,
                identifiers={system: r.identifier},
            )
        except LedgerError as e:
            field = {"value": "identifier", "system": "identifier_system"}.get(e.field or "", e.field or "name")
            raise _Rejected([FieldError(r.line, layout.label(field), e.message)]) from e
        created[_key(r)] = CreatedDebtor(r.line, debtor.pk, debtor.name, system, r.identifier)
        audit.record(user=user, action="debtors.register", target=debtor, debtor_id=debtor.pk,
                     summary=f"調定データ取込 {batch.pk} で登録（{SourceSystem(system).label} {r.identifier}）")
    return created

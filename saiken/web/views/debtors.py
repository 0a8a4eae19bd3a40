"""債務者検索 and the debtor page (債務者).

Both pages cost a fixed number of queries whatever the data: the search sums the
balances of the 50 debtors on the page in one query, and the debtor page loads
every instalment with its entries and their payments in three.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date

import jaconv
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Replace, Upper
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from saiken import audit
from saiken.catalog.models import ReceivableType
from saiken.core.entries import ASSESSED_SIGN, COLLECTED_SIGN, WRITTEN_OFF_SIGN, Kind
from saiken.debtors.identity import linked_records
from saiken.debtors.models import Contact, Debtor, DebtorIdentifier
from saiken.ledger.late_charges import accrued_late_charges
from saiken.ledger.models import Entry, Instalment
from saiken.payments.models import ReceivedPayment
from saiken.prescription.collectability import decide_rows
from saiken.slips import actions as slip_actions
from saiken.staff import access, policy
from saiken.staff.policy import Act

PAGE_SIZE = 50
_SPACES = re.compile(r"\s+")  # after NFKC, the ideographic space is a plain space
_PHONE_PUNCTUATION = re.compile(r"[\s\-‐－ー−()（）]")
_MAX_ID_DIGITS = 18  # fits a bigint


def _without_spaces(field: str):
    return Replace(F(field), Value(" "), Value(""))


@dataclass(frozen=True)
class SearchKeys:
    """The search box's text read every way a clerk may have meant it."""

    compact: str  # NFKC, no spaces: names and addresses
    kana: str  # full-width katakana, no spaces: readings
    identifier: str  # NFKC, upper case: any source system's number
    digits: str  # digits only, if the text is a number (id, phone)

    @classmethod
    def parse(cls, q: str) -> SearchKeys:
        text = unicodedata.normalize("NFKC", q).strip()
        kana = jaconv.hira2kata(jaconv.h2z(text))
        phone = _PHONE_PUNCTUATION.sub("", text)
        return cls(
            compact=_SPACES.sub("", text),
            kana=_SPACES.sub("", kana),
            identifier=_SPACES.sub(" ", text).upper(),
            digits=phone if phone.isdigit() else "",
        )


def matching(debtors: QuerySet, q: str, systems: frozenset[str] | None = None) -> QuerySet:
    """Debtors whose id, identifier, name, reading, phone or address matches `q`,
    ordered: exact numbers first, then names and readings that start with `q`
    (ヤマダ before コヤマ ダイキ), then the rest, each by reading. Identifiers are
    matched only of the source systems `systems` (None: all), so that a number the
    user may not see cannot be tried either."""
    keys = SearchKeys.parse(q)
    if not keys.compact:
        return debtors.order_by("name_kana", "id")
    # Uncorrelated subqueries: each runs once (the identifier one on its upper(value) index).
    identifiers = DebtorIdentifier.objects.alias(v=Upper("value")).filter(v=keys.identifier)
    if systems is not None:
        identifiers = identifiers.filter(system__in=sorted(systems))
    identifiers = identifiers.values("debtor_id")
    exact = Q(pk__in=identifiers)
    if keys.digits:
        if len(keys.digits) <= _MAX_ID_DIGITS:
            exact |= Q(pk=int(keys.digits))
        phones = (
            Contact.objects.alias(v=Replace(Replace(F("value"), Value("-"), Value("")), Value(" "), Value("")))
            .filter(v=keys.digits)
            .values("debtor_id")
        )
        exact |= Q(pk__in=phones)
    prefix = Q(name_compact__startswith=keys.compact) | Q(kana_compact__startswith=keys.kana)
    contains = (
        Q(name_compact__contains=keys.compact)
        | Q(kana_compact__contains=keys.kana)
        | Q(address_compact__contains=keys.compact)
    )
    return (
        debtors.alias(
            name_compact=_without_spaces("name"),
            kana_compact=_without_spaces("name_kana"),
            address_compact=_without_spaces("address"),
        )
        .filter(exact | contains)
        .alias(rank=Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2)))
        .order_by("rank", "name_kana", "id")
    )


def _open_balances(debtor_ids: list[int], receivable: ReceivableType | None, visible: frozenset[int]) -> dict[int, int]:
    """What each debtor still owes, of the receivables the user may see."""
    instalments = Instalment.objects.filter(debtor_id__in=debtor_ids, receivable_id__in=visible)
    if receivable is not None:
        instalments = instalments.filter(receivable=receivable)
    rows = (
        instalments.values("debtor_id")
        .annotate(due=Sum(F("principal_due") + F("late_charge_due") + F("fee_due")))
        .values_list("debtor_id", "due")
    )
    return dict(rows)


@login_required
@require_safe
def search(request):
    q = request.GET.get("q", "").strip()
    code = request.GET.get("receivable", "")
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")
    visible = access.visible_receivable_ids(request.user)
    receivables = list(ReceivableType.objects.filter(id__in=visible).order_by("number").only("code", "name", "number"))
    receivable = next((r for r in receivables if r.code == code), None)
    context = {"q": q, "receivables": receivables, "receivable": receivable, "searched": bool(q or receivable)}
    if context["searched"]:
        # Only the people the user may see (saiken.staff.access.debtor_scope).
        debtors = matching(access.debtors_visible_to(request.user), q, access.identifier_systems_visible_to(request.user))
        if receivable is not None:
            # Correlated: answered from the (debtor, receivable, …) unique index, row by row in name order.
            debtors = debtors.filter(Exists(Instalment.objects.filter(debtor=OuterRef("pk"), receivable=receivable)))
        page = Paginator(debtors, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        balances = _open_balances([d.id for d in rows], receivable, access.visible_receivable_ids(request.user))
        for d in rows:
            d.open_balance = balances.get(d.id, 0)
        context.update(page=page, rows=rows)
        # Every search of the register is audited: the query, and whom the page showed.
        audit.record(
            user=request.user, action="debtor.search",
            summary=f"債務者検索: {q or '（指定なし）'}" + (f"（{receivable.name}）" if receivable else ""),
            detail={"q": q, "receivable": receivable.code if receivable else "", "page": page.number,
                    "count": page.paginator.count, "shown": [d.id for d in rows]},
        )
    return render(request, "web/debtor_search.html", context)


@dataclass
class Totals:
    """Sums shown on the debtor page: from the entries (調定額, 収入済額, 不納欠損額)
    and from the instalments' balances (未納, 過誤納金)."""

    assessed: int = 0
    collected: int = 0
    written_off: int = 0
    principal_due: int = 0
    late_charge_due: int = 0
    fee_due: int = 0
    overpaid: int = 0

    @property
    def total_due(self) -> int:
        return self.principal_due + self.late_charge_due + self.fee_due

    def add(self, other: Totals) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _instalment_totals(i: Instalment) -> Totals:
    t = Totals(principal_due=i.principal_due, late_charge_due=i.late_charge_due, fee_due=i.fee_due, overpaid=i.overpaid)
    for e in i.entries.all():
        kind = Kind(e.kind)
        t.assessed += ASSESSED_SIGN.get(kind, 0) * e.amount
        t.collected += COLLECTED_SIGN.get(kind, 0) * e.amount
        t.written_off += WRITTEN_OFF_SIGN.get(kind, 0) * e.amount
    return t


def _grouped(instalments: list[Instalment]) -> tuple[list[dict], Totals]:
    """Receivable → fiscal year → instalments, with sums at each level."""
    groups: list[dict] = []
    total = Totals()
    for i in instalments:
        i.totals = _instalment_totals(i)
        if not groups or groups[-1]["receivable"].pk != i.receivable_id:
            groups.append({"receivable": i.receivable, "totals": Totals(), "years": []})
        g = groups[-1]
        if not g["years"] or g["years"][-1]["year"] != i.fiscal_year:
            g["years"].append({"year": i.fiscal_year, "totals": Totals(), "instalments": []})
        y = g["years"][-1]
        y["instalments"].append(i)
        for t in (y["totals"], g["totals"], total):
            t.add(i.totals)
    return groups, total


NOT_IN_SCOPE = "お探しの債務者は見つかりませんでした。"


def visible_debtor_or_404(request, pk: int, debtors: QuerySet | None = None, what: str = "債務者ページ") -> Debtor:
    """The debtor `pk`, if the user may see them (saiken.staff.access.debtor_scope).
    Committee members and auditors: 403. A person outside the user's scope answers 404
    as an unknown id does, so that ids cannot be probed; the attempt is audited."""
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")
    d = get_object_or_404(Debtor.objects.all() if debtors is None else debtors, pk=pk)
    if not access.may_see_debtor(request.user, d.pk):
        audit.record(user=request.user, action="access.refused", debtor_id=d.pk,
                     summary=f"{what}: 所管外の債務者（{d.pk}）", detail={"method": request.method, "path": request.path[:500]})
        raise Http404(NOT_IN_SCOPE)
    d.visible_identifiers = access.visible_identifiers(request.user, d.identifiers.all())
    return d


def visible_linked_records(user, debtor: Debtor) -> list[Debtor]:
    """The records linked with `debtor` (名寄せ) that the user may see."""
    ids = [r.pk for r in linked_records(debtor)]
    return list(access.debtors_visible_to(user, Debtor.objects.filter(pk__in=ids)).order_by("id")) if ids else []


@login_required
@require_safe
def debtor(request, pk: int):
    d = visible_debtor_or_404(request, pk, Debtor.objects.prefetch_related(
        Prefetch("identifiers", queryset=DebtorIdentifier.objects.order_by("system", "value")),
        Prefetch("contacts", queryset=Contact.objects.order_by("id")),
    ))
    visible = access.visible_receivable_ids(request.user, d.pk)
    audit.record(user=request.user, action="debtor.view", target=d, summary=f"{d.name} の債務者ページを閲覧")
    hidden = Instalment.objects.filter(debtor=d).exclude(receivable_id__in=visible).values("receivable_id").distinct().count()
    instalments = list(
        Instalment.objects.filter(debtor=d, receivable_id__in=visible)
        .select_related("receivable", "demand_line__demand")
        .prefetch_related(Prefetch("entries", queryset=Entry.objects.select_related("payment").order_by("booked_on", "id")))
        .order_by("receivable__number", "fiscal_year", "subject", "instalment_no", "id")
    )
    as_of = _as_of(request.GET.get("as_of"))
    accrued = accrued_late_charges(instalments, as_of)
    # Store payments reported but not yet confirmed, and failed debits: visible at once.
    pending: dict[int, list[ReceivedPayment]] = defaultdict(list)
    ids = [i.id for i in instalments]
    for status in (ReceivedPayment.Status.PRELIMINARY, ReceivedPayment.Status.FAILED):  # one partial index each
        for r in ReceivedPayment.objects.filter(instalment_id__in=ids, status=status).order_by("paid_on", "id"):
            pending[r.instalment_id].append(r)
    # 時効完成・消滅: one batch for the page (only instalments with something owed are looked at).
    collect = decide_rows(
        [(i.id, i.receivable_id, i.due_date, i.total_due) for i in instalments if i.total_due], as_of
    )
    for i in instalments:
        i.collect = collect.get(i.id)
        i.accrued = accrued.get(i.id)
        i.demand = getattr(getattr(i, "demand_line", None), "demand", None)
        i.pending = pending.get(i.id, [])
    groups, total = _grouped(instalments)
    # 窓口収納 is offered only on what the user may take money for (saiken.staff.policy).
    may_counter = any(
        g["totals"].total_due and policy.may(request.user, Act.COUNTER_PAYMENT, g["receivable"]) for g in groups
    )
    return render(request, "web/debtor.html", {
        "may_counter": may_counter,
        "linked": visible_linked_records(request.user, d),
        "debtor": d, "groups": groups, "total": total, "as_of": as_of, "hidden_receivables": hidden,
        "accrued_total": sum(c.amount for c in accrued.values()),
        # The receivables of the page on whose payments a correction may be asked (no query:
        # the page's receivables are loaded).
        "correctable": {r.id for r in {i.receivable for i in instalments} if policy.may(request.user, Act.PAYMENT_CORRECT, r)},
        "may_slip": bool(slip_actions.slip_receivables(request.user, d.pk, {i.receivable for i in instalments})),
    })


def _as_of(raw: str | None) -> date:
    """The date late charges are computed for: today, or one the clerk asks about."""
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()

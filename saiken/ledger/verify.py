"""Proof that the caches equal the entries (used by `saiken check-ledger`).

Every check recomputes from the records alone, set-based: balances in keyset
chunks of instalments, each summary in one grouped query.

`CHECKS` lists them by name. Apps built on the ledger register the checks of
their own pre-aggregated figures (`register`, from their AppConfig.ready), so that
`check-ledger` proves them too without the ledger importing those apps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Sum

from saiken.core.entries import balances
from saiken.ledger import summaries
from saiken.ledger.models import Entry, Instalment, LedgerSummary, Payment

CHUNK = 50_000


@dataclass(frozen=True)
class Difference:
    where: str
    field: str
    cached: int
    recomputed: int

    def __str__(self):
        return f"{self.where} {self.field}: 保持値 {self.cached:,} / 記録（仕訳・収納・督促）からの再計算 {self.recomputed:,}"


def balance_differences(chunk: int = CHUNK) -> Iterator[Difference]:
    top = Instalment.objects.aggregate(m=Max("id"))["m"] or 0
    for lo in range(0, top + 1, chunk):
        hi = lo + chunk
        sums = defaultdict(list)
        for iid, kind, component, amount in (
            Entry.objects.filter(instalment_id__gte=lo, instalment_id__lt=hi)
            .values_list("instalment_id", "kind", "component")
            .annotate(s=Sum("amount"))
            .order_by()
        ):
            sums[iid].append((kind, component, amount))
        cached = Instalment.objects.filter(id__gte=lo, id__lt=hi).values_list(
            "id", "principal_due", "late_charge_due", "fee_due", "overpaid"
        )
        for iid, principal, late, fee, overpaid in cached:
            b = balances(sums.get(iid, ()))
            recomputed = (b.due["principal"], b.due["late_charge"], b.due["fee"], b.overpaid)
            for field, have, want in zip(("principal_due", "late_charge_due", "fee_due", "overpaid"), (principal, late, fee, overpaid), recomputed):
                if have != want:
                    yield Difference(f"調定 {iid}", field, have, want)


def summary_differences() -> Iterator[Difference]:
    keys = ("instalment__receivable_id", "instalment__fiscal_year", "settlement_year", "kind", "component")
    recomputed = {
        tuple(key): (amount, count)
        for *key, amount, count in Entry.objects.values(*keys)
        .annotate(s=Sum("amount"), n=Count("id"))
        .order_by()
        .values_list(*keys, "s", "n")
    }
    cached = {
        (r, fy, sy, k, c): (a, n)
        for r, fy, sy, k, c, a, n in LedgerSummary.objects.values_list(
            "receivable_id", "debt_fiscal_year", "settlement_year", "kind", "component", "amount", "entries"
        )
    }
    for key in sorted(set(recomputed) | set(cached), key=str):
        have = cached.get(key, (0, 0))
        want = recomputed.get(key, (0, 0))
        where = "集計 債権{} {}年度債務 {}年度決算 {} {}".format(*key)
        if have[0] != want[0]:
            yield Difference(where, "amount", have[0], want[0])
        if have[1] != want[1]:
            yield Difference(where, "entries", have[1], want[1])


def compare(name: str, stored: dict[tuple, tuple], recomputed: dict[tuple, tuple], fields: tuple[str, ...]) -> Iterator[Difference]:
    """Every field of every key that differs; a missing row counts as zeros."""
    zero = (0,) * len(fields)
    for key in sorted(set(stored) | set(recomputed), key=str):
        have, want = tuple(stored.get(key, zero)), tuple(recomputed.get(key, zero))
        for field, a, b in zip(fields, have, want):
            if a != b:
                yield Difference(f"{name} {' '.join(str(k) for k in key)}", field, a, b)


def daily_differences() -> Iterator[Difference]:
    yield from compare("日別集計", summaries.stored("DailySummary"), summaries.daily_figures(), ("collected", "assessed"))


def payment_differences() -> Iterator[Difference]:
    yield from compare("納付経路別集計", summaries.stored("PaymentSummary"), summaries.payment_figures(), ("payments", "amount"))


def write_off_differences() -> Iterator[Difference]:
    yield from compare("不納欠損の理由別集計", summaries.stored("WriteOffSummary"), summaries.write_off_figures(), ("instalments", "principal"))


@dataclass(frozen=True)
class Dangling:
    """A row whose link names a row that does not exist (a link the database does not
    constrain, for speed, and this check proves instead). Fields as check-ledger prints them."""

    where: str
    field: str
    cached: int  # the id the row names
    recomputed: int = 0  # what exists: nothing

    def __str__(self):
        return f"{self.where} の{self.field} {self.cached} が存在しません"


def dangling(model, links: Iterable[tuple[str, type, str]], describe: Callable[[int], str]) -> Iterator[Dangling]:
    """Rows of `model` whose (column, target model, label) link points at no row: one
    anti-join per link."""
    for column, target, label in links:
        missing = (
            model.objects.filter(**{f"{column}__isnull": False})
            .filter(~Exists(target.objects.filter(pk=OuterRef(column))))
            .order_by("pk")
            .values_list("pk", column)
        )
        for pk, value in missing.iterator(chunk_size=2000):
            yield Dangling(describe(pk), label, value)


def payment_links() -> Iterator[Dangling]:
    from saiken.catalog.models import ReceivableType
    from saiken.debtors.models import Debtor

    yield from dangling(Payment, (("debtor_id", Debtor, "債務者"), ("receivable_id", ReceivableType, "債権")), lambda pk: f"収納 {pk}")
    yield from dangling(Entry, (("payment_id", Payment, "収納"),), lambda pk: f"仕訳 {pk}")


def reversal_differences() -> Iterator[Difference]:
    """Every reversed payment is reversed whole (saiken.core.reversal): each reversing
    entry mirrors the entry it names (instalment, component, amount, kind), and every
    entry of a reversed payment is met by one. Reads the few reversed payments only."""
    from saiken.core.reversal import REVERSING

    reversing = {k.value: v.value for k, v in REVERSING.items()}
    fields = ("id", "payment_id", "instalment_id", "component", "kind", "amount", "counterpart_id")
    reversals = list(Entry.objects.filter(kind__in=list(reversing.values())).values_list(*fields))
    met = {r[6] for r in reversals}
    originals = {e[0]: e for e in Entry.objects.filter(pk__in=sorted(met - {None})).values_list(*fields)}
    for rid, pid, iid, component, kind, amount, counterpart in reversals:
        o = originals.get(counterpart)
        if o is None or (o[2], o[3], reversing.get(o[4]), o[5]) != (iid, component, kind, amount):
            yield Difference(f"仕訳 {rid}（収納 {pid} の取消）", "取消の相手方", amount, o[5] if o else 0)
    reversed_payments = sorted({r[1] for r in reversals} - {None})
    for start in range(0, len(reversed_payments), 900):
        for eid, pid, iid, component, kind, amount, _ in (
            Entry.objects.filter(payment_id__in=reversed_payments[start:start + 900], kind__in=list(reversing)).values_list(*fields)
        ):
            if eid not in met:
                yield Difference(f"仕訳 {eid}（収納 {pid}）", "取消されていない額", 0, amount)


Check = Callable[[], Iterable[Difference]]
CHECKS: dict[str, Check] = {
    "残高": balance_differences,
    "集計": summary_differences,
    "日別集計": daily_differences,
    "納付経路別集計": payment_differences,
    "不納欠損の理由別集計": write_off_differences,
    "収納の参照先": payment_links,
    "収納取消": reversal_differences,
}


def register(name: str, check: Check) -> None:
    """Add an app's check to `saiken check-ledger` (call from AppConfig.ready)."""
    CHECKS[name] = check


def all_differences() -> Iterator[tuple[str, Difference]]:
    for name, check in CHECKS.items():
        for d in check():
            yield name, d

"""Proof that the caches equal the entries (used by `saiken check-ledger`).

Both checks recompute from the entries alone, set-based: balances in keyset
chunks of instalments, the summary in one grouped query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from saiken.core.entries import balances
from saiken.ledger.models import Entry, Instalment, LedgerSummary

CHUNK = 50_000


@dataclass(frozen=True)
class Difference:
    where: str
    field: str
    cached: int
    recomputed: int

    def __str__(self):
        return f"{self.where} {self.field}: 保持値 {self.cached:,} / 仕訳からの再計算 {self.recomputed:,}"


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

"""Proof that every received record points at rows that exist (for `saiken check-ledger`).

A received record's links — its import, its instalment, the ledger payment it became —
are not database constraints (see ReceivedPayment), so this check stands in for them:
one anti-join per link, reporting each record whose target is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from saiken.ledger.models import Instalment, Payment
from saiken.payments.models import PaymentImport, ReceivedPayment

LINKS = (
    ("import_batch_id", PaymentImport, "取込"),
    ("instalment_id", Instalment, "調定"),
    ("payment_id", Payment, "収納"),
)


@dataclass(frozen=True)
class Dangling:
    """A record whose link names a row that does not exist (fields as check-ledger prints them)."""

    where: str
    field: str
    cached: int  # the id the record names
    recomputed: int = 0  # what exists: nothing

    def __str__(self):
        return f"{self.where} の{self.field} {self.cached} が存在しません"


def dangling_links() -> Iterator[Dangling]:
    for column, model, label in LINKS:
        missing = (
            ReceivedPayment.objects.filter(**{f"{column}__isnull": False})
            .filter(~Exists(model.objects.filter(pk=OuterRef(column))))
            .order_by("id")
            .values_list("id", "import_batch_id", "line", column)
        )
        for rid, batch, line, target in missing.iterator(chunk_size=2000):
            yield Dangling(f"収納データ {rid}（取込番号 {batch} の{line}行目）", label, target)

"""Proof that every received record points at rows that exist (for `saiken check-ledger`).

A received record's links — its import, its instalment, the ledger payment it became —
are not database constraints (see ReceivedPayment), so this check stands in for them.
"""

from __future__ import annotations

from collections.abc import Iterator

from saiken.ledger.models import Instalment, Payment
from saiken.ledger.verify import Dangling, dangling
from saiken.payments.models import PaymentImport, ReceivedPayment

LINKS = (
    ("import_batch_id", PaymentImport, "取込"),
    ("instalment_id", Instalment, "調定"),
    ("payment_id", Payment, "収納"),
)


def dangling_links() -> Iterator[Dangling]:
    return dangling(ReceivedPayment, LINKS, lambda pk: f"収納データ {pk}")

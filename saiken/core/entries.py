"""The kinds of ledger entry and what each does to a debt.

Entries are never edited: every change is a new entry. Amounts are positive
whole yen; the kind says which way the balance moves.

- balance (what is still owed) = charges − credits, per component;
- 収入済額 (collected) = payments + transfers in − overpayments set aside;
- 過誤納金 (held for refund) = overpayments − refunds − transfers out.

An overpayment entry moves the excess of a payment (or of a decrease after
payment) out of the debt into 過誤納金, so the balance never goes negative and
the collected amount never exceeds what was assessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from saiken.core.allocation import Component


class Kind(StrEnum):
    ASSESSMENT = "assessment"  # 調定
    INCREASE = "increase"  # 増額更正・増額調定
    DECREASE = "decrease"  # 減額更正・減額調定
    PAYMENT = "payment"  # 収納
    TRANSFER_IN = "transfer_in"  # 充当（受入）
    OVERPAYMENT = "overpayment"  # 過誤納金への振替
    REFUND = "refund"  # 還付
    REFUND_RETURNED = "refund_returned"  # 還付金の返戻（振込不能で戻った還付金を再び保管）
    TRANSFER_OUT = "transfer_out"  # 充当（払出）
    WRITE_OFF = "write_off"  # 不納欠損
    # A payment posted in error (wrong person or instalment, a cancelled counter payment)
    # is undone by entries, never by deleting it: each entry of the payment is met by
    # its reversal (saiken.core.reversal).
    PAYMENT_REVERSAL = "payment_reversal"  # 収納取消
    OVERPAYMENT_REVERSAL = "overpayment_reversal"  # 過誤納取消（収納取消に伴う）
    ASSESSMENT_REVERSAL = "assessment_reversal"  # 延滞金確定の取消（収納取消に伴う）


KIND_LABELS = {
    Kind.ASSESSMENT: "調定",
    Kind.INCREASE: "増額",
    Kind.DECREASE: "減額",
    Kind.PAYMENT: "収納",
    Kind.TRANSFER_IN: "充当受入",
    Kind.OVERPAYMENT: "過誤納",
    Kind.REFUND: "還付",
    Kind.REFUND_RETURNED: "還付返戻",
    Kind.TRANSFER_OUT: "充当払出",
    Kind.WRITE_OFF: "不納欠損",
    Kind.PAYMENT_REVERSAL: "収納取消",
    Kind.OVERPAYMENT_REVERSAL: "過誤納取消",
    Kind.ASSESSMENT_REVERSAL: "延滞金確定取消",
}

COMPONENT_LABELS = {
    Component.PRINCIPAL: "本税・本料",
    Component.LATE_CHARGE: "延滞金",
    Component.FEE: "督促手数料",
}

# Sign on the outstanding balance, and on the amount held as 過誤納金.
BALANCE_SIGN = {
    Kind.ASSESSMENT: +1,
    Kind.INCREASE: +1,
    Kind.DECREASE: -1,
    Kind.PAYMENT: -1,
    Kind.TRANSFER_IN: -1,
    Kind.OVERPAYMENT: +1,
    Kind.REFUND: 0,
    Kind.REFUND_RETURNED: 0,
    Kind.TRANSFER_OUT: 0,
    Kind.WRITE_OFF: -1,
    Kind.PAYMENT_REVERSAL: +1,
    Kind.OVERPAYMENT_REVERSAL: -1,
    Kind.ASSESSMENT_REVERSAL: -1,
}
OVERPAID_SIGN = {
    Kind.OVERPAYMENT: +1,
    Kind.REFUND: -1,
    Kind.REFUND_RETURNED: +1,
    Kind.TRANSFER_OUT: -1,
    Kind.OVERPAYMENT_REVERSAL: -1,
}
ASSESSED_SIGN = {Kind.ASSESSMENT: +1, Kind.INCREASE: +1, Kind.DECREASE: -1, Kind.ASSESSMENT_REVERSAL: -1}
COLLECTED_SIGN = {
    Kind.PAYMENT: +1, Kind.TRANSFER_IN: +1, Kind.OVERPAYMENT: -1,
    Kind.PAYMENT_REVERSAL: -1, Kind.OVERPAYMENT_REVERSAL: +1,
}
WRITTEN_OFF_SIGN = {Kind.WRITE_OFF: +1}


@dataclass(frozen=True)
class Balances:
    """What an instalment's entries add up to, per component."""

    due: dict[Component, int]
    overpaid: int

    @property
    def total_due(self) -> int:
        return sum(self.due.values())


def balances(entries: Iterable[tuple[Kind | str, Component | str, int]]) -> Balances:
    """Fold (kind, component, amount) entries into the balance per component."""
    due = {c: 0 for c in Component}
    overpaid = 0
    for kind, component, amount in entries:
        kind = Kind(kind)
        due[Component(component)] += BALANCE_SIGN[kind] * amount
        overpaid += OVERPAID_SIGN.get(kind, 0) * amount
    return Balances(due, overpaid)

"""`saiken refresh-goals`: rebuild the dashboard's pre-aggregated figures from the records.

A repair, not a nightly job: the figures are kept exact by the actions that write the
records (the ledger's booking bumps DailySummary, PaymentSummary and WriteOffSummary,
the demand run bumps DemandSummary, each in the same transaction), and
`saiken check-ledger` proves them. Run this only if the check finds a difference, after
a restore, or after rows were written by hand. Safe to re-run; each summary is swapped
in one transaction, so the dashboard never sees half of one.
"""

from __future__ import annotations

from collections.abc import Callable

from saiken.demands import summary as demand_summary
from saiken.ledger import summaries as ledger_summaries
from saiken.ledger.verify import Difference, daily_differences, payment_differences, write_off_differences


def rebuild(progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Recompute and replace every summary the dashboard reads (besides LedgerSummary,
    which the ledger's own figures are); returns the rows written per summary."""
    say = progress or (lambda _msg: None)
    say("日別集計・納付経路別集計・不納欠損の理由別集計を作り直しています")
    rows = ledger_summaries.rebuild()
    say("督促の期限内発付件数を作り直しています")
    rows["demands"] = demand_summary.rebuild()
    say("  " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    return rows


def differences() -> list[Difference]:
    """Every difference between those summaries and the records (what check-ledger reports of them)."""
    return [
        *daily_differences(), *payment_differences(), *write_off_differences(), *demand_summary.differences(),
    ]

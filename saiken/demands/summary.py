"""DemandSummary: bumped with every chunk of a demand run, recomputed from the lines to
prove it (`saiken check-ledger`, registered in DemandsConfig.ready) and to rebuild it.

The lines of a run are only ever inserted (an instalment is demanded once, and a line
is never edited or deleted), so counting them as they are inserted keeps it exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count, Q

Key = tuple[int, int, date]  # (receivable, instalment fiscal year, issued on)


def bump(lines: Iterable[tuple[int, int, bool]], issued_on: date) -> None:
    """Count demand lines just inserted, as (receivable id, instalment fiscal year, on time)."""
    tally: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for rid, fy, on_time in lines:
        tally[(fy, rid)][0 if on_time else 1] += 1
    if not tally:
        return
    from saiken.demands.models import DemandSummary

    table = DemandSummary._meta.db_table
    day = connection.ops.adapt_datefield_value(issued_on)
    with connection.cursor() as cur:
        # One statement per row, atomic: two runs at once both count (and sorted: one lock order).
        cur.executemany(
            f"INSERT INTO {table} (fiscal_year, receivable_id, issued_on, on_time, late) VALUES (%s, %s, %s, %s, %s)"
            f" ON CONFLICT (fiscal_year, receivable_id, issued_on)"
            f" DO UPDATE SET on_time = {table}.on_time + excluded.on_time, late = {table}.late + excluded.late",
            [(fy, rid, day, a, b) for (fy, rid), (a, b) in sorted(tally.items())],
        )


def figures(apps=global_apps) -> dict[Key, tuple[int, int]]:
    """(on time, late) per key, from the demand lines."""
    DemandLine = apps.get_model("demands", "DemandLine")
    rows = (
        DemandLine.objects.values_list("instalment__receivable_id", "instalment__fiscal_year", "demand__issued_on")
        .annotate(a=Count("id", filter=Q(on_time=True)), b=Count("id", filter=Q(on_time=False)))
        .order_by()
    )
    return {(rid, fy, day): (a, b) for rid, fy, day, a, b in rows}


def stored(apps=global_apps) -> dict[Key, tuple[int, int]]:
    DemandSummary = apps.get_model("demands", "DemandSummary")
    return {
        (rid, fy, day): (a, b)
        for rid, fy, day, a, b in DemandSummary.objects.values_list("receivable_id", "fiscal_year", "issued_on", "on_time", "late")
    }


def differences() -> Iterator:
    from saiken.ledger.verify import compare

    yield from compare("督促の期限内発付件数", stored(), figures(), ("on_time", "late"))


def rebuild(apps=global_apps) -> int:
    """Replace DemandSummary by its recomputation (repair; the migration that created it ran this)."""
    DemandSummary = apps.get_model("demands", "DemandSummary")
    DemandLine = apps.get_model("demands", "DemandLine")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {DemandLine._meta.db_table} IN SHARE MODE")
        found = figures(apps)
        DemandSummary.objects.all().delete()
        DemandSummary.objects.bulk_create(
            [DemandSummary(receivable_id=rid, fiscal_year=fy, issued_on=day, on_time=a, late=b) for (rid, fy, day), (a, b) in found.items()],
            batch_size=5000,
        )
    return len(found)

"""The demo city's past demand runs, so the compliance view shows what the seed found:
most departments demand within the 20 days, some late, and one not at all.

Each (receivable, due date) with instalments still open is demanded through the
real action, on the day the department's habit gives; instalments paid since
would have been demanded too, but are left out (the demo keeps no history of them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from random import Random

from saiken.catalog.models import ReceivableType
from saiken.demands.actions import issue_demands
from saiken.ledger.models import Instalment

# Days after the due date each department usually sends its 督促, and how much that
# varies from one due date to the next; None: it sends none.
HABIT: dict[str, tuple[int, int] | None] = {
    "city_tax": (14, 4),
    "national_health_insurance": (16, 4),
    "long_term_care_insurance": (16, 3),
    "late_elderly_medical_insurance": (17, 3),
    "nursery_fee": (19, 6),  # now and then past the 20 days
    "municipal_housing": (24, 10),  # often late
    "after_school_club": None,  # never demanded: the compliance view's red rows
    "hospital_fee": (30, 15),
}
DEFAULT_HABIT = (15, 3)


def issue_history(as_of: date, progress: Callable[[str], None] = print) -> int:
    """Issue the past runs up to the day before `as_of`; returns the number of demands."""
    codes = dict(ReceivableType.objects.values_list("id", "code"))
    pairs = (
        Instalment.objects.filter(principal_due__gt=0, due_date__lt=as_of, demand_line__isnull=True)
        .values_list("receivable_id", "due_date").distinct().order_by("due_date", "receivable_id")
    )
    from saiken.demo.load import operator

    user = operator()
    demands = runs = 0
    for receivable_id, due in pairs:
        habit = HABIT.get(codes[receivable_id], DEFAULT_HABIT)
        if habit is None:
            continue
        typical, spread = habit
        days = max(1, typical + Random(f"{codes[receivable_id]}{due}").randint(-spread, spread))
        if due + timedelta(days=days) >= as_of:
            continue
        # The city's past, as the demo's day `as_of` sees it (its "today").
        run = issue_demands(as_of=due + timedelta(days=days), user=user, due_on=due, receivable_ids=[receivable_id], today=as_of)
        demands += run.demands
        runs += 1
    progress(f"demands: {demands:,} notices in {runs:,} past runs")
    return demands

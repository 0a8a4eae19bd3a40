"""停滞事案数 (issue 6, item 6): stalled cases per receivable and year, from the case records.

On the small city (conftest.py), five cases, all opened in FY2024; the year is counted
on its last day, 2025-03-31 (市税 allows 60 days after a reminder):
- taro (owes 市税): a letter on 2024-11-01 and nothing since → stalled from 2024-12-31;
- jiro (owes 市税 and 保育料): no next action date → stalled, counted under both receivables
  and once for the city;
- hanako (owes 保育料: the late charge fixed when she paid April's fee a year late): no next
  action date → stalled;
- ichiro (owes a late charge on 市税): a letter answered by a phone call → not stalled;
- saburo (owes nothing at all): no next action date → stalled, but under no receivable,
  and so not in the city's count of the major receivables either.
"""

from datetime import date, datetime

import pytest
from django.utils import timezone

from saiken.cases import actions as cases
from saiken.cases.facts import OPEN
from saiken.cases.models import Case
from saiken.cases.stalls import snapshot, stalls
from saiken.debtors.models import Debtor
from saiken.goals.indicators import actual, actuals, stalled_counts

from .conftest import AS_OF, assess

pytestmark = pytest.mark.django_db

YEAR_END = date(2025, 3, 31)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


@pytest.fixture
def worked(city):
    jiro = Debtor.objects.create(name="鈴木 次郎", name_kana="スズキ ジロウ", birth_date=date(1975, 3, 3), address="新潟市西区")
    saburo = Debtor.objects.create(name="鈴木 三郎", name_kana="スズキ サブロウ", birth_date=date(1977, 3, 3), address="新潟市南区")
    assess(jiro, city.city_tax, 50_000, 2024, 1, date(2024, 7, 1), on=date(2024, 6, 1))
    assess(jiro, city.nursery, 20_000, 2024, 7, date(2024, 7, 31), on=date(2024, 7, 1))
    dept = city.city_tax.department
    opened = {}
    for debtor, next_action in (
        (city.taro, date(2025, 5, 1)), (jiro, None), (city.hanako, None), (city.ichiro, date(2025, 5, 1)), (saburo, None),
    ):
        opened[debtor.name] = Case.objects.create(debtor=debtor, department=dept, opened_on=date(2024, 8, 1), next_action_on=next_action)
    cases.log_contact(opened["山田 太郎"], kind="letter", at=at(date(2024, 11, 1)), summary="催告書を送付", user=city.clerk)
    cases.log_contact(opened["鈴木 一郎"], kind="letter", at=at(date(2024, 11, 1)), summary="催告書を送付", user=city.clerk)
    cases.log_contact(opened["鈴木 一郎"], kind="phone", at=at(date(2024, 11, 20)), summary="本人と電話", user=city.clerk)
    return opened


def test_stalled_cases_per_receivable_and_the_city_by_hand(city, worked):
    assert actual("stalled_cases", fiscal_year=2024, as_of=AS_OF) == 3  # taro, jiro, hanako (not saburo)
    assert actual("stalled_cases", fiscal_year=2024, receivable_id=city.city_tax.id, as_of=AS_OF) == 2  # taro, jiro
    assert actual("stalled_cases", fiscal_year=2024, receivable_id=city.nursery.id, as_of=AS_OF) == 2  # jiro, hanako
    # FY2023 is counted on 2024-03-31, before any of these cases was opened.
    assert actual("stalled_cases", fiscal_year=2023, as_of=AS_OF) == 0


def test_the_actual_equals_the_count_from_the_case_records(city, worked):
    found = stalls(Case.objects.all(), YEAR_END)
    assert set(found) == {worked[name].pk for name in ("山田 太郎", "鈴木 次郎", "佐藤 花子", "鈴木 三郎")}
    owing = {c.pk for c in Case.objects.filter(pk__in=found) if c.debtor.instalments.filter(OPEN).exists()}
    assert actual("stalled_cases", fiscal_year=2024, as_of=AS_OF) == len(owing) == 3
    # The dashboard reads the nightly count (none yet: no figure), which counts the same.
    assert actuals(2024, as_of=AS_OF)[("stalled_cases", None)] is None
    snapshot(YEAR_END)
    values = actuals(2024, as_of=AS_OF)
    assert values[("stalled_cases", None)] == len(owing)
    for r in (city.city_tax, city.nursery):
        by_hand = sum(1 for c in Case.objects.filter(pk__in=owing) if c.debtor.instalments.filter(OPEN, receivable=r).exists())
        assert values[("stalled_cases", r.id)] == by_hand == 2


def test_progress_or_a_closed_case_leaves_the_count_at_once(city, worked):
    cases.log_contact(worked["山田 太郎"], kind="phone", at=at(date(2025, 3, 1)), summary="本人と電話", user=city.clerk)
    assert actual("stalled_cases", fiscal_year=2024, receivable_id=city.city_tax.id, as_of=AS_OF) == 1  # jiro
    cases.close_case(worked["鈴木 次郎"], on=date(2025, 4, 10), reason="移管", user=city.admin)
    # Closed after the year's end: it still counts in FY2024 (open on 2025-03-31), not after its closing.
    assert actual("stalled_cases", fiscal_year=2024, receivable_id=city.city_tax.id, as_of=AS_OF) == 1
    assert stalled_counts(date(2025, 4, 9))[city.city_tax.id] == 1
    assert city.city_tax.id not in stalled_counts(date(2025, 4, 10))

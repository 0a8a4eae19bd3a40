"""The daily demand run: who gets a 督促, when, once.

Dates: 2026-05-01 is a Friday, an ordinary due date; a demand issued on it
must go out by 2026-05-21 (20 days) to be on time.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from saiken.audit.models import AuditEvent
from saiken.demands.actions import issue_demands
from saiken.demands.models import Demand, DemandLine
from saiken.ledger.actions import assess, record_payment
from saiken.ledger.errors import LedgerError
from saiken.ledger.verify import balance_differences, summary_differences
from tests.conftest import operator

DUE = date(2026, 5, 1)


def _assess(debtor, receivable, no, amount=10_000, due=DUE, fy=2026):
    return assess(debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount, assessed_on=date(2026, 4, 10))


@pytest.mark.django_db
class TestIssueDemands:
    def test_one_notice_per_debtor_and_receivable(self, taro, hanako, city_tax, nursery_fee):
        first = _assess(taro, city_tax, 1)
        second = _assess(taro, city_tax, 2, due=date(2026, 4, 30))
        _assess(taro, nursery_fee, 1)
        _assess(hanako, city_tax, 1)
        run = issue_demands(user=operator(), as_of=date(2026, 5, 15))
        assert (run.demands, run.lines, run.principal, run.late) == (3, 4, 40_000, 0)
        taro_tax = Demand.objects.get(debtor=taro, receivable=city_tax)
        assert {line.instalment_id for line in taro_tax.lines.all()} == {first.pk, second.pk}
        assert taro_tax.designated_deadline == date(2026, 5, 25)  # issued + 10 days
        assert taro_tax.seizure_from == date(2026, 5, 26)  # 地方税法331条: issue day + 10 days counted from it, then the next day
        assert AuditEvent.objects.filter(action="demand.issue", target_id=run.pk).exists()

    def test_rerun_the_same_day_issues_nothing(self, taro, city_tax):
        _assess(taro, city_tax, 1)
        assert issue_demands(user=operator(), as_of=date(2026, 5, 15)).demands == 1
        again = issue_demands(user=operator(), as_of=date(2026, 5, 15))
        assert (again.demands, again.lines) == (0, 0)
        assert DemandLine.objects.count() == 1

    def test_a_payment_before_the_run_keeps_the_instalment_out(self, taro, city_tax):
        paid = _assess(taro, city_tax, 1)
        unpaid = _assess(taro, city_tax, 2)
        record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2026, 5, 14), instalment=paid)
        issue_demands(user=operator(), as_of=date(2026, 5, 15))
        assert list(DemandLine.objects.values_list("instalment_id", flat=True)) == [unpaid.pk]

    def test_a_partly_paid_instalment_is_demanded_for_what_is_left(self, taro, city_tax):
        i = _assess(taro, city_tax, 1)
        record_payment(debtor=taro, receivable=city_tax, amount=4_000, paid_on=date(2026, 5, 1), instalment=i)
        issue_demands(user=operator(), as_of=date(2026, 5, 15))
        assert DemandLine.objects.get().principal == 6_000

    def test_not_before_the_day_after_the_due_date(self, taro, city_tax):
        _assess(taro, city_tax, 1)
        assert issue_demands(user=operator(), as_of=DUE).demands == 0
        assert issue_demands(user=operator(), as_of=date(2026, 5, 2)).demands == 1

    def test_rolled_due_date_counts(self, taro, city_tax):
        # Nominal 2026-01-31 is a Saturday: the due date is Monday 2026-02-02.
        _assess(taro, city_tax, 4, due=date(2026, 1, 31), fy=2025)
        assert issue_demands(user=operator(), as_of=date(2026, 2, 2)).demands == 0
        assert issue_demands(user=operator(), as_of=date(2026, 2, 3)).demands == 1

    @pytest.mark.parametrize("issued, on_time", [(date(2026, 5, 21), True), (date(2026, 5, 22), False)])
    def test_the_twenty_day_window(self, taro, city_tax, issued, on_time):
        _assess(taro, city_tax, 1)
        run = issue_demands(user=operator(), as_of=issued)
        line = DemandLine.objects.get()
        assert line.demand_by == date(2026, 5, 21)
        assert line.on_time is on_time
        assert run.late == (0 if on_time else 1)

    def test_fee_is_assessed_once_per_notice(self, taro, city_tax):
        city_tax.demand_fee = 100
        city_tax.save()
        oldest = _assess(taro, city_tax, 1, due=date(2026, 4, 30))
        other = _assess(taro, city_tax, 2)
        run = issue_demands(user=operator(), as_of=date(2026, 5, 15))
        oldest.refresh_from_db()
        other.refresh_from_db()
        assert (run.fees, oldest.fee_due, other.fee_due) == (100, 100, 0)
        assert Demand.objects.get().fee == 100
        assert list(balance_differences()) == [] and list(summary_differences()) == []

    def test_one_due_date_only(self, taro, city_tax):
        _assess(taro, city_tax, 1, due=date(2026, 4, 30))
        _assess(taro, city_tax, 2)
        run = issue_demands(user=operator(), as_of=date(2026, 5, 15), due_on=DUE)
        assert run.lines == 1
        with pytest.raises(LedgerError):
            issue_demands(user=operator(), as_of=DUE, due_on=DUE)

    def test_private_claims_have_no_seizure_date(self, taro, housing):
        _assess(taro, housing, 1)
        issue_demands(user=operator(), as_of=date(2026, 5, 15))
        assert Demand.objects.get().seizure_from is None

    def test_chunks_never_split_a_debtor(self, taro, hanako, city_tax, nursery_fee):
        for no in (1, 2, 3):
            _assess(taro, city_tax, no)
        _assess(taro, nursery_fee, 1)
        _assess(hanako, city_tax, 1)
        seen = []
        run = issue_demands(user=operator(), as_of=date(2026, 5, 15), chunk=2, progress=lambda d, n: seen.append((d, n)))
        assert (run.demands, run.lines) == (3, 5)
        assert Demand.objects.get(debtor=taro, receivable=city_tax).lines.count() == 3
        assert seen[-1] == (3, 5)
        assert len(set(Demand.objects.values_list("number", flat=True))) == 3


@pytest.mark.django_db
def test_command_json(taro, city_tax):
    _assess(taro, city_tax, 1)
    out = StringIO()
    call_command("issue_demands", "--user", operator().username, "--as-of", "2026-05-15", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["demands"], result["lines"], result["principal"], result["late"]) == (1, 1, 10_000, 0)
    out = StringIO()
    call_command("issue_demands", "--user", operator().username, "--as-of", "2026-05-15", "--json", stdout=out)
    assert json.loads(out.getvalue())["demands"] == 0


@pytest.mark.django_db
def test_no_demand_during_a_granted_deferment(taro, city_tax, django_user_model):
    from django.contrib.auth.models import Permission

    from saiken.relief.actions import approve_relief, propose_relief

    clerk = django_user_model.objects.create_user("clerk")
    boss = django_user_model.objects.create_user("boss")
    boss.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision"))
    boss = django_user_model.objects.get(pk=boss.pk)
    i = _assess(taro, city_tax, 1)
    d = propose_relief(debtor=taro, kind="collection_deferment", instalments=[i], ground=_first_ground("collection_deferment"),
                       reason="災害", start_on=date(2026, 5, 5), end_on=date(2026, 8, 4), user=clerk)
    approve_relief(d, boss, date(2026, 5, 5))
    assert issue_demands(user=operator(), as_of=date(2026, 5, 15)).demands == 0
    assert issue_demands(user=operator(), as_of=date(2026, 8, 5)).demands == 1  # the day after it ends


def _first_ground(kind):
    from saiken.core.relief import GROUNDS

    grounds = GROUNDS.get(kind) or {}
    return next(iter(grounds), "")

"""The core's inputs read from real ledger rows, demands and recorded events."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saiken.core.prescription import Regime
from saiken.ledger import actions
from saiken.ledger.models import Instalment
from saiken.prescription.models import EventKind, PrescriptionEvent
from saiken.prescription.projection import project_instalments

from .conftest import demand

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 1, 10)


def one(instalment, as_of=AS_OF):
    return project_instalments([instalment.pk], as_of)[instalment.pk]


def test_the_first_demand_renews_a_public_claim(cast):
    p = one(cast["nursery"])
    assert (p.runs_from, p.completes_on) == (date(2020, 7, 11), date(2025, 7, 10))
    assert p.basis == "督促（令和2年7月10日）により更新"
    assert (p.regime, p.needs_invocation) == (Regime.PUBLIC, False)


def test_premiums_run_two_years_from_the_rolled_due_date(cast):
    assert cast["nhi"].due_date == date(2022, 8, 1)  # 7/31 was a Sunday
    assert one(cast["nhi"]).completes_on == date(2024, 8, 1)


def test_a_private_claim_from_before_the_reform_keeps_the_old_law(cast, hospital_2019):
    p = one(hospital_2019)
    assert (p.regime, p.completes_on, p.needs_invocation) == (Regime.PRIVATE_OLD, date(2022, 10, 31), True)
    # the contract date decides, not the assessment: arising on 2020-04-01 is the new law's 5 years
    Instalment.objects.filter(pk=hospital_2019.pk).update(arose_on=date(2020, 4, 1))
    p = one(hospital_2019)
    assert (p.regime, p.completes_on) == (Regime.PRIVATE_NEW, date(2024, 10, 31))


def test_a_partial_payment_renews_from_the_day_paid_not_booked(cast, taro, nursery_fee):
    actions.record_payment(debtor=taro, receivable=nursery_fee, amount=10_000, paid_on=date(2021, 3, 15),
                           booked_on=date(2021, 3, 17), instalment=cast["nursery"])
    p = one(cast["nursery"])
    assert (p.runs_from, p.completes_on) == (date(2021, 3, 16), date(2026, 3, 15))
    assert p.basis == "一部納付（令和3年3月15日）により更新"
    # as of a day before the payment, only the demand counted
    assert one(cast["nursery"], as_of=date(2021, 3, 14)).completes_on == date(2025, 7, 10)


def test_a_transfer_renews_from_its_booking_date(cast, taro, nursery_fee):
    paid = actions.assess(debtor=taro, receivable=nursery_fee, fiscal_year=2021, instalment_no=1, nominal_due=date(2021, 6, 30),
                          amount=5_000, assessed_on=date(2021, 4, 1))
    actions.record_payment(debtor=taro, receivable=nursery_fee, amount=8_000, paid_on=date(2021, 6, 1), instalment=paid)
    actions.transfer(source=paid, target=cast["nursery"], amount=3_000, booked_on=date(2022, 1, 20))
    assert one(cast["nursery"]).completes_on == date(2027, 1, 20)


def test_a_city_tax_demand_renews_after_its_ten_day_window(taro, city_tax):
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2024, instalment_no=1, subject="個人市民税",
                       nominal_due=date(2024, 7, 1), amount=25_000, assessed_on=date(2024, 6, 1))
    demand(i, date(2024, 7, 10))
    p = one(i)
    assert (p.regime, p.runs_from, p.completes_on) == (Regime.TAX, date(2024, 7, 21), date(2029, 7, 20))


def test_recorded_events_count(cast, hospital_2019):
    PrescriptionEvent.objects.create(instalment=cast["nursery"], kind=EventKind.SEIZURE, on=date(2024, 11, 1))
    assert one(cast["nursery"]).completes_on is None
    PrescriptionEvent.objects.create(instalment=hospital_2019, kind=EventKind.JUDGMENT, on=date(2021, 5, 20))
    p = one(hospital_2019)
    assert (p.completes_on, p.years) == (date(2031, 5, 20), 10)


def test_deferments_come_from_relief(cast, monkeypatch):
    from saiken.relief import effects

    nursery = cast["nursery"]
    monkeypatch.setattr(effects, "deferment_periods", lambda ids: {nursery.pk: [(date(2023, 1, 1), date(2023, 1, 31))]} if nursery.pk in ids else {})
    assert one(nursery).completes_on == date(2025, 8, 10)


def test_an_execution_stop_from_relief_is_said_but_stops_nothing(cast, monkeypatch):
    from saiken.relief import effects

    nursery = cast["nursery"]
    monkeypatch.setattr(effects, "execution_stops", lambda ids: {nursery.pk: [(date(2023, 4, 1), None)]} if nursery.pk in ids else {})
    p = one(nursery)
    assert p.completes_on == date(2025, 7, 10)
    assert p.basis == "督促（令和2年7月10日）により更新（執行停止中も時効は進行）"


def test_no_deferments_until_relief_offers_them(cast, monkeypatch):
    from saiken.relief import effects

    monkeypatch.delattr(effects, "deferment_periods")
    assert one(cast["nursery"]).completes_on == date(2025, 7, 10)


def test_queries_do_not_grow_with_the_instalments(cast, taro, nursery_fee):
    ids = [cast["nursery"].pk]
    with CaptureQueriesContext(connection) as single:
        project_instalments(ids, AS_OF)
    more = [
        actions.assess(debtor=taro, receivable=nursery_fee, fiscal_year=2022, instalment_no=n, nominal_due=date(2022, 4 + n, 28),
                       amount=1_000 * n, assessed_on=date(2022, 4, 1))
        for n in range(1, 6)
    ]
    for i in more:
        actions.record_payment(debtor=taro, receivable=nursery_fee, amount=100, paid_on=date(2023, 1, 5), instalment=i)
    with CaptureQueriesContext(connection) as many:
        result = project_instalments([*ids, *(i.pk for i in more), cast["hospital"].pk], AS_OF)
    assert len(result) == 7
    assert len(many) == len(single)


def test_a_late_assessment_does_not_move_an_old_claim_under_the_new_law(hanako, hospital):
    """Due 2020-03-31 but entered on 2020-04-10: the claim existed by its due date."""
    i = actions.assess(debtor=hanako, receivable=hospital, fiscal_year=2019, instalment_no=2, nominal_due=date(2020, 3, 31),
                       amount=8_000, assessed_on=date(2020, 4, 10))
    assert one(i).regime == Regime.PRIVATE_OLD
    Instalment.objects.filter(pk=i.pk).update(arose_on=date(2020, 4, 1))  # a contract date recorded wins
    assert one(i).regime == Regime.PRIVATE_NEW

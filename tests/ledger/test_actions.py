"""The ledger's actions on Taro's city tax and nursery fees."""

from datetime import date

import pytest

from saiken.accounting.report import collection_report
from saiken.core.entries import Kind
from saiken.ledger import actions
from saiken.ledger.errors import DuplicatePayment, LedgerError
from saiken.ledger.models import Entry, Instalment, LedgerSummary, Payment
from saiken.ledger.verify import balance_differences, summary_differences

pytestmark = pytest.mark.django_db


def assess(debtor, receivable, amount=10_000, fy=2025, no=1, due=date(2025, 6, 30), on=date(2025, 6, 1), subject=""):
    return actions.assess(
        debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount, assessed_on=on, subject=subject
    )


def pay(debtor, receivable, amount, on, **kw):
    return actions.record_payment(debtor=debtor, receivable=receivable, amount=amount, paid_on=on, **kw)


def assert_ledger_consistent():
    assert list(balance_differences()) == []
    assert list(summary_differences()) == []


def test_assessment_rolls_the_due_date_and_books_one_entry(taro, city_tax):
    i = assess(taro, city_tax, 56_400, fy=2025, no=4, due=date(2026, 1, 31))
    assert i.due_date == date(2026, 2, 2)
    assert i.nominal_due == date(2026, 1, 31)
    assert i.principal_due == 56_400
    assert list(i.entries.values_list("kind", "amount", "settlement_year")) == [("assessment", 56_400, 2025)]
    assert_ledger_consistent()


def nothing_written():
    return Instalment.objects.count() == 0 and Entry.objects.count() == 0 and Payment.objects.count() == 0 and LedgerSummary.objects.count() == 0


@pytest.mark.parametrize("amount", [0, -500])
def test_zero_or_negative_assessment_is_refused_and_writes_nothing(taro, city_tax, amount):
    with pytest.raises(LedgerError, match="1円以上"):
        assess(taro, city_tax, amount)
    assert nothing_written()


def test_assessment_due_before_its_fiscal_year_is_refused(taro, city_tax):
    with pytest.raises(LedgerError, match="年度の開始日") as e:
        assess(taro, city_tax, fy=2025, due=date(2025, 3, 31))
    assert e.value.field == "nominal_due"
    assert nothing_written()


def test_duplicate_instalment_is_refused_and_writes_nothing_more(taro, city_tax):
    assess(taro, city_tax)
    with pytest.raises(LedgerError, match="既に調定"):
        assess(taro, city_tax, amount=99_999)
    assert Instalment.objects.count() == 1
    assert Entry.objects.count() == 1
    assert_ledger_consistent()


def test_same_instalment_number_of_another_subject_is_allowed(taro, city_tax):
    assess(taro, city_tax, subject="個人市民税")
    assess(taro, city_tax, subject="固定資産税")
    assert Instalment.objects.count() == 2


def test_payment_for_unknown_debt_is_refused(taro, hanako, city_tax, nursery_fee):
    assess(taro, city_tax)
    with pytest.raises(LedgerError, match="納付対象の調定がありません"):
        pay(hanako, city_tax, 1_000, date(2025, 7, 1))
    with pytest.raises(LedgerError, match="納付対象の調定がありません"):
        pay(taro, nursery_fee, 1_000, date(2025, 7, 1))
    assert Payment.objects.count() == 0
    assert Entry.objects.count() == 1


@pytest.mark.parametrize("amount", [0, -1])
def test_zero_or_negative_payment_is_refused(taro, city_tax, amount):
    assess(taro, city_tax)
    with pytest.raises(LedgerError):
        pay(taro, city_tax, amount, date(2025, 7, 1))
    assert Payment.objects.count() == 0


def test_payment_goes_to_the_oldest_instalment_first(taro, city_tax):
    first = assess(taro, city_tax, 10_000, no=1, due=date(2025, 6, 30))
    second = assess(taro, city_tax, 10_000, no=2, due=date(2025, 8, 31))
    pay(taro, city_tax, 12_000, date(2025, 9, 10))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.principal_due, second.principal_due) == (0, 8_000)
    assert_ledger_consistent()


def test_public_order_principal_then_late_charge_then_fee(taro, city_tax):
    i = assess(taro, city_tax, 10_000)
    # Late charge and fee components, assessed as the later issues will do.
    from saiken.ledger.booking import book

    book(
        [
            Entry(instalment=i, kind=Kind.ASSESSMENT, component="late_charge", amount=1_200, booked_on=date(2025, 9, 1)),
            Entry(instalment=i, kind=Kind.ASSESSMENT, component="fee", amount=100, booked_on=date(2025, 9, 1)),
        ],
        {i.id: (i.receivable_id, i.fiscal_year)},
    )
    posted = pay(taro, city_tax, 10_500, date(2025, 9, 10))
    assert [(e.component, e.amount) for e in posted.entries] == [("principal", 10_000), ("late_charge", 500)]
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due, i.fee_due) == (0, 700, 100)
    assert_ledger_consistent()


def test_private_claim_takes_costs_and_interest_before_principal(taro, housing):
    i = assess(taro, housing, 40_000, due=date(2025, 4, 30))
    from saiken.ledger.booking import book

    book([Entry(instalment=i, kind=Kind.ASSESSMENT, component="late_charge", amount=300, booked_on=date(2025, 6, 1))], {i.id: (i.receivable_id, i.fiscal_year)})
    posted = pay(taro, housing, 1_000, date(2025, 6, 2))
    assert [(e.component, e.amount) for e in posted.entries] == [("late_charge", 300), ("principal", 700)]


def test_overpayment_is_held_then_refunded(taro, city_tax):
    i = assess(taro, city_tax, 10_000)
    posted = pay(taro, city_tax, 10_300, date(2025, 6, 20), instalment=i)
    assert posted.overpaid == 300
    i.refresh_from_db()
    assert (i.principal_due, i.overpaid) == (0, 300)
    with pytest.raises(LedgerError, match="超えています"):
        actions.refund(instalment=i, amount=301, booked_on=date(2025, 7, 1))
    actions.refund(instalment=i, amount=300, booked_on=date(2025, 7, 1))
    i.refresh_from_db()
    assert i.overpaid == 0
    report = collection_report(2025)
    city = next(r for r in report.rows if r.label == "市税")
    assert city.line.current.collected == 10_000  # the overpayment is not revenue
    assert_ledger_consistent()


def test_transfer_applies_an_overpayment_to_another_debt_of_the_same_person(taro, hanako, city_tax, nursery_fee):
    tax = assess(taro, city_tax, 10_000)
    fee = assess(taro, nursery_fee, 5_000, due=date(2025, 7, 31))
    other = assess(hanako, nursery_fee, 5_000, due=date(2025, 7, 31))
    pay(taro, city_tax, 13_000, date(2025, 6, 20), instalment=tax)
    with pytest.raises(LedgerError, match="別の債務者"):
        actions.transfer(source=tax, target=other, amount=3_000, booked_on=date(2025, 7, 1))
    with pytest.raises(LedgerError, match="過誤納金"):
        actions.transfer(source=tax, target=fee, amount=3_001, booked_on=date(2025, 7, 1))
    actions.transfer(source=tax, target=fee, amount=3_000, booked_on=date(2025, 7, 1))
    tax.refresh_from_db()
    fee.refresh_from_db()
    assert (tax.overpaid, fee.principal_due) == (0, 2_000)
    report = collection_report(2025)
    nursery = next(r for r in report.rows if r.label == "保育料")
    assert nursery.line.current.collected == 3_000  # 充当 counts as collected on the target
    assert_ledger_consistent()


def test_decrease_after_payment_sets_the_excess_aside(taro, city_tax):
    i = assess(taro, city_tax, 10_000)
    pay(taro, city_tax, 10_000, date(2025, 6, 20))
    actions.correct_assessment(instalment=i, delta=-3_000, booked_on=date(2025, 8, 1), reason="減額更正（所得更正）")
    i.refresh_from_db()
    assert (i.principal_due, i.overpaid) == (0, 3_000)
    line = next(r for r in collection_report(2025).rows if r.label == "市税").line
    assert (line.current.assessed, line.current.collected) == (7_000, 7_000)
    with pytest.raises(LedgerError, match="調定額"):
        actions.correct_assessment(instalment=i, delta=-7_001, booked_on=date(2025, 8, 2), reason="誤り")
    assert_ledger_consistent()


def test_write_off_books_every_component_with_its_reason(taro, city_tax):
    i = assess(taro, city_tax, 10_000, fy=2019, due=date(2019, 6, 30), on=date(2019, 6, 1))
    pay(taro, city_tax, 4_000, date(2020, 1, 10))
    entries = actions.write_off(instalment=i, booked_on=date(2024, 7, 1), reason="prescription")
    assert [(e.kind, e.amount, e.reason) for e in entries] == [("write_off", 6_000, "prescription")]
    with pytest.raises(LedgerError, match="未納額がない"):
        actions.write_off(instalment=i, booked_on=date(2024, 7, 2), reason="prescription")
    with pytest.raises(LedgerError, match="理由"):
        actions.write_off(instalment=assess(taro, city_tax, fy=2020, due=date(2020, 6, 30), on=date(2020, 6, 1)), booked_on=date(2024, 7, 1), reason="tired")
    assert_ledger_consistent()


def test_duplicate_payment_reference_pays_once(taro, city_tax):
    assess(taro, city_tax)
    pay(taro, city_tax, 5_000, date(2025, 6, 20), reference="bank-20250620-0001")
    with pytest.raises(DuplicatePayment):
        pay(taro, city_tax, 5_000, date(2025, 6, 20), reference="bank-20250620-0001")
    assert Payment.objects.count() == 1


def test_closing_period_payment_counts_in_the_closing_year(taro, city_tax):
    """出納整理期間: paid 2026-05-29 against FY2025 → FY2025's settlement; 6/1 → FY2026 arrears."""
    a = assess(taro, city_tax, 10_000, fy=2025, no=1, due=date(2026, 1, 31), on=date(2025, 6, 1))
    b = assess(taro, city_tax, 10_000, fy=2025, no=2, due=date(2026, 2, 28), on=date(2025, 6, 1))
    pay(taro, city_tax, 10_000, date(2026, 5, 29), instalment=a)
    pay(taro, city_tax, 4_000, date(2026, 6, 1), instalment=b)
    assert Entry.objects.get(instalment=a, kind="payment").settlement_year == 2025
    assert Entry.objects.get(instalment=b, kind="payment").settlement_year == 2026
    fy2025 = next(r for r in collection_report(2025).rows if r.label == "市税").line
    assert (fy2025.current.assessed, fy2025.current.collected, fy2025.current.unpaid) == (20_000, 10_000, 10_000)
    fy2026 = next(r for r in collection_report(2026).rows if r.label == "市税").line
    # 現年 → 滞繰 at the change of fiscal year: the 10,000 unpaid on May 31 is FY2026's arrears.
    assert fy2026.current.assessed == 0
    assert (fy2026.arrears.assessed, fy2026.arrears.collected, fy2026.arrears.unpaid) == (10_000, 4_000, 6_000)


def test_check_ledger_reports_a_tampered_balance(taro, city_tax):
    i = assess(taro, city_tax, 10_000)
    Instalment.objects.filter(pk=i.pk).update(principal_due=9_000)
    LedgerSummary.objects.filter(kind="assessment").update(amount=1)
    diffs = list(balance_differences())
    assert [(d.field, d.cached, d.recomputed) for d in diffs] == [("principal_due", 9_000, 10_000)]
    summary = list(summary_differences())
    assert [(d.field, d.cached, d.recomputed) for d in summary] == [("amount", 1, 10_000)]

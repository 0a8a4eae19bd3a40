"""The demo city's direct debit (口座振替): mandates for about a third of the people who owe
市税 or 保育料 this year, a request written for the next debit date, the bank's answer with a
few percent failing, and the import that posts the rest.

A city of 400 people as of 2026-11-27 (seed 7), as tests/test_demo_city.py builds it.
"""

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saiken.core.formats.banks import check_branch
from saiken.core.formats.kana import name_error
from saiken.demo.city import DEBIT_RECEIVABLES, CityConfig, plan_block
from saiken.demo.debits import bank_answer, next_debit_date
from saiken.demo.load import load_city, operator
from saiken.ledger.models import Instalment
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments.imports import import_payments
from saiken.payments.models import DebitRun, DirectDebitMandate, ReceivedPayment

AS_OF = date(2026, 11, 27)
CITY = CityConfig(seed=7, debtors=400, as_of=AS_OF)


def quiet(_line: str) -> None:
    pass


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


def _owing_this_year(block, cfg):
    return {(i.record, i.receivable) for i in block.instalments if i.receivable in DEBIT_RECEIVABLES and i.fiscal_year == cfg.last_fy}


def test_a_third_of_those_owing_city_tax_or_nursery_fees_this_year_pay_by_debit():
    block = plan_block(CITY, 0, CITY.debtors)
    pairs = {(m.record, m.receivable) for m in block.mandates}
    assert len(pairs) == len(block.mandates)  # one mandate per person and receivable
    assert {r for _, r in pairs} == set(DEBIT_RECEIVABLES)
    owing = _owing_this_year(block, CITY)
    assert pairs <= owing | {(m.record, m.receivable) for m in block.mandates}
    assert 0.25 <= len(pairs & owing) / len(owing) <= 0.45
    debited = [i for i in block.instalments if (i.record, i.receivable) in pairs and i.fiscal_year == CITY.last_fy]
    this_year = [i for i in block.instalments if i.receivable in DEBIT_RECEIVABLES and i.fiscal_year == CITY.last_fy]
    assert 0.25 <= len(debited) / len(this_year) <= 0.45
    for m in block.mandates:
        check_branch(m.bank_code, m.branch_code)  # a real bank and branch of the 全銀協 master
        assert name_error(m.holder_kana) is None and 0 < len(m.holder_kana) <= 30
        assert m.account_type in ("1", "2", "3") and len(m.account_number) == 7 and m.account_number.isdigit()
        assert m.valid_from <= AS_OF


def test_the_share_is_a_parameter_and_changes_nothing_else():
    base = plan_block(CITY, 0, 120)
    none = plan_block(CityConfig(seed=7, debtors=400, as_of=AS_OF, debit_share=0.0), 0, 120)
    every = plan_block(CityConfig(seed=7, debtors=400, as_of=AS_OF, debit_share=1.0), 0, 120)
    assert none.mandates == [] and len(every.mandates) == len(_owing_this_year(every, CITY) | {(m.record, m.receivable) for m in every.mandates})
    for other in (none, every):
        assert (other.records, other.instalments, other.payments, other.write_offs) == (base.records, base.instalments, base.payments, base.write_offs)
    assert plan_block(CITY, 0, 120).mandates == base.mandates  # the same seed, the same mandates
    with pytest.raises(ValueError):
        CityConfig(seed=7, debtors=1, as_of=AS_OF, debit_share=1.5)


def test_bank_answer_fails_the_share_asked_for_the_same_way_each_time():
    from saiken.core.formats.zengin import DebitItem, write_debit_request

    items = [DebitItem("0140", "ﾀﾞｲｼﾎｸｴﾂ", "270", "ﾆｲｶﾞﾀ", "1", f"{n:07d}", "ﾔﾏﾀﾞ ﾀﾛｳ", 1_000 + n, f"{n:020d}") for n in range(1, 101)]
    request = write_debit_request(consignor_code="1234567890", consignor_name="ﾆｲｶﾞﾀｼ", debit_date=date(2024, 2, 29), bank_code="0140",
                                  bank_name="ﾀﾞｲｼﾎｸｴﾂ", branch_code="270", branch_name="ﾆｲｶﾞﾀ", account_type="1", account_number="1111111", items=items)
    answer = bank_answer(request, fail_rate=0.03, seed=5)
    assert (answer.records, len(answer.failed)) == (100, 3)
    assert set(answer.failed.values()) <= {"1", "2", "3", "4", "9"}
    assert bank_answer(request, fail_rate=0.03, seed=5) == answer
    assert len(bank_answer(request, fail_rate=0.001, seed=5).failed) == 1  # a few percent of a small file: one
    assert bank_answer(request, fail_rate=0.0).failed == {}
    assert len(bank_answer(request, fail_rate=1.0).failed) == 100


@pytest.mark.django_db
def test_round_trip_on_the_demo_city(tmp_path):
    """export-debits on the next debit date, the bank's answer with failures, the import:
    the paid instalments are settled, the failed ones stay owed and are named."""
    done = load_city(CITY, progress=quiet)
    assert done.mandates == DirectDebitMandate.objects.count() > 0
    debit_date = next_debit_date(AS_OF)
    assert debit_date is not None and AS_OF < debit_date <= date(2027, 3, 31)  # a due date of the demo's current year
    out = io.StringIO()
    call_command("demo_debit_result", "--next-date", "--after", AS_OF.isoformat(), stdout=out)
    assert out.getvalue().strip() == debit_date.isoformat()

    request = tmp_path / "request.dat"
    call_command("export_debits", "--date", debit_date.isoformat(), "--out", str(request), "--user", operator().username, stdout=io.StringIO())
    run = DebitRun.objects.get()
    asked = [int(line[0]) for line in run.lines]
    assert run.items == len(asked) >= 10

    result = tmp_path / "result.dat"
    out = io.StringIO()
    call_command("demo_debit_result", "--request", str(request), "--out", str(result), "--fail-rate", "0.05", "--seed", "2", stdout=out)
    failed = {int(c): code for c, code in bank_answer(request.read_bytes(), fail_rate=0.05, seed=2).failed.items()}
    assert len(failed) == max(1, round(len(asked) * 0.05))
    assert f"振替不能 {len(failed)}件" in out.getvalue()

    batch = import_payments(result.read_bytes(), format="zengin-debit-result", filename="result.dat", user=operator())
    assert (batch.records, batch.posted, batch.failed) == (len(asked), len(asked) - len(failed), len(failed))
    due = dict(Instalment.objects.filter(pk__in=asked).values_list("pk", "principal_due"))
    assert all(due[i] > 0 for i in failed) and all(due[i] == 0 for i in asked if i not in failed)
    reasons = Counter(ReceivedPayment.objects.filter(status="failed").values_list("result_code", flat=True))
    assert reasons == Counter(failed.values())
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_the_command_asks_for_a_request_or_the_date(tmp_path):
    with pytest.raises(CommandError):
        call_command("demo_debit_result", "--out", str(tmp_path / "x.dat"))

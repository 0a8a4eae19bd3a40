"""The contract date (契約日・債権の発生日) chooses a private claim's law.

改正民法附則10条4項: a claim arising after 2020-04-01 from a contract made before it
stays under the old civil code (奨学金 10 years, 旧民法167条1項); from a contract made
on or after it, the new code's 5 years from when the city knew it could claim
(民法166条1項1号; the due date), 10 from when it could be exercised.

Cast: two 奨学金 instalments, both due 2020-06-30 (after the reform), taro's from a
contract of 2015-03-01, hanako's from one of 2020-04-01 (the first day of the new law).
"""

from datetime import date

import pytest

from saiken.catalog.models import ReceivableType
from saiken.core.prescription import Regime
from saiken.ledger import actions
from saiken.ledger.bulk import AssessmentRequest, assess_bulk
from saiken.ledger.errors import BatchRejected, LedgerError
from saiken.ledger.models import Instalment
from saiken.prescription.actions import PrescriptionError, record_event
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import project_instalments, refresh
from saiken.prescription.warnings import extinguished_by_prescription, proposals, warning_list
from saiken.relief import writeoff
from tests.conftest import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def scholarship(db):
    return ReceivableType.objects.get(code="scholarship_loan")


def loan(debtor, receivable, contract, *, due=date(2020, 6, 30), fy=2020, no=1):
    return actions.assess(debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=no, nominal_due=due,
                          amount=24_000, assessed_on=date(fy, 4, 1), arose_on=contract)


@pytest.fixture
def loans(taro, hanako, scholarship):
    return loan(taro, scholarship, date(2015, 3, 1)), loan(hanako, scholarship, date(2020, 4, 1))


def test_the_contract_date_is_stored(loans):
    old, new = loans
    assert (Instalment.objects.get(pk=old.pk).arose_on, Instalment.objects.get(pk=new.pk).arose_on) == (date(2015, 3, 1), date(2020, 4, 1))


@pytest.mark.parametrize(
    "contract, regime, years, completes_on",
    [
        (date(2015, 3, 1), Regime.PRIVATE_OLD, 10, date(2033, 6, 30)),
        (date(2020, 3, 31), Regime.PRIVATE_OLD, 10, date(2033, 6, 30)),  # the last day of the old law
        (date(2020, 4, 1), Regime.PRIVATE_NEW, 5, date(2028, 6, 30)),
        (date(2021, 4, 1), Regime.PRIVATE_NEW, 5, date(2028, 6, 30)),
        (None, Regime.PRIVATE_NEW, 5, date(2028, 6, 30)),  # no contract date: the assessment's (2023-04-01)
    ],
)
def test_a_loan_instalment_due_2023_projects_by_its_contract_date(taro, scholarship, contract, regime, years, completes_on):
    i = loan(taro, scholarship, contract, due=date(2023, 6, 30), fy=2023)
    p = project_instalments([i.pk], date(2026, 12, 1))[i.pk]
    assert (p.regime, p.years, p.completes_on, p.needs_invocation) == (regime, years, completes_on, True)
    if regime is Regime.PRIVATE_OLD:
        assert p.basis == "旧民法: 弁済期（令和5年6月30日）の翌日から10年"


def test_warnings_and_write_off_follow_the_contract_date(loans, clerk_user):
    old, new = loans
    # the new-law loan completes on 2025-06-30 and is warned; the old-law one not before 2030
    refresh(date(2025, 1, 1))
    assert [r.instalment_id for r in warning_list(date(2025, 1, 1))] == [new.pk]
    assert PrescriptionStatus.objects.get(instalment=old).completes_on == date(2030, 6, 30)
    # after 2025-06-30 the debtor of the new-law loan may invoke it; the other may not
    as_of = date(2025, 12, 1)
    record_event(instalment=new, kind="invoked", on=date(2025, 11, 20), user=clerk_user, today=as_of)
    with pytest.raises(PrescriptionError, match="完成していません"):
        record_event(instalment=old, kind="invoked", on=date(2025, 11, 20), user=clerk_user, today=as_of)
    refresh(as_of)
    assert [r.instalment_id for r in proposals(as_of).invoked] == [new.pk]
    assert extinguished_by_prescription(as_of) == [(new.pk, "invoked", date(2025, 11, 20))]
    assert writeoff.run(as_of, user=operator()).total.count == 1
    old.refresh_from_db()
    assert old.principal_due == 24_000


def test_a_contract_after_the_due_date_is_refused(taro, scholarship):
    with pytest.raises(LedgerError, match="契約日") as excinfo:
        loan(taro, scholarship, date(2020, 7, 1))
    assert excinfo.value.field == "arose_on"
    # the due date itself is fine: the instalment falls due on the day of the contract
    assert loan(taro, scholarship, date(2020, 6, 30)).arose_on == date(2020, 6, 30)


def test_the_bulk_assessment_stores_and_checks_the_contract_date(taro, hanako, scholarship):
    common = dict(receivable_id=scholarship.pk, fiscal_year=2023, instalment_no=1, nominal_due=date(2023, 6, 30), amount=12_000,
                  assessed_on=date(2023, 4, 1))
    with pytest.raises(BatchRejected) as excinfo:
        assess_bulk([AssessmentRequest(debtor_id=taro.pk, arose_on=date(2023, 7, 1), **common)])
    assert [(e.line, e.field) for e in excinfo.value.errors] == [(1, "arose_on")]
    assess_bulk([AssessmentRequest(debtor_id=taro.pk, arose_on=date(2015, 3, 1), **common), AssessmentRequest(debtor_id=hanako.pk, **common)])
    assert dict(Instalment.objects.values_list("debtor_id", "arose_on")) == {taro.pk: date(2015, 3, 1), hanako.pk: None}


# --- a loan already in the ledger: its contract date recorded afterwards ---------------------


def test_recording_the_contract_date_of_a_loan_moves_it_to_the_old_law(taro, scholarship, clerk_user):
    from saiken.audit.models import AuditEvent
    from saiken.prescription.actions import record_contract_date

    instalments = [loan(taro, scholarship, None, due=date(fy, 6, 30), fy=fy) for fy in (2021, 2022, 2023)]
    refresh(date(2025, 1, 1))
    assert PrescriptionStatus.objects.get(instalment=instalments[0]).regime == Regime.PRIVATE_NEW.value
    assert record_contract_date(debtor=taro, receivable=scholarship, arose_on=date(2015, 3, 1), fiscal_years=(2021, 2022),
                                user=clerk_user, today=date(2025, 1, 1)) == 2
    statuses = {s.instalment_id: s for s in PrescriptionStatus.objects.all()}
    assert [statuses[i.pk].regime for i in instalments] == [Regime.PRIVATE_OLD.value, Regime.PRIVATE_OLD.value, Regime.PRIVATE_NEW.value]
    assert statuses[instalments[0].pk].completes_on == date(2031, 6, 30)  # 10 years, 旧民法167条1項
    event = AuditEvent.objects.get(action="prescription.contract_date")
    assert (event.user, event.debtor_id, event.detail["arose_on"]) == (clerk_user, taro.pk, "2015-03-01")


def test_a_contract_date_is_refused_after_a_due_date_in_the_future_or_after_an_event(taro, scholarship):
    from saiken.prescription.actions import record_contract_date

    i = loan(taro, scholarship, None, due=date(2021, 6, 30), fy=2021)
    today = date(2025, 1, 1)
    with pytest.raises(PrescriptionError, match="納期限"):
        record_contract_date(debtor=taro, receivable=scholarship, arose_on=date(2021, 7, 1), today=today)
    with pytest.raises(PrescriptionError, match="未来の日付"):
        record_contract_date(debtor=taro, receivable=scholarship, arose_on=date(2025, 1, 2), today=today)
    record_event(instalment=i, kind="acknowledgement", on=date(2021, 5, 1), today=today)
    with pytest.raises(PrescriptionError, match="債務の承認"):
        record_contract_date(debtor=taro, receivable=scholarship, arose_on=date(2021, 5, 2), today=today)
    with pytest.raises(PrescriptionError, match="該当する調定がありません"):
        record_contract_date(debtor=taro, receivable=scholarship, arose_on=date(2015, 3, 1), fiscal_years=(2010, 2012), today=today)
    assert Instalment.objects.get(pk=i.pk).arose_on is None


def test_the_command_records_a_contract_date(taro, scholarship):
    from io import StringIO

    from django.core.management import CommandError, call_command

    loan(taro, scholarship, None, due=date(2023, 6, 30), fy=2023)
    out = StringIO()
    call_command("record_contract_date", debtor=taro.pk, receivable="scholarship_loan", date=date(2015, 3, 1), stdout=out)
    assert "1 期別に契約日 平成27年3月1日 を登録しました" in out.getvalue()
    assert Instalment.objects.get().arose_on == date(2015, 3, 1)
    with pytest.raises(CommandError, match="債権コード"):
        call_command("record_contract_date", debtor=taro.pk, receivable="nope", date=date(2015, 3, 1))
    with pytest.raises(CommandError, match="fiscal-years"):
        call_command("record_contract_date", debtor=taro.pk, receivable="scholarship_loan", date=date(2015, 3, 1), fiscal_years="x")

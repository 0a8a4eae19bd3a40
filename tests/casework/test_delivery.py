"""Delivery of demand notices through the actions (saiken.demands.delivery): a return
takes away the renewal of prescription and the seizure date until a re-send (renewal
from its delivery) or a 公示送達 (from its effective day); who may record; the audit
rows. The cast is tests/casework/conftest.py: every instalment due 2024-07-01 and
demanded by the run of 2024-07-10 (差押可能日 2024-07-21)."""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.cases import dispositions
from saiken.cases.actions import CaseError
from saiken.demands import delivery
from saiken.demands.compliance import returned_counts
from saiken.demands.models import Demand, DeliveryEvent
from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import project_instalments
from tests.casework.conftest import SEIZURE_FROM, TODAY
from tests.conftest import staff

pytestmark = pytest.mark.django_db

RETURNED = date(2024, 7, 16)
RESENT = date(2024, 8, 5)


def notice(instalment) -> Demand:
    return Demand.objects.get(lines__instalment=instalment)


def runs_from(instalment, as_of=TODAY):
    return project_instalments([instalment.pk], as_of)[instalment.pk].runs_from


def seize(case, instalment, on, user):
    return dispositions.record_disposition(case, kind="seizure_deposit", instalments=[instalment], decided_on=on, user=user, today=TODAY,
                                           property_description="普通預金", third_party_name="第四北越銀行 本店", amount=100_000)


def test_a_return_takes_away_the_renewal_and_the_seizure_date_until_a_resend(taro_case, taro_tax, tax_clerk):
    d = notice(taro_tax)
    # Tax: renewed by the 督促 sent 7/10, runs again after 10 days counted from it.
    assert runs_from(taro_tax) == date(2024, 7, 21)
    delivery.record_return(d, returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    d.refresh_from_db()
    assert (d.returned, d.seizure_from) == (True, None)
    assert runs_from(taro_tax) == date(2024, 7, 2)  # no renewal: from the day after the due date
    status = PrescriptionStatus.objects.get(instalment=taro_tax)
    assert status.runs_from == date(2024, 7, 2)  # the cached status is refreshed in the same action
    with pytest.raises(CaseError, match="返戻され、送達されていません"):
        seize(taro_case, taro_tax, date(2024, 9, 10), tax_clerk)

    delivery.record_resend(d, sent_on=RESENT, address="新潟市東区東新町2-1", postal_code="950-0000", user=tax_clerk, today=TODAY)
    d.refresh_from_db()
    # sent 8/5 = day 1; ten days have passed on 8/15 → seizure from 8/16 (the 指定期限 7/20 is long past)
    assert (d.returned, d.seizure_from) == (False, date(2024, 8, 16))
    assert runs_from(taro_tax) == date(2024, 8, 16)
    assert PrescriptionStatus.objects.get(instalment=taro_tax).runs_from == date(2024, 8, 16)
    with pytest.raises(CaseError, match="差押えは令和6年8月16日から可能です"):
        seize(taro_case, taro_tax, date(2024, 8, 15), tax_clerk)
    assert seize(taro_case, taro_tax, date(2024, 8, 16), tax_clerk).decided_on == date(2024, 8, 16)


def test_a_publication_renews_from_its_effective_day(demanded, taro_nursery, nursery_clerk):
    # 保育料: forcible, not tax — the 督促 renews from the day after it took effect.
    d = notice(taro_nursery)
    assert runs_from(taro_nursery) == date(2024, 7, 11)
    delivery.record_return(d, returned_on=RETURNED, reason="unknown_address", user=nursery_clerk, today=TODAY)
    event = delivery.record_publication(d, posted_on=RESENT, note="住民票・近隣調査で不明", user=nursery_clerk, today=TODAY)
    assert event.effective_on == date(2024, 8, 12)  # posted 8/5 = day 1, 7 days passed on 8/12
    assert runs_from(taro_nursery, as_of=date(2024, 8, 11)) == date(2024, 7, 2)  # the 7th day: not yet in effect
    assert runs_from(taro_nursery, as_of=date(2024, 8, 12)) == date(2024, 8, 13)
    d.refresh_from_db()
    # 発した日 = the posting day (8/5) → 8/16, after the effective day
    assert (d.returned, d.seizure_from) == (False, date(2024, 8, 16))


def test_a_private_publication_takes_two_weeks(demanded, hanako_rent, housing_clerk):
    d = notice(hanako_rent)
    delivery.record_return(d, returned_on=RETURNED, reason="unclaimed", user=housing_clerk, today=TODAY)
    event = delivery.record_publication(d, posted_on=RESENT, user=housing_clerk, today=TODAY)
    assert event.effective_on == date(2024, 8, 20)  # 民法98条3項: 8/6–8/19, reached at the start of 8/20
    d.refresh_from_db()
    assert d.seizure_from is None  # a private claim is never seized


def test_a_confirmed_delivery_after_the_ten_days_moves_both_dates(demanded, taro_tax, tax_clerk):
    d = notice(taro_tax)
    delivery.record_delivery(d, delivered_on=date(2024, 7, 25), note="保管後に受領", user=tax_clerk, today=TODAY)
    d.refresh_from_db()
    assert d.seizure_from == date(2024, 7, 26)
    assert runs_from(taro_tax) == date(2024, 7, 26)
    with pytest.raises(delivery.DeliveryError, match="送達が確認されています"):
        delivery.record_return(d, returned_on=date(2024, 7, 27), reason="other", user=tax_clerk, today=TODAY)


def test_presumed_mail_days_are_a_setting(demanded, settings, taro_tax, tax_clerk):
    settings.SAIKEN_DEMAND_PRESUMED_MAIL_DAYS = 2
    assert runs_from(taro_tax) == date(2024, 7, 21)  # tax: the wait still counts from the sending
    settings.SAIKEN_SEIZURE_COUNTS_FROM_DELIVERY = True
    d = notice(taro_tax)
    delivery.record_return(d, returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    delivery.record_resend(d, sent_on=RESENT, address="新潟市東区東新町2-1", user=tax_clerk, today=TODAY)
    d.refresh_from_db()
    assert d.seizure_from == date(2024, 8, 18)  # delivered 8/7, counted from it: 8/17 → 8/18


def test_the_steps_must_follow_each_other(demanded, taro_tax, tax_clerk):
    d = notice(taro_tax)
    with pytest.raises(delivery.DeliveryError, match="返戻として記録されていない"):
        delivery.record_resend(d, sent_on=RESENT, address="新潟市", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="返戻となり再送付していない"):
        delivery.record_publication(d, posted_on=RESENT, user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="発付日"):
        delivery.record_return(d, returned_on=date(2024, 7, 9), reason="moved", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="未来の日付"):
        delivery.record_return(d, returned_on=date(2025, 6, 3), reason="moved", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="返戻の理由"):
        delivery.record_return(d, returned_on=RETURNED, reason="", user=tax_clerk, today=TODAY)
    delivery.record_return(d, returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="返戻として記録済み"):
        delivery.record_return(d, returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="返戻日（令和6年7月16日）より前"):
        delivery.record_resend(d, sent_on=date(2024, 7, 15), address="新潟市", user=tax_clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="住所"):
        delivery.record_resend(d, sent_on=RESENT, address="  ", user=tax_clerk, today=TODAY)
    assert DeliveryEvent.objects.count() == 1


def test_only_the_owning_department_may_record(demanded, taro_tax, nursery_clerk, django_user_model):
    d = notice(taro_tax)
    auditor = staff(django_user_model.objects.create_user("auditor", password="pass-1234"), "auditor", "nozei")
    for user in (nursery_clerk, auditor, None):
        with pytest.raises(delivery.DeliveryError, match="権限がありません"):
            delivery.record_return(d, returned_on=RETURNED, reason="moved", user=user, today=TODAY)
    d.refresh_from_db()
    assert not d.returned and d.seizure_from == SEIZURE_FROM
    assert not DeliveryEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="demand.r").exists()


def test_each_step_writes_an_audit_row(demanded, taro, taro_tax, tax_clerk):
    d = notice(taro_tax)
    delivery.record_return(d, returned_on=RETURNED, reason="refused", user=tax_clerk, today=TODAY)
    delivery.record_resend(d, sent_on=RESENT, address="新潟市東区東新町2-1", user=tax_clerk, today=TODAY)
    delivery.record_return(d, returned_on=date(2024, 8, 9), reason="unknown_address", user=tax_clerk, today=TODAY)
    delivery.record_publication(d, posted_on=date(2024, 9, 2), user=tax_clerk, today=TODAY)
    rows = list(AuditEvent.objects.filter(action__startswith="demand.").exclude(action="demand.issue").order_by("id"))
    assert [r.action for r in rows] == ["demand.returned", "demand.resent", "demand.returned", "demand.published"]
    assert {r.debtor_id for r in rows} == {taro.pk} and {r.user for r in rows} == {tax_clerk}
    assert rows[0].summary == f"督促状 {d.number} 返戻（令和6年7月16日、受取拒否）"
    assert rows[3].detail["effective_on"] == "2024-09-09" and rows[3].detail["seizure_from"] == "2024-09-13"


def test_the_compliance_counts_returned_notices_per_department(demanded, taro_tax, taro_nursery, tax_clerk, nursery_clerk):
    delivery.record_return(notice(taro_tax), returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    delivery.record_return(notice(taro_nursery), returned_on=RETURNED, reason="moved", user=nursery_clerk, today=TODAY)
    assert sorted((name, n) for _, name, n in returned_counts()) == [("こども未来部 保育課", 1), ("財務部 納税課", 1)]
    count, rows = delivery.returned_notices(nursery_clerk)
    assert count == 1 and rows[0].receivable.code == "nursery_fee" and rows[0].last_return.reason == "moved"


def test_check_ledger_proves_the_cached_delivery_state(demanded, taro_tax, tax_clerk):
    from saiken.demands.delivery_state import differences

    d = notice(taro_tax)
    delivery.record_return(d, returned_on=RETURNED, reason="moved", user=tax_clerk, today=TODAY)
    delivery.record_resend(d, sent_on=RESENT, address="新潟市東区東新町2-1", user=tax_clerk, today=TODAY)
    assert list(differences()) == []
    Demand.objects.filter(pk=d.pk).update(seizure_from=SEIZURE_FROM)
    Demand.objects.exclude(pk=d.pk).filter(receivable__code="nursery_fee").update(returned=True)
    found = sorted((x.field, x.cached, x.recomputed) for x in differences())
    assert found == [("差押可能日", SEIZURE_FROM.toordinal(), date(2024, 8, 16).toordinal()), ("返戻中", 1, 0)]


def test_no_court_step_on_a_returned_notice(hanako_case, hanako_rent, housing_clerk):
    delivery.record_return(notice(hanako_rent), returned_on=RETURNED, reason="unknown_address", user=housing_clerk, today=TODAY)
    with pytest.raises(CaseError, match="返戻され、送達されていません"):
        dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hanako_rent], decided_on=date(2024, 9, 2),
                                        court_name="新潟簡易裁判所", user=housing_clerk, today=TODAY)

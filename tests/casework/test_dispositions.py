"""Dispositions: who may do what, the seizure date, a payment that beats the seizure,
realisation into the ledger, the prescription events, and an audit row for each."""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.cases import dispositions
from saiken.cases.actions import CaseError
from saiken.cases.models import ContactEntry, ContactKind, CourtResult, Disposition, Realisation
from saiken.core.relief import ClassKey
from saiken.demands.models import Demand
from saiken.ledger import actions as ledger
from saiken.ledger import verify
from saiken.ledger.models import Channel, Payment
from saiken.prescription.models import EventKind, PrescriptionEvent, PrescriptionStatus
from tests.casework.conftest import DEMANDED, DESIGNATED, SEIZURE_FROM, TODAY

pytestmark = pytest.mark.django_db


def seize(case, instalments, on, user, **kw):
    kw.setdefault("third_party_name", "第四北越銀行 本店")
    return dispositions.record_disposition(case, kind="seizure_deposit", instalments=instalments, decided_on=on, user=user, today=TODAY,
                                           property_description="普通預金 口座番号1234567", amount=200_000, **kw)


def test_the_allowed_kinds_are_data_by_class():
    seizures = {"seizure_deposit", "seizure_wage", "seizure_receivable", "seizure_real_estate", "seizure_vehicle"}
    assert set(dispositions.ALLOWED[ClassKey.TAX]) == seizures | {"claim_filing", "participation"}
    assert dispositions.ALLOWED[ClassKey.FORCIBLE] == dispositions.ALLOWED[ClassKey.TAX]
    assert set(dispositions.ALLOWED[ClassKey.PRIVATE]) == {"payment_order", "lawsuit", "execution"}
    assert dispositions.ALLOWED[ClassKey.NON_FORCIBLE] == dispositions.ALLOWED[ClassKey.PRIVATE]


def test_the_demand_run_set_the_seizure_date_by_article_331(taro_tax, demanded):
    # Issued 7/10; counting it as day 1, ten days end on 7/19; unpaid then → seizure from 7/21 (指定期限 7/20 + 1).
    d = Demand.objects.get(lines__instalment=taro_tax)
    assert (d.issued_on, d.designated_deadline, d.seizure_from) == (DEMANDED, DESIGNATED, SEIZURE_FROM)


def test_a_seizure_is_refused_for_a_private_claim(hanako_case, hanako_rent, housing_clerk):
    with pytest.raises(CaseError, match="差押（預貯金）は市営住宅使用料・駐車場使用料（私債権）にはできません"):
        seize(hanako_case, [hanako_rent], date(2025, 1, 6), housing_clerk)
    assert not Disposition.objects.exists() and not PrescriptionEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="case.disposition").exists()


def test_a_payment_order_is_refused_for_city_tax(taro_case, taro_tax, tax_clerk):
    with pytest.raises(CaseError, match="支払督促は市税（強制徴収公債権）にはできません"):
        dispositions.record_disposition(taro_case, kind="payment_order", instalments=[taro_tax], decided_on=date(2025, 1, 6),
                                        court_name="新潟簡易裁判所", user=tax_clerk, today=TODAY)
    assert not Disposition.objects.exists()


def test_the_private_claim_goes_to_court_after_the_designated_deadline(hanako_case, hanako_rent, housing_clerk):
    kw = dict(kind="payment_order", instalments=[hanako_rent], court_name="新潟簡易裁判所", user=housing_clerk, today=TODAY)
    with pytest.raises(CaseError, match="指定期限"):
        dispositions.record_disposition(hanako_case, decided_on=DESIGNATED, **kw)
    d = dispositions.record_disposition(hanako_case, decided_on=date(2024, 7, 21), **kw)
    assert d.legal_basis.startswith("地方自治法施行令171条の2第3号")
    e = PrescriptionEvent.objects.get(instalment=hanako_rent)
    assert (e.kind, e.on, e.ended_on) == (EventKind.COURT, date(2024, 7, 21), None)


def test_the_day_before_the_seizure_date_is_refused(taro_case, taro_tax, tax_clerk):
    with pytest.raises(CaseError, match="差押えは令和6年7月21日から可能です"):
        seize(taro_case, [taro_tax], date(2024, 7, 20), tax_clerk)
    assert not Disposition.objects.exists()


def test_the_seizure_date_itself_is_allowed(taro_case, taro_tax, tax_clerk):
    d = seize(taro_case, [taro_tax], SEIZURE_FROM, tax_clerk)
    assert (d.decided_on, d.executed_on, d.status) == (SEIZURE_FROM, SEIZURE_FROM, Disposition.Status.ACTIVE)
    assert d.legal_basis.startswith("地方税法331条6項等")


def test_a_seizure_needs_a_demand(taro, city_tax, taro_case, tax_clerk):
    from tests.casework.conftest import assess

    later = assess(taro, city_tax, 50_000, no=2, due=date(2024, 8, 31))  # after the demand run: never demanded
    with pytest.raises(CaseError, match="督促していないため"):
        seize(taro_case, [later], date(2025, 1, 6), tax_clerk)


def test_an_instalment_paid_a_moment_ago_cannot_be_seized(taro, city_tax, taro_case, taro_tax, tax_clerk):
    # The seed city's failure: paid electronically on time, still sent a seizure record.
    ledger.record_payment(debtor=taro, receivable=city_tax, amount=123_456, paid_on=date(2024, 7, 19), booked_on=date(2025, 1, 6),
                          channel=Channel.PAYEASY, instalment=taro_tax)
    with pytest.raises(CaseError, match=r"完納済みです（令和6年7月19日納付）"):
        seize(taro_case, [taro_tax], date(2025, 1, 6), tax_clerk)
    assert not Disposition.objects.exists()
    assert not PrescriptionEvent.objects.filter(kind=EventKind.SEIZURE).exists()


def test_a_store_payment_reported_but_not_yet_final_blocks_it(taro_case, taro_tax, tax_clerk):
    from saiken.payments.models import PaymentImport, ReceivedPayment

    batch = PaymentImport.objects.create(format="conveni", filename="sokuhou.txt", sha256="0" * 64, status=PaymentImport.Status.POSTED)
    ReceivedPayment.objects.create(import_batch=batch, line=1, format="conveni", key="k1", key_hash=1, status=ReceivedPayment.Status.PRELIMINARY,
                                   amount=123_456, paid_on=date(2025, 1, 5), channel=Channel.CONVENIENCE, instalment=taro_tax)
    with pytest.raises(CaseError, match="速報"):
        seize(taro_case, [taro_tax], date(2025, 1, 6), tax_clerk)


def test_an_execution_stop_in_force_forbids_a_seizure(taro, taro_case, taro_nursery, tax_clerk, django_user_model):
    from django.contrib.auth.models import Permission

    from saiken.relief import actions as relief
    from tests.conftest import staff

    approver = staff(django_user_model.objects.create_user("approver"), "manager", "hoiku")
    approver.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision"))
    approver = django_user_model.objects.get(pk=approver.pk)
    nursery_clerk = staff(django_user_model.objects.create_user("nursery_clerk"), "clerk", "hoiku")  # relief is the owning department's
    d = relief.propose_relief(debtor=taro, kind="execution_stop", instalments=[taro_nursery], ground="no_property", reason="財産なし",
                              start_on=date(2024, 12, 2), user=nursery_clerk)
    relief.approve_relief(d, approver, date(2024, 12, 2))
    with pytest.raises(CaseError, match="滞納処分の執行停止中です"):
        seize(taro_case, [taro_nursery], date(2025, 1, 6), tax_clerk)


def test_a_seizure_suspends_prescription_and_its_end_renews_it(taro_case, taro_tax, tax_clerk):
    d = seize(taro_case, [taro_tax], date(2025, 1, 6), tax_clerk)
    e = PrescriptionEvent.objects.get(instalment=taro_tax)
    assert (e.kind, e.on, e.ended_on) == (EventKind.SEIZURE, date(2025, 1, 6), None)
    assert PrescriptionStatus.objects.get(instalment=taro_tax).completes_on is None  # suspended while it lasts
    dispositions.end_disposition(d, ended_on=date(2025, 3, 31), reason="差押の解除（配当なし）", user=tax_clerk, today=TODAY)
    e.refresh_from_db()
    assert e.ended_on == date(2025, 3, 31)
    # Renewed from the day after the end: 5 years → the last day is 2030-03-31.
    assert PrescriptionStatus.objects.get(instalment=taro_tax).completes_on == date(2030, 3, 31)
    d.refresh_from_db()
    assert (d.status, d.ended_on) == (Disposition.Status.ENDED, date(2025, 3, 31))
    with pytest.raises(CaseError, match="終了しています"):
        dispositions.end_disposition(d, ended_on=date(2025, 4, 1), reason="再度", user=tax_clerk, today=TODAY)


def test_realisation_posts_collection_payments_and_leaves_the_ledger_exact(taro, taro_case, taro_tax, taro_nursery, tax_clerk):
    d = seize(taro_case, [taro_tax, taro_nursery], date(2025, 1, 6), tax_clerk)
    # Less than both principals: oldest first, the same due date → by id, so 市税 takes it all.
    r = dispositions.record_realisation(d, on=date(2025, 1, 20), proceeds=100_000, user=tax_clerk, today=TODAY)
    taro_tax.refresh_from_db()
    taro_nursery.refresh_from_db()
    assert (r.posted, r.remainder) == (100_000, 0)
    assert (taro_tax.principal_due, taro_nursery.principal_due) == (23_456, 30_000)
    payments = Payment.objects.filter(debtor=taro)
    assert {p.channel for p in payments} == {Channel.COLLECTION} and sum(p.amount for p in payments) == 100_000
    assert set(r.payments.all()) == set(payments)
    # Far more than is owed: everything cleared (late charges fixed on the way), the rest goes back.
    r2 = dispositions.record_realisation(d, on=date(2025, 2, 3), proceeds=500_000, end=True, user=tax_clerk, today=TODAY)
    taro_tax.refresh_from_db()
    taro_nursery.refresh_from_db()
    assert taro_tax.total_due == 0 and taro_nursery.total_due == 0
    assert taro_tax.overpaid == 0 and taro_nursery.overpaid == 0
    assert r2.posted + r2.remainder == 500_000 and r2.remainder > 0
    assert sum(Payment.objects.filter(debtor=taro).values_list("amount", flat=True)) == 100_000 + r2.posted
    assert list(verify.balance_differences()) == [] and list(verify.summary_differences()) == []
    d.refresh_from_db()
    assert (d.status, d.ended_on, d.end_reason) == (Disposition.Status.ENDED, date(2025, 2, 3), "換価・取立の完了")
    assert list(PrescriptionEvent.objects.filter(kind=EventKind.SEIZURE).values_list("ended_on", flat=True)) == [date(2025, 2, 3)] * 2


def test_a_realisation_is_refused_for_a_court_step(hanako_case, hanako_rent, housing_clerk):
    d = dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hanako_rent], decided_on=date(2024, 8, 1),
                                        court_name="新潟簡易裁判所", user=housing_clerk, today=TODAY)
    with pytest.raises(CaseError, match="換価・配当はありません"):
        dispositions.record_realisation(d, on=date(2024, 9, 1), proceeds=1_000, user=housing_clerk, today=TODAY)
    assert not Realisation.objects.exists() and not Payment.objects.exists()


def test_a_final_payment_order_renews_prescription_for_ten_years(hanako_case, hanako_rent, housing_clerk):
    d = dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hanako_rent], decided_on=date(2024, 8, 1),
                                        court_name="新潟簡易裁判所", user=housing_clerk, today=TODAY)
    dispositions.record_court_result(d, result=CourtResult.PAYMENT_ORDER_FINAL, on=date(2024, 10, 15), court_case_number="令和6年(ロ)第123号",
                                     user=housing_clerk, today=TODAY)
    court = PrescriptionEvent.objects.get(instalment=hanako_rent, kind=EventKind.COURT)
    judgment = PrescriptionEvent.objects.get(instalment=hanako_rent, kind=EventKind.JUDGMENT)
    assert court.ended_on == date(2024, 10, 15) and judgment.on == date(2024, 10, 15)
    assert PrescriptionStatus.objects.get(instalment=hanako_rent).completes_on == date(2034, 10, 15)
    d.refresh_from_db()
    assert (d.court_result, d.court_case_number, d.status) == (CourtResult.PAYMENT_ORDER_FINAL, "令和6年(ロ)第123号", Disposition.Status.ENDED)
    # With the title, 強制執行 may follow; without it (before), it was refused.
    e = dispositions.record_disposition(hanako_case, kind="execution", instalments=[hanako_rent], decided_on=date(2024, 11, 1),
                                        court_name="新潟地方裁判所", user=housing_clerk, today=TODAY)
    assert PrescriptionEvent.objects.get(instalment=hanako_rent, kind=EventKind.SEIZURE).on == e.executed_on


def test_execution_needs_a_title(hanako_case, hanako_rent, housing_clerk):
    with pytest.raises(CaseError, match="債務名義"):
        dispositions.record_disposition(hanako_case, kind="execution", instalments=[hanako_rent], decided_on=date(2024, 11, 1),
                                        user=housing_clerk, today=TODAY)


def test_an_objection_moves_the_payment_order_to_a_lawsuit(hanako_case, hanako_rent, housing_clerk):
    d = dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hanako_rent], decided_on=date(2024, 8, 1),
                                        court_name="新潟簡易裁判所", user=housing_clerk, today=TODAY)
    dispositions.record_court_result(d, result=CourtResult.OBJECTION, on=date(2024, 8, 20), user=housing_clerk, today=TODAY)
    suit = Disposition.objects.get(kind="lawsuit")
    assert suit.follows == d and suit.status == Disposition.Status.ACTIVE and suit.executed_on == date(2024, 8, 20)
    events = list(PrescriptionEvent.objects.filter(instalment=hanako_rent, kind=EventKind.COURT).order_by("pk").values_list("on", "ended_on"))
    assert events == [(date(2024, 8, 1), date(2024, 8, 20)), (date(2024, 8, 20), None)]
    assert PrescriptionStatus.objects.get(instalment=hanako_rent).completes_on is None  # still pending
    with pytest.raises(CaseError, match="勝訴判決の確定・裁判上の和解・取下げ・敗訴・却下"):
        dispositions.record_court_result(suit, result=CourtResult.PAYMENT_ORDER_FINAL, on=date(2024, 12, 1), user=housing_clerk, today=TODAY)


def test_every_action_leaves_an_audit_row_and_a_document_on_the_timeline(taro_case, taro_tax, tax_clerk):
    d = seize(taro_case, [taro_tax], date(2025, 1, 6), tax_clerk)
    r = dispositions.record_realisation(d, on=date(2025, 1, 20), proceeds=10_000, user=tax_clerk, today=TODAY)
    dispositions.end_disposition(d, ended_on=date(2025, 1, 31), reason="差押の解除", user=tax_clerk, today=TODAY)
    rows = AuditEvent.objects.filter(debtor_id=taro_case.debtor_id, user=tax_clerk)
    assert rows.filter(action="case.disposition", target_id=d.pk).exists()
    assert rows.filter(action="case.realisation", target_id=r.pk).exists()
    assert rows.filter(action="case.disposition_end", target_id=d.pk).exists()
    assert rows.filter(action="prescription.event").count() == 1 and rows.filter(action="prescription.end").count() == 1
    docs = list(ContactEntry.objects.filter(case=taro_case, kind=ContactKind.DOCUMENT).order_by("at", "pk").values_list("summary", flat=True))
    assert docs[0] == "差押（預貯金）を執行"  # a tax seizure: no property or amounts on the shared timeline
    assert docs[1] == "差押（預貯金）の換価・配当（取立）" and docs[2] == "差押（預貯金）の終了（差押の解除）"


def test_a_court_result_leaves_an_audit_row(hanako_case, hanako_rent, housing_clerk):
    d = dispositions.record_disposition(hanako_case, kind="lawsuit", instalments=[hanako_rent], decided_on=date(2024, 8, 1),
                                        court_name="新潟地方裁判所", user=housing_clerk, today=TODAY)
    dispositions.record_court_result(d, result=CourtResult.WITHDRAWN, on=date(2024, 9, 2), user=housing_clerk, today=TODAY)
    assert AuditEvent.objects.filter(action="case.court_result", target_id=d.pk, user=housing_clerk).exists()
    assert not PrescriptionEvent.objects.filter(kind=EventKind.JUDGMENT).exists()
    # Withdrawn: suspended for six months after the end, then the old period runs on.
    assert PrescriptionStatus.objects.get(instalment=hanako_rent).completes_on is not None

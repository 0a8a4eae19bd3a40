"""No act on an extinguished claim: every act that asks for payment or takes property is
refused for a claim that no longer exists, through its action and through its screen, and
nothing is written; a private claim past completion only warns; the pages say 時効完成.

The cast (today is pinned to 2026-12-07):
- taro's 国民健康保険料 FY2024 (public, 2 years, no invocation: 地方自治法236条2項):
  - 第1期 due 2024-09-30, never demanded: completed 2026-09-30 — the demand run must leave it out;
  - 第2期 due 2024-11-05, demanded 2024-11-15 (renewed from 11/16): completed 2026-11-15, the
    instalment of the issue — pledged, seized and printed before this was fixed.
- hanako's 市民病院診療費 FY2021 (private, new civil code, 5 years from the due date 2021-06-30):
  completed 2026-06-30 but not invoked — acts go on with a warning (民法145条).
- jiro's 保育料 FY2023 第1期 (forcible, 5 years) under a 滞納処分の執行停止 from 2023-09-01:
  extinguished on 2026-09-02 after three years of stop (地方税法15条の7第4項), though
  prescription has years to run; and FY2026 第10期 due 2027-01-04 under a stop with
  immediate extinction (15条の7第5項) from 2026-12-01 — the debit export must leave it out.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.cases import actions as cases
from saiken.cases import dispositions, reminders
from saiken.cases.actions import CaseError
from saiken.cases.models import Disposition, Pledge, Promise, ReminderCriteria, ReminderLetter, ReminderRun
from saiken.catalog.models import Department, ReceivableType
from saiken.core.collectability import Reason, Status
from saiken.debtors.models import Debtor
from saiken.demands.actions import issue_demands
from saiken.demands.models import DemandLine, DemandRun
from saiken.ledger import actions as ledger
from saiken.ledger.errors import LedgerError
from saiken.payments.actions import export_debits
from saiken.payments.models import DebitRun, DirectDebitMandate
from saiken.prescription.collectability import collectability
from saiken.prescription.models import PrescriptionEvent
from saiken.relief import actions as relief
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
NHI_REFUSED = "令和8年11月15日に時効が完成し、援用を要せず消滅しています（地方自治法236条1項・2項）"
STOP_REFUSED = "滞納処分の執行停止の3年継続（地方税法15条の7第4項）により令和8年9月2日に消滅しています"
PRIVATE_WARNED = "時効期間が令和8年6月30日に満了しています。債務者が時効を援用すれば債権は消滅します（民法145条）"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The screens and actions read timezone.localdate(): pin it to the day of the test."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _receivable(code):
    return ReceivableType.objects.get(code=code)


@pytest.fixture
def clerk(django_user_model):
    """保険年金課 (国保) clerk: works taro's case."""
    return staff(django_user_model.objects.create_user("kokuho", password="pass-1234"), "clerk", "hoken_nenkin")


@pytest.fixture
def admin(django_user_model):
    return staff(django_user_model.objects.create_user("kanri", password="pass-1234"), "admin")


@pytest.fixture
def approver(django_user_model):
    user = staff(django_user_model.objects.create_user("kessai", password="pass-1234"), "manager", "hoiku")
    user.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    return django_user_model.objects.get(pk=user.pk)


def assess(debtor, code, fy, no, due, amount, assessed_on):
    return ledger.assess(debtor=debtor, receivable=_receivable(code), fiscal_year=fy, instalment_no=no, nominal_due=due, amount=amount,
                         assessed_on=assessed_on)


@pytest.fixture
def nhi(taro):
    """(第1期 never demanded, 第2期 demanded 2024-11-15)."""
    first = assess(taro, "national_health_insurance", 2024, 1, date(2024, 9, 30), 18_000, date(2024, 6, 15))
    second = assess(taro, "national_health_insurance", 2024, 2, date(2024, 11, 5), 18_000, date(2024, 6, 15))
    issue_demands(user=operator(), as_of=date(2024, 11, 15), due_on=date(2024, 11, 5))
    return first, second


@pytest.fixture
def taro_case(taro, nhi, clerk):
    return cases.open_case(debtor=taro, department=Department.objects.get(code="hoken_nenkin"), officer=clerk, on=date(2026, 12, 1),
                           user=clerk)


@pytest.fixture
def hospital(hanako):
    i = assess(hanako, "hospital_fee", 2021, 1, date(2021, 6, 30), 50_000, date(2021, 6, 1))
    issue_demands(user=operator(), as_of=date(2021, 7, 12), due_on=date(2021, 6, 30))
    return i


@pytest.fixture
def hanako_case(hanako, hospital, admin):
    return cases.open_case(debtor=hanako, department=Department.objects.get(code="byoin"), on=date(2026, 12, 1), user=admin)


@pytest.fixture
def jiro(db):
    return Debtor.objects.create(name="鈴木 次郎", name_kana="スズキ ジロウ", birth_date=date(1960, 1, 20), address="新潟市西区寺尾東1-1")


@pytest.fixture
def jiro_stopped(jiro, admin, approver):
    i = assess(jiro, "nursery_fee", 2023, 1, date(2023, 7, 31), 40_000, date(2023, 6, 1))
    issue_demands(user=operator(), as_of=date(2023, 8, 10), due_on=date(2023, 7, 31))
    d = relief.propose_relief(debtor=jiro, kind="execution_stop", instalments=[i], ground="no_property", reason="財産調査の結果、財産なし",
                              start_on=date(2023, 9, 1), user=admin)
    relief.approve_relief(d, approver, date(2023, 9, 1))
    return i


@pytest.fixture
def jiro_case(jiro, jiro_stopped, admin):
    return cases.open_case(debtor=jiro, department=Department.objects.get(code="hoiku"), on=date(2026, 12, 1), user=admin)


def nothing_written(*actions_):
    assert not Disposition.objects.exists() and not Pledge.objects.exists() and not Promise.objects.exists()
    assert not PrescriptionEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__in=actions_).exists()


# --- the decision, read from the database ----------------------------------------------------


def test_the_batch_answers_for_each_instalment(nhi, hospital, jiro_stopped):
    first, second = nhi
    found = collectability([first.pk, second.pk, hospital.pk, jiro_stopped.pk], TODAY)
    assert (found[first.pk].reason, found[first.pk].completes_on) == (Reason.PRESCRIPTION, date(2026, 9, 30))
    assert (found[second.pk].reason, found[second.pk].completes_on) == (Reason.PRESCRIPTION, date(2026, 11, 15))
    assert found[hospital.pk].status is Status.PRESCRIBED_NOT_INVOKED
    assert (found[jiro_stopped.pk].reason, found[jiro_stopped.pk].extinguished_on) == (Reason.STOP_THREE_YEARS, date(2026, 9, 2))
    # the last day of the period is still collectable
    assert collectability([second.pk], date(2026, 11, 15))[second.pk].collectable


def test_a_page_costs_a_fixed_number_of_queries(nhi, hospital, jiro_stopped, django_assert_max_num_queries):
    ids = [nhi[0].pk, nhi[1].pk, hospital.pk, jiro_stopped.pk]
    with django_assert_max_num_queries(12):
        collectability(ids, TODAY)


# --- through the action functions ------------------------------------------------------------


def test_a_seizure_is_refused_and_records_no_prescription_event(taro_case, nhi, clerk):
    with pytest.raises(CaseError, match=NHI_REFUSED) as e:
        dispositions.record_disposition(taro_case, kind="seizure_deposit", instalments=[nhi[1]], decided_on=TODAY, user=clerk, today=TODAY,
                                        third_party_name="第四北越銀行 本店", property_description="普通預金", amount=18_000)
    assert "消滅した債権に差押（預貯金）はできません" in e.value.message
    nothing_written("case.disposition", "prescription.event")


def test_a_seizure_on_the_last_day_goes_ahead(taro_case, nhi, clerk):
    d = dispositions.record_disposition(taro_case, kind="seizure_deposit", instalments=[nhi[1]], decided_on=date(2026, 11, 15), user=clerk,
                                        today=TODAY, third_party_name="第四北越銀行 本店")
    assert d.warnings == [] and PrescriptionEvent.objects.filter(instalment=nhi[1]).count() == 1


def test_a_pledge_is_refused(taro_case, nhi, clerk):
    with pytest.raises(CaseError, match=NHI_REFUSED):
        cases.sign_pledge(taro_case, instalments=[nhi[1]], signed_on=TODAY, schedule=[(date(2027, 1, 31), 18_000)], user=clerk, today=TODAY)
    nothing_written("case.pledge", "prescription.event")


def test_a_promise_is_refused_when_every_claim_is_extinguished(taro_case, nhi, clerk):
    with pytest.raises(CaseError, match="消滅した債権に納付約束はできません"):
        cases.record_promise(taro_case, due_on=date(2026, 12, 25), amount=10_000, promised_on=TODAY, user=clerk)
    nothing_written("case.promise")


def test_a_promise_warns_about_the_extinguished_claims_among_others(taro, taro_case, nhi, clerk):
    assess(taro, "national_health_insurance", 2026, 1, date(2026, 7, 31), 20_000, date(2026, 6, 15))
    p = cases.record_promise(taro_case, due_on=date(2026, 12, 25), amount=10_000, promised_on=TODAY, user=clerk)
    assert len(p.warnings) == 2 and all("納付約束の対象になりません" in w for w in p.warnings)


def test_reminders_leave_the_extinguished_claims_out(taro_case, nhi, clerk):
    criteria = reminders.save_criteria(name="国保", criteria=reminders.Criteria(receivables=("national_health_insurance",)), user=clerk)
    assert reminders.select_for_reminders(reminders.Criteria.from_json(criteria.criteria), TODAY) == []
    run = reminders.issue_reminders(criteria, TODAY, clerk, today=TODAY)
    assert (run.count, run.extinguished) == (0, 2)
    assert not ReminderLetter.objects.exists()


def test_the_demand_run_leaves_them_out_and_counts_them(nhi):
    run = issue_demands(user=operator(), as_of=TODAY)
    assert (run.demands, run.lines, run.extinguished) == (0, 0, 1)
    assert not DemandLine.objects.filter(instalment=nhi[0]).exists()
    assert "消滅債権のため除外 1期別" in AuditEvent.objects.get(action="demand.issue", target_id=str(run.pk)).summary


def test_a_claim_extinguished_by_three_years_of_stop_is_refused_too(jiro_case, jiro_stopped, admin):
    with pytest.raises(CaseError, match=STOP_REFUSED):
        cases.sign_pledge(jiro_case, instalments=[jiro_stopped], signed_on=TODAY, schedule=[(date(2027, 1, 31), 40_000)], user=admin, today=TODAY)
    with pytest.raises(CaseError, match=STOP_REFUSED):
        dispositions.record_disposition(jiro_case, kind="seizure_wage", instalments=[jiro_stopped], decided_on=TODAY, user=admin, today=TODAY,
                                        third_party_name="株式会社 寺尾")
    nothing_written("case.pledge", "case.disposition", "prescription.event")
    assert issue_demands(user=operator(), as_of=TODAY).extinguished == 0  # already demanded in 2023: not a candidate


def test_the_debit_export_leaves_out_a_claim_extinguished_at_once(jiro, admin, approver, tmp_path):
    due = date(2027, 1, 4)
    gone = assess(jiro, "nursery_fee", 2026, 10, due, 30_000, date(2026, 4, 10))
    kept = assess(jiro, "nursery_fee", 2026, 11, due, 30_000, date(2026, 4, 10))
    DirectDebitMandate.objects.create(debtor=jiro, receivable=_receivable("nursery_fee"), bank_code="0001", branch_code="001",
                                      account_number="7654321", holder_kana="ｽｽﾞｷ ｼﾞﾛｳ", valid_from=date(2026, 4, 1))
    d = relief.propose_relief(debtor=jiro, kind="execution_stop", instalments=[gone], ground="no_property", reason="財産なし",
                              start_on=date(2026, 12, 1), immediate_extinction=True, user=admin)
    relief.approve_relief(d, approver, date(2026, 12, 1))
    run = export_debits(debit_date=due, out=tmp_path / "request.dat", user=operator())
    assert (run.items, run.amount, run.extinguished) == (1, 30_000, [gone.pk])
    assert f"{kept.pk:020d}".encode() in (tmp_path / "request.dat").read_bytes()
    assert f"{gone.pk:020d}".encode() not in (tmp_path / "request.dat").read_bytes()
    out = tmp_path / "cli.dat"
    from io import StringIO

    stdout = StringIO()
    call_command("export_debits", "--date", due.isoformat(), "--out", str(out), "--user", operator().username, stdout=stdout)
    assert "消滅した債権（免除・債権放棄・執行停止による消滅など）1件は依頼していません" in stdout.getvalue()


def test_the_debit_export_refuses_when_only_extinguished_claims_are_due(jiro, admin, approver, tmp_path):
    due = date(2027, 1, 4)
    gone = assess(jiro, "nursery_fee", 2026, 10, due, 30_000, date(2026, 4, 10))
    DirectDebitMandate.objects.create(debtor=jiro, receivable=_receivable("nursery_fee"), bank_code="0001", branch_code="001",
                                      account_number="7654321", holder_kana="ｽｽﾞｷ ｼﾞﾛｳ", valid_from=date(2026, 4, 1))
    d = relief.propose_relief(debtor=jiro, kind="execution_stop", instalments=[gone], ground="no_property", reason="財産なし",
                              start_on=date(2026, 12, 1), immediate_extinction=True, user=admin)
    relief.approve_relief(d, approver, date(2026, 12, 1))
    with pytest.raises(LedgerError, match="消滅した債権 1件を除外"):
        export_debits(debit_date=due, out=tmp_path / "request.dat", user=operator())
    assert not DebitRun.objects.exists()


def test_a_private_claim_past_completion_warns_and_goes_ahead(hanako_case, hospital, admin):
    d = dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hospital], decided_on=TODAY, court_name="新潟簡易裁判所",
                                        user=admin, today=TODAY)
    assert len(d.warnings) == 1 and PRIVATE_WARNED in d.warnings[0]
    assert AuditEvent.objects.get(action="case.disposition").detail["warnings"] == d.warnings
    p = cases.sign_pledge(hanako_case, instalments=[hospital], signed_on=TODAY, schedule=[(date(2027, 1, 31), 50_000)], user=admin, today=TODAY)
    assert PRIVATE_WARNED in p.warnings[0]


def test_an_invoked_private_claim_is_refused(hanako_case, hospital, admin):
    from saiken.prescription.actions import record_event

    record_event(instalment=hospital, kind="invoked", on=date(2026, 11, 2), user=admin, today=TODAY)
    with pytest.raises(CaseError, match="令和8年11月2日に債務者が時効を援用し、消滅しています（民法145条）"):
        dispositions.record_disposition(hanako_case, kind="payment_order", instalments=[hospital], decided_on=TODAY, court_name="新潟簡易裁判所",
                                        user=admin, today=TODAY)
    assert issue_demands(user=operator(), as_of=TODAY).extinguished == 0  # demanded in 2021


# --- through the screens (a permitted clerk posts the forms) ---------------------------------


def post(client, user, name, args, data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data, follow=True)


def test_the_seizure_screen_refuses_with_the_reason(client, taro, taro_case, nhi, clerk):
    client.force_login(clerk)
    assert "時効完成（令和8年11月15日）" in client.get(reverse("disposition_new", args=[taro.pk])).content.decode()
    r = post(client, clerk, "disposition_new", [taro.pk], {
        "kind": "seizure_deposit", "instalments": [nhi[1].pk], "decided_on": TODAY.isoformat(), "third_party_name": "第四北越銀行 本店",
        "property_description": "普通預金 口座番号1234567", "amount": "18000",
    })
    assert r.status_code == 200 and f"{NHI_REFUSED}。消滅した債権に差押（預貯金）はできません。" in r.content.decode()
    nothing_written("case.disposition", "prescription.event")


def test_the_pledge_screen_refuses_with_the_reason(client, taro, taro_case, nhi, clerk):
    r = post(client, clerk, "case_pledge", [taro.pk], {
        "instalments": [nhi[1].pk], "signed_on": TODAY.isoformat(), "schedule": "2027-01-31 18000", "step": "sign",
    })
    assert r.status_code == 200 and f"{NHI_REFUSED}。消滅した債権に分納誓約はできません。" in r.content.decode()
    nothing_written("case.pledge", "prescription.event")


def test_the_promise_screen_refuses_with_the_reason(client, taro, taro_case, nhi, clerk):
    r = post(client, clerk, "case_promise", [taro.pk], {
        "promised_on": TODAY.isoformat(), "due_on": "2026-12-25", "amount": "10000", "receivable": "national_health_insurance",
    })
    assert "消滅した債権に納付約束はできません" in r.content.decode()
    nothing_written("case.promise")


def test_the_reminder_screen_sends_nothing_for_them(client, taro_case, nhi, clerk):
    criteria = reminders.save_criteria(name="国保", criteria=reminders.Criteria(receivables=("national_health_insurance",),
                                                                               department="hoken_nenkin"),
                                       department=Department.objects.get(code="hoken_nenkin"), user=clerk)
    r = post(client, clerk, "reminders", [], {"step": "issue", "criteria": criteria.pk, "as_of": TODAY.isoformat()})
    run = ReminderRun.objects.get()
    assert (run.count, run.extinguished) == (0, 2)
    assert "消滅債権（時効完成等）のため除外" in r.content.decode()
    assert not ReminderLetter.objects.exists() and ReminderCriteria.objects.count() == 1


def test_the_demand_screen_leaves_them_out(client, nhi, admin):
    r = post(client, admin, "demand_runs", [], {"as_of": TODAY.isoformat()})
    run = DemandRun.objects.latest("pk")
    assert run.extinguished == 1 and run.demands == 0
    assert "消滅した債権 1期別は督促していません" in r.content.decode()


def test_the_private_claim_warns_on_the_screen(client, hanako, hanako_case, hospital, admin):
    r = post(client, admin, "disposition_new", [hanako.pk], {
        "kind": "payment_order", "instalments": [hospital.pk], "decided_on": TODAY.isoformat(), "court_name": "新潟簡易裁判所",
    })
    html = r.content.decode()
    assert "支払督促を記録しました" in html and PRIVATE_WARNED in html
    assert Disposition.objects.count() == 1


def test_the_stopped_claim_is_refused_on_the_screen(client, jiro, jiro_case, jiro_stopped, admin):
    r = post(client, admin, "case_pledge", [jiro.pk], {
        "instalments": [jiro_stopped.pk], "signed_on": TODAY.isoformat(), "schedule": "2027-01-31 40000", "step": "sign",
    })
    assert f"{STOP_REFUSED}。消滅した債権に分納誓約はできません。" in r.content.decode()
    nothing_written("case.pledge", "prescription.event")


# --- the pages -------------------------------------------------------------------------------


def test_the_debtor_page_shows_time_barred_not_unpaid(client, taro, nhi, clerk):
    client.force_login(clerk)
    html = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert "時効完成（令和8年11月15日）" in html and "時効完成（令和8年9月30日）" in html
    assert '<span class="status">未納' not in html
    # the narrow status column says 時効完成; its date and the statute sit beside it
    assert html.count('<span class="status"><span class="late extinguished" title="時効完成（令和8年') == 2
    assert ">時効完成</span></span>" in html
    # the clerk may look at an earlier day: then it was still owed
    html = client.get(reverse("debtor", args=[taro.pk]), {"as_of": "2026-11-15"}).content.decode()
    assert "時効完成（令和8年11月15日）" not in html and "時効完成（令和8年9月30日）" in html


def test_the_case_page_shows_time_barred_with_the_date(client, taro, taro_case, nhi, clerk):
    client.force_login(clerk)
    html = client.get(reverse("case", args=[taro.pk])).content.decode()
    assert "時効完成（令和8年11月15日）" in html and "時効完成（令和8年9月30日）" in html
    assert "時効の完成などにより消滅した債権 2期別を含みます" in html


def test_relief_extinctions_can_be_asked_for_a_few_instalments(jiro_stopped, nhi, django_assert_num_queries):
    from saiken.relief.effects import extinguished

    with django_assert_num_queries(1):
        assert extinguished(TODAY, [jiro_stopped.pk, nhi[0].pk]) == [(jiro_stopped.pk, "stop_three_years", date(2026, 9, 2))]
    assert extinguished(TODAY, [nhi[0].pk]) == []
    assert extinguished(TODAY) == [(jiro_stopped.pk, "stop_three_years", date(2026, 9, 2))]


def test_the_pages_give_the_relief_reason(client, jiro, jiro_case, jiro_stopped, admin):
    client.force_login(admin)
    label = "消滅（滞納処分の執行停止の3年継続（地方税法15条の7第4項）、令和8年9月2日）"
    assert label in client.get(reverse("debtor", args=[jiro.pk])).content.decode()
    assert label in client.get(reverse("case", args=[jiro.pk])).content.decode()
    assert label in client.get(reverse("case_pledge", args=[jiro.pk])).content.decode()


def test_the_seizure_notice_of_an_old_unlawful_seizure_is_not_printed(client, taro, taro_case, nhi, clerk):
    """A seizure recorded before the acts checked collectability (written here directly, as
    the old product did): its 債権差押通知書 is refused with the reason."""
    from saiken.cases.models import DispositionLine

    d = Disposition.objects.create(case=taro_case, kind="seizure_deposit", decided_on=date(2026, 11, 20), executed_on=date(2026, 11, 20),
                                   third_party_name="第四北越銀行 本店", legal_basis="国税徴収法62条")
    DispositionLine.objects.create(disposition=d, instalment=nhi[1], principal=18_000, late_charge=0, fee=0)
    client.force_login(clerk)
    r = client.get(reverse("disposition_pdf", args=[taro.pk, d.pk]), {"doc": "notice"}, follow=True)
    assert r["Content-Type"].startswith("text/html")
    assert "消滅した債権に差押（預貯金）の文書の発行はできません" in r.content.decode()
    ok = Disposition.objects.create(case=taro_case, kind="seizure_deposit", decided_on=date(2026, 11, 15), executed_on=date(2026, 11, 15),
                                    third_party_name="第四北越銀行 本店", legal_basis="国税徴収法62条")
    DispositionLine.objects.create(disposition=ok, instalment=nhi[1], principal=18_000, late_charge=0, fee=0)
    r = client.get(reverse("disposition_pdf", args=[taro.pk, ok.pk]), {"doc": "notice"})
    assert r["Content-Type"] == "application/pdf"


# --- a returned 督促 sent again ---------------------------------------------------------------


@pytest.fixture
def returned(nhi, clerk):
    """taro's 第2期 notice came back (宛所不明) on 2024-11-20: it never renewed, so the claim
    completed on 2026-11-05, two years from the day after its due date."""
    from saiken.demands import delivery

    demand = DemandLine.objects.get(instalment=nhi[1]).demand
    delivery.record_return(demand, returned_on=date(2024, 11, 20), reason="unknown_address", user=clerk, today=TODAY)
    return demand


def test_a_returned_notice_is_not_sent_again_for_an_extinguished_claim(returned, nhi, clerk):
    from saiken.demands import delivery
    from saiken.demands.models import DeliveryEvent

    refused = "令和8年11月5日に時効が完成し、援用を要せず消滅しています（地方自治法236条1項・2項）"
    with pytest.raises(delivery.DeliveryError, match=f"{refused}。消滅した債権に督促状の再送付はできません"):
        delivery.record_resend(returned, sent_on=TODAY, address="新潟市中央区西堀通1", user=clerk, today=TODAY)
    with pytest.raises(delivery.DeliveryError, match="消滅した債権に公示送達はできません"):
        delivery.record_publication(returned, posted_on=TODAY, user=clerk, today=TODAY)
    assert list(DeliveryEvent.objects.values_list("kind", flat=True)) == ["returned"]
    # sent again while the claim still existed, it goes ahead
    delivery.record_resend(returned, sent_on=date(2026, 11, 5), address="新潟市中央区西堀通1", user=clerk, today=TODAY)


def test_nor_through_its_screen(client, returned, clerk):
    from saiken.demands.models import DeliveryEvent

    r = post(client, clerk, "demand_delivery", [returned.pk], {"step": "resend", "on": TODAY.isoformat(), "address": "新潟市中央区西堀通1"})
    assert "消滅した債権に督促状の再送付はできません" in r.content.decode()
    assert list(DeliveryEvent.objects.values_list("kind", flat=True)) == ["returned"]

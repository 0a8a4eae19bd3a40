"""The case-work screens: each form calls its action, tax findings stay hidden, PDFs come out."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from saiken.cases import investigations
from saiken.cases.models import AbilityAssessment, Disposition, Investigation, ReminderCriteria, ReminderRun
from saiken.ledger.models import Channel, Payment
from saiken.web.views import case_work
from tests.casework.conftest import SEIZURE_FROM, TODAY

pytestmark = pytest.mark.django_db

HIDDEN = "（税情報のため表示しません）"
FINDING = "普通預金 残高 250,000円"


@pytest.mark.parametrize("name, args", [
    ("casework_case", [1]), ("investigation_new", [1]), ("investigation", [1, 1]), ("investigation_pdf", [1, 1]), ("ability", [1]),
    ("disposition_new", [1]), ("disposition", [1, 1]), ("disposition_pdf", [1, 1]), ("reminders", []), ("reminder_run", [1]),
    ("reminder_run_pdf", [1]),
])
def test_every_screen_requires_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def tax_finding(taro_case, city_tax, tax_clerk):
    i = investigations.request_investigation(taro_case, receivable=city_tax, kind="bank", addressee_name="第四北越銀行 本店",
                                             requested_on=date(2025, 1, 6), user=tax_clerk, today=TODAY)
    return investigations.record_answer(i, answered_on=date(2025, 1, 20), findings=FINDING, user=tax_clerk, today=TODAY)


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_tax_findings_are_hidden_from_a_non_tax_clerk(client, taro_case, tax_finding, nursery_clerk):
    html = page(client, nursery_clerk, "casework_case", taro_case.debtor_id)
    assert HIDDEN in html and FINDING not in html and "北越" not in html
    html = page(client, nursery_clerk, "investigation", taro_case.debtor_id, tax_finding.pk)
    assert HIDDEN in html and FINDING not in html and "北越" not in html
    assert client.get(reverse("investigation_pdf", args=[taro_case.debtor_id, tax_finding.pk])).status_code == 403


def test_and_shown_to_a_tax_clerk(client, taro_case, tax_finding, tax_clerk):
    html = page(client, tax_clerk, "casework_case", taro_case.debtor_id)
    assert FINDING in html and HIDDEN not in html
    html = page(client, tax_clerk, "investigation", taro_case.debtor_id, tax_finding.pk)
    assert FINDING in html and "第四北越銀行 本店" in html


def test_request_an_investigation_answer_it_and_print_the_letter(client, taro_case, nursery_clerk):
    client.force_login(nursery_clerk)
    url = reverse("investigation_new", args=[taro_case.debtor_id])
    html = client.get(url).content.decode()
    assert "保育料" in html and "市税" not in html  # only the claims the clerk may act on
    response = client.post(url, {"receivable": "nursery_fee", "kind": "employer", "addressee_name": "株式会社新潟 総務部",
                                 "addressee_postal_code": "9500001", "addressee_address": "新潟市東区1-1", "requested_on": "2025-01-06"})
    i = Investigation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("investigation", args=[taro_case.debtor_id, i.pk])
    assert i.legal_basis.startswith("国税徴収法141条（地方自治法231条の3第3項") and not i.is_tax_finding
    pdf = client.get(reverse("investigation_pdf", args=[taro_case.debtor_id, i.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert len(reader.pages) == 1 and "株式会社新潟 総務部　御中" in reader.pages[0].extract_text()
    client.post(reverse("investigation", args=[taro_case.debtor_id, i.pk]), {"answered_on": "2025-01-20", "findings": "月給 220,000円"})
    i.refresh_from_db()
    assert i.answered_on == date(2025, 1, 20) and i.findings == "月給 220,000円"


def test_a_refused_inquiry_comes_back_on_the_form(client, hanako_case, housing_clerk):
    client.force_login(housing_clerk)
    response = client.post(reverse("investigation_new", args=[hanako_case.debtor_id]), {
        "receivable": "municipal_housing", "kind": "pension_office", "addressee_name": "新潟東年金事務所", "requested_on": "2025-01-06"})
    assert response.status_code == 200 and "年金事務所等（年金）への照会はできません" in response.content.decode()
    assert not Investigation.objects.exists()


def test_assess_ability_preview_then_override_with_a_reason(client, taro_case, nursery_clerk):
    client.force_login(nursery_clerk)
    url = reverse("ability", args=[taro_case.debtor_id])
    data = {"receivable": "nursery_fee", "assessed_on": "2025-02-03", "household_size": "2", "monthly_income": "120000",
            "monthly_spending": "150000", "assets": "0", "debts": "0"}
    html = client.post(url, {**data, "step": "preview"}).content.decode()
    assert "提案: 滞納処分の執行停止" in html and "地方税法15条の7第1項1号" in html and not AbilityAssessment.objects.exists()
    html = client.post(url, {**data, "step": "save", "measure": "pledge", "reason": ""}).content.decode()
    assert "理由を入力してください" in html and not AbilityAssessment.objects.exists()
    response = client.post(url, {**data, "step": "save", "measure": "pledge", "reason": "親族の援助で月5,000円の申出"})
    assert response.status_code == 302
    a = AbilityAssessment.objects.get()
    assert (a.proposed_measure, a.decided_measure, a.decision) == ("execution_stop", "pledge", "override")


def test_record_a_seizure_realise_it_and_print_its_papers(client, taro, taro_case, taro_tax, tax_clerk):
    client.force_login(tax_clerk)
    url = reverse("disposition_new", args=[taro_case.debtor_id])
    form = {"kind": "seizure_deposit", "instalments": [taro_tax.pk], "amount": "200000", "property_description": "普通預金 口座番号1234567",
            "third_party_name": "第四北越銀行 本店", "third_party_postal_code": "9518066", "third_party_address": "新潟市中央区東堀前通七番町1071-1"}
    html = client.post(url, {**form, "decided_on": "2024-07-20"}).content.decode()
    assert "差押えは令和6年7月21日から可能です" in html and not Disposition.objects.exists()
    response = client.post(url, {**form, "decided_on": SEIZURE_FROM.isoformat()})
    d = Disposition.objects.get()
    assert response["Location"] == reverse("disposition", args=[taro_case.debtor_id, d.pk])
    for doc, text in (("record", "差押調書（謄本）"), ("notice", "債権差押通知書")):
        pdf = client.get(reverse("disposition_pdf", args=[taro_case.debtor_id, d.pk]), {"doc": doc})
        reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
        assert len(reader.pages) == 1 and text in reader.pages[0].extract_text() and "国税徴収法62条" in reader.pages[0].extract_text()
    page_url = reverse("disposition", args=[taro_case.debtor_id, d.pk])
    client.post(page_url, {"step": "realisation", "on": "2025-01-20", "proceeds": "50000", "end": "on"})
    assert Payment.objects.get(debtor=taro).channel == Channel.COLLECTION
    d.refresh_from_db()
    assert d.status == Disposition.Status.ENDED
    html = client.get(page_url).content.decode()
    assert "換価・取立の完了" in html and "収納として記録する" not in html


def test_a_non_tax_clerk_sees_a_tax_seizure_but_not_its_details(client, taro_case, taro_tax, tax_clerk, nursery_clerk):
    from saiken.cases import dispositions

    d = dispositions.record_disposition(taro_case, kind="seizure_deposit", instalments=[taro_tax], decided_on=SEIZURE_FROM, amount=200_000,
                                        third_party_name="第四北越銀行 本店", user=tax_clerk, today=TODAY)
    html = page(client, nursery_clerk, "disposition", taro_case.debtor_id, d.pk)
    assert "差押（預貯金）" in html and "北越" not in html and "200,000" not in html and HIDDEN in html
    assert client.post(reverse("disposition", args=[taro_case.debtor_id, d.pk]), {"step": "end", "ended_on": "2025-01-31",
                                                                                     "reason": "解除"}).status_code == 403
    assert client.get(reverse("disposition_pdf", args=[taro_case.debtor_id, d.pk])).status_code == 403


def test_reminders_criteria_preview_issue_and_pdf(client, taro_case, hanako_case, tax_clerk, nursery_clerk, monkeypatch, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    monkeypatch.setattr(case_work, "in_background", lambda work, name: work())
    client.force_login(tax_clerk)
    url = reverse("reminders")
    response = client.post(url, {"step": "save", "name": "市税 6か月", "days_overdue": "180", "no_pledge_in_force": "on",
                                 "not_under_relief": "on", "as_of": "2025-01-06"})
    row = ReminderCriteria.objects.get()
    assert response.status_code == 302 and row.criteria["department"] == "nozei" and row.department.code == "nozei"
    html = client.get(url, {"criteria": row.pk, "as_of": "2025-01-06"}).content.decode()
    assert "山田 太郎" in html and "佐藤 花子" not in html and 'id="preview-total">対象 <b>1</b>件' in html
    response = client.post(url, {"step": "issue", "criteria": row.pk, "as_of": "2025-01-06"})
    run = ReminderRun.objects.get()
    assert response["Location"] == reverse("reminder_run", args=[run.pk]) and run.count == 1
    client.post(reverse("reminder_run_render", args=[run.pk]))
    pdf = client.get(reverse("reminder_run_pdf", args=[run.pk]))
    assert PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).get_num_pages() == 1
    # Another department neither lists nor opens 納税課's runs.
    client.force_login(nursery_clerk)
    assert "市税 6か月" not in client.get(url).content.decode()
    assert client.get(reverse("reminder_run", args=[run.pk])).status_code == 403


def test_every_screen_renders_for_its_clerk(client, taro_case, taro_tax, tax_finding, tax_clerk):
    from saiken.cases import dispositions, reminders

    d = dispositions.record_disposition(taro_case, kind="seizure_deposit", instalments=[taro_tax], decided_on=SEIZURE_FROM,
                                        third_party_name="第四北越銀行 本店", user=tax_clerk, today=TODAY)
    run = reminders.issue_reminders(reminders.save_criteria(name="市税", criteria=reminders.Criteria(department="nozei"), user=tax_clerk),
                                    date(2025, 1, 6), tax_clerk, today=TODAY)
    debtor = taro_case.debtor_id
    for name, args in (("casework_case", [debtor]), ("investigation_new", [debtor]), ("investigation", [debtor, tax_finding.pk]),
                       ("ability", [debtor]), ("disposition_new", [debtor]), ("disposition", [debtor, d.pk]), ("reminders", []),
                       ("reminder_run", [run.pk])):
        html = page(client, tax_clerk, name, *args)
        assert "<h1>" in html and "Traceback" not in html, name

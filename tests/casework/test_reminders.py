"""Reminders in batches: selection by each criterion, once a day, the 催告 of private
claims, a PDF page per letter, the command, and an audit row per letter."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from saiken.audit.models import AuditEvent
from saiken.cases import actions, reminders
from saiken.cases.actions import CaseError
from saiken.cases.models import REMINDER_KINDS, ContactEntry, ContactKind, ReminderLetter, ReminderRun
from saiken.cases.reminders import Criteria, issue_reminders, select_for_reminders
from saiken.demands.models import DocumentStatus
from saiken.prescription.models import EventKind, PrescriptionEvent
from saiken.staff.policy import Refused
from tests.casework.conftest import DUE, TODAY
from tests.conftest import operator

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 1, 6)  # 189 days after the due date


def selected(criteria, as_of=AS_OF):
    return {s.case.debtor.name: sorted(i.receivable.code for i in s.instalments) for s in select_for_reminders(criteria, as_of)}


@pytest.fixture
def cases(taro_case, hanako_case, jiro_cleaning):
    return taro_case, hanako_case


def test_every_open_case_with_overdue_debts_is_selected_and_a_debtor_without_a_case_is_not(cases):
    assert selected(Criteria()) == {"山田 太郎": ["city_tax", "nursery_fee"], "佐藤 花子": ["municipal_housing"]}


def test_by_receivable(cases):
    assert selected(Criteria(receivables=("nursery_fee",))) == {"山田 太郎": ["nursery_fee"]}


def test_by_department(cases):
    assert selected(Criteria(department="jutaku")) == {"佐藤 花子": ["municipal_housing"]}
    assert selected(Criteria(department="jutaku", receivables=("nursery_fee",))) == {}


def test_by_minimum_owed_at_its_edge(cases):
    assert set(selected(Criteria(min_owed=60_000))) == {"山田 太郎", "佐藤 花子"}
    assert set(selected(Criteria(min_owed=60_001))) == {"山田 太郎"}


def test_by_days_overdue_at_its_edge(cases):
    days = (AS_OF - DUE).days
    assert days == 189
    assert set(selected(Criteria(days_overdue=days))) == {"山田 太郎", "佐藤 花子"}
    assert selected(Criteria(days_overdue=days + 1)) == {}


def test_a_pledge_in_force_keeps_what_it_covers_out(cases, taro_nursery, tax_clerk):
    taro_case = cases[0]
    actions.sign_pledge(taro_case, instalments=[taro_nursery], signed_on=date(2025, 1, 6),
                        schedule=[(date(2025, 1, 31), 15_000), (date(2025, 2, 28), 15_000)], user=tax_clerk, today=TODAY)
    only = Criteria(receivables=("nursery_fee",))
    assert selected(only, date(2025, 1, 10)) == {}
    assert selected(Criteria(receivables=("nursery_fee",), no_pledge_in_force=False), date(2025, 1, 10)) == {"山田 太郎": ["nursery_fee"]}
    # Unpaid past the first row's grace: broken, no longer in force.
    assert selected(only, date(2025, 2, 12)) == {"山田 太郎": ["nursery_fee"]}


def test_relief_in_force_keeps_its_instalments_out(cases, taro, taro_nursery, tax_clerk, django_user_model):
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
    assert selected(Criteria(receivables=("nursery_fee",))) == {}
    assert selected(Criteria(receivables=("nursery_fee",), not_under_relief=False)) == {"山田 太郎": ["nursery_fee"]}


def test_the_criteria_round_trip_as_json():
    c = Criteria(receivables=("nursery_fee", "city_tax"), min_owed=1, days_overdue=30, no_pledge_in_force=False, department="hoiku")
    assert Criteria.from_json(c.to_json()) == c
    assert c.to_json()["receivables"] == ["city_tax", "nursery_fee"]
    with pytest.raises(CaseError, match="nothing"):
        reminders.receivable_ids(Criteria(receivables=("nothing",)))


def test_issuing_writes_a_letter_a_contact_and_an_audit_row_per_case_and_not_twice_a_day(cases, tax_clerk):
    row = reminders.save_criteria(name="全件", criteria=Criteria(), user=operator())
    seen = []
    run = issue_reminders(row, AS_OF, operator(), today=TODAY, progress=lambda n, skipped: seen.append((n, skipped)))
    assert (run.count, run.skipped, run.amount) == (2, 0, 123_456 + 30_000 + 60_000 + 100)  # 市税's 督促手数料 100
    assert seen[-1] == (2, 0) and run.pay_by == AS_OF + timedelta(days=14)
    letters = list(ReminderLetter.objects.filter(run=run).order_by("pk"))
    assert [letter.department.code for letter in letters] == ["nozei", "jutaku"]  # each case's department sends it
    for letter in letters:
        assert letter.contact.kind == ContactKind.LETTER and letter.contact.kind in REMINDER_KINDS  # the stall rule counts it
        assert AuditEvent.objects.filter(action="case.reminder", target_id=letter.pk, user__username="operator", debtor_id=letter.case.debtor_id).exists()
    assert AuditEvent.objects.filter(action="reminder.issue", target_id=run.pk).exists()
    assert AuditEvent.objects.filter(action="reminder.criteria", target_id=row.pk).exists()
    again = issue_reminders(row, AS_OF, operator(), today=TODAY)
    assert (again.count, again.skipped, again.document_status) == (0, 2, DocumentStatus.DONE)
    assert ReminderLetter.objects.count() == 2 and ContactEntry.objects.filter(kind=ContactKind.LETTER).count() == 2
    assert select_for_reminders(Criteria(), AS_OF) == []
    # The next day is another day.
    assert issue_reminders(row, AS_OF + timedelta(days=1), operator(), today=TODAY).count == 2


def test_a_reminder_is_a_prescription_event_on_every_claim_by_default(cases, hanako_rent, taro_tax, taro_nursery, tax_clerk):
    """民法150条, applied to public claims by 地方税法18条3項 and 地方自治法236条3項."""
    row = reminders.save_criteria(name="全件", criteria=Criteria(), user=operator())
    issue_reminders(row, AS_OF, operator(), today=TODAY)
    recorded = set(PrescriptionEvent.objects.values_list("instalment_id", "kind", "on"))
    assert {(i.pk, EventKind.REMINDER, AS_OF) for i in (hanako_rent, taro_tax, taro_nursery)} <= recorded


def test_with_the_setting_off_a_reminder_suspends_a_private_claim_only(cases, hanako_rent, taro_tax, taro_nursery, tax_clerk, settings):
    settings.SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS = False
    row = reminders.save_criteria(name="全件", criteria=Criteria(), user=operator())
    issue_reminders(row, AS_OF, operator(), today=TODAY)
    assert list(PrescriptionEvent.objects.values_list("instalment_id", "kind", "on")) == [(hanako_rent.pk, EventKind.REMINDER, AS_OF)]


def test_a_future_day_is_refused(cases, tax_clerk):
    row = reminders.save_criteria(name="全件", criteria=Criteria(), user=operator())
    with pytest.raises(CaseError, match="未来の日付"):
        issue_reminders(row, TODAY + timedelta(days=1), operator(), today=TODAY)
    assert not ReminderRun.objects.exists()


def test_the_pdf_has_a_page_per_letter(cases, tax_clerk, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    run = issue_reminders(reminders.save_criteria(name="全件", criteria=Criteria(), user=operator()), AS_OF, operator(), today=TODAY)
    ticks = []
    path = reminders.render_run(run, user=operator(), progress=lambda done, total: ticks.append((done, total)))
    pdf = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(pdf.pages) == run.count == 2
    assert "催" in pdf.pages[0].extract_text() and "山田 太郎" in pdf.pages[0].extract_text() and "佐藤 花子" in pdf.pages[1].extract_text()
    run.refresh_from_db()
    assert (run.document_status, run.pages_done, ticks[-1]) == (DocumentStatus.DONE, 2, (2, 2))
    assert reminders.render_run(run, user=operator()) is None  # done already: not rendered twice


def test_the_command(cases, tax_clerk, housing_clerk, settings, tmp_path, capsys):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    with pytest.raises(Refused):  # another department's criteria
        reminders.save_criteria(name="住宅使用料", criteria=Criteria(department="jutaku"), user=tax_clerk)
    reminders.save_criteria(name="住宅使用料", criteria=Criteria(department="jutaku"), user=housing_clerk)
    with pytest.raises(CommandError, match="住宅使用料"):  # the tax clerk may not send the housing department's letters
        call_command("issue_reminders", "--criteria", "住宅使用料", "--as-of", AS_OF.isoformat(), "--user", "tax_clerk")
    assert not ReminderRun.objects.exists()
    call_command("issue_reminders", "--criteria", "住宅使用料", "--as-of", AS_OF.isoformat(), "--render", "--user", "housing_clerk")
    out = capsys.readouterr().out
    assert "催告書 1件" in out and "催告書PDF:" in out
    run = ReminderRun.objects.get()
    assert PdfReader(run.document).get_num_pages() == 1
    call_command("issue_reminders", "--criteria", "住宅使用料", "--as-of", AS_OF.isoformat(), "--user", "housing_clerk")
    out = capsys.readouterr().out
    assert "催告書 0件" in out and "除外 1件" in out

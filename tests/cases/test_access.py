"""Case notes and case control on a case shared by two departments (issue 12).

taro owes 市税 (納税課) and 保育料 (保育課); his case was opened by the tax clerk, so it is
納税課's. The tax clerk's contact-log entry is tax information (地方税法22条): the nursery
clerk (officer) sees its date and the writer's department only, unless a TaxDisclosure is
recorded. Neither department owns all of taro's debts, so neither reassigns nor closes
his case; an administrator does. hanako owes 保育料 only: 保育課 controls her case.
"""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.cases import actions
from saiken.cases.models import Case, Task
from saiken.cases.visibility import TAX_NOTE_HIDDEN
from saiken.staff.models import Role, TaxDisclosure
from saiken.staff.policy import Refused

from .conftest import OPENED, staff

pytestmark = pytest.mark.django_db
NOTE = "市民税 滞納 120,000円 勤務先に照会、月給28万円"
CONTROL = "他の課の債権を含む事案の{}は、そのすべての債権を所管する課の職員かシステム管理者だけが行えます。"


@pytest.fixture
def tax_clerk(django_user_model):
    return staff(django_user_model.objects.create_user("nozei"), Role.CLERK, "nozei")


@pytest.fixture
def tax_manager(django_user_model):
    return staff(django_user_model.objects.create_user("nozei-kacho"), Role.MANAGER, "nozei")


@pytest.fixture
def member(django_user_model):
    return staff(django_user_model.objects.create_user("iinkai"), Role.COMMITTEE)


@pytest.fixture
def shared(taro, taro_nursery, taro_tax, tax_clerk):
    """taro's case, 納税課's, with the tax clerk's note and task on it."""
    case = actions.open_case(debtor=taro, officer=tax_clerk, on=OPENED, user=tax_clerk)
    actions.log_contact(case, kind="phone", at=timezone.make_aware(datetime(2025, 1, 10, 10, 0)), summary=NOTE, counterpart="勤務先",
                        user=tax_clerk)
    actions.add_task(case, kind="investigation", due_on=date(2025, 2, 1), note="給与差押えの準備（月給28万円）", user=tax_clerk)
    return case


def page(client, user, debtor_id):
    client.force_login(user)
    response = client.get(reverse("case", args=[debtor_id]))
    assert response.status_code == 200
    return response.content.decode()


# --- notes ---------------------------------------------------------------------------------


def test_the_tax_clerks_note_is_hidden_from_the_nursery_clerk(client, shared, officer, tax_clerk):
    assert shared.department.code == "nozei"
    html = page(client, officer, shared.debtor_id)
    assert "月給28万円" not in html and "120,000" not in html
    assert html.count(TAX_NOTE_HIDDEN) == 2  # the contact and the task
    assert shared.department.name in html  # the writer's department, not the writer
    assert "令和7年1月10日" in html or "2025-01-10" in html
    # The tax clerk herself sees it all.
    html = page(client, tax_clerk, shared.debtor_id)
    assert NOTE in html and "給与差押えの準備（月給28万円）" in html and TAX_NOTE_HIDDEN not in html


def test_the_tax_clerks_task_is_hidden_in_the_nursery_officers_queue(client, shared, officer, tax_clerk, admin_user):
    actions.assign(shared, officer, user=admin_user)
    actions.add_task(shared, kind="follow_up", due_on=date(2025, 2, 1), note="月給28万円の件で再架電", assigned_to=officer, user=tax_clerk)
    client.force_login(officer)
    html = client.get(reverse("case_queue")).content.decode()
    assert "月給28万円" not in html and TAX_NOTE_HIDDEN in html


def test_the_systems_note_of_a_tax_act_is_hidden_and_of_a_nursery_act_shown(client, shared, officer, tax_clerk, city_tax, nursery_fee):
    """Notes the system writes (no author) are classed by the debts they are about."""
    from saiken.cases import investigations

    today = date(2025, 6, 2)
    before = page(client, officer, shared.debtor_id).count(TAX_NOTE_HIDDEN)
    investigations.request_investigation(shared, receivable=city_tax, kind="bank", addressee_name="第四北越銀行 本店",
                                         requested_on=date(2025, 1, 20), user=tax_clerk, today=today)
    investigations.request_investigation(shared, receivable=nursery_fee, kind="bank", addressee_name="新潟信用金庫 本店",
                                         requested_on=date(2025, 1, 21), user=officer, today=today)
    html = page(client, officer, shared.debtor_id)
    assert "新潟信用金庫" in html and "第四北越銀行" not in html
    assert html.count(TAX_NOTE_HIDDEN) > before  # the system's note of the tax inquiry, shown as hidden
    mine = page(client, tax_clerk, shared.debtor_id)
    assert "新潟信用金庫" in mine and TAX_NOTE_HIDDEN not in mine  # tax staff see every note


def test_the_audit_row_of_a_contact_does_not_copy_the_note(shared):
    row = AuditEvent.objects.get(action="case.contact")
    assert "月給" not in row.summary and "120,000" not in row.summary and "月給" not in str(row.detail)


def test_a_tax_disclosure_shows_the_note(client, shared, officer, taro):
    TaxDisclosure.objects.create(debtor=taro, department=officer.staff.department, basis=TaxDisclosure.Basis.CONSENT,
                                 detail="同意書 第7号", valid_from=timezone.localdate() - timedelta(days=1))
    html = page(client, officer, shared.debtor_id)
    assert NOTE in html and TAX_NOTE_HIDDEN not in html


def test_the_nursery_clerks_own_note_is_shown_to_her(client, shared, officer):
    actions.log_contact(shared, kind="counter", at=timezone.make_aware(datetime(2025, 1, 11, 9, 0)), summary="保育料の分納を相談", user=officer)
    html = page(client, officer, shared.debtor_id)
    assert "保育料の分納を相談" in html and "月給28万円" not in html


# --- control --------------------------------------------------------------------------------


def test_the_nursery_clerk_may_not_reassign_or_close_the_tax_departments_case(shared, officer, tax_clerk):
    with pytest.raises(Refused, match=CONTROL.format("担当者の変更")):
        actions.assign(shared, officer, user=officer)
    with pytest.raises(Refused, match=CONTROL.format("終結")):
        actions.close_case(shared, on=date(2025, 3, 1), reason="完納", user=officer)
    case = Case.objects.get(pk=shared.pk)
    assert (case.status, case.officer) == (Case.Status.OPEN, tax_clerk)
    assert sorted(AuditEvent.objects.filter(user=officer).exclude(action__startswith="auth.").values_list("action", flat=True)) == ["case.assign.refused", "case.close.refused"]


def test_nor_through_the_screens(client, shared, officer, manager, tax_clerk):
    for user in (officer, manager):
        client.force_login(user)
        assert client.post(reverse("case_assign", args=[shared.debtor_id]), {"officer": "me"}).status_code == 403
        assert client.post(reverse("case_assign", args=[shared.debtor_id]), {"officer": str(user.pk)}).status_code == 403
        response = client.post(reverse("case_close", args=[shared.debtor_id]), {"on": "2025-03-01", "reason": "完納"})
        assert response.status_code == 403 and CONTROL.format("終結") in response.content.decode()
        html = client.get(reverse("case", args=[shared.debtor_id])).content.decode()
        assert "終結する</button>" not in html and "割り当てる</button>" not in html and "自分が担当する</button>" not in html
    case = Case.objects.get(pk=shared.pk)
    assert (case.status, case.officer) == (Case.Status.OPEN, tax_clerk)
    assert AuditEvent.objects.filter(action="case.close.refused", user=officer).exists()
    assert not AuditEvent.objects.filter(action__in=["case.assign", "case.close"]).exists()


def test_the_tax_department_alone_does_not_own_it_either(shared, tax_manager, officer):
    with pytest.raises(Refused, match=CONTROL.format("担当者の変更")):
        actions.assign(shared, officer, user=tax_manager)


def test_an_administrator_reassigns_closes_and_reopens_it(shared, officer, admin_user, tax_clerk):
    actions.assign(shared, officer, user=admin_user)
    actions.close_case(shared, on=date(2025, 3, 1), reason="完納", user=admin_user)
    with pytest.raises(Refused, match=CONTROL.format("再開")):
        actions.open_case(debtor=shared.debtor, user=tax_clerk)
    actions.open_case(debtor=shared.debtor, user=admin_user)
    assert Case.objects.get(pk=shared.pk).status == Case.Status.OPEN


def test_a_case_of_the_own_departments_debts_only_is_the_departments(client, hanako_case, officer, manager, tax_clerk):
    with pytest.raises(Refused, match=CONTROL.format("終結")):
        actions.close_case(hanako_case, on=date(2025, 3, 1), reason="完納", user=tax_clerk)
    with pytest.raises(Refused, match="課長・システム管理者だけ"):
        actions.assign(hanako_case, manager, user=officer)  # a clerk takes a case herself, a manager assigns
    actions.assign(hanako_case, manager, user=manager)
    actions.assign(hanako_case, officer, user=officer)
    client.force_login(officer)
    assert client.post(reverse("case_close", args=[hanako_case.debtor_id]), {"on": "2025-03-01", "reason": "完納"}).status_code == 302
    assert Case.objects.get(pk=hanako_case.pk).status == Case.Status.CLOSED
    assert client.post(reverse("case_open", args=[hanako_case.debtor_id])).status_code == 302
    assert Case.objects.get(pk=hanako_case.pk).status == Case.Status.OPEN


def test_transfers_are_for_the_cases_department(shared, hanako_case, manager, tax_manager, collector):
    with pytest.raises(Refused, match="この事案の移管は、所管課（.*納税課）の職員だけが行えます"):
        actions.transfer_to_central([shared], on=date(2025, 3, 1), user=manager)
    assert not Case.objects.get(pk=shared.pk).transferred_to_central
    actions.transfer_to_central([shared], on=date(2025, 3, 1), user=tax_manager)
    with pytest.raises(Refused):
        actions.return_from_central(shared, on=date(2025, 4, 1), user=manager)
    actions.return_from_central(shared, on=date(2025, 4, 1), user=collector)
    assert not Case.objects.get(pk=shared.pk).transferred_to_central
    assert AuditEvent.objects.filter(action__in=["case.transfer.refused", "case.return.refused"], user=manager).count() == 2


def test_the_committee_member_neither_sees_nor_closes(client, shared, member):
    client.force_login(member)
    assert client.get(reverse("case", args=[shared.debtor_id])).status_code == 403
    assert client.post(reverse("case_close", args=[shared.debtor_id]), {"on": "2025-03-01", "reason": "完納"}).status_code == 403
    with pytest.raises(Refused, match="滞納整理を行う権限がありません"):
        actions.close_case(shared, on=date(2025, 3, 1), reason="完納", user=member)
    assert Case.objects.get(pk=shared.pk).status == Case.Status.OPEN
    assert Task.objects.count() == 1

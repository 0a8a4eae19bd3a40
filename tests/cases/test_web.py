"""The case screens: who sees what, and each form calling its action."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.cases import actions
from saiken.cases.models import Case, ContactEntry, Pledge, Promise, StallCount, Task, Transfer
from saiken.staff.models import TaxDisclosure
from tests.cases.conftest import staff

pytestmark = pytest.mark.django_db

TAX = "123,456"  # taro's 市税
NURSERY = "30,000"  # taro's 保育料


def get(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("name, args", [("case", [1]), ("case_queue", []), ("case_team", []), ("case_transfer", []),
                                        ("case_central", []), ("case_stalls", [])])
def test_every_screen_requires_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_case_page_hides_tax_from_a_non_tax_clerk(client, taro_case, officer):
    html = get(client, officer, "case", taro_case.debtor_id)
    assert NURSERY in html and TAX not in html
    assert "ほかに 1 債権の調定があります" in html
    assert AuditEvent.objects.filter(action="case.view", user=officer, debtor_id=taro_case.debtor_id).exists()


def test_a_tax_disclosure_shows_it(client, taro_case, officer):
    TaxDisclosure.objects.create(debtor=taro_case.debtor, department=officer.staff.department, basis=TaxDisclosure.Basis.CONSENT,
                                 detail="同意書 第12号", valid_from=timezone.localdate() - timedelta(days=1))
    html = get(client, officer, "case", taro_case.debtor_id)
    assert TAX in html and NURSERY in html and "ほかに" not in html


def test_the_central_team_sees_a_transferred_case_but_not_its_tax_amounts(client, taro_case, manager, collector):
    client.force_login(collector)
    assert client.get(reverse("case", args=[taro_case.debtor_id])).status_code == 403
    actions.transfer_to_central([taro_case], on=date(2025, 5, 1), user=manager)
    html = get(client, collector, "case", taro_case.debtor_id)
    assert NURSERY in html and TAX not in html and "（税情報）" in html and "市税" in html


def test_a_clerk_of_another_department_may_not_open_the_case(client, taro_case, django_user_model):
    outsider = staff(django_user_model.objects.create_user("jutaku"), "clerk", "jutaku")
    client.force_login(outsider)
    assert client.get(reverse("case", args=[taro_case.debtor_id])).status_code == 403


def test_the_page_shows_priority_tasks_and_the_timeline_in_date_order(client, taro_case, officer, taro, nursery_fee):
    from tests.cases.conftest import pay

    at = timezone.make_aware(timezone.datetime(2025, 3, 3, 10, 0))
    actions.log_contact(taro_case, kind="letter", at=at, summary="催告書を送付", user=officer)
    actions.add_task(taro_case, kind="investigation", due_on=date(2025, 3, 20), note="預金調査", user=officer)
    pay(taro, nursery_fee, 2_500, date(2025, 3, 10))
    html = get(client, officer, "case", taro_case.debtor_id, as_of="2025-05-01")
    assert "優先度の理由" in html and "預金調査" in html
    timeline = html[html.index('id="timeline"'):]
    assert timeline.index("収納") < timeline.index("催告書を送付")  # newest first
    assert "2,500" in timeline


def test_forms_log_a_contact_a_promise_a_task_and_the_next_action(client, taro, taro_nursery, officer):
    client.force_login(officer)
    url = lambda name: reverse(name, args=[taro.pk])  # noqa: E731
    r = client.post(url("case_contact"), {"kind": "phone", "at": "2025-04-01T10:30", "summary": "本人と電話", "counterpart": "本人"})
    assert r.status_code == 302
    case = Case.objects.get(debtor=taro)  # opened by the first record
    assert ContactEntry.objects.get(case=case).counterpart == "本人"
    client.post(url("case_promise"), {"promised_on": "2025-04-01", "due_on": "2025-04-15", "amount": "5000", "receivable": "nursery_fee"})
    assert Promise.objects.get().receivable.code == "nursery_fee"
    client.post(url("case_task"), {"kind": "follow_up", "due_on": "2025-04-16", "note": "入金確認"})
    task = Task.objects.get()
    client.post(reverse("case_task_done", args=[taro.pk, task.pk]), {"on": "2025-04-16"})
    task.refresh_from_db()
    assert task.done_on == date(2025, 4, 16)
    client.post(url("case_next_action"), {"on": "2025-05-01", "what": "再架電"})
    case.refresh_from_db()
    assert (case.next_action_on, case.next_action) == (date(2025, 5, 1), "再架電")
    client.post(url("case_assign"), {"officer": "me"})
    case.refresh_from_db()
    assert case.officer == officer
    r = client.post(url("case_promise"), {"promised_on": "2025-04-01", "due_on": "2025-03-15", "amount": "5000"})
    assert "納付予定日が約束した日より前です。" in client.get(r["Location"]).content.decode()


def test_a_clerk_may_not_assign_someone_else(client, taro_case, officer, manager):
    client.force_login(officer)
    assert client.post(reverse("case_assign", args=[taro_case.debtor_id]), {"officer": str(manager.pk)}).status_code == 403


def test_the_pledge_form_generates_an_even_schedule_to_edit_then_signs(client, taro_case, taro_nursery, officer):
    client.force_login(officer)
    url = reverse("case_pledge", args=[taro_case.debtor_id])
    form = {"instalments": [taro_nursery.pk], "signed_on": "2025-02-03", "count": "4", "first_due": "2025-02-28"}
    html = client.post(url, {**form, "step": "generate"}).content.decode()
    assert "2025-02-28 7500\n2025-03-28 7500\n2025-04-28 7500\n2025-05-28 7500" in html
    schedule = "2025-02-28 10000\n2025-03-28 10000\n2025-04-28 10000"  # edited: three rows
    r = client.post(url, {**form, "schedule": schedule, "step": "sign"})
    assert r.status_code == 302
    pledge = Pledge.objects.get()
    assert list(pledge.schedule.values_list("amount", flat=True)) == [10_000] * 3
    assert "分納誓約" in get(client, officer, "case", taro_case.debtor_id, as_of="2025-03-01")


def test_the_queue_orders_by_priority_and_flags_stalled_cases(client, taro_case, hanako_case, officer):
    actions.set_next_action(hanako_case, on=None, user=officer)
    html = get(client, officer, "case_queue", as_of="2025-05-01")
    rows = html[html.index('id="queue"'):]
    # hanako: never contacted 15 + no next action 10 + a small debt 3; taro: never contacted 15 + 3
    assert rows.index("佐藤 花子") < rows.index("山田 太郎")
    assert "<b>28</b>" in rows and "<b>18</b>" in rows
    assert "次回対応日なし" in rows and rows.count("stalled") == 1
    assert TAX not in html  # the officer's amounts leave out tax


def test_the_team_view_counts_per_officer(client, taro_case, hanako_case, officer, manager):
    actions.set_next_action(hanako_case, on=None, user=officer)
    html = get(client, manager, "case_team", as_of="2025-05-01")
    row = html[html.index("担当 一郎"):]
    assert "<td class=\"num\">2</td>" in row and "<td class=\"num late\">1</td>" in row
    client.force_login(officer)
    assert client.get(reverse("case_team")).status_code == 403


def test_transfer_criteria_preview_and_transfer_then_the_central_list(client, taro_case, hanako_case, jiro_case, manager, collector):
    html = get(client, manager, "case_transfer", min_owed="10000", match="all", as_of="2025-05-01")
    preview = html[html.index('id="preview"'):]
    assert "山田 太郎" in preview and "佐藤 花子" not in preview and "鈴木 次郎" not in preview
    r = client.post(reverse("case_transfer"), {"min_owed": "10000", "match": "all", "as_of": "2025-05-01", "case": [taro_case.pk, hanako_case.pk]})
    assert r.status_code == 302
    assert list(Transfer.objects.values_list("case_id", flat=True)) == [taro_case.pk]  # only what the criteria select
    html = get(client, collector, "case_central", as_of="2025-05-01")
    central = html[html.index('id="central"'):]
    assert "山田 太郎" in central and "佐藤 花子" not in central and "未納額 10,000円以上" in central
    client.force_login(collector)
    assert client.post(reverse("case_return", args=[taro_case.debtor_id]), {"on": "2025-06-01"})["Location"] == reverse("case_central")
    assert "移管されている事案はありません。" in get(client, collector, "case_central")


def test_the_stall_list_and_its_history(client, taro_case, hanako_case, officer):
    from saiken.cases.stalls import snapshot

    actions.set_next_action(hanako_case, on=None, user=officer)
    snapshot(date(2025, 4, 30))
    StallCount.objects.filter(day=date(2025, 4, 30)).update(count=7)
    html = get(client, officer, "case_stalls", as_of="2025-05-01")
    assert "停滞 1件" in html and "佐藤 花子" in html and "山田 太郎" not in html
    assert "令和7年4月30日" in html and ">7<" in html


def test_the_case_page_and_the_queue_cost_the_same_queries_however_much_there_is(client, taro_case, officer, taro, nursery_fee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saiken.debtors.models import Debtor
    from tests.cases.conftest import assess, pay

    def queries(name, *args):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, args=args), {"as_of": "2025-05-01"}).status_code == 200
        return len(ctx.captured_queries)

    def more(n):
        for k in range(n):
            d = Debtor.objects.create(name=f"追加 {n}-{k}", name_kana="ツイカ")
            assess(d, nursery_fee, 1_000)
            case = actions.open_case(debtor=d, officer=officer, on=date(2025, 1, 6), user=officer)
            for c in (case, taro_case):
                actions.log_contact(c, kind="phone", at=timezone.make_aware(timezone.datetime(2025, 3, 1, 10)), summary="架電", user=officer)
                actions.record_promise(c, due_on=date(2025, 4, 1), amount=100, promised_on=date(2025, 3, 1), user=officer)
                actions.add_task(c, kind="follow_up", due_on=date(2025, 4, 2), user=officer)
            pay(taro, nursery_fee, 100, date(2025, 3, 2))

    client.force_login(officer)
    more(1)
    before = [queries("case", taro.pk), queries("case_queue"), queries("case_stalls")]
    more(5)
    assert [queries("case", taro.pk), queries("case_queue"), queries("case_stalls")] == before

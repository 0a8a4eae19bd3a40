"""The relief and write-off screens, with a clerk (no permission) and a manager (with it)."""

from datetime import date

import pytest
from django.urls import reverse

from saiken.core.entries import Kind
from saiken.ledger.models import Entry
from saiken.relief import writeoff
from saiken.relief.models import ReliefDecision, Status

from tests.conftest import staff

from .conftest import assess, granted, propose

pytestmark = pytest.mark.django_db

PAGES = ["relief_list", "relief_propose", "relief_writeoff", "relief_writeoff_report"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_requires_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_decision_pages_require_login(client, taro, city_tax, clerk):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    for name in ("relief_decision", "relief_approve", "relief_reject", "relief_revoke", "relief_end"):
        assert client.post(reverse(name, args=[d.pk])).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.PROPOSED


def test_the_list_filters_by_status_and_kind(client, taro, city_tax, housing, clerk, manager):
    granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    propose(clerk, taro, "waiver", [assess(taro, housing)], "discharged", date(2024, 5, 1))
    client.force_login(clerk)
    page = client.get(reverse("relief_list")).content.decode()
    assert "滞納処分の執行停止" in page and "債権放棄" in page and "山田 太郎" in page
    page = client.get(reverse("relief_list"), {"status": "proposed"}).content.decode()
    assert "債権放棄" in page and "財産がない" not in page
    page = client.get(reverse("relief_list"), {"kind": "execution_stop"}).content.decode()
    assert "破産法等" not in page and "滞納処分をすることができる財産がない" in page


def test_the_proposal_form_lists_the_debtors_open_instalments_and_proposes(client, taro, city_tax, clerk):
    i = assess(taro, city_tax, 30_000)
    client.force_login(clerk)
    page = client.get(reverse("relief_propose"), {"debtor": taro.pk}).content.decode()
    assert "令和2年度 市税 第1期" in page and "30,000" in page
    assert "滞納処分をすることができる財産がない（地方税法15条の7第1項1号）" in page
    response = client.post(f"{reverse('relief_propose')}?debtor={taro.pk}", {
        "debtor": taro.pk, "instalments": [i.pk], "measure": "execution_stop:no_property", "start_on": "2024-05-01",
        "reason": "財産調査の結果、差し押さえる財産なし",
    })
    d = ReliefDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("relief_decision", args=[d.pk])
    assert (d.kind, d.ground, d.start_on, d.proposed_by) == ("execution_stop", "no_property", date(2024, 5, 1), clerk)
    page = client.get(response["Location"]).content.decode()
    assert "起案しました" in page


def test_a_refused_proposal_shows_every_reason_in_japanese(client, taro, housing, clerk):
    i = assess(taro, housing)
    client.force_login(clerk)
    response = client.post(reverse("relief_propose"), {
        "debtor": taro.pk, "instalments": [i.pk], "measure": "execution_stop:no_property", "start_on": "2024-05-01",
        "end_on": "2024-06-01", "reason": "x",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "滞納処分の執行停止は私債権には認められていません" in page
    assert "滞納処分の執行停止には終了日を定めません。" in page
    assert not ReliefDecision.objects.exists()


def test_a_performance_deferral_split_evenly_from_the_form(client, taro, housing, clerk):
    i = assess(taro, housing, 30_001)
    client.force_login(clerk)
    client.post(reverse("relief_propose"), {
        "debtor": taro.pk, "instalments": [i.pk], "measure": "performance_deferral:without_means", "start_on": "2024-05-01",
        "reason": "収入減少", "split_count": "3", "split_first": "2024-05-31",
    })
    d = ReliefDecision.objects.get()
    assert list(d.schedule.values_list("due_on", "amount")) == [
        (date(2024, 5, 31), 10_001), (date(2024, 6, 30), 10_000), (date(2024, 7, 31), 10_000),
    ]


def test_a_bad_schedule_line_is_reported_with_its_number(client, taro, housing, clerk):
    i = assess(taro, housing, 30_000)
    client.force_login(clerk)
    response = client.post(reverse("relief_propose"), {
        "debtor": taro.pk, "instalments": [i.pk], "measure": "performance_deferral:without_means", "start_on": "2024-05-01",
        "reason": "収入減少", "schedule": "2024-05-31 10000\n5月末 20000",
    })
    assert "2行目" in response.content.decode()
    assert not ReliefDecision.objects.exists()


def test_only_a_permission_holder_sees_and_uses_approve(client, taro, city_tax, clerk, manager):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    url = reverse("relief_decision", args=[d.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "決裁する</button>" not in page and "決裁には「緩和措置を決裁する」権限が必要です" in page
    response = client.post(reverse("relief_approve", args=[d.pk]), {"on": "2024-05-02"}, follow=True)
    assert "緩和措置を決裁する権限がありません。" in response.content.decode()
    d.refresh_from_db()
    assert d.status == Status.PROPOSED

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "決裁する</button>" in page and "却下する</button>" in page
    response = client.post(reverse("relief_approve", args=[d.pk]), {"on": "2024-05-02"}, follow=True)
    assert "決裁しました。" in response.content.decode()
    d.refresh_from_db()
    assert (d.status, d.approved_by, d.decided_on) == (Status.APPROVED, manager, date(2024, 5, 2))
    page = client.get(url).content.decode()
    assert "執行停止を取り消す</button>" in page
    assert "3年間（令和6年5月3日〜令和9年5月2日）継続したとき、令和9年5月3日に納付義務が消滅します" in page


def test_the_proposer_is_not_offered_the_approve_button(client, taro, city_tax, manager):
    d = propose(manager, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    client.force_login(manager)
    page = client.get(reverse("relief_decision", args=[d.pk])).content.decode()
    assert "決裁する</button>" not in page and "却下する</button>" in page


def test_reject_and_revoke_from_the_decision_page(client, taro, city_tax, clerk, manager):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax, no=1)], "no_property", date(2024, 5, 1))
    client.force_login(manager)
    client.post(reverse("relief_reject", args=[d.pk]), {"on": "2024-05-02", "reason": "預金あり"})
    d.refresh_from_db()
    assert (d.status, d.decision_note) == (Status.REJECTED, "預金あり")

    stop = granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax, no=2)], "hardship", date(2024, 5, 1))
    response = client.post(reverse("relief_revoke", args=[stop.pk]), {"on": "2024-09-01", "reason": ""}, follow=True)
    assert "取消の理由を入力してください。" in response.content.decode()
    client.post(reverse("relief_revoke", args=[stop.pk]), {"on": "2024-09-01", "reason": "就職"})
    stop.refresh_from_db()
    assert (stop.status, stop.revoked_on) == (Status.REVOKED, date(2024, 9, 1))
    page = client.get(reverse("relief_decision", args=[stop.pk])).content.decode()
    assert "滞納処分の執行停止を取消" in page  # the history, from the audit log


def test_ending_a_deferment_from_the_decision_page(client, taro, city_tax, clerk, manager):
    d = granted(clerk, manager, taro, "collection_deferment", [assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))], "illness",
                date(2024, 4, 1), date(2025, 3, 31))
    client.force_login(manager)
    page = client.get(reverse("relief_decision", args=[d.pk])).content.decode()
    assert "措置を終了する</button>" in page and "猶予期間中は時効が進行しません" in page
    client.post(reverse("relief_end", args=[d.pk]), {"on": "2024-09-30", "reason": "完納"})
    d.refresh_from_db()
    assert (d.status, d.ended_on) == (Status.ENDED, date(2024, 9, 30))


@pytest.fixture
def waived(taro, housing, clerk, manager, prescription):
    i = assess(taro, housing, 45_000, fy=2022, no=4)
    granted(clerk, manager, taro, "waiver", [i], "discharged", date(2024, 7, 1))
    return i


def test_the_write_off_candidates_and_the_run(client, waived, clerk, manager, django_user_model):
    clerk = staff(django_user_model.objects.create_user("jutaku"), "clerk", "jutaku")  # the housing department's clerk
    client.force_login(clerk)
    page = client.get(reverse("relief_writeoff"), {"as_of": "2024-07-10"}).content.decode()
    assert "債権放棄（債権管理条例）" in page and "45,000" in page and "山田 太郎" in page
    assert "不納欠損を計上する</button>" not in page
    assert client.post(reverse("relief_writeoff"), {"as_of": "2024-07-10"}).status_code == 403
    assert not Entry.objects.filter(kind=Kind.WRITE_OFF).exists()

    client.force_login(manager)
    page = client.get(reverse("relief_writeoff"), {"as_of": "2024-07-10"}).content.decode()
    assert "令和6年7月10日付で不納欠損を計上する</button>" in page
    response = client.post(reverse("relief_writeoff"), {"as_of": "2024-07-10"}, follow=True)
    page = response.content.decode()
    assert "1件 45,000円を不納欠損しました" in page
    assert "基準日現在、不納欠損の対象はありません。" in page
    assert list(Entry.objects.filter(kind=Kind.WRITE_OFF).values_list("instalment_id", "amount", "reason")) == [(waived.pk, 45_000, "waiver")]


def test_the_write_off_page_warns_when_prescription_is_not_checked(client, waived, clerk, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "saiken.prescription.warnings", None)
    client.force_login(clerk)
    page = client.get(reverse("relief_writeoff"), {"as_of": "2024-07-10"}).content.decode()
    assert "時効の判定が利用できないため" in page


def test_the_write_off_report_page(client, waived, clerk, manager):
    writeoff.run(date(2024, 7, 10), user=manager)
    client.force_login(clerk)
    page = client.get(reverse("relief_writeoff_report")).content.decode()
    assert "令和6年度（2024）決算" in page
    assert "市営住宅使用料・駐車場使用料" in page and "令和4年度" in page and "債権放棄（債権管理条例）" in page
    assert "45,000" in page
    page = client.get(reverse("relief_writeoff_report"), {"year": "2023"}).content.decode()
    assert "不納欠損はありません。" in page


def test_the_admin_edits_the_table_of_allowed_classes(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.invalid", None)
    client.force_login(admin)
    page = client.get(reverse("admin:relief_reliefrule_changelist")).content.decode()
    assert "緩和措置の対象区分" in page and "滞納処分の執行停止" in page
    assert client.get(reverse("admin:relief_reliefdecision_changelist")).status_code == 200


@pytest.mark.parametrize(
    "kind, ground, end_on, says",
    [
        ("collection_deferment", "disaster", date(2024, 12, 31), "猶予期間中の延滞金は免除されます（地方税法15条の9第1項）"),
        ("collection_deferment", "business_loss", date(2024, 12, 31), "猶予特例割合"),
        ("realisation_deferment", "hardship", date(2024, 12, 31), "猶予特例割合"),
        ("execution_stop", "hardship", None, "執行停止期間中の延滞金は免除されます"),
    ],
)
def test_the_decision_page_says_what_it_does_to_the_late_charge(client, taro, city_tax, clerk, kind, ground, end_on, says):
    d = propose(clerk, taro, kind, [assess(taro, city_tax)], ground, date(2024, 5, 1), end_on)
    client.force_login(clerk)
    page = client.get(reverse("relief_decision", args=[d.pk])).content.decode()
    assert says in page


def test_the_decision_page_says_what_a_performance_deferral_does(client, taro, housing, clerk, manager):
    a = assess(taro, housing, 30_000, fy=2023, no=1, due=date(2023, 7, 31))
    b = assess(taro, housing, 50_000, fy=2023, no=2, due=date(2023, 8, 31))
    d = granted(clerk, manager, taro, "performance_deferral", [a, b], "without_means", date(2024, 4, 1),
                schedule=[(date(2024, 4, 30), 40_000), (date(2025, 3, 31), 40_000)])
    client.force_login(clerk)
    page = client.get(reverse("relief_decision", args=[d.pk])).content.decode()
    assert "（当初の納期限 令和5年7月31日）の履行期限を延長します: 令和6年4月30日 30,000円（地方自治法施行令171条の6）" in page
    assert "（当初の納期限 令和5年8月31日）の履行期限を延長します: 令和6年4月30日 10,000円、令和7年3月31日 40,000円" in page
    assert "延長後の履行期限の翌日から進行します（民法152条、166条1項）" in page
    assert "特約の前に生じた延滞金・遅延損害金はそのまま徴収します（地方自治法施行令171条の6第2項）" in page
    from saiken.relief import actions

    actions.end_relief(d, manager, date(2024, 9, 30), "不履行")
    page = client.get(reverse("relief_decision", args=[d.pk])).content.decode()
    assert "令和6年9月30日の後に期限のある回の金額は同日に履行期限が到来したものとして扱います" in page

"""Who may propose and decide relief (issue 12): the owning department, through the action
and through the screens alike; a refused attempt writes nothing but its audit row.

Cast (as the demo logins):
- nozei (納税課 clerk) proposes the city-tax 徴収猶予; nozei_kacho (納税課 manager, 決裁権)
  decides it.
- hoiku (保育課 clerk), hoiku_kacho (保育課 manager, 決裁権): the nursery fee's department.
  hoiku_kacho holds the Django permission too — what let him approve the city tax before.
- iinkai (債権管理委員): figures only, no act on debts.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.relief import actions
from saiken.relief.models import ReliefDecision, Status
from saiken.staff.policy import Refused
from tests.conftest import staff

from .conftest import assess

pytestmark = pytest.mark.django_db


def _user(make, name, role, department=None, decider=False):
    user = staff(make(name), role, department)
    if decider:
        user.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    return type(user).objects.get(pk=user.pk)  # fresh: the permission cache is per instance


@pytest.fixture
def cast(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "nozei": _user(make, "nozei", "clerk", "nozei"),
        "nozei_kacho": _user(make, "nozei-kacho", "manager", "nozei", decider=True),
        "hoiku": _user(make, "hoiku", "clerk", "hoiku"),
        "hoiku_kacho": _user(make, "hoiku-kacho", "manager", "hoiku", decider=True),
        "iinkai": _user(make, "iinkai", "committee"),
    }


@pytest.fixture
def tax_deferment(taro, city_tax, cast):
    """A city-tax 徴収猶予 proposed by the tax clerk, waiting for 決裁."""
    i = assess(taro, city_tax, 120_000)
    return actions.propose_relief(debtor=taro, kind="collection_deferment", instalments=[i], ground="illness", reason="入院",
                                  start_on=date(2024, 4, 1), end_on=date(2025, 3, 31), user=cast["nozei"])


def refused_rows(action, user):
    return AuditEvent.objects.filter(action=f"{action}.refused", user=user)


def test_another_departments_manager_cannot_decide_tax_relief_through_the_action(tax_deferment, cast):
    kacho = cast["hoiku_kacho"]
    acts = [
        ("relief.approve", lambda: actions.approve_relief(tax_deferment, kacho, date(2024, 4, 2))),
        ("relief.reject", lambda: actions.reject_relief(tax_deferment, kacho, date(2024, 4, 2), "不要")),
        ("relief.end", lambda: actions.end_relief(tax_deferment, kacho, date(2024, 4, 2), "回復")),
        ("relief.revoke", lambda: actions.revoke_execution_stop(tax_deferment, kacho, date(2024, 4, 2), "回復")),
    ]
    for action, act in acts:
        with pytest.raises(Refused, match="市税の緩和措置の決裁は、所管課（.*納税課）の職員だけが行えます"):
            act()
        assert refused_rows(action, kacho).get().target_id == tax_deferment.pk, action
    tax_deferment.refresh_from_db()
    assert (tax_deferment.status, tax_deferment.approved_by, tax_deferment.decided_on) == (Status.PROPOSED, None, None)
    assert not AuditEvent.objects.filter(action__in=["relief.approve", "relief.reject", "relief.end", "relief.revoke"]).exists()


def test_the_owning_departments_manager_decides_it(tax_deferment, cast):
    actions.approve_relief(tax_deferment, cast["nozei_kacho"], date(2024, 4, 2))
    tax_deferment.refresh_from_db()
    assert (tax_deferment.status, tax_deferment.approved_by) == (Status.APPROVED, cast["nozei_kacho"])
    with pytest.raises(Refused):
        actions.end_relief(tax_deferment, cast["hoiku_kacho"], date(2024, 9, 30), "回復")
    actions.end_relief(tax_deferment, cast["nozei_kacho"], date(2024, 9, 30), "回復")
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.ENDED


def test_a_clerk_and_a_manager_without_the_permission_cannot_decide(tax_deferment, cast, django_user_model):
    with pytest.raises(Refused, match="緩和措置の決裁を行う権限がありません（所管課職員）"):
        actions.approve_relief(tax_deferment, cast["nozei"], date(2024, 4, 2))
    unnamed = _user(django_user_model.objects.create_user, "nozei-hosa", "manager", "nozei")  # a manager without 決裁権
    with pytest.raises(Refused, match="緩和措置を決裁する権限がありません"):
        actions.approve_relief(tax_deferment, unnamed, date(2024, 4, 2))
    assert refused_rows("relief.approve", cast["nozei"]).exists() and refused_rows("relief.approve", unnamed).exists()
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.PROPOSED


def test_a_nursery_clerk_cannot_propose_tax_relief(taro, city_tax, nursery_fee, cast):
    i = assess(taro, city_tax, 120_000)
    with pytest.raises(Refused, match="市税の緩和措置の起案は、所管課"):
        actions.propose_relief(debtor=taro, kind="collection_deferment", instalments=[i], ground="illness", reason="入院",
                               start_on=date(2024, 4, 1), end_on=date(2025, 3, 31), user=cast["hoiku"])
    assert not ReliefDecision.objects.exists()
    assert refused_rows("relief.propose", cast["hoiku"]).get().debtor_id == taro.pk
    with pytest.raises(Refused, match="権限がありません（債権管理委員）|権限がありません"):
        actions.propose_relief(debtor=taro, kind="collection_deferment", instalments=[i], ground="illness", reason="入院",
                               start_on=date(2024, 4, 1), end_on=date(2025, 3, 31), user=cast["iinkai"])
    # Her own department's debt she proposes, and her manager decides.
    fee = assess(taro, nursery_fee, 20_000)
    d = actions.propose_relief(debtor=taro, kind="execution_stop", instalments=[fee], ground="no_property", reason="財産なし",
                               start_on=date(2024, 4, 1), user=cast["hoiku"])
    actions.approve_relief(d, cast["hoiku_kacho"], date(2024, 4, 2))
    assert ReliefDecision.objects.get(pk=d.pk).status == Status.APPROVED


# --- the screens -------------------------------------------------------------------------


def test_the_approve_url_answers_404_to_another_departments_manager_and_writes_nothing(client, tax_deferment, cast):
    client.force_login(cast["hoiku_kacho"])
    assert client.get(reverse("relief_decision", args=[tax_deferment.pk])).status_code == 404
    for name, data in [("relief_approve", {"on": "2024-04-02"}), ("relief_reject", {"reason": "不要"}),
                       ("relief_revoke", {"reason": "回復"}), ("relief_end", {"reason": "回復"})]:
        assert client.post(reverse(name, args=[tax_deferment.pk]), data).status_code == 404, name
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.PROPOSED
    assert sorted(AuditEvent.objects.filter(user=cast["hoiku_kacho"]).exclude(action__startswith="auth.").values_list("action", flat=True)) == [
        "relief.approve.refused", "relief.end.refused", "relief.reject.refused", "relief.revoke.refused",
    ]
    assert reverse("relief_decision", args=[tax_deferment.pk]) not in client.get(reverse("relief_list")).content.decode()


def test_the_tax_manager_approves_on_the_screen(client, tax_deferment, cast):
    client.force_login(cast["nozei_kacho"])
    page = client.get(reverse("relief_decision", args=[tax_deferment.pk])).content.decode()
    assert "決裁する</button>" in page
    response = client.post(reverse("relief_approve", args=[tax_deferment.pk]), {"on": "2024-04-02"}, follow=True)
    assert "決裁しました。" in response.content.decode()
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.APPROVED


def test_the_tax_clerk_sees_the_decision_but_no_button_and_is_refused(client, tax_deferment, cast):
    client.force_login(cast["nozei"])
    page = client.get(reverse("relief_decision", args=[tax_deferment.pk])).content.decode()
    assert "決裁する</button>" not in page and "却下する</button>" not in page
    response = client.post(reverse("relief_approve", args=[tax_deferment.pk]), {"on": "2024-04-02"})
    assert response.status_code == 403 and "緩和措置の決裁を行う権限がありません" in response.content.decode()
    assert refused_rows("relief.approve", cast["nozei"]).count() == 1
    assert not AuditEvent.objects.filter(action="access.refused").exists()  # one row for one attempt
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.PROPOSED


def test_a_forged_tax_proposal_from_the_nursery_clerk_is_refused(client, taro, city_tax, nursery_fee, cast):
    tax = assess(taro, city_tax, 120_000)
    fee = assess(taro, nursery_fee, 20_000)
    client.force_login(cast["hoiku"])
    page = client.get(reverse("relief_propose"), {"debtor": taro.pk}).content.decode()
    assert f'id="inst-{fee.pk}"' in page and f'id="inst-{tax.pk}"' not in page  # only her department's debt is offered
    response = client.post(reverse("relief_propose"), {
        "debtor": taro.pk, "instalments": [tax.pk], "measure": "collection_deferment:illness", "start_on": "2024-04-01",
        "end_on": "2025-03-31", "reason": "入院",
    })
    assert response.status_code == 403
    assert not ReliefDecision.objects.exists()
    assert refused_rows("relief.propose", cast["hoiku"]).exists()


def test_the_committee_member_proposes_and_decides_nothing(client, tax_deferment, taro, cast):
    client.force_login(cast["iinkai"])
    assert client.get(reverse("relief_propose"), {"debtor": taro.pk}).status_code == 403
    assert client.post(reverse("relief_approve", args=[tax_deferment.pk]), {"on": "2024-04-02"}).status_code == 404
    assert reverse("relief_decision", args=[tax_deferment.pk]) not in client.get(reverse("relief_list")).content.decode()
    tax_deferment.refresh_from_db()
    assert tax_deferment.status == Status.PROPOSED
    assert refused_rows("relief.approve", cast["iinkai"]).exists()

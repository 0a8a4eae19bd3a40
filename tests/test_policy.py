"""The one policy of acts (saiken.staff.policy): deny by default, by role and by the
department that owns the receivable.

Cast: tax_clerk (納税課), nursery_clerk and nursery_manager (保育課), collector (central
team, no department of its own receivables here), member (債権管理委員), auditor,
stranger (a login without a staff profile), admin (superuser).
"""

from datetime import date

import pytest

from saiken.staff import policy
from saiken.staff.policy import Act, Refused
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_health_insurance(db):
    from saiken.catalog.models import ReceivableType

    return ReceivableType.objects.get(code="national_health_insurance")


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "tax_clerk": staff(make("tax"), "clerk", "nozei"),
        "nursery_clerk": staff(make("nursery"), "clerk", "hoiku"),
        "nursery_manager": staff(make("nursery-boss"), "manager", "hoiku"),
        "collector": staff(make("central"), "collector"),
        "member": staff(make("member"), "committee"),
        "auditor": staff(make("auditor"), "auditor"),
        "stranger": make("stranger"),
        "admin": django_user_model.objects.create_superuser("root", password="x"),
    }


@pytest.mark.parametrize(
    "who, act, receivable, allowed",
    [
        ("nursery_clerk", Act.DEMAND_ISSUE, "nursery_fee", True),
        ("nursery_clerk", Act.DEMAND_ISSUE, "city_tax", False),  # another department's (and a tax)
        ("tax_clerk", Act.DEMAND_ISSUE, "city_tax", True),
        ("member", Act.DEMAND_DOCUMENT, "city_tax", False),
        ("member", Act.DEMAND_DOCUMENT, None, False),
        ("auditor", Act.PAYMENT_IMPORT, None, False),
        ("nursery_clerk", Act.ASSESSMENT_IMPORT, "nursery_fee", True),
        ("nursery_clerk", Act.ASSESSMENT_IMPORT, "city_tax", False),  # 調定 is the owning department's
        ("nursery_manager", Act.ASSESSMENT_IMPORT, "nursery_fee", True),
        ("collector", Act.ASSESSMENT_IMPORT, None, False),
        ("member", Act.ASSESSMENT_IMPORT, None, False),
        ("auditor", Act.ASSESSMENT_IMPORT, None, False),
        ("admin", Act.ASSESSMENT_IMPORT, "city_tax", True),
        ("stranger", Act.DEMAND_ISSUE, None, False),
        ("nursery_clerk", Act.SLIP, "nursery_fee", True),
        ("nursery_clerk", Act.SLIP, "city_tax", False),  # a tax 納付書 is the tax department's
        ("collector", Act.SLIP, "nursery_fee", False),
        ("member", Act.SLIP, None, False),
        ("nursery_clerk", Act.RELIEF_DECIDE, "nursery_fee", False),  # a clerk proposes, a manager decides
        ("nursery_manager", Act.RELIEF_DECIDE, "nursery_fee", True),
        ("nursery_manager", Act.RELIEF_DECIDE, "city_tax", False),
        ("nursery_manager", Act.WRITE_OFF, "national_health_insurance", False),
        ("collector", Act.CASE_WORK, "nursery_fee", False),  # no debtor named: nothing transferred
        ("collector", Act.CASE_WORK, "city_tax", False),  # tax stays with tax staff
        ("collector", Act.DEMAND_ISSUE, None, False),
        ("admin", Act.WRITE_OFF, "city_tax", True),
        ("tax_clerk", Act.COUNTER_PAYMENT, "city_tax", True),
        ("nursery_clerk", Act.COUNTER_PAYMENT, "city_tax", False),  # another department's window
        ("nursery_clerk", Act.COUNTER_PAYMENT, "nursery_fee", True),
        ("member", Act.COUNTER_PAYMENT, "nursery_fee", False),
        ("auditor", Act.COUNTER_PAYMENT, None, False),
        ("collector", Act.COUNTER_PAYMENT, "city_tax", False),
    ],
)
def test_the_table(users, who, act, receivable, allowed, request):
    r = request.getfixturevalue(receivable) if receivable else None
    assert policy.may(users[who], act, r) is allowed
    if not allowed:
        with pytest.raises(Refused) as e:
            policy.require(users[who], act, r)
        assert e.value.message


def test_the_reason_names_the_owning_department(users, city_tax):
    with pytest.raises(Refused, match="市税の督促状の発付は、所管課（財務部 納税課）の職員だけが行えます。"):
        policy.require(users["nursery_clerk"], Act.DEMAND_ISSUE, city_tax)


def test_a_runs_scope_is_the_users_departments_receivables(users, city_tax, nursery_fee):
    assert policy.receivable_ids(users["nursery_clerk"], Act.DEMAND_ISSUE) >= {nursery_fee.pk}
    assert city_tax.pk not in policy.receivable_ids(users["nursery_clerk"], Act.DEMAND_ISSUE)
    assert policy.receivable_ids(users["member"], Act.DEMAND_ISSUE) == frozenset()
    assert city_tax.pk in policy.receivable_ids(users["admin"], Act.DEMAND_ISSUE)


def test_no_run_on_a_future_day():
    policy.require_not_future(date(2026, 12, 7), date(2026, 12, 7), "不納欠損")
    with pytest.raises(Refused, match="不納欠損の基準日に将来の日付（2027-03-31）は指定できません。"):
        policy.require_not_future(date(2027, 3, 31), date(2026, 12, 7), "不納欠損")


def test_the_central_team_acts_only_on_what_was_transferred_to_it(users, taro, nursery_fee, city_tax):
    from saiken.cases.models import Case

    collector = users["collector"]
    assert not policy.may(collector, Act.CASE_WORK, nursery_fee, debtor_id=taro.pk)
    with pytest.raises(Refused, match="債権回収担当に移管された事案についてだけ行えます"):
        policy.require(collector, Act.RELIEF_PROPOSE, nursery_fee, debtor_id=taro.pk)
    Case.objects.create(debtor=taro, department=nursery_fee.department, opened_on=date(2026, 4, 1), transferred_to_central=True)
    assert policy.may(collector, Act.CASE_WORK, nursery_fee, debtor_id=taro.pk)
    assert policy.may(collector, Act.RELIEF_PROPOSE, nursery_fee, debtor_id=taro.pk)
    assert not policy.may(collector, Act.CASE_WORK, city_tax, debtor_id=taro.pk)  # tax stays with tax staff

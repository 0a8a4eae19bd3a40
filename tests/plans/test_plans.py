"""Plans: a revision keeps the history, adoption sets the targets, who may do what,
and every action leaves an audit row."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from saiken.audit.models import AuditEvent
from saiken.goals import plans
from saiken.goals.indicators import targets_for
from saiken.goals.models import Direction, ImplementationPlan, PlanStatus, PlanTarget, PlanVersion, Target
from tests.plans.conftest import ACTIONS, AS_OF, ind, tax_plan

pytestmark = pytest.mark.django_db


def test_the_seed_policys_nine_directions_are_rows_in_its_wording():
    rows = {d.code: d for d in Direction.objects.all()}
    assert len(rows) == 9
    assert str(rows["1-1"]) == "1-① 法令等に定める事務を確実に実施"
    assert str(rows["3-3"]) == "3-③ 関係機関・庁内の連携強化、組織的な意識の醸成"
    assert rows["2-2"].pillar_name == "効果的・効率的な債権管理"
    assert "催告無視や納付計画不履行時" in rows["2-2"].pillar_text


def test_a_revision_is_a_new_version_and_the_earlier_one_is_kept(city):
    plan = tax_plan(city.member)
    v1 = plan.latest_version
    v2 = plans.revise_plan(
        plan, problems="督促の発送遅延が散見される", reason="中間評価で督促の遅れが判明したため",
        actions=[plans.ActionInput("督促の発付日を毎週点検する", ["1-1"], "点検表の作成", "点検", "点検", "収納係")],
        targets=[plans.TargetInput(ind("demand_on_time"), 2025, "at_least", Decimal("95.0"))], user=city.member,
    )
    assert [v.number for v in plan.versions.order_by("number")] == [1, 2]
    v1.refresh_from_db()
    # Version 1 reads exactly as it was written.
    assert v1.problems == "催告後に進捗しない案件が多い" and v1.reason == ""
    assert [a.text for a in v1.actions.all()] == [a.text for a in ACTIONS]
    assert [sorted(d.code for d in a.directions.all()) for a in v1.actions.all()] == [["1-1"], ["2-1", "2-3"]]
    assert [(t.indicator.code, t.fiscal_year, t.value) for t in v1.targets.all()] == [
        ("current_rate", y, Decimal("98.5")) for y in (2024, 2025, 2026)
    ]
    assert v2.problems == "督促の発送遅延が散見される" and v2.reason.startswith("中間評価")
    assert [a.schedule for a in v2.actions.all()] == [["点検表の作成", "点検", "点検"]]
    assert plan.latest_version == v2 and plan.current_version is None  # nothing adopted yet


def test_a_revision_needs_a_reason_and_a_plan_valid_targets(city):
    plan = tax_plan(city.member)
    with pytest.raises(ValidationError, match="見直しの理由"):
        plans.revise_plan(plan, problems="x", actions=ACTIONS, targets=[], reason=" ", user=city.member)
    with pytest.raises(ValidationError) as e:
        plans.revise_plan(
            plan, problems="", actions=[], reason="r", user=city.member,
            targets=[plans.TargetInput(ind("current_rate"), 2027, "at_least", Decimal("101"))],
        )
    text = " ".join(e.value.messages)
    assert "課題" in text and "取り組み" in text and "計画の期間" in text and "0から100" in text
    assert plan.versions.count() == 1  # nothing written


def test_adopting_sets_the_targets_and_a_revision_applies_only_once_adopted(city):
    plan = tax_plan(city.member)
    assert not [t for t in targets_for(2024) if t.receivable_id == city.city_tax.id]  # a draft sets nothing
    v1 = plans.adopt_plan(plan, user=city.member)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED and plan.current_version == v1
    mine = {t.fiscal_year: t for t in Target.objects.filter(receivable=city.city_tax)}
    assert sorted(mine) == [2024, 2025, 2026] and all(t.value == Decimal("98.5") for t in mine.values())
    assert {pt.target_id for pt in v1.targets.all()} == {t.pk for t in mine.values()}
    assert AuditEvent.objects.filter(action="goals.set_target").count() == 3  # through set_target

    # Version 2 drops 2026's target and raises 2025's; until adopted, version 1 applies.
    plans.revise_plan(
        plan, problems="p", reason="目標の見直し", actions=ACTIONS, user=city.member,
        targets=[plans.TargetInput(ind("current_rate"), y, "at_least", v) for y, v in ((2024, Decimal("98.5")), (2025, Decimal("99.0")))],
    )
    assert Target.objects.get(receivable=city.city_tax, fiscal_year=2025).value == Decimal("98.5")
    v2 = plans.adopt_plan(plan, user=city.member)
    assert plan.current_version == v2
    assert {t.fiscal_year: t.value for t in Target.objects.filter(receivable=city.city_tax)} == {
        2024: Decimal("98.5"), 2025: Decimal("99.0")
    }
    # Version 1 still says what it planned, though its 2026 target row is gone.
    assert [(pt.fiscal_year, pt.value, pt.target_id is None) for pt in PlanTarget.objects.filter(version=v1)] == [
        (2024, Decimal("98.5"), False), (2025, Decimal("98.5"), False), (2026, Decimal("98.5"), True)
    ]
    with pytest.raises(ValidationError, match="決定済み"):
        plans.adopt_plan(plan, user=city.member)


def test_a_plan_without_targets_cannot_be_adopted(city):
    plan = tax_plan(city.member, targets=[])
    with pytest.raises(ValidationError, match="目標のない計画"):
        plans.adopt_plan(plan, user=city.member)


def test_the_same_plan_twice_is_refused(city):
    tax_plan(city.member)
    with pytest.raises(ValidationError, match="既にあります"):
        tax_plan(city.member)


def test_adopting_the_next_plan_supersedes_the_earlier_one(city):
    old = tax_plan(city.member, first_year=2021)
    plans.adopt_plan(old, user=city.member)
    new = tax_plan(city.member, first_year=2024)
    plans.adopt_plan(new, user=city.member)
    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED
    with pytest.raises(ValidationError, match="次期計画へ移行"):
        plans.revise_plan(old, problems="p", actions=ACTIONS, targets=[], reason="r", user=city.member)


# ---- who may ---------------------------------------------------------------------------------


def test_a_clerk_may_not_plan_or_revise_and_a_committee_member_may(city):
    with pytest.raises(PermissionError):
        tax_plan(city.clerk)
    plan = tax_plan(city.member)
    with pytest.raises(PermissionError):
        plans.revise_plan(plan, problems="p", actions=ACTIONS, targets=[], reason="r", user=city.clerk)
    with pytest.raises(PermissionError):
        plans.adopt_plan(plan, user=city.clerk)
    assert plans.revise_plan(plan, problems="p", actions=ACTIONS, targets=[], reason="r", user=city.member).number == 2
    assert plans.revise_plan(plan, problems="p", actions=ACTIONS, targets=[], reason="r", user=city.admin).number == 3
    assert plan.versions.count() == 3


def test_only_the_owning_departments_manager_may_revise_and_adopting_needs_the_target_right(city, tax_manager, nursery_manager, django_user_model):
    plan = tax_plan(tax_manager)  # the owning department's manager drafts
    assert plans.revise_plan(plan, problems="p", actions=ACTIONS, targets=[], reason="r", user=tax_manager).number == 2
    with pytest.raises(PermissionError):
        plans.revise_plan(plan, problems="p", actions=ACTIONS, targets=[], reason="r", user=nursery_manager)
    with pytest.raises(PermissionError):
        tax_plan(nursery_manager, first_year=2027)
    # Adopting sets targets: the committee's, unless an administrator gave the manager that right.
    plans.revise_plan(plan, problems="p", actions=ACTIONS, reason="r", user=tax_manager,
                      targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5"))])
    with pytest.raises(PermissionError, match="債権管理委員・管理者"):
        plans.adopt_plan(plan, user=tax_manager)
    tax_manager.user_permissions.add(Permission.objects.get(codename="change_target", content_type__app_label="goals"))
    tax_manager = django_user_model.objects.get(pk=tax_manager.pk)
    assert plans.adopt_plan(plan, user=tax_manager).number == 3


def test_a_clerk_may_not_record_an_evaluation(city):
    plan = tax_plan(city.member)
    plans.adopt_plan(plan, user=city.member)
    with pytest.raises(PermissionError):
        plans.record_evaluation(plan, fiscal_year=2024, narrative="n", user=city.clerk, today=AS_OF)


# ---- audit -----------------------------------------------------------------------------------


def test_every_action_leaves_an_audit_row(city):
    before = AuditEvent.objects.count()
    plan = tax_plan(city.member, first_year=2022, targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5"))])
    plans.revise_plan(plan, problems="p", actions=ACTIONS, reason="r", user=city.member,
                      targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5"))])
    plans.adopt_plan(plan, user=city.member)
    e = plans.record_evaluation(plan, fiscal_year=2024, narrative="n", user=city.member, today=AS_OF,
                                factor_analyses=[plans.NoteInput("滞納繰越分の停滞", "催告後の調査が遅れた", ["2-2"])])
    plans.finalise_evaluation(e, user=city.member)
    nxt = plans.start_next_plan(e, user=city.member)
    case = plans.add_solved_case(title="t", summary="s", what_worked="w", receivables=[city.city_tax], user=city.clerk)
    city.clerk.staff.joined_collection_work = date(2020, 4, 1)
    city.clerk.staff.save()
    row = plans.add_training(trainee=city.clerk, course="滞納整理実務研修", held_on=date(2024, 6, 1), hours=Decimal("3"), user=city.member)
    events = list(AuditEvent.objects.order_by("id")[before:])
    mine = [(ev.action, ev.target_type, ev.target_id) for ev in events if not ev.action.endswith("_target")]
    assert mine == [
        ("goals.create_plan", "goals.implementationplan", plan.pk),
        ("goals.revise_plan", "goals.implementationplan", plan.pk),
        ("goals.adopt_plan", "goals.implementationplan", plan.pk),
        ("goals.record_evaluation", "goals.evaluation", e.pk),
        ("goals.finalise_evaluation", "goals.evaluation", e.pk),
        ("goals.start_next_plan", "goals.implementationplan", nxt.pk),
        ("goals.add_solved_case", "goals.solvedcase", case.pk),
        ("goals.add_training", "goals.trainingrecord", row.pk),
    ]
    assert all(ev.user_id is not None for ev in events)
    assert events[1].detail["reason"] == "r" and events[1].detail["version"] == 2


def test_a_refused_action_writes_nothing(city):
    n = (ImplementationPlan.objects.count(), PlanVersion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        plans.create_plan(receivable=city.city_tax, first_year=2024, problems="", actions=ACTIONS, user=city.member)
    assert (ImplementationPlan.objects.count(), PlanVersion.objects.count(), AuditEvent.objects.count()) == n

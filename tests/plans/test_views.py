"""The screens: every page renders, forms call the actions, and who may is enforced."""

from decimal import Decimal

import pytest
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.goals import plans
from saiken.goals.models import Evaluation, ImplementationPlan, NoteKind, SolvedCase, TrainingRecord
from saiken.staff.models import StaffProfile
from tests.plans.conftest import AS_OF, ind, tax_plan

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


@pytest.fixture
def adopted(city):
    plan = tax_plan(city.member, targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5")),
                                          plans.TargetInput(ind("current_rate"), 2026, "at_least", Decimal("98.5"))])
    plans.adopt_plan(plan, user=city.member)
    return plan


def test_every_page_renders_for_any_member_of_staff(client, city, adopted):
    e = plans.record_evaluation(adopted, fiscal_year=2024, narrative="評価の本文", user=city.member, today=AS_OF,
                                good_cases=[plans.NoteInput("督促の点検", "毎週点検した", ["1-1"])],
                                factor_analyses=[plans.NoteInput("停滞", "調査が遅れた", ["1-2"])])
    plans.finalise_evaluation(e, user=city.member)
    case = plans.add_solved_case(title="解決の記録", summary="s", what_worked="w", receivables=[city.city_tax], user=city.clerk)
    client.force_login(city.clerk)
    for name, args in [("plans", []), ("plan", [adopted.pk]), ("plan_version", [adopted.pk, 1]), ("evaluation", [e.pk]),
                       ("library", []), ("solved_case", [case.pk]), ("training", [])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = client.get(reverse("plan", args=[adopted.pk])).content.decode()
    assert "64.3％" in page  # the ledger's actual for FY2024
    assert "年度開始前" not in page or "令和8年度" in page
    assert 'id="revise"' not in page and 'class="record-evaluation"' not in page  # a clerk reads only
    assert "評価の本文" in client.get(reverse("evaluation", args=[e.pk])).content.decode()
    found = client.get(reverse("library"), {"q": "毎週", "direction": "1-1"}).content.decode()
    assert "督促の点検" in found and "解決の記録" not in found


def test_a_clerk_may_not_open_the_forms_that_change_plans(client, city, adopted):
    client.force_login(city.clerk)
    for name, args in [("plan_new", []), ("plan_revise", [adopted.pk]), ("evaluation_new", [adopted.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("plan_adopt", args=[adopted.pk])).status_code == 403
    assert client.post(reverse("plan_revise", args=[adopted.pk]), {"problems": "p", "reason": "r"}).status_code == 403
    assert adopted.versions.count() == 1


def test_a_plan_is_made_revised_and_adopted_through_the_forms(client, city):
    client.force_login(city.member)
    assert client.get(reverse("plan_new")).status_code == 200
    data = {
        "receivable": city.city_tax.pk, "first_year": "2025", "problems": "催告後の停滞",
        **management("actions", 2), "actions-0-text": "督促の毎週点検", "actions-0-directions": ["1-1", "2-2"],
        "actions-0-year1": "点検表", "actions-0-section": "収納係",
        **management("targets", 3), "targets-0-indicator": ind("current_rate").pk, "targets-0-year": "2",
        "targets-0-comparison": "at_least", "targets-0-value": "98.5",
        "targets-1-year": "1", "targets-1-comparison": "at_least",  # an untouched blank row
    }
    response = client.post(reverse("plan_new"), data)
    plan = ImplementationPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plan", args=[plan.pk])
    v1 = plan.latest_version
    assert [(a.text, sorted(d.code for d in a.directions.all()), a.year1) for a in v1.actions.all()] == [("督促の毎週点検", ["1-1", "2-2"], "点検表")]
    assert [(t.fiscal_year, t.value) for t in v1.targets.all()] == [(2026, Decimal("98.5"))]

    form = client.get(reverse("plan_revise", args=[plan.pk])).content.decode()
    assert "督促の毎週点検" in form and "2年次（令和8年度）" in form
    data.update({"problems": "督促の遅れ", "reason": "中間評価による見直し", **management("targets", 3), "targets-0-value": "97.0"})
    assert client.post(reverse("plan_revise", args=[plan.pk]), data).status_code == 302
    assert [v.number for v in plan.versions.all()] == [1, 2]
    assert plan.latest_version.targets.get().value == Decimal("97.0")

    assert client.post(reverse("plan_adopt", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "adopted" and plan.current_version.number == 2
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert "第2版" in page and "中間評価による見直し" in page


def test_a_form_with_problems_shows_them_and_writes_nothing(client, city):
    client.force_login(city.member)
    data = {"receivable": city.city_tax.pk, "first_year": "2025", "problems": "p", **management("actions", 1),
            **management("targets", 1), "targets-0-indicator": ind("current_rate").pk, "targets-0-year": "1",
            "targets-0-comparison": "at_least", "targets-0-value": "120"}
    response = client.post(reverse("plan_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "取り組みを1つ以上入力してください" in page and "0から100" in page
    assert not ImplementationPlan.objects.exists()


def test_an_evaluation_is_recorded_through_the_form_with_the_computed_snapshot(client, city, adopted):
    client.force_login(city.member)
    url = reverse("evaluation_new", args=[adopted.pk])
    form = client.get(url, {"year": 2024}).content.decode()
    assert "64.3％" in form and "C 未達成" in form and "中間評価" in form
    data = {"year": "2024", "narrative": "現年度分が伸びなかった", **management("good", 2), **management("factors", 2),
            "good-0-title": "口座振替の勧奨", "good-0-text": "新規課税時に案内を同封した", "good-0-directions": ["2-1"],
            "factors-0-title": "催告後の停滞", "factors-0-text": "財産調査が遅れた"}
    response = client.post(url, data)
    e = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluation", args=[e.pk])
    assert e.narrative == "現年度分が伸びなかった" and e.created_by == city.member
    assert [(r.indicator.code, r.actual, r.grade) for r in e.results.all()] == [("current_rate", Decimal("64.3"), "C")]
    assert sorted((n.kind, n.title) for n in e.notes.all()) == [(NoteKind.FACTOR_ANALYSIS, "催告後の停滞"), (NoteKind.GOOD_CASE, "口座振替の勧奨")]
    assert client.post(reverse("evaluation_finalise", args=[e.pk])).status_code == 302
    e.refresh_from_db()
    assert e.status == "final"
    # A final evaluation's form sends one back to it.
    assert client.get(url, {"year": 2024})["Location"] == reverse("evaluation", args=[e.pk])


def test_the_next_plan_is_started_from_the_evaluation_page(client, city):
    plan = tax_plan(city.member, first_year=2022,
                    targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5"))])
    plans.adopt_plan(plan, user=city.member)
    e = plans.record_evaluation(plan, fiscal_year=2024, narrative="n", user=city.member, today=AS_OF,
                                factor_analyses=[plans.NoteInput("f", "t")])
    plans.finalise_evaluation(e, user=city.member)
    client.force_login(city.member)
    assert 'id="start-next"' in client.get(reverse("evaluation", args=[e.pk])).content.decode()
    response = client.post(reverse("plan_next", args=[e.pk]))
    nxt = ImplementationPlan.objects.get(previous_plan=plan)
    assert response["Location"] == reverse("plan", args=[nxt.pk]) and nxt.first_year == 2025


def test_solved_cases_and_training_through_the_forms(client, city, tax_manager):
    client.force_login(city.clerk)
    response = client.post(reverse("solved_case_new"), {
        "title": "分納誓約の履行確保", "receivables": [city.nursery.pk], "directions": ["3-3"], "summary": "s",
        "what_worked": "w", "tags": "分納",
    })
    case = SolvedCase.objects.get()
    assert response["Location"] == reverse("solved_case", args=[case.pk])
    assert client.post(reverse("training"), {}).status_code == 403  # a clerk reads only

    StaffProfile.objects.filter(user=city.clerk).update(department=city.city_tax.department, rank="主事")
    client.force_login(tax_manager)
    response = client.post(reverse("training"), {
        "trainee": city.clerk.pk, "course": "滞納整理実務研修", "held_on": "2024-06-01", "hours": "3.0",
        "years_of_experience": "2",
    })
    assert response.status_code == 302, response.content.decode()
    row = TrainingRecord.objects.get()
    assert (row.user, row.rank, row.years_of_experience, row.recorded_by) == (city.clerk, "主事", 2, tax_manager)
    page = client.get(reverse("training"), {"year": 2024}).content.decode()
    assert "滞納整理実務研修" in page and "1～2年" in page
    assert AuditEvent.objects.filter(action__in=["goals.add_solved_case", "goals.add_training"]).count() == 2

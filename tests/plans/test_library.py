"""The library: good cases, factor analyses and solved cases found across receivables
by a word, a receivable and a direction; training by rank and years of experience."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saiken.goals import plan_report, plans
from saiken.goals.plan_report import experience_band, search_library
from saiken.staff.models import StaffProfile
from tests.plans.conftest import AS_OF, ind, tax_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(city):
    """市税's FY2024 evaluation (final) with a good case (1-①) and a factor analysis
    (1-②, 2-②); a draft evaluation of 保育料 whose good case is not shared yet; a
    solved case of 保育料 (3-③)."""
    plan = tax_plan(city.member, targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("98.5"))])
    plans.adopt_plan(plan, user=city.member)
    e = plans.record_evaluation(
        plan, fiscal_year=2024, narrative="n", user=city.member, today=AS_OF,
        good_cases=[plans.NoteInput("督促の期限内発付", "督促状の発付日を毎週点検し、発付漏れがなくなった", ["1-1"])],
        factor_analyses=[plans.NoteInput("滞納繰越分の停滞", "催告後の財産調査が遅れた", ["1-2", "2-2"])],
    )
    plans.finalise_evaluation(e, user=city.member)
    nursery_plan = plans.create_plan(
        receivable=city.nursery, first_year=2024, problems="p", user=city.member,
        actions=[plans.ActionInput("口座振替の勧奨", ["2-1"])],
        targets=[plans.TargetInput(ind("current_rate"), 2024, "at_least", Decimal("99.0"))],
    )
    plans.adopt_plan(nursery_plan, user=city.member)
    plans.record_evaluation(nursery_plan, fiscal_year=2024, narrative="n", user=city.member, today=AS_OF,
                            good_cases=[plans.NoteInput("入所時の説明", "毎週の面談で滞納の不利益を説明した", ["2-3"])])
    case = plans.add_solved_case(
        title="多重債務の世帯と分納誓約", summary="複数の債権を滞納していた世帯", what_worked="福祉部門と連携し生活再建を支援",
        tags="重複債務者、生活再建", receivables=[city.nursery, city.city_tax], directions=["3-3"], user=city.clerk,
    )
    return e, case


def titles(items):
    return sorted(i.title for i in items)


def test_a_good_case_is_found_by_a_word_and_by_direction(shared):
    items, more = search_library("毎週")
    assert titles(items) == ["督促の期限内発付"] and not more  # the draft's 「毎週の面談」 is not shared yet
    (item,) = items
    assert item.kind_label == "優良事例" and item.evaluation == shared[0]
    assert [r.name for r in item.receivables] == ["市税"] and [d.code for d in item.directions] == ["1-1"]
    assert titles(search_library(direction="1-1")[0]) == ["督促の期限内発付"]
    assert titles(search_library(direction="2-2")[0]) == ["滞納繰越分の停滞"]
    assert search_library("毎週", direction="2-2")[0] == []
    assert titles(search_library("発付　点検")[0]) == ["督促の期限内発付"]  # every word, 全角 space too
    assert search_library("発付 面談")[0] == []


def test_solved_cases_are_found_by_tag_receivable_and_kind(shared, city):
    assert titles(search_library("生活再建")[0]) == ["多重債務の世帯と分納誓約"]
    assert titles(search_library(receivable_id=city.nursery.id)[0]) == ["多重債務の世帯と分納誓約"]
    assert titles(search_library(receivable_id=city.city_tax.id)[0]) == ["多重債務の世帯と分納誓約", "滞納繰越分の停滞", "督促の期限内発付"]
    assert titles(search_library(kind="factor_analysis")[0]) == ["滞納繰越分の停滞"]
    assert titles(search_library(kind="solved_case", direction="3-3")[0]) == ["多重債務の世帯と分納誓約"]
    items, more = search_library(limit=2)
    assert len(items) == 2 and more


def test_a_solved_case_names_no_one_and_needs_its_parts(city):
    with pytest.raises(ValidationError) as e:
        plans.add_solved_case(title="", summary="", what_worked="", receivables=[], user=city.clerk)
    assert len(e.value.messages) == 4
    auditor = city.clerk
    StaffProfile.objects.filter(user=auditor).update(role="auditor")
    auditor.refresh_from_db()
    with pytest.raises(PermissionError):
        plans.add_solved_case(title="t", summary="s", what_worked="w", receivables=[city.city_tax], user=auditor)


@pytest.mark.parametrize(("years", "band"), [(0, "1年未満"), (1, "1～2年"), (2, "1～2年"), (3, "3～4年"), (9, "5～9年"), (10, "10年以上"), (35, "10年以上")])
def test_experience_band(years, band):
    assert experience_band(years) == band


def test_training_is_kept_with_rank_and_experience_at_the_time(city, tax_manager, nursery_manager, django_user_model):
    clerk = django_user_model.objects.create_user("tax-clerk", last_name="収納", first_name="次郎")
    StaffProfile.objects.create(user=clerk, role="clerk", department=city.city_tax.department, rank="主事",
                                joined_collection_work=date(2022, 7, 1))
    first = plans.add_training(trainee=clerk, course="滞納整理実務研修（初任者）", held_on=date(2024, 6, 30),
                               hours=Decimal("6"), user=tax_manager)
    assert (first.rank, first.years_of_experience, first.recorded_by) == ("主事", 1, tax_manager)
    plans.add_training(trainee=clerk, course="滞納処分研修", held_on=date(2024, 11, 1), hours=Decimal("3"), user=tax_manager)
    clerk.staff.rank = "主査"  # promoted in April 2025
    clerk.staff.save()
    second = plans.add_training(trainee=clerk, course="財産調査研修", held_on=date(2025, 7, 1), hours=Decimal("3.5"), user=city.member)
    assert (second.rank, second.years_of_experience) == ("主査", 3)
    first.refresh_from_db()
    assert first.rank == "主事"  # as it was on the day
    plans.add_training(trainee=tax_manager, course="管理者向けマネジメント研修", held_on=date(2024, 10, 1), hours=Decimal("2"),
                       rank="課長", years_of_experience=12, user=city.member)

    rows, total = plan_report.training_report(2024)
    assert [(r.rank, r.band, r.records, r.people_count, r.hours) for r in rows] == [
        ("主事", "1～2年", 2, 1, Decimal("9.0")), ("課長", "10年以上", 1, 1, Decimal("2.0")),
    ]
    assert (total.records, total.people_count, total.hours) == (3, 2, Decimal("11.0"))
    assert plan_report.training_report(2025)[1].records == 1

    with pytest.raises(PermissionError):  # another department's manager
        plans.add_training(trainee=clerk, course="c", held_on=date(2024, 6, 1), hours=Decimal("1"), user=nursery_manager)
    with pytest.raises(PermissionError):
        plans.add_training(trainee=clerk, course="c", held_on=date(2024, 6, 1), hours=Decimal("1"), user=city.clerk)
    with pytest.raises(ValidationError, match="経験年数"):  # no start date on the staff record
        plans.add_training(trainee=city.clerk, course="c", held_on=date(2024, 6, 1), hours=Decimal("1"), user=city.member)

"""履行延期の特約 in prescription (民法152条, 166条1項; 地方自治法施行令171条の6): the
agreement renews, and the period runs from the day after the new due date."""

from datetime import date

from saiken.core.prescription import Acknowledgement, Deferral, Invocation, Regime, Rule, project

NURSERY = Rule(years=5)  # a public claim (地方自治法236条)
SCHOLARSHIP = Rule(years=5, objective_years=10, old_law_years=10, needs_invocation=True, public=False)


def test_public_claim_runs_from_the_day_after_the_new_due_date():
    # Due 2020-07-31; 特約 on 2022-04-01 moving it to 2024-02-29 (a leap day).
    got = project(NURSERY, due=date(2020, 7, 31), arose=date(2020, 6, 1), known=None,
                  events=[Deferral(date(2022, 4, 1), date(2024, 2, 29))])
    assert got.runs_from == date(2024, 3, 1)
    assert got.completes_on == date(2029, 2, 28)
    assert "履行延期の特約" in got.basis
    assert [type(e) for e in got.renewed_by] == [Deferral]


def test_new_due_date_before_the_agreement_renews_from_the_agreement():
    got = project(NURSERY, due=date(2020, 7, 31), arose=date(2020, 6, 1), known=None,
                  events=[Deferral(date(2022, 4, 1), date(2022, 3, 31))])
    assert got.runs_from == date(2022, 4, 2)
    assert got.completes_on == date(2027, 4, 1)


def test_agreement_before_the_original_due_date_with_an_earlier_date_changes_nothing():
    got = project(NURSERY, due=date(2020, 7, 31), arose=date(2020, 6, 1), known=None,
                  events=[Deferral(date(2020, 7, 1), date(2020, 7, 15))])
    assert got.runs_from == date(2020, 8, 1)
    assert got.completes_on == date(2025, 7, 31)


def test_private_new_law_both_periods_move_to_the_new_due_date():
    got = project(SCHOLARSHIP, due=date(2021, 3, 31), arose=date(2020, 10, 1), known=None,
                  events=[Deferral(date(2021, 6, 1), date(2030, 3, 31))])
    assert got.regime is Regime.PRIVATE_NEW
    assert got.runs_from == date(2030, 4, 1)
    assert got.completes_on == date(2035, 3, 31)


def test_a_later_acknowledgement_does_not_bring_the_date_back():
    got = project(NURSERY, due=date(2020, 7, 31), arose=date(2020, 6, 1), known=None,
                  events=[Deferral(date(2022, 4, 1), date(2026, 3, 31)), Acknowledgement(date(2023, 1, 10))])
    assert got.runs_from == date(2026, 4, 1)


def test_after_completion_a_public_claim_is_not_revived():
    got = project(NURSERY, due=date(2015, 7, 31), arose=date(2015, 6, 1), known=None,
                  events=[Deferral(date(2021, 4, 1), date(2024, 3, 31))])
    assert got.completes_on == date(2020, 7, 31)
    assert any("効力なし" in n for n in got.notes)


def test_after_completion_a_private_deferral_forfeits_invocation():
    got = project(SCHOLARSHIP, due=date(2021, 3, 31), arose=date(2020, 10, 1), known=None,
                  events=[Deferral(date(2026, 6, 1), date(2027, 3, 31))])
    assert got.runs_from == date(2027, 4, 1)
    assert "援用権を喪失" in got.basis
    # and an invocation before the new completion has no effect
    got = project(SCHOLARSHIP, due=date(2021, 3, 31), arose=date(2020, 10, 1), known=None,
                  events=[Deferral(date(2026, 6, 1), date(2027, 3, 31)), Invocation(date(2028, 1, 1))])
    assert got.invoked_on is None


def test_an_agreement_after_as_of_is_ignored():
    got = project(NURSERY, due=date(2020, 7, 31), arose=date(2020, 6, 1), known=None,
                  events=[Deferral(date(2022, 4, 1), date(2024, 2, 29))], as_of=date(2022, 3, 31))
    assert got.completes_on == date(2025, 7, 31)

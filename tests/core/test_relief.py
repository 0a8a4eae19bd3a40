"""The law of relief (緩和措置) as data and pure functions: classes, periods, grounds, effects."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core import relief as law
from saiken.core.relief import ClassKey, Line, Policy, Proposal, ReliefKind

K = ReliefKind
TAX, FORCIBLE, NON_FORCIBLE, PRIVATE = ClassKey.TAX, ClassKey.FORCIBLE, ClassKey.NON_FORCIBLE, ClassKey.PRIVATE

LINE = Line(label="令和6年度 市税 第1期", due_date=date(2024, 7, 1), balance=50_000)
# A 履行延期 claim due 2014-06-30, deferred the same day: eligible for 免除 from 2024-07-01.
DEFERRED = Line(label="平成26年度 奨学金 第1期", due_date=date(2014, 6, 30), balance=300_000, deferral_start=date(2014, 6, 30))

# One valid proposal per kind; tests change one thing at a time.
VALID = {
    K.COLLECTION_DEFERMENT: Proposal(K.COLLECTION_DEFERMENT, TAX, (LINE,), date(2024, 8, 1), date(2025, 7, 31), "illness", "入院のため"),
    K.REALISATION_DEFERMENT: Proposal(K.REALISATION_DEFERMENT, TAX, (LINE,), date(2024, 8, 1), date(2025, 7, 31), "hardship", "事業継続のため"),
    K.EXECUTION_STOP: Proposal(K.EXECUTION_STOP, TAX, (LINE,), date(2024, 8, 1), None, "no_property", "財産調査の結果、財産なし"),
    K.COLLECTION_STOP: Proposal(K.COLLECTION_STOP, PRIVATE, (LINE,), date(2024, 8, 1), None, "unknown", "転出先不明"),
    K.PERFORMANCE_DEFERRAL: Proposal(
        K.PERFORMANCE_DEFERRAL, PRIVATE, (LINE,), date(2024, 8, 1), None, "without_means", "収入減少",
        schedule=((date(2024, 8, 31), 25_000), (date(2024, 9, 30), 25_000)),
    ),
    K.EXEMPTION: Proposal(K.EXEMPTION, PRIVATE, (DEFERRED,), date(2024, 7, 1), None, "without_means", "10年を経過しなお無資力"),
    K.WAIVER: Proposal(K.WAIVER, PRIVATE, (LINE,), date(2024, 8, 1), None, "discharged", "破産免責"),
}


def messages(p: Proposal, policy: Policy = law.DEFAULT_POLICY) -> list[str]:
    return [m for _, m in law.validate(p, policy)]


@pytest.mark.parametrize("kind", list(K))
def test_each_valid_proposal_passes(kind):
    assert law.validate(VALID[kind]) == []


ALLOWED = {
    K.COLLECTION_DEFERMENT: {TAX, FORCIBLE},
    K.REALISATION_DEFERMENT: {TAX, FORCIBLE},
    K.EXECUTION_STOP: {TAX, FORCIBLE},
    K.COLLECTION_STOP: {NON_FORCIBLE, PRIVATE},
    K.PERFORMANCE_DEFERRAL: {NON_FORCIBLE, PRIVATE},
    K.EXEMPTION: {NON_FORCIBLE, PRIVATE},
    K.WAIVER: {NON_FORCIBLE, PRIVATE},
}


@pytest.mark.parametrize("kind", list(K))
@pytest.mark.parametrize("key", list(ClassKey))
def test_each_kind_is_allowed_or_refused_by_class(kind, key):
    problems = law.validate(replace(VALID[kind], class_key=key))
    if key in ALLOWED[kind]:
        assert problems == []
    else:
        assert [p.field for p in problems] == ["kind"]
        assert "認められていません" in problems[0].message


def test_execution_stop_is_refused_for_a_private_claim_and_exemption_for_city_tax():
    assert messages(replace(VALID[K.EXECUTION_STOP], class_key=PRIVATE)) == [
        "滞納処分の執行停止は私債権には認められていません（対象: 税・強制徴収公債権（税以外））。"
    ]
    assert messages(replace(VALID[K.EXEMPTION], class_key=TAX)) == ["免除は税には認められていません（対象: 非強制徴収公債権・私債権）。"]


def test_a_city_may_change_the_table_of_allowed_classes():
    taxes_only = Policy(allowed={**law.DEFAULT_ALLOWED, K.COLLECTION_DEFERMENT: frozenset({TAX})})
    assert law.validate(VALID[K.COLLECTION_DEFERMENT], taxes_only) == []
    assert messages(replace(VALID[K.COLLECTION_DEFERMENT], class_key=FORCIBLE), taxes_only) == [
        "徴収猶予は強制徴収公債権（税以外）には認められていません（対象: 税）。"
    ]


def test_class_key_separates_taxes_from_other_forcible_claims():
    assert law.class_key("forcible", True) is TAX
    assert law.class_key("forcible", False) is FORCIBLE
    assert law.class_key("private", False) is PRIVATE


@pytest.mark.parametrize("kind", list(K))
def test_a_ground_of_the_kind_and_a_reason_are_required(kind):
    p = replace(VALID[kind], ground="", reason="  ")
    assert {f for f, _ in law.validate(p)} == {"ground", "reason"}
    # a ground of another kind is not one of this kind's
    other = "late_assessment" if kind is not K.COLLECTION_DEFERMENT else "no_property"
    assert [f for f, _ in law.validate(replace(VALID[kind], ground=other))] == ["ground"]


# ---- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(law.DEFERMENTS))
@pytest.mark.parametrize(
    "start, last_allowed",
    [
        (date(2024, 4, 1), date(2025, 3, 31)),
        (date(2024, 8, 1), date(2025, 7, 31)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 2/29 in 2025: the month's last day (民法143条2項ただし書)
        (date(2023, 3, 1), date(2024, 2, 29)),
    ],
)
def test_a_deferment_may_last_one_year_exactly_and_not_a_day_more(kind, start, last_allowed):
    p = replace(VALID[kind], start_on=start)
    assert law.validate(replace(p, end_on=last_allowed)) == []
    refused = law.validate(replace(p, end_on=last_allowed + timedelta(days=1)))
    assert [f for f, _ in refused] == ["end_on"]
    assert f"1年以内です（{last_allowed}まで）" in refused[0].message


def test_a_deferment_needs_an_end_and_an_end_after_its_start():
    p = VALID[K.COLLECTION_DEFERMENT]
    assert messages(replace(p, end_on=None)) == ["徴収猶予の終了日を入力してください。"]
    assert messages(replace(p, end_on=p.start_on - timedelta(days=1))) == ["終了日が開始日より前です。"]
    assert law.validate(replace(p, end_on=p.start_on)) == []


def _extension(end: date) -> Proposal:
    granted = replace(LINE, same_kind=((date(2024, 4, 1), date(2025, 3, 31)),))
    return replace(VALID[K.COLLECTION_DEFERMENT], lines=(granted,), start_on=date(2025, 4, 1), end_on=end)


def test_an_extension_may_bring_the_total_to_two_years_exactly():
    assert law.validate(_extension(date(2026, 3, 31))) == []
    refused = messages(_extension(date(2026, 4, 1)))
    assert refused == ["令和6年度 市税 第1期: 延長後の徴収猶予の期間は、既に猶予した期間とあわせて2年以内です（2024-04-01から2026-03-31まで）。"]


def test_an_extension_after_a_short_first_grant_may_itself_exceed_a_year():
    # 6 months granted, then 18 months: 2 years in total (地方税法15条4項 limits only the total).
    granted = replace(LINE, same_kind=((date(2024, 4, 1), date(2024, 9, 30)),))
    p = replace(VALID[K.COLLECTION_DEFERMENT], lines=(granted,), start_on=date(2024, 10, 1), end_on=date(2026, 3, 31))
    assert law.validate(p) == []
    assert [f for f, _ in law.validate(replace(p, end_on=date(2026, 4, 1)))] == ["end_on"]


def test_a_period_overlapping_one_already_granted_is_refused():
    p = _extension(date(2026, 3, 31))
    overlapping = replace(p, start_on=date(2025, 3, 31))
    assert "期間の重なる徴収猶予が既にあります" in messages(overlapping)[0]
    stopped = replace(VALID[K.EXECUTION_STOP], lines=(replace(LINE, same_kind=((date(2023, 1, 10), None),)),))
    assert [f for f, _ in law.validate(stopped)] == ["start_on"]


def test_stops_exemptions_and_waivers_have_no_end_date():
    for kind in (K.EXECUTION_STOP, K.EXEMPTION, K.WAIVER):
        p = VALID[kind]
        assert [f for f, _ in law.validate(replace(p, end_on=p.start_on + timedelta(days=30)))] == ["end_on"]
    # 徴収停止 may be given an end, or none
    assert law.validate(replace(VALID[K.COLLECTION_STOP], end_on=date(2025, 3, 31))) == []


def test_immediate_extinction_only_for_a_stop_for_want_of_property():
    stop = VALID[K.EXECUTION_STOP]
    assert law.validate(replace(stop, immediate_extinction=True)) == []
    assert [f for f, _ in law.validate(replace(stop, ground="hardship", immediate_extinction=True))] == ["immediate_extinction"]
    assert [f for f, _ in law.validate(replace(VALID[K.WAIVER], immediate_extinction=True))] == ["immediate_extinction"]


def test_instalments_must_be_chosen_and_still_owed():
    assert ("instalments", "対象の調定（期別）を選んでください。") in law.validate(replace(VALID[K.WAIVER], lines=()))
    paid = replace(LINE, balance=0)
    assert messages(replace(VALID[K.WAIVER], lines=(paid,))) == ["令和6年度 市税 第1期には未納額がありません。"]


def test_an_unknown_kind_is_refused():
    assert messages(replace(VALID[K.WAIVER], kind="amnesty")) == ["緩和措置の種類 'amnesty' は登録されていません。"]


# ---- 履行延期の特約 --------------------------------------------------------------------------


def test_a_performance_deferral_needs_a_schedule_that_sums_to_the_debt():
    p = VALID[K.PERFORMANCE_DEFERRAL]
    assert messages(replace(p, schedule=())) == ["履行延期の特約には分割納付の計画（納期限と金額）が必要です。"]
    short = ((date(2024, 8, 31), 25_000), (date(2024, 9, 30), 24_999))
    assert messages(replace(p, schedule=short)) == ["分割納付の合計 49,999円 が対象の未納額 50,000円 と一致しません。"]


def test_a_schedule_in_order_with_positive_amounts_from_the_start():
    p = VALID[K.PERFORMANCE_DEFERRAL]
    backwards = ((date(2024, 9, 30), 25_000), (date(2024, 8, 31), 25_000))
    assert "日付順" in messages(replace(p, schedule=backwards))[0]
    negative = ((date(2024, 8, 31), 50_001), (date(2024, 9, 30), -1))
    assert "1円以上" in messages(replace(p, schedule=negative))[0]
    early = ((date(2024, 7, 31), 25_000), (date(2024, 9, 30), 25_000))
    assert messages(replace(p, schedule=early)) == ["分割納付の初回の納期限が特約の開始日より前です。"]


def test_a_performance_deferral_ends_within_ten_years():
    # Agreed 2024-08-01, after the due date 2024-07-01: ten years from the agreement.
    p = VALID[K.PERFORMANCE_DEFERRAL]
    ok = ((date(2024, 8, 31), 25_000), (date(2034, 8, 1), 25_000))
    assert law.validate(replace(p, schedule=ok)) == []
    late = ((date(2024, 8, 31), 25_000), (date(2034, 8, 2), 25_000))
    assert messages(replace(p, schedule=late)) == ["令和6年度 市税 第1期: 履行期限は2034-08-01までです（履行期限又は特約の日から10年以内）。"]


def test_split_schedule_puts_the_remainder_first_and_clips_month_ends():
    assert law.split_schedule(10_000, date(2025, 1, 31), 3) == [
        (date(2025, 1, 31), 3_334), (date(2025, 2, 28), 3_333), (date(2025, 3, 31), 3_333),
    ]
    with pytest.raises(ValueError):
        law.split_schedule(2, date(2025, 1, 31), 3)


# ---- 免除 -----------------------------------------------------------------------------------


def test_exemption_needs_a_performance_deferral():
    p = replace(VALID[K.EXEMPTION], lines=(replace(DEFERRED, deferral_start=None),))
    assert messages(p) == ["平成26年度 奨学金 第1期: 免除は履行延期の特約をした債権に限られます（地方自治法施行令171条の7）。"]


def test_exemption_needs_a_performance_deferral_made_because_the_debtor_was_without_means():
    # 施行令171条の7第1項 exempts only claims deferred under 171条の6第1項1号.
    p = replace(VALID[K.EXEMPTION], lines=(replace(DEFERRED, deferral_start=None, other_deferral=True),))
    assert messages(p) == [
        "平成26年度 奨学金 第1期: 免除は、債務者が無資力又はこれに近い状態にあるため履行延期の特約をした債権に限られます"
        "（地方自治法施行令171条の7第1項）。この債権の履行延期は他の理由によるものです。"
    ]


def test_exemption_only_after_ten_years_from_the_original_due_date():
    p = VALID[K.EXEMPTION]  # due 2014-06-30: ten years have passed on 2024-07-01
    assert law.validate(p) == []
    refused = messages(replace(p, start_on=date(2024, 6, 30)))
    assert refused == ["平成26年度 奨学金 第1期: 免除は当初の履行期限から10年を経過した後に限られます（2024-07-01から）。"]


def test_exemption_counts_from_the_first_deferral_when_it_came_after_the_due_date():
    later = replace(DEFERRED, deferral_start=date(2016, 1, 15))
    assert law.exemption_possible_from(later.due_date, later.deferral_start) == date(2026, 1, 16)
    p = replace(VALID[K.EXEMPTION], lines=(later,), start_on=date(2026, 1, 15))
    assert [f for f, _ in law.validate(p)] == ["start_on"]
    assert law.validate(replace(p, start_on=date(2026, 1, 16))) == []


# ---- the civil code's calendar and the effects -----------------------------------------------


@pytest.mark.parametrize(
    "first, months, last",
    [
        (date(2024, 4, 1), 12, date(2025, 3, 31)),
        (date(2024, 2, 1), 1, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # no 2/31: the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 3, 1), 36, date(2027, 2, 28)),
    ],
)
def test_period_last_day(first, months, last):
    assert law.period_last_day(first, months) == last


def test_three_years_of_stop_pass_on_the_day_after_the_anniversary():
    # Decided 2021-06-15: the first day is not counted (民法140条), the period is
    # 2021-06-16 … 2024-06-15 (143条), and the debt is gone from 2024-06-16.
    assert law.stop_extinction_date(date(2021, 6, 15), immediate=False) == date(2024, 6, 16)
    assert law.stop_extinction_date(date(2021, 6, 15), immediate=True) == date(2021, 6, 15)
    # A stop begun on 2/29: the period 2024-03-01 … 2027-02-28.
    assert law.stop_extinction_date(date(2024, 2, 29), immediate=False) == date(2027, 3, 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_latest_stop_start_is_the_exact_inverse(as_of):
    s = law.latest_stop_start_extinguished_by(as_of)
    assert law.passed_on(s, 3) <= as_of < law.passed_on(s + timedelta(days=1), 3)


def test_effective_start_is_never_before_the_decision():
    assert law.effective_start(date(2024, 4, 1), date(2024, 4, 10)) == date(2024, 4, 10)
    assert law.effective_start(date(2024, 4, 20), date(2024, 4, 10)) == date(2024, 4, 20)
    assert law.effective_start(date(2024, 4, 20), None) == date(2024, 4, 20)


def test_late_charge_and_prescription_effects_by_kind():
    assert {k for k in K if law.late_charge_reduced(k)} == {K.COLLECTION_DEFERMENT, K.REALISATION_DEFERMENT}
    assert {k for k in K if law.prescription_stops(k)} == {K.COLLECTION_DEFERMENT, K.REALISATION_DEFERMENT}
    assert not law.prescription_stops(K.EXECUTION_STOP)  # 執行停止中も時効は進行する


@pytest.mark.parametrize(
    "kind, ground, effect",
    [
        (K.EXECUTION_STOP, "no_property", law.LateChargeEffect.EXEMPT),  # 15条の9第1項
        (K.EXECUTION_STOP, "hardship", law.LateChargeEffect.EXEMPT),
        (K.COLLECTION_DEFERMENT, "disaster", law.LateChargeEffect.EXEMPT),  # 15条1項1号
        (K.COLLECTION_DEFERMENT, "illness", law.LateChargeEffect.EXEMPT),  # 15条1項2号
        (K.COLLECTION_DEFERMENT, "similar", law.LateChargeEffect.EXEMPT),  # 5号, like 1号・2号
        (K.COLLECTION_DEFERMENT, "business_closed", law.LateChargeEffect.REDUCED),  # 3号
        (K.COLLECTION_DEFERMENT, "business_loss", law.LateChargeEffect.REDUCED),  # 4号
        (K.COLLECTION_DEFERMENT, "similar_business", law.LateChargeEffect.REDUCED),  # 5号, like 3号・4号
        (K.COLLECTION_DEFERMENT, "late_assessment", law.LateChargeEffect.REDUCED),  # 15条2項
        (K.COLLECTION_DEFERMENT, "", law.LateChargeEffect.REDUCED),  # no ground recorded: as before
        (K.REALISATION_DEFERMENT, "hardship", law.LateChargeEffect.REDUCED),
        (K.REALISATION_DEFERMENT, "application", law.LateChargeEffect.REDUCED),
        (K.COLLECTION_STOP, "small_amount", None),
        (K.PERFORMANCE_DEFERRAL, "without_means", None),
    ],
)
def test_late_charge_effect_by_kind_and_ground(kind, ground, effect):
    assert law.late_charge_effect(kind, ground) is effect
    assert law.late_charge_exempt(kind, ground) is (effect is law.LateChargeEffect.EXEMPT)
    assert law.late_charge_reduced(kind, ground) is (effect is law.LateChargeEffect.REDUCED)


def test_every_collection_deferment_ground_has_a_late_charge_effect():
    assert law.EXEMPT_DEFERMENT_GROUNDS < set(law.GROUNDS[K.COLLECTION_DEFERMENT])
    assert "5号（1号・2号" in law.legal_basis(K.COLLECTION_DEFERMENT, "similar")
    assert "5号（3号・4号" in law.legal_basis(K.COLLECTION_DEFERMENT, "similar_business")


def test_in_force_cuts_a_period_at_its_end_revocation_or_early_end():
    d = date
    assert law.in_force(K.COLLECTION_DEFERMENT, d(2024, 4, 1), d(2025, 3, 31), d(2024, 4, 5), None, None) == (d(2024, 4, 1), d(2025, 3, 31))
    assert law.in_force(K.COLLECTION_DEFERMENT, d(2024, 4, 1), d(2025, 3, 31), d(2024, 4, 5), d(2024, 9, 30), None) == (d(2024, 4, 1), d(2024, 9, 30))
    assert law.in_force(K.EXECUTION_STOP, d(2024, 4, 1), None, d(2024, 4, 5), None, None) == (d(2024, 4, 5), None)
    assert law.in_force(K.EXECUTION_STOP, d(2024, 4, 1), None, d(2024, 4, 5), None, d(2025, 1, 10)) == (d(2024, 4, 5), d(2025, 1, 9))
    assert law.in_force(K.EXECUTION_STOP, d(2024, 4, 1), None, d(2024, 4, 5), None, d(2024, 4, 5)) is None


def test_every_ground_names_its_legal_basis():
    for kind, grounds in law.GROUNDS.items():
        for code, (label, basis) in grounds.items():
            assert label and basis, (kind, code)
    assert law.legal_basis(K.EXECUTION_STOP, "unknown") == "地方税法15条の7第1項3号"
    assert law.ground_label("execution_stop", "no_property") == "滞納処分をすることができる財産がない"
    assert law.ground_label("nonsense", "x") == "x"

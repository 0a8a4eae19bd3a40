"""Ability to pay (納付資力の判定): from an investigation's findings to a proposal.

Pure: the findings of one household and the receivable's class are passed in
(`Facts`), with the city's thresholds (`Policy`); out comes a `Proposal` —
collect, and how, or relieve, and on which ground — with its reasons. The
officer confirms or overrides it; this only proposes (DOMAIN.md §1 ②③, §7, §8).

The two paths (DOMAIN.md §4):
- 強制徴収公債権 (and taxes) are collected by the city's own 滞納処分: property is
  seized (差押); a household whose income is above the protected minimum has its
  wages seized; where there is nothing to seize, 滞納処分の執行停止 (地方税法15条の7:
  1号 no seizable property, 2号 seizure would make life severely hard).
- 非強制徴収公債権 and 私債権 need a court (自治法施行令171条の2): 支払督促 (a 督促異議
  turns it into 訴訟), then 強制執行; or relief: 徴収停止 when the claim is smaller
  than the cost of collecting it (171条の5第3号), 履行延期の特約 when paying at once
  is hard but paying over time is the better way to collect (171条の6第1項2号),
  or the debtor is without means (1号).

Amounts are whole yen a month (income after tax and social insurance, as 国税徴収法
76条1項1〜3号 deduct them) or in total (assets, other debts, owed).

Rules, in order:
1. nothing owed → no action;
2. seizable property (see below) of at least `min_seizable` → 差押 (forcible: the
   law says the official must seize, 地方税法331条) or 支払督促 (others);
3. the surplus (income − spending) pays what is owed within `plan_months` →
   分納誓約 at that surplus a month;
4. forcible: income above the living minimum → 給与差押 (the part 国税徴収法76条
   leaves seizable); else 執行停止 — 1号 when there is no property at all, 2号
   when what there is would leave the household below its minimum;
5. others: the claim is below `small_claim_cost` → 徴収停止 (3号); some surplus →
   履行延期の特約 (2号: the plan is longer than `plan_months`); income above the
   living minimum → 支払督促 (wages garnished after the title, 民事執行法152条);
   else 履行延期の特約 (1号).

Seizable property: a forcible claim ranks before ordinary debts (地方税法14条,
国税徴収法8条), so the debts do not reduce it (the officer enters assets net of
security registered before the 法定納期限); a household at or below the living
minimum keeps one month of it (国税徴収法75条1項3号's idea, as a setting). Other
claims compete with the other creditors: assets less debts.

The living minimum is 国税徴収法76条1項4号's 10万円 for the debtor and 4万5千円
for each other member of the household; the figures are `Policy` fields (verify
them against the current statute).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saiken.core.relief import ClassKey, ReliefKind


class Outcome(StrEnum):
    COLLECT = "collect"
    RELIEF = "relief"
    NONE = "none"


OUTCOME_LABELS = {Outcome.COLLECT: "徴収", Outcome.RELIEF: "徴収緩和", Outcome.NONE: "対応不要"}


class Measure(StrEnum):
    PLEDGE = "pledge"  # 分納誓約
    SEIZURE = "seizure"  # 財産の差押
    WAGE_SEIZURE = "wage_seizure"  # 給与の差押
    PAYMENT_ORDER = "payment_order"  # 支払督促
    LAWSUIT = "lawsuit"  # 訴訟
    EXECUTION_STOP = ReliefKind.EXECUTION_STOP.value  # 滞納処分の執行停止
    COLLECTION_DEFERMENT = ReliefKind.COLLECTION_DEFERMENT.value  # 徴収猶予
    REALISATION_DEFERMENT = ReliefKind.REALISATION_DEFERMENT.value  # 換価の猶予
    COLLECTION_STOP = ReliefKind.COLLECTION_STOP.value  # 徴収停止
    PERFORMANCE_DEFERRAL = ReliefKind.PERFORMANCE_DEFERRAL.value  # 履行延期の特約
    NONE = "none"


MEASURE_LABELS = {
    Measure.PLEDGE: "分納誓約",
    Measure.SEIZURE: "財産の差押",
    Measure.WAGE_SEIZURE: "給与の差押",
    Measure.PAYMENT_ORDER: "支払督促の申立て（異議があれば訴訟）",
    Measure.LAWSUIT: "訴えの提起",
    Measure.EXECUTION_STOP: "滞納処分の執行停止",
    Measure.COLLECTION_DEFERMENT: "徴収猶予",
    Measure.REALISATION_DEFERMENT: "換価の猶予",
    Measure.COLLECTION_STOP: "徴収停止",
    Measure.PERFORMANCE_DEFERRAL: "履行延期の特約",
    Measure.NONE: "対応不要",
}

RELIEF_MEASURES = frozenset({
    Measure.EXECUTION_STOP, Measure.COLLECTION_DEFERMENT, Measure.REALISATION_DEFERMENT,
    Measure.COLLECTION_STOP, Measure.PERFORMANCE_DEFERRAL,
})

_FORCIBLE = frozenset({ClassKey.TAX, ClassKey.FORCIBLE})

# What an officer may decide for each class (a proposal, or an override of it).
MEASURES_BY_CLASS: dict[ClassKey, tuple[Measure, ...]] = {
    key: (
        (Measure.SEIZURE, Measure.WAGE_SEIZURE, Measure.PLEDGE, Measure.EXECUTION_STOP, Measure.COLLECTION_DEFERMENT,
         Measure.REALISATION_DEFERMENT, Measure.NONE)
        if key in _FORCIBLE else
        (Measure.PAYMENT_ORDER, Measure.LAWSUIT, Measure.PLEDGE, Measure.COLLECTION_STOP, Measure.PERFORMANCE_DEFERRAL, Measure.NONE)
    )
    for key in ClassKey
}


def outcome_of(measure: Measure) -> Outcome:
    if measure is Measure.NONE:
        return Outcome.NONE
    return Outcome.RELIEF if measure in RELIEF_MEASURES else Outcome.COLLECT


@dataclass(frozen=True)
class Policy:
    """The city's thresholds (settings; the statutory amounts to be checked against the law)."""

    living_base: int = 100_000  # 国税徴収法76条1項4号: the debtor, a month
    living_per_member: int = 45_000  # each other member of the household (生計を一にする親族)
    wage_extra_percent: int = 20  # 76条1項5号: a further 20% of the rest stays with the debtor,
    wage_extra_cap_times: int = 2  # capped at twice the living minimum
    civil_protected_quarters: int = 3  # 民事執行法152条1項: 3/4 of net pay may not be garnished,
    civil_protected_cap: int = 330_000  # except what exceeds 33万円 (同施行令2条1項1号)
    min_seizable: int = 1  # property worth less is not seized (無益な差押の禁止, 国税徴収法48条2項)
    hardship_reserve_months: int = 1  # months of the living minimum a household at or below it keeps
    plan_months: int = 12  # a voluntary plan is proposed when it pays everything within this
    small_claim_cost: int = 10_000  # 徴収停止 3号: what collecting through a court would cost (verify)

    def __post_init__(self):
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        if self.plan_months < 1 or self.min_seizable < 1:
            raise ValueError("plan_months and min_seizable must be at least 1")


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Facts:
    """The findings of an investigation, for one receivable of one debtor."""

    class_key: ClassKey
    household_size: int  # the debtor and those living on the same income, ≥ 1
    monthly_income: int  # after tax and social insurance
    monthly_spending: int
    assets: int  # seizable property found (deposits, real estate, vehicles, receivables), at market value
    debts: int  # other debts
    owed: int  # what is owed on this receivable (principal, late charges, fees)

    def __post_init__(self):
        ClassKey(self.class_key)
        if not isinstance(self.household_size, int) or isinstance(self.household_size, bool) or self.household_size < 1:
            raise ValueError("household_size must be at least 1")
        for name in ("monthly_income", "monthly_spending", "assets", "debts", "owed"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer (yen)")

    @property
    def forcible(self) -> bool:
        return ClassKey(self.class_key) in _FORCIBLE


@dataclass(frozen=True)
class Proposal:
    outcome: Outcome
    measure: Measure
    ground: str  # the relief ground's code in saiken.core.relief.GROUNDS, "" for collection
    legal_basis: str
    reasons: tuple[str, ...]
    living_minimum: int
    surplus: int  # income − spending, may be negative
    seizable_assets: int
    seizable_wage: int  # a month, under the rule of the claim's path
    monthly: int | None = None  # a plan's instalment
    months: int | None = None  # a plan's length

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self.measure]

    def to_json(self) -> dict:
        return {
            "outcome": self.outcome.value, "measure": self.measure.value, "ground": self.ground, "legal_basis": self.legal_basis,
            "reasons": list(self.reasons), "living_minimum": self.living_minimum, "surplus": self.surplus,
            "seizable_assets": self.seizable_assets, "seizable_wage": self.seizable_wage, "monthly": self.monthly, "months": self.months,
        }


def living_minimum(household_size: int, policy: Policy = DEFAULT_POLICY) -> int:
    """A month's protected living costs (国税徴収法76条1項4号)."""
    return policy.living_base + policy.living_per_member * (household_size - 1)


def tax_seizable_wage(income: int, household_size: int, policy: Policy = DEFAULT_POLICY) -> int:
    """The part of a month's net pay 国税徴収法76条 lets the city seize: above the living
    minimum, less a further 20% of the excess (at most twice the minimum)."""
    base = living_minimum(household_size, policy)
    excess = income - base
    if excess <= 0:
        return 0
    return excess - min(excess * policy.wage_extra_percent // 100, base * policy.wage_extra_cap_times)


def civil_seizable_wage(income: int, policy: Policy = DEFAULT_POLICY) -> int:
    """The part a court may garnish (民事執行法152条): a quarter, or all above 33万円
    when three quarters would exceed it."""
    protected = min(income - income * (4 - policy.civil_protected_quarters) // 4, policy.civil_protected_cap)
    return income - protected


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _yen(n: int) -> str:
    return f"{n:,}円"


def propose(f: Facts, policy: Policy = DEFAULT_POLICY) -> Proposal:
    """The proposal for one receivable of one debtor (see the module docstring)."""
    minimum = living_minimum(f.household_size, policy)
    surplus = f.monthly_income - f.monthly_spending
    below_minimum = f.monthly_income <= minimum
    if f.forcible:
        reserve = minimum * policy.hardship_reserve_months if below_minimum else 0
        seizable_assets = max(0, f.assets - reserve)
        wage = tax_seizable_wage(f.monthly_income, f.household_size, policy)
    else:
        seizable_assets = max(0, f.assets - f.debts)
        wage = civil_seizable_wage(f.monthly_income, policy)
    common = dict(living_minimum=minimum, surplus=surplus, seizable_assets=seizable_assets, seizable_wage=wage)
    facts = (
        f"世帯{f.household_size}人の生活費の基準（国税徴収法76条1項4号）月{_yen(minimum)}",
        f"収入月{_yen(f.monthly_income)}・支出月{_yen(f.monthly_spending)}（収支 月{_yen(surplus)}）",
    )

    def done(measure: Measure, ground: str, basis: str, *why: str, monthly=None, months=None) -> Proposal:
        return Proposal(outcome_of(measure), measure, ground, basis, (*why, *facts), monthly=monthly, months=months, **common)

    if f.owed == 0:
        return done(Measure.NONE, "", "", "未納額がありません。")
    if seizable_assets >= policy.min_seizable:
        if f.forcible:
            kept = "" if seizable_assets == f.assets else f"（生活費{policy.hardship_reserve_months}か月分を除く）"
            return done(Measure.SEIZURE, "", _forcible_basis(f), f"差押えできる財産が{_yen(seizable_assets)}あります{kept}。")
        return done(Measure.PAYMENT_ORDER, "", COURT_BASIS,
                    f"他の債務を差し引いて{_yen(seizable_assets)}の財産があります。支払督促により債務名義を得て強制執行します。")
    if surplus > 0:
        months = _ceil_div(f.owed, surplus)
        if months <= policy.plan_months:
            monthly = _ceil_div(f.owed, months)
            return done(Measure.PLEDGE, "", "", f"収支の余剰で未納額{_yen(f.owed)}を{months}か月（月{_yen(monthly)}）で納付できます"
                        f"（{policy.plan_months}か月以内）。", monthly=monthly, months=months)
    if f.forcible:
        return _forcible(f, policy, wage, done)
    return _court(f, policy, surplus, minimum, done)


COURT_BASIS = "地方自治法施行令171条の2第3号"


def _forcible_basis(f: Facts) -> str:
    return "地方税法331条等（滞納処分）" if f.class_key == ClassKey.TAX else "地方自治法231条の3第3項（地方税の滞納処分の例）"


def _forcible(f: Facts, policy: Policy, wage: int, done) -> Proposal:
    if wage > 0:
        return done(Measure.WAGE_SEIZURE, "", f"{_forcible_basis(f)}、国税徴収法76条",
                    f"収入が生活費の基準を超え、給与等を月{_yen(wage)}差し押さえられます（国税徴収法76条）。")
    if f.assets == 0:
        return done(Measure.EXECUTION_STOP, "no_property", "地方税法15条の7第1項1号",
                    "差押えできる財産がなく、収入も生活費の基準以下です。")
    return done(Measure.EXECUTION_STOP, "hardship", "地方税法15条の7第1項2号",
                f"財産{_yen(f.assets)}は生活費の基準{policy.hardship_reserve_months}か月分以下で、収入も基準以下のため、"
                "差押えにより生活を著しく窮迫させるおそれがあります。")


def _court(f: Facts, policy: Policy, surplus: int, minimum: int, done) -> Proposal:
    if f.owed < policy.small_claim_cost:
        return done(Measure.COLLECTION_STOP, "small_amount", "地方自治法施行令171条の5第3号",
                    f"未納額{_yen(f.owed)}が取立ての費用（{_yen(policy.small_claim_cost)}）に満たず、差し押さえる財産もありません。")
    if surplus > 0:
        months = _ceil_div(f.owed, surplus)
        return done(Measure.PERFORMANCE_DEFERRAL, "favourable", "地方自治法施行令171条の6第1項2号",
                    f"一時の納付は困難ですが、月{_yen(surplus)}ずつ{months}か月で納付でき、履行期限の延長が徴収上有利です。",
                    monthly=surplus, months=months)
    if f.monthly_income > minimum:
        wage = civil_seizable_wage(f.monthly_income, policy)
        return done(Measure.PAYMENT_ORDER, "", COURT_BASIS,
                    f"収入が生活費の基準を超えています。債務名義を得て給与等を月{_yen(wage)}まで差し押さえられます（民事執行法152条）。")
    return done(Measure.PERFORMANCE_DEFERRAL, "without_means", "地方自治法施行令171条の6第1項1号",
                "財産がなく、収入も生活費の基準以下で、無資力又はこれに近い状態です。")


def check_decision(class_key: ClassKey, proposal: Proposal, measure: str, reason: str) -> list[str]:
    """Problems with the officer's decision: a measure of the class, and a reason to differ."""
    out = []
    try:
        m = Measure(measure)
    except ValueError:
        return [f"措置 {measure!r} は登録されていません。"]
    if m not in MEASURES_BY_CLASS[ClassKey(class_key)]:
        out.append(f"{MEASURE_LABELS[m]}はこの債権の区分では選べません。")
    if m is not proposal.measure and not reason.strip():
        out.append("提案と異なる判断をするときは、その理由を入力してください。")
    return out

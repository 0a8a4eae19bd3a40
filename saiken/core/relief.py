"""Relief (緩和措置): the kinds of decision, what the law allows for each, and their effects.

Pure: the dates are passed in, and a decision to check arrives as a `Proposal`
of plain values. Which legal classes may use each kind is a `Policy` (a city
may change it); the defaults follow DOMAIN.md §4 and §7:

- 徴収猶予 (地方税法15条) and 換価の猶予 (15条の5, 15条の6): tax and forcible
  public claims; up to 1 year, an extension up to 2 years in total (15条4項,
  15条の5第3項). Prescription does not run during them (18条の2第4項). These
  article numbers are cited from memory (verify); the limits themselves are
  Policy fields. Late charges (15条の9第1項, see `late_charge_effect`): none for a
  徴収猶予 on 15条1項1号・2号 or 5号 like them; the reduced rate (附則3条の2第2項)
  for the other grounds and for 換価の猶予.
- 滞納処分の執行停止 (15条の7): tax and forcible; on one of the three grounds of
  its first paragraph; no fixed end. The obligation is extinguished after 3
  years of continued stop (4項) or at once when collection is clearly impossible,
  which the law allows for the first ground only (5項). A stop can be revoked
  (15条の8). Prescription keeps running; no late charge accrues during it
  (15条の9第1項).
- 徴収停止 (自治法施行令171条の5): non-forcible and private; the claim survives.
- 履行延期の特約 (171条の6): non-forcible and private, with an instalment schedule,
  the last payment within 10 years of the due date (or of the agreement when made
  after it; a limit taken from 国の債権の管理等に関する法律26条 and city rules (verify)).
- 免除 (171条の7): non-forcible and private, only for a claim deferred by a 履行延期
  made because the debtor was without means (171条の6第1項1号), once 10 years have
  passed since its original due date (or the first deferral, if that was later)
  and the debtor is still without means.
- 債権放棄: under the city's ordinance (債権管理条例); non-forcible and private.

Periods are counted with the civil code (民法140条, 143条): a period fixed from a
date includes that day; a period running from an act done during a day starts
the next day; a period of months or years ends on the day before the
corresponding day, or on the month's last day when there is none. A date of
extinction is the first day on which the debt no longer exists: a stop decided
2021-06-15 has run its three years at the end of 2024-06-15, so 2024-06-16.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple


class ReliefKind(StrEnum):
    COLLECTION_DEFERMENT = "collection_deferment"  # 徴収猶予
    REALISATION_DEFERMENT = "realisation_deferment"  # 換価の猶予
    EXECUTION_STOP = "execution_stop"  # 滞納処分の執行停止
    COLLECTION_STOP = "collection_stop"  # 徴収停止
    PERFORMANCE_DEFERRAL = "performance_deferral"  # 履行延期の特約
    EXEMPTION = "exemption"  # 免除
    WAIVER = "waiver"  # 債権放棄


KIND_LABELS: dict[ReliefKind, str] = {
    ReliefKind.COLLECTION_DEFERMENT: "徴収猶予",
    ReliefKind.REALISATION_DEFERMENT: "換価の猶予",
    ReliefKind.EXECUTION_STOP: "滞納処分の執行停止",
    ReliefKind.COLLECTION_STOP: "徴収停止",
    ReliefKind.PERFORMANCE_DEFERRAL: "履行延期の特約",
    ReliefKind.EXEMPTION: "免除",
    ReliefKind.WAIVER: "債権放棄",
}

DEFERMENTS = frozenset({ReliefKind.COLLECTION_DEFERMENT, ReliefKind.REALISATION_DEFERMENT})
# Kinds that extinguish the claim once approved (the write-off run books them).
EXTINGUISHING = frozenset({ReliefKind.EXEMPTION, ReliefKind.WAIVER})


class ClassKey(StrEnum):
    """The rows of the allowed-classes table: taxes apart from other forcible claims,
    so that a city may, for example, keep 徴収猶予 for taxes only."""

    TAX = "tax"
    FORCIBLE = "forcible"
    NON_FORCIBLE = "non_forcible"
    PRIVATE = "private"


CLASS_LABELS: dict[ClassKey, str] = {
    ClassKey.TAX: "税",
    ClassKey.FORCIBLE: "強制徴収公債権（税以外）",
    ClassKey.NON_FORCIBLE: "非強制徴収公債権",
    ClassKey.PRIVATE: "私債権",
}


def class_key(legal_class: str, is_tax: bool) -> ClassKey:
    """The table row for a receivable: its legal class, or `tax` for a tax."""
    return ClassKey.TAX if is_tax else ClassKey(legal_class)


_PUBLIC_FORCIBLE = frozenset({ClassKey.TAX, ClassKey.FORCIBLE})
_OTHER = frozenset({ClassKey.NON_FORCIBLE, ClassKey.PRIVATE})

DEFAULT_ALLOWED: dict[ReliefKind, frozenset[ClassKey]] = {
    ReliefKind.COLLECTION_DEFERMENT: _PUBLIC_FORCIBLE,
    ReliefKind.REALISATION_DEFERMENT: _PUBLIC_FORCIBLE,
    ReliefKind.EXECUTION_STOP: _PUBLIC_FORCIBLE,
    ReliefKind.COLLECTION_STOP: _OTHER,
    ReliefKind.PERFORMANCE_DEFERRAL: _OTHER,
    ReliefKind.EXEMPTION: _OTHER,
    ReliefKind.WAIVER: _OTHER,
}

# Grounds per kind: code → (label, legal basis). A decision names exactly one.
GROUNDS: dict[ReliefKind, dict[str, tuple[str, str]]] = {
    ReliefKind.COLLECTION_DEFERMENT: {
        "disaster": ("災害・盗難", "地方税法15条1項1号"),
        "illness": ("本人又は生計を一にする親族の病気・負傷", "地方税法15条1項2号"),
        "business_closed": ("事業の廃止・休止", "地方税法15条1項3号"),
        "business_loss": ("事業の著しい損失", "地方税法15条1項4号"),
        # 5号 is split by what the fact is like, because 15条の9第1項 treats the two halves
        # differently for late charges: like 1号・2号 → none; like 3号・4号 → reduced.
        "similar": ("前各号（災害・盗難、病気・負傷）に類する事実", "地方税法15条1項5号（1号・2号に類する事実）"),
        "similar_business": ("前各号（事業の廃止・休止、著しい損失）に類する事実", "地方税法15条1項5号（3号・4号に類する事実）"),
        "late_assessment": ("法定納期限から1年以上経過後の賦課", "地方税法15条2項"),
    },
    ReliefKind.REALISATION_DEFERMENT: {
        "hardship": ("換価により事業の継続・生活の維持が困難となるおそれ（職権）", "地方税法15条の5第1項1号"),
        "favourable": ("換価を猶予する方が徴収上有利（職権）", "地方税法15条の5第1項2号"),
        "application": ("換価により事業の継続・生活の維持が困難となるおそれ（申請）", "地方税法15条の6第1項"),
    },
    ReliefKind.EXECUTION_STOP: {
        "no_property": ("滞納処分をすることができる財産がない", "地方税法15条の7第1項1号"),
        "hardship": ("滞納処分により生活を著しく窮迫させるおそれ", "地方税法15条の7第1項2号"),
        "unknown": ("所在及び滞納処分をすることができる財産がともに不明", "地方税法15条の7第1項3号"),
    },
    ReliefKind.COLLECTION_STOP: {
        "corporation_closed": ("法人が事業を休止し再開の見込みがなく、財産が強制執行の費用を超えない", "地方自治法施行令171条の5第1号"),
        "unknown": ("所在不明で、財産が強制執行の費用を超えない", "地方自治法施行令171条の5第2号"),
        "small_amount": ("少額で取立ての費用に満たない", "地方自治法施行令171条の5第3号"),
    },
    ReliefKind.PERFORMANCE_DEFERRAL: {
        "without_means": ("無資力又はこれに近い状態", "地方自治法施行令171条の6第1項1号"),
        "favourable": ("一時の履行が困難で、延長が徴収上有利", "地方自治法施行令171条の6第1項2号"),
        "accident": ("災害・盗難その他の事故により一時の履行が困難", "地方自治法施行令171条の6第1項3号"),
        "damages": ("損害賠償金・不当利得返還金で一時の履行が困難", "地方自治法施行令171条の6第1項4号"),
        "loan": ("貸付金で、転貸先の事情により一時の履行が困難", "地方自治法施行令171条の6第1項5号"),
    },
    ReliefKind.EXEMPTION: {
        "without_means": ("当初の履行期限から10年経過後もなお無資力又はこれに近い状態で、弁済の見込みがない", "地方自治法施行令171条の7第1項"),
    },
    # The ordinance's own list (債権管理条例): a setting each city checks (verify).
    ReliefKind.WAIVER: {
        "discharged": ("破産法等により債務者が責任を免れた", "債権管理条例"),
        "prescription_period": ("消滅時効の期間が満了した（援用の見込み）", "債権管理条例"),
        "without_means": ("著しい生活困窮で資力の回復が困難", "債権管理条例"),
        "unknown": ("所在不明で財産がない", "債権管理条例"),
        "collection_stop": ("徴収停止後も相当期間、履行の見込みがない", "債権管理条例"),
    },
}


# The 履行延期 ground that opens the way to 免除 ten years on (施行令171条の7第1項).
DEFERRAL_WITHOUT_MEANS = "without_means"


def ground_label(kind: str, ground: str) -> str:
    """The ground's label, or the code itself if the kind or ground is unknown."""
    return GROUNDS.get(kind, {}).get(ground, (ground, ""))[0]


def legal_basis(kind: ReliefKind, ground: str) -> str:
    return GROUNDS[kind].get(ground, ("", ""))[1]


@dataclass(frozen=True)
class Policy:
    """What a city allows. `allowed` is the table an administrator may change;
    the periods are the statutes' (DOMAIN.md §7)."""

    allowed: Mapping[ReliefKind, frozenset[ClassKey]] = field(default_factory=lambda: dict(DEFAULT_ALLOWED))
    deferment_months: int = 12  # 徴収猶予・換価の猶予: each grant
    deferment_total_months: int = 24  # with its extensions
    stop_extinction_years: int = 3  # 地方税法15条の7第4項
    deferral_max_years: int = 10  # 履行延期の特約 (verify per city)
    exemption_after_years: int = 10  # 自治法施行令171条の7


DEFAULT_POLICY = Policy()


# ---- the civil code's calendar ------------------------------------------------------


def period_last_day(first_day: date, months: int) -> date:
    """Last day of a period of `months` months whose first counted day is `first_day`
    (民法143条): the day before the corresponding day, or the last day of the final
    month when it has none (first day 2024-02-29, 12 months → 2025-02-28)."""
    m = first_day.month - 1 + months
    y, m = first_day.year + m // 12, m % 12 + 1
    last = calendar.monthrange(y, m)[1]
    if first_day.day > last:
        return date(y, m, last)
    return date(y, m, first_day.day) - timedelta(days=1)


def passed_on(act_day: date, years: int) -> date:
    """The first day on which `years` years have passed since an act done on `act_day`:
    the first day is not counted (民法140条), the period ends by 143条, and the day
    after its last day is the first on which the time has passed.

    Stop decided 2021-06-15: the period runs 2021-06-16 … 2024-06-15, so the three
    years have passed on 2024-06-16."""
    return period_last_day(act_day + timedelta(days=1), 12 * years) + timedelta(days=1)


def effective_start(start_on: date, decided_on: date | None) -> date:
    """A stop, an exemption or a waiver takes effect on its start date, but never
    before the decision that grants it."""
    return max(start_on, decided_on) if decided_on else start_on


def stop_extinction_date(start: date, immediate: bool, policy: Policy = DEFAULT_POLICY) -> date:
    """The first day on which an execution stop that took effect on `start` has
    extinguished the obligation: at once (15条の7第5項) or after 3 years (4項)."""
    return start if immediate else passed_on(start, policy.stop_extinction_years)


def latest_stop_start_extinguished_by(as_of: date, policy: Policy = DEFAULT_POLICY) -> date:
    """The last start date of a stop whose 3 years have passed by `as_of` (monotonic
    inverse of `stop_extinction_date`, so a query can filter on the start date)."""
    years = policy.stop_extinction_years
    # Start safely early and walk forward: `passed_on` never decreases, and the
    # month-end clipping moves the answer by a few days at most.
    guess = as_of - timedelta(days=366 * years + 2)
    while passed_on(guess + timedelta(days=1), years) <= as_of:
        guess += timedelta(days=1)
    return guess


class LateChargeEffect(StrEnum):
    """What a relief decision does to the late charge for the days it covers."""

    EXEMPT = "exempt"  # none at all (地方税法15条の9第1項, 免除する)
    REDUCED = "reduced"  # the reduced rate (15条の9第1項 half, 附則3条の2第2項 猶予特例割合)


# 徴収猶予 grounds whose days carry no late charge (地方税法15条の9第1項: 15条1項1号・2号,
# and 5号 where the fact is like them).
EXEMPT_DEFERMENT_GROUNDS = frozenset({"disaster", "illness", "similar"})


def late_charge_effect(kind: str, ground: str = "") -> LateChargeEffect | None:
    """地方税法15条の9第1項 for the days a decision covers:

    - 滞納処分の執行停止 (15条の7): exempt;
    - 徴収猶予 on 15条1項1号・2号 or 5号 like them (disaster, illness, similar): exempt;
    - any other 徴収猶予 (3号・4号, 5号 like them, 15条2項) and 換価の猶予 (15条の5,
      15条の6): half exempt, which 附則3条の2第2項 makes the year's 猶予特例割合;
    - other kinds: no effect (None).
    A 徴収猶予 recorded without a known ground keeps the reduced rate."""
    if kind == ReliefKind.EXECUTION_STOP:
        return LateChargeEffect.EXEMPT
    if kind == ReliefKind.COLLECTION_DEFERMENT:
        return LateChargeEffect.EXEMPT if ground in EXEMPT_DEFERMENT_GROUNDS else LateChargeEffect.REDUCED
    if kind == ReliefKind.REALISATION_DEFERMENT:
        return LateChargeEffect.REDUCED
    return None


# The calculator's short names for a 猶予's ground (`saiken calc late-charge --deferment
# FIRST:LAST:NAME` and the counter's page) → (kind, ground of GROUNDS).
CALCULATOR_GROUNDS: dict[str, tuple[ReliefKind, str]] = {
    "disaster": (ReliefKind.COLLECTION_DEFERMENT, "disaster"),  # 15条1項1号: exempt
    "illness": (ReliefKind.COLLECTION_DEFERMENT, "illness"),  # 2号: exempt
    "business": (ReliefKind.COLLECTION_DEFERMENT, "business_closed"),  # 3号: reduced
    "loss": (ReliefKind.COLLECTION_DEFERMENT, "business_loss"),  # 4号: reduced
    "similar": (ReliefKind.COLLECTION_DEFERMENT, "similar"),  # 5号 like 1号・2号: exempt
    "similar_business": (ReliefKind.COLLECTION_DEFERMENT, "similar_business"),  # 5号 like 3号・4号: reduced
    "late_assessment": (ReliefKind.COLLECTION_DEFERMENT, "late_assessment"),  # 15条2項: reduced
    "realisation": (ReliefKind.REALISATION_DEFERMENT, ""),  # 換価の猶予: reduced
}


def late_charge_reduced(kind: str, ground: str = "") -> bool:
    """Do the days of this decision run at the reduced rate (猶予特例割合)?"""
    return late_charge_effect(kind, ground) is LateChargeEffect.REDUCED


def late_charge_exempt(kind: str, ground: str = "") -> bool:
    """Do the days of this decision carry no late charge at all (15条の9第1項)?"""
    return late_charge_effect(kind, ground) is LateChargeEffect.EXEMPT


def prescription_stops(kind: str) -> bool:
    """Prescription does not run during a 猶予 (地方税法18条の2第4項); it keeps running
    during an execution stop and a 徴収停止."""
    return kind in DEFERMENTS


def has_end(kind: str) -> bool:
    """Kinds granted for a period that can be ended early."""
    return kind in DEFERMENTS or kind in (ReliefKind.COLLECTION_STOP, ReliefKind.PERFORMANCE_DEFERRAL)


# ---- checking a proposed decision ------------------------------------------------------


class Problem(NamedTuple):
    """One reason a decision cannot be made: the field at fault and a message for the clerk."""

    field: str
    message: str


@dataclass(frozen=True)
class Line:
    """One instalment the decision covers, with what the rules need to know about it."""

    label: str  # 令和6年度 市税 第2期, for messages
    due_date: date
    balance: int  # still owed (principal, late charge and fees)
    # Periods of decisions of the same kind already approved on it (last day None: no end).
    same_kind: tuple[tuple[date, date | None], ...] = ()
    # 免除 only: when the first 履行延期 of this instalment made because the debtor was
    # without means (施行令171条の6第1項1号) took effect, None if there was none; and
    # whether it has a 履行延期 on another ground, for the message.
    deferral_start: date | None = None
    other_deferral: bool = False


@dataclass(frozen=True)
class Proposal:
    kind: str
    class_key: str
    lines: tuple[Line, ...]
    start_on: date | None
    end_on: date | None = None
    ground: str = ""
    reason: str = ""
    immediate_extinction: bool = False
    schedule: tuple[tuple[date, int], ...] = ()  # 履行延期: (due date, yen)


def validate(p: Proposal, policy: Policy = DEFAULT_POLICY) -> list[Problem]:
    """Every reason the proposal cannot be granted; an empty list when it can."""
    try:
        kind = ReliefKind(p.kind)
    except ValueError:
        return [Problem("kind", f"緩和措置の種類 {p.kind!r} は登録されていません。")]
    label = KIND_LABELS[kind]
    out: list[Problem] = []
    key = ClassKey(p.class_key)
    if key not in policy.allowed.get(kind, frozenset()):
        allowed = "・".join(CLASS_LABELS[c] for c in ClassKey if c in policy.allowed.get(kind, frozenset())) or "なし"
        out.append(Problem("kind", f"{label}は{CLASS_LABELS[key]}には認められていません（対象: {allowed}）。"))
    if p.ground not in GROUNDS[kind]:
        out.append(Problem("ground", f"{label}の理由（根拠条項）を選んでください。"))
    if not p.reason.strip():
        out.append(Problem("reason", "措置の理由（事実関係）を入力してください。"))
    if not p.lines:
        out.append(Problem("instalments", "対象の調定（期別）を選んでください。"))
    for line in p.lines:
        if line.balance <= 0:
            out.append(Problem("instalments", f"{line.label}には未納額がありません。"))
    if p.start_on is None:
        out.append(Problem("start_on", "開始日を入力してください。"))
        return out
    if p.end_on is not None and p.end_on < p.start_on:
        out.append(Problem("end_on", "終了日が開始日より前です。"))
        return out
    if p.immediate_extinction and not (kind is ReliefKind.EXECUTION_STOP and p.ground == "no_property"):
        out.append(Problem(
            "immediate_extinction",
            "即時消滅は、滞納処分をすることができる財産がないことによる執行停止に限られます（地方税法15条の7第5項）。",
        ))
    out += _overlaps(p, label)
    if kind in DEFERMENTS:
        out += _deferment_period(p, label, policy)
    elif kind is ReliefKind.PERFORMANCE_DEFERRAL:
        out += _schedule(p, policy)
    elif kind is ReliefKind.EXEMPTION:
        out += _exemption(p, policy)
    if kind in (ReliefKind.EXECUTION_STOP, ReliefKind.EXEMPTION, ReliefKind.WAIVER) and p.end_on is not None:
        out.append(Problem("end_on", f"{label}には終了日を定めません。"))
    if kind is not ReliefKind.PERFORMANCE_DEFERRAL and p.schedule:
        out.append(Problem("schedule", "分割納付の計画は履行延期の特約にのみ定めます。"))
    return out


def _overlaps(p: Proposal, label: str) -> list[Problem]:
    out = []
    end = p.end_on or date.max
    for line in p.lines:
        for s, e in line.same_kind:
            if s <= end and p.start_on <= (e or date.max):
                out.append(Problem("start_on", f"{line.label}には期間の重なる{label}が既にあります（{s}〜{e or ''}）。"))
                break
    return out


def _days(periods: Iterable[tuple[date, date]]) -> int:
    """Days covered by closed periods, counting overlaps once."""
    total, reach = 0, None
    for s, e in sorted(periods):
        if reach is not None and s <= reach:
            s = reach + timedelta(days=1)
        if s <= e:
            total += (e - s).days + 1
            reach = e if reach is None else max(reach, e)
    return total


def _deferment_period(p: Proposal, label: str, policy: Policy) -> list[Problem]:
    if p.end_on is None:
        return [Problem("end_on", f"{label}の終了日を入力してください。")]
    out = []
    first_grant_checked = False
    for line in p.lines:
        granted = [(s, e) for s, e in line.same_kind if e is not None]
        if not granted:  # a first grant: one year at most (15条1項)
            limit = period_last_day(p.start_on, policy.deferment_months)
            if p.end_on > limit and not first_grant_checked:
                out.append(Problem("end_on", f"{label}の期間は{policy.deferment_months // 12}年以内です（{limit}まで）。"))
            first_grant_checked = True
            continue
        # An extension: no limit of its own, but two years with what was granted (15条4項).
        first = min(s for s, _ in granted)
        allowed = (period_last_day(first, policy.deferment_total_months) - first).days + 1
        if _days([*granted, (p.start_on, p.end_on)]) > allowed:
            out.append(Problem(
                "end_on",
                f"{line.label}: 延長後の{label}の期間は、既に猶予した期間とあわせて{policy.deferment_total_months // 12}年以内です"
                f"（{first}から{period_last_day(first, policy.deferment_total_months)}まで）。",
            ))
    return out


def _schedule(p: Proposal, policy: Policy) -> list[Problem]:
    if not p.schedule:
        return [Problem("schedule", "履行延期の特約には分割納付の計画（納期限と金額）が必要です。")]
    out = []
    dates = [d for d, _ in p.schedule]
    if any(not isinstance(a, int) or isinstance(a, bool) or a <= 0 for _, a in p.schedule):
        out.append(Problem("schedule", "分割納付の各回の金額は1円以上の整数で入力してください。"))
    if any(b <= a for a, b in zip(dates, dates[1:])):
        out.append(Problem("schedule", "分割納付の納期限は重複なく日付順に並べてください。"))
    if dates[0] < p.start_on:
        out.append(Problem("schedule", "分割納付の初回の納期限が特約の開始日より前です。"))
    total = sum(a for _, a in p.schedule if isinstance(a, int))
    owed = sum(line.balance for line in p.lines)
    if total != owed:
        out.append(Problem("schedule", f"分割納付の合計 {total:,}円 が対象の未納額 {owed:,}円 と一致しません。"))
    for line in p.lines:
        # From the due date, or from the agreement when it is made after the due date.
        base = max(line.due_date, p.start_on)
        limit = period_last_day(base + timedelta(days=1), 12 * policy.deferral_max_years)
        if dates[-1] > limit:
            out.append(Problem("schedule", f"{line.label}: 履行期限は{limit}までです（履行期限又は特約の日から{policy.deferral_max_years}年以内）。"))
            break
    if p.end_on is not None and p.end_on < dates[-1]:
        out.append(Problem("end_on", "終了日が分割納付の最終回の納期限より前です。"))
    return out


def exemption_possible_from(due_date: date, deferral_start: date, policy: Policy = DEFAULT_POLICY) -> date:
    """The first day a 履行延期 claim may be exempted (171条の7): once 10 years have passed
    since the original due date, or since the first deferral when it was made later."""
    return passed_on(max(due_date, deferral_start), policy.exemption_after_years)


def _exemption(p: Proposal, policy: Policy) -> list[Problem]:
    out = []
    for line in p.lines:
        if line.deferral_start is None:
            # 171条の7 exempts only a claim deferred under 171条の6第1項1号 (無資力又はこれに近い状態).
            if line.other_deferral:
                out.append(Problem(
                    "kind",
                    f"{line.label}: 免除は、債務者が無資力又はこれに近い状態にあるため履行延期の特約をした債権に限られます"
                    "（地方自治法施行令171条の7第1項）。この債権の履行延期は他の理由によるものです。",
                ))
            else:
                out.append(Problem("kind", f"{line.label}: 免除は履行延期の特約をした債権に限られます（地方自治法施行令171条の7）。"))
            continue
        possible = exemption_possible_from(line.due_date, line.deferral_start, policy)
        if p.start_on < possible:
            out.append(Problem(
                "start_on",
                f"{line.label}: 免除は当初の履行期限から{policy.exemption_after_years}年を経過した後に限られます（{possible}から）。",
            ))
    return out


# ---- payment schedules -----------------------------------------------------------------


def split_schedule(total: int, first_due: date, count: int, every_months: int = 1) -> list[tuple[date, int]]:
    """An even schedule of `count` payments, the remainder on the first; later due dates
    on the same day of the month, or its last day (1/31 → 2/28 → 3/31)."""
    if count < 1 or total < count:
        raise ValueError("count must be between 1 and the total")
    base, rest = divmod(total, count)
    out = []
    for n in range(count):
        m = first_due.month - 1 + n * every_months
        y, m = first_due.year + m // 12, m % 12 + 1
        out.append((date(y, m, min(first_due.day, calendar.monthrange(y, m)[1])), base + (rest if n == 0 else 0)))
    return out


def in_force(
    kind: str, start_on: date, end_on: date | None, decided_on: date | None, ended_on: date | None, revoked_on: date | None
) -> tuple[date, date | None] | None:
    """First and last day an approved decision applies (last None: no end), or None if it
    never applied. A decision ended on a day applied through that day; one revoked on a
    day no longer applies from it. Stops, exemptions and waivers start no earlier than
    their approval; a 猶予 or 履行延期 runs over the period granted."""
    periodic = kind in DEFERMENTS or kind in (ReliefKind.COLLECTION_STOP, ReliefKind.PERFORMANCE_DEFERRAL)
    start = start_on if periodic else effective_start(start_on, decided_on)
    ends = [d for d in (end_on, ended_on, revoked_on - timedelta(days=1) if revoked_on else None) if d is not None]
    last = min(ends) if ends else None
    if last is not None and last < start:
        return None
    return start, last


# ---- 履行延期の特約: the schedule as the instalments' new due dates ---------------------


def deferral_portions(
    schedule: Iterable[tuple[date, int]], instalments: Iterable[tuple[int, date, int]]
) -> dict[int, list[tuple[date, int]]]:
    """What a 履行延期の特約 (地方自治法施行令171条の6) does to each instalment it covers:
    its portions [(new due date, yen)], summing to its balance at the agreement.

    `schedule`: the agreed payments (due date, yen); `instalments`: (id, original due
    date, balance at the agreement). The payments are applied to the instalments
    oldest first (by original due date, then id), each payment filling the oldest
    balance left before the next: a payment may close one instalment and start the
    next, and one instalment may take several payments.

    An approved schedule sums to the balances (see `_schedule`). Were it short, the
    balance it does not reach falls on its last due date; were it long, the excess
    covers nothing. An instalment with nothing owed has no portions."""
    payments = sorted(schedule)
    out: dict[int, list[tuple[date, int]]] = {}
    n, left = 0, payments[0][1] if payments else 0
    for iid, _, balance in sorted(instalments, key=lambda i: (i[1], i[0])):
        portions: list[tuple[date, int]] = []
        owed = max(balance, 0)
        while owed > 0 and n < len(payments):
            take = min(owed, left)
            if take:
                portions.append((payments[n][0], take))
            owed -= take
            left -= take
            if left == 0:
                n += 1
                left = payments[n][1] if n < len(payments) else 0
        if owed > 0 and payments:  # a schedule short of the balances: the rest on its last date
            if portions and portions[-1][0] == payments[-1][0]:
                portions[-1] = (portions[-1][0], portions[-1][1] + owed)
            else:
                portions.append((payments[-1][0], owed))
        out[iid] = portions
    return out


def component_portions(
    portions: Iterable[tuple[date, int]], parts: Iterable[tuple[str, int]]
) -> dict[str, list[tuple[date, int]]]:
    """An instalment's portions (new due date, yen) split by component: the portions are
    paid in date order, and each payment meets the components in the receivable's
    allocation order — `parts` is (component, yen at the agreement) in that order
    (principal first for public claims; costs, interest, principal for private ones,
    民法489条). Principal 60, late charge 10 and portions (4/30, 40), (5/31, 30),
    interest first: late charge [(4/30, 10)], principal [(4/30, 30), (5/31, 30)]."""
    queue = [(c, a) for c, a in parts if a > 0]
    out: dict[str, list[tuple[date, int]]] = {c: [] for c, _ in parts}
    n = 0
    for day, amount in sorted(portions):
        while amount > 0 and n < len(queue):
            component, left = queue[n]
            take = min(amount, left)
            out[component].append((day, take))
            amount -= take
            queue[n] = (component, left - take)
            if left == take:
                n += 1
    return out

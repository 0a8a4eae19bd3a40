"""Prescription (時効) of one instalment, as a pure function (DOMAIN.md §6).

`project(rule, due=..., arose=..., known=..., events=...)` says when the current
prescription period started, on which day it completes, and why.

Periods (民法140条・143条): the first day is not counted, so a period "from" an
event runs from the next day; N years end on the day before the corresponding
day, or, when that month has no such day (a period counted from Feb 29), on
the month's last day. `completes_on` is that last day: the claim is
extinguished at its end, so `completed(d)` is true from the next day.
Whether a last day on a holiday rolls over (民法142条) is `Rule.roll_over_holidays`,
off by default: the law's "custom of not trading that day" is unclear for
prescription, and an unrolled date warns a day early rather than a day late.

Regimes:
- tax (地方税法18条) and other public claims (地方自治法236条; 国保法110条 etc.
  for the 2-year premiums): `years` from the day after the (statutory) due date,
  extinguished without invocation;
- private claims arising on or after 2020-04-01 (民法166条): `years` (5) from
  the day after the creditor knew it could claim (by default: the due date), or
  `objective_years` (10) from the day after it became exercisable, whichever
  completes first; the debtor must invoke (援用, 民法145条);
- private claims arising before 2020-04-01, including instalments of a contract
  made before (改正法附則10条4項): the old law's `old_law_years` (hospital fees 3,
  rents 5, loans 10) from the day after the due date; invocation needed.
Private claims always need invocation (民法145条); public ones only if the rule says so.

Events:
- the first 督促 renews a public claim (自治法236条4項, 地方税法18条の2); later ones
  do not renew (they are 催告, below). For tax the new period runs only after the demand's window: "10日を
  経過した日" (18条の2第1項2号; issued 4/7 → 4/17 → counted from 4/18), the
  window being `Rule.tax_demand_wait_days`. For a private claim a 督促 is only a
  催告 (民法150条);
- acknowledgement (承認, 民法152条), a partial payment and a signed payment pledge
  (分納誓約) are acknowledgements and renew;
- a seizure suspends from its start until the procedure ends, then renews
  (民法148条); an ongoing one leaves no completion date;
- a final judgment renews on the day it became final, with a period of 10 years
  or the claim's own if longer (民法169条; `Rule.judgment_years`);
- a 催告 suspends a claim for 6 months, once: a second 催告 during the
  suspension does nothing (民法150条). For a private claim that is the civil code
  itself; for a public one it is the civil code applied by 地方税法18条3項 (tax) and
  地方自治法236条3項 (other public claims), which leave to it whatever they do not
  rule themselves; a second or later 督促 is then a 催告 too (only the first renews).
  `Rule.public_reminder_suspends` (default on) turns that off for a city that reads
  its law otherwise;
- court proceedings suspend while pending and, if they end without a judgment,
  for 6 more months (民法147条1項);
- a deferment (徴収猶予, 換価の猶予) stops the clock (地方税法18条の2第4項): the
  completion moves by the days of the deferment that fall before it;
- a 履行延期の特約 (地方自治法施行令171条の6) is an acknowledgement and moves the
  due date: a new period runs from the day after the later of the agreement
  and the new due date (民法152条, 166条1項; `Deferral`);
- 滞納処分の執行停止 does not stop prescription; it is only noted (and said in
  the basis while it lasts, so nobody waits on it);
- for a private claim, an acknowledgement after completion forfeits the right
  to invoke (最判昭41.4.20) and a new period runs from it; after an invocation
  nothing revives the claim. `Rule.forfeit_by_acknowledgement` turns that off.

A renewal restarts the count, so it never leaves less time than there was: the
completion after a renewal is never earlier than before it (the day-adding of
deferments could otherwise lose a day around Feb 29).

Dates of effect are those passed in: the 督促's issue date (a demand takes
effect on delivery, a few days later, so this errs early, the safe side).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import ClassVar

from saiken.core.calendar import roll_forward
from saiken.core.era import wareki

CIVIL_CODE_REFORM = date(2020, 4, 1)  # 民法改正（債権法）の施行日
REMINDER_MONTHS = 6  # 民法150条1項
COURT_AFTER_MONTHS = 6  # 民法147条1項括弧書
ONE_DAY = timedelta(days=1)


class Start(StrEnum):
    DAY_AFTER_DUE = "day_after_due"
    DAY_AFTER_STATUTORY_DUE = "day_after_statutory_due"
    KNOWN = "known"


class Regime(StrEnum):
    TAX = "tax"
    PUBLIC = "public"
    PRIVATE_NEW = "private_new"
    PRIVATE_OLD = "private_old"


REGIME_LABELS = {
    Regime.TAX: "地方税",
    Regime.PUBLIC: "公債権",
    Regime.PRIVATE_NEW: "私債権（改正民法）",
    Regime.PRIVATE_OLD: "私債権（旧民法）",
}


@dataclass(frozen=True)
class Rule:
    years: int
    start: str = Start.DAY_AFTER_DUE
    objective_years: int = 10  # private, new law: from when the claim became exercisable
    old_law_years: int = 10  # private claims arising before 2020-04-01 (旧民法167条 unless shorter)
    needs_invocation: bool = False
    public: bool = True
    tax: bool = False
    # 地方税法18条の2第1項2号: after a 督促 a tax claim runs again only once this many
    # days, counted from the issue day, have passed; 0 = from the day after issue.
    tax_demand_wait_days: int = 10
    judgment_years: int = 10  # 民法169条
    roll_over_holidays: bool = False  # 民法142条 (see the module docstring)
    forfeit_by_acknowledgement: bool = True  # private: acknowledging after completion
    # 民法150条 for public claims too, through 地方税法18条3項 and 地方自治法236条3項:
    # a 催告 (and a 督促 after the first) suspends completion for 6 months, once.
    public_reminder_suspends: bool = True

    def __post_init__(self):
        Start(self.start)  # raises on an unknown start
        if min(self.years, self.objective_years, self.old_law_years, self.judgment_years) < 1:
            raise ValueError("prescription periods must be at least one year")
        if self.tax_demand_wait_days < 0:
            raise ValueError("tax_demand_wait_days must not be negative")


# ---- events ----


@dataclass(frozen=True)
class FirstDemand:
    """督促 (the statutory demand); only the first one counts.

    `on` is the day it took effect — the day it reached the debtor (民法97条1項;
    see saiken.core.delivery). `sent` is the day the notice was sent (発した日),
    from which a tax's wait is counted (地方税法18条の2第1項2号); None = `on`.
    """

    on: date
    sent: date | None = None
    label: ClassVar[str] = "督促"


@dataclass(frozen=True)
class Acknowledgement:
    """債務の承認."""

    on: date
    label: ClassVar[str] = "債務の承認"


@dataclass(frozen=True)
class PartialPayment:
    """一部納付: paying part acknowledges the whole."""

    on: date
    label: ClassVar[str] = "一部納付"


@dataclass(frozen=True)
class Pledge:
    """分納誓約: a signed promise to pay in instalments."""

    on: date
    label: ClassVar[str] = "分納誓約"


@dataclass(frozen=True)
class Seizure:
    """差押 (滞納処分 or 強制執行); `ended_on` None while the procedure goes on."""

    on: date
    ended_on: date | None = None
    label: ClassVar[str] = "差押"


@dataclass(frozen=True)
class Judgment:
    """判決の確定: `on` is the day the judgment became final."""

    on: date
    label: ClassVar[str] = "判決確定"


@dataclass(frozen=True)
class Reminder:
    """催告."""

    on: date
    label: ClassVar[str] = "催告"


@dataclass(frozen=True)
class CourtProceeding:
    """裁判上の請求・支払督促・破産手続参加など, pending until `ended_on`."""

    on: date
    ended_on: date | None = None
    label: ClassVar[str] = "裁判上の請求等"


@dataclass(frozen=True)
class Deferment:
    """徴収猶予・換価の猶予 from `start` through `end`, both inclusive."""

    start: date
    end: date
    label: ClassVar[str] = "徴収猶予等"

    @property
    def on(self) -> date:
        return self.start


@dataclass(frozen=True)
class ExecutionStop:
    """滞納処分の執行停止: prescription keeps running; kept to say so."""

    start: date
    end: date | None = None
    label: ClassVar[str] = "滞納処分の執行停止"

    @property
    def on(self) -> date:
        return self.start


@dataclass(frozen=True)
class Deferral:
    """履行延期の特約 (地方自治法施行令171条の6) that took effect on `on`, moving the
    instalment's due date to `new_due`.

    The debtor's agreement to the schedule acknowledges the debt (民法152条1項), and
    the claim cannot be exercised before its new due date, so the period runs again,
    with its own length, from the day after the later of the two (民法166条1項; for
    public claims through 地方自治法236条 and 地方税法18条3項 (verify)). Where the
    instalment was split over several payments, which new due date to pass is the
    caller's choice (saiken.prescription.projection)."""

    on: date
    new_due: date
    label: ClassVar[str] = "履行延期の特約"


@dataclass(frozen=True)
class Invocation:
    """時効の援用 by the debtor of a private claim."""

    on: date
    label: ClassVar[str] = "時効の援用"


Event = (
    FirstDemand | Acknowledgement | PartialPayment | Pledge | Seizure | Judgment | Reminder
    | CourtProceeding | Deferment | ExecutionStop | Deferral | Invocation
)
ACKNOWLEDGEMENTS = (Acknowledgement, PartialPayment, Pledge, Deferral)


@dataclass(frozen=True)
class Prescription:
    runs_from: date  # the first counted day of the current period
    completes_on: date | None  # its last day; None while a seizure or court proceeding goes on
    regime: Regime
    needs_invocation: bool
    basis: str  # short Japanese explanation
    years: int = 0  # the current period's length
    renewed_by: tuple[Event, ...] = ()
    suspended_by: tuple[Event, ...] = ()
    notes: tuple[str, ...] = ()  # events that had no effect, and why
    invoked_on: date | None = None

    def completed(self, as_of: date) -> bool:
        """True once the last day has passed."""
        return self.completes_on is not None and as_of > self.completes_on


# ---- date arithmetic ----


def period_end(first_day: date, *, years: int = 0, months: int = 0) -> date:
    """The last day of a period of years/months whose first counted day is `first_day` (民法143条).

    2020-06-01 + 5 years → 2025-05-31; 2024-02-29 + 5 years → 2029-02-28 (no Feb 29:
    the month's last day); 2023-03-01 + 5 years → 2028-02-29.
    """
    m = first_day.month - 1 + months
    y, m = first_day.year + years + m // 12, m % 12 + 1
    last = calendar.monthrange(y, m)[1]
    if first_day.day > last:
        return date(y, m, last)
    return date(y, m, first_day.day) - ONE_DAY


def _merge(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(p for p in periods if p[0] <= p[1]):
        if out and s <= out[-1][1] + ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _overlap(a: date, b: date, s: date, e: date) -> int:
    lo, hi = max(a, s), min(b, e)
    return (hi - lo).days + 1 if lo <= hi else 0


def extended_end(first_day: date, years: int, stops: list[tuple[date, date]]) -> tuple[date, int]:
    """The period's last day with the clock stopped on the `stops` days that fall
    inside it (each added day can bring more of a stop inside), and the days added."""
    base = period_end(first_day, years=years)
    end, added = base, 0
    while True:
        days = sum(_overlap(s, e, first_day, end) for s, e in stops)
        if days == added:
            return end, added
        added, end = days, base + timedelta(days=days)


# ---- the projection ----


@dataclass
class _Clock:
    start: date
    years: int
    cause: str


@dataclass
class _State:
    rule: Rule
    regime: Regime
    needs_invocation: bool
    clocks: list[_Clock]
    stops: list[tuple[date, date]]
    floor: date | None = None  # completion cannot come before the end of this day
    floor_cause: str = ""
    open: list = field(default_factory=list)  # procedures going on (no completion while any)
    reminder_until: date | None = None
    demanded: bool = False
    invoked_on: date | None = None
    renewed_by: list = field(default_factory=list)
    suspended_by: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def private(self) -> bool:
        return self.regime in (Regime.PRIVATE_NEW, Regime.PRIVATE_OLD)

    def binding(self) -> tuple[_Clock, date, int]:
        """The clock that completes first, its last day and the deferment days added."""
        best = None
        for c in self.clocks:
            end, added = extended_end(c.start, c.years, self.stops)
            if best is None or end < best[1]:
                best = (c, end, added)
        return best

    def completion(self) -> date | None:
        if self.open:
            return None
        _, end, _ = self.binding()
        if self.floor is not None and self.floor > end:
            end = self.floor
        return roll_forward(end) if self.rule.roll_over_holidays else end

    def completed_before(self, d: date) -> bool:
        c = self.completion()
        return c is not None and d > c

    def no_effect(self, event, why: str) -> None:
        self.notes.append(f"{event.label}（{wareki(event.on)}）: {why}")

    def raise_floor(self, until: date, cause: str) -> None:
        if self.floor is None or until > self.floor:
            self.floor, self.floor_cause = until, cause

    def renew(self, event, first_day: date, cause: str, *, judgment: bool = False) -> None:
        """A new period from `first_day`; after completion only a private claim's
        acknowledgement does that (forfeiting invocation), and never after invocation."""
        forfeit = False
        if self.completed_before(event.on):
            if self.invoked_on is not None:
                return self.no_effect(event, "時効の援用後のため効力なし")
            if not (self.private and self.rule.forfeit_by_acknowledgement and isinstance(event, ACKNOWLEDGEMENTS)):
                return self.no_effect(event, "時効の完成後のため効力なし")
            forfeit = True
        if first_day <= min(c.start for c in self.clocks):
            return  # the period has not begun (e.g. paid on the due date): nothing to renew
        before = self.completion()
        if before is not None and not forfeit:
            self.raise_floor(before, "")
        if forfeit:
            cause = f"時効完成後の{event.label}（{wareki(event.on)}）により援用権を喪失し、新たに進行"
        if judgment:
            years = max(self.rule.judgment_years, *(c.years for c in self.clocks))
            start = max(first_day, min(c.start for c in self.clocks))
            self.clocks = [_Clock(start, years, cause)]
        else:
            self.clocks = [_Clock(max(c.start, first_day), c.years, cause) for c in self.clocks]
        self.renewed_by.append(event)

    def suspend(self, event, until: date, cause: str) -> bool:
        if self.completed_before(event.on):
            self.no_effect(event, "時効の完成後のため効力なし")
            return False
        self.raise_floor(until, cause)
        self.suspended_by.append(event)
        return True


def _initial(rule: Rule, regime: Regime, due: date, known: date) -> list[_Clock]:
    after_due = due + ONE_DAY
    if regime is Regime.PRIVATE_OLD:
        return [_Clock(after_due, rule.old_law_years, f"旧民法: 弁済期（{wareki(due)}）の翌日から{rule.old_law_years}年")]
    if regime is Regime.PRIVATE_NEW:
        if rule.start == Start.KNOWN:
            subjective = _Clock(known + ONE_DAY, rule.years, f"権利を行使できることを知った時（{wareki(known)}）から{rule.years}年")
        else:
            subjective = _Clock(after_due, rule.years, f"弁済期（{wareki(due)}）の翌日から{rule.years}年")
        objective = _Clock(after_due, rule.objective_years, f"弁済期（{wareki(due)}）の翌日から{rule.objective_years}年（客観的起算点）")
        return [subjective, objective]
    if rule.start == Start.KNOWN:
        return [_Clock(known + ONE_DAY, rule.years, f"権利を行使できることを知った時（{wareki(known)}）から{rule.years}年")]
    name = "法定納期限" if rule.start == Start.DAY_AFTER_STATUTORY_DUE else "納期限"
    return [_Clock(after_due, rule.years, f"{name}（{wareki(due)}）の翌日から{rule.years}年")]


def regime_of(rule: Rule, arose: date) -> Regime:
    if rule.tax:
        return Regime.TAX
    if rule.public:
        return Regime.PUBLIC
    return Regime.PRIVATE_OLD if arose < CIVIL_CODE_REFORM else Regime.PRIVATE_NEW


# Same-day order: a procedure that starts and ends on one day must start first.
_EVENT, _END = 0, 1


def project(
    rule: Rule,
    *,
    due: date,
    arose: date,
    known: date | None,
    events: Iterable[Event] = (),
    as_of: date | None = None,
) -> Prescription:
    """The prescription of one instalment due on `due` (the statutory, rolled due date).

    `arose`: when the claim arose (contract or assessment), which picks the old or
    new civil law for a private claim. `known`: when the city knew it could claim
    (民法166条1項1号), by default the due date. Events after `as_of` are ignored,
    and a procedure ending after it counts as still going on; a deferment begun by
    then counts whole, as it was granted to its end.
    """
    regime = regime_of(rule, arose)
    needs_invocation = rule.needs_invocation or regime in (Regime.PRIVATE_NEW, Regime.PRIVATE_OLD)
    known = known or due
    events = [e for e in events if as_of is None or e.on <= as_of]
    state = _State(
        rule,
        regime,
        needs_invocation,
        _initial(rule, regime, due, known),
        _merge((e.start, e.end) for e in events if isinstance(e, Deferment)),
    )

    steps: list[tuple[date, int, int, object, bool]] = []
    for n, e in enumerate(events):
        if isinstance(e, Deferment):
            continue
        if isinstance(e, ExecutionStop):
            until = f"〜{wareki(e.end)}" if e.end else "〜"
            state.notes.append(f"{e.label}（{wareki(e.start)}{until}）: 執行停止中も時効は進行する")
            continue
        steps.append((e.on, _EVENT, n, e, False))
        ended = getattr(e, "ended_on", None)
        if ended is not None and (as_of is None or ended <= as_of):
            if ended < e.on:
                raise ValueError(f"{e.label}: the end {ended} is before the start {e.on}")
            steps.append((ended, _END, n, e, True))
    steps.sort(key=lambda s: s[:3])

    effective: set[int] = set()
    for _, _, n, e, is_end in steps:
        if is_end:
            if n in effective:
                _end_procedure(state, e)
        elif _apply(state, rule, e):
            effective.add(n)

    clock, end, added = state.binding()
    completes_on = state.completion()
    basis = clock.cause
    if state.open:
        p = state.open[0]
        basis += f"、{p.label}（{wareki(p.on)}）の手続中のため完成猶予"
    elif state.floor is not None and completes_on is not None and state.floor >= end and state.floor_cause:
        basis += f"、{state.floor_cause}"
    elif added:
        basis += f"、猶予期間{added}日を加算"
    if state.invoked_on is not None:
        basis += f"、時効の援用（{wareki(state.invoked_on)}）"
    if any(isinstance(e, ExecutionStop) and (e.end is None or (as_of is not None and e.end >= as_of)) for e in events):
        basis += "（執行停止中も時効は進行）"
    return Prescription(
        runs_from=clock.start,
        completes_on=completes_on,
        regime=regime,
        needs_invocation=needs_invocation,
        basis=basis,
        years=clock.years,
        renewed_by=tuple(state.renewed_by),
        suspended_by=tuple(state.suspended_by),
        notes=tuple(state.notes),
        invoked_on=state.invoked_on,
    )


def _apply(state: _State, rule: Rule, e) -> bool:
    """Apply one event at its date; True when a procedure started (its end then counts)."""
    on = e.on
    if isinstance(e, FirstDemand):
        if state.demanded:
            if state.private or rule.public_reminder_suspends:
                # Only the first 督促 renews; a later one still asks for payment: a 催告.
                return _remind(state, e, "2回目以降の督促（催告として）")
            state.no_effect(e, "2回目以降の督促には更新の効力なし")
            return False
        state.demanded = True
        if state.private:
            # For a private claim a 督促 is a 催告 (民法150条).
            return _remind(state, e, "督促（催告として）")
        wait = rule.tax_demand_wait_days if state.regime is Regime.TAX else 0
        # Renewed when it takes effect; a tax's new period starts after the wait
        # counted from the day it was sent, but never before it took effect.
        sent = min(e.sent or on, on)
        state.renew(e, max(sent + timedelta(days=wait), on) + ONE_DAY, f"督促（{wareki(on)}）により更新")
    elif isinstance(e, Deferral):
        first = max(on, e.new_due) + ONE_DAY
        state.renew(e, first, f"履行延期の特約（{wareki(on)}）により履行期限{wareki(e.new_due)}の翌日から進行")
    elif isinstance(e, ACKNOWLEDGEMENTS):
        state.renew(e, on + ONE_DAY, f"{e.label}（{wareki(on)}）により更新")
    elif isinstance(e, Judgment):
        years = max(rule.judgment_years, *(c.years for c in state.clocks))
        state.renew(e, on + ONE_DAY, f"判決確定（{wareki(on)}）により更新（{years}年）", judgment=True)
    elif isinstance(e, Reminder):
        if not state.private and not rule.public_reminder_suspends:
            state.no_effect(e, "公債権の時効には影響しない（設定により催告の完成猶予を適用しない）")
            return False
        return _remind(state, e, e.label)
    elif isinstance(e, (Seizure, CourtProceeding)):
        if state.completed_before(on):
            state.no_effect(e, "時効の完成後のため効力なし")
            return False
        state.open.append(e)
        state.suspended_by.append(e)
        return True
    elif isinstance(e, Invocation):
        if not state.needs_invocation:
            state.no_effect(e, "援用を要しない債権")
        elif state.invoked_on is not None:
            state.no_effect(e, "既に援用済み")
        elif not state.completed_before(on):
            state.no_effect(e, "時効の完成前のため効力なし")
        else:
            state.invoked_on = on
    else:
        raise TypeError(f"unknown prescription event {e!r}")
    return False


def _remind(state: _State, e, label: str) -> bool:
    if state.reminder_until is not None and e.on <= state.reminder_until:
        state.notes.append(f"{label}（{wareki(e.on)}）: 催告による完成猶予中の再度の催告のため効力なし（民法150条2項）")
        return False
    until = period_end(e.on + ONE_DAY, months=REMINDER_MONTHS)
    if state.suspend(e, until, f"{label}（{wareki(e.on)}）により{wareki(until)}まで完成猶予"):
        state.reminder_until = until
    return False


def _end_procedure(state: _State, e) -> None:
    state.open.remove(e)
    ended = e.ended_on
    if isinstance(e, Seizure):
        # Suspended through the end, then a new period (民法148条2項).
        state.raise_floor(ended, "")
        state.renew(e, ended + ONE_DAY, f"差押の手続終了（{wareki(ended)}）により更新")
    else:
        until = period_end(ended + ONE_DAY, months=COURT_AFTER_MONTHS)
        state.raise_floor(until, f"{e.label}の終了（{wareki(ended)}）から6か月（{wareki(until)}まで）完成猶予")

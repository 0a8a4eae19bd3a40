"""Is a claim still collectable on a day? (取立て・処分ができる債権か)

One decision, from the claim's prescription (`saiken.core.prescription`), the
relief that extinguished it, and what is still owed. Every act that asks for
payment or takes property (督促, 催告, 分納誓約, 納付約束, 差押 and other
dispositions, court steps, 口座振替の依頼) asks it first.

- EXTINGUISHED: the claim no longer exists, and nothing may be demanded or
  seized for it:
  - a public claim past its completion: it is extinguished without invocation
    and the city cannot renounce the benefit (地方税法18条1項・2項 for taxes,
    地方自治法236条1項・2項 for the other public claims — 国保料 and the other
    2-year premiums take their period from their own law and this effect from
    236条2項), from the day after the period's last day;
  - a private claim whose prescription the debtor invoked (民法145条), from the
    day of invocation;
  - relief: 滞納処分の執行停止 continued for 3 years (地方税法15条の7第4項) or with
    immediate extinction (同条5項), 免除 (地方自治法施行令171条の7), 債権放棄
    (the city's 債権管理条例), each from the day it took effect.
- PRESCRIBED_NOT_INVOKED: a claim that needs invocation (private claims, 民法145条)
  past completion: it still exists, so the act may go on, but the clerk is warned
  that the debtor may invoke prescription at any time.
- COLLECTABLE: anything else, including an instalment with nothing left to pay
  (the acts refuse those for their own reason).

When two causes apply, the earliest day of extinction is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from saiken.core.era import wareki
from saiken.core.prescription import Prescription, Regime, Rule, period_end

ONE_DAY = timedelta(days=1)


class Status(StrEnum):
    COLLECTABLE = "collectable"
    EXTINGUISHED = "extinguished"
    PRESCRIBED_NOT_INVOKED = "prescribed_not_invoked"


class Reason(StrEnum):
    """Why a claim is extinguished; the codes are the write-off reasons (不納欠損の理由)."""

    PRESCRIPTION = "prescription"
    INVOKED = "invoked"
    STOP_THREE_YEARS = "stop_three_years"
    STOP_IMMEDIATE = "stop_immediate"
    EXEMPTION = "exemption"
    WAIVER = "waiver"


REASON_LABELS: dict[Reason, str] = {
    Reason.PRESCRIPTION: "時効の完成",
    Reason.INVOKED: "時効の援用（民法145条）",
    Reason.STOP_THREE_YEARS: "滞納処分の執行停止の3年継続（地方税法15条の7第4項）",
    Reason.STOP_IMMEDIATE: "滞納処分の執行停止による即時消滅（地方税法15条の7第5項）",
    Reason.EXEMPTION: "免除（地方自治法施行令171条の7）",
    Reason.WAIVER: "債権放棄（債権管理条例）",
}

# Order among causes that extinguish on the same day (the first is reported).
_ORDER = {r: n for n, r in enumerate(Reason)}


@dataclass(frozen=True)
class Collectability:
    status: Status
    reason: Reason | None = None
    extinguished_on: date | None = None  # the first day the claim no longer exists
    completes_on: date | None = None  # prescription's last day, once it has passed
    regime: Regime | None = None

    @property
    def collectable(self) -> bool:
        """May an act ask for payment or take property? (A warning may still apply.)"""
        return self.status is not Status.EXTINGUISHED

    @property
    def extinguished(self) -> bool:
        return self.status is Status.EXTINGUISHED

    @property
    def warns(self) -> bool:
        return self.status is Status.PRESCRIBED_NOT_INVOKED

    @property
    def by_prescription(self) -> bool:
        return self.reason in (Reason.PRESCRIPTION, Reason.INVOKED)

    def badge(self) -> str:
        """The word a narrow status column shows (the date and reason go beside it)."""
        if self.status is Status.COLLECTABLE:
            return ""
        if self.status is Status.PRESCRIBED_NOT_INVOKED:
            return "時効期間満了"
        return "時効完成" if self.by_prescription else "消滅"

    def label(self) -> str:
        """What a list shows instead of 未納: 時効完成（令和8年11月15日）."""
        if self.status is Status.COLLECTABLE:
            return ""
        if self.status is Status.PRESCRIBED_NOT_INVOKED:
            return f"時効完成（{wareki(self.completes_on)}、援用なし）"
        if self.reason is Reason.PRESCRIPTION:
            return f"時効完成（{wareki(self.completes_on)}）"
        if self.reason is Reason.INVOKED:
            return f"時効完成・援用済（{wareki(self.extinguished_on)}援用）"
        return f"消滅（{REASON_LABELS[self.reason]}、{wareki(self.extinguished_on)}）"

    def explanation(self) -> str:
        """Why the claim is extinguished (or may be), with the statute."""
        if self.status is Status.COLLECTABLE:
            return ""
        if self.status is Status.PRESCRIBED_NOT_INVOKED:
            return (f"時効期間が{wareki(self.completes_on)}に満了しています。債務者が時効を援用すれば債権は消滅します"
                    "（民法145条）")
        if self.reason is Reason.PRESCRIPTION:
            law = "地方税法18条1項・2項" if self.regime is Regime.TAX else "地方自治法236条1項・2項"
            return f"{wareki(self.completes_on)}に時効が完成し、援用を要せず消滅しています（{law}）"
        if self.reason is Reason.INVOKED:
            return f"{wareki(self.extinguished_on)}に債務者が時効を援用し、消滅しています（民法145条）"
        return f"{REASON_LABELS[self.reason]}により{wareki(self.extinguished_on)}に消滅しています"

    def refusal(self, what: str, act: str) -> str:
        """The message an act refused for this claim shows: '… のため、差押はできません。'"""
        return f"{what} は{self.explanation()}。消滅した債権に{act}はできません。"

    def warning(self, what: str, act: str) -> str:
        return f"{what}: {self.explanation()}（{act}は行えます）。"


COLLECTABLE = Collectability(Status.COLLECTABLE)


def decide(
    prescription: Prescription | None,
    as_of: date,
    *,
    balance: int,
    relief: Iterable[tuple[str, date]] = (),
) -> Collectability:
    """Collectability on `as_of` of one claim.

    `prescription`: its projection as of `as_of` (None when it cannot have
    completed yet, see `earliest_completion`). `balance`: yen still owed.
    `relief`: (reason, first day extinguished) of the approved relief decisions
    that extinguish it (reasons as in `Reason`); those after `as_of` are ignored.
    """
    if balance <= 0:
        return COLLECTABLE
    causes: list[tuple[date, int, Reason]] = []
    for code, on in relief:
        if on <= as_of:
            r = Reason(code)
            causes.append((on, _ORDER[r], r))
    completed = prescription is not None and prescription.completed(as_of)
    if completed:
        if not prescription.needs_invocation:
            causes.append((prescription.completes_on + ONE_DAY, _ORDER[Reason.PRESCRIPTION], Reason.PRESCRIPTION))
        elif prescription.invoked_on is not None and prescription.invoked_on <= as_of:
            causes.append((prescription.invoked_on, _ORDER[Reason.INVOKED], Reason.INVOKED))
    regime = prescription.regime if prescription is not None else None
    completes_on = prescription.completes_on if completed else None
    if causes:
        on, _, reason = min(causes)
        return Collectability(Status.EXTINGUISHED, reason, on, completes_on, regime)
    if completed:
        return Collectability(Status.PRESCRIBED_NOT_INVOKED, None, None, completes_on, regime)
    return COLLECTABLE


def earliest_completion(rule: Rule, due: date) -> date:
    """The earliest last day the prescription of an instalment due on `due` can have,
    whatever happens to it: the shortest of its periods (public `years`; private new
    law `years` and `objective_years`; old law `old_law_years`) counted from the day
    after the due date (民法140条・143条).

    Nothing moves a completion earlier than that: every period starts on or after
    the day after the due date (the city cannot know it can claim before the claim is
    due), renewals restart the count and never shorten it, suspensions and deferments
    only add time, and a judgment gives at least the claim's own period. So an
    instalment with `as_of <= earliest_completion(...)` cannot be prescribed on
    `as_of`, and needs no projection.
    """
    return period_end(due + ONE_DAY, years=min(rule.years, rule.objective_years, rule.old_law_years))

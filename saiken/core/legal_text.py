"""The sentences of the law a notice prints (督促の根拠, 延滞金の根拠, 滞納処分・法的措置の予告).

The articles themselves are data of each receivable (`catalog.ReceivableType`:
demand_basis, late_charge_basis, seizure_basis, enforcement_basis), because they
differ between receivables and cities name their own ordinances. This module only
turns them into whole sentences, one rule per legal class:

- 強制徴収公債権: 督促 (地方税法329条等 / 地方自治法231条の3第1項 / 都市計画法75条3項…),
  and after the 指定期限 a seizure "as in local-tax delinquency procedure"
  (地方税法331条等 / 地方自治法231条の3第3項 with the receivable's own act).
- 非強制徴収公債権: 督促 under 地方自治法231条の3第1項; no seizure: after the 督促 the
  city goes to court (支払督促, 訴訟) and to 強制執行 (地方自治法施行令171条の2).
- 私債権: the mayor's 督促 under 地方自治法施行令171条 is, in civil law, a request for
  payment (催告, 民法150条), so the notice asks for payment rather than "demands";
  then the same court steps (施行令171条の2). 遅延損害金 under 民法419条 or the contract.

No sentence is ever printed with an empty slot: a blank article gives a sentence that
names no article (or, for the late charge, no paragraph), and `gaps` finds any text
that still reads like a template with a hole in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

FORCIBLE = "forcible"
NON_FORCIBLE = "non_forcible"
PRIVATE = "private"

DELAY_DAMAGES = frozenset({"statutory_interest", "contract"})  # 遅延損害金 (private law)
NO_LATE_CHARGE = "none"


@dataclass(frozen=True)
class LegalTexts:
    """One receivable's legal settings, as its notices need them."""

    receivable_name: str
    legal_class: str  # forcible / non_forcible / private
    demand_basis: str = ""
    late_charge_kind: str = NO_LATE_CHARGE
    late_charge_basis: str = ""
    late_charge_from_designated_deadline: bool = False
    seizure_basis: str = ""
    enforcement_basis: str = ""
    # What the notice calls a private claim's charge when its own law names it (違約金 of
    # 母子及び父子並びに寡婦福祉法施行令17条); blank: 遅延損害金.
    late_charge_term: str = ""
    rate_set_by_basis: bool = False  # the rate is the basis's own (a table over time), not the contract's

    @property
    def demand_sentence(self) -> str:
        """The statutory sentence that opens a 督促状."""
        head = f"あなたの下記の{self.receivable_name}は、納期限までに納付されていません。"
        basis = self.demand_basis.strip()
        if self.legal_class == PRIVATE:
            # 地方自治法施行令171条: the mayor "demands" with a deadline; in civil law it is a 催告.
            by = f"{basis}の規定により、" if basis else ""
            return f"{head}{by}期限を指定して納付を請求しますので、指定期限までに納付してください。"
        if basis:
            return f"{head}{basis}の規定により督促しますので、指定期限までに納付してください。"
        return f"{head}指定期限までに納付するよう督促します。"

    @property
    def late_charge_heading(self) -> str:
        if self.late_charge_kind == NO_LATE_CHARGE:
            return ""
        return f"{self.delay_damages_term}について" if self.late_charge_kind in DELAY_DAMAGES else "延滞金について"

    @property
    def delay_damages_term(self) -> str:
        return self.late_charge_term.strip() or "遅延損害金"

    @property
    def late_charge_sentence(self) -> str:
        """What the debtor owes for paying late; "" when the receivable charges nothing."""
        kind = self.late_charge_kind
        if kind == NO_LATE_CHARGE:
            return ""
        basis = self.late_charge_basis.strip()
        if kind in DELAY_DAMAGES:
            # 民法419条1項: the statutory rate, or the agreed rate where it is higher.
            if kind == "contract" and self.rate_set_by_basis and basis:
                rate = "同条に定める割合"
            else:
                rate = "契約に定める利率" if kind == "contract" else "法定利率"
            by = f"{basis}の定めにより、" if basis else ""
            return f"納期限の翌日から納付の日まで、{by}{rate}による{self.delay_damages_term}を請求することがあります。"
        start = "指定期限の翌日" if self.late_charge_from_designated_deadline else "納期限の翌日"
        by = f"{basis}の定めるところにより" if basis else ""
        return f"{start}から納付の日までの日数に応じ、{by}延滞金を加算して納付していただきます。"

    @property
    def warning(self) -> str:
        """What follows if the 指定期限 passes: 滞納処分 (forcible) or the court (the others)."""
        return self._warning("指定期限までに完納されない場合は、")

    @property
    def collection_basis(self) -> str:
        """The article of what follows the demand: 滞納処分 (forcible) or 法的措置 (the others)."""
        return (self.seizure_basis if self.legal_class == FORCIBLE else self.enforcement_basis).strip()

    def _warning(self, lead: str) -> str:
        return warning_sentence(lead, self.legal_class, [self.collection_basis])


REMINDER_LEAD = "期限までに納付がない場合は、"


def warning_sentence(lead: str, legal_class: str, bases) -> str:
    """滞納処分 for forcible claims (地方税法331条 / 地方自治法231条の3第3項 and the receivable's
    own act), the court for the others (地方自治法施行令171条の2); `bases` are the articles of
    the claims concerned (several on a 催告書 for several receivables), blanks dropped."""
    named = "、".join(dict.fromkeys(b.strip() for b in bases if b and b.strip()))
    if legal_class == FORCIBLE:
        by = f"{named}の規定により、" if named else "法令の規定により、"
        return f"{lead}{by}財産（預貯金・給与等）の差押えなどの滞納処分を行うことがあります。"
    by = f"{named}の規定により、" if named else ""
    return f"{lead}{by}支払督促の申立てや訴えの提起などの法的措置をとり、強制執行を行うことがあります。"


# What a sentence with a hole in it looks like once printed.
_GAPS = (
    (re.compile(r"[。、]\s*の(規定|定め)"), "文頭または句読点の直後の「の規定」"),
    (re.compile(r"^\s*の(規定|定め)"), "文頭の「の規定」"),
    (re.compile(r"[（(]\s*[）)]"), "空の括弧"),
    (re.compile(r"[「『]\s*[」』]"), "空のかぎ括弧"),
    (re.compile(r"　　|  "), "空白の連続"),
    (re.compile(r"[。、]{2}|、。|。、"), "句読点の連続"),
    (re.compile(r"[{}]|None|nan\b"), "差込み記号の残り"),
    (re.compile(r"第\s*条"), "番号のない条"),
)


def gaps(text: str) -> list[str]:
    """The empty slots in a printed sentence (none in a correct one)."""
    return list(_gaps(text))


@lru_cache(maxsize=1024)  # a batch prints the same few sentences on every page
def _gaps(text: str) -> tuple[str, ...]:
    return tuple(label for pattern, label in _GAPS if pattern.search(text))

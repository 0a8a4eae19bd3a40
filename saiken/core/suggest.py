"""Suggested matches (消込候補) for a received payment that no key matched.

A pure scorer: the caller loads the open instalments that could be meant (those whose
notice number the record names, those whose amount equals the record's with a due date
near its payment date, and those of a person whose reading equals the record's name)
and this module scores each and says why, in Japanese. Nothing is guessed from an id
that is "close" to another: a 顧客番号 or a barcode that names no instalment is no
evidence for the instalment with the next number.

The clerk decides; a suggestion never posts by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from saiken.core.era import wareki
from saiken.core.names import search_key

# Points per reason; a suggestion's score is their sum, at most 100.
MATCHED = 60  # the record's own key named it (a record left for the department that owns the debt)
NOTICE = 50  # the record's 通知書番号 is the instalment's (one of several with it)
KANA = 40  # the record's name reads as the debtor's
TOTAL = 30  # the amount is what the instalment still owes, all of it
PRINCIPAL = 25  # … or its 本税・本料 alone (a slip printed without the late charge)
NEAR = 15  # paid within NEAR_DAYS of the due date
CLOSE = 5  # … or within CLOSE_DAYS
NEAR_DAYS = 31
CLOSE_DAYS = 92
LIMIT = 5

# The bank's character set has no small kana (全銀協 レコード・フォーマット: 預金者名 uses
# ｱ–ﾝ, ﾞ, ﾟ and a few signs), so キョウコ arrives as ｷﾖｳｺ: both sides are folded to large kana.
SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def fold_kana(text: str) -> str:
    """A reading as the bank would write it: full-width katakana, no spaces, no small kana."""
    return search_key(text).translate(SMALL_KANA)


@dataclass(frozen=True)
class Record:
    """What a received record tells: its amount, payment date, name (kana) and notice number."""

    amount: int
    paid_on: date
    kana: str = ""
    notice: str = ""
    matched: int | None = None  # the instalment its key named, when it waits for that debt's department


@dataclass(frozen=True)
class Candidate:
    """An instalment that could be meant, as loaded by the caller."""

    instalment_id: int
    debtor_id: int
    due_date: date
    total_due: int
    principal_due: int
    notice_number: str = ""
    debtor_kana: str = ""


@dataclass(frozen=True)
class Suggestion:
    instalment_id: int
    debtor_id: int
    score: int  # 1–100
    reasons: tuple[str, ...]


def kana_matches(record_kana: str, debtor_kana: str) -> bool:
    """Does the record's name read as the debtor's? Equal once folded; a bank name cut at
    its 30 characters (預金者名 is 30 wide) matches a longer reading that starts with it."""
    a, b = fold_kana(record_kana), fold_kana(debtor_kana)
    if not a or not b:
        return False
    return a == b or (len(a) >= 29 and b.startswith(a))


def score(record: Record, c: Candidate) -> Suggestion | None:
    """One candidate's score and reasons; None when nothing speaks for it. The score depends
    on the record and the candidate only (never on which other records were looked at)."""
    points, reasons = 0, []
    if record.matched is not None and c.instalment_id == record.matched:
        points += MATCHED
        reasons.append("照合キーが指す調定（所管課の消込待ち）")
    if record.notice and c.notice_number == record.notice:
        points += NOTICE
        reasons.append(f"通知書番号 {record.notice} が一致")
    if record.kana and kana_matches(record.kana, c.debtor_kana):
        points += KANA
        reasons.append(f"名義（{record.kana}）が債務者のフリガナと一致")
    days = abs((record.paid_on - c.due_date).days)
    # An amount alone speaks only near the due date: many instalments owe the same sum.
    amount_counts = points > 0 or days <= CLOSE_DAYS
    amount_matches = False
    if amount_counts and c.total_due and record.amount == c.total_due:
        points += TOTAL
        amount_matches = True
        reasons.append(f"金額が未納額 {c.total_due:,}円と一致")
    elif amount_counts and c.principal_due and record.amount == c.principal_due:
        points += PRINCIPAL
        amount_matches = True
        reasons.append(f"金額が本税・本料 {c.principal_due:,}円と一致")
    # The date only adds to another reason: many instalments fall due on the same day.
    if points and days <= NEAR_DAYS:
        points += NEAR
        reasons.append(f"納期限（{wareki(c.due_date)}）の前後{NEAR_DAYS}日以内の納付")
    elif amount_matches and days <= CLOSE_DAYS:
        points += CLOSE
        reasons.append(f"納期限（{wareki(c.due_date)}）の前後{CLOSE_DAYS}日以内の納付")
    if not points:
        return None
    return Suggestion(c.instalment_id, c.debtor_id, min(points, 100), tuple(reasons))


def suggest(record: Record, candidates: Iterable[Candidate], *, limit: int = LIMIT) -> list[Suggestion]:
    """The best `limit` suggestions, highest score first (then the earlier due date, then id)."""
    due = {}
    scored = []
    for c in candidates:
        s = score(record, c)
        if s is not None and s.instalment_id not in due:
            due[s.instalment_id] = c.due_date
            scored.append(s)
    scored.sort(key=lambda s: (-s.score, due[s.instalment_id], s.instalment_id))
    return scored[:limit]

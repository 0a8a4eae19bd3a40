"""行政サービス利用制限の照会: the rules of one answer, with no database and no clock.

Tax information leaves the tax department only with the person's consent or a legal
basis (地方税法22条, 秘密漏えいに関する罪): a check is answered only on a consent that
names the applicant, the service, the day it was given and the consent document's
number, given neither after the day of the check nor longer ago than the city accepts
(a city setting, `SAIKEN_SERVICE_CONSENT_VALID_DAYS`; no statute fixes it).

The answer is one word, and says nothing of whether the city knows the applicant:
"refer" (確認が必要: ask the department that collects) only when the identity given —
identifier, name and birth date together — matches a record that has overdue debts;
otherwise "clear" (滞納なし). An identity that matches no record owes the city nothing
that this system knows of: the debtor register holds only those who owe or owed, so a
resident who never owed is in it no more than a stranger. A city that would rather
send every unmatched identity to the collection department sets
`SAIKEN_SERVICE_CHECK_UNMATCHED_ANSWER = "refer"`; either way a caller who knows only
identifiers cannot tell a known identifier from an unknown one.
"""

from __future__ import annotations

from datetime import date

from saiken.core.identity import kana_key, name_key

CLEAR = "clear"
REFER = "refer"


def consent_refusal(*, consented_on: date, today: date, valid_days: int) -> str | None:
    """Why a consent given on `consented_on` cannot support a check made on `today`, or
    None. A consent `valid_days` old is still good; one day older is not."""
    if consented_on > today:
        return f"同意日（{consented_on.isoformat()}）が将来の日付です。同意書の日付を確認してください。"
    if (today - consented_on).days > valid_days:
        return f"同意日（{consented_on.isoformat()}）から{valid_days}日を過ぎた同意では照会できません。改めて同意を得てください。"
    return None


def identity_matches(*, given_name: str, given_birth_date: date, name: str, name_kana: str, birth_date: date | None) -> bool:
    """The applicant as given is the record: the birth date is the same, and the name
    is the same written name (width, spaces and old kanji forms folded: 髙橋 = 高橋) or
    the same reading (フリガナ). Both keys are computed whatever the outcome, so a
    record that is not there (name "", no birth date) costs what one that is does."""
    same_name = name_key(given_name) == name_key(name)
    same_reading = kana_key(given_name) == kana_key(name_kana)
    if birth_date is None or birth_date != given_birth_date or not given_name.strip():
        return False
    return same_name or (bool(name_kana) and same_reading)


def same_applicant(a: tuple[str, str, str, date], b: tuple[str, str, str, date]) -> bool:
    """Two (system, identifier, name, birth date) of consents name the same applicant."""
    return a[0] == b[0] and a[1] == b[1] and a[3] == b[3] and name_key(a[2]) == name_key(b[2])


def answer(*, matched: bool, delinquent: bool, unmatched_answer: str = CLEAR) -> str:
    """The one word the caller gets."""
    if not matched:
        return unmatched_answer
    return REFER if delinquent else CLEAR

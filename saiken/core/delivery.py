"""Delivery (送達) of a demand notice: when did the 督促 reach the debtor?

A notice takes effect when it reaches the debtor (民法97条1項, 到達主義; for the
city's revenue the 送達 of 地方税法20条, which 地方自治法231条の3第4項 applies to
its other public revenue (verify)). Until then it neither renews prescription
nor opens the way to seizure. What the city knows about a notice is a short
history of events, folded here into one answer:

1. an explicit delivery date, when one is recorded (配達証明, a hand-over at the
   counter, a clerk's finding under 民法97条2項 that a refusal counts as receipt);
2. else the day a 公示送達 takes effect (`publication_effective_on`);
3. else, for a notice returned (返戻) and not sent again, no delivery at all;
4. else the day the notice (or its re-send) was sent plus the presumed mail days
   (a city setting, default 0: the notice is taken to arrive on the day it is sent).

Pure: no Django, no clock; dates are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# 地方税法20条の2第3項: "掲示を始めた日から起算して7日を経過したとき" — the posting
# day is day 1, so the 7 days have passed at the start of posting day + 7.
PUBLIC_POSTING_DAYS = 7
# 民法98条3項: "掲示を始めた日から二週間を経過した時" — no 起算 clause, so the posting
# day is not counted (民法140条) and two weeks end at the end of posting day + 14.
PRIVATE_POSTING_WEEKS = 2


def publication_effective_on(posted_on: date, *, public: bool) -> date:
    """The first day on which a 公示送達 counts as delivered.

    - Public claims (taxes, and the other public revenue by 地方自治法231条の3第4項 (verify)
      or the city's ordinance applying 地方税法20条の2):
      地方税法20条の2第3項, 7 days counted from the day posting began
      (posted 4/1 → days 4/1–4/7 → delivered 4/8).
    - Private claims: 民法98条3項, two weeks from the day of the last 官報 publication
      or of the posting that replaces it; the first day is not counted (民法140条), so
      posted 4/1 → 4/2–4/15 → reached at the start of 4/16.
    """
    if public:
        return posted_on + timedelta(days=PUBLIC_POSTING_DAYS)
    return posted_on + timedelta(days=7 * PRIVATE_POSTING_WEEKS + 1)


# ---- events (each with the day it happened) ----


@dataclass(frozen=True)
class Returned:
    """返戻: the notice came back undelivered."""

    on: date
    reason: str = ""  # 宛所不明, 転居先不明, 受取拒否, 保管期間経過, その他 (codes kept by the caller)


@dataclass(frozen=True)
class Resent:
    """再送付: sent again, to a new (or the same, corrected) address."""

    on: date


@dataclass(frozen=True)
class Published:
    """公示送達: posting began on `on`."""

    on: date


@dataclass(frozen=True)
class Delivered:
    """送達の確認: the day the notice is known to have reached the debtor."""

    on: date


Event = Returned | Resent | Published | Delivered


@dataclass(frozen=True)
class Delivery:
    """The state of one notice's delivery.

    `delivered_on` is None when the notice has not reached the debtor (returned and
    neither sent again nor published, or a 公示送達 not yet in effect on `as_of`).
    `sent_on` is the day the notice that reached (or will reach) the debtor was sent —
    the issue day, the re-send's day, or the day posting began (国税通則法基本通達
    14条関係4 by analogy: for a 公示送達 the posting day is the day the document was
    "sent"); the tax rules count their 10 days from it.
    """

    delivered_on: date | None
    sent_on: date
    returned: bool  # returned and not sent again (nor published, nor found delivered)
    how: str  # presumed / confirmed / published / returned

    def effective_by(self, day: date) -> bool:
        return self.delivered_on is not None and self.delivered_on <= day


def delivery(issued_on: date, events: list[Event] | tuple[Event, ...] = (), *, presumed_mail_days: int = 0, public: bool = True) -> Delivery:
    """Fold a notice's delivery events (in the order they happened) into one answer;
    see the module docstring for the order of precedence."""
    if presumed_mail_days < 0:
        raise ValueError("presumed_mail_days must not be negative")
    sent = issued_on
    returned = False
    published: date | None = None
    confirmed: tuple[date, date] | None = None  # (delivered, sent of that attempt)
    for e in events:
        if isinstance(e, Returned):
            returned = True
        elif isinstance(e, Resent):
            sent, returned = e.on, False
        elif isinstance(e, Published):
            sent, returned, published = e.on, False, e.on
        elif isinstance(e, Delivered):
            confirmed = (e.on, sent)
        else:
            raise TypeError(f"unknown delivery event {e!r}")
    if confirmed is not None:
        return Delivery(confirmed[0], min(confirmed[1], confirmed[0]), False, "confirmed")
    if published is not None:
        return Delivery(publication_effective_on(published, public=public), published, False, "published")
    if returned:
        return Delivery(None, sent, True, "returned")
    return Delivery(sent + timedelta(days=presumed_mail_days), sent, False, "presumed")

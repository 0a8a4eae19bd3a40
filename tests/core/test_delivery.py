"""The delivery of a demand notice (saiken.core.delivery) and what counts from it:
the 公示送達's effective day at its boundaries, the order of precedence, the seizure
date (地方税法331条) and the renewal of prescription by the first 督促."""

from datetime import date, timedelta

import pytest

from saiken.core import prescription as law
from saiken.core.deadlines import deadlines, seizure_from
from saiken.core.delivery import Delivered, Published, Resent, Returned, delivery, publication_effective_on

# ---- 公示送達 ----


def test_public_posting_counts_its_first_day_and_takes_effect_when_seven_days_have_passed():
    # 地方税法20条の2第3項: posted 4/1 = day 1, day 7 = 4/7, the seven days have passed on 4/8.
    posted = date(2026, 4, 1)
    effective = publication_effective_on(posted, public=True)
    assert effective == date(2026, 4, 8)
    d = delivery(date(2026, 3, 2), [Returned(date(2026, 3, 10)), Published(posted)])
    assert not d.effective_by(date(2026, 4, 7))  # the 7th day: not yet
    assert d.effective_by(date(2026, 4, 8))


def test_private_posting_does_not_count_its_first_day_and_takes_effect_after_two_weeks():
    # 民法98条3項 with 民法140条: posted 4/1 → 4/2–4/15 → reached at the start of 4/16.
    posted = date(2026, 4, 1)
    assert publication_effective_on(posted, public=False) == date(2026, 4, 16)
    d = delivery(date(2026, 3, 2), [Returned(date(2026, 3, 10)), Published(posted)], public=False)
    assert not d.effective_by(date(2026, 4, 14))  # the 14th day from the posting
    assert not d.effective_by(date(2026, 4, 15))  # two weeks end with this day
    assert d.effective_by(date(2026, 4, 16))


@pytest.mark.parametrize(
    ("posted", "public", "effective"),
    [
        (date(2024, 2, 25), True, date(2024, 3, 3)),  # leap year: 2/29 is a day
        (date(2023, 2, 25), True, date(2023, 3, 4)),
        (date(2026, 12, 28), True, date(2027, 1, 4)),  # no roll-over for 年末年始: a period, not a deadline
        (date(2024, 2, 20), False, date(2024, 3, 6)),
        (date(2026, 12, 31), False, date(2027, 1, 15)),
    ],
)
def test_posting_across_month_and_year_ends(posted, public, effective):
    assert publication_effective_on(posted, public=public) == effective


# ---- the delivery date ----


ISSUED = date(2026, 4, 7)


def test_a_notice_with_no_record_is_delivered_the_day_it_is_sent_or_after_the_mail_days():
    d = delivery(ISSUED)
    assert (d.delivered_on, d.sent_on, d.returned, d.how) == (ISSUED, ISSUED, False, "presumed")
    assert delivery(ISSUED, presumed_mail_days=2).delivered_on == date(2026, 4, 9)
    with pytest.raises(ValueError):
        delivery(ISSUED, presumed_mail_days=-1)


def test_a_returned_notice_is_not_delivered_until_sent_again():
    d = delivery(ISSUED, [Returned(date(2026, 4, 10), "moved")], presumed_mail_days=2)
    assert (d.delivered_on, d.returned, d.how) == (None, True, "returned")
    assert not d.effective_by(date(2030, 1, 1))
    again = delivery(ISSUED, [Returned(date(2026, 4, 10)), Resent(date(2026, 4, 20))], presumed_mail_days=2)
    assert (again.delivered_on, again.sent_on, again.returned) == (date(2026, 4, 22), date(2026, 4, 20), False)
    twice = delivery(ISSUED, [Returned(date(2026, 4, 10)), Resent(date(2026, 4, 20)), Returned(date(2026, 4, 24))])
    assert twice.delivered_on is None and twice.returned


def test_a_recorded_delivery_wins_over_every_presumption():
    d = delivery(ISSUED, [Delivered(date(2026, 4, 9))], presumed_mail_days=5)
    assert (d.delivered_on, d.sent_on, d.how) == (date(2026, 4, 9), ISSUED, "confirmed")
    # handed over at the counter while returned and during a 公示送達
    handed = delivery(ISSUED, [Returned(date(2026, 4, 10)), Published(date(2026, 5, 1)), Delivered(date(2026, 5, 3))])
    assert (handed.delivered_on, handed.sent_on) == (date(2026, 5, 3), date(2026, 5, 1))


def test_a_publication_is_sent_the_day_posting_begins():
    d = delivery(ISSUED, [Returned(date(2026, 4, 10)), Published(date(2026, 5, 1))], presumed_mail_days=2)
    assert (d.delivered_on, d.sent_on, d.how, d.returned) == (date(2026, 5, 8), date(2026, 5, 1), "published", False)


# ---- the seizure date ----


def test_seizure_counts_ten_days_from_the_sending_and_waits_for_the_delivery():
    designated = ISSUED + timedelta(days=10)
    # 地方税法331条: sent 4/7 → 4/17 → seizure from 4/18, delivered the same day or two days later.
    assert seizure_from(sent=ISSUED, delivered=ISSUED, designated_deadline=designated) == date(2026, 4, 18)
    assert seizure_from(sent=ISSUED, delivered=date(2026, 4, 9), designated_deadline=designated) == date(2026, 4, 18)
    # picked up at the post office on day 12: not before the day after
    assert seizure_from(sent=ISSUED, delivered=date(2026, 4, 18), designated_deadline=designated) == date(2026, 4, 19)
    assert seizure_from(sent=ISSUED, delivered=None, designated_deadline=designated) is None
    # a city that counts from the delivery
    assert seizure_from(sent=ISSUED, delivered=date(2026, 4, 9), designated_deadline=designated, counts_from_delivery=True) == date(2026, 4, 20)


def test_seizure_after_a_publication():
    posted = date(2026, 5, 1)  # effective 5/8; 発した日 = 5/1 → 5/11 → from 5/12
    d = delivery(ISSUED, [Returned(date(2026, 4, 10)), Published(posted)])
    assert seizure_from(sent=d.sent_on, delivered=d.delivered_on, designated_deadline=date(2026, 4, 17)) == date(2026, 5, 12)
    assert seizure_from(sent=d.sent_on, delivered=d.delivered_on, designated_deadline=date(2026, 4, 17), counts_from_delivery=True) == date(2026, 5, 19)


def test_the_deadlines_take_the_presumed_delivery():
    d = deadlines(date(2026, 3, 16), demand_issued=ISSUED, demand_delivered=date(2026, 4, 9))
    assert d.seizure_from == date(2026, 4, 18)
    d = deadlines(date(2026, 3, 16), demand_issued=ISSUED, demand_delivered=date(2026, 4, 9), seizure_counts_from_delivery=True)
    assert d.seizure_from == date(2026, 4, 20)


# ---- prescription: the first 督促 renews when it takes effect ----

TAX = law.Rule(years=5, public=True, tax=True)
FEE = law.Rule(years=5, public=True, tax=False)
DUE = date(2026, 3, 16)


def test_a_tax_demand_runs_again_ten_days_after_it_was_sent_but_not_before_it_took_effect():
    sent = date(2026, 4, 7)
    assert law.project(TAX, due=DUE, arose=DUE, known=None, events=[law.FirstDemand(sent)]).runs_from == date(2026, 4, 18)
    assert law.project(TAX, due=DUE, arose=DUE, known=None, events=[law.FirstDemand(date(2026, 4, 9), sent=sent)]).runs_from == date(2026, 4, 18)
    assert law.project(TAX, due=DUE, arose=DUE, known=None, events=[law.FirstDemand(date(2026, 4, 20), sent=sent)]).runs_from == date(2026, 4, 21)


def test_a_fee_demand_renews_from_the_day_after_it_took_effect():
    assert law.project(FEE, due=DUE, arose=DUE, known=None, events=[law.FirstDemand(date(2026, 4, 9), sent=date(2026, 4, 7))]).runs_from == date(2026, 4, 10)

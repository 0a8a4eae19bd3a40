"""Payment plausibility (saiken.core.plausibility): inclusive bounds, checked at each edge."""

from datetime import date

from saiken.core.plausibility import ID_MAX, earliest_payment_day, id_in_range, issuer_error, paid_on_error, stamp_error

TODAY = date(2028, 3, 1)  # a leap year: 30 days back crosses 29 February


def test_ids_from_one_to_two_to_the_63_minus_one():
    assert ID_MAX == 9_223_372_036_854_775_807
    assert [id_in_range(i) for i in (0, 1, 2**63 - 1, 2**63, 10**20 - 1)] == [False, True, True, False, False]


def test_issuer_ours_or_named():
    assert issuer_error("912345", {"912345"}) is None
    assert issuer_error("900001", {"912345", "900001"}) is None
    why = issuer_error("999999", {"912345"})
    assert "999999" in why and "912345" in why


def test_paid_today_is_possible_tomorrow_is_not():
    assert paid_on_error(TODAY, today=TODAY, max_age_days=366) is None
    assert "未来" in paid_on_error(date(2028, 3, 2), today=TODAY, max_age_days=366)


def test_max_age_boundary_day():
    assert earliest_payment_day(TODAY, 30) == date(2028, 1, 31)
    assert paid_on_error(date(2028, 1, 31), today=TODAY, max_age_days=30) is None
    assert "SAIKEN_PAYMENT_MAX_AGE_DAYS" in paid_on_error(date(2028, 1, 30), today=TODAY, max_age_days=30)


def test_not_before_the_slip_was_issued():
    issued = date(2028, 2, 29)
    assert paid_on_error(issued, today=TODAY, max_age_days=366, issued_on=issued, issued_what="調定日") is None
    assert "調定日（2028-02-29）より前" in paid_on_error(date(2028, 2, 28), today=TODAY, max_age_days=366, issued_on=issued, issued_what="調定日")


def test_the_issue_dates():
    # 2099-12-31 fixed 38,300円 of delay damages on a 10,000円 fee; 1900-01-01 waived a late charge.
    today = date(2026, 12, 7)
    assert paid_on_error(date(2099, 12, 31), today=today, max_age_days=366) is not None
    assert paid_on_error(date(1900, 1, 1), today=today, max_age_days=366) is not None


def test_stamp_flag_of_public_money_is_zero():
    assert stamp_error("0", "印紙フラグ") is None
    for flag in ("1", "2", " "):
        assert "市の公金の払込票は印紙不要（0）だけです" in stamp_error(flag, "印紙フラグ")

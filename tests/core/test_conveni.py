"""The 44-digit convenience-store barcode: the FORMATS.md §3 vectors and the boundaries."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.conveni import (
    AmountNotPayableAtStores,
    ConveniBarcode,
    barcode_content,
    check_digit,
    parse_barcode,
)

# FORMATS.md §3, first vector: AI 91, issuer 912345, free field 012345678901234567890,
# reissue 1, deadline 010331, stamp 0, amount 123000 → check digit 3.
VECTOR_43 = "91" + "912345" + "012345678901234567890" + "1" + "010331" + "0" + "123000"
# FORMATS.md §3, second vector: a real agency sample → check digit 9.
AGENCY_43 = "9192902321942000000000003755439999999999999"


def slip(**kw):
    args = dict(issuer="912345", free="1", deadline=date(2026, 12, 7), amount=5_100)
    args.update(kw)
    return barcode_content(**args)


def test_check_digit_vectors():
    assert check_digit(VECTOR_43) == "3"
    assert check_digit(AGENCY_43) == "9"


def test_check_digit_needs_43_ascii_digits():
    for bad in (VECTOR_43[:-1], VECTOR_43 + "0", VECTOR_43[:-1] + "x", "９" + VECTOR_43[1:]):
        with pytest.raises(ValueError, match="43桁"):
            check_digit(bad)


def test_content_of_the_first_vector():
    content = barcode_content(
        issuer="912345", free="12345678901234567890", reissue=1, deadline=date(2001, 3, 31), amount=123_000
    )
    assert content == VECTOR_43 + "3"
    assert len(content) == 44


def test_fields_sit_at_their_positions():
    content = barcode_content(issuer="123456", free="42", reissue=2, deadline=date(2026, 12, 7), amount=5_100)
    assert content[0:2] == "91"
    assert content[2:8] == "123456"
    assert content[8:29] == "0" * 19 + "42"  # zero-padded on the left to 21 digits
    assert content[29] == "2"
    assert content[30:36] == "261207"
    assert content[36] == "0"  # no revenue stamp on public money
    assert content[37:43] == "005100"
    assert content[43] == check_digit(content[:43])


def test_no_deadline_is_999999():
    content = slip(deadline=None)
    assert content[30:36] == "999999"
    assert parse_barcode(content).deadline is None


def test_full_21_digit_free_field_and_reissue_default():
    content = slip(free="9" * 21)
    assert content[8:29] == "9" * 21
    assert content[29] == "0"


def test_amount_boundaries():
    assert slip(amount=999_999)[37:43] == "999999"
    assert slip(amount=1)[37:43] == "000001"
    with pytest.raises(AmountNotPayableAtStores, match="999,999円"):
        slip(amount=1_000_000)
    with pytest.raises(ValueError, match="負"):
        slip(amount=-1)
    with pytest.raises(ValueError, match="0円"):
        slip(amount=0)


def test_contract_cap():
    assert slip(amount=300_000, cap=300_000)[37:43] == "300000"
    with pytest.raises(AmountNotPayableAtStores, match="契約上限300,000円"):
        slip(amount=300_001, cap=300_000)


def test_over_the_cap_is_a_value_error_too():
    # Callers that only catch ValueError still stop; callers that choose "no barcode" catch the subclass.
    assert issubclass(AmountNotPayableAtStores, ValueError)


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(issuer="12345"), "6桁"),
        (dict(issuer="1234567"), "6桁"),
        (dict(issuer="12345a"), "6桁"),
        (dict(issuer="１２３４５６"), "6桁"),  # full-width digits are not barcode digits
        (dict(free=""), "自由使用欄"),
        (dict(free="12-34"), "自由使用欄"),
        (dict(free="1" * 22), "21桁以内"),
        (dict(reissue=10), "再発行"),
        (dict(reissue=-1), "再発行"),
        (dict(reissue=True), "再発行"),
        (dict(amount=1000.0), "整数"),
        (dict(amount="1000"), "整数"),
        (dict(deadline="2026-12-07"), "支払期限"),
        (dict(deadline=date(2100, 1, 1)), "2099年"),
    ],
)
def test_bad_input_is_refused_in_japanese(kw, message):
    with pytest.raises(ValueError, match=message):
        slip(**kw)


def test_parse_reads_the_fields_back():
    parsed = parse_barcode(VECTOR_43 + "3")
    assert parsed == ConveniBarcode(
        issuer="912345",
        free="012345678901234567890",
        reissue=1,
        deadline=date(2001, 3, 31),
        stamp=0,
        amount=123_000,
        check="3",
    )
    assert parsed.content == VECTOR_43 + "3"


def test_parse_accepts_the_agency_sample():
    parsed = parse_barcode(AGENCY_43 + "9")
    assert parsed.issuer == "929023"
    assert parsed.deadline is None
    assert parsed.stamp == 9  # read as printed: agencies also collect for private issuers


def test_parse_rejects_a_wrong_check_digit():
    with pytest.raises(ValueError, match="チェックデジット"):
        parse_barcode(VECTOR_43 + "4")
    with pytest.raises(ValueError, match="チェックデジット"):
        parse_barcode(AGENCY_43 + "0")


def test_parse_rejects_bad_shapes():
    with pytest.raises(ValueError, match="44桁"):
        parse_barcode(VECTOR_43)
    with pytest.raises(ValueError, match="44桁"):
        parse_barcode("EAN" + VECTOR_43 + "3")
    other_ai = "90" + VECTOR_43[2:]
    with pytest.raises(ValueError, match="91"):
        parse_barcode(other_ai + check_digit(other_ai))
    bad_date = VECTOR_43[:30] + "261332" + VECTOR_43[36:]
    with pytest.raises(ValueError, match="支払期限"):
        parse_barcode(bad_date + check_digit(bad_date))


def test_one_wrong_digit_is_always_caught():
    good = VECTOR_43 + "3"
    for i in range(43):
        wrong = str((int(good[i]) + 1) % 10)
        with pytest.raises(ValueError):
            parse_barcode(good[:i] + wrong + good[i + 1 :])


@given(
    issuer=st.from_regex(r"\A[0-9]{6}\Z"),
    free=st.from_regex(r"\A[0-9]{1,21}\Z"),
    reissue=st.integers(0, 9),
    deadline=st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    amount=st.integers(1, 999_999),
)
def test_round_trip(issuer, free, reissue, deadline, amount):
    content = barcode_content(issuer=issuer, free=free, reissue=reissue, deadline=deadline, amount=amount)
    parsed = parse_barcode(content)
    assert (parsed.issuer, int(parsed.free), parsed.reissue, parsed.deadline, parsed.amount) == (
        issuer,
        int(free),
        reissue,
        deadline,
        amount,
    )
    assert parsed.content == content


def test_slip_identity_round_trip():
    from saiken.core.conveni import SLIP_DEMAND, SLIP_INSTALMENT, slip_free_field, slip_of

    assert slip_of(slip_free_field(SLIP_DEMAND, 12345)) == (SLIP_DEMAND, 12345)
    assert slip_of(slip_free_field(SLIP_INSTALMENT, 10**20 - 1)) == (SLIP_INSTALMENT, 10**20 - 1)
    assert slip_of("0" * 21) is None and slip_of("4" + "0" * 20) is None
    with pytest.raises(ValueError):
        slip_free_field(SLIP_DEMAND, 10**20)


def test_a_notice_slip_names_its_slip_and_reads_back_with_the_reissue_digit():
    """SLIP_NOTICE ("3" + the 納付書's id): the printed 44 digits give back the slip,
    the amount, the deadline and the reissue digit (FORMATS.md §3's free field is ours)."""
    from saiken.core.conveni import REISSUE, SLIP_NOTICE, slip_free_field, slip_of

    free = slip_free_field(SLIP_NOTICE, 4711)
    assert free == "3" + "4711".zfill(20)
    content = barcode_content(issuer="912345", free=free, reissue=REISSUE, deadline=date(2028, 2, 29), amount=300_000, cap=300_000)
    read = parse_barcode(content)
    assert slip_of(read.free) == (SLIP_NOTICE, 4711)
    assert (read.reissue, read.deadline, read.amount, read.stamp) == (1, date(2028, 2, 29), 300_000, 0)
    with pytest.raises(AmountNotPayableAtStores):
        barcode_content(issuer="912345", free=free, reissue=REISSUE, deadline=date(2028, 2, 29), amount=300_001, cap=300_000)
    with pytest.raises(ValueError):
        slip_free_field(SLIP_NOTICE, 0)

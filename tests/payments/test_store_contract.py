"""Store files checked against the city's contract (issue 13): only the city's 収納機関番号,
a 収納日 between the slip's issue and the import day (and not older than
SAIKEN_PAYMENT_MAX_AGE_DAYS), and ids of 2^63 or more left unmatched, never a crash.

Cast (tests.payments.test_conveni_import.owed): taro's two 市税 instalments assessed
2026-04-10 and demanded 2026-05-15; hanako's 保育料 of 20,000円 assessed 2026-04-10.
"""

from datetime import date

import pytest

from saiken.core.conveni import SLIP_DEMAND, SLIP_INSTALMENT, barcode_content, slip_free_field
from saiken.core.formats import FormatError, PaymentRecord
from saiken.payments.imports import ImportRefused, import_payments, preview
from saiken.payments.matching import match_records
from saiken.payments.models import PaymentImport, ReceivedPayment
from tests.conftest import operator
from tests.payments.test_conveni_import import clean, csv_file, owed, row, slip  # noqa: F401 (owed is a fixture)

pytestmark = pytest.mark.django_db
Status = ReceivedPayment.Status


def take(*rows, today=date(2026, 5, 21)):
    return import_payments(csv_file(*rows), format="conveni", filename="conveni.csv", user=operator(), today=today)


def refused(*rows, today=date(2026, 5, 21)):
    with pytest.raises(ImportRefused) as e:
        take(*rows, today=today)
    assert ReceivedPayment.objects.count() == 0  # the refused file wrote nothing but its history row
    assert PaymentImport.objects.filter(status=PaymentImport.Status.REJECTED).count() == 1
    return [(x.line, x.field, x.reason) for x in e.value.errors]


def made(line, on):
    """The row with another データ作成日 (the last column)."""
    return f"{line.rsplit(',', 1)[0]},{on}"


def foreign(ident, amount, issuer="999999"):
    return barcode_content(issuer=issuer, free=slip_free_field(SLIP_INSTALMENT, ident), deadline=date(2026, 6, 30), amount=amount)


def test_a_slip_of_another_issuer_refuses_the_file(owed):
    nursery = owed["nursery"]
    errors = refused(
        row("02", slip(SLIP_INSTALMENT, owed["tax"][0].pk, 12_300), 12_300),
        row("02", foreign(nursery.pk, 20_000), 20_000),
    )
    assert [(line, field) for line, field, _ in errors] == [(3, "バーコード情報")]
    assert "999999" in errors[0][2] and "912345" in errors[0][2]
    nursery.refresh_from_db()
    owed["tax"][0].refresh_from_db()
    assert (nursery.principal_due, owed["tax"][0].principal_due) == (20_000, 12_300)  # neither posted


def test_a_former_issuer_code_of_the_city_is_ours(owed, settings):
    settings.SAIKEN_CONVENI_FORMER_ISSUERS = ("900001",)
    batch = take(row("02", foreign(owed["nursery"].pk, 20_000, issuer="900001"), 20_000))
    assert (batch.posted, batch.posted_amount) == (1, 20_000)
    assert clean()


def test_paid_on_the_import_day_posts_a_day_later_refuses(owed):
    nursery = owed["nursery"]
    code = slip(SLIP_INSTALMENT, nursery.pk, 20_000)
    assert refused(made(row("02", code, 20_000, paid="20260522", transfer="20260525"), "20260522"), today=date(2026, 5, 21)) == [
        (2, "収納日", "収納日 2026-05-22 は取込日 2026-05-21 より後です（未来の日付の収納はありません）"),
    ]
    batch = take(row("02", code, 20_000, paid="20260521", transfer="20260525"), today=date(2026, 5, 21))
    assert batch.posted == 1


def test_a_preliminary_in_the_future_is_refused_too(owed):
    assert [f for _, f, _ in refused(made(row("01", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000, paid="20260601"), "20260601"))] == ["収納日"]


def test_the_max_age_boundary_day(owed, settings):
    settings.SAIKEN_PAYMENT_MAX_AGE_DAYS = 30
    code = slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000)
    errors = refused(row("02", code, 20_000), today=date(2026, 6, 20))  # paid 2026-05-20: 31 days back
    assert [(line, field) for line, field, _ in errors] == [(2, "収納日")]
    assert "SAIKEN_PAYMENT_MAX_AGE_DAYS" in errors[0][2]
    assert take(row("02", code, 20_000), today=date(2026, 6, 19)).posted == 1  # 30 days back


def test_not_before_the_instalment_was_assessed(owed):
    code = slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000)
    errors = refused(row("02", code, 20_000, paid="20260409", transfer="20260415"), today=date(2026, 4, 20))
    assert [(line, field) for line, field, _ in errors] == [(2, "収納日")]
    assert "調定日（2026-04-10）より前" in errors[0][2]
    assert take(row("02", code, 20_000, paid="20260410", transfer="20260415"), today=date(2026, 4, 20)).posted == 1


def test_not_before_the_demand_was_issued(owed):
    code = slip(SLIP_DEMAND, owed["demand"].pk, 24_700)
    errors = refused(row("02", code, 24_700, paid="20260514", transfer="20260518"), today=date(2026, 5, 21))
    assert "発付日（2026-05-15）より前" in errors[0][2]
    assert take(row("02", code, 24_700, paid="20260515", transfer="20260518")).posted == 1
    assert clean()


def test_the_issue_reproductions_with_the_real_import_day(owed):
    """2099-12-31 fixed delay damages on a day to come; 1900-01-01 waived a late charge."""
    code = slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000)
    data = csv_file(
        made(row("02", code, 20_000, paid="20991231", transfer="20991231"), "20991231"),
        row("02", code, 20_000, paid="19000101", time="1016", transfer="19000105"),
    )
    with pytest.raises(ImportRefused) as e:
        import_payments(data, format="conveni", filename="dates.csv", user=operator())
    assert [(x.line, x.field) for x in e.value.errors] == [(2, "収納日"), (3, "収納日")]
    owed["nursery"].refresh_from_db()
    assert owed["nursery"].principal_due == 20_000


def test_preview_refuses_the_same_file(owed):
    data = csv_file(row("02", foreign(owed["nursery"].pk, 20_000), 20_000))
    with pytest.raises(FormatError) as e:
        preview(data, format="conveni", filename="x.csv", user=operator(), today=date(2026, 5, 21))
    assert [(x.line, x.field) for x in e.value.errors] == [(2, "バーコード情報")]


@pytest.mark.parametrize("kind", [SLIP_INSTALMENT, SLIP_DEMAND])
def test_ids_of_two_to_the_63_wait_unmatched(owed, kind):
    """2^63 crashed the import on SQLite (OverflowError); 2^63−1 is a key that is not there."""
    codes = [barcode_content(issuer="912345", free=slip_free_field(kind, ident), deadline=None, amount=1_000) for ident in (2**63 - 1, 2**63, 10**20 - 1)]
    batch = take(*(row("02", c, 1_000, time=f"10{n}0") for n, c in enumerate(codes)))
    assert (batch.records, batch.posted, batch.unmatched, batch.unmatched_amount) == (3, 0, 3, 3_000)
    what = "督促状" if kind == SLIP_DEMAND else "調定"
    reasons = list(batch.items.order_by("line").values_list("status", "instalment_id", "reason"))
    assert reasons == [
        (Status.UNMATCHED, None, f"{what} {2**63 - 1} が見つかりません"),
        (Status.UNMATCHED, None, f"{what}番号 {2**63} は範囲外です（この市の番号ではありません）"),
        (Status.UNMATCHED, None, f"{what}番号 {10**20 - 1} は範囲外です（この市の番号ではありません）"),
    ]
    assert clean()


@pytest.mark.parametrize("key", ["customer_number", "instalment_id"])
def test_a_customer_number_of_two_to_the_63_is_unmatched(owed, key):
    records = [
        PaymentRecord(line=n, key=f"k{n}", amount=1, paid_on=date(2026, 5, 20), channel="direct_debit", match={key: value})
        for n, value in enumerate([str(owed["nursery"].pk).zfill(20), str(2**63 - 1), str(2**63), "9" * 20], start=1)
    ]
    matches = match_records(records)
    assert matches[1].instalment_ids == (owed["nursery"].pk,)
    assert matches[2].reason == f"調定 {2**63 - 1} が見つかりません"
    assert matches[3].reason == f"調定番号 {2**63} は範囲外です（この市の番号ではありません）"
    assert matches[4].reason == f"調定番号 {'9' * 20} は範囲外です（この市の番号ではありません）"


ZENGIN = __import__("pathlib").Path(__file__).parent.parent / "data" / "zengin"


@pytest.mark.parametrize("name, reason", [
    ("bad/utf8_names.dat", "UTF-8 のファイルです"),
    ("bad/ebcdic_bytes.dat", "EBCDIC"),
    ("no_header", "ヘッダー・レコード（データ区分 1）がありません"),
])
def test_a_debit_result_without_a_date_names_what_is_wrong(name, reason):
    """Without a debit date, these three all got "ヘッダーの引落日（MMDD）が読めません" with garbled bytes."""
    data = (ZENGIN / "result_crlf.dat").read_bytes()[122:] if name == "no_header" else (ZENGIN / name).read_bytes()
    with pytest.raises(ImportRefused) as e:
        import_payments(data, format="zengin-debit-result", filename="result.dat", user=operator())
    assert [(x.line, x.field) for x in e.value.errors] == [(1, "ファイル")]
    assert e.value.errors[0].reason.startswith(reason)
    assert ReceivedPayment.objects.count() == 0

"""納付書: issued with the ledger's late charge, refused when it may not be, printed with
its barcode, and paid at a store through its barcode.

Cast: taro owes two 市税 instalments of 100,000円, due 2025-06-02 and 2025-07-31 (long
late, so the reissue carries a late charge); hanako owes one 保育料 instalment, so that a
slip naming another person's instalment can be refused. Today is 2026-05-15.
"""

from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from io import BytesIO

from saiken.audit.models import AuditEvent
from saiken.core.conveni import REISSUE, SLIP_DEMAND, SLIP_NOTICE, barcode_content, parse_barcode, slip_free_field, slip_of
from saiken.core.entries import Kind
from saiken.core.allocation import Component
from saiken.documents.demand_notice import conveni_digits
from saiken.ledger.actions import assess, record_payment
from saiken.ledger.models import Entry
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments.imports import import_payments
from saiken.payments.models import ReceivedPayment
from saiken.slips import actions
from saiken.slips.actions import SlipRefused, issue_first_slips, issue_slip, late_charges_to, slip_pdf
from saiken.slips.models import PaymentSlip, SlipKind, SlipLine
from saiken.staff.policy import Refused
from tests.conftest import operator, staff

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 15)
HEADER = "種別,収納日,収納時刻,バーコード情報,ユーザー使用欄1,ユーザー使用欄2,印紙フラグ,金額,コンビニ本部コード,コンビニ名,店舗コード,振込日,データ作成日"


def row(code, amount, *, paid="20260520", time="1015"):
    return f"02,{paid},{time},EAN{code},,,0,{amount},01,セブン-イレブン,000123,20260525,20260521"


def store_file(*rows):
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def tax(taro, city_tax):
    return [
        assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=n, nominal_due=due, amount=100_000, assessed_on=date(2025, 4, 10))
        for n, due in ((1, date(2025, 6, 2)), (2, date(2025, 7, 31)))
    ]


@pytest.fixture
def nursery(hanako, nursery_fee):
    return assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 10))


def reissue(taro, tax, **kw):
    args = dict(late_charge_to=date(2026, 5, 20), deadline=date(2026, 5, 31), today=TODAY)
    return issue_slip(operator(), taro, tax, **(args | kw))


def nothing_written():
    return not PaymentSlip.objects.exists() and not SlipLine.objects.exists() and not AuditEvent.objects.filter(action__startswith="slip.").exists()


def test_a_reissue_carries_the_ledger_late_charge_to_the_chosen_day_and_a_reissue_barcode(taro, tax):
    slip = reissue(taro, tax)
    lines = list(slip.lines.order_by("instalment__due_date"))
    expected = late_charges_to(tax, date(2026, 5, 20))
    assert [x.instalment_id for x in lines] == [i.pk for i in tax]
    assert [(x.principal, x.late_charge, x.fee) for x in lines] == [(100_000, expected[i.pk], 0) for i in tax]
    assert all(x.late_charge > 0 for x in lines)  # eleven and ten months late
    assert slip.total == 200_000 + sum(expected.values())
    read = parse_barcode(slip.barcode)
    assert slip_of(read.free) == (SLIP_NOTICE, slip.pk)
    assert (read.amount, read.deadline, read.reissue, read.issuer, read.stamp) == (slip.total, date(2026, 5, 31), REISSUE, "912345", 0)
    event = AuditEvent.objects.get(action="slip.issue")
    assert event.debtor_id == taro.pk and "再発行" in event.summary


def test_a_later_late_charge_day_asks_more(taro, tax):
    early = late_charges_to(tax, date(2026, 5, 20))
    later = late_charges_to(tax, date(2026, 8, 31))
    assert all(later[i.pk] > early[i.pk] for i in tax)


def test_the_store_file_pays_the_reissued_slip_line_by_line_with_the_late_charge(taro, tax):
    slip = reissue(taro, tax)
    asked = {x.instalment_id: x for x in slip.lines.all()}
    batch = import_payments(store_file(row(slip.barcode, slip.total)), format="conveni", filename="slip.csv", user=operator(), today=date(2026, 5, 21))
    assert (batch.records, batch.posted, batch.unmatched, batch.overpaid) == (1, 1, 0, 0)
    item = ReceivedPayment.objects.get()
    assert (item.status, item.instalment_id) == (ReceivedPayment.Status.POSTED, tax[0].pk)
    for i in tax:
        i.refresh_from_db()
        assert (i.principal_due, i.late_charge_due, i.fee_due, i.overpaid) == (0, 0, 0, 0)
        fixed = Entry.objects.get(instalment=i, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE)
        assert fixed.amount == asked[i.pk].late_charge  # the ledger fixed what the slip printed
        paid = {c: sum(e.amount for e in Entry.objects.filter(instalment=i, kind=Kind.PAYMENT, component=c)) for c in ("principal", "late_charge")}
        assert paid == {"principal": 100_000, "late_charge": asked[i.pk].late_charge}
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_a_slip_payment_short_of_its_total_pays_the_oldest_line_first_and_an_excess_stays_on_the_last(taro, tax):
    """A store takes exactly the barcode's amount (its codec refuses any other), but the
    split is the same rule for any sum: line by line, oldest first."""
    from saiken.core.formats import PAYMENT, PaymentRecord
    from saiken.payments.imports import _requests, _slip_lines
    from saiken.payments.matching import Match

    slip = reissue(taro, tax)
    first, second = (slip.lines.get(instalment=i).total for i in tax)
    m = Match((tax[0].pk, tax[1].pk), slip_id=slip.pk)
    lines = _slip_lines({1: m})

    def split(amount):
        r = PaymentRecord(line=1, key="k", action=PAYMENT, amount=amount, paid_on=date(2026, 5, 20), channel="convenience", match={})
        return [(q.instalment_id, q.amount) for q in _requests(r, m, {}, lines)]

    assert split(first + 1_000) == [(tax[0].pk, first), (tax[1].pk, 1_000)]
    assert split(first - 1) == [(tax[0].pk, first - 1)]
    assert split(first + second + 500) == [(tax[0].pk, first), (tax[1].pk, second + 500)]


def test_a_slip_unknown_to_us_waits_unmatched(taro, tax):
    code = barcode_content(issuer="912345", free=slip_free_field(SLIP_NOTICE, 999_999), deadline=date(2026, 5, 31), amount=5_000)
    batch = import_payments(store_file(row(code, 5_000)), format="conveni", filename="x.csv", user=operator(), today=date(2026, 5, 21))
    assert batch.unmatched == 1
    assert "納付書 999999 が見つかりません" in ReceivedPayment.objects.get().reason


def test_a_store_payment_dated_before_the_slip_was_issued_refuses_the_file(taro, tax):
    slip = reissue(taro, tax)
    from saiken.payments.imports import ImportRefused

    with pytest.raises(ImportRefused) as e:
        import_payments(store_file(row(slip.barcode, slip.total, paid="20260514")), format="conveni", filename="early.csv", user=operator(), today=date(2026, 5, 21))
    assert "納付書" in e.value.errors[0].reason
    assert not Entry.objects.filter(kind=Kind.PAYMENT).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(deadline=TODAY - timedelta(days=1)), "deadline"),
        (dict(late_charge_to=date(2026, 6, 10), deadline=date(2026, 6, 9)), "deadline"),
        (dict(late_charge_to=TODAY - timedelta(days=1)), "late_charge_to"),
    ],
)
def test_bad_dates_are_refused_and_write_nothing(taro, tax, change, field):
    with pytest.raises(SlipRefused) as e:
        reissue(taro, tax, **change)
    assert e.value.field == field
    assert nothing_written()


def test_another_persons_instalment_is_refused(taro, tax, nursery):
    with pytest.raises(SlipRefused, match="以外の方の調定"):
        reissue(taro, [*tax, nursery])
    assert nothing_written()


def test_a_fully_paid_instalment_is_refused(taro, tax, city_tax):
    record_payment(debtor=taro, receivable=city_tax, amount=100_000, paid_on=date(2025, 6, 2), instalment=tax[0])
    with pytest.raises(SlipRefused, match="納付済み"):
        reissue(taro, tax)
    assert nothing_written()


def test_an_extinguished_claim_is_refused(taro, city_tax):
    # 市税 of 2019, due 2019-06-03: extinguished five years on (地方税法18条), no invocation needed.
    old = assess(debtor=taro, receivable=city_tax, fiscal_year=2019, instalment_no=1, nominal_due=date(2019, 6, 3), amount=50_000, assessed_on=date(2019, 4, 10))
    with pytest.raises(SlipRefused) as e:
        reissue(taro, [old])
    assert e.value.field == "instalments"
    assert nothing_written()


def test_a_clerk_of_another_department_is_refused(taro, tax, django_user_model):
    clerk = staff(django_user_model.objects.create(username="hoiku"), "clerk", "hoiku")
    with pytest.raises(Refused):
        issue_slip(clerk, taro, tax, late_charge_to=date(2026, 5, 20), deadline=date(2026, 5, 31), today=TODAY)
    assert nothing_written()


def test_above_the_contract_cap_the_slip_has_no_barcode_and_says_so(taro, tax, settings):
    settings.SAIKEN_CONVENI_CAP = 150_000
    slip = reissue(taro, tax)
    assert slip.barcode == "" and "契約上限150,000円" in slip.no_barcode
    text = PdfReader(BytesIO(slip_pdf(operator(), [slip]))).pages[0].extract_text()
    assert "バーコードがありません" in text and "契約上限" in text
    only_one = reissue(taro, tax[:1])
    assert only_one.barcode  # one instalment is under the cap


def test_the_pdf_embeds_the_font_and_prints_the_barcode_digits(taro, tax):
    from reportlab.pdfbase import pdfmetrics

    from saiken.documents import fonts

    slip = reissue(taro, tax)
    pdf = PdfReader(BytesIO(slip_pdf(operator(), [slip])))
    assert len(pdf.pages) == 1
    face = pdfmetrics.getFont(fonts.register_japanese_font()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    for ref in pdf.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        assert str(font["/BaseFont"]).endswith("+" + face)
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    text = pdf.pages[0].extract_text()
    assert conveni_digits(slip.barcode) in text
    assert "納付書（再発行）" in text and "山田 太郎　様" in text
    assert "令和8年5月31日" in text  # 支払期限 in 和暦
    assert "令和8年5月20日に納付された場合" in text
    assert f"{slip.total:,}円" in text
    assert AuditEvent.objects.filter(action="slip.download", debtor_id=taro.pk).count() == 1


def test_first_issue_slips_one_per_instalment_payable_by_the_due_date(taro, city_tax):
    fresh = [
        assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=n, nominal_due=due, amount=25_000, assessed_on=date(2026, 5, 1))
        for n, due in ((1, date(2026, 6, 1)), (2, date(2026, 7, 31)))
    ]
    slips = issue_first_slips(operator(), taro, fresh, today=TODAY)
    assert [(s.kind, s.total, s.deadline, s.late_charge_to) for s in slips] == [
        (SlipKind.FIRST, 25_000, i.due_date, i.due_date) for i in fresh
    ]
    read = parse_barcode(slips[0].barcode)
    assert (read.reissue, slip_of(read.free)) == (0, (SLIP_NOTICE, slips[0].pk))
    pdf = PdfReader(BytesIO(slip_pdf(operator(), slips)))
    assert len(pdf.pages) == 2 and "納付書（再発行）" not in pdf.pages[0].extract_text()


def test_a_first_issue_past_the_due_date_is_refused(taro, tax):
    with pytest.raises(SlipRefused, match="再発行してください"):
        issue_first_slips(operator(), taro, tax, today=TODAY)
    assert nothing_written()


def test_plan_slips_one_per_pledged_payment_and_one_paid_at_a_store(taro, tax, city_tax):
    from saiken.cases import actions as cases

    case = cases.open_case(debtor=taro, on=TODAY, user=operator())
    pledge = cases.sign_pledge(case, instalments=tax, signed_on=TODAY, schedule=[(date(2026, 5, 31), 120_000), (date(2026, 6, 30), 80_000)],
                               user=operator(), today=TODAY)
    slips = actions.issue_plan_slips(operator(), pledge, today=TODAY)
    assert [(s.kind, s.total, s.deadline) for s in slips] == [(SlipKind.PLAN, 120_000, date(2026, 5, 31)), (SlipKind.PLAN, 80_000, date(2026, 6, 30))]
    first = {x.instalment_id: x.principal for x in slips[0].lines.all()}
    assert first == {tax[0].pk: 100_000, tax[1].pk: 20_000}  # oldest first
    assert {x.instalment_id: x.principal for x in slips[1].lines.all()} == {tax[1].pk: 80_000}
    assert slip_of(parse_barcode(slips[1].barcode).free) == (SLIP_NOTICE, slips[1].pk)
    assert actions.issue_plan_slips(operator(), pledge, today=TODAY) == slips  # printed again, not issued twice
    assert PaymentSlip.objects.count() == 2
    import_payments(store_file(row(slips[0].barcode, 120_000)), format="conveni", filename="plan.csv", user=operator(), today=date(2026, 5, 21))
    tax[1].refresh_from_db()
    assert tax[1].principal_due == 80_000
    text = PdfReader(BytesIO(slip_pdf(operator(), slips))).pages[1].extract_text()
    assert "納付書（分納）" in text and "分納誓約 第2回" in text


def test_a_demand_copy_is_marked_reissued_with_a_fresh_barcode(taro, tax, city_tax):
    from saiken.demands.actions import issue_demands
    from saiken.demands.models import Demand

    issue_demands(user=operator(), as_of=date(2026, 5, 1), receivable_ids=[city_tax.pk])
    demand = Demand.objects.get()
    pdf, note = actions.demand_copy(operator(), demand, today=TODAY)
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "再発行（写）" in text and demand.number in text and note == ""
    digits = next(line for line in text.splitlines() if line.startswith("91 "))
    read = parse_barcode(digits.replace(" ", ""))
    assert (read.reissue, slip_of(read.free)) == (REISSUE, (SLIP_DEMAND, demand.pk))
    assert read.deadline == TODAY + timedelta(days=14)  # the 指定期限 had passed
    assert AuditEvent.objects.filter(action="demand.copy", debtor_id=taro.pk).count() == 1


def test_a_demand_copy_after_a_part_payment_has_no_barcode(taro, tax, city_tax):
    from saiken.demands.actions import issue_demands
    from saiken.demands.models import Demand

    issue_demands(user=operator(), as_of=date(2026, 5, 1), receivable_ids=[city_tax.pk])
    record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2026, 5, 10), instalment=tax[0])
    pdf, note = actions.demand_copy(operator(), Demand.objects.get(), today=TODAY)
    assert "納付書を再発行" in note
    assert "バーコードがありません" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_a_demand_copy_is_refused_to_a_clerk_of_another_department(taro, tax, city_tax, django_user_model):
    from saiken.demands.actions import issue_demands
    from saiken.demands.models import Demand

    issue_demands(user=operator(), as_of=date(2026, 5, 1), receivable_ids=[city_tax.pk])
    clerk = staff(django_user_model.objects.create(username="hoiku"), "clerk", "hoiku")
    with pytest.raises(Refused):
        actions.demand_copy(clerk, Demand.objects.get(), today=TODAY)
    assert not AuditEvent.objects.filter(action="demand.copy").exists()


def test_a_slip_paid_before_its_late_charge_day_fixes_less_and_holds_the_difference(taro, tax):
    """The late charge is the ledger's as of the day paid (地方税法326条 counts to the
    payment day): a slip computed to 2026-06-30 and paid on 2026-05-20 overpays."""
    slip = reissue(taro, tax, late_charge_to=date(2026, 6, 30), deadline=date(2026, 6, 30))
    at_payment = late_charges_to(tax, date(2026, 5, 20))
    batch = import_payments(store_file(row(slip.barcode, slip.total)), format="conveni", filename="early.csv", user=operator(), today=date(2026, 5, 21))
    assert batch.overpaid == slip.total - 200_000 - sum(at_payment.values()) > 0
    for i in tax:
        i.refresh_from_db()
        assert (i.principal_due, i.late_charge_due) == (0, 0)


def test_above_999999_yen_there_is_no_barcode_whatever_the_contract_says(taro, city_tax, settings):
    settings.SAIKEN_CONVENI_CAP = 5_000_000  # a contract cap above what stores take
    big = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 1), amount=1_000_000, assessed_on=date(2026, 5, 1))
    (slip,) = issue_first_slips(operator(), taro, [big], today=TODAY)
    assert slip.barcode == "" and "999,999円" in slip.no_barcode
    small = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=2, nominal_due=date(2026, 6, 1), amount=999_999, assessed_on=date(2026, 5, 1))
    (slip,) = issue_first_slips(operator(), taro, [small], today=TODAY)
    assert parse_barcode(slip.barcode).amount == 999_999

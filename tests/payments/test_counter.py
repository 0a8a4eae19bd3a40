"""窓口収納 (saiken.payments.counter): the split shown before posting, the posting, the
refusals (which write nothing), and the receipt's numbers.

Cast: 山田 太郎 (taro) owes two overdue 市税 instalments of 令和7年度 (第3期 56,400円 due
2025-12-25, 第4期 56,400円 due 2026-01-31, a Saturday, so 2026-02-02), and one 保育料
instalment. The counter is open on 2026-05-29 (the published 中央市 example of 第4期:
1,300円). nozei is a tax clerk, hoiku a nursery clerk, iinkai a committee member.
"""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from saiken.audit.models import AuditEvent
from saiken.core.entries import Kind
from saiken.ledger.actions import assess
from saiken.ledger.models import Channel, Entry, Instalment, Payment
from saiken.payments import counter
from saiken.payments.counter import CounterError
from saiken.payments.models import CounterReceipt
from saiken.staff.policy import Refused
from tests.conftest import staff

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 29)


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "nozei": staff(make("nozei"), "clerk", "nozei"),
        "nozei2": staff(make("nozei2"), "clerk", "nozei"),
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "iinkai": staff(make("iinkai"), "committee"),
        "kacho": staff(make("nozei-kacho"), "manager", "nozei"),
    }


@pytest.fixture
def owed(taro, city_tax, nursery_fee):
    third = assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=3, nominal_due=date(2025, 12, 25),
                   amount=56_400, assessed_on=date(2025, 6, 1))
    fourth = assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=4, nominal_due=date(2026, 1, 31),
                    amount=56_400, assessed_on=date(2025, 6, 1))
    nursery = assess(debtor=taro, receivable=nursery_fee, fiscal_year=2025, instalment_no=1, nominal_due=date(2026, 3, 31),
                     amount=20_000, assessed_on=date(2025, 6, 1))
    return third, fourth, nursery


def calc_late_charge(principal: int, due: date, paid: date) -> int:
    out = io.StringIO()
    call_command("calc", "late-charge", "--receivable", "city_tax", "--principal", str(principal), "--due", due.isoformat(),
                 "--paid", paid.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())["late_charge"]


def nothing_written(before_payments: int = 0) -> None:
    assert Payment.objects.count() == before_payments
    assert CounterReceipt.objects.count() == 0
    assert not AuditEvent.objects.filter(action="payments.counter").exists()


@pytest.mark.parametrize(
    "paid_on, expected",
    [
        # A late charge under 1,000円 is not charged (地方税法20条の4の2第5項): 第3期's charge
        # reaches 1,000円 on 3/29, 第4期's on 5/5; the day before, nothing is fixed.
        (date(2026, 3, 28), (0, 0)),
        (date(2026, 3, 29), (1_000, 0)),
        (date(2026, 5, 4), (1_500, 0)),
        (date(2026, 5, 5), (1_500, 1_000)),
        (TODAY, (1_800, 1_300)),  # 第4期: the published 中央市 example
    ],
)
def test_two_instalments_and_their_late_charges_at_the_counter(users, taro, owed, paid_on, expected):
    third, fourth, _ = owed
    late3 = calc_late_charge(56_400, date(2025, 12, 25), paid_on)
    late4 = calc_late_charge(56_400, date(2026, 1, 31), paid_on)
    assert (late3, late4) == expected  # the counter's calculator (saiken calc) agrees
    settle = counter.amount_to_settle([third, fourth], paid_on)
    assert settle == {third.pk: 56_400 + late3, fourth.pk: 56_400 + late4}
    total = sum(settle.values())

    preview = counter.preview_counter_payment(users["nozei"], taro, [fourth, third], total, paid_on, today=TODAY)
    assert [(x.principal_paid, x.late_paid, x.fee_paid, x.remaining) for x in preview.lines] == [(56_400, late3, 0, 0), (56_400, late4, 0, 0)]
    assert Payment.objects.count() == 0  # a preview writes nothing

    receipt = counter.take_counter_payment(users["nozei"], taro, [third.pk, fourth.pk], total, 150_000, Channel.COUNTER, paid_on, today=TODAY)
    assert receipt.number == "R8-000001"  # 令和8年度 (the day taken, 2026-05-29)
    assert (receipt.tendered, receipt.change) == (150_000, 150_000 - total)
    payment = receipt.payment
    assert (payment.amount, payment.paid_on, payment.booked_on, payment.channel, payment.created_by) == (total, paid_on, TODAY, "counter", users["nozei"])
    paid = sorted(payment.entries.filter(kind=Kind.PAYMENT).values_list("instalment_id", "component", "amount"))
    assert paid == sorted(x for x in [(third.pk, "principal", 56_400), (third.pk, "late_charge", late3),
                                      (fourth.pk, "principal", 56_400), (fourth.pk, "late_charge", late4)] if x[2])
    for i in (third, fourth):
        i.refresh_from_db()
        assert i.total_due == 0
    assert [x["late_paid"] for x in receipt.lines] == [late3, late4]
    assert AuditEvent.objects.filter(action="payments.counter", target_id=receipt.pk).count() == 1


def test_a_part_payment_pays_principal_first_and_the_receipt_says_what_remains(users, taro, owed):
    third, fourth, _ = owed
    receipt = counter.take_counter_payment(users["nozei"], taro, [third, fourth], 60_000, None, Channel.CREDIT, TODAY, today=TODAY)
    assert (receipt.tendered, receipt.change) == (60_000, 0)  # a card takes the amount itself
    first, second = receipt.lines
    late3 = calc_late_charge(56_400, date(2025, 12, 25), TODAY)
    # 第3期's principal is completed, which fixes its late charge, paid next (per debt,
    # principal first); what is left goes to 第4期's principal, whose charge stays unfixed.
    assert late3 == 1_800
    assert (first["principal_paid"], first["late_paid"], first["late_fixed"], first["late_after"]) == (56_400, 1_800, 1_800, 0)
    assert (second["principal_paid"], second["late_fixed"], second["principal_after"]) == (1_800, 0, 54_600)
    # Receipts run on within the year.
    again = counter.take_counter_payment(users["nozei"], taro, [fourth], 1_000, 1_000, Channel.COUNTER, TODAY, today=TODAY)
    assert again.number == "R8-000002"


@pytest.mark.parametrize(
    "who, kwargs, error",
    [
        ("iinkai", {}, Refused),  # the committee takes no money
        ("hoiku", {}, Refused),  # the nursery window does not take city tax
        ("nozei", {"tendered": 1_000}, CounterError),  # cash short
        ("nozei", {"paid_on": date(2026, 5, 30)}, CounterError),  # tomorrow
        ("nozei", {"amount": 0}, CounterError),
        ("nozei", {"amount": 10**7}, CounterError),  # more than is owed: hand it back, no 過誤納
        ("nozei", {"channel": Channel.DIRECT_DEBIT}, CounterError),  # not a counter channel
        ("nozei", {"mixed": True}, CounterError),  # one receipt, one receivable
    ],
)
def test_refusals_write_nothing(users, taro, owed, who, kwargs, error):
    third, fourth, nursery = owed
    args = {"amount": 10_000, "tendered": 10_000, "channel": Channel.COUNTER, "paid_on": TODAY}
    mixed = kwargs.pop("mixed", False)
    args.update(kwargs)
    chosen = [third, nursery] if mixed else [third, fourth]
    with pytest.raises(error):
        counter.take_counter_payment(users[who], taro, chosen, args["amount"], args["tendered"], args["channel"], args["paid_on"], today=TODAY)
    nothing_written()
    assert not Entry.objects.filter(kind=Kind.PAYMENT).exists()


def test_another_debtors_instalment_is_refused(users, taro, hanako, owed, city_tax):
    hers = assess(debtor=hanako, receivable=city_tax, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 6, 30),
                  amount=5_000, assessed_on=date(2025, 6, 1))
    with pytest.raises(CounterError, match="この債務者"):
        counter.take_counter_payment(users["nozei"], taro, [owed[0], hers], 5_000, 5_000, Channel.COUNTER, TODAY, today=TODAY)
    nothing_written()


def test_a_claim_extinguished_by_prescription_is_not_collected(users, taro, city_tax):
    # 令和元年度 city tax due 2019-07-01, never demanded: 5 years (地方税法18条1項) ran out in 2024.
    old = assess(debtor=taro, receivable=city_tax, fiscal_year=2019, instalment_no=1, nominal_due=date(2019, 7, 1),
                 amount=10_000, assessed_on=date(2019, 6, 1))
    with pytest.raises(CounterError, match="窓口収納"):
        counter.preview_counter_payment(users["nozei"], taro, [old], 10_000, TODAY, today=TODAY)
    with pytest.raises(CounterError):
        counter.take_counter_payment(users["nozei"], taro, [old], 10_000, 10_000, Channel.COUNTER, TODAY, today=TODAY)
    nothing_written()
    assert Instalment.objects.get(pk=old.pk).principal_due == 10_000


# ---- 日計表 ------------------------------------------------------------------------------------


def test_the_close_balances_and_a_payment_altered_behind_its_back_does_not(users, taro, owed):
    third, fourth, nursery = owed
    counter.take_counter_payment(users["nozei"], taro, [third], 20_000, 20_000, Channel.COUNTER, TODAY, today=TODAY)
    counter.take_counter_payment(users["nozei"], taro, [third], 5_000, 10_000, Channel.COUNTER, TODAY, today=TODAY)
    card = counter.take_counter_payment(users["nozei"], taro, [fourth], 7_000, None, Channel.CREDIT, TODAY, today=TODAY)
    counter.take_counter_payment(users["nozei2"], taro, [fourth], 3_000, 3_000, Channel.COUNTER, TODAY, today=TODAY)
    lines = counter.close_lines(TODAY, [users["nozei"].pk])
    assert [(x.channel, x.receipts, x.receipts_total, x.payments_total, x.entries_total, x.balanced) for x in lines] == [
        ("counter", 2, 25_000, 25_000, 25_000, True), ("credit", 1, 7_000, 7_000, 7_000, True),
    ]
    out = io.StringIO()
    call_command("counter_close", "--date", TODAY.isoformat(), "--user", "nozei", "--json", stdout=out)
    assert all(x["balanced"] for x in json.loads(out.getvalue())["lines"])

    card.payment.entries.filter(kind=Kind.PAYMENT).first().delete()
    lines = counter.close_lines(TODAY, [users["nozei"].pk])
    assert [x.balanced for x in lines] == [True, False]
    with pytest.raises(SystemExit) as e:
        call_command("counter_close", "--date", TODAY.isoformat(), "--user", "nozei", stdout=io.StringIO())
    assert e.value.code == 1


def test_a_cancelled_and_a_moved_counter_payment_are_lines_of_their_own(users, taro, owed, django_user_model):
    """A cancellation (取消) approved the next day is a negative line that day; a move
    (訂正) adds the re-posting as a line without a receipt. Every line still balances."""
    from saiken.payments import corrections

    kacho2 = staff(django_user_model.objects.create_user("nozei-kacho2"), "manager", "nozei")
    third, fourth, _ = owed
    cancelled = counter.take_counter_payment(users["nozei"], taro, [third], 20_000, 20_000, Channel.COUNTER, TODAY, today=TODAY)
    moved = counter.take_counter_payment(users["nozei"], taro, [third], 5_000, 5_000, Channel.COUNTER, TODAY, today=TODAY)
    nextday = date(2026, 5, 30)
    ask = corrections.request(payment=cancelled.payment, kind="cancel", reason="二重に収納", user=users["kacho"], today=nextday)
    corrections.approve(correction=ask, user=kacho2, today=nextday)
    ask = corrections.request(payment=moved.payment, kind="move", reason="期別の誤り", user=users["kacho"], today=nextday, targets=[fourth])
    corrections.approve(correction=ask, user=kacho2, today=nextday)

    assert all(x.balanced for x in counter.close_lines(TODAY, None))  # the day taken is as it was
    lines = counter.close_lines(nextday, None)
    assert [(x.clerk, x.kind, x.receipts, x.receipts_total, x.payments_total, x.entries_total, x.balanced) for x in lines] == [
        ("nozei", "reversed", -2, -25_000, -25_000, -25_000, True),
        ("nozei-kacho2", "moved", 0, 0, 5_000, 5_000, True),
    ]


def test_who_reads_whose_close(users):
    assert counter.close_clerks(users["nozei"]) == [users["nozei"].pk]
    assert set(counter.close_clerks(users["kacho"])) >= {users["nozei"].pk, users["nozei2"].pk}
    assert users["hoiku"].pk not in counter.close_clerks(users["kacho"])
    with pytest.raises(Refused):
        counter.close_clerks(users["nozei"], users["nozei2"])
    with pytest.raises(Refused):
        counter.close_clerks(users["iinkai"])


# ---- 領収書 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", ["a4", "roll"])
def test_the_receipt_pdf_embeds_the_font_and_says_what_was_paid(users, taro, owed, settings, tmp_path, width):
    import pypdf
    from reportlab.pdfbase import pdfmetrics

    from saiken.documents import fonts

    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "documents"
    third, fourth, _ = owed
    receipt = counter.take_counter_payment(users["nozei"], taro, [third, fourth], 60_000, 100_000, Channel.COUNTER, TODAY, today=TODAY)
    path = counter.receipt_document(receipt, users["nozei"], width=width)
    assert path.read_bytes().startswith(b"%PDF")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    for expected in ("領　収　書", "R8-000001", "令和8年5月29日", "山田 太郎", "市税", "60,000円",
                     "100,000円", "40,000円", "公印", "54,600円"):  # 54,600: 第4期's principal still owed
        assert expected in text, expected
    if width == "roll":
        assert round(float(page.mediabox.width)) == round(80 * 72 / 25.4)
    face = pdfmetrics.getFont(fonts.register_japanese_font()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    used = page["/Resources"]["/Font"]
    assert used  # only the Japanese font, embedded (no stray Helvetica)
    for ref in used.values():
        assert str(ref.get_object()["/BaseFont"]).endswith("+" + face)
        assert "/FontFile2" in ref.get_object()["/FontDescriptor"].get_object()
    assert AuditEvent.objects.filter(action="payments.receipt_download", target_id=receipt.pk).count() == 1
    with pytest.raises(Refused):
        counter.receipt_document(receipt, users["hoiku"], width=width)

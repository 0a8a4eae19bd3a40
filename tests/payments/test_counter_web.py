"""The counter's screens: the link on the debtor page, the confirm step (which writes
nothing), posting, the receipt and its PDFs, and the 日計表 page."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.ledger.actions import assess, record_payment
from saiken.ledger.models import Payment
from saiken.payments.models import CounterReceipt
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documents(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "documents"


@pytest.fixture
def clerk(django_user_model):
    return staff(django_user_model.objects.create_user("nozei"), "clerk", "nozei")


@pytest.fixture
def owed(taro, city_tax):
    fy = timezone.localdate().year - 1
    return [assess(debtor=taro, receivable=city_tax, fiscal_year=fy, instalment_no=n, nominal_due=date(fy, 6 + n, 28), amount=10_000,
                   assessed_on=date(fy, 6, 1)) for n in (1, 2)]


def test_the_debtor_page_links_to_the_counter_only_where_money_may_be_taken(client, clerk, taro, owed, django_user_model):
    client.force_login(clerk)
    assert 'id="counter-link"' in client.get(reverse("debtor", args=[taro.pk])).content.decode()
    for i in owed:
        record_payment(debtor=taro, receivable=i.receivable, amount=i.principal_due, paid_on=i.due_date, instalment=i)
    assert 'id="counter-link"' not in client.get(reverse("debtor", args=[taro.pk])).content.decode()  # nothing owed


def test_confirm_then_post_then_the_receipt_and_the_close(client, clerk, taro, owed):
    client.force_login(clerk)
    url = reverse("counter", args=[taro.pk])
    page = client.get(url).content.decode()
    assert "窓口収納" in page and "完納に必要な額" in page
    form = {"step": "confirm", "receivable": "city_tax", "instalment": [str(i.pk) for i in owed], "channel": "counter", "tendered": "50000"}
    page = client.post(url, form).content.decode()
    assert 'id="counter-preview"' in page and "充当の内訳" in page
    assert Payment.objects.count() == 0  # the confirm step writes nothing
    response = client.post(url, {**form, "step": "post", "amount": "20000"})
    receipt = CounterReceipt.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("counter_receipt", args=[receipt.pk])
    assert (receipt.payment.amount, receipt.change) == (20_000, 30_000)
    page = client.get(response["Location"]).content.decode()
    assert receipt.number in page and "30,000" in page
    for width in ("a4", "roll"):
        pdf = client.get(reverse("counter_receipt_pdf", args=[receipt.pk]) + f"?width={width}")
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="payments.receipt_download").count() == 2
    close = client.get(reverse("counter_close")).content.decode()
    assert "一致" in close and "不一致" not in close and "20,000" in close


def test_a_short_cash_payment_is_not_offered_for_posting(client, clerk, taro, owed):
    client.force_login(clerk)
    page = client.post(reverse("counter", args=[taro.pk]), {"step": "confirm", "receivable": "city_tax", "instalment": [str(owed[0].pk)],
                                                          "amount": "10000", "channel": "counter", "tendered": "5000"}).content.decode()
    assert "預り金額が納付額に足りません" in page and 'id="counter-post"' not in page
    page = client.post(reverse("counter", args=[taro.pk]), {"step": "post", "receivable": "city_tax", "instalment": [str(owed[0].pk)],
                                                          "amount": "10000", "channel": "counter", "tendered": "5000"}).content.decode()
    assert "預り金額が納付額 10,000円 に足りません" in page
    assert not CounterReceipt.objects.exists() and not Payment.objects.exists()


def test_another_departments_clerk_is_refused(client, taro, owed, django_user_model):
    nursery = staff(django_user_model.objects.create_user("hoiku"), "clerk", "hoiku")
    client.force_login(nursery)
    assert client.post(reverse("counter", args=[taro.pk]), {"step": "post", "receivable": "city_tax", "instalment": [str(owed[0].pk)],
                                                          "amount": "10000", "channel": "counter", "tendered": "10000"}).status_code == 404
    assert not Payment.objects.exists()

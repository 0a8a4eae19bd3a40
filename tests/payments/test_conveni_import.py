"""Store payments end to end: preliminary, final, cancellation, twice-paid slips,
demand slips, unmatched records, and the same file or record never posting twice.

Cast: taro owes two 市税 instalments of 12,300円 due 2026-05-01 and got a 督促状
for both (fee 100円); hanako owes one 保育料 instalment of 20,000円.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saiken.core.conveni import SLIP_DEMAND, SLIP_INSTALMENT, barcode_content, slip_free_field
from saiken.demands.actions import candidates, issue_demands
from saiken.demands.models import Demand
from saiken.ledger.actions import assess
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import PaymentImport, ReceivedPayment
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db
Status = ReceivedPayment.Status
HEADER = "種別,収納日,収納時刻,バーコード情報,ユーザー使用欄1,ユーザー使用欄2,印紙フラグ,金額,コンビニ本部コード,コンビニ名,店舗コード,振込日,データ作成日"


def slip(kind, ident, amount, deadline=date(2026, 6, 30)):
    return barcode_content(issuer="912345", free=slip_free_field(kind, ident), deadline=deadline, amount=amount)


def row(kind, code, amount, *, paid="20260520", time="1015", store="000123", transfer=None):
    if transfer is None:
        transfer = "20260525" if kind == "02" else ""  # a final carries the day the agency remits
    return f"{kind},{paid},{time},EAN{code},,,0,{amount},01,セブン-イレブン,{store},{transfer},20260521"


def csv_file(*rows, encoding="utf-8"):
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def take(*rows, name="conveni.csv", **kw):
    return import_payments(csv_file(*rows, **kw), format="conveni", filename=name, user=operator())


@pytest.fixture
def owed(taro, hanako, city_tax, nursery_fee):
    city_tax.demand_fee = 100
    city_tax.save()
    tax = [assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=n, nominal_due=date(2026, 5, 1), amount=12_300, assessed_on=date(2026, 4, 10)) for n in (1, 2)]
    issue_demands(user=operator(), as_of=date(2026, 5, 15), receivable_ids=[city_tax.pk])
    fee = assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 10))
    return {"tax": tax, "demand": Demand.objects.get(), "nursery": fee}


def clean():
    return list(balance_differences()) == [] and list(summary_differences()) == []


def test_a_final_record_posts_to_its_instalment(owed):
    nursery = owed["nursery"]
    batch = take(row("02", slip(SLIP_INSTALMENT, nursery.pk, 20_000), 20_000, transfer="20260525"))
    nursery.refresh_from_db()
    assert (batch.records, batch.posted, batch.posted_amount, nursery.principal_due) == (1, 1, 20_000, 0)
    item = batch.items.get()
    assert (item.status, item.instalment_id, item.payment.booked_on) == (Status.POSTED, nursery.pk, date(2026, 5, 25))
    assert clean()


def test_a_demand_slip_pays_all_its_instalments_and_the_fee(owed):
    demand = owed["demand"]
    take(row("02", slip(SLIP_DEMAND, demand.pk, 24_700), 24_700))
    for i in owed["tax"]:
        i.refresh_from_db()
        assert i.total_due == 0
    assert clean()


def test_preliminary_is_visible_at_once_then_confirmed(owed):
    nursery = owed["nursery"]
    code = slip(SLIP_INSTALMENT, nursery.pk, 20_000)
    first = take(row("01", code, 20_000), name="sokuho.csv")
    nursery.refresh_from_db()
    assert (first.preliminary, nursery.principal_due) == (1, 20_000)  # not yet money in the ledger…
    assert not candidates(as_of=date(2026, 6, 10)).filter(pk=nursery.pk).exists()  # …but no demand goes out
    second = take(row("02", code, 20_000, transfer="20260525"), name="kakuho.csv")
    nursery.refresh_from_db()
    assert (second.confirmed, second.posted, nursery.principal_due) == (1, 1, 0)
    assert ReceivedPayment.objects.get().status == Status.POSTED


def test_a_cancelled_preliminary_leaves_the_debt_owed_and_demandable(owed):
    nursery = owed["nursery"]
    code = slip(SLIP_INSTALMENT, nursery.pk, 20_000)
    take(row("01", code, 20_000), name="sokuho.csv")
    batch = take(row("03", code, 20_000), name="torikeshi.csv")
    assert batch.cancelled == 1
    assert ReceivedPayment.objects.get().status == Status.CANCELLED
    assert candidates(as_of=date(2026, 6, 10)).filter(pk=nursery.pk).exists()


def test_a_final_without_preliminary_and_a_slip_paid_twice(owed):
    nursery = owed["nursery"]
    code = slip(SLIP_INSTALMENT, nursery.pk, 20_000)
    batch = take(row("02", code, 20_000, time="1015"), row("02", code, 20_000, time="1830", store="000999"))
    nursery.refresh_from_db()
    assert (batch.posted, batch.overpaid, nursery.overpaid) == (2, 20_000, 20_000)  # the second is refunded later


def test_the_same_file_twice_is_refused_and_posts_once(owed):
    data = csv_file(row("02", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000))
    import_payments(data, format="conveni", filename="a.csv", user=operator())
    with pytest.raises(ImportRefused, match="取込済み"):
        import_payments(data, format="conveni", filename="a-again.csv", user=operator())
    assert ReceivedPayment.objects.count() == 1


def test_the_same_record_in_another_file_posts_once(owed):
    r = row("02", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000)
    take(r, name="a.csv")
    again = take(r, row("02", slip(SLIP_DEMAND, owed["demand"].pk, 24_700), 24_700), name="b.csv")
    assert (again.duplicates, again.posted) == (1, 1)
    owed["nursery"].refresh_from_db()
    assert owed["nursery"].overpaid == 0


def test_unmatched_records_wait_for_a_clerk(owed):
    stranger = slip(SLIP_INSTALMENT, 999_999, 5_000)
    batch = take(row("02", stranger, 5_000))
    assert (batch.unmatched, batch.unmatched_amount, batch.posted) == (1, 5_000, 0)
    item = ReceivedPayment.objects.get()
    assert item.status == Status.UNMATCHED and "999999" in item.reason


def test_a_bad_file_is_refused_whole_and_kept_in_the_history(owed):
    good = row("02", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000)
    code = slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000)
    bad = row("02", code[:-1] + str((int(code[-1]) + 1) % 10), 20_000)  # a check digit that is always wrong
    with pytest.raises(ImportRefused) as refused:
        take(good, bad)
    assert [e.line for e in refused.value.errors] == [3]  # the header is line 1
    assert ReceivedPayment.objects.count() == 0
    owed["nursery"].refresh_from_db()
    assert owed["nursery"].principal_due == 20_000
    kept = PaymentImport.objects.get()
    assert kept.status == "rejected" and kept.errors[0]["line"] == 3
    # Fixed, the file is taken (a refused file does not block its corrected version).
    assert take(good).posted == 1


def test_command_json(owed, tmp_path):
    path = tmp_path / "kakuho.csv"
    path.write_bytes(csv_file(row("02", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000), encoding="cp932"))
    out = StringIO()
    call_command("import_payments", str(path), "--format", "conveni", "--json", "--user", operator().username, stdout=out)
    result = json.loads(out.getvalue())
    assert (result["records"], result["amount"], result["posted"], result["unmatched"], result["rejected"]) == (1, 20_000, 1, 0, 0)
    assert result["import"] == PaymentImport.objects.get().pk
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_payments", str(path), "--format", "conveni", "--json", "--user", operator().username, stdout=out)
    assert json.loads(out.getvalue())["status"] == "rejected"


def test_the_debtor_page_shows_a_preliminary_payment_at_once(client, django_user_model, owed, hanako):
    from django.urls import reverse

    take(row("01", slip(SLIP_INSTALMENT, owed["nursery"].pk, 20_000), 20_000), name="sokuho.csv")
    client.force_login(staff(django_user_model.objects.create_user("clerk")))
    html = client.get(reverse("debtor", args=[hanako.pk])).content.decode()
    assert "コンビニで納付済（速報 令和8年5月20日 20,000円、確報待ち）" in html

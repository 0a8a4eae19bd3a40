"""収納の取消・訂正 (saiken.payments.corrections): asked with a reason, done by a manager.

Cast: taro and hanako each owe 保育料 10,000円 due 2026-04-30 (nursery: 保育課);
hoiku (clerk) and hoiku-kacho, hoiku-kacho2 (managers) of 保育課; nozei (tax clerk).
"""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.ledger.actions import assess, record_payment
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Entry, Instalment, Payment
from saiken.ledger.verify import balance_differences, payment_differences, summary_differences
from saiken.payments import corrections
from saiken.payments.models import PaymentCorrection
from saiken.staff.policy import Refused
from tests.conftest import staff

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def people(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "clerk": staff(make("hoiku"), "clerk", "hoiku"),
        "manager": staff(make("hoiku-kacho"), "manager", "hoiku"),
        "manager2": staff(make("hoiku-kacho2"), "manager", "hoiku"),
        "tax_clerk": staff(make("nozei"), "clerk", "nozei"),
        "tax_manager": staff(make("nozei-kacho"), "manager", "nozei"),
    }


def fee(debtor, receivable, no=1, amount=10_000):
    return assess(debtor=debtor, receivable=receivable, fiscal_year=2026, instalment_no=no, nominal_due=date(2026, 4, 30),
                  amount=amount, assessed_on=date(2026, 4, 1))


def owed(i):
    i.refresh_from_db()
    return i.principal_due


def clean():
    return [*balance_differences(), *summary_differences(), *payment_differences()] == []


def test_a_payment_posted_to_the_wrong_person_moves_with_approval(taro, hanako, nursery_fee, people):
    wrong, right = fee(taro, nursery_fee), fee(hanako, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=10_000, paid_on=date(2026, 5, 20), instalment=wrong, channel="bank")
    c = corrections.request(payment=posted.payment, kind="move", reason="同姓同名の別人に消込", user=people["clerk"], today=TODAY, targets=[right])
    assert (owed(wrong), owed(right)) == (0, 10_000)  # nothing changes until approved
    corrections.approve(correction=c, user=people["manager"], today=TODAY)
    assert (owed(wrong), owed(right)) == (10_000, 0)
    c.refresh_from_db()
    assert c.status == "approved" and c.booked_on == TODAY
    new = c.reposted
    assert (new.debtor_id, new.amount, new.paid_on, new.booked_on, new.channel) == (hanako.pk, 10_000, date(2026, 5, 20), TODAY, "bank")
    assert Payment.objects.count() == 2  # the first stays, reversed
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"payments.correction.request", "payments.correction.approve", "payments.correction.repost"} <= actions
    assert clean()


def test_a_counter_payment_is_cancelled(taro, nursery_fee, people):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    c = corrections.request(payment=posted.payment, kind="cancel", reason="金額の打ち間違い（返金済）", user=people["clerk"], today=TODAY)
    corrections.approve(correction=c, user=people["manager"], today=TODAY)
    assert owed(i) == 10_000
    c.refresh_from_db()
    assert (c.status, c.reposted) == ("approved", None)
    assert clean()


def test_nobody_approves_their_own_request(taro, nursery_fee, people):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    c = corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["manager"], today=TODAY)
    entries = Entry.objects.count()
    with pytest.raises(Refused, match="自分が申請した"):
        corrections.approve(correction=c, user=people["manager"], today=TODAY)
    assert Entry.objects.count() == entries
    corrections.approve(correction=c, user=people["manager2"], today=TODAY)
    assert owed(i) == 10_000


@pytest.mark.parametrize("who", ["clerk", "tax_manager"])
def test_only_a_manager_of_the_department_approves(taro, nursery_fee, people, who):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    c = corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["clerk"], today=TODAY)
    with pytest.raises(Refused):
        corrections.approve(correction=c, user=people[who], today=TODAY)
    assert owed(i) == 6_000


def test_another_departments_clerk_cannot_ask(taro, nursery_fee, people):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    with pytest.raises(Refused):
        corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["tax_clerk"], today=TODAY)
    assert not PaymentCorrection.objects.exists()


def test_moving_to_another_departments_claim_needs_both_departments(taro, nursery_fee, city_tax, people):
    i = fee(taro, nursery_fee)
    tax = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=10_000,
                 assessed_on=date(2026, 6, 1))
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    with pytest.raises(Refused):  # the nursery clerk may not post city tax
        corrections.request(payment=posted.payment, kind="move", reason="市税の納付", user=people["clerk"], today=TODAY, targets=[tax])
    assert not PaymentCorrection.objects.exists()


def test_a_rejected_request_changes_nothing_and_may_be_asked_again(taro, nursery_fee, people):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    c = corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["clerk"], today=TODAY)
    with pytest.raises(LedgerError, match="承認待ち"):
        corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["clerk"], today=TODAY)
    with pytest.raises(LedgerError, match="却下の理由"):
        corrections.reject(correction=c, user=people["manager"], note=" ")
    corrections.reject(correction=c, user=people["manager"], note="領収書の控えと一致")
    assert owed(i) == 6_000
    with pytest.raises(LedgerError, match="却下"):
        corrections.approve(correction=c, user=people["manager2"], today=TODAY)
    corrections.request(payment=posted.payment, kind="cancel", reason="やはり誤り", user=people["clerk"], today=TODAY)


def test_bad_requests_write_nothing(taro, hanako, nursery_fee, people):
    i = fee(taro, nursery_fee)
    paid_up = fee(hanako, nursery_fee, no=2)
    record_payment(debtor=hanako, receivable=nursery_fee, amount=10_000, paid_on=date(2026, 5, 1), instalment=paid_up)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    ask = dict(payment=posted.payment, user=people["clerk"], today=TODAY)
    for kw, match in [
        (dict(kind="cancel", reason=""), "理由"),
        (dict(kind="delete", reason="x"), "登録されていません"),
        (dict(kind="move", reason="x"), "振替先の調定を選んでください"),
        (dict(kind="move", reason="x", targets=[i]), "今の消込先と同じ"),
        (dict(kind="move", reason="x", targets=[paid_up]), "未納のない調定"),
        (dict(kind="cancel", reason="x", targets=[paid_up]), "振替先を指定しません"),
    ]:
        with pytest.raises(LedgerError, match=match):
            corrections.request(**ask, **kw)
    assert not PaymentCorrection.objects.exists()


# ---- the screens -------------------------------------------------------------------------


def test_the_screens_ask_then_approve_a_move(client, taro, hanako, nursery_fee, people):
    wrong, right = fee(taro, nursery_fee), fee(hanako, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=10_000, paid_on=date(2026, 5, 20), instalment=wrong, channel="bank")
    client.force_login(people["clerk"])
    page = client.get(f"/debtors/{taro.pk}/").content.decode()
    assert f"/payments/corrections/new/{posted.payment.pk}/" in page
    url = f"/payments/corrections/new/{posted.payment.pk}/"
    found = client.post(url, {"kind": "move", "reason": "同姓同名の別人", "debtor": str(hanako.pk), "find": "1"}).content.decode()
    assert hanako.name in found and f'value="{right.pk}"' in found
    assert AuditEvent.objects.filter(action="payments.correction.target", debtor_id=hanako.pk).exists()
    r = client.post(url, {"kind": "move", "reason": "同姓同名の別人", "debtor": str(hanako.pk), "targets": [str(right.pk)], "submit": "1"})
    c = PaymentCorrection.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/payments/corrections/{c.pk}/"
    own = client.get(r["Location"]).content.decode()
    assert "承認して取消仕訳を計上" not in own  # a clerk does not decide
    client.force_login(people["manager"])
    assert "承認待ち 1件" in client.get("/payments/corrections/").content.decode()
    assert "承認して取消仕訳を計上" in client.get(r["Location"]).content.decode()
    client.post(r["Location"], {"approve": "1", "note": ""})
    assert (owed(wrong), owed(right)) == (10_000, 0)
    assert "承認済" in client.get(r["Location"]).content.decode()


def test_another_department_is_refused_on_every_screen(client, taro, nursery_fee, people):
    i = fee(taro, nursery_fee)
    posted = record_payment(debtor=taro, receivable=nursery_fee, amount=4_000, paid_on=date(2026, 5, 20), instalment=i)
    c = corrections.request(payment=posted.payment, kind="cancel", reason="誤り", user=people["clerk"], today=TODAY)
    client.force_login(people["tax_manager"])
    assert client.get(f"/payments/corrections/new/{posted.payment.pk}/").status_code in (403, 404)
    assert client.post(f"/payments/corrections/{c.pk}/", {"approve": "1"}).status_code == 404
    assert taro.name not in client.get("/payments/corrections/").content.decode()
    assert owed(i) == 6_000

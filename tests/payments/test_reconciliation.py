"""Reconciliation that finishes: suggestions with scores and reasons, a confirmation of
the person and the split before anything posts, 返戻 to the store or bank, reasons and
fields in Japanese, and each department's records and debts its own.

Cast (tests/conftest.py, and here):
- taro (ヤマダ タロウ) owes 市税 12,300円 due 2026-05-01 and 市税 5,000円 due 2026-06-01;
- hanako (サトウ ハナコ) owes 保育料 5,000円 due 2026-05-29 (so an amount alone is not a person);
- kyoko (スズキ キョウコ), whose bank writes her name without small kana (ｽｽﾞｷ ｷﾖｳｺ).
nozei is a tax clerk, hoiku a nursery clerk, demo the administrator.
"""

from datetime import date

import pytest
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.core import suggest
from saiken.core.formats import PaymentRecord
from saiken.debtors.models import Debtor
from saiken.ledger.actions import assess
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Payment
from saiken.payments import actions
from saiken.payments.matching import match_records
from saiken.payments.models import PaymentImport, ReceivedPayment
from saiken.payments.suggestions import suggestions
from saiken.staff.policy import Refused
from saiken.web.templatetags.saiken_tags import debit_result, record_field, record_value
from tests.conftest import staff
from tests.payments.test_conveni_import import csv_file, row

pytestmark = pytest.mark.django_db
PAID = date(2026, 5, 10)


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "nozei": staff(make("nozei", last_name="納税", first_name="一郎"), "clerk", "nozei"),
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "demo": django_user_model.objects.create_superuser("demo", password="x"),
    }


def _assess(debtor, receivable, no, due, amount, notice=""):
    return assess(debtor=debtor, receivable=receivable, fiscal_year=2026, instalment_no=no, nominal_due=due, amount=amount,
                  assessed_on=date(2026, 4, 10), notice_number=notice)


@pytest.fixture
def tax1(taro, city_tax):
    return _assess(taro, city_tax, 1, date(2026, 5, 1), 12_300, notice="N-123")


@pytest.fixture
def tax2(taro, city_tax):
    return _assess(taro, city_tax, 2, date(2026, 6, 1), 5_000)


@pytest.fixture
def fee(hanako, nursery_fee):
    return _assess(hanako, nursery_fee, 1, date(2026, 5, 29), 5_000, notice="N-123")


@pytest.fixture
def kyoko(db, city_tax):
    person = Debtor.objects.create(name="鈴木 今日子", name_kana="スズキ キョウコ", birth_date=date(1990, 2, 28), address="新潟市西区寺尾東3丁目")
    _assess(person, city_tax, 1, date(2026, 8, 31), 7_700)
    return person


def waiting(amount, *, match=None, extra=None, status="unmatched", reason="", instalment=None, channel="direct_debit", paid_on=PAID):
    n = ReceivedPayment.objects.count() + 1
    batch = PaymentImport.objects.create(format="zengin-debit-result", filename=f"result{n}.txt", sha256=f"{n:064d}", status="posted")
    return ReceivedPayment.objects.create(
        import_batch=batch, line=n, format=batch.format, key=f"key{n}", key_hash=n, status=status, amount=amount, paid_on=paid_on,
        channel=channel, match=match or {}, extra=extra or {}, reason=reason, instalment=instalment,
    )


def login(client, user):
    client.force_login(user)
    return client


# --- the scorer (pure) ---------------------------------------------------------------------


def test_the_bank_writes_kana_without_small_letters_and_cuts_at_thirty():
    assert suggest.kana_matches("ｽｽﾞｷ ｷﾖｳｺ", "スズキ キョウコ")
    assert not suggest.kana_matches("ｽｽﾞｷ ｷﾖｳ", "スズキ キョウコ")
    long = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホ"  # 30: the bank's 預金者名 is 30 wide
    assert suggest.kana_matches(long[:30], long + "マミ")
    assert not suggest.kana_matches(long[:20], long)


def test_an_amount_alone_speaks_only_near_the_due_date():
    record = suggest.Record(amount=5_000, paid_on=date(2026, 5, 10))

    def candidate(due):
        return suggest.Candidate(1, 1, due, 5_000, 5_000)

    assert suggest.score(record, candidate(date(2026, 5, 1))).score == suggest.TOTAL + suggest.NEAR  # 9 days
    assert suggest.score(record, candidate(date(2026, 6, 10))).score == suggest.TOTAL + suggest.NEAR  # 31 days: still near
    assert suggest.score(record, candidate(date(2026, 6, 11))).score == suggest.TOTAL + suggest.CLOSE  # 32 days
    assert suggest.score(record, candidate(date(2026, 8, 10))).score == suggest.TOTAL + suggest.CLOSE  # 92 days
    assert suggest.score(record, candidate(date(2026, 8, 11))) is None  # 93 days: an amount is not a person


# --- suggestions ----------------------------------------------------------------------------


def test_amount_and_date_suggestions_are_ordered_by_score(users, taro, city_tax, tax1):
    near = tax1  # 12,300円 due 2026-05-01: paid 9 days after
    later = _assess(taro, city_tax, 3, date(2026, 7, 31), 12_300)  # 82 days away
    _assess(taro, city_tax, 4, date(2026, 12, 25), 12_300)  # too far: not suggested
    r = waiting(12_300)
    found = suggestions([r], users["demo"])[r.pk]
    assert [(s.instalment.pk, s.score) for s in found] == [(near.pk, 45), (later.pk, 35)]
    assert found[0].reasons == ("金額が未納額 12,300円と一致", "納期限（令和8年5月1日）の前後31日以内の納付")


def test_a_kana_name_suggests_the_person_and_outranks_an_amount(users, taro, tax1, tax2, fee, kyoko):
    r = waiting(5_000, extra={"holder": "ﾔﾏﾀﾞ ﾀﾛｳ", "account_type": "1"})
    found = suggestions([r], users["demo"])[r.pk]
    scores = [(s.instalment.pk, s.score) for s in found]
    # taro's 5,000円: name + amount + date; his 12,300円: name + date; hanako's 5,000円: amount + date.
    assert scores == [(tax2.pk, 85), (tax1.pk, 55), (fee.pk, 45)]
    assert "名義（ﾔﾏﾀﾞ ﾀﾛｳ）が債務者のフリガナと一致" in found[0].reasons
    small = waiting(1_000, extra={"holder": "ｽｽﾞｷ ｷﾖｳｺ"})
    assert [s.instalment.debtor for s in suggestions([small], users["demo"])[small.pk]] == [kyoko]


def test_suggestions_stop_at_five_and_never_guess_from_a_near_id(users, taro, city_tax, tax1):
    for no in range(2, 9):
        _assess(taro, city_tax, no, date(2026, 5, 1), 1_000)
    r = waiting(1_000, match={"customer_number": f"{tax1.pk + 1:020d}"})
    found = suggestions([r], users["demo"])[r.pk]
    assert len(found) == 5 and all(s.score == 45 for s in found)
    nothing = waiting(999, match={"customer_number": f"{tax1.pk:020d}"})  # the id is no evidence: no amount, no name
    assert suggestions([nothing], users["demo"])[nothing.pk] == []


def test_another_departments_debts_are_never_suggested(users, tax1, tax2, fee):
    r = waiting(5_000, extra={"holder": "ﾔﾏﾀﾞ ﾀﾛｳ"})
    assert [s.instalment for s in suggestions([r], users["hoiku"])[r.pk]] == [fee]
    assert {s.instalment for s in suggestions([r], users["nozei"])[r.pk]} == {tax1, tax2}


# --- the screen: an ambiguous notice number, the confirmation step --------------------------


def test_an_ambiguous_notice_number_resolves_by_choosing_a_shown_candidate(client, users, taro, tax1, fee):
    record = PaymentRecord(line=1, key="k", amount=12_300, paid_on=PAID, channel="elqr", match={"notice_number": "N-123"})
    m = match_records([record])[1]
    assert m.ambiguous and "通知書番号 N-123 の調定が2件あります" == m.reason
    r = waiting(12_300, match={"notice_number": "N-123"}, status="ambiguous", reason=m.reason, channel="elqr")
    c = login(client, users["demo"])
    page = c.get(reverse("payment_resolve", args=[r.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "通知書番号 N-123 が一致" in html
    assert f'name="instalment" value="{tax1.pk}"' in html and f'name="instalment" value="{fee.pk}"' in html
    assert "調定番号で指定" not in html  # no internal number to type
    shown = c.post(reverse("payment_resolve", args=[r.pk]), {"action": "choose", "instalment": str(tax1.pk)})
    html = shown.content.decode()
    assert shown.status_code == 200 and "山田 太郎" in html and "昭和45年5月1日" in html and "学校町通1番町602-1" in html
    assert 'id="confirm-split"' in html and "本税・本料" in html
    r.refresh_from_db()
    assert r.status == "ambiguous" and not Payment.objects.exists()  # the confirmation step posts nothing
    assert AuditEvent.objects.get(action="payments.resolve_preview").debtor_id == taro.pk  # who saw the person
    c.post(reverse("payment_resolve", args=[r.pk]), {"action": "confirm", "instalment": str(tax1.pk), "confirmed_debtor": str(taro.pk)})
    r.refresh_from_db()
    tax1.refresh_from_db()
    fee.refresh_from_db()
    assert (r.status, r.instalment, tax1.principal_due, fee.principal_due) == ("resolved", tax1, 0, 5_000)
    event = AuditEvent.objects.get(action="payments.resolve")
    assert event.debtor_id == taro.pk and event.detail["confirmed_debtor"] == taro.pk


def test_nothing_posts_without_the_confirmation(client, users, tax1):
    r = waiting(12_300)
    c = login(client, users["demo"])
    for data in ({"instalment": str(tax1.pk)}, {"target": str(tax1.pk)}, {}, {"action": "confirm", "instalment": str(tax1.pk)}):
        c.post(reverse("payment_resolve", args=[r.pk]), data)
    r.refresh_from_db()
    tax1.refresh_from_db()
    assert (r.status, tax1.principal_due) == ("unmatched", 12_300)
    assert not Payment.objects.exists() and not AuditEvent.objects.filter(action="payments.resolve").exists()


def test_a_stale_confirmation_for_another_person_is_refused_and_writes_nothing(client, users, taro, hanako, tax1):
    r = waiting(12_300)
    with pytest.raises(LedgerError, match="確認した債務者と消込先の調定の債務者"):
        actions.resolve(r, tax1, confirmed_debtor=hanako, user=users["demo"])
    c = login(client, users["demo"])
    page = c.post(reverse("payment_resolve", args=[r.pk]), {"action": "confirm", "instalment": str(tax1.pk), "confirmed_debtor": str(hanako.pk)}, follow=True)
    assert "確認した債務者と消込先の調定の債務者（山田 太郎）が異なります" in page.content.decode()
    r.refresh_from_db()
    tax1.refresh_from_db()
    assert (r.status, tax1.principal_due, Payment.objects.count()) == ("unmatched", 12_300, 0)
    assert not AuditEvent.objects.filter(action="payments.resolve").exists()


def test_several_instalments_of_one_person_oldest_first(client, users, taro, tax1, tax2, fee):
    r = waiting(15_000)
    c = login(client, users["demo"])
    shown = c.post(reverse("payment_resolve", args=[r.pk]), {"action": "choose", "instalment": [str(tax2.pk), str(tax1.pk)]})
    assert [(i.pk, amount) for i, _, amount in shown.context["lines"]] == [(tax1.pk, 12_300), (tax2.pk, 2_700)]
    c.post(reverse("payment_resolve", args=[r.pk]), {"action": "confirm", "instalment": [str(tax1.pk), str(tax2.pk)], "confirmed_debtor": str(taro.pk)})
    tax1.refresh_from_db()
    tax2.refresh_from_db()
    assert (tax1.principal_due, tax2.principal_due) == (0, 2_300)
    assert Payment.objects.get().amount == 15_000
    other = waiting(17_300)
    with pytest.raises(LedgerError, match="一人の債務者"):
        actions.resolve(other, [tax2, fee], confirmed_debtor=taro, user=users["demo"])
    assert Payment.objects.count() == 1


def test_the_record_is_shown_with_japanese_names(client, users, tax1):
    r = waiting(12_300, match={"customer_number": "0" * 20, "bank_code": "0001"}, extra={"holder": "ﾔﾏﾀﾞ ﾀﾛｳ", "account_type": "1"},
                reason="顧客番号（00000000000000000000）が当市の調定番号ではありません")
    html = login(client, users["demo"]).get(reverse("payment_resolve", args=[r.pk])).content.decode()
    for text in ("顧客番号", "銀行コード", "預金者名", "1 普通", "口座振替", "令和8年5月10日"):
        assert text in html
    fields = html[html.index('id="record-fields"'):html.index("</table>")]
    assert "direct_debit" not in fields and "holder" not in fields and "account_type" not in fields
    assert debit_result("1") == "資金不足（結果コード 1）" and debit_result("2").startswith("取引なし")
    assert debit_result("8") == "委託者の都合による振替停止（結果コード 8）"
    assert record_field("store_code") == "店舗コード" and record_value("02", "kind") == "02 確報"


def test_the_person_search_lists_open_instalments_to_choose(client, users, tax1, fee):
    r = waiting(12_300)
    html = login(client, users["nozei"]).get(reverse("payment_resolve", args=[r.pk]), {"q": "ヤマダ"}).content.decode()
    assert "山田 太郎" in html and f'name="instalment" value="{tax1.pk}"' in html
    assert f'value="{fee.pk}"' not in html  # hanako's nursery fee is not the tax clerk's


# --- 返戻 ----------------------------------------------------------------------------------


def test_return_to_sender_leaves_the_queue_is_audited_and_exported(client, users):
    r = waiting(3_000, match={"barcode": "9" * 44}, extra={"chain_name": "ローソン", "store_code": "000777"}, channel="convenience")
    c = login(client, users["nozei"])
    assert list(c.get(reverse("payment_queue")).context["page"]) == [r]
    c.post(reverse("payment_resolve", args=[r.pk]), {"action": "return", "reason": "=他団体の払込票"})
    r.refresh_from_db()
    assert (r.status, r.get_status_display(), r.resolved_by) == ("returned", "返戻（当市の収納でない）", users["nozei"])
    assert list(c.get(reverse("payment_queue")).context["page"]) == []
    event = AuditEvent.objects.get(action="payments.return")
    assert event.user == users["nozei"] and "3,000円" in event.summary
    listed = c.get(reverse("payment_returned"))
    assert list(listed.context["page"]) == [r] and "ローソン" in listed.content.decode()
    data = c.get(reverse("payment_returned"), {"format": "csv"})
    text = data.content.decode("cp932")
    assert data["Content-Type"].startswith("text/csv") and "返戻理由" in text and "'=他団体の払込票" in text and ",3000," in text
    assert AuditEvent.objects.filter(action="payments.returned_export").exists()
    with pytest.raises(LedgerError, match="返戻（当市の収納でない）のため返戻にできません"):
        actions.return_to_sender(r, reason="again", user=users["nozei"])
    with pytest.raises(LedgerError, match="理由"):
        actions.return_to_sender(waiting(1), reason=" ", user=users["nozei"])


# --- reasons ---------------------------------------------------------------------------------


def test_reasons_name_what_the_record_carries(users):
    from saiken.core.conveni import barcode_content
    from saiken.payments.imports import import_payments

    foreign = barcode_content(issuer="912345", free="9" * 21, deadline=date(2026, 6, 30), amount=4_000)
    import_payments(csv_file(row("02", foreign, 4_000)), format="conveni", filename="x.csv", user=users["demo"])
    assert ReceivedPayment.objects.get().reason == f"バーコードの自由使用欄（{'9' * 21}）が当市の払込票ではありません"

    def reason(match):
        return match_records([PaymentRecord(line=1, key="k", amount=1, paid_on=PAID, channel="direct_debit", match=match)])[1].reason

    assert reason({"customer_number": "0" * 20, "bank_code": "0001"}) == f"顧客番号（{'0' * 20}）が当市の調定番号ではありません"
    assert reason({"customer_number": "ABC"}) == "顧客番号（ABC）が当市の調定番号ではありません"
    assert reason({"bank_code": "0001"}) == "照合キー（銀行コード）では調定を特定できません（顧客番号・バーコード・通知書番号がありません）"
    assert reason({}) == "照合キー（顧客番号・バーコード・通知書番号）がありません"


# --- each department its own -----------------------------------------------------------------


def test_another_departments_clerk_can_neither_see_nor_resolve(client, users, taro, tax1):
    theirs = waiting(12_300, instalment=tax1, reason="所管外の債権（市税）の調定のため消込していません（所管課で消込）")
    c = login(client, users["hoiku"])
    assert list(c.get(reverse("payment_queue")).context["page"]) == []
    assert c.get(reverse("payment_resolve", args=[theirs.pk])).status_code == 403
    for data in ({"action": "choose", "instalment": str(tax1.pk)},
                 {"action": "confirm", "instalment": str(tax1.pk), "confirmed_debtor": str(taro.pk)},
                 {"action": "return", "reason": "x"}):
        assert c.post(reverse("payment_resolve", args=[theirs.pk]), data).status_code == 403
    unmatched = waiting(12_300)  # anyone's to look at, but the tax instalment is not hers to post to
    refused = c.post(reverse("payment_resolve", args=[unmatched.pk]), {"action": "choose", "instalment": str(tax1.pk)})
    assert refused.status_code == 403 and "所管課（財務部 納税課）" in refused.content.decode()
    with pytest.raises(Refused):
        actions.resolve(unmatched, tax1, confirmed_debtor=taro, user=users["hoiku"])
    with pytest.raises(Refused):
        actions.return_to_sender(theirs, reason="x", user=users["hoiku"])
    theirs.refresh_from_db()
    unmatched.refresh_from_db()
    tax1.refresh_from_db()
    assert (theirs.status, unmatched.status, tax1.principal_due, Payment.objects.count()) == ("unmatched", "unmatched", 12_300, 0)
    mine = suggestions([theirs], users["nozei"])[theirs.pk]  # the tax clerk is shown the instalment its key named
    assert mine[0].instalment == tax1 and mine[0].reasons[0] == "照合キーが指す調定（所管課の消込待ち）"
    actions.return_to_sender(theirs, reason="他団体", user=users["nozei"])
    assert list(actions.returned_records(users["hoiku"])) == [] and list(actions.returned_records(users["nozei"])) == [theirs]


def test_the_queue_suggests_in_a_fixed_number_of_queries(client, users, taro, tax1, tax2, fee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(client, users["nozei"])

    def queries(n):
        for _ in range(n):
            waiting(5_000, extra={"holder": "ﾔﾏﾀﾞ ﾀﾛｳ"}, match={"notice_number": "N-123"})
        with CaptureQueriesContext(connection) as seen:
            page = c.get(reverse("payment_queue"))
        assert all(r.best is not None for r in page.context["page"])
        return len(seen)

    assert queries(2) == queries(6)  # 8 records: as many queries as 2

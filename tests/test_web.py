"""The Japanese screens, on a small city built with the ledger actions.

The cast:
- 山田 太郎 (taro): 市税 FY2023 left unpaid (滞納繰越 in FY2024) and partly paid in
  FY2024; 市税 FY2024 in four instalments, the first due on Sunday 2024-06-30 (so
  rolled to Monday 7/1) and paid at a convenience store; a 宛名番号 and a phone.
- 佐藤 花子 (hanako): 保育料 FY2022, written off by prescription in FY2024.
- 株式会社テスト (corp): a corporation with no debts, so a debtor page can be empty.
- clerk: an ordinary user; boss: staff, who sees the links to the admin.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from saiken.accounting.report import collection_report
from saiken.catalog.models import ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.ledger import actions
from saiken.ledger.models import Instalment
from saiken.web.templatetags.saiken_tags import fy, pct, pt, wareki, yen
from saiken.web.views.debtors import SearchKeys
from saiken.web.views.reports import default_year
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    city_tax = ReceivableType.objects.get(code="city_tax")
    nursery = ReceivableType.objects.get(code="nursery_fee")
    taro = register_debtor(
        name="山田　太郎", name_kana="やまだ たろう", birth_date=date(1970, 5, 1), postal_code="951-8550",
        address="新潟市中央区学校町通1番町602-1", identifiers={"resident": "0001234567", "nhi": "N-778899"},
        contacts=[("phone", "025-226-0000")],
    )
    hanako = register_debtor(name="佐藤 花子", name_kana="サトウ ハナコ", birth_date=date(1985, 2, 14), address="新潟市北区葛塚3197")
    corp = register_debtor(name="株式会社テスト", name_kana="テスト", kind="corporation", corporate_number="7000012050002",
                           address="新潟市西区寺尾東1丁目")

    old = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2023, instalment_no=1, subject="個人市民税",
                         nominal_due=date(2023, 7, 31), amount=30_000, assessed_on=date(2023, 6, 1))
    current = [
        actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2024, instalment_no=n, subject="個人市民税",
                       nominal_due=due, amount=25_000, assessed_on=date(2024, 6, 1))
        for n, due in enumerate([date(2024, 6, 30), date(2024, 8, 31), date(2024, 10, 31), date(2025, 1, 31)], start=1)
    ]
    actions.record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2024, 6, 14),
                           booked_on=date(2024, 6, 17), channel="counter", instalment=old)
    actions.record_payment(debtor=taro, receivable=city_tax, amount=25_000, paid_on=date(2024, 7, 1),
                           booked_on=date(2024, 7, 3), channel="convenience", instalment=current[0])
    fee = actions.assess(debtor=hanako, receivable=nursery, fiscal_year=2022, instalment_no=1, nominal_due=date(2022, 5, 31),
                         amount=12_000, assessed_on=date(2022, 4, 1))
    actions.write_off(instalment=fee, booked_on=date(2024, 10, 1), reason="prescription", note="5年経過")
    return {"taro": taro, "hanako": hanako, "corp": corp, "city_tax": city_tax, "nursery": nursery, "old": old, "current": current}


@pytest.fixture
def clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("clerk", password="pass-1234", last_name="窓口", first_name="一郎"))
    client.force_login(user)
    return user


@pytest.fixture
def boss(client, django_user_model):
    user = staff(django_user_model.objects.create_user("boss", password="pass-1234", is_staff=True))
    client.force_login(user)
    return user


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


# ---- filters ----

def test_filters_show_dates_years_money_and_rates_as_the_city_writes_them():
    assert wareki(date(2024, 7, 1)) == "令和6年7月1日"
    assert wareki(date(2019, 5, 1), "y") == "令和元年5月1日（2019）"
    assert wareki(None) == ""
    assert fy(2019) == "令和元年度" and fy(2018, "y") == "平成30年度（2018）"
    assert yen(1234567) == "1,234,567" and yen(0) == "0" and yen(-500) == "−500"
    assert pct(Decimal("94.66")) == "94.7" and pct(Fraction(947, 1000)) == "94.7" and pct(None) == "—"
    assert pt(Decimal("0.3")) == "+0.3" and pt(Decimal("-0.2")) == "−0.2" and pt(Decimal("0.0")) == "±0.0"
    assert pt(None) == "—"


def test_search_keys_read_hiragana_and_half_width_kana_as_katakana():
    assert SearchKeys.parse("やまだ　たろう").kana == "ヤマダタロウ"
    assert SearchKeys.parse("ﾔﾏﾀﾞ ﾀﾛｳ").kana == "ヤマダタロウ"
    assert SearchKeys.parse("０２５-２２６-００００").digits == "0252260000"
    assert SearchKeys.parse("n-778899").identifier == "N-778899"


def test_the_default_report_year_is_the_latest_complete_fiscal_year():
    years = [2026, 2025, 2024]
    assert default_year(years, date(2026, 11, 27)) == 2025  # FY2026 is under way
    assert default_year(years, date(2026, 3, 31)) == 2024  # still FY2025
    assert default_year([2024, 2023], date(2026, 11, 27)) == 2024  # nothing newer: the latest there is
    assert default_year([2027], date(2026, 11, 27)) == 2027
    assert default_year([], date(2026, 11, 27)) is None


# ---- login ----

def test_every_page_requires_login(client, city):
    urls = [
        reverse("home"), reverse("catalog"), reverse("receivable", args=["city_tax"]), reverse("debtor_search"),
        reverse("debtor", args=[city["taro"].pk]), reverse("collection_report"),
        reverse("collection_report") + "?year=2024&format=csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_login_page_renders_and_logs_in(client, django_user_model):
    staff(django_user_model.objects.create_user("clerk", password="pass-1234"))
    html = page(client, "login")
    assert "ログイン" in html and "新潟市" in html and "ユーザー名" in html and "パスワード" in html
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200 and "正しいユーザー名とパスワード" in response.content.decode()
    response = client.post(reverse("login"), {"username": "clerk", "password": "pass-1234"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_logout_is_a_form_button_that_posts(client, clerk):
    html = page(client, "home")
    assert f'action="{reverse("logout")}"' in html and "ログアウト" in html
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


# ---- pages ----

def test_the_top_bar_shows_the_city_the_menu_and_the_user(client, clerk):
    html = page(client, "home")
    for text in ("新潟市（デモ）", "ホーム", "債権一覧", "債務者検索", "収納状況", "窓口 一郎"):
        assert text in html
    assert "管理画面" not in html


def test_staff_see_the_admin_in_the_menu(client, boss):
    assert "/admin/" in page(client, "home")


def test_home_summarises_the_city(client, clerk, city):
    html = page(client, "home")
    assert "債務者数" in html and ">3<" in html
    open_instalments = Instalment.objects.filter(actions.OPEN).count()
    assert open_instalments == 4 and f">{open_instalments}<" in html
    assert "95,000" in html  # 未収金: 20,000 (FY2023) + 3 × 25,000 (FY2024)
    # The latest complete year with figures is FY2024 (whatever today's date after FY2025 begins).
    total = collection_report(2024).total.line.total
    assert "令和6年度（2024）の収納率" in html
    assert pct(total.rate) in html


def test_home_without_a_ledger_yet(client, clerk):
    html = page(client, "home")
    assert "決算データがありません" in html and "債務者数" in html


def test_catalog_lists_every_receivable_and_its_rules(client, clerk):
    html = page(client, "catalog")
    for text in ("市税", "市民病院診療費（個人分）", "強制徴収公債権", "私債権", "一般会計", "企業会計", "財務部 納税課",
                 "5年・援用不要", "2年・援用不要", "5年・<strong>援用要</strong>", "延滞金（地方税の例による）", "100円",
                 "本税・本料→延滞金→督促手数料", "督促手数料→延滞金→本税・本料"):
        assert text in html, text
    assert len(re.findall(r'href="/catalog/[a-z_]+/"', html)) == 14
    assert "/admin/catalog/receivabletype/add/" not in html


def test_a_receivable_shows_every_setting_and_staff_get_the_admin_links(client, boss):
    r = ReceivableType.objects.get(code="city_tax")
    html = page(client, "receivable", "city_tax")
    for text in ("1. 市税", "基本", "時効", "延滞金・遅延損害金", "督促", "充当", "備考", "法定納期限の翌日から",
                 "督促の発付期限（納期限後の日数）", "20", "2,000", "本税・本料→延滞金→督促手数料", "地方税法18条",
                 "滞納処分の根拠", "印刷される文（督促状）", "地方税法第331条第1項、第373条第1項等の規定により、財産"):
        assert text in html, text
    assert f"/admin/catalog/receivabletype/{r.pk}/change/" in html
    assert "/admin/catalog/receivabletype/add/" in html
    assert client.get(reverse("receivable", args=["no_such_thing"])).status_code == 404


def test_the_admin_links_are_for_staff_only(client, clerk):
    assert "/admin/catalog/" not in page(client, "receivable", "city_tax")


# ---- search ----

def found(html, debtor):
    return reverse("debtor", args=[debtor.pk]) in html


@pytest.mark.parametrize("q", ["やまだたろう", "ヤマダ", "ﾀﾛｳ", "山田太郎", "山田　太郎", "0001234567", "n-778899",
                               "025-226-0000", "０２５２２６００００", "学校町通", "中央区 学校町"])
def test_search_finds_taro_by_any_of_his_names_numbers_and_places(client, clerk, city, q):
    html = page(client, "debtor_search", q=q)
    assert found(html, city["taro"]), q
    assert not found(html, city["hanako"]), q


def test_search_lists_names_that_start_with_the_reading_first(client, clerk, city):
    koyama = register_debtor(name="小山 大樹", name_kana="コヤマ ダイキ")  # コヤマダイキ contains ヤマダ
    html = page(client, "debtor_search", q="やまだ")
    assert found(html, koyama) and found(html, city["taro"])
    assert html.index(reverse("debtor", args=[city["taro"].pk])) < html.index(reverse("debtor", args=[koyama.pk]))


def test_search_by_debtor_id(client, clerk, city):
    html = page(client, "debtor_search", q=str(city["hanako"].pk))
    assert found(html, city["hanako"])


def test_search_by_identifier_is_exact(client, clerk, city):
    assert not found(page(client, "debtor_search", q="000123456"), city["taro"])


def test_search_results_show_reading_birth_date_address_and_open_balance(client, clerk, city):
    html = page(client, "debtor_search", q="やまだ")
    for text in ("山田 太郎", "ヤマダ タロウ", "昭和45年5月1日（1970）", "新潟市中央区学校町通1番町602-1", "95,000円", "1件中"):
        assert text in html, text


def test_search_filters_by_receivable(client, clerk, city):
    html = page(client, "debtor_search", receivable="nursery_fee")
    assert found(html, city["hanako"]) and not found(html, city["taro"])
    html = page(client, "debtor_search", q="新潟市", receivable="city_tax")
    assert found(html, city["taro"]) and not found(html, city["hanako"]) and not found(html, city["corp"])
    assert "未納額（市税）" in html


def test_search_without_a_match_says_so(client, clerk, city):
    assert "見つかりませんでした" in page(client, "debtor_search", q="該当なし")
    assert "検索語を入力" in page(client, "debtor_search")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_search_costs_the_same_queries_for_one_result_or_a_full_page(client, clerk, city, django_assert_max_num_queries):
    url = reverse("debtor_search") + "?q=ヤマダ"
    one = count_queries(client, url)
    city_tax = city["city_tax"]
    for n in range(80):
        d = register_debtor(name=f"山田 {n}郎", name_kana=f"ヤマダ {n}", address="新潟市東区")
        actions.assess(debtor=d, receivable=city_tax, fiscal_year=2024, instalment_no=1, nominal_due=date(2024, 6, 30),
                       amount=1_000 + n, assessed_on=date(2024, 6, 1))
    many = count_queries(client, url)
    assert one == many
    # session, user, staff profile, receivables the user may see, receivables, count, page, balances,
    # the audit row of the search
    with django_assert_max_num_queries(10):
        html = page(client, "debtor_search", q="ヤマダ", page=2)
    assert "81件中 51〜81件目" in html


# ---- debtor page ----

def test_the_debtor_page_shows_who_they_are_and_what_they_owe(client, clerk, city):
    html = page(client, "debtor", city["taro"].pk)
    for text in ("山田 太郎", "ヤマダ タロウ", "個人", "昭和45年5月1日（1970）", "〒951-8550", "宛名番号", "0001234567",
                 "国保被保険者番号", "025-226-0000",
                 # summary by receivable: 調定額 130,000, 収入済額 35,000, 未納額 95,000
                 "債権別の状況", "130,000", "35,000", "95,000",
                 # grouped by year; the first FY2024 instalment rolled from Sunday 6/30 to 7/1
                 "令和5年度（2023）", "令和6年度（2024）", "第1期", "個人市民税", "令和6年7月1日", "（本来 6月30日）", "条例上の納期限は令和6年6月30日",
                 # entries with the payment's date and channel
                 "調定", "収納", "本税・本料", "コンビニ", "窓口", "令和6年7月3日"):
        assert text in html, text


def test_the_debtor_page_shows_a_write_off_and_its_reason(client, clerk, city):
    html = page(client, "debtor", city["hanako"].pk)
    for text in ("保育料", "不納欠損", "時効の完成", "5年経過", "12,000", "令和4年度（2022）", "欠損"):
        assert text in html, text


def test_a_debtor_without_debts_and_a_corporation(client, clerk, city):
    html = page(client, "debtor", city["corp"].pk)
    assert "法人番号" in html and "7000012050002" in html and "調定はありません" in html
    assert client.get(reverse("debtor", args=[999_999])).status_code == 404


def test_the_debtor_page_costs_the_same_queries_for_1_or_20_instalments(client, clerk, city, django_assert_max_num_queries):
    nursery = city["nursery"]
    d = register_debtor(name="多額 滞納", name_kana="タガク タイノウ", identifiers={"resident": "9"}, contacts=[("phone", "1")])
    actions.assess(debtor=d, receivable=nursery, fiscal_year=2024, instalment_no=1, nominal_due=date(2024, 4, 30),
                   amount=10_000, assessed_on=date(2024, 4, 1))
    url = reverse("debtor", args=[d.pk])
    one = count_queries(client, url)
    for n in range(2, 21):
        i = actions.assess(debtor=d, receivable=city["city_tax"] if n % 2 else nursery, fiscal_year=2024, instalment_no=n,
                           nominal_due=date(2024, 4, 30), amount=10_000, assessed_on=date(2024, 4, 1))
        actions.record_payment(debtor=d, receivable=i.receivable, amount=3_000, paid_on=date(2024, 5, 1), instalment=i)
    assert Instalment.objects.filter(debtor=d).count() == 20
    twenty = count_queries(client, url)
    assert one == twenty
    # session, user, debtor, identifiers, contacts, instalments (with demands), entries+payments;
    # then the accrued late charges: receivables, rates, principal paid, overpaid excess,
    # charges fixed, 指定期限, deferments; store payments awaiting confirmation and failed debits;
    # the staff profile, the receivables the user may see, those hidden, the audit row; 名寄せ links;
    # store payments awaiting confirmation and failed debits are two queries (one partial index each);
    # whether each owed instalment is still collectable: receivables, relief (the instalments are the
    # page's own; none may be prescribed yet here, so no projection).
    with django_assert_max_num_queries(21):
        client.get(url)


# ---- collection report ----

def test_the_report_page_shows_collection_reports_figures(client, clerk, city):
    response = client.get(reverse("collection_report"), {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    report = collection_report(2024)
    assert response.context["report"].total.line == report.total.line
    city_tax = next(r for r in report.rows if r.label == "市税")
    assert city_tax.line.current.assessed == 100_000 and city_tax.line.current.collected == 25_000
    assert city_tax.line.arrears.assessed == 30_000 and city_tax.line.arrears.collected == 10_000
    for text in ("令和6年度（2024年度）", "現年度分", "滞納繰越分", "合計", "調定額", "収入済額", "不納欠損額", "収入未済額",
                 "収納率", "前年度比", "市税", "100,000", "75,000", "130,000", "95,000", "12,000",
                 pct(city_tax.line.current.rate), pct(city_tax.line.total.rate), pct(report.total.line.total.rate)):
        assert text in html, text
    # The previous year's rate and the change in points, as the report computes them.
    assert pct(report.total.previous.arrears.rate) in html
    assert pt(report.total.change("arrears")) in html


def test_the_report_defaults_to_the_latest_complete_year(client, clerk, city):
    html = page(client, "collection_report")
    assert '<option value="2024" selected>' in html
    assert "令和6年度（2024年度）" in html


def test_the_report_shows_the_published_history(client, clerk):
    html = page(client, "collection_report")
    assert "公表実績（主要14債権）" in html
    for text in ("平成24年度（2012）", "平成29年度（2017）", "131.0", "96.0", "92.7", "94.7"):
        assert text in html, text
    assert "決算データがありません" in html


def download(client, fmt):
    response = client.get(reverse("collection_report"), {"year": 2024, "format": fmt})
    assert response.status_code == 200
    return response


def test_csv_utf8_has_a_bom_and_the_reports_figures(client, clerk, city):
    response = download(client, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="collection_2024.csv"' in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["番号", "債権", "現年度分 調定額"]
    assert rows[1][:4] == ["1", "市税", "100000", "25000"]
    assert rows[-1][1] == "合計"


def test_csv_shift_jis_decodes_as_cp932(client, clerk, city):
    response = download(client, "sjis")
    assert 'filename="collection_2024_sjis.csv"' in response["Content-Disposition"]
    text = response.content.decode("cp932")
    assert "市税" in text and "収納率" in text


def test_excel_opens_with_the_header_row(client, clerk, city):
    response = download(client, "xlsx")
    assert 'filename="collection_2024.xlsx"' in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "令和6年度" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:3] == ["番号", "債権", "現年度分 調定額"]
    assert ws["B3"].value == "市税" and ws["C3"].value == 100_000

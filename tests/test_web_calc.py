"""The counter's late-charge calculator page reproduces the published examples."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password="x-123456"))
    return client


def amount(html: str) -> int:
    return int(re.search(r'id="late-charge-amount">([\d,]+)<', html).group(1).replace(",", ""))


@pytest.mark.parametrize(
    "principal, due, paid, expected",
    [(56_400, "2026-01-31", "2026-05-29", 1_300), (200_000, "2022-01-31", "2022-03-25", 1_500), (117_300, "2024-01-31", "2024-08-31", 5_300)],
)
def test_published_examples(clerk, principal, due, paid, expected):
    r = clerk.get(reverse("late_charge_calculator"), {"receivable": "city_tax", "principal": principal, "due": due, "paid": paid})
    assert r.status_code == 200
    assert amount(r.content.decode()) == expected


def test_deadlines_and_partial_payments_are_shown(clerk):
    r = clerk.get(reverse("late_charge_calculator"), {
        "receivable": "city_tax", "principal": 200_000, "due": "2022-01-31", "paid": "2022-03-25",
        "payments": "2022-03-10 100000", "demand_issued": "2022-02-15",
    })
    html = r.content.decode()
    assert "令和4年2月25日" in html  # 指定期限: issued 2/15 + 10 days
    assert "令和4年2月26日" in html  # seizure from the next day
    assert html.count("<td class=\"num\">100,000</td>") == 1


def test_bad_payment_line_is_reported_with_its_line_number(clerk):
    r = clerk.get(reverse("late_charge_calculator"), {
        "receivable": "city_tax", "principal": 200_000, "due": "2022-01-31", "paid": "2022-03-25", "payments": "2022-03-10 100000\nきのう 5000",
    })
    assert "2行目" in r.content.decode()
    assert 'id="late-charge-amount"' not in r.content.decode()


def test_login_required(client):
    assert client.get(reverse("late_charge_calculator")).status_code == 302


DISASTER = {"receivable": "city_tax", "principal": 1_000_000, "due": "2024-05-31", "paid": "2025-05-31"}


@pytest.mark.parametrize("line, expected", [("2024-06-01 2025-05-31 disaster", 0), ("2024-06-01 2025-05-31 loss", 8_900), ("2024-06-01 2025-05-31", 8_900)])
def test_a_deferment_by_its_ground(clerk, line, expected):
    """地方税法15条の9第1項: a 徴収猶予 for disaster carries no charge; one for business loss the 猶予特例割合."""
    html = clerk.get(reverse("late_charge_calculator"), {**DISASTER, "deferments": line}).content.decode()
    assert amount(html) == expected
    assert ("徴収猶予期間（免除）" if expected == 0 else "猶予期間（猶予特例割合）") in html


def test_a_stop_on_the_page(clerk):
    html = clerk.get(reverse("late_charge_calculator"), {
        "receivable": "city_tax", "principal": 1_000_000, "due": "2025-04-30", "paid": "2025-12-31",
        "stops": "2025-07-01 2025-09-30",
    }).content.decode()
    assert amount(html) == 31_100
    assert "執行停止期間（免除）" in html


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("stops", "2025-07-01", "1行目: 「開始日 終了日」"),
        ("stops", "2025-07-01 2025-09-30\n2025-09-30 2025-07-01", "2行目: 終了日が開始日より前です"),
        ("deferments", "2024-06-01 2025-05-31 flood", "1行目: 理由 &#x27;flood&#x27; は使えません"),
    ],
)
def test_bad_periods_are_reported_with_their_line(clerk, field, text, message):
    html = clerk.get(reverse("late_charge_calculator"), {**DISASTER, field: text}).content.decode()
    assert message in html
    assert 'id="late-charge-amount"' not in html

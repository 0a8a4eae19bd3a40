"""The warning page (時効完成予定) and the two commands."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from saiken.prescription.models import PrescriptionStatus
from saiken.prescription.projection import refresh

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 5, 1)


@pytest.fixture
def logged_in(client, clerk_user):
    client.force_login(clerk_user)
    return client


def page(client, **params):
    response = client.get(reverse("prescription_warnings"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_requires_login(client):
    response = client.get(reverse("prescription_warnings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_lists_soon_completing_claims_per_department(logged_in, cast):
    refresh(AS_OF)
    html = page(logged_in, as_of=AS_OF.isoformat())
    assert "こども未来部 保育課" in html
    assert "令和7年7月10日" in html  # the nursery fee's completion, 和暦
    assert "督促（令和2年7月10日）により更新" in html
    assert "30,000円" in html and "不要" in html
    assert "山田 太郎" in html and reverse("debtor", args=[cast["nursery"].debtor_id]) in html
    # the 2-year premium and the hospital fee have completed: counted below, not listed
    assert "公債権: 時効完成（不納欠損の候補）" in html
    assert "<h2>保健衛生部 保険年金課</h2>" not in html
    assert "<h2>こども未来部 保育課</h2>" in html


def test_the_page_says_the_citys_reminder_setting(logged_in, settings):
    html = page(logged_in, as_of=AS_OF.isoformat())
    assert "催告（2回目以降の督促を含む）は、公債権についても時効の完成を6か月猶予します" in html
    settings.SAIKEN_PRESCRIPTION_PUBLIC_REMINDER_SUSPENDS = False
    assert "催告は私債権の時効の完成のみを猶予し、公債権には適用しません" in page(logged_in, as_of=AS_OF.isoformat())


def test_the_page_filters_by_department_and_months(logged_in, cast):
    refresh(AS_OF)
    assert "保育料" not in page(logged_in, as_of=AS_OF.isoformat(), department="byoin")
    assert "保育料" not in page(logged_in, as_of=AS_OF.isoformat(), months="1")
    assert "保育料" in page(logged_in, as_of=AS_OF.isoformat(), months="3", department="hoiku")
    assert "6か月以内に時効が完成する未納の調定はありません。" in page(logged_in, as_of="2020-01-01")


def test_refresh_command_prints_progress_and_count(cast):
    out = StringIO()
    call_command("refresh_prescription", "--as-of", "2025-05-01", "--chunk", "2", stdout=out)
    text = out.getvalue()
    assert "2 / 3 件" in text and "3 / 3 件" in text
    assert "時効の状況を 3 件更新しました（基準日 2025-05-01" in text
    assert PrescriptionStatus.objects.count() == 3


def test_warnings_command_text_and_json(cast):
    refresh(AS_OF)
    out = StringIO()
    call_command("prescription_warnings", "--as-of", "2025-05-01", stdout=out)
    text = out.getvalue()
    assert "■ こども未来部 保育課" in text
    assert "令和7年7月10日（あと70日） 保育料 山田 太郎 令和2年度 第1期 30,000円 援用不要" in text
    assert text.strip().endswith("1 件")
    out = StringIO()
    call_command("prescription_warnings", "--as-of", "2025-05-01", "--months", "1", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"as_of": "2025-05-01", "months": 1, "warnings": []}
    out = StringIO()
    call_command("prescription_warnings", "--as-of", "2025-05-01", "--json", stdout=out)
    [row] = json.loads(out.getvalue())["warnings"]
    assert (row["instalment_id"], row["completes_on"], row["days_left"], row["needs_invocation"]) == (cast["nursery"].pk, "2025-07-10", 70, False)

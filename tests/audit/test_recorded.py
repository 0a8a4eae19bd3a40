"""Logins, failed logins, logouts, searches of the register and the linked-records pages
are in the audit log; the audit screen names the actions and the times in Japanese."""

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.urls import reverse

from saiken.audit import record
from saiken.audit.labels import ACTIONS, label
from saiken.audit.models import AuditEvent
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(django_user_model):
    return staff(django_user_model.objects.create_user("hoiku", password="correct horse battery"), "clerk", "hoiku")


@pytest.fixture
def auditor(django_user_model):
    return staff(django_user_model.objects.create_user("kansa"), "auditor")


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_login_and_a_logout_are_recorded_with_the_address(client, clerk):
    r = client.post(reverse("login"), {"username": "hoiku", "password": "correct horse battery"}, REMOTE_ADDR="192.0.2.10")
    assert r.status_code == 302
    [login] = events("auth.login")
    assert (login.user, login.detail) == (clerk, {"username": "hoiku", "remote_addr": "192.0.2.10"})
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")
    [logout] = events("auth.logout")
    assert logout.user == clerk and logout.detail["remote_addr"] == "192.0.2.10"


def test_a_failed_login_names_the_username_tried_and_the_address_never_the_password(client, clerk):
    client.post(reverse("login"), {"username": "hoiku", "password": "wrong-password-123"}, REMOTE_ADDR="198.51.100.7")
    client.post(reverse("login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="198.51.100.8")
    tried = events("auth.login_failed")
    assert [(e.user, e.detail["username"], e.detail["remote_addr"]) for e in tried] == [
        (None, "hoiku", "198.51.100.7"), (None, "nobody", "198.51.100.8"),
    ]
    assert all("wrong-password-123" not in f"{e.summary}{e.detail}" for e in tried)
    assert not events("auth.login")


def test_a_logout_without_a_session_records_nothing(client):
    client.post(reverse("logout"))
    assert not AuditEvent.objects.exists()


def _owes_the_nursery(debtor):
    """The hoiku clerk's register holds the people who owe 保育課."""
    from datetime import date

    from saiken.catalog.models import ReceivableType
    from saiken.ledger.actions import assess

    assess(debtor=debtor, receivable=ReceivableType.objects.get(code="nursery_fee"), fiscal_year=2026, instalment_no=1,
           nominal_due=date(2026, 5, 1), amount=20_000, assessed_on=date(2026, 4, 10))


def test_a_search_of_the_register_is_recorded_with_the_query(client, clerk, taro, hanako):
    _owes_the_nursery(taro)
    client.force_login(clerk)
    assert client.get(reverse("debtor_search"), {"q": "ヤマダ"}).status_code == 200
    [search] = events("debtor.search")
    assert search.user == clerk and search.detail["q"] == "ヤマダ" and "ヤマダ" in search.summary
    assert search.detail["shown"] == [taro.pk] and search.detail["count"] == 1
    client.get(reverse("debtor_search"))  # the empty form searches nothing and records nothing
    assert len(events("debtor.search")) == 1


def test_the_linked_records_page_and_the_queue_are_recorded(client, clerk, taro):
    _owes_the_nursery(taro)
    client.force_login(clerk)
    assert client.get(reverse("matching_person", args=[taro.pk])).status_code == 200
    [seen] = events("matching.view")
    assert (seen.user, seen.debtor_id, seen.detail["shown"]) == (clerk, taro.pk, [taro.pk])
    assert client.get(reverse("matching_queue")).status_code == 200
    assert events("matching.queue_view")[0].user == clerk


def test_the_audit_screen_shows_japanese_action_names_and_japanese_time(client, auditor, clerk):
    e = record(user=clerk, action="auth.login", summary="ログイン: hoiku", detail={"remote_addr": "192.0.2.10"})
    # (the row's time cannot be set afterwards: the table is append-only; see the next test)
    unknown = record(user=None, action="something.new", summary="新しい操作")
    client.force_login(auditor)
    html = client.get(reverse("audit_log")).content.decode()
    assert "<td title=\"auth.login\">ログイン</td>" in html
    assert ">something.new</td>" in html  # an unknown code is shown as it is
    assert "接続元 192.0.2.10" in html
    assert unknown.summary in html and e.summary in html


def test_times_are_shown_in_japan_as_wareki():
    from saiken.web.templatetags.saiken_tags import wareki_time

    assert wareki_time(datetime(2026, 12, 31, 15, 30, 5, tzinfo=timezone.utc)) == "令和9年1月1日 00:30:05"
    assert wareki_time(datetime(2019, 4, 30, 14, 59, 59, tzinfo=timezone.utc)) == "平成31年4月30日 23:59:59"
    assert wareki_time(datetime(2019, 4, 30, 15, 0, 0, tzinfo=timezone.utc)) == "令和元年5月1日 00:00:00"
    assert wareki_time(None) == ""


ROOT = Path(__file__).resolve().parents[2] / "saiken"
LITERAL = re.compile(r"""\baction\s*=\s*["']([a-z_]+(?:\.[a-z_]+)*)["']""")
FORMATTED = re.compile(r"""\baction\s*=\s*f["']([a-z_]+)\.\{""")


def codes_in_the_code_base() -> set[str]:
    """Every literal action code given to record(...) or AuditEvent(...)."""
    found = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "record(" not in text and "AuditEvent(" not in text:
            continue
        found |= {c for c in LITERAL.findall(text) if "." in c or c == "service_check"}
    return found


def test_every_action_code_in_the_code_base_has_a_japanese_name():
    codes = codes_in_the_code_base()
    assert {"auth.login", "debtor.view", "relief.approve", "case.reminder"} <= codes  # the scan finds them
    missing = sorted(codes - set(ACTIONS))
    assert not missing, f"saiken/audit/labels.py has no name for: {missing}"


def test_every_delivery_event_kind_has_a_name():
    from saiken.demands.models import DeliveryKind

    assert all(label(f"demand.{k}") != f"demand.{k}" for k in DeliveryKind.values)
    assert label("no.such") == "no.such"

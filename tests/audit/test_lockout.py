"""Repeated failed logins lock the username for a while, even with the right password;
the lock is counted from the audit log. Sessions end after 30 idle minutes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from saiken.audit import lockout
from saiken.audit.models import AuditEvent
from tests.conftest import staff

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery"


@pytest.fixture
def clerk(django_user_model):
    return staff(django_user_model.objects.create_user("hoiku", password=RIGHT), "clerk", "hoiku")


def login(client, password, username="hoiku", addr="192.0.2.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_five_failures_lock_the_username_and_the_right_password_is_refused(client, clerk):
    for _ in range(4):
        login(client, "wrong")
    assert not lockout.locked("hoiku")
    login(client, "wrong")
    assert lockout.locked("hoiku") and not lockout.locked("nozei")
    r = login(client, RIGHT)
    assert r.status_code == 200 and "一時的に停止" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 6  # the refused attempt is audited too
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_the_lock_covers_every_call_of_authenticate_not_only_the_screen(clerk):
    request = RequestFactory().post("/login/", REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        assert authenticate(request, username="hoiku", password="wrong") is None
    assert authenticate(request, username="hoiku", password=RIGHT) is None


def test_the_lock_ends_when_the_window_has_passed(client, clerk):
    for _ in range(5):
        login(client, "wrong")
    later = timezone.now() + timedelta(minutes=settings.SAIKEN_LOGIN_LOCKOUT_MINUTES, seconds=1)
    assert lockout.locked("hoiku") and not lockout.locked("hoiku", now=later)


def test_a_successful_login_starts_the_count_again(client, clerk):
    for _ in range(4):
        login(client, "wrong")
    assert login(client, RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "wrong")
    assert not lockout.locked("hoiku")
    assert login(client, RIGHT).status_code == 302


def test_the_address_limit_is_off_by_default_and_catches_spraying_when_set(client, clerk, settings):
    for name in ("a", "b", "c", "d", "e", "f"):
        login(client, "wrong", username=name, addr="203.0.113.9")
    assert not lockout.locked("hoiku", "203.0.113.9")
    settings.SAIKEN_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    assert lockout.locked("hoiku", "203.0.113.9") and not lockout.locked("hoiku", "203.0.113.10")


def test_the_password_policy():
    for weak in ("short1A!", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("kaki-no-tane-2026-niigata")


def test_sessions_end_after_thirty_idle_minutes_and_a_request_renews_them(client, clerk):
    from django.contrib.sessions.models import Session

    from saiken.web import session

    assert settings.SAIKEN_IDLE_TIMEOUT_MINUTES == 30 and settings.SESSION_COOKIE_AGE == 30 * 60
    assert login(client, RIGHT).status_code == 302
    key = client.session.session_key
    expires = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < expires - timezone.now() <= timedelta(minutes=30)
    # Idle past the timeout: the session is gone, the next page asks for a login.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("debtor_search")).status_code == 302
    # In use: a request more than a minute after the last renewal renews it.
    assert login(client, RIGHT).status_code == 302
    s = client.session
    s[session.SEEN] = int(s[session.SEEN]) - 61
    s.save()
    Session.objects.filter(session_key=s.session_key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("debtor_search")).status_code == 200
    assert Session.objects.get(session_key=s.session_key).expire_date - timezone.now() > timedelta(minutes=29)


def test_a_request_within_a_minute_does_not_save_the_session():
    from saiken.web.session import SEEN, renew_if_stale

    s = {SEEN: 1_000}
    assert not renew_if_stale(s, now=1_059) and s[SEEN] == 1_000
    assert renew_if_stale(s, now=1_060) and s[SEEN] == 1_060

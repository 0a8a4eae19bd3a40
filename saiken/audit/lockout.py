"""Login throttling, counted from the audit log's failed logins.

After `SAIKEN_LOGIN_MAX_FAILURES` failed logins (default 5) for one username within
`SAIKEN_LOGIN_LOCKOUT_MINUTES` (default 15) since its last successful login, that
username is refused — even with the right password — until the window has passed with
no further failure. Optionally, `SAIKEN_LOGIN_MAX_FAILURES_PER_ADDRESS` (default 0: off)
refuses an address that fails that often for any usernames (password spraying); leave it
off behind a reverse proxy that hides the clients' addresses.

Wrong second-factor codes ("otp.failed", saiken.staff.second_factor) count too, from the
last accepted code or enrolment (not from the password login, which they follow), so a
password alone cannot buy fresh guesses at the code; while locked, no code is checked.

The refusal is the authentication backend's (`ThrottledModelBackend`), so every call of
`django.contrib.auth.authenticate` is throttled, not only the login screen. A refused
attempt is itself a failed login (Django sends user_login_failed), so it is audited and
keeps the lock while someone keeps trying.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.audit.signals import remote_address


def _settings() -> tuple[int, timedelta, int]:
    return (
        int(getattr(settings, "SAIKEN_LOGIN_MAX_FAILURES", 5)),
        timedelta(minutes=int(getattr(settings, "SAIKEN_LOGIN_LOCKOUT_MINUTES", 15))),
        int(getattr(settings, "SAIKEN_LOGIN_MAX_FAILURES_PER_ADDRESS", 0)),
    )


def locked(username: str, address: str = "", now: datetime | None = None) -> bool:
    """Whether a login as `username` from `address` is refused now."""
    limit, window, per_address = _settings()
    now = now or timezone.now()
    since = now - window
    if limit > 0 and username:
        if _failures(username, ("auth.login",), "auth.login_failed", since) + _failures(username, OTP_OK, "otp.failed", since) >= limit:
            return True
    if per_address > 0 and address:
        if AuditEvent.objects.filter(action__in=FAILED, detail__remote_addr=address, at__gte=since).count() >= per_address:
            return True
    return False


FAILED = ("auth.login_failed", "otp.failed")
OTP_OK = ("otp.verified", "otp.enrolled")


def _failures(username: str, ok_actions: tuple[str, ...], failed_action: str, since: datetime) -> int:
    """Failures of one kind for `username` in the window, after its last success of that kind."""
    last_ok = AuditEvent.objects.filter(action__in=ok_actions, detail__username=username, at__gte=since).aggregate(m=Max("at"))["m"]
    return AuditEvent.objects.filter(action=failed_action, detail__username=username, at__gte=max(since, last_ok or since)).count()


LOCKED_MESSAGE = "ログインの失敗が続いたため、このアカウントへのログインを一時的に停止しています。{minutes}分ほどたってから、もう一度お試しください。"


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=int(_settings()[1].total_seconds() // 60))


class ThrottledModelBackend(ModelBackend):
    """Django's username/password backend, refusing while `locked`."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(self._username_field())
        if name is not None and locked(str(name), remote_address(request)):
            raise PermissionDenied(locked_message())  # authenticate() stops here and signals a failure
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD

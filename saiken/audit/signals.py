"""Logins, failed logins and logouts go into the audit log.

Receivers of Django's auth signals; they only record (no lockout, no business logic:
throttling lives with the login itself). A failed login names the username tried and
the remote address, never the password (Django passes the credentials cleansed).
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from saiken.audit import record


def remote_address(request) -> str:
    """The address the request came from, as the web server passed it (REMOTE_ADDR)."""
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="saiken.audit.login")
def logged_in(sender, request, user, **kwargs):
    record(user=user, action="auth.login", summary=f"ログイン: {user.get_username()}",
           detail={"username": user.get_username(), "remote_addr": remote_address(request)})


@receiver(user_login_failed, dispatch_uid="saiken.audit.login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(user=None, action="auth.login_failed", summary=f"ログイン失敗: {username}",
           detail={"username": username, "remote_addr": remote_address(request)})


@receiver(user_logged_out, dispatch_uid="saiken.audit.logout")
def logged_out(sender, request, user, **kwargs):
    if user is None:  # a logout without a session: nobody to name
        return
    record(user=user, action="auth.logout", summary=f"ログアウト: {user.get_username()}",
           detail={"username": user.get_username(), "remote_addr": remote_address(request)})

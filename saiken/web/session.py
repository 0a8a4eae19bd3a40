"""Sessions: the idle timeout, and no caching of what a session is shown.

Idle timeout: a session ends `SAIKEN_IDLE_TIMEOUT_MINUTES` (30) after its last request.

The database session expires SESSION_COOKIE_AGE (the idle timeout) after it was last
saved; this middleware saves it again when a request comes more than a minute after the
last save, so a session in use stays alive and an idle one ends within the timeout
(to the minute). Saving at most once a minute keeps a page's queries the same as
without the timeout.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SEEN = "_saiken_seen"  # epoch seconds of the last save that renewed the session
RENEW_AFTER = 60


def renew_if_stale(session, now: float | None = None) -> bool:
    now = int(now if now is not None else time.time())
    if now - int(session.get(SEEN, 0)) >= RENEW_AFTER:
        session[SEEN] = now  # modified: SessionMiddleware saves it with a new expiry
        return True
    return False


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            renew_if_stale(session)
        return response


@receiver(user_logged_in, dispatch_uid="saiken.web.session.login")
def mark_login(sender, request, user, **kwargs):
    """A new session starts renewed (it is saved with the login itself)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = int(time.time())


NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response but static files: every page a
    user is shown, every file download (督促状 PDF, 総合振込 file...) and every answer of the
    service-check API, so that no browser, proxy or shared computer keeps a copy of a
    person's page. (Deciding which responses show a person would be one more rule to get
    wrong; the login and error pages lose nothing by not being cached.) Static files (CSS)
    stay cacheable: they show nobody.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/") if settings.STATIC_URL else None

    def __call__(self, request):
        response = self.get_response(request)
        if self.static_prefix and request.path.startswith(self.static_prefix):
            return response
        response["Cache-Control"] = NO_STORE
        if response.has_header("Expires"):
            del response["Expires"]
        return response

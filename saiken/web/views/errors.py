"""Our own 400, 403 and 404 pages, in Japanese, inside the site's frame (never Django's).

Any refusal raised in a view (a `policy.Refused` from an action function, the admin's own) is a
PermissionDenied, so Django hands it to `forbidden` with its Japanese reason; the
refused attempt is written to the audit log (access.refused) — outside the view's
transaction, which has already been rolled back, so the refusal itself writes nothing else.
"""

from __future__ import annotations

from django.shortcuts import render

from saiken import audit

DEFAULT_403 = "この操作を行う権限がありません。"
DEFAULT_404 = "お探しのページは見つかりませんでした。"
DEFAULT_400 = "要求の内容が正しくありません。"


def _message(exception, default: str) -> str:
    message = getattr(exception, "message", None)
    if isinstance(message, str) and message:
        return message
    text = str(exception) if exception is not None else ""
    # Django's own exceptions carry English or internal text ("No DemandRun matches…"):
    # only a message we wrote in Japanese is shown.
    return text if text and not text.isascii() and "matches the given query" not in text else default


def forbidden(request, exception=None):
    message = _message(exception, DEFAULT_403)
    if not getattr(exception, "audited", False):  # else the action has recorded it (policy.refuse_recorded)
        audit.record(
            user=request.user, action="access.refused", summary=message,
            detail={"method": request.method, "path": request.path[:500]},
        )
    return render(request, "web/403.html", {"message": message}, status=403)


def not_found(request, exception=None):
    return render(request, "web/404.html", {"message": _message(exception, DEFAULT_404)}, status=404)


def bad_request(request, exception=None):
    return render(request, "web/400.html", {"message": _message(exception, DEFAULT_400)}, status=400)


def csrf_failure(request, reason=""):
    """A form sent without its CSRF token (an expired page, another site): our 403."""
    return render(request, "web/403.html", {"message": "画面の有効期限が切れたか、不正な送信です。画面を開き直してから操作してください。"}, status=403)


def server_error(request):
    """500: a page that needs nothing (no database, no user) — only the static template."""
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("web/500.html").render())

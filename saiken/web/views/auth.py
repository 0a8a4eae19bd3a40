"""ログイン・ログアウト (Django's own views with Japanese templates) and the second factor."""

from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login

from saiken.audit import lockout
from saiken.audit.signals import remote_address
from saiken.staff import second_factor


class LoginForm(AuthenticationForm):
    """Says so when the login was refused for repeated failures (saiken.audit.lockout)."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if lockout.locked(self.cleaned_data.get("username") or "", remote_address(self.request)):
                raise forms.ValidationError(lockout.locked_message(), code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """POST only (a form button in the top bar); goes to LOGOUT_REDIRECT_URL."""


# 二要素認証 (saiken.staff.second_factor): enrolment and the code, after the password.

def _next(request) -> str:
    """Where to go once verified: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request, error: str):
    """Locked after repeated failures: the session ends, and the page says why."""
    logout(request)
    return render(request, "web/otp_verify.html", {"locked": error}, status=403)


@login_required
def otp_setup(request):
    """二要素認証の設定: a QR code and the secret (shown on this page only), confirmed with a code."""
    user = request.user
    if not second_factor.required(user) or user.is_verified():
        return redirect(_next(request))
    if second_factor.confirmed_device(user) is not None:
        return redirect(f"{resolve_url('otp_verify')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        try:
            device = second_factor.confirm_enrolment(user, request.POST.get("code", ""), address=remote_address(request))
        except second_factor.Locked as e:
            return _locked_out(request, e.message)
        except second_factor.Throttled as e:
            device, error = None, e.message
        if device is not None:
            otp_login(request, device)
            messages.success(request, "二要素認証を設定しました。次回から、パスワードの後に認証アプリの確認コードを入力します。")
            return redirect(_next(request))
        error = error or "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
        device = second_factor.pending_device(user)
    else:
        device = None
    if device is None:
        device = second_factor.start_enrolment(user)
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, light="#fff", title="二要素認証の設定用QRコード")
    return render(request, "web/otp_setup.html", {
        "qr": mark_safe(qr), "secret": second_factor.secret_text(device), "error": error, "next": _next(request),
    }, status=200 if not error else 400)


@login_required
def otp_verify(request):
    """確認コード: the 6-digit code of the user's authenticator app, before any other page."""
    user = request.user
    if not second_factor.required(user) or user.is_verified():
        return redirect(_next(request))
    if second_factor.confirmed_device(user) is None:
        return redirect(f"{resolve_url('otp_setup')}?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        try:
            device = second_factor.verify(user, request.POST.get("code", ""), address=remote_address(request))
        except second_factor.Locked as e:
            return _locked_out(request, e.message)
        except second_factor.Throttled as e:
            device, error = None, e.message
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        error = error or "確認コードが正しくありません。"
    return render(request, "web/otp_verify.html", {"error": error, "next": _next(request)}, status=200 if not error else 400)

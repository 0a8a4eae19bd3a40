"""Before any other page, a user who needs a second factor (saiken.staff.second_factor)
gives it: after the password, every request — GET or POST, our pages and the Django admin
alike — is sent to the enrolment page (no confirmed device yet) or to the code page,
until this session is verified. Only the login, logout and second-factor pages answer.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect

from saiken.staff import second_factor

# The URL names an unverified user may reach (everything else is sent to the second factor).
OPEN = frozenset({"login", "logout", "otp_setup", "otp_verify"})


class SecondFactorMiddleware:
    """After django_otp.middleware.OTPMiddleware (which gives request.user.is_verified())."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not second_factor.required(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and not match.namespace and match.url_name in OPEN:
            return None
        target = "otp_verify" if second_factor.confirmed_device(user) is not None else "otp_setup"
        url = redirect(target).url
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)

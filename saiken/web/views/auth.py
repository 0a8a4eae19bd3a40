"""ログイン・ログアウト: Django's own views with Japanese templates."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from saiken.audit import lockout
from saiken.audit.signals import remote_address


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

"""ログイン・ログアウト: Django's own views with Japanese templates."""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (a form button in the top bar); goes to LOGOUT_REDIRECT_URL."""

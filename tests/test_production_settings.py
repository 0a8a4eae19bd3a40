"""Safe by default: production settings unless SAIKEN_DEBUG=1; `saiken check --deploy`
reports nothing on them; every response carries a Content-Security-Policy; what a
logged-in user is shown, and every download, is never cached.

The suite itself runs on the development settings (pyproject: env SAIKEN_DEBUG=1), so the
production settings are loaded in a fresh interpreter with a production environment.
"""

import io
import json
import os
import re
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from saiken.web.session import NoStoreMiddleware
from tests.conftest import operator, staff

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, django
from io import StringIO
from django.conf import settings
django.setup()
from django.core.management import call_command
from django.core.management.base import SystemCheckError
out = StringIO()
try:
    call_command("check", deploy=True, fail_level="DEBUG", stdout=out, stderr=out)  # any message fails
    passed = True
except SystemCheckError as e:
    out.write(str(e))
    passed = False
print(json.dumps({
    "check": out.getvalue(),
    "passed": passed,
    "DEBUG": settings.DEBUG,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "X_FRAME_OPTIONS": settings.X_FRAME_OPTIONS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SILENCED_SYSTEM_CHECKS": settings.SILENCED_SYSTEM_CHECKS,
    "SAIKEN_OTP_ROLES": list(settings.SAIKEN_OTP_ROLES),
}))
"""


def run_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    """Load saiken.settings in a new interpreter with a production environment plus `env`."""
    # Not the suite's own: SAIKEN_DEBUG=1 (pyproject), DJANGO_ALLOW_ASYNC_UNSAFE (the browser tests).
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SAIKEN_", "DJANGO_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "saiken.settings", "SAIKEN_DATA_DIR": str(tmp_path),
                 "SAIKEN_ALLOWED_HOSTS": "saiken.city.example.lg.jp"}, **env)
    return subprocess.run([sys.executable, "-c", PROBE], env=base, cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_on_the_production_settings(tmp_path):
    done = run_settings(tmp_path, SAIKEN_SECRET_KEY=secrets.token_urlsafe(50), SAIKEN_BEHIND_PROXY="1")
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["passed"] and "System check identified no issues (0 silenced)" in got["check"], got["check"]
    assert got["SILENCED_SYSTEM_CHECKS"] == []
    assert got["DEBUG"] is False and got["SECURE_SSL_REDIRECT"] is True
    assert got["SECURE_HSTS_SECONDS"] >= 31_536_000 and got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"] and got["SESSION_COOKIE_HTTPONLY"]
    assert got["X_FRAME_OPTIONS"] == "DENY"
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert got["SAIKEN_OTP_ROLES"] == ["manager", "admin"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    done = run_settings(tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "SAIKEN_SECRET_KEY が設定されていません" in done.stderr


def test_a_weak_key_or_plain_http_is_reported_by_the_check(tmp_path):
    got = json.loads(run_settings(tmp_path, SAIKEN_SECRET_KEY="short", SAIKEN_HTTPS="0").stdout.strip().splitlines()[-1])
    assert not got["passed"]
    for code in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert code in got["check"]


def test_the_development_settings_only_with_saiken_debug(tmp_path):
    done = run_settings(tmp_path, SAIKEN_DEBUG="1")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["DEBUG"] is True and got["SECURE_SSL_REDIRECT"] is False and not got["SESSION_COOKIE_SECURE"]


def test_make_run_starts_the_demo_on_the_development_settings_without_a_second_factor():
    makefile = (ROOT / "Makefile").read_text()
    env = re.search(r"^DEMO_ENV\s*:=\s*(.*)$", makefile, re.M).group(1).split()
    assert env == ["SAIKEN_DEBUG=1", "SAIKEN_OTP_ROLES="]
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in recipe.splitlines() if "saiken " in line and "echo" not in line]
    assert len(commands) == 3 and all(c.startswith("$(DEMO_ENV) ") for c in commands)


# Content-Security-Policy

TEMPLATES = ROOT / "saiken" / "web" / "templates"


def test_no_template_has_an_inline_script_style_or_event_handler():
    """The policy forbids them (style-src and script-src 'self'): they would not run."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            found += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text, re.I)]
    assert not found


@pytest.mark.django_db
def test_every_page_carries_the_policy(client, django_user_model):
    client.force_login(staff(django_user_model.objects.create_user("boss"), "admin"))
    for response in (client.get(reverse("home")), client.get(reverse("login"))):
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'" and "unsafe" not in policy


# Cache-Control: no-store


@pytest.mark.django_db
def test_a_debtor_page_is_not_stored(client, django_user_model, taro):
    client.force_login(staff(django_user_model.objects.create_user("boss"), "admin"))
    response = client.get(reverse("debtor", args=[taro.pk]))
    assert response.status_code == 200 and taro.name in response.content.decode()
    assert response["Cache-Control"] == "no-store, private"
    assert client.get(reverse("home"))["Cache-Control"] == "no-store, private"
    client.logout()
    assert client.get(reverse("login"))["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_a_generated_pdf_is_not_stored(client, django_user_model, taro, city_tax, settings, tmp_path):
    from saiken.demands.actions import issue_demands
    from saiken.demands.documents import render_run
    from saiken.ledger.actions import assess

    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=12_300, assessed_on=date(2026, 4, 10))
    run = issue_demands(user=operator(), as_of=date(2026, 5, 15))
    render_run(run, user=operator())
    client.force_login(staff(django_user_model.objects.create_user("boss"), "admin"))
    response = client.get(reverse("demand_run_pdf", args=[run.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store, private"
    assert "attachment" in response["Content-Disposition"]


def test_every_answer_but_a_static_file_is_not_stored():
    from django.contrib.auth.models import AnonymousUser
    from django.http import FileResponse, HttpResponse, JsonResponse

    def answer(response):
        def view(request):
            return response
        return view

    request = RequestFactory().get("/api/service-check/")
    request.user = AnonymousUser()
    assert NoStoreMiddleware(answer(FileResponse(io.BytesIO(b"x"), as_attachment=True, filename="a.csv")))(request)["Cache-Control"] == "no-store, private"
    assert NoStoreMiddleware(answer(JsonResponse({"delinquent": False})))(request)["Cache-Control"] == "no-store, private"

    static = RequestFactory().get("/static/saiken/saiken.css")
    static.user = AnonymousUser()
    assert not NoStoreMiddleware(answer(HttpResponse("css")))(static).has_header("Cache-Control")

"""A second factor (TOTP) after the password, for managers and administrators.

The suite runs with nobody asked (tests/conftest.py); these tests turn on the production
default, SAIKEN_OTP_ROLES = manager, admin. The cast mirrors the demo logins:
hoiku-kacho (nursery manager), hoiku (nursery clerk), iinkai (committee), demo (a superuser).
"""

import re
import time
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from saiken.audit import lockout
from saiken.audit.models import AuditEvent
from saiken.demands.models import DemandRun
from saiken.staff import second_factor
from saiken.web.second_factor import OPEN
from tests.conftest import staff

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def production_roles(settings):
    settings.SAIKEN_OTP_ROLES = ("manager", "admin")  # the production default (saiken/settings.py)
    # django-otp's own back-off (1 s after a wrong code, then 2, 4...) would refuse the right
    # code typed a millisecond after a wrong one; test_the_back_off_after_a_wrong_code keeps it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def manager(django_user_model):
    return staff(django_user_model.objects.create_user("hoiku-kacho", password=PASSWORD), "manager", "hoiku")


@pytest.fixture
def clerk(django_user_model):
    return staff(django_user_model.objects.create_user("hoiku", password=PASSWORD), "clerk", "hoiku")


@pytest.fixture
def committee(django_user_model):
    return staff(django_user_model.objects.create_user("iinkai", password=PASSWORD), "committee")


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("demo", password=PASSWORD)


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client, user) -> TOTPDevice:
    assert client.get(reverse("otp_setup")).status_code == 200
    device = second_factor.pending_device(user)
    assert client.post(reverse("otp_setup"), {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def every_url() -> list[tuple[str, str]]:
    """(url name, a path) for every pattern of our URL configuration (the admin is walked
    separately: its patterns are regular expressions)."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if not isinstance(p.pattern, RoutePattern):
                continue
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
                found.append((p.name, "/" + path))

    walk(get_resolver().url_patterns, "")
    return found


ADMIN_PAGES = ["/admin/", "/admin/auth/user/", "/admin/auth/user/add/", "/admin/catalog/receivabletype/",
               "/admin/otp_totp/totpdevice/"]


def test_who_is_asked():
    from django.contrib.auth.models import AnonymousUser

    assert not second_factor.required(AnonymousUser())


def test_managers_and_administrators_are_asked_clerks_and_the_committee_are_not(manager, clerk, committee, root, django_user_model, settings):
    assert second_factor.required(manager) and second_factor.required(root)
    assert not second_factor.required(clerk) and not second_factor.required(committee)
    admin_site_clerk = staff(django_user_model.objects.create_user("site", is_staff=True), "clerk", "hoiku")
    assert second_factor.required(admin_site_clerk)  # may enter the Django admin: asked while "admin" is listed
    settings.SAIKEN_OTP_ROLES = ("manager",)
    assert not second_factor.required(root) and not second_factor.required(admin_site_clerk)
    settings.SAIKEN_OTP_ROLES = ()
    assert not second_factor.required(manager)


def test_a_manager_without_a_device_is_sent_to_enrolment_from_every_page_get_and_post(client, manager):
    assert login(client, "hoiku-kacho").status_code == 302
    urls = every_url()
    assert len(urls) > 100 and ("debtor", "/debtors/1/") in urls
    setup = reverse("otp_setup")
    for name, path in urls:
        if name in OPEN:
            continue
        got = client.get(path)
        assert got.status_code == 302 and got["Location"] == f"{setup}?{urlencode({'next': path})}", (name, path)
        posted = client.post(path, {"as_of": "2026-05-15"})
        assert posted.status_code == 302 and posted["Location"] == setup, (name, path)
    assert not DemandRun.objects.exists()
    assert not AuditEvent.objects.exclude(action__in=("auth.login",)).exists()  # nothing shown, nothing done


def test_the_admin_site_is_covered(client, root):
    assert client.post(reverse("admin:login"), {"username": "demo", "password": PASSWORD, "next": "/admin/"}).status_code == 302
    assert "_auth_user_id" in client.session
    for path in ADMIN_PAGES:
        got = client.get(path)
        assert got.status_code == 302 and got["Location"].startswith(reverse("otp_setup")), path
        assert client.post(path, {"username": "x"}).status_code == 302
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    enrol(client, root)
    assert client.get("/admin/").status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_and_refuses_a_wrong_code(client, manager):
    login(client, "hoiku-kacho")
    page = client.get(reverse("otp_setup") + "?next=/debtors/")
    html = page.content.decode()
    device = second_factor.pending_device(manager)
    assert page.status_code == 200 and "二要素認証の設定" in html and "<svg" in html
    assert second_factor.secret_text(device) in html and "otpauth" not in html  # the key, typed in groups of four
    assert not device.confirmed
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("otp_setup"), {"code": wrong, "next": "/debtors/"})
    assert refused.status_code == 400 and "確認コードが正しくありません" in refused.content.decode()
    assert second_factor.secret_text(device) in refused.content.decode()  # the same key, to try again
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="otp.failed", user=manager, detail__stage="enrolment").count() == 1
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(reverse("otp_setup"), {"code": right, "next": "/debtors/"})
    assert done.status_code == 302 and done["Location"] == "/debtors/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("debtor_search")).status_code == 200
    assert AuditEvent.objects.filter(action="otp.enrolled", user=manager).count() == 1
    assert client.get(reverse("otp_setup")).status_code == 302  # the key is never shown again


def test_each_visit_of_the_enrolment_page_makes_a_new_key(client, manager):
    login(client, "hoiku-kacho")
    client.get(reverse("otp_setup"))
    first = second_factor.pending_device(manager).key
    client.get(reverse("otp_setup"))
    assert second_factor.pending_device(manager).key != first
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_the_next_login_asks_the_code(client, manager):
    login(client, "hoiku-kacho")
    device = enrol(client, manager)
    client.post(reverse("logout"))

    assert login(client, "hoiku-kacho").status_code == 302
    asked = client.get("/debtors/1/")
    assert asked.status_code == 302 and asked["Location"] == reverse("otp_verify") + "?next=%2Fdebtors%2F1%2F"
    # No second device while the first one stands: the enrolment page sends to the code.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_setup"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    page = client.get(reverse("otp_verify"))
    assert page.status_code == 200 and "確認コード" in page.content.decode()
    assert client.post(reverse("otp_verify"), {"code": code(device)}).status_code == 400  # the enrolment's code, once only
    assert client.get(reverse("home")).status_code == 302
    ok = client.post(reverse("otp_verify"), {"code": code(device, steps_ahead=1), "next": "/debtors/"})
    assert ok.status_code == 302 and ok["Location"] == "/debtors/"
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="otp.verified", user=manager).count() == 1
    assert AuditEvent.objects.filter(action="otp.failed", user=manager, detail__stage="login").count() == 1


def test_a_next_outside_the_site_is_not_followed(client, manager):
    login(client, "hoiku-kacho")
    client.get(reverse("otp_setup"))
    done = client.post(reverse("otp_setup"), {"code": code(second_factor.pending_device(manager)), "next": "https://evil.example/"})
    assert done["Location"] == reverse("home")


def test_a_clerk_and_the_committee_are_not_asked(client, clerk, committee):
    for user in ("hoiku", "iinkai"):
        login(client, user)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("otp_setup")).status_code == 302  # nothing to set up
        client.post(reverse("logout"))
    assert not TOTPDevice.objects.exists()


def test_wrong_codes_count_in_the_lockout_and_a_new_password_login_does_not_reset_them(client, manager, settings):
    login(client, "hoiku-kacho")
    device = enrol(client, manager)
    client.post(reverse("logout"))
    wrong = f"{(int(code(device, 2)) + 1) % 1_000_000:06d}"
    login(client, "hoiku-kacho")
    for _ in range(3):
        assert client.post(reverse("otp_verify"), {"code": wrong}).status_code == 400
    client.post(reverse("logout"))
    assert login(client, "hoiku-kacho").status_code == 302  # the password is right and not locked yet
    assert not lockout.locked("hoiku-kacho")
    client.post(reverse("otp_verify"), {"code": wrong})
    assert not lockout.locked("hoiku-kacho")
    client.post(reverse("otp_verify"), {"code": wrong})
    assert lockout.locked("hoiku-kacho")  # 5 wrong codes (SAIKEN_LOGIN_MAX_FAILURES) since the last accepted one

    refused = client.post(reverse("otp_verify"), {"code": code(device, 1)})  # even the right code
    assert refused.status_code == 403 and "一時的に停止" in refused.content.decode()
    assert "_auth_user_id" not in client.session  # the session has ended
    again = login(client, "hoiku-kacho")
    assert again.status_code == 200 and "一時的に停止" in again.content.decode()
    assert AuditEvent.objects.filter(action="otp.failed").count() == 5


def test_the_back_off_after_a_wrong_code(client, manager, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    login(client, "hoiku-kacho")
    device = enrol(client, manager)
    client.post(reverse("logout"))
    login(client, "hoiku-kacho")
    client.post(reverse("otp_verify"), {"code": "000000" if code(device, 1) != "000000" else "111111"})
    waiting = client.post(reverse("otp_verify"), {"code": code(device, 1)})
    assert waiting.status_code == 400 and "少し時間をおいて" in waiting.content.decode()
    assert AuditEvent.objects.filter(action="otp.failed").count() == 1  # waiting is not a failure


def test_otp_actions_have_japanese_names():
    from saiken.audit.labels import label

    assert (label("otp.enrolled"), label("otp.verified"), label("otp.failed")) == ("二要素認証の設定", "確認コードによる認証", "確認コードの誤り")


def test_an_administrator_deletes_a_lost_device_in_the_admin_and_it_is_audited(client, manager, root):
    login(client, "hoiku-kacho")
    device = enrol(client, manager)
    client.post(reverse("logout"))
    login(client, "demo")
    enrol(client, root)
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403  # no device of the admin's making
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200 and device.key not in change.content.decode()  # the key is never shown
    assert client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    reset = AuditEvent.objects.get(action="otp.reset")
    assert reset.user == root and reset.detail["username"] == "hoiku-kacho"
    client.post(reverse("logout"))
    login(client, "hoiku-kacho")
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))  # enrols again

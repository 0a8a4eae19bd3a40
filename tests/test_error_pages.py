"""Our own 403 and 404 pages, in Japanese, in the site's frame, with DEBUG off
(what a city runs): a `policy.Refused` raised in a view shows its reason."""

import pytest
from django.http import Http404
from django.test import override_settings
from django.urls import path

from saiken.audit.models import AuditEvent
from saiken.staff.policy import Refused
from saiken.urls import urlpatterns as site
from tests.conftest import staff

pytestmark = pytest.mark.django_db


def refuse(request):
    raise Refused("市税の督促状の発付は、所管課（財務部 納税課）の職員だけが行えます。")


def missing(request):
    raise Http404("督促状が見つかりません。")


def django_missing(request):
    raise Http404("No DemandRun matches the given query.")


def boom(request):
    raise RuntimeError("broken")


urlpatterns = [path("t/boom/", boom), path("t/refuse/", refuse), path("t/missing/", missing), path("t/django-missing/", django_missing), *site]
handler403 = "saiken.web.views.errors.forbidden"
handler404 = "saiken.web.views.errors.not_found"
handler500 = "saiken.web.views.errors.server_error"


@pytest.fixture
def clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("hoiku"), "clerk", "hoiku")
    client.force_login(user)
    return user


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_refusal_is_our_403_with_its_reason_and_audited(client, clerk):
    response = client.post("/t/refuse/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>権限がありません" in html and "市税の督促状の発付は、所管課（財務部 納税課）の職員だけが行えます。" in html
    assert 'class="username"' in html  # the site's frame (web/base.html)
    assert "403 Forbidden" not in html and "Forbidden" not in html
    row = AuditEvent.objects.get(action="access.refused")
    assert (row.user, row.detail) == (clerk, {"method": "POST", "path": "/t/refuse/"})


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_not_found_is_our_404_in_japanese(client, clerk):
    for url, text in (("/t/missing/", "督促状が見つかりません。"), ("/t/django-missing/", "お探しのページは見つかりませんでした。"),
                      ("/no-such-page/", "お探しのページは見つかりませんでした。")):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404, url
        assert "<title>見つかりません" in html and text in html, url
        assert "Not Found" not in html and "matches the given query" not in html, url


@override_settings(DEBUG=False)
def test_the_projects_own_handlers_answer_a_real_screen(client, clerk):
    """Through the project's URLs: a run that does not exist, and a refused run."""
    response = client.get("/demands/runs/999999/")
    assert response.status_code == 404 and "<title>見つかりません" in response.content.decode()
    response = client.post("/relief/write-off/", {"as_of": "2024-07-10"})
    assert response.status_code == 403 and "不納欠損を行う権限がありません" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_without_its_token_is_our_403(django_user_model, clerk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk)
    response = strict.post("/relief/write-off/", {"as_of": "2024-07-10"})
    assert response.status_code == 403 and "画面の有効期限が切れたか" in response.content.decode()
    assert "CSRF" not in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_is_a_japanese_page(client, clerk):
    client.raise_request_exception = False
    response = client.get("/t/boom/")
    assert response.status_code == 500 and "エラーが発生しました" in response.content.decode()

"""行政サービス利用制限の照会: client systems with tokens, consent as a record, one answer
for unknown and known identities, every call audited, a rate limit.

Cast: taro (宛名番号 100001) owes an overdue 保育料 instalment; hanako (100002) owes
nothing overdue; 100003 is nobody. The 住環境政策課's housing system asks about
市営住宅の入居 (a service seeded by the migration); its clerk uses the screen.
"""

import itertools
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.core import service_check as rules
from saiken.debtors.actions import add_identifier
from saiken.debtors.models import Debtor, DebtorLink, Person
from saiken.ledger.actions import assess
from saiken.staff import service_check as checks
from saiken.staff.models import ServiceCheck, ServiceClient, ServiceConsent
from tests.conftest import operator, staff

pytestmark = pytest.mark.django_db

API = "service_check_api"
SCREEN = "service_check"


# ---------------------------------------------------------------------------
# The rules (no database)
# ---------------------------------------------------------------------------


class TestRules:
    pytestmark = []

    def test_consent_of_today_and_of_exactly_the_valid_days_is_good_one_more_day_is_not(self):
        today = date(2026, 12, 7)
        assert rules.consent_refusal(consented_on=today, today=today, valid_days=90) is None
        assert rules.consent_refusal(consented_on=today - timedelta(days=90), today=today, valid_days=90) is None
        assert "90日" in rules.consent_refusal(consented_on=today - timedelta(days=91), today=today, valid_days=90)

    def test_consent_dated_tomorrow_is_refused(self):
        assert "将来" in rules.consent_refusal(consented_on=date(2027, 1, 1), today=date(2026, 12, 31), valid_days=90)

    def test_the_valid_days_across_a_leap_day(self):
        # 2024-02-29 + 90 days = 2024-05-29 (March 31, April 30, May 29).
        assert rules.consent_refusal(consented_on=date(2024, 2, 29), today=date(2024, 5, 29), valid_days=90) is None
        assert rules.consent_refusal(consented_on=date(2024, 2, 29), today=date(2024, 5, 30), valid_days=90) is not None

    def test_identity_matches_on_name_as_written_or_read_and_the_birth_date(self):
        known = {"name": "髙橋 太郎", "name_kana": "タカハシ タロウ", "birth_date": date(1970, 5, 1)}
        assert rules.identity_matches(given_name="高橋　太郎", given_birth_date=date(1970, 5, 1), **known)
        assert rules.identity_matches(given_name="ﾀｶﾊｼ ﾀﾛｳ", given_birth_date=date(1970, 5, 1), **known)
        assert not rules.identity_matches(given_name="高橋 太郎", given_birth_date=date(1970, 5, 2), **known)
        assert not rules.identity_matches(given_name="高橋 次郎", given_birth_date=date(1970, 5, 1), **known)
        assert not rules.identity_matches(given_name="", given_birth_date=date(1970, 5, 1), **known)
        assert not rules.identity_matches(given_name="高橋 太郎", given_birth_date=date(1970, 5, 1), name="高橋 太郎", name_kana="", birth_date=None)

    def test_the_answer(self):
        assert rules.answer(matched=True, delinquent=True) == "refer"
        assert rules.answer(matched=True, delinquent=False) == "clear"
        assert rules.answer(matched=False, delinquent=False) == "clear"
        assert rules.answer(matched=False, delinquent=False, unmatched_answer="refer") == "refer"


# ---------------------------------------------------------------------------
# The cast
# ---------------------------------------------------------------------------


@pytest.fixture
def people(taro, hanako, nursery_fee):
    add_identifier(taro, "resident", "100001")
    add_identifier(hanako, "resident", "100002")
    assess(debtor=taro, receivable=nursery_fee, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 4, 30), amount=34_567, assessed_on=date(2025, 4, 1))
    assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2040, instalment_no=1, nominal_due=date(2040, 4, 30), amount=1_000, assessed_on=date(2040, 4, 1))


@pytest.fixture
def housing_system(db):
    """The housing department's system, allowed 市営住宅の入居 only; returns its token."""
    client, token = checks.add_client(name="jutaku-system", services=["shiei_jutaku"], user=operator())
    return token


def today():
    return timezone.localdate()


_numbers = itertools.count(1)


def body(identifier="100001", name="山田 太郎", birth_date="1970-05-01", service="shiei_jutaku", document_number=None, consented_on=None, **extra):
    """A complete request; each its own consent document unless one is named."""
    if document_number is None:
        document_number = f"住宅-2026-{next(_numbers):04d}"
    data = {
        "service": service,
        "applicant": {"system": "resident", "identifier": identifier, "name": name, "birth_date": birth_date},
        "consent": {"document_number": document_number, "consented_on": consented_on or today().isoformat()},
    }
    data.update(extra)
    return json.dumps(data)


def call(client, token, data=None, **kw):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(reverse(API), data if data is not None else body(**kw), content_type="application/json", **headers)


def audit_rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# ---------------------------------------------------------------------------
# The API: who may call
# ---------------------------------------------------------------------------


def test_the_answer_is_one_word_and_never_the_details(client, people, housing_system, taro):
    response = call(client, housing_system)
    assert response.status_code == 200
    assert set(response.json()) == {"result", "check", "as_of"} and response.json()["result"] == "refer"
    assert "34567" not in response.content.decode() and "保育" not in response.content.decode()
    assert call(client, housing_system, identifier="100002", name="佐藤 花子", birth_date="1985-02-14").json()["result"] == "clear"


def test_the_consent_is_a_record_linked_to_the_call(client, people, housing_system, taro):
    check_id = call(client, housing_system, document_number="住宅-2026-0099").json()["check"]
    check = ServiceCheck.objects.select_related("consent", "client", "service").get(pk=check_id)
    c = check.consent
    assert (c.service.code, c.system, c.identifier, c.name, c.birth_date, c.document_number, c.consented_on) == (
        "shiei_jutaku", "resident", "100001", "山田 太郎", date(1970, 5, 1), "住宅-2026-0099", today())
    assert check.client.name == "jutaku-system" and check.asked_by is None and check.debtor == taro and check.result == "refer"
    row = AuditEvent.objects.get(action="service_check.call")
    assert row.target_id == check.pk and row.debtor_id == taro.pk and row.detail["client"] == "jutaku-system"
    assert row.detail["document_number"] == "住宅-2026-0099" and "34" not in row.summary


def test_no_token_a_wrong_token_and_a_session_are_all_refused_401_and_audited(client, people, housing_system, django_user_model):
    prefix = housing_system.partition(".")[0]
    for token in (None, "", f"{prefix}.wrong-secret", "nonsense"):
        response = call(client, token)
        assert response.status_code == 401 and "トークン" in response.json()["error"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    # A logged-in administrator's session cookie gives nothing here either.
    client.force_login(staff(django_user_model.objects.create_user("admin2"), "admin"))
    assert call(client, None).status_code == 401
    rows = audit_rows("service_check.refused")
    assert len(rows) == 5 and all(r.detail["status"] == 401 for r in rows)
    assert rows[2].detail["token_prefix"] == prefix and "wrong-secret" not in json.dumps(rows[2].detail)
    assert ServiceCheck.objects.count() == 0


def test_the_api_answers_only_post(client, housing_system):
    assert client.get(reverse(API), HTTP_AUTHORIZATION=f"Bearer {housing_system}").status_code == 405


def test_a_revoked_client_is_refused(client, people, housing_system):
    assert call(client, housing_system).status_code == 200
    checks.revoke_client(name="jutaku-system", user=operator())
    assert call(client, housing_system).status_code == 401


def test_the_token_is_kept_only_as_a_hash(housing_system):
    client = ServiceClient.objects.get()
    assert housing_system not in (client.token_hash, client.token_prefix) and len(client.token_hash) == 64
    assert checks.authenticate(housing_system) == client
    assert checks.authenticate(housing_system + "x") is None and checks.authenticate("") is None


def test_a_service_the_client_may_not_ask_about_is_refused_403_like_an_unknown_one(client, people, housing_system):
    not_allowed = call(client, housing_system, service="ninkagai_hoiku_josei")
    unknown = call(client, housing_system, service="no_such_service")
    assert not_allowed.status_code == unknown.status_code == 403
    assert not_allowed.json() == unknown.json() and "権限" in unknown.json()["error"]
    assert [r.detail["status"] for r in audit_rows("service_check.refused")] == [403, 403]
    assert ServiceCheck.objects.count() == 0 and ServiceConsent.objects.count() == 0


# ---------------------------------------------------------------------------
# The API: consent
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("missing, label", [
    ("document_number", "同意書番号"), ("consented_on", "同意日"), ("name", "氏名"), ("birth_date", "生年月日"), ("identifier", "識別番号"),
])
def test_a_request_without_complete_consent_is_refused_400(client, people, housing_system, missing, label):
    data = json.loads(body())
    for part in ("applicant", "consent"):
        data[part].pop(missing, None)
    response = call(client, housing_system, json.dumps(data))
    assert response.status_code == 400 and label in response.json()["error"] and "同意" in response.json()["error"]
    assert ServiceCheck.objects.count() == 0 and ServiceConsent.objects.count() == 0
    assert [r.detail["status"] for r in audit_rows("service_check.refused")] == [400]


def test_free_text_consent_is_not_a_consent(client, people, housing_system):
    response = call(client, housing_system, json.dumps({"service": "shiei_jutaku", "identifier": "100001", "consent": "同意書 第12号"}))
    assert response.status_code == 400


def test_consent_dated_in_the_future_or_too_long_ago_is_refused(client, people, housing_system, settings):
    settings.SAIKEN_SERVICE_CONSENT_VALID_DAYS = 90
    tomorrow = call(client, housing_system, consented_on=(today() + timedelta(days=1)).isoformat())
    assert tomorrow.status_code == 400 and "将来" in tomorrow.json()["error"]
    old = call(client, housing_system, consented_on=(today() - timedelta(days=91)).isoformat())
    assert old.status_code == 400 and "90日" in old.json()["error"]
    assert call(client, housing_system, consented_on=(today() - timedelta(days=90)).isoformat()).status_code == 200


def test_a_bad_date_and_a_body_that_is_not_json_are_refused_400(client, people, housing_system):
    assert "YYYY-MM-DD" in call(client, housing_system, birth_date="昭和45年5月1日").json()["error"]
    response = call(client, housing_system, "{not json")
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    assert call(client, housing_system, "[1, 2]").status_code == 400
    assert len(audit_rows("service_check.refused")) == 3


# ---------------------------------------------------------------------------
# The API: unknown and known identities answer alike
# ---------------------------------------------------------------------------


def _shape(response):
    data = response.json()
    return response.status_code, sorted(data), data["result"], len(response.content) - len(str(data["check"]))


def test_an_unknown_id_answers_as_a_known_one_without_debts(client, people, housing_system):
    known_clear = call(client, housing_system, identifier="100002", name="佐藤 花子", birth_date="1985-02-14")
    unknown = call(client, housing_system, identifier="100003", name="佐藤 花子", birth_date="1985-02-14")
    assert _shape(unknown) == _shape(known_clear) == (200, ["as_of", "check", "result"], "clear", _shape(known_clear)[3])


def test_an_id_cannot_be_probed_without_the_name_and_birth_date(client, people, housing_system):
    """taro owes; his id with another name or birth date answers as nobody's."""
    wrong_name = call(client, housing_system, identifier="100001", name="佐藤 花子")
    wrong_birth = call(client, housing_system, identifier="100001", birth_date="1970-05-02")
    nobody = call(client, housing_system, identifier="999999")
    assert _shape(wrong_name) == _shape(wrong_birth) == _shape(nobody)
    assert wrong_name.json()["result"] == "clear"
    # The city's own record says the identity did not match (never shown to the caller).
    assert not ServiceCheck.objects.filter(debtor__isnull=False).exists()


def test_unknown_and_known_run_the_same_queries(client, people, housing_system):
    counts = []
    for identifier, name, birth in (("100002", "佐藤 花子", "1985-02-14"), ("100003", "佐藤 花子", "1985-02-14"), ("100001", "山田 太郎", "1970-05-01")):
        with CaptureQueriesContext(connection) as ctx:
            call(client, housing_system, identifier=identifier, name=name, birth_date=birth)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]


def test_a_city_may_send_unmatched_identities_to_the_collection_department(client, people, housing_system, settings):
    settings.SAIKEN_SERVICE_CHECK_UNMATCHED_ANSWER = "refer"
    assert call(client, housing_system, identifier="100003").json()["result"] == "refer"
    assert call(client, housing_system, identifier="100001", name="佐藤 花子").json()["result"] == "refer"
    assert call(client, housing_system, identifier="100002", name="佐藤 花子", birth_date="1985-02-14").json()["result"] == "clear"


def test_the_name_as_written_with_other_spaces_or_as_read(client, people, housing_system):
    assert call(client, housing_system, name="山田　太郎").json()["result"] == "refer"
    assert call(client, housing_system, name="ヤマダタロウ").json()["result"] == "refer"


def test_a_debt_of_a_linked_record_of_the_same_person_counts(client, people, housing_system, hanako, nursery_fee):
    """hanako's record from another system (no id given to the housing system) owes."""
    other = Debtor.objects.create(name="佐藤 花子", name_kana="サトウ ハナコ", birth_date=date(1985, 2, 14))
    assess(debtor=other, receivable=nursery_fee, fiscal_year=2024, instalment_no=1, nominal_due=date(2024, 5, 31), amount=5_000, assessed_on=date(2024, 4, 1))
    ask = dict(identifier="100002", name="佐藤 花子", birth_date="1985-02-14")
    assert call(client, housing_system, **ask).json()["result"] == "clear"
    person = Person.objects.create()
    DebtorLink.objects.create(debtor=hanako, person=person)
    DebtorLink.objects.create(debtor=other, person=person, via=hanako)
    assert call(client, housing_system, **ask).json()["result"] == "refer"


def test_delinquent_from_the_day_after_the_due_date(people, taro):
    assert not checks.is_delinquent([taro.pk], date(2025, 4, 30))
    assert checks.is_delinquent([taro.pk], date(2025, 5, 1))


# ---------------------------------------------------------------------------
# The API: rate limit
# ---------------------------------------------------------------------------


def test_over_the_limit_a_minute_is_refused_429_per_client(client, people, housing_system, settings, monkeypatch):
    settings.SAIKEN_SERVICE_CHECK_PER_MINUTE = 3
    _, other = checks.add_client(name="jutaku-reform", services=["jutaku_reform"], user=operator())
    assert call(client, housing_system).status_code == 200
    assert call(client, housing_system, document_number="").status_code == 400  # a refused call counts too
    assert call(client, housing_system).status_code == 200
    response = call(client, housing_system)
    assert response.status_code == 429 and "上限" in response.json()["error"] and response["Retry-After"] == "60"
    assert call(client, housing_system).status_code == 429  # over the limit, not counted: the client is served once it waits
    assert call(client, other, service="jutaku_reform").status_code == 200  # another client has its own count
    assert len(audit_rows("service_check.throttled")) == 2 and ServiceCheck.objects.filter(client__name="jutaku-system").count() == 2

    class Later:
        @staticmethod
        def now():
            return timezone.now() + timedelta(seconds=61)

    monkeypatch.setattr(checks, "timezone", Later)
    assert checks.calls_last_minute(client=ServiceClient.objects.get(name="jutaku-system")) == 0


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def test_the_command_prints_the_token_once_and_revokes_it(capsys, client, people):
    operator()
    call_command("service_client", "add", "housing", "--services", "shiei_jutaku,jutaku_reform", "--user", "operator")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    c = ServiceClient.objects.get(name="housing")
    assert checks.authenticate(token) == c and c.department.code == "jutaku"
    assert sorted(c.services.values_list("code", flat=True)) == ["jutaku_reform", "shiei_jutaku"]
    assert call(client, token).status_code == 200
    call_command("service_client", "revoke", "housing", "--user", "operator")
    assert call(client, token).status_code == 401
    assert [r.action for r in AuditEvent.objects.filter(action__startswith="service_client.").order_by("id")] == ["service_client.add", "service_client.revoke"]


def test_the_command_is_for_administrators_and_known_services(django_user_model):
    staff(django_user_model.objects.create_user("clerk"), "clerk", "jutaku")
    operator()
    with pytest.raises(CommandError, match="システム管理者"):
        call_command("service_client", "add", "x", "--services", "shiei_jutaku", "--user", "clerk")
    with pytest.raises(CommandError, match="no_such"):
        call_command("service_client", "add", "x", "--services", "no_such", "--user", "operator")
    with pytest.raises(CommandError, match="--department"):
        call_command("service_client", "add", "x", "--services", "shiei_jutaku,ninkagai_hoiku_josei", "--user", "operator")
    assert not ServiceClient.objects.exists()


# ---------------------------------------------------------------------------
# The screen
# ---------------------------------------------------------------------------


@pytest.fixture
def login(client, django_user_model):
    def as_(role, department=None, name=None):
        user = staff(django_user_model.objects.create_user(name or f"{role}-{department}"), role, department)
        client.force_login(user)
        return user
    return as_


def form(**kw):
    data = {"service": "shiei_jutaku", "system": "resident", "identifier": "100001", "name": "山田 太郎", "birth_date": "1970-05-01",
            "document_number": f"画面-{next(_numbers):04d}", "consented_on": today().isoformat()}
    data.update(kw)
    return data


def test_a_clerk_of_the_granting_department_asks_on_the_screen(client, login, people, taro):
    clerk = login("clerk", "jutaku")
    page = client.get(reverse(SCREEN)).content.decode()
    assert "市営住宅の入居" in page and "認可外保育" not in page
    html = client.post(reverse(SCREEN), form(document_number="住宅-2026-0012")).content.decode()
    assert "確認が必要" in html and "34,567" not in html and "保育料" not in html
    html = client.post(reverse(SCREEN), form(identifier="100002", name="佐藤 花子", birth_date="1985-02-14")).content.decode()
    assert '<strong class="ok">滞納なし</strong>' in html
    check = ServiceCheck.objects.get(consent__document_number="住宅-2026-0012")
    assert check.client is None and check.asked_by == clerk and check.debtor == taro and check.result == "refer"
    assert AuditEvent.objects.filter(action="service_check.call", user=clerk).count() == 2


def test_the_screen_refuses_incomplete_consent_400(client, login, people):
    login("clerk", "jutaku")
    response = client.post(reverse(SCREEN), form(document_number=""))
    assert response.status_code == 400 and "同意書番号" in response.content.decode()
    assert ServiceCheck.objects.count() == 0


def test_a_clerk_may_not_ask_about_another_departments_service(client, login, people):
    clerk = login("clerk", "hoiku")
    response = client.post(reverse(SCREEN), form(service="shiei_jutaku"))
    assert response.status_code == 403 and "住環境政策課" in response.content.decode()
    assert ServiceCheck.objects.count() == 0
    # One audit row for the attempt (the 403 page adds none).
    assert [r.action for r in AuditEvent.objects.filter(user=clerk).exclude(action="auth.login")] == ["service_check.refused"]


@pytest.mark.parametrize("role, department", [("committee", None), ("auditor", None), ("collector", None), ("clerk", "nozei"), ("clerk", None)])
def test_the_screen_is_refused_to_those_who_grant_no_service(client, login, people, role, department):
    user = login(role, department)
    assert client.get(reverse(SCREEN)).status_code == 403
    response = client.post(reverse(SCREEN), form())
    assert response.status_code == 403 and "滞納" not in response.content.decode().split("<main", 1)[1].split("照会")[0]
    assert ServiceCheck.objects.count() == 0
    assert AuditEvent.objects.filter(user=user, action="service_check.refused").count() == 2
    assert not AuditEvent.objects.filter(user=user, action="access.refused").exists()


def test_the_screen_needs_a_login(client):
    response = client.get(reverse(SCREEN))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_administrator_sees_every_service_and_only_their_own_checks(client, login, people):
    other = login("clerk", "jutaku")
    client.post(reverse(SCREEN), form(document_number="他人の同意書"))
    login("admin", None, name="admin1")
    page = client.get(reverse(SCREEN)).content.decode()
    assert "市営住宅の入居" in page and "認可外保育施設の利用料助成" in page
    assert "他人の同意書" not in page and ServiceCheck.objects.filter(asked_by=other).count() == 1


def test_the_screen_is_rate_limited_per_clerk(client, login, people, settings):
    settings.SAIKEN_SERVICE_CHECK_PER_MINUTE = 1
    login("clerk", "jutaku")
    assert client.post(reverse(SCREEN), form()).status_code == 200
    response = client.post(reverse(SCREEN), form())
    assert response.status_code == 429 and "上限" in response.content.decode()


# ---------------------------------------------------------------------------
# Every demo role, GET and POST (the rows of the URL walk's table for these URLs)
# ---------------------------------------------------------------------------

ROLES = {
    # name: (role, department, GET screen, POST screen (complete consent), GET api, POST api without token)
    "anonymous": (None, None, 302, 302, 405, 401),
    "demo": ("admin", None, 200, 200, 405, 401),
    "nozei": ("clerk", "nozei", 403, 403, 405, 401),
    "hoiku": ("clerk", "hoiku", 200, 200, 405, 401),
    "hoiku-kacho": ("manager", "hoiku", 200, 200, 405, 401),
    "collector": ("collector", None, 403, 403, 405, 401),
    "iinkai": ("committee", None, 403, 403, 405, 401),
    "auditor": ("auditor", None, 403, 403, 405, 401),
}


@pytest.mark.parametrize("name", sorted(ROLES))
def test_each_demo_role(client, django_user_model, people, name):
    role, department, get_screen, post_screen, get_api, post_api = ROLES[name]
    if role is not None:
        client.force_login(staff(django_user_model.objects.create_user(name), role, department))
    assert client.get(reverse(SCREEN)).status_code == get_screen
    service = "ninkagai_hoiku_josei" if department == "hoiku" else "shiei_jutaku"
    assert client.post(reverse(SCREEN), form(service=service)).status_code == post_screen
    assert client.get(reverse(API)).status_code == get_api
    assert client.post(reverse(API), body(), content_type="application/json").status_code == post_api


def test_the_admin_shows_clients_without_their_token_hash_and_checks_read_only(client, django_user_model, housing_system, people):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    call(client, housing_system)
    c = ServiceClient.objects.get()
    for url in ("/admin/staff/service/", "/admin/staff/serviceclient/", "/admin/staff/servicecheck/", "/admin/staff/serviceconsent/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/staff/serviceclient/{c.pk}/change/").content.decode()
    assert c.token_hash not in page
    check = ServiceCheck.objects.get()
    assert client.post(f"/admin/staff/servicecheck/{check.pk}/change/", {"result": "clear"}).status_code == 403


def test_one_consent_document_is_one_applicants(client, people, housing_system):
    assert call(client, housing_system, document_number="住宅-0001").status_code == 200
    assert call(client, housing_system, document_number="住宅-0001", name="山田　太郎").status_code == 200  # the same applicant again
    response = call(client, housing_system, document_number="住宅-0001", identifier="100002", name="佐藤 花子", birth_date="1985-02-14")
    assert response.status_code == 400 and "別の申請者" in response.json()["error"]
    # The same number under another service is that service's document.
    _, reform = checks.add_client(name="jutaku-reform", services=["jutaku_reform"], user=operator())
    assert call(client, reform, service="jutaku_reform", document_number="住宅-0001", identifier="100002", name="佐藤 花子", birth_date="1985-02-14").status_code == 200

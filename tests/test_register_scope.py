"""The register is scoped (saiken.staff.access.debtor_scope): a clerk finds and opens the
people who owe her department, the central team what was transferred to it, committee
members and auditors no one; another department's source-system numbers stay hidden.

Cast (every one lives at 新潟市, so one search finds them all):
- taro owes 市税 (納税課) and 保育料 (保育課); known by 宛名番号 R-1, 保育児童番号 C-1 and
  a hospital's 診療録番号 H-1 (the number the issue found shown to every clerk).
- jiro owes 市税 only: the tax clerk's, not the nursery's.
- hanako owes 市営住宅使用料 (住環境政策課) only: no one's here but the administrator's.
- taro_hospital: a second record of taro, owing 診療費 (市民病院), linked to him by 名寄せ.
"""

import re
from datetime import date

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.catalog.models import Department, ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.debtors import identity_actions
from saiken.debtors.models import DebtorLink, MatchCandidate, Person
from saiken.ledger.actions import assess
from saiken.staff import access
from saiken.staff.models import TaxDisclosure
from saiken.staff.policy import Refused
from tests.conftest import staff

pytestmark = pytest.mark.django_db


def owe(debtor, code: str, amount: int = 10_000):
    return assess(debtor=debtor, receivable=ReceivableType.objects.get(code=code), fiscal_year=2026, instalment_no=1,
                  nominal_due=date(2026, 5, 1), amount=amount, assessed_on=date(2026, 4, 10))


@pytest.fixture
def people(db):
    p = {
        "taro": register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1番町602-1",
                                identifiers={"resident": "R-1", "childcare": "C-1", "hospital": "H-1"}),
        "jiro": register_debtor(name="山田 次郎", name_kana="ヤマダ ジロウ", address="新潟市北区葛塚1"),
        "hanako": register_debtor(name="山田 花子", name_kana="ヤマダ ハナコ", address="新潟市西区小新2"),
        "taro_hospital": register_debtor(name="山田太郎", name_kana="ﾔﾏﾀﾞ ﾀﾛｳ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1-602-1"),
    }
    owe(p["taro"], "city_tax"), owe(p["taro"], "nursery_fee"), owe(p["jiro"], "city_tax")
    owe(p["hanako"], "municipal_housing"), owe(p["taro_hospital"], "hospital_fee")
    return p


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "admin": staff(make("admin"), "admin"),
        "nozei": staff(make("nozei"), "clerk", "nozei"),
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "hoiku-kacho": staff(make("hoiku-kacho"), "manager", "hoiku"),
        "central": staff(make("central"), "collector"),
        "iinkai": staff(make("iinkai"), "committee"),
        "kansa": staff(make("kansa"), "auditor"),
        "stranger": make("stranger"),
    }


def found(client, user, q: str = "新潟市", **params) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("debtor_search"), {"q": q, **params})
    assert response.status_code == 200
    return {d.name for d in response.context["rows"]}


def link(a, b):
    person = Person.objects.create()
    DebtorLink.objects.create(debtor=a, person=person, via=b)
    DebtorLink.objects.create(debtor=b, person=person, via=a)
    return person


def test_each_role_searches_only_the_people_it_has_business_with(client, people, users):
    assert found(client, users["hoiku"]) == {"山田 太郎"}
    assert found(client, users["hoiku-kacho"]) == {"山田 太郎"}
    assert found(client, users["nozei"]) == {"山田 太郎", "山田 次郎"}
    assert found(client, users["central"]) == set()  # nothing transferred yet
    assert found(client, users["admin"]) == {"山田 太郎", "山田 次郎", "山田 花子", "山田太郎"}
    for member in ("iinkai", "kansa", "stranger"):  # figures and the audit log; a login without a profile
        client.force_login(users[member])
        assert client.get(reverse("debtor_search"), {"q": "新潟市"}).status_code == 403
    # The audit row names only whom the page showed.
    [row] = AuditEvent.objects.filter(action="debtor.search", user=users["hoiku"])
    assert row.detail["shown"] == [people["taro"].pk] and row.detail["count"] == 1


def test_the_central_team_finds_what_was_transferred_to_it(client, people, users, django_user_model):
    from saiken.cases.actions import case_for, transfer_to_central

    manager = staff(django_user_model.objects.create_user("jutaku-kacho"), "manager", "jutaku")
    transfer_to_central([case_for(people["hanako"])], on=date(2026, 6, 1), user=manager)
    assert found(client, users["central"]) == {"山田 花子"}
    client.force_login(users["central"])
    assert client.get(reverse("debtor", args=[people["hanako"].pk])).status_code == 200
    assert client.get(reverse("debtor", args=[people["jiro"].pk])).status_code == 404


def test_a_tax_disclosure_or_an_open_case_of_the_department_brings_a_person_in(client, people, users):
    from saiken.cases.models import Case

    hoiku = Department.objects.get(code="hoiku")
    assert not access.may_see_debtor(users["hoiku"], people["jiro"].pk)
    TaxDisclosure.objects.create(debtor=people["jiro"], department=hoiku, basis="consent", detail="同意書 第7号",
                                 valid_from=date(2026, 1, 1), valid_to=date(2026, 3, 31))
    assert access.may_see_debtor(users["hoiku"], people["jiro"].pk) is False  # expired (today is later)
    TaxDisclosure.objects.create(debtor=people["jiro"], department=hoiku, basis="consent", detail="同意書 第8号", valid_from=date(2026, 1, 1))
    assert access.may_see_debtor(users["hoiku"], people["jiro"].pk)
    case = Case.objects.create(debtor=people["hanako"], department=hoiku, opened_on=date(2026, 6, 1))
    assert access.may_see_debtor(users["hoiku"], people["hanako"].pk)
    case.status = Case.Status.CLOSED
    case.save()
    assert not access.may_see_debtor(users["hoiku"], people["hanako"].pk)  # a closed case is no business


def test_a_person_outside_the_scope_answers_404_like_an_unknown_id_and_is_audited(client, people, users):
    client.force_login(users["hoiku"])
    hanako = people["hanako"]
    response = client.get(reverse("debtor", args=[hanako.pk]))
    assert response.status_code == 404 and "山田 花子" not in response.content.decode()
    assert "お探しの債務者は見つかりませんでした" in response.content.decode()
    refused = AuditEvent.objects.get(action="access.refused", user=users["hoiku"])
    assert refused.debtor_id == hanako.pk
    assert not AuditEvent.objects.filter(action="debtor.view").exists()
    assert client.get(reverse("debtor", args=[people["taro"].pk])).status_code == 200
    client.force_login(users["iinkai"])
    assert client.get(reverse("debtor", args=[people["taro"].pk])).status_code == 403


def test_another_departments_identifier_is_neither_shown_nor_searchable(client, people, users):
    taro = people["taro"]
    client.force_login(users["hoiku"])
    html = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert "R-1" in html and "C-1" in html and "H-1" not in html and "診療録番号" not in html
    assert found(client, users["hoiku"], "H-1") == set()  # the hospital number cannot be tried either
    assert found(client, users["hoiku"], "C-1") == {"山田 太郎"}
    html = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    client.force_login(users["nozei"])
    html = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert "R-1" in html and "C-1" not in html and "H-1" not in html
    client.force_login(users["admin"])
    assert "H-1" in client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert found(client, users["admin"], "H-1") == {"山田 太郎"}


def test_the_linked_records_page_shows_only_records_in_scope_and_refuses_an_unrelated_person(client, people, users):
    taro, hospital = people["taro"], people["taro_hospital"]
    link(taro, hospital)
    client.force_login(users["hoiku"])
    assert client.get(reverse("matching_person", args=[people["hanako"].pk])).status_code == 404
    assert client.get(reverse("matching_person", args=[hospital.pk])).status_code == 404
    response = client.get(reverse("matching_person", args=[taro.pk]))
    assert response.status_code == 200
    assert [r.pk for r in response.context["records"]] == [taro.pk]
    html = response.content.decode()
    assert 'id="hidden-records"' in html and "解除" not in html.split("</thead>")[1]
    # The debtor page names only the linked records in scope too.
    assert f"/debtors/{hospital.pk}/" not in client.get(reverse("debtor", args=[taro.pk])).content.decode()
    # Unlinking would change a record she does not see: refused by the action (403), nothing changed.
    assert client.post(reverse("matching_unlink", args=[taro.pk])).status_code == 403
    assert DebtorLink.objects.count() == 2
    with pytest.raises(Refused):
        identity_actions.unlink(taro, users["hoiku"])
    client.force_login(users["iinkai"])
    assert client.get(reverse("matching_person", args=[taro.pk])).status_code == 403
    client.force_login(users["admin"])
    assert [r.pk for r in client.get(reverse("matching_person", args=[taro.pk])).context["records"]] == [taro.pk, hospital.pk]


def test_a_pair_is_decided_only_by_who_sees_both_records(client, people, users):
    taro, jiro, hospital = people["taro"], people["jiro"], people["taro_hospital"]
    across = MatchCandidate.objects.create(debtor_a=taro, debtor_b=hospital, score=60)
    taxes = MatchCandidate.objects.create(debtor_a=taro, debtor_b=jiro, score=55)
    client.force_login(users["hoiku"])
    assert list(client.get(reverse("matching_queue")).context["page"].object_list) == []
    assert client.post(reverse("matching_confirm", args=[across.pk])).status_code == 404
    with pytest.raises(Refused):
        identity_actions.confirm_candidate(across, users["hoiku"])
    client.force_login(users["nozei"])
    assert list(client.get(reverse("matching_queue")).context["page"].object_list) == [taxes]
    assert client.post(reverse("matching_reject", args=[taxes.pk])).status_code == 302
    taxes.refresh_from_db()
    assert taxes.status == "rejected"
    client.force_login(users["iinkai"])
    assert client.get(reverse("matching_queue")).status_code == 403
    assert client.post(reverse("matching_confirm", args=[across.pk])).status_code == 403
    client.force_login(users["admin"])
    assert client.post(reverse("matching_confirm", args=[across.pk])).status_code == 302
    assert DebtorLink.objects.filter(debtor=hospital).exists()


def test_the_scope_is_one_sql_query_with_exists_not_a_list_of_people(people, users):
    sql = str(access.debtors_visible_to(users["hoiku"]).query)
    # The instalments by a correlated EXISTS on (debtor_id, receivable_id); cases and disclosures by subqueries.
    assert "EXISTS(SELECT" in sql and '"debtors_debtor"."id" IN (SELECT' in sql
    assert not re.search(r'"debtors_debtor"\."id" IN \(\d', sql)  # never a list of people
    with CaptureQueriesContext(connection) as one:
        access.may_see_debtor(users["hoiku"], people["taro"].pk)
    for _ in range(20):
        register_debtor(name="他人", name_kana="タニン")
    with CaptureQueriesContext(connection) as many:
        access.may_see_debtor(users["hoiku"], people["hanako"].pk)
    assert len(one) == len(many) <= 3


def test_the_register_pages_answer_only_get(client, people, users):
    client.force_login(users["admin"])
    taro = people["taro"]
    for url in (reverse("debtor_search"), reverse("debtor", args=[taro.pk]), reverse("matching_queue"), reverse("matching_person", args=[taro.pk])):
        assert client.post(url).status_code == 405
        assert client.get(url).status_code == 200
    client.logout()
    assert client.post(reverse("debtor", args=[taro.pk])).status_code == 302  # to the login first

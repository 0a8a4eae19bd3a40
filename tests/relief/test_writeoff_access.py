"""Who may run the write-off (不納欠損), over what, and as of which day (issue 12's
reproduction: the nursery manager wrote off 市税, 国保 and 介護 as of a day months ahead).

Four instalments reported extinguished by prescription on 2024-06-01: 市税 and 保育料
(taro), 国民健康保険料 and 介護保険料 (hanako). hoiku-kacho is 保育課's manager; hoiku its
clerk; iinkai a committee member.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.catalog.models import ReceivableType
from saiken.core.entries import Kind
from saiken.ledger.models import Entry
from saiken.relief import writeoff
from saiken.staff.policy import Refused
from saiken.web import urls as _urls  # noqa: F401 — the URLs import the real prescription module before the fake replaces it
from tests.conftest import operator, staff

from .conftest import assess

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 7, 10)


@pytest.fixture
def extinguished(taro, hanako, city_tax, nursery_fee, prescription):
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    care = ReceivableType.objects.get(code="long_term_care_insurance")
    found = {
        "tax": assess(taro, city_tax, 30_000, fy=2018),
        "nursery": assess(taro, nursery_fee, 12_000, fy=2018),
        "nhi": assess(hanako, nhi, 40_000, fy=2018),
        "care": assess(hanako, care, 8_000, fy=2018),
    }
    prescription.found = [(i.pk, "prescription", date(2024, 6, 1)) for i in found.values()]
    return found


@pytest.fixture
def cast(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "hoiku-kacho": staff(make("hoiku-kacho"), "manager", "hoiku"),
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "iinkai": staff(make("iinkai"), "committee"),
    }


def written_off() -> set[int]:
    return set(Entry.objects.filter(kind=Kind.WRITE_OFF).values_list("instalment_id", flat=True))


def test_the_nursery_manager_may_not_write_off_as_of_a_future_day(extinguished, cast):
    later = date(2027, 3, 31)
    with pytest.raises(Refused) as refused:
        writeoff.run(later, user=cast["hoiku-kacho"], today=date(2026, 12, 7))
    assert refused.value.message == "不納欠損の基準日に将来の日付（2027-03-31）は指定できません。"
    with pytest.raises(Refused, match="将来の日付"):  # nor an administrator, nor a dry run
        writeoff.run(later, user=operator(), dry_run=True, today=date(2026, 12, 7))
    assert written_off() == set() and not AuditEvent.objects.filter(action="relief.write_off_run").exists()


def test_the_nursery_manager_writes_off_only_the_nursery_fee(extinguished, cast):
    result = writeoff.run(AS_OF, user=cast["hoiku-kacho"])
    assert written_off() == {extinguished["nursery"].pk}
    assert (result.total.count, result.total.total) == (1, 12_000)
    row = AuditEvent.objects.get(action="relief.write_off_run")
    assert row.user == cast["hoiku-kacho"] and row.detail["total"]["total"] == 12_000
    nursery = extinguished["nursery"].receivable
    assert row.detail["receivables"] == sorted(nursery.department.receivables.values_list("id", flat=True))
    # The administrator's run then takes the rest, across the departments.
    writeoff.run(AS_OF, user=operator())
    assert written_off() == {i.pk for i in extinguished.values()}
    assert AuditEvent.objects.filter(action="relief.write_off_run").latest("id").detail["receivables"] is None


@pytest.mark.parametrize("who, message", [
    ("hoiku", "不納欠損を行う権限がありません（所管課職員）。"),
    ("iinkai", "不納欠損を行う権限がありません（債権管理委員）。"),
    (None, "不納欠損は、ログインしている職員だけが行えます。"),
])
def test_clerks_and_the_committee_may_not_write_off(extinguished, cast, who, message):
    with pytest.raises(Refused) as refused:
        writeoff.run(AS_OF, user=cast[who] if who else None)
    assert refused.value.message == message
    assert written_off() == set()


def test_the_screen_refuses_and_the_preview_shows_the_managers_own(client, extinguished, cast):
    client.force_login(cast["hoiku"])
    response = client.post(reverse("relief_writeoff"), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 403 and "不納欠損を行う権限がありません（所管課職員）。" in response.content.decode()

    client.force_login(cast["hoiku-kacho"])
    later = timezone.localdate() + timedelta(days=120)
    response = client.post(reverse("relief_writeoff"), {"as_of": later.isoformat()})
    assert response.status_code == 403 and "不納欠損の基準日に将来の日付" in response.content.decode()
    page = client.get(reverse("relief_writeoff"), {"as_of": later.isoformat()}).content.decode()
    assert 'id="writeoff-future"' in page and "付で不納欠損を計上する</button>" not in page
    assert written_off() == set()
    assert AuditEvent.objects.filter(action="access.refused").count() == 2

    page = client.get(reverse("relief_writeoff"), {"as_of": AS_OF.isoformat()}).content.decode()
    assert "対象 1件・12,000円" in page and "30,000" not in page
    response = client.post(reverse("relief_writeoff"), {"as_of": AS_OF.isoformat()}, follow=True)
    assert "1件 12,000円を不納欠損しました" in response.content.decode()
    assert written_off() == {extinguished["nursery"].pk}


def test_the_command_runs_as_a_named_manager(extinguished, cast):
    out = {"stdout": StringIO(), "stderr": StringIO()}
    with pytest.raises(CommandError, match="--user"):
        call_command("write_off", "--as-of", AS_OF.isoformat(), **out)
    with pytest.raises(CommandError, match="権限がありません（所管課職員）"):
        call_command("write_off", "--as-of", AS_OF.isoformat(), "--user", "hoiku", **out)
    later = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="将来の日付"):
        call_command("write_off", "--as-of", later.isoformat(), "--user", "hoiku-kacho", **out)
    assert written_off() == set()
    call_command("write_off", "--as-of", AS_OF.isoformat(), "--user", "hoiku-kacho", **out)
    assert written_off() == {extinguished["nursery"].pk}

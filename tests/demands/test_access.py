"""Who may issue demands and have their notices (issue 12's reproductions, refused).

The cast, as the demo logins: hoiku (保育課 clerk), nozei (納税課 clerk), iinkai
(committee member), an administrator. taro owes one 市税 and one 保育料 instalment,
both due 2026-05-01. Each refusal is tried through the action function (so a command
or an API is refused too) and through the screen, and writes nothing but the audit
row of the refusal.
"""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.demands.actions import issue_demands
from saiken.demands.documents import claim_for_rendering, open_document, render_run
from saiken.demands.models import Demand, DemandRun, DocumentStatus
from saiken.ledger.actions import assess
from saiken.ledger.models import Entry
from saiken.staff.policy import Refused
from saiken.web.views import demands as demand_views
from tests.conftest import operator, staff

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 5, 15)
TAX_REFUSED = "市税の督促状の発付は、所管課（財務部 納税課）の職員だけが行えます。"


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path, monkeypatch):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    monkeypatch.setattr(demand_views, "in_background", lambda work, name: work())
    return tmp_path


@pytest.fixture
def owed(taro, city_tax, nursery_fee):
    for r, amount in ((city_tax, 56_789), (nursery_fee, 20_000)):
        assess(debtor=taro, receivable=r, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=amount, assessed_on=date(2026, 4, 10))


@pytest.fixture
def cast(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "nozei": staff(make("nozei"), "clerk", "nozei"),
        "iinkai": staff(make("iinkai"), "committee"),
        "collector": staff(make("shuno"), "collector"),
    }


def nothing_issued():
    return not DemandRun.objects.exists() and not Demand.objects.exists() and not Entry.objects.filter(memo="督促手数料").exists()


# ---- issuing: the action -----------------------------------------------------------------


def test_a_nursery_clerk_may_not_issue_city_tax_demands(owed, cast, city_tax):
    with pytest.raises(Refused) as refused:
        issue_demands(as_of=ISSUED, user=cast["hoiku"], receivable_ids=[city_tax.pk])
    assert refused.value.message == TAX_REFUSED
    assert nothing_issued()


def test_no_demand_run_on_a_future_day_for_anyone(owed, cast, nursery_fee):
    for user in (cast["hoiku"], operator()):
        with pytest.raises(Refused, match=r"督促状の発付の基準日に将来の日付（2027-01-15）は指定できません"):
            issue_demands(as_of=date(2027, 1, 15), user=user, receivable_ids=[nursery_fee.pk], today=date(2026, 12, 7))
    assert nothing_issued()
    # Today itself is not the future.
    assert issue_demands(as_of=date(2026, 12, 7), user=cast["hoiku"], today=date(2026, 12, 7)).demands == 1


def test_without_a_receivable_the_run_is_the_users_own(owed, cast, taro, city_tax, nursery_fee):
    run = issue_demands(as_of=ISSUED, user=cast["hoiku"])
    assert list(Demand.objects.values_list("receivable_id", flat=True)) == [nursery_fee.pk]
    assert AuditEvent.objects.get(action="demand.issue").detail["receivables"] == sorted(
        nursery_fee.department.receivables.values_list("id", flat=True))
    assert run.created_by == cast["hoiku"]
    # The tax clerk's run then takes the tax, the administrator's run finds nothing left.
    assert issue_demands(as_of=ISSUED, user=cast["nozei"]).demands == 1
    assert issue_demands(as_of=ISSUED, user=operator()).demands == 0
    assert set(Demand.objects.values_list("receivable_id", flat=True)) == {city_tax.pk, nursery_fee.pk}


@pytest.mark.parametrize("who", ["iinkai", "collector", "anonymous"])
def test_roles_without_the_act_are_refused_before_anything(owed, cast, who):
    user = None if who == "anonymous" else cast[who]
    with pytest.raises(Refused, match="督促状の発付"):
        issue_demands(as_of=ISSUED, user=user)
    assert nothing_issued()


# ---- issuing: the screen and the command -----------------------------------------------


def test_the_screen_refuses_the_nursery_clerks_city_tax_run(client, owed, cast, city_tax):
    client.force_login(cast["hoiku"])
    response = client.post(reverse("demand_runs"), {"as_of": ISSUED.isoformat(), "receivable": city_tax.pk})
    assert response.status_code == 403
    html = response.content.decode()
    assert TAX_REFUSED in html and "権限がありません" in html and "<html" in html
    assert nothing_issued()
    refused = AuditEvent.objects.get(action="access.refused")
    assert (refused.user, refused.summary, refused.detail["path"]) == (cast["hoiku"], TAX_REFUSED, reverse("demand_runs"))


def test_the_screen_refuses_a_future_day(client, owed, cast, nursery_fee):
    client.force_login(cast["hoiku"])
    later = timezone.localdate() + timedelta(days=40)
    response = client.post(reverse("demand_runs"), {"as_of": later.isoformat(), "receivable": nursery_fee.pk})
    assert response.status_code == 403 and "将来の日付" in response.content.decode()
    assert nothing_issued()


def test_the_screen_offers_only_the_users_receivables(client, owed, cast, city_tax, nursery_fee):
    client.force_login(cast["hoiku"])
    html = client.get(reverse("demand_runs"), {"as_of": ISSUED.isoformat()}).content.decode()
    assert f'<option value="{nursery_fee.pk}"' in html and f'<option value="{city_tax.pk}"' not in html
    assert '<strong id="pending-count">1</strong>' in html  # the nursery fee; not the tax
    client.force_login(cast["iinkai"])
    html = client.get(reverse("demand_runs"), {"as_of": ISSUED.isoformat()}).content.decode()
    assert 'id="issue-demands"' not in html and 'id="no-issue"' in html
    # The nursery clerk's own run through the screen works.
    client.force_login(cast["hoiku"])
    response = client.post(reverse("demand_runs"), {"as_of": ISSUED.isoformat()})
    assert response.status_code == 302
    assert list(Demand.objects.values_list("receivable_id", flat=True)) == [nursery_fee.pk]


def test_the_command_runs_as_a_named_user(owed, cast):
    with pytest.raises(CommandError, match="--user"):
        call_command("issue_demands", "--as-of", ISSUED.isoformat(), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match=TAX_REFUSED):
        call_command("issue_demands", "--as-of", ISSUED.isoformat(), "--user", "hoiku", "--receivable", "city_tax",
                     stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="ユーザー nobody が見つかりません"):
        call_command("issue_demands", "--as-of", ISSUED.isoformat(), "--user", "nobody", stdout=StringIO(), stderr=StringIO())
    assert nothing_issued()
    call_command("issue_demands", "--as-of", ISSUED.isoformat(), "--user", "hoiku", stdout=StringIO(), stderr=StringIO())
    assert Demand.objects.get().receivable.code == "nursery_fee"
    assert AuditEvent.objects.get(action="demand.issue").user == cast["hoiku"]


# ---- the notices: rendering and downloading ----------------------------------------------


@pytest.fixture
def city_run(owed):
    """The administrator's run over the city: one 市税 and one 保育料 notice."""
    return issue_demands(as_of=ISSUED, user=operator())


def test_a_committee_member_may_not_render_or_download(client, city_run, cast):
    render_run(city_run, user=operator())  # (its demand.render row stays: the audit log is append-only)
    for user in (cast["iinkai"], cast["hoiku"]):  # the nursery clerk: the run holds a tax notice
        with pytest.raises(Refused, match="督促状の作成・ダウンロード"):
            open_document(city_run, user)
        client.force_login(user)
        response = client.get(reverse("demand_run_pdf", args=[city_run.pk]))
        assert response.status_code == 403 and "督促状の作成・ダウンロード" in response.content.decode()
        assert not response.has_header("Content-Disposition")
    assert not AuditEvent.objects.filter(action="demand.download").exists()
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


def test_a_committee_member_may_not_start_the_rendering(client, city_run, cast):
    for user in (cast["iinkai"], cast["hoiku"]):
        with pytest.raises(Refused):
            claim_for_rendering(city_run, user)
        with pytest.raises(Refused):
            render_run(city_run, user=user)
        client.force_login(user)
        assert client.post(reverse("demand_run_render", args=[city_run.pk])).status_code == 403
    city_run.refresh_from_db()
    assert city_run.document_status == DocumentStatus.QUEUED and not city_run.document
    assert not AuditEvent.objects.filter(action="demand.render").exists()


def test_the_run_pages_show_only_what_the_user_may_see(client, city_run, cast):
    client.force_login(cast["iinkai"])
    assert f'href="{reverse("demand_run", args=[city_run.pk])}"' not in client.get(reverse("demand_runs")).content.decode()
    assert client.get(reverse("demand_run", args=[city_run.pk])).status_code == 404
    client.force_login(cast["hoiku"])
    assert f'href="{reverse("demand_run", args=[city_run.pk])}"' in client.get(reverse("demand_runs")).content.decode()
    page = client.get(reverse("demand_run", args=[city_run.pk])).content.decode()
    assert 'id="no-document"' in page and 'id="render-pdf"' not in page and "56,789" not in page


def test_rendering_and_downloading_are_audited(client, owed, cast):
    run = issue_demands(as_of=ISSUED, user=cast["nozei"])  # the tax clerk's own run: the 市税 notice
    client.force_login(cast["nozei"])
    page = client.get(reverse("demand_run", args=[run.pk])).content.decode()
    assert 'id="render-pdf"' in page
    assert client.post(reverse("demand_run_render", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.document_status == DocumentStatus.DONE
    response = client.get(reverse("demand_run_pdf", args=[run.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]  # saiken.web.session.NoStoreMiddleware adds "private"
    rendered, downloaded = AuditEvent.objects.get(action="demand.render"), AuditEvent.objects.get(action="demand.download")
    assert (rendered.user, rendered.target_id, downloaded.user, downloaded.target_id) == (cast["nozei"], run.pk, cast["nozei"], run.pk)
    assert "督促状PDFのダウンロード" in downloaded.summary
    # A second download is a second row; a second render is no render (done already) and no row.
    client.get(reverse("demand_run_pdf", args=[run.pk]))
    client.post(reverse("demand_run_render", args=[run.pk]))
    assert AuditEvent.objects.filter(action="demand.download").count() == 2
    assert AuditEvent.objects.filter(action="demand.render").count() == 1


def test_an_administrator_renders_and_downloads_the_city_run(city_run):
    admin = operator()
    path = render_run(city_run, user=admin)
    assert path is not None and open_document(city_run, admin) == path
    assert AuditEvent.objects.filter(action__in=["demand.render", "demand.download"], user=admin).count() == 2


def test_a_tax_disclosure_lets_a_clerk_see_a_tax_notice_not_record_its_delivery(client, city_run, cast, taro):
    from saiken.catalog.models import Department
    from saiken.demands import delivery
    from saiken.demands.models import DeliveryEvent
    from saiken.staff.models import TaxDisclosure

    TaxDisclosure.objects.create(debtor=taro, department=Department.objects.get(code="hoiku"), basis="consent",
                                 detail="同意書 第123号", valid_from=date(2026, 1, 1), recorded_by=cast["hoiku"])
    tax_notice = Demand.objects.get(receivable__code="city_tax")
    assert not delivery.may_record(cast["hoiku"], tax_notice) and delivery.may_record(cast["nozei"], tax_notice)
    with pytest.raises(delivery.DeliveryError, match="権限がありません"):
        delivery.record_return(tax_notice, returned_on=date(2026, 5, 20), reason="moved", user=cast["hoiku"], today=date(2026, 6, 1))
    client.force_login(cast["hoiku"])
    page = client.get(reverse("demand_detail", args=[tax_notice.pk])).content.decode()
    assert "56,789" in page and 'id="return"' not in page
    assert not DeliveryEvent.objects.exists()

"""A run's 督促状 rendered as one PDF, from the command and from the screen."""

import io
import json
from datetime import date
from io import StringIO

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from saiken.core.conveni import parse_barcode
from saiken.demands.actions import issue_demands
from saiken.demands.documents import notices, render_run
from saiken.demands.models import DemandRun, DocumentStatus
from saiken.ledger.actions import assess
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


@pytest.fixture
def run(taro, hanako, city_tax):
    city_tax.demand_fee = 100
    city_tax.save()
    taro.postal_code, taro.address = "9518550", "新潟市中央区学校町通1番町602番地1"
    taro.save()
    for debtor in (taro, hanako):
        for no in (1, 2):
            assess(debtor=debtor, receivable=city_tax, fiscal_year=2026, instalment_no=no, nominal_due=date(2026, 5, 1), amount=12_300, assessed_on=date(2026, 4, 10))
    return issue_demands(user=operator(), as_of=date(2026, 5, 15))


def test_notices_carry_the_demand(run, taro):
    first = next(n for n in notices(run) if n.name == taro.name)
    assert (first.postal_code, first.designated_deadline, first.fee, len(first.lines)) == ("9518550", date(2026, 5, 25), 100, 2)
    code = parse_barcode(first.barcode)
    assert (code.amount, code.deadline) == (24_700, date(2026, 5, 25))


def test_a_notice_above_the_store_cap_has_no_barcode(run, settings, taro):
    settings.SAIKEN_CONVENI_CAP = 20_000
    assert all(n.barcode is None for n in notices(run))


def test_render_run_writes_one_pdf_with_a_page_per_notice(run, documents_dir):
    seen = []
    path = render_run(run, user=operator(), progress=lambda done, total: seen.append((done, total)))
    run.refresh_from_db()
    assert (run.document_status, run.pages_done, run.document) == (DocumentStatus.DONE, 2, str(path))
    assert seen[-1] == (2, 2)
    reader = pypdf.PdfReader(path)
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 2 and "督促状" in text and "令和8年5月25日" in text
    assert not list(documents_dir.glob("*.part"))
    assert render_run(run, user=operator()) is None  # already done: not rendered twice


def test_command_issues_and_renders(taro, city_tax):
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=12_300, assessed_on=date(2026, 4, 10))
    out = StringIO()
    call_command("issue_demands", "--user", operator().username, "--as-of", "2026-05-15", "--render", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["demands"] == 1 and result["document"].endswith(".pdf")
    assert len(pypdf.PdfReader(result["document"]).pages) == 1


def test_screen_renders_and_serves_the_pdf(client, django_user_model, run, monkeypatch):
    from saiken.web.views import demands

    monkeypatch.setattr(demands, "in_background", lambda work, name: work())
    client.force_login(staff(django_user_model.objects.create_user("clerk")))
    page = client.get(reverse("demand_run", args=[run.pk])).content.decode()
    assert 'id="render-pdf"' in page
    client.post(reverse("demand_run_render", args=[run.pk]))
    run.refresh_from_db()
    assert run.document_status == DocumentStatus.DONE
    response = client.get(reverse("demand_run_pdf", args=[run.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert len(pypdf.PdfReader(io.BytesIO(body)).pages) == 2
    again = client.post(reverse("demand_run_render", args=[run.pk]), follow=True).content.decode()
    assert "作成中か作成済" in again


def test_a_failed_render_is_recorded_and_can_be_retried(run, monkeypatch):
    from saiken.demands import documents

    def broken(*args, **kwargs):
        raise ValueError("督促状 X: 文字 𠮷 を印字できません")

    monkeypatch.setattr(documents, "render_demand_notices", broken)
    with pytest.raises(ValueError):
        render_run(run, user=operator())
    run.refresh_from_db()
    assert run.document_status == DocumentStatus.FAILED and "𠮷" in run.document_error
    monkeypatch.undo()
    assert render_run(run, user=operator()) is not None
    assert DemandRun.objects.get(pk=run.pk).document_status == DocumentStatus.DONE

"""Uploads by permission only (policy Act.ASSESSMENT_IMPORT / PAYMENT_IMPORT, screens GET and
POST, actions, commands), and kept for their retention period, then deleted by
`saiken purge-uploads` with an audit row — tested on the boundary day.

Cast: admin; nursery_clerk (保育課: assesses 保育料, not 市税); member (委員: no upload).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.payments import uploads
from saiken.payments.assessment_imports import import_assessments, preview_assessments
from saiken.payments.models import AssessmentImport, ImportMapping, PaymentImport
from saiken.staff.policy import Refused
from tests.conftest import staff

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent.parent / "data" / "assessments"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


@pytest.fixture
def general(db):
    layout = json.loads((DATA / "general.layout.json").read_text(encoding="utf-8"))
    return ImportMapping.objects.create(name="general", label="一般", layout=layout)


@pytest.fixture
def cast(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "admin": staff(make("admin"), "admin"),
        "nursery_clerk": staff(make("hoiku"), "clerk", "hoiku"),
        "member": staff(make("iinkai"), "committee"),
        "auditor": staff(make("kansa"), "auditor"),
    }


# --- permission ----------------------------------------------------------------------------


@pytest.mark.parametrize("who, answer", [("admin", 200), ("nursery_clerk", 200), ("member", 403), ("auditor", 403)])
def test_the_assessment_screen_is_shown_only_to_those_who_may_import(client, cast, who, answer):
    client.force_login(cast[who])
    assert client.get(reverse("assessment_imports")).status_code == answer


def test_a_committee_member_cannot_upload_confirm_or_read_an_import(client, cast, general, files):
    client.force_login(cast["member"])
    data = (DATA / "general.utf8.csv").read_bytes()
    response = client.post(reverse("assessment_imports"), {"file": SimpleUploadedFile("g.csv", data), "mapping": general.pk})
    assert response.status_code == 403
    assert not (files / "uploads").exists()  # refused before the file is read or kept
    sha = uploads.keep(data)
    assert client.post(reverse("assessment_confirm"), {"sha": sha, "mapping": general.pk, "filename": "g.csv"}).status_code == 403
    assert not AssessmentImport.objects.exists()
    batch = AssessmentImport.objects.create(mapping=general, filename="x", sha256="0" * 64, status="rejected")
    assert client.get(reverse("assessment_import", args=[batch.pk])).status_code == 403


def test_the_actions_refuse_who_may_not_import(cast, general):
    data = (DATA / "general.utf8.csv").read_bytes()
    for user in (None, cast["member"], cast["auditor"]):
        with pytest.raises(Refused):
            preview_assessments(data, mapping=general, filename="g.csv", user=user)
        with pytest.raises(Refused):
            import_assessments(data, mapping=general, filename="g.csv", user=user)
    assert not AssessmentImport.objects.exists()  # refused before the history is written


def test_the_command_runs_as_a_named_user_and_is_refused_for_a_member(cast, general):
    path = str(DATA / "general.utf8.csv")
    with pytest.raises(CommandError):  # --user is required
        call_command("import_assessments", path, "--mapping", "general", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="調定データの取込を行う権限がありません"):
        call_command("import_assessments", path, "--mapping", "general", "--user", "iinkai", stdout=StringIO(), stderr=StringIO())


def test_a_payment_upload_is_refused_to_a_member(client, cast, files):
    client.force_login(cast["member"])
    assert client.get(reverse("payment_imports")).status_code == 403
    response = client.post(reverse("payment_imports"), {"file": SimpleUploadedFile("x.csv", b"a,b\n"), "format": "conveni"})
    assert response.status_code == 403 and not (files / "uploads").exists()
    assert not PaymentImport.objects.exists()


# --- keeping and purging -------------------------------------------------------------------


def _uploaded_on(sha: str, day: date) -> None:
    at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12))).timestamp()
    os.utime(uploads.kept(sha), (at, at))


def test_an_upload_is_kept_for_the_service_user_only(files):
    sha = uploads.keep(b"1000,20261127,K1\n")
    path = uploads.kept(sha)
    assert path == files / "uploads" / f"{sha}.bin"
    assert path.stat().st_mode & 0o777 == 0o600 and (files / "uploads").stat().st_mode & 0o777 == 0o700
    assert uploads.kept("../../etc/passwd") is None and uploads.kept("0" * 64) is None


def test_a_refused_or_unconfirmed_upload_goes_on_the_day_after_its_period(settings):
    settings.SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS = 30
    sha = uploads.keep(b"junk")
    _uploaded_on(sha, date(2026, 1, 31))
    assert uploads.purge(date(2026, 3, 2)).count == 0  # day 30 (2026 is not a leap year): kept
    assert uploads.kept(sha) is not None
    purged = uploads.purge(date(2026, 3, 3))  # day 31: gone
    assert (purged.other, purged.taken) == ([sha], []) and uploads.kept(sha) is None


def test_a_taken_upload_is_kept_for_the_retention_period_from_its_import(settings, general, cast):
    settings.SAIKEN_UPLOAD_RETENTION_DAYS = 400
    data = (DATA / "general.utf8.csv").read_bytes()
    sha = uploads.keep(data)
    _uploaded_on(sha, date(2020, 1, 1))  # uploaded long ago; the period runs from the import
    batch = AssessmentImport.objects.create(mapping=general, filename="g.csv", sha256=sha, status="posted")
    AssessmentImport.objects.filter(pk=batch.pk).update(imported_at=timezone.make_aware(datetime(2028, 2, 29, 10, 0)))
    last = date(2028, 2, 29) + timedelta(days=400)
    assert last == date(2029, 4, 4)
    assert uploads.purge(last).count == 0 and uploads.kept(sha) is not None
    purged = uploads.purge(last + timedelta(days=1))
    assert purged.taken == [sha] and uploads.kept(sha) is None
    event = AuditEvent.objects.filter(action="uploads.purge").order_by("-id").first()
    assert event.detail["taken"] == [sha] and event.detail["on"] == "2029-04-05"
    assert "取込ファイル 1件を削除" in event.summary
    # The history of the import stays; only the file is gone.
    assert AssessmentImport.objects.filter(pk=batch.pk).exists()


def test_the_command_purges_and_is_audited_even_when_there_is_nothing(settings):
    settings.SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS = 30
    sha = uploads.keep(b"old")
    _uploaded_on(sha, timezone.localdate() - timedelta(days=31))
    fresh = uploads.keep(b"new")
    out = StringIO()
    call_command("purge_uploads", stdout=out)
    assert "取込ファイル 1件を削除" in out.getvalue()
    assert uploads.kept(sha) is None and uploads.kept(fresh) is not None
    call_command("purge_uploads", stdout=StringIO())  # safe to re-run
    assert AuditEvent.objects.filter(action="uploads.purge").count() == 2

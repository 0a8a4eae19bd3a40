"""The admin is for configuration: a change of a debtor, a mandate, a tax disclosure, a
member of staff leaves an audit row with the fields before and after; deleting them is
refused; the ledger, money, demands, cases and the audit log are read-only (a change
POSTed to them answers 403); no field naming a file can be set."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.catalog.models import Department, ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.payments.models import DirectDebitMandate
from saiken.staff.models import StaffProfile, TaxDisclosure
from tests.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_user("kanri", is_staff=True, is_superuser=True)
    staff(user, "admin")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def taro(db):
    return register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1番町602-1",
                           identifiers={"resident": "R-1"})


def form_data(response) -> dict:
    """What the admin's change form would send back unchanged: its fields and inline rows."""
    data: dict = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if hasattr(field.widget, "decompress"):  # a split date and time
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{i}"] = part.isoformat() if hasattr(part, "isoformat") else part
                continue
            if isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
                if isinstance(data[key], (date,)):
                    data[key] = data[key].isoformat()

    put(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        fs = inline.formset
        for name, field in fs.management_form.fields.items():
            data[fs.management_form.add_prefix(name)] = fs.management_form[name].value()
        for f in fs.forms:
            put(f)
    return {k: v for k, v in data.items() if v is not None}


def change(client, obj, **new):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(new)
    return client.post(url, data)


def last_admin_row(action="admin.change"):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


def test_a_debtors_address_change_is_audited_with_before_and_after(admin_client, taro):
    response = change(admin_client, taro, address="新潟市北区葛塚3197")
    assert response.status_code == 302, response.content.decode()[:2000]
    taro.refresh_from_db()
    assert taro.address == "新潟市北区葛塚3197"
    row = last_admin_row()
    assert row.user == admin_client.user and row.debtor_id == taro.pk and row.target_type == "debtors.debtor"
    assert row.detail["changes"] == {"address": {"before": "新潟市中央区学校町通1番町602-1", "after": "新潟市北区葛塚3197"}}
    assert "住所" in row.summary
    # Saving unchanged records nothing; a debtor cannot be deleted here.
    changes = AuditEvent.objects.filter(action__startswith="admin.")
    count = changes.count()
    assert change(admin_client, taro).status_code == 302
    assert changes.count() == count
    assert admin_client.post(reverse("admin:debtors_debtor_delete", args=[taro.pk]), {"post": "yes"}).status_code == 403


def test_an_identifier_added_in_the_inline_is_audited(admin_client, taro):
    url = reverse("admin:debtors_debtor_change", args=[taro.pk])
    data = form_data(admin_client.get(url))
    data.update({"identifiers-TOTAL_FORMS": "2", "identifiers-1-system": "hospital", "identifiers-1-value": "H-9",
                 "identifiers-1-debtor": str(taro.pk)})
    assert admin_client.post(url, data).status_code == 302
    row = AuditEvent.objects.get(action="admin.add", target_type="debtors.debtoridentifier")
    assert row.debtor_id == taro.pk and row.detail["changes"]["value"] == {"before": None, "after": "H-9"}


def test_a_mandate_registered_and_cancelled_in_the_admin_is_audited_and_never_deleted(admin_client, taro):
    url = reverse("admin:payments_directdebitmandate_add")
    nursery = ReceivableType.objects.get(code="nursery_fee")
    response = admin_client.post(url, {
        "debtor": taro.pk, "receivable": nursery.pk, "bank_code": "0001", "branch_code": "001", "account_type": "1",
        "account_number": "1234567", "holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ", "valid_from": "2026-04-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    mandate = DirectDebitMandate.objects.get()
    added = last_admin_row("admin.add")
    assert added.debtor_id == taro.pk and added.detail["changes"]["account_number"] == {"before": None, "after": "1234567"}
    assert change(admin_client, mandate, valid_to="2026-09-30").status_code == 302
    assert last_admin_row().detail["changes"] == {"valid_to": {"before": None, "after": "2026-09-30"}}
    assert admin_client.post(reverse("admin:payments_directdebitmandate_delete", args=[mandate.pk]), {"post": "yes"}).status_code == 403
    assert DirectDebitMandate.objects.filter(pk=mandate.pk).exists()


def test_a_tax_disclosure_granted_and_revoked_in_the_admin_is_audited(admin_client, taro):
    hoiku = Department.objects.get(code="hoiku")
    response = admin_client.post(reverse("admin:staff_taxdisclosure_add"), {
        "debtor": taro.pk, "department": hoiku.pk, "basis": "consent", "detail": "同意書 第12号", "valid_from": "2026-04-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    disclosure = TaxDisclosure.objects.get()
    assert disclosure.recorded_by == admin_client.user
    assert last_admin_row("admin.add").detail["changes"]["department_id"] == {"before": None, "after": hoiku.pk}
    assert change(admin_client, disclosure, valid_to="2026-06-30").status_code == 302
    assert last_admin_row().detail["changes"] == {"valid_to": {"before": None, "after": "2026-06-30"}}
    assert admin_client.post(reverse("admin:staff_taxdisclosure_delete", args=[disclosure.pk]), {"post": "yes"}).status_code == 403


def test_a_staff_profiles_role_and_department_and_a_users_flags_are_audited(admin_client, django_user_model):
    hoiku = staff(django_user_model.objects.create_user("hoiku", password="x" * 20), "clerk", "hoiku")
    profile = StaffProfile.objects.get(user=hoiku)
    nozei = Department.objects.get(code="nozei")
    assert change(admin_client, profile, role="manager", department=str(nozei.pk)).status_code == 302
    changes = last_admin_row().detail["changes"]
    assert changes["role"] == {"before": "clerk", "after": "manager"}
    assert changes["department_id"]["after"] == nozei.pk
    response = change(admin_client, hoiku, is_superuser="on", is_staff="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    row = last_admin_row()
    assert row.target_type == "auth.user" and row.detail["changes"]["is_superuser"] == {"before": False, "after": True}
    data = form_data(admin_client.get(reverse("admin:auth_user_change", args=[hoiku.pk])))
    data.pop("is_active", None)  # unticked
    admin_client.post(reverse("admin:auth_user_change", args=[hoiku.pk]), data)
    assert last_admin_row().detail["changes"]["is_active"] == {"before": True, "after": False}
    # A password reset: recorded as changed, never its value or hash.
    old_hash = get_user_model().objects.get(pk=hoiku.pk).password
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[hoiku.pk]),
                                 {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    row = AuditEvent.objects.get(action="admin.password")
    assert row.target_id == hoiku.pk and old_hash not in str(row.detail) and "passphrase" not in str(row.detail)
    assert admin_client.post(reverse("admin:auth_user_delete", args=[hoiku.pk]), {"post": "yes"}).status_code == 403
    assert admin_client.post(reverse("admin:staff_staffprofile_delete", args=[profile.pk]), {"post": "yes"}).status_code == 403


def test_configuration_changes_are_audited_too(admin_client):
    receivable = ReceivableType.objects.get(code="nursery_fee")
    before = receivable.demand_fee
    assert change(admin_client, receivable, demand_fee="150").status_code == 302
    assert last_admin_row().detail["changes"]["demand_fee"] == {"before": before, "after": 150}


@pytest.mark.parametrize("model", [
    "audit_auditevent", "payments_refund", "payments_debitrun", "payments_paymentimport", "payments_assessmentimport",
    "relief_reliefdecision",
])
def test_read_only_admins_refuse_a_change(admin_client, model):
    from django.apps import apps

    app, name = model.split("_", 1)
    assert admin_client.post(reverse(f"admin:{model}_add"), {}).status_code == 403
    Model = apps.get_model(app, name)
    obj = Model.objects.first()
    if obj is not None:
        assert admin_client.post(reverse(f"admin:{model}_change", args=[obj.pk]), {}).status_code == 403
        assert admin_client.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403


def test_an_audit_row_cannot_be_changed_in_the_admin(admin_client):
    row = AuditEvent.objects.order_by("id").first()  # the login
    assert row is not None
    url = reverse("admin:audit_auditevent_change", args=[row.pk])
    assert admin_client.get(url).status_code == 200  # shown
    assert admin_client.post(url, {"summary": "消した"}).status_code == 403


def test_no_admin_lets_a_user_set_a_file_path():
    """Every model field that names a file the system wrote is absent or read-only in the admin."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = type("U", (), {"is_active": True, "is_staff": True, "is_superuser": True, "has_perm": lambda *a: True,
                                  "is_authenticated": True})()
    path_fields = {("payments", "refund"): "transfer_file", ("payments", "debitrun"): "filename",
                   ("demands", "demandrun"): "document", ("cases", "reminderrun"): "document",
                   ("payments", "paymentimport"): "filename", ("payments", "assessmentimport"): "filename"}
    for model, model_admin in admin.site._registry.items():
        field = path_fields.get((model._meta.app_label, model._meta.model_name))
        if field is None:
            continue
        editable = model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        assert not editable or field in model_admin.get_readonly_fields(request) or field in (model_admin.exclude or ()), model


def test_an_admin_change_a_refused_attempt_writes_nothing(admin_client, django_user_model, taro):
    """A non-staff login is sent to the admin's login page; nothing changes."""
    clerk = staff(django_user_model.objects.create_user("nozei"), "clerk", "nozei")
    admin_client.force_login(clerk)
    url = reverse("admin:debtors_debtor_change", args=[taro.pk])
    assert admin_client.post(url, {"name": "x"}).status_code == 302  # to the admin login
    taro.refresh_from_db()
    assert taro.name == "山田 太郎" and not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_a_run_whose_document_names_another_file_is_not_served(settings, tmp_path, taro):
    """A run's document is resolved inside the document directory only (saiken.documents.store):
    a row pointing at the database file, or at /etc/passwd, serves nothing."""
    from saiken.demands.actions import issue_demands
    from saiken.demands.documents import open_document
    from saiken.demands.models import DemandRun, DocumentStatus
    from saiken.documents.store import NotStored
    from saiken.ledger.actions import assess
    from tests.conftest import operator

    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "documents"
    assess(debtor=taro, receivable=ReceivableType.objects.get(code="nursery_fee"), fiscal_year=2026, instalment_no=1,
           nominal_due=date(2026, 5, 1), amount=20_000, assessed_on=date(2026, 4, 10))
    run = issue_demands(as_of=date(2026, 5, 15), user=operator())
    secret = tmp_path / "db.sqlite3"
    secret.write_text("the whole database")
    for name in (str(secret), "/etc/passwd", "../db.sqlite3"):
        DemandRun.objects.filter(pk=run.pk).update(document_status=DocumentStatus.DONE, document=name)
        with pytest.raises(NotStored):
            open_document(run, operator())


def test_a_user_added_in_the_admin_is_audited_without_the_password(admin_client):
    response = admin_client.post(reverse("admin:auth_user_add"), {
        "username": "shinjin", "password1": "a long enough passphrase 7", "password2": "a long enough passphrase 7", "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="shinjin")
    row = AuditEvent.objects.get(action="admin.add", target_type="auth.user")
    assert row.target_id == user.pk and row.detail["changes"]["username"] == {"before": None, "after": "shinjin"}
    assert row.detail["changes"]["password"] == {"before": "", "after": "（変更）"}
    assert user.password not in str(row.detail) and "passphrase" not in str(row.detail)


def test_a_change_in_the_changelist_is_audited(admin_client):
    from saiken.relief.models import ReliefRule

    rules = list(ReliefRule.objects.order_by("id"))
    assert rules, "the relief rules are seeded"
    data = {"form-TOTAL_FORMS": str(len(rules)), "form-INITIAL_FORMS": str(len(rules)), "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "_save": "保存"}
    for i, r in enumerate(rules):
        data[f"form-{i}-id"] = str(r.pk)
        for field in ("tax", "forcible", "non_forcible", "private"):
            if getattr(r, field):
                data[f"form-{i}-{field}"] = "on"
    first = rules[0]
    if first.private:
        data.pop("form-0-private")
    else:
        data["form-0-private"] = "on"
    assert admin_client.post(reverse("admin:relief_reliefrule_changelist"), data).status_code == 302
    row = AuditEvent.objects.get(action="admin.change", target_type="relief.reliefrule")
    assert row.target_id == first.pk and row.detail["changes"] == {"private": {"before": first.private, "after": not first.private}}

"""The audit log is append-only in the database itself: UPDATE and DELETE fail, through
the ORM and through raw SQL, on SQLite and PostgreSQL; check-ledger proves the triggers."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from saiken.audit import guard, record
from saiken.audit.models import AuditEvent
from saiken.ledger.verify import CHECKS

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(taro):
    return record(user=None, action="debtor.view", target=taro, summary="山田 太郎 を表示")


def refused(fn):
    """fn fails in the database, and the row is as it was."""
    with pytest.raises(IntegrityError, match="監査ログは追記のみです"):
        with transaction.atomic():
            fn()


def test_the_triggers_exist_after_migrating():
    assert guard.missing() == []
    assert set(guard.present()) >= set(guard.trigger_names(connection.vendor))


def test_an_update_through_the_orm_fails(event):
    event.summary = "改ざん"
    refused(event.save)
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="改ざん"))
    assert AuditEvent.objects.get(pk=event.pk).summary == "山田 太郎 を表示"


def test_a_delete_through_the_orm_fails(event):
    refused(event.delete)
    refused(AuditEvent.objects.all().delete)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def raw(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_an_update_and_a_delete_through_raw_sql_fail(event):
    refused(lambda: raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", event.pk]))
    refused(lambda: raw("UPDATE audit_auditevent SET user_id = NULL"))
    refused(lambda: raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]))
    refused(lambda: raw("DELETE FROM audit_auditevent"))
    assert AuditEvent.objects.get(pk=event.pk).action == "debtor.view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_fails_on_postgresql(event):
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check of this test's rows
    refused(lambda: raw("TRUNCATE audit_auditevent"))
    refused(lambda: raw("TRUNCATE auth_user CASCADE"))  # would cascade to the audit rows
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inserting_still_works(event):
    record(user=None, action="debtor.search", summary="検索")
    AuditEvent.objects.bulk_create([AuditEvent(action="case.reminder"), AuditEvent(action="case.reminder")])
    assert AuditEvent.objects.count() == 4


def test_deleting_the_user_or_the_debtor_keeps_the_audit_rows(event, taro, django_user_model):
    from django.db.models import ProtectedError

    clerk = django_user_model.objects.create_user("clerk")
    mine = record(user=clerk, action="debtor.view", target=taro)
    with pytest.raises(ProtectedError):
        clerk.delete()
    taro.delete()  # the debtor is named by id only: its audit rows stay, with the id
    assert set(AuditEvent.objects.values_list("id", "debtor_id")) == {(event.pk, event.debtor_id), (mine.pk, mine.debtor_id)}


def test_check_ledger_has_the_check_and_it_passes():
    assert "監査ログの追記専用トリガー" in CHECKS
    out = io.StringIO()
    call_command("check_ledger", stdout=out)
    assert "監査ログの追記専用トリガー: 差異 0 件" in out.getvalue()


def test_check_ledger_reports_a_dropped_trigger(event):
    delete_trigger = "audit_no_delete"
    with transaction.atomic():
        raw(f"DROP TRIGGER {delete_trigger} ON audit_auditevent" if connection.vendor == "postgresql" else f"DROP TRIGGER {delete_trigger}")
        assert guard.missing() == [delete_trigger]
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("check_ledger", stdout=out)
        assert f"トリガー {delete_trigger} がありません" in out.getvalue()
        transaction.set_rollback(True)
    assert guard.missing() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ALTER TABLE ... DISABLE TRIGGER is PostgreSQL's")
def test_check_ledger_reports_a_disabled_trigger():
    with transaction.atomic():
        raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_update")
        assert guard.missing() == ["audit_no_update"]
        transaction.set_rollback(True)


def test_lifted_restores_the_triggers_and_a_failure_rolls_back(event):
    with guard.lifted():
        AuditEvent.objects.all().delete()
    assert guard.missing() == [] and not AuditEvent.objects.exists()
    record(user=None, action="debtor.view")
    with pytest.raises(RuntimeError):
        with guard.lifted():
            AuditEvent.objects.all().delete()
            raise RuntimeError
    assert guard.missing() == [] and AuditEvent.objects.count() == 1


def test_flush_lifts_the_triggers_and_puts_them_back(event):
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # as outside a test's transaction, where flush runs
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and guard.missing() == []


def test_migrate_recreates_a_trigger_a_migration_dropped():
    """SQLite rebuilds a table to alter it, dropping its triggers; migrate ends by re-creating them."""
    with transaction.atomic():
        raw("DROP TRIGGER audit_no_update ON audit_auditevent" if connection.vendor == "postgresql" else "DROP TRIGGER audit_no_update")
        assert guard.missing() == ["audit_no_update"]
        guard.reinstall_after_migrate(sender=None, using="default")
        assert guard.missing() == []

"""The audit log is append-only in the database itself.

Triggers on the audit table refuse every UPDATE and DELETE (and, on PostgreSQL,
TRUNCATE), whoever sends them: the ORM, the admin, a management command, or a
person with a SQL prompt. Only INSERT is allowed. A refused statement raises the
database's integrity error (SQLSTATE 23001 restrict_violation on PostgreSQL,
SQLITE_CONSTRAINT on SQLite), so Django raises `django.db.IntegrityError`.

Two paths empty the table on purpose, and say so:
- `lifted()` drops the triggers and re-creates them in the same transaction, for the
  demo city's reset (`saiken demo-city --reset`) and for `saiken flush` (which empties
  every table, e.g. between the tests that run outside a transaction);
- a migration that rebuilds the table (SQLite remakes a table to alter it) loses its
  triggers; every `migrate` ends by re-creating any that are missing
  (`reinstall_after_migrate`), and `saiken check-ledger` reports a missing trigger
  (`missing()`) whatever removed it.

The user who acted is a PROTECT foreign key and the debtor is a plain id, so deleting
a user or a debtor never deletes or nulls an audit row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction

TABLE = "audit_auditevent"
FUNCTION = "audit_refuse_change"
MESSAGE = "監査ログは追記のみです。行の変更・削除はできません。"

# name -> the statement it refuses, per database.
POSTGRES_TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON {table} FOR EACH ROW",
    "audit_no_delete": "BEFORE DELETE ON {table} FOR EACH ROW",
    "audit_no_truncate": "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT",
}
SQLITE_TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON {table}",
    "audit_no_delete": "BEFORE DELETE ON {table}",
}


def trigger_names(vendor: str) -> list[str]:
    return list(POSTGRES_TRIGGERS if vendor == "postgresql" else SQLITE_TRIGGERS)


def install_sql(vendor: str) -> list[str]:
    """The statements that create the triggers (idempotent)."""
    if vendor == "postgresql":
        sql = [
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$"""
        ]
        for name, when in POSTGRES_TRIGGERS.items():
            sql.append(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            sql.append(f"CREATE TRIGGER {name} {when.format(table=TABLE)} EXECUTE FUNCTION {FUNCTION}()")
        return sql
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} {when.format(table=TABLE)} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for name, when in SQLITE_TRIGGERS.items()
        ]
    return []  # other databases are not supported by saiken; the check reports the missing triggers


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRES_TRIGGERS]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    return []


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cur:
        for s in statements:
            cur.execute(s)  # no parameters: the % of the PL/pgSQL body is not a placeholder


def install(connection) -> None:
    _execute(connection, install_sql(connection.vendor))


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: re-create any trigger a migration dropped (idempotent; never drops one)."""
    connection = connections[using]
    if TABLE in connection.introspection.table_names() and missing(using):
        install(connection)


def uninstall(connection) -> None:
    _execute(connection, uninstall_sql(connection.vendor))


@contextmanager
def lifted(using: str = "default") -> Iterator[None]:
    """Drop the triggers for the block and re-create them, in one transaction: only for
    the two deliberate emptyings named in the module docstring. If the block fails the
    transaction rolls back and the triggers were never gone (DDL is transactional on
    both databases)."""
    connection = connections[using]
    with transaction.atomic(using=using):
        uninstall(connection)
        yield
        install(connection)


def present(using: str = "default") -> set[str]:
    """The names of the audit triggers that exist (and, on PostgreSQL, are enabled)."""
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
        elif connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        else:
            return set()
        return {row[0] for row in cur.fetchall()}


def missing(using: str = "default") -> list[str]:
    found = present(using)
    return [name for name in trigger_names(connections[using].vendor) if name not in found]


@dataclass(frozen=True)
class MissingTrigger:
    """A check-ledger difference: an append-only trigger of the audit table is gone."""

    where: str
    field: str
    cached: int = 0  # present: no
    recomputed: int = 1  # required: yes

    def __str__(self):
        return f"{self.where}: トリガー {self.field} がありません（監査ログの変更・削除を拒否できません）"


def differences() -> Iterator[MissingTrigger]:
    """`saiken check-ledger`: every append-only trigger of the audit table exists."""
    for name in missing():
        yield MissingTrigger("監査ログ", name)

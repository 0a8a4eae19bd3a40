"""The audit table refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) in the database itself.

See saiken.audit.guard. A later migration that makes SQLite rebuild this table (an
AlterField/AddField on it) drops the triggers with the old table; `migrate` re-creates
them at its end (post_migrate), and `saiken check-ledger` reports any that are missing.
"""

from django.db import migrations


def install(apps, schema_editor):
    from saiken.audit import guard

    guard.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from saiken.audit import guard

    guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]

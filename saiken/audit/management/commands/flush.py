"""`saiken flush`: Django's flush (empty every table), which must lift the audit triggers.

Flushing removes all data, the audit log included, so the audit table's append-only
triggers (saiken.audit.guard) are dropped for it and re-created in the same transaction.
Django runs this command between the tests that run outside a transaction; an operator
who runs it deliberately empties the whole database, and is asked to confirm first.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from saiken.audit import guard


class Command(flush.Command):
    help = flush.Command.help + " 監査ログも削除します（追記専用トリガーを一時的に外して作り直します）。"

    def handle(self, **options):
        with guard.lifted(options.get("database") or DEFAULT_DB_ALIAS):
            return super().handle(**options)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "saiken.audit"
    verbose_name = "監査ログ"

    def ready(self):
        # Logins, failed logins and logouts are recorded (receivers only record).
        from saiken.audit import signals  # noqa: F401
        # `saiken check-ledger` proves the audit table is append-only (its triggers exist).
        from saiken.audit import guard
        from saiken.ledger.verify import register

        register("監査ログの追記専用トリガー", guard.differences)
        # A migration that rebuilds the audit table (SQLite remakes a table to alter it)
        # drops its triggers: every migrate ends by re-creating any that are missing.
        post_migrate.connect(guard.reinstall_after_migrate, sender=self, dispatch_uid="saiken.audit.triggers")

from django.apps import AppConfig


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

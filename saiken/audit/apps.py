from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saiken.audit"
    verbose_name = "監査ログ"

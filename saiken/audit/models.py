"""The audit log (監査ログ): who did what to whom, when — one row per recorded act.

Rows are only ever inserted (by `saiken.audit.record`), in the same transaction
as the change they describe, so a rolled-back change leaves no audit row and a
committed one always has one.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """監査ログ: one recorded view or change."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="利用者")
    action = models.CharField("操作", max_length=60, db_index=True, help_text="例: relief.approve, demand.issue, debtor.view")
    target_type = models.CharField("対象の種類", max_length=60, blank=True)
    target_id = models.BigIntegerField("対象ID", null=True, blank=True)
    debtor_id = models.BigIntegerField("債務者ID", null=True, blank=True, db_index=True)
    summary = models.CharField("内容", max_length=300, blank=True)
    detail = models.JSONField("詳細", default=dict, blank=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"

"""Prescription (時効管理): the events that renew or suspend it, and a cached projection.

The law is `saiken.core.prescription`; `projection.py` feeds it from the ledger,
the demands and the events recorded here. PrescriptionStatus is a cache of its
result per open instalment, rebuilt by `saiken refresh-prescription` and by each
recorded event, so that the warning list is one indexed query.
"""

from django.conf import settings
from django.db import models

from saiken.core.prescription import REGIME_LABELS
from saiken.ledger.models import Instalment


class EventKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "債務の承認"
    PLEDGE = "pledge", "分納誓約"
    SEIZURE = "seizure", "差押"
    JUDGMENT = "judgment", "判決の確定"
    REMINDER = "reminder", "催告"
    COURT = "court", "裁判上の請求等"
    INVOKED = "invoked", "時効の援用"


# Kinds that last a while: the procedure's end renews (seizure) or ends the suspension (court).
PROCEDURES = frozenset({EventKind.SEIZURE, EventKind.COURT})


class PrescriptionEvent(models.Model):
    """時効の更新・完成猶予の事由: one event recorded by a clerk (payments and demands come from the ledger)."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="prescription_events", verbose_name="調定")
    kind = models.CharField("事由", max_length=20, choices=EventKind.choices)
    on = models.DateField("日付", help_text="承認・誓約・催告の日、差押・申立ての日、判決の確定日、援用の日")
    ended_on = models.DateField("終了日", null=True, blank=True, help_text="差押・裁判手続の終了日（継続中は空欄）")
    note = models.CharField("備考", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "時効の事由"
        verbose_name_plural = "時効の事由"
        ordering = ["instalment", "on", "id"]
        constraints = [
            models.CheckConstraint(
                name="prescription_event_ends_after_start",
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("on")),
                violation_error_message="終了日が開始日より前です。",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class PrescriptionStatus(models.Model):
    """時効の状況: the projection cached per open instalment (see module docstring)."""

    instalment = models.OneToOneField(Instalment, on_delete=models.CASCADE, related_name="prescription", verbose_name="調定")
    runs_from = models.DateField("時効の起算日")
    completes_on = models.DateField("時効完成予定日", null=True, blank=True, db_index=True, help_text="この日の終了をもって完成。差押・裁判手続中は空欄")
    regime = models.CharField("区分", max_length=20, choices=[(k.value, v) for k, v in REGIME_LABELS.items()])
    needs_invocation = models.BooleanField("援用が必要")
    basis = models.CharField("根拠", max_length=300)
    refreshed_on = models.DateField("算定基準日")

    class Meta:
        verbose_name = "時効の状況"
        verbose_name_plural = "時効の状況"

    def __str__(self):
        return f"{self.instalment_id}: {self.completes_on}"

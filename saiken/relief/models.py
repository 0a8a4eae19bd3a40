"""Relief decisions (緩和措置): 猶予, 執行停止, 徴収停止, 履行延期, 免除, 放棄.

A decision is proposed by a clerk and approved (決裁) by a manager holding
`relief.approve_reliefdecision`; only the actions in `saiken.relief.actions`
change it. What each kind allows is in `saiken.core.relief`; which legal
classes may use each kind is the ReliefRule table, editable in the admin.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from saiken.catalog.models import ReceivableType
from saiken.core.relief import CLASS_LABELS, DEFAULT_ALLOWED, KIND_LABELS, ClassKey, ReliefKind, ground_label
from saiken.debtors.models import Debtor
from saiken.ledger.models import Instalment

KIND_CHOICES = [(k.value, KIND_LABELS[k]) for k in ReliefKind]


class Status(models.TextChoices):
    PROPOSED = "proposed", "決裁待ち"
    APPROVED = "approved", "決裁済"
    REJECTED = "rejected", "却下"
    REVOKED = "revoked", "取消"
    ENDED = "ended", "終了"


class ReliefDecision(models.Model):
    """緩和措置: one decision on some of one debtor's instalments of one receivable."""

    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="relief_decisions", verbose_name="債務者")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="relief_decisions", verbose_name="債権")
    kind = models.CharField("措置", max_length=30, choices=KIND_CHOICES)
    ground = models.CharField("理由（根拠条項）", max_length=40)
    legal_basis = models.CharField("根拠法令", max_length=200, blank=True)
    reason = models.TextField("措置の理由（事実関係）")
    start_on = models.DateField("開始日")
    end_on = models.DateField("終了日", null=True, blank=True, help_text="猶予・履行延期の期間の末日。執行停止・免除・放棄は空欄")
    immediate_extinction = models.BooleanField("即時消滅（地方税法15条の7第5項）", default=False)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.PROPOSED)

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="起案者")
    proposed_at = models.DateTimeField("起案日時", default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="決裁者"
    )
    decided_on = models.DateField("決裁日", null=True, blank=True, help_text="承認又は却下の日")
    decision_note = models.TextField("決裁の意見・却下の理由", blank=True)
    revoked_on = models.DateField("取消日", null=True, blank=True, help_text="この日から措置の効果はありません")
    revocation_reason = models.TextField("取消の理由", blank=True)
    ended_on = models.DateField("終了日（実績）", null=True, blank=True, help_text="措置が適用された最後の日")
    end_reason = models.TextField("終了の理由", blank=True)

    class Meta:
        verbose_name = "緩和措置"
        verbose_name_plural = "緩和措置"
        ordering = ["-proposed_at", "-id"]
        permissions = [("approve_reliefdecision", "緩和措置を決裁する")]
        indexes = [
            models.Index(fields=["status", "kind"], name="relief_status_kind"),
            models.Index(fields=["debtor", "status"], name="relief_debtor_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.debtor} {self.receivable}"

    @property
    def ground_label(self) -> str:
        return ground_label(self.kind, self.ground)


class ReliefDecisionLine(models.Model):
    """措置の対象: one instalment a decision covers, with what was owed when it was proposed."""

    decision = models.ForeignKey(ReliefDecision, on_delete=models.CASCADE, related_name="lines", verbose_name="緩和措置")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="relief_lines", verbose_name="調定")
    principal = models.BigIntegerField("本税（起案時）", default=0)
    late_charge = models.BigIntegerField("延滞金（起案時）", default=0)
    fee = models.BigIntegerField("手数料（起案時）", default=0)

    class Meta:
        verbose_name = "措置の対象"
        verbose_name_plural = "措置の対象"
        constraints = [models.UniqueConstraint(fields=["decision", "instalment"], name="relief_line_unique")]

    def __str__(self):
        return str(self.instalment)

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee


class ReliefSchedule(models.Model):
    """履行延期の分納計画: one payment of a 履行延期の特約."""

    decision = models.ForeignKey(ReliefDecision, on_delete=models.CASCADE, related_name="schedule", verbose_name="緩和措置")
    number = models.PositiveSmallIntegerField("回")
    due_on = models.DateField("納期限")
    amount = models.BigIntegerField("金額")

    class Meta:
        verbose_name = "分納計画"
        verbose_name_plural = "分納計画"
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="relief_schedule_unique"),
            models.CheckConstraint(name="relief_schedule_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"第{self.number}回 {self.due_on} {self.amount:,}円"


class ReliefRule(models.Model):
    """緩和措置の対象区分: which classes of receivable may use each kind (a city's setting)."""

    kind = models.CharField("措置", max_length=30, choices=KIND_CHOICES, unique=True)
    tax = models.BooleanField(CLASS_LABELS[ClassKey.TAX], default=False)
    forcible = models.BooleanField(CLASS_LABELS[ClassKey.FORCIBLE], default=False)
    non_forcible = models.BooleanField(CLASS_LABELS[ClassKey.NON_FORCIBLE], default=False)
    private = models.BooleanField(CLASS_LABELS[ClassKey.PRIVATE], default=False)
    note = models.TextField("備考（根拠条例など）", blank=True)

    class Meta:
        verbose_name = "緩和措置の対象区分"
        verbose_name_plural = "緩和措置の対象区分"
        ordering = ["id"]

    def __str__(self):
        return self.get_kind_display()

    def classes(self) -> frozenset[ClassKey]:
        return frozenset(c for c in ClassKey if getattr(self, c.value))

    @classmethod
    def defaults(cls, kind: ReliefKind) -> dict:
        return {c.value: c in DEFAULT_ALLOWED[kind] for c in ClassKey}

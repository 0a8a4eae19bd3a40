"""納付書 (payment slips): what was printed for whom, line by line, with its barcode.

A slip is issued once and never edited: its lines say what the payer was asked to pay
on each instalment (principal, the late charge computed to `late_charge_to`, fee), and a
store payment of its barcode (saiken.core.conveni.SLIP_NOTICE) is split by them
(saiken.payments.imports). A reissue is a new slip.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor
from saiken.ledger.models import Instalment


class SlipKind(models.TextChoices):
    FIRST = "first", "当初"
    REISSUE = "reissue", "再発行"
    PLAN = "plan", "分納"


class PaymentSlip(models.Model):
    """納付書: one slip to one payer, its lines and total fixed when issued."""

    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="payment_slips", verbose_name="納付義務者")
    kind = models.CharField("種類", max_length=10, choices=SlipKind.choices)
    issued_on = models.DateField("発行日")
    issued_at = models.DateTimeField("発行日時", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="発行者")
    deadline = models.DateField("支払期限")
    late_charge_to = models.DateField("延滞金の計算日")
    total = models.BigIntegerField("合計金額")
    barcode = models.CharField("バーコード（44桁）", max_length=44, blank=True)
    no_barcode = models.CharField("バーコードなしの理由", max_length=200, blank=True)
    # A 分納 slip pays one row of a 分納誓約 (saiken.cases): its amount is that row's.
    pledge_payment = models.ForeignKey(
        "cases.PledgeInstalment", null=True, blank=True, on_delete=models.PROTECT, related_name="slips", verbose_name="分納計画の回",
    )

    class Meta:
        verbose_name = "納付書"
        verbose_name_plural = "納付書"
        ordering = ["-issued_at", "-id"]
        constraints = [models.CheckConstraint(name="payment_slip_total_positive", condition=models.Q(total__gt=0))]

    def __str__(self):
        return f"納付書 {self.pk}（{self.get_kind_display()}・{self.total:,}円）"

    @property
    def number(self) -> str:
        return f"N{self.pk:08d}"


class SlipLine(models.Model):
    """One instalment on a slip, with what the slip asks for it."""

    slip = models.ForeignKey(PaymentSlip, on_delete=models.PROTECT, related_name="lines", verbose_name="納付書")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="slip_lines", verbose_name="調定")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+", verbose_name="債権")
    principal = models.BigIntegerField("本税（料）")
    late_charge = models.BigIntegerField("延滞金")
    fee = models.BigIntegerField("督促手数料")

    class Meta:
        verbose_name = "納付書の明細"
        verbose_name_plural = "納付書の明細"
        ordering = ["slip", "id"]
        constraints = [
            models.CheckConstraint(name="slip_line_nonnegative", condition=models.Q(principal__gte=0, late_charge__gte=0, fee__gte=0)),
        ]

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee

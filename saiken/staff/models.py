"""Staff (職員): who works where, in which role, and the debtor facts they may see.

A user's StaffProfile gives their department and role; `saiken.staff.access` turns that
into what they may see. Tax secrecy (地方税法22条) is lifted for non-tax staff only by a
TaxDisclosure recorded on the debtor: their consent or a legal basis.
"""

from django.conf import settings
from django.db import models

from saiken.catalog.models import Department
from saiken.debtors.models import Debtor


class Role(models.TextChoices):
    CLERK = "clerk", "所管課職員"
    MANAGER = "manager", "所管課長（決裁者）"
    COLLECTOR = "collector", "債権回収担当（移管先）"
    COMMITTEE = "committee", "債権管理委員"
    AUDITOR = "auditor", "監査担当"
    ADMIN = "admin", "システム管理者"


class StaffProfile(models.Model):
    """職員: one user's department, role, rank and experience."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name="利用者")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="所属")
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.CLERK)
    rank = models.CharField("職階", max_length=50, blank=True)
    joined_collection_work = models.DateField("債権管理業務の開始日", null=True, blank=True)

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"

    def __str__(self):
        return f"{self.user} {self.get_role_display()}"


class TaxDisclosure(models.Model):
    """税情報の利用根拠: the debtor's consent, or a legal basis, for non-tax staff to see tax facts."""

    class Basis(models.TextChoices):
        CONSENT = "consent", "本人の同意"
        LAW = "law", "法令の根拠（例: 国民健康保険法113条の2等）"

    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="tax_disclosures", verbose_name="債務者")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="利用する所管課")
    basis = models.CharField("根拠", max_length=20, choices=Basis.choices)
    detail = models.CharField("内容（同意書番号・条文など）", max_length=200)
    valid_from = models.DateField("開始日")
    valid_to = models.DateField("終了日", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "税情報の利用根拠"
        verbose_name_plural = "税情報の利用根拠"


class ServiceCheck(models.Model):
    """行政サービス利用制限の確認: a department asks whether an applicant is delinquent and
    gets yes or no — never the details — with the applicant's consent recorded."""

    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="service_checks", verbose_name="申請者")
    service = models.CharField("申請された行政サービス", max_length=200)
    consent = models.CharField("本人同意の記録（同意書番号など）", max_length=200)
    delinquent = models.BooleanField("滞納あり")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="照会者")
    asked_at = models.DateTimeField("照会日時", auto_now_add=True)
    as_of = models.DateField("基準日")

    class Meta:
        verbose_name = "行政サービス利用制限の確認"
        verbose_name_plural = "行政サービス利用制限の確認"
        ordering = ["-asked_at"]

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


class Service(models.Model):
    """行政サービス: a service of the city (a subsidy, a permit, a lease) whose grant asks
    whether the applicant has unpaid city debts, and the department that grants it.
    The city's own list, kept in the admin (a few examples are seeded)."""

    code = models.SlugField("コード", max_length=50, unique=True)
    name = models.CharField("名称", max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services", verbose_name="所管課")
    active = models.BooleanField("照会を受け付ける", default=True)

    class Meta:
        verbose_name = "行政サービス（利用制限の照会）"
        verbose_name_plural = "行政サービス（利用制限の照会）"
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceClient(models.Model):
    """照会元システム: another system of the city that asks the service-check API, with its
    own token (kept only as a SHA-256 hash; shown once, by `saiken service-client add`) and
    the services it may ask about."""

    name = models.SlugField("名前", max_length=50, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="service_clients", verbose_name="所管課")
    token_prefix = models.CharField("トークンの識別子", max_length=16, unique=True)
    token_hash = models.CharField("トークンのハッシュ（SHA-256）", max_length=64)
    services = models.ManyToManyField(Service, related_name="clients", verbose_name="照会できる行政サービス")
    active = models.BooleanField("有効", default=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "照会元システム"
        verbose_name_plural = "照会元システム"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceConsent(models.Model):
    """照会への本人の同意: who consented (the applicant as the city knows them), to what
    (the service), when, and the consent document's number (同意書番号). Tax information
    leaves the tax department only with the person's consent (地方税法22条)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name="同意の対象（行政サービス）")
    system = models.CharField("識別番号の種類", max_length=30)
    identifier = models.CharField("識別番号", max_length=40)
    name = models.CharField("氏名", max_length=200)
    birth_date = models.DateField("生年月日")
    document_number = models.CharField("同意書番号", max_length=100)
    consented_on = models.DateField("同意日")

    class Meta:
        verbose_name = "照会への本人の同意"
        verbose_name_plural = "照会への本人の同意"


class ServiceCheck(models.Model):
    """行政サービス利用制限の確認: one call — by a client system or a clerk — and its answer,
    「滞納なし」 (clear) or 「納税課等に確認が必要」 (refer), never the details."""

    class Result(models.TextChoices):
        CLEAR = "clear", "滞納なし"
        REFER = "refer", "確認が必要（債権の所管課へ）"

    client = models.ForeignKey(ServiceClient, null=True, blank=True, on_delete=models.PROTECT, related_name="checks", verbose_name="照会元システム")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="照会者")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="checks", verbose_name="行政サービス")
    consent = models.OneToOneField(ServiceConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="service_check", verbose_name="本人の同意")
    # The applicant the identity matched (None: no record matched id, name and birth date).
    debtor = models.ForeignKey(Debtor, null=True, blank=True, on_delete=models.PROTECT, related_name="service_checks", verbose_name="申請者")
    delinquent = models.BooleanField("滞納あり")
    result = models.CharField("回答", max_length=10, choices=Result.choices, default=Result.CLEAR)
    asked_at = models.DateTimeField("照会日時", auto_now_add=True)
    as_of = models.DateField("基準日")
    service_name = models.CharField("行政サービスの名称（照会時）", max_length=200)
    # Free-text consent of the checks answered before consent was a record (new checks: blank).
    consent_note = models.CharField("本人同意の記録（旧・自由記述）", max_length=200, blank=True)

    class Meta:
        verbose_name = "行政サービス利用制限の確認"
        verbose_name_plural = "行政サービス利用制限の確認"
        ordering = ["-asked_at"]

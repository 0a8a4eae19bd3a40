"""Debtors (債務者): persons and corporations, and how each source system knows them."""

from django.db import models
from django.db.models.functions import Upper


class DebtorKind(models.TextChoices):
    PERSON = "person", "個人"
    CORPORATION = "corporation", "法人"


class Debtor(models.Model):
    """債務者. One row per record a source system holds; 名寄せ links them later."""

    kind = models.CharField("区分", max_length=20, choices=DebtorKind.choices, default=DebtorKind.PERSON)
    name = models.CharField("氏名・名称", max_length=200, db_index=True)
    name_kana = models.CharField("フリガナ", max_length=200, db_index=True, help_text="全角カタカナ")
    birth_date = models.DateField("生年月日", null=True, blank=True)
    corporate_number = models.CharField("法人番号", max_length=13, blank=True, db_index=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=300, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "債務者"
        verbose_name_plural = "債務者"
        constraints = [
            models.CheckConstraint(
                name="debtor_person_or_corporation",
                condition=models.Q(kind="person", corporate_number="") | models.Q(kind="corporation", birth_date__isnull=True),
                violation_error_message="個人に法人番号、法人に生年月日は登録できません。",
            ),
        ]

    def __str__(self):
        return self.name


class SourceSystem(models.TextChoices):
    RESIDENT = "resident", "宛名番号"
    NHI = "nhi", "国保被保険者番号"
    LTC = "ltc", "介護保険被保険者番号"
    LATE_ELDERLY = "late_elderly", "後期高齢者被保険者番号"
    CHILDCARE = "childcare", "保育児童番号"
    HOUSING = "housing", "市営住宅契約番号"
    HOSPITAL = "hospital", "診療録番号"
    SCHOLARSHIP = "scholarship", "奨学金貸与番号"
    WELFARE = "welfare", "ケース番号"
    OTHER = "other", "その他"


class DebtorIdentifier(models.Model):
    """The identifier a source system uses for the debtor (宛名番号, 被保険者番号, …)."""

    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="identifiers", verbose_name="債務者")
    system = models.CharField("番号の種類", max_length=30, choices=SourceSystem.choices)
    value = models.CharField("番号", max_length=40)

    class Meta:
        verbose_name = "識別番号"
        verbose_name_plural = "識別番号"
        constraints = [models.UniqueConstraint(fields=["system", "value"], name="identifier_unique_per_system")]
        indexes = [models.Index(Upper("value"), name="identifier_value_upper")]

    def __str__(self):
        return f"{self.get_system_display()} {self.value}"


class ContactKind(models.TextChoices):
    PHONE = "phone", "電話"
    MOBILE = "mobile", "携帯電話"
    EMAIL = "email", "メール"
    WORKPLACE = "workplace", "勤務先"
    OTHER = "other", "その他"


class Contact(models.Model):
    """連絡先."""

    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="contacts", verbose_name="債務者")
    kind = models.CharField("種類", max_length=20, choices=ContactKind.choices)
    value = models.CharField("連絡先", max_length=200)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "連絡先"
        verbose_name_plural = "連絡先"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

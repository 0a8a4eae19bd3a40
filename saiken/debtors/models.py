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


# ---------------------------------------------------------------------------
# 名寄せ (identity matching): which records of different systems are one person.
# ---------------------------------------------------------------------------

from django.conf import settings  # noqa: E402  (appended section: the models above need no settings)


class Person(models.Model):
    """名寄せ後の人: the records linked as one person. Only people of two or more records have a row."""

    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "名寄せ後の人"
        verbose_name_plural = "名寄せ後の人"

    def __str__(self):
        return f"名寄せ {self.pk}"


class LinkMethod(models.TextChoices):
    AUTO = "auto", "自動"
    CLERK = "clerk", "担当者の確認"


class DebtorLink(models.Model):
    """名寄せの結び付け: this record belongs to that person. Deleted (and audited) when undone."""

    debtor = models.OneToOneField(Debtor, on_delete=models.CASCADE, primary_key=True, related_name="link", verbose_name="債務者")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links", verbose_name="名寄せ後の人")
    # The record it was matched with, and why: the link explains itself on screen.
    via = models.ForeignKey(Debtor, null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_via", verbose_name="照合相手")
    score = models.IntegerField("点数", null=True, blank=True)
    reasons = models.JSONField("理由", default=list, blank=True)
    method = models.CharField("方法", max_length=10, choices=LinkMethod.choices, default=LinkMethod.AUTO)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="確認者")
    linked_at = models.DateTimeField("結び付け日時", auto_now_add=True)

    class Meta:
        verbose_name = "名寄せの結び付け"
        verbose_name_plural = "名寄せの結び付け"

    def __str__(self):
        return f"{self.debtor_id} → {self.person_id}"


class CandidateStatus(models.TextChoices):
    QUEUED = "queued", "確認待ち"
    CONFIRMED = "confirmed", "同一人"
    REJECTED = "rejected", "別人"


class MatchCandidate(models.Model):
    """名寄せ候補: a pair of records that may be one person, for a clerk to decide.
    A rejected pair is never proposed (nor linked automatically) again."""

    debtor_a = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="match_candidates_a", verbose_name="債務者A")
    debtor_b = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="match_candidates_b", verbose_name="債務者B")
    score = models.IntegerField("点数")
    reasons = models.JSONField("理由", default=list, blank=True)
    status = models.CharField("状態", max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.QUEUED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="判断者")
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "名寄せ候補"
        verbose_name_plural = "名寄せ候補"
        constraints = [
            models.UniqueConstraint(fields=["debtor_a", "debtor_b"], name="match_candidate_pair_once"),
            models.CheckConstraint(name="match_candidate_ordered_pair", condition=models.Q(debtor_a__lt=models.F("debtor_b"))),
        ]
        indexes = [models.Index(fields=["debtor_b"], name="match_candidate_b")]

    def __str__(self):
        return f"{self.debtor_a_id}–{self.debtor_b_id} ({self.score})"

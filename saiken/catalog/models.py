"""The receivable catalog (債権一覧): every type of debt the city manages, as data.

Each setting here differs between cities or changes with ordinances, so an
administrator edits it; nothing about a particular receivable is in code.
"""

from django.core.exceptions import ValidationError
from django.db import models

from saiken.core.allocation import Scope, parse_order


class Department(models.Model):
    """債権所管課: the department that owns a receivable."""

    code = models.CharField("課コード", max_length=20, unique=True)
    name = models.CharField("課名", max_length=100)
    phone = models.CharField("電話番号", max_length=30, blank=True, help_text="通知書・督促状の問合せ先")

    class Meta:
        verbose_name = "所管課"
        verbose_name_plural = "所管課"
        ordering = ["code"]

    def __str__(self):
        return self.name


class LegalClass(models.TextChoices):
    FORCIBLE = "forcible", "強制徴収公債権"
    NON_FORCIBLE = "non_forcible", "非強制徴収公債権"
    PRIVATE = "private", "私債権"


class Account(models.TextChoices):
    GENERAL = "general", "一般会計"
    SPECIAL = "special", "特別会計"
    ENTERPRISE = "enterprise", "企業会計"


class PrescriptionStart(models.TextChoices):
    DAY_AFTER_DUE = "day_after_due", "納期限の翌日から"
    DAY_AFTER_STATUTORY_DUE = "day_after_statutory_due", "法定納期限の翌日から"
    KNOWN = "known", "権利を行使できることを知った時から（民法166条）"


class LateChargeKind(models.TextChoices):
    NONE = "none", "なし"
    TAX = "tax", "延滞金（地方税の例による）"
    ORDINANCE = "ordinance", "延滞金（条例による）"
    STATUTORY_INTEREST = "statutory_interest", "遅延損害金（法定利率）"
    CONTRACT = "contract", "遅延損害金（約定利率）"


class LateChargeStart(models.TextChoices):
    DUE_DATE = "due_date", "納期限の翌日から"
    DESIGNATED_DEADLINE = "designated_deadline", "督促状の指定期限の翌日から"


class ReceivableType(models.Model):
    """債権の種類: one receivable (市税, 国民健康保険料, …) and its rules."""

    code = models.CharField("債権コード", max_length=30, unique=True, help_text="英小文字の識別子。作成後は変更しないでください。")
    number = models.PositiveSmallIntegerField("番号", unique=True, help_text="一覧の並び順（基本方針の債権番号）")
    name = models.CharField("債権名", max_length=100)
    legal_class = models.CharField("債権の区分", max_length=20, choices=LegalClass.choices)
    is_tax = models.BooleanField("税（地方税法22条の守秘義務の対象）", default=False)
    account = models.CharField("会計", max_length=20, choices=Account.choices)
    department = models.ForeignKey(Department, verbose_name="所管課", on_delete=models.PROTECT, related_name="receivables")
    is_major = models.BooleanField("主要債権（収納率の全体目標の対象）", default=True)
    active = models.BooleanField("使用中", default=True)

    # 時効
    prescription_years = models.PositiveSmallIntegerField("時効期間（年）", default=5)
    prescription_start = models.CharField(
        "時効の起算", max_length=30, choices=PrescriptionStart.choices, default=PrescriptionStart.DAY_AFTER_DUE
    )
    prescription_objective_years = models.PositiveSmallIntegerField(
        "客観的時効期間（年）", null=True, blank=True, help_text="私債権（2020年4月1日以降発生）: 10年"
    )
    prescription_old_law_years = models.PositiveSmallIntegerField(
        "旧民法の時効期間（年）", null=True, blank=True, help_text="2020年3月31日以前に発生した私債権（診療費3年、賃料5年、貸付金10年）"
    )
    prescription_needs_invocation = models.BooleanField("時効の援用が必要", default=False)

    # 延滞金・遅延損害金
    late_charge_kind = models.CharField("延滞金の種類", max_length=30, choices=LateChargeKind.choices, default=LateChargeKind.NONE)
    late_charge_lower_months = models.PositiveSmallIntegerField("軽減割合の期間（月）", default=1)
    late_charge_start = models.CharField(
        "延滞金の起算", max_length=30, choices=LateChargeStart.choices, default=LateChargeStart.DUE_DATE
    )
    late_charge_min_principal = models.PositiveIntegerField("延滞金を計算しない本税額（未満）", default=2000)
    late_charge_base_unit = models.PositiveIntegerField("計算基礎の端数切捨単位（円）", default=1000)
    late_charge_min_total = models.PositiveIntegerField("延滞金を徴収しない額（未満）", default=1000)
    late_charge_total_unit = models.PositiveIntegerField("延滞金の端数切捨単位（円）", default=100)
    contract_rate_basis_points = models.PositiveIntegerField("約定利率（万分率）", null=True, blank=True, help_text="例: 年5% = 500")

    # 督促
    demand_window_days = models.PositiveSmallIntegerField("督促の発付期限（納期限後の日数）", default=20)
    designated_deadline_days = models.PositiveSmallIntegerField("督促状の指定期限（発付日からの日数）", default=10)
    designated_deadline_rolls = models.BooleanField("指定期限を休日の翌日に繰り延べる", default=False)
    demand_fee = models.PositiveIntegerField("督促手数料（円）", default=0)
    stall_days_after_reminder = models.PositiveSmallIntegerField("催告後の停滞判定日数", default=60)

    # 充当
    allocation_order = models.CharField(
        "充当順位",
        max_length=60,
        default="principal,late_charge,fee",
        help_text="principal（本税）, late_charge（延滞金）, fee（手数料）をカンマ区切りで。私債権の民法の原則は fee,late_charge,principal",
    )
    allocation_scope = models.CharField(
        "充当の単位",
        max_length=20,
        choices=[(Scope.PER_DEBT.value, "古い期別から、期別ごとに充当順位で"), (Scope.COMPONENT_FIRST.value, "全期別の本税を先に")],
        default=Scope.PER_DEBT.value,
    )

    note = models.TextField("備考（根拠条例など）", blank=True)

    class Meta:
        verbose_name = "債権の種類"
        verbose_name_plural = "債権の種類"
        ordering = ["number"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            parse_order(self.allocation_order)
        except ValueError as e:
            raise ValidationError({"allocation_order": f"充当順位が不正です: {e}"}) from e

    @property
    def order(self):
        return parse_order(self.allocation_order)

    @property
    def scope(self) -> Scope:
        return Scope(self.allocation_scope)


class LateChargeRate(models.Model):
    """延滞金の割合: one calendar year's rates, announced each December, in basis points."""

    year = models.PositiveSmallIntegerField("年", unique=True)
    lower_bp = models.PositiveIntegerField("軽減割合（納期限後1月等）（万分率）", help_text="年2.8% = 280")
    after_bp = models.PositiveIntegerField("上記経過後の割合（万分率）", help_text="年9.1% = 910")
    deferment_bp = models.PositiveIntegerField("猶予特例割合（万分率）", null=True, blank=True)

    class Meta:
        verbose_name = "延滞金の割合"
        verbose_name_plural = "延滞金の割合"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年 {self.lower_bp / 100}% / {self.after_bp / 100}%"

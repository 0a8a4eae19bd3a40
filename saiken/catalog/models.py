"""The receivable catalog (債権一覧): every type of debt the city manages, as data.

Each setting here differs between cities or changes with ordinances, so an
administrator edits it; nothing about a particular receivable is in code.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from saiken.core.allocation import Scope, parse_order
from saiken.core.late_charge import parse_rate_periods
from saiken.core.legal_text import LegalTexts, gaps


def validate_rate_periods(text: str) -> None:
    try:
        parse_rate_periods(text)
    except ValueError as e:
        raise ValidationError(str(e)) from e


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
    late_charge_base_unit = models.PositiveIntegerField(
        "計算基礎の端数切捨単位（円）", default=1000, validators=[MinValueValidator(1)], help_text="1 = 切り捨てない"
    )
    late_charge_min_total = models.PositiveIntegerField("延滞金を徴収しない額（未満）", default=1000)
    late_charge_total_unit = models.PositiveIntegerField(
        "延滞金の端数切捨単位（円）", default=100, validators=[MinValueValidator(1)], help_text="1 = 切り捨てない"
    )
    contract_rate_basis_points = models.PositiveIntegerField("約定利率（万分率）", null=True, blank=True, help_text="例: 年5% = 500")
    late_charge_term = models.CharField(
        "遅延損害金の呼称", max_length=20, blank=True,
        help_text="私債権の通知書での呼び方。法令が別の名で定める場合に入力（例: 母子及び父子並びに寡婦福祉法施行令17条の「違約金」）。空欄なら「遅延損害金」。",
    )
    contract_rate_periods = models.TextField(
        "約定・法令の割合の推移", blank=True, validators=[validate_rate_periods],
        help_text="割合が時期により変わる場合（例: 母子及び父子並びに寡婦福祉法施行令17条の違約金）。"
        "1行に「適用開始日 年利率%」（例: 2020-04-01 3）。各日をその日の割合で計算します。空欄なら約定利率（一定）を使います。",
    )

    # 督促
    demand_window_days = models.PositiveSmallIntegerField("督促の発付期限（納期限後の日数）", default=20)
    designated_deadline_days = models.PositiveSmallIntegerField("督促状の指定期限（発付日からの日数）", default=10)
    designated_deadline_rolls = models.BooleanField("指定期限を休日の翌日に繰り延べる", default=False)
    demand_fee = models.PositiveIntegerField("督促手数料（円）", default=0)
    stall_days_after_reminder = models.PositiveSmallIntegerField("催告後の停滞判定日数", default=60)

    # 根拠法令（督促状・催告書に印刷する文の条項）
    demand_basis = models.CharField(
        "督促の根拠", max_length=200, blank=True,
        help_text="督促状に「（この欄）の規定により督促します」と印刷します。例: 市税「地方税法第329条第1項、第371条第1項等」、"
                  "税以外の公債権「地方自治法第231条の3第1項」、下水道事業受益者負担金「都市計画法第75条第3項」、"
                  "私債権「地方自治法施行令第171条」（私債権の督促は民法上の催告にあたるため「納付を請求します」と印刷します）。"
                  "強制徴収公債権では必須です。",
    )
    late_charge_basis = models.CharField(
        "延滞金・遅延損害金の根拠", max_length=200, blank=True,
        help_text="督促状に「（この欄）の定めるところにより延滞金を加算して…」と印刷します（延滞金の種類が「なし」なら印刷しません）。"
                  "例: 市税「地方税法第326条、第369条等及び同法附則第3条の2」、国民健康保険料「地方自治法第231条の3第2項及び市国民健康保険条例」"
                  "（保険料の延滞金は地方税法ではなく自治法231条の3第2項に基づく条例によります）、私債権「民法第419条第1項」。"
                  "条例名は市の正式な名称に直してください。",
    )
    seizure_basis = models.CharField(
        "滞納処分の根拠", max_length=200, blank=True,
        help_text="強制徴収公債権だけ（必須）: 督促状・催告書に「（この欄）の規定により、財産の差押えなどの滞納処分を行うことがあります」と、"
                  "差押調書に処分の根拠として印刷します。例: 市税「地方税法第331条第1項、第373条第1項等」、"
                  "国民健康保険料「国民健康保険法第79条の2及び地方自治法第231条の3第3項」、介護保険料「介護保険法第144条及び地方自治法第231条の3第3項」。",
    )
    enforcement_basis = models.CharField(
        "法的措置の根拠", max_length=200, blank=True,
        help_text="非強制徴収公債権・私債権: 督促状・催告書に「（この欄）の規定により、支払督促の申立てや訴えの提起などの法的措置をとり、"
                  "強制執行を行うことがあります」と印刷します。通常は「地方自治法施行令第171条の2」。空欄なら条項を示さずに印刷します。",
    )

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
        errors = {}
        try:
            parse_order(self.allocation_order)
        except ValueError as e:
            errors["allocation_order"] = f"充当順位が不正です: {e}"
        errors.update(self._legal_text_errors())
        if errors:
            raise ValidationError(errors)

    def _legal_text_errors(self) -> dict[str, str]:
        """A notice must never print a seizure warning without its article, nor a
        seizure for a claim the city cannot seize without a court (地方自治法231条の3第3項)."""
        errors = {}
        if self.legal_class == LegalClass.FORCIBLE:
            if not self.seizure_basis.strip():
                errors["seizure_basis"] = "強制徴収公債権には滞納処分の根拠（例: 地方自治法第231条の3第3項）が必要です。督促状・催告書に印刷します。"
            if not self.demand_basis.strip():
                errors["demand_basis"] = "強制徴収公債権には督促の根拠（例: 地方自治法第231条の3第1項）が必要です。督促は滞納処分の前提です。"
        elif self.seizure_basis.strip():
            errors["seizure_basis"] = (f"{self.get_legal_class_display()}は滞納処分ができません。滞納処分の根拠は空欄にし、"
                                       "法的措置の根拠（地方自治法施行令第171条の2）を入力してください。")
        for field in ("demand_basis", "late_charge_basis", "seizure_basis", "enforcement_basis"):
            holes = gaps(getattr(self, field))
            if holes and field not in errors:
                errors[field] = f"空欄や記号が残っています（{'・'.join(holes)}）。"
        return errors

    @property
    def legal_texts(self) -> LegalTexts:
        """The sentences of the law its notices print (督促・延滞金・滞納処分／法的措置)."""
        return LegalTexts(
            receivable_name=self.name,
            legal_class=self.legal_class,
            demand_basis=self.demand_basis,
            late_charge_kind=self.late_charge_kind,
            late_charge_basis=self.late_charge_basis,
            late_charge_from_designated_deadline=self.late_charge_start == LateChargeStart.DESIGNATED_DEADLINE,
            seizure_basis=self.seizure_basis,
            enforcement_basis=self.enforcement_basis,
            late_charge_term=self.late_charge_term,
            rate_set_by_basis=bool(self.contract_rate_periods.strip()),
        )

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

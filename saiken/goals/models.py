"""Goals (目標): the indicators the committee watches, the targets it sets, the
implementation plans and their evaluations.

An Indicator is a definition kept with every target: what is measured, in which unit,
and how (`computation`, the stable code `saiken.goals.indicators` dispatches on, with
an optional `parameter` such as a write-off reason). Actual values are never typed in:
they are computed from the ledger and the records (`saiken.goals.indicators`).

Goals keeps no figures of its own: the dashboard reads the summaries that the ledger
and the demand run keep exact as they write (saiken.ledger.models.LedgerSummary,
DailySummary, PaymentSummary, WriteOffSummary; saiken.demands.models.DemandSummary),
which `saiken check-ledger` proves.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from saiken.catalog.models import ReceivableType


class Unit(models.TextChoices):
    PERCENT = "percent", "％"
    YEN = "yen", "円"
    COUNT = "count", "件"


class Computation(models.TextChoices):
    """How an indicator's actual is computed. Stored codes: never rename one."""

    CURRENT_RATE = "current_rate", "収納率（現年度分）"
    ARREARS_RATE = "arrears_rate", "収納率（滞納繰越分）"
    TOTAL_RATE = "total_rate", "収納率（合計）"
    CURRENT_UNPAID = "current_unpaid", "未収金（現年度分）"
    ARREARS_UNPAID = "arrears_unpaid", "未収金（滞納繰越分）"
    TOTAL_UNPAID = "total_unpaid", "未収金（合計）"
    DEMAND_ON_TIME = "demand_on_time", "督促の期限内発付率"
    DIRECT_DEBIT_SHARE = "direct_debit_share", "口座振替による納付の割合"
    WRITE_OFF_COUNT = "write_off_count", "不納欠損（件数）"
    WRITE_OFF_YEN = "write_off_yen", "不納欠損（金額）"
    RELIEF_APPROVED = "relief_approved", "緩和措置の決裁（件数）"
    INVESTIGATIONS = "investigations", "財産調査（件数）"
    DISPOSITIONS = "dispositions", "滞納処分・強制執行（件数）"
    STALLED_CASES = "stalled_cases", "停滞事案（件数）"


class PolicyDirection(models.TextChoices):
    """基本方針と具体的な取り組みの方向性 (新潟市債権管理基本方針 平成30年度～)."""

    D1_1 = "1-1", "1-① 法令等に定める事務を確実に実施"
    D1_2 = "1-2", "1-② 情報収集・調査を着実に実施"
    D1_3 = "1-3", "1-③ 調査結果により徴収，緩和を的確に実行"
    D2_1 = "2-1", "2-① 納付しやすい環境の検討を深化"
    D2_2 = "2-2", "2-② 滞納の早期解消に向け進捗確認を徹底"
    D2_3 = "2-3", "2-③ 滞納を発生させない取り組みの定着"
    D3_1 = "3-1", "3-① 実践に直結するスキルの向上"
    D3_2 = "3-2", "3-② 職位レベル、経験年数に応じた研修開催"
    D3_3 = "3-3", "3-③ 関係機関・庁内の連携強化、組織的な意識の醸成"


class Indicator(models.Model):
    """指標: one measure the committee sets targets on (収納率, 未収金, 期限内督促率, …)."""

    code = models.SlugField("指標コード", max_length=60, unique=True, help_text="英小文字の識別子。作成後は変更しないでください。")
    name = models.CharField("指標名", max_length=100)
    unit = models.CharField("単位", max_length=10, choices=Unit.choices)
    computation = models.CharField("算出方法", max_length=30, choices=Computation.choices)
    parameter = models.CharField(
        "算出の条件", max_length=40, blank=True,
        help_text="不納欠損の理由コード（prescription など）、緩和措置の種類（execution_stop など）、"
        "納付経路の割合では経路（既定 direct_debit）。空欄はすべて",
    )
    description = models.TextField("定義（算出式・対象）")
    policy_direction = models.CharField("取り組みの方向性", max_length=5, choices=PolicyDirection.choices, blank=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "指標"
        verbose_name_plural = "指標"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def direction_short(self) -> str:
        """「1-③」"""
        return self.get_policy_direction_display().split(" ")[0] if self.policy_direction else ""

    @property
    def is_outcome(self) -> bool:
        """成果指標 (collection rate and 未収金, from the ledger) rather than 取組指標 (process)."""
        return self.computation in OUTCOME_COMPUTATIONS


OUTCOME_COMPUTATIONS = frozenset(
    {
        Computation.CURRENT_RATE, Computation.ARREARS_RATE, Computation.TOTAL_RATE,
        Computation.CURRENT_UNPAID, Computation.ARREARS_UNPAID, Computation.TOTAL_UNPAID,
    }
)


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", "以上"
    AT_MOST = "at_most", "以下"
    ABOVE_LAST_YEAR = "above_last_year", "前年度を上回る"
    BELOW_LAST_YEAR = "below_last_year", "前年度を下回る"


RELATIVE = frozenset({Comparison.ABOVE_LAST_YEAR, Comparison.BELOW_LAST_YEAR})


class Target(models.Model):
    """目標: the value an indicator should reach in a fiscal year, for one receivable
    (個別目標) or, with no receivable, for the city's major receivables together (全体目標)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name="指標")
    receivable = models.ForeignKey(
        ReceivableType, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name="債権",
        help_text="空欄は主要債権（14債権）全体",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度")
    comparison = models.CharField("達成条件", max_length=20, choices=Comparison.choices, default=Comparison.AT_LEAST)
    value = models.DecimalField(
        "目標値", max_digits=16, decimal_places=1, null=True, blank=True,
        help_text="％は小数第1位まで、円・件は整数。「前年度を上回る・下回る」は空欄",
    )
    carries_forward = models.BooleanField(
        "次年度以降も継続", default=False, help_text="後の年度に同じ指標・債権の目標が設定されるまで、毎年度この目標を適用します"
    )
    note = models.TextField("備考", blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="設定者")
    set_at = models.DateTimeField("設定日時", auto_now=True)

    class Meta:
        verbose_name = "目標"
        verbose_name_plural = "目標"
        ordering = ["fiscal_year", "indicator__order", "receivable__number"]
        constraints = [
            # Two partial constraints: NULL receivables are never equal in a plain unique index.
            models.UniqueConstraint(
                fields=["indicator", "receivable", "fiscal_year"], condition=Q(receivable__isnull=False),
                name="target_unique_per_receivable", violation_error_message="この年度・債権・指標の目標は既にあります。",
            ),
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], condition=Q(receivable__isnull=True),
                name="target_unique_city", violation_error_message="この年度の全体目標（この指標）は既にあります。",
            ),
        ]

    def __str__(self):
        who = self.receivable.name if self.receivable_id else "主要債権全体"
        return f"{self.fiscal_year}年度 {who} {self.indicator} {self.describe()}"

    def describe(self) -> str:
        """「98.5％以上」「前年度を上回る」"""
        if self.comparison in RELATIVE:
            return self.get_comparison_display()
        unit = self.indicator.get_unit_display() if self.indicator_id else ""
        return f"{format_value(self.value, self.indicator.unit if self.indicator_id else '')}{unit}{self.get_comparison_display()}"

    def clean(self):
        errors = {}
        if self.comparison in RELATIVE:
            if self.value is not None:
                errors["value"] = "前年度との比較では目標値は入力しません。"
        elif self.value is None:
            errors["value"] = "目標値を入力してください。"
        elif self.indicator_id:
            unit = self.indicator.unit
            if unit in (Unit.YEN, Unit.COUNT) and self.value != self.value.to_integral_value():
                errors["value"] = "円・件の目標値は整数で入力してください。"
            if unit == Unit.PERCENT and not (0 <= self.value <= 100):
                errors["value"] = "％の目標値は0から100の間で入力してください。"
            if self.value < 0:
                errors["value"] = "目標値は0以上で入力してください。"
        if errors:
            raise ValidationError(errors)


def format_value(value, unit: str) -> str:
    """A value as the screens print it: 98.5 for percent, 1,234,000 for yen and counts."""
    if value is None:
        return "—"
    if unit == Unit.PERCENT:
        return f"{value:.1f}"
    return f"{int(value):,}"


# ---- implementation plans, evaluations and the shared library (issue 6) -----------------
#
# 実施計画 → 実施 → 中間評価 (years 1 and 2) → 最終評価 (year 3) → the next plan: the cycle of
# the seed policy's 「個別目標の設定と目標実現するための手法」. The actions that change these
# rows are in saiken.goals.plans; nothing here writes anything.


class Direction(models.Model):
    """取り組みの方向性: one of the seed policy's nine directions (1-① … 3-③) as a row, so
    that plan actions, good cases and solved cases can link several. `code` is the stored
    code of PolicyDirection above ("1-1"); the wording is the seed's (data migration)."""

    code = models.CharField("コード", max_length=5, unique=True, choices=PolicyDirection.choices)
    pillar = models.PositiveSmallIntegerField("基本方針の番号")
    pillar_name = models.CharField("基本方針", max_length=100)
    pillar_text = models.TextField("基本方針の説明", blank=True)
    mark = models.CharField("番号", max_length=3, help_text="①②③")
    name = models.CharField("具体的な取り組みの方向性", max_length=100)

    class Meta:
        verbose_name = "取り組みの方向性"
        verbose_name_plural = "取り組みの方向性"
        ordering = ["code"]

    def __str__(self):
        return f"{self.short} {self.name}"

    @property
    def short(self) -> str:
        """「1-①」"""
        return f"{self.pillar}-{self.mark}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    ADOPTED = "adopted", "決定"
    SUPERSEDED = "superseded", "次期計画へ移行"


PLAN_YEARS = 3  # 3か年の実施計画


class ImplementationPlan(models.Model):
    """実施計画: one receivable's 3-year plan, written by its department. Every revision
    is a new PlanVersion; the one adopted last is in force (its targets are Target rows)."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="plans", verbose_name="債権")
    first_year = models.PositiveSmallIntegerField("計画の初年度", help_text="3か年の1年目（西暦の年度）")
    status = models.CharField("状態", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    previous_plan = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_plan", verbose_name="前期の計画"
    )
    source_evaluation = models.ForeignKey(
        "Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="作成の基になった最終評価"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="作成者")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    adopted_at = models.DateTimeField("決定日時", null=True, blank=True)

    class Meta:
        verbose_name = "実施計画"
        verbose_name_plural = "実施計画"
        ordering = ["-first_year", "receivable__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["receivable", "first_year"], name="plan_unique_per_receivable_and_years",
                violation_error_message="この債権・期間の実施計画は既にあります。",
            )
        ]

    def __str__(self):
        return f"{self.receivable.name} 実施計画（{self.first_year}～{self.last_year}年度）"

    @property
    def last_year(self) -> int:
        return self.first_year + PLAN_YEARS - 1

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + PLAN_YEARS))

    def year_index(self, fiscal_year: int) -> int:
        """1, 2 or 3: the plan's 年次 of a fiscal year."""
        return fiscal_year - self.first_year + 1

    @property
    def latest_version(self) -> "PlanVersion | None":
        return self.versions.order_by("-number").first()

    @property
    def current_version(self) -> "PlanVersion | None":
        """The version in force: the latest adopted one."""
        return self.versions.filter(adopted_at__isnull=False).order_by("-number").first()


class PlanVersion(models.Model):
    """実施計画の版: the plan as written at one time. Never edited: a revision (見直し)
    is a new version with its reason, so the history of the plan is kept."""

    plan = models.ForeignKey(ImplementationPlan, on_delete=models.PROTECT, related_name="versions", verbose_name="実施計画")
    number = models.PositiveSmallIntegerField("版")
    problems = models.TextField("課題")
    reason = models.TextField("見直しの理由", blank=True, help_text="第2版以降は必須")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="作成者")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="決定者"
    )
    adopted_at = models.DateTimeField("決定日時", null=True, blank=True)

    class Meta:
        verbose_name = "実施計画の版"
        verbose_name_plural = "実施計画の版"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number")]

    def __str__(self):
        return f"{self.plan} 第{self.number}版"


class PlanAction(models.Model):
    """取組: one concrete action of a plan version, with its directions and its schedule by 年次."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions", verbose_name="版")
    order = models.PositiveSmallIntegerField("順", default=0)
    text = models.TextField("取り組みの内容")
    directions = models.ManyToManyField(Direction, blank=True, related_name="plan_actions", verbose_name="取り組みの方向性")
    year1 = models.TextField("1年次のスケジュール", blank=True)
    year2 = models.TextField("2年次のスケジュール", blank=True)
    year3 = models.TextField("3年次のスケジュール", blank=True)
    section = models.CharField("担当", max_length=100, blank=True, help_text="担当の係・課")

    class Meta:
        verbose_name = "取組"
        verbose_name_plural = "取組"
        ordering = ["version", "order", "id"]

    def __str__(self):
        return self.text[:40]

    @property
    def schedule(self) -> list[str]:
        return [self.year1, self.year2, self.year3]


class PlanTarget(models.Model):
    """計画の年度目標: what a version says an indicator should reach in one of its years.
    Kept as written (history), and linked to the Target row that adopting the version
    set through saiken.goals.actions.set_target (None before adoption)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="targets", verbose_name="版")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="指標")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    comparison = models.CharField("達成条件", max_length=20, choices=Comparison.choices, default=Comparison.AT_LEAST)
    value = models.DecimalField("目標値", max_digits=16, decimal_places=1, null=True, blank=True)
    note = models.TextField("備考", blank=True)
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_targets", verbose_name="設定した目標"
    )

    class Meta:
        verbose_name = "計画の年度目標"
        verbose_name_plural = "計画の年度目標"
        ordering = ["version", "fiscal_year", "indicator__order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["version", "indicator", "fiscal_year"], name="plan_target_unique")]

    def __str__(self):
        return f"{self.fiscal_year}年度 {self.indicator} {self.describe()}"

    def as_target(self) -> Target:
        """An unsaved Target with these values, for validation and `attainment`."""
        return Target(
            indicator=self.indicator, receivable=self.version.plan.receivable, fiscal_year=self.fiscal_year,
            comparison=self.comparison, value=self.value,
        )

    def describe(self) -> str:
        return self.as_target().describe()


class EvaluationKind(models.TextChoices):
    MID_TERM = "mid_term", "中間評価"
    FINAL = "final", "最終評価"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    FINAL = "final", "確定"


class Grade(models.TextChoices):
    """評価の区分 of one target. B's margin is the setting SAIKEN_EVALUATION_CLOSE_MARGIN
    (default 1.0), kept on each evaluation: for a ％ indicator, a shortfall of at most
    that many points; for yen and counts, at most that percentage of the target value
    (of last year's actual for 前年度を上回る・下回る)."""

    A = "A", "A 達成"
    B = "B", "B 概ね達成（目標まであと少し）"
    C = "C", "C 未達成"
    NONE = "", "判定不能（実績なし）"


class Evaluation(models.Model):
    """評価: a plan's yearly evaluation, 中間評価 after years 1 and 2 and 最終評価 after year 3.
    The figures are a snapshot computed from the ledger when it was recorded (never
    typed in); the department writes the narrative, good cases and factor analyses."""

    plan = models.ForeignKey(ImplementationPlan, on_delete=models.PROTECT, related_name="evaluations", verbose_name="実施計画")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="evaluations", verbose_name="評価した版")
    fiscal_year = models.PositiveSmallIntegerField("評価年度")
    kind = models.CharField("区分", max_length=20, choices=EvaluationKind.choices)
    status = models.CharField("状態", max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    narrative = models.TextField("所管課の評価", blank=True)
    as_of = models.DateField("実績の算出日")
    close_margin = models.DecimalField("B評価の幅", max_digits=4, decimal_places=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="作成者")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="確定者"
    )
    finalised_at = models.DateTimeField("確定日時", null=True, blank=True)

    class Meta:
        verbose_name = "評価"
        verbose_name_plural = "評価"
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"], name="evaluation_unique_per_year",
                violation_error_message="この年度の評価は既にあります。",
            )
        ]

    def __str__(self):
        return f"{self.plan} {self.fiscal_year}年度 {self.get_kind_display()}"

    @property
    def year_index(self) -> int:
        return self.plan.year_index(self.fiscal_year)


class EvaluationResult(models.Model):
    """評価時の実績: one target's actual and attainment as computed when the evaluation
    was recorded, with the target's values copied so the row stands alone."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results", verbose_name="評価")
    plan_target = models.ForeignKey(PlanTarget, on_delete=models.PROTECT, related_name="+", verbose_name="計画の年度目標")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="指標")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    comparison = models.CharField("達成条件", max_length=20, choices=Comparison.choices)
    value = models.DecimalField("目標値", max_digits=16, decimal_places=1, null=True, blank=True)
    actual = models.DecimalField("実績", max_digits=16, decimal_places=1, null=True, blank=True)
    previous = models.DecimalField("前年度実績", max_digits=16, decimal_places=1, null=True, blank=True)
    achieved = models.BooleanField("達成", null=True)
    gap = models.DecimalField("差", max_digits=16, decimal_places=1, null=True, blank=True)
    grade = models.CharField("評価", max_length=1, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = "評価時の実績"
        verbose_name_plural = "評価時の実績"
        ordering = ["evaluation", "fiscal_year", "indicator__order", "indicator__code"]

    def as_target(self) -> Target:
        return Target(indicator=self.indicator, fiscal_year=self.fiscal_year, comparison=self.comparison, value=self.value)

    def describe(self) -> str:
        return self.as_target().describe()

    @property
    def actual_text(self) -> str:
        return value_with_unit(self.actual, self.indicator.unit)

    @property
    def previous_text(self) -> str:
        return value_with_unit(self.previous, self.indicator.unit)

    @property
    def gap_text(self) -> str:
        return gap_with_unit(self.gap, self.indicator.unit)


def value_with_unit(value, unit: str) -> str:
    """98.5％, 1,234円, 12件; — for None."""
    if value is None:
        return "—"
    return format_value(value, unit) + Unit(unit).label


def gap_with_unit(gap, unit: str) -> str:
    """+0.3ポイント, −1,000円, ±0件: beyond the target (+) or short of it (−)."""
    if gap is None:
        return "—"
    sign = "+" if gap > 0 else ("\u2212" if gap < 0 else "±")
    return sign + format_value(abs(gap), unit) + ("ポイント" if unit == Unit.PERCENT else Unit(unit).label)


class NoteKind(models.TextChoices):
    GOOD_CASE = "good_case", "優良事例"
    FACTOR_ANALYSIS = "factor_analysis", "要因分析"


class EvaluationNote(models.Model):
    """優良事例・要因分析: a text entry of an evaluation, shared city-wide in the library
    once the evaluation is final (水平展開)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="notes", verbose_name="評価")
    kind = models.CharField("種類", max_length=20, choices=NoteKind.choices)
    order = models.PositiveSmallIntegerField("順", default=0)
    title = models.CharField("表題", max_length=200)
    text = models.TextField("内容")
    directions = models.ManyToManyField(Direction, blank=True, related_name="evaluation_notes", verbose_name="取り組みの方向性")

    class Meta:
        verbose_name = "優良事例・要因分析"
        verbose_name_plural = "優良事例・要因分析"
        ordering = ["evaluation", "kind", "order", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class SolvedCase(models.Model):
    """困難事案の解決事例: how a hard case was solved, told without naming anyone. There is
    deliberately no link to a debtor: the library is read across departments."""

    title = models.CharField("表題", max_length=200)
    receivables = models.ManyToManyField(ReceivableType, related_name="solved_cases", verbose_name="債権")
    directions = models.ManyToManyField(Direction, blank=True, related_name="solved_cases", verbose_name="取り組みの方向性")
    summary = models.TextField("事案の概要", help_text="氏名・住所・生年月日など個人を特定できる情報は書かないでください。")
    what_worked = models.TextField("解決につながった取り組み")
    tags = models.CharField("キーワード", max_length=200, blank=True, help_text="読点（、）またはカンマ区切り")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="登録者")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "困難事案の解決事例"
        verbose_name_plural = "困難事案の解決事例"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("、", ",").split(",") if t.strip()]


class TrainingRecord(models.Model):
    """研修記録: one member of staff's attendance at a course, with their rank and years
    of experience at the time (3-② 職位レベル、経験年数に応じた研修)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records", verbose_name="受講者")
    course = models.CharField("研修名", max_length=200)
    held_on = models.DateField("受講日")
    hours = models.DecimalField("時間", max_digits=5, decimal_places=1)
    rank = models.CharField("受講時の職階", max_length=50, blank=True)
    years_of_experience = models.PositiveSmallIntegerField("受講時の債権管理経験年数")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="記録者")
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "研修記録"
        verbose_name_plural = "研修記録"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.course} {self.user}"

"""Goals (目標): the indicators the committee watches, the targets it sets, and the
caches that let the dashboard read a whole city's figures at once.

An Indicator is a definition kept with every target: what is measured, in which unit,
and how (`computation`, the stable code `saiken.goals.indicators` dispatches on, with
an optional `parameter` such as a write-off reason). Actual values are never typed in:
they are computed from the ledger and the records (`saiken.goals.indicators`).

The Tally models are caches rebuilt by `saiken refresh-goals` (nightly): the raw
counts behind the process indicators and the collection per booking day the
forecast needs, which would otherwise mean scanning every entry and payment of the
city on each page view. `saiken refresh-goals --check` proves they equal the records.
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


# ---- caches rebuilt by `saiken refresh-goals` -------------------------------------------


class GoalRefresh(models.Model):
    """集計の実行記録: one run of `saiken refresh-goals`; the latest finished one dates the caches."""

    as_of = models.DateField("集計基準日")
    started_at = models.DateTimeField("開始日時")
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    rows = models.JSONField("件数", default=dict)

    class Meta:
        verbose_name = "目標指標の集計"
        verbose_name_plural = "目標指標の集計"
        ordering = ["-finished_at", "-id"]

    def __str__(self):
        return f"{self.as_of} 集計"


class DailyCollection(models.Model):
    """日別収納額・調定額: principal collected (収入済額) and assessed (調定額: assessments
    and corrections) per receivable, debt year, settlement year and booking day. Summed
    over the days, each equals the ledger's figure for the year (the carried-in 滞納繰越
    balance is not an entry of the year, so it is not here)."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.CASCADE, related_name="+")
    debt_fiscal_year = models.PositiveSmallIntegerField()
    settlement_year = models.PositiveSmallIntegerField()
    day = models.DateField()
    collected = models.BigIntegerField(default=0)
    assessed = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "日別収納額"
        verbose_name_plural = "日別収納額"
        constraints = [
            models.UniqueConstraint(fields=["settlement_year", "day", "receivable", "debt_fiscal_year"], name="daily_collection_key")
        ]


class ChannelTally(models.Model):
    """納付経路別件数: payments booked in a fiscal year, per receivable and channel."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20)
    payments = models.BigIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        verbose_name = "納付経路別件数"
        verbose_name_plural = "納付経路別件数"
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "receivable", "channel"], name="channel_tally_key")]


class WriteOffTally(models.Model):
    """不納欠損の理由別件数: instalments written off and their principal, per settlement year."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.CASCADE, related_name="+")
    settlement_year = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=200)
    instalments = models.BigIntegerField()
    principal = models.BigIntegerField()

    class Meta:
        verbose_name = "不納欠損の理由別件数"
        verbose_name_plural = "不納欠損の理由別件数"
        constraints = [models.UniqueConstraint(fields=["settlement_year", "receivable", "reason"], name="write_off_tally_key")]


class DemandTally(models.Model):
    """督促の期限内発付の件数: per receivable and the instalments' fiscal year (see
    saiken.demands.compliance), as of the refresh's date."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    on_time = models.BigIntegerField()
    late = models.BigIntegerField()
    missing = models.BigIntegerField()
    pending = models.BigIntegerField()

    class Meta:
        verbose_name = "督促の期限内発付件数"
        verbose_name_plural = "督促の期限内発付件数"
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "receivable"], name="demand_tally_key")]

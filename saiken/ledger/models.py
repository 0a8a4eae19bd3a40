"""The ledger (債権管理簿): instalments assessed, and the append-only entries on them.

An Instalment carries cached balances for speed; they are only ever changed by
the actions in `saiken.ledger.actions`, in the same transaction as the entries
that justify them, and `saiken check-ledger` proves they equal the entries.
LedgerSummary is the same kind of cache, summed per receivable and year, which
is what the collection-rate report reads.
"""

from django.conf import settings
from django.db import models

from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component
from saiken.core.entries import COMPONENT_LABELS, KIND_LABELS, Kind
from saiken.debtors.models import Debtor

KIND_CHOICES = [(k.value, KIND_LABELS[k]) for k in Kind]
COMPONENT_CHOICES = [(c.value, COMPONENT_LABELS[c]) for c in Component]


class Instalment(models.Model):
    """調定（期別）: one instalment of one assessment, e.g. 令和6年度 個人市民税 第2期."""

    # Every payment rewrites its instalment's row, and every index of the table with it:
    # the debtor and the receivable are found through the leading columns of
    # instalment_unique and instalment_receivable_fy, not indexes of their own.
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="instalments", verbose_name="債務者", db_index=False)
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="instalments", verbose_name="債権", db_index=False)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    subject = models.CharField("科目・税目", max_length=50, blank=True)
    instalment_no = models.PositiveSmallIntegerField("期別")
    nominal_due = models.DateField("条例上の納期限")
    due_date = models.DateField("納期限", help_text="休日・年末年始を繰り延べた法定の納期限")
    assessed_on = models.DateField("調定日")
    notice_number = models.CharField("通知書番号", max_length=40, blank=True)  # indexed below, exact match only
    arose_on = models.DateField(
        "債権の発生日", null=True, blank=True,
        help_text="私債権の時効（2020年4月1日の民法改正の経過措置）に使う契約日など。空欄なら調定日。",
    )

    # Cached from the entries; see module docstring.
    principal_due = models.BigIntegerField("本税残高", default=0)
    late_charge_due = models.BigIntegerField("延滞金残高", default=0)
    fee_due = models.BigIntegerField("手数料残高", default=0)
    overpaid = models.BigIntegerField("過誤納金", default=0)

    class Meta:
        verbose_name = "調定（期別）"
        verbose_name_plural = "調定（期別）"
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "receivable", "subject", "fiscal_year", "instalment_no"],
                name="instalment_unique",
                violation_error_message="同じ債務者・債権・科目・年度・期別の調定が既にあります。",
            ),
            models.CheckConstraint(name="instalment_balances_nonnegative", condition=models.Q(principal_due__gte=0, late_charge_due__gte=0, fee_due__gte=0, overpaid__gte=0)),
        ]
        indexes = [
            models.Index(fields=["receivable", "fiscal_year"], name="instalment_receivable_fy"),
            # Anything owed on any component: the prescription refresh counts open
            # instalments on it, and queries on principal alone (demands, debit
            # requests) still use it, as principal_due > 0 implies the condition.
            models.Index(
                fields=["due_date"], name="instalment_open_due",
                condition=models.Q(principal_due__gt=0) | models.Q(late_charge_due__gt=0) | models.Q(fee_due__gt=0),
            ),
            # A plain index: db_index=True would add a second, LIKE-pattern one on PostgreSQL.
            models.Index(fields=["notice_number"], name="instalment_notice"),
        ]

    def __str__(self):
        return f"{self.receivable} {self.fiscal_year}年度 {self.subject} 第{self.instalment_no}期"

    @property
    def total_due(self) -> int:
        return self.principal_due + self.late_charge_due + self.fee_due

    def balance_of(self, component: Component) -> int:
        return getattr(self, f"{component.value}_due")


class Channel(models.TextChoices):
    COUNTER = "counter", "窓口"
    BANK = "bank", "金融機関窓口"
    DIRECT_DEBIT = "direct_debit", "口座振替"
    CONVENIENCE = "convenience", "コンビニ"
    ELQR = "elqr", "地方税統一QR（eL-QR）"
    PAYEASY = "payeasy", "ペイジー"
    CREDIT = "credit", "クレジットカード"
    SMARTPHONE = "smartphone", "スマホ決済"
    COLLECTION = "collection", "臨戸・滞納処分"
    TRANSFER = "transfer", "充当"


class Payment(models.Model):
    """収納: money received from a debtor, allocated to instalments by entries."""

    # The debtor and receivable repeat those of the instalments the payment's entries
    # reach (which are constrained); as database constraints they were checked row by
    # row at commit, a sixth of a 200,000-record import on PostgreSQL. Django still
    # enforces PROTECT, and `saiken check-ledger` proves both point at existing rows.
    # Payments are looked up by debtor, never by receivable alone: no index of its own.
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="payments", verbose_name="債務者", db_constraint=False)
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="payments", verbose_name="債権", db_constraint=False, db_index=False)
    amount = models.BigIntegerField("金額")
    paid_on = models.DateField("納付日")
    booked_on = models.DateField("収納日（会計日）")
    channel = models.CharField("納付経路", max_length=20, choices=Channel.choices)
    reference = models.CharField("収納キー", max_length=100, null=True, blank=True, unique=True, help_text="取込元のレコードキー。同じキーは二度計上しません。")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    # Not indexed: nothing looks payments up by their clerk, and a day's file inserts 200,000.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = "収納"
        verbose_name_plural = "収納"
        constraints = [models.CheckConstraint(name="payment_positive", condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"{self.paid_on} {self.amount:,}円"

    @staticmethod
    def tally(rows) -> None:
        """Count Payment rows just inserted, as (receivable id, booked on, channel, amount),
        into PaymentSummary, in the caller's transaction (saiken.ledger.booking.bump_payments).
        A method here because every path that inserts payments has this model at hand."""
        from saiken.ledger.booking import bump_payments  # booking imports these models

        bump_payments(rows)


class WriteOffReason(models.TextChoices):
    PRESCRIPTION = "prescription", "時効の完成"
    STOP_THREE_YEARS = "stop_three_years", "滞納処分の執行停止3年継続（地方税法15条の7第4項）"
    STOP_IMMEDIATE = "stop_immediate", "執行停止による即時消滅（地方税法15条の7第5項）"
    EXEMPTION = "exemption", "免除（自治法施行令171条の7）"
    WAIVER = "waiver", "債権放棄（債権管理条例）"
    INVOKED = "invoked", "時効の援用"
    OTHER = "other", "その他"


class Entry(models.Model):
    """仕訳: one append-only change to one component of one instalment."""

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="entries", verbose_name="調定")
    kind = models.CharField("種類", max_length=20, choices=KIND_CHOICES)
    component = models.CharField("内訳", max_length=20, choices=COMPONENT_CHOICES, default=Component.PRINCIPAL.value)
    amount = models.BigIntegerField("金額")
    booked_on = models.DateField("計上日")
    settlement_year = models.PositiveSmallIntegerField("決算年度", help_text="出納整理期間を考慮した、この仕訳が属する年度")
    # Written with its payment in one batch; as a database constraint it was checked row by
    # row at commit (400,000 checks for a day's file). `saiken check-ledger` proves it.
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", verbose_name="収納", db_constraint=False)
    counterpart = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="充当の相手方", db_index=False)
    reason = models.CharField("理由", max_length=200, blank=True)
    memo = models.CharField("摘要", max_length=200, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    # Not indexed (nor the counterpart): entries are read by instalment; every index costs every insert.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = "仕訳"
        verbose_name_plural = "仕訳"
        constraints = [models.CheckConstraint(name="entry_positive", condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:,}円"


class LedgerSummary(models.Model):
    """Entries summed per receivable, debt year, settlement year, kind and component.

    A cache for the collection-rate report, kept exact by the actions and proved
    by `saiken check-ledger`.
    """

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+")
    debt_fiscal_year = models.PositiveSmallIntegerField()
    settlement_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    component = models.CharField(max_length=20, choices=COMPONENT_CHOICES)
    amount = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "集計"
        constraints = [
            models.UniqueConstraint(
                fields=["receivable", "debt_fiscal_year", "settlement_year", "kind", "component"], name="summary_key"
            )
        ]


# ---- finer summaries for the goals' dashboard -------------------------------------------
#
# Kept exact like LedgerSummary: bumped by `saiken.ledger.booking` in the transaction
# that writes the entries or payments they count (INSERT … ON CONFLICT DO UPDATE,
# so two clerks at once never lose an increment), and proved by `saiken check-ledger`.
# Each is small: its key is a day, a year or a reason, never a debtor or an instalment.


class DailySummary(models.Model):
    """日別の収入済額・調定額 (principal only) per receivable, debt year, settlement year and
    booking day: what "collected by this date" needs (the running year's forecast), which
    the per-year LedgerSummary cannot say. Summed over the days, each equals the
    LedgerSummary's figure (collected = payments + transfers in − overpayments set aside;
    assessed = assessments + increases − decreases, saiken.core.entries)."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+")
    debt_fiscal_year = models.PositiveSmallIntegerField()
    settlement_year = models.PositiveSmallIntegerField()
    day = models.DateField()
    collected = models.BigIntegerField(default=0)
    assessed = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "日別集計"
        verbose_name_plural = "日別集計"
        constraints = [
            models.UniqueConstraint(fields=["settlement_year", "day", "receivable", "debt_fiscal_year"], name="daily_summary_key")
        ]


class PaymentSummary(models.Model):
    """納付経路別の収納: Payment rows and their yen per receivable, fiscal year of booking
    (April–March of `booked_on`, not the settlement year) and channel."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    payments = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "納付経路別集計"
        verbose_name_plural = "納付経路別集計"
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "receivable", "channel"], name="payment_summary_key")]


class WriteOffSummary(models.Model):
    """不納欠損の理由別集計: instalments with a write-off entry (each counted once per key,
    whatever its components) and the principal written off, per receivable, settlement
    year and reason."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+")
    settlement_year = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=200)
    instalments = models.BigIntegerField(default=0)
    principal = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "不納欠損の理由別集計"
        verbose_name_plural = "不納欠損の理由別集計"
        constraints = [models.UniqueConstraint(fields=["settlement_year", "receivable", "reason"], name="write_off_summary_key")]

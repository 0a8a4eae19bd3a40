"""Payments from outside (収納データ): files imported, each record kept, matched and posted.

- PaymentImport: one file taken (or refused), with its counts and totals, which agree
  with the file's own; the same file (by SHA-256) is never taken twice.
- ReceivedPayment: one record of a file, unique by (format, key) across all files,
  so the same record in two files posts once. Its status says where it stands:
  posted to the ledger, waiting in the reconciliation queue, a store's preliminary
  record not yet confirmed, cancelled, or a direct debit that failed.
- ImportMapping: a saved column layout for CSV/Excel sources (eL-QR, other systems).
- DirectDebitMandate (口座振替依頼) and DebitRun: the request files sent to the bank.
- Refund (還付): money held as 過誤納金 paid back by credit transfer.
"""

from django.conf import settings
from django.db import models

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor
from saiken.ledger.models import Channel, Instalment, Payment


class Format(models.TextChoices):
    ZENGIN_DEBIT_RESULT = "zengin-debit-result", "口座振替結果（全銀協）"
    CONVENI = "conveni", "コンビニ収納（速報・確報）"
    ELQR = "elqr", "地方税統一QR（eL-QR）"
    CSV = "csv", "CSV・Excel（取込レイアウト）"


class ImportMapping(models.Model):
    """取込レイアウト: which column holds what, for a CSV or Excel source."""

    name = models.SlugField("レイアウト名", max_length=50, unique=True)
    label = models.CharField("表示名", max_length=100)
    layout = models.JSONField("レイアウト", help_text="saiken.core.formats.layout.Layout.to_dict() の形式")
    note = models.TextField("備考", blank=True)

    class Meta:
        verbose_name = "取込レイアウト"
        verbose_name_plural = "取込レイアウト"
        ordering = ["name"]

    def __str__(self):
        return self.label


class PaymentImport(models.Model):
    """収納データ取込: one file, taken whole or refused whole."""

    class Status(models.TextChoices):
        POSTED = "posted", "取込済"
        REJECTED = "rejected", "エラーにより取込中止"

    format = models.CharField("形式", max_length=30, choices=Format.choices)
    mapping = models.ForeignKey(ImportMapping, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("サイズ（バイト）", default=0)
    status = models.CharField("状態", max_length=20, choices=Status.choices)
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    records = models.PositiveIntegerField("レコード件数", default=0)
    amount = models.BigIntegerField("合計金額", default=0)
    posted = models.PositiveIntegerField("消込済", default=0)
    posted_amount = models.BigIntegerField("消込済金額", default=0)
    unmatched = models.PositiveIntegerField("未消込（要確認）", default=0)
    unmatched_amount = models.BigIntegerField("未消込金額", default=0)
    preliminary = models.PositiveIntegerField("速報", default=0)
    confirmed = models.PositiveIntegerField("確報で確定", default=0)
    cancelled = models.PositiveIntegerField("取消", default=0)
    failed = models.PositiveIntegerField("振替不能", default=0)
    failed_amount = models.BigIntegerField("振替不能金額", default=0)
    duplicates = models.PositiveIntegerField("取込済レコード（重複）", default=0)
    overpaid = models.BigIntegerField("過誤納金", default=0)
    errors = models.JSONField("エラー", default=list, blank=True)  # the first 1,000 (saiken.core.formats.KEPT_ERRORS)
    error_count = models.PositiveIntegerField("エラー件数", default=0)  # all of them

    class Meta:
        verbose_name = "収納データ取込"
        verbose_name_plural = "収納データ取込"
        ordering = ["-imported_at", "-id"]
        constraints = [
            # The same file is taken once; a refused file may be sent again once fixed.
            models.UniqueConstraint(fields=["format", "sha256"], condition=models.Q(status="posted"), name="import_file_once"),
        ]

    def __str__(self):
        return f"{self.get_format_display()} {self.filename}"

    @property
    def errors_total(self) -> int:
        """Every error found (an import from before the count was kept: those kept)."""
        return max(self.error_count, len(self.errors))

    @property
    def errors_more(self) -> int:
        """Errors found but not kept ("ほか N 件")."""
        return self.errors_total - len(self.errors)


class ReceivedPayment(models.Model):
    """収納データ: one record of an imported file."""

    class Status(models.TextChoices):
        POSTED = "posted", "消込済"
        UNMATCHED = "unmatched", "未消込（対象不明）"
        AMBIGUOUS = "ambiguous", "未消込（対象が複数）"
        PRELIMINARY = "preliminary", "速報（確報待ち）"
        CANCELLED = "cancelled", "速報取消"
        FAILED = "failed", "振替不能"
        RESOLVED = "resolved", "手動消込済"
        DISMISSED = "dismissed", "対象外として処理"

    # The links of a received record (its import, instalment and ledger payment) are not
    # database constraints: the import writes them in one transaction from rows it has
    # just created or locked, and PostgreSQL's per-row check of three keys on each of
    # 200,000 records was a quarter of a day's import. Django still enforces PROTECT,
    # and `saiken check-ledger` proves that no record points at a missing row.
    import_batch = models.ForeignKey(PaymentImport, on_delete=models.PROTECT, related_name="items", verbose_name="取込", db_constraint=False)
    line = models.PositiveIntegerField("行")
    format = models.CharField("形式", max_length=30, choices=Format.choices)
    key = models.CharField("レコードキー", max_length=200)
    key_hash = models.BigIntegerField("レコードキーのハッシュ", help_text="一意制約用（saiken.payments.imports.key_hash）")
    status = models.CharField("状態", max_length=20, choices=Status.choices)
    amount = models.BigIntegerField("金額")
    paid_on = models.DateField("納付日")
    booked_on = models.DateField("収納日（会計日）", null=True, blank=True)
    channel = models.CharField("納付経路", max_length=20, choices=Channel.choices)
    match = models.JSONField("照合キー", default=dict)
    result_code = models.CharField("振替結果コード", max_length=4, blank=True)
    extra = models.JSONField("その他", default=dict, blank=True)
    # Indexed by (instalment, status) below; a 200,000-record file pays for every index.
    instalment = models.ForeignKey(Instalment, null=True, blank=True, on_delete=models.PROTECT, related_name="received", verbose_name="調定", db_index=False, db_constraint=False)
    demand_id = models.BigIntegerField("督促状", null=True, blank=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="収納", db_index=False, db_constraint=False)
    reason = models.CharField("理由", max_length=200, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    resolved_at = models.DateTimeField("処理日時", null=True, blank=True)

    class Meta:
        verbose_name = "収納データ"
        verbose_name_plural = "収納データ"
        constraints = [
            # On the key's 64-bit hash: the same record posts once, and the index stays small.
            models.UniqueConstraint(fields=["key_hash", "format"], name="received_payment_once"),
        ]
        indexes = [
            # Only the few records that keep an instalment from its demand run (a store's 速報) or
            # that a debtor's page shows (failed debits): posted records, the bulk, stay out.
            models.Index(fields=["instalment"], name="received_preliminary", condition=models.Q(status="preliminary")),
            models.Index(fields=["instalment"], name="received_failed", condition=models.Q(status="failed")),
            # The reconciliation queue: only the few records waiting for a clerk.
            models.Index(fields=["status"], name="received_waiting", condition=models.Q(status__in=["unmatched", "ambiguous"])),
        ]

    def __str__(self):
        return f"{self.paid_on} {self.amount:,}円 {self.get_status_display()}"


class DirectDebitMandate(models.Model):
    """口座振替依頼: a debtor's account from which a receivable is debited."""

    class AccountType(models.TextChoices):
        ORDINARY = "1", "普通"
        CURRENT = "2", "当座"
        TAX_RESERVE = "3", "納税準備"
        OTHER = "9", "その他"

    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="mandates", verbose_name="債務者")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+", verbose_name="債権")
    bank_code = models.CharField("銀行コード", max_length=4)
    branch_code = models.CharField("支店コード", max_length=3)
    account_type = models.CharField("預金種目", max_length=1, choices=AccountType.choices, default=AccountType.ORDINARY)
    account_number = models.CharField("口座番号", max_length=7)
    holder_kana = models.CharField("口座名義（カナ）", max_length=30)
    valid_from = models.DateField("開始日")
    valid_to = models.DateField("終了日", null=True, blank=True)
    first_debit_done = models.BooleanField("初回引落済", default=False)

    class Meta:
        verbose_name = "口座振替依頼"
        verbose_name_plural = "口座振替依頼"
        indexes = [models.Index(fields=["receivable", "debtor"], name="mandate_receivable")]

    def __str__(self):
        return f"{self.debtor} {self.receivable} {self.bank_code}-{self.branch_code}"


class DebitRun(models.Model):
    """口座振替依頼データ: the request file for one debit date."""

    debit_date = models.DateField("引落日")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    items = models.PositiveIntegerField("件数", default=0)
    amount = models.BigIntegerField("金額", default=0)
    filename = models.CharField("ファイル", max_length=300, blank=True)
    # Each data record as written: [顧客番号, 引落金額, 引落銀行番号, 引落支店番号, 預金種目, 口座番号]
    # (saiken.core.formats.zengin.RequestedDebit), so that a result is checked against it.
    # None for a request written before the lines were kept: its kept file is read instead.
    lines = models.JSONField("依頼明細", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "口座振替依頼データ"
        verbose_name_plural = "口座振替依頼データ"
        ordering = ["-debit_date", "-id"]


class Refund(models.Model):
    """還付: 過誤納金 paid back to the debtor's account by 総合振込."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "還付決定"
        SENT = "sent", "振込データ作成済"
        RETURNED = "returned", "組戻し（振込不能）"

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="refunds", verbose_name="調定")
    amount = models.BigIntegerField("還付額")
    decided_on = models.DateField("還付決定日")
    bank_code = models.CharField("銀行コード", max_length=4)
    branch_code = models.CharField("支店コード", max_length=3)
    account_type = models.CharField("預金種目", max_length=1, default="1")
    account_number = models.CharField("口座番号", max_length=7)
    holder_kana = models.CharField("受取人名（カナ）", max_length=30)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    transfer_file = models.CharField("振込データ", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "還付"
        verbose_name_plural = "還付"
        constraints = [models.CheckConstraint(name="refund_positive", condition=models.Q(amount__gt=0))]


class AssessmentImport(models.Model):
    """調定データ取込: one file of assessments from another system, taken whole or refused whole.

    The instalments themselves live in the ledger; this is the history a clerk checks
    (what was taken, by whom, how much, and every error of a refused file).
    """

    class Status(models.TextChoices):
        POSTED = "posted", "取込済"
        REJECTED = "rejected", "エラーにより取込中止"

    mapping = models.ForeignKey(ImportMapping, on_delete=models.PROTECT, related_name="+", verbose_name="取込レイアウト")
    filename = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("サイズ（バイト）", default=0)
    status = models.CharField("状態", max_length=20, choices=Status.choices)
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    records = models.PositiveIntegerField("調定件数", default=0)
    amount = models.BigIntegerField("調定額合計", default=0)
    debtors_created = models.PositiveIntegerField("新規登録の債務者", default=0)
    errors = models.JSONField("エラー", default=list, blank=True)  # the first 1,000 (saiken.core.formats.KEPT_ERRORS)
    error_count = models.PositiveIntegerField("エラー件数", default=0)  # all of them

    class Meta:
        verbose_name = "調定データ取込"
        verbose_name_plural = "調定データ取込"
        ordering = ["-imported_at", "-id"]
        constraints = [
            # The same file is taken once; a refused file may be sent again once fixed.
            models.UniqueConstraint(fields=["sha256"], condition=models.Q(status="posted"), name="assessment_import_file_once"),
        ]

    def __str__(self):
        return f"調定データ {self.filename}"

    @property
    def errors_total(self) -> int:
        """Every error found (an import from before the count was kept: those kept)."""
        return max(self.error_count, len(self.errors))

    @property
    def errors_more(self) -> int:
        """Errors found but not kept ("ほか N 件")."""
        return self.errors_total - len(self.errors)


class PaymentCorrection(models.Model):
    """収納の取消・訂正: a payment undone by its reversal (saiken.core.reversal), asked for
    by one member of staff with a reason and done only when a manager approves.

    取消 (cancel): the money goes back to the payer (a counter payment taken in error).
    訂正 (move): the same money is posted again where it belongs, to the instalments
    named, with its own payment day, so the late charge is computed anew.
    """

    class Kind(models.TextChoices):
        CANCEL = "cancel", "取消（納付者へ返金）"
        MOVE = "move", "訂正（正しい調定へ振替）"

    class Status(models.TextChoices):
        REQUESTED = "requested", "承認待ち"
        APPROVED = "approved", "承認済（取消済）"
        REJECTED = "rejected", "却下"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="corrections", verbose_name="収納")
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    reason = models.CharField("理由", max_length=200)
    targets = models.ManyToManyField(Instalment, blank=True, related_name="+", verbose_name="振替先の調定")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申請者")
    requested_at = models.DateTimeField("申請日時", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="決裁者")
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True)
    decision_note = models.CharField("決裁の備考", max_length=200, blank=True)
    booked_on = models.DateField("取消の計上日", null=True, blank=True)
    reposted = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="振替後の収納")

    class Meta:
        verbose_name = "収納の取消・訂正"
        verbose_name_plural = "収納の取消・訂正"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One request open or done per payment; a rejected one may be asked again.
            models.UniqueConstraint(fields=["payment"], condition=~models.Q(status="rejected"), name="payment_correction_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.payment}"

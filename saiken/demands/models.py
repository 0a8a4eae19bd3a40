"""Demands (督促): the statutory notice sent when an instalment is unpaid after its due date.

A DemandRun is one day's batch (督促状発付処理). It creates one Demand per debtor
and receivable, holding a DemandLine per overdue instalment. An instalment is
demanded once (the statutory 督促; later letters are 催告, issue 4), which the
unique line makes certain even when two runs race.
"""

from django.conf import settings
from django.db import models

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor
from saiken.ledger.models import Instalment


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "作成待ち"
    RENDERING = "rendering", "作成中"
    DONE = "done", "作成済"
    FAILED = "failed", "失敗"


class DemandRun(models.Model):
    """督促状発付処理: one run of `issue_demands` for one issue date."""

    issued_on = models.DateField("発付日")
    started_at = models.DateTimeField("処理日時", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    demands = models.PositiveIntegerField("督促状の件数", default=0)
    lines = models.PositiveIntegerField("対象期別数", default=0)
    principal = models.BigIntegerField("督促額（本税）", default=0)
    fees = models.BigIntegerField("督促手数料", default=0)
    late = models.PositiveIntegerField("発付期限後の件数", default=0)
    # Left out because the claim no longer exists (時効完成・執行停止3年など), and demanded
    # although the debtor of a private claim may invoke its completed prescription.
    extinguished = models.PositiveIntegerField("消滅債権のため除外した期別数", default=0)
    prescribed = models.PositiveIntegerField("時効期間満了（援用なし）の期別数", default=0)

    document_status = models.CharField("督促状PDF", max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    pages_done = models.PositiveIntegerField("作成済ページ", default=0)
    document = models.CharField("PDFファイル", max_length=300, blank=True)
    document_error = models.TextField("作成エラー", blank=True)

    class Meta:
        verbose_name = "督促状発付処理"
        verbose_name_plural = "督促状発付処理"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.issued_on} 督促 {self.demands:,}件"


class Demand(models.Model):
    """督促状: one notice to one debtor for one receivable's overdue instalments."""

    run = models.ForeignKey(DemandRun, on_delete=models.PROTECT, related_name="demand_set", verbose_name="発付処理")
    number = models.CharField("督促状番号", max_length=30, unique=True)
    debtor = models.ForeignKey(Debtor, on_delete=models.PROTECT, related_name="demands", verbose_name="債務者")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="demands", verbose_name="債権")
    issued_on = models.DateField("発付日")
    designated_deadline = models.DateField("指定期限")
    seizure_from = models.DateField("差押可能日", null=True, blank=True, help_text="強制徴収公債権のみ（地方税法331条）")
    principal = models.BigIntegerField("督促額（本税）")
    fee = models.PositiveIntegerField("督促手数料", default=0)
    # Kept by saiken.demands.delivery with the notice's DeliveryEvent rows: returned
    # and not yet sent again, published or found delivered (the list of notices to
    # act on). seizure_from above is recomputed by the same actions.
    returned = models.BooleanField("返戻中（未送達）", default=False, db_default=False)

    class Meta:
        verbose_name = "督促状"
        verbose_name_plural = "督促状"
        indexes = [
            models.Index(fields=["debtor", "receivable"], name="demand_debtor"),
            models.Index(fields=["receivable"], condition=models.Q(returned=True), name="demand_returned"),
        ]

    def __str__(self):
        return f"督促状 {self.number}"


class DemandLine(models.Model):
    """督促の対象期別: one instalment demanded, with the window it had to meet."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="lines", verbose_name="督促状")
    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT, related_name="demand_line", verbose_name="調定")
    principal = models.BigIntegerField("督促時の本税残高")
    demand_by = models.DateField("発付期限", help_text="納期限後20日（債権の設定）")
    on_time = models.BooleanField("期限内に発付")

    class Meta:
        verbose_name = "督促の対象期別"
        verbose_name_plural = "督促の対象期別"


class DemandSummary(models.Model):
    """督促の期限内・期限後の件数: demand lines per receivable, the instalments' fiscal year
    and the issue day. Bumped by the demand run in the transaction that inserts the lines
    (saiken.demands.summary), proved by `saiken check-ledger`: the compliance share reads
    it instead of every line of every year. The issue day keeps "as of" exact."""

    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    issued_on = models.DateField()
    on_time = models.BigIntegerField(default=0)
    late = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "督促の期限内発付件数"
        verbose_name_plural = "督促の期限内発付件数"
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "receivable", "issued_on"], name="demand_summary_key")]


class DeliveryKind(models.TextChoices):
    RETURNED = "returned", "返戻"
    RESENT = "resent", "再送付"
    PUBLISHED = "published", "公示送達"
    DELIVERED = "delivered", "送達確認"


class ReturnReason(models.TextChoices):
    UNKNOWN_ADDRESS = "unknown_address", "宛所不明"
    MOVED = "moved", "転居先不明"
    REFUSED = "refused", "受取拒否"
    UNCLAIMED = "unclaimed", "保管期間経過"
    OTHER = "other", "その他"


class DeliveryEvent(models.Model):
    """督促状の送達記録: a return (返戻), a re-send (再送付), a 公示送達 or a confirmed
    delivery of one notice. Rows are only inserted, by the actions of
    saiken.demands.delivery; the notice's delivery date is derived from them
    (saiken.core.delivery)."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="delivery_events", verbose_name="督促状")
    kind = models.CharField("種類", max_length=20, choices=DeliveryKind.choices)
    on = models.DateField("日付", help_text="返戻日・再送付日・掲示開始日・送達日")
    reason = models.CharField("返戻の理由", max_length=20, choices=ReturnReason.choices, blank=True)
    postal_code = models.CharField("再送付先の郵便番号", max_length=8, blank=True)
    address = models.CharField("再送付先の住所", max_length=200, blank=True)
    effective_on = models.DateField("送達の効力発生日", null=True, blank=True, help_text="公示送達: 地方税法20条の2第3項・民法98条3項")
    note = models.CharField("備考", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="記録者")
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "督促状の送達記録"
        verbose_name_plural = "督促状の送達記録"
        ordering = ["demand", "on", "id"]
        indexes = [models.Index(fields=["demand", "on"], name="delivery_demand")]

    def __str__(self):
        return f"{self.demand} {self.get_kind_display()} {self.on}"

"""Case work (滞納整理): one case per debtor, its officer, its log, pledges and promises.

A Case gathers everything one debtor owes the city (DOMAIN.md §8). Its state is
kept in parallel facts rather than one big status: who works it, whether it is with
the central team (and since when, from the Transfer rows), when the next step is
due, what was said (ContactEntry), what was promised (Pledge, Promise), what must be
done (Task). Whether a pledge is kept or broken is never stored as a status: it is
judged from the ledger's payments (`saiken.cases.pledges`); what is stored is that
the break was acted on (`break_noted_on`), so the task is created once.

Changes go through `saiken.cases.actions`, one function per change.
"""

from django.conf import settings
from django.db import models

from saiken.catalog.models import Department, ReceivableType
from saiken.debtors.models import Debtor
from saiken.ledger.models import Instalment

DEFAULT_PLEDGE_GRACE_DAYS = 10


def default_grace_days() -> int:
    """分納誓約の猶予日数: setting SAIKEN_PLEDGE_GRACE_DAYS (default 10), unless a
    PledgeRule gives the receivable its own."""
    return int(getattr(settings, "SAIKEN_PLEDGE_GRACE_DAYS", DEFAULT_PLEDGE_GRACE_DAYS))


class Case(models.Model):
    """滞納整理事案: the collection case of one debtor."""

    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        CLOSED = "closed", "終結"

    debtor = models.OneToOneField(Debtor, on_delete=models.PROTECT, related_name="case", verbose_name="債務者")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases", verbose_name="担当者"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases", verbose_name="所管課")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField("開始日")
    closed_on = models.DateField("終結日", null=True, blank=True)
    next_action_on = models.DateField("次回対応日", null=True, blank=True, db_index=True)
    next_action = models.CharField("次回対応の内容", max_length=200, blank=True)
    # Kept with the Transfer rows, which hold the history; these say where it is now.
    transferred_to_central = models.BooleanField("移管中", default=False)
    transferred_on = models.DateField("移管日", null=True, blank=True)
    returned_on = models.DateField("移管解除日", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "滞納整理事案"
        verbose_name_plural = "滞納整理事案"
        indexes = [models.Index(fields=["officer", "status"], name="case_officer_status"),
                   models.Index(fields=["department", "status"], name="case_department_status")]

    def __str__(self):
        return f"{self.debtor} の滞納整理"


class ContactKind(models.TextChoices):
    PHONE = "phone", "電話"
    VISIT = "visit", "臨戸（訪問）"
    COUNTER = "counter", "来庁（窓口）"
    LETTER = "letter", "文書（催告書）"
    EMAIL = "email", "メール"
    DOCUMENT = "document", "書類の送付"
    RECORD = "record", "記録（自動）"


# Contacts with the debtor that count as progress; letters and documents are reminders
# (催告) that start the stall clock; a record is the system's note and neither.
PROGRESS_KINDS = (ContactKind.PHONE, ContactKind.VISIT, ContactKind.COUNTER, ContactKind.EMAIL)
REMINDER_KINDS = (ContactKind.LETTER, ContactKind.DOCUMENT)


class ContactEntry(models.Model):
    """交渉経過: one contact with the debtor or about them — who, when, where, what was agreed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", verbose_name="事案")
    kind = models.CharField("種類", max_length=20, choices=ContactKind.choices)
    at = models.DateTimeField("日時")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="対応者")
    where = models.CharField("場所", max_length=100, blank=True)
    counterpart = models.CharField("相手方", max_length=100, blank=True, help_text="本人、家族、勤務先など")
    summary = models.TextField("内容")
    outcome = models.CharField("結果・約束", max_length=300, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "交渉経過"
        verbose_name_plural = "交渉経過"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "kind", "at"], name="contact_case_kind_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"


class PledgeRule(models.Model):
    """分納誓約の猶予日数（債権別）: a receivable's own grace days, instead of SAIKEN_PLEDGE_GRACE_DAYS."""

    receivable = models.OneToOneField(ReceivableType, on_delete=models.CASCADE, related_name="pledge_rule", verbose_name="債権")
    grace_days = models.PositiveSmallIntegerField("猶予日数", help_text="各回の納期限後、この日数までの納付を履行とみなします")

    class Meta:
        verbose_name = "分納誓約の猶予日数"
        verbose_name_plural = "分納誓約の猶予日数"

    def __str__(self):
        return f"{self.receivable}: {self.grace_days}日"


class Pledge(models.Model):
    """分納誓約: the debtor's signed promise to pay covered instalments on a schedule."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pledges", verbose_name="事案")
    instalments = models.ManyToManyField(Instalment, related_name="pledges", verbose_name="対象の調定")
    signed_on = models.DateField("誓約日")
    # Fixed when signed: a later change of the setting must not break a kept pledge.
    grace_days = models.PositiveSmallIntegerField("猶予日数")
    note = models.CharField("備考", max_length=300, blank=True)
    # The day evaluate_pledges found it broken and opened the investigation task.
    break_noted_on = models.DateField("不履行の確認日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "分納誓約"
        verbose_name_plural = "分納誓約"
        ordering = ["signed_on", "id"]

    def __str__(self):
        return f"分納誓約（{self.signed_on}）"


class PledgeInstalment(models.Model):
    """分納計画: one row of a pledge's schedule."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="schedule", verbose_name="分納誓約")
    number = models.PositiveSmallIntegerField("回")
    due_on = models.DateField("納付期限")
    amount = models.BigIntegerField("金額")

    class Meta:
        verbose_name = "分納計画"
        verbose_name_plural = "分納計画"
        ordering = ["pledge", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "number"], name="pledge_instalment_unique"),
            models.CheckConstraint(name="pledge_instalment_positive", condition=models.Q(amount__gt=0)),
        ]


class Promise(models.Model):
    """納付約束: a date and amount the debtor said they would pay (on the phone, at the counter)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="promises", verbose_name="事案")
    promised_on = models.DateField("約束した日")
    due_on = models.DateField("納付予定日")
    amount = models.BigIntegerField("金額")
    receivable = models.ForeignKey(
        ReceivableType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="債権",
        help_text="空欄なら、債務者のどの債権への納付でも履行とみなします",
    )
    contact = models.ForeignKey(ContactEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="promises", verbose_name="交渉経過")
    break_noted_on = models.DateField("不履行の確認日", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "納付約束"
        verbose_name_plural = "納付約束"
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(name="promise_positive", condition=models.Q(amount__gt=0))]

    def __str__(self):
        return f"納付約束 {self.due_on} {self.amount:,}円"


class Task(models.Model):
    """課題: a step the officer must take (an investigation after a broken pledge, a follow-up, a reminder)."""

    class Kind(models.TextChoices):
        INVESTIGATION = "investigation", "財産調査"
        FOLLOW_UP = "follow_up", "フォローアップ"
        REMINDER = "reminder", "催告"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", verbose_name="事案")
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_tasks", verbose_name="担当者"
    )
    due_on = models.DateField("期限")
    done_on = models.DateField("完了日", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField("内容", max_length=300, blank=True)
    # What opened the task; one task per broken pledge or promise, enforced here.
    pledge = models.ForeignKey(Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    promise = models.ForeignKey(Promise, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "課題"
        verbose_name_plural = "課題"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pledge"], condition=models.Q(pledge__isnull=False), name="task_once_per_pledge"),
            models.UniqueConstraint(fields=["promise"], condition=models.Q(promise__isnull=False), name="task_once_per_promise"),
        ]
        indexes = [models.Index(fields=["assigned_to", "done_on"], name="task_assignee_open")]

    def __str__(self):
        return f"{self.get_kind_display()}（期限 {self.due_on}）"


class WelfareReferral(models.Model):
    """生活困窮者自立支援への連携: a debtor in hardship referred to the support service, and what came of it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals", verbose_name="事案")
    referred_on = models.DateField("連携日")
    to = models.CharField("連携先", max_length=100, help_text="例: パーソナル・サポート・センター")
    note = models.CharField("連携の内容", max_length=300, blank=True)
    outcome = models.CharField("結果", max_length=300, blank=True)
    outcome_on = models.DateField("結果の確認日", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="担当者")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "生活困窮者自立支援への連携"
        verbose_name_plural = "生活困窮者自立支援への連携"
        ordering = ["referred_on", "id"]


class Transfer(models.Model):
    """移管: a case handed from its department to the central collection team, or back."""

    class Direction(models.TextChoices):
        TO_CENTRAL = "to_central", "移管"
        BACK = "back", "移管解除（所管課へ返還）"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers", verbose_name="事案")
    direction = models.CharField("区分", max_length=20, choices=Direction.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="所管課")
    on = models.DateField("日付")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="担当者")
    criteria = models.JSONField("選定基準", default=dict, blank=True)
    note = models.CharField("備考", max_length=300, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "移管"
        verbose_name_plural = "移管"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["case", "on", "id"], name="transfer_case_latest")]


class StallCount(models.Model):
    """停滞件数: the number of stalled cases on a day, per department and officer (`saiken snapshot-stalls`)."""

    day = models.DateField("日付")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+", verbose_name="所管課")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="担当者"
    )
    count = models.PositiveIntegerField("停滞件数")

    class Meta:
        verbose_name = "停滞件数"
        verbose_name_plural = "停滞件数"
        ordering = ["day", "department", "officer"]
        constraints = [
            models.UniqueConstraint(fields=["day", "department", "officer"], condition=models.Q(officer__isnull=False), name="stall_count_officer"),
            models.UniqueConstraint(fields=["day", "department"], condition=models.Q(officer__isnull=True), name="stall_count_unassigned"),
        ]

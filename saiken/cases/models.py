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
from saiken.demands.models import DocumentStatus
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
    # Set when written: an entry about tax debts (an inquiry, an ability finding or a seizure
    # of a tax claim; a broken pledge of a case with tax debts) is tax information
    # (地方税法22条) whoever wrote it — the system writes some of them, with no author.
    is_tax = models.BooleanField("税情報", default=False)
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


# --- investigations, ability to pay, dispositions, reminders ---------------------------
# The rules live in saiken.cases.investigations / dispositions / reminders and
# saiken.core.ability; these rows are what was done and decided.


class InvestigationKind(models.TextChoices):
    BANK = "bank", "金融機関（預貯金）"
    EMPLOYER = "employer", "勤務先（給与）"
    PENSION_OFFICE = "pension_office", "年金事務所等（年金）"
    REGISTRY = "registry", "法務局（不動産登記）"
    INSURER = "insurer", "保険会社（保険契約）"
    TAX_RECORDS = "tax_records", "課税資料"
    OTHER = "other", "その他"


class Investigation(models.Model):
    """財産調査: one inquiry about the debtor's property or income, sent and answered.

    The receivable it is made for decides the powers used (`saiken.cases.investigations`);
    findings marked `is_tax_finding` are tax secrets (地方税法22条)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="investigations", verbose_name="事案")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+", verbose_name="調査の対象債権")
    kind = models.CharField("照会先の種類", max_length=20, choices=InvestigationKind.choices)
    addressee_name = models.CharField("照会先", max_length=200)
    addressee_postal_code = models.CharField("照会先の郵便番号", max_length=8, blank=True)
    addressee_address = models.CharField("照会先の住所", max_length=300, blank=True)
    legal_basis = models.CharField("根拠法令", max_length=200)
    requested_on = models.DateField("照会日")
    reply_by = models.DateField("回答期限", null=True, blank=True)
    answered_on = models.DateField("回答日", null=True, blank=True)
    findings = models.TextField("調査結果", blank=True)
    is_tax_finding = models.BooleanField("税務調査による情報（地方税法22条）", default=False)
    note = models.CharField("備考", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "財産調査"
        verbose_name_plural = "財産調査"
        ordering = ["requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="investigation_answered_after_request",
                condition=models.Q(answered_on__isnull=True) | models.Q(answered_on__gte=models.F("requested_on")),
            ),
        ]

    def __str__(self):
        return f"財産調査（{self.get_kind_display()}、{self.requested_on}）"


class AbilityAssessment(models.Model):
    """納付資力の判定: the household's finances, the proposal computed from them
    (`saiken.core.ability`) and the officer's decision — confirmed or overridden with a reason."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", "提案どおり"
        OVERRIDE = "override", "提案と異なる判断"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments", verbose_name="事案")
    receivable = models.ForeignKey(ReceivableType, on_delete=models.PROTECT, related_name="+", verbose_name="債権")
    assessed_on = models.DateField("判定日")
    household_size = models.PositiveSmallIntegerField("世帯人数")
    monthly_income = models.BigIntegerField("収入（月額、税・社会保険料控除後）")
    monthly_spending = models.BigIntegerField("支出（月額）")
    assets = models.BigIntegerField("財産")
    debts = models.BigIntegerField("他の債務")
    owed = models.BigIntegerField("未納額（判定時）")
    based_on = models.ManyToManyField(Investigation, blank=True, related_name="assessments", verbose_name="根拠とした財産調査")
    contains_tax_information = models.BooleanField("税情報を含む", default=False)
    proposed_measure = models.CharField("提案", max_length=30)
    proposal = models.JSONField("提案の内容", default=dict)
    decision = models.CharField("判断", max_length=10, choices=Decision.choices)
    decided_measure = models.CharField("決定した措置", max_length=30)
    decision_reason = models.TextField("判断の理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "納付資力の判定"
        verbose_name_plural = "納付資力の判定"
        ordering = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="ability_amounts_nonnegative",
                condition=models.Q(household_size__gte=1, monthly_income__gte=0, monthly_spending__gte=0, assets__gte=0, debts__gte=0),
            ),
        ]


class DispositionKind(models.TextChoices):
    SEIZURE_DEPOSIT = "seizure_deposit", "差押（預貯金）"
    SEIZURE_WAGE = "seizure_wage", "差押（給与）"
    SEIZURE_RECEIVABLE = "seizure_receivable", "差押（売掛金等の債権）"
    SEIZURE_REAL_ESTATE = "seizure_real_estate", "差押（不動産）"
    SEIZURE_VEHICLE = "seizure_vehicle", "差押（自動車）"
    CLAIM_FILING = "claim_filing", "交付要求"
    PARTICIPATION = "participation", "参加差押"
    PAYMENT_ORDER = "payment_order", "支払督促"
    LAWSUIT = "lawsuit", "訴訟"
    EXECUTION = "execution", "強制執行"


class CourtResult(models.TextChoices):
    JUDGMENT = "judgment", "勝訴判決の確定"
    PAYMENT_ORDER_FINAL = "payment_order_final", "仮執行宣言付支払督促の確定"
    SETTLEMENT = "settlement", "裁判上の和解"
    OBJECTION = "objection", "督促異議（訴訟へ移行）"
    WITHDRAWN = "withdrawn", "取下げ"
    DISMISSED = "dismissed", "敗訴・却下"


class Disposition(models.Model):
    """滞納処分・法的措置: a seizure, 交付要求, 参加差押, or a court step (支払督促, 訴訟,
    強制執行) on some of the debtor's instalments. Which kinds a receivable's class
    allows, and what each does to prescription, is in `saiken.cases.dispositions`."""

    class Status(models.TextChoices):
        ACTIVE = "active", "執行中・係属中"
        ENDED = "ended", "終了"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="dispositions", verbose_name="事案")
    kind = models.CharField("種類", max_length=30, choices=DispositionKind.choices)
    instalments = models.ManyToManyField(Instalment, through="DispositionLine", related_name="dispositions", verbose_name="対象の調定")
    decided_on = models.DateField("決定日")
    executed_on = models.DateField("執行日・申立日")
    amount = models.BigIntegerField("差押・請求の金額", null=True, blank=True, help_text="空欄: 未評価")
    property_description = models.CharField("差押財産・請求の内容", max_length=300, blank=True)
    third_party_name = models.CharField("第三債務者", max_length=200, blank=True, help_text="預貯金・給与・売掛金の差押え: 金融機関・勤務先・取引先")
    third_party_postal_code = models.CharField("第三債務者の郵便番号", max_length=8, blank=True)
    third_party_address = models.CharField("第三債務者の住所", max_length=300, blank=True)
    legal_basis = models.CharField("根拠法令", max_length=200)
    court_name = models.CharField("裁判所", max_length=100, blank=True)
    court_case_number = models.CharField("事件番号", max_length=100, blank=True)
    court_result = models.CharField("裁判の結果", max_length=30, choices=CourtResult.choices, blank=True)
    court_result_on = models.DateField("結果の日", null=True, blank=True)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    result = models.TextField("結果", blank=True)
    ended_on = models.DateField("終了日", null=True, blank=True)
    end_reason = models.CharField("終了の理由", max_length=300, blank=True)
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="移行元",
                                help_text="督促異議により移行した支払督促")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "滞納処分・法的措置"
        verbose_name_plural = "滞納処分・法的措置"
        ordering = ["executed_on", "id"]
        constraints = [
            models.CheckConstraint(name="disposition_executed_after_decision", condition=models.Q(executed_on__gte=models.F("decided_on"))),
            models.CheckConstraint(name="disposition_amount_nonnegative", condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0)),
            models.CheckConstraint(
                name="disposition_ended_after_execution",
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("executed_on")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.executed_on}）"


class DispositionLine(models.Model):
    """処分の対象: one instalment a disposition covers, what was owed then, and the
    prescription event it opened (ended when the disposition ends)."""

    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, related_name="lines", verbose_name="滞納処分・法的措置")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="disposition_lines", verbose_name="調定")
    principal = models.BigIntegerField("本税（処分時）", default=0)
    late_charge = models.BigIntegerField("延滞金（処分時）", default=0)
    fee = models.BigIntegerField("手数料（処分時）", default=0)
    prescription_event = models.ForeignKey("prescription.PrescriptionEvent", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name="時効の事由")

    class Meta:
        verbose_name = "処分の対象"
        verbose_name_plural = "処分の対象"
        constraints = [models.UniqueConstraint(fields=["disposition", "instalment"], name="disposition_line_unique")]

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee


class Realisation(models.Model):
    """換価・配当（取立）: money a disposition brought in, posted to the ledger as payments
    (channel "collection"); what exceeded the debt is the remainder due back to the debtor."""

    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="realisations", verbose_name="滞納処分・法的措置")
    on = models.DateField("換価・取立の日")
    proceeds = models.BigIntegerField("配当・取立額")
    posted = models.BigIntegerField("収納した額")
    remainder = models.BigIntegerField("残余金（滞納者へ交付）", default=0)
    payments = models.ManyToManyField("ledger.Payment", blank=True, related_name="+", verbose_name="収納")
    note = models.CharField("備考", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "換価・配当"
        verbose_name_plural = "換価・配当"
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(name="realisation_positive", condition=models.Q(proceeds__gt=0)),
            models.CheckConstraint(name="realisation_adds_up", condition=models.Q(proceeds=models.F("posted") + models.F("remainder"))),
        ]


class ReminderCriteria(models.Model):
    """催告の抽出条件: a named, saved selection (`saiken.cases.reminders.Criteria` as JSON)."""

    name = models.CharField("名称", max_length=100, unique=True)
    criteria = models.JSONField("条件", default=dict)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="作成した課")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "催告の抽出条件"
        verbose_name_plural = "催告の抽出条件"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReminderRun(models.Model):
    """催告書の一括発送: one run of `issue_reminders` for one criteria and day, and its PDF."""

    criteria = models.ForeignKey(ReminderCriteria, on_delete=models.PROTECT, related_name="runs", verbose_name="抽出条件")
    criteria_used = models.JSONField("実行時の条件", default=dict)
    run_on = models.DateField("発送日")
    pay_by = models.DateField("納付期限（催告書に記載）")
    count = models.PositiveIntegerField("催告書の件数", default=0)
    skipped = models.PositiveIntegerField("同日発送済みのため除いた件数", default=0)
    # Instalments left out of the letters: the claim no longer exists (時効完成・執行停止3年など).
    extinguished = models.PositiveIntegerField("消滅債権のため除いた期別数", default=0)
    amount = models.BigIntegerField("催告額の合計", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("処理日時", auto_now_add=True)
    document_status = models.CharField("催告書PDF", max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    pages_done = models.PositiveIntegerField("作成済ページ", default=0)
    document = models.CharField("PDFファイル", max_length=300, blank=True)
    document_error = models.TextField("作成エラー", blank=True)

    class Meta:
        verbose_name = "催告書の一括発送"
        verbose_name_plural = "催告書の一括発送"
        ordering = ["-run_on", "-id"]

    def __str__(self):
        return f"{self.run_on} 催告 {self.count:,}件"


class ReminderLetter(models.Model):
    """催告書: one letter to one debtor, as printed (the instalments and amounts are kept
    as they stood that day). A department sends a debtor at most one a day."""

    run = models.ForeignKey(ReminderRun, on_delete=models.PROTECT, related_name="letters", verbose_name="一括発送")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reminder_letters", verbose_name="事案")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="発送した課")
    sent_on = models.DateField("発送日")
    number = models.CharField("文書番号", max_length=40, unique=True)
    owed = models.BigIntegerField("催告額")
    lines = models.JSONField("催告の対象", default=list)
    contact = models.ForeignKey(ContactEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="交渉経過")

    class Meta:
        verbose_name = "催告書"
        verbose_name_plural = "催告書"
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "department", "sent_on"], name="reminder_once_a_day")]


class StallReceivableCount(models.Model):
    """停滞件数（債権別）: stalled cases on a day per receivable they count for (the debtor
    owes it that day), and with no receivable the cases owing any major receivable, each
    once (`saiken snapshot-stalls`). The goals dashboard reads it: whether a case is
    stalled changes with the calendar, so no action could keep a live counter of it,
    and counting it live costs seconds at a city's case load."""

    day = models.DateField("日付")
    receivable = models.ForeignKey(
        "catalog.ReceivableType", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="債権",
        help_text="空欄は主要債権全体（事案の実数）",
    )
    count = models.PositiveIntegerField("停滞件数")

    class Meta:
        verbose_name = "停滞件数（債権別）"
        verbose_name_plural = "停滞件数（債権別）"
        ordering = ["day", "receivable"]
        constraints = [
            models.UniqueConstraint(fields=["day", "receivable"], condition=models.Q(receivable__isnull=False), name="stall_receivable_count"),
            models.UniqueConstraint(fields=["day"], condition=models.Q(receivable__isnull=True), name="stall_receivable_count_city"),
        ]

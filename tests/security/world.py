"""The city the URL walk is made in: one object of every kind a URL names, all of them
the tax department's (a tax-only debtor's), and the nursery department's own debtor.

Staff, one per role (the demo logins' names):
- demo: システム管理者 (superuser).
- nozei: 納税課 clerk — the tax objects are hers.
- hoiku: 保育課 clerk; hoiku-kacho: 保育課 manager (決裁者) — another department.
- kaishu: 債権回収担当 (the central team); nothing was transferred to it.
- iinkai: 債権管理委員; kansa: 監査担当.

Debtors: 山田 太郎 owes 市税 only (the tax-only debtor every object below belongs to);
佐藤 花子 owes 保育料 only (保育課's own, for the rows that show a department its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from saiken.catalog.models import Department, ReceivableType
from saiken.debtors.models import Debtor, MatchCandidate
from saiken.staff.models import StaffProfile

DUE = date(2024, 7, 1)
DEMANDED = date(2024, 7, 10)
OPENED = date(2024, 9, 2)
TODAY = date(2025, 6, 30)

ROLES = (
    # login, role, department, column heading in the table
    ("anonymous", None, None, "未ログイン"),
    ("demo", "admin", None, "管理者"),
    ("nozei", "clerk", "nozei", "納税課職員"),
    ("hoiku", "clerk", "hoiku", "保育課職員"),
    ("hoiku-kacho", "manager", "hoiku", "保育課長"),
    ("kaishu", "collector", None, "債権回収担当"),
    ("iinkai", "committee", None, "委員"),
    ("kansa", "auditor", None, "監査担当"),
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)  # kind -> pk, for the URL arguments
    devices: dict = field(default_factory=dict)  # login -> its confirmed TOTP device (managers, administrators)


def _staff(login: str, role: str, department: str | None):
    User = get_user_model()
    if role == "admin":
        user = User.objects.create_superuser(login, password=login)
    else:
        user = User.objects.create_user(login, password=login, last_name=login)
    StaffProfile.objects.create(user=user, role=role, department=Department.objects.get(code=department) if department else None)
    if role == "manager":
        user.user_permissions.add(Permission.objects.get(codename="approve_reliefdecision", content_type__app_label="relief"))
    return User.objects.get(pk=user.pk)


def build() -> World:
    from saiken.cases import actions as cases
    from saiken.cases import dispositions, investigations, reminders
    from saiken.demands.actions import issue_demands
    from saiken.demands.models import Demand
    from saiken.goals import actions as goals
    from saiken.goals import plans
    from saiken.goals.models import Indicator
    from saiken.ledger import actions as ledger
    from saiken.payments.models import AssessmentImport, ImportMapping, PaymentCorrection, PaymentImport, ReceivedPayment, Refund
    from saiken.relief import actions as relief

    w = World()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for login, role, department, _ in ROLES:
        if role:
            w.users[login] = _staff(login, role, department)
            if role in ("manager", "admin"):  # production asks them a TOTP code (SAIKEN_OTP_ROLES)
                w.devices[login] = TOTPDevice.objects.create(user=w.users[login], name="walk", confirmed=True)
    admin, tax_clerk = w.users["demo"], w.users["nozei"]
    city_tax = ReceivableType.objects.get(code="city_tax")
    nursery = ReceivableType.objects.get(code="nursery_fee")

    taro = Debtor.objects.create(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1番町602-1")
    twin = Debtor.objects.create(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通一番町602-1")
    hanako = Debtor.objects.create(name="佐藤 花子", name_kana="サトウ ハナコ", birth_date=date(1985, 2, 14), address="新潟市北区葛塚3197")

    def assess(debtor, receivable, amount, no=1):
        return ledger.assess(debtor=debtor, receivable=receivable, fiscal_year=2024, instalment_no=no, nominal_due=DUE, amount=amount,
                             assessed_on=date(2024, 6, 1))

    tax = assess(taro, city_tax, 123_456)
    paid = assess(taro, city_tax, 10_000, no=2)
    assess(twin, city_tax, 5_000)
    fee = assess(hanako, nursery, 30_000)
    run = issue_demands(user=admin, as_of=DEMANDED, today=DEMANDED, receivable_ids=[city_tax.pk])
    issue_demands(user=admin, as_of=DEMANDED, today=DEMANDED, receivable_ids=[nursery.pk])
    payment = ledger.record_payment(debtor=taro, receivable=city_tax, amount=12_000, paid_on=date(2024, 6, 20), instalment=paid).payment  # 2,000 over
    w.ids.update(city_tax=city_tax.pk, nursery_fee=nursery.pk, tax_instalment=tax.pk, nursery_instalment=fee.pk)
    w.ids.update(taro=taro.pk, hanako=hanako.pk, demand_run=run.pk,
                 demand=Demand.objects.filter(debtor=taro).values_list("pk", flat=True).first(), overpaid=paid.pk)

    batch = PaymentImport.objects.create(format="conveni", filename="sokuhou.txt", sha256="0" * 64, status=PaymentImport.Status.POSTED)
    waiting = ReceivedPayment.objects.create(import_batch=batch, line=1, format="conveni", key="walk-1", key_hash=1,
                                             status=ReceivedPayment.Status.UNMATCHED, amount=77_777, paid_on=date(2024, 7, 15),
                                             channel="convenience", match={"instalment": tax.pk}, instalment=None)
    ReceivedPayment.objects.create(import_batch=batch, line=2, format="conveni", key="walk-2", key_hash=2, status=ReceivedPayment.Status.POSTED,
                                   amount=54_321, paid_on=date(2024, 7, 16), channel="convenience", instalment=tax)
    refund = Refund.objects.create(instalment=paid, amount=2_000, decided_on=date(2024, 7, 1), bank_code="0001", branch_code="001",
                                   account_number="1234567", holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ", created_by=tax_clerk)
    mapping = ImportMapping.objects.create(name="walk", label="調定データ", layout={"name": "walk", "columns": {}})
    assessment_batch = AssessmentImport.objects.create(mapping=mapping, filename="choutei.csv", sha256="1" * 64, status="posted",
                                                       imported_by=tax_clerk)
    w.ids.update(payment_import=batch.pk, received=waiting.pk, refund=refund.pk, assessment_import=assessment_batch.pk)
    correction = PaymentCorrection.objects.create(payment=payment, kind="cancel", reason="金額の誤り", requested_by=tax_clerk)
    w.ids.update(payment=payment.pk, correction=correction.pk)
    # A counter receipt (窓口収納) of the tax clerk's, on the twin's tax (the tax-only debtor's figures stay as they are).
    from saiken.payments.counter import take_counter_payment

    twin_tax = twin.instalments.get()
    receipt = take_counter_payment(tax_clerk, twin, [twin_tax], 1_000, 1_000, "counter", TODAY, today=TODAY)
    w.ids.update(receipt=receipt.pk)

    deferment = relief.propose_relief(debtor=taro, kind="collection_deferment", instalments=[tax], ground="illness", reason="入院のため",
                                      start_on=date(2024, 8, 1), end_on=date(2025, 1, 31), user=tax_clerk)
    w.ids["relief"] = deferment.pk

    case = cases.open_case(debtor=taro, department=Department.objects.get(code="nozei"), officer=tax_clerk, on=OPENED, user=tax_clerk)
    task = cases.add_task(case, kind="follow_up", due_on=date(2024, 9, 10), user=tax_clerk)
    referral = cases.refer_to_welfare(case, referred_on=date(2024, 9, 5), to="生活支援課", user=tax_clerk)
    inquiry = investigations.request_investigation(case, receivable=city_tax, kind="bank", addressee_name="第四北越銀行 本店",
                                                   requested_on=date(2024, 9, 6), user=tax_clerk, today=TODAY)
    seizure = dispositions.record_disposition(case, kind="seizure_deposit", instalments=[tax], decided_on=date(2024, 9, 20),
                                              third_party_name="第四北越銀行 本店", user=tax_clerk, today=TODAY)
    criteria = reminders.save_criteria(name="市税", criteria=reminders.Criteria(department="nozei"), user=tax_clerk)
    reminder_run = reminders.issue_reminders(criteria, date(2024, 10, 1), tax_clerk, today=TODAY)
    w.ids.update(task=task.pk, referral=referral.pk, investigation=inquiry.pk, disposition=seizure.pk, reminder_run=reminder_run.pk)

    from saiken.slips.actions import issue_slip

    slip = issue_slip(tax_clerk, taro, [tax], late_charge_to=TODAY, deadline=TODAY + timedelta(days=14), today=TODAY)
    pledge = cases.sign_pledge(case, instalments=[tax], signed_on=OPENED, schedule=[(TODAY + timedelta(days=31), 60_000), (TODAY + timedelta(days=61), 60_000)],
                               user=tax_clerk, today=TODAY)
    w.ids.update(slip=slip.pk, pledge=pledge.pk)

    pair = MatchCandidate.objects.create(debtor_a=taro, debtor_b=twin, score=60)
    w.ids["candidate"] = pair.pk

    member = w.users["iinkai"]
    target = goals.set_target(indicator=Indicator.objects.get(code="current_rate"), receivable=city_tax, fiscal_year=2025,
                              comparison="at_least", value=Decimal("98.5"), user=member)
    plan = plans.create_plan(receivable=city_tax, first_year=2024, problems="催告後に進捗しない案件が多い",
                             actions=[plans.ActionInput("督促状の期限内発付", ["1-1"], "点検", "同左", "同左", "収納係")],
                             targets=[plans.TargetInput(Indicator.objects.get(code="current_rate"), 2024, "at_least", Decimal("98.5"))],
                             user=member)
    plans.adopt_plan(plan, user=member)
    evaluation = plans.record_evaluation(plan, fiscal_year=2024, narrative="n", user=member, today=TODAY)
    solved = plans.add_solved_case(title="給与差押えで完納", summary="s", what_worked="w", receivables=[city_tax], user=tax_clerk)
    w.ids.update(target=target.pk, plan=plan.pk, plan_version=1, evaluation=evaluation.pk, solved_case=solved.pk)
    return w

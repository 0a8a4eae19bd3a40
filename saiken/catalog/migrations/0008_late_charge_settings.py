"""Late-charge settings with a stated default (each one an administrator may change):

- the 猶予 rate of every year before 2021, where it is still empty (地方税法15条の9第1項,
  附則3条の2第2項): until 1999 7.3%; 2000–2013 the year's 特例基準割合 (its lower
  rate); 2014–2020 the 特例基準割合 itself;
- private claims' 遅延損害金 to the yen with no thresholds (民法419条 has none), on the
  receivables that still hold the tax model's thresholds;
- the 違約金 of 母子父子寡婦福祉資金 at the rate of 母子及び父子並びに寡婦福祉法施行令17条,
  which changed over time (10.75% until 2015-03-31, 5% until 2020-03-31, 3% since),
  on the seeded receivable while it still holds the statutory interest rate; its
  notices then cite that article, not 民法419条.

The figures are written out here, so that the migration does the same whatever the
code's tables later say.
"""

from django.db import migrations

DEFERMENT_BP = {
    **{y: 730 for y in range(1900, 2000)},
    2000: 450, 2001: 450, 2002: 410, 2003: 410, 2004: 410, 2005: 410, 2006: 410, 2007: 440, 2008: 470, 2009: 450,
    2010: 430, 2011: 430, 2012: 430, 2013: 430,
    2014: 190, 2015: 180, 2016: 180, 2017: 170, 2018: 160, 2019: 160, 2020: 160,
}
TAX_MODEL_THRESHOLDS = {"late_charge_min_principal": 2000, "late_charge_base_unit": 1000, "late_charge_min_total": 1000, "late_charge_total_unit": 100}
TO_THE_YEN = {"late_charge_min_principal": 0, "late_charge_base_unit": 1, "late_charge_min_total": 0, "late_charge_total_unit": 1}
SINGLE_PARENT_PENALTY = "1964-07-01 10.75\n2015-04-01 5\n2020-04-01 3"
SINGLE_PARENT_BASIS = "母子及び父子並びに寡婦福祉法施行令第17条"
CIVIL_LATE = "民法第419条第1項"


def forward(apps, schema_editor):
    LateChargeRate = apps.get_model("catalog", "LateChargeRate")
    ReceivableType = apps.get_model("catalog", "ReceivableType")
    for row in LateChargeRate.objects.filter(deferment_bp__isnull=True, year__in=list(DEFERMENT_BP)):
        row.deferment_bp = DEFERMENT_BP[row.year]
        row.save(update_fields=["deferment_bp"])
    ReceivableType.objects.filter(
        legal_class="private", late_charge_kind__in=["statutory_interest", "contract"], **TAX_MODEL_THRESHOLDS
    ).update(**TO_THE_YEN)
    ReceivableType.objects.filter(
        code="single_parent_welfare_loan", late_charge_kind="statutory_interest", contract_rate_basis_points__isnull=True,
        contract_rate_periods="",
    ).update(late_charge_kind="contract", contract_rate_periods=SINGLE_PARENT_PENALTY)
    ReceivableType.objects.filter(
        code="single_parent_welfare_loan", contract_rate_periods=SINGLE_PARENT_PENALTY, late_charge_basis=CIVIL_LATE
    ).update(late_charge_basis=SINGLE_PARENT_BASIS)


def backward(apps, schema_editor):
    ReceivableType = apps.get_model("catalog", "ReceivableType")
    ReceivableType.objects.filter(code="single_parent_welfare_loan", late_charge_basis=SINGLE_PARENT_BASIS).update(
        late_charge_basis=CIVIL_LATE
    )
    ReceivableType.objects.filter(code="single_parent_welfare_loan", contract_rate_periods=SINGLE_PARENT_PENALTY).update(
        late_charge_kind="statutory_interest", contract_rate_periods=""
    )
    ReceivableType.objects.filter(
        legal_class="private", late_charge_kind__in=["statutory_interest", "contract"], **TO_THE_YEN
    ).update(**TAX_MODEL_THRESHOLDS)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_contract_rate_periods"), ("catalog", "0006_receivable_legal_bases")]
    operations = [migrations.RunPython(forward, backward)]

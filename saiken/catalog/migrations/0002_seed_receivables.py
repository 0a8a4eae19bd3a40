"""Load the seed city's 14 receivables on migrate (see saiken/catalog/seed.py)."""

from django.db import migrations

from saiken.catalog.seed import DEPARTMENTS, RECEIVABLES


def load(apps, schema_editor):
    Department = apps.get_model("catalog", "Department")
    ReceivableType = apps.get_model("catalog", "ReceivableType")
    departments = {code: Department.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEPARTMENTS}
    for (code, number, name, legal_class, is_tax, account, dept, years, start, objective, old_law, invoke,
         late_kind, lower_months, fee, order, note) in RECEIVABLES:
        if ReceivableType.objects.filter(code=code).exists():
            continue
        ReceivableType.objects.create(
            code=code, number=number, name=name, legal_class=legal_class, is_tax=is_tax, account=account,
            department=departments[dept], prescription_years=years, prescription_start=start,
            prescription_objective_years=objective, prescription_old_law_years=old_law,
            prescription_needs_invocation=invoke, late_charge_kind=late_kind, late_charge_lower_months=lower_months,
            demand_fee=fee, allocation_order=order, note=note,
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Load the tax model's rates of DOMAIN.md §5 (1999–2026); later years are added in the admin."""

from django.db import migrations

from saiken.core.late_charge import TAX_MODEL_RATES


def load(apps, schema_editor):
    LateChargeRate = apps.get_model("catalog", "LateChargeRate")
    for r in TAX_MODEL_RATES:
        LateChargeRate.objects.get_or_create(year=r.year, defaults={"lower_bp": r.lower_bp, "after_bp": r.after_bp, "deferment_bp": r.deferment_bp})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_late_charge_rate")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

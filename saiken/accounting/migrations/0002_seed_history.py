"""Load the seed's published FY2012–2017 history so it stands beside the ledger's years."""

from django.conf import settings
from django.db import migrations

from saiken.accounting.history import read_history


def load(apps, schema_editor):
    PublishedYear = apps.get_model("accounting", "PublishedYear")
    for row in read_history(settings.SAIKEN_SEED_HISTORY):
        PublishedYear.objects.update_or_create(fiscal_year=row.pop("fiscal_year"), defaults=row)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

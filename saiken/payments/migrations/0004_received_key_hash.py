import hashlib

from django.db import migrations, models


def fill(apps, schema_editor):
    ReceivedPayment = apps.get_model("payments", "ReceivedPayment")
    for rp in ReceivedPayment.objects.only("id", "key").iterator():
        h = int.from_bytes(hashlib.blake2b(rp.key.encode(), digest_size=8).digest(), "big", signed=True)
        ReceivedPayment.objects.filter(pk=rp.pk).update(key_hash=h)


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_assessment_import")]

    operations = [
        migrations.RemoveConstraint(model_name="receivedpayment", name="received_payment_once"),
        migrations.AddField(
            model_name="receivedpayment", name="key_hash",
            field=models.BigIntegerField(null=True, verbose_name="レコードキーのハッシュ"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="receivedpayment", name="key_hash",
            field=models.BigIntegerField(help_text="一意制約用（saiken.payments.imports.key_hash）", verbose_name="レコードキーのハッシュ"),
        ),
        migrations.AddConstraint(
            model_name="receivedpayment",
            constraint=models.UniqueConstraint(fields=("key_hash", "format"), name="received_payment_once"),
        ),
    ]

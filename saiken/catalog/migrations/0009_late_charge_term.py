"""The name a notice gives a private claim's charge when its own law names it: the
違約金 of 母子及び父子並びに寡婦福祉法施行令17条 for the seeded 母子父子寡婦福祉資金償還金,
while it still holds the rate periods of that order (0008)."""

from django.db import migrations, models


SINGLE_PARENT_PENALTY = "1964-07-01 10.75\n2015-04-01 5\n2020-04-01 3"


def set_penalty_term(apps, schema_editor):
    ReceivableType = apps.get_model("catalog", "ReceivableType")
    ReceivableType.objects.filter(code="single_parent_welfare_loan", contract_rate_periods=SINGLE_PARENT_PENALTY, late_charge_term="").update(
        late_charge_term="違約金"
    )


def clear_penalty_term(apps, schema_editor):
    apps.get_model("catalog", "ReceivableType").objects.filter(code="single_parent_welfare_loan", late_charge_term="違約金").update(late_charge_term="")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_late_charge_settings'),
    ]

    operations = [
        migrations.AddField(
            model_name='receivabletype',
            name='late_charge_term',
            field=models.CharField(blank=True, help_text='私債権の通知書での呼び方。法令が別の名で定める場合に入力（例: 母子及び父子並びに寡婦福祉法施行令17条の「違約金」）。空欄なら「遅延損害金」。', max_length=20, verbose_name='遅延損害金の呼称'),
        ),
        migrations.RunPython(set_penalty_term, clear_penalty_term),
    ]

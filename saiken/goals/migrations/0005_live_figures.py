"""The goals' own caches go: the dashboard reads the summaries the ledger and the demand
run keep exact (ledger 0006, demands 0002), so nothing needs `refresh-goals` nightly.
And the computation code of the new indicator 停滞事案数."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('goals', '0004_directions'),
        ('ledger', '0006_summaries'),
        ('demands', '0002_demand_summary'),
    ]

    operations = [
        migrations.DeleteModel(name='ChannelTally'),
        migrations.DeleteModel(name='DailyCollection'),
        migrations.DeleteModel(name='DemandTally'),
        migrations.DeleteModel(name='WriteOffTally'),
        migrations.DeleteModel(name='GoalRefresh'),
        migrations.AlterField(
            model_name='indicator',
            name='computation',
            field=models.CharField(choices=[('current_rate', '収納率（現年度分）'), ('arrears_rate', '収納率（滞納繰越分）'), ('total_rate', '収納率（合計）'), ('current_unpaid', '未収金（現年度分）'), ('arrears_unpaid', '未収金（滞納繰越分）'), ('total_unpaid', '未収金（合計）'), ('demand_on_time', '督促の期限内発付率'), ('direct_debit_share', '口座振替による納付の割合'), ('write_off_count', '不納欠損（件数）'), ('write_off_yen', '不納欠損（金額）'), ('relief_approved', '緩和措置の決裁（件数）'), ('investigations', '財産調査（件数）'), ('dispositions', '滞納処分・強制執行（件数）'), ('stalled_cases', '停滞事案（件数）')], max_length=30, verbose_name='算出方法'),
        ),
    ]

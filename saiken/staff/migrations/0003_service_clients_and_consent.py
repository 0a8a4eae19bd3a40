# Service check (行政サービス利用制限の照会): the services, the client systems with their
# tokens, the applicant's consent as a record; the free-text columns of the checks
# answered before are kept under their new names.

import django.db.models.deletion
from django.db import migrations, models

# A few services a city asks about before granting (each city edits its list in the admin).
SERVICES = [
    ("shiei_jutaku", "市営住宅の入居", "jutaku"),
    ("jutaku_reform", "住宅リフォーム補助金", "jutaku"),
    ("ninkagai_hoiku_josei", "認可外保育施設の利用料助成", "hoiku"),
    ("kekkon_shinseikatsu", "結婚新生活支援補助金", "kodomo_seisaku"),
]


def forward(apps, schema_editor):
    apps.get_model("staff", "ServiceCheck").objects.filter(delinquent=True).update(result="refer")
    Department = apps.get_model("catalog", "Department")
    Service = apps.get_model("staff", "Service")
    for code, name, department in SERVICES:
        dep = Department.objects.filter(code=department).first()
        if dep is not None:
            Service.objects.get_or_create(code=code, defaults={"name": name, "department": dep})


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0009_late_charge_term'),
        ('debtors', '0002_identity'),
        ('staff', '0002_service_check'),
    ]

    operations = [
        migrations.RenameField(model_name='servicecheck', old_name='service', new_name='service_name'),
        migrations.RenameField(model_name='servicecheck', old_name='consent', new_name='consent_note'),
        migrations.AddField(
            model_name='servicecheck',
            name='result',
            field=models.CharField(choices=[('clear', '滞納なし'), ('refer', '確認が必要（債権の所管課へ）')], default='clear', max_length=10, verbose_name='回答'),
        ),
        migrations.AlterField(
            model_name='servicecheck',
            name='consent_note',
            field=models.CharField(blank=True, max_length=200, verbose_name='本人同意の記録（旧・自由記述）'),
        ),
        migrations.AlterField(
            model_name='servicecheck',
            name='debtor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='service_checks', to='debtors.debtor', verbose_name='申請者'),
        ),
        migrations.AlterField(
            model_name='servicecheck',
            name='service_name',
            field=models.CharField(max_length=200, verbose_name='行政サービスの名称（照会時）'),
        ),
        migrations.CreateModel(
            name='Service',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='コード')),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
                ('active', models.BooleanField(default=True, verbose_name='照会を受け付ける')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='services', to='catalog.department', verbose_name='所管課')),
            ],
            options={
                'verbose_name': '行政サービス（利用制限の照会）',
                'verbose_name_plural': '行政サービス（利用制限の照会）',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='servicecheck',
            name='service',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='checks', to='staff.service', verbose_name='行政サービス'),
        ),
        migrations.CreateModel(
            name='ServiceClient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.SlugField(unique=True, verbose_name='名前')),
                ('token_prefix', models.CharField(max_length=16, unique=True, verbose_name='トークンの識別子')),
                ('token_hash', models.CharField(max_length=64, verbose_name='トークンのハッシュ（SHA-256）')),
                ('active', models.BooleanField(default=True, verbose_name='有効')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登録日時')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='失効日時')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_clients', to='catalog.department', verbose_name='所管課')),
                ('services', models.ManyToManyField(related_name='clients', to='staff.service', verbose_name='照会できる行政サービス')),
            ],
            options={
                'verbose_name': '照会元システム',
                'verbose_name_plural': '照会元システム',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='servicecheck',
            name='client',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='checks', to='staff.serviceclient', verbose_name='照会元システム'),
        ),
        migrations.CreateModel(
            name='ServiceConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('system', models.CharField(max_length=30, verbose_name='識別番号の種類')),
                ('identifier', models.CharField(max_length=40, verbose_name='識別番号')),
                ('name', models.CharField(max_length=200, verbose_name='氏名')),
                ('birth_date', models.DateField(verbose_name='生年月日')),
                ('document_number', models.CharField(max_length=100, verbose_name='同意書番号')),
                ('consented_on', models.DateField(verbose_name='同意日')),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.service', verbose_name='同意の対象（行政サービス）')),
            ],
            options={
                'verbose_name': '照会への本人の同意',
                'verbose_name_plural': '照会への本人の同意',
            },
        ),
        migrations.AddField(
            model_name='servicecheck',
            name='consent',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='service_check', to='staff.serviceconsent', verbose_name='本人の同意'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]

"""The process indicator 停滞事案数 (issue 6, item 6): stalled cases per receivable and year."""

from django.db import migrations

CODE = "stalled_cases"


def load(apps, schema_editor):
    Indicator = apps.get_model("goals", "Indicator")
    Indicator.objects.get_or_create(
        code=CODE,
        defaults=dict(
            name="停滞事案数", unit="count", computation="stalled_cases", parameter="", policy_direction="2-2", order=45,
            description=(
                "年度末（年度途中は当日）に対応中の滞納整理事案のうち、停滞しているものの数。停滞は、催告（催告書・書類の送付・督促状）の後に"
                "債権ごとの日数（既定60日）進捗（本人との接触・納付・誓約・約束・対応の完了・福祉への引継ぎ）がないもの、"
                "又は次回対応日が決まっていないもの。債権ごとには、その日までに調定され現在も未納の期別がある債権で数え、"
                "全体は事案の実数（複数の債権を滞納している事案も1件）。"
            ),
        ),
    )


def unload(apps, schema_editor):
    apps.get_model("goals", "Indicator").objects.filter(code=CODE, targets__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0005_live_figures")]
    operations = [migrations.RunPython(load, unload)]

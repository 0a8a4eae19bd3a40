"""Load the default table of which classes may use each kind of relief (saiken/core/relief.py)."""

from django.db import migrations

from saiken.core.relief import DEFAULT_ALLOWED, ClassKey, ReliefKind

NOTES = {
    ReliefKind.COLLECTION_DEFERMENT: "地方税法15条。税以外の強制徴収公債権は個別法・条例の定めを確認（verify）",
    ReliefKind.REALISATION_DEFERMENT: "地方税法15条の5、15条の6",
    ReliefKind.EXECUTION_STOP: "地方税法15条の7（強制徴収公債権は地方自治法231条の3第3項により滞納処分の例による）",
    ReliefKind.COLLECTION_STOP: "地方自治法施行令171条の5",
    ReliefKind.PERFORMANCE_DEFERRAL: "地方自治法施行令171条の6",
    ReliefKind.EXEMPTION: "地方自治法施行令171条の7",
    ReliefKind.WAIVER: "債権管理条例（地方自治法96条1項10号）",
}


def load(apps, schema_editor):
    ReliefRule = apps.get_model("relief", "ReliefRule")
    for kind in ReliefKind:
        ReliefRule.objects.get_or_create(
            kind=kind.value,
            defaults={**{c.value: c in DEFAULT_ALLOWED[kind] for c in ClassKey}, "note": NOTES[kind]},
        )


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

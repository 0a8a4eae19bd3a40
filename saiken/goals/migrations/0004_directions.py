"""The nine directions of the seed policy (新潟市債権管理基本方針 平成30年度～,
「基本方針と具体的な取り組みの方向性」), in its own wording. Codes are the stored codes
of PolicyDirection; the wording may be edited in the admin. Re-running changes
nothing that is already there.
"""

from django.db import migrations

PILLARS = {
    1: (
        "法令等の適正な運用",
        "納入の通知・督促・滞納処分・強制執行等、法令に規定されているものは確実に実施します。また、世帯状況・収支状況・財産・負債"
        "などを綿密に把握することにより、納付資力の有無を的確に判断し、個々の状況に応じた処分につなげます。",
    ),
    2: (
        "効果的・効率的な債権管理",
        "滞納となった場合の不利益をサービス申込時に説明するなど滞納の未然防止に努めるとともに、催告無視や納付計画不履行時に速やかに"
        "情報収集・調査の準備に入るなど、滞納整理の早期着手に努めます。また、口座振替、電子収納の推進に加えニーズに応じた納付方法を"
        "追求します。",
    ),
    3: (
        "職員の育成・連携強化",
        "実務担当者向けの研修だけでなく、管理者向けにマネジメント研修を行うなど、ニーズに沿った研修を企画し、それによって習得した"
        "知識や技能を実践に生かします。また、滞納解消が困難な案件の解決事例を共有するなど、市全体の徴収スキル向上を図るほか、"
        "組織内の連携を強化し、滞納を見過ごさないという職場環境づくりに努めます。",
    ),
}

DIRECTIONS = [
    ("1-1", 1, "①", "法令等に定める事務を確実に実施"),
    ("1-2", 1, "②", "情報収集・調査を着実に実施"),
    ("1-3", 1, "③", "調査結果により徴収，緩和を的確に実行"),
    ("2-1", 2, "①", "納付しやすい環境の検討を深化"),
    ("2-2", 2, "②", "滞納の早期解消に向け進捗確認を徹底"),
    ("2-3", 2, "③", "滞納を発生させない取り組みの定着"),
    ("3-1", 3, "①", "実践に直結するスキルの向上"),
    ("3-2", 3, "②", "職位レベル、経験年数に応じた研修開催"),
    ("3-3", 3, "③", "関係機関・庁内の連携強化、組織的な意識の醸成"),
]


def load(apps, schema_editor):
    Direction = apps.get_model("goals", "Direction")
    for code, pillar, mark, name in DIRECTIONS:
        pillar_name, pillar_text = PILLARS[pillar]
        Direction.objects.get_or_create(
            code=code, defaults=dict(pillar=pillar, pillar_name=pillar_name, pillar_text=pillar_text, mark=mark, name=name)
        )


class Migration(migrations.Migration):
    dependencies = [("goals", "0003_plans")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

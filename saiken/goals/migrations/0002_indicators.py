"""The indicators every city starts with, and the seed city's overall goal.

Codes are stable (targets and plans refer to them); names and descriptions may be
edited in the admin. Re-running changes nothing that is already there.
"""

from django.db import migrations

RATE = "収入済額 ÷ 調定額（本税・本料のみ、延滞金・手数料を除く）。小数第2位を四捨五入し0.1ポイントで表示・比較。"
UNPAID = "調定額 − 収入済額 − 不納欠損額（円、決算年度末＝出納閉鎖時点。年度途中は現時点）。"

# (order, code, name, unit, computation, parameter, policy direction, description)
INDICATORS = [
    (10, "current_rate", "収納率（現年度分）", "percent", "current_rate", "", "", "現年度分の" + RATE),
    (11, "arrears_rate", "収納率（滞納繰越分）", "percent", "arrears_rate", "", "", "滞納繰越分の" + RATE + "滞納繰越分の調定額は前年度の出納閉鎖時点の未納額。"),
    (12, "total_rate", "収納率（合計）", "percent", "total_rate", "", "", "現年度分と滞納繰越分の合計の" + RATE + "全体目標は主要14債権の合計の前年度比増加。"),
    (20, "current_unpaid", "未収金（現年度分）", "yen", "current_unpaid", "", "", "現年度分の" + UNPAID),
    (21, "arrears_unpaid", "未収金（滞納繰越分）", "yen", "arrears_unpaid", "", "", "滞納繰越分の" + UNPAID),
    (22, "total_unpaid", "未収金（合計）", "yen", "total_unpaid", "", "", "現年度分と滞納繰越分の合計の" + UNPAID),
    (30, "demand_on_time", "督促の期限内発付率", "percent", "demand_on_time", "", "1-1",
     "期限内に督促状を発付した期別 ÷（期限内＋期限後に発付＋発付期限を過ぎて未発付の期別）。年度は期別の調定年度。"
     "発付期限は納期限後の日数（債権ごとの設定、通常20日）。集計基準日に発付期限内の未発付分は含めない。"),
    (40, "investigations", "財産調査の件数", "count", "investigations", "", "1-2",
     "金融機関・勤務先・年金・登記等への財産調査の照会件数（年度中の照会日）。滞納整理の記録が整備されるまで未集計。"),
    (50, "dispositions", "滞納処分・強制執行の件数", "count", "dispositions", "", "1-3",
     "差押・支払督促・訴えの提起・強制執行の件数（年度中の執行日）。滞納整理の記録が整備されるまで未集計。"),
    (51, "relief_approved", "緩和措置の決裁件数", "count", "relief_approved", "", "1-3",
     "年度中に決裁（承認）した徴収猶予・換価の猶予・執行停止・徴収停止・履行延期・免除・放棄の件数。後に終了・取消となったものを含む。"),
    (52, "write_off_count", "不納欠損の件数", "count", "write_off_count", "", "1-3",
     "決算年度中に不納欠損した期別の数（すべての理由）。"),
    (53, "write_off_yen", "不納欠損額", "yen", "write_off_yen", "", "1-3",
     "決算年度中の不納欠損額（本税・本料、すべての理由）。収納状況表の不納欠損額と一致。"),
    (70, "direct_debit_share", "口座振替による納付の割合", "percent", "direct_debit_share", "", "2-1",
     "年度中（4月1日～3月31日の収納日）の納付件数のうち口座振替によるものの割合。充当は納付に含めない。"),
]

REASONS = [
    ("prescription", "時効の完成"),
    ("stop_three_years", "執行停止3年継続"),
    ("stop_immediate", "執行停止による即時消滅"),
    ("exemption", "免除"),
    ("waiver", "債権放棄"),
    ("invoked", "時効の援用"),
    ("other", "その他"),
]
for n, (reason, label) in enumerate(REASONS):
    INDICATORS.append((54 + 2 * n, f"write_off_count_{reason}", f"不納欠損の件数（{label}）", "count", "write_off_count", reason, "1-3",
                       f"決算年度中に「{label}」により不納欠損した期別の数。"))
    INDICATORS.append((55 + 2 * n, f"write_off_yen_{reason}", f"不納欠損額（{label}）", "yen", "write_off_yen", reason, "1-3",
                       f"決算年度中に「{label}」により不納欠損した額（本税・本料）。"))

OVERALL_GOAL_FROM = 2018  # 新潟市債権管理基本方針（平成30年度～）


def load(apps, schema_editor):
    Indicator = apps.get_model("goals", "Indicator")
    Target = apps.get_model("goals", "Target")
    for order, code, name, unit, computation, parameter, direction, description in INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults=dict(name=name, unit=unit, computation=computation, parameter=parameter,
                          policy_direction=direction, description=description, order=order),
        )
    total = Indicator.objects.get(code="total_rate")
    if not Target.objects.filter(indicator=total, receivable__isnull=True).exists():
        Target.objects.create(
            indicator=total, receivable=None, fiscal_year=OVERALL_GOAL_FROM, comparison="above_last_year",
            value=None, carries_forward=True,
            note="全体目標: 14債権の収納率 前年度比増加（新潟市債権管理基本方針 平成30年度～）",
        )


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

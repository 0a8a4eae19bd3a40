"""Each receivable's legal bases for its notices (督促・延滞金・滞納処分・法的措置), filled for the seed's 14."""

from django.db import migrations, models


# The articles each seeded receivable's notices cite (督促 / 延滞金・遅延損害金 / 滞納処分 /
# 法的措置). Frozen here rather than read from seed.py: a migration must not change when
# the seed does. The city's own ordinances are named generically ("市国民健康保険条例"):
# an administrator replaces them with the real titles. Checked against the statutes
# where the text could be found; "(verify)" marks what could not be confirmed:
#
# - 市税: 督促 地方税法329条1項 (市町村民税), 371条1項 (固定資産税) (verify 371);
#   延滞金 326条 (verify), 369条 (verify) and 附則3条の2; 滞納処分 331条1項 (市町村民税),
#   373条1項 (固定資産税) (verify 373).
# - 保育料: 滞納処分 児童福祉法56条 (its paragraph moved with amendments: 7項, later 10項;
#   verify which applies) with 地方自治法231条の3第3項.
# - 未熟児養育医療費負担金: 費用徴収 母子保健法21条の4第1項; 滞納処分 its 3項 (verify).
# - 国民健康保険料 / 介護保険料 / 後期高齢者医療保険料: 国民健康保険法79条の2, 介護保険法144条,
#   高齢者の医療の確保に関する法律113条 make them 歳入 of 地方自治法231条の3第3項, hence
#   滞納処分 "as in local tax"; 督促 under 231条の3第1項; 延滞金 under 231条の3第2項 and the
#   city's own ordinance (not 地方税法).
# - 下水道事業受益者負担金: 都市計画法75条3項 (督促), 4項 (延滞金, by ordinance), 5項
#   (国税滞納処分の例). A 分担金 under 地方自治法224条 would follow 231条の3 instead.
# - ひまわりクラブ利用料・清掃手数料 (non-forcible public): 督促 地方自治法231条の3第1項,
#   延滞金 231条の3第2項 by ordinance, then court steps under 施行令171条の2.
# - 生活保護費返還金: the default is the 生活保護法63条 返還金, non-forcible and with no late
#   charge. 77条の2 (63条 amounts for aid paid from 2018-10-01) and 78条 (不正受給) 徴収金 are
#   collected "as in national tax" (77条の2第2項, 78条4項 (verify paragraph)): a city that
#   books them here must make this receivable forcible or add a receivable for them.
# - 私債権 (市営住宅, 奨学金, 母子父子寡婦福祉資金, 病院): 督促 地方自治法施行令171条 (a 催告 in
#   civil law), 遅延損害金 民法419条1項 (the agreed rate where the contract sets one), then
#   施行令171条の2. 母子父子寡婦福祉資金's 違約金 comes from its own act's order (母子及び父子
#   並びに寡婦福祉法施行令, verify article); the statutory interest rate stays until set.
AUTONOMY_DEMAND = "地方自治法第231条の3第1項"
PRIVATE_DEMAND = "地方自治法施行令第171条"
COURT = "地方自治法施行令第171条の2"
ORDINANCE_LATE = "地方自治法第231条の3第2項及び市税外収入金の督促手数料及び延滞金徴収条例"
CIVIL_LATE = "民法第419条第1項"

LEGAL_BASES = {
    # code: (demand_basis, late_charge_basis, seizure_basis, enforcement_basis)
    "city_tax": ("地方税法第329条第1項、第371条第1項等", "地方税法第326条、第369条等及び同法附則第3条の2",
                 "地方税法第331条第1項、第373条第1項等", ""),
    "nursery_fee": (AUTONOMY_DEMAND, ORDINANCE_LATE, "児童福祉法第56条及び地方自治法第231条の3第3項", ""),
    "premature_infant_care": (AUTONOMY_DEMAND, ORDINANCE_LATE, "母子保健法第21条の4及び地方自治法第231条の3第3項", ""),
    "after_school_club": (AUTONOMY_DEMAND, ORDINANCE_LATE, "", COURT),
    "municipal_housing": (PRIVATE_DEMAND, CIVIL_LATE, "", COURT),
    "cleaning_fee": (AUTONOMY_DEMAND, ORDINANCE_LATE, "", COURT),
    "scholarship_loan": (PRIVATE_DEMAND, "貸付契約及び民法第419条第1項", "", COURT),
    "welfare_repayment": (AUTONOMY_DEMAND, "", "", COURT),
    "national_health_insurance": (AUTONOMY_DEMAND, "地方自治法第231条の3第2項及び市国民健康保険条例",
                                  "国民健康保険法第79条の2及び地方自治法第231条の3第3項", ""),
    "single_parent_welfare_loan": (PRIVATE_DEMAND, CIVIL_LATE, "", COURT),
    "long_term_care_insurance": (AUTONOMY_DEMAND, "地方自治法第231条の3第2項及び市介護保険条例",
                                 "介護保険法第144条及び地方自治法第231条の3第3項", ""),
    "late_elderly_medical_insurance": (AUTONOMY_DEMAND, "地方自治法第231条の3第2項及び市後期高齢者医療に関する条例",
                                       "高齢者の医療の確保に関する法律第113条及び地方自治法第231条の3第3項", ""),
    "sewer_beneficiary_charge": ("都市計画法第75条第3項", "都市計画法第75条第4項及び市下水道事業受益者負担金条例",
                                 "都市計画法第75条第5項", ""),
    "hospital_fee": (PRIVATE_DEMAND, CIVIL_LATE, "", COURT),
}


def fill(apps, schema_editor):
    ReceivableType = apps.get_model("catalog", "ReceivableType")
    for code, (demand, late, seizure, court) in LEGAL_BASES.items():
        # Only blanks: a city that already typed its own articles keeps them.
        r = ReceivableType.objects.filter(code=code).first()
        if r is None:
            continue
        for field, value in (("demand_basis", demand), ("late_charge_basis", late), ("seizure_basis", seizure),
                             ("enforcement_basis", court)):
            if not getattr(r, field):
                setattr(r, field, value)
        r.save(update_fields=["demand_basis", "late_charge_basis", "seizure_basis", "enforcement_basis"])
    # A receivable added by the city (a 15th) gets the generic article of its class, so no
    # notice prints without one; the administrator refines it.
    for r in ReceivableType.objects.exclude(code__in=list(LEGAL_BASES)):
        if r.legal_class == "forcible":
            r.demand_basis = r.demand_basis or AUTONOMY_DEMAND
            r.seizure_basis = r.seizure_basis or "地方自治法第231条の3第3項"
        elif r.legal_class == "non_forcible":
            r.demand_basis = r.demand_basis or AUTONOMY_DEMAND
            r.enforcement_basis = r.enforcement_basis or COURT
        else:
            r.demand_basis = r.demand_basis or PRIVATE_DEMAND
            r.enforcement_basis = r.enforcement_basis or COURT
        r.save(update_fields=["demand_basis", "seizure_basis", "enforcement_basis"])



class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_department_phone'),
    ]

    operations = [
        migrations.AddField(
            model_name='receivabletype',
            name='demand_basis',
            field=models.CharField(blank=True, help_text='督促状に「（この欄）の規定により督促します」と印刷します。例: 市税「地方税法第329条第1項、第371条第1項等」、税以外の公債権「地方自治法第231条の3第1項」、下水道事業受益者負担金「都市計画法第75条第3項」、私債権「地方自治法施行令第171条」（私債権の督促は民法上の催告にあたるため「納付を請求します」と印刷します）。強制徴収公債権では必須です。', max_length=200, verbose_name='督促の根拠'),
        ),
        migrations.AddField(
            model_name='receivabletype',
            name='enforcement_basis',
            field=models.CharField(blank=True, help_text='非強制徴収公債権・私債権: 督促状・催告書に「（この欄）の規定により、支払督促の申立てや訴えの提起などの法的措置をとり、強制執行を行うことがあります」と印刷します。通常は「地方自治法施行令第171条の2」。空欄なら条項を示さずに印刷します。', max_length=200, verbose_name='法的措置の根拠'),
        ),
        migrations.AddField(
            model_name='receivabletype',
            name='late_charge_basis',
            field=models.CharField(blank=True, help_text='督促状に「（この欄）の定めるところにより延滞金を加算して…」と印刷します（延滞金の種類が「なし」なら印刷しません）。例: 市税「地方税法第326条、第369条等及び同法附則第3条の2」、国民健康保険料「地方自治法第231条の3第2項及び市国民健康保険条例」（保険料の延滞金は地方税法ではなく自治法231条の3第2項に基づく条例によります）、私債権「民法第419条第1項」。条例名は市の正式な名称に直してください。', max_length=200, verbose_name='延滞金・遅延損害金の根拠'),
        ),
        migrations.AddField(
            model_name='receivabletype',
            name='seizure_basis',
            field=models.CharField(blank=True, help_text='強制徴収公債権だけ（必須）: 督促状・催告書に「（この欄）の規定により、財産の差押えなどの滞納処分を行うことがあります」と、差押調書に処分の根拠として印刷します。例: 市税「地方税法第331条第1項、第373条第1項等」、国民健康保険料「国民健康保険法第79条の2及び地方自治法第231条の3第3項」、介護保険料「介護保険法第144条及び地方自治法第231条の3第3項」。', max_length=200, verbose_name='滞納処分の根拠'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
"""The seed city's 14 major receivables (新潟市債権管理基本方針, 平成30年度～) as first loaded.

Read by the data migration only; afterwards the catalog lives in the database and
an administrator edits it. Defaults follow DOMAIN.md §2, §5 and §6; items marked
(verify) there are settings for a city to check against its own ordinances.
"""

DEPARTMENTS = [
    ("nozei", "財務部 納税課"),
    ("hoiku", "こども未来部 保育課"),
    ("kodomo_katei", "こども未来部 こども家庭課"),
    ("kodomo_seisaku", "こども未来部 こども政策課"),
    ("jutaku", "建築部 住環境政策課"),
    ("haikibutsu", "環境部 廃棄物対策課"),
    ("gakumu", "教育委員会 学務課"),
    ("fukushi", "福祉部 福祉総務課"),
    ("hoken_nenkin", "保健衛生部 保険年金課"),
    ("kaigo", "福祉部 介護保険課"),
    ("gesuido", "下水道部 下水道計画課"),
    ("byoin", "市民病院 医事課"),
]

PUBLIC = "principal,late_charge,fee"
CIVIL = "fee,late_charge,principal"

# code, number, name, class, is_tax, account, department, prescription years, start,
# objective years, old-law years, invoke, late-charge kind, lower window months,
# demand fee, allocation order, note
RECEIVABLES = [
    ("city_tax", 1, "市税", "forcible", True, "general", "nozei", 5, "day_after_statutory_due", None, None, False, "tax", 1, 100, PUBLIC, "地方税法18条（時効）、同法329条等（督促20日以内）、同法附則3条の2（延滞金の特例）"),
    ("nursery_fee", 2, "保育料", "forcible", False, "general", "hoiku", 5, "day_after_due", None, None, False, "ordinance", 1, 0, PUBLIC, "地方自治法231条の3、236条。児童福祉法56条"),
    ("premature_infant_care", 3, "未熟児養育医療費負担金", "forcible", False, "general", "kodomo_katei", 5, "day_after_due", None, None, False, "ordinance", 1, 0, PUBLIC, "母子保健法21条の4"),
    ("after_school_club", 4, "ひまわりクラブ利用料", "non_forcible", False, "general", "kodomo_seisaku", 5, "day_after_due", None, None, False, "ordinance", 1, 0, PUBLIC, "地方自治法236条"),
    ("municipal_housing", 5, "市営住宅使用料・駐車場使用料", "private", False, "general", "jutaku", 5, "known", 10, 5, True, "statutory_interest", 1, 0, CIVIL, "私債権。民法166条（2020年4月1日以降）、旧民法169条（定期給付債権5年）"),
    ("cleaning_fee", 6, "清掃手数料", "non_forcible", False, "general", "haikibutsu", 5, "day_after_due", None, None, False, "ordinance", 1, 0, PUBLIC, "地方自治法236条"),
    ("scholarship_loan", 7, "奨学金貸付金", "private", False, "general", "gakumu", 5, "known", 10, 10, True, "contract", 1, 0, CIVIL, "私債権。民法166条、旧民法167条（10年）"),
    ("welfare_repayment", 8, "生活保護費返還金", "non_forcible", False, "general", "fukushi", 5, "day_after_due", None, None, False, "none", 1, 0, PUBLIC, "生活保護法63条。78条徴収金は強制徴収（要確認）"),
    ("national_health_insurance", 9, "国民健康保険料", "forcible", False, "special", "hoken_nenkin", 2, "day_after_due", None, None, False, "tax", 1, 0, PUBLIC, "国民健康保険法110条（時効2年）、79条の2"),
    ("single_parent_welfare_loan", 10, "母子父子寡婦福祉資金償還金", "private", False, "special", "kodomo_katei", 5, "known", 10, 10, True, "statutory_interest", 1, 0, CIVIL, "母子及び父子並びに寡婦福祉法。債権の区分は要確認（verify）"),
    ("long_term_care_insurance", 11, "介護保険料", "forcible", False, "special", "kaigo", 2, "day_after_due", None, None, False, "tax", 1, 0, PUBLIC, "介護保険法200条（時効2年）、144条"),
    ("late_elderly_medical_insurance", 12, "後期高齢者医療保険料", "forcible", False, "special", "hoken_nenkin", 2, "day_after_due", None, None, False, "tax", 1, 0, PUBLIC, "高齢者の医療の確保に関する法律160条（時効2年）"),
    ("sewer_beneficiary_charge", 13, "下水道事業受益者負担金・分担金", "forcible", False, "enterprise", "gesuido", 5, "day_after_due", None, None, False, "ordinance", 1, 0, PUBLIC, "都市計画法75条、地方自治法224条"),
    ("hospital_fee", 14, "市民病院診療費（個人分）", "private", False, "enterprise", "byoin", 5, "known", 10, 3, True, "statutory_interest", 1, 0, CIVIL, "私債権。民法166条、旧民法170条（診療報酬3年）"),
]

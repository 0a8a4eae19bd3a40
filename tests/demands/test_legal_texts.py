"""What the 督促状 says of the law, for each of the 14 receivables, read back from the PDF.

One debtor (山田 太郎) owes one overdue instalment of every seeded receivable; one run
issues his 14 demands, the real renderer writes the PDF, and each page's text is read
back and compared, word for word, with the articles the receivable carries in the
catalog: the 督促 (demand_basis), the 延滞金・遅延損害金 (late_charge_basis, or no
paragraph at all when the receivable charges none), and what follows the 指定期限
(seizure_basis for forcible claims, enforcement_basis — the court — for the others).

The defect this guards against: "…滞納処分を行うことがあります。の規定により督促します…",
and 国保・介護・後期高齢's late charge attributed to 地方税法.
"""

import re
from datetime import date

import pypdf
import pytest

from saiken.catalog.models import LateChargeStart, ReceivableType
from saiken.core.legal_text import LegalTexts, gaps
from saiken.demands.actions import issue_demands
from saiken.demands.documents import notices, render_run
from saiken.ledger.actions import assess
from tests.conftest import operator

pytestmark = pytest.mark.django_db

DUE = date(2026, 4, 30)
ISSUED = date(2026, 5, 15)


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


def flat(text: str) -> str:
    """Page text as one line: the renderer wraps sentences, pypdf adds line breaks and the
    odd ASCII space at an indent; the sentences themselves contain neither."""
    return re.sub(r"[\n ]", "", text)


@pytest.fixture
def pages(taro):
    """Receivable code → the flattened text of its 督促状."""
    taro.postal_code = "9518550"
    taro.save()
    receivables = list(ReceivableType.objects.order_by("number"))
    assert len(receivables) == 14
    for r in receivables:
        assess(debtor=taro, receivable=r, fiscal_year=2026, instalment_no=1, nominal_due=DUE, amount=12_300, assessed_on=date(2026, 4, 1))
    run = issue_demands(user=operator(), as_of=ISSUED)
    order = [n.receivable_name for n in notices(run)]
    assert sorted(order) == sorted(r.name for r in receivables)
    reader = pypdf.PdfReader(render_run(run, user=operator()))
    assert len(reader.pages) == 14
    by_name = {r.name: r.code for r in receivables}
    return {by_name[name]: flat(page.extract_text()) for name, page in zip(order, reader.pages, strict=True)}


def test_every_notice_cites_its_receivables_articles_word_for_word(pages):
    for r in ReceivableType.objects.order_by("number"):
        text = pages[r.code]
        where = f"{r.number} {r.name}"
        assert r.demand_basis, where
        # 督促: a public claim is demanded under its article; a private one is asked for (催告).
        if r.legal_class == "private":
            expected = f"あなたの下記の{r.name}は、納期限までに納付されていません。{r.demand_basis}の規定により、期限を指定して納付を請求しますので、指定期限までに納付してください。"
            assert "督促しますので" not in text, where
        else:
            expected = f"あなたの下記の{r.name}は、納期限までに納付されていません。{r.demand_basis}の規定により督促しますので、指定期限までに納付してください。"
        assert flat(expected) in text, where
        # What follows the 指定期限.
        if r.legal_class == "forcible":
            assert r.seizure_basis, where
            warning = f"指定期限までに完納されない場合は、{r.seizure_basis}の規定により、財産（預貯金・給与等）の差押えなどの滞納処分を行うことがあります。"
            assert "法的措置" not in text, where
        else:
            assert not r.seizure_basis, where
            assert r.enforcement_basis == "地方自治法施行令第171条の2", where
            warning = (f"指定期限までに完納されない場合は、{r.enforcement_basis}の規定により、"
                       "支払督促の申立てや訴えの提起などの法的措置をとり、強制執行を行うことがあります。")
            assert "滞納処分" not in text and "差押え" not in text, where
        assert flat(warning) in text, where
        # 延滞金・遅延損害金.
        if r.late_charge_kind == "none":
            assert "延滞金" not in text and "遅延損害金" not in text, where
        elif r.late_charge_kind in ("statutory_interest", "contract"):
            if r.late_charge_kind == "contract" and r.contract_rate_periods:
                rate = "同条に定める割合"  # a rate the order itself sets, changing over time
            else:
                rate = "契約に定める利率" if r.late_charge_kind == "contract" else "法定利率"
            term = r.late_charge_term or "遅延損害金"
            assert f"{term}について" in text and "延滞金について" not in text, where
            assert f"納期限の翌日から納付の日まで、{r.late_charge_basis}の定めにより、{rate}による{term}を請求することがあります。" in text, where
            if r.code == "single_parent_welfare_loan":  # its own order names the charge and its rate
                assert ("母子及び父子並びに寡婦福祉法施行令第17条の定めにより、同条に定める割合による違約金を請求することがあります。"
                        in text), where
        else:
            start = "指定期限" if r.late_charge_start == LateChargeStart.DESIGNATED_DEADLINE else "納期限"
            assert "延滞金について" in text, where
            assert f"{start}の翌日から納付の日までの日数に応じ、{r.late_charge_basis}の定めるところにより延滞金を加算して納付していただきます。" in text, where
        assert text.count(r.late_charge_basis or "\0") <= 1, where


def test_no_sentence_has_an_empty_slot(pages):
    for code, text in pages.items():
        assert gaps(text) == [], code
        assert "。の規定" not in text and "、の規定" not in text and "（）" not in text, code
        assert "の規定により督促" in text or "の規定により、期限を指定して" in text, code


def test_the_insurance_premiums_late_charge_is_their_ordinance_not_the_local_tax_act(pages):
    """国保・介護・後期高齢: 延滞金 under 地方自治法231条の3第2項 and the city's ordinance."""
    for code, act in (("national_health_insurance", "国民健康保険法第79条の2"), ("long_term_care_insurance", "介護保険法第144条"),
                      ("late_elderly_medical_insurance", "高齢者の医療の確保に関する法律第113条")):
        text = pages[code]
        assert "地方税法" not in text, code
        assert "地方自治法第231条の3第2項及び市" in text, code
        assert f"{act}及び地方自治法第231条の3第3項の規定により、財産" in text, code


def test_the_welfare_repayment_notice_has_no_late_charge_paragraph_and_goes_to_court(pages):
    """生活保護法63条返還金 (the default): non-forcible, no late charge."""
    text = pages["welfare_repayment"]
    assert "延滞金" not in text
    assert "地方自治法第231条の3第1項の規定により督促します" in text
    assert "地方自治法施行令第171条の2の規定により、支払督促の申立て" in text


def test_the_city_tax_notice(pages):
    text = pages["city_tax"]
    assert "地方税法第329条第1項、第371条第1項等の規定により督促しますので" in text
    assert "地方税法第331条第1項、第373条第1項等の規定により、財産（預貯金・給与等）の差押えなどの滞納処分" in text
    assert "地方税法第326条、第369条等及び同法附則第3条の2の定めるところにより延滞金" in text


def test_an_administrators_edit_reaches_the_next_notice(taro):
    """The articles are data: a city's own ordinance title is printed as entered."""
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    nhi.late_charge_basis = "地方自治法第231条の3第2項及び新潟市国民健康保険料条例"
    nhi.late_charge_start = LateChargeStart.DESIGNATED_DEADLINE
    nhi.save()
    assess(debtor=taro, receivable=nhi, fiscal_year=2026, instalment_no=1, nominal_due=DUE, amount=12_300, assessed_on=date(2026, 4, 1))
    text = flat(pypdf.PdfReader(render_run(issue_demands(user=operator(), as_of=ISSUED), user=operator())).pages[0].extract_text())
    assert "指定期限の翌日から納付の日までの日数に応じ、地方自治法第231条の3第2項及び新潟市国民健康保険料条例の定めるところにより延滞金" in text


def test_a_blank_article_gives_a_sentence_without_one(taro):
    """Saved before the admin's check existed, or through code: no 「の規定により」 with nothing before it."""
    club = ReceivableType.objects.get(code="after_school_club")
    ReceivableType.objects.filter(pk=club.pk).update(demand_basis="", late_charge_basis="", enforcement_basis="")
    assess(debtor=taro, receivable=club, fiscal_year=2026, instalment_no=1, nominal_due=DUE, amount=12_300, assessed_on=date(2026, 4, 1))
    text = flat(pypdf.PdfReader(render_run(issue_demands(user=operator(), as_of=ISSUED), user=operator())).pages[0].extract_text())
    assert "納期限までに納付されていません。指定期限までに納付するよう督促します。" in text
    assert "納付の日までの日数に応じ、延滞金を加算して納付していただきます。" in text
    assert "指定期限までに完納されない場合は、支払督促の申立てや訴えの提起などの法的措置をとり、強制執行を行うことがあります。" in text
    assert gaps(text) == []


@pytest.mark.parametrize("legal_class", ["forcible", "non_forcible", "private"])
@pytest.mark.parametrize("kind", ["none", "tax", "ordinance", "statutory_interest", "contract"])
def test_blank_articles_never_leave_a_hole(legal_class, kind):
    """Every class and late-charge kind, with every article blank or filled: no sentence has a gap."""
    for filled in (False, True):
        art = "地方自治法第231条の3第1項" if filled else ""
        t = LegalTexts("清掃手数料", legal_class, art, kind, art, filled, art, art)
        for sentence in (t.demand_sentence, t.late_charge_sentence, t.warning):
            assert gaps(sentence) == [], sentence
            assert not sentence.startswith("の") and "。の" not in sentence
        assert (t.late_charge_sentence == "") == (kind == "none") == (t.late_charge_heading == "")


def test_gaps_finds_the_defects_seen_in_print():
    assert gaps("…滞納処分を行うことがあります。の規定により督促します") != []
    assert gaps("（）の規定により") != []
    assert gaps("地方税法第条") != []
    assert gaps("市　　条例") != []
    assert gaps("地方税法第329条第1項の規定により督促します。") == []

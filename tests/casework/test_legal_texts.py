"""What the 催告書 and the seizure papers say of the law: each receivable's own articles
(catalog), never a sentence with a hole in it. The cast is tests/casework/conftest.py:
taro owes 市税 and 保育料 (both forcible), hanako 市営住宅使用料 (private)."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from saiken.cases import dispositions, reminders
from saiken.cases.reminders import Criteria, issue_reminders
from saiken.catalog.models import ReceivableType
from saiken.core.legal_text import gaps
from saiken.documents.case_letters import Addressee, ClaimLine, Issuer, SeizureNotice, render_seizure_notices
from saiken.documents.reminder_letter import WARNINGS, ReminderLine, ReminderNotice, render_reminder_letters
from tests.casework.conftest import DUE, TODAY
from tests.conftest import operator

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 1, 6)


def flat(text: str) -> str:
    return re.sub(r"[\n ]", "", text)


def test_the_reminder_names_each_receivables_articles(taro_case, hanako_case, tax_clerk, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    run = issue_reminders(reminders.save_criteria(name="全件", criteria=Criteria(), user=operator()), AS_OF, operator(), today=TODAY)
    pdf = PdfReader(io.BytesIO(reminders.render_run(run, user=operator()).read_bytes()))
    pages = {("taro" if "山田太郎" in flat(p.extract_text()) else "hanako"): flat(p.extract_text()) for p in pdf.pages}
    tax, nursery = (ReceivableType.objects.get(code=c).seizure_basis for c in ("city_tax", "nursery_fee"))
    # Both forcible claims in one sentence, each with its own act (地方税法 / 児童福祉法).
    seizure = re.search(r"期限までに納付がない場合は、(.+?)の規定により、財産（預貯金・給与等）の差押えなどの滞納処分を行うことがあります。", pages["taro"])
    assert seizure and seizure.group(1) in (f"{tax}、{nursery}", f"{nursery}、{tax}")
    assert "法的措置" not in pages["taro"]
    assert ("期限までに納付がない場合は、地方自治法施行令第171条の2の規定により、支払督促の申立てや訴えの提起などの法的措置をとり、"
            "強制執行を行うことがあります。") in pages["hanako"]
    assert "滞納処分" not in pages["hanako"] and "差押え" not in pages["hanako"]
    for text in pages.values():
        assert gaps(text) == []


def reminder(*lines):
    return ReminderNotice(number="R-1", sent_on=date(2025, 1, 6), pay_by=date(2025, 1, 20), postal_code="9518550", address="新潟市中央区学校町通1番町602番地1",
                          name="山田　太郎", department_name="財務部納税課", department_phone="025-226-2254", city_name="新潟市", issuer_title="新潟市長",
                          lines=lines)


def line(cls, basis, name="市税"):
    return ReminderLine(name, cls, 2024, "科目", 1, DUE, 10_000, basis=basis)


def render_reminder(n) -> str:
    buf = io.BytesIO()
    render_reminder_letters([n], buf)
    return flat(PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text())


def test_a_letter_stored_before_the_articles_were_kept_prints_the_general_sentence():
    text = render_reminder(reminder(line("forcible", None), line("private", None, "市営住宅使用料")))
    assert flat(WARNINGS["forcible"]) in text and flat(WARNINGS["private"]) in text


def test_claims_that_share_the_court_article_share_one_sentence():
    text = render_reminder(reminder(line("non_forcible", "地方自治法施行令第171条の2", "清掃手数料"),
                                    line("private", "地方自治法施行令第171条の2", "市営住宅使用料")))
    assert text.count("支払督促の申立て") == 1 and gaps(text) == []


def test_a_letter_with_a_hole_in_an_article_is_refused():
    with pytest.raises(ValueError, match="空欄"):
        render_reminder(reminder(line("forcible", "地方税法第条")))


def test_a_seizure_cites_the_receivables_own_act(nursery_fee, city_tax):
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    assert dispositions.legal_basis("seizure_deposit", [nhi]) == "国民健康保険法第79条の2及び地方自治法第231条の3第3項、国税徴収法62条（債権の差押え）"
    both = dispositions.legal_basis("seizure_wage", [nursery_fee, city_tax])
    assert both.startswith("地方税法331条6項等") and "児童福祉法第56条及び地方自治法第231条の3第3項" in both
    assert dispositions.legal_basis("payment_order", [ReceivableType.objects.get(code="hospital_fee")]).startswith("地方自治法施行令171条の2第3号")


def test_a_citation_too_long_for_its_field_falls_back_to_the_general_article_not_a_cut_one():
    many = list(ReceivableType.objects.filter(legal_class="forcible", is_tax=False))
    for r in many:
        r.seizure_basis = r.seizure_basis + "（" + "長い説明" * 8 + "）"
    text = dispositions.legal_basis("seizure_deposit", many)
    assert len(text) <= dispositions.LEGAL_BASIS_MAX
    assert text == "地方自治法231条の3第3項（地方税の滞納処分の例による）、国税徴収法62条（債権の差押え）"


def seizure(**kw):
    fields = dict(document="record", number="S-1", issued_on=date(2025, 2, 3), seized_on=date(2025, 2, 3),
                  addressee=Addressee("山田　太郎", "9518550", "新潟市中央区学校町通1番町602番地1"),
                  issuer=Issuer("新潟市", "新潟市長", "財務部納税課", "025-226-2254"), debtor_name="山田　太郎",
                  debtor_address="新潟市中央区学校町通1番町602番地1", kind_label="差押（預貯金）", property_description="普通預金",
                  third_party_name="第四北越銀行", third_party_address="新潟市中央区東堀前通七番町1071番地1",
                  lines=(ClaimLine("保育料", 2024, "保育所保育料", 1, DUE, 30_000),), legal_basis="児童福祉法第56条及び地方自治法第231条の3第3項、国税徴収法62条（債権の差押え）",
                  pay_by=date(2025, 2, 13))
    fields.update(kw)
    buf = io.BytesIO()
    render_seizure_notices([SeizureNotice(**fields)], buf)
    return flat(PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text())


@pytest.mark.parametrize("document", ["record", "notice"])
def test_the_seizure_papers_print_the_basis_or_no_slot_for_it(document):
    text = seizure(document=document)
    assert "児童福祉法第56条及び地方自治法第231条の3第3項、国税徴収法62条（債権の差押え）の規定により、" in text
    blank = seizure(document=document, legal_basis="")
    assert "の規定により" not in blank and gaps(blank) == []


def test_no_late_charge_sentence_when_no_claim_on_the_papers_carries_one():
    assert "延滞金は、完納の日までの分" in seizure()
    assert "延滞金は、完納の日までの分" not in seizure(charges_late=False)

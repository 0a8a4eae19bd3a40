"""調定データ取込: the files of tests/data/assessments through the import, the command and the screens.

Cast (see tests/conftest.py): taro is known to the resident register as 宛名番号 0000123;
hanako as 宛名番号 0000456, as the tenant of housing contract H-0101 and as the parent
of child C-0001. 0000789 (鈴木 一郎), H-0202 (髙橋 幸子) and C-0002 (伊藤 美咲) are people
the city does not know yet: the files register them. clerk does the screen work.
"""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.catalog.models import Department
from saiken.core.formats import FieldError, FormatError
from saiken.debtors.models import Debtor, DebtorIdentifier
from saiken.ledger.actions import assess
from saiken.ledger.models import Entry, Instalment
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments import assessment_imports
from saiken.payments.assessment_imports import (
    AssessmentImportRefused,
    assessment_mappings,
    import_assessments,
    layout_of,
    preview_assessments,
)
from saiken.payments.models import AssessmentImport, ImportMapping
from saiken.staff.models import StaffProfile

pytestmark = pytest.mark.django_db
from tests.conftest import operator, staff

DATA = Path(__file__).resolve().parent.parent / "data" / "assessments"
GENERAL_HEADER = "債権コード,宛名番号,年度,期別,納期限,調定額,調定日,科目,通知書番号,氏名,フリガナ,生年月日,郵便番号,住所\n"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


@pytest.fixture
def known(taro, hanako):
    for debtor, system, value in ((taro, "resident", "0000123"), (hanako, "resident", "0000456"), (hanako, "housing", "H-0101"), (hanako, "childcare", "C-0001")):
        DebtorIdentifier.objects.create(debtor=debtor, system=system, value=value)
    return taro, hanako


def mapping(name: str) -> ImportMapping:
    layout = json.loads((DATA / f"{name}.layout.json").read_text(encoding="utf-8"))
    return ImportMapping.objects.get_or_create(name=name, defaults={"label": f"{name} の調定データ", "layout": layout})[0]


@pytest.fixture
def general(db):
    return mapping("general")


def run(filename: str, layout: str = "general", user=None):
    return import_assessments((DATA / filename).read_bytes(), mapping=mapping(layout), filename=Path(filename).name, user=user or operator())


def written() -> tuple[int, int, int, int]:
    return Instalment.objects.count(), Entry.objects.count(), Debtor.objects.count(), DebtorIdentifier.objects.count()


def instalments(debtor) -> list[tuple]:
    return list(Instalment.objects.filter(debtor=debtor).order_by("receivable__number", "subject", "instalment_no")
                .values_list("receivable__code", "subject", "instalment_no", "nominal_due", "due_date", "principal_due"))


# --- the good files -------------------------------------------------------------------------


def test_the_general_file_assesses_every_instalment_and_registers_the_new_debtor(known):
    taro, hanako = known
    result = run("general.utf8.csv")
    assert (result.records, result.amount) == (6, 138_000)
    assert instalments(taro) == [
        ("city_tax", "個人市民税", 1, date(2026, 6, 30), date(2026, 6, 30), 30_000),
        ("city_tax", "個人市民税", 2, date(2026, 8, 31), date(2026, 8, 31), 29_000),
        ("city_tax", "個人市民税", 3, date(2026, 10, 31), date(2026, 11, 2), 29_000),  # Saturday → Monday
    ]
    assert instalments(hanako) == [("nursery_fee", "", 1, date(2026, 5, 31), date(2026, 6, 1), 20_000)]  # Sunday → Monday
    [created] = result.created_debtors
    suzuki = Debtor.objects.get(pk=created.debtor_id)
    assert (created.line, created.system, created.identifier) == (6, "resident", "0000789")
    assert (suzuki.name, suzuki.name_kana, suzuki.birth_date, suzuki.postal_code, suzuki.address) == (
        "鈴木 一郎", "スズキ イチロウ", date(1980, 1, 15), "951-8550", "新潟市中央区学校町通1番町602番地1")
    assert list(suzuki.identifiers.values_list("system", "value")) == [("resident", "0000789")]
    assert instalments(suzuki)[1][3:5] == (date(2026, 12, 29), date(2027, 1, 4))  # 年末年始 → the first open day
    assert Instalment.objects.get(debtor=taro, instalment_no=1).notice_number == "2026010000000101"
    batch = result.batch
    assert (batch.status, batch.records, batch.amount, batch.debtors_created, batch.errors) == ("posted", 6, 138_000, 1, [])
    assert Entry.objects.filter(kind="assessment").count() == 6
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_the_import_is_audited_with_the_debtors_it_registered(known, django_user_model):
    clerk = staff(django_user_model.objects.create_user("clerk"), "admin")
    result = run("general.utf8.csv", user=clerk)
    event = AuditEvent.objects.get(action="payments.import_assessments")
    assert (event.user, event.target_id, event.detail["created_debtors"]) == (clerk, result.batch.pk, [result.created_debtors[0].debtor_id])
    assert "6件 138,000円" in event.summary
    register = AuditEvent.objects.get(action="debtors.register")
    assert register.debtor_id == result.created_debtors[0].debtor_id and "宛名番号 0000789" in register.summary
    assert result.batch.imported_by == clerk


def test_the_shift_jis_housing_file(known):
    _, hanako = known
    result = run("housing.sjis.csv", "housing")
    assert (result.records, result.amount) == (4, 125_500)
    assert instalments(hanako) == [
        ("municipal_housing", "家賃", 1, date(2026, 4, 30), date(2026, 4, 30), 42_000),
        ("municipal_housing", "家賃", 2, date(2026, 5, 31), date(2026, 6, 1), 42_000),
        ("municipal_housing", "駐車場", 1, date(2026, 4, 30), date(2026, 4, 30), 3_000),
    ]
    takahashi = Debtor.objects.get(identifiers__system="housing", identifiers__value="H-0202")
    assert (takahashi.name, takahashi.name_kana) == ("髙橋 幸子", "タカハシ サチコ")  # hiragana reading → katakana


def test_the_excel_childcare_file_names_the_system_by_code_or_label(known):
    _, hanako = known
    result = run("childcare.xlsx", "childcare")
    assert (result.records, result.amount, len(result.created_debtors)) == (3, 45_000, 1)
    assert [i[2:5] for i in instalments(hanako)] == [(1, date(2026, 4, 30), date(2026, 4, 30)), (2, date(2026, 5, 31), date(2026, 6, 1))]
    assert Debtor.objects.get(identifiers__value="C-0002").name == "伊藤 美咲"


def test_debtors_named_by_our_own_number(taro, hanako, city_tax):
    lay = {"kind": "assessments", "name": "by-id", "has_header": False, "date_format": "%Y-%m-%d",
           "columns": {"debtor_id": 1, "fiscal_year": 2, "instalment_no": 3, "nominal_due": 4, "amount": 5},
           "defaults": {"receivable": "city_tax", "assessed_on": "2026-06-01"}}
    m = ImportMapping.objects.create(name="by-id", label="債務者番号で", layout=lay)
    data = f"{taro.pk},2026,1,2026-06-30,1000\n{hanako.pk},2026,1,2026-06-30,2000\n".encode()
    result = import_assessments(data, mapping=m, filename="ids.csv", user=operator())
    assert (result.records, result.amount, result.created_debtors) == (2, 3_000, ())
    with pytest.raises(AssessmentImportRefused) as refused:
        import_assessments(f"{taro.pk},2026,2,2026-07-31,1000\n99999999,2026,2,2026-07-31,1000\n".encode(), mapping=m, filename="ids2.csv", user=operator())
    assert refused.value.errors == [FieldError(2, "1列目（債務者番号）", "債務者番号 99999999 は登録されていません")]


# --- the bad files: line, field and reason, and nothing written ---------------------------------


BAD = {
    "unknown_receivable.csv": ("債権コード", "債権コード「city_taxx」は登録されていません"),
    "impossible_date.csv": ("納期限", "存在しない日付です（20260931）"),
    "non_numeric_amount.csv": ("調定額", "金額が数字ではありません（29,OOO）"),
    "due_outside_fiscal_year.csv": ("納期限", "納期限 2027-04-30 が2026年度の末日（2027-03-31）より後です。"),
    "duplicate_instalment.csv": ("期別", "2行目と同じ調定（債務者・債権・科目・年度・期別）です"),
    "unknown_identifier_without_name.csv": ("宛名番号", "宛名番号 0009999 の債務者は登録されていません（新しく登録するには氏名とフリガナが必要です）"),
}


def test_the_corpus_holds_every_bad_file():
    assert {p.name for p in (DATA / "bad").iterdir()} == {*BAD, "several_errors.csv"}


@pytest.mark.parametrize("filename", sorted(BAD))
def test_a_bad_file_is_refused_with_its_line_field_and_reason_and_writes_nothing(filename, known):
    before = written()
    with pytest.raises(AssessmentImportRefused) as refused:
        run(f"bad/{filename}")
    field, reason = BAD[filename]
    [error] = refused.value.errors
    assert (error.line, error.field) == (3, field)
    assert reason in error.reason
    assert written() == before
    batch = AssessmentImport.objects.get()
    assert (batch.status, batch.records, batch.errors) == ("rejected", 0, [{"line": 3, "field": field, "reason": error.reason}])
    assert batch == refused.value.batch
    assert not AuditEvent.objects.filter(action="payments.import_assessments").exists()


def test_every_problem_of_a_file_at_once(known):
    with pytest.raises(AssessmentImportRefused) as refused:
        run("bad/several_errors.csv")
    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "納期限"), (4, "債権コード"), (5, "調定額")]
    assert "3件" in refused.value.message


def test_a_ledger_refusal_rolls_back_the_new_debtors_too(known, monkeypatch):
    # Without the importer's own date check, the ledger's assess_bulk is the one to refuse:
    # its record numbers come back as the file's lines, and the debtor registered before is gone.
    monkeypatch.setattr(assessment_imports, "check_instalment_dates", lambda fiscal_year, nominal_due: None)
    data = (DATA / "general.utf8.csv").read_bytes().replace(b"20261229", b"20270430")
    before = written()
    with pytest.raises(AssessmentImportRefused) as refused:
        import_assessments(data, mapping=mapping("general"), filename="general.csv", user=operator())
    assert refused.value.errors == [FieldError(7, "納期限", "納期限 2027-04-30 が2026年度の末日（2027-03-31）より後です。")]
    assert written() == before and not AuditEvent.objects.exists()


def test_a_new_debtor_needs_a_reading_and_one_set_of_facts(known, general):
    data = (GENERAL_HEADER
            + "city_tax,0000900,2026,1,20260630,1000,20260601,,,新田 一,,,,\n"
            + "city_tax,0000901,2026,1,20260630,1000,20260601,,,中村 二郎,ナカムラ ジロウ,19900101,,\n"
            + "city_tax,0000901,2026,2,20260731,1000,20260601,,,中村 次郎,ナカムラ ジロウ,19900101,,\n").encode()
    with pytest.raises(AssessmentImportRefused) as refused:
        import_assessments(data, mapping=general, filename="new.csv", user=operator())
    assert refused.value.errors == [
        FieldError(2, "フリガナ", "宛名番号 0000900 の債務者を新しく登録するにはフリガナが必要です"),
        FieldError(4, "氏名", "3行目と同じ宛名番号（0000901）ですが、氏名・フリガナ・生年月日が異なります"),
    ]


def test_an_instalment_already_in_the_ledger_is_refused(known, city_tax):
    taro, _ = known
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, subject="個人市民税", instalment_no=2, nominal_due=date(2026, 8, 31), amount=29_000, assessed_on=date(2026, 6, 1))
    with pytest.raises(AssessmentImportRefused) as refused:
        run("general.utf8.csv")
    [error] = refused.value.errors
    assert (error.line, error.field) == (3, "期別") and "は既に登録されています" in error.reason


def test_two_identifiers_of_one_person_cannot_assess_one_instalment_twice(known, general):
    taro, _ = known
    DebtorIdentifier.objects.create(debtor=taro, system="nhi", value="0000123")
    m = ImportMapping.objects.create(name="with-system", label="番号の種類つき", layout={**general.layout, "name": "with-system", "defaults": {}, "columns": {**general.layout["columns"], "identifier_system": "番号の種類"}})
    data = ("番号の種類," + GENERAL_HEADER
            + "resident,city_tax,0000123,2026,1,20260630,1000,20260601,,,,,,,\n"
            + "nhi,city_tax,0000123,2026,1,20260630,1000,20260601,,,,,,,\n"
            + "mynumber,city_tax,0000123,2026,2,20260630,1000,20260601,,,,,,,\n").encode()
    with pytest.raises(AssessmentImportRefused) as refused:
        import_assessments(data, mapping=m, filename="two.csv", user=operator())
    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "期別"), (4, "番号の種類")]
    assert "2行目と同じ債務者（山田 太郎）の同じ調定です" in refused.value.errors[0].reason


def test_an_inactive_receivable_is_not_assessed(known, city_tax):
    city_tax.active = False
    city_tax.save(update_fields=["active"])
    with pytest.raises(AssessmentImportRefused) as refused:
        run("general.utf8.csv")
    assert {(e.field, e.reason) for e in refused.value.errors} == {("債権コード", "債権「市税」（city_tax）は使用中ではありません")}


# --- the same file twice, and the preview ---------------------------------------------------


def test_the_same_file_twice_is_refused(known):
    first = run("general.utf8.csv")
    before = written()
    with pytest.raises(AssessmentImportRefused, match=f"このファイルは取込済みです（取込番号 {first.batch.pk}、"):
        run("general.utf8.csv")
    assert written() == before
    assert AssessmentImport.objects.count() == 1


def test_one_file_is_taken_once_even_by_two_processes(known):
    first = run("general.utf8.csv")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentImport.objects.create(mapping=first.batch.mapping, filename="copy.csv", sha256=first.batch.sha256, status="posted")


def test_a_refused_file_may_be_sent_again_once_fixed(known):
    with pytest.raises(AssessmentImportRefused):
        run("bad/unknown_identifier_without_name.csv")
    with pytest.raises(AssessmentImportRefused):
        run("bad/unknown_identifier_without_name.csv")  # refused again, not as "taken"
    DebtorIdentifier.objects.create(debtor=Debtor.objects.get(name="佐藤 花子"), system="resident", value="0009999")
    assert run("bad/unknown_identifier_without_name.csv").records == 3


def test_the_preview_shows_every_row_and_writes_nothing(known, general):
    taro, _ = known
    before = written()
    p = preview_assessments((DATA / "general.utf8.csv").read_bytes(), mapping=general, filename="general.utf8.csv", user=operator())
    assert written() == before and not AssessmentImport.objects.exists() and not AuditEvent.objects.exists()
    assert (p.ok, p.records, p.amount, p.new_debtors) == (True, 6, 138_000, 1)
    third = p.rows[2]
    assert (third.debtor_id, third.debtor_name, third.receivable.code, third.due_date) == (taro.pk, "山田 太郎", "city_tax", date(2026, 11, 2))
    assert [(r.row.line, r.new_debtor, r.debtor_name) for r in p.rows if r.new_debtor] == [(6, True, "鈴木 一郎"), (7, True, "鈴木 一郎")]


def test_the_preview_lists_the_problems_of_each_row(known, general):
    p = preview_assessments((DATA / "bad" / "several_errors.csv").read_bytes(), mapping=general, filename="x.csv", user=operator())
    assert not p.ok and [(e.line, e.field) for e in p.errors] == [(3, "納期限"), (4, "債権コード"), (5, "調定額")]
    assert [r.row.line for r in p.rows] == [2, 4, 6] and p.rows[1].problems[0].field == "債権コード"


# --- mappings ---------------------------------------------------------------------------


def test_only_assessment_layouts_are_offered(general):
    ImportMapping.objects.create(name="counter", label="窓口収納", layout={"name": "counter", "channel": "counter", "columns": {}})
    assert list(assessment_mappings()) == [general]
    with pytest.raises(FormatError) as excinfo:
        layout_of(ImportMapping.objects.get(name="counter"))
    assert excinfo.value.errors[0].field == "取込レイアウト" and "調定用ではありません" in excinfo.value.errors[0].reason


def test_a_broken_stored_layout_is_refused_and_kept_in_the_history(known):
    m = ImportMapping.objects.create(name="broken", label="壊れた", layout={"kind": "assessments", "name": "broken", "columns": {"amount": 1}, "defaults": {"identifier_system": "mynumber"}})
    with pytest.raises(AssessmentImportRefused) as refused:
        import_assessments(b"1\n", mapping=m, filename="x.csv", user=operator())
    assert all(e.line == 0 and e.field == "取込レイアウト" for e in refused.value.errors)
    assert any("debtor_id" in e.reason for e in refused.value.errors)
    assert AssessmentImport.objects.get().status == "rejected"


# --- the command --------------------------------------------------------------------------


def command(*args) -> dict:
    out = StringIO()
    call_command("import_assessments", *args, "--user", operator().username, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_the_command_imports_and_reports_in_json(known, general):
    result = command(str(DATA / "general.utf8.csv"), "--mapping", "general", "--json")
    suzuki = Debtor.objects.get(name="鈴木 一郎")
    assert result == {
        "import": AssessmentImport.objects.get().pk, "status": "posted", "records": 6, "amount": 138_000,
        "created_debtors": [{"line": 6, "id": suzuki.pk, "name": "鈴木 一郎", "system": "resident", "identifier": "0000789"}],
        "errors": [],
    }


def test_the_command_reports_every_error_in_json_and_fails(known, general):
    out = StringIO()
    with pytest.raises(CommandError, match="取り込みませんでした"):
        call_command("import_assessments", str(DATA / "bad" / "several_errors.csv"), "--mapping", "general", "--json", "--user", operator().username, stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue())
    assert (result["status"], result["import"], result["records"]) == ("rejected", AssessmentImport.objects.get().pk, 0)
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "納期限"), (4, "債権コード"), (5, "調定額")]
    assert all(e["reason"] for e in result["errors"])


def test_the_command_preview_writes_nothing(known, general):
    before = written()
    result = command(str(DATA / "general.utf8.csv"), "--mapping", "general", "--preview", "--json")
    assert (result["status"], result["records"], result["amount"], result["errors"]) == ("preview", 6, 138_000, [])
    assert result["created_debtors"] == [{"line": 6, "id": None, "name": "鈴木 一郎", "system": "resident", "identifier": "0000789"}]
    assert written() == before and not AssessmentImport.objects.exists()


def test_the_command_refuses_an_unknown_or_payment_mapping(general):
    ImportMapping.objects.create(name="counter", label="窓口収納", layout={"name": "counter", "channel": "counter"})
    for name in ("nothing", "counter"):
        with pytest.raises(CommandError, match="調定用の取込レイアウト"):
            call_command("import_assessments", str(DATA / "general.utf8.csv"), "--mapping", name, "--user", operator().username)


# --- the screens ------------------------------------------------------------------------------


@pytest.fixture
def clerk(client, django_user_model):
    """An administrator: sees (and may assess) every receivable."""
    user = django_user_model.objects.create_user("clerk", last_name="賦課", first_name="一郎")
    StaffProfile.objects.create(user=user, role="admin")
    client.force_login(user)
    return user


def upload(client, filename: str, m: ImportMapping):
    data = (DATA / filename).read_bytes()
    return client.post(reverse("assessment_imports"), {"file": SimpleUploadedFile(Path(filename).name, data), "mapping": m.pk})


def test_the_screens_require_login(client):
    for url in (reverse("assessment_imports"), reverse("assessment_import", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    assert client.post(reverse("assessment_confirm"), {"sha": "0" * 64})["Location"].startswith(reverse("login"))


def test_upload_preview_then_confirm(client, clerk, known, general, files):
    ImportMapping.objects.create(name="counter", label="窓口収納", layout={"name": "counter", "channel": "counter"})
    page = client.get(reverse("assessment_imports")).content.decode()
    assert "general の調定データ" in page and "窓口収納" not in page  # only assessment layouts
    preview = upload(client, "general.utf8.csv", general)
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="confirm-import"' in html
    assert "鈴木 一郎" in html and "新規登録" in html and "令和8年11月2日" in html  # the rolled due date
    assert written()[0] == 0 and not AssessmentImport.objects.exists()  # a preview writes nothing
    sha = preview.context["sha"]
    assert (files / "uploads" / f"{sha}.bin").exists()
    done = client.post(reverse("assessment_confirm"), {"sha": sha, "filename": "general.utf8.csv", "mapping": general.pk}, follow=True)
    html = done.content.decode()
    assert "6件 138,000円を調定し、新規債務者 1人を登録しました。" in html
    assert 'id="created-debtors"' in html and "スズキ イチロウ" in html and "宛名番号 0000789" in html
    batch = AssessmentImport.objects.get()
    assert (batch.status, batch.imported_by, Instalment.objects.count()) == ("posted", clerk, 6)
    kept = files / "uploads" / f"{sha}.bin"  # kept for its retention period, the service user's only
    assert kept.exists() and kept.stat().st_mode & 0o777 == 0o600
    history = client.get(reverse("assessment_imports")).content.decode()
    assert reverse("assessment_import", args=[batch.pk]) in history
    again = upload(client, "general.utf8.csv", general).content.decode()
    assert 'id="already-imported"' in again and 'id="confirm-import"' not in again


def test_a_bad_file_shows_every_error_and_cannot_be_confirmed(client, clerk, known, general, files):
    html = upload(client, "bad/several_errors.csv", general).content.decode()
    assert 'id="import-errors"' in html and 'id="confirm-import"' not in html
    for line, text in ((3, "存在しない日付です（20260931）"), (4, "債権コード「citytax」は登録されていません"), (5, "金額が数字ではありません（二万円）")):
        assert f'<td class="num">{line}</td>' in html and text in html
    assert len(list((files / "uploads").iterdir())) == 1  # a refused file is kept too, for a shorter period
    assert written()[0] == 0 and not AssessmentImport.objects.exists()


def test_an_unreadable_file_shows_its_errors_on_the_upload_page(client, clerk, general):
    html = upload(client, "housing.sjis.csv", general).content.decode()  # the wrong layout for it
    assert 'id="import-errors"' in html and "見出しに「債権コード」の列がありません" in html


def test_a_refused_confirmation_shows_the_refused_import(client, clerk, known, general, files):
    preview = upload(client, "general.utf8.csv", general)
    # Between the preview and the confirmation, the new 宛名番号 is given to taro by someone else.
    DebtorIdentifier.objects.create(debtor=known[0], system="resident", value="0000789")
    done = client.post(reverse("assessment_confirm"), {"sha": preview.context["sha"], "filename": "general.utf8.csv", "mapping": general.pk}, follow=True)
    html = done.content.decode()
    batch = AssessmentImport.objects.get()
    assert batch.status == "rejected" and done.redirect_chain[-1][0] == reverse("assessment_import", args=[batch.pk])
    assert 'id="import-errors"' in html and "調定できない行があるため取り込みませんでした" in html
    assert "2行目と同じ債務者（山田 太郎）の同じ調定です" in html


def test_a_confirmation_without_its_preview_is_refused(client, clerk, general):
    done = client.post(reverse("assessment_confirm"), {"sha": "../../etc/passwd", "filename": "x", "mapping": general.pk}, follow=True)
    assert "確認したファイルが見つかりません" in done.content.decode()
    assert not AssessmentImport.objects.exists()


def test_a_department_assesses_only_its_own_receivables(client, known, general, django_user_model):
    # 保育課 may assess 保育料 (line 5), not 市税 (every other line).
    nursery = django_user_model.objects.create_user("hoiku-clerk")
    StaffProfile.objects.create(user=nursery, role="clerk", department=Department.objects.get(code="hoiku"))
    client.force_login(nursery)
    preview = upload(client, "general.utf8.csv", general)
    errors = preview.context["preview"].errors
    assert [e.line for e in errors] == [2, 3, 4, 6, 7]
    assert {(e.field, e.reason) for e in errors} == {("債権コード", "債権「市税」は所管外のため、調定を取り込めません")}
    assert 'id="confirm-import"' not in preview.content.decode()


# --- the contract date (契約日): loans made before 2020-04-01 keep the old civil code ---------


def test_loans_keep_their_contract_dates_and_prescription_follows_them(known):
    """奨学金 and 母子父子寡婦福祉資金 instalments due in 2023: from a contract of 2015 or
    2019 the old civil code's 10 years (改正民法附則10条4項); from one of 2021 the new
    code's 5 years from the due date; with no contract date, the assessment's."""
    from saiken.core.prescription import Regime
    from saiken.prescription.projection import project_instalments

    taro, hanako = known
    run("loans.utf8.csv", "loans")
    rows = list(Instalment.objects.order_by("pk").values_list("pk", "debtor_id", "receivable__code", "instalment_no", "arose_on"))
    assert [r[1:] for r in rows] == [
        (taro.pk, "scholarship_loan", 1, date(2015, 3, 1)),
        (hanako.pk, "scholarship_loan", 1, date(2021, 4, 1)),
        (taro.pk, "single_parent_welfare_loan", 1, date(2019, 3, 15)),
        (hanako.pk, "scholarship_loan", 2, None),
    ]
    p = project_instalments([r[0] for r in rows], date(2026, 12, 1))
    got = [(p[r[0]].regime, p[r[0]].years, p[r[0]].completes_on) for r in rows]
    assert got == [
        (Regime.PRIVATE_OLD, 10, date(2033, 6, 30)),
        (Regime.PRIVATE_NEW, 5, date(2028, 6, 30)),
        (Regime.PRIVATE_OLD, 10, date(2033, 6, 30)),
        (Regime.PRIVATE_NEW, 5, date(2029, 1, 4)),  # due 12/31, rolled to 2024-01-04
    ]


def test_a_contract_date_after_the_due_date_is_refused_with_its_line(known):
    data = (DATA / "loans.utf8.csv").read_text(encoding="utf-8").replace("20230630,12000,20230401,20210401", "20230630,12000,20230401,20230701")
    with pytest.raises(AssessmentImportRefused) as excinfo:
        import_assessments(data.encode(), mapping=mapping("loans"), filename="loans.csv", user=operator())
    assert [(e.line, e.field) for e in excinfo.value.errors] == [(3, "契約日")]
    assert "納期限（2023-06-30）より後" in excinfo.value.errors[0].reason
    assert written()[0] == 0


def test_the_preview_shows_the_contract_date_and_the_old_law(client, clerk, known, files):
    html = upload(client, "loans.utf8.csv", mapping("loans")).content.decode()
    assert "<th>契約日</th>" in html
    assert html.count('class="nowrap contract-date"') == 4
    assert "平成27年3月1日" in html and "令和3年4月1日" in html
    assert html.count(">旧民法</small>") == 2  # the 2015 and 2019 contracts, not the 2021 one
    assert "改正民法附則10条4項" in html
    plain = upload(client, "general.utf8.csv", mapping("general")).content.decode()
    assert "<th>契約日</th>" not in plain


def test_the_debtor_page_shows_the_contract_date(client, clerk, known):
    taro, _ = known
    run("loans.utf8.csv", "loans")
    html = client.get(reverse("debtor", args=[taro.pk])).content.decode()
    assert "契約日（債権の発生日） 平成27年3月1日" in html and "契約日（債権の発生日） 平成31年3月15日" in html

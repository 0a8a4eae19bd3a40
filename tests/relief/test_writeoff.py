"""The write-off run (不納欠損) and its report.

Taro's city tax: one instalment under an execution stop decided 2021-06-15
(extinguished 2024-06-16), one whose stop was extinguished at once, one with a
late charge; Hanako's nursery fee comes from prescription (reported by the
prescription module, faked here); Taro's rent is waived.
"""

import json
import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from saiken.audit.models import AuditEvent
from saiken.core.allocation import Component
from saiken.core.entries import Kind
from saiken.ledger.booking import book
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Entry, Instalment
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.relief import writeoff

from .conftest import assess, granted
from tests.conftest import operator

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 7, 10)


def add_late_charge(i: Instalment, amount: int, on: date):
    book([Entry(instalment=i, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE, amount=amount, booked_on=on)],
         {i.pk: (i.receivable_id, i.fiscal_year)})


@pytest.fixture
def city(taro, hanako, city_tax, nursery_fee, housing, clerk, manager, prescription):
    stopped = assess(taro, city_tax, 30_000, fy=2020, no=1)
    add_late_charge(stopped, 4_500, date(2021, 6, 1))
    granted(clerk, manager, taro, "execution_stop", [stopped], "hardship", date(2021, 6, 15))
    at_once = assess(taro, city_tax, 20_000, fy=2023, no=1, due=date(2023, 7, 31))
    granted(clerk, manager, taro, "execution_stop", [at_once], "no_property", date(2024, 6, 1), immediate_extinction=True)
    rent = assess(taro, housing, 45_000, fy=2022, no=4)
    granted(clerk, manager, taro, "waiver", [rent], "discharged", date(2024, 7, 1))
    fee = assess(hanako, nursery_fee, 12_000, fy=2018, no=1, due=date(2018, 5, 31))
    prescription.found = [(fee.pk, "prescription", date(2023, 6, 1))]
    return {"stopped": stopped, "at_once": at_once, "rent": rent, "fee": fee}


def written_off():
    return sorted(Entry.objects.filter(kind=Kind.WRITE_OFF).values_list("instalment_id", "component", "amount", "reason", "booked_on", "memo"))


def test_candidates_combine_relief_and_prescription(city):
    assert writeoff.candidates(AS_OF) == sorted([
        (city["stopped"].pk, "stop_three_years", date(2024, 6, 16)),
        (city["at_once"].pk, "stop_immediate", date(2024, 6, 1)),
        (city["rent"].pk, "waiver", date(2024, 7, 1)),
        (city["fee"].pk, "prescription", date(2023, 6, 1)),
    ])
    assert writeoff.candidates(date(2024, 6, 15)) == sorted([
        (city["at_once"].pk, "stop_immediate", date(2024, 6, 1)),
        (city["fee"].pk, "prescription", date(2023, 6, 1)),
    ])


def test_one_reason_per_instalment_the_earliest_and_only_what_is_still_owed(city, prescription, taro, city_tax):
    paid = assess(taro, city_tax, 5_000, fy=2019, no=1)
    Instalment.objects.filter(pk=paid.pk).update(principal_due=0)  # as if paid: no longer a candidate
    prescription.found += [
        (city["stopped"].pk, "prescription", date(2024, 5, 1)),  # earlier than the stop's 6/16
        (city["rent"].pk, "invoked", date(2024, 8, 1)),  # after as_of: not yet
        (paid.pk, "prescription", date(2024, 5, 1)),
    ]
    found = {iid: (reason, on) for iid, reason, on in writeoff.candidates(AS_OF)}
    assert found[city["stopped"].pk] == ("prescription", date(2024, 5, 1))
    assert found[city["rent"].pk] == ("waiver", date(2024, 7, 1))
    assert paid.pk not in found


def test_an_unknown_reason_from_prescription_stops_the_run(city, prescription):
    prescription.found = [(city["fee"].pk, "forgotten", date(2023, 6, 1))]
    with pytest.raises(LedgerError, match="'forgotten' は登録されていません"):
        writeoff.run(AS_OF, user=operator())
    assert written_off() == []


def test_without_the_prescription_module_only_relief_is_written_off_and_the_result_says_so(city, monkeypatch):
    monkeypatch.setitem(sys.modules, "saiken.prescription.warnings", None)  # import fails
    assert [r for _, r, _ in writeoff.candidates(AS_OF)] == ["stop_three_years", "stop_immediate", "waiver"]
    result = writeoff.run(AS_OF, user=operator(), dry_run=True)
    assert result.prescription_checked is False


def test_the_run_books_each_instalment_off_with_its_reason_and_a_second_run_books_nothing(city, manager):
    result = writeoff.run(AS_OF, user=manager)
    s, a, r, f = city["stopped"].pk, city["at_once"].pk, city["rent"].pk, city["fee"].pk
    assert written_off() == sorted([
        (s, "principal", 30_000, "stop_three_years", AS_OF, "消滅日 2024-06-16"),
        (s, "late_charge", 4_500, "stop_three_years", AS_OF, "消滅日 2024-06-16"),
        (a, "principal", 20_000, "stop_immediate", AS_OF, "消滅日 2024-06-01"),
        (r, "principal", 45_000, "waiver", AS_OF, "消滅日 2024-07-01"),
        (f, "principal", 12_000, "prescription", AS_OF, "消滅日 2023-06-01"),
    ])
    assert Entry.objects.filter(kind=Kind.WRITE_OFF).exclude(created_by=manager).count() == 0
    assert sum(Instalment.objects.filter(pk__in=[s, a, r, f]).values_list("principal_due", flat=True)) == 0
    assert {code: (x.count, x.principal, x.late_charge) for code, _, x in result.rows()} == {
        "prescription": (1, 12_000, 0), "stop_three_years": (1, 30_000, 4_500), "stop_immediate": (1, 20_000, 0), "waiver": (1, 45_000, 0),
    }
    assert result.total.total == 111_500
    assert list(balance_differences()) == [] and list(summary_differences()) == []

    again = writeoff.run(AS_OF, user=manager)
    assert again.total.count == 0
    assert Entry.objects.filter(kind=Kind.WRITE_OFF).count() == 5

    runs = AuditEvent.objects.filter(action="relief.write_off_run").order_by("id")
    assert [(e.user, e.detail["total"]["count"], e.detail["total"]["total"]) for e in runs] == [(manager, 4, 111_500), (manager, 0, 0)]


def test_a_dry_run_counts_but_writes_nothing(city):
    result = writeoff.run(AS_OF, user=operator(), dry_run=True)
    assert (result.total.count, result.total.total) == (4, 111_500)
    assert written_off() == []
    assert not AuditEvent.objects.filter(action="relief.write_off_run").exists()


def test_the_run_works_in_chunks_and_reports_progress(city, monkeypatch):
    monkeypatch.setattr(writeoff, "CHUNK", 3)
    seen = []
    writeoff.run(AS_OF, user=operator(), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(3, 4), (4, 4)]
    assert Entry.objects.filter(kind=Kind.WRITE_OFF).values("instalment_id").distinct().count() == 4


def test_the_report_groups_by_receivable_fiscal_year_and_reason(city, taro, city_tax, manager):
    writeoff.run(AS_OF, user=manager)
    later = assess(taro, city_tax, 7_000, fy=2020, no=2, due=date(2020, 8, 31))
    granted(manager.__class__.objects.get(username="clerk"), manager, taro, "execution_stop", [later], "no_property",
            date(2025, 5, 1), immediate_extinction=True)
    writeoff.run(date(2025, 5, 1), user=manager)  # in the 出納整理期間: FY2024's settlement

    rep = writeoff.report(2024)
    assert rep.settlement_year == 2024
    rows = [(g.receivable.code, r.fiscal_year, r.reason, r.amounts.count, r.amounts.principal, r.amounts.late_charge)
            for g in rep.groups for r in g.rows]
    assert rows == [
        ("city_tax", 2020, "stop_three_years", 1, 30_000, 4_500),
        ("city_tax", 2020, "stop_immediate", 1, 7_000, 0),
        ("city_tax", 2023, "stop_immediate", 1, 20_000, 0),
        ("nursery_fee", 2018, "prescription", 1, 12_000, 0),
        ("municipal_housing", 2022, "waiver", 1, 45_000, 0),
    ]
    city_tax_group = rep.groups[0]
    assert (city_tax_group.amounts.count, city_tax_group.amounts.principal, city_tax_group.amounts.late_charge) == (3, 57_000, 4_500)
    assert [(code, a.count, a.total) for code, _, a in rep.by_reason] == [
        ("prescription", 1, 12_000), ("stop_three_years", 1, 34_500), ("stop_immediate", 2, 27_000), ("waiver", 1, 45_000),
    ]
    assert (rep.total.count, rep.total.principal, rep.total.late_charge, rep.total.total) == (5, 114_000, 4_500, 118_500)
    assert writeoff.report(2023).total.count == 0
    assert writeoff.report().total.total == 118_500
    assert writeoff.available_years() == [2024]


def test_the_command_prints_counts_and_totals_per_reason(city):
    out = StringIO()
    call_command("write_off", "--user", operator().username, "--as-of", "2024-07-10", "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "不納欠損の対象（計上しません）: 基準日 2024-07-10" in text
    assert "滞納処分の執行停止3年継続（地方税法15条の7第4項）: 1件 34,500円（本税 30,000円・延滞金 4,500円・手数料 0円）" in text
    assert "合計: 4件 111,500円" in text
    assert written_off() == []

    out = StringIO()
    call_command("write_off", "--as-of", "2024-07-10", "--json", "--user", "manager", stdout=out)
    data = json.loads(out.getvalue())
    assert data["dry_run"] is False and data["total"] == {"count": 4, "principal": 107_000, "late_charge": 4_500, "fee": 0, "total": 111_500}
    assert data["by_reason"]["waiver"]["total"] == 45_000
    assert AuditEvent.objects.get(action="relief.write_off_run").user.username == "manager"


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("write_off", "--user", operator().username, "--as-of", "2024/07/10")

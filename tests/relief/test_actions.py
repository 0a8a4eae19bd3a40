"""Proposing, approving, rejecting, revoking and ending relief decisions.

Taro owes city tax (tax, forcible) and housing rent (private); every action
leaves one audit row, and every refusal leaves nothing at all.
"""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.core import relief as law
from saiken.ledger import actions as ledger
from saiken.ledger.errors import LedgerError
from saiken.staff.policy import Refused
from saiken.relief import actions
from saiken.relief.actions import ReliefRefused
from saiken.relief.models import ReliefDecision, ReliefDecisionLine, ReliefRule, ReliefSchedule, Status

from .conftest import assess, granted, propose

pytestmark = pytest.mark.django_db


def nothing_written():
    return not (ReliefDecision.objects.exists() or ReliefDecisionLine.objects.exists() or ReliefSchedule.objects.exists() or AuditEvent.objects.exists())


def audit_actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_a_proposal_records_the_decision_its_lines_and_an_audit_row(taro, city_tax, clerk):
    i1, i2 = assess(taro, city_tax, 30_000, no=1), assess(taro, city_tax, 20_000, no=2, due=date(2020, 8, 31))
    d = propose(clerk, taro, "execution_stop", [i1.pk, i2], "no_property", date(2024, 5, 1))
    assert (d.status, d.receivable, d.debtor, d.proposed_by) == (Status.PROPOSED, city_tax, taro, clerk)
    assert d.legal_basis == "地方税法15条の7第1項1号"  # from the ground when none is given
    assert sorted(d.lines.values_list("instalment_id", "principal")) == [(i1.pk, 30_000), (i2.pk, 20_000)]
    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.debtor_id, event.target_id) == ("relief.propose", clerk, taro.pk, d.pk)
    assert event.detail["instalments"] == [i1.pk, i2.pk]


@pytest.mark.parametrize(
    "receivable, kind, ground, message",
    [
        ("housing", "execution_stop", "no_property", "滞納処分の執行停止は私債権には認められていません"),
        ("housing", "collection_deferment", "illness", "徴収猶予は私債権には認められていません"),
        ("city_tax", "exemption", "without_means", "免除は税には認められていません"),
        ("city_tax", "waiver", "discharged", "債権放棄は税には認められていません"),
        ("nursery_fee", "collection_stop", "unknown", "徴収停止は強制徴収公債権（税以外）には認められていません"),
    ],
)
def test_a_kind_not_allowed_for_the_class_is_refused_and_writes_nothing(taro, clerk, receivable, kind, ground, message, request):
    i = assess(taro, request.getfixturevalue(receivable))
    with pytest.raises(ReliefRefused) as e:
        propose(clerk, taro, kind, [i], ground, date(2024, 5, 1))
    assert message in e.value.message
    assert e.value.field == "kind"
    assert nothing_written()


@pytest.mark.parametrize(
    "receivable, kind, ground",
    [
        ("city_tax", "collection_deferment", "illness"),
        ("city_tax", "realisation_deferment", "hardship"),
        ("city_tax", "execution_stop", "hardship"),
        ("nursery_fee", "execution_stop", "unknown"),
        ("housing", "collection_stop", "unknown"),
        ("housing", "waiver", "discharged"),
    ],
)
def test_each_kind_allowed_for_its_class(taro, clerk, receivable, kind, ground, request):
    i = assess(taro, request.getfixturevalue(receivable))
    end = date(2025, 4, 30) if kind.endswith("deferment") else None
    assert propose(clerk, taro, kind, [i], ground, date(2024, 5, 1), end).status == Status.PROPOSED


def test_the_city_table_of_allowed_classes_is_applied(taro, clerk, housing):
    ReliefRule.objects.filter(kind="waiver").update(private=False)
    with pytest.raises(ReliefRefused, match="債権放棄は私債権には認められていません"):
        propose(clerk, taro, "waiver", [assess(taro, housing)], "discharged", date(2024, 5, 1))


def test_instalments_of_another_debtor_or_of_two_receivables_are_refused(taro, hanako, city_tax, nursery_fee, clerk):
    mine, theirs = assess(taro, city_tax), assess(hanako, city_tax)
    with pytest.raises(LedgerError, match="別の債務者"):
        propose(clerk, taro, "execution_stop", [mine, theirs], "no_property", date(2024, 5, 1))
    with pytest.raises(LedgerError, match="同じ債権"):
        propose(clerk, taro, "execution_stop", [mine, assess(taro, nursery_fee)], "no_property", date(2024, 5, 1))
    with pytest.raises(LedgerError, match="選んでください"):
        propose(clerk, taro, "execution_stop", [], "no_property", date(2024, 5, 1))
    assert nothing_written()


def test_a_second_pending_proposal_of_the_same_kind_is_refused(taro, city_tax, clerk):
    i = assess(taro, city_tax)
    propose(clerk, taro, "execution_stop", [i], "no_property", date(2024, 5, 1))
    with pytest.raises(ReliefRefused, match="決裁待ち"):
        propose(clerk, taro, "execution_stop", [i], "hardship", date(2024, 5, 2))
    assert ReliefDecision.objects.count() == 1


def test_an_instalment_already_paid_is_refused(taro, city_tax, clerk):
    i = assess(taro, city_tax, 10_000)
    ledger.record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2020, 7, 20), instalment=i)
    with pytest.raises(ReliefRefused, match="未納額がありません"):
        propose(clerk, taro, "execution_stop", [i], "no_property", date(2024, 5, 1))


# ---- approval ---------------------------------------------------------------------------


def test_approval_needs_the_permission(taro, city_tax, clerk, django_user_model):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    colleague = django_user_model.objects.create_user("colleague")
    before = audit_actions()
    with pytest.raises(Refused, match="決裁を行う権限がありません") as e:
        actions.approve_relief(d, colleague, date(2024, 5, 1))
    assert e.value.field == "user"
    d.refresh_from_db()
    assert d.status == Status.PROPOSED and d.approved_by is None
    assert audit_actions() == before + ["relief.approve.refused"]  # the attempt, and nothing else


def test_the_proposer_cannot_approve_their_own_proposal(taro, city_tax, manager, deputy):
    d = propose(manager, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    with pytest.raises(LedgerError, match="起案者は自分の起案を決裁できません"):
        actions.approve_relief(d, manager, date(2024, 5, 1))
    assert audit_actions() == ["relief.propose"]
    d = actions.approve_relief(d, deputy, date(2024, 5, 2), note="妥当")
    d.refresh_from_db()
    assert (d.status, d.approved_by, d.decided_on, d.decision_note) == (Status.APPROVED, deputy, date(2024, 5, 2), "妥当")
    assert audit_actions() == ["relief.propose", "relief.approve"]
    assert AuditEvent.objects.order_by("id").last().user == deputy


def test_a_decision_is_approved_once(taro, city_tax, clerk, manager, deputy):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    actions.approve_relief(d, manager, date(2024, 5, 1))
    with pytest.raises(LedgerError, match="決裁済の措置は決裁できません"):
        actions.approve_relief(d, deputy, date(2024, 5, 1))
    with pytest.raises(LedgerError, match="決裁済の措置は却下できません"):
        actions.reject_relief(d, deputy, date(2024, 5, 1), "重複")
    assert audit_actions() == ["relief.propose", "relief.approve"]


def test_approval_checks_the_proposal_again_as_things_stand(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, 10_000)
    d = propose(clerk, taro, "execution_stop", [i], "no_property", date(2024, 5, 1))
    # paid in full, late charge included (the excess is held for refund)
    ledger.record_payment(debtor=taro, receivable=city_tax, amount=20_000, paid_on=date(2024, 5, 2), instalment=i)
    with pytest.raises(ReliefRefused, match="未納額がありません"):
        actions.approve_relief(d, manager, date(2024, 5, 3))
    d.refresh_from_db()
    assert d.status == Status.PROPOSED


def test_rejection_needs_the_permission_and_a_reason(taro, city_tax, clerk, manager):
    d = propose(clerk, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    with pytest.raises(Refused, match="決裁する権限がありません"):
        actions.reject_relief(d, clerk, date(2024, 5, 2), "不要")
    with pytest.raises(LedgerError, match="却下の理由"):
        actions.reject_relief(d, manager, date(2024, 5, 2), " ")
    actions.reject_relief(d, manager, date(2024, 5, 2), "預金の差押えが可能")
    d.refresh_from_db()
    assert (d.status, d.decision_note, d.decided_on) == (Status.REJECTED, "預金の差押えが可能", date(2024, 5, 2))
    assert audit_actions() == ["relief.propose", "relief.reject.refused", "relief.reject"]


# ---- periods through the database --------------------------------------------------------


def test_a_deferment_of_one_year_then_an_extension_to_two_years_in_total(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))
    with pytest.raises(ReliefRefused, match="1年以内"):
        propose(clerk, taro, "collection_deferment", [i], "illness", date(2024, 4, 1), date(2025, 4, 1))
    granted(clerk, manager, taro, "collection_deferment", [i], "illness", date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(ReliefRefused, match="あわせて2年以内"):
        propose(clerk, taro, "collection_deferment", [i], "illness", date(2025, 4, 1), date(2026, 4, 1))
    ext = granted(clerk, manager, taro, "collection_deferment", [i], "illness", date(2025, 4, 1), date(2026, 3, 31))
    assert ext.status == Status.APPROVED
    with pytest.raises(ReliefRefused, match="あわせて2年以内"):
        propose(clerk, taro, "collection_deferment", [i], "illness", date(2026, 4, 1), date(2026, 4, 1))


def test_a_rejected_deferment_does_not_count_towards_the_total(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))
    d = propose(clerk, taro, "collection_deferment", [i], "illness", date(2024, 4, 1), date(2025, 3, 31))
    actions.reject_relief(d, manager, date(2024, 4, 2), "資力あり")
    # Not an extension: a first grant of one year is still possible.
    assert propose(clerk, taro, "collection_deferment", [i], "illness", date(2024, 5, 1), date(2025, 4, 30))


def test_a_performance_deferral_stores_its_schedule_and_ends_on_its_last_payment(taro, housing, clerk, manager):
    i = assess(taro, housing, 30_000)
    d = propose(
        clerk, taro, "performance_deferral", [i], "without_means", date(2024, 5, 1),
        schedule=[(date(2024, 5, 31), 10_000), (date(2024, 6, 30), 10_000), (date(2024, 7, 31), 10_000)],
    )
    assert list(d.schedule.values_list("number", "due_on", "amount")) == [
        (1, date(2024, 5, 31), 10_000), (2, date(2024, 6, 30), 10_000), (3, date(2024, 7, 31), 10_000),
    ]
    assert d.end_on == date(2024, 7, 31)
    with pytest.raises(ReliefRefused, match="分割納付の合計 29,999円 が対象の未納額 30,000円 と一致しません"):
        propose(clerk, taro, "performance_deferral", [assess(taro, housing, 30_000, no=2)], "without_means", date(2024, 5, 1),
                schedule=[(date(2024, 5, 31), 10_000), (date(2024, 6, 30), 19_999)])
    with pytest.raises(ReliefRefused, match="履行延期の特約にのみ"):
        propose(clerk, taro, "collection_stop", [i], "unknown", date(2024, 5, 1), schedule=[(date(2024, 5, 31), 30_000)])


def test_exemption_after_ten_years_of_performance_deferral(taro, housing, clerk, manager):
    i = assess(taro, housing, 120_000, fy=2014, due=date(2014, 6, 30))
    with pytest.raises(ReliefRefused, match="履行延期の特約をした債権に限られます"):
        propose(clerk, taro, "exemption", [i], "without_means", date(2024, 7, 1))
    granted(
        clerk, manager, taro, "performance_deferral", [i], "without_means", date(2014, 6, 1),
        schedule=[(date(2014, 6, 30), 60_000), (date(2014, 12, 31), 60_000)],
    )
    with pytest.raises(ReliefRefused, match="2024-07-01から"):
        propose(clerk, taro, "exemption", [i], "without_means", date(2024, 6, 30))
    d = granted(clerk, manager, taro, "exemption", [i], "without_means", date(2024, 7, 1))
    assert d.status == Status.APPROVED and d.legal_basis == "地方自治法施行令171条の7第1項"


def test_exemption_is_refused_when_the_performance_deferral_was_on_another_ground(taro, housing, clerk, manager):
    """施行令171条の7: only a 履行延期 made because the debtor was without means (171条の6第1項1号)
    opens the way to 免除; one made because paying at once was hard (3号, an accident) does not."""
    i = assess(taro, housing, 120_000, fy=2014, due=date(2014, 6, 30))
    granted(
        clerk, manager, taro, "performance_deferral", [i], "accident", date(2014, 6, 1),
        schedule=[(date(2014, 6, 30), 60_000), (date(2014, 12, 31), 60_000)],
    )
    with pytest.raises(ReliefRefused, match="この債権の履行延期は他の理由によるものです"):
        propose(clerk, taro, "exemption", [i], "without_means", date(2024, 7, 1))
    assert not ReliefDecision.objects.filter(kind="exemption").exists()


# ---- revocation and ending ------------------------------------------------------------------


def test_revoking_an_execution_stop(taro, city_tax, clerk, manager):
    d = granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax)], "hardship", date(2021, 6, 15))
    with pytest.raises(LedgerError, match="取消の理由"):
        actions.revoke_execution_stop(d, manager, date(2022, 1, 10), "")
    with pytest.raises(Refused, match="決裁する権限がありません"):
        actions.revoke_execution_stop(d, clerk, date(2022, 1, 10), "就職")
    actions.revoke_execution_stop(d, manager, date(2022, 1, 10), "就職し資力が回復")
    d.refresh_from_db()
    assert (d.status, d.revoked_on, d.revocation_reason) == (Status.REVOKED, date(2022, 1, 10), "就職し資力が回復")
    assert audit_actions() == ["relief.propose", "relief.approve", "relief.revoke.refused", "relief.revoke"]


def test_a_stop_cannot_be_revoked_once_its_three_years_have_passed(taro, city_tax, clerk, manager):
    d = granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax)], "hardship", date(2021, 6, 15))
    with pytest.raises(LedgerError, match="2024-06-16に消滅"):
        actions.revoke_execution_stop(d, manager, date(2024, 6, 16), "資力回復")
    actions.revoke_execution_stop(d, manager, date(2024, 6, 15), "資力回復")  # the last day of the three years


def test_an_immediate_extinction_cannot_be_revoked(taro, city_tax, clerk, manager):
    d = granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1), immediate_extinction=True)
    with pytest.raises(LedgerError, match="消滅しているため"):
        actions.revoke_execution_stop(d, manager, date(2024, 5, 1), "誤り")


def test_only_an_execution_stop_is_revoked_and_it_is_not_ended(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))
    deferment = granted(clerk, manager, taro, "collection_deferment", [i], "illness", date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(LedgerError, match="取消できるのは滞納処分の執行停止だけです"):
        actions.revoke_execution_stop(deferment, manager, date(2024, 6, 1), "誤り")
    stop = granted(clerk, manager, taro, "execution_stop", [assess(taro, city_tax, no=2)], "no_property", date(2024, 5, 1))
    with pytest.raises(LedgerError, match="取消により終了"):
        actions.end_relief(stop, manager, date(2024, 6, 1), "誤り")


def test_ending_a_deferment_early(taro, city_tax, clerk, manager):
    i = assess(taro, city_tax, fy=2023, due=date(2023, 7, 31))
    d = granted(clerk, manager, taro, "collection_deferment", [i], "illness", date(2024, 4, 1), date(2025, 3, 31))
    with pytest.raises(LedgerError, match="2025-03-31に満了"):
        actions.end_relief(d, manager, date(2025, 4, 1), "完納")
    actions.end_relief(d, manager, date(2024, 9, 30), "完納")
    d.refresh_from_db()
    assert (d.status, d.ended_on, d.end_reason) == (Status.ENDED, date(2024, 9, 30), "完納")
    assert audit_actions()[-1] == "relief.end"
    with pytest.raises(LedgerError, match="終了の措置は終了できません"):
        actions.end_relief(d, manager, date(2024, 10, 1), "完納")


def test_an_anonymous_user_cannot_propose(taro, city_tax):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refused, match="ログイン"):
        propose(AnonymousUser(), taro, "execution_stop", [assess(taro, city_tax)], "no_property", date(2024, 5, 1))
    assert not ReliefDecision.objects.exists() and audit_actions() == ["relief.propose.refused"]


def test_the_table_of_allowed_classes_is_loaded_with_the_defaults():
    table = {r.kind: r.classes() for r in ReliefRule.objects.all()}
    assert table == {k.value: v for k, v in law.DEFAULT_ALLOWED.items()}
    assert actions.policy().allowed == law.DEFAULT_ALLOWED

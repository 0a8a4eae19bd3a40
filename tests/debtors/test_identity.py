"""名寄せ on the database: the batch, a clerk's decisions, the command and the screens.

The cast (each record as a different source system holds it):
- 髙橋 太郎 (resident register, old kanji) and 高橋太郎 (hospital, half-width kana,
  the address with hyphens): one person, linked automatically.
- 中村 崇 (resident register) and 中村 崇 read ナカムラ タカツ (a typo) at another
  address (the welfare office): maybe one person who moved, queued for a clerk.
- 佐藤 優斗 and 佐藤 悠真: twins at one address, one kana apart: two people.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.debtors import identity_actions as actions
from saiken.debtors.actions import register_debtor
from saiken.debtors.identity import linked_records, match_debtors
from saiken.debtors.identity_truth import evaluate, generate, measure
from saiken.debtors.models import CandidateStatus, Debtor, DebtorLink, MatchCandidate, Person
from saiken.ledger.errors import LedgerError
from saiken.staff.models import Role, StaffProfile

pytestmark = pytest.mark.django_db

ADDRESS = "新潟市中央区万代3丁目5番12号"


@pytest.fixture
def cast(db):
    d = {}
    d["takahashi"] = register_debtor(name="髙橋 太郎", name_kana="タカハシ タロウ", birth_date=date(1970, 5, 1), address=ADDRESS,
                                     identifiers={"resident": "1000001"})
    d["takahashi_hospital"] = register_debtor(name="高橋太郎", name_kana="ﾀｶﾊｼ ﾀﾛｳ", birth_date=date(1970, 5, 1),
                                              address="中央区万代3-5-12", identifiers={"hospital": "88001"})
    d["nakamura"] = register_debtor(name="中村 崇", name_kana="ナカムラ タカシ", birth_date=date(1972, 10, 31),
                                    address="新潟市西区小新3丁目12番7号", identifiers={"resident": "1000002"})
    d["nakamura_welfare"] = register_debtor(name="中村 崇", name_kana="ナカムラ タカツ", birth_date=date(1972, 10, 31),
                                            address="新潟市秋葉区荻島3丁目28番14号", identifiers={"welfare": "W01"})
    d["yuto"] = register_debtor(name="佐藤 優斗", name_kana="サトウ ユウト", birth_date=date(2001, 4, 3), address=ADDRESS,
                                identifiers={"resident": "1000003"})
    d["yuma"] = register_debtor(name="佐藤 悠真", name_kana="サトウ ユウマ", birth_date=date(2001, 4, 3), address=ADDRESS,
                                identifiers={"resident": "1000004"})
    return d


def _person(debtor):
    return DebtorLink.objects.filter(debtor=debtor).values_list("person_id", flat=True).first()


@pytest.fixture
def clerk(django_user_model):
    # An administrator: these tests are about matching; who may decide is tested in tests/test_register_scope.py.
    user = django_user_model.objects.create_user("clerk", last_name="窓口", first_name="一郎")
    StaffProfile.objects.create(user=user, role=Role.ADMIN)
    return user


def test_the_batch_links_queues_and_leaves_alone(cast):
    result = match_debtors()
    assert (result.linked, result.queued, result.unmatched) == (2, 2, 2)
    assert _person(cast["takahashi"]) == _person(cast["takahashi_hospital"]) is not None
    assert linked_records(cast["takahashi"]) == [cast["takahashi_hospital"]]
    assert linked_records(cast["yuto"]) == []
    queued = MatchCandidate.objects.get()
    assert (queued.debtor_a, queued.debtor_b, queued.status) == (cast["nakamura"], cast["nakamura_welfare"], CandidateStatus.QUEUED)
    assert {r["code"] for r in queued.reasons} >= {"kana_typo", "kanji_equal", "birth_equal", "address_differs"}
    link = DebtorLink.objects.get(debtor=cast["takahashi_hospital"])
    assert link.via == cast["takahashi"] and link.method == "auto" and link.score >= 80
    assert AuditEvent.objects.filter(action="identity.match").count() == 1


def test_running_again_changes_nothing(cast):
    first = match_debtors()
    again = match_debtors()
    assert (again.linked, again.queued, again.unmatched) == (first.linked, first.queued, first.unmatched)
    assert Person.objects.count() == 1 and MatchCandidate.objects.count() == 1


def test_confirm_links_the_pair_with_an_audit_row(cast, clerk):
    match_debtors()
    candidate = MatchCandidate.objects.get()
    person = actions.confirm_candidate(candidate, clerk)
    assert _person(cast["nakamura"]) == _person(cast["nakamura_welfare"]) == person.pk
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (CandidateStatus.CONFIRMED, clerk) and candidate.decided_at
    link = DebtorLink.objects.get(debtor=cast["nakamura_welfare"])
    assert (link.method, link.linked_by) == ("clerk", clerk)
    event = AuditEvent.objects.get(action="identity.confirm")
    assert event.user == clerk and event.target_id == candidate.pk and event.debtor_id == cast["nakamura"].pk
    with pytest.raises(LedgerError):
        actions.confirm_candidate(candidate, clerk)  # decided once
    assert match_debtors().queued == 0


def test_confirming_a_pair_of_two_people_makes_one(cast, clerk):
    match_debtors()
    # A second person of two records, and a clerk deciding one of each is the same person.
    other = register_debtor(name="中村 崇", name_kana="ナカムラ タカシ", birth_date=date(1972, 10, 31), address="新潟市秋葉区荻島3丁目28番14号",
                            identifiers={"nhi": "N01"})
    actions.confirm_candidate(MatchCandidate.objects.create(debtor_a=cast["nakamura_welfare"], debtor_b=other, score=60), clerk)
    actions.confirm_candidate(MatchCandidate.objects.create(debtor_a=cast["takahashi"], debtor_b=other, score=60), clerk)
    assert Person.objects.count() == 1
    assert len(linked_records(cast["takahashi"])) == 3


def test_a_rejected_pair_is_never_proposed_again(cast, clerk):
    match_debtors()
    candidate = MatchCandidate.objects.get()
    actions.reject_candidate(candidate, clerk)
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (CandidateStatus.REJECTED, clerk)
    assert AuditEvent.objects.filter(action="identity.reject", user=clerk, target_id=candidate.pk).exists()
    result = match_debtors()
    assert result.queued == 0 and MatchCandidate.objects.count() == 1
    assert _person(cast["nakamura"]) is None


def test_a_rejected_pair_is_not_linked_automatically_either(cast, clerk, settings):
    match_debtors()
    actions.reject_candidate(MatchCandidate.objects.get(), clerk)
    settings.SAIKEN_IDENTITY_SURE = 60  # now the pair would be sure
    match_debtors()
    assert _person(cast["nakamura"]) is None


def test_unlink_records_the_pairs_as_rejected(cast, clerk):
    match_debtors()
    others = actions.unlink(cast["takahashi_hospital"], clerk)
    assert others == [cast["takahashi"].pk]
    assert not DebtorLink.objects.exists() and not Person.objects.exists()  # a person of one record is dissolved
    pair = MatchCandidate.objects.get(debtor_a=cast["takahashi"], debtor_b=cast["takahashi_hospital"])
    assert (pair.status, pair.decided_by) == (CandidateStatus.REJECTED, clerk)
    event = AuditEvent.objects.get(action="identity.unlink")
    assert event.user == clerk and event.debtor_id == cast["takahashi_hospital"].pk
    match_debtors()
    assert _person(cast["takahashi"]) is None  # not linked back
    with pytest.raises(LedgerError):
        actions.unlink(cast["takahashi_hospital"], clerk)


def test_unlinking_one_of_three_keeps_the_other_two(cast, clerk):
    match_debtors()
    third = register_debtor(name="高橋 太郎", name_kana="タカハシ タロウ", birth_date=date(1970, 5, 1), address=ADDRESS,
                            identifiers={"nhi": "N02"})
    match_debtors()
    assert len(linked_records(cast["takahashi"])) == 2
    actions.unlink(third, clerk)
    assert linked_records(cast["takahashi"]) == [cast["takahashi_hospital"]]
    assert MatchCandidate.objects.filter(status=CandidateStatus.REJECTED).count() == 2


def test_rejecting_a_linked_pair_is_refused(cast, clerk):
    match_debtors()
    pair = MatchCandidate.objects.create(debtor_a=cast["takahashi"], debtor_b=cast["takahashi_hospital"], score=60)
    with pytest.raises(LedgerError, match="結び付けを解除"):
        actions.reject_candidate(pair, clerk)


def test_a_small_truth_set():
    """Counts add up to the records, and the matcher finds the generated people."""
    result = measure(400, seed=5)
    assert result["linked"] + result["queued"] + result["unmatched"] == result["records"] == Debtor.objects.count()
    assert result["precision"] >= 0.97 and result["recall"] >= 0.9
    assert result["true_pairs"] > 50 and result["pairs_scored"] >= result["true_linked_pairs"] // 2


def test_evaluate_counts_pairs():
    truth = generate(60, seed=2)
    ids = sorted(truth.person_of)
    match_debtors()
    DebtorLink.objects.all().delete()  # nothing linked: recall 0, precision vacuous
    assert evaluate(truth)["recall"] == 0.0 and evaluate(truth)["precision"] == 1.0
    # link two records of different people: one false pair
    a, b = next((x, y) for x in ids for y in ids if truth.person_of[x] != truth.person_of[y])
    person = Person.objects.create()
    DebtorLink.objects.create(debtor_id=a, person=person)
    DebtorLink.objects.create(debtor_id=b, person=person)
    assert evaluate(truth)["linked_pairs"] == 1 and evaluate(truth)["precision"] == 0.0


def test_command_json(cast):
    out = StringIO()
    call_command("match_debtors", "--json", stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue())
    assert {"linked", "queued", "unmatched", "pairs_scored", "seconds"} <= set(result)
    assert (result["linked"], result["queued"], result["unmatched"]) == (2, 2, 2)
    out = StringIO()
    call_command("match_debtors", stdout=out, stderr=StringIO())
    assert "結び付け 2件、確認待ち 2件、該当なし 2件" in out.getvalue()


# --- screens ----------------------------------------------------------------------------


def test_the_screens_need_a_login(client, cast):
    match_debtors()
    candidate = MatchCandidate.objects.get()
    for url in (reverse("matching_queue"), reverse("matching_person", args=[cast["takahashi"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for url in (reverse("matching_confirm", args=[candidate.pk]), reverse("matching_reject", args=[candidate.pk]),
                reverse("matching_unlink", args=[cast["takahashi"].pk])):
        assert client.post(url).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.QUEUED and DebtorLink.objects.count() == 2


def test_auditors_may_not_see_debtors(client, cast, django_user_model):
    user = django_user_model.objects.create_user("auditor")
    StaffProfile.objects.create(user=user, role=Role.AUDITOR)
    client.force_login(user)
    assert client.get(reverse("matching_queue")).status_code == 403


def test_the_queue_shows_the_pair_side_by_side_and_confirms(client, cast, clerk):
    match_debtors()
    candidate = MatchCandidate.objects.get()
    client.force_login(clerk)
    page = client.get(reverse("matching_queue")).content.decode()
    for text in ("ナカムラ タカシ", "ナカムラ タカツ", "昭和47年10月31日", "新潟市西区小新3丁目12番7号", "新潟市秋葉区荻島3丁目28番14号",
                 "宛名番号 <b>1000002</b>", "ケース番号 <b>W01</b>", "フリガナが1字違い", "住所が異なる", f"点数 <b>{candidate.score}</b>",
                 "同一人として結び付け", "別人"):
        assert text in page, text
    response = client.post(reverse("matching_confirm", args=[candidate.pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("matching_queue") + "?page=1"
    assert _person(cast["nakamura"]) == _person(cast["nakamura_welfare"]) is not None
    page = client.get(response["Location"]).content.decode()
    assert "同一人として結び付けました" in page and "確認待ちの名寄せ候補はありません" in page


def test_the_queue_rejects(client, cast, clerk):
    match_debtors()
    candidate = MatchCandidate.objects.get()
    client.force_login(clerk)
    client.post(reverse("matching_reject", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED and candidate.decided_by == clerk
    page = client.post(reverse("matching_reject", args=[candidate.pk]), follow=True).content.decode()
    assert "既に「別人」と判断されています" in page


def test_the_queue_costs_the_same_queries_for_more_pairs(client, cast, clerk, django_assert_max_num_queries):
    match_debtors()
    client.force_login(clerk)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("matching_queue"))
    for n in range(3):
        extra = register_debtor(name=f"中村 崇{n}", name_kana="ナカムラ タカシ", birth_date=date(1972, 10, 31), identifiers={"nhi": f"N{n}"})
        MatchCandidate.objects.create(debtor_a=cast["yuto"], debtor_b=extra, score=55)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("matching_queue")).content.decode()
    assert page.count("同一人として結び付け</button>") == 4


def test_the_person_page_lists_the_records_and_unlinks(client, cast, clerk):
    match_debtors()
    client.force_login(clerk)
    page = client.get(reverse("matching_person", args=[cast["takahashi"].pk])).content.decode()
    assert "髙橋 太郎" in page and "高橋太郎" in page and "診療録番号 <b>88001</b>" in page and "宛名番号 <b>1000001</b>" in page
    assert "漢字氏名が一致（異体字・旧字体・空白を同一視）" in page and page.count(">解除</button>") == 2
    response = client.post(reverse("matching_unlink", args=[cast["takahashi_hospital"].pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "名寄せを解除しました" in page and "他の記録と結び付けられていません" in page
    assert not DebtorLink.objects.exists()

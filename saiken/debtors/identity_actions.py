"""A clerk's 名寄せ decisions: confirm or reject a queued pair, undo a link.

One function per state change, one transaction each, with its audit row. Two
clerks deciding pairs that share a record at the same time would each read the
other's record as unlinked and make two people of one: so each action first
locks the records concerned (in id order, never deadlocking) and their links.

Who may decide: administrators, and staff who may see every record concerned
(`saiken.staff.access.debtor_scope`): both records of a pair; the record to unlink and
every record linked with it. Linking joins what two departments hold of a person, so
it is decided by someone who has business with both; a pair across departments no
one clerk sees is left to an administrator. Committee members and auditors never.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from saiken.audit import record
from saiken.debtors.models import CandidateStatus, Debtor, DebtorLink, LinkMethod, MatchCandidate, Person
from saiken.ledger.errors import LedgerError
from saiken.staff import access
from saiken.staff.policy import Refused

UNLINKED_REASON = [{"code": "unlinked", "points": 0}]


def _lock(debtor_ids) -> None:
    list(Debtor.objects.select_for_update().filter(pk__in=list(debtor_ids)).order_by("pk").values_list("pk", flat=True))


def _locked_candidate(candidate: MatchCandidate) -> MatchCandidate:
    c = MatchCandidate.objects.select_for_update().select_related("debtor_a", "debtor_b").get(pk=candidate.pk)
    if c.status != CandidateStatus.QUEUED:
        raise LedgerError(f"この候補は既に「{c.get_status_display()}」と判断されています。", "status")
    return c


def may_decide(user, debtor_ids) -> bool:
    """May the user link or unlink these records (they see every one of them)?"""
    ids = set(debtor_ids)
    if access.sees_everything(user):
        return True
    if not ids or not access.may_view_debtors(user):
        return False
    return access.debtors_visible_to(user, Debtor.objects.filter(pk__in=sorted(ids))).count() == len(ids)


def require_may_decide(user, debtor_ids) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not may_decide(user, debtor_ids):
        raise Refused("名寄せの判断は、結び付ける記録をすべて所管する職員かシステム管理者だけが行えます。")


def _person_of(debtor_id: int) -> int | None:
    return DebtorLink.objects.filter(debtor_id=debtor_id).values_list("person_id", flat=True).first()


@transaction.atomic
def confirm_candidate(candidate: MatchCandidate, user) -> Person:
    """同一人と確定: the two records become one person (joining the people they already belong to)."""
    require_may_decide(user, [candidate.debtor_a_id, candidate.debtor_b_id])
    c = _locked_candidate(candidate)
    a, b = c.debtor_a_id, c.debtor_b_id
    _lock([a, b])
    pa, pb = _person_of(a), _person_of(b)
    link = {"score": c.score, "reasons": c.reasons, "method": LinkMethod.CLERK, "linked_by": user}
    merged: list[int] = []
    if pa is None and pb is None:
        person = Person.objects.create()
        DebtorLink.objects.create(debtor_id=a, person=person, via_id=b, **link)
        DebtorLink.objects.create(debtor_id=b, person=person, via_id=a, **link)
    elif pa is not None and pb is not None:
        person = Person.objects.get(pk=min(pa, pb))
        if pa != pb:
            other = max(pa, pb)
            _lock(DebtorLink.objects.filter(person_id=other).values_list("debtor_id", flat=True))
            merged = list(DebtorLink.objects.filter(person_id=other).values_list("debtor_id", flat=True))
            DebtorLink.objects.filter(person_id=other).update(person=person)
            Person.objects.filter(pk=other).delete()
    else:
        person = Person.objects.get(pk=pa if pa is not None else pb)
        new, partner = (b, a) if pa is not None else (a, b)
        DebtorLink.objects.create(debtor_id=new, person=person, via_id=partner, **link)
    c.status, c.decided_by, c.decided_at = CandidateStatus.CONFIRMED, user, timezone.now()
    c.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        user=user, action="identity.confirm", target=c, debtor_id=a,
        summary=f"名寄せ確定: {c.debtor_a}（{a}）と {c.debtor_b}（{b}）を同一人として結び付け",
        detail={"debtor_a": a, "debtor_b": b, "person": person.pk, "score": c.score, "merged": merged},
    )
    return person


@transaction.atomic
def reject_candidate(candidate: MatchCandidate, user) -> MatchCandidate:
    """別人と判断: the pair is never proposed, nor linked automatically, again."""
    require_may_decide(user, [candidate.debtor_a_id, candidate.debtor_b_id])
    c = _locked_candidate(candidate)
    _lock([c.debtor_a_id, c.debtor_b_id])
    pa = _person_of(c.debtor_a_id)
    if pa is not None and pa == _person_of(c.debtor_b_id):
        raise LedgerError("この2件は既に同一人として結び付けられています。別人とするには結び付けを解除してください。", "status")
    c.status, c.decided_by, c.decided_at = CandidateStatus.REJECTED, user, timezone.now()
    c.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        user=user, action="identity.reject", target=c, debtor_id=c.debtor_a_id,
        summary=f"名寄せ却下: {c.debtor_a}（{c.debtor_a_id}）と {c.debtor_b}（{c.debtor_b_id}）は別人",
        detail={"debtor_a": c.debtor_a_id, "debtor_b": c.debtor_b_id, "score": c.score},
    )
    return c


@transaction.atomic
def unlink(debtor: Debtor, user) -> list[int]:
    """結び付けの解除: the record leaves its person, and each pair of it with the others
    is recorded as rejected, so no later run links it back. A person left with one
    record is dissolved. Returns the ids of the records it was linked with."""
    _lock([debtor.pk])
    link = DebtorLink.objects.select_for_update().filter(debtor_id=debtor.pk).first()
    if link is None:
        raise LedgerError(f"{debtor} は名寄せされていません。", "debtor")
    person_id = link.person_id
    others = list(DebtorLink.objects.filter(person_id=person_id).exclude(debtor_id=debtor.pk).values_list("debtor_id", flat=True))
    require_may_decide(user, [debtor.pk, *others])
    _lock(others)
    link.delete()
    if len(others) == 1:  # a person of one record is no person
        DebtorLink.objects.filter(person_id=person_id).delete()
        Person.objects.filter(pk=person_id).delete()
    now = timezone.now()
    for other in others:
        a, b = sorted((debtor.pk, other))
        MatchCandidate.objects.update_or_create(
            debtor_a_id=a, debtor_b_id=b,
            defaults={"status": CandidateStatus.REJECTED, "decided_by": user, "decided_at": now},
            create_defaults={"score": link.score or 0, "reasons": UNLINKED_REASON, "status": CandidateStatus.REJECTED,
                             "decided_by": user, "decided_at": now},
        )
    record(
        user=user, action="identity.unlink", target=debtor, debtor_id=debtor.pk,
        summary=f"名寄せ解除: {debtor}（{debtor.pk}）を名寄せ {person_id} から外し、{len(others)}件と別人として記録",
        detail={"person": person_id, "others": others, "method": link.method, "score": link.score},
    )
    return others

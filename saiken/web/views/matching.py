"""名寄せ screens: the queue of uncertain pairs, side by side, with 同一人/別人 buttons, and
a person's linked records with 解除. The views parse input and call
`saiken.debtors.identity_actions`; the rules live in `saiken.core.identity`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from saiken import audit
from saiken.core.identity import REASONS
from saiken.debtors import identity_actions as actions
from saiken.debtors.identity import linked_records
from saiken.debtors.models import CandidateStatus, Debtor, DebtorIdentifier, DebtorLink, MatchCandidate
from saiken.ledger.errors import LedgerError
from saiken.staff import access
from saiken.web.views.debtors import visible_debtor_or_404

PAGE_SIZE = 20


def _require_viewer(user) -> None:
    if not access.may_view_debtors(user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")


def reason_rows(reasons: list[dict]) -> list[tuple[str, int]]:
    """(label, points) of stored reasons; a code no longer known is shown as it is."""
    return [(REASONS.get(r.get("code", ""), r.get("code", "")), r.get("points", 0)) for r in reasons]


def _show_identifiers(user, debtors) -> None:
    for d in debtors:
        d.visible_identifiers = access.visible_identifiers(user, d.identifiers.all())


def _with_details(debtors):
    return debtors.select_related("link").prefetch_related(Prefetch("identifiers", DebtorIdentifier.objects.order_by("system", "id")))


@login_required
@require_safe
def queue(request):
    """名寄せの確認待ち: strongest pairs first; of them, the pairs the user may decide (sees both records)."""
    _require_viewer(request.user)
    both = Q(access.debtor_scope(request.user, "debtor_a_id")) & Q(access.debtor_scope(request.user, "debtor_b_id"))
    candidates = (
        MatchCandidate.objects.filter(status=CandidateStatus.QUEUED).filter(both)
        .select_related("debtor_a__link", "debtor_b__link")
        .prefetch_related(
            Prefetch("debtor_a__identifiers", DebtorIdentifier.objects.order_by("system", "id")),
            Prefetch("debtor_b__identifiers", DebtorIdentifier.objects.order_by("system", "id")),
        )
        .order_by("-score", "id")
    )
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.reason_rows = reason_rows(c.reasons)
        c.sides = [(d, getattr(d, "link", None)) for d in (c.debtor_a, c.debtor_b)]
        _show_identifiers(request.user, (c.debtor_a, c.debtor_b))
    audit.record(user=request.user, action="matching.queue_view", summary=f"名寄せの確認待ちを閲覧（{page.number}ページ）",
                 detail={"page": page.number, "shown": sorted({i for c in page.object_list for i in (c.debtor_a_id, c.debtor_b_id)})})
    return render(request, "web/matching_queue.html", {"page": page})


def _back(request) -> str:
    page = request.POST.get("page", "")
    return reverse("matching_queue") + (f"?page={page}" if page.isdigit() else "")


def _candidate_or_404(request, pk: int) -> MatchCandidate:
    """A pair the user may decide; another (of people outside their scope) answers 404."""
    _require_viewer(request.user)
    candidate = get_object_or_404(MatchCandidate, pk=pk)
    if not actions.may_decide(request.user, [candidate.debtor_a_id, candidate.debtor_b_id]):
        audit.record(user=request.user, action="access.refused", target=candidate,
                     summary=f"名寄せ候補 {candidate.pk}: 所管外の記録を含む", detail={"method": request.method, "path": request.path[:500]})
        raise Http404("お探しの名寄せ候補は見つかりませんでした。")
    return candidate


@login_required
@require_POST
def confirm(request, pk: int):
    candidate = _candidate_or_404(request, pk)
    try:
        person = actions.confirm_candidate(candidate, request.user)
    except LedgerError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{candidate.debtor_a.name}（{candidate.debtor_a_id}）と {candidate.debtor_b.name}（{candidate.debtor_b_id}）を同一人として結び付けました（名寄せ {person.pk}）。")
    return redirect(_back(request))


@login_required
@require_POST
def reject(request, pk: int):
    candidate = _candidate_or_404(request, pk)
    try:
        actions.reject_candidate(candidate, request.user)
    except LedgerError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{candidate.debtor_a.name}（{candidate.debtor_a_id}）と {candidate.debtor_b.name}（{candidate.debtor_b_id}）を別人としました。今後は候補に出ません。")
    return redirect(_back(request))


@login_required
@require_safe
def person(request, pk: int):
    """名寄せされた記録: the debtor and every record linked with it, with how each was linked."""
    debtor = visible_debtor_or_404(request, pk, what="名寄せされた記録")
    ids = [debtor.pk] + [d.pk for d in linked_records(debtor)]
    # Of the linked records, only those the user may see (the others are counted, not shown).
    records = list(
        _with_details(access.debtors_visible_to(request.user, Debtor.objects.filter(pk__in=ids)))
        .select_related("link__via", "link__linked_by").order_by("id")
    )
    shown = {r.pk for r in records}
    may_unlink = actions.may_decide(request.user, ids)
    _show_identifiers(request.user, records)
    for r in records:
        r.link_row = getattr(r, "link", None)  # a missing reverse one-to-one raises an AttributeError
        r.link_reasons = reason_rows(r.link_row.reasons) if r.link_row else []
        r.via_shown = r.link_row.via_id if r.link_row and r.link_row.via_id in shown else None
    link = DebtorLink.objects.filter(debtor=debtor).first()
    audit.record(user=request.user, action="matching.view", target=debtor,
                 summary=f"{debtor.name} の名寄せされた記録を閲覧（{len(records)}件）", detail={"shown": [r.pk for r in records]})
    return render(request, "web/matching_person.html", {
        "debtor": debtor, "records": records, "person_id": link.person_id if link else None,
        "hidden_records": len(ids) - len(records), "may_unlink": may_unlink,
    })


@login_required
@require_POST
def unlink(request, pk: int):
    debtor = visible_debtor_or_404(request, pk, what="名寄せの解除")
    try:
        others = actions.unlink(debtor, request.user)
    except LedgerError as e:
        messages.error(request, e.message)
        return redirect("matching_person", pk=pk)
    messages.success(request, f"{debtor.name}（{debtor.pk}）の名寄せを解除しました。{len(others)}件の記録とは別人として記録しました。")
    return redirect("matching_person", pk=others[0] if len(others) > 1 else pk)

"""名寄せ screens: the queue of uncertain pairs, side by side, with 同一人/別人 buttons, and
a person's linked records with 解除. The views parse input and call
`saiken.debtors.identity_actions`; the rules live in `saiken.core.identity`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from saiken import audit
from saiken.core.identity import REASONS
from saiken.debtors import identity_actions as actions
from saiken.debtors.identity import linked_records
from saiken.debtors.models import CandidateStatus, Debtor, DebtorIdentifier, DebtorLink, MatchCandidate
from saiken.ledger.errors import LedgerError
from saiken.staff import access

PAGE_SIZE = 20


def _require_viewer(user) -> None:
    if not access.may_view_debtors(user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")


def reason_rows(reasons: list[dict]) -> list[tuple[str, int]]:
    """(label, points) of stored reasons; a code no longer known is shown as it is."""
    return [(REASONS.get(r.get("code", ""), r.get("code", "")), r.get("points", 0)) for r in reasons]


def _with_details(debtors):
    return debtors.select_related("link").prefetch_related(Prefetch("identifiers", DebtorIdentifier.objects.order_by("system", "id")))


@login_required
def queue(request):
    """名寄せの確認待ち: strongest pairs first."""
    _require_viewer(request.user)
    candidates = (
        MatchCandidate.objects.filter(status=CandidateStatus.QUEUED)
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
    audit.record(user=request.user, action="matching.queue_view", summary=f"名寄せの確認待ちを閲覧（{page.number}ページ）",
                 detail={"page": page.number, "shown": sorted({i for c in page.object_list for i in (c.debtor_a_id, c.debtor_b_id)})})
    return render(request, "web/matching_queue.html", {"page": page})


def _back(request) -> str:
    page = request.POST.get("page", "")
    return reverse("matching_queue") + (f"?page={page}" if page.isdigit() else "")


@login_required
@require_POST
def confirm(request, pk: int):
    _require_viewer(request.user)
    candidate = get_object_or_404(MatchCandidate, pk=pk)
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
    _require_viewer(request.user)
    candidate = get_object_or_404(MatchCandidate, pk=pk)
    try:
        actions.reject_candidate(candidate, request.user)
    except LedgerError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"{candidate.debtor_a.name}（{candidate.debtor_a_id}）と {candidate.debtor_b.name}（{candidate.debtor_b_id}）を別人としました。今後は候補に出ません。")
    return redirect(_back(request))


@login_required
def person(request, pk: int):
    """名寄せされた記録: the debtor and every record linked with it, with how each was linked."""
    _require_viewer(request.user)
    debtor = get_object_or_404(Debtor, pk=pk)
    ids = [debtor.pk] + [d.pk for d in linked_records(debtor)]
    records = list(_with_details(Debtor.objects.filter(pk__in=ids)).select_related("link__via", "link__linked_by").order_by("id"))
    for r in records:
        r.link_row = getattr(r, "link", None)  # a missing reverse one-to-one raises an AttributeError
        r.link_reasons = reason_rows(r.link_row.reasons) if r.link_row else []
    link = DebtorLink.objects.filter(debtor=debtor).first()
    audit.record(user=request.user, action="matching.view", target=debtor,
                 summary=f"{debtor.name} の名寄せされた記録を閲覧（{len(records)}件）", detail={"shown": [r.pk for r in records]})
    return render(request, "web/matching_person.html", {"debtor": debtor, "records": records, "person_id": link.person_id if link else None})


@login_required
@require_POST
def unlink(request, pk: int):
    _require_viewer(request.user)
    debtor = get_object_or_404(Debtor, pk=pk)
    try:
        others = actions.unlink(debtor, request.user)
    except LedgerError as e:
        messages.error(request, e.message)
        return redirect("matching_person", pk=pk)
    messages.success(request, f"{debtor.name}（{debtor.pk}）の名寄せを解除しました。{len(others)}件の記録とは別人として記録しました。")
    return redirect("matching_person", pk=others[0] if len(others) > 1 else pk)

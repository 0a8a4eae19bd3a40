"""The run's 督促状 as one PDF: demands → plain notices → `saiken.documents`.

Rendering a run of tens of thousands of pages takes minutes, so it happens after
the run has committed (the notices are data; the PDF is derived from them and
can be made again), reading the demands in keyset-ordered chunks and recording
progress on the run so the screen can show it.

The notices carry names, addresses and amounts (tax amounts among them: 地方税法22条),
so making the PDF and downloading it are acts of their own (`Act.DEMAND_DOCUMENT`),
allowed only to who may act on every receivable of the run, and each is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch

from saiken import audit
from saiken.core.conveni import SLIP_DEMAND, barcode_content, slip_free_field
from saiken.demands.models import Demand, DemandLine, DemandRun, DocumentStatus
from saiken.documents import store
from saiken.documents.demand_notice import DemandNotice, NoticeLine, render_demand_notices
from saiken.documents.store import private_dir, private_file
from saiken.staff import policy
from saiken.staff.policy import Act

CHUNK = 2000

PAYMENT_PLACES = (
    "市役所本庁舎・各区役所の窓口",
    "指定金融機関・収納代理金融機関（ゆうちょ銀行を含む）",
    "コンビニエンスストア（バーコード付きの場合、30万円以下）",
)


def receivable_ids_of(run: DemandRun) -> list[int]:
    """The receivables whose demands the run holds."""
    return sorted(set(Demand.objects.filter(run=run).values_list("receivable_id", flat=True).distinct()))


def require_documents(user, run: DemandRun) -> None:
    """Refuse (`policy.Refused`) unless `user` may make and download the run's notices:
    `Act.DEMAND_DOCUMENT` on every receivable of the run (one PDF holds them all)."""
    policy.require_all(user, Act.DEMAND_DOCUMENT, receivable_ids_of(run))


def claim_document(runs) -> bool:
    """Mark the run in `runs` (a DemandRun or another model with the same document fields,
    filtered to one run with something to print) as rendering, unless it already is or is
    done: two clicks make one PDF. True if this call claimed it."""
    return bool(
        runs.exclude(document_status__in=[DocumentStatus.RENDERING, DocumentStatus.DONE])
        .update(document_status=DocumentStatus.RENDERING, pages_done=0, document_error="")
    )


def claim_for_rendering(run: DemandRun, user) -> bool:
    """Mark the run as rendering unless it already is or is done (two clicks make one PDF);
    refused unless `user` may make its documents. A claim is audited (demand.render)."""
    require_documents(user, run)
    with transaction.atomic():
        claimed = claim_document(DemandRun.objects.filter(pk=run.pk, demands__gt=0))
        if claimed:
            audit.record(
                user=user, action="demand.render", target=run,
                summary=f"督促状PDFの作成 {run.issued_on} 処理番号 {run.pk}（{run.demands:,}件）",
                detail={"run": run.pk, "demands": run.demands},
            )
    return claimed


def render_run(run: DemandRun, *, user, progress: Callable[[int, int], None] | None = None, claimed: bool = False) -> Path | None:
    """Render every demand of `run` into one PDF file; returns its path (None if already claimed).
    `claimed`: the caller has claimed the run as `user` (`claim_for_rendering`)."""
    if claimed:
        require_documents(user, run)
    elif not claim_for_rendering(run, user):
        return None
    return render_to_file(
        run, f"demands-{run.issued_on:%Y%m%d}-{run.pk}", run.demands,
        lambda out, tick: render_demand_notices(notices(run), out, progress=tick, every=500), progress,
    )


def open_document(run: DemandRun, user) -> Path | None:
    """The run's finished PDF for `user` to download (None if there is none yet), refused
    unless they may have the run's documents; every download is audited (demand.download)."""
    require_documents(user, run)
    run.refresh_from_db(fields=["document_status", "document"])
    if run.document_status != DocumentStatus.DONE or not run.document:
        return None
    path = store.resolve(run.document, prefix="demands-")  # only a file the system wrote (NotStored: 404)
    audit.record(
        user=user, action="demand.download", target=run,
        summary=f"督促状PDFのダウンロード {run.issued_on} 処理番号 {run.pk}（{run.demands:,}件）",
        detail={"run": run.pk, "demands": run.demands},
    )
    return path


def render_to_file(
    run, stem: str, total: int, render: Callable[[Path, Callable[[int], None]], int],
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Render a run's documents into `stem`.pdf in SAIKEN_DOCUMENT_DIR, keeping the run's
    pages_done as `render(path, tick)` goes; the file appears whole or not at all, and
    the run (a DemandRun or another model with the same document fields) ends DONE with
    its document, or FAILED with the error."""
    runs = type(run).objects.filter(pk=run.pk)
    path = private_dir() / f"{stem}.pdf"
    partial = private_file(path.with_suffix(".pdf.part"))  # names and amounts: the service user's only

    def tick(done: int) -> None:
        runs.update(pages_done=done)
        if progress:
            progress(done, total)

    try:
        pages = render(partial, tick)
        partial.replace(path)  # the finished file appears whole or not at all
    except Exception as e:
        partial.unlink(missing_ok=True)
        runs.update(document_status=DocumentStatus.FAILED, document_error=str(e)[:2000])
        raise
    with transaction.atomic():
        runs.update(document_status=DocumentStatus.DONE, pages_done=pages, document=str(path))
    return path


def notices(run: DemandRun, chunk: int = CHUNK) -> Iterator[DemandNotice]:
    """The run's demands as notices, in number order, read a chunk at a time."""
    issuer = settings.SAIKEN_ISSUER_TITLE
    city = settings.SAIKEN_CITY_NAME
    after = 0
    lines = Prefetch(
        "lines",
        queryset=DemandLine.objects.select_related("instalment").order_by("instalment__due_date", "instalment_id"),
    )
    while True:
        batch = list(
            Demand.objects.filter(run=run, pk__gt=after)
            .select_related("debtor", "receivable", "receivable__department")
            .prefetch_related(lines)
            .order_by("pk")[:chunk]
        )
        if not batch:
            return
        for d in batch:
            yield notice(d, city=city, issuer=issuer)
        after = batch[-1].pk


def notice(d: Demand, *, city: str, issuer: str) -> DemandNotice:
    r = d.receivable
    total = d.principal + d.fee
    code = None
    if total <= settings.SAIKEN_CONVENI_CAP:
        code = barcode_content(
            issuer=settings.SAIKEN_CONVENI_ISSUER,
            free=slip_free_field(SLIP_DEMAND, d.pk),  # a store payment finds this demand by it
            deadline=d.designated_deadline,
            amount=total,
            cap=settings.SAIKEN_CONVENI_CAP,
        )
    return DemandNotice(
        number=d.number,
        issued_on=d.issued_on,
        designated_deadline=d.designated_deadline,
        postal_code=d.debtor.postal_code,
        address=d.debtor.address,
        name=d.debtor.name,
        receivable_name=r.name,
        department_name=r.department.name,
        department_phone=r.department.phone,
        city_name=city,
        issuer_title=issuer,
        lines=tuple(
            NoticeLine(r.name, line.instalment.fiscal_year, line.instalment.subject, line.instalment.instalment_no, line.instalment.due_date, line.principal)
            for line in d.lines.all()
        ),
        fee=d.fee,
        payment_places=PAYMENT_PLACES,
        barcode=code,
        legal=r.legal_texts,  # the receivable's own articles (catalog), not one text per class
    )

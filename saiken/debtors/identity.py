"""名寄せ (identity matching) over the whole city: `match_debtors()`.

Set-based: every debtor is read once (keyset pages of `values_list` rows, no
model instances), prepared and filed under its blocking keys in memory, the
candidate pairs are scored by `saiken.core.identity`, and the result is written
in chunks of one transaction each (new people, links, queued pairs). Safe to
re-run: existing links are kept and grown, pairs a clerk decided are not scored
again, a rejected pair is never linked nor proposed again, and an interrupted
run leaves whole chunks that the next run builds on.

Settings (with defaults): SAIKEN_IDENTITY_SURE (80) and SAIKEN_IDENTITY_UNCERTAIN
(50), the score thresholds; SAIKEN_IDENTITY_ADDRESS_PREFIXES (("新潟市",)), the
home city written or not in front of an address.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import Exists, OuterRef, Q

from saiken import audit
from saiken.core import identity as core
from saiken.debtors.models import CandidateStatus, Debtor, DebtorIdentifier, DebtorLink, LinkMethod, MatchCandidate, Person
from saiken.ledger.booking import insert_rows

READ_CHUNK = 50_000  # debtors per keyset page
WRITE_CHUNK = 20_000  # links or candidates per transaction


@dataclass
class MatchResult:
    """Records by state after the run (each record counted once: linked before queued),
    the pairs scored in this run, and the time taken."""

    linked: int
    queued: int
    unmatched: int
    pairs_scored: int
    seconds: float
    oversized_blocks: int = 0  # blocking keys shared by too many records to compare all pairs (see core)

    def as_dict(self) -> dict:
        return asdict(self)


def thresholds() -> core.Thresholds:
    return core.Thresholds(
        sure=getattr(settings, "SAIKEN_IDENTITY_SURE", core.Thresholds.sure),
        uncertain=getattr(settings, "SAIKEN_IDENTITY_UNCERTAIN", core.Thresholds.uncertain),
    )


def address_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "SAIKEN_IDENTITY_ADDRESS_PREFIXES", ("新潟市",)))


def reasons_json(reasons) -> list[dict]:
    return [{"code": code, "points": points} for code, points in reasons]


def prepare_debtor(debtor: Debtor) -> core.Record:
    """One debtor as the core compares it (for screens and single checks; the batch reads rows)."""
    ids = debtor.identifiers.filter(system__in=core.ONE_PER_PERSON_SYSTEMS).values_list("system", "value")
    return core.prepare(
        debtor.pk, debtor.kind, debtor.name, debtor.name_kana, debtor.birth_date, debtor.corporate_number, debtor.address,
        ids, drop=address_prefixes(),
    )


def read_records(progress: Callable[[str], None]) -> list[core.Record]:
    """Every debtor, prepared, in id order."""
    tokens: dict[int, list[tuple[str, str]]] = defaultdict(list)
    last = 0
    while True:
        rows = list(
            DebtorIdentifier.objects.filter(system__in=core.ONE_PER_PERSON_SYSTEMS, id__gt=last)
            .order_by("id").values_list("id", "debtor_id", "system", "value")[:READ_CHUNK]
        )
        if not rows:
            break
        for _, debtor_id, system, value in rows:
            tokens[debtor_id].append((system, value))
        last = rows[-1][0]
    drop = address_prefixes()
    records: list[core.Record] = []
    prepare = core.prepare
    last = 0
    total = Debtor.objects.count()
    while True:
        rows = list(
            Debtor.objects.filter(id__gt=last).order_by("id")
            .values_list("id", "kind", "name", "name_kana", "birth_date", "corporate_number", "address")[:READ_CHUNK]
        )
        if not rows:
            break
        for pk, kind, name, kana, birth, number, address in rows:
            records.append(prepare(pk, kind, name, kana, birth, number, address, tokens.get(pk, ()), drop=drop))
        last = rows[-1][0]
        reset_queries()
        progress(f"読込 {len(records):,}/{total:,}件")
    return records


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Millions of small tuples and no reference cycles: the collector would only walk
    them again and again (it more than doubles the time of reading and blocking)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def match_debtors(progress: Callable[[str], None] | None = None) -> MatchResult:
    """名寄せ: link the sure pairs into people, queue the uncertain ones for a clerk."""
    with _without_cycle_collector():
        return _match(progress)


def _match(progress: Callable[[str], None] | None) -> MatchResult:
    started = time.perf_counter()
    report = progress or (lambda message: None)

    def progress(message: str) -> None:
        report(f"{message} ({time.perf_counter() - started:.1f}秒)")

    limits = thresholds()
    records = read_records(progress)
    index = {r.id: i for i, r in enumerate(records)}

    # What is already decided: people linked before, and pairs a clerk has seen.
    person_of: dict[int, int] = {}  # record index → existing person id
    seeds: dict[int, list[int]] = defaultdict(list)
    for debtor_id, person_id in DebtorLink.objects.values_list("debtor_id", "person_id").iterator(chunk_size=READ_CHUNK):
        i = index[debtor_id]
        person_of[i] = person_id
        seeds[person_id].append(i)
    known: set[tuple[int, int]] = set()  # pairs with a candidate row: not queued twice
    rejected: list[tuple[int, int]] = []
    for a, b, status in MatchCandidate.objects.values_list("debtor_a_id", "debtor_b_id", "status").iterator(chunk_size=READ_CHUNK):
        pair = (index[a], index[b])
        known.add(pair)
        if status == CandidateStatus.REJECTED:
            rejected.append(pair)
    rejected_set = set(rejected)

    found = core.candidate_pairs(records)
    progress(f"比較する組 {len(found.pairs):,}（照合キーが多すぎて比較しなかったブロック {found.oversized_blocks:,}）")
    score = core.score
    sure_at, uncertain_at = limits.sure, limits.uncertain
    sure: list[tuple[int, int, int, tuple]] = []
    uncertain: dict[tuple[int, int], tuple[int, tuple]] = {}
    scored = 0
    for pair in found.pairs:
        i, j = pair
        if pair in rejected_set:
            continue
        p = person_of.get(i)
        if p is not None and p == person_of.get(j):
            continue
        points, reasons = score(records[i], records[j])
        scored += 1
        if points >= sure_at:
            sure.append((points, i, j, reasons))
        elif points >= uncertain_at:
            uncertain[pair] = (points, reasons)
    sure.sort(key=lambda s: (-s[0], s[1], s[2]))  # strongest first, then a fixed order: the same run twice agrees
    progress(f"採点 {scored:,}組: 確実 {len(sure):,}、要確認 {len(uncertain):,}")

    clusters = core.cluster(records, [(i, j, points) for points, i, j, _ in sure], seeds=seeds.values(), cannot_link=rejected)
    refused = set(clusters.refused)
    for points, i, j, reasons in sure:
        if (i, j) in refused:
            uncertain[(i, j)] = (points, reasons)
    via: dict[int, tuple[int, int, tuple]] = {}  # newly linked record → the record, points and reasons that brought it in
    for points, i, j, reasons in sure:
        if (i, j) in refused:
            continue
        if i not in person_of and i not in via:
            via[i] = (j, points, reasons)
        if j not in person_of and j not in via:
            via[j] = (i, points, reasons)

    _write_people(records, clusters, person_of, via, progress)
    root = clusters.root
    queue = [
        (records[i].id, records[j].id, points, reasons_json(reasons))
        for (i, j), (points, reasons) in sorted(uncertain.items())
        if (i, j) not in known and root[i] != root[j]
    ]
    _write_candidates(queue, progress)
    result = _count(scored, found.oversized_blocks, time.perf_counter() - started)
    with transaction.atomic():
        audit.record(
            user=None, action="identity.match",
            summary=f"名寄せ: 結び付け {result.linked:,}件、確認待ち {result.queued:,}件、該当なし {result.unmatched:,}件",
            detail=result.as_dict(),
        )
    return result


def _write_people(records, clusters: core.Clusters, person_of: dict[int, int], via: dict, progress) -> None:
    """New people and links, links moved when two people became one; a transaction per chunk."""
    groups = sorted(clusters.members.values(), key=min)
    done = 0
    for chunk in core.iter_chunks(groups, WRITE_CHUNK // 2):
        with transaction.atomic():
            new_groups = [g for g in chunk if not any(i in person_of for i in g)]
            person_ids, _ = insert_rows(Person, [], [()] * len(new_groups))
            target: list[tuple[list[int], int]] = list(zip(new_groups, person_ids))
            moves: dict[int, int] = {}  # old person → the person it is merged into
            for g in chunk:
                existing = sorted({person_of[i] for i in g if i in person_of})
                if existing:
                    target.append((g, existing[0]))
                    for other in existing[1:]:
                        moves[other] = existing[0]
            if moves:
                # Sorted: two runs (or a clerk) moving links lock persons in one order.
                for old, new in sorted(moves.items()):
                    DebtorLink.objects.filter(person_id=old).update(person_id=new)
                Person.objects.filter(pk__in=list(moves)).delete()
            rows = []
            for g, person_id in target:
                for i in g:
                    if i in person_of:
                        continue
                    partner, points, reasons = via[i]
                    rows.append((records[i].id, person_id, records[partner].id, points, reasons_json(reasons), LinkMethod.AUTO))
            insert_rows(DebtorLink, ["debtor_id", "person_id", "via_id", "score", "reasons", "method"], _json_rows(rows, 4), returning=False)
        done += sum(len(g) for g in chunk)
        reset_queries()
        progress(f"結び付け {done:,}件")


def _json_rows(rows: list[tuple], column: int) -> list[tuple]:
    """insert_rows writes plain values: JSON columns go as text (PostgreSQL's COPY casts it)."""
    import json

    return [(*r[:column], json.dumps(r[column], ensure_ascii=False), *r[column + 1:]) for r in rows]


def _write_candidates(queue: list[tuple], progress) -> None:
    for chunk in core.iter_chunks(queue, WRITE_CHUNK):
        with transaction.atomic():
            insert_rows(MatchCandidate, ["debtor_a_id", "debtor_b_id", "score", "reasons", "status"],
                        _json_rows([(*row, CandidateStatus.QUEUED) for row in chunk], 3), returning=False)
        progress(f"確認待ちに追加 {len(chunk):,}組")
    with transaction.atomic():
        # A queued pair that is now one person (linked through others) needs no decision.
        same = DebtorLink.objects.filter(debtor_id=OuterRef("debtor_b_id"), person__links__debtor_id=OuterRef("debtor_a_id"))
        MatchCandidate.objects.filter(status=CandidateStatus.QUEUED).filter(Exists(same)).delete()


def _count(scored: int, oversized: int, seconds: float) -> MatchResult:
    linked = DebtorLink.objects.count()
    queued_ids = MatchCandidate.objects.filter(status=CandidateStatus.QUEUED)
    queued = (
        Debtor.objects.filter(link__isnull=True)
        .filter(Q(Exists(queued_ids.filter(debtor_a_id=OuterRef("pk")))) | Q(Exists(queued_ids.filter(debtor_b_id=OuterRef("pk")))))
        .count()
    )
    total = Debtor.objects.count()
    return MatchResult(linked, queued, total - linked - queued, scored, round(seconds, 2), oversized)


def linked_records(debtor: Debtor) -> list[Debtor]:
    """The other records linked to `debtor` as one person (名寄せ), in id order; [] if none."""
    person_id = DebtorLink.objects.filter(debtor_id=debtor.pk).values_list("person_id", flat=True).first()
    if person_id is None:
        return []
    return list(Debtor.objects.filter(link__person_id=person_id).exclude(pk=debtor.pk).order_by("id"))

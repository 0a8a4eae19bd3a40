"""消込: which instalment (or demand) each record pays, by its keys, set-based.

Keys, in the order they are tried:
- `instalment_id`, or `customer_number` (口座振替: saiken writes the instalment id
  as the 20-digit 顧客番号 in its request files);
- `barcode` (コンビニ): the free field names an instalment, a demand or a 納付書
  (saiken.core.conveni.slip_of);
- `notice_number`, or `el_number` / `納付番号` (eL-QR): the instalment's 通知書番号;
  two instalments with one number are ambiguous and go to a clerk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from saiken.core.conveni import SLIP_DEMAND, SLIP_INSTALMENT, SLIP_NOTICE, slip_of
from saiken.core.formats import MATCH_LABELS, PaymentRecord
from saiken.core.plausibility import id_in_range
from saiken.demands.models import DemandLine
from saiken.ledger.bulk import select_in
from saiken.ledger.models import Instalment
from saiken.slips.models import SlipLine

CHUNK = 5000


@dataclass(frozen=True)
class Match:
    instalment_ids: tuple[int, ...] = ()  # one, or a demand's or a slip's instalments (oldest first)
    demand_id: int | None = None
    slip_id: int | None = None  # a 納付書 (saiken.slips): paid by its lines
    ambiguous: bool = False
    reason: str = ""  # why nothing matched, in Japanese
    outside: bool = False  # matched, but another department's: not posted, left to that department

    @property
    def found(self) -> bool:
        return bool(self.instalment_ids) and not self.ambiguous and not self.outside


def _instalment_key(r: PaymentRecord) -> int | None:
    for name in ("instalment_id", "customer_number"):
        raw = r.match.get(name, "").strip()
        if raw.isascii() and raw.isdigit() and int(raw) > 0:
            return int(raw)
    return None


def slip_of_record(r: PaymentRecord) -> tuple[str, int] | None:
    raw = r.match.get("barcode", "")
    if len(raw) != 44:
        return None
    # The codec has checked the barcode (check digit included); the free field is 9–29.
    return slip_of(raw[8:29])


NOTICE_KEYS = ("notice_number", "納付番号", "el_payment_number")


def notice_of(match: dict) -> str | None:
    """The notice number a record's keys carry (通知書番号, or eL-QR's 納付番号), if any."""
    for name in NOTICE_KEYS:
        raw = str(match.get(name, "")).strip()
        if raw:
            return raw
    return None


def _notice(r: PaymentRecord) -> str | None:
    for name in NOTICE_KEYS:
        raw = r.match.get(name, "").strip()
        if raw:
            return raw
    return None


def match_records(records: Sequence[PaymentRecord], existing: frozenset[int] | None = None) -> dict[int, Match]:
    """Match every record (by its line) in a few queries per chunk. `existing`: instalment
    ids the caller has just read (an import's contract check), not read again."""
    wanted_ids: dict[int, int] = {}
    wanted_demands: dict[int, int] = {}
    wanted_slips: dict[int, int] = {}
    wanted_notices: dict[int, str] = {}
    for r in records:
        iid = _instalment_key(r)
        if iid is not None:
            wanted_ids[r.line] = iid
            continue
        slip = slip_of_record(r)
        if slip is not None:
            kind, ident = slip
            if kind == SLIP_INSTALMENT:
                wanted_ids[r.line] = ident
            elif kind == SLIP_DEMAND:
                wanted_demands[r.line] = ident
            elif kind == SLIP_NOTICE:
                wanted_slips[r.line] = ident
            continue
        notice = _notice(r)
        if notice is not None:
            wanted_notices[r.line] = notice

    known = existing or frozenset()
    existing = set()
    ids = sorted({i for i in wanted_ids.values() if id_in_range(i)})
    existing.update(i for i in ids if i in known)
    ids = [i for i in ids if i not in known]
    for start in range(0, len(ids), CHUNK):
        existing.update(i for (i,) in select_in(Instalment, ("id",), "id", ids[start:start + CHUNK], ordered=False))
    demand_lines: dict[int, list[int]] = defaultdict(list)
    demand_ids = sorted({i for i in wanted_demands.values() if id_in_range(i)})
    for start in range(0, len(demand_ids), CHUNK):
        for demand_id, iid in (
            DemandLine.objects.filter(demand_id__in=demand_ids[start:start + CHUNK])
            .order_by("demand_id", "instalment__due_date", "instalment_id")
            .values_list("demand_id", "instalment_id")
        ):
            demand_lines[demand_id].append(iid)
    slip_lines: dict[int, list[int]] = defaultdict(list)
    slip_ids = sorted({i for i in wanted_slips.values() if id_in_range(i)})
    for start in range(0, len(slip_ids), CHUNK):
        for slip_id, iid in (
            SlipLine.objects.filter(slip_id__in=slip_ids[start:start + CHUNK])
            .order_by("slip_id", "instalment__due_date", "instalment_id")
            .values_list("slip_id", "instalment_id")
        ):
            slip_lines[slip_id].append(iid)
    by_notice: dict[str, list[int]] = defaultdict(list)
    notices = sorted(set(wanted_notices.values()))
    for start in range(0, len(notices), CHUNK):
        for number, iid in Instalment.objects.filter(notice_number__in=notices[start:start + CHUNK]).values_list("notice_number", "id"):
            by_notice[number].append(iid)

    out: dict[int, Match] = {}
    for r in records:
        # An id of 2^63 or more is no key of ours; it is never sent to the database
        # (SQLite cannot bind it), and the record waits for a clerk as unmatched.
        ident = wanted_ids.get(r.line, wanted_demands.get(r.line, wanted_slips.get(r.line)))
        if ident is not None and not id_in_range(ident):
            what = "督促状" if r.line in wanted_demands else "納付書" if r.line in wanted_slips else "調定"
            out[r.line] = Match(reason=f"{what}番号 {ident} は範囲外です（この市の番号ではありません）")
        elif r.line in wanted_ids:
            iid = wanted_ids[r.line]
            out[r.line] = Match((iid,)) if iid in existing else Match(reason=f"調定 {iid} が見つかりません")
        elif r.line in wanted_demands:
            demand_id = wanted_demands[r.line]
            lines = demand_lines.get(demand_id)
            out[r.line] = Match(tuple(lines), demand_id) if lines else Match(reason=f"督促状 {demand_id} が見つかりません")
        elif r.line in wanted_slips:
            slip_id = wanted_slips[r.line]
            lines = slip_lines.get(slip_id)
            out[r.line] = Match(tuple(lines), slip_id=slip_id) if lines else Match(reason=f"納付書 {slip_id} が見つかりません")
        elif r.line in wanted_notices:
            found = by_notice.get(wanted_notices[r.line], [])
            if len(found) == 1:
                out[r.line] = Match((found[0],))
            elif found:
                out[r.line] = Match(tuple(sorted(found)), ambiguous=True, reason=f"通知書番号 {wanted_notices[r.line]} の調定が{len(found)}件あります")
            else:
                out[r.line] = Match(reason=f"通知書番号 {wanted_notices[r.line]} の調定が見つかりません")
        else:
            out[r.line] = Match(reason=no_key_reason(r))
    return out


def no_key_reason(r: PaymentRecord) -> str:
    """Why a record with no usable key matched nothing, naming what it does carry: a
    barcode that is not one of our slips, a 顧客番号 that is not one of our ids, or no
    key at all."""
    barcode = r.match.get("barcode", "").strip()
    if barcode:
        if len(barcode) != 44:
            return f"バーコードが{len(barcode)}桁です（コンビニ収納用バーコードは44桁）"
        # 自由使用欄 (positions 9–29): saiken writes a slip kind and an id there (saiken.core.conveni).
        return f"バーコードの自由使用欄（{barcode[8:29]}）が当市の払込票ではありません"
    for name, label in (("customer_number", "顧客番号"), ("instalment_id", "調定番号")):
        raw = r.match.get(name, "").strip()
        if raw:
            # saiken writes the instalment id, right-aligned in zeros, as the 顧客番号 of its requests.
            return f"{label}（{raw}）が当市の調定番号ではありません"
    present = [k for k, v in r.match.items() if str(v).strip()]
    if present:
        names = "・".join(MATCH_LABELS.get(k, k) for k in present)
        return f"照合キー（{names}）では調定を特定できません（顧客番号・バーコード・通知書番号がありません）"
    return "照合キー（顧客番号・バーコード・通知書番号）がありません"

"""Uploaded files (収納データ・調定データ): the limits they are read with, where they are kept, and for how long.

Limits (settings, see README "Settings a city will want to check"): a file larger than
SAIKEN_UPLOAD_MAX_BYTES, or of more lines/rows than SAIKEN_UPLOAD_MAX_ROWS, or a .xlsx
whose parts would expand beyond SAIKEN_UPLOAD_MAX_UNZIPPED (or more than
SAIKEN_UPLOAD_MAX_RATIO times), is refused before it is parsed (saiken.core.formats.limits).

Keeping: every file a clerk uploads is kept in the document directory (uploads/<SHA-256>.bin,
readable by the service user only) — the preview is confirmed from it, and an auditor can see
what was taken. A file that was taken (the SHA-256 of a posted import) is kept for
SAIKEN_UPLOAD_RETENTION_DAYS days after the import; any other (refused, or previewed and
never confirmed) for SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS days after it was uploaded.
`purge` (the command `saiken purge-uploads`, run nightly) deletes what is past its period
and records it in the audit log. The import history (who took which file, its totals and
errors) stays in the database; only the file goes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from saiken import audit
from saiken.core.formats.limits import Limits, check_size, too_large
from saiken.documents import store

FOLDER = "uploads"
_NAME = re.compile(r"^([0-9a-f]{64})\.bin$")


def limits() -> Limits:
    """The limits of the settings."""
    return Limits(
        max_bytes=settings.SAIKEN_UPLOAD_MAX_BYTES,
        max_rows=settings.SAIKEN_UPLOAD_MAX_ROWS,
        max_unzipped=settings.SAIKEN_UPLOAD_MAX_UNZIPPED,
        max_ratio=settings.SAIKEN_UPLOAD_MAX_RATIO,
    )


def check(upload) -> None:
    """FormatError (in Japanese) for an uploaded file over the size limit — or stopped on its
    way in for it (saiken.web.uploads: the request has no file) — before the file is read."""
    if upload is None:
        raise too_large(limits())
    check_size(upload.size, limits())


def folder() -> Path:
    return store.private_dir(FOLDER)


def is_sha(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", value or ""))


def keep(data: bytes) -> str:
    """Keep an uploaded file (service user only); its SHA-256, by which it is found again."""
    sha = hashlib.sha256(data).hexdigest()
    path = folder() / f"{sha}.bin"
    if not path.exists():
        store.write_private(path, data)
    else:
        path.touch()  # uploaded again: its period starts again
    return sha


def kept(sha: str) -> Path | None:
    """The kept file of this SHA-256, or None."""
    if not is_sha(sha):
        return None
    path = folder() / f"{sha}.bin"
    return path if path.is_file() else None


@dataclass
class Purged:
    taken: list[str] = field(default_factory=list)  # SHA-256 of files of posted imports
    other: list[str] = field(default_factory=list)  # refused or never confirmed

    @property
    def count(self) -> int:
        return len(self.taken) + len(self.other)


def _taken_on(shas: list[str]) -> dict[str, date]:
    """SHA-256 → the day its (latest) posted import took it."""
    from saiken.payments.models import AssessmentImport, PaymentImport

    out: dict[str, date] = {}
    for model in (PaymentImport, AssessmentImport):
        for start in range(0, len(shas), 1000):
            rows = model.objects.filter(sha256__in=shas[start:start + 1000], status=model.Status.POSTED).values_list("sha256", "imported_at")
            for sha, at in rows:
                day = timezone.localtime(at).date()
                out[sha] = max(out.get(sha, day), day)
    return out


def purge(today: date) -> Purged:
    """Delete the kept files past their period on `today`, and record it in the audit log.

    A file taken on day D is kept through D + SAIKEN_UPLOAD_RETENTION_DAYS and deleted from
    the day after; any other file uploaded (last) on day D, through D + SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS."""
    keep_taken = timedelta(days=settings.SAIKEN_UPLOAD_RETENTION_DAYS)
    keep_other = timedelta(days=settings.SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS)
    files = {m.group(1): p for p in folder().iterdir() if (m := _NAME.match(p.name)) and p.is_file()}
    taken = _taken_on(sorted(files))
    out = Purged()
    for sha, path in sorted(files.items()):
        if sha in taken:
            if today > taken[sha] + keep_taken:
                path.unlink(missing_ok=True)
                out.taken.append(sha)
            continue
        uploaded = timezone.localtime(datetime.fromtimestamp(path.stat().st_mtime, tz=dt_timezone.utc)).date()
        if today > uploaded + keep_other:
            path.unlink(missing_ok=True)
            out.other.append(sha)
    audit.record(
        user=None, action="uploads.purge",
        summary=f"保存期間を過ぎた取込ファイル {out.count:,}件を削除（取込済 {len(out.taken):,}件、取込なし・エラー {len(out.other):,}件）",
        detail={
            "on": today.isoformat(), "taken": out.taken, "other": out.other,
            "retention_days": settings.SAIKEN_UPLOAD_RETENTION_DAYS, "refused_retention_days": settings.SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS,
        },
    )
    return out

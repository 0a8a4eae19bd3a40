"""Generated files live in the document directory (SAIKEN_DOCUMENT_DIR), and a record names
one only by the name the system gave it there.

A model never holds a path a user could set: `stored_name` turns the path of a file the
system has just written into its name under the directory (e.g. ``bank/refunds-20260610-101500.txt``),
and a download asks `open_stored` for it, which refuses anything that is not such a name
(an absolute path, ``..``, a name outside the expected folder or pattern) or that resolves
outside the directory (a symbolic link). So setting a record's file to the database file, or
to /etc/passwd, gets a refusal, never the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404

# A generated name: folders and file names of letters, digits, '-', '_' and one '.' suffix.
_NAME = re.compile(r"^(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)?$")


class NotStored(Http404):
    """The name is not one of the system's generated files (answered as 404, the same for every such name)."""


def root() -> Path:
    return Path(settings.SAIKEN_DOCUMENT_DIR).resolve()


def stored_name(path: Path | str) -> str:
    """The name under the document directory of a file the system has just written there."""
    name = Path(path).resolve().relative_to(root()).as_posix()
    if not _NAME.match(name):
        raise ValueError(f"generated file name not allowed: {name!r}")
    return name


def resolve(name: str, *, folder: str = "", prefix: str = "") -> Path:
    """The file `name` names in `folder` of the document directory ("" for the directory
    itself), its file name starting with `prefix`, or NotStored.

    Names written before the document directory kept relative names (absolute paths inside
    the directory) are taken when they resolve inside it; anything else is refused."""
    if not name:
        raise NotStored("ファイルがありません。")
    base = root()
    candidate = Path(name)
    if candidate.is_absolute():
        try:
            name = candidate.resolve().relative_to(base).as_posix()
        except (ValueError, OSError):
            raise NotStored("ファイルがありません。") from None
    if not _NAME.match(name):
        raise NotStored("ファイルがありません。")
    parts = name.split("/")
    if parts[:-1] != [p for p in folder.split("/") if p] or not parts[-1].startswith(prefix):
        raise NotStored("ファイルがありません。")
    path = (base / name).resolve()
    if not path.is_relative_to(base) or path.parent != base.joinpath(*parts[:-1]) or not path.is_file():
        raise NotStored("ファイルがありません。")
    return path


# ---- Writing: generated files and kept uploads are the service user's only -----------------
# They hold names, addresses, amounts and account numbers: mode 0600 for files and 0700 for
# the folders the system makes, whatever the process's umask.

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(folder: str = "") -> Path:
    """A folder of the document directory ("" for the directory itself), made if missing (0700)."""
    path = Path(settings.SAIKEN_DOCUMENT_DIR).joinpath(*[p for p in folder.split("/") if p])
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def private_file(path: Path | str) -> Path:
    """Create (or empty) `path` readable and writable by the service user only, for a writer
    that opens it by name (a PDF renderer): an emptied file keeps its mode 0600."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)  # a file that existed keeps its old mode otherwise
    return path


def write_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path`, readable and writable by the service user only."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, FILE_MODE)  # a file that existed keeps its old mode otherwise
    return path

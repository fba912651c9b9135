"""Atomic file output: write to a temporary name in the same folder, then rename.

A reader never sees a half-written file, and an interrupted run leaves only the old file
(or none), never a truncated one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mtqa.errors import OutputError

_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(doc_id: str) -> str:
    """A folder name from a document id that cannot leave the output folder."""
    name = _SAFE_RE.sub("_", doc_id).strip("._") or "doc"
    return name[:80]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders."""
    p = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as exc:
        raise OutputError(f"{p.parent}: cannot write here ({exc.strerror or exc})") from None
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{p}: cannot write ({exc.strerror or exc})") from None
        raise


def remove_stale_temp_files(folder: str | Path) -> int:
    """Delete temporary files that a killed run (SIGKILL, power loss) left in ``folder``."""
    n = 0
    p = Path(folder)
    if p.is_dir():
        for f in p.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                f.unlink()
                n += 1
    return n


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """JSON Lines text, UTF-8 characters kept as they are."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def check_writable_dir(path: str | Path) -> Path:
    """Create ``path`` if needed and make sure files can be written in it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mtqa-probe.", dir=p)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"{p}: output folder is not writable ({exc.strerror or exc})") from None
    return p

"""Atomic file output: write to a temporary name in the same folder, then rename.

A reader never sees a half-written file, and an interrupted run leaves only the old file
(or none), never a truncated one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mtqa.errors import OutputError


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

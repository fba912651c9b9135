"""The corpus-level view of an output folder: ``DIR/index.csv`` and ``DIR/index.html``.

One row per document folder ``DIR/<doc-id>/`` that holds a ``summary.json`` (finished or
failed), sorted by folder name. Both files are rebuilt from those summaries alone, so a
batch that was killed and resumed gives the same index as one that ran straight through,
and no document is ever listed twice. Written atomically. Document text and error messages
are untrusted: CSV cells are neutralised like the score sheet's, the HTML is autoescaped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.errors import MtqaError
from mtqa.io import atomic_write
from mtqa.report.html import template_env

BASE_KINDS = ("switch", "truncation", "merge", "duplication", "untranslated", "mojibake")


@dataclass
class IndexRow:
    """One document of the index, read from its ``summary.json``."""

    folder: str
    doc: str
    status: str  # done | failed | unreadable
    source: str = ""
    spans: int = 0
    spans_per_kind: dict[str, int] = field(default_factory=dict)
    passages: int = 0
    scored: int = 0
    chrf_before: float | None = None
    chrf_after: float | None = None
    qe_before: float | None = None
    qe_after: float | None = None
    remaining_spans: int = 0
    seconds: float | None = None
    error: str = ""
    has_report: bool = False


def read_rows(out_dir: str | Path) -> list[IndexRow]:
    """Every document folder of ``out_dir`` with a ``summary.json``, by folder name."""
    from mtqa.record import DocumentSummary

    root = Path(out_dir)
    rows = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []
    for folder in folders:
        path = folder / "summary.json"
        if not path.is_file():
            continue  # never finished (a killed run): not a document of the index yet
        try:
            s = DocumentSummary.read(path)
        except MtqaError as exc:
            rows.append(IndexRow(folder.name, folder.name, "unreadable", error=str(exc)))
            continue
        rows.append(
            IndexRow(
                folder=folder.name,
                doc=s.doc,
                status=s.status,
                source=s.source,
                spans=s.spans,
                spans_per_kind=dict(s.spans_per_kind),
                passages=s.passages,
                scored=s.scored,
                chrf_before=s.chrf_before,
                chrf_after=s.chrf_after,
                qe_before=s.qe_before,
                qe_after=s.qe_after,
                remaining_spans=s.remaining_spans,
                seconds=s.timings_s.get("total"),
                error=s.error or "",
                has_report=s.status == "done" and (folder / "report.html").is_file(),
            )
        )
    return rows


def kinds_of(rows: list[IndexRow]) -> list[str]:
    """The detector's kinds, then any other kind a summary counts (sorted): stable columns."""
    extra = sorted({k for r in rows for k in r.spans_per_kind} - set(BASE_KINDS))
    return [*BASE_KINDS, *extra]


def columns(kinds: list[str]) -> list[str]:
    return [
        "doc",
        "folder",
        "status",
        "spans",
        *(f"spans_{k}" for k in kinds),
        "passages",
        "scored",
        "chrf_before",
        "chrf_after",
        "qe_before",
        "qe_after",
        "remaining_spans",
        "seconds",
        "error",
        "source",
    ]


def _cell(v: Any) -> Any:
    return "" if v is None else v


def index_csv(rows: list[IndexRow]) -> str:
    """CSV text (RFC 4180 quoting, UTF-8 with a BOM), cells neutralised against formulas."""
    from mtqa.report.sheet import safe_cell

    kinds = kinds_of(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns(kinds), lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        d: dict[str, Any] = {
            "doc": r.doc,
            "folder": r.folder,
            "status": r.status,
            "spans": r.spans,
            "passages": r.passages,
            "scored": r.scored,
            "chrf_before": r.chrf_before,
            "chrf_after": r.chrf_after,
            "qe_before": r.qe_before,
            "qe_after": r.qe_after,
            "remaining_spans": r.remaining_spans,
            "seconds": r.seconds,
            "error": r.error,
            "source": r.source,
        }
        d.update({f"spans_{k}": r.spans_per_kind.get(k, 0) for k in kinds})
        if r.status != "done":  # a failed document has no counts, not zero counts
            d.update({k: None for k in d if k.startswith("spans") or k in ("passages", "scored", "remaining_spans")})
        w.writerow({k: safe_cell(_cell(v)) for k, v in d.items()})
    return "\ufeff" + buf.getvalue()


def _weighted(pairs: list[tuple[float | None, int]]) -> float | None:
    pts = [(v, n) for v, n in pairs if v is not None and n > 0]
    total = sum(n for _, n in pts)
    return round(sum(v * n for v, n in pts) / total, 2) if total else None


def totals(rows: list[IndexRow]) -> dict[str, Any]:
    """Corpus-level figures over the finished documents."""
    done = [r for r in rows if r.status == "done"]
    return {
        "documents": len(rows),
        "done": len(done),
        "failed": len(rows) - len(done),
        "spans": sum(r.spans for r in done),
        "passages": sum(r.passages for r in done),
        "scored": sum(r.scored for r in done),
        "remaining_spans": sum(r.remaining_spans for r in done),
        # per-document corpus chrF, weighted by scored passages; QE means weighted by passages
        "chrf_before": _weighted([(r.chrf_before, r.scored) for r in done]),
        "chrf_after": _weighted([(r.chrf_after, r.scored) for r in done]),
        "qe_before": _weighted([(r.qe_before, r.passages) for r in done]),
        "qe_after": _weighted([(r.qe_after, r.passages) for r in done]),
        "seconds": round(sum(r.seconds or 0.0 for r in rows), 1),
    }


def index_html(rows: list[IndexRow], title: str = "mtqa index") -> str:
    """One self-contained page: corpus totals and a row per document linking its report."""
    page = template_env().get_template("index.html.j2")
    return page.render(rows=rows, kinds=kinds_of(rows), t=totals(rows), title=title)


def write_index(out_dir: str | Path) -> list[IndexRow]:
    """Rebuild ``index.csv`` and ``index.html`` of ``out_dir`` from its documents' summaries."""
    root = Path(out_dir)
    rows = read_rows(root)
    atomic_write(root / "index.csv", index_csv(rows))
    atomic_write(root / "index.html", index_html(rows, f"mtqa index: {root.name or root}"))
    return rows

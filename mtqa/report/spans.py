"""Span listings for ``mtqa detect``: a terminal table, JSON Lines and TSV."""

from __future__ import annotations

import unicodedata

from mtqa.detect import Detection
from mtqa.io import jsonl

TSV_COLUMNS = ("doc", "start", "end", "kind", "severity", "confidence", "rule", "text", "note")


def tsv_cell(value: object) -> str:
    """A TSV cell: tabs, newlines and backslashes escaped as ``\\t``, ``\\n``, ``\\\\``."""
    s = str(value)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def spans_jsonl(doc_id: str, det: Detection) -> str:
    return jsonl(s.to_dict(doc_id) for s in det.spans)


def spans_tsv(doc_id: str, det: Detection, header: bool = True) -> str:
    lines = ["\t".join(TSV_COLUMNS)] if header else []
    for s in det.spans:
        d = s.to_dict(doc_id)
        lines.append("\t".join(tsv_cell(d[c]) for c in TSV_COLUMNS))
    return "".join(line + "\n" for line in lines)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _clip(s: str, width: int) -> str:
    s = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    out, w = [], 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            out.append("…")
            break
        out.append(c)
        w += cw
    return "".join(out)


def spans_table(doc_id: str, det: Detection, source: str = "", encoding: str = "", text_width: int = 48) -> str:
    """A table a person reads in a terminal, with a one-line header per document."""
    dom = det.dominance
    lang = dom.language or "none (bilingual)"
    shares = ", ".join(f"{k} {v:.0%}" for k, v in dom.shares.items())
    head = f"== {doc_id}  {source}  [{encoding}]  dominant: {lang} ({shares})  spans: {len(det.spans)}"
    rows = [head]
    if det.spans:
        rows.append(f"{'start':>6} {'end':>6}  {'kind':12} {'sev':5} {'conf':>4}  {'rule':21} text")
    for s in det.spans:
        rows.append(
            f"{s.start:>6} {s.end:>6}  {s.kind:12} {s.severity:5} {s.confidence:4.2f}  {s.rule:21} "
            f"{_clip(s.text, text_width)}"
        )
    counts: dict[str, int] = {}
    for s in det.spans:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    if counts:
        rows.append("   " + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())))
    return "\n".join(rows) + "\n"

"""A document's summary (``summary.json``), its one-line headline, and writing every output."""

from __future__ import annotations

import json
import resource
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa import __version__
from mtqa.document import Document
from mtqa.io import atomic_write, jsonl, safe_name
from mtqa.record import CorpusScore, DocumentSummary, PassageRecord
from mtqa.score import signatures
from mtqa.translate.prompt import PROMPT_VERSION


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 2) if xs else None


def fill_scores(s: DocumentSummary, records: Sequence[PassageRecord], corpus: list[CorpusScore]) -> None:
    """The score fields of a summary, from scored records (shared by ``run`` and ``report``)."""
    s.scored = sum(r.scored for r in records)
    s.no_reference = dict(sorted(Counter(_reason_key(r.no_reference) for r in records if not r.scored).items()))
    s.corpus_scores = corpus
    s.sentence_signatures = {c.lang: signatures(c.lang, sentence=True) for c in corpus}
    main = next((c for c in corpus if c.lang == s.dominant_language), None)
    s.chrf_before = round(main.before.chrf, 2) if main else None
    s.chrf_after = round(main.after.chrf, 2) if main else None
    s.qe_before = _mean([r.qe_before.qe for r in records if r.qe_before is not None])
    s.qe_after = _mean([r.qe_after.qe for r in records if r.qe_after is not None])
    s.repair_methods = dict(sorted(Counter(r.repair_method for r in records).items()))
    s.flagged_passages = sum(1 for r in records if r.flags)


def _reason_key(reason: str | None) -> str:
    """A short category for a no-reference reason (the reason itself is on the passage's row)."""
    text = reason or ""
    if "hold no" in text:
        return "the references hold no text in the document's language"
    if "runner-up by" in text:
        return "best match not clear of the runner-up"
    if "length ratio" in text and "outside" in text:
        return "length ratio out of range"
    if "chrF" in text or "cosine" in text:
        return "no reference sentence close enough"
    return "no reference found"


def build_summary(
    doc: Document,
    det: Any,
    records: Sequence[PassageRecord],
    corpus: list[CorpusScore],
    remaining: Sequence[Any],
    timings: dict[str, float],
    fingerprint: str,
    translator: Any = None,
    qe_level: str | None = None,
) -> DocumentSummary:
    spans = det.spans
    s = DocumentSummary(
        doc=doc.doc_id,
        source=doc.source,
        status="done",
        encoding=doc.encoding,
        chars=len(doc.text),
        dominant_language=det.dominance.language,
        spans=len(spans),
        spans_per_kind=dict(sorted(Counter(x.kind for x in spans).items())),
        spans_per_rule=dict(sorted(Counter(x.rule for x in spans).items())),
        passages=len(records),
        qe_level=qe_level,
        remaining_spans=len(remaining),
        remaining_spans_per_kind=dict(sorted(Counter(x.kind for x in remaining).items())),
        remaining_ratio=round(len(remaining) / len(spans), 3) if spans else 0.0,
        engine=getattr(translator, "name", None),
        model=getattr(getattr(translator, "resolved", None), "label", None) or getattr(translator, "label", None),
        model_sha256=getattr(translator, "model_id", None) if translator is not None else None,
        prompt_version=PROMPT_VERSION,
        timings_s={k: round(v, 2) for k, v in timings.items()},
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        mtqa_version=__version__,
        fingerprint=fingerprint,
    )
    if s.dominant_language is None and records:
        s.dominant_language = records[0].target_lang
    fill_scores(s, records, corpus)
    return s


def write_outputs(
    folder: Path,
    doc: Document,
    spans: Sequence[Any],
    records: Sequence[PassageRecord],
    repaired_text: str,
    summary: DocumentSummary,
) -> None:
    """Every output of one document, each atomically, ``summary.json`` last."""
    atomic_write(folder / "source.txt", doc.text)
    atomic_write(folder / "spans.jsonl", jsonl(s.to_dict(doc.doc_id) for s in spans))
    atomic_write(folder / f"{safe_name(doc.doc_id)}.repaired.txt", doc.encode(repaired_text))
    write_views(folder, doc.text, [s.to_dict(doc.doc_id) for s in spans], records, summary)


def write_views(
    folder: Path, text: str, spans: list[dict[str, Any]], records: Sequence[PassageRecord], summary: DocumentSummary
) -> None:
    """passages.jsonl, sheet.csv, report.html and summary.json (last): what ``report`` rebuilds."""
    from mtqa.report.html import render_html
    from mtqa.report.sheet import sheet_csv

    atomic_write(folder / "passages.jsonl", jsonl(r.to_json() for r in records))
    atomic_write(folder / "sheet.csv", sheet_csv(records))
    atomic_write(folder / "report.html", render_html(text, spans, records, summary))
    atomic_write(folder / "summary.json", json.dumps(summary.to_json(), ensure_ascii=False, indent=2) + "\n")


def _arrow(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "n/a"
    return f"{before:.1f} -> {after:.1f}"


def run_line(s: DocumentSummary, folder: Path | str, skipped: bool = False) -> str:
    """``002: 48 spans, 27 passages, 3 scored (chrF 12.0 -> 80.5), QE 41.2 -> 77.9, 2 spans left (4%) -> DIR/ [133s]``."""
    if s.status != "done":
        return f"{s.doc}: FAILED: {s.error}"
    state = "already done" if skipped else f"{s.timings_s.get('total', 0.0):.0f}s"
    scored = f"{s.scored} scored against a reference"
    if s.scored:
        scored += f" (chrF {_arrow(s.chrf_before, s.chrf_after)})"
    qe = f", QE {_arrow(s.qe_before, s.qe_after)}" if s.qe_before is not None else ""
    return (
        f"{s.doc}: {s.spans} spans, {s.passages} passages, {scored}{qe}, "
        f"{s.remaining_spans} spans left ({s.remaining_ratio:.0%}) -> {folder}/ [{state}]"
    )

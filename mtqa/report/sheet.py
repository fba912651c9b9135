"""The QA score sheet: one CSV row per passage, for people (spreadsheets) and machines.

Scores are against the reference in the document's dominant language (``target_lang``); a
passage without one has empty score cells and the reason in ``no_reference``. ``qe_before`` /
``qe_after`` (reference-free, 0-100, the passage and its repair on one scale) are filled for
every row; ``qe_translation`` (bilingual: the repair against the text it was translated from)
for rows repaired by translation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from mtqa.record import PassageRecord

COLUMNS = (
    "passage_id",
    "start",
    "end",
    "kinds",
    "severity",
    "lang",
    "target_lang",
    "original",
    "repaired",
    "repair_method",
    "repair_reason",
    "ref_doc",
    "ref_text",
    "ref_via",
    "ref_score",
    "no_reference",
    "bleu_before",
    "bleu_after",
    "chrf_before",
    "chrf_after",
    "ter_before",
    "ter_after",
    "qe_before",
    "qe_after",
    "qe_translation",
    "flags",
    "rendering",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (a leading ``'``); numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _num(x: float | None) -> Any:
    return "" if x is None else round(x, 2)


def sheet_row(r: PassageRecord) -> dict[str, Any]:
    ref, b, a = r.reference, r.before, r.after
    return {
        "passage_id": r.passage_id,
        "start": r.start,
        "end": r.end,
        "kinds": ";".join(r.kinds),
        "severity": r.severity,
        "lang": r.lang,
        "target_lang": r.target_lang,
        "original": r.original,
        "repaired": r.repaired,
        "repair_method": r.repair_method,
        "repair_reason": r.repair_reason,
        "ref_doc": ref.doc if ref else "",
        "ref_text": ref.text if ref else "",
        "ref_via": ref.via if ref else "",
        "ref_score": _num(ref.score) if ref else "",
        "no_reference": r.no_reference or "",
        "bleu_before": _num(b.bleu) if b else "",
        "bleu_after": _num(a.bleu) if a else "",
        "chrf_before": _num(b.chrf) if b else "",
        "chrf_after": _num(a.chrf) if a else "",
        "ter_before": _num(b.ter) if b else "",
        "ter_after": _num(a.ter) if a else "",
        "qe_before": _num(r.qe_before.qe) if r.qe_before else "",
        "qe_after": _num(r.qe_after.qe) if r.qe_after else "",
        "qe_translation": _num(r.qe_translation.qe) if r.qe_translation else "",
        "flags": ";".join(sorted(set(r.flags))),
        "rendering": r.rendering or "",
    }


def sheet_csv(records: Sequence[PassageRecord]) -> str:
    """CSV text (RFC 4180 quoting, UTF-8 with a BOM so spreadsheet programs read Chinese)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for r in records:
        w.writerow({k: safe_cell(v) for k, v in sheet_row(r).items()})
    return "\ufeff" + buf.getvalue()

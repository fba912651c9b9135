"""The QA score sheet: one CSV row per passage, for people (spreadsheets) and machines."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "passage_id",
    "start",
    "end",
    "kinds",
    "severity",
    "original",
    "repaired",
    "rendering",
    "ref_doc",
    "ref_text",
    "bleu_before",
    "bleu_after",
    "chrf_before",
    "chrf_after",
    "ter_before",
    "ter_after",
    "flags",
    "align_method",
    "align_score",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (a leading ``'``); numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sheet_rows(passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for p in passages:
        before, after = p.get("scores_before") or {}, p.get("scores_after") or {}
        flags = list(p.get("signals", {}).get("mt_flags", []))
        if p.get("kept_original"):
            flags.append("kept_original")
        rows.append(
            {
                "passage_id": p["passage_id"],
                "start": p["start"],
                "end": p["end"],
                "kinds": ";".join(p["kinds"]),
                "severity": p["severity"],
                "original": p["original"],
                "repaired": p["repaired"],
                "rendering": p["rendering"],
                "ref_doc": p.get("ref_doc") or "",
                "ref_text": p.get("ref_text") or "",
                "bleu_before": before.get("bleu", ""),
                "bleu_after": after.get("bleu", ""),
                "chrf_before": before.get("chrf", ""),
                "chrf_after": after.get("chrf", ""),
                "ter_before": before.get("ter", ""),
                "ter_after": after.get("ter", ""),
                "flags": ";".join(flags),
                "align_method": p.get("align_method", ""),
                "align_score": p.get("align_score", ""),
            }
        )
    return rows


def sheet_csv(passages: list[dict[str, Any]]) -> str:
    """CSV text (RFC 4180 quoting, UTF-8 with a BOM so spreadsheet programs read Chinese)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for row in sheet_rows(passages):
        w.writerow({k: safe_cell(v) for k, v in row.items()})
    return "\ufeff" + buf.getvalue()

"""``report.html``: one self-contained page a reviewer reads (no scripts, no network).

Rendered from a jinja2 template with autoescaping: every piece of document text and every
value read back from JSONL reaches the page escaped. Charts are inline SVG built from numbers
here and drawn by the template, so no markup is ever assembled from document text.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from mtqa.record import DocumentSummary, PassageRecord

COLOURS = {
    "switch": "#f4a3a3",
    "truncation": "#f7c58b",
    "merge": "#b9d98c",
    "duplication": "#a9d4f5",
    "untranslated": "#e8e2a0",
    "mojibake": "#d7b4f0",
    "semantic": "#c9c9c9",
}
PRIORITY = ("switch", "truncation", "mojibake", "merge", "duplication", "untranslated", "semantic")
SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}


@cache
def template_env():
    """The jinja2 environment of every mtqa page: autoescaped, strict about undefined names."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("mtqa.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Piece:
    """A run of text and how to mark it (``kind``/``op`` are CSS class names, never document text)."""

    text: str
    cls: str = ""
    title: str = ""


def highlight(text: str, spans: Sequence[dict[str, Any]]) -> list[Piece]:
    """The document cut at span boundaries; covered pieces carry the top kind and a tooltip."""
    cuts = {0, len(text)}
    ok = [s for s in spans if 0 <= s["start"] < s["end"] <= len(text)]
    for s in ok:
        cuts.update((s["start"], s["end"]))
    out = []
    for a, b in itertools.pairwise(sorted(cuts)):
        cover = [s for s in ok if s["start"] <= a and b <= s["end"]]
        if not cover:
            out.append(Piece(text[a:b]))
            continue
        top = min(cover, key=lambda s: PRIORITY.index(s["kind"]) if s["kind"] in PRIORITY else len(PRIORITY))
        tip = "\n".join(
            f"{s['kind']} ({s.get('severity', '')}) · rule {s.get('rule', '')} · confidence {s.get('confidence', '')}"
            + (f" · {s['note']}" if s.get("note") else "")
            for s in cover
        )
        kind = top["kind"] if top["kind"] in COLOURS else "other"
        out.append(Piece(text[a:b], f"k-{kind}", tip))
    return out


def diff_pieces(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """Character-level diff: the original with deletions marked, the repair with insertions."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    a_out, b_out = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            a_out.append(Piece(old[i1:i2]))
            b_out.append(Piece(new[j1:j2]))
            continue
        if i2 > i1:
            a_out.append(Piece(old[i1:i2], "del"))
        if j2 > j1:
            b_out.append(Piece(new[j1:j2], "ins"))
    return a_out, b_out


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    cls: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    title: str


def paired_bars(items: Sequence[tuple[str, float | None, float | None]], title: str, vmax: float = 100.0) -> Chart:
    """A horizontal chart: one row per item, a 'before' and an 'after' bar."""
    row, left, width = 22, 90, 520
    height = 30 + row * len(items)
    bars, labels = [], [Label(left, 14, title)]
    for i, (name, before, after) in enumerate(items):
        y = 24 + i * row
        labels.append(Label(left - 6, y + 12, name, "end"))
        for k, (v, cls) in enumerate(((before, "before"), (after, "after"))):
            if v is None:
                continue
            w = max(1.0, width * max(0.0, min(v, vmax)) / vmax)
            bars.append(Bar(left, y + k * 9, round(w, 1), 8, cls, f"{name} {cls}: {v:.1f}"))
        if after is not None:
            labels.append(Label(left + width + 6, y + 15, f"{after:.0f}"))
    return Chart(left + width + 40, height, bars, labels, title)


def count_bars(counts: dict[str, int], title: str) -> Chart:
    """A horizontal chart of counts (spans per kind), one bar per key."""
    row, left, width = 22, 90, 400
    items = list(counts.items())
    vmax = max([c for _, c in items] or [1])
    bars, labels = [], [Label(left, 14, title)]
    for i, (name, c) in enumerate(items):
        y = 24 + i * row
        kind = name if name in COLOURS else "other"
        labels.append(Label(left - 6, y + 12, name, "end"))
        bars.append(Bar(left, y, round(max(1.0, width * c / vmax), 1), 14, f"k-{kind}", f"{name}: {c}"))
        labels.append(Label(left + width * c / vmax + 6, y + 12, str(c)))
    return Chart(left + width + 60, 30 + row * len(items), bars, labels, title)


def _order(r: PassageRecord) -> tuple:
    """Worst first: lowest QE after repair, then severity, then position."""
    qe = r.qe_after.qe if r.qe_after is not None else 101.0
    return (qe, SEVERITY_RANK.get(r.severity, 3), r.start)


def render_html(
    text: str, spans: Sequence[dict[str, Any]], records: Sequence[PassageRecord], summary: DocumentSummary
) -> str:
    ordered = sorted(records, key=_order)
    rows = []
    for r in ordered:
        old, new = diff_pieces(r.original, r.repaired)
        rows.append({"r": r, "old": old, "new": new})
    qe_chart = paired_bars(
        [
            (
                r.passage_id.rsplit("-", 1)[-1],
                r.qe_before.qe if r.qe_before else None,
                r.qe_after.qe if r.qe_after else None,
            )
            for r in records
        ],
        "QE per passage (0-100, higher is better): before / after repair",
    )
    chrf_chart = paired_bars(
        [(r.passage_id.rsplit("-", 1)[-1], r.before.chrf, r.after.chrf) for r in records if r.before and r.after],
        f"chrF against the {summary.dominant_language} reference: before / after repair",
    )
    kinds_before = summary.spans_per_kind
    kinds_after = summary.remaining_spans_per_kind
    all_kinds = sorted(set(kinds_before) | set(kinds_after))
    return (
        template_env()
        .get_template("report.html.j2")
        .render(
            s=summary,
            rows=rows,
            doc=highlight(text, spans),
            colours=COLOURS,
            qe_chart=qe_chart if any(r.qe_after for r in records) else None,
            chrf_chart=chrf_chart if chrf_chart.bars else None,
            span_chart=count_bars(kinds_before, "spans per kind (detected)") if kinds_before else None,
            kinds=[(k, kinds_before.get(k, 0), kinds_after.get(k, 0)) for k in all_kinds],
        )
    )

"""``report.html``: one self-contained page a reviewer reads.

The document with spans highlighted by kind (legend, tooltips with rule and confidence), a
before/after table per passage with scores, and the summary. Every piece of document text,
and every value read back from JSONL, is escaped: nothing from a document is markup.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

COLOURS = {
    "switch": "#f4a3a3",
    "truncation": "#f7c58b",
    "merge": "#b9d98c",
    "duplication": "#a9d4f5",
    "untranslated": "#e8e2a0",
    "mojibake": "#d7b4f0",
}
PRIORITY = ("switch", "truncation", "mojibake", "merge", "duplication", "untranslated")
_CLASS_RE = re.compile(r"[^a-z]")

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2em}
pre.doc{white-space:pre-wrap;font-family:inherit;line-height:1.8;border:1px solid #ddd;padding:1em;background:#fcfcfc}
mark{border-radius:3px;padding:0 1px;color:inherit}
.legend span{display:inline-block;margin-right:1em;padding:0 .4em;border-radius:3px}
table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border:1px solid #ddd;padding:.35em;vertical-align:top;text-align:left}
th{background:#f2f2f2} td.num{text-align:right;white-space:nowrap}
.up{color:#1a7f37} .down{color:#b42318} .muted{color:#777} code{font-size:.85em}
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _kind_class(kind: str) -> str:
    return "k-" + (_CLASS_RE.sub("", str(kind).lower()) or "other")


def _highlight(text: str, spans: list[dict[str, Any]]) -> str:
    cuts = {0, len(text)}
    for s in spans:
        if 0 <= s["start"] < s["end"] <= len(text):
            cuts.update((s["start"], s["end"]))
    points = sorted(cuts)
    out = []
    for a, b in itertools.pairwise(points):
        cover = [s for s in spans if s["start"] <= a and b <= s["end"]]
        seg = e(text[a:b])
        if not cover:
            out.append(seg)
            continue
        top = min(cover, key=lambda s: PRIORITY.index(s["kind"]) if s["kind"] in PRIORITY else len(PRIORITY))
        tip = "\n".join(
            f"{s['kind']} ({s.get('severity', '')}) · rule {s.get('rule', '')} · confidence {s.get('confidence', '')}"
            + (f" · {s['note']}" if s.get("note") else "")
            for s in cover
        )
        out.append(f'<mark class="{_kind_class(top["kind"])}" title="{e(tip)}">{seg}</mark>')
    return "".join(out)


def _delta(before: Any, after: Any, higher_is_better: bool = True) -> str:
    if before in (None, "") or after in (None, ""):
        return '<span class="muted">–</span>'
    better = after > before if higher_is_better else after < before
    worse = after < before if higher_is_better else after > before
    cls = "up" if better else "down" if worse else "muted"
    return f'{e(before)} → <span class="{cls}">{e(after)}</span>'


def render_html(text: str, spans: list[dict[str, Any]], passages: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    css = CSS + "".join(f".{_kind_class(k)}{{background:{c}}}" for k, c in COLOURS.items())
    legend = "".join(f'<span class="{_kind_class(k)}">{e(k)}</span>' for k in COLOURS)
    rows = []
    for p in passages:
        b, a = p.get("scores_before") or {}, p.get("scores_after") or {}
        ref = (
            f'{e(p.get("ref_doc"))}: {e(p.get("ref_text"))}<br><span class="muted">{e(p.get("align_method"))} '
            f"{e(p.get('align_score'))}</span>"
            if p.get("ref_text")
            else '<span class="muted">no reference</span>'
        )
        flags = list((p.get("signals") or {}).get("mt_flags", [])) + (
            ["kept original"] if p.get("kept_original") else []
        )
        rows.append(
            "<tr>"
            f"<td>{e(p.get('passage_id'))}<br><span class='muted'>{e(p.get('start'))}–{e(p.get('end'))}</span></td>"
            f"<td>{e(', '.join(map(str, p.get('kinds', []))))}<br><span class='muted'>{e(p.get('severity'))}</span></td>"
            f"<td>{e(p.get('original'))}</td><td>{e(p.get('repaired'))}</td><td>{e(p.get('rendering'))}</td>"
            f"<td>{ref}</td>"
            f"<td class='num'>BLEU {_delta(b.get('bleu'), a.get('bleu'))}<br>chrF {_delta(b.get('chrf'), a.get('chrf'))}"
            f"<br>TER {_delta(b.get('ter'), a.get('ter'), False)}</td>"
            f"<td>{e(', '.join(map(str, flags)))}</td></tr>"
        )
    corpus_rows = []
    for lang, c in (summary.get("corpus_scores") or {}).items():
        sig = c.get("signatures", {})
        for m in ("bleu", "chrf", "ter"):
            corpus_rows.append(
                f"<tr><td>{e(lang)}</td><td>{e(m)}</td><td class='num'>"
                f"{_delta(c['before'].get(m), c['after'].get(m), m != 'ter')}</td><td>{e(c.get('passages'))}</td>"
                f"<td><code>{e(sig.get(m))}</code></td></tr>"
            )
    facts = [
        ("document", summary.get("doc")),
        ("source", summary.get("source")),
        ("encoding", summary.get("encoding")),
        ("dominant language", summary.get("dominant_language")),
        ("spans", summary.get("spans")),
        ("spans per kind", summary.get("spans_per_kind")),
        ("passages", summary.get("passages")),
        ("aligned to a reference", summary.get("aligned")),
        ("mean chrF before → after (aligned)", f"{summary.get('mean_chrf_before')} → {summary.get('mean_chrf_after')}"),
        (
            "spans left in the repaired text",
            f"{summary.get('remaining_spans')} ({summary.get('remaining_spans_per_kind')})",
        ),
        ("engine / model", f"{summary.get('engine')} / {summary.get('model')}"),
        ("model SHA-256", summary.get("model_sha256")),
        ("timings (s)", summary.get("timings_s")),
        ("peak memory (MB)", summary.get("peak_rss_mb")),
    ]
    facts_html = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    title = f"mtqa report: {summary.get('doc', '')}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style></head><body>
<h1>{e(title)}</h1>
<h2>Summary</h2><table>{facts_html}</table>
<h2>Corpus-level scores over aligned passages</h2>
<table><tr><th>ref language</th><th>metric</th><th>before → after</th><th>passages</th><th>sacrebleu signature</th></tr>
{"".join(corpus_rows) or '<tr><td colspan="5" class="muted">no passage aligned to a reference</td></tr>'}</table>
<h2>Document</h2><p class="legend">{legend} <span class="muted">(hover a highlight for rule and confidence)</span></p>
<pre class="doc">{_highlight(text, spans)}</pre>
<h2>Passages</h2>
<table><tr><th>passage</th><th>kinds</th><th>original</th><th>repaired</th><th>rendering</th><th>reference</th>
<th>scores before → after</th><th>flags</th></tr>
{"".join(rows)}</table>
<p class="muted">Generated by mtqa {e(summary.get("mtqa_version"))}.</p>
</body></html>
"""

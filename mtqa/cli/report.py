"""``mtqa report``: rebuild sheet.csv, summary scores and report.html from a run's JSONL files.

For users who bring their own translations: edit ``repaired`` / ``rendering`` in
passages.jsonl, then rebuild; the scores are computed again from the edited text.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mtqa.document import read_text_file
from mtqa.errors import InputError
from mtqa.io import atomic_write, jsonl


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    text, _ = read_text_file(path)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}: line {n} is not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}: line {n} is not a JSON object")
        rows.append(row)
    return rows


def rebuild(folder: Path) -> dict:
    from mtqa.report.html import render_html
    from mtqa.report.sheet import sheet_csv
    from mtqa.score import corpus_scores, sentence_scores, signatures

    needed = ("source.txt", "spans.jsonl", "passages.jsonl", "summary.json")
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise InputError(f"{folder}: not an mtqa run folder (missing {', '.join(missing)})")
    text = (folder / "source.txt").read_text(encoding="utf-8")
    spans = _read_jsonl(folder / "spans.jsonl")
    passages = _read_jsonl(folder / "passages.jsonl")
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(f"{folder / 'summary.json'}: not valid JSON ({exc})") from None
    dominant = summary.get("dominant_language")
    by_lang: dict[str, list[tuple[str, str, str]]] = {}
    for p in passages:
        for key in ("passage_id", "start", "end", "kinds", "severity", "original", "repaired", "rendering"):
            if key not in p:
                raise InputError(f"{folder / 'passages.jsonl'}: passage without '{key}'")
        ref, lang = p.get("ref_text"), p.get("ref_lang")
        if not ref or lang not in ("zh", "en"):
            p["scores_before"] = p["scores_after"] = None
            continue
        after = p["repaired"] if lang == dominant else p["rendering"]
        p["scored_text"] = after
        p["scores_before"] = sentence_scores(p["original"], ref, lang).as_dict()
        p["scores_after"] = sentence_scores(after, ref, lang).as_dict()
        by_lang.setdefault(lang, []).append((p["original"], after, ref))
    summary["corpus_scores"] = {
        lang: {
            "passages": len(rows),
            "before": corpus_scores([r[0] for r in rows], [r[2] for r in rows], lang).as_dict(),
            "after": corpus_scores([r[1] for r in rows], [r[2] for r in rows], lang).as_dict(),
            "signatures": signatures(lang),
        }
        for lang, rows in sorted(by_lang.items())
    }
    aligned = [p for p in passages if p.get("scores_after")]
    if aligned:
        summary["mean_chrf_before"] = round(sum(p["scores_before"]["chrf"] for p in aligned) / len(aligned), 2)
        summary["mean_chrf_after"] = round(sum(p["scores_after"]["chrf"] for p in aligned) / len(aligned), 2)
    atomic_write(folder / "passages.jsonl", jsonl(passages))
    atomic_write(folder / "sheet.csv", sheet_csv(passages))
    atomic_write(folder / "report.html", render_html(text, spans, passages, summary))
    atomic_write(folder / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return summary


@click.command("report")
@click.argument("folder", type=click.Path(file_okay=False), default="mtqa-out")
def command(folder: str) -> None:
    """Rebuild sheet.csv and report.html of FOLDER (a run folder or one document's folder)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}: no such folder")
    targets = (
        [root]
        if (root / "passages.jsonl").exists()
        else sorted(p for p in root.iterdir() if (p / "passages.jsonl").exists())
    )
    if not targets:
        raise InputError(f"{folder}: holds no mtqa results (no passages.jsonl)")
    for t in targets:
        s = rebuild(t)
        click.echo(f"{s.get('doc')}: rebuilt {t / 'report.html'} and sheet.csv")

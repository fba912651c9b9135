"""``mtqa report``: rebuild sheet.csv, the summary's scores and report.html from a run's JSONL.

For users who bring their own translations: edit ``repaired`` in passages.jsonl, then rebuild;
the scores are computed again from the edited text by the same function ``mtqa run`` uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mtqa.document import read_text_file
from mtqa.errors import InputError
from mtqa.record import DocumentSummary, PassageRecord


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


def rebuild(folder: Path) -> DocumentSummary:
    """Re-score the passages of one document folder and rewrite its views."""
    from mtqa.report.summary import fill_scores, write_views
    from mtqa.score import score_passages

    needed = ("source.txt", "spans.jsonl", "passages.jsonl", "summary.json")
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise InputError(f"{folder}: not an mtqa run folder (missing {', '.join(missing)})")
    text = (folder / "source.txt").read_text(encoding="utf-8")
    spans = _read_jsonl(folder / "spans.jsonl")
    where = str(folder / "passages.jsonl")
    records = [
        PassageRecord.from_json(row, f"{where} line {n}")
        for n, row in enumerate(_read_jsonl(folder / "passages.jsonl"), 1)
    ]
    summary = DocumentSummary.read(folder / "summary.json")
    fill_scores(summary, records, score_passages(records))
    write_views(folder, text, spans, records, summary)
    return summary


@click.command("report")
@click.argument("folder", type=click.Path(file_okay=False), default="mtqa-out")
def command(folder: str) -> None:
    """Rebuild sheet.csv, scores and report.html of FOLDER (a run folder or one document's folder),
    and a run folder's index.csv / index.html."""
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
        click.echo(f"{s.doc}: rebuilt {t / 'report.html'} and sheet.csv")
    if targets != [root]:  # a run folder: its corpus index sums up the rebuilt documents
        from mtqa.report.index import write_index

        write_index(root)
        click.echo(f"rebuilt {root / 'index.csv'} and index.html")

"""The detector against hand-annotated gold files (protocol 1 of tests/data/README.md).

For each gold file: corruption recall (damage rows found by a span of any kind), precision
(spans on a damage row), per-kind recall (same kind / any kind), untranslated recall (strict:
an ``untranslated`` span; lax: any span), traps flagged, and the missed rows and spurious
spans. Matching is partial overlap. ``semantic`` rows are reported apart and left out of
corruption recall (the detector emits no ``semantic`` spans).

The text of ``dir/NAME.gold*.jsonl`` is ``dir/NAME.txt`` when that exists, else the corpus
document named by the rows' ``doc`` field. Files whose name holds ``_test`` are held-out: the
script scores them when given, and labels them ``held-out``; the default list has none.

Usage: python scripts/eval_gold.py [GOLD ...] [--out results/detect_gold.json]
       (default: tests/data/002.gold.v2.jsonl and tests/data/garbled/*_dev.gold.jsonl)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mtqa.detect import Detector
from mtqa.detect.evaluate import gold_report
from mtqa.document import load_document
from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "tests/data/002.gold.v2.jsonl", *sorted((ROOT / "tests/data/garbled").glob("*_dev.gold.jsonl"))]


def load_gold(path: Path) -> tuple[str, str, list[dict]]:
    """(document label, its text, its gold rows)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    stem = path.name.split(".gold")[0]
    txt = path.with_name(stem + ".txt")
    if txt.is_file():
        text = txt.read_bytes().decode("utf-8")
        label = stem
    else:
        doc = load_document(rows[0]["doc"])
        text, label = doc.text, doc.doc_id
    for r in rows:
        if text[r["start"] : r["end"]] != r["text"]:
            raise SystemExit(f"{path}: offsets of row {r} do not match the text")
    return label, text, rows


def score_file(detector: Detector, path: Path) -> dict:
    label, text, rows = load_gold(path)
    det = detector.detect(text)
    pred = [(s.start, s.end, s.kind) for s in det.spans]
    report = gold_report(pred, rows)
    certain = gold_report(pred, [r for r in rows if r.get("certain", True) or r["kind"] == "trap"])
    report["certain_rows_only"] = {
        k: certain[k] for k in ("corruption_recall", "corruption_found", "corruption_gold", "precision")
    }
    damage = [r for r in rows if r["kind"] != "trap"]
    report["missed"] = [
        {k: r[k] for k in ("start", "end", "kind", "text")}
        for r in damage
        if r["kind"] != "semantic" and not any(p[0] < r["end"] and r["start"] < p[1] for p in pred)
    ]
    report["spurious"] = [
        {"start": s.start, "end": s.end, "kind": s.kind, "rule": s.rule, "text": s.text}
        for s in det.spans
        if not any(s.start < r["end"] and r["start"] < s.end for r in damage)
    ]
    report["traps_hit"] = [
        {"trap": r["text"], "by": [s.rule for s in det.spans if s.start < r["end"] and r["start"] < s.end]}
        for r in rows
        if r["kind"] == "trap" and any(s.start < r["end"] and r["start"] < s.end for s in det.spans)
    ]
    split = "held-out" if "_test" in path.name else "dev"
    return {
        "file": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        "doc": label,
        "split": split,
        "dominant_language": det.dominance.language,
        **report,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*", type=Path)
    ap.add_argument("--out", default=str(ROOT / "results/detect_gold.json"))
    args = ap.parse_args()
    files = [p.resolve() for p in args.gold] or DEFAULT
    if any(p.name == "002.gold.jsonl" for p in files):
        print("note: 002.gold.jsonl was derived from detector output; it is no evaluation gold", file=sys.stderr)
    detector = Detector()
    entries = [score_file(detector, p) for p in files]
    report = {
        "command": "python scripts/eval_gold.py " + " ".join(str(p) for p in args.gold),
        "matching": "partial overlap; corruption recall and precision ignore kinds",
        "note": "dev files were used for tuning: their figures are development figures",
        "files": entries,
    }
    atomic_write(args.out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    for e in entries:
        print(
            f"{e['doc']:16} [{e['split']}] corruption recall {e['corruption_recall']} "
            f"({e['corruption_found']}/{e['corruption_gold']}), precision {e['precision']} "
            f"({e['predicted_correct']}/{e['predicted']}), untranslated strict {e['untranslated_recall_strict']} "
            f"lax {e['untranslated_recall_lax']}, traps {e['traps_flagged']}/{e['traps']}"
        )
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()

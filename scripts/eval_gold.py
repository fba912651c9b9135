"""Precision and recall of the detector on the hand-annotated gold spans of document 002.

Usage: python scripts/eval_gold.py [--gold tests/data/002.gold.jsonl] [--out results/detect_gold_002.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mtqa.detect import KINDS, Detector
from mtqa.detect.evaluate import evaluate, format_table
from mtqa.document import load_document
from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", default=str(ROOT / "tests/data/002.gold.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "results/detect_gold_002.json"))
    args = ap.parse_args()
    gold_rows = [json.loads(line) for line in Path(args.gold).read_text(encoding="utf-8").splitlines() if line]
    doc = load_document(gold_rows[0]["doc"])
    det = Detector().detect(doc.text)
    pred = [(s.start, s.end, s.kind) for s in det.spans]
    gold = [(r["start"], r["end"], r["kind"]) for r in gold_rows]
    scores = evaluate(pred, gold, KINDS)
    missed = [
        r for r in gold_rows if not any(p[2] == r["kind"] and p[0] < r["end"] and r["start"] < p[1] for p in pred)
    ]
    spurious = [
        {"start": s.start, "end": s.end, "kind": s.kind, "text": s.text, "rule": s.rule}
        for s in det.spans
        if not any(g[2] == s.kind and g[0] < s.end and s.start < g[1] for g in gold)
    ]
    report = {
        "doc": doc.doc_id,
        "matching": "partial overlap, same kind",
        "dominant_language": det.dominance.language,
        "per_kind": {k: v.as_dict() for k, v in scores.items()},
        "missed_gold": missed,
        "spurious_predictions": spurious,
        "command": "python scripts/eval_gold.py",
    }
    atomic_write(args.out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(format_table(scores))
    print(f"missed {len(missed)}, spurious {len(spurious)} -> {args.out}")


if __name__ == "__main__":
    main()

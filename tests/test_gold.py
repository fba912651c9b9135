"""The detector against the hand-annotated gold spans of document 002."""

from __future__ import annotations

from mtqa.detect import KINDS
from mtqa.detect.evaluate import evaluate
from mtqa.document import load_document


def test_gold_offsets_are_exact(gold_002):
    text = load_document("002").text
    for row in gold_002:
        assert text[row["start"] : row["end"]] == row["text"]


def test_detector_precision_and_recall_on_002(detector, gold_002):
    text = load_document("002").text
    det = detector.detect(text)
    scores = evaluate(
        [(s.start, s.end, s.kind) for s in det.spans], [(g["start"], g["end"], g["kind"]) for g in gold_002], KINDS
    )
    for kind in ("switch", "truncation", "merge", "duplication", "untranslated"):
        assert scores[kind].n_gold > 0
        assert scores[kind].precision >= 0.9, (kind, scores[kind])
        assert scores[kind].recall >= 0.9, (kind, scores[kind])
    assert det.dominance.language == "zh"

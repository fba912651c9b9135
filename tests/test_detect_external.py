"""The detector on the external development sets (../shared/testsets/external): ftfy's own
mojibake cases, Han left in English MT, and clean English MT rated by professional
translators. Skipped where ../shared is absent (CI)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED

EXT = SHARED / "testsets/external"
pytestmark = pytest.mark.skipif(not (EXT / "set2_ftfy_lines.jsonl").is_file(), reason="../shared external sets absent")


def _rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (EXT / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def test_ftfy_cases_recall_and_negatives(detector):
    rows = _rows("set2_ftfy_lines.jsonl")
    found = {"mojibake": 0, "negative": 0}
    for r in rows:
        label = "mojibake" if r["label"] == "mojibake" else "negative"
        found[label] += any(s.kind == "mojibake" for s in detector.detect(r["text"]).spans)
    assert sum(r["label"] == "mojibake" for r in rows) == 114
    assert found["mojibake"] >= 108  # ftfy.fix_encoding: 108
    assert found["negative"] <= 2  # of 46; ftfy.fix_encoding: 1


def test_han_left_in_english_mt(detector):
    lines = {r["line"]: r for r in _rows("set1_mqm_zhen_lines.jsonl")}
    han = [g for g in _rows("set1_mqm_zhen_gold.jsonl") if g["han"]]
    assert len(han) == 3
    for g in han:
        line = lines[g["line"]]
        a, b = g["start"] - line["start"], g["end"] - line["start"]
        spans = detector.detect(line["text"]).spans
        assert any(s.kind == "untranslated" and s.start < b and a < s.end for s in spans), g["text"]


def test_clean_english_mt_false_spans(detector):
    """At most 0.1 false spans per 100 lines on the (development) negative pool."""
    rows = _rows("set1_mqm_zhen_negpool_lines.jsonl")
    false = [(r["line"], s.text) for r in rows for s in detector.detect(r["text"]).spans]
    assert len(rows) == 4344
    assert 100 * len(false) / len(rows) <= 0.1, false

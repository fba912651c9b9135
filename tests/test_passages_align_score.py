"""Passage grouping and sacrebleu scoring (alignment to references: tests/test_align.py)."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqa.document import load_document
from mtqa.passages import group_passages
from mtqa.score import corpus_scores, language_of, score_files, sentence_scores, signatures


def test_passages_cover_spans_stay_in_lines_and_do_not_overlap(detector):
    text = load_document("002").text
    spans = detector.detect(text).spans
    passages = group_passages(text, spans)
    assert 10 <= len(passages) < len(spans)
    for p in passages:
        assert text[p.start : p.end] == p.text == p.text.strip()
        assert "\n" not in p.text
        assert all(p.start <= s.start and s.end <= p.end for s in p.spans)
    assert sum(len(p.spans) for p in passages) == len(spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(passages))
    dup = next(p for p in passages if "duplication" in p.kinds and "通关通关" in p.text)
    assert dup.text.endswith("通关通关效率,构建更高水平的互联互通格局,") or len(dup.text) <= 160


def test_long_sentence_shrinks_to_the_clause_of_a_local_glitch(detector):
    long = "我们将继续推进别迭利口岸高速公路等跨境基础设施建设,统筹口岸现代化建设,尽快实现别迭利口岸正常运营," * 4
    text = "中方表示欢迎。" + long + "共同提高中吉三大口岸通关通关效率,构建更高水平的互联互通格局。"
    passages = group_passages(text, detector.detect(text).spans)
    assert [p.text for p in passages] == ["共同提高中吉三大口岸通关通关效率,"]


def test_scores_match_sacrebleu_with_the_right_tokenizers():
    hyp, ref = "中国是吉尔吉斯斯坦最大的贸易伙伴。", "中国是吉尔吉斯斯坦最大贸易和投资伙伴。"
    s = sentence_scores(hyp, ref, "zh")
    assert s.bleu == pytest.approx(BLEU(tokenize="zh", effective_order=True).sentence_score(hyp, [ref]).score)
    assert s.chrf == pytest.approx(CHRF().sentence_score(hyp, [ref]).score)
    assert s.ter == pytest.approx(TER(asian_support=True, normalized=True).sentence_score(hyp, [ref]).score)
    c = corpus_scores(["the cat sat"], ["the cat sat down"], "en")
    assert c.bleu == pytest.approx(BLEU().corpus_score(["the cat sat"], [["the cat sat down"]]).score)
    assert "tok:zh" in signatures("zh")["bleu"] and "asian:yes" in signatures("zh")["ter"]
    assert language_of("中吉合作 holds") == "zh" and language_of("holds great potential 中") == "en"


def test_score_command(tmp_path):
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("the cat sat on the mat\nhello world\n", encoding="utf-8")
    ref.write_text("the cat sat on the mat\nhello there world\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "mtqa", "score", str(hyp), str(ref), "--format", "json"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    assert out == score_files(
        ["the cat sat on the mat", "hello world"], ["the cat sat on the mat", "hello there world"]
    )
    assert out["signatures"]["bleu"].startswith("nrefs:1|")
    ref.write_text("one line\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mtqa", "score", str(hyp), str(ref)], capture_output=True, text=True)
    assert r.returncode == 2 and "line-aligned" in r.stderr and "Traceback" not in r.stderr  # as sacrebleu
    ref.write_text("", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mtqa", "score", str(hyp), str(ref)], capture_output=True, text=True)
    assert r.returncode == 3 and "reference file is empty" in r.stderr

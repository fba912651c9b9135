"""The real packaged model (Qwen2.5-Coder-1.5B Q4_K_M via llama.cpp): a few sentences.

Marked slow (model assembly on first use, ~3 s load, ~2-3 s per sentence on 2 cores);
CI runs them.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow
HAN = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def translator():
    from mtqa.translate.glossary import Glossary
    from mtqa.translate.llama_cpp import LlamaCppTranslator

    tr = LlamaCppTranslator(glossary=Glossary.default(), cache=None)
    yield tr
    tr.close()


def test_packaged_model_hash_is_verified(translator):
    from mtqa.translate.models import PACKAGED

    assert translator.model_id == PACKAGED["qwen2.5-coder-1.5b-instruct-q4_k_m"].sha256
    assert translator.resolved.path.stat().st_size == 1_117_320_768


def test_zh_to_en_with_glossary_names(translator):
    res = translator.translate(["习近平主席和扎帕罗夫总统已七次会晤。", "中吉乌铁路项目今年6月全线开工。"], "zh", "en")
    assert all(not HAN.search(r.text) and r.text for r in res)
    assert "Japarov" in res[0].text and "Xi Jinping" in res[0].text
    assert "China-Kyrgyzstan-Uzbekistan" in res[1].text
    assert ("扎帕罗夫", "Japarov") in res[0].terms


def test_en_to_zh(translator):
    res = translator.translate(["China has remained Kyrgyzstan's largest trading partner for many years."], "en", "zh")
    assert "吉尔吉斯斯坦" in res[0].text
    assert not re.search(r"[a-z]{3,}", res[0].text)


def test_cli_is_line_aligned_with_the_real_model(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "mtqa", "translate", "-s", "en", "-t", "zh", "--no-cache", "--quiet"],
        input="We will encourage cooperation.\n\nThe summit opened in Astana.\n",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n")
    assert len(lines) == 4 and lines[1] == "" and lines[3] == ""
    assert HAN.search(lines[0]) and "阿斯塔纳" in lines[2]


def test_run_002_end_to_end_with_the_default_engine(tmp_path):
    """mtqa run 002 with the real model: outputs, repairs, and far fewer spans afterwards."""
    import json

    cfg = tmp_path / "nocache.yaml"
    cfg.write_text("translate:\n  cache: false\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "mtqa", "run", "002", "--out", str(tmp_path / "out"), "--config", str(cfg), "--quiet"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "out" / "002"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["spans"] >= 40 and summary["passages"] >= 15
    assert summary["remaining_spans"] < 0.2 * summary["spans"]
    assert summary["model_sha256"].startswith("cc324af0")
    repaired = (folder / "002.repaired.txt").read_text(encoding="utf-8")
    assert "通关通关" not in repaired and "documentannouncement" not in repaired
    assert "Recently, the Chinese ambassador" not in repaired  # English sentences now in Chinese
    rows = [json.loads(x) for x in (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(row["repaired"] for row in rows)
    # no passage is scored against a reference in another language than the document's
    assert all(row["reference"] is None or row["reference"]["lang"] == "zh" for row in rows if row["after"])
    # reference-free QE on every row, and higher after repair on average
    assert all(row["qe_before"] and row["qe_after"] for row in rows)
    assert summary["qe_after"] > summary["qe_before"]

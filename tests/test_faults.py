"""Invariants of the pipeline-fault simulator (scripts/faults.py): offsets, determinism, undo, coverage."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Hand-written pairs so the tests do not depend on the shared test sets.
PAIRS = [
    ("我今天很累，但是我还要工作。", "I'm very tired today, but I still have to work."),
    ("他说：“我们明天去北京。”", 'He said, "We are going to Beijing tomorrow."'),
    ("这本书是我朋友的。", "This book is my friend's."),
    ("你想喝茶还是咖啡？", "Would you like tea or coffee?"),
    ("火车晚点了二十分钟。", "The train was twenty minutes late."),
    ("我们在公园里散步。", "We took a walk in the park."),
    ("她不知道该说什么。", "She didn't know what to say."),
    ("请把窗户关上。", "Please close the window."),
    ("这个城市有很多博物馆。", "This city has many museums."),
    ("如果明天下雨，我们就待在家里。", "If it rains tomorrow, we'll stay at home."),
    ("汤姆忘了带钥匙。", "Tom forgot to bring his keys."),
    ("那家餐馆的菜很好吃。", "The food at that restaurant is delicious."),
    ("我每天早上七点起床。", "I get up at seven every morning."),
    ("他们已经结婚十年了。", "They've been married for ten years."),
    ("这个问题不容易回答。", "This question isn't easy to answer."),
    ("孩子们在院子里玩耍。", "The children are playing in the yard."),
    ("我的手机没电了。", "My phone's battery is dead."),
    ("别担心，一切都会好的。", "Don't worry, everything will be fine."),
    ("冬天这里经常下雪。", "It often snows here in winter."),
    ("你能帮我一个忙吗？", "Can you do me a favor?"),
    ("飞机将在下午三点起飞。", "The plane will take off at three in the afternoon."),
    ("我昨天在图书馆遇见了她。", "I met her at the library yesterday."),
]


@pytest.fixture(scope="module")
def fm() -> ModuleType:
    spec = importlib.util.spec_from_file_location("faults", ROOT / "scripts" / "faults.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["faults"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def docs(fm: ModuleType) -> list:
    return [d for seed in (1, 2) for dom in ("zh", "en") for d in fm.make_documents(PAIRS, 120, seed, dom)]


def test_offsets_exact(fm: ModuleType, docs: list) -> None:
    for doc in docs:
        for r in doc.gold:
            assert 0 <= r["start"] < r["end"] <= len(doc.damaged), r
            assert doc.damaged[r["start"]:r["end"]] == r["text"], r
            assert r["kind"] in fm.KINDS and r["fault"] in fm.FAULTS and r["doc"] == doc.doc_id
            assert set(r) == {"doc", "start", "end", "text", "kind", "fault", "note", "visible", "cut"}


def test_deterministic_per_seed(fm: ModuleType) -> None:
    a = fm.make_documents(PAIRS, 30, 5, "mixed")
    b = fm.make_documents(PAIRS, 30, 5, "mixed")
    assert [(d.to_json(), d.gold) for d in a] == [(d.to_json(), d.gold) for d in b]
    c = fm.make_documents(PAIRS, 30, 6, "mixed")
    assert [d.damaged for d in a] != [d.damaged for d in c]
    # a document depends on its seed key, not on how many were asked for
    assert [d.to_json() for d in fm.make_documents(PAIRS, 10, 5, "mixed")] == [d.to_json() for d in a[:10]]


def test_undo_restores_clean(docs: list) -> None:
    for doc in docs:
        assert doc.restore() == doc.clean, doc.doc_id


def test_clean_docs_untouched(fm: ModuleType, docs: list) -> None:
    clean = [d for d in docs if not d.edits]
    assert 0.1 < len(clean) / len(docs) < 0.3
    for doc in clean + fm.make_documents(PAIRS, 20, 3, "mixed", clean_share=1.0):
        assert doc.damaged == doc.clean and not doc.gold


def test_changes_lie_inside_gold(docs: list) -> None:
    """Outside gold spans the damaged text is the clean text: every changed character is covered."""
    for doc in docs:
        for e in doc.edits:
            rows = [r for r in doc.gold if r["fault"] == e.fault and r["start"] <= e.end and e.start <= r["end"]]
            assert rows, (doc.doc_id, e)
            if e.start == e.end:  # deletion: a row marks the gap
                assert any(r["start"] <= e.start <= r["end"] for r in rows), (doc.doc_id, e)
                continue
            if e.fault == "mojibake":  # ASCII inside the stretch survives decoding unchanged
                assert all(e.start <= r["start"] and r["end"] <= e.end for r in rows)
                continue
            for k in range(e.start, e.end):
                if not doc.damaged[k].isspace():
                    assert any(r["start"] <= k < r["end"] for r in rows), (doc.doc_id, e, k)


def test_every_kind_fault_and_cut_produced(fm: ModuleType, docs: list) -> None:
    rows = [r for d in docs for r in d.gold]
    assert {r["kind"] for r in rows} == set(fm.KINDS)
    assert {r["fault"] for r in rows} == set(fm.FAULTS)
    assert {r["cut"] for r in rows if r["fault"] == "splice"} == {"mid-word", "word-boundary"}
    assert any(not r["visible"] for r in rows) and any(r["visible"] for r in rows)
    assert all(r["fault"] == "drop" for r in rows if not r["visible"])


def test_splice_truncation_is_a_latin_fragment(fm: ModuleType, docs: list) -> None:
    seen = 0
    for doc in docs:
        for r in doc.gold:
            if r["fault"] == "splice" and r["kind"] == "truncation":
                seen += 1
                assert r["cut"] == "mid-word"
                assert all(fm.is_latin(ch) or ch.isdigit() or ch in "'’" for ch in r["text"]), r
    assert seen


def test_foreign_rows_hold_the_other_script(fm: ModuleType, docs: list) -> None:
    for doc in docs:
        other = "en" if doc.dominant == "zh" else "zh"
        for r in doc.gold:
            if r["kind"] == "untranslated":
                assert fm._has(r["text"], other), r


def test_garble(fm: ModuleType) -> None:
    assert fm.garble("’", "cp1252") == "â€™"
    assert fm.garble("é", "cp1252") == "Ã©"
    assert fm.garble("中文", "gbk").startswith("涓")


def test_generator_imports_nothing_from_mtqa() -> None:
    tree = ast.parse((ROOT / "scripts" / "faults.py").read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] == "mtqa"]


def test_cli_writes_jsonl(fm: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fm, "load_pairs", lambda: PAIRS)
    assert fm.main(["-n", "6", "--seed", "2", "--out", str(tmp_path)]) == 0
    docs = [json.loads(x) for x in (tmp_path / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = [json.loads(x) for x in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 6
    by_id = {d["doc"]: d for d in docs}
    for r in gold:
        assert by_id[r["doc"]]["damaged"][r["start"]:r["end"]] == r["text"]


def test_load_pairs_real(fm: ModuleType) -> None:
    if not all(p.exists() for p in fm.DEFAULT_SOURCES):
        pytest.skip("shared test sets not present")
    pairs = fm.load_pairs()
    assert len(pairs) > 500 and len(set(pairs)) == len(pairs)
    assert all(fm._has(zh, "zh") and fm._has(en, "en") for zh, en in pairs)

"""``mtqa run`` end to end on a short garbled text with a tiny model (built by the tests),
plus resume, bad input and output-folder safety."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from mtqa.report.sheet import COLUMNS
from tests.tiny_models import build_causal

GARBLED = (
    "中吉两国在联合国、上海合作组织等框架内密切合作，共同践行多边主义，维护共同利益。"
    "双方在涉及彼此核心利益和重大关切问题上相互坚定支持，堪称两国邻国关系的典范。\n"
    "完成t他的“钢铁丝绸之路”将使吉尔吉斯斯坦成为连接东西方的战略通道。"
    "共同提高中吉三大口岸通关通关效率，推动两国互利合作。\n"
    "China has remained Kyrgyzstan's largest trading partner and source of investment for many years.\n"
    # a sentence of the clean reference 000 left in English: reaches 000's Chinese through the bitext
    "吉方高度重视发展对华关系。Japarov said the Kyrgyz side actively supports the three major global initiatives "
    "proposed by President Xi and is ready to work with China to jointly implement them.\n"
    "After the two countr1992年建交，双方彻底解决了历史遗留的边界问题。\n"
    "城市还计划把赛道的一部分改造成永久性的海滨步道。 kway.\n"
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return build_causal(tmp_path_factory.mktemp("tiny"))


def run(*args, env=None, timeout=600):
    import os

    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mtqa", "run", *args], capture_output=True, text=True, timeout=timeout, env=e
    )


@pytest.fixture(scope="module")
def finished(tmp_path_factory, tiny_model):
    root = tmp_path_factory.mktemp("run")
    doc = root / "garbled.txt"
    doc.write_text(GARBLED, encoding="utf-8")
    out = root / "out"
    args = [
        str(doc),
        "--out",
        str(out),
        "--engine",
        "transformers",
        "--model",
        str(tiny_model),
        "--device",
        "cpu",
        "--quiet",
    ]
    env = {"MTQA_CACHE": str(root / "cache")}
    r = run(*args, env=env)
    assert r.returncode == 0, r.stderr
    return root, doc, out / "garbled", args, env, r


def test_run_writes_every_output(finished):
    _root, _doc, folder, *_, r = finished
    names = {p.name for p in folder.iterdir()}
    assert {
        "spans.jsonl",
        "passages.jsonl",
        "sheet.csv",
        "summary.json",
        "report.html",
        "garbled.repaired.txt",
        "source.txt",
    } <= names
    assert not [n for n in names if n.endswith(".tmp")]
    assert "garbled:" in r.stdout and "passages" in r.stdout


def test_a_passage_deleted_whole_is_judged_in_its_line(finished):
    _, _, folder, *_ = finished
    recs = [json.loads(ln) for ln in (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    [gone] = [r for r in recs if r["original"] == " kway."]
    assert gone["repaired"] == "" and gone["repair_method"] == "pieces"
    # the line without the fragment, not an empty text, is what the estimate judged
    assert gone["qe_after"]["qe"] > gone["qe_before"]["qe"] and not gone["qe_after"]["components"]["empty"]
    assert "海滨步道。\n" in (folder / "garbled.repaired.txt").read_text(encoding="utf-8")


def test_outputs_follow_their_contracts(finished):
    from mtqa.record import DocumentSummary, PassageRecord

    _root, doc, folder, *_ = finished
    text = doc.read_text(encoding="utf-8")
    spans = [json.loads(x) for x in (folder / "spans.jsonl").read_text(encoding="utf-8").splitlines()]
    assert spans and all(text[s["start"] : s["end"]] == s["text"] for s in spans)
    assert {"switch", "duplication", "untranslated", "truncation"} <= {s["kind"] for s in spans}
    lines = (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    passages = [PassageRecord.from_json(json.loads(x)) for x in lines]
    for p in passages:
        assert text[p.start : p.end] == p.original
        assert p.target_lang == "zh" and p.candidates and p.repair_reason
        assert p.repair_method in {c.method for c in p.candidates}
        assert p.qe_before is not None and p.qe_after is not None  # every row, with a reference or not
        # scored only against a reference in the document's dominant language
        assert (p.reference is not None and p.reference.lang == "zh") == (p.after is not None)
        assert p.reference is not None or p.no_reference
    memory = [p for p in passages if p.original.startswith("Japarov said")]
    assert memory and memory[0].reference.via == "bitext" and memory[0].reference.doc == "000"
    assert memory[0].before.chrf < 15  # English against its Chinese counterpart scores near 0, as it should
    sheet = list(csv.DictReader(io.StringIO((folder / "sheet.csv").read_text(encoding="utf-8-sig"))))
    assert tuple(sheet[0].keys()) == COLUMNS and len(sheet) == len(passages)
    assert all(row["qe_before"] and row["qe_after"] for row in sheet)
    summary = DocumentSummary.read(folder / "summary.json")
    assert summary.passages == len(passages) and summary.spans == len(spans)
    assert summary.dominant_language == "zh" and summary.engine == "transformers"
    assert summary.spans_per_kind["duplication"] >= 1
    assert summary.scored == sum(p.after is not None for p in passages) >= 1
    for c in summary.corpus_scores:
        assert c.lang == "zh" and set(c.signatures) == {"bleu", "chrf", "ter"} and c.passages >= 1
    assert summary.qe_before is not None and summary.qe_after is not None


def test_repaired_document_is_byte_identical_outside_passages(finished):
    _root, doc, folder, *_ = finished
    text = doc.read_text(encoding="utf-8")
    repaired = (folder / "garbled.repaired.txt").read_text(encoding="utf-8")
    passages = [json.loads(x) for x in (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    pos, rebuilt = 0, []
    for p in passages:
        rebuilt.append(text[pos : p["start"]])
        rebuilt.append(p["repaired"])
        pos = p["end"]
    rebuilt.append(text[pos:])
    assert repaired == "".join(rebuilt)


def test_rerun_skips_finished_documents(finished):
    _root, _doc, folder, args, env, _ = finished
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    r = run(*args, env=env)
    assert r.returncode == 0 and "already done" in r.stdout
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_report_rebuild_uses_edited_translations(finished, tmp_path):
    import shutil

    _root, _doc, folder, *_ = finished
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    rows = [json.loads(x) for x in (copy / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    scored = [r for r in rows if r["reference"]]
    assert scored
    for r in scored:
        r["repaired"] = r["reference"]["text"]  # a user pastes the clean text as the repair
    (copy / "passages.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    r = subprocess.run([sys.executable, "-m", "mtqa", "report", str(copy)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rebuilt = [json.loads(x) for x in (copy / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rebuilt:
        if row["reference"]:
            assert row["after"]["chrf"] == 100.0
    summary = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    assert summary["chrf_after"] == 100.0 and summary["scored"] == len(scored)
    (copy / "passages.jsonl").write_text("{not json\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mtqa", "report", str(copy)], capture_output=True, text=True)
    assert r.returncode == 3 and "line 1 is not valid JSON" in r.stderr and "Traceback" not in r.stderr
    (copy / "passages.jsonl").write_text('{"doc": "x"}\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mtqa", "report", str(copy)], capture_output=True, text=True)
    assert r.returncode == 3 and "missing field" in r.stderr and "Traceback" not in r.stderr


def test_doc_ids_cannot_escape_the_output_folder():
    from mtqa.io import safe_name

    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("..") == "doc" and "/" not in safe_name("a/b\\c")
    assert safe_name("报告 1") == "1" and len(safe_name("x" * 200)) == 80


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("/no/such.txt",), 3, "no such file"),
        (("002", "--refs", "/no/ref.txt"), 3, "no such file"),
        (("002", "--engine", "nope"), 5, "unknown engine"),
    ],
)
def test_run_bad_input_one_line(tmp_path, args, code, needle):
    r = run(*args, "--out", str(tmp_path / "o"), "--quiet")
    assert r.returncode == code, r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_run_empty_refs_and_unwritable_output(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    r = run("002", "--refs", str(empty), "--out", str(tmp_path / "o"), "--quiet")
    assert r.returncode == 3 and "no usable sentences" in r.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("002", "--out", str(blocker / "sub"), "--quiet")
    assert r.returncode == 6 and "not writable" in r.stderr and "Traceback" not in r.stderr


def test_unknown_engine_stops_the_run_before_any_document(tmp_path):
    # a clean document needs no translation, so only an up-front check can catch the name
    clean = tmp_path / "clean.txt"
    clean.write_text("双方将继续加强合作。\n", encoding="utf-8")
    r = run(str(clean), "--engine", "nope", "--out", str(tmp_path / "o"), "--quiet")
    assert r.returncode == 5 and "unknown engine 'nope'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o" / "clean").exists()

"""The CLI as a user runs it: a real subprocess, real exit codes, real stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def mtqa(*args: str, stdin: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, input=stdin, cwd=cwd, timeout=300
    )


def test_detect_with_no_arguments_checks_embedded_002():
    r = mtqa("detect")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("== 002")
    assert "dominant: zh" in r.stdout
    assert "documentannouncement" in r.stdout


def test_detect_jsonl_contract_and_offsets():
    from mtqa.document import load_document

    r = mtqa("detect", "002", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    text = load_document("002").text
    assert len(rows) > 30
    for row in rows:
        assert {"doc", "start", "end", "text", "kind", "severity", "confidence", "rule"} <= row.keys()
        assert text[row["start"] : row["end"]] == row["text"]
    assert [(r["start"], r["end"]) for r in rows] == sorted((r["start"], r["end"]) for r in rows)


def test_detect_tsv_has_header_and_escapes(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text("中吉两国合作。\tWe will en鼓励\n合作。", encoding="utf-8")
    r = mtqa("detect", str(p), "-f", "tsv", "-o", str(tmp_path / "out.tsv"), "--quiet")
    assert r.returncode == 0, r.stderr
    lines = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:4] == ["doc", "start", "end", "kind"]
    assert all(len(line.split("\t")) == 9 for line in lines)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("detect", "/no/such/file.txt"), 3, "no such file"),
        (("detect", "--format", "xml"), 2, "usage error"),
        (("detect", "/"), 3, "folder holds no .txt"),
        (("detect", "--config", "/no/cfg.yaml"), 4, "config file not found"),
    ],
)
def test_errors_are_one_line_without_traceback(args, code, needle):
    r = mtqa(*args)
    assert r.returncode == code
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_binary_and_empty_files(tmp_path):
    b = tmp_path / "x.bin"
    b.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    r = mtqa("detect", str(b))
    assert r.returncode == 3 and "binary" in r.stderr and "Traceback" not in r.stderr
    e = tmp_path / "empty.txt"
    e.write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\n", encoding="utf-8")
    for f in (e, tmp_path / "blank.txt"):
        r = mtqa("detect", str(f), "-f", "jsonl")
        assert r.returncode == 3 and r.stdout == "" and f"{f}: empty document" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_a_bad_document_in_a_folder_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text("中吉两国合作coop合作。\n", encoding="utf-8")
    r = mtqa("detect", str(tmp_path), "-f", "tsv", "--quiet")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    rows = r.stdout.splitlines()
    assert rows[0].startswith("doc\tstart") and rows[1].startswith("b\t") and "coop" in rows[1]
    assert f"{tmp_path / 'a.txt'}: empty document" in r.stderr and "1 of 2 documents could not be checked" in r.stderr


def test_corpus_lists_embedded_documents():
    r = mtqa("corpus")
    assert r.returncode == 0
    assert [line.split()[0] for line in r.stdout.splitlines()[1:]] == ["000", "001", "002", "003", "004"]

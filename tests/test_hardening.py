"""Bad input, faults and untrusted files, as a user meets them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from mtqa.detect import Detector
from mtqa.document import load_document
from mtqa.passages import group_passages
from tests.tiny_models import build_causal


def mtqa(*args, input=None, env=None, timeout=600):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, input=input, env=e, timeout=timeout
    )


def test_mixed_line_endings_keep_offsets_and_spans(tmp_path, detector):
    lines = ["中吉两国合作。After the two countr1992年建交。", "共同提高通关通关效率。", "We will en鼓励合作。"]
    unix = "\n".join(lines) + "\n"
    mixed = lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n"
    p = tmp_path / "mixed.txt"
    p.write_bytes(mixed.encode("utf-8"))
    doc = load_document(p)
    assert doc.text == mixed  # nothing normalised
    spans = detector.detect(doc.text).spans
    assert all(doc.text[s.start : s.end] == s.text for s in spans)
    assert [(s.kind, s.text) for s in spans] == [(s.kind, s.text) for s in detector.detect(unix).spans]


def test_20mb_single_line_file_completes(tmp_path):
    """Hang guard only (the speed and memory figures are in scripts/bench_robustness.py)."""
    unit = "中吉两国合作取得丰硕成果,We will en鼓励并支持两国企业合作,共同提高通关通关效率, " * 10
    p = tmp_path / "big.txt"
    with open(p, "w", encoding="utf-8") as fh:
        while fh.tell() < 20_000_000:
            fh.write(unit)
    r = mtqa("detect", str(p), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "--quiet", timeout=300)
    assert r.returncode == 0, r.stderr
    first = json.loads((tmp_path / "o.jsonl").open(encoding="utf-8").readline())
    assert first["doc"] == "big"


@pytest.mark.parametrize(
    ("args", "stdin", "code", "needle"),
    [
        (("-s", "zh", "-t", "en", "-i", "/no/such/file"), None, 3, "no such file"),
        (("-s", "zh", "-t", "zh"), "", 2, "must differ"),
        (("-s", "zh", "-t", "en", "--engine", "nope"), "中文", 5, "unknown engine"),
        (("-s", "zh", "-t", "en", "--model", "/no/model.gguf"), "中文", 5, "no such model file"),
        (("-s", "xx", "-t", "en"), "", 2, "usage error"),
    ],
)
def test_translate_errors_are_one_line(args, stdin, code, needle):
    r = mtqa("translate", *args, input=stdin)
    assert r.returncode == code, r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_translate_binary_input_is_refused(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    r = mtqa("translate", "-s", "zh", "-t", "en", "-i", str(p))
    assert r.returncode == 3 and "binary" in r.stderr and "Traceback" not in r.stderr


def test_detect_output_path_not_writable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = mtqa("detect", "002", "-o", str(blocker / "out.jsonl"))
    assert r.returncode == 6 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_pickled_weights_are_never_unpickled(tmp_path):
    """A model folder whose weights are a pickle with a payload: loading must fail cleanly
    without running it (transformers loads .bin files with torch.load(weights_only=True))."""
    from mtqa.errors import ModelError
    from mtqa.translate.hf import TransformersTranslator

    model = build_causal(tmp_path)
    for f in model.glob("*.safetensors"):
        f.unlink()
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    import pickle

    (model / "pytorch_model.bin").write_bytes(pickle.dumps({"w": Payload()}))
    with pytest.raises(ModelError):
        TransformersTranslator(model=str(model), device="cpu")
    assert not marker.exists()


# --- killing a real run ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_causal(tmp_path_factory.mktemp("tiny-kill"))


def _setup(tmp_path, n_docs=4):
    # the tiny model writes noise up to its token budget: keep that budget small (speed only)
    (tmp_path / "fast.yaml").write_text("translate:\n  max_tokens: 24\n  retry: false\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    text = load_document("002").text
    for i in range(n_docs):
        (docs / f"doc{i}.txt").write_text(text, encoding="utf-8")
    return docs


def _run_cmd(docs, out, tiny):
    return [
        sys.executable,
        "-m",
        "mtqa",
        "run",
        str(docs),
        "--out",
        str(out),
        "--engine",
        "transformers",
        "--model",
        str(tiny),
        "--device",
        "cpu",
        "--config",
        str(docs.parent / "fast.yaml"),
        "--quiet",
    ]


def _start(docs, out, tiny, cache):
    env = dict(os.environ, MTQA_CACHE=str(cache))
    return subprocess.Popen(
        _run_cmd(docs, out, tiny),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_first_summary(out, proc, limit=300):
    t0 = time.time()
    while time.time() - t0 < limit:
        if any(out.glob("*/summary.json")):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def _expected_passages():
    text = load_document("002").text
    return len(group_passages(text, Detector().detect(text).spans))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_killed_run_leaves_no_half_file_and_resumes(tmp_path, tiny, sig):
    docs = _setup(tmp_path)
    out, cache = tmp_path / "out", tmp_path / "cache"
    proc = _start(docs, out, tiny, cache)
    assert _wait_for_first_summary(out, proc), proc.communicate()[1]
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if sig != signal.SIGKILL:
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        assert not list(out.rglob("*.tmp")), "a temporary file survived the interrupt"
    done = sorted(p.parent.name for p in out.glob("*/summary.json"))
    assert 1 <= len(done) < 4
    for folder in out.iterdir():  # a folder without summary.json holds only complete files
        for f in folder.glob("*.jsonl"):
            for line in f.read_text(encoding="utf-8").splitlines():
                json.loads(line)
    stamps = {d: (out / d / "summary.json").stat().st_mtime_ns for d in done}
    r = subprocess.run(
        _run_cmd(docs, out, tiny),
        capture_output=True,
        text=True,
        env=dict(os.environ, MTQA_CACHE=str(cache)),
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("already done") == len(done)
    assert not list(out.rglob("*.tmp"))
    expected = _expected_passages()
    for i in range(4):
        folder = out / f"doc{i}"
        rows = [json.loads(x) for x in (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
        ids = [r["passage_id"] for r in rows]
        assert len(ids) == len(set(ids)) == expected  # no passage lost or repeated
        if folder.name in stamps:
            assert (folder / "summary.json").stat().st_mtime_ns == stamps[folder.name]

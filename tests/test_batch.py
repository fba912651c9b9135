"""Batch runs: the sequential and Ray executors, failures, resume after kills, the corpus index.

The driver logic is tested with a fake pipeline (fast, no model); the end-to-end tests run
``mtqa run`` with a tiny random model, on a local Ray cluster of 2 CPUs where Ray is installed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from mtqa.batch import (
    DocumentWorker,
    RunSpec,
    SequentialExecutor,
    document_id,
    document_lock,
    duplicate_folders,
    run_batch,
)
from mtqa.document import load_document
from mtqa.errors import ModelError
from mtqa.record import DocumentSummary
from mtqa.report.index import index_csv, index_html, read_rows, write_index
from tests.conftest import ROOT

HAS_RAY = subprocess.run([sys.executable, "-c", "import ray.data"], capture_output=True).returncode == 0
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed (pip install '.[ray]')")


# --- a fake pipeline: the driver's logic without a model ------------------------------------
@dataclass
class _Outcome:
    doc_id: str
    folder: Path
    skipped: bool
    summary: DocumentSummary


class FakePipeline:
    """Writes a summary per document; text markers make it fail the ways real runs fail."""

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.pid = os.getpid()

    def references(self, doc):
        return None

    def run_document(self, doc, out_root, force=False, progress=None):
        folder = Path(out_root) / doc.doc_id
        fp = hashlib.sha256(doc.text.encode()).hexdigest()
        path = folder / "summary.json"
        if not force and path.is_file():
            old = DocumentSummary.read(path)
            if old.status == "done" and old.fingerprint == fp:
                return _Outcome(doc.doc_id, folder, True, old)
        if "ENGINE-CRASH" in doc.text:
            raise RuntimeError("CUDA error: device-side assert triggered")
        if "MODEL-ERROR" in doc.text:
            raise ModelError("the model produced no output")
        if "KILL-WORKER-ONCE" in doc.text:
            marker = folder.parent / f".{doc.doc_id}.killed"
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                os._exit(9)  # the worker process dies mid-document
        if "KILL-WORKER-ALWAYS" in doc.text:
            os._exit(9)
        if "WARN" in doc.text:
            import logging

            logging.getLogger("mtqa.fake").warning("%s: a warning from the worker", doc.doc_id)
        delay = float(os.environ.get("FAKE_DELAY", "0"))
        time.sleep(delay)
        s = DocumentSummary(
            doc=doc.doc_id,
            source=doc.source,
            status="done",
            chars=len(doc.text),
            spans=doc.text.count("!"),
            spans_per_kind={"switch": doc.text.count("!")},
            passages=1,
            timings_s={"total": 0.5},
            fingerprint=fp,
        )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.html").write_text("<html></html>")
        (folder / "summary.json").write_text(json.dumps(s.to_json()))
        (folder / "worker.txt").write_text(str(self.pid))
        return _Outcome(doc.doc_id, folder, False, s)

    def close(self) -> None:
        pass


def fake_spec(out: Path, **kw) -> RunSpec:
    return RunSpec(config={}, out_dir=str(out), pipeline_factory="tests.test_batch:FakePipeline", **kw)


def _write_docs(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "good1": "中吉两国合作! 双方!\n",
        "good2": "China and Kyrgyzstan!\n",
        "gbk": None,
        "binary": None,
        "empty": "",
        "crash": "ENGINE-CRASH\n",
        "modelerr": "MODEL-ERROR\n",
    }
    paths = {}
    for name, text in files.items():
        p = root / f"{name}.txt"
        if name == "gbk":
            p.write_bytes("中文文档。".encode("gbk") + b"\xff\xfe\xfd")  # not UTF-8, UTF-16 or GB18030
        elif name == "binary":
            p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
        else:
            p.write_text(text, encoding="utf-8")
        paths[name] = p
    return paths


# --- documents and folders -------------------------------------------------------------------
def test_document_ids_and_folder_clashes(tmp_path):
    assert document_id("002") == "002"
    assert document_id(str(tmp_path / "a" / "report.v2.txt")) == "report.v2"
    (tmp_path / "002").write_text("x")  # an existing path wins over the embedded id, as load_document does
    os.chdir(tmp_path)
    try:
        assert document_id("002") == "002" and load_document("002").doc_id == "002"
    finally:
        os.chdir(ROOT)
    assert duplicate_folders(["a/x.txt", "b/x.txt", "c/y.txt"]) == [("x", "a/x.txt", "b/x.txt")]
    assert duplicate_folders(["a/x y.txt", "b/x_y.txt"]) == [("x_y", "a/x y.txt", "b/x_y.txt")]


def test_document_lock_serialises_workers(tmp_path):
    order = []
    entered = threading.Event()

    def hold():
        with document_lock(tmp_path, "doc"):
            entered.set()
            time.sleep(0.3)
            order.append("first")

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(5)
    with document_lock(tmp_path, "doc"):
        order.append("second")
    t.join()
    assert order == ["first", "second"]


# --- the sequential driver with failures ----------------------------------------------------
def test_failures_are_recorded_and_the_batch_goes_on(tmp_path):
    paths = _write_docs(tmp_path / "docs")
    out = tmp_path / "out"
    refs = [str(p) for p in paths.values()] + [str(tmp_path / "docs" / "missing.txt")]
    seen = []
    report = run_batch(refs, SequentialExecutor(fake_spec(out)), seen.append)
    by = {r.doc_id: r for r in report.results}
    assert len(seen) == len(refs) and {r.index for r in report.results} == set(range(len(refs)))
    assert by["good1"].status == by["good2"].status == "done"
    for name, needle in [
        ("gbk", "not valid UTF-8, UTF-16 or GB18030"),
        ("binary", "binary file"),
        ("missing", "no such file"),
        ("empty", "empty document"),
        ("crash", "internal error: RuntimeError: CUDA error"),
        ("modelerr", "the model produced no output"),
    ]:
        assert by[name].status == "failed" and needle in by[name].error, (name, by[name].error)
        s = DocumentSummary.read(out / name / "summary.json")  # written atomically, readable
        assert s.status == "failed" and needle in (s.error or "") and s.fingerprint is None
    assert (
        by["missing"].exit_code == by["empty"].exit_code == 3
        and by["crash"].exit_code == 1
        and by["modelerr"].exit_code == 5
    )
    rows = read_rows(out)
    assert [r.folder for r in rows] == sorted(r.folder for r in rows)
    assert sorted(r.doc for r in rows) == sorted([*paths, "missing"])
    assert not list(out.rglob("*.tmp"))

    # a re-run skips the finished documents and tries the failed ones again
    paths["gbk"].write_text("修好了!\n", encoding="utf-8")
    index_before = (out / "index.csv").read_bytes()
    report = run_batch(refs, SequentialExecutor(fake_spec(out)))
    by = {r.doc_id: r for r in report.results}
    assert by["good1"].skipped and by["good2"].skipped
    assert by["gbk"].status == "done" and not by["gbk"].skipped
    assert by["binary"].status == "failed"
    assert (out / "index.csv").read_bytes() != index_before  # gbk is done now
    rebuilt = (out / "index.csv").read_bytes()
    write_index(out)
    assert (out / "index.csv").read_bytes() == rebuilt  # a function of the folders alone


def test_refs_errors_and_engine_load_errors_stop_the_batch(tmp_path):
    from mtqa.batch import _Fatal

    class NoRefs(FakePipeline):
        def references(self, doc):
            raise _Fatal(ModelError("x"))  # what build_pipeline's factory raises when the model cannot load

    paths = _write_docs(tmp_path / "docs")
    worker = DocumentWorker(fake_spec(tmp_path / "out"))
    worker.pipeline = NoRefs(worker.spec)
    worker._refs_checked = False
    res = worker.process(0, str(paths["good1"]))
    assert res.status == "fatal" and res.error_type == "ModelError" and res.exit_code == 5
    assert isinstance(res.fatal_error(), ModelError)


# --- the index ------------------------------------------------------------------------------
def _summary(out: Path, folder: str, **kw) -> None:
    s = DocumentSummary(**{"doc": folder, "source": f"{folder}.txt", "status": "done", **kw})
    (out / folder).mkdir(parents=True, exist_ok=True)
    (out / folder / "summary.json").write_text(json.dumps(s.to_json()), encoding="utf-8")


def test_index_rows_escaping_and_totals(tmp_path):
    out = tmp_path / "out"
    _summary(
        out,
        "b",
        doc='=HYPERLINK("http://x")',
        spans=3,
        spans_per_kind={"switch": 2, "semantic": 1},
        passages=2,
        scored=2,
        chrf_before=10.0,
        chrf_after=50.0,
        qe_before=40.0,
        qe_after=80.0,
        timings_s={"total": 3.25},
    )
    (out / "b" / "report.html").write_text("<html></html>")
    _summary(out, "a", status="failed", error="<script>alert(1)</script>: no such file", source="-cmd|' /C calc'!A0")
    (out / "c").mkdir()
    (out / "c" / "summary.json").write_text("{broken")
    (out / "d").mkdir()  # a killed run's folder without summary.json: not in the index
    (out / ".locks").mkdir()
    write_index(out)
    text = (out / "index.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["folder"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["doc"].startswith("'=") and rows[0]["source"].startswith("'-")
    assert rows[1]["spans_switch"] == "2" and rows[1]["spans_semantic"] == "1" and rows[1]["spans_merge"] == "0"
    assert rows[1]["chrf_before"] == "10.0" and rows[1]["chrf_after"] == "50.0" and rows[1]["seconds"] == "3.25"
    assert rows[0]["status"] == "failed" and "no such file" in rows[0]["error"]
    assert rows[2]["status"] == "unreadable" and "cannot read summary" in rows[2]["error"]
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="b/report.html"' in html and 'href="a/report.html"' not in html
    assert "1 / 3" in html  # done / documents
    assert index_csv(read_rows(out)) == (out / "index.csv").read_bytes().decode("utf-8")
    assert rows[0]["spans"] == rows[0]["passages"] == rows[0]["spans_switch"] == ""  # no counts for a failure
    assert index_html(read_rows(out)).count("<tr") == 4  # header + three documents


def test_index_of_an_empty_folder(tmp_path):
    rows = write_index(tmp_path)
    assert rows == [] and "no documents yet" in (tmp_path / "index.html").read_text()


# --- CLI checks that need no model ----------------------------------------------------------
def _mtqa(*args, env=None, timeout=600, code=None):
    e = dict(os.environ)
    e.update(env or {})
    argv = [sys.executable, "-m", "mtqa", *args] if code is None else [sys.executable, "-c", code, *args]
    return subprocess.run(argv, capture_output=True, text=True, env=e, timeout=timeout, cwd=ROOT)


def test_workers_without_ray_is_a_one_line_error(tmp_path):
    code = (
        "import sys; sys.modules['ray'] = None\n"
        "from mtqa.cli import main\n"
        "main(['run', '002', '--workers', '2', '--out', sys.argv[1]])\n"
    )
    r = _mtqa(str(tmp_path / "o"), code=code)
    assert r.returncode == 2, r.stderr
    assert "pip install 'mtqa[ray]'" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--gpus-per-worker", "1"], "needs --workers"),
        (["--workers", "2", "--device", "cuda"], "needs --gpus-per-worker"),
        (["--workers", "2", "--gpus-per-worker", "1", "--device", "cpu"], "leave out one"),
        (["--workers", "2", "--address", "127.0.0.1:9"], "no Ray head answers there"),
    ],
)
def test_ray_flag_usage_errors(tmp_path, args, needle):
    if "--workers" in args and not HAS_RAY:
        pytest.skip("needs ray")
    r = _mtqa("run", "002", "--out", str(tmp_path / "o"), *args)
    assert r.returncode == 2 and needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_two_documents_one_folder_is_a_usage_error(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "b" / "x.txt").write_text("y")
    r = _mtqa("run", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "same output folder 'x'" in r.stderr
    assert not (tmp_path / "o" / "x").exists()  # checked before any document ran


# --- Ray with the fake pipeline: worker processes that die ----------------------------------
@needs_ray
def test_ray_worker_killed_mid_document_is_retried(tmp_path):
    """A worker process that dies is restarted and its document retried (a document lost with a
    neighbour's crash gets a pass of its own); a document that kills its worker every time is
    recorded as failed after the retries, and the batch goes on."""
    code = (
        "import json, sys\n"
        "from mtqa.batch import RayExecutor, run_batch\n"
        "from tests.test_batch import fake_spec\n"
        "from pathlib import Path\n"
        "refs = sys.argv[2:]\n"
        "rep = run_batch(refs, RayExecutor(fake_spec(Path(sys.argv[1])), 2))\n"
        "print(json.dumps([r.to_row() for r in rep.results]))\n"
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    refs = []
    for i in range(4):
        (docs / f"ok{i}.txt").write_text(f"document {i}! WARN\n")
        refs.append(str(docs / f"ok{i}.txt"))
    (docs / "once.txt").write_text("KILL-WORKER-ONCE\n")
    (docs / "always.txt").write_text("KILL-WORKER-ALWAYS\n")
    refs += [str(docs / "once.txt"), str(docs / "always.txt")]
    out = tmp_path / "out"
    r = _mtqa(str(out), *refs, code=code, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads(r.stdout.strip().splitlines()[-1])
    by = {x["doc_id"]: x for x in results}
    assert len(results) == len(refs) == len(by)  # every document exactly once
    assert all(by[f"ok{i}"]["status"] == "done" for i in range(4))
    assert by["once"]["status"] == "done" and (out / ".once.killed").exists()
    assert by["always"]["status"] == "failed" and "worker process died" in by["always"]["error"]
    assert DocumentSummary.read(out / "always" / "summary.json").status == "failed"
    assert len({x["worker"] for x in results}) >= 2 and os.getpid() not in {x["worker"] for x in results}
    assert [row.doc for row in read_rows(out)] == sorted(by)
    # the workers' log records reach the driver (Ray's log_to_driver), tagged with the worker
    # (any of them: lines a worker writes just before the driver shuts Ray down may not be forwarded)
    assert any(f"ok{i}: a warning from the worker" in r.stderr for i in range(4)) and "MapWorker" in r.stderr


# --- end to end: the real pipeline with a tiny model ----------------------------------------
FAST = "translate:\n  max_tokens: 16\n  retry: false\n"  # the tiny random model never stops on its own
RECORD_RAY = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('ray imported' if 'ray' in sys.modules else 'ray not imported', file=sys.stderr))\n"
    "from mtqa.cli import main\n"
    "main(sys.argv[1:])\n"
)
VOLATILE = ("timings_s", "peak_rss_mb")  # measured, not computed: differ between any two runs


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tests.tiny_models import build_causal

    return build_causal(tmp_path_factory.mktemp("tiny-batch"))


def _paragraph_docs(root: Path, n: int = 6) -> list[str]:
    """Small documents cut from the garbled embedded document 002 (two paragraphs each)."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [x for x in load_document("002").text.splitlines() if x.strip()]
    names = []
    for i in range(n):
        (root / f"d{i}.txt").write_text("\n".join(lines[2 * i : 2 * i + 2]) + "\n", encoding="utf-8")
        names.append(f"d{i}")
    return names


def _run_args(docs: Path, out: Path, tiny: Path, config: Path, *extra: str) -> list[str]:
    return [
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
        str(config),
        *extra,
    ]


def _detect_spans(docs: Path, names: list[str]) -> dict[str, list[dict]]:
    r = _mtqa("detect", *(str(docs / f"{n}.txt") for n in names), "--format", "jsonl", "--quiet")
    assert r.returncode == 0, r.stderr
    spans: dict[str, list[dict]] = {n: [] for n in names}
    for line in r.stdout.splitlines():
        if line.strip():
            row = json.loads(line)
            spans[row["doc"]].append(row)
    return spans


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _summary_without_measurements(path: Path) -> dict:
    d = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in d.items() if k not in VOLATILE}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, tiny):
    """The same folder (six small documents and one undecodable one) run sequentially and on
    a local Ray cluster with two workers, each with its own translation cache."""
    root = tmp_path_factory.mktemp("batch")
    docs = root / "docs"
    names = _paragraph_docs(docs)
    (docs / "bad.txt").write_bytes("中文文档。".encode("gbk") + b"\xff\xfe\xfd")
    config = root / "fast.yaml"
    config.write_text(FAST, encoding="utf-8")
    seq = _mtqa(
        *_run_args(docs, root / "seq", tiny, config, "--quiet"),
        code=RECORD_RAY,
        env={"MTQA_CACHE": str(root / "cache-seq")},
    )
    ray = None
    if HAS_RAY:
        ray = _mtqa(
            *_run_args(docs, root / "ray", tiny, config, "--workers", "2"), env={"MTQA_CACHE": str(root / "cache-ray")}
        )
    return root, docs, names, seq, ray


def test_sequential_batch_records_the_bad_document_and_does_not_import_ray(two_runs):
    root, docs, names, seq, _ = two_runs
    assert seq.returncode == 3, seq.stderr
    err = seq.stderr.strip().splitlines()
    assert err[0].startswith("mtqa: error: 1 of 7 documents failed") and "not valid UTF-8" in err[0]
    assert err[-1] == "ray not imported" and len(err) == 2  # --quiet: nothing else on stderr
    assert seq.stdout.count("bad: FAILED: ") == 1 and all(seq.stdout.count(f"{n}: ") == 1 for n in names)
    bad = DocumentSummary.read(root / "seq" / "bad" / "summary.json")
    assert bad.status == "failed" and "undecodable byte" in (bad.error or "")
    rows = list(csv.DictReader(io.StringIO((root / "seq" / "index.csv").read_text(encoding="utf-8-sig"))))
    assert [r["doc"] for r in rows] == ["bad", *names]
    assert [r["status"] for r in rows] == ["failed"] + ["done"] * len(names)
    detected = _detect_spans(docs, names)
    for n in names:
        assert _jsonl(root / "seq" / n / "spans.jsonl") == detected[n]


@needs_ray
def test_ray_gives_the_same_outputs_as_the_sequential_path(two_runs):
    root, _docs, names, _seq, ray = two_runs
    assert ray.returncode == 3, ray.stderr[-3000:]
    assert "1 of 7 documents failed" in ray.stderr.strip().splitlines()[-1]
    # a Ray session was used: two worker processes, and its session folder holds their logs
    line = next(x for x in ray.stderr.splitlines() if "documents on Ray" in x)
    assert "7 documents on Ray: 2 worker processes" in line
    session = Path(line.split("(session ")[1].split(")")[0])
    assert any(session.glob("logs/worker-*")), session
    for n in names:
        a, b = root / "seq" / n, root / "ray" / n
        for f in ("spans.jsonl", "passages.jsonl", "sheet.csv", "source.txt", f"{n}.repaired.txt"):
            assert (a / f).read_bytes() == (b / f).read_bytes(), f"{n}/{f}"
        assert _summary_without_measurements(a / "summary.json") == _summary_without_measurements(b / "summary.json")
    assert _summary_without_measurements(root / "seq" / "bad" / "summary.json") == _summary_without_measurements(
        root / "ray" / "bad" / "summary.json"
    )

    def rows(d):
        text = (root / d / "index.csv").read_text(encoding="utf-8-sig")
        return [{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(io.StringIO(text))]

    assert rows("seq") == rows("ray")


def _live_processes_with(marker: str) -> list[int]:
    """Our processes whose environment carries ``MTQA_TEST_RUN=marker`` and are not zombies."""
    pids = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            env = (p / "environ").read_bytes()
            state = (p / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"MTQA_TEST_RUN={marker}".encode() in env.split(b"\0") and state != "Z":
            pids.append(int(p.name))
    return pids


@needs_ray
def test_driver_killed_mid_batch_then_rerun_finishes_every_document_once(tmp_path, tiny):
    docs = tmp_path / "docs"
    names = _paragraph_docs(docs, 6)
    config = tmp_path / "fast.yaml"
    config.write_text(FAST, encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, MTQA_CACHE=str(tmp_path / "cache"), MTQA_TEST_RUN="killed")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtqa", *_run_args(docs, out, tiny, config, "--workers", "2", "--quiet")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    t0 = time.time()
    while not any(out.glob("*/summary.json")) and proc.poll() is None and time.time() - t0 < 300:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()[1][-3000:]
    proc.kill()  # SIGKILL: no handler runs, the index is not written
    _, err = proc.communicate(timeout=60)
    assert err == ""  # --quiet: not a line from Ray either
    done_before = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    assert 1 <= len(done_before) < len(names)
    for folder in out.iterdir():  # whatever was written is whole
        for f in folder.glob("*.jsonl"):
            _jsonl(f)

    r = _mtqa(
        *_run_args(docs, out, tiny, config, "--workers", "2"),
        env={"MTQA_CACHE": str(tmp_path / "cache"), "MTQA_TEST_RUN": "rerun"},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "documents on Ray: 2 worker processes" in r.stderr
    lines = [x for x in r.stdout.splitlines() if x.strip()]
    assert sorted(x.split(":")[0] for x in lines) == names  # every document reported exactly once
    # finished before the kill, or by a worker of the killed run that finished its document
    # after the driver died (the document lock made the re-run wait for it): skipped, not redone
    assert set(done_before) <= {x.split(":")[0] for x in lines if "[already done]" in x}
    for n, stamp in done_before.items():  # finished documents were not touched again
        assert (out / n / "summary.json").stat().st_mtime_ns == stamp
    assert not list(out.rglob("*.tmp"))
    rows = list(csv.DictReader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig"))))
    assert [row["doc"] for row in rows] == names and {row["status"] for row in rows} == {"done"}
    detected = _detect_spans(docs, names)
    for n in names:
        assert DocumentSummary.read(out / n / "summary.json").status == "done"
        assert _jsonl(out / n / "spans.jsonl") == detected[n]
        ids = [p["passage_id"] for p in _jsonl(out / n / "passages.jsonl")]
        assert len(ids) == len(set(ids))
    # nothing of the killed run's Ray cluster is left running
    t0 = time.time()
    while _live_processes_with("killed") and time.time() - t0 < 120:  # Ray's agents exit on their own
        time.sleep(0.5)
    assert _live_processes_with("killed") == []


def broken_pipeline(spec):
    from mtqa.errors import ConfigError

    raise ConfigError("unknown key 'detector.rulez'")


def test_a_worker_that_cannot_start_stops_the_batch_with_its_error(tmp_path):
    from mtqa.errors import ConfigError

    paths = _write_docs(tmp_path / "docs")
    spec = RunSpec(config={}, out_dir=str(tmp_path / "out"), pipeline_factory="tests.test_batch:broken_pipeline")
    with pytest.raises(ConfigError, match=r"detector\.rulez") as info:
        run_batch([str(p) for p in paths.values()], SequentialExecutor(spec))
    assert info.value.exit_code == 4


def test_the_model_is_loaded_once_per_worker_not_per_document(tmp_path, tiny, monkeypatch):
    from mtqa.batch import make_spec
    from mtqa.config import load_config

    monkeypatch.setenv("MTQA_CACHE", str(tmp_path / "cache"))
    docs = tmp_path / "docs"
    names = _paragraph_docs(docs, 3)
    (tmp_path / "fast.yaml").write_text(FAST, encoding="utf-8")
    spec = make_spec(
        load_config(tmp_path / "fast.yaml"),
        tmp_path / "out",
        engine="transformers",
        model=str(tiny),
        device="cpu",
        quiet=True,
    )
    worker = DocumentWorker(spec)
    try:
        results = [worker.process(i, str(docs / f"{n}.txt")) for i, n in enumerate(names)]
    finally:
        worker.close()
    assert [r.status for r in results] == ["done"] * 3
    assert [r.model_loads for r in results][-1] == 1  # one translator for the three documents

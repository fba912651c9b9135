"""Batch throughput of ``mtqa run``: sequential vs Ray workers, on 50+ documents from the corpus.

Documents: every non-empty paragraph of the embedded garbled document 002 gives one document:
the sentence of its first detected span and the next ones within 160 characters, or its first
sentences when it has none (54 documents; the corpus, not held-out data: the held-out garbled
test documents under tests/data are not used). For each engine
(``llama-cpp``: the packaged 1.5B; ``small``: the 0.5B) two runs, each in a fresh process
with a fresh output folder and the translation cache off (``translate.cache: false``), so
every run translates everything itself (``retry: false``, ``max_tokens: 128``: one bounded
attempt per passage, so that the four runs fit in about an hour on two shared cores):

* ``sequential``: the default path, one process, the engine on all cores;
* ``ray``: ``--workers 2`` on a local Ray cluster started for the run (``ray.init(num_cpus=2)``),
  each worker with one engine thread.

Reported per run: documents per minute (over the whole run, cluster start and model loads
included, and in the steady state between the first and the last result), time to the first
result, peak RSS per worker process, Ray's cluster start. Ray's own cost per document is
measured apart with a no-op pipeline over 200 documents (sequential vs Ray), and both give
the projection to N machines in ``projection``.

Usage: python scripts/bench_batch.py [--engines small,llama-cpp] [--workers 2] [--out results/batch.json]
       python scripts/bench_batch.py --engines small --modes sequential-1t --append  (one more row)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOOP_DOCS = 200
# Every run translates everything itself (no cache); one attempt per passage, to keep the
# four runs within an hour on two cores.
CONFIG = "translate:\n  cache: false\n  retry: false\n  max_tokens: 128\n"
MAX_CHARS = 160  # a document: a paragraph's first sentences up to this length (the run's cost is the MT)


class NoopPipeline:
    """A pipeline that does nothing but write a summary: what is left is the executor's cost."""

    def __init__(self, spec) -> None:
        self.spec = spec

    def references(self, doc):
        return None

    def run_document(self, doc, out_root, force=False, progress=None):
        from types import SimpleNamespace

        from mtqa.batch import write_summary
        from mtqa.io import safe_name
        from mtqa.record import DocumentSummary

        folder = Path(out_root) / safe_name(doc.doc_id)
        s = DocumentSummary(doc=doc.doc_id, source=doc.source, status="done", chars=len(doc.text))
        write_summary(folder, s)
        return SimpleNamespace(doc_id=doc.doc_id, folder=folder, skipped=False, summary=s)

    def close(self) -> None:
        pass


def build_documents(dest: Path, max_chars: int = MAX_CHARS) -> list[Path]:
    """One document per non-empty paragraph of 002: the sentence with the paragraph's first
    detected span (with the sentences after it while within ``max_chars``), or the paragraph's
    first sentences when it has none."""
    from mtqa.detect import Detector
    from mtqa.document import load_document
    from mtqa.segment import sentences

    dest.mkdir(parents=True, exist_ok=True)
    detector = Detector()
    paras = [line for line in load_document("002").text.splitlines() if line.strip()]
    paths = []
    for i, p in enumerate(paras):
        spans = detector.detect(p).spans
        sents = sentences(p) or [(0, len(p))]
        first = next((k for k, (_a, b) in enumerate(sents) if spans and b > spans[0].start), 0)
        start, end = sents[first]
        for _a, b in sents[first + 1 :]:
            if b - start > max_chars:
                break
            end = b
        path = dest / f"p{i:03d}.txt"
        path.write_text(p[start:end].strip() + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def child(args) -> None:
    """One run in this (fresh) process; prints its figures as JSON on the last line."""
    from mtqa.batch import SequentialExecutor, make_spec, peak_rss_mb, ray_executor, run_batch
    from mtqa.config import load_config

    config = load_config(args.config)
    spec = make_spec(config, args.out_dir, engine=None if args.engine == "noop" else args.engine, quiet=True)
    if args.engine == "noop":
        spec = replace(spec, pipeline_factory="bench_batch:NoopPipeline")
    refs = sorted(str(p) for p in Path(args.docs).glob("*.txt"))
    if args.mode == "sequential-1t":  # the sequential path with one engine thread, as each Ray worker has
        spec = spec.with_overrides(threads=1)
    executor = ray_executor(spec, args.workers) if args.mode == "ray" else SequentialExecutor(spec)
    t0 = time.perf_counter()
    stamps: list[float] = []
    report = run_batch(refs, executor, lambda r: stamps.append(time.perf_counter() - t0), write_index=False)
    peak: dict[int, float] = {}
    loads: dict[int, int] = {}
    for r in report.results:
        peak[r.worker] = max(peak.get(r.worker, 0.0), r.peak_rss_mb)
        loads[r.worker] = max(loads.get(r.worker, 0), r.model_loads)
    n = len(report.results)
    steady = (stamps[-1] - stamps[0]) / (n - 1) if n > 1 else None
    out = {
        "mode": args.mode,
        "engine": args.engine,
        "workers": args.workers if args.mode == "ray" else 1,
        "engine_threads": spec.overrides.get("threads") or os.cpu_count(),
        "documents": n,
        "done": report.count("done"),
        "failed": report.count("failed"),
        "wall_s": round(report.wall_s, 2),
        "docs_per_min": round(60 * n / report.wall_s, 2),
        "steady_s_per_doc": round(steady, 3) if steady else None,
        "steady_docs_per_min": round(60 / steady, 2) if steady else None,
        "time_to_first_result_s": round(report.first_result_s or 0.0, 2),
        "cluster_start_s": round(report.startup_s, 2) if args.mode == "ray" else None,
        "peak_rss_mb_per_worker": sorted(peak.values()),
        "model_loads_per_worker": sorted(loads.values()),
        "driver_peak_rss_mb": peak_rss_mb(),
        "load_average": list(os.getloadavg()),
    }
    print(json.dumps(out))


def run_child(mode: str, engine: str, docs: Path, work: Path, config: Path, workers: int) -> dict:
    out_dir = work / f"out-{engine}-{mode}"
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--mode",
        mode,
        "--engine",
        engine,
        "--docs",
        str(docs),
        "--out-dir",
        str(out_dir),
        "--config",
        str(config),
        "--workers",
        str(workers),
    ]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f"{mode}/{engine} failed:\n{r.stderr[-4000:]}")
    row = json.loads(r.stdout.strip().splitlines()[-1])
    row["process_s"] = round(time.perf_counter() - t, 2)  # interpreter start and imports included
    print(json.dumps(row), flush=True)
    return row


def projection(seq: dict, ray: dict, noop_seq: dict, noop_ray: dict, workers: int) -> dict:
    """Docs per minute and the time for 1000 documents on N machines like this one, each with
    ``workers`` Ray workers, from the measured per-document cost of one worker and Ray's
    overhead per document (the no-op runs)."""
    per_worker = ray["steady_s_per_doc"] * workers  # seconds one worker spends on a document
    overhead = max(0.0, noop_ray["steady_s_per_doc"] * workers - noop_seq["steady_s_per_doc"])
    fixed = ray["time_to_first_result_s"]  # cluster start + actor start + model load + first document
    rows = []
    for n in (1, 4, 16, 64):
        k = n * workers
        rate = 60 * k / (per_worker + overhead)
        rows.append(
            {
                "machines": n,
                "workers": k,
                "docs_per_min": round(rate, 1),
                "minutes_for_1000_docs": round((fixed + 1000 * (per_worker + overhead) / k) / 60, 1),
            }
        )
    return {
        "engine": ray["engine"],
        "s_per_doc_one_worker": round(per_worker, 3),
        "ray_overhead_s_per_doc": round(overhead, 4),
        "fixed_s": fixed,
        "assumes": "machines like this one (2 cores), a shared filesystem, documents like these; "
        "the driver and Ray's head are not the bottleneck at these rates",
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engines", default="small,llama-cpp")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "results/batch.json"))
    ap.add_argument(
        "--modes",
        default="sequential,ray",
        help="runs per engine: sequential (engine on all cores), ray, sequential-1t (one engine thread)",
    )
    ap.add_argument("--append", action="store_true", help="add these runs to the ones already in --out")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    ap.add_argument("--docs", help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", help=argparse.SUPPRESS)
    ap.add_argument("--config", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    import ray

    from mtqa import __version__

    work = Path(tempfile.mkdtemp(prefix="mtqa-bench-batch-"))
    docs = build_documents(work / "docs")
    noop_docs = work / "noop-docs"
    noop_docs.mkdir()
    for i in range(NOOP_DOCS):
        (noop_docs / f"n{i:03d}.txt").write_text(f"document {i}\n", encoding="utf-8")
    config = work / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    out = Path(args.out)
    engines = [e for e in args.engines.split(",") if e]
    chars = [len(p.read_text(encoding="utf-8")) for p in docs]
    runs: list[dict] = []
    prior_commands: list[str] = []
    if args.append and Path(args.out).is_file():
        prior = json.loads(Path(args.out).read_text(encoding="utf-8"))
        runs = prior["runs"]
        prior_commands = prior.get("commands", [prior["command"]])

    def write() -> None:  # after every run: a batch cut short still leaves its figures
        proj = []
        noop = {r["mode"]: r for r in runs if r["engine"] == "noop"}
        for engine in dict.fromkeys(r["engine"] for r in runs if r["engine"] != "noop"):
            by = {r["mode"]: r for r in runs if r["engine"] == engine}
            if {"sequential", "ray"} <= by.keys() and {"sequential", "ray"} <= noop.keys():
                proj.append(projection(by["sequential"], by["ray"], noop["sequential"], noop["ray"], args.workers))
        report = {
            "command": "python scripts/bench_batch.py " + " ".join(sys.argv[1:]),
            "commands": [*prior_commands, "python scripts/bench_batch.py " + " ".join(sys.argv[1:])],
            "documents": {
                "source": "every non-empty paragraph of the embedded document 002: the sentence of its first span "
                f"(and the next ones within {MAX_CHARS} chars), or its first sentences",
                "count": len(docs),
                "chars_min_median_max": [min(chars), sorted(chars)[len(chars) // 2], max(chars)],
            },
            "config": CONFIG,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "versions": {"mtqa": __version__, "ray": ray.__version__},
            "note": "2 cores shared with other work while measuring: see load_average of each run",
            "runs": runs,
            "projection": proj,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(out)

    modes = [m for m in args.modes.split(",") if m]
    if not args.append:
        for mode in ("sequential", "ray"):
            runs.append(run_child(mode, "noop", noop_docs, work, config, args.workers))
            write()
    for engine in engines:
        for mode in modes:
            runs.append(run_child(mode, engine, work / "docs", work, config, args.workers))
            write()
    write()  # with --append and no new runs: the projection recomputed from the runs on file
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

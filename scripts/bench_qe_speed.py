"""QE speed: a 600-line zh->en file (set3 dev rows, seeded sample) on 2 threads, per level, with
the time split per signal and the peak RSS of each configuration (each runs in its own process).

Measures: level fast; level full with each LM asked for (the passes its calibrated combiner
uses, and every LM pass timed on its own so the cost of each signal is known); the
monolingual mode on the same 600 target lines; and ``mtqa score HYP --src SRC`` end to end.
The machine is shared: the load average before and after each run is recorded.

    python scripts/bench_qe_speed.py --lm small,default --threads 2 [--n-lm 60]

The LM configurations run on the first ``--n-lm`` lines of the same sample (the 1.5B LM takes
about a second per line on 2 cores, and every pass is run twice: once combined, once alone);
their ``seconds_per_line`` and ``projected_seconds_for_n`` put them on the same footing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qe_common import RESULTS, ROOT, command_line, load_set3


def sample(n: int, seed: int = 7) -> tuple[list[str], list[str]]:
    rows = load_set3()
    random.Random(seed).shuffle(rows)
    rows = rows[:n]
    return [r["src"] for r in rows], [r["tgt"] for r in rows]


def one(config: str, n: int, threads: int, n_lm: int) -> dict:
    """Run one configuration in this process and return its figures."""
    from mtqa.qe import QualityEstimator
    from mtqa.qe.features import bilingual_features

    srcs, tgts = sample(n)
    if config.startswith("full:"):
        srcs, tgts = srcs[:n_lm], tgts[:n_lm]
    t0 = time.perf_counter()
    out: dict = {"config": config, "lines": len(srcs)}
    if config == "fast":
        est = QualityEstimator("fast")
        res = est.bilingual(srcs, tgts, "zh", "en")
        out["timings"] = est.timings
    elif config == "mono-fast":
        est = QualityEstimator("fast")
        res = est.monolingual(tgts, "en")
        out["timings"] = est.timings
    elif config.startswith("full:"):
        from mtqa.qe.lm import LMScorer

        t_load = time.perf_counter()
        lm = LMScorer.load(config.split(":", 1)[1], n_threads=threads)
        out["lm_load_s"] = round(time.perf_counter() - t_load, 2)
        est = QualityEstimator("full", lm=lm)
        res = est.bilingual(srcs, tgts, "zh", "en")
        out["level_used"] = res[0].level
        out["timings"] = dict(est.timings)
        out["lm_tokens"] = lm.tokens_evaluated
        # every LM pass on its own (including those the combiner does not use)
        each: dict[str, float] = {}
        for p in ("cond", "flu", "rev"):
            lm.llm.reset()
            lm.llm._ctx.kv_cache_clear()
            tok0 = lm.tokens_evaluated
            bilingual_features(srcs, tgts, "zh", "en", est.detector, lm, [p], timings=each)
            each[f"lm_{p}_tokens"] = lm.tokens_evaluated - tok0
        out["each_lm_pass"] = {k: round(v, 2) for k, v in each.items() if k.startswith("lm_")}
        lm.close()
        res = res[:1]
    else:
        raise SystemExit(f"unknown config {config}")
    out["seconds"] = round(time.perf_counter() - t0, 2)
    if config.startswith("full:"):  # the combined pass only (each_lm_pass reruns them alone)
        qe_s = sum(out["timings"].values())
        out["seconds_per_line"] = round(qe_s / len(srcs), 4)
        out["projected_seconds_for_n"] = round(qe_s / len(srcs) * n, 1)
    out["timings"] = {k: round(v, 2) for k, v in out["timings"].items()}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["qe_first"] = round(res[0].qe, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lm", default="small", help="comma-separated packaged LMs for level full")
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-lm", type=int, default=0, help="lines for the LM configurations (0: --n)")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.n, args.threads, args.n_lm or args.n)))
        return
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    configs = ["fast", "mono-fast"] + [f"full:{m}" for m in args.lm.split(",") if m]
    runs = []
    for c in configs:
        load0 = os.getloadavg()[0]
        r = subprocess.run(
            [sys.executable, __file__, "--one", c, "--n", str(args.n), "--threads", str(args.threads),
             "--n-lm", str(args.n_lm or args.n)],
            capture_output=True,
            text=True,
            env=env,
        )
        if r.returncode:
            raise SystemExit(r.stderr)
        d = json.loads(r.stdout.strip().splitlines()[-1])
        d["load_before_after"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
        print(json.dumps(d), file=sys.stderr)
        runs.append(d)
    # the command line, end to end (imports, file reading, output)
    srcs, tgts = sample(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        src, hyp = Path(tmp) / "src.zh", Path(tmp) / "hyp.en"
        src.write_text("\n".join(srcs) + "\n", encoding="utf-8")
        hyp.write_text("\n".join(tgts) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "-m", "mtqa", "score", str(hyp), "--src", str(src), "-f", "jsonl", "-q"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        cli = {
            "command": "mtqa score HYP --src SRC -f jsonl (level fast)",
            "seconds": round(time.perf_counter() - t0, 2),
        }
        cli["ok"] = r.returncode == 0 and len(r.stdout.splitlines()) == args.n
    result = {
        "command": command_line(),
        "what": f"QE of {args.n} zh->en lines (set3 dev sample; LM levels on the first "
        f"{args.n_lm or args.n}) with {args.threads} threads",
        "machine": {"cpus": os.cpu_count(), "note": "shared with other jobs; see load_before_after"},
        "runs": runs,
        "cli": cli,
    }
    (RESULTS / "qe_speed.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

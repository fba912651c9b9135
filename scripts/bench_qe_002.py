"""QE before and after repair on a run's passages (default: the committed run of document 002,
results/002/passages.jsonl), with the API ``mtqa run`` uses:

- ``qe_before``: monolingual QE of the original passage in the document's language, with its
  detected spans;
- ``qe_after``: bilingual QE of the repair against the text it was made from (translation
  en->zh, or repair of a mixed passage, "auto"->zh) and, for comparison on one scale with
  ``qe_before``, the monolingual QE of the repair.

Writes results/qe_002.json (per passage and means).

    python scripts/bench_qe_002.py [--run results/002] [--level fast|full] [--lm default]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qe_common import RESULTS, ROOT, command_line

from mtqa.detect.base import Span


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", default=str(ROOT / "results" / "002"), help="a run folder with passages.jsonl")
    ap.add_argument("--level", choices=["fast", "full"], default="fast")
    ap.add_argument("--lm", default="default", help="LM for level full (the run's translator model: default)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lang", default="zh", help="the document's language")
    args = ap.parse_args()
    from mtqa.qe import QualityEstimator
    from mtqa.qe.lm import LMScorer
    from mtqa.segment import count_scripts

    rows = [json.loads(x) for x in (Path(args.run) / "passages.jsonl").read_text(encoding="utf-8").splitlines() if x]
    lm = LMScorer.load(args.lm, n_threads=args.threads) if args.level == "full" else None
    est = QualityEstimator(args.level, lm=lm)
    t0 = time.perf_counter()
    spans = [
        [Span(s["start"], s["end"], s["text"], s["kind"], s["severity"], s["confidence"], s["rule"]) for s in r["spans"]]
        for r in rows
    ]
    before = est.monolingual([r["original"] for r in rows], args.lang, spans=spans)
    after_mono = est.monolingual([r["repaired"] for r in rows], args.lang)
    after_bi: list = [None] * len(rows)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        src = r.get("pre_edited") or r["original"]
        han, latin = count_scripts(src)
        mode = "en" if han == 0 else "zh" if latin == 0 else "auto"
        groups.setdefault(mode, []).append(i)
    for mode, idx in groups.items():
        srcs = [rows[i].get("pre_edited") or rows[i]["original"] for i in idx]
        res = est.bilingual(srcs, [rows[i]["repaired"] for i in idx], mode, args.lang)
        for i, q in zip(idx, res, strict=True):
            after_bi[i] = q
    seconds = time.perf_counter() - t0
    per = []
    for r, b, am, ab in zip(rows, before, after_mono, after_bi, strict=True):
        per.append(
            {
                "passage_id": r["passage_id"],
                "original": r["original"],
                "repaired": r["repaired"],
                "qe_before": b.to_json(),
                "qe_after_bilingual": ab.to_json(),
                "qe_after_monolingual": am.to_json(),
            }
        )

    def mean(xs):
        return round(float(np.mean(xs)), 2)

    out = {
        "command": command_line(),
        "run": str(Path(args.run).resolve().relative_to(ROOT)) if Path(args.run).resolve().is_relative_to(ROOT) else args.run,
        "level": args.level,
        "level_used": before[0].level if before else args.level,
        "passages": len(rows),
        "seconds": round(seconds, 2),
        "mean_qe_before_monolingual": mean([b.qe for b in before]),
        "mean_qe_after_monolingual": mean([a.qe for a in after_mono]),
        "mean_qe_after_bilingual": mean([a.qe for a in after_bi]),
        "rises": sum(a.qe > b.qe for a, b in zip(after_mono, before, strict=True)),
        "notes": sorted({n for q in [*before, *after_bi] for n in q.notes}),
        "per_passage": per,
    }
    name = "qe_002.json" if args.level == "fast" else f"qe_002_{args.level}.json"
    (RESULTS / name).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "per_passage"}, indent=1, ensure_ascii=False))
    if lm is not None:
        lm.close()


if __name__ == "__main__":
    main()

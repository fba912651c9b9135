"""Round-trip chrF as a QE signal, measured on a stratified sample of set3 dev: translate each
English output back into Chinese with mtqa's own engine (greedy, no glossary, no retry) and
score chrF against the Chinese source. Compared, on the same rows, with the other signals
(its cheap cousin is ``lp_rev``: log P(source | output) by forced decoding, no generation).
Back-translations are cached in results/qe_set3_roundtrip_<engine>.jsonl; figures go to
results/qe_roundtrip.json.

    nice -n 19 python scripts/qe_roundtrip.py --engine small --rows 200 --threads 1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qe_common import RESULTS, cheap_features, command_line, lm_features, load_set3, read_jsonl, report
from qe_features import ordered_items

from mtqa.qe.features import chrf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", default="small", choices=["small", "llama-cpp"])
    ap.add_argument("--rows", type=int, default=200, help="rows, in the stratified tier order of qe_features.py")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--lm", default="small", help="LM cache to compare with (results/qe_set3_lm_<lm>.jsonl)")
    args = ap.parse_args()
    rows = [r for _, _, rs in ordered_items(load_set3()) for r in rs][: args.rows]
    path = RESULTS / f"qe_set3_roundtrip_{args.engine}.jsonl"
    cache = {d["id"]: d for d in read_jsonl(path)}
    todo = [r for r in rows if r["id"] not in cache]
    seconds = [d["seconds"] for d in cache.values()]
    if todo:
        from mtqa.translate.base import ENGINES

        tr = ENGINES[args.engine](n_threads=args.threads, retry=False)
        tr.llm._ctx.set_n_threads(args.threads, args.threads)
        with open(path, "a", encoding="utf-8") as fh:
            for r in todo:
                t0 = time.perf_counter()
                back = tr.translate([r["tgt"]], "en", "zh")[0].text
                d = {"id": r["id"], "back": back, "seconds": round(time.perf_counter() - t0, 3)}
                seconds.append(d["seconds"])
                cache[r["id"]] = d
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
                fh.flush()
        tr.close()
    rt = np.array([chrf(cache[r["id"]]["back"], r["src"]) for r in rows])
    cheap = cheap_features(rows)
    lm = lm_features(RESULTS / f"qe_set3_lm_{args.lm}.jsonl")
    signals = {"rt_chrf": report(rt, rows)}
    for name, sign in (("cos", 1), ("src_len", -1)):
        signals[name] = report(np.array([sign * cheap[r["id"]][name] for r in rows]), rows)
    have = [r for r in rows if "lp_rev" in lm.get(r["id"], {})]
    if have:
        for name in ("lp_cond", "lp_flu", "lp_rev"):
            signals[f"{name} ({args.lm}, {len(have)} rows)"] = report([lm[r["id"]][name] for r in have], have)
        signals[f"rt_chrf on the same {len(have)} rows"] = report(
            [rt[i] for i, r in enumerate(rows) if "lp_rev" in lm.get(r["id"], {})], have
        )
    out = {
        "command": command_line(),
        "what": "round-trip chrF (en->zh back-translation vs the zh source) as a QE signal, set3 dev sample",
        "rows": len(rows),
        "engine": args.engine,
        "seconds_per_row_mean": round(float(np.mean(seconds)), 3) if seconds else None,
        "signals": signals,
    }
    (RESULTS / "qe_roundtrip.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: (v["all"]["pearson"], v["all"].get("item_pearson")) for k, v in signals.items()}, indent=1))


if __name__ == "__main__":
    main()

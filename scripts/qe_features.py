"""Extract and cache the LM signals of set3 (zh->en MT with human MQM) for the QE study.

One JSONL line per (row id, pass) under results/, appended as it goes: a rerun skips what is
done, so the cache makes reruns free. Passes: ``cond`` log P(tgt | src) under the translator's
instruction, ``flu`` log P(tgt) after a neutral instruction, ``rev`` log P(src | tgt) (the
reverse direction, as Prism), ``judge`` log P(Yes) - log P(No) asked after the translation.
Rows are visited item by item (so the source prefix is evaluated once per item), in tiers: a
stratified 1/8 of each document's items first (``--max-tier 0``: the pilot), then 1/4, 1/2, all.

    nice -n 19 python scripts/qe_features.py --model default --threads 1
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtqa.qe.lm import LMScorer, judge_margin  # noqa: E402

SET3 = ROOT.parent / "shared" / "testsets" / "external" / "set3_qe_zhen_dev.jsonl"
PASSES = ("cond", "flu", "rev", "judge")


def load_set3(path: Path = SET3) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _seg_key(seg: str) -> tuple[int, str]:
    return (int(seg), seg) if seg.isdigit() else (10**9, seg)


def _rank(k: int) -> int:
    """Sampling tier of the k-th item of a document: 0 every 8th, 1 the other 4th, 2 the other
    2nd, 3 the rest (so tiers <= t are a stratified 1/8, 1/4, 1/2 of each document)."""
    return 0 if k % 8 == 0 else 1 if k % 4 == 0 else 2 if k % 2 == 0 else 3


def ordered_items(rows: list[dict]) -> list[tuple[int, str, list[dict]]]:
    """Items as (tier, item id, rows), tier by tier, documents round-robin within a tier (so a
    partial run is balanced across documents)."""
    by_item: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_item[r["item"]].append(r)
    by_doc: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item, rs in by_item.items():
        by_doc[(rs[0]["corpus"], rs[0]["doc"])].append(item)
    tiers: dict[int, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for doc in sorted(by_doc):
        items = sorted(by_doc[doc], key=lambda i: _seg_key(by_item[i][0]["seg"]))
        for k, item in enumerate(items):
            tiers[_rank(k)][doc].append(item)
    out = []
    for tier in sorted(tiers):
        queues = [list(q) for _, q in sorted(tiers[tier].items())]
        while any(queues):
            for q in queues:
                if q:
                    item = q.pop(0)
                    out.append((tier, item, sorted(by_item[item], key=lambda r: r["system"])))
    return out


def tier_ids(rows: list[dict], max_tier: int) -> set[str]:
    """Row ids of the items in tiers <= max_tier."""
    return {r["id"] for tier, _, rs in ordered_items(rows) if tier <= max_tier for r in rs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="default", help="packaged model (default, small) or .gguf path")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--passes", default=",".join(PASSES))
    ap.add_argument("--max-tier", type=int, default=3, help="0: a stratified 1/8 of the items, 1: 1/4, 2: 1/2, 3: all")
    ap.add_argument("--out", default=None, help="default: results/qe_set3_lm_<model>.jsonl")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    passes = [p for p in args.passes.split(",") if p]
    scorer = LMScorer.load(args.model, n_threads=args.threads)
    out = Path(args.out or ROOT / "results" / f"qe_set3_lm_{args.model}.jsonl")
    done: set[tuple[str, str]] = set()
    if out.exists():
        with open(out, encoding="utf-8") as fh:
            for line in fh:
                try:
                    d = json.loads(line)
                except ValueError:  # a line cut by a kill
                    continue
                done.add((d["id"], d["pass"]))
    rows = load_set3()
    items = ordered_items(rows)
    items = [t for t in items if t[0] <= args.max_tier]
    total = sum(len(rs) for _, _, rs in items)
    t0, n_done = time.time(), 0
    with open(out, "a", encoding="utf-8") as fh:
        for _, _item, rs in items:
            lines = []
            # cond then judge row by row (the judge question continues the cond sequence),
            # then flu and rev: consecutive calls share their evaluated prefix
            order = [x for r in rs for x in (("cond", r), ("judge", r))]
            order += [(p, r) for p in ("flu", "rev") for r in rs]
            for p, r in order:
                if p not in passes or (r["id"], p) in done:
                    continue
                rec: dict = {"id": r["id"], "pass": p, "model": scorer.label}
                if p == "judge":
                    rec["margin"] = round(judge_margin(scorer, r["src"], r["tgt"], "zh", "en"), 4)
                else:
                    if p == "cond":
                        ts = scorer.translation(r["src"], r["tgt"], "zh", "en")
                    elif p == "flu":
                        ts = scorer.fluency(r["tgt"], "en")
                    else:
                        ts = scorer.translation(r["tgt"], r["src"], "en", "zh")
                    rec.update(lps=[round(float(x), 3) for x in ts.logprobs], end=round(ts.end_logprob, 4))
                lines.append(json.dumps(rec, ensure_ascii=False))
            if lines:
                fh.write("\n".join(lines) + "\n")
                fh.flush()
            n_done += len(rs)
            if n_done % 200 < len(rs):
                el = time.time() - t0
                logging.info(
                    "%d/%d rows, %.0f s, %d tokens (%.1f tok/s)",
                    n_done,
                    total,
                    el,
                    scorer.tokens_evaluated,
                    scorer.tokens_evaluated / max(el, 1e-9),
                )
    logging.info("done: %d rows in %.0f s, %d tokens", n_done, time.time() - t0, scorer.tokens_evaluated)


if __name__ == "__main__":
    main()

"""Precision and recall of the bitext sentence aligner on the hand-annotated alignment of 000.

The aligner runs as the reference set runs it: ``ReferenceSet({"000": text})`` splits 000 into
sentences and language blocks and aligns its zh block with each en block; a sentence in no
non-null bead of a parallel block pair is a 1-0 / 0-1 bead. Our sentences are mapped onto the
gold's by character offsets (each gold sentence takes the beads of the sentences of ours that
overlap it; beads that meet on a gold sentence merge), so a different segmentation is scored on
the gold's units.

Scores, as vecalign's ``score.py`` (Thompson & Koehn 2019, after Sennrich & Volk): *strict* = a
bead identical to a gold bead, *lax* = a bead whose sides overlap a gold bead's on both sides.
``non_null``: precision and recall over beads with sentences on both sides (1-0 / 0-1 beads left
out on both sides). ``vecalign``: vecalign's convention, where precision also counts the
predicted 1-0 / 0-1 beads (strict only when the gold has the same deletion) and recall counts
non-null gold beads.

Also, not hand-annotated: the same gold projected onto document 003 (000's English as one
line, segmented differently) by string match and aligned with 000's Chinese half, and
synthetic parallel documents built from Tatoeba zh-en pairs (merges, deletions, insertions).

Usage: python scripts/eval_align.py
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from mtqa.align import AlignParams, ReferenceSet, align_sentences
from mtqa.align.bitext import dp_align
from mtqa.config import default_config
from mtqa.document import load_document
from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests/data/000.align.gold.jsonl"
TATOEBA = ROOT.parent / "shared/testsets/tatoeba-cmn_Hans.tsv"
log = logging.getLogger("eval_align")

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def _counts(gold: list[Bead], test: list[Bead]) -> tuple[int, int, int]:
    """(strict hits, lax hits, number) of the ``test`` beads against ``gold``."""
    gold_set = set(gold)
    tgt_of: dict[int, set[int]] = defaultdict(set)
    for x, y in gold:
        for i in x:
            tgt_of[i] |= set(y)
    strict = lax = 0
    for x, y in test:
        if (x, y) in gold_set:
            strict += 1
            lax += 1
        elif set(y) & set().union(*(tgt_of[i] for i in x)):
            lax += 1
    return strict, lax, len(test)


def scores(gold: list[Bead], test: list[Bead]) -> dict[str, dict[str, float]]:
    """Strict / lax precision and recall, over non-null beads and in vecalign's convention."""

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    full = [b for b in test if b[0] or b[1]]
    gold_full = [b for b in gold if b[0] or b[1]]
    nn_test = [b for b in test if b[0] and b[1]]
    nn_gold = [b for b in gold if b[0] and b[1]]
    ps, pl, pn = _counts(nn_gold, nn_test)
    rs, rl, rn = _counts(nn_test, nn_gold)
    vs, vl, vn = _counts(gold_full, full)
    return {
        "non_null": {
            "precision_strict": ratio(ps, pn),
            "recall_strict": ratio(rs, rn),
            "precision_lax": ratio(pl, pn),
            "recall_lax": ratio(rl, rn),
            "predicted_beads": pn,
            "gold_beads": rn,
        },
        "vecalign": {
            "precision_strict": ratio(vs, vn),
            "recall_strict": ratio(rs, rn),
            "precision_lax": ratio(vl, vn),
            "recall_lax": ratio(rl, rn),
            "predicted_beads": vn,
            "gold_beads": rn,
        },
    }


def project(
    beads: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]],
    gold_zh: list[tuple[int, int]],
    gold_en: list[tuple[int, int]],
) -> list[Bead]:
    """Beads over our sentence spans -> beads over gold sentence indices: a span takes every gold
    sentence it overlaps; beads that share a gold sentence merge; a gold sentence in no bead is
    a 1-0 / 0-1 bead."""

    def hits(spans, gold):
        return {k for a, b in spans for k, (c, d) in enumerate(gold) if a < d and c < b}

    groups = [(hits(z, gold_zh), hits(e, gold_en)) for z, e in beads if z or e]
    merged: list[tuple[set[int], set[int]]] = []
    for z, e in groups:
        for m in [m for m in merged if m[0] & z or m[1] & e]:
            merged.remove(m)
            z, e = z | m[0], e | m[1]
        merged.append((z, e))
    out = [(tuple(sorted(z)), tuple(sorted(e))) for z, e in merged]
    seen_z = {i for z, _ in out for i in z}
    seen_e = {j for _, e in out for j in e}
    out += [((i,), ()) for i in range(len(gold_zh)) if i not in seen_z]
    out += [((), (j,)) for j in range(len(gold_en)) if j not in seen_e]
    return out


def reference_beads(refs: ReferenceSet, confident: bool) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """The non-null beads of the parallel block pairs of a reference set, as (zh spans, en spans)."""
    out = []
    for bt in refs.bitexts:
        if not bt.parallel:
            continue
        zb, eb = refs.blocks[bt.zh], refs.blocks[bt.en]
        for b in bt.beads:
            if b.null or (confident and not b.trusted(refs.params.bead_cosine_min)):
                continue
            out.append(
                (
                    [(zb.units[i].start, zb.units[i].end) for i in b.src],
                    [(eb.units[j].start, eb.units[j].end) for j in b.tgt],
                )
            )
    return out


def eval_000(params: AlignParams) -> dict:
    text = load_document("000").text
    gold_rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    gold_zh = sorted({tuple(s) for r in gold_rows for s in r["zh"]})
    gold_en = sorted({tuple(s) for r in gold_rows for s in r["en"]})
    zi = {s: k for k, s in enumerate(gold_zh)}
    ei = {s: k for k, s in enumerate(gold_en)}
    gold = [
        (tuple(sorted(zi[tuple(s)] for s in r["zh"])), tuple(sorted(ei[tuple(s)] for s in r["en"]))) for r in gold_rows
    ]
    t0 = time.perf_counter()
    refs = ReferenceSet({"000": text}, params)
    seconds = time.perf_counter() - t0
    ours = sorted((u.start, u.end) for u in refs.units)
    theirs = sorted(gold_zh + gold_en)
    out = {
        "segmentation": {
            "ours": len(ours),
            "gold": len(theirs),
            "identical": ours == theirs,
            "how": "mtqa.align.alignment_units: mtqa.segment.sentences re-joined where it split at a semicolon "
            "inside a line (the gold protocol splits at 。！？.!? and line breaks only); mapped onto the gold's "
            "sentences by character offsets either way",
        },
        "blocks": [
            {"lang": b.lang, "sentences": len(b.units), "start": b.units[0].start, "end": b.units[-1].end}
            for b in refs.blocks
        ],
        "block_pairs": [
            {
                "zh": [refs.blocks[b.zh].units[0].start, refs.blocks[b.zh].units[-1].end],
                "en": [refs.blocks[b.en].units[0].start, refs.blocks[b.en].units[-1].end],
                "coverage": b.coverage,
                "parallel": b.parallel,
            }
            for b in refs.bitexts
        ],
        "seconds_build_incl_embedding": round(seconds, 2),
    }
    for name, confident in (("all_beads", False), ("confident_beads", True)):
        test = project(reference_beads(refs, confident), gold_zh, gold_en)
        out[name] = scores(gold, test)
    test = project(reference_beads(refs, False), gold_zh, gold_en)
    out["beads"] = [
        {
            "zh": [text[gold_zh[i][0] : gold_zh[i][1]][:40] for i in z],
            "en": [text[gold_en[j][0] : gold_en[j][1]][:60] for j in e],
            "in_gold": (z, e) in set(gold),
        }
        for z, e in sorted(test, key=lambda b: (b[0] or (99,), b[1]))
    ]
    out["gold_beads_missed"] = [
        {"type": r["type"], "zh": [t[:40] for t in r["zh_text"]], "en": [t[:60] for t in r["en_text"]]}
        for r, g in zip(gold_rows, gold, strict=True)
        if g[0] and g[1] and g not in set(test)
    ]
    return out


def eval_003(params: AlignParams) -> dict:
    """000's gold projected onto 003 by string match, aligned with 000's Chinese half."""
    t0, t3 = load_document("000").text, load_document("003").text
    gold_rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    refs = ReferenceSet({"000": t0, "003": t3}, params)
    zh_block = next(b for b in refs.blocks if b.lang == "zh")
    gold_zh = [(u.start, u.end) for u in zh_block.units]
    units3 = next(b for b in refs.blocks if b.doc == "003").units
    # each gold English sentence found verbatim in 003 gives the 003 sentence(s) it lies in
    found: dict[tuple[int, int], list[int]] = {}
    for r in gold_rows:
        for a, b in r["en"]:
            s = t0[a:b]
            k = t3.find(s)
            if k >= 0:
                found[(a, b)] = [i for i, u in enumerate(units3) if u.start < k + len(s) and k < u.end]
    gold: list[Bead] = []
    zi = {s: k for k, s in enumerate(gold_zh)}
    for r in gold_rows:
        z = {zi[tuple(s)] for s in r["zh"] if tuple(s) in zi}
        e = {i for s in r["en"] for i in found.get(tuple(s), [])}
        if z or e:
            gold.append((tuple(sorted(z)), tuple(sorted(e))))
    merged: list[tuple[set[int], set[int]]] = []
    for z, e in gold:
        zs, es = set(z), set(e)
        for m in [m for m in merged if m[0] & zs or m[1] & es]:
            merged.remove(m)
            zs, es = zs | m[0], es | m[1]
        merged.append((zs, es))
    gold = [(tuple(sorted(z)), tuple(sorted(e))) for z, e in merged]
    seen = {j for _, e in gold for j in e}
    gold += [((), (j,)) for j in range(len(units3)) if j not in seen]
    bt = next(b for b in refs.bitexts if refs.blocks[b.en].doc == "003")
    test = [(b.src, b.tgt) for b in bt.beads]
    return {
        "note": "not hand-annotated: 000's gold projected onto 003's sentences by exact string match "
        f"({len(found)} of {sum(len(r['en']) for r in gold_rows)} gold English sentences found verbatim in 003)",
        "sentences": {"zh": len(gold_zh), "en_003": len(units3)},
        "coverage": bt.coverage,
        "parallel": bt.parallel,
        **scores(gold, test),
    }


def synthetic(params: AlignParams, docs: int = 20, n: int = 40, seed: int = 0) -> dict:
    """Parallel documents made of Tatoeba pairs: 10% 1-2 (two zh sentences glued), 10% 2-1,
    8% 1-0 (English dropped), 8% 0-1 (an unrelated English sentence inserted)."""
    if not TATOEBA.is_file():
        return {"skipped": f"{TATOEBA} not found"}
    rows = [x.split("\t") for x in TATOEBA.read_text(encoding="utf-8").splitlines()[1:] if "\t" in x]
    rng = random.Random(seed)
    totals: dict[str, list[float]] = defaultdict(list)
    for _ in range(docs):
        idx = rng.sample(range(len(rows)), n + 10)
        use, extra = idx[:n], idx[n:]
        zh: list[str] = []
        en: list[str] = []
        gold: list[Bead] = []
        i = 0
        while i < n:
            r = rng.random()
            z, e = rows[use[i]]
            if r < 0.2 and i + 1 < n:
                z2, e2 = rows[use[i + 1]]
                if r < 0.1:
                    gold.append(((len(zh),), (len(en), len(en) + 1)))
                    zh.append(z + z2)
                    en += [e, e2]
                else:
                    gold.append(((len(zh), len(zh) + 1), (len(en),)))
                    zh += [z, z2]
                    en.append(e + " " + e2)
                i += 2
                continue
            if r < 0.28:
                gold.append(((len(zh),), ()))
                zh.append(z)
                i += 1
                continue
            if r < 0.36 and extra:
                gold.append(((), (len(en),)))
                en.append(rows[extra.pop()][1])
            gold.append(((len(zh),), (len(en),)))
            zh.append(z)
            en.append(e)
            i += 1
        beads = align_sentences(zh, en, params.bitext)
        for view, v in scores(gold, [(b.src, b.tgt) for b in beads]).items():
            for k, x in v.items():
                totals[f"{view}.{k}"].append(x)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for key, xs in totals.items():
        view, k = key.split(".")
        out[view][k] = round(float(np.mean(xs)), 3)
    return {"documents": docs, "pairs_per_document": n, "seed": seed, **out}


def dp_speed(n: int = 300, m: int = 320) -> dict:
    """Seconds of the DP alone for n x m sentences (random costs; embedding not included)."""
    rng = np.random.default_rng(0)
    costs = {(a, b): rng.random((n - a + 1, m - b + 1)) * a * b for a, b in ((1, 1), (1, 2), (2, 1))}
    t0 = time.perf_counter()
    dp_align(n, m, costs, 0.4)
    return {"sentences": [n, m], "seconds": round(time.perf_counter() - t0, 3)}


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    params = AlignParams.from_config(default_config()["align"])
    report = {
        "command": "python scripts/eval_align.py",
        "gold": "tests/data/000.align.gold.jsonl",
        "params": {k: v for k, v in default_config()["align"].items()},
        "000": eval_000(params),
        "003_vs_000_zh": eval_003(params),
        "tatoeba_synthetic": synthetic(params),
        "dp_speed": dp_speed(),
    }
    atomic_write(ROOT / "results/align_000.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    log.warning("%s", json.dumps({k: report["000"][k] for k in ("all_beads", "confident_beads")}, indent=2))


if __name__ == "__main__":
    main()

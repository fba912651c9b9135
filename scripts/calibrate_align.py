"""Calibrate the aligner's thresholds (the ``align`` section of the config).

Cross-language: cosine of the hand-aligned zh/en pairs of document 000 against all non-pairs,
and each true pair's margin over the best wrong candidate. Same-language: chrF between the
English sentences of documents 001 and 004 (two different meetings, same topic): what an
unrelated sentence of this domain scores; and the first half of each English sentence of 000
against the whole: what a passage that is part of a reference sentence scores.

Usage: python scripts/calibrate_align.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mtqa.align import RETRIEVAL_CHRF, ReferenceIndex, reference_sentences
from mtqa.detect import Detector
from mtqa.document import load_document
from mtqa.embed import embed
from mtqa.io import atomic_write
from mtqa.segment import count_scripts, sentences
from mtqa.translate.prompt import parallel_pairs

ROOT = Path(__file__).resolve().parents[1]


def pct(values, qs=(0, 50, 90, 99, 100)) -> dict[str, float]:
    return {f"p{q}": round(float(np.percentile(values, q)), 3) for q in qs}


def main() -> None:
    pairs = [(zh, en) for _, zh, en in parallel_pairs()]
    sims = embed([z for z, _ in pairs]) @ embed([e for _, e in pairs]).T
    true = np.diag(sims)
    off = sims[~np.eye(len(pairs), dtype=bool)]
    margins = [float(true[i] - np.max(np.delete(sims[i], i))) for i in range(len(pairs))]
    chrf = RETRIEVAL_CHRF
    a = [r.text for r in reference_sentences("001", load_document("001").text) if r.lang == "en"]
    b = [r.text for r in reference_sentences("004", load_document("004").text) if r.lang == "en"]
    unrelated = [chrf.sentence_score(x, [y]).score for x in a for y in b]
    # chrF (beta=1) of a 000 English sentence's first half against the whole sentence: what a
    # passage that is part of a reference sentence scores.
    en = [r.text for r in reference_sentences("000", load_document("000").text) if r.lang == "en"]
    halves = [chrf.sentence_score(t[: len(t) // 2], [t]).score for t in en]
    # Retrieval as the aligner does it: each zh sentence of a pair against every clause window
    # of 000's English; is the winner inside the true sentence, and by what margin over the
    # best window that does not overlap the winner?
    text = load_document("000").text
    windows = [r for r in reference_sentences("000", text, windows=True) if r.lang == "en"]
    wemb = embed([w.text for w in windows])
    correct, wmargins = 0, []
    for zh, en in pairs:
        a = text.index(en)
        b = a + len(en)
        sims = wemb @ embed([zh])[0]
        k = int(sims.argmax())
        w = windows[k]
        correct += not (w.end <= a or b <= w.start)
        rival = max(float(s) for s, r in zip(sims, windows, strict=True) if r.end <= w.start or w.end <= r.start)
        wmargins.append(float(sims[k]) - rival)
    # The grid the thresholds were chosen from. Positives: the 16 zh sentences of the pairs,
    # retrieved among the de-duplicated clause windows of all English references (000, 001,
    # 003, 004). Negatives (mostly): the clean Chinese sentences of 002, an interview about
    # other events, which should rarely find a counterpart.
    allrefs = []
    for d in ("000", "001", "003", "004"):
        allrefs += reference_sentences(d, load_document(d).text, windows=True)
    en_refs = [r for r in ReferenceIndex(allrefs).refs if r.lang == "en"]
    emb = embed([r.text for r in en_refs])

    def best(v):
        sims = emb @ v
        k = int(sims.argmax())
        w = en_refs[k]
        rival = max(
            float(x)
            for x, r in zip(sims, en_refs, strict=True)
            if r.doc != w.doc or r.end <= w.start or w.end <= r.start
        )
        return float(sims[k]), float(sims[k]) - rival

    t002 = load_document("002").text
    spans = Detector().detect(t002).spans
    clean = [
        t002[a:b]
        for a, b in sentences(t002)
        if count_scripts(t002[a:b])[0] >= 10
        and count_scripts(t002[a:b])[1] == 0
        and not any(s.start < b and a < s.end for s in spans)
    ]
    neg = [best(v) for v in embed(clean)]
    pos = [best(v) for v in embed([z for z, _ in pairs])]
    grid = [
        {
            "cosine_min": c,
            "cosine_margin": m,
            "true_pairs_aligned": f"{sum(x >= c and y >= m for x, y in pos)}/{len(pos)}",
            "clean_002_sentences_aligned": f"{sum(x >= c and y >= m for x, y in neg)}/{len(neg)}",
        }
        for c in (0.5, 0.55, 0.6)
        for m in (0.05, 0.1)
    ]
    report = {
        "command": "python scripts/calibrate_align.py",
        "cosine_true_pairs": pct(true),
        "cosine_non_pairs": pct(off),
        "cosine_true_margin": pct(margins),
        "chrf_unrelated_same_domain": pct(unrelated),
        "chrf_half_sentence_vs_whole": pct(halves),
        "windowed_retrieval_top1_correct": f"{correct}/{len(pairs)}",
        "windowed_retrieval_margin": pct(wmargins),
        "cross_language_grid": grid,
        "pairs": len(pairs),
        "unrelated_sentence_pairs": len(unrelated),
    }
    atomic_write(ROOT / "results/align_calibration.json", json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

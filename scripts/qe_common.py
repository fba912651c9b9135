"""Shared by the QE scripts: set3 loading, the held-out scorer's correlation protocol, and the
cache of the cheap (model-free) features and the LM token log-probabilities.

Protocol (as /work/shared/testsets/external/README.md): Pearson, Spearman and Kendall tau-b
between a prediction (higher = better) and ``neg_mqm``, (i) no grouping, over all rows;
(ii) group by item: per source segment, averaged over items, skipping items where the human
or the predicted scores are constant.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SET3 = ROOT.parent / "shared" / "testsets" / "external" / "set3_qe_zhen_dev.jsonl"
RESULTS = ROOT / "results"


def command_line() -> str:
    return "python " + " ".join(
        [
            str(Path(sys.argv[0]).relative_to(ROOT))
            if Path(sys.argv[0]).is_absolute() and Path(sys.argv[0]).is_relative_to(ROOT)
            else sys.argv[0],
            *sys.argv[1:],
        ]
    )


def load_set3(path: Path = SET3) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --- correlations -------------------------------------------------------------------------------
def _corr3(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    from scipy.stats import kendalltau, pearsonr, spearmanr

    return (
        float(pearsonr(x, y)[0]),
        float(spearmanr(x, y)[0]),
        float(kendalltau(x, y, variant="b")[0]),
    )


def correlations(pred, gold, items=None) -> dict[str, float | int | None]:
    """P/S/tau-b with no grouping and grouped by item (mean over non-constant items)."""
    x, y = np.asarray(pred, dtype=float), np.asarray(gold, dtype=float)
    ok = np.isfinite(x)
    out: dict[str, float | int | None] = {"n": int(ok.sum())}
    if ok.sum() < 3 or np.ptp(x[ok]) == 0:
        out.update(pearson=None, spearman=None, kendall=None)
    else:
        p, s, k = _corr3(x[ok], y[ok])
        out.update(pearson=round(p, 4), spearman=round(s, 4), kendall=round(k, 4))
    if items is not None:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, it in enumerate(items):
            if ok[i]:
                groups[it].append(i)
        acc = []
        for idx in groups.values():
            if len(idx) < 2:
                continue
            gx, gy = x[idx], y[idx]
            if np.ptp(gx) == 0 or np.ptp(gy) == 0:
                continue
            acc.append(_corr3(gx, gy))
        if acc:
            m = np.nanmean(np.array(acc), axis=0)
            out.update(
                item_pearson=round(float(m[0]), 4),
                item_spearman=round(float(m[1]), 4),
                item_kendall=round(float(m[2]), 4),
                items=len(acc),
            )
        else:
            out.update(item_pearson=None, item_spearman=None, item_kendall=None, items=0)
    return out


def report(pred, rows: list[dict], target: str = "neg_mqm") -> dict:
    """Correlations pooled and per corpus, no grouping and grouped by item."""
    pred = np.asarray(pred, dtype=float)
    gold = np.array([r[target] for r in rows], dtype=float)
    items = [r["item"] for r in rows]
    out = {"all": correlations(pred, gold, items)}
    for corpus in sorted({r["corpus"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["corpus"] == corpus]
        out[corpus] = correlations(pred[idx], gold[idx], [items[i] for i in idx])
    per = [out[c]["pearson"] for c in out if c != "all" and out[c]["pearson"] is not None]
    out["mean_of_corpora_pearson"] = round(float(np.mean(per)), 4) if per else None
    return out


# --- caches -------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


def cheap_features(rows: list[dict], path: Path | None = None) -> dict[str, dict[str, float]]:
    """Model-free features, detector spans and the USE cosine for every row, cached as JSONL."""
    from mtqa.qe.features import cosines, span_features, text_features

    path = path or RESULTS / "qe_set3_cheap.jsonl"
    cache = {d["id"]: d["f"] for d in read_jsonl(path)}
    todo = [r for r in rows if r["id"] not in cache]
    if todo:
        from mtqa.detect import Detector

        det = Detector()
        cos = cosines([r["src"] for r in todo], [r["tgt"] for r in todo])
        with open(path, "a", encoding="utf-8") as fh:
            for r, c in zip(todo, cos, strict=True):
                f = text_features(r["src"], r["tgt"], "zh", "en")
                f.update(span_features(r["tgt"], det.detect(r["tgt"]).spans))
                f["cos"] = c
                f = {k: round(v, 5) for k, v in f.items()}
                cache[r["id"]] = f
                fh.write(json.dumps({"id": r["id"], "f": f}) + "\n")
    return cache


def lm_features(path: Path) -> dict[str, dict[str, float]]:
    """Per row id: the LM statistics of every pass present in a qe_features.py cache."""
    from mtqa.qe.features import lm_stats

    out: dict[str, dict[str, float]] = defaultdict(dict)
    for d in read_jsonl(path):
        if d["pass"] == "judge":
            out[d["id"]]["judge"] = d["margin"]
        else:
            out[d["id"]].update(lm_stats(np.array(d["lps"]), d["end"], "lp_" + d["pass"]))
    for f in out.values():
        if "lp_cond" in f and "lp_flu" in f:
            f["lp_pmi"] = f["lp_cond"] - f["lp_flu"]
    return dict(out)


def finite(x: float) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))

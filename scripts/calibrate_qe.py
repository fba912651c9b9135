"""Calibrate the bilingual QE combiners on set3 dev (zh->en MT, human MQM) and report.

Reads the cached signals (cheap features: results/qe_set3_cheap.jsonl, computed here when
missing; LM passes: results/qe_set3_lm_<model>.jsonl from scripts/qe_features.py), then:
- per-signal correlations with neg_mqm and the anchors (length ratio, chrF against the
  reference where one exists, the USE cosine, the source length);
- for each level (fast; full with each LM asked for): candidate feature sets, target
  transforms and output maps, each cross-validated leave-one-DOCUMENT-out (the held-out split
  is by whole documents); the best by the mean of the pooled and the per-corpus-mean Pearson
  is fitted on all dev rows and written to mtqa/data/qe_model.json (bilingual/* entries);
- the in-sample fit of the chosen combiners, reported separately.
All figures are dev figures; results/qe_dev.json holds them with the command that made them.

    python scripts/calibrate_qe.py --lm small
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qe_common import RESULTS, ROOT, cheap_features, command_line, lm_features, load_set3, report

MODEL_PATH = ROOT / "mtqa" / "data" / "qe_model.json"
# Orientation: +1 when a larger value should mean a better translation.
SIGN = {
    "src_len": -1,
    "len_log": 1,
    "len_dev": -1,
    "cos": 1,
    "num_mismatch": -1,
    "punct_dev": -1,
    "wrong_script": -1,
    "det_cov": -1,
    "det_sev": -1,
    "det_n": -1,
    "unknown_words": -1,
    "lp_cond": 1,
    "lp_cond_min": 1,
    "lp_cond_low": -1,
    "lp_flu": 1,
    "lp_flu_min": 1,
    "lp_flu_low": -1,
    "lp_pmi": 1,
    "lp_rev": 1,
    "lp_rev_min": 1,
    "lp_rev_low": -1,
    "judge": 1,
}
FAST_SETS = {
    "fast-min": ["src_len", "len_log", "len_dev", "cos"],
    "fast": ["src_len", "len_log", "len_dev", "cos", "num_mismatch", "punct_dev", "wrong_script", "det_sev"],
    "fast+words": [
        "src_len",
        "len_log",
        "len_dev",
        "cos",
        "num_mismatch",
        "punct_dev",
        "wrong_script",
        "det_sev",
        "unknown_words",
    ],
}
LM_SETS = {
    "cond": ["lp_cond", "lp_cond_min", "lp_cond_low"],
    "rev": ["lp_rev", "lp_rev_min", "lp_rev_low"],
    "cond+rev": ["lp_cond", "lp_cond_min", "lp_cond_low", "lp_rev", "lp_rev_min", "lp_rev_low"],
    "cond+flu": ["lp_cond", "lp_cond_min", "lp_cond_low", "lp_flu", "lp_pmi"],
    "cond+flu+rev": [
        "lp_cond",
        "lp_cond_min",
        "lp_cond_low",
        "lp_flu",
        "lp_pmi",
        "lp_rev",
        "lp_rev_min",
        "lp_rev_low",
    ],
    "cond+flu+judge": ["lp_cond", "lp_cond_min", "lp_cond_low", "lp_flu", "lp_pmi", "judge"],
    "cond+flu+rev+judge": [
        "lp_cond",
        "lp_cond_min",
        "lp_cond_low",
        "lp_flu",
        "lp_pmi",
        "lp_rev",
        "lp_rev_min",
        "lp_rev_low",
        "judge",
    ],
}
TARGETS = ("neg_mqm", "neg_log1p", "neg_clip25")
MAPS = ("linear", "isotonic")
POINTS_PER_MQM = 4.0
# The prior penalty (not fitted, see mtqa.qe.model.LinearQE): MQM points per unit. 25 per unit of
# wrong-script share (MQM's non-translation weight: a whole output left in Chinese is MQM 25);
# det_mqm is already in MQM points (minor 1, major 5 per detected span). Set3's MT outputs are
# almost never damaged this way (1 row holds Han characters), so the data cannot weigh them.
PRIOR = {"wrong_script": 25.0, "det_mqm": 1.0}
BIG = 1e9  # "no clip" bound (JSON has no infinity)
CLIPS = ("none", "winsorise")  # qe = 100 - 4 x predicted MQM: a minor error costs 4 points, a major one 20


def transform(y: np.ndarray, kind: str) -> np.ndarray:
    if kind == "neg_log1p":
        return -np.log1p(np.maximum(-y, 0))
    if kind == "neg_clip25":
        return np.maximum(y, -25.0)
    return y


def to_neg_mqm(raw: np.ndarray, kind: str) -> np.ndarray:
    """Back from the transformed scale to neg_mqm."""
    if kind == "neg_log1p":
        return -np.expm1(np.maximum(-raw, 0))
    return raw


class Fitted:
    """Winsorise -> standardise -> ridge -> (isotonic) -> qe. Fitted on given rows only."""

    def __init__(
        self, names: list[str], target: str, out_map: str, clip: str = "none", prior: bool = True, alpha: float = 1.0
    ) -> None:
        self.names, self.target, self.out_map, self.clip, self.alpha = names, target, out_map, clip, alpha
        self.penalty = dict(PRIOR) if prior else {}

    def _prior(self, p: np.ndarray) -> np.ndarray:
        """Prior MQM penalty of each row (``p``: the PRIOR features' columns)."""
        return p @ np.array([self.penalty.get(k, 0.0) for k in PRIOR]) if self.penalty else np.zeros(len(p))

    def fit(self, xp: tuple[np.ndarray, np.ndarray], y: np.ndarray) -> Fitted:
        """``xp``: (the model's features, the PRIOR features); y: neg_mqm."""
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import Ridge

        x, p = xp
        y = y + self._prior(p)  # what the prior does not explain (an offset)
        if self.clip == "winsorise":  # at the dev 0.5 / 99.5 percentiles
            self.lo, self.hi = np.percentile(x, 0.5, axis=0), np.percentile(x, 99.5, axis=0)
        else:  # extrapolate beyond dev (a mismatched pair's cosine is far below any in set3)
            self.lo, self.hi = np.full(x.shape[1], -BIG), np.full(x.shape[1], BIG)
        xc = np.clip(x, self.lo, self.hi)
        self.mean, self.scale = xc.mean(axis=0), xc.std(axis=0)
        self.scale = np.where(self.scale > 1e-9, self.scale, 1.0)
        z = (xc - self.mean) / self.scale
        t = transform(y, self.target)
        self.reg = Ridge(alpha=self.alpha).fit(z, t)
        raw = self.reg.predict(z)
        # output map: raw -> qe, as breakpoints
        if self.out_map == "isotonic":
            iso = IsotonicRegression(out_of_bounds="clip").fit(raw, y)
            xs, ys = _thin(iso.X_thresholds_, iso.y_thresholds_)
            qe = list(np.clip(100 + POINTS_PER_MQM * np.asarray(ys), 0, 100))
            # below the worst dev prediction, go on losing 4 points per MQM point the raw scale
            # implies (instead of staying flat): reaches 0 where that adds qe/4 MQM
            kind = "neg_mqm" if self.target == "neg_clip25" else self.target  # the raw scale, unclipped
            mqm0 = -to_neg_mqm(np.array([xs[0]]), kind)[0]
            tail = -float(-transform(np.array([-(mqm0 + qe[0] / POINTS_PER_MQM)]), kind)[0])
            if qe[0] > 0 and tail < xs[0]:
                xs, qe = [tail, *xs], [0.0, *qe]
            self.out_x, self.out_y = xs, qe
        else:
            # over the whole qe range: qe = 100 - 4 x MQM, MQM 0..25
            mqm = np.linspace(0, 100 / POINTS_PER_MQM, 41)
            grid = -np.log1p(mqm[::-1]) if self.target == "neg_log1p" else -mqm[::-1]
            qe = np.clip(100 + POINTS_PER_MQM * to_neg_mqm(grid, self.target), 0, 100)
            self.out_x, self.out_y = list(grid), list(np.maximum.accumulate(qe))
        return self

    def raw(self, x: np.ndarray) -> np.ndarray:
        return self.reg.predict((np.clip(x, self.lo, self.hi) - self.mean) / self.scale)

    def predict(self, xp: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        x, p = xp
        qe = np.interp(self.raw(x), self.out_x, self.out_y) - POINTS_PER_MQM * self._prior(p)
        return np.clip(qe, 0, 100)

    def to_json(self, info: dict) -> dict:
        r = lambda a: [round(float(v), 6) for v in a]  # noqa: E731
        return {
            "features": self.names,
            "lo": r(self.lo),
            "hi": r(self.hi),
            "mean": r(self.mean),
            "scale": r(self.scale),
            "coef": r(self.reg.coef_),
            "intercept": round(float(self.reg.intercept_), 6),
            "out_x": r(self.out_x),
            "out_y": [round(float(v), 4) for v in self.out_y],
            "info": info,
            "penalty": self.penalty,
            "points_per_unit": POINTS_PER_MQM if self.penalty else 0.0,
        }


def _thin(xs, ys, max_points: int = 40) -> tuple[list[float], list[float]]:
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    keep = np.unique(np.linspace(0, len(xs) - 1, min(max_points, len(xs))).round().astype(int))
    xs, ys = xs[keep], ys[keep]
    ux, inv = np.unique(xs, return_inverse=True)
    uy = np.maximum.accumulate(np.array([ys[inv == i].mean() for i in range(len(ux))]))
    if len(ux) < 2:
        ux, uy = np.array([ux[0] - 1, ux[0] + 1]), np.array([uy[0], uy[0]])
    return list(ux), list(uy)


def lm_label(lm: str) -> str:
    """The model label recorded in an LM cache (the packaged model's full name)."""
    with open(RESULTS / f"qe_set3_lm_{lm}.jsonl", encoding="utf-8") as fh:
        return json.loads(fh.readline())["model"]


def matrix(rows: list[dict], feats: dict[str, dict[str, float]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The features ``names`` and the PRIOR features of each row."""
    x = np.array([[feats[r["id"]].get(n, np.nan) for n in names] for r in rows], dtype=float)
    p = np.array([[feats[r["id"]].get(n, 0.0) for n in PRIOR] for r in rows], dtype=float)
    return x, p


def cv_predict(rows: list[dict], xp: tuple[np.ndarray, np.ndarray], y: np.ndarray, make) -> np.ndarray:
    """Leave-one-document-out predictions."""
    x, p = xp
    docs = np.array([f"{r['corpus']}|{r['doc']}" for r in rows])
    pred = np.empty(len(rows))
    for d in np.unique(docs):
        test = docs == d
        pred[test] = make().fit((x[~test], p[~test]), y[~test]).predict((x[test], p[test]))
    return pred


def criterion(rep: dict) -> float:
    return 0.5 * (rep["all"]["pearson"] or 0) + 0.5 * (rep["mean_of_corpora_pearson"] or 0)


def brief(rep: dict) -> dict:
    """The headline figures of a report."""
    out = {
        "pooled": {k: rep["all"][k] for k in ("pearson", "spearman", "kendall")},
        "pooled_by_item": {k: rep["all"][f"item_{k}"] for k in ("pearson", "spearman", "kendall")},
        "mean_of_corpora_pearson": rep["mean_of_corpora_pearson"],
    }
    for c in ("ted21", "wmt23sxs"):
        if c in rep:
            out[c] = {k: rep[c][k] for k in ("n", "pearson", "spearman", "kendall")}
            out[c]["by_item"] = {k: rep[c][f"item_{k}"] for k in ("pearson", "spearman", "kendall")}
    return out


def select(rows, feats, y, sets: dict[str, list[str]], log: dict) -> tuple[str, str, str, dict]:
    best = None
    for set_name, names in sets.items():
        x = matrix(rows, feats, names)
        for target, out_map, clip in itertools.product(TARGETS, MAPS, CLIPS):
            pred = cv_predict(rows, x, y, lambda n=names, t=target, m=out_map, c=clip: Fitted(n, t, m, c))
            rep = report(pred, rows)
            key = f"{set_name} | {target} | {out_map} | {clip}"
            log[key] = {"criterion": round(criterion(rep), 4), **brief(rep)}
            print(
                f"  CV {key:45} crit {criterion(rep):.4f}  pooled {rep['all']['pearson']:.4f}  "
                f"corpora {rep['mean_of_corpora_pearson']:.4f}  item {rep['all']['item_pearson']:.4f}",
                file=sys.stderr,
            )
            if best is None or criterion(rep) > best[0]:
                best = (criterion(rep), set_name, target, out_map, clip, rep)
    assert best is not None
    return best[1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lm", default="", help="comma-separated LM caches to calibrate full levels for (small,default)")
    ap.add_argument("--no-write-model", action="store_true")
    args = ap.parse_args()
    rows = load_set3()
    cheap = cheap_features(rows)
    y_all = np.array([r["neg_mqm"] for r in rows])
    result: dict = {
        "command": command_line(),
        "data": "set3 dev (shared/testsets/external/set3_qe_zhen_dev.jsonl): 4,640 zh->en rows, 17 documents",
        "target": "neg_mqm (higher = better)",
        "protocol": "Pearson/Spearman/Kendall tau-b; no grouping and grouped by item (mean over non-constant items); "
        "combined models cross-validated leave-one-document-out; all figures are dev figures",
        "expected_log_ratio_zh_en": round(float(np.median([cheap[r["id"]]["len_log"] for r in rows])) - 0.295, 4),
    }
    # anchors
    from mtqa.qe.features import chrf

    anchors = {}
    ratio = np.array([-abs(math.log(len(r["tgt"]) / (1.5 * len(r["src"])))) if r["tgt"] else -9 for r in rows])
    anchors["length ratio -|log(len(tgt)/(1.5 len(src)))| (characters)"] = brief(report(ratio, rows))
    ref_rows = [r for r in rows if r["reference"]]
    anchors["sentence chrF vs reference (TED rows only)"] = brief(
        report([chrf(r["tgt"], r["reference"]) for r in ref_rows], ref_rows)
    )
    anchors["cosine, multilingual USE v3 (src, tgt)"] = brief(report([cheap[r["id"]]["cos"] for r in rows], rows))
    anchors["source length -log(weighted length) (a trivial signal: MQM sums errors)"] = brief(
        report([-cheap[r["id"]]["src_len"] for r in rows], rows)
    )
    result["anchors"] = anchors
    # signals
    feats: dict[str, dict[str, dict[str, float]]] = {"fast": cheap}
    for lm in [s for s in args.lm.split(",") if s]:
        lmf = lm_features(RESULTS / f"qe_set3_lm_{lm}.jsonl")
        feats[lm] = {i: {**cheap[i], **f} for i, f in lmf.items()}
    signals = {}
    for name in FAST_SETS["fast+words"] + ["det_cov", "det_n"]:
        x = np.array([SIGN[name] * cheap[r["id"]][name] for r in rows])
        signals[name] = {"rows": len(rows), **brief(report(x, rows))}
    for lm, fs in feats.items():
        if lm == "fast":
            continue
        for name in sorted({n for v in LM_SETS.values() for n in v}):
            sub = [r for r in rows if name in fs.get(r["id"], {})]
            if len(sub) < 50:
                continue
            x = np.array([SIGN[name] * fs[r["id"]][name] for r in sub])
            signals[f"{name} ({lm})"] = {"rows": len(sub), **brief(report(x, sub))}
    result["signals"] = signals
    # combiners
    result["cv"], result["chosen"], result["in_sample"] = {}, {}, {}
    models = {}
    levels = [("fast", rows, cheap, FAST_SETS)]
    for lm, fs in feats.items():
        if lm == "fast":
            continue
        need = LM_SETS["cond"]
        sub = [r for r in rows if r["id"] in fs and all(n in fs[r["id"]] for n in need)]
        full_sets = {}
        for (base, bnames), (lname, lnames) in itertools.product(
            [("fast-min", FAST_SETS["fast-min"]), ("fast", FAST_SETS["fast"])], LM_SETS.items()
        ):
            if all(n in fs[r["id"]] for r in sub for n in lnames):
                full_sets[f"{base}+{lname}"] = bnames + lnames
        if sub and len(sub) < len(rows):  # compare with the fast level on the same rows
            levels.append((f"fast on the {lm} rows", sub, cheap, {"fast": FAST_SETS["fast"]}))
        levels.append((lm, sub, fs, full_sets))
    for level, sub, fs, sets in levels:
        print(f"{level}: {len(sub)} rows", file=sys.stderr)
        log: dict = {}
        y = np.array([r["neg_mqm"] for r in sub])
        set_name, target, out_map, clip, rep = select(sub, fs, y, sets, log)
        names = sets[set_name]
        result["cv"][level] = log
        chosen = {"rows": len(sub), "features": set_name, "target": target, "output_map": out_map, "clip": clip}
        chosen["cv_by_document"] = brief(rep)
        no_prior = cv_predict(
            sub, matrix(sub, fs, names), y, lambda n=names, t=target, m=out_map, c=clip: Fitted(n, t, m, c, prior=False)
        )
        chosen["cv_by_document_without_prior"] = brief(report(no_prior, sub))
        chosen["rows_with_prior_penalty"] = int(sum(any(fs[r["id"]].get(k, 0) > 0 for k in PRIOR) for r in sub))
        result["chosen"][level] = chosen
        if level.startswith("fast on"):
            continue
        x = matrix(sub, fs, names)
        final = Fitted(names, target, out_map, clip).fit(x, y)
        result["in_sample"][level] = brief(report(final.predict(x), sub))
        label = "fast" if level == "fast" else f"full:{lm_label(level)}"
        info = {
            "fitted_on": f"set3 dev zh->en, {len(sub)} rows, target {target}",
            "calibrated_directions": ["zh-en"],
            "cv_by_document": brief(rep),
            "qe_scale": f"100 - {POINTS_PER_MQM:g} x predicted MQM (clipped to 0..100)",
        }
        models[f"bilingual/{label}"] = final.to_json(info)
        chosen["model_key"] = f"bilingual/{label}"
    result["models_written"] = sorted(models) if not args.no_write_model else []
    (RESULTS / "qe_dev.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["chosen"], indent=1))
    if not args.no_write_model:
        from mtqa.qe.model import LinearQE, QEModelSet

        ms = QEModelSet.load(MODEL_PATH) if MODEL_PATH.exists() else QEModelSet({}, {})
        ms.models = {k: v for k, v in ms.models.items() if not k.startswith("bilingual/")}
        for k, m in models.items():
            ms.models[k] = LinearQE.from_json(m)
        ms.info["bilingual"] = {"command": command_line(), "results": "results/qe_dev.json"}
        ms.save(MODEL_PATH)
    _ = y_all


if __name__ == "__main__":
    main()

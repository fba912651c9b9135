"""Monolingual QE against known truth: clean passages damaged by this script's own corruption
code (not the detector's generator), target = chrF of the damaged passage against its clean
version. Fits the monolingual combiners (fast, and full with each LM asked for) on one half of
the documents and reports the correlation on the other half; writes the combiners into
mtqa/data/qe_model.json (monolingual/* entries only) and the figures to results/qe_mono.json.

Clean text: set3 dev (zh sources; English: the TED human reference or an error-free WMT
system output, MQM 0), passages of 1-2 consecutive segments of a document; document 000's
hand-aligned zh/en pairs and Tatoeba cmn_Hans pairs go to the test side only.
Corruptions (0-4 per passage): the tail or a clause left in the other language, the whole
passage left untranslated, a word cut and glued to the next, two words glued, a stray Latin
fragment inside Chinese, a fragment repeated, a fragment dropped, mojibake, two clauses
swapped, character noise.

    python scripts/bench_qe_mono.py [--lm small,default] [--n 1600] [--threads 1]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qe_common import RESULTS, ROOT, command_line, correlations, load_set3, read_jsonl

from mtqa.qe.features import chrf, lm_stats, monolingual_features
from mtqa.segment import HAN

TATOEBA = ROOT.parent / "shared" / "testsets" / "tatoeba-cmn_Hans.tsv"
MODEL_PATH = ROOT / "mtqa" / "data" / "qe_model.json"
MONO_FEATURES = ["det_cov", "det_sev", "det_n", "wrong_script", "unknown_words"]
LM_FEATURES = ["lp_flu", "lp_flu_min", "lp_flu_low"]
_CLAUSE_RE = re.compile(r"[^，。；！？,.;!?]+[，。；！？,.;!?]?")
_WORD_RE = re.compile(r"[A-Za-z]{4,}")
_HAN_RE = re.compile(f"[{HAN}]")


# --- clean passages -------------------------------------------------------------------------------
def clean_passages(rng: random.Random) -> list[dict]:
    """Parallel passages {zh, en, group, split}: set3 (fit/test by alternate document within each
    corpus), Tatoeba (alternate pairs), document 000 (test)."""
    rows = load_set3()
    by_item: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_item[r["item"]].append(r)
    segs: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for rs in by_item.values():
        r0 = rs[0]
        if r0["reference"]:
            en = r0["reference"]
        else:
            best = min(rs, key=lambda r: r["mqm"])
            if best["mqm"] > 0:
                continue
            en = best["tgt"]
        segs[r0["doc"]].append((r0["seg"], r0["src"], en))
    out = []
    for corpus in ("ted21", "wmt23sxs"):  # alternate documents within each corpus
        docs = sorted(d for d in segs if (d.startswith("talk") if corpus == "ted21" else not d.startswith("talk")))
        for k, doc in enumerate(docs):
            out.extend(_doc_passages(segs[doc], doc, "fit" if k % 2 == 0 else "test", rng))
    from mtqa.translate.prompt import parallel_pairs

    for _, zh, en in parallel_pairs():
        out.append({"zh": zh, "en": en, "group": "000", "split": "test"})
    if TATOEBA.is_file():
        lines = TATOEBA.read_text(encoding="utf-8").splitlines()[1:]
        for k, line in enumerate(lines[:400]):
            zh, en = line.split("\t")[:2]
            out.append({"zh": zh, "en": en, "group": "tatoeba", "split": "fit" if k % 2 == 0 else "test"})
    return out


def _doc_passages(ss: list[tuple[str, str, str]], doc: str, split: str, rng: random.Random) -> list[dict]:
    """Passages of 1-2 consecutive segments of one document."""
    out = []
    ss = sorted(ss, key=lambda t: int(t[0]) if t[0].isdigit() else 0)
    i = 0
    while i < len(ss):
        n = 1 if rng.random() < 0.6 else 2
        chunk = ss[i : i + n]
        i += n
        zh = "".join(c[1] for c in chunk)
        en = " ".join(c[2] for c in chunk)
        if 8 <= len(zh) <= 300:
            out.append({"zh": zh, "en": en, "group": f"set3:{doc}", "split": split})
    return out


# --- corruption (this script's own) ---------------------------------------------------------------
def _clauses(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CLAUSE_RE.finditer(text) if m.end() - m.start() >= 2]


def _proportional(other: str, a: float, b: float) -> str:
    n = len(other)
    return other[int(a * n) : max(int(a * n) + 1, int(b * n))]


def corrupt(text: str, other: str, lang: str, rng: random.Random) -> tuple[str, str]:
    """One corruption of ``text`` (``other``: its translation); returns (new text, op name)."""
    ops = ["tail", "clause", "cut", "repeat", "drop", "mojibake", "swap", "noise"]
    ops += ["glue"] if lang == "en" else ["fragment"]
    op = rng.choice(ops)
    n = len(text)
    if n < 6:
        return text, "none"
    if op == "tail":  # the rest of the passage left in the other language
        k = rng.randint(n // 4, 3 * n // 4)
        sep = " " if lang == "zh" and rng.random() < 0.3 else ""
        return text[:k] + sep + _proportional(other, k / n, 1.0).lstrip(), op
    if op == "clause":  # one clause in the other language
        cl = _clauses(text)
        if not cl:
            return text, "none"
        a, b = rng.choice(cl)
        return text[:a] + _proportional(other, a / n, b / n).strip() + text[b:], op
    if op == "cut":  # a word cut mid-way, the rest glued to what follows
        if lang == "en":
            words = list(_WORD_RE.finditer(text))
            if not words:
                return text, "none"
            m = rng.choice(words)
            keep = rng.randint(2, max(2, len(m.group()) - 2))
            rest = text[m.end() :].lstrip()
            return text[: m.start() + keep] + rest, op
        k = rng.randint(1, n - 2)
        return text[:k] + text[k + rng.randint(1, 3) :], op
    if op == "glue":
        spaces = [i for i, c in enumerate(text) if c == " "]
        if not spaces:
            return text, "none"
        picks = rng.sample(spaces, min(len(spaces), rng.randint(1, 3)))
        return "".join(c for i, c in enumerate(text) if i not in picks), op
    if op == "fragment":  # a few Latin letters of the English side glued into the Chinese
        k = rng.randint(1, n - 1)
        words = _WORD_RE.findall(other) or ["the"]
        w = rng.choice(words)
        a = rng.randint(0, max(0, len(w) - 2))
        return text[:k] + w[a : a + rng.randint(1, 5)] + text[k:], op
    if op == "repeat":
        a = rng.randint(0, n - 3)
        b = min(n, a + rng.randint(2, 14))
        return text[:b] + text[a:b] + text[b:], op
    if op == "drop":
        a = rng.randint(0, n - 2)
        b = min(n, a + max(1, int(n * rng.uniform(0.1, 0.35))))
        return text[:a] + text[b:], op
    if op == "mojibake":
        a = rng.randint(0, n - 2)
        b = min(n, a + rng.randint(4, 20))
        bad = text[a:b].encode("utf-8").decode("gbk" if lang == "zh" else "cp1252", errors="replace")
        return text[:a] + bad + text[b:], op
    if op == "swap":
        cl = _clauses(text)
        if len(cl) < 2:
            return text, "none"
        i = rng.randrange(len(cl) - 1)
        (a, b), (c, d) = cl[i], cl[i + 1]
        return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:], op
    # noise: characters replaced by neighbours from the same text
    chars = list(text)
    for i in rng.sample(range(n), max(1, n // 15)):
        chars[i] = rng.choice(chars)
    return "".join(chars), op


def make_cases(passages: list[dict], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    draws = []
    for split in ("fit", "test"):  # n/2 per split, passages drawn with replacement
        pool = [p for p in passages if p["split"] == split]
        draws += [rng.choice(pool) for _ in range(n // 2)]
    for p in draws:
        lang = rng.choice(["zh", "en"])
        clean, other = (p["zh"], p["en"]) if lang == "zh" else (p["en"], p["zh"])
        r = rng.random()
        if r < 0.2:
            text, ops = clean, []
        elif r < 0.27:
            text, ops = other, ["untranslated"]
        else:
            text, ops = clean, []
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                text, op = corrupt(text, other, lang, rng)
                ops.append(op)
        cases.append(
            {
                "lang": lang,
                "clean": clean,
                "text": text,
                "ops": ops,
                "target": chrf(text, clean),
                "group": p["group"],
                "split": p["split"],
            }
        )
    return cases


# --- features and fitting -------------------------------------------------------------------------
def lm_cache(label_model: str, cases: list[dict], threads: int) -> tuple[str, dict[str, dict]]:
    """LM fluency statistics of every case text, cached in results/qe_mono_lm_<model>.jsonl."""
    from mtqa.qe.lm import LMScorer

    path = RESULTS / f"qe_mono_lm_{label_model}.jsonl"
    cache = {d["key"]: d for d in read_jsonl(path)}
    keys = {_key(c): c for c in cases}
    todo = [c for k, c in keys.items() if k not in cache and c["text"].strip()]
    label = next((d["model"] for d in cache.values()), None)
    if todo:
        scorer = LMScorer.load(label_model, n_threads=threads)
        label = scorer.label
        t0 = time.time()
        with open(path, "a", encoding="utf-8") as fh:
            for i, c in enumerate(todo):
                ts = scorer.fluency(c["text"], c["lang"])
                d = {"key": _key(c), "model": label, "lps": [round(float(x), 3) for x in ts.logprobs]}
                d["end"] = round(ts.end_logprob, 4)
                cache[d["key"]] = d
                fh.write(json.dumps(d) + "\n")
                if i % 100 == 99:
                    fh.flush()
                    print(f"  LM {label_model}: {i + 1}/{len(todo)} texts, {time.time() - t0:.0f} s", file=sys.stderr)
        scorer.close()
    stats = {}
    for k, d in cache.items():
        stats[k] = lm_stats(np.array(d["lps"]), d["end"], "lp_flu")
    return str(label), stats


def _key(c: dict) -> str:
    return hashlib.sha1(f"{c['lang']}\t{c['text']}".encode()).hexdigest()


def fit(cases: list[dict], feats: list[dict], names: list[str]) -> tuple[dict, np.ndarray]:
    """Ridge on winsorised, standardised features -> isotonic map to chrF (fit split only)."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import Ridge

    idx = [i for i, c in enumerate(cases) if c["split"] == "fit"]
    x = np.array([[f.get(n, np.nan) for n in names] for f in feats], dtype=float)
    xf = x[idx]
    mean0 = np.nanmean(xf, axis=0)
    x = np.where(np.isfinite(x), x, mean0)
    lo, hi = np.percentile(x[idx], 0.5, axis=0), np.percentile(x[idx], 99.5, axis=0)
    xc = np.clip(x, lo, hi)
    mean, scale = xc[idx].mean(axis=0), xc[idx].std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (xc - mean) / scale
    y = np.array([c["target"] for c in cases])
    reg = Ridge(alpha=1.0).fit(z[idx], y[idx])
    raw = reg.predict(z)
    iso = IsotonicRegression(y_min=0.0, y_max=100.0, out_of_bounds="clip").fit(raw[idx], y[idx])
    bx, by = _breakpoints(iso)
    model = {
        "features": names,
        "lo": lo.round(6).tolist(),
        "hi": hi.round(6).tolist(),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": reg.coef_.round(6).tolist(),
        "intercept": round(float(reg.intercept_), 6),
        "out_x": bx,
        "out_y": by,
    }
    return model, np.clip(np.interp(raw, bx, by), 0, 100)


def _breakpoints(iso, max_points: int = 40) -> tuple[list[float], list[float]]:
    """The isotonic step function as <= max_points strictly increasing breakpoints."""
    xs, ys = np.asarray(iso.X_thresholds_, dtype=float), np.asarray(iso.y_thresholds_, dtype=float)
    keep = np.unique(np.linspace(0, len(xs) - 1, min(max_points, len(xs))).round().astype(int))
    xs, ys = xs[keep], ys[keep]
    ux, inv = np.unique(xs, return_inverse=True)
    uy = np.array([ys[inv == i].mean() for i in range(len(ux))])
    uy = np.maximum.accumulate(uy)
    if len(ux) < 2:
        ux, uy = np.array([ux[0] - 1, ux[0] + 1]), np.array([uy[0], uy[0]])
    return ux.round(6).tolist(), uy.round(4).tolist()


def evaluate(cases: list[dict], pred: np.ndarray, split: str) -> dict:
    out = {}
    for lang in ("all", "zh", "en"):
        idx = [i for i, c in enumerate(cases) if c["split"] == split and (lang == "all" or c["lang"] == lang)]
        y = np.array([cases[i]["target"] for i in idx])
        out[lang] = {k: v for k, v in correlations(pred[idx], y).items()}
        out[lang]["mae"] = round(float(np.abs(pred[idx] - y).mean()), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lm", default="", help="comma-separated packaged LMs for the full level (small,default)")
    ap.add_argument("--n", type=int, default=1600, help="damaged passages (at most the clean ones)")
    ap.add_argument("--seed", type=int, default=20251123)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-write-model", action="store_true")
    args = ap.parse_args()
    from mtqa.detect import Detector

    cases = make_cases(clean_passages(random.Random(args.seed)), args.n, args.seed)
    det = Detector()
    t0 = time.time()
    base = []
    for lang in ("zh", "en"):
        idx = [i for i, c in enumerate(cases) if c["lang"] == lang]
        for i, f in zip(idx, monolingual_features([cases[i]["text"] for i in idx], lang, None, det), strict=True):
            base.append((i, f))
    feats = [f for _, f in sorted(base, key=lambda t: t[0])]
    t_fast = time.time() - t0
    result: dict = {
        "command": command_line(),
        "what": "monolingual QE vs chrF of synthetically damaged passages against their clean version",
        "cases": {
            s: {lang: sum(c["split"] == s and c["lang"] == lang for c in cases) for lang in ("zh", "en")}
            for s in ("fit", "test")
        },
        "clean_share": round(sum(not c["ops"] for c in cases) / len(cases), 3),
        "ops": dict(sorted(Counter(op for c in cases for op in c["ops"]).items())),
        "target_mean": round(float(np.mean([c["target"] for c in cases])), 2),
        "seconds_fast_features": round(t_fast, 1),
        "signals": {},
        "models": {},
    }
    y = np.array([c["target"] for c in cases])
    test = [i for i, c in enumerate(cases) if c["split"] == "test"]
    for n in MONO_FEATURES:
        x = -np.array([f[n] for f in feats])
        result["signals"][n] = {"test": correlations(x[test], y[test])}
    models: dict[str, dict] = {}
    model, pred = fit(cases, feats, MONO_FEATURES)
    model["info"] = {"fitted_on": "synthetic damage of set3/000/Tatoeba text (fit split)", "target": "chrF vs clean"}
    result["models"]["fast"] = {"fit": evaluate(cases, pred, "fit"), "test": evaluate(cases, pred, "test")}
    model["info"]["test"] = result["models"]["fast"]["test"]["all"]
    models["monolingual/fast"] = model
    for lm_name in [s for s in args.lm.split(",") if s]:
        t1 = time.time()
        label, stats = lm_cache(lm_name, cases, args.threads)
        lf = [dict(f, **stats.get(_key(c), {})) for f, c in zip(feats, cases, strict=True)]
        for n in LM_FEATURES:
            x = np.array([f.get(n, np.nan) for f in lf])
            result["signals"][f"{n} ({label})"] = {"test": correlations(x[test], y[test])}
        model, pred = fit(cases, lf, MONO_FEATURES + LM_FEATURES)
        key = f"full:{label}"
        ev = {"fit": evaluate(cases, pred, "fit"), "test": evaluate(cases, pred, "test")}
        result["models"][key] = ev
        result["models"][key]["seconds_lm"] = round(time.time() - t1, 1)
        model["info"] = {
            "fitted_on": "synthetic damage of set3/000/Tatoeba text (fit split)",
            "target": "chrF vs clean",
            "test": ev["test"]["all"],
        }
        models[f"monolingual/{key}"] = model
    out = RESULTS / "qe_mono.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v["test"]["all"] for k, v in result["models"].items()}, indent=1))
    if not args.no_write_model:
        from mtqa.qe.model import LinearQE, QEModelSet

        data = json.loads(MODEL_PATH.read_text(encoding="utf-8")) if MODEL_PATH.exists() else None
        ms = QEModelSet.from_json(data) if data else QEModelSet({}, {})
        ms.models = {k: v for k, v in ms.models.items() if not k.startswith("monolingual/")}
        for k, m in models.items():
            ms.models[k] = LinearQE.from_json(m)
        ms.info["monolingual"] = {"command": command_line(), "results": "results/qe_mono.json"}
        ms.save(MODEL_PATH)


if __name__ == "__main__":
    main()

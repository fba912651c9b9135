"""Repair benchmark with known answers: garbled documents whose clean text we hold.

Documents:
- ``faults``: zh-dominant (and en-dominant) articles stitched from Tatoeba zh/en pairs and garbled
  by ``scripts/faults.py`` (a pipeline-fault simulator that shares no code with the detector or its
  rule-shaped generator); the clean article is the answer. Not doc 000, not the embedded corpus.
- ``hand``: the garbled documents written and annotated by hand under tests/data/garbled/
  (``*_dev`` by default; ``--held-out`` adds the ``*_test`` ones, to be run once).

Each document goes through mtqa's own pipeline (default engine, embedded references, as
``mtqa run FILE`` does). Independent comparison with the clean text (never seen by mtqa):
corpus chrF (sacrebleu, line-aligned) of the garbled and the repaired document against the clean
one; Latin words (zh documents) or Han characters (en documents) left that the clean text does not
have; invented content: content units (Han characters / English content words) the repair
wrote that neither the garbled passage nor the clean document has. Direction check: mtqa's own
summary (QE before -> after over all passages; chrF where a passage was scored) must move the
same way as the independent chrF on every document.

Usage: python scripts/bench_repair.py [--n 6] [--en 2] [--parts 8] [--seed 11] [--engine small] [--held-out]
       [--out results/repair.json] [--only DOC ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sacrebleu.metrics import CHRF

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from faults import load_pairs, make_documents  # noqa: E402

from mtqa.config import default_config  # noqa: E402
from mtqa.document import load_document  # noqa: E402
from mtqa.io import atomic_write  # noqa: E402
from mtqa.pipeline import Pipeline  # noqa: E402
from mtqa.record import PassageRecord  # noqa: E402
from mtqa.repair import _content_units, is_legit_latin  # noqa: E402
from mtqa.segment import HAN_RE  # noqa: E402
from mtqa.translate.factory import translator_from_config  # noqa: E402

_CHRF = CHRF()
GARBLED = ROOT / "tests" / "data" / "garbled"


def doc_chrf(hyp: str, ref: str) -> float:
    """Corpus chrF over aligned lines (passages never cross a line break, so lines stay aligned)."""
    h, r = hyp.splitlines(), ref.splitlines()
    if len(h) != len(r):
        return _CHRF.corpus_score([hyp.replace("\n", " ")], [[ref.replace("\n", " ")]]).score
    return _CHRF.corpus_score(h, [r]).score


def leftovers(text: str, clean: str, lang: str) -> int:
    """Wrong-language units in ``text`` that the clean text does not have (multiset difference)."""
    import re

    if lang == "zh":

        def words(s: str) -> Counter[str]:
            return Counter(w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", s) if not is_legit_latin(w, frozenset()))

        return sum((words(text) - words(clean)).values())
    return sum((Counter(HAN_RE.findall(text)) - Counter(HAN_RE.findall(clean))).values())


def invented(records: list[PassageRecord], clean: str, lang: str) -> tuple[int, int]:
    """(content units written by repairs that neither the garbled passage nor the clean document has, all new units)."""
    clean_units = _content_units(clean, lang)
    bad = new = 0
    for r in records:
        added = _content_units(r.repaired, lang) - _content_units(r.original, lang)
        new += sum(added.values())
        bad += sum((added - clean_units).values())
    return bad, new


def sign(x: float | None) -> int:
    return 0 if x is None or abs(x) < 1e-9 else (1 if x > 0 else -1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=6, help="zh-dominant fault articles")
    ap.add_argument("--parts", type=int, default=8, help="generated paragraphs per article")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--engine", default=None)
    ap.add_argument("--en", type=int, default=2, help="en-dominant fault articles")
    ap.add_argument("--held-out", action="store_true", help="also run the *_test hand documents (once, at the end)")
    ap.add_argument("--out", default=str(ROOT / "results" / "repair.json"))
    ap.add_argument("--only", nargs="*", default=None, help="hand documents to run (ids): a quick look, not a figure")
    args = ap.parse_args()

    docs: list[tuple[str, str, str, str, str]] = []  # (set, id, dominant, damaged, clean)
    pairs = load_pairs()
    for lang, n in (("zh", args.n), ("en", args.en)):
        # an article = ``--parts`` generated documents (paragraphs), some of them left clean
        parts = make_documents(pairs, n * args.parts, args.seed, lang, faults_per_doc=(1, 3), clean_share=0.25)
        for k in range(n):
            chunk = parts[k * args.parts : (k + 1) * args.parts]
            damaged, clean = "\n".join(d.damaged for d in chunk), "\n".join(d.clean for d in chunk)
            docs.append(("faults", f"faults_{lang}_{args.seed}_{k}", lang, damaged + "\n", clean + "\n"))
    for path in sorted(GARBLED.glob("*_dev.txt")) + (sorted(GARBLED.glob("*_test.txt")) if args.held_out else []):
        if path.name.endswith(".clean.txt") or (args.only is not None and path.stem not in args.only):
            continue
        clean = path.with_name(path.stem + ".clean.txt").read_text(encoding="utf-8")
        split = "hand-test" if path.stem.endswith("_test") else "hand-dev"
        docs.append((split, path.stem, path.stem[:2], path.read_text(encoding="utf-8"), clean))

    config = default_config()
    tc = config["translate"]
    label = f"{args.engine or tc['engine']}:{tc['model']}:True"  # as `mtqa run` labels the engine
    pipe = Pipeline(config, lambda: translator_from_config(config, engine=args.engine), None, label)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for split, doc_id, lang, damaged, clean in docs:
                path = Path(tmp) / f"{doc_id}.txt"
                path.write_text(damaged, encoding="utf-8")
                t0 = time.perf_counter()
                outcome = pipe.run_document(load_document(path), Path(tmp) / "out", force=True)
                folder = outcome.folder
                repaired = (folder / f"{doc_id}.repaired.txt").read_text(encoding="utf-8")
                records = [
                    PassageRecord.from_json(json.loads(x))
                    for x in (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines()
                ]
                s = outcome.summary
                before, after = doc_chrf(damaged, clean), doc_chrf(repaired, clean)
                bad, new = invented(records, clean, lang)
                indep = sign(after - before)
                qe_dir = sign(None if s.qe_before is None else s.qe_after - s.qe_before)
                chrf_dir = sign(None if s.chrf_before is None else s.chrf_after - s.chrf_before)
                rows.append(
                    {
                        "set": split,
                        "doc": doc_id,
                        "dominant": lang,
                        "chars": len(damaged),
                        "spans": s.spans,
                        "passages": s.passages,
                        "repair_methods": s.repair_methods,
                        "chrf_garbled": round(before, 2),
                        "chrf_repaired": round(after, 2),
                        "wrong_script_left_garbled": leftovers(damaged, clean, lang),
                        "wrong_script_left_repaired": leftovers(repaired, clean, lang),
                        "invented_units": bad,
                        "new_units": new,
                        "mtqa_scored": s.scored,
                        "mtqa_chrf": [s.chrf_before, s.chrf_after],
                        "mtqa_qe": [s.qe_before, s.qe_after],
                        "direction_independent": indep,
                        "direction_mtqa_qe": qe_dir,
                        "direction_mtqa_chrf": chrf_dir if s.scored else None,
                        "agrees": (qe_dir == indep or s.qe_before is None) and (not s.scored or chrf_dir == indep),
                        "seconds": round(time.perf_counter() - t0, 1),
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    finally:
        pipe.close()

    def agg(group: list[dict]) -> dict:
        new = sum(r["new_units"] for r in group)
        return {
            "documents": len(group),
            "mean_chrf_garbled": round(sum(r["chrf_garbled"] for r in group) / len(group), 2),
            "mean_chrf_repaired": round(sum(r["chrf_repaired"] for r in group) / len(group), 2),
            "wrong_script_left_garbled": sum(r["wrong_script_left_garbled"] for r in group),
            "wrong_script_left_repaired": sum(r["wrong_script_left_repaired"] for r in group),
            "invented_rate": round(sum(r["invented_units"] for r in group) / new, 3) if new else 0.0,
            "summary_agrees_with_independent_comparison": f"{sum(r['agrees'] for r in group)}/{len(group)}",
        }

    by_set: dict[str, list[dict]] = {}
    for r in rows:
        by_set.setdefault(f"{r['set']}/{r['dominant']}", []).append(r)
    report = {
        "command": "python " + " ".join(sys.argv),
        "engine": pipe.engine_label,
        "chrf_signature": str(_CHRF.get_signature()),
        "note": "faults/* are generated by scripts/faults.py (independent of the detector); hand-dev documents were "
        "used during development; hand-test documents are held out and run once.",
        "summary": {k: agg(v) for k, v in sorted(by_set.items())},
        "documents": rows,
    }
    atomic_write(args.out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(report["summary"], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

"""MT quality of mtqa's engines: BLEU and chrF (sacrebleu, with signatures), zh->en and en->zh,
with and without the glossary, on

(a) the held-out pairs of document 000 (aligned by hand, ``mtqa/data/parallel_000.tsv``; the
    three few-shot example pairs of the prompt are excluded), and
(b) the first 200 pairs of the Tatoeba cmn_Hans test set (``../shared/testsets``).

Glossary effect: *term accuracy* -- for each glossary term in a source sentence, whether its
translation appears in the output (case-insensitive) -- with and without the glossary. A
sentence in which no glossary term occurs has a byte-identical prompt in both runs, so its
greedy output is taken from the first run instead of generated again (a shared cache).

Usage: python scripts/bench_translate.py [--engines llama-cpp,small] [--tatoeba-n 200]
       python scripts/bench_translate.py --engines transformers --sets 000 --directions zh-en
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sacrebleu.metrics import BLEU, CHRF

from mtqa.io import atomic_write
from mtqa.translate import get_translator
from mtqa.translate.cache import TranslationCache
from mtqa.translate.glossary import Glossary
from mtqa.translate.prompt import PROMPT_VERSION, parallel_pairs

ROOT = Path(__file__).resolve().parents[1]


def load_sets(tatoeba: Path, n: int) -> dict[str, list[tuple[str, str]]]:
    sets = {"000": [(zh, en) for role, zh, en in parallel_pairs() if role == "eval"]}
    if tatoeba.is_file():
        rows = [r.split("\t") for r in tatoeba.read_text(encoding="utf-8").splitlines()[1:]]
        sets["tatoeba"] = [(r[0], r[1]) for r in rows[:n]]
    return sets


def term_accuracy(glossary: Glossary, sources: list[str], hyps: list[str], src: str, tgt: str) -> tuple[int, int]:
    hit = total = 0
    for s, h in zip(sources, hyps, strict=True):
        for _, target in glossary.entries_for(s, src, tgt):
            total += 1
            hit += target.lower() in h.lower()
    return hit, total


def score(hyps: list[str], refs: list[str], tgt: str) -> dict:
    bleu = BLEU(tokenize="zh" if tgt == "zh" else "13a")
    chrf = CHRF()
    b = bleu.corpus_score(hyps, [refs])
    c = chrf.corpus_score(hyps, [refs])
    return {
        "bleu": round(b.score, 2),
        "chrf": round(c.score, 2),
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--engines", default="llama-cpp,small")
    ap.add_argument("--sets", default="000,tatoeba")
    ap.add_argument("--directions", default="zh-en,en-zh")
    ap.add_argument("--tatoeba", default=str(ROOT.parent / "shared/testsets/tatoeba-cmn_Hans.tsv"))
    ap.add_argument("--tatoeba-n", type=int, default=200)
    ap.add_argument("--out", default=None, help="default: results/mt_quality_<engines>.json")
    args = ap.parse_args()
    sets = load_sets(Path(args.tatoeba), args.tatoeba_n)
    glossary = Glossary.default()
    rows: list[dict] = []
    out = args.out or str(ROOT / f"results/mt_quality_{args.engines.replace(',', '_')}.json")
    command = "python scripts/bench_translate.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k not in ("out", "tatoeba")
    )

    def save() -> None:  # after every row: a stopped run keeps what it measured
        report = {
            "command": command,
            "prompt_version": PROMPT_VERSION,
            "note": "000: hand-aligned held-out pairs of the Xinhua article; tatoeba: first N cmn_Hans pairs. "
            "Published on the full Tatoeba zho->eng test: opus-mt-zh-en BLEU 36.1 / chrF 0.548, "
            "NLLB-200-distilled-600M BLEU 35.0 (not comparable one to one: this is a subset).",
            "rows": rows,
        }
        atomic_write(out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")

    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            cache = TranslationCache(Path(tmp) / "bench.sqlite")
            t = time.perf_counter()
            tr = get_translator(engine, device="cpu", glossary=None, cache=cache)
            load_s = time.perf_counter() - t
            for set_name in args.sets.split(","):
                if set_name not in sets:
                    continue
                pairs = sets[set_name]
                for direction in args.directions.split(","):
                    src, tgt = direction.split("-")
                    sources = [p[0] if src == "zh" else p[1] for p in pairs]
                    refs = [p[1] if src == "zh" else p[0] for p in pairs]
                    for use_glossary in (False, True):
                        tr.glossary = glossary if use_glossary else None
                        t = time.perf_counter()
                        res = tr.translate(sources, src, tgt)
                        secs = time.perf_counter() - t
                        hyps = [r.text for r in res]
                        generated = [r for r in res if not r.cached]
                        hit, total = term_accuracy(glossary, sources, hyps, src, tgt)
                        row = {
                            "engine": engine,
                            "model": (getattr(tr, "resolved", None) and tr.resolved.label) or getattr(tr, "label", ""),
                            "set": set_name,
                            "direction": direction,
                            "glossary": use_glossary,
                            "sentences": len(sources),
                            **score(hyps, refs, tgt),
                            "term_accuracy": round(hit / total, 3) if total else None,
                            "terms": total,
                            "failing_checks": sum(1 for r in res if r.flags),
                            "retried": sum(1 for r in res if r.retried),
                            "generated": len(generated),
                            "seconds_per_generated_sentence": round(secs / len(generated), 2) if generated else None,
                            "examples": [
                                {"src": s, "hyp": h, "ref": r}
                                for s, h, r in list(zip(sources, hyps, refs, strict=True))[:3]
                            ],
                        }
                        rows.append(row)
                        save()
                        print(
                            f"{engine:12} {set_name:8} {direction} glossary={use_glossary!s:5} "
                            f"BLEU {row['bleu']:5.1f} chrF {row['chrf']:5.1f} terms {hit}/{total} "
                            f"flags {row['failing_checks']} {row['seconds_per_generated_sentence']} s/sent",
                            flush=True,
                        )
            tr.close()
        rows.append({"engine": engine, "load_seconds": round(load_s, 1)})
    save()
    print(f"-> {out}")


if __name__ == "__main__":
    main()

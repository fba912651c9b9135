"""Detector throughput on a large mixed zh/en text, side by side with lingua's
``detect_multiple_languages_of`` on the same text, on one core.

lingua runs in two set-ups: restricted to English + Chinese (the languages in play, as
mtqa would use it) and with all its languages (what ``from_all_languages()`` gives a user).
Both have their models preloaded before the clock starts; build time is reported apart.

The text: the five embedded documents plus both sides of the Tatoeba cmn_Hans test set,
shuffled at line level and repeated to ``--mb`` megabytes of UTF-8. The process is pinned
to one CPU and numpy/BLAS to one thread. mtqa is warmed up first (word list and sentence
encoder loaded), then timed best-of-``--repeat``; lingua (English + Chinese only, its model
build timed separately) runs once over the same text.

Usage: python scripts/bench_detect_speed.py [--mb 2] [--repeat 3]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import json
import platform
import random
import time
from pathlib import Path

from mtqa.config import default_config
from mtqa.detect import Detector
from mtqa.document import embedded_ids, load_document
from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]


def build_text(mb: float, tatoeba: Path, seed: int = 0) -> str:
    lines: list[str] = []
    for doc_id in embedded_ids():
        lines.extend(load_document(doc_id).text.splitlines())
    if tatoeba.is_file():
        for row in tatoeba.read_text(encoding="utf-8").splitlines()[1:]:
            lines.extend(row.split("\t")[:2])
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < mb * 1e6:
        rng.shuffle(lines)
        for line in lines:
            out.append(line)
            size += len(line.encode("utf-8")) + 1
            if size >= mb * 1e6:
                break
    return "\n".join(out) + "\n"


def time_mtqa(detector: Detector, text: str, repeat: int) -> tuple[float, int]:
    best = float("inf")
    n = 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(detector.detect(text).spans)
        best = min(best, time.perf_counter() - t)
    return best, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tatoeba", default=str(ROOT.parent / "shared/testsets/tatoeba-cmn_Hans.tsv"))
    ap.add_argument("--out", default=str(ROOT / "results/detect_speed.json"))
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    text = build_text(args.mb, Path(args.tatoeba))
    mb = len(text.encode("utf-8")) / 1e6

    detector = Detector()
    detector.detect(text[:200_000])  # warm-up: word list, sentence encoder
    mtqa_s, n_spans = time_mtqa(detector, text, args.repeat)
    cfg = default_config()
    cfg["detector"]["rules"]["translated-tail"]["enabled"] = False
    no_model_s, _ = time_mtqa(Detector(cfg), text, args.repeat)

    from lingua import Language, LanguageDetectorBuilder

    lingua = {}
    for name, builder in (
        ("en_zh", LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.CHINESE)),
        ("all_languages", LanguageDetectorBuilder.from_all_languages()),
    ):
        t = time.perf_counter()
        det = builder.with_preloaded_language_models().build()
        build = time.perf_counter() - t
        t = time.perf_counter()
        found = det.detect_multiple_languages_of(text)
        secs = time.perf_counter() - t
        lingua[name] = {
            "seconds": round(secs, 3),
            "mb_per_s": round(mb / secs, 3),
            "build_seconds": round(build, 2),
            "spans": len(found),
            "mtqa_speedup": round(secs / mtqa_s, 1),
        }
        del det

    report = {
        "command": "python scripts/bench_detect_speed.py",
        "text_mb": round(mb, 3),
        "cpu_cores_used": 1,
        "machine": f"{platform.machine()} {platform.processor() or ''} Python {platform.python_version()}".strip(),
        "mtqa": {"seconds": round(mtqa_s, 3), "mb_per_s": round(mb / mtqa_s, 2), "spans": n_spans},
        "mtqa_without_translated_tail": {"seconds": round(no_model_s, 3), "mb_per_s": round(mb / no_model_s, 2)},
        "lingua": lingua,
        "targets": {"mb_per_s": 5.0, "speedup_vs_lingua": 50.0},
    }
    atomic_write(args.out, json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

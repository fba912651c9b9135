"""Speed and memory of mtqa's llama-cpp backend against a bare llama-cpp-python call.

Both run the same model file, the same chat messages (built by mtqa's prompt code, glossary
terms included), the same decoding settings and token budget, on the same sentences (the
held-out zh side of document 000's pairs), each in a fresh process so peak memory (RSS) is
per engine. Rounds alternate bare / mtqa / mtqa without retry; the best round of each is
reported. mtqa adds its output checks and its retry of failing outputs (counted: a retry is
extra generation, so "mtqa-noretry" is the same-work comparison); the cache is disabled.

Usage: python scripts/bench_translate_speed.py [--n 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(kind: str, n: int, threads: int) -> dict:
    import resource
    import time

    from mtqa.translate.glossary import Glossary
    from mtqa.translate.llama_cpp import SAMPLING, LlamaCppTranslator, load_llama, max_new_tokens
    from mtqa.translate.models import resolve_gguf
    from mtqa.translate.prompt import build_messages, parallel_pairs

    sents = [zh for role, zh, _ in parallel_pairs() if role == "eval"][:n]
    glossary = Glossary.default()
    t = time.perf_counter()
    if kind == "bare":
        llm = load_llama(str(resolve_gguf("default").path), n_threads=threads)
        load = time.perf_counter() - t
        t = time.perf_counter()
        tokens = 0
        for s in sents:
            msgs = build_messages(s, "zh", "en", glossary.entries_for(s, "zh", "en"))
            n_src = len(llm.tokenize(s.encode("utf-8"), add_bos=False))
            r = llm.create_chat_completion(messages=msgs, max_tokens=max_new_tokens(n_src), stop=["\n"], **SAMPLING)
            tokens += r["usage"]["completion_tokens"]
        retried = 0
    else:
        tr = LlamaCppTranslator(glossary=glossary, cache=None, n_threads=threads, retry=kind == "mtqa")
        load = time.perf_counter() - t
        t = time.perf_counter()
        res = tr.translate(sents, "zh", "en")
        tokens = sum(r.tokens for r in res)
        retried = sum(r.retried for r in res)
    secs = time.perf_counter() - t
    return {
        "engine": kind,
        "sentences": len(sents),
        "load_seconds": round(load, 2),
        "seconds": round(secs, 2),
        "seconds_per_sentence": round(secs / len(sents), 3),
        "generated_tokens": tokens,
        "tokens_per_s": round(tokens / secs, 2),
        "retried": retried,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--child", choices=["bare", "mtqa", "mtqa-noretry"])
    ap.add_argument("--out", default=str(ROOT / "results/mt_speed.json"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.threads)))
        return
    runs: dict[str, list[dict]] = {"bare": [], "mtqa": [], "mtqa-noretry": []}
    for _ in range(args.rounds):
        for kind in runs:
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, "--n", str(args.n), "--threads", str(args.threads)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            runs[kind].append(row)
            print(json.dumps(row), flush=True)
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    report = {
        "command": f"python scripts/bench_translate_speed.py --n {args.n} --rounds {args.rounds} --threads {args.threads}",
        "model": "qwen2.5-coder-1.5b-instruct-q4_k_m (packaged)",
        "best": best,
        "mtqa_time_over_bare": round(best["mtqa"]["seconds"] / best["bare"]["seconds"], 3),
        "mtqa_tokens_per_s_over_bare": round(best["mtqa"]["tokens_per_s"] / best["bare"]["tokens_per_s"], 3),
        "mtqa_noretry_time_over_bare": round(best["mtqa-noretry"]["seconds"] / best["bare"]["seconds"], 3),
        "target": "mtqa within 10% of the bare engine",
        "all_rounds": runs,
    }
    from mtqa.io import atomic_write

    atomic_write(args.out, json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k.startswith("mtqa_")}))


if __name__ == "__main__":
    main()

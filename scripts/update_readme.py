"""Render the README's result figures from ``results/*.json`` (nothing typed by hand).

Replaces the text between ``<!-- results:start -->`` and ``<!-- results:end -->`` and between
``<!-- run-line:start -->`` and ``<!-- run-line:end -->``.

Usage: python scripts/update_readme.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "results"


def load(name: str) -> dict | None:
    p = RES / name
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None


def run_line(s: dict) -> str:
    return (
        f"{s['doc']}: {s['spans']} spans, {s['passages']} passages, {s['aligned']} aligned "
        f"(chrF {s['mean_chrf_before']} -> {s['mean_chrf_after']}), {s['remaining_spans']} spans left "
        f"({s['remaining_ratio']:.0%}) -> results/{s['doc']}/ [{s['timings_s']['total']:.0f}s]"
    )


def detection() -> list[str]:
    out = []
    gold, syn, speed = load("detect_gold_002.json"), load("detect_synthetic.json"), load("detect_speed.json")
    if gold and syn:
        out += [
            "### Detector",
            "",
            f"Partial-overlap matching (same kind). Gold: hand-annotated spans of 002 "
            f"(`{gold['command']}`); synthetic: {syn['documents']} generated documents (`{syn['command']}`).",
            "",
            "| kind | 002 gold P / R | synthetic P / R / F1 |",
            "|---|---|---|",
        ]
        for kind, g in gold["per_kind"].items():
            s = syn["per_kind"].get(kind, {})
            gtxt = f"{g['precision']:.2f} / {g['recall']:.2f} ({g['gold']} gold)" if g["gold"] else "– (none in 002)"
            out.append(
                f"| {kind} | {gtxt} | {s.get('precision', 0):.3f} / {s.get('recall', 0):.3f} / {s.get('f1', 0):.3f} |"
            )
        out.append("")
    if speed:
        ll = speed["lingua"]
        out += [
            f"Speed (`{speed['command']}`, {speed['text_mb']} MB mixed text, one core): mtqa "
            f"{speed['mtqa']['mb_per_s']} MB/s; lingua `detect_multiple_languages_of` restricted to EN+ZH "
            f"{ll['en_zh']['mb_per_s']} MB/s ({ll['en_zh']['mtqa_speedup']}x slower than mtqa), with all its "
            f"languages {ll['all_languages']['mb_per_s']} MB/s ({ll['all_languages']['mtqa_speedup']}x slower).",
            "",
        ]
    return out


def mt() -> list[str]:
    out = []
    rows = []
    for p in sorted(RES.glob("mt_quality_*.json")):
        rows += [r for r in json.loads(p.read_text(encoding="utf-8"))["rows"] if "bleu" in r]
    if rows:
        out += [
            "### Machine translation",
            "",
            "BLEU / chrF with sacrebleu (signatures in the JSON files); term "
            "accuracy = glossary terms of the source whose translation appears in the output "
            "(`scripts/bench_translate.py`).",
            "",
            "| engine | set | direction | glossary | BLEU | chrF | term accuracy | s / sentence |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            acc = f"{r['term_accuracy']:.2f} ({r['terms']})" if r["term_accuracy"] is not None else "–"
            sps = r["seconds_per_generated_sentence"]
            out.append(
                f"| {r['engine']} | {r['set']} ({r['sentences']}) | {r['direction']} | "
                f"{'yes' if r['glossary'] else 'no'} | {r['bleu']} | {r['chrf']} | {acc} | "
                f"{sps if sps is not None else 'reused'} |"
            )
        out.append("")
    speed = load("mt_speed.json")
    if speed:
        b = speed["best"]
        out += [
            f"Engine overhead (`{speed['command']}`): bare llama-cpp-python {b['bare']['seconds_per_sentence']} s "
            f"per sentence, {b['bare']['tokens_per_s']} tokens/s, {b['bare']['peak_rss_mb']} MB peak; mtqa without "
            f"retry {b['mtqa-noretry']['seconds_per_sentence']} s ({speed['mtqa_noretry_time_over_bare']}x the bare "
            f"time), {b['mtqa-noretry']['peak_rss_mb']} MB; mtqa with its default retry of failing outputs "
            f"{b['mtqa']['seconds_per_sentence']} s ({speed['mtqa_time_over_bare']}x, {b['mtqa']['retried']} retried, "
            f"{b['mtqa']['tokens_per_s']} tokens/s).",
            "",
        ]
    gpu = load("gpu_throughput.json")
    if gpu:
        out += [
            f"GPU ({gpu['device']}, {gpu['dtype']}, random weights of the same architecture): "
            + "; ".join(f"batch {r['batch_size']}: {r['tokens_per_s']} tokens/s" for r in gpu["rows"])
            + ".",
            "",
        ]
    else:
        out += ["GPU: not measured yet (no GPU was lent to the sessions so far); `scripts/bench_gpu.py` is ready.", ""]
    return out


def run_002() -> list[str]:
    s = load("002/summary.json")
    if not s:
        return []
    rob = load("robustness.json")
    out = [
        "### `mtqa run 002` (default engine, 2 cores)",
        "",
        f"{s['spans']} spans in {s['passages']} passages; {s['aligned']} aligned to a reference "
        f"(mean chrF {s['mean_chrf_before']} -> {s['mean_chrf_after']}); the detector finds "
        f"{s['remaining_spans']} spans in the repaired text ({s['remaining_ratio']:.0%} of the original "
        f"{s['spans']}); {s['timings_s']['total']:.0f} s, peak RSS {s['peak_rss_mb']:.0f} MB "
        "(`results/002/summary.json`).",
        "",
    ]
    if rob:
        out += [
            "Robustness (`"
            + rob["command"]
            + "`), `mtqa detect` on single-line files: "
            + "; ".join(
                f"{r['input']}: {r['wall_seconds']} s, {r['spans']} spans, peak RSS {r['peak_rss_mb']} MB"
                for r in rob["rows"]
            )
            + ".",
            "",
        ]
    return out


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = "\n".join(detection() + mt() + run_002()).strip()
    text = re.sub(
        r"(<!-- results:start -->\n).*?(<!-- results:end -->)",
        lambda m: m.group(1) + block + "\n" + m.group(2),
        text,
        flags=re.S,
    )
    s = load("002/summary.json")
    if s:
        text = re.sub(
            r"(<!-- run-line:start -->\n```\n).*?(\n```\n<!-- run-line:end -->)",
            lambda m: m.group(1) + run_line(s) + m.group(2),
            text,
            flags=re.S,
        )
    readme.write_text(text, encoding="utf-8")
    print(block)


if __name__ == "__main__":
    main()

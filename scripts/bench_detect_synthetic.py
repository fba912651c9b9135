"""Synthetic corruption benchmark for the detector: a CONSISTENCY CHECK, not an evaluation.

The generators below produce exactly the patterns the rules were written for (same
templates: a letter glued between Han characters, a pinyin surname before a given name, a
cut word before a year, glued word pairs, ...), so high scores here are guaranteed by
construction and say nothing about text the detector has not seen. Use it to catch
regressions; for evaluation see scripts/eval_gold.py (hand gold) and
scripts/bench_external.py (external sets).

Clean sentences (the clean corpus documents 000/001/003/004 and both sides of the Tatoeba
cmn_Hans test set) are corrupted with each kind at known offsets, embedded in a few clean
sentences of the same language, and run through the detector. Per kind: precision, recall
and F1 with *partial-overlap* matching (a prediction is right when it overlaps a gold span of
the same kind). Clean documents with no corruption are mixed in, so false positives on clean
text count against precision. Where a corruption puts an English stretch of 3+ words into a
Chinese document, that stretch is also gold ``untranslated`` (it is untranslated text).

Usage: python scripts/bench_detect_synthetic.py [--n 400] [--seed 1] [--tatoeba PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from mtqa.detect import KINDS, Detector
from mtqa.detect.evaluate import Score, accumulate, evaluate, format_table
from mtqa.detect.lexicon import get_lexicon
from mtqa.document import load_document
from mtqa.io import atomic_write
from mtqa.segment import HAN, HAN_NUMERALS, sentences

ROOT = Path(__file__).resolve().parents[1]
HAN_RE = re.compile(f"[{HAN}]")
LATIN_RE = re.compile("[A-Za-z]")
WORD_RE = re.compile(r"[A-Za-z]+")
Gold = list[tuple[int, int, str]]
# A cut that leaves a common word ("speak|ing", "port" of "support") is invisible to any
# surface method: such draws are made again. The lexicon is wordfreq's, as in the detector.
COMMON_ZIPF = 3.0


def _common_word(s: str) -> bool:
    return get_lexicon().zipf(s) >= COMMON_ZIPF


def load_pools(tatoeba: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Clean Chinese sentences, clean English sentences, and zh/en pairs."""
    zh, en = [], []
    for doc_id in ("000", "001", "003", "004"):
        text = load_document(doc_id).text
        for a, b in sentences(text):
            s = text[a:b]
            if len(HAN_RE.findall(s)) >= 8 and not LATIN_RE.search(s):
                zh.append(s)
            elif len(WORD_RE.findall(s)) >= 5 and not HAN_RE.search(s) and "â" not in s:
                en.append(s)
    pairs = []
    if tatoeba.is_file():
        for line in tatoeba.read_text(encoding="utf-8").splitlines()[1:]:
            z, e = line.split("\t")[:2]
            if LATIN_RE.search(z) or HAN_RE.search(e):
                continue
            pairs.append((z, e))
            if len(HAN_RE.findall(z)) >= 5:
                zh.append(z)
            if len(WORD_RE.findall(e)) >= 4:
                en.append(e)
    return zh, en, pairs


class Builder:
    """Builds one synthetic document: clean context sentences around a corrupted piece."""

    def __init__(self, rng: random.Random, zh: list[str], en: list[str]) -> None:
        self.rng, self.zh, self.en = rng, zh, en

    def doc(self, lang: str, piece: str, gold: Gold) -> tuple[str, Gold]:
        pool = self.zh if lang == "zh" else self.en
        sep = "" if lang == "zh" else " "
        before = sep.join(self.rng.sample(pool, 5)) + sep
        after = sep + sep.join(self.rng.sample(pool, 4))
        off = len(before)
        return before + piece + after, [(a + off, b + off, k) for a, b, k in gold]


def _han_positions(s: str) -> list[int]:
    """Positions i with Han characters on both sides (i-1 and i), away from the edges."""
    return [i for i in range(2, len(s) - 2) if HAN_RE.match(s[i - 1]) and HAN_RE.match(s[i])]


def _untranslated(a: int, piece: str, start: int, end: int) -> Gold:
    seg = piece[start:end]
    return [(start, end, "untranslated")] if len(WORD_RE.findall(seg)) >= 3 else []


# Each generator returns (document language, corrupted piece, gold spans in the piece) or None.
def gen_switch(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    variant = rng.choice(["letter", "clause", "fragment", "surname"])
    if variant == "letter":  # 完成t他的
        s = rng.choice(zh)
        pos = _han_positions(s)
        if not pos:
            return None
        i = rng.choice(pos)
        piece = s[:i] + rng.choice("abcdefghijklmnoprstuwy") + s[i:]
        return "zh", piece, [(i - 2, i + 3, "switch")]
    if variant == "clause":  # 建议to invest in Kyrgyzstan?
        s, e = rng.choice(zh), rng.choice(en)
        words = list(WORD_RE.finditer(e))
        if len(words) < 5:
            return None
        k = rng.randrange(1, len(words) - 3)
        tail = e[words[k].start() :]
        pos = [i for i in _han_positions(s) if i >= 4]
        if not pos:
            return None
        i = rng.choice(pos)
        piece = s[:i] + tail
        gold = [(i - 2, i + len(words[k].group()), "switch")]
        return "zh", piece, gold + _untranslated(0, piece, i, len(piece))
    if variant == "fragment":  # 百年合作ges正在
        s = rng.choice(zh)
        long_words = [w for w in WORD_RE.findall(rng.choice(en)) if len(w) >= 7 and w.islower()]
        pos = _han_positions(s)
        if not long_words or not pos:
            return None
        frag = rng.choice(long_words)[-rng.choice((3, 4)) :]
        if _common_word(frag):
            return None
        i = rng.choice(pos)
        piece = s[:i] + frag + s[i:]
        return "zh", piece, [(i - 2, i + len(frag) + 2, "switch")]
    # surname: Hello, Ambassador Liu江平!
    e = rng.choice(en)
    names = ["Liu", "Wang", "Zhang", "Chen", "Zhao", "Huang", "Zhou", "Sun"]
    given = "".join(rng.sample("江平建国小明志强秀英海涛丽娟伟华", 2))
    name = rng.choice(names) + given
    piece = f"{e} Ambassador {name} said so."
    i = len(e) + len(" Ambassador ")
    return "en", piece, [(i, i + len(name), "switch")]


def gen_truncation(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    variant = rng.choice(["end", "start", "number"])
    s = rng.choice(zh)
    if variant == "number":  # 202四
        year = str(rng.randrange(1990, 2030))
        num = year[:-1] + HAN_NUMERALS[int(year[-1])]
        piece = f"{s}双方在{num}年签署了协议。"
        i = len(s) + 2
        return "zh", piece, [(i, i + 4, "truncation")]
    e = rng.choice(en)
    words = list(WORD_RE.finditer(e))
    if variant == "end":  # After the two countr1992年
        cands = [k for k in range(1, len(words)) if len(words[k].group()) >= 6 and words[k].group().islower()]
        if not cands:
            return None
        k = rng.choice(cands)
        w = words[k].group()
        cut = rng.randrange(3, len(w) - 2)
        if _common_word(w[:cut]):
            return None
        head = e[: words[k].start()] + w[:cut]
        piece = head + s
        gold = [(words[k].start(), len(head), "truncation")]
        return "zh", piece, gold + _untranslated(0, piece, 0, len(head))
    # start: 。ountries, and provided an important political guarantee
    if len(words) < 3 or len(words[0].group()) < 6:
        return None
    w = words[0].group()
    cut = rng.randrange(1, 4)
    if _common_word(w[cut:]):
        return None
    tail = w[cut:] + e[words[0].end() :]
    piece = s + tail
    i = len(s)
    gold = [(i, i + len(w) - cut, "truncation")]
    return "zh", piece, gold + _untranslated(0, piece, i, len(piece))


def gen_merge(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    e = rng.choice(en)
    words = list(WORD_RE.finditer(e))
    cands = [
        k
        for k in range(len(words) - 1)
        if words[k + 1].start() - words[k].end() == 1
        and e[words[k].end()] == " "
        and len(words[k].group()) >= 3
        and len(words[k + 1].group()) >= 3
        and words[k].group().islower()
        and (words[k + 1].group().islower() or words[k + 1].group().istitle())
    ]
    if not cands:
        return None
    k = rng.choice(cands)
    piece = e[: words[k].end()] + e[words[k + 1].start() :]
    return "en", piece, [(words[k].start(), words[k + 1].end() - 1, "merge")]


def gen_duplication(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    if pairs and rng.random() < 0.3:  # an English tail repeating the Chinese: 持续增长tinues to increase
        z, e = rng.choice(pairs)
        z = z.rstrip("。！？!?.")
        if not z or not HAN_RE.match(z[-1]) or len(WORD_RE.findall(e)) < 2:
            return None
        tail = e.rstrip(".!?")
        tail = tail[0].lower() + tail[1:]
        piece = z + tail + "。"
        i = len(z)
        first = WORD_RE.match(tail)
        # Glued to the Chinese with no boundary, the tail is also a clause switch.
        gold = [(i, i + len(tail), "duplication"), (i - 2, i + (first.end() if first else 1), "switch")]
        return "zh", piece, gold + _untranslated(0, piece, i, i + len(tail))
    s = rng.choice(zh)  # 通关通关
    n = rng.randrange(2, 5)
    pos = [i for i in range(len(s) - n) if all(HAN_RE.match(c) for c in s[i : i + n])]
    if not pos:
        return None
    i = rng.choice(pos)
    frag = s[i : i + n]
    if len(set(frag)) == 1:
        return None
    piece = s[: i + n] + frag + s[i + n :]
    return "zh", piece, [(i + n, i + 2 * n, "duplication")]


def gen_untranslated(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    if rng.random() < 0.7:
        e = rng.choice(en)
        if len(WORD_RE.findall(e)) < 3:
            return None
        return "zh", e, [(0, len(e), "untranslated")]
    z = rng.choice(zh)
    return "en", z, [(0, len(z), "untranslated")]


def _cp1252_mojibake(s: str) -> str:
    return "".join(
        chr(b)
        if 0x80 <= b <= 0x9F and bytes([b]).decode("cp1252", "replace") == "\ufffd"
        else bytes([b]).decode("cp1252", "replace")
        for b in s.encode("utf-8")
    )


def gen_mojibake(rng: random.Random, zh: list[str], en: list[str], pairs) -> tuple[str, str, Gold] | None:
    if rng.random() < 0.5:
        e = rng.choice(en)
        words = list(WORD_RE.finditer(e))
        if len(words) < 3:
            return None
        sym = rng.choice(["’", "“", "”", "—", "–", "é", "■", "°", "€", "…", "ü"])
        k = rng.randrange(1, len(words))
        bad = _cp1252_mojibake(sym)
        at = words[k].start()
        piece = e[:at] + bad + e[at:]
        return "en", piece, [(at, at + len(bad), "mojibake")]
    z = rng.choice(zh)
    han = [i for i in range(len(z) - 6) if all(HAN_RE.match(c) for c in z[i : i + 6])]
    if not han:
        return None
    i = rng.choice(han)
    bad = z[i : i + 6].encode("utf-8").decode("gbk", errors="replace")
    piece = z[:i] + bad + z[i + 6 :]
    return "zh", piece, [(i, i + len(bad), "mojibake")]


GENERATORS: dict[str, Callable] = {
    "switch": gen_switch,
    "truncation": gen_truncation,
    "merge": gen_merge,
    "duplication": gen_duplication,
    "untranslated": gen_untranslated,
    "mojibake": gen_mojibake,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=400, help="corrupted documents per kind")
    ap.add_argument("--clean", type=int, default=300, help="clean documents per language")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tatoeba", default=str(ROOT.parent / "shared/testsets/tatoeba-cmn_Hans.tsv"))
    ap.add_argument("--out", default=str(ROOT / "results/detect_synthetic.json"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    zh, en, pairs = load_pools(Path(args.tatoeba))
    builder = Builder(rng, zh, en)
    detector = Detector()
    total: dict[str, Score] = {}
    per_generator: dict[str, dict] = {}
    errors: list[dict] = []
    t0 = time.perf_counter()
    for kind, gen in GENERATORS.items():
        made = 0
        part: dict[str, Score] = {}
        while made < args.n:
            out = gen(rng, zh, en, pairs)
            if out is None:
                continue
            lang, piece, gold = out
            text, gold = builder.doc(lang, piece, gold)
            pred = [(s.start, s.end, s.kind) for s in detector.detect(text).spans]
            sc = evaluate(pred, gold, KINDS)
            accumulate(total, sc)
            accumulate(part, sc)
            if sc[kind].tp_gold < sc[kind].n_gold and sum(e["kind"] == kind for e in errors) < 12:
                errors.append({"kind": kind, "missed": [text[a:b] for a, b, k in gold if k == kind], "text": text})
            made += 1
        per_generator[kind] = {k: v.as_dict() for k, v in part.items() if v.n_gold or v.n_pred}
    for lang in ("zh", "en"):
        for _ in range(args.clean):
            text, gold = builder.doc(lang, "", [])
            spans = detector.detect(text).spans
            accumulate(total, evaluate([(s.start, s.end, s.kind) for s in spans], gold, KINDS))
            for s in spans:
                if sum("false_positive" in e for e in errors) < 40:
                    errors.append({"kind": s.kind, "false_positive": s.text, "rule": s.rule, "text": text})
    elapsed = time.perf_counter() - t0
    report = {
        "command": "python scripts/bench_detect_synthetic.py",
        "label": "consistency check, not an evaluation: the generators share templates with the rules, so these "
        "figures are high by construction",
        "matching": "partial overlap: a prediction is correct if it overlaps a gold span of the same kind",
        "seed": args.seed,
        "documents": args.n * len(GENERATORS) + 2 * args.clean,
        "pools": {"zh_sentences": len(zh), "en_sentences": len(en), "zh_en_pairs": len(pairs)},
        "per_kind": {k: v.as_dict() for k, v in total.items()},
        "per_generator": per_generator,
        "seconds": round(elapsed, 2),
        "error_examples": errors,
    }
    atomic_write(args.out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(format_table(total))
    print(f"{report['documents']} documents in {elapsed:.1f}s -> {args.out}")


if __name__ == "__main__":
    main()

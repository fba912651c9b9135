"""Calibrate the reference set's thresholds (the ``align`` section of the config).

Positives and negatives, all built from data on disk:

* bitext: the DP's skip cost and length weight on synthetic parallel documents made of Tatoeba
  pairs (merges, deletions, insertions) and, as a check, on the hand-aligned 000; which zh/en
  block pairs are parallel (bead cosine, block coverage) on the corpus and on Tatoeba documents
  paired with unrelated ones;
* same-language chrF (match and bitext anchor): positives are 000's sentences as passages, whole,
  damaged (a word dropped, a fragment doubled, a foreign word glued on, a word cut) and as one
  clause of a long sentence; negatives are sentences of other articles of the same news domain
  (001 against 000/003/004, 004 against 000/001/003, the clean Chinese of 002) and Tatoeba;
* cross-lingual last resort: 000's gold pairs, each side against the other language with the own
  language taken out of the references (so no anchor can be found); negatives are 002's
  sentences (Chinese and English) and Tatoeba, both directions;
* length ratios: damaged passages and gold pairs (must pass) against one clause of a sentence
  with 3+ clauses compared with the whole sentence (must fail);
* end to end: 000's Chinese half with the English of every other gold bead left in its place
  (the "garbled 000"), each English sentence and one clause of each as passages, target zh,
  with the references a user's document gets (all embedded documents); and the real passages of
  002 (references: the other embedded documents), which are about other events.

Usage: python scripts/calibrate_align.py
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from eval_align import GOLD, TATOEBA, eval_000, synthetic

from mtqa.align import AlignParams, BitextParams, ReferenceSet, align_sentences, alignment_units, build_references
from mtqa.align.index import RETRIEVAL_CHRF, clause_windows, normalise
from mtqa.config import default_config
from mtqa.document import load_document
from mtqa.io import atomic_write
from mtqa.segment import count_scripts
from mtqa.translate.checks import weighted_length

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("calibrate_align")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
PERMISSIVE = {"chrf_min": 0.0, "chrf_margin": -1e9, "cosine_min": -1.0, "cosine_margin": -1e9}


def pct(values, qs=(0, 5, 50, 95, 100)) -> dict[str, float]:
    if not len(values):
        return {}
    return {f"p{q}": round(float(np.percentile(values, q)), 3) for q in qs}


def docs(*ids: str) -> dict[str, str]:
    return {d: load_document(d).text for d in ids}


def blank(text: str, lang: str) -> str:
    """``text`` with its ``lang`` sentences replaced by spaces (offsets kept)."""
    out = list(text)
    for a, b in alignment_units(text):
        s = text[a:b]
        han, latin = count_scripts(s)
        if (lang == "zh") == (4 * han >= latin and han > 0):
            out[a:b] = " " * (b - a)
    return "".join(out)


def gold_rows() -> list[dict]:
    return [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]


def tatoeba(n: int = 200) -> list[tuple[str, str]]:
    if not TATOEBA.is_file():
        return []
    rows = [x.split("\t") for x in TATOEBA.read_text(encoding="utf-8").splitlines()[1:] if "\t" in x]
    return [(z, e) for z, e in rows[:n]]


# --- damaged passages --------------------------------------------------------------------------
def damage(text: str, rng: random.Random) -> str:
    """One damage of the kinds the detector finds (a dropped word, a doubled fragment, a glued
    foreign word, a cut word)."""
    zh = bool(_HAN_RE.search(text))
    kind = rng.choice(["drop", "double", "glue", "cut"])
    if zh:
        i = rng.randrange(2, max(3, len(text) - 6))
        if kind == "drop":
            return text[:i] + text[i + 2 :]
        if kind == "double":
            return text[:i] + text[i : i + 2] + text[i:]
        if kind == "glue":
            return text[:i] + rng.choice(["ges", "tion", "the two"]) + text[i:]
        return text[: len(text) - 3]
    words = text.split(" ")
    i = rng.randrange(1, max(2, len(words) - 1))
    if kind == "drop":
        return " ".join(words[:i] + words[i + 1 :])
    if kind == "double":
        return " ".join(words[: i + 1] + words[i : i + 1] + words[i + 1 :])
    if kind == "glue":
        return " ".join([*words[:i], words[i] + rng.choice(["合作", "发展"]), *words[i + 1 :]])
    return " ".join([*words[:i], words[i][: max(1, len(words[i]) // 2)], *words[i + 1 :]])


def middle_clause(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The middle single clause of a sentence with 3+ clauses, at least 6 Han / 4 words long."""
    singles = [(s, e) for s, e in clause_windows(text, a, b, max_clauses=1)]
    if len(singles) < 3:
        return None
    s, e = singles[len(singles) // 2]
    han, _ = count_scripts(text[s:e])
    return (s, e) if han >= 6 or len(text[s:e].split()) >= 4 else None


def source_spans() -> list[tuple[int, int, str]]:
    """000's article sentences (both halves) long enough to be passages: (start, end, lang)."""
    text = load_document("000").text
    out = []
    for a, b in alignment_units(text):
        if a < 364:  # the stray slogan
            continue
        s = text[a:b]
        han, latin = count_scripts(s)
        if han >= 6 or len(s.split()) >= 4:
            out.append((a, b, "zh" if 4 * han >= latin and han else "en"))
    return out


def same_doc_hit(ref, a: int, b: int, text000: str) -> bool:
    """``ref`` overlaps the stretch a..b of 000, or is a copy of (part of) it elsewhere (003
    repeats 000's English; 000 repeats its own captions)."""
    if ref is None:
        return False
    if ref.doc == "000" and ref.start < b and a < ref.end:
        return True
    return normalise(ref.text) in normalise(text000[a:b]) or normalise(text000[a:b]) in normalise(ref.text)


def mixed(text000: str, zh: tuple[int, int], en: tuple[int, int], lang: str) -> str | None:
    """A sentence of 000 whose last clause is left in the other language: the zh sentence ending
    in the last words of its English counterpart, or the reverse."""
    own, other = (zh, en) if lang == "zh" else (en, zh)
    o = text000[other[0] : other[1]]
    cuts = clause_windows(text000, own[0], own[1], max_clauses=1)
    if len(cuts) < 3:
        return None
    keep = text000[own[0] : cuts[-1][0]]
    share = 1 - (cuts[-1][0] - own[0]) / (own[1] - own[0])
    if lang == "zh":
        words = o.split()
        tail = " ".join(words[-max(2, round(share * len(words))) :])
    else:
        tail = o[-max(4, round(share * len(o))) :]
    return keep + tail


# --- sections -----------------------------------------------------------------------------------
def bitext_section() -> dict:
    grid = []
    for skip in (0.3, 0.4, 0.5, 0.6):
        for w in (0.0, 0.15, 0.3):
            for two in (False, True):
                params = AlignParams(bitext=BitextParams(two_to_two=two, skip_cost=skip, length_weight=w))
                syn = synthetic(params)["non_null"]
                g = eval_000(params)["all_beads"]["non_null"]
                grid.append(
                    {
                        "skip_cost": skip,
                        "length_weight": w,
                        "two_to_two": two,
                        "tatoeba_p_r_strict": [syn["precision_strict"], syn["recall_strict"]],
                        "000_p_r_strict": [g["precision_strict"], g["recall_strict"]],
                        "000_p_r_lax": [g["precision_lax"], g["recall_lax"]],
                    }
                )
    # Which block pairs are parallel: the corpus, and Tatoeba documents against unrelated ones.
    corpus = []
    refs = ReferenceSet(docs("000", "001", "002", "003", "004"))
    for bt in refs.bitexts:
        zb, eb = refs.blocks[bt.zh], refs.blocks[bt.en]
        corpus.append(
            {
                "zh": f"{zb.doc}:{zb.units[0].start}-{zb.units[-1].end} ({len(zb.units)})",
                "en": f"{eb.doc}:{eb.units[0].start}-{eb.units[-1].end} ({len(eb.units)})",
                "coverage": bt.coverage,
                "parallel": bt.parallel,
            }
        )
    pairs = tatoeba(820)
    rng = random.Random(1)
    params = AlignParams.from_config(default_config()["align"])
    cov = {"parallel": [], "unrelated": []}
    bead_cos = {"right": [], "wrong": []}
    for _ in range(15):
        idx = rng.sample(range(len(pairs)), 60)
        a, b = idx[:30], idx[30:]
        for kind, zh_idx, en_idx in (("parallel", a, a), ("unrelated", a, b)):
            beads = align_sentences([pairs[i][0] for i in zh_idx], [pairs[i][1] for i in en_idx], params.bitext)
            good = [x for x in beads if not x.null and x.cosine >= params.bead_cosine_min]
            cov[kind].append(sum(len(x.src) + len(x.tgt) for x in good) / 60)
            if kind == "parallel":
                for x in beads:
                    if not x.null:
                        bead_cos["right" if x.src == x.tgt else "wrong"].append(x.cosine)
            else:
                bead_cos["wrong"] += [x.cosine for x in beads if not x.null]
    return {
        "dp_grid": grid,
        "corpus_block_pairs": corpus,
        "tatoeba_block_coverage": {k: pct(v) for k, v in cov.items()},
        "tatoeba_bead_cosine": {k: pct(v) for k, v in bead_cos.items()},
        "tatoeba_bead_cosine_counts": {k: len(v) for k, v in bead_cos.items()},
    }


def same_language_section() -> dict:
    text000 = load_document("000").text
    params = dataclasses.replace(AlignParams.from_config(default_config()["align"]), **PERMISSIVE)
    refs = ReferenceSet(docs("000", "001", "003", "004"), params)
    rng = random.Random(0)
    pos: dict[str, list[tuple[float, float, bool]]] = {"whole": [], "damaged": [], "clause": [], "mixed": []}
    for r in gold_rows():
        if r["type"] == "1-1":
            (za, zb), (ea, eb) = r["zh"][0], r["en"][0]
            for lang, span in (("zh", (za, zb)), ("en", (ea, eb))):
                passage = mixed(text000, (za, zb), (ea, eb), lang)
                if passage:
                    m = refs.counterpart(passage, lang)
                    pos["mixed"].append((m.score, m.margin, same_doc_hit(m.ref, *span, text000)))
    for a, b, lang in source_spans():
        s = text000[a:b]
        for kind, passage, span in (("whole", s, (a, b)), ("damaged", damage(s, rng), (a, b))):
            m = refs.counterpart(passage, lang)
            pos[kind].append((m.score, m.margin, same_doc_hit(m.ref, *span, text000)))
        c = middle_clause(text000, a, b)
        if c:
            m = refs.counterpart(text000[c[0] : c[1]], lang)
            pos["clause"].append((m.score, m.margin, same_doc_hit(m.ref, *c, text000)))
    neg: dict[str, list[tuple[float, float]]] = {}
    for doc, others in (("001", ("000", "003", "004")), ("004", ("000", "001", "003"))):
        r = ReferenceSet(docs(*others), params)
        t = load_document(doc).text
        neg[f"{doc}_en"] = [
            (m.score, m.margin)
            for a, b in alignment_units(t)
            if len(t[a:b].split()) >= 4
            for m in [r.counterpart(t[a:b], "en")]
        ]
    t2 = load_document("002").text
    zh002 = [
        t2[a:b] for a, b in alignment_units(t2) if count_scripts(t2[a:b])[0] >= 10 and not count_scripts(t2[a:b])[1]
    ]
    neg["002_clean_zh"] = [(m.score, m.margin) for m in (refs.counterpart(s, "zh") for s in zh002)]
    tat = tatoeba(150)
    neg["tatoeba_en"] = [(m.score, m.margin) for m in (refs.counterpart(e, "en") for _, e in tat)]
    neg["tatoeba_zh"] = [(m.score, m.margin) for m in (refs.counterpart(z, "zh") for z, _ in tat)]
    grid = []
    for cmin in (45.0, 50.0, 55.0, 60.0, 65.0, 70.0):
        for mg in (2.5, 5.0, 10.0):
            row: dict = {"chrf_min": cmin, "chrf_margin": mg}
            for k, v in pos.items():
                row[f"positives_{k}_right"] = f"{sum(s >= cmin and m >= mg and ok for s, m, ok in v)}/{len(v)}"
            row["negatives_matched"] = sum(sum(s >= cmin and m >= mg for s, m in v) for v in neg.values())
            grid.append(row)
    return {
        "positives_chrf": {k: pct([s for s, _, _ in v]) for k, v in pos.items()},
        "positives_margin": {k: pct([m for _, m, _ in v]) for k, v in pos.items()},
        "negatives_chrf": {k: pct([s for s, _ in v]) for k, v in neg.items()},
        "negatives_margin": {k: pct([m for _, m in v]) for k, v in neg.items()},
        "negatives_counts": {k: len(v) for k, v in neg.items()},
        "grid": grid,
    }


def cross_lingual_section() -> dict:
    text000 = load_document("000").text
    params = dataclasses.replace(AlignParams.from_config(default_config()["align"]), **PERMISSIVE)
    others = docs("001", "003", "004")
    # Own language blanked out of 000: the passage finds no anchor, only the cross-lingual route.
    no_zh = ReferenceSet({"000": blank(text000, "zh"), **others}, params)
    no_en = ReferenceSet({"000": blank(text000, "en")}, params)
    pos = []
    for r in gold_rows():
        if not (r["zh"] and r["en"]) or r["type"] not in ("1-1", "1-2"):
            continue
        (za, zb), ens = r["zh"][0], r["en"]
        en_span = (ens[0][0], ens[-1][1])
        if count_scripts(text000[za:zb])[0] >= 6:
            m = no_zh.counterpart(text000[za:zb], "en")
            pos.append(("zh->en", m.score, m.margin, same_doc_hit(m.ref, *en_span, text000)))
        for a, b in ens:
            if len(text000[a:b].split()) >= 4:
                m = no_en.counterpart(text000[a:b], "zh")
                pos.append(("en->zh", m.score, m.margin, same_doc_hit(m.ref, za, zb, text000)))
    neg: dict[str, list[tuple[float, float]]] = {}
    t2 = load_document("002").text
    units = [t2[a:b] for a, b in alignment_units(t2)]
    zh002 = [s for s in units if count_scripts(s)[0] >= 10 and not count_scripts(s)[1]]
    en002 = [s for s in units if not count_scripts(s)[0] and len(s.split()) >= 6]
    neg["002_zh->en"] = [(m.score, m.margin) for m in (no_zh.counterpart(s, "en") for s in zh002)]
    neg["002_en->zh"] = [(m.score, m.margin) for m in (no_en.counterpart(s, "zh") for s in en002)]
    tat = tatoeba(150)
    neg["tatoeba_zh->en"] = [(m.score, m.margin) for m in (no_zh.counterpart(z, "en") for z, _ in tat)]
    neg["tatoeba_en->zh"] = [(m.score, m.margin) for m in (no_en.counterpart(e, "zh") for _, e in tat)]
    grid = []
    for cmin in (0.5, 0.55, 0.6, 0.65, 0.7):
        for mg in (0.05, 0.1, 0.15):
            grid.append(
                {
                    "cosine_min": cmin,
                    "cosine_margin": mg,
                    "positives_right": f"{sum(s >= cmin and m >= mg and ok for _, s, m, ok in pos)}/{len(pos)}",
                    "positives_wrong": sum(s >= cmin and m >= mg and not ok for _, s, m, ok in pos),
                    **{
                        f"negatives_{k}": f"{sum(s >= cmin and m >= mg for s, m in v)}/{len(v)}" for k, v in neg.items()
                    },
                }
            )
    return {
        "positives_cosine": pct([s for _, s, _, _ in pos]),
        "positives_margin": pct([m for _, _, m, _ in pos]),
        "positives_top1_right": f"{sum(ok for *_, ok in pos)}/{len(pos)}",
        "negatives_cosine": {k: pct([s for s, _ in v]) for k, v in neg.items()},
        "negatives_margin": {k: pct([m for _, m in v]) for k, v in neg.items()},
        "grid": grid,
    }


def length_section() -> dict:
    text000 = load_document("000").text
    rng = random.Random(0)
    damaged, clause = [], []
    for a, b, _ in source_spans():
        s = text000[a:b]
        damaged.append(weighted_length(damage(s, rng)) / weighted_length(s))
        c = middle_clause(text000, a, b)
        if c:
            clause.append(weighted_length(text000[c[0] : c[1]]) / weighted_length(s))
    pairs = []
    for r in gold_rows():
        if r["zh"] and r["en"]:
            z = sum(weighted_length(text000[a:b]) for a, b in r["zh"])
            e = sum(weighted_length(text000[a:b]) for a, b in r["en"])
            pairs += [z / e, e / z]
    tat = [weighted_length(z) / max(weighted_length(e), 1.0) for z, e in tatoeba(820)]
    tat += [1 / x for x in tat if x]
    return {
        "same_damaged_vs_source": pct(damaged),
        "same_clause_vs_whole_sentence": pct(clause),
        "cross_gold_pairs_both_directions": pct(pairs),
        "cross_tatoeba_both_directions": pct(tat, (1, 5, 50, 95, 99)),
    }


def garbled_000() -> tuple[str, list[tuple[int, int, tuple[int, int], str]]]:
    """000's Chinese half with the English of every other 1-1 / 1-2 gold bead in place of its
    Chinese: the text, and per English passage (start, end, gold zh span, kind)."""
    text = load_document("000").text
    out, passages, pos = [], [], 364
    k = 0
    for r in sorted((r for r in gold_rows() if r["zh"]), key=lambda r: r["zh"][0][0]):
        (za, zb) = r["zh"][0]
        out.append(text[pos:za])
        start = sum(map(len, out))
        if r["type"] in ("1-1", "1-2") and r["en"] and k % 2 == 0 and count_scripts(text[za:zb])[0] >= 6:
            en = " ".join(text[a:b] for a, b in r["en"])
            out.append(en)
            passages.append((start, start + len(en), (za, zb), "sentence"))
        else:
            out.append(text[za:zb])
        if r["type"] in ("1-1", "1-2"):
            k += 1
        pos = zb
    out.append(text[pos:1337])
    garbled = "".join(out)
    for start, end, gold, _ in list(passages):
        c = middle_clause(garbled, start, end)
        if c:
            passages.append((c[0], c[1], gold, "clause"))
    return garbled, passages


def zh_energy_dev(tmp: Path) -> dict:
    """A user's parallel references: the clean text of the garbled development document
    tests/data/garbled/zh_energy_dev and its English (the en column of its parallel file) as
    two --refs files; its untranslated English spans as passages, target zh."""
    base = ROOT / "tests/data/garbled/zh_energy_dev"
    rows = [x.split("\t") for x in Path(f"{base}.parallel.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    paras: dict[str, list[str]] = {}
    for _zh, en, para in rows:
        paras.setdefault(para, []).append(en)
    (tmp / "energy_en.txt").write_text("\n".join(" ".join(p) for p in paras.values()) + "\n", encoding="utf-8")
    (tmp / "energy_zh.txt").write_text(Path(f"{base}.clean.txt").read_text(encoding="utf-8"), encoding="utf-8")
    refs = build_references(default_config(), [str(tmp / "energy_zh.txt"), str(tmp / "energy_en.txt")], None)
    gold = [json.loads(x) for x in Path(f"{base}.gold.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    out = []
    for g in gold:
        if g["kind"] != "untranslated" or _HAN_RE.search(g["text"]):
            continue
        # the row whose English the span comes from
        zh, en, _ = max(rows, key=lambda r: RETRIEVAL_CHRF.sentence_score(g["text"], [r[1]]).score)
        m = refs.counterpart(g["text"], "zh")
        ok = m.ref is not None and (normalise(m.ref.text) in normalise(zh) or normalise(zh) in normalise(m.ref.text))
        out.append({"passage": g["text"][:60], "via": m.via, "ref": m.ref.text[:40] if m.ref else None, "right": ok})
    pairs = [b for b in refs.bitexts if b.parallel]
    return {
        "parallel_block_pairs": len(pairs),
        "coverage": [b.coverage for b in pairs],
        "passages": len(out),
        "via": dict(Counter(r["via"] for r in out)),
        "ref_is_or_contains_the_row": sum(r["right"] for r in out),
        "rows": out,
    }


def end_to_end_section() -> dict:
    cfg = default_config()
    text000 = load_document("000").text
    garbled, passages = garbled_000()
    refs = build_references(cfg, None, None)  # a user's document: every embedded document
    rows = []
    for a, b, (za, zb), kind in passages:
        m = refs.counterpart(garbled[a:b], "zh")
        # the same text elsewhere counts (000 repeats its caption; 003 repeats 000's English)
        exact = m.ref is not None and normalise(m.ref.text) == normalise(text000[za:zb])
        inside = m.ref is not None and normalise(m.ref.text) in normalise(text000[za:zb])
        rows.append(
            {
                "kind": kind,
                "passage": garbled[a:b][:70],
                "via": m.via,
                "ref": m.ref.text[:40] if m.ref else None,
                "gold_zh": text000[za:zb][:40],
                "exact": exact,
                "inside_gold": inside,
                "length_ratio": round(m.length_ratio, 2),
            }
        )
    summary = {}
    for kind in ("sentence", "clause"):
        rs = [r for r in rows if r["kind"] == kind]
        summary[kind] = {
            "passages": len(rs),
            "via": dict(Counter(r["via"] for r in rs)),
            "ref_is_the_gold_zh_sentence": sum(r["exact"] for r in rs),
            "ref_is_part_of_the_gold_zh_sentence": sum(r["inside_gold"] for r in rs),
        }
    out = {"garbled_000": {"summary": summary, "passages": rows}}
    with tempfile.TemporaryDirectory() as tmp:
        out["zh_energy_dev_parallel_refs"] = zh_energy_dev(Path(tmp))
    try:
        from mtqa.detect import Detector
        from mtqa.passages import group_passages

        text002 = load_document("002").text
        det = Detector(cfg).detect(text002)
        rc = cfg["run"]
        ps = group_passages(text002, det.spans, rc["max_sentence_chars"], rc["max_passage_chars"])
        refs002 = build_references(cfg, None, "002")
        ms = [refs002.counterpart(p.text, det.dominance.language or "zh") for p in ps]
        out["002_passages"] = {
            "passages": len(ps),
            "via": dict(Counter(m.via for m in ms)),
            "matched": [
                {"passage": p.text[:60], "ref": m.ref.text[:60], "reason": m.reason}
                for p, m in zip(ps, ms, strict=True)
                if m.ref
            ],
            "best_cross_lingual_cosine": pct(
                [m.score for m in ms if m.anchor is None and m.via == "none" and m.score < 1.0]
            ),
        }
    except Exception as exc:  # the detector is another stage; its failure must not hide the rest
        log.warning("002 passages skipped: %s", exc)
        out["002_passages"] = {"skipped": str(exc)}
    return out


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    report = {
        "command": "python scripts/calibrate_align.py",
        "config": default_config()["align"],
        "bitext": bitext_section(),
        "same_language": same_language_section(),
        "cross_lingual": cross_lingual_section(),
        "length_ratio": length_section(),
        "end_to_end": end_to_end_section(),
    }
    atomic_write(ROOT / "results/align_calibration.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    log.warning("wrote results/align_calibration.json")


if __name__ == "__main__":
    main()

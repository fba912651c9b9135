"""Scoring with sacrebleu: BLEU, chrF and TER, sentence- and corpus-level, with signatures.

Chinese references are scored with ``tokenize='zh'`` (BLEU) and ``asian_support=True``
(TER); chrF works on characters and needs no tokenizer. Every score travels with the
sacrebleu signature that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sacrebleu.metrics import BLEU, CHRF, TER

from mtqa.segment import count_scripts

METRICS = ("bleu", "chrf", "ter")


@dataclass(frozen=True)
class Scores:
    """One hypothesis (or corpus) scored against its reference(s)."""

    bleu: float
    chrf: float
    ter: float

    def as_dict(self) -> dict[str, float]:
        return {"bleu": round(self.bleu, 2), "chrf": round(self.chrf, 2), "ter": round(self.ter, 2)}


def language_of(text: str) -> str:
    """``zh`` when Han characters outweigh Latin letters (4 letters to a character), else ``en``."""
    han, latin = count_scripts(text)
    return "zh" if han * 4 >= latin and han > 0 else "en"


@cache
def metrics(lang: str, sentence: bool) -> dict[str, BLEU | CHRF | TER]:
    """The three metric objects for a reference language (sentence BLEU uses effective order)."""
    zh = lang == "zh"
    out = {
        "bleu": BLEU(tokenize="zh" if zh else "13a", effective_order=sentence),
        "chrf": CHRF(),
        "ter": TER(asian_support=zh, normalized=zh),
    }
    for metric in out.values():  # a signature records the number of references: mtqa uses one
        metric.corpus_score(["x"], [["x"]])
    return out


def sentence_scores(hyp: str, ref: str, lang: str) -> Scores:
    m = metrics(lang, True)
    return Scores(*(m[k].sentence_score(hyp, [ref]).score for k in METRICS))


def corpus_scores(hyps: list[str], refs: list[str], lang: str) -> Scores:
    m = metrics(lang, False)
    return Scores(*(m[k].corpus_score(hyps, [refs]).score for k in METRICS))


def signatures(lang: str, sentence: bool = False) -> dict[str, str]:
    return {k: str(v.get_signature()) for k, v in metrics(lang, sentence).items()}


def score_files(hyps: list[str], refs: list[str], lang: str | None = None) -> dict:
    """Corpus scores of line-aligned hypothesis and reference lists, with signatures."""
    lang = lang or language_of("\n".join(refs))
    s = corpus_scores(hyps, refs, lang)
    return {"lang": lang, "lines": len(hyps), **s.as_dict(), "signatures": signatures(lang)}

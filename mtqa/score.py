"""Scoring with sacrebleu: BLEU, chrF and TER, sentence- and corpus-level, with signatures.

Chinese references are scored with ``tokenize='zh'`` (BLEU) and ``asian_support=True``
(TER); chrF works on characters and needs no tokenizer. Every score travels with the
sacrebleu signature that produced it.

:func:`score_passages` is the one rule for what a passage is scored on, shared by ``mtqa run``
and ``mtqa report``: the passage as it stands (before) and its repair (after), both against
the reference in the document's dominant language. A reference in any other language is not
scored against.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from sacrebleu.metrics import BLEU, CHRF, TER

from mtqa.record import CorpusScore, Scores
from mtqa.segment import language_of

if TYPE_CHECKING:
    from mtqa.record import PassageRecord

__all__ = [
    "METRICS",
    "Scores",
    "corpus_scores",
    "language_of",
    "score_files",
    "score_passages",
    "sentence_scores",
    "signatures",
]

METRICS = ("bleu", "chrf", "ter")


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


def corpus_scores(hyps: Sequence[str], refs: Sequence[str], lang: str) -> Scores:
    m = metrics(lang, False)
    return Scores(*(m[k].corpus_score(list(hyps), [list(refs)]).score for k in METRICS))


def signatures(lang: str, sentence: bool = False) -> dict[str, str]:
    return {k: str(v.get_signature()) for k, v in metrics(lang, sentence).items()}


def score_files(hyps: list[str], refs: list[str], lang: str | None = None) -> dict:
    """Corpus scores of line-aligned hypothesis and reference lists, with signatures."""
    lang = lang or language_of("\n".join(refs))
    s = corpus_scores(hyps, refs, lang)
    return {"lang": lang, "lines": len(hyps), **s.to_json(), "signatures": signatures(lang)}


def score_passages(records: Sequence[PassageRecord]) -> list[CorpusScore]:
    """Fill ``before``/``after`` of every passage that has a reference in its document's
    dominant language (and clear them elsewhere); return the corpus scores of those passages.

    This is the only place that decides what is scored: ``mtqa run`` and ``mtqa report`` both
    call it, so an edited ``repaired`` column is scored exactly as a fresh run would be.
    """
    groups: dict[str, list[PassageRecord]] = {}
    for r in records:
        ref = r.reference
        if ref is None or ref.lang != r.target_lang:
            if ref is not None:
                r.no_reference = f"reference is in {ref.lang}, the document is in {r.target_lang}: not scored"
            r.before = r.after = None
            continue
        r.before = sentence_scores(r.original, ref.text, ref.lang)
        r.after = sentence_scores(r.repaired, ref.text, ref.lang)
        groups.setdefault(ref.lang, []).append(r)
    out = []
    for lang, group in sorted(groups.items()):
        refs = [r.reference.text for r in group if r.reference is not None]
        out.append(
            CorpusScore(
                lang,
                len(group),
                corpus_scores([r.original for r in group], refs, lang),
                corpus_scores([r.repaired for r in group], refs, lang),
                signatures(lang),
            )
        )
    return out

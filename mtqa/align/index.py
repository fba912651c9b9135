"""Retrieval of reference sentences for a passage: character-trigram shortlist, then chrF.

References are split into sentences and labelled zh/en. For each passage: the best same-language
sentence by chrF (after a cheap character-trigram pre-selection), and the best other-language
sentence by multilingual sentence-embedding cosine (:mod:`mtqa.embed`). A match below its
threshold is not used: an honest "no reference" beats a forced match.

:class:`ReferenceIndex` is the retrieval the pipeline used before :class:`mtqa.align.ReferenceSet`
(kept for current callers); the helpers here serve both.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sacrebleu.metrics import CHRF

from mtqa.score import language_of
from mtqa.segment import count_scripts, sentences

# Retrieval uses chrF with beta=1 (precision and recall weighed equally): with the default
# beta=2, a short passage against the longer reference sentence it came from scores low.
RETRIEVAL_CHRF = CHRF(beta=1)

_SPACE_RE = re.compile(r"\s+")
_CLAUSE_RE = re.compile(r"[,;，；、]\s*")


@dataclass(frozen=True)
class RefSentence:
    """A stretch ``text == doc_text[start:end]`` of reference document ``doc``."""

    doc: str
    start: int
    end: int
    text: str
    lang: str

    def overlaps(self, other: RefSentence) -> bool:
        return self.doc == other.doc and self.start < other.end and other.start < self.end

    @property
    def label(self) -> str:
        return f"{self.doc}:{self.start}-{self.end}"


@dataclass(frozen=True)
class Alignment:
    """The chosen reference for a passage (``ref`` is None when nothing is good enough)."""

    ref: RefSentence | None
    method: str  # "chrf" (same language), "embedding" (cross-language) or "none"
    score: float  # chrF (0-100) or cosine (-1..1) of the chosen / best candidate
    best_chrf: float
    best_cosine: float


def normalise(text: str) -> str:
    """The key two reference stretches are duplicates under (whitespace collapsed)."""
    return _SPACE_RE.sub(" ", text).strip()


def dice(a: Counter, b: Counter) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def trigrams(text: str) -> Counter:
    t = _SPACE_RE.sub(" ", text.lower())
    return Counter(t[i : i + 3] for i in range(max(0, len(t) - 2)))


def long_enough(s: str, min_han: int, min_words: int) -> bool:
    han, _ = count_scripts(s)
    return han >= min_han or len(s.split()) >= min_words


def clause_windows(text: str, a: int, b: int, max_clauses: int = 3) -> list[tuple[int, int]]:
    """Windows of 1..``max_clauses`` consecutive clauses of sentence ``text[a:b]``."""
    cuts = [a] + [m.end() for m in _CLAUSE_RE.finditer(text, a, b)] + [b]
    cuts = sorted(set(cuts))
    out = []
    for i in range(len(cuts) - 1):
        for j in range(i + 1, min(len(cuts), i + 1 + max_clauses)):
            if (i, j) != (0, len(cuts) - 1):
                s, e = cuts[i], cuts[j]
                while e > s and (text[e - 1].isspace() or text[e - 1] in ",;，；、"):
                    e -= 1
                out.append((s, e))
    return out


def reference_sentences(
    doc_id: str, text: str, min_han: int = 6, min_words: int = 4, windows: bool = False
) -> list[RefSentence]:
    """Sentences of a reference document that are long enough to align to; with ``windows``,
    also every window of 1-3 consecutive clauses of the longer ones (a passage is often the
    counterpart of part of a long sentence)."""
    out = []
    seen = set()
    for a, b in sentences(text):
        spans = [(a, b)] + (clause_windows(text, a, b) if windows else [])
        for s0, s1 in spans:
            s = text[s0:s1]
            if not long_enough(s, min_han, min_words):
                continue
            key = normalise(s)
            if key in seen:
                continue
            seen.add(key)
            out.append(RefSentence(doc_id, s0, s1, s, language_of(s)))
    return out


def rank_chrf(
    text: str, refs: Sequence[RefSentence], grams: Sequence[Counter], pool: Sequence[int], shortlist: int
) -> list[tuple[float, int]]:
    """chrF (beta=1) of ``text`` against the ``shortlist`` candidates of ``pool`` (indices into
    ``refs`` / ``grams``) that share most character trigrams with it, best first."""
    g = trigrams(text)
    ranked = sorted(pool, key=lambda i: -dice(g, grams[i]))[:shortlist]
    return sorted(((RETRIEVAL_CHRF.sentence_score(text, [refs[i].text]).score, i) for i in ranked), reverse=True)


class ReferenceIndex:
    """Reference sentences with their trigram profiles and (lazily) embeddings."""

    def __init__(
        self,
        refs: list[RefSentence],
        chrf_min: float = 50.0,
        chrf_margin: float = 5.0,
        cosine_min: float = 0.55,
        cosine_margin: float = 0.1,
        shortlist: int = 12,
    ):
        seen: set[str] = set()
        self.refs: list[RefSentence] = []
        for r in refs:  # the same sentence in two documents (003 repeats 000) is one candidate
            key = normalise(r.text)
            if key not in seen:
                seen.add(key)
                self.refs.append(r)
        self.chrf_min, self.chrf_margin = chrf_min, chrf_margin
        self.cosine_min, self.cosine_margin = cosine_min, cosine_margin
        self.shortlist = shortlist
        # One profile per kept candidate, in the same order (profiles of the list before
        # de-duplication shifted every later candidate onto another sentence's trigrams).
        self._grams = [trigrams(r.text) for r in self.refs]
        self._emb: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.refs)

    @property
    def languages(self) -> Counter:
        return Counter(r.lang for r in self.refs)

    def _embeddings(self) -> np.ndarray:
        if self._emb is None:
            from mtqa.embed import embed

            self._emb = embed([r.text for r in self.refs])
        return self._emb

    def _runner_up(self, scored: list[tuple[float, int]], best: int | None, floor: float) -> float:
        """Best score among candidates that do not overlap the winner (another window of the
        same sentence is not a rival)."""
        if best is None:
            return floor
        w = self.refs[best]
        return max((sc for sc, i in scored if not self.refs[i].overlaps(w)), default=floor)

    def align(self, text: str, lang: str | None = None) -> Alignment:
        lang = lang or language_of(text)
        same = [i for i, r in enumerate(self.refs) if r.lang == lang]
        scored = rank_chrf(text, self.refs, self._grams, same, self.shortlist)
        best_chrf, best_i = scored[0] if scored else (0.0, None)
        chrf_margin = best_chrf - self._runner_up(scored, best_i, 0.0)
        other = [i for i, r in enumerate(self.refs) if r.lang != lang]
        best_j, best_cos, cos_margin = None, -1.0, 0.0
        if other:
            from mtqa.embed import embed

            sims = self._embeddings()[other] @ embed([text])[0]
            k = int(sims.argmax())
            best_j, best_cos = other[k], float(sims[k])
            cos_margin = best_cos - self._runner_up(list(zip(sims.tolist(), other, strict=True)), best_j, -1.0)
        # A match must be good and stand out from the runner-up: in one news domain, every
        # sentence shares names and stock phrases with many others.
        if best_i is not None and best_chrf >= self.chrf_min and chrf_margin >= self.chrf_margin:
            return Alignment(self.refs[best_i], "chrf", best_chrf, best_chrf, best_cos)
        if best_j is not None and best_cos >= self.cosine_min and cos_margin >= self.cosine_margin:
            return Alignment(self.refs[best_j], "embedding", best_cos, best_chrf, best_cos)
        return Alignment(None, "none", max(best_chrf, 0.0), best_chrf, best_cos)

"""The reference set: clean sentences to score passages against, in the document's language.

Each reference document is split into sentences (the alignment protocol's: sentence-final
punctuation and line breaks, not semicolons) and into language blocks (maximal runs of zh or en
sentences). Every zh block is aligned with every en block, within a document (000's two halves)
and across documents (003 repeats 000's English), by :func:`mtqa.align.bitext.align`; a pair
whose confident beads cover enough of both blocks is parallel, and its confident beads are kept
as bitext (blocks whose total lengths differ more than threefold are not tried).

A passage then finds its counterpart in a target language (:meth:`ReferenceSet.counterpart`):

* in the target language itself: the best reference by chrF (beta=1), over sentences and windows
  of 1-3 clauses;
* in the other language: its own-language reference sentence by chrF (the *anchor*), then the
  target side of the anchor's bitext bead;
* as a last resort, the target-language reference with the best multilingual embedding cosine.

Every route needs a margin over the runner-up (another window of the same sentence, or the same
sentence in another document, is no rival) and a length ratio in range (weighted length, a Han
character = 4 Latin letters), so that a clause never gets a whole long sentence as reference.
A match whose ``anchor`` scores chrF 90+ means the passage *is* that reference sentence (the
repair stage can use the pair as translation memory).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mtqa.align.bitext import Bead, BitextParams
from mtqa.align.bitext import align as align_bitext
from mtqa.align.index import (
    RETRIEVAL_CHRF,
    Alignment,
    ReferenceIndex,
    RefSentence,
    clause_windows,
    long_enough,
    normalise,
    rank_chrf,
    trigrams,
)
from mtqa.score import language_of
from mtqa.segment import count_scripts, sentences
from mtqa.translate.checks import weighted_length

log = logging.getLogger(__name__)

Embedder = Callable[[list[str]], np.ndarray]
LANG_NAMES = {"zh": "Chinese", "en": "English"}
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")  # as mtqa.repair tokenises Latin words


@dataclass(frozen=True)
class Match:
    """The reference for a passage in the target language, or why there is none."""

    ref: RefSentence | None  # in the target language; None = no reference
    via: str  # "same-language" | "bitext" | "cross-lingual" | "none"
    anchor: RefSentence | None  # the reference in the passage's own language it matched by chrF
    # chrF of the passage with ``anchor`` (same-language, bitext), or embedding cosine
    # (cross-lingual); for "none", the best score of the last route tried (cosine when no anchor
    # was found for a passage in the other language, chrF otherwise).
    score: float
    margin: float  # over the runner-up, in the unit of ``score``
    length_ratio: float  # weighted length of the passage / of ``ref`` (0.0 without ref)
    reason: str  # how it matched, or why there is no reference


@dataclass(frozen=True)
class AlignParams:
    """The ``align`` section of the config."""

    chrf_min: float = 60.0
    chrf_margin: float = 5.0
    cosine_min: float = 0.65
    cosine_margin: float = 0.15
    shortlist: int = 12
    same_length_ratio_min: float = 0.67
    same_length_ratio_max: float = 1.5
    cross_length_ratio_min: float = 0.5
    cross_length_ratio_max: float = 2.0
    duplicate_chrf: float = 90.0
    bead_cosine_min: float = 0.5
    block_coverage_min: float = 0.5
    block_min_beads: int = 3
    bitext: BitextParams = field(default_factory=BitextParams)

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> AlignParams:
        """Params from a config ``align`` section (keys it lacks keep their defaults)."""
        names = set(cls.__dataclass_fields__) - {"bitext"}
        bitext = {k.removeprefix("bitext_"): v for k, v in section.items() if k.startswith("bitext_")}
        return cls(**{k: v for k, v in section.items() if k in names}, bitext=BitextParams(**bitext))

    def length_ok(self, ratio: float, cross: bool) -> bool:
        lo, hi = self.length_bounds(cross)
        return lo <= ratio <= hi

    def length_bounds(self, cross: bool) -> tuple[float, float]:
        if cross:
            return self.cross_length_ratio_min, self.cross_length_ratio_max
        return self.same_length_ratio_min, self.same_length_ratio_max


@dataclass(frozen=True)
class Block:
    """A maximal run of sentences of one language in one reference document."""

    doc: str
    lang: str
    units: tuple[RefSentence, ...]


@dataclass(frozen=True)
class Bitext:
    """The sentence alignment of a zh block with an en block (bead ``src`` = zh positions)."""

    zh: int  # index into ReferenceSet.blocks
    en: int
    beads: tuple[Bead, ...]
    coverage: float  # share of both blocks' sentences in confident beads
    parallel: bool


def alignment_units(text: str) -> list[tuple[int, int]]:
    """Sentences by the alignment protocol: :func:`mtqa.segment.sentences`, re-joined where it
    split at a semicolon inside a line (a semicolon separates clauses, not sentences)."""
    out: list[tuple[int, int]] = []
    for a, b in sentences(text):
        if out and text[out[-1][1] - 1] in ";；" and "\n" not in text[out[-1][1] : a]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _lang_blocks(doc: str, text: str) -> list[Block]:
    """Language blocks of a document; a sentence without letters (a date, a number) joins the
    block it is in."""
    runs: list[tuple[str | None, list[tuple[int, int]]]] = []
    for a, b in alignment_units(text):
        han, latin = count_scripts(text[a:b])
        lang = language_of(text[a:b]) if han or latin else None
        if runs and (lang is None or runs[-1][0] in (None, lang)):
            runs[-1] = (runs[-1][0] or lang, [*runs[-1][1], (a, b)])
        else:
            runs.append((lang, [(a, b)]))
    return [
        Block(doc, lang or "en", tuple(RefSentence(doc, a, b, text[a:b], lang or "en") for a, b in spans))
        for lang, spans in runs
    ]


class ReferenceSet:
    """Reference sentences of some documents, their clause windows, and the bitext between
    their parallel zh and en blocks."""

    def __init__(self, docs: Mapping[str, str], params: AlignParams | None = None, embed: Embedder | None = None):
        self.params = params or AlignParams()
        if embed is None:
            from mtqa.embed import embed
        self._embed: Embedder = embed
        self.docs = dict(docs)
        self.blocks: list[Block] = [b for doc, text in self.docs.items() for b in _lang_blocks(doc, text)]
        self.units: list[RefSentence] = [u for b in self.blocks for u in b.units]
        self._build_candidates()
        self.bitexts: list[Bitext] = self._build_bitexts()
        self._links = self._bead_links()
        self._emb: dict[str, np.ndarray] = {}
        self._latin: dict[str, frozenset[str]] = {}
        self._legacy: ReferenceIndex | None = None

    # --- construction -------------------------------------------------------------------------
    def _build_candidates(self) -> None:
        """Units, :func:`sentences` and clause windows long enough to match, de-duplicated; each
        remembers the unit it lies in, and its duplicates elsewhere."""
        self.candidates: list[RefSentence] = []
        self._cand_unit: list[int] = []
        self._dups: dict[int, list[tuple[RefSentence, int]]] = {}
        seen: dict[str, int] = {}
        for k, u in enumerate(self.units):
            text = self.docs[u.doc]
            spans = [(u.start, u.end)]
            for a, b in sentences(text, u.start, u.end):
                spans += [(a, b), *clause_windows(text, a, b)]
            for a, b in dict.fromkeys(spans):
                s = text[a:b]
                if not long_enough(s, 6, 4):
                    continue
                r = RefSentence(u.doc, a, b, s, u.lang)
                key = normalise(s)
                if key in seen:
                    self._dups.setdefault(seen[key], []).append((r, k))
                    continue
                seen[key] = len(self.candidates)
                self.candidates.append(r)
                self._cand_unit.append(k)
        self._grams = [trigrams(r.text) for r in self.candidates]
        self._pool = {lang: [i for i, r in enumerate(self.candidates) if r.lang == lang] for lang in ("zh", "en")}

    def _build_bitexts(self) -> list[Bitext]:
        p = self.params
        out = []
        for zi, zb in enumerate(self.blocks):
            if zb.lang != "zh":
                continue
            for ei, eb in enumerate(self.blocks):
                if eb.lang != "en":
                    continue
                lz = sum(weighted_length(u.text) for u in zb.units)
                le = sum(weighted_length(u.text) for u in eb.units)
                if not (1 / 3 <= lz / max(le, 1.0) <= 3):
                    continue
                beads = align_bitext([u.text for u in zb.units], [u.text for u in eb.units], p.bitext, self._embed)
                good = [b for b in beads if b.trusted(p.bead_cosine_min)]
                covered = sum(len(b.src) + len(b.tgt) for b in good)
                coverage = covered / (len(zb.units) + len(eb.units))
                parallel = coverage >= p.block_coverage_min and len(good) >= p.block_min_beads
                log.log(
                    logging.INFO if parallel else logging.DEBUG,
                    "bitext %s/zh x %s/en (%d x %d sentences): %d confident beads, coverage %.2f -> %s",
                    zb.doc,
                    eb.doc,
                    len(zb.units),
                    len(eb.units),
                    len(good),
                    coverage,
                    "parallel" if parallel else "not parallel",
                )
                out.append(Bitext(zi, ei, tuple(beads), round(coverage, 3), parallel))
        return out

    def _bead_links(self) -> dict[int, list[tuple[tuple[int, ...], tuple[int, ...], Bead]]]:
        """Unit id -> (its side of a confident bead, the other side), as unit ids."""
        first = {}
        k = 0
        for bi, b in enumerate(self.blocks):
            first[bi] = k
            k += len(b.units)
        links: dict[int, list[tuple[tuple[int, ...], tuple[int, ...], Bead]]] = {}
        for bt in self.bitexts:
            if not bt.parallel:
                continue
            for bead in bt.beads:
                if not bead.trusted(self.params.bead_cosine_min):
                    continue
                zh = tuple(first[bt.zh] + i for i in bead.src)
                en = tuple(first[bt.en] + j for j in bead.tgt)
                for u in zh:
                    links.setdefault(u, []).append((zh, en, bead))
                for u in en:
                    links.setdefault(u, []).append((en, zh, bead))
        return links

    # --- the public API -------------------------------------------------------------------------
    @property
    def languages(self) -> Counter:
        """Reference sentences per language."""
        return Counter(u.lang for u in self.units)

    def __len__(self) -> int:
        return len(self.candidates)

    def latin_tokens(self, lang: str) -> frozenset[str]:
        """Latin words the references write inside their ``lang`` sentences: for zh, the names,
        acronyms and codes a clean Chinese text keeps in Latin."""
        if lang not in self._latin:
            words = (w for u in self.units if u.lang == lang for w in _LATIN_WORD_RE.findall(u.text))
            self._latin[lang] = frozenset(words)
        return self._latin[lang]

    def align(self, text: str, lang: str | None = None) -> Alignment:
        """The retrieval of :class:`ReferenceIndex` over these references (for current callers)."""
        if self._legacy is None:
            p = self.params
            self._legacy = ReferenceIndex(
                self.candidates, p.chrf_min, p.chrf_margin, p.cosine_min, p.cosine_margin, p.shortlist
            )
        return self._legacy.align(text, lang)

    def counterpart(self, text: str, target_lang: str) -> Match:
        """The reference sentence(s) in ``target_lang`` for a passage ``text`` in either language."""
        lang = language_of(text)
        if not self.languages.get(target_lang):
            held = "/".join(LANG_NAMES.get(x, x) for x in sorted(self.languages)) or "nothing"
            why = f"the references hold no {LANG_NAMES.get(target_lang, target_lang)} text (only {held})"
            return Match(None, "none", None, 0.0, 0.0, 0.0, why)
        if lang == target_lang:
            return self._same_language(text, lang)
        return self._other_language(text, lang, target_lang)

    # --- routes -------------------------------------------------------------------------------
    def _same_language(self, text: str, lang: str) -> Match:
        hit = self._chrf(text, lang)
        if hit.ok:
            ref = self.candidates[hit.best]
            reason = f"chrF {hit.score:.1f} with {ref.label} ({hit.rival_note}); length ratio {hit.ratio:.2f}"
            return Match(ref, "same-language", ref, hit.score, hit.margin, hit.ratio, reason)
        return Match(None, "none", None, hit.score, hit.margin, 0.0, f"no reference: {hit.why}")

    def _other_language(self, text: str, lang: str, target: str) -> Match:
        hit = self._chrf(text, lang)
        notes = []
        anchor = self.candidates[hit.best] if hit.ok else None
        if anchor is not None:
            found = self._through_bitext(text, hit.best, target)
            if isinstance(found, tuple):
                ref, bead, ratio = found
                reason = (
                    f"{lang} chrF {hit.score:.1f} with {anchor.label} ({hit.rival_note}); bitext bead {bead.kind} "
                    f"(cosine {bead.cosine:.2f}) -> {target} {ref.label}; length ratio {ratio:.2f}"
                )
                return Match(ref, "bitext", anchor, hit.score, hit.margin, ratio, reason)
            notes.append(f"{lang} chrF {hit.score:.1f} with {anchor.label}, but {found}")
        else:
            notes.append(f"no {lang} anchor ({hit.why})")
        cross = self._cross_lingual(text, target)
        if cross[0] is not None:
            ref, cos, margin, ratio, note = cross
            reason = "; ".join([*notes, note])
            return Match(ref, "cross-lingual", anchor, cos, margin, ratio, reason)
        _, cos, margin, _, note = cross
        score, mg = (hit.score, hit.margin) if anchor is not None else (cos, margin)
        return Match(None, "none", anchor, score, mg, 0.0, "no reference: " + "; ".join([*notes, note]))

    # --- chrF retrieval -----------------------------------------------------------------------
    def _chrf(self, text: str, lang: str) -> _Hit:
        p = self.params
        pool = self._pool.get(lang, [])
        if not pool:
            return _Hit(None, 0.0, 0.0, 0.0, f"the references hold no {LANG_NAMES.get(lang, lang)} text")
        wl = max(weighted_length(text), 1.0)
        scored = rank_chrf(text, self.candidates, self._grams, pool, p.shortlist)
        fits = [
            (s, i) for s, i in scored if p.length_ok(wl / max(weighted_length(self.candidates[i].text), 1.0), False)
        ]
        if not fits:
            s, i = scored[0] if scored else (0.0, None)
            lr = wl / max(weighted_length(self.candidates[i].text), 1.0) if i is not None else 0.0
            lo, hi = p.length_bounds(False)
            return _Hit(None, s, 0.0, lr, f"best {lang} chrF {s:.1f} but length ratio {lr:.2f} outside [{lo}, {hi}]")
        score, best = fits[0]
        rival, rival_i = self._rival(fits, best)
        margin = score - rival
        ratio = wl / max(weighted_length(self.candidates[best].text), 1.0)
        label = self.candidates[best].label
        note = f"runner-up {rival:.1f}" + (f" {self.candidates[rival_i].label}" if rival_i is not None else "")
        if score < p.chrf_min:
            return _Hit(None, score, margin, ratio, f"best {lang} chrF {score:.1f} < {p.chrf_min:g} ({label})")
        if margin < p.chrf_margin:
            why = f"best {lang} chrF {score:.1f} ({label}) beats the {note} by {margin:.1f} < {p.chrf_margin:g}"
            return _Hit(None, score, margin, ratio, why)
        return _Hit(best, score, margin, ratio, "", rival_note=note)

    def _rival(self, scored: list[tuple[float, int]], best: int) -> tuple[float, int | None]:
        """The best candidate that is neither part of the winner's sentence nor a copy of it in
        another document."""
        w = self.candidates[best]
        for s, i in scored:
            r = self.candidates[i]
            if i == best or r.overlaps(w) or self._same_unit(i, best):
                continue
            if RETRIEVAL_CHRF.sentence_score(r.text, [w.text]).score >= self.params.duplicate_chrf:
                continue
            return s, i
        return 0.0, None

    def _same_unit(self, i: int, j: int) -> bool:
        return self._cand_unit[i] == self._cand_unit[j]

    # --- bitext -------------------------------------------------------------------------------
    def _through_bitext(self, text: str, anchor: int, target: str) -> tuple[RefSentence, Bead, float] | str:
        """The target side of the anchor's bead (or the part of it that matches a partial
        anchor), or why there is none."""
        p = self.params
        a = self.candidates[anchor]
        occurrences = [(a, self._cand_unit[anchor]), *self._dups.get(anchor, [])]
        options: list[tuple[RefSentence, Bead, bool]] = []
        for occ, unit in occurrences:
            for own, other, bead in self._links.get(unit, []):
                units = [self.units[k] for k in other]
                if not units or units[0].lang != target:
                    continue
                whole = self._span(units)
                src_units = [self.units[k] for k in own]
                covers = occ.start <= src_units[0].start and occ.end >= src_units[-1].end
                options.append((whole, bead, covers))
        if not options:
            return f"that sentence has no {LANG_NAMES.get(target, target)} counterpart in the bitext"
        wl = max(weighted_length(text), 1.0)
        best: tuple[float, RefSentence, Bead] | None = None
        q = self._embed([a.text])[0]
        for whole, bead, covers in dict.fromkeys(options):
            cands = [whole] if covers else self._parts(whole)
            fit = [c for c in cands if p.length_ok(wl / max(weighted_length(c.text), 1.0), True)]
            if not fit:
                continue
            sims = self._embed([c.text for c in fit]) @ q
            ratios = np.array([wl / max(weighted_length(c.text), 1.0) for c in fit])
            ranked = self._length_penalised(sims, ratios)
            k = int(ranked.argmax())
            if best is None or ranked[k] > best[0]:
                best = (float(ranked[k]), fit[k], bead)
        if best is None:
            whole = options[0][0]
            lr = wl / max(weighted_length(whole.text), 1.0)
            lo, hi = p.length_bounds(True)
            return f"its counterpart {whole.label} has length ratio {lr:.2f} outside [{lo}, {hi}]"
        _, ref, bead = best
        return ref, bead, wl / max(weighted_length(ref.text), 1.0)

    def _span(self, units: list[RefSentence]) -> RefSentence:
        """Consecutive units of one document as one reference stretch."""
        u0, u1 = units[0], units[-1]
        return RefSentence(u0.doc, u0.start, u1.end, self.docs[u0.doc][u0.start : u1.end], u0.lang)

    def _parts(self, whole: RefSentence) -> list[RefSentence]:
        """A stretch, its sentences and their clause windows (candidates for a partial anchor)."""
        text = self.docs[whole.doc]
        spans = [(whole.start, whole.end)]
        for a, b in sentences(text, whole.start, whole.end):
            spans += [(a, b), *clause_windows(text, a, b)]
        return [RefSentence(whole.doc, a, b, text[a:b], whole.lang) for a, b in dict.fromkeys(spans)]

    def _length_penalised(self, sims: np.ndarray, ratios: np.ndarray) -> np.ndarray:
        """Cosines less the DP's length penalty: of overlapping stretches with near-equal cosines
        (a sentence and its last clauses), the one of the passage's length wins."""
        return sims - self.params.bitext.length_weight * np.abs(np.log(np.maximum(ratios, 1e-6)))

    # --- cross-lingual ------------------------------------------------------------------------
    def _embeddings(self, lang: str) -> np.ndarray:
        if lang not in self._emb:
            self._emb[lang] = self._embed([self.candidates[i].text for i in self._pool[lang]])
        return self._emb[lang]

    def _cross_lingual(self, text: str, target: str) -> tuple[RefSentence | None, float, float, float, str]:
        """The best target-language candidate by embedding cosine, if it clears the strict
        thresholds: (ref, cosine, margin, length ratio, note)."""
        p = self.params
        pool = self._pool.get(target, [])
        if not pool:
            return None, 0.0, 0.0, 0.0, "cross-lingual: no candidates"
        wl = max(weighted_length(text), 1.0)
        sims = self._embeddings(target) @ self._embed([text])[0]
        ratios = np.array([wl / max(weighted_length(self.candidates[i].text), 1.0) for i in pool])
        lo, hi = p.length_bounds(True)
        ok = (ratios >= lo) & (ratios <= hi)
        if not ok.any():
            return None, 0.0, 0.0, 0.0, f"cross-lingual: no candidate with length ratio in [{lo}, {hi}]"
        masked = np.where(ok, sims, -np.inf)
        order = np.argsort(-masked)
        k = int(np.argmax(np.where(ok, self._length_penalised(sims, ratios), -np.inf)))
        best = pool[k]
        cos = float(sims[k])
        scored = [(float(masked[j]), pool[j]) for j in order[:50] if np.isfinite(masked[j])]
        rival, rival_i = self._rival(scored, best)
        rival = rival if rival_i is not None else -1.0
        margin = cos - rival
        ref = self.candidates[best]
        if cos < p.cosine_min:
            return None, cos, margin, 0.0, f"cross-lingual: best cosine {cos:.2f} < {p.cosine_min:g} ({ref.label})"
        if margin < p.cosine_margin:
            note = f"cross-lingual: best cosine {cos:.2f} ({ref.label}) beats the runner-up by {margin:.2f} < {p.cosine_margin:g}"
            return None, cos, margin, 0.0, note
        ratio = float(ratios[k])
        note = f"cross-lingual cosine {cos:.2f} with {ref.label} (margin {margin:.2f}); length ratio {ratio:.2f}"
        return ref, cos, margin, ratio, note


@dataclass(frozen=True)
class _Hit:
    """The outcome of a chrF retrieval: ``best`` is None when it failed (``why`` says why)."""

    best: int | None
    score: float
    margin: float
    ratio: float
    why: str
    rival_note: str = ""

    @property
    def ok(self) -> bool:
        return self.best is not None


def build_references(config: Mapping[str, Any], ref_paths: list[str] | None, exclude: str | None) -> ReferenceSet:
    """The default references (the embedded clean sources other than ``exclude``) or the user's
    ``--refs`` files (:class:`mtqa.errors.InputError` on a file with no usable sentences)."""
    from mtqa.document import GARBLED_IDS, embedded_ids, load_document, read_text_file
    from mtqa.errors import InputError

    docs: dict[str, str] = {}
    if ref_paths:
        for path in ref_paths:
            text, _ = read_text_file(path)
            name = Path(path).stem
            if not any(long_enough(text[a:b], 6, 4) for a, b in sentences(text)):
                raise InputError(f"{path}: reference file has no usable sentences (empty or too short)")
            while name in docs:
                name += "_"
            docs[name] = text
    else:
        for doc_id in embedded_ids():
            if doc_id != exclude and doc_id not in GARBLED_IDS:
                docs[doc_id] = load_document(doc_id).text
    return ReferenceSet(docs, AlignParams.from_config(config["align"]))

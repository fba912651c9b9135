"""The QE signals: cheap text features, detector spans, sentence-encoder cosine, LM statistics.

Every function returns plain floats keyed by a component name; the estimator combines them
with the calibrated model in ``mtqa/data/qe_model.json``. Features are direction-aware: the
expected length ratio and the "wrong script" depend on the target language.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

from mtqa.segment import HAN, HAN_RE, count_scripts

# Expected log length ratio log(wl(tgt) / wl(src)) in Latin-letter units (a Han character
# counts 4 letters, as mtqa.translate.checks.weighted_length), for each direction. The zh->en
# value is the median of set3 dev (scripts/calibrate_qe.py prints it); en->zh is its inverse.
EXPECTED_LOG_RATIO = {("zh", "en"): -0.295, ("en", "zh"): 0.295}
SEVERITY_WEIGHT = {"minor": 0.3, "major": 1.0, "critical": 1.5}
# MQM error weights (minor 1, major 5, non-translation 25; as the set3 / WMT MQM scheme): the
# prior penalty of a detected span, in MQM points. Not fitted: set3's MT outputs hold almost no
# such damage, so the data cannot weigh it (see LinearQE.penalty).
MQM_WEIGHT = {"minor": 1.0, "major": 5.0, "critical": 25.0}

_LETTER_RE = re.compile("[A-Za-z]")
_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_NUM_RE = re.compile(r"\d+(?:[.,]\d+)*")
_PUNCT_RE = re.compile(r"[!-/:-@\[-`{-~\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2010-\u2027]")
_FOREIGN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_HAN_IN_TEXT_RE = re.compile(f"[{HAN}]")


def weighted_length(text: str) -> float:
    """Length in Latin-letter units: a Han character counts 4 letters."""
    return len(_LETTER_RE.findall(text)) + 4.0 * len(HAN_RE.findall(text))


def length_log_ratio(src: str, tgt: str, src_lang: str, tgt_lang: str) -> float:
    """log length ratio minus the direction's expected one (0: as expected; < 0: short)."""
    ls, lt = weighted_length(src) + 4.0, weighted_length(tgt) + 4.0  # +4: one character of slack
    return math.log(lt / ls) - EXPECTED_LOG_RATIO.get((src_lang, tgt_lang), 0.0)


def wrong_script_share(text: str, lang: str) -> float:
    """Share of the text's letters (Han weighted 4) in the other script than ``lang``'s.

    In Chinese, upper-case acronyms (``SCO``, ``G20``) do not count."""
    han, latin = count_scripts(text)
    if lang == "zh":
        latin = sum(len(w) for w in _FOREIGN_WORD_RE.findall(text) if not (w.isupper() and len(w) <= 6))
    total = 4 * han + latin
    if not total:
        return 0.0
    return (latin if lang == "zh" else 4 * han) / total


def number_mismatch(src: str, tgt: str) -> float:
    """Share of the Arabic numbers of source and target that the other side lacks (0: none)."""
    a = {n.replace(",", "") for n in _NUM_RE.findall(src)}
    b = {n.replace(",", "") for n in _NUM_RE.findall(tgt)}
    if not a and not b:
        return 0.0
    return len(a ^ b) / len(a | b)


def punct_deviation(src: str, tgt: str) -> float:
    """|log ratio| of the punctuation counts (QuEst's baseline feature)."""
    return abs(math.log((len(_PUNCT_RE.findall(tgt)) + 1) / (len(_PUNCT_RE.findall(src)) + 1)))


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def unknown_word_share(text: str, lang: str) -> float:
    """Share of English words wordfreq does not know (zipf < 1): cut and glued words."""
    if lang != "en":
        return 0.0
    words = [w for w in _WORD_RE.findall(text) if not w.isupper() and not w[:1].isupper()]
    if not words:
        return 0.0
    return sum(_zipf(w.lower()) < 1.0 for w in words) / len(words)


def span_features(text: str, spans: Iterable, offset: int = 0) -> dict[str, float]:
    """Detected-span coverage (share of the text's characters), severity-weighted coverage,
    spans per 100 characters, and ``det_mqm``: the MQM weight sum of the spans other than
    ``untranslated`` (whose text the wrong-script share already counts)."""
    n = max(1, len(text))
    covered = np.zeros(n, dtype=np.float32)
    count = 0
    mqm = 0.0
    for s in spans:
        a, b = max(0, s.start - offset), min(n, s.end - offset)
        if b <= a:
            continue
        count += 1
        if getattr(s, "kind", "") != "untranslated":
            mqm += MQM_WEIGHT.get(s.severity, 5.0)
        w = SEVERITY_WEIGHT.get(s.severity, 1.0)
        covered[a:b] = np.maximum(covered[a:b], w)
    return {
        "det_cov": float((covered > 0).mean()),
        "det_sev": float(covered.mean()),
        "det_n": 100.0 * count / n,
        "det_mqm": mqm,
    }


def cosines(sources: Sequence[str], targets: Sequence[str]) -> list[float]:
    """Cross-lingual cosine of each (source, target) pair under the multilingual USE encoder."""
    from mtqa.embed import embed

    if not sources:
        return []
    a, b = embed(list(sources)), embed(list(targets))
    return [float(x) for x in (a * b).sum(axis=1)]


def lm_stats(logprobs: np.ndarray, end_logprob: float, prefix: str) -> dict[str, float]:
    """Length-normalised log-probability (end token included), its minimum and the share of
    very unlikely tokens (log p < -5)."""
    lps = np.append(np.asarray(logprobs, dtype=np.float64), end_logprob)
    return {
        f"{prefix}": float(lps.mean()),
        f"{prefix}_min": float(lps.min()),
        f"{prefix}_low": float((lps < -5.0).mean()),
    }


def text_features(src: str, tgt: str, src_lang: str, tgt_lang: str) -> dict[str, float]:
    """The cheap bilingual features of one pair (no models)."""
    ratio = length_log_ratio(src, tgt, src_lang, tgt_lang)
    return {
        "src_len": math.log(weighted_length(src) + 4.0),
        "len_log": ratio,
        "len_dev": abs(ratio),
        "wrong_script": wrong_script_share(tgt, tgt_lang),
        "num_mismatch": number_mismatch(src, tgt),
        "punct_dev": punct_deviation(src, tgt),
        "unknown_words": unknown_word_share(tgt, tgt_lang),
        "empty": float(not tgt.strip() and bool(src.strip())),
    }


def chrf(hyp: str, ref: str) -> float:
    """Sentence chrF (sacrebleu defaults)."""
    from mtqa.score import metrics

    return float(metrics("en", True)["chrf"].sentence_score(hyp, [ref]).score)


def has_han(text: str) -> bool:
    return bool(_HAN_IN_TEXT_RE.search(text))


# --- assembling the features of many texts ---------------------------------------------------
def lm_passes_needed(features: Iterable[str]) -> set[str]:
    """The LM passes (cond, flu, rev) a list of feature names needs."""
    need = {f.split("_")[1] for f in features if f.startswith("lp_")}
    if "pmi" in need:
        need |= {"cond", "flu"}
    return need & {"cond", "flu", "rev"}


def bilingual_features(
    sources: Sequence[str],
    targets: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    detector,
    lm=None,
    passes: Iterable[str] = (),
    progress=None,
    timings: dict[str, float] | None = None,
) -> list[dict[str, float]]:
    """Every bilingual signal of each pair; LM passes only with ``lm`` and as asked. Passes run
    one after the other over all pairs, so consecutive texts share their evaluated prefix.
    ``timings`` (if given) receives the seconds spent per signal."""
    clock = _Clock(timings)
    with clock("text"):
        feats = [text_features(s, t, src_lang, tgt_lang) for s, t in zip(sources, targets, strict=True)]
    with clock("detector"):
        for f, t in zip(feats, targets, strict=True):
            f.update(span_features(t, detector.detect(t).spans))
    with clock("cosine"):
        for f, c in zip(feats, cosines(list(sources), list(targets)), strict=True):
            f["cos"] = c
    order = [p for p in ("cond", "flu", "rev") if p in set(passes)] if lm is not None else []
    for p in order:
        with clock(f"lm_{p}"):
            for f, s, t in zip(feats, sources, targets, strict=True):
                if t.strip() and not (p == "rev" and (not s.strip() or src_lang not in ("zh", "en"))):
                    if p == "cond":
                        ts = lm.translation(s, t, src_lang, tgt_lang)
                    elif p == "flu":
                        ts = lm.fluency(t, tgt_lang)
                    else:
                        ts = lm.translation(t, s, tgt_lang, src_lang)
                    f.update(lm_stats(ts.logprobs, ts.end_logprob, f"lp_{p}"))
                if progress and p == order[-1]:
                    progress(1)
    for f in feats:
        if "lp_cond" in f and "lp_flu" in f:
            f["lp_pmi"] = f["lp_cond"] - f["lp_flu"]
    if progress and not order:
        progress(len(feats))
    return feats


class _Clock:
    """Adds the seconds spent in each ``with clock(name):`` block to a dict (or does nothing)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.name = ""

    def __call__(self, name: str) -> _Clock:
        self.name = name
        return self

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc) -> None:
        if self.timings is not None:
            self.timings[self.name] = self.timings.get(self.name, 0.0) + time.perf_counter() - self.t0


def monolingual_features(
    texts: Sequence[str],
    lang: str,
    spans: Sequence[Sequence] | None,
    detector,
    lm=None,
    progress=None,
    timings: dict[str, float] | None = None,
) -> list[dict[str, float]]:
    """Every monolingual signal of each text (``spans``: its detected spans, or None to detect)."""
    clock = _Clock(timings)
    feats = []
    for i, t in enumerate(texts):
        with clock("detector"):
            found = detector.detect(t).spans if spans is None else local_spans(t, spans[i])
        with clock("text"):
            f = span_features(t, found)
            f["wrong_script"] = wrong_script_share(t, lang)
            f["unknown_words"] = unknown_word_share(t, lang)
            f["empty"] = float(not t.strip())
        if lm is not None and t.strip():
            with clock("lm_flu"):
                ts = lm.fluency(t, lang)
                f.update(lm_stats(ts.logprobs, ts.end_logprob, "lp_flu"))
        feats.append(f)
        if progress:
            progress(1)
    return feats


class _Local:
    """A span moved to passage offsets (what span_features reads)."""

    __slots__ = ("end", "kind", "severity", "start")

    def __init__(self, start: int, end: int, severity: str, kind: str) -> None:
        self.start, self.end, self.severity, self.kind = start, end, severity, kind


def local_spans(text: str, spans: Sequence) -> list[_Local]:
    """Spans with offsets into ``text``: kept where ``text[start:end]`` is the span's text,
    otherwise found by their text (a caller may pass document offsets)."""
    out = []
    cursor = 0
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text:
            out.append(_Local(s.start, s.end, s.severity, s.kind))
            continue
        at = text.find(s.text, cursor) if s.text else -1
        if at < 0 and s.text:
            at = text.find(s.text)
        if at >= 0:
            out.append(_Local(at, at + len(s.text), s.severity, s.kind))
            cursor = at + len(s.text)
    return out

"""Sentence alignment of two parallel texts over multilingual sentence embeddings.

In the style of vecalign (Thompson & Koehn 2019) and bertalign (Liu & Zhu 2022): every bead type
(1-1, 1-2, 2-1, optionally 2-2) gets a cost from the cosine of the embeddings of its two sides (the
sentences of a side joined into one text), normalised by how similar each side is to the other
text on average (vecalign's ``norm``: a generic sentence that resembles everything costs more) and
multiplied by the number of sentences it joins, plus a penalty on the length ratio of its two
sides. Skipping a sentence (1-0, 0-1) costs a constant in the same normalised unit (a random
pair's 1-1 cost is about 1). A monotone dynamic programme finds the cheapest sequence of beads:
numpy, one vectorised pass per row, so a few hundred sentences a side take milliseconds once
embedded.

News translations reorder a little (a caption moved to the end, a lede that sums up two later
sentences), which no monotone path can follow. An optional second pass therefore re-aligns the
sentences the first pass left out, among themselves, and keeps only beads that clear a stricter
cosine. A last pass pairs the sentences still left out when they share names: a Chinese and an
English sentence whose capitalised English words are mostly the pinyin of Han words in the
other (``(Xinhua/Zhai Jianlan)`` and ``新华社记者 翟健岚 摄``: xinhua, zhai, jianlan), which the
embeddings barely see (cosine 0.28 for that pair).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mtqa.pinyin import HAN_RUN_RE, han_readings

log = logging.getLogger(__name__)

Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Bead:
    """Sentences ``src`` of one text that correspond to sentences ``tgt`` of the other (indices;
    one side empty for a sentence with no counterpart)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    cost: float  # the bead's DP cost (the skip cost for 1-0 / 0-1)
    cosine: float  # cosine of the embeddings of the two joined sides (0.0 for 1-0 / 0-1)
    length_ratio: float = 1.0  # weighted length of src / tgt, scaled by the texts' overall ratio
    reordered: bool = False  # found by the second pass, out of monotone order
    names: int = 0  # pinyin names shared by the two sides (beads of the name pass only)

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def null(self) -> bool:
        return not self.src or not self.tgt

    def trusted(self, min_cosine: float) -> bool:
        """A non-null bead whose embeddings agree, or that shared names put together."""
        return not self.null and (self.cosine >= min_cosine or self.names > 0)


@dataclass(frozen=True)
class BitextParams:
    """Knobs of the aligner (the ``align.bitext_*`` config keys)."""

    two_to_two: bool = False  # allow 2-2 beads
    skip_cost: float = 0.4  # cost of a 1-0 or 0-1 bead (a random pair's normalised 1-1 cost is ~1)
    length_weight: float = 0.15  # cost += weight * |log(length ratio)|
    second_pass: bool = True
    second_pass_cosine: float = 0.55  # a bead of the second pass needs at least this cosine
    name_pass: bool = True  # pair left-out sentences that share pinyin names
    name_min: int = 2  # ... at least this many capitalised words spelled as pinyin of the other side
    name_share: float = 0.6  # ... and at least this share of the English side's capitalised words

    @property
    def bead_types(self) -> tuple[tuple[int, int], ...]:
        types = ((1, 1), (1, 2), (2, 1))
        return (*types, (2, 2)) if self.two_to_two else types


def _join(texts: Sequence[str]) -> str:
    """Sentences of one side joined into one text (no space between Chinese sentences)."""
    out = ""
    for t in texts:
        if out and not (_is_cjk(out[-1]) or _is_cjk(t[:1])):
            out += " "
        out += t
    return out


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f")


def _spans(n: int, k: int) -> list[tuple[int, int]]:
    return [(i, i + k) for i in range(n - k + 1)]


def bead_costs(
    src: Sequence[str],
    tgt: Sequence[str],
    src_len: Sequence[float],
    tgt_len: Sequence[float],
    params: BitextParams,
    embed: Embedder,
) -> tuple[dict[tuple[int, int], np.ndarray], dict[tuple[int, int], np.ndarray]]:
    """Cost and cosine matrices per bead type ``(a, b)``: entry ``[i, j]`` is the bead
    ``src[i:i+a]`` / ``tgt[j:j+b]``."""
    n, m = len(src), len(tgt)
    sizes = sorted({a for a, _ in params.bead_types} | {b for _, b in params.bead_types})
    emb_s = {k: embed([_join(src[i:j]) for i, j in _spans(n, k)]) for k in sizes if k <= n}
    emb_t = {k: embed([_join(tgt[i:j]) for i, j in _spans(m, k)]) for k in sizes if k <= m}
    ls = np.asarray(src_len, dtype=float)
    lt = np.asarray(tgt_len, dtype=float)
    ratio = max(ls.sum(), 1.0) / max(lt.sum(), 1.0)  # the texts' overall length ratio
    cs_len = np.concatenate([[0.0], np.cumsum(ls)])
    ct_len = np.concatenate([[0.0], np.cumsum(lt)])
    # vecalign's normalisation: 1 - the mean cosine of a side with the other text's sentences
    norm_s = {k: 1.0 - (e @ emb_t[1].T).mean(axis=1) for k, e in emb_s.items()}
    norm_t = {k: 1.0 - (e @ emb_s[1].T).mean(axis=1) for k, e in emb_t.items()}
    costs, cosines = {}, {}
    for a, b in params.bead_types:
        if a > n or b > m:
            continue
        cos = emb_s[a] @ emb_t[b].T
        c = 2.0 * (1.0 - cos) / np.maximum(norm_s[a][:, None] + norm_t[b][None, :], 1e-6)
        la = cs_len[a:] - cs_len[:-a]
        lb = (ct_len[b:] - ct_len[:-b]) * ratio
        lr = np.log(np.maximum(la, 1.0)[:, None] / np.maximum(lb, 1.0)[None, :])
        costs[(a, b)] = c * a * b + params.length_weight * np.abs(lr)
        cosines[(a, b)] = cos
    return costs, cosines


def dp_align(
    n: int, m: int, costs: dict[tuple[int, int], np.ndarray], skip: float
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The cheapest monotone sequence of beads through an ``n`` x ``m`` grid: bead types are the
    keys of ``costs``, plus 1-0 and 0-1 at ``skip`` each."""
    types = [(1, 0), *costs]
    d = np.full((n + 1, m + 1), np.inf)
    back = np.zeros((n + 1, m + 1), dtype=np.int8)  # index into types; -1 = 0-1 (insertion)
    d[0] = skip * np.arange(m + 1)
    back[0, 1:] = -1
    js = np.arange(m + 1)
    for i in range(1, n + 1):
        best = np.full(m + 1, np.inf)
        arg = np.zeros(m + 1, dtype=np.int8)
        for t, (a, b) in enumerate(types):
            if a > i:
                continue
            cand = np.full(m + 1, np.inf)
            if b == 0:
                cand = d[i - 1] + skip
            elif m >= b:
                c = costs[(a, b)][i - a]  # beads starting at src i-a, tgt j-b for j >= b
                cand[b:] = d[i - a, : m + 1 - b] + c
            better = cand < best
            best[better], arg[better] = cand[better], t
        # insertions (0-1) within the row: d[i, j] = min_k<=j best[k] + (j - k) * skip
        shifted = best - js * skip
        run = np.minimum.accumulate(shifted)
        d[i] = run + js * skip
        back[i] = np.where(shifted <= run, arg, -1)
    beads = []
    i, j = n, m
    while i or j:
        t = back[i, j]
        a, b = (0, 1) if t == -1 else types[t]
        beads.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def align(
    src: Sequence[str],
    tgt: Sequence[str],
    params: BitextParams | None = None,
    embed: Embedder | None = None,
    length: Callable[[str], float] | None = None,
) -> list[Bead]:
    """Align sentence lists ``src`` and ``tgt``; every sentence is in exactly one bead. Beads come
    in ``src`` order (a 0-1 bead after the bead of the preceding target sentence). ``length``
    defaults to the weighted length (a Han character = 4 Latin letters)."""
    params = params or BitextParams()
    if embed is None:
        from mtqa.embed import embed
    if length is None:
        from mtqa.translate.checks import weighted_length as length
    src, tgt = list(src), list(tgt)
    if not src or not tgt:
        skipped = [Bead((i,), (), params.skip_cost, 0.0) for i in range(len(src))]
        return skipped + [Bead((), (j,), params.skip_cost, 0.0) for j in range(len(tgt))]
    ls, lt = [length(s) for s in src], [length(t) for t in tgt]
    ratio = max(sum(ls), 1.0) / max(sum(lt), 1.0)

    def bead(s: tuple[int, ...], t: tuple[int, ...], cost: float, cos: float, reordered: bool = False) -> Bead:
        if not s or not t:
            return Bead(s, t, params.skip_cost, 0.0)
        lr = sum(ls[i] for i in s) / max(ratio * sum(lt[j] for j in t), 1.0)
        return Bead(s, t, cost, cos, lr, reordered)

    costs, cosines = bead_costs(src, tgt, ls, lt, params, embed)
    beads = [bead(s, t, *_at(costs, cosines, s, t)) for s, t in dp_align(len(src), len(tgt), costs, params.skip_cost)]
    if params.second_pass:
        beads = _second_pass(src, tgt, ls, lt, beads, bead, params, embed)
    if params.name_pass:
        beads = _name_pass(src, tgt, beads, bead, params, embed)
    return _order(beads)


def _second_pass(
    src: list[str],
    tgt: list[str],
    ls: list[float],
    lt: list[float],
    beads: list[Bead],
    bead: Callable[..., Bead],
    params: BitextParams,
    embed: Embedder,
) -> list[Bead]:
    """The skipped sentences re-aligned among themselves; confident beads replace their skips."""
    left_s = [b.src[0] for b in beads if not b.tgt]
    left_t = [b.tgt[0] for b in beads if not b.src]
    if not left_s or not left_t:
        return beads
    sub_src, sub_tgt = [src[i] for i in left_s], [tgt[j] for j in left_t]
    costs, cosines = bead_costs(sub_src, sub_tgt, [ls[i] for i in left_s], [lt[j] for j in left_t], params, embed)
    found = []
    for s, t in dp_align(len(left_s), len(left_t), costs, params.skip_cost):
        if not s or not t:
            continue
        cost, cos = _at(costs, cosines, s, t)
        s0, t0 = tuple(left_s[i] for i in s), tuple(left_t[j] for j in t)
        # keep confident beads whose sides are consecutive sentences of their texts
        if cos >= params.second_pass_cosine and s0[-1] - s0[0] < len(s0) and t0[-1] - t0[0] < len(t0):
            found.append(bead(s0, t0, cost, cos, reordered=True))
    if found:
        log.debug("second pass: %d reordered beads", len(found))
        used = {("s", i) for b in found for i in b.src} | {("t", j) for b in found for j in b.tgt}
        beads = [b for b in beads if not ({("s", i) for i in b.src} | {("t", j) for j in b.tgt}) & used] + found
    return beads


_CAPITAL_RE = re.compile(r"[A-Z][a-z]+")


def name_anchors(a: str, b: str) -> tuple[list[str], int]:
    """(capitalised words of the Latin side spelled as the pinyin of Han words of the other side,
    how many capitalised words the Latin side has); ([], 0) unless exactly one side has Han."""
    ha, hb = bool(HAN_RUN_RE.search(a)), bool(HAN_RUN_RE.search(b))
    if ha == hb:
        return [], 0
    han, latin = (a, b) if ha else (b, a)
    words = _CAPITAL_RE.findall(latin)
    pinyin = han_readings(han)
    return [w for w in words if w.lower() in pinyin], len(words)


def _name_pass(
    src: list[str], tgt: list[str], beads: list[Bead], bead: Callable[..., Bead], params: BitextParams, embed: Embedder
) -> list[Bead]:
    """Left-out sentences paired 1-1 by shared pinyin names, mutual best pairs only. One name of
    two syllables or more is needed: single syllables (Xi, Li, Wang) match too easily."""
    left_s = [b.src[0] for b in beads if not b.tgt]
    left_t = [b.tgt[0] for b in beads if not b.src]
    scores: dict[tuple[int, int], tuple[float, int]] = {}
    for i in left_s:
        for j in left_t:
            hits, total = name_anchors(src[i], tgt[j])
            if len(hits) >= params.name_min and len(hits) / total >= params.name_share and max(map(len, hits)) > 4:
                scores[(i, j)] = (len(hits) / total, len(hits))
    found = []
    for (i, j), sc in scores.items():
        if sc == max(v for (x, _), v in scores.items() if x == i) and sc == max(
            v for (_, y), v in scores.items() if y == j
        ):
            e = embed([src[i], tgt[j]])
            cos = float(e[0] @ e[1])
            found.append(replace(bead((i,), (j,), params.skip_cost, cos, reordered=True), names=sc[1]))
    if found:
        log.debug("name pass: %d beads", len(found))
        used_s = {b.src[0] for b in found}
        used_t = {b.tgt[0] for b in found}
        beads = [b for b in beads if not (set(b.src) & used_s or set(b.tgt) & used_t)] + found
    return beads


def _at(
    costs: dict[tuple[int, int], np.ndarray], cosines: dict[tuple[int, int], np.ndarray], s: tuple, t: tuple
) -> tuple[float, float]:
    """Cost and cosine of the bead ``s``/``t`` (contiguous index tuples); skips cost nothing here."""
    if not s or not t:
        return 0.0, 0.0
    k = (len(s), len(t))
    return float(costs[k][s[0], t[0]]), float(cosines[k][s[0], t[0]])


def _order(beads: list[Bead]) -> list[Bead]:
    """Beads in source order; a 0-1 bead right after the bead holding the target sentence
    before it."""

    def key(b: Bead) -> tuple[float, int]:
        if b.src:
            return (min(b.src), 1)
        j = b.tgt[0]
        before = [min(x.src) for x in beads if x.src and x.tgt and max(x.tgt) < j]
        return (max(before, default=-1) + 0.5, j)

    return sorted(beads, key=key)

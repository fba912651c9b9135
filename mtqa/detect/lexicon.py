"""English word list with frequencies (wordfreq), for telling a word from a fragment.

Zipf frequency: log10 of occurrences per billion words (``the`` ~ 7.7, ``country`` 5.6,
``countr`` 1.7, ``ountries`` 0). A *fragment* is a letter string that is much rarer than
some common word it begins (``countr`` → ``country``) or ends (``tinues`` → ``continues``).
"""

from __future__ import annotations

import bisect
import math
from functools import cache, lru_cache

PREFIXES = (
    "re",
    "un",
    "sub",
    "non",
    "pre",
    "inter",
    "over",
    "under",
    "anti",
    "multi",
    "co",
    "de",
    "dis",
    "mis",
    "out",
    "post",
    "semi",
    "super",
    "trans",
    "counter",
    "cross",
    "micro",
    "macro",
    "mega",
)
SUFFIXES = (
    "ism",
    "ist",
    "ists",
    "isms",
    "ness",
    "less",
    "ment",
    "ments",
    "ship",
    "able",
    "ful",
    "ize",
    "ise",
    "ity",
    "ization",
    "ally",
    "wise",
    "like",
    "hood",
)


class Lexicon:
    """Frequency look-ups over wordfreq's English list (loaded once, ~0.1 s)."""

    def __init__(self, common_zipf: float = 3.0) -> None:
        from wordfreq import get_frequency_dict

        freqs = get_frequency_dict("en")
        self._zipf: dict[str, float] = {w: math.log10(f) + 9.0 for w, f in freqs.items() if f > 0}
        common = sorted((w, z) for w, z in self._zipf.items() if z >= common_zipf and w.isalpha() and w.isascii())
        self._fwd = [w for w, _ in common]
        self._fwd_z = [z for _, z in common]
        rev = sorted((w[::-1], z) for w, z in common)
        self._rev = [w for w, _ in rev]
        self._rev_z = [z for _, z in rev]

    def zipf(self, word: str) -> float:
        """Zipf frequency of ``word`` (case-insensitive); 0.0 when unknown."""
        return self._zipf.get(word.lower(), 0.0)

    @lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per process
    def completion_zipf(self, fragment: str, at_start: bool) -> float:
        """Highest zipf of a longer common word that starts (or ends) with ``fragment``."""
        f = fragment.lower()
        keys, zs = (self._fwd, self._fwd_z) if at_start else (self._rev, self._rev_z)
        key = f if at_start else f[::-1]
        lo = bisect.bisect_left(keys, key)
        hi = bisect.bisect_left(keys, key + "\uffff", lo)
        best = 0.0
        for i in range(lo, hi):
            if len(keys[i]) > len(key) and zs[i] > best:
                best = zs[i]
        return best

    def fragment_gain(self, token: str, cut_at_end: bool) -> float:
        """How much more frequent the best completion is than the token itself.

        ``cut_at_end``: the token lost its end (``countr``), so look for words it begins;
        otherwise it lost its start (``ountries``), so look for words it ends.
        """
        return self.completion_zipf(token, cut_at_end) - self.zipf(token)

    def is_derivation(self, token: str, min_zipf: float = 2.5) -> bool:
        """``token`` is a word plus a common prefix or suffix (``re+adjust``, ``unilateral+ism``)."""
        low = token.lower()
        for p in PREFIXES:
            if low.startswith(p) and self.zipf(low[len(p) :]) >= min_zipf:
                return True
        return any(low.endswith(s) and self.zipf(low[: -len(s)]) >= min_zipf for s in SUFFIXES)

    def best_split(self, token: str, min_zipf: float, min_part: int = 2) -> tuple[str, str, float] | None:
        """The split of ``token`` into two common words with the highest weaker-part zipf."""
        low = token.lower()
        best: tuple[str, str, float] | None = None
        for i in range(min_part, len(low) - min_part + 1):
            a, b = low[:i], low[i:]
            za, zb = self.zipf(a), self.zipf(b)
            # Short parts must be very common words ("an", "in", "to", "the", "two") to count.
            if any((len(p) == 2 and z < 5.5) or (len(p) == 3 and z < 4.0) for p, z in ((a, za), (b, zb))):
                continue
            score = min(za, zb)
            if score >= min_zipf and (best is None or score > best[2]):
                best = (token[:i], token[i:], score)
        return best


@cache
def get_lexicon() -> Lexicon:
    """The process-wide lexicon."""
    return Lexicon()

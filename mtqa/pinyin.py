"""Toneless pinyin: is a Latin word a run of pinyin syllables ("Guang", "Xinjiang", "Jilin")?"""

from __future__ import annotations

import unicodedata
from functools import cache


@cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's character table), less the interjections
    with no vowel or no initial (n, m, ng, hm, hng, o) that would read any word as pinyin
    ("Sino" as si-n-o)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for readings in pinyin_dict.values():
        for r in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
            out.add(plain.replace("ü", "v"))
    return frozenset(out - {"n", "m", "ng", "hm", "hng", "o"})


def pinyin_split(word: str) -> int:
    """How many pinyin syllables ``word`` reads as (fewest), 0 if it is no run of syllables."""
    syl, w = syllables(), word.lower()
    best = [0] + [0] * len(w)
    for i in range(1, len(w) + 1):
        counts = [best[k] + 1 for k in range(max(0, i - 6), i) if (k == 0 or best[k]) and w[k:i] in syl]
        best[i] = min(counts) if counts else 0
    return best[-1]


def is_pinyin(word: str) -> bool:
    """Can ``word`` be read as a run of pinyin syllables ("Guang", "Xinjiang")?"""
    return pinyin_split(word) > 0

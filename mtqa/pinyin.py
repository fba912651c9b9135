"""Toneless pinyin, both ways: is a Latin word a run of pinyin syllables ("Guang", "Xinjiang",
"Jilin")? how can a run of Han characters be spelled ("翟健岚": zhai, jianlan, …)?"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import product


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


@lru_cache(maxsize=65536)
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


HAN_RUN_RE = re.compile(r"[\u3400-\u9fff]+")


def _run_readings(run: str) -> list[list[str]] | None:
    """Every toneless reading of each character of a Han run (None if pypinyin skips one)."""
    from pypinyin import Style, pinyin

    readings = pinyin(run, style=Style.NORMAL, heteronym=True, errors="ignore")
    return readings if len(readings) == len(run) else None


@lru_cache(maxsize=4096)
def han_readings(text: str, max_syllables: int = 3) -> frozenset[str]:
    """Toneless pinyin of every run of 1..``max_syllables`` Han characters in ``text``, in every
    reading of each character (翟 is di and, as a surname, zhai)."""
    out: set[str] = set()
    for run in HAN_RUN_RE.findall(text):
        readings = _run_readings(run)
        if readings is None:
            continue
        for i in range(len(run)):
            for k in range(1, max_syllables + 1):
                if i + k <= len(run):
                    out.update("".join(p) for p in product(*readings[i : i + k]))
    return frozenset(out)


def han_words_read_as(text: str, keys: set[str], max_chars: int = 4, max_scan: int = 500_000) -> dict[str, set[str]]:
    """The Han substrings of ``text`` (2..``max_chars`` characters) whose toneless pinyin, in any
    reading of each character, spelled without spaces is one of ``keys`` ("yangjiahao": 杨家豪).
    Only the first ``max_scan`` characters of ``text`` are read."""
    prefixes = {k[:i] for k in keys for i in range(1, len(k) + 1)}
    out: dict[str, set[str]] = {}
    for run in HAN_RUN_RE.findall(text[:max_scan]):
        if len(run) < 2:
            continue
        readings = _run_readings(run)
        if readings is None:
            continue
        for i in range(len(run) - 1):
            spelled = {""}
            for k in range(1, min(max_chars, len(run) - i) + 1):
                spelled = {s + r.replace("ü", "v") for s in spelled for r in readings[i + k - 1]} & prefixes
                if not spelled:
                    break
                if k >= 2:
                    for s in spelled & keys:
                        out.setdefault(s, set()).add(run[i : i + k])
    return out


@lru_cache(maxsize=4096)
def term_readings(term: str, max_chars: int = 6, max_readings: int = 256) -> frozenset[str]:
    """Toneless pinyin, spelled without spaces, of the last 2..``max_chars`` characters of a Han
    ``term`` in every reading of each character (ü spelled both v and u), at most
    ``max_readings`` per length."""
    readings = _run_readings(term)
    out: set[str] = set()
    if readings is None:
        return frozenset()
    for k in range(2, min(max_chars, len(term)) + 1):
        spelled = {""}
        for options in readings[len(term) - k :]:
            spelled = {s + r for s in spelled for r in options}
            if len(spelled) > max_readings:
                break
        else:
            out.update(spelled)
    out |= {r.replace("ü", "v") for r in out} | {r.replace("ü", "u") for r in out}
    return frozenset(out)

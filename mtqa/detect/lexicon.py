"""Word frequencies (wordfreq's *large* lists), for telling a word from a fragment or a merge.

Zipf frequency: log10 of occurrences per billion words (``the`` 7.7, ``country`` 5.6,
``countr`` 1.7, ``mouthparts`` 1.9, ``ountries`` 0 = absent; the large English list stops
at 1.01). Two lists are read:

* English (321k words): is a token a word, which common word does a fragment begin or end,
  does a glued token split into two words.
* the Latin-script entries of the Chinese list (34k): how often Chinese writers keep a word
  in Latin letters (``iphone`` 4.5, ``app`` 4.8, ``artificial`` 2.0, ``kyrgyz`` absent).
  The gap between the two says whether a Latin word inside Chinese text is borrowed usage or
  an untranslated word.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from mtqa.segment import HAN

HAN_WORD_RE = re.compile(f"[{HAN}]+")

PREFIXES = (
    "re", "un", "sub", "non", "pre", "inter", "over", "under", "anti", "multi", "co", "de", "dis", "mis",
    "out", "post", "semi", "super", "trans", "counter", "cross", "micro", "macro", "mega", "hyper", "bio",
    "geo", "neo", "pro", "self", "mid", "extra", "ultra",
)  # fmt: skip
SUFFIXES = (
    "ism", "ist", "ists", "isms", "ness", "less", "ment", "ments", "ship", "able", "ful", "ize", "ise",
    "ity", "ization", "ally", "wise", "like", "hood", "ly", "er", "ers",
)  # fmt: skip
# Inflections tried when a token itself is missing: (ending removed, ending added).
_INFLECTIONS = (
    ("", "s"), ("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
    ("ly", ""), ("ally", "al"), ("ally", ""), ("er", ""), ("ers", ""), ("", "es"),
)  # fmt: skip
# The chance that a pipeline glues two adjacent words, as a zipf offset: a glued pair "ab"
# is expected at about zipf(a) + zipf(b) - 9 (independent bigram) + log10(1e-3).
MERGE_OFFSET = 12.0


@dataclass(frozen=True, slots=True)
class Split:
    """A token read as two glued words, with the evidence for and against."""

    left: str
    right: str
    left_zipf: float
    right_zipf: float
    whole_zipf: float  # the token's own frequency (best inflection), 0 when absent
    expected_zipf: float  # how frequent the glued pair would be by accident

    @property
    def part_zipf(self) -> float:
        return min(self.left_zipf, self.right_zipf)

    @property
    def margin(self) -> float:
        """How much rarer the token is than an accidental merge would be (> 0: merge-like)."""
        return self.expected_zipf - self.whole_zipf


def _with_prefix(words: list[str], prefix: str) -> list[str]:
    """The words of the sorted list ``words`` that begin with ``prefix``."""
    lo = bisect.bisect_left(words, prefix)
    return words[lo : bisect.bisect_left(words, prefix + "\uffff", lo)]


# English zipf minus zh-list zipf (``Lexicon.borrow_gap``) of a capitalised word Chinese text
# writes in Latin nearly as often as English does: a name ("Netflix" 1.1; "University" 1.5)
NAME_MAX_BORROW_GAP = 1.2


class Lexicon:
    """Frequency look-ups over wordfreq's large English list (loaded once, ~0.5 s)."""

    def __init__(self, common_zipf: float = 3.0) -> None:
        from wordfreq import get_frequency_dict

        freqs = get_frequency_dict("en", wordlist="large")
        self._zipf: dict[str, float] = {w: math.log10(f) + 9.0 for w, f in freqs.items() if f > 0}
        zh = get_frequency_dict("zh", wordlist="large")
        self._zh_latin: dict[str, float] = {
            w: math.log10(f) + 9.0 for w, f in zh.items() if f > 0 and w.isascii() and w.isalpha()
        }
        common = sorted((w, z) for w, z in self._zipf.items() if z >= common_zipf and w.isalpha() and w.isascii())
        self._fwd = [w for w, _ in common]
        self._fwd_z = [z for _, z in common]
        rev = sorted((w[::-1], z) for w, z in common)
        self._rev = [w for w, _ in rev]
        self._rev_z = [z for _, z in rev]
        self._all_fwd: list[str] | None = None  # every word, sorted (built on first use)
        self._zh_fwd: list[str] | None = None  # the zh list's Latin words, sorted (built on first use)

    def zipf(self, word: str) -> float:
        """Zipf frequency of ``word`` (case-insensitive); 0.0 when unknown."""
        return self._zipf.get(word.lower(), 0.0)

    def zh_latin_zipf(self, word: str) -> float:
        """How often Chinese text writes ``word`` in Latin letters (zipf in the zh list)."""
        return self._zh_latin.get(word.lower(), 0.0)

    def borrow_gap(self, word: str) -> float:
        """English zipf minus Chinese-text zipf: high for words Chinese text translates."""
        return self.zipf(word) - self.zh_latin_zipf(word)

    @lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per process
    def word_zipf(self, word: str) -> float:
        """Zipf of ``word`` or, when higher, of an inflected or derived form of it
        (``mouthpart`` counts as ``mouthparts``, ``astrophysically`` as ``astrophysical``)."""
        low = word.lower()
        best = self._zipf.get(low, 0.0)
        for cut, add in _INFLECTIONS:
            if low.endswith(cut) and len(low) - len(cut) >= 3:
                z = self._zipf.get(low[: len(low) - len(cut)] + add, 0.0)
                # A form must be rarer than the token it stands for would be: discount it.
                best = max(best, z - 0.3)
        return best

    @lru_cache(maxsize=65536)  # noqa: B019
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

    def best_completion(self, fragment: str, extra: int = 1) -> str | None:
        """The most frequent word of the large list that begins with ``fragment`` and has at least
        ``extra`` more letters (lowercase), or None."""
        words = self._completions(fragment, extra)
        return max(words, key=lambda w: self._zipf.get(w, 0.0), default=None)

    def _completions(self, fragment: str, extra: int) -> list[str]:
        if self._all_fwd is None:
            self._all_fwd = sorted(w for w in self._zipf if w.isalpha() and w.isascii())
        f = fragment.lower()
        return [w for w in _with_prefix(self._all_fwd, f) if len(w) >= len(f) + extra]

    def zh_latin_completion(self, fragment: str, extra: int = 1, max_extra: int = 4) -> tuple[str | None, float]:
        """The word Chinese text writes in Latin most often (and its zipf in the zh list) that
        begins with ``fragment`` and has ``extra`` to ``max_extra`` more letters: a brand or
        name cut short ("GitHu" -> "github", "TikTo" -> "tiktok"); (None, 0.0) when none."""
        if self._zh_fwd is None:
            self._zh_fwd = sorted(self._zh_latin)
        f = fragment.lower()
        best: tuple[str | None, float] = (None, 0.0)
        for w in _with_prefix(self._zh_fwd, f):
            if len(f) + extra <= len(w) <= len(f) + max_extra and self._zh_latin[w] > best[1]:
                best = (w, self._zh_latin[w])
        return best

    def begins_longer_word(self, fragment: str, extra: int = 2) -> bool:
        """``fragment`` begins a word of the large list (any frequency) with at least ``extra``
        more letters ("flatbr" -> "flatbread", "overdepen" -> "overdependence")."""
        return bool(self._completions(fragment, extra))

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
            if low.startswith(p) and len(low) - len(p) >= 3 and self.zipf(low[len(p) :]) >= min_zipf:
                return True
        return any(
            low.endswith(s) and len(low) - len(s) >= 3 and self.zipf(low[: -len(s)]) >= min_zipf for s in SUFFIXES
        )

    def best_split(self, token: str, min_zipf: float, min_part: int = 2) -> Split | None:
        """The split of ``token`` into two words with the highest weaker-part zipf."""
        low = token.lower()
        best: Split | None = None
        for i in range(min_part, len(low) - min_part + 1):
            a, b = low[:i], low[i:]
            za, zb = self.zipf(a), self.zipf(b)
            # Short parts must be very common words ("an", "in", "to", "the", "two") to count.
            if any((len(p) == 2 and z < 5.5) or (len(p) == 3 and z < 4.0) for p, z in ((a, za), (b, zb))):
                continue
            if min(za, zb) >= min_zipf and (best is None or min(za, zb) > best.part_zipf):
                best = Split(token[:i], token[i:], za, zb, 0.0, 0.0)
        if best is None:
            return None
        return self.split_at(token, len(best.left))

    def split_at(self, token: str, i: int) -> Split:
        """The evidence for reading ``token`` as ``token[:i]`` + ``token[i:]``."""
        a, b = token[:i], token[i:]
        za, zb = self.zipf(a), self.zipf(b)
        return Split(a, b, za, zb, self.word_zipf(token), za + zb - MERGE_OFFSET)


@cache
def proper_nouns() -> tuple[str, ...]:
    """English names of months, days, countries and languages (CLDR via Babel), sorted: the
    capitalised words a cut capitalised fragment can be the start of ("Septem", "Uzbekist")."""
    from babel import Locale

    en = Locale("en")
    names: set[str] = set()
    for table in (en.months["format"]["wide"], en.days["format"]["wide"], en.territories, en.languages):
        names.update(n for n in table.values() if n.isalpha() and n[0].isupper())
    return tuple(sorted(names))


def _first_name_from(tok: str) -> str:
    """The first proper noun sorting at or after ``tok`` ("" past the end)."""
    names = proper_nouns()
    i = bisect.bisect_left(names, tok)
    return names[i] if i < len(names) else ""


def is_proper_noun(tok: str) -> bool:
    """Is ``tok`` the English name of a month, day, country or language ("Norwegian")?"""
    return _first_name_from(tok) == tok


def begins_proper_noun(tok: str) -> bool:
    """Is ``tok`` the start of such a name, two letters short of it or more ("Septem")?"""
    name = _first_name_from(tok)
    return name.startswith(tok) and len(name) >= len(tok) + 2


_QUOTE_PAIRS = {"“": "”", '"': '"'}
_QUOTED_WORD_RE = re.compile("[A-Za-z\u00c0-\u024f]+")


def in_foreign_quote(text: str, a: int, b: int, lex: Lexicon, reach: int = 80, max_zipf: float = 3.0) -> bool:
    """Is ``text[a:b]`` inside a quotation of three words or more, most of them no common English
    word (“een avond om nooit te vergeten”: a Dutch critic quoted in the original)? Its words are
    another language's, not English words cut or glued."""
    line_start = text.rfind("\n", max(0, a - reach), a) + 1
    for opener, closer in _QUOTE_PAIRS.items():
        i = text.rfind(opener, max(line_start, a - reach), a)
        if i < 0:
            continue
        j = text.find(closer, b, b + reach)
        if j < 0 or "\n" in text[b:j]:
            continue
        if any("\u3400" <= c <= "\u9fff" for c in text[i + 1 : j]):
            continue  # a Chinese quotation
        words = _QUOTED_WORD_RE.findall(text, i + 1, j)
        if len(words) >= 3 and sum(lex.zipf(w) < max_zipf for w in words) * 2 > len(words):
            return True
    return False


@cache
def get_lexicon() -> Lexicon:
    """The process-wide lexicon."""
    return Lexicon()


class HanLexicon:
    """The Han words of wordfreq's large Chinese list (jieba-tokenised text, 330k entries), for
    telling a Chinese word from a piece of one: ``匈牙利`` 4.4, ``牙利`` absent, ``主办方`` 3.3,
    ``办方`` 1.2. Compositional pairs of common words are mostly absent (``好了``, ``我看``), so a
    string's best split into two words (``split_zipf``) says whether it reads as ordinary text.

    Completions are indexed for words of three characters or more at least ``COMPLETION_FLOOR``
    frequent (about 37k heads and tails of 2 to 6 characters, one hash look-up each)."""

    COMPLETION_FLOOR = 2.0
    MAX_PIECE = 6

    def __init__(self) -> None:
        from wordfreq import get_frequency_dict

        freqs = get_frequency_dict("zh", wordlist="large")
        self._zipf: dict[str, float] = {
            w: math.log10(f) + 9.0 for w, f in freqs.items() if f > 0 and HAN_WORD_RE.fullmatch(w)
        }
        self._heads: dict[str, tuple[str, float]] = {}  # piece -> most frequent word it begins
        self._tails: dict[str, tuple[str, float]] = {}  # piece -> most frequent word it ends
        for w, z in self._zipf.items():
            if z < self.COMPLETION_FLOOR or len(w) < 3:
                continue
            for k in range(2, min(len(w), self.MAX_PIECE + 1)):
                for index, piece in ((self._heads, w[:k]), (self._tails, w[-k:])):
                    if piece not in index or index[piece][1] < z:
                        index[piece] = (w, z)

    def zipf(self, word: str) -> float:
        """Zipf frequency of ``word``; 0.0 when unknown."""
        return self._zipf.get(word, 0.0)

    def split_zipf(self, text: str) -> float:
        """The best split of ``text`` into two words, as the weaker part's zipf (0.0 for one character)."""
        z = self._zipf
        return max((min(z.get(text[:i], 0.0), z.get(text[i:], 0.0)) for i in range(1, len(text))), default=0.0)

    def pieces(self, at_start: bool) -> dict[str, tuple[str, float]]:
        """Every indexed piece that begins (``at_start``) or ends a longer word, with that word."""
        return self._heads if at_start else self._tails


@cache
def get_han_lexicon() -> HanLexicon:
    """The process-wide Chinese word list (built on first use: Chinese documents only)."""
    return HanLexicon()

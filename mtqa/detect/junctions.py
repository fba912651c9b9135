"""Script junctions: Latin tokens glued to Han text with no space or punctuation between.

A junction is where a mid-word switch, a truncation or a glued clause shows itself, and
also where legitimate mixing lives (``iPhone手机``, ``SCO峰会``, ``1992年``). Each junction is
classified once per document; the switch and truncation rules pick their own.

Classification of the Latin token at a junction, in order:

1. allow-listed token, acronym or code (``SCO``, ``HSK``, ``G20``), single capital
   (``A股``) or camel-case brand (``iPhone``, ``YouTube``): legitimate.
2. a pinyin surname glued to the Han characters that follow (``Liu江平``): a name cut
   across scripts -> ``mid-word-switch``.
3. a single lowercase letter (``完成t他的``): ``mid-word-switch``.
4. a fragment of a common word (lexicon): at the edge of an English phrase of two words or
   more -> ``truncated-word`` (``After the two countr1992年``); alone -> ``mid-word-switch``
   (``百年合作ges正在``).
5. a complete word opening or closing an English clause of ``min_words`` words or more
   (``建议to invest in Kyrgyzstan?``) -> ``clause-switch``.
6. otherwise (a name or a word standing alone, ``Nick不需要来``): legitimate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.segment import CJK_PUNCT, HAN, HAN_RE

_GLUE_LEFT = f"{HAN}{CJK_PUNCT}"
# Candidate boundaries: a Latin letter right after Han / CJK punctuation / a closing quote,
# or right before Han or before digits that run into Han ("countr1992年"). Plain character
# classes keep this scan fast; _glued_left / _glued_right then check each candidate.
_BOUNDARY_RE = re.compile(rf"[{_GLUE_LEFT}”’」』》](?=[A-Za-z])|[A-Za-z](?=[{HAN}]|[0-9]+[{HAN}])")
_TOKEN_CHARS = re.compile(r"[A-Za-z'’\-]")
_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# Characters an English phrase may contain besides letters (no sentence-final punctuation).
_PHRASE_CHARS = frozenset(" \t,'’\"“”-–—()$%&/:0123456789")
_CAMEL_RE = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z])")


@dataclass(frozen=True, slots=True)
class Junction:
    """A Latin token touching Han text, with its classification."""

    start: int
    end: int
    left_glued: bool
    right_glued: bool
    phrase_start: int
    phrase_end: int
    words: int  # Latin words in the English phrase the token belongs to
    rule: str | None  # the rule that owns it, None when legitimate
    confidence: float
    note: str


def _token_bounds(text: str, i: int) -> tuple[int, int]:
    a = i
    while a > 0 and _TOKEN_CHARS.match(text[a - 1]):
        a -= 1
    b = i + 1
    n = len(text)
    while b < n and _TOKEN_CHARS.match(text[b]):
        b += 1
    # Trim apostrophes/hyphens at the edges: they are not part of the word.
    while a < b and not text[a].isalpha():
        a += 1
    while b > a and not text[b - 1].isalpha():
        b -= 1
    return a, b


def _phrase(text: str, a: int, b: int, left_glued: bool, right_glued: bool) -> tuple[int, int]:
    """The English phrase around token ``text[a:b]``, extended away from the glued side(s)."""
    n = len(text)
    start, end = a, b
    if not left_glued:
        while start > 0 and (
            text[start - 1].isascii() and (text[start - 1].isalpha() or text[start - 1] in _PHRASE_CHARS)
        ):
            start -= 1
    if not right_glued:
        while end < n and (text[end].isascii() and (text[end].isalpha() or text[end] in _PHRASE_CHARS)):
            end += 1
    return start, end


def find_junctions(ctx) -> list[Junction]:
    """All junctions of the document in ``ctx``, classified (see module docstring)."""
    text = ctx.text
    tokens: dict[int, tuple[int, int]] = {}
    for m in _BOUNDARY_RE.finditer(text):
        i = m.start() if text[m.start()].isascii() else m.end()
        a, b = _token_bounds(text, i)
        if a < b and a not in tokens and (_glued_left(text, a) or any(_glued_right(text, b))):
            tokens[a] = (a, b)
    return [_classify(ctx, text, a, b) for a, b in tokens.values()]


def _glued_left(text: str, a: int) -> bool:
    if a == 0:
        return False
    prev = text[a - 1]
    if HAN_RE.match(prev) or prev in "。，、；：！？（）《》「」『』【】〔〕…":
        return True
    return prev in "”’」』》" and a >= 2 and bool(HAN_RE.match(text[a - 2]))


def _glued_right(text: str, b: int) -> tuple[bool, bool]:
    """(glued to Han, glued to digits that run into Han)."""
    if b >= len(text):
        return False, False
    nxt = text[b]
    if HAN_RE.match(nxt):
        return True, False
    if nxt.isdigit():
        j = b
        while j < len(text) and text[j].isdigit():
            j += 1
        return False, j < len(text) and bool(HAN_RE.match(text[j]))
    return False, False


def _classify(ctx, text: str, a: int, b: int) -> Junction:
    det = ctx.det
    rules = det["rules"]
    lex = ctx.lexicon
    token = text[a:b]
    left = _glued_left(text, a)
    right_han, right_digit = _glued_right(text, b)
    right = right_han or right_digit
    p0, p1 = _phrase(text, a, b, left, right)
    words = len(_WORD_RE.findall(text, p0, p1))

    def result(rule: str | None, conf: float = 0.0, note: str = "") -> Junction:
        return Junction(a, b, left, right, p0, p1, words, rule, conf, note)

    # The letters on the glued side decide: "China-Kyr" is judged by "Kyr".
    pieces = _WORD_RE.findall(token)
    edge = pieces[0] if left and not right else pieces[-1]

    if token in ctx.allow_tokens or edge in ctx.allow_tokens:
        return result(None, note="allow-listed")
    if right_han and edge in det["pinyin_surnames"]:
        return result("mid-word-switch", 0.7 if words > 1 else 0.6, "pinyin surname glued to Han")
    if len(edge) >= 2 and edge.isupper():
        return result(None, note="acronym")
    if _CAMEL_RE.match(token):
        return result(None, note="camel-case name")
    if len(edge) == 1:
        if edge.isupper():
            return result(None, note="single capital")
        if right_digit and not left:
            return result(None, note="letter before number")
        return result("mid-word-switch", 0.85, "single letter glued to Han")

    capital = edge[0].isupper()
    cut_at_end = right and not left
    gain = max(
        lex.fragment_gain(edge, True) if right else -9.0,
        lex.fragment_gain(edge, False) if left else -9.0,
    )
    zipf = lex.zipf(edge)
    rare = zipf < det["word_zipf"] and not capital
    # Very common words ("he", "an", "is") are words even where a longer word ends in them;
    # a capitalised token after the glued side starts a sentence, it was not cut at its start.
    fragment = rare or (gain >= det["fragment_gain"] and zipf < 5.0 and not (capital and left and not right))
    tw = rules["truncated-word"]
    if fragment and len(edge) >= tw["min_letters"] and words >= tw["min_words"] and not (left and right):
        conf = 0.55 + 0.1 * min(max(gain, 0.0), 3.0) + (0.1 if rare else 0.0)
        where = "end" if cut_at_end else "start"
        return result("truncated-word", conf, f"word cut at its {where}")
    if right_digit:
        return result(None, note="word before number")
    if fragment and not capital:
        return result("mid-word-switch", 0.75, "word fragment glued to Han")
    han_left = a > 0 and bool(HAN_RE.match(text[a - 1]))
    if words >= rules["clause-switch"]["min_words"] and (han_left or right_han) and not (left and right):
        return result("clause-switch", 0.7, "English clause glued to Han")
    return result(None, note="word with clear boundary")

"""Script junctions: Latin tokens glued to Han text with no space or punctuation between.

A junction is where a mid-word switch, a truncation or a glued clause shows itself, and
also where legitimate mixing lives (``iPhone手机``, ``SCO峰会``, ``1992年``). This module only
finds junctions and measures them (:func:`junction_evidence`); it decides nothing. The
switch and truncation rules read the evidence and apply their own thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from mtqa.detect.base import CJK_PUNCT_BIT, DIGIT_BIT
from mtqa.detect.lexicon import is_proper_noun
from mtqa.pinyin import pinyin_split
from mtqa.segment import HAN_RE

_TOKEN_CHARS = re.compile(r"[A-Za-z'’\-]")
_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_NAME_WORD_RE = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z0-9]+)*")  # a model code stays one word: "DM-i"
# Characters an English phrase may contain besides letters (no sentence-final punctuation).
_PHRASE_CHARS = frozenset(" \t,'’\"“”-–—()$%&/:0123456789")
_CAMEL_RE = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z])")
# Bound morphemes that attach to a country or party name ("中方", "哈方", "吉尔吉斯人", "俄语"):
# glued to a Latin word they show a name left untranslated ("Kazakh方").
BOUND_SUFFIXES = frozenset("方籍裔族语")
# ... and after a country or language name only ("Thai国" for 泰国, "Kazakh人"; not "Tesla国产")
NAME_SUFFIXES = frozenset("国人")


@dataclass(frozen=True, slots=True)
class Junction:
    """A Latin token touching Han text: where it is and what surrounds it."""

    start: int
    end: int
    left_glued: bool  # Han or CJK punctuation (or a closing quote after Han) right before
    right_glued: bool  # Han, or digits running into Han, right after
    right_han: bool  # Han right after
    phrase_start: int
    phrase_end: int
    words: int  # Latin words in the English phrase the token belongs to
    edge: str  # the letters on the glued side ("China-Kyr" is judged by "Kyr")


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


_GLUE_CODES = np.array([ord(c) for c in "”’」』》"], dtype=np.uint32)


def _boundary_letters(ctx) -> list[int]:
    """Positions of ASCII letters right after Han / CJK punctuation / a closing quote, or
    right before Han or before digits that run into Han (vectorised; the scan that decides
    which documents are fast)."""
    text, c, cls = ctx.text, ctx.codes, ctx.classes
    letter, han = ctx.ascii_letter_mask, ctx.han_mask
    if len(c) < 2:
        return []
    glue = han | ((cls & CJK_PUNCT_BIT) > 0) | np.isin(c, _GLUE_CODES)
    after_glue = np.nonzero(glue[:-1] & letter[1:])[0] + 1
    before_han = np.nonzero(letter[:-1] & han[1:])[0]
    digit = (cls & DIGIT_BIT) > 0
    out = set(after_glue.tolist()) | set(before_han.tolist())
    for i in np.nonzero(letter[:-1] & digit[1:])[0].tolist():
        j = i + 1
        while j < len(text) and text[j].isdigit():
            j += 1
        if j < len(text) and HAN_RE.match(text[j]):
            out.add(i)
    return sorted(out)


def find_junctions(ctx) -> list[Junction]:
    """All junctions of the document in ``ctx``, in document order."""
    text = ctx.text
    out: list[Junction] = []
    seen: set[int] = set()
    for i in _boundary_letters(ctx):
        a, b = _token_bounds(text, i)
        if a >= b or a in seen:
            continue
        left = _glued_left(text, a)
        right_han, right_digit = _glued_right(text, b)
        if not (left or right_han or right_digit):
            continue
        seen.add(a)
        right = right_han or right_digit
        p0, p1 = _phrase(text, a, b, left, right)
        pieces = _WORD_RE.findall(text, a, b)
        edge = pieces[0] if left and not right else pieces[-1]
        out.append(Junction(a, b, left, right, right_han, p0, p1, len(_WORD_RE.findall(text, p0, p1)), edge))
    return out


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


def junction_evidence(ctx, j: Junction) -> dict[str, float]:
    """Raw measurements of one junction, shared by the rules that judge junctions.

    ``zipf``: English frequency of the edge letters; ``gain``: how much more frequent the best
    word the edge could be cut from is (:meth:`Lexicon.fragment_gain`, on the glued side);
    ``zh_latin``: how often Chinese text writes the token in Latin; ``doc_uses``: how often
    this document glues the same token to Han; shape flags (0/1) for units and codes, acronyms, camel case,
    single letters, capitals, allow-listed tokens, pinyin surnames and capitalised name phrases.
    """
    cache = ctx.__dict__.setdefault("_junction_evidence", {})
    key = (j.start, j.end)
    if key in cache:
        return cache[key]
    text, lex, edge = ctx.text, ctx.lexicon, j.edge
    token = text[j.start : j.end]
    right_digit = j.right_glued and not j.right_han
    gain = max(
        lex.fragment_gain(edge, True) if j.right_glued else -9.0,
        lex.fragment_gain(edge, False) if j.left_glued else -9.0,
    )
    words = _NAME_WORD_RE.findall(text, j.phrase_start, j.phrase_end)
    ev = {
        "letters": float(len(edge)),
        "words": float(j.words),
        "left": float(j.left_glued),
        "right": float(j.right_glued),
        "right_digit": float(right_digit),
        "han_left": float(j.start > 0 and bool(HAN_RE.match(text[j.start - 1]))),
        "han_right": float(j.right_han),
        "allowed": float(token in ctx.allow_tokens or edge in ctx.allow_tokens),
        "surname": float(j.right_han and edge in ctx.surnames),
        "acronym": float(
            len(edge) >= 2 and (edge.isupper() or (edge[:-1].isupper() and len(edge) >= 3 and edge[-1] == "s"))
        ),
        "hyphenated": float("-" in token),
        "camel": float(bool(_CAMEL_RE.match(token))),
        "capital": float(edge[0].isupper()),
        "zipf": lex.zipf(edge),
        "gain": gain,
        "zh_latin": lex.zh_latin_zipf(edge),
        "doc_uses": float(ctx.junction_tokens[token]),
        # a phrase of capitalised or camel-case words and codes is a name ("New York", "iPhone
        # Pro Max", "Seal U DM-i")
        "name_phrase": float(len(words) >= 2 and all(w[0].isupper() or not w.islower() for w in words)),
        "bound_suffix": float(
            j.right_han and (text[j.end] in BOUND_SUFFIXES or (text[j.end] in NAME_SUFFIXES and is_proper_noun(edge)))
        ),
        # the token opens a bracket: a term being explained ("（matter也有“物质”的意思）")
        "bracketed": float(j.start > 0 and text[j.start - 1] in "（(「『【"),
        # a run of two pinyin syllables or more: in brackets, a reading given as a gloss ("高考（gaokao）")
        "pinyin_word": float(edge.isalpha() and pinyin_split(edge) >= 2),
        # a unit or a code: digits or a slash right before ("3nm", "GPT-4o", "km/h"), or a
        # letter before digits ("x86", "v1.2版")
        "code": float(
            (j.start > 0 and (text[j.start - 1].isdigit() or text[j.start - 1] == "/"))
            or (len(edge) == 1 and (right_digit or text[j.end : j.end + 1].isdigit()))
            # a letter opening a dotted or hyphenated model name ("e.MAS 7", "DM-i")
            or (
                len(edge) == 1
                and text[j.end : j.end + 1] in (".", "-")
                and text[j.end + 1 : j.end + 2].isascii()
                and text[j.end + 1 : j.end + 2].isalnum()
            )
            or (len(edge) == 1 and "-" in token and any(c.isupper() for c in token))
        ),
    }
    cache[key] = ev
    return ev

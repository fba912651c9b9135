"""Passages: the smallest stretches that must be rewritten, grouped from detected spans.

A span grows to its enclosing sentence, or to its enclosing clause when the sentence is long
and the span is a local glitch (a cut, merged or repeated word inside otherwise sound text).
Overlapping and adjacent units (only whitespace between) are merged, up to a size cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.detect import Span
from mtqa.detect.base import SEVERITIES
from mtqa.segment import language_of, sentences

_CLAUSE_END_RE = re.compile(r"[，,、；;：:]")


@dataclass
class Passage:
    """A stretch ``text[start:end]`` to rewrite, with the spans that made it."""

    index: int
    start: int
    end: int
    text: str
    spans: list[Span] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({s.kind for s in self.spans})

    @property
    def severity(self) -> str:
        return max((s.severity for s in self.spans), key=SEVERITIES.index, default="minor")

    @property
    def lang(self) -> str:
        return language_of(self.text)


def _clause(text: str, a: int, b: int, s0: int, s1: int) -> tuple[int, int]:
    """The clause of sentence ``[s0, s1)`` around ``[a, b)``."""
    left = s0
    for m in _CLAUSE_END_RE.finditer(text, s0, a):
        left = m.end()
    right = s1
    m = _CLAUSE_END_RE.search(text, b, s1)
    if m:
        right = m.end()
    while left < right and text[left].isspace():
        left += 1
    return left, max(right, b)


def group_passages(text: str, spans: list[Span], max_sentence: int = 160, max_chars: int = 300) -> list[Passage]:
    """Group ``spans`` into passages (see module docstring)."""
    if not spans:
        return []
    bounds = sentences(text)
    units: list[tuple[int, int, Span]] = []
    for span in spans:
        s0, s1 = next(((a, b) for a, b in bounds if a <= span.start < b), (span.start, span.end))
        s1 = max(s1, span.end)
        if span.kind == "untranslated" or s1 - s0 <= max_sentence:
            a, b = (min(s0, span.start), s1)
        else:
            a, b = _clause(text, span.start, span.end, s0, s1)
        units.append((a, b, span))
    units.sort(key=lambda u: (u[0], u[1]))
    groups: list[list] = []
    for a, b, span in units:
        if groups:
            g = groups[-1]
            gap = text[g[1] : a]
            touching = a < g[1] or (not gap.strip() and "\n" not in gap)
            if touching and (max(b, g[1]) - g[0] <= max_chars or a < g[1]):
                g[1] = max(g[1], b)
                g[2].append(span)
                continue
        groups.append([a, b, [span]])
    return [Passage(i + 1, a, b, text[a:b], sp) for i, (a, b, sp) in enumerate(groups)]


def absorb_spacing(text: str, passages: list[Passage], target: str) -> None:
    """In a Chinese document, the spaces that separate an English passage from the Chinese
    around it belong to the passage (its Chinese repair takes none): extend it over them."""
    if target != "zh":
        return
    prev_end = 0
    for k, p in enumerate(passages):
        a, b = p.start, p.end
        nxt = passages[k + 1].start if k + 1 < len(passages) else len(text)
        while a > prev_end and text[a - 1] == " ":
            a -= 1
        while b < nxt and text[b] == " ":
            b += 1
        left_cjk = a == 0 or text[a - 1] in "\n" or not text[a - 1].isascii()
        right_cjk = b == len(text) or text[b] == "\n" or not text[b].isascii()
        if p.text[:1].isascii() and a < p.start and left_cjk:
            p.start = a
        if p.text[-1:].isascii() and b > p.end and right_cjk:
            p.end = b
        p.text = text[p.start : p.end]
        prev_end = p.end

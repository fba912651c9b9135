"""``switch`` rules: a word or a sentence that changes script mid-way."""

from __future__ import annotations

from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register
from mtqa.segment import HAN_RE


def junction_window(text: str, start: int, end: int, left: bool, right: bool, window: int) -> tuple[int, int]:
    """Extend ``[start, end)`` by up to ``window`` Han characters on each glued side."""
    a, b = start, end
    if left:
        while a > 0 and start - a < window and HAN_RE.match(text[a - 1]):
            a -= 1
        if a == start and start > 0:  # glued to punctuation: include that character
            a -= 1
    if right:
        while b < len(text) and b - end < window and HAN_RE.match(text[b]):
            b += 1
    return a, b


class _JunctionRule(Rule):
    kind = "switch"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        window = self.params.get("window", 2)
        for j in ctx.junctions:
            if j.rule == self.name:
                a, b = junction_window(ctx.text, j.start, j.end, j.left_glued, j.right_glued, window)
                yield ctx.span(a, b, self.kind, j.confidence, self.name, j.note)


@register
class MidWordSwitch(_JunctionRule):
    """A lone Latin fragment, single lowercase letter or pinyin surname glued to Han."""

    name = "mid-word-switch"


@register
class ClauseSwitch(_JunctionRule):
    """An English clause glued to Han with no space or punctuation between."""

    name = "clause-switch"

"""``truncation`` rules: a word or number cut at either end."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register
from mtqa.segment import HAN_NUMERALS


@register
class TruncatedWord(Rule):
    """The first or last word of an English phrase that touches Han text is a fragment."""

    name = "truncated-word"
    kind = "truncation"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        for j in ctx.junctions:
            if j.rule == self.name:
                yield ctx.span(j.start, j.end, self.kind, j.confidence, self.name, j.note)


_DIGITS = HAN_NUMERALS[:10]
_CUT_NUMBER_RE = re.compile(
    rf"(?<![0-9.,])[0-9]{{2,}}[{_DIGITS}](?![{HAN_NUMERALS}])|(?<![{HAN_NUMERALS}])[{_DIGITS}][0-9]{{2,}}(?![0-9])"
)


@register
class TruncatedNumber(Rule):
    """Arabic digits finished in Chinese numerals, or the reverse ("202四" for 2024)."""

    name = "truncated-number"
    kind = "truncation"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        for m in _CUT_NUMBER_RE.finditer(ctx.text):
            yield ctx.span(m.start(), m.end(), self.kind, 0.8, self.name, "number cut and finished in Chinese numerals")

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
_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_SEAM_RE = re.compile(f"[0-9][{_DIGITS}]|[{_DIGITS}][0-9]")
_DIGIT_RUN_RE = re.compile("[0-9]+")


@register
class TruncatedNumber(Rule):
    """Arabic digits finished in Chinese numerals, or the reverse ("202四" for 2024)."""

    name = "truncated-number"
    kind = "truncation"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        text = ctx.text
        for m in _SEAM_RE.finditer(text):
            if text[m.start()].isdigit():  # digits then a numeral: "202四"
                a = m.start()
                while a > 0 and text[a - 1].isdigit():
                    a -= 1
                b = m.end()
                ok = (
                    m.start() - a >= 1
                    and (a == 0 or text[a - 1] not in ".,")
                    and (b >= len(text) or text[b] not in HAN_NUMERALS)
                )
            else:  # a numeral then digits: "二024"
                a = m.start()
                run = _DIGIT_RUN_RE.match(text, a + 1)
                b = run.end() if run else a + 1
                ok = b - a >= 3 and (a == 0 or text[a - 1] not in HAN_NUMERALS)
            if ok:
                fix = "".join(str(_VALUE[c]) if c in _VALUE else c for c in text[a:b])
                yield ctx.span(a, b, self.kind, 0.8, self.name, "number cut and finished in Chinese numerals", fix=fix)

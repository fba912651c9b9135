"""``merge`` rule: two English words glued into one token."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register

# Lowercase tokens, or a lowercase word glued to a capitalised one ("andCentral").
_TOKEN_PATTERN = r"(?<![A-Za-z'’\-])(?=[A-Za-z]{%d})(?>[a-z]+)(?:[A-Z][a-z]+)?(?![A-Za-z])"


@register
class MergedWords(Rule):
    """A token that is no word but splits into two common words."""

    name = "merged-words"
    kind = "merge"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        lex = ctx.lexicon
        min_len = self.params["min_length"]
        part_zipf = self.params["part_zipf"]
        max_whole = self.params["max_whole_zipf"]
        seen: dict[str, tuple[str, str, float] | None] = {}
        for m in re.finditer(_TOKEN_PATTERN % min_len, ctx.text):
            tok = m.group()
            if tok not in seen:
                seen[tok] = self._split(lex, tok, part_zipf, max_whole)
            split = seen[tok]
            if split is not None:
                a, b, score = split
                conf = min(0.95, 0.5 + 0.1 * score)
                yield ctx.span(m.start(), m.end(), self.kind, conf, self.name, f"{a} + {b}", fix=f"{a} {b}")

    @staticmethod
    def _split(lex, tok: str, part_zipf: float, max_whole: float) -> tuple[str, str, float] | None:
        camel = next((i for i, c in enumerate(tok) if c.isupper()), None)
        if camel is not None:
            a, b = tok[:camel], tok[camel:]
            if lex.zipf(tok) <= max_whole and min(lex.zipf(a), lex.zipf(b)) >= part_zipf and len(a) >= 2:
                return a, b, min(lex.zipf(a), lex.zipf(b))
            return None
        if lex.is_derivation(tok):
            return None
        split = lex.best_split(tok, part_zipf, min_part=2)
        whole = lex.zipf(tok)
        # Web text has glued forms of common pairs ("thesame" 1.8): flag those too, when the
        # glued form is far rarer than its rarer part.
        if split is None or (whole > max_whole and whole > split[2] - 2.5):
            return None
        return split

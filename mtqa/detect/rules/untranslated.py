"""``untranslated`` rule: a sentence or clause left in the non-dominant language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register
from mtqa.segment import CJK_PUNCT, HAN, HAN_RE, sentences

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Stretches with no Han, no CJK punctuation and no line break, starting with a letter.
_LATIN_STRETCH_RE = re.compile(f"[A-Za-z][^\\n{HAN}{CJK_PUNCT}]*")
# Stretches of Han text (with CJK punctuation and digits), for Chinese in English text.
_HAN_STRETCH_RE = re.compile(f"[{HAN}][^\\nA-Za-z]*")
_OPENERS = {"“": "”", '"': '"', "《": "》", "「": "」", "『": "』", "(": ")", "（": "）", "‘": "’", "'": "'"}


def _quoted(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` wrapped in quotes or brackets (a title, a name in parentheses)?"""
    i, j = a - 1, b
    while i >= 0 and text[i] == " ":
        i -= 1
    while j < len(text) and text[j] == " ":
        j += 1
    if i < 0 or j >= len(text):
        return False
    closer = _OPENERS.get(text[i])
    return closer is not None and text[j] == closer


@register
class UntranslatedSentence(Rule):
    """Sentences in the other language of a document whose dominant language is clear."""

    name = "untranslated-sentence"
    kind = "untranslated"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        lang = ctx.dominance.language
        if lang == "zh":
            yield from self._latin_in_han(ctx)
        elif lang is not None:
            yield from self._han_in_latin(ctx)

    def _latin_in_han(self, ctx: DocContext) -> Iterator[Span]:
        text, lex = ctx.text, ctx.lexicon
        min_words, min_share = self.params["min_words"], self.params["min_word_share"]
        word_zipf = ctx.det["word_zipf"]
        for m in _LATIN_STRETCH_RE.finditer(text):
            if len(m.group()) < 2 * min_words:
                continue
            for a, b in sentences(text, m.start(), m.end()):
                words = _WORD_RE.findall(text, a, b)
                if len(words) < min_words or _quoted(text, a, b):
                    continue
                known = sum(1 for w in words if w[0].isupper() or lex.zipf(w) >= word_zipf)
                share = known / len(words)
                if share < min_share:
                    continue
                conf = min(0.99, (0.55 + 0.05 * len(words)) * share)
                yield ctx.span(a, b, self.kind, conf, self.name, f"English in a Chinese document ({len(words)} words)")

    def _han_in_latin(self, ctx: DocContext) -> Iterator[Span]:
        text = ctx.text
        min_han = self.params["min_han"]
        for m in _HAN_STRETCH_RE.finditer(text):
            for a, b in sentences(text, m.start(), m.end()):
                n = len(HAN_RE.findall(text, a, b))
                if n < min_han or _quoted(text, a, b):
                    continue
                conf = min(0.99, 0.6 + 0.03 * n)
                yield ctx.span(a, b, self.kind, conf, self.name, f"Chinese in an English document ({n} characters)")

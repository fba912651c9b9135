"""``duplication`` rules: a fragment said twice by mistake."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register
from mtqa.segment import HAN, HAN_RE


@register
class RepeatedFragment(Rule):
    """The same Han fragment twice back to back ("通关通关"); the second copy is flagged."""

    name = "repeated-fragment"
    kind = "duplication"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        lo, hi = self.params["min_chars"], self.params["max_chars"]
        allowed = frozenset(ctx.det["reduplications"])
        pattern = re.compile(f"([{HAN}]{{{lo},{hi}}})\\1")
        for m in pattern.finditer(ctx.text):
            frag = m.group(1)
            if m.group() in allowed or len(set(frag)) == 1:
                continue
            conf = min(0.95, 0.6 + 0.1 * len(frag))
            yield ctx.span(m.start() + len(frag), m.end(), self.kind, conf, self.name, f"repeats '{frag}'", fix="")


@register
class RestartedClause(Rule):
    """A clause that starts again mid-way: X Y X ... Y; the first X Y is flagged."""

    name = "restarted-clause"
    kind = "duplication"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        gap = self.params["max_gap"]
        # "(?!\\2)": X Y X Y is a plain repeat (repeated-fragment's), not a restart.
        pattern = re.compile(f"([{HAN}]{{2,6}})([{HAN}]{{2,4}})\\1(?!\\2)[^。！？；!?;\\n]{{0,{gap}}}?\\2")
        for m in pattern.finditer(ctx.text):
            yield ctx.span(
                m.start(1), m.end(2), self.kind, 0.7, self.name, f"'{m.group(1)}' restarts the clause", fix=""
            )


_TAIL_END_RE = re.compile(r"[,.;:!?，。；：！？]")
_ZH_SENT_END = frozenset("。！？；!?;\n")


@register
class TranslatedTail(Rule):
    """An English tail glued to Chinese that repeats the Chinese just before it.

    Compares the tail with the Han text before the junction using multilingual sentence
    embeddings (:mod:`mtqa.embed`); only junctions with a Han character directly before an
    English phrase are candidates, so the encoder runs only where one is found.
    """

    name = "translated-tail"
    kind = "duplication"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        text = ctx.text
        max_words = self.params["max_words"]
        cands = []
        for j in ctx.junctions:
            if not (j.left_glued and not j.right_glued and j.words >= 2 and HAN_RE.match(text[j.start - 1])):
                continue
            stop = _TAIL_END_RE.search(text, j.start, j.phrase_end)
            end = stop.start() if stop and len(text[j.start : stop.start()].split()) >= 2 else j.phrase_end
            if len(text[j.start : end].split()) > max_words:
                continue
            while end > j.start and text[end - 1] in " \"“”'’":
                end -= 1
            # The Chinese clause before the junction, back to the sentence start.
            a = j.start
            while a > 0 and j.start - a < 60 and text[a - 1] not in _ZH_SENT_END:
                a -= 1
            zh = text[a : j.start]
            options = sorted({zh[-4:], zh})
            cands.append((j.start, end, options))
        if not cands:
            return
        from mtqa.embed import embed

        tails = embed([text[s:e] for s, e, _ in cands])
        heads = embed([o for _, _, opts in cands for o in opts])
        k = 0
        for (s, e, opts), vec in zip(cands, tails, strict=True):
            sims = heads[k : k + len(opts)] @ vec
            k += len(opts)
            best = float(sims.max())
            if best >= self.params["min_similarity"]:
                src = opts[int(sims.argmax())]
                yield ctx.span(s, e, self.kind, min(0.95, best), self.name, f"repeats '{src}' (similarity {best:.2f})")

"""``truncation`` rules: a word or number cut at either end."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from mtqa.detect.base import DIGIT_BIT, NUMERAL_BIT, Candidate, DocContext, Rule, register
from mtqa.detect.junctions import junction_evidence
from mtqa.detect.rules.switch import is_fragment, legit_shape
from mtqa.segment import HAN_DIGIT_VALUES, HAN_NUMERALS


@register
class TruncatedWord(Rule):
    """The first or last word of an English phrase that touches Han text is a fragment
    ("After the two countr1992年", "。ountries, and provided")."""

    name = "truncated-word"
    kind = "truncation"

    def __init__(
        self, min_words: int = 2, min_letters: int = 2, word_zipf: float = 2.5, fragment_gain: float = 1.0
    ) -> None:
        self.min_words = min_words
        self.min_letters = min_letters
        self.word_zipf = word_zipf
        self.fragment_gain = fragment_gain

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        for j in ctx.junctions:
            where = "end" if j.right_glued and not j.left_glued else "start"
            yield Candidate(j.start, j.end, dict(junction_evidence(ctx, j)), f"word cut at its {where}")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if legit_shape(ev) or ev["surname"] or ev["letters"] < max(2, self.min_letters):
            return False
        if ev["name_phrase"] and ev["capital"]:
            return False  # "Emily Benso说": a name, not a cut word
        return (
            ev["words"] >= self.min_words
            and not (ev["left"] and ev["right"])
            and is_fragment(ev, self.word_zipf, self.fragment_gain)
        )

    def confidence(self, cand: Candidate) -> float:
        ev = cand.evidence
        rare = ev["zipf"] < self.word_zipf and not ev["capital"]
        return 0.55 + 0.1 * min(max(ev["gain"], 0.0), 3.0) + (0.1 if rare else 0.0)


_LINE_START_RE = re.compile(r"(?m)^[ \t]*([A-Za-z]+)")
_LOWER_RE = re.compile(r"[a-z]+")
POSITIONS = {"mid": 0.0, "line": 1.0, "sentence": 2.0, "end": 3.0}


def _position(text: str, a: int, b: int) -> str | None:
    """Where the letter run ``text[a:b]`` stands: opening a line or a sentence, before
    punctuation or a line end, or inside a sentence; ``None`` inside a URL, a number, a
    hyphenated or a glued token."""
    before = text[a - 1] if a > 0 else "\n"
    after = text[b] if b < len(text) else "\n"
    if before in "-'’./@_0123456789" or after in "-'’@_0123456789" or not (before.isspace() or before in '("“‘'):
        return None
    if (after in ".,;:!?" and (b + 1 >= len(text) or not text[b + 1].isalnum())) or after == "\n":
        return "end"
    if not after.isspace():
        return None
    i = a - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] == "\n":
        return "line"
    if text[i] in ".!?" and i > 0 and text[i - 1].islower() and i < a - 1:
        return "sentence"
    return "mid"


@register
class CutWord(Rule):
    """A word cut inside English text: a lowercase fragment opening a line or a sentence
    ("nese government", "ablishment of"), a real word opening a line that is much rarer
    than a word it ends ("ration of" <- cooperation), a fragment before punctuation or a line
    end ("the railwa.", "freight trai"), or a fragment that is no word at all inside a
    sentence ("the route's coordina association").

    Evidence: the token's frequency (``zipf``) against the best common word it could have
    been cut from (``gain``: words it ends at a line or sentence start, words it begins
    elsewhere), its ``position``, how often the document writes it (``doc_count``), and how
    many of the document's lines start in lowercase (``lower_lines``, ``lower_line_share``:
    hard-wrapped text starts lines in lowercase on purpose).
    """

    name = "cut-word"
    kind = "truncation"

    def __init__(
        self,
        min_letters: int = 3,
        word_zipf: float = 2.0,
        fragment_gain: float = 2.0,
        line_start_word_gain: float = 1.0,
        end_word_zipf: float = 3.0,
        end_word_gain: float = 2.5,
        mid_gain: float = 3.0,
        max_lower_line_share: float = 0.2,
        wrapped_lines: int = 3,
    ) -> None:
        self.min_letters = min_letters
        self.word_zipf = word_zipf  # below this the token is no word: a fragment if gain allows
        self.fragment_gain = fragment_gain
        self.line_start_word_gain = line_start_word_gain  # a real word opening a line ("ration")
        self.end_word_zipf = end_word_zipf  # a rare word before punctuation ("trai") ...
        self.end_word_gain = end_word_gain  # ... much rarer than a word it begins ("train")
        self.mid_gain = mid_gain  # an absent token inside a sentence ("coordina")
        self.max_lower_line_share = max_lower_line_share  # hard-wrapped text: more lines than
        self.wrapped_lines = wrapped_lines  # this share, and at least this many, open in lowercase

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text, lex = ctx.text, ctx.lexicon
        firsts = _LINE_START_RE.findall(text)  # the first word of every line that opens with one
        line_starts = {w for w in firsts if w[0].islower()}
        lower_lines = sum(1 for w in firsts if w[0].islower())
        share = lower_lines / len(firsts) if firsts else 0.0
        # Candidates: lowercase runs that are rare words or no words, and any lowercase run
        # that opens a line. The lexicon is asked once per distinct run.
        wanted = frozenset(
            t
            for t in ctx.vocabulary
            if len(t) >= 2 and _LOWER_RE.fullmatch(t) and (t in line_starts or lex.zipf(t) < self.end_word_zipf)
        )
        tokens = ctx.tokens
        for k in tokens.where(wanted):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            where = _position(text, a, b)
            if where is None:
                continue
            tok = tokens.words[k]
            at_start = where not in ("line", "sentence")  # where the cut is: a lost end or start
            ev = {
                "position": POSITIONS[where],
                "letters": float(len(tok)),
                "zipf": lex.zipf(tok),
                "gain": lex.fragment_gain(tok, at_start),
                "doc_count": float(ctx.vocabulary.get(tok, 0)),
                "lower_line_share": share,
                "lower_lines": float(lower_lines),
            }
            note = "word cut at its end" if at_start else "word cut at its start"
            yield Candidate(a, b, ev, note)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["letters"] < self.min_letters or ev["doc_count"] >= 2:
            return False
        where = ev["position"]
        wrapped = ev["lower_line_share"] > self.max_lower_line_share and ev["lower_lines"] >= self.wrapped_lines
        if where == POSITIONS["line"] and wrapped:
            return False
        if where == POSITIONS["mid"]:
            return ev["zipf"] == 0.0 and ev["gain"] >= self.mid_gain
        if ev["zipf"] < self.word_zipf and ev["gain"] >= self.fragment_gain:
            return True
        if where == POSITIONS["line"]:
            return ev["gain"] >= self.line_start_word_gain
        return where == POSITIONS["end"] and ev["zipf"] < self.end_word_zipf and ev["gain"] >= self.end_word_gain

    def confidence(self, cand: Candidate) -> float:
        return min(0.9, 0.5 + 0.1 * cand.evidence["gain"])


_DIGITS = "〇零一二三四五六七八九"
_SEAM_RE = re.compile(f"[0-9][{_DIGITS}]|[{_DIGITS}][0-9]")
_DIGIT_RUN_RE = re.compile("[0-9]+")


@register
class TruncatedNumber(Rule):
    """Arabic digits finished in Chinese numerals, or the reverse ("202四" for 2024)."""

    name = "truncated-number"
    kind = "truncation"

    def __init__(self, min_digits: int = 2) -> None:
        self.min_digits = min_digits  # Arabic digits on the seam ("202四": 3; "第2四个" has 1)

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        cls = ctx.classes
        digit, numeral = (cls & DIGIT_BIT) > 0, (cls & NUMERAL_BIT) > 0
        seams = np.nonzero((digit[:-1] & numeral[1:]) | (numeral[:-1] & digit[1:]))[0].tolist()
        for m in (m for i in seams if (m := _SEAM_RE.match(text, i))):
            if text[m.start()].isdigit():  # digits then a numeral: "202四"
                a = m.start()
                while a > 0 and text[a - 1].isdigit():
                    a -= 1
                b = m.end()
                digits = m.start() - a + 1
                clean_edges = (a == 0 or text[a - 1] not in ".,") and (b >= len(text) or text[b] not in HAN_NUMERALS)
            else:  # a numeral then digits: "二024"
                a = m.start()
                run = _DIGIT_RUN_RE.match(text, a + 1)
                b = run.end() if run else a + 1
                digits = b - a - 1
                clean_edges = a == 0 or text[a - 1] not in HAN_NUMERALS
            fix = "".join(str(HAN_DIGIT_VALUES.get(c, c)) for c in text[a:b])
            ev = {"digits": float(digits), "clean_edges": float(clean_edges), "confidence": 0.8}
            yield Candidate(a, b, ev, "number cut and finished in Chinese numerals", fix)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return bool(ev["clean_edges"]) and ev["digits"] >= self.min_digits

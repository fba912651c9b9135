"""``truncation`` rules: a word or number cut at either end."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

import numpy as np

from mtqa.detect.base import DIGIT_BIT, NUMERAL_BIT, Candidate, DocContext, Rule, register
from mtqa.detect.junctions import junction_evidence
from mtqa.detect.lexicon import begins_proper_noun, get_han_lexicon, in_foreign_quote, is_proper_noun
from mtqa.detect.rules.switch import is_fragment, legit_shape
from mtqa.pinyin import is_pinyin, term_readings
from mtqa.segment import CJK_PUNCT, HAN, HAN_DIGIT_VALUES, HAN_NUMERALS, HAN_RE, is_non_ascii_letter


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
_TITLE_RE = re.compile(r"[A-Z][a-z]+")
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
    if text[i] in ".!?" and i < a - 1 and _ends_sentence(text, i):
        return "sentence"
    return "mid"


def _echoes_previous_word(text: str, a: int, tok: str) -> bool:
    """Is ``tok`` (at ``a``) the end of the word before it, across a space or a sentence end
    ("…Turkmenistan. stan", "…capacity. city", "employer ployer")? Then it is a leftover copy."""
    i = a - 1
    while i >= 0 and text[i] in " \t.!?":
        i -= 1
    j = i + 1
    while i >= 0 and text[i].isalpha():
        i -= 1
    word = text[i + 1 : j].lower()
    return len(word) > len(tok) and word.endswith(tok)


# Lowercase abbreviations whose period ends no sentence ("etc. and", "et al. reported").
_ABBREVIATIONS = frozenset({"etc", "al", "approx", "incl", "esp", "vs", "viz", "cf", "ca", "resp", "dept", "govt"})


def _ends_sentence(text: str, i: int) -> bool:
    """Does the ``.``/``!``/``?`` at ``i`` end a sentence? After a lowercase word of three or
    more letters that is no abbreviation, a capitalised word of five or more letters, an
    acronym, a closing quote or bracket, or a digit; not after "Jr.", "Ltd.", "Corp.", "U.S."
    or "etc."."""
    if text[i] in "!?":
        return True
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    word = text[j:i]
    if not word:
        return i > 0 and (text[i - 1].isdigit() or text[i - 1] in '”’)"')
    if j > 0 and text[j - 1] in ".-":
        return False  # "U.S.", "e.g."
    if word.islower():
        return len(word) >= 3 and word not in _ABBREVIATIONS
    # a name or an acronym ("…and Turkmenistan.", "…joined NATO."), not "Jr.", "Ltd.", "Corp."
    return len(word) >= 5 or (word.isupper() and len(word) >= 2)


# A lowercase run opening a sentence inside a line ("…this year. ration between", "… . stan").
_OPENS_SENTENCE_RE = re.compile(r"[.!?][ \t]+([a-z]+)\b")
_OPENER_BEFORE = re.compile(r"[A-Za-z0-9”’)]")


def _alone(text: str, a: int, b: int) -> bool:
    """Does the run ``text[a:b]`` stand as a sentence of its own: after a sentence end on its
    line, and before a sentence end, a line end or a capitalised word ("…Turkmenistan. stan",
    "…divisive. ions Kazakhstan launched")?"""
    i = a - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 1 or i == a - 1 or text[i] not in ".!?" or not _ends_sentence(text, i):
        return False
    j = b
    while j < len(text) and text[j] in " \t":
        j += 1
    return j >= len(text) or text[j] in ".!?\n" or (j > b and text[j].isupper())


# A lowercase word ending a line with no punctuation after it.
_PARA_END_RE = re.compile(r"(?<![A-Za-z])([a-z]+)[ \t]*$")
_LINE_STOP_RE = re.compile(r"[.!?][”\"’')]?\s")


def _prose_line(text: str, i: int, min_words: int = 12) -> bool:
    """Is position ``i`` on a prose paragraph line: not the document's first line (a headline),
    ``min_words`` words or more, with a sentence ending inside it?"""
    a = text.rfind("\n", 0, i) + 1
    if a == 0:
        return False
    b = text.find("\n", i)
    line = text[a : len(text) if b < 0 else b]
    return len(line.split()) >= min_words and _LINE_STOP_RE.search(line) is not None


# A capitalised word (and a linking "of", "for", "and") right before a token: inside a name.
_NAME_BEFORE_RE = re.compile(r"[A-Z][a-z]+ (?:(?:of|for|and|the) )?$")


@register
class CutWord(Rule):
    """A word cut inside English text: a lowercase fragment opening a line or a sentence
    ("nese government", "ablishment of"), a real word opening a line or a sentence that is
    much rarer than a word it ends ("ration of" <- cooperation), a fragment before punctuation
    or a line end ("the railwa.", "freight trai"), a fragment that is no word at all inside a
    sentence ("the route's coordina association", "ultra-high-voltage smission"), or a
    lowercase word standing alone as a sentence ("…Turkmenistan. stan").

    Evidence: the token's frequency (``zipf``) against the best common word it could have
    been cut from (``gain``: words it ends at a line or sentence start, words it begins
    elsewhere; inside a sentence, either), its ``position``, whether it stands alone as a
    sentence (``alone``), how often the document writes it (``doc_count``), and how
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
        mid_zipf: float = 2.5,
        max_lower_line_share: float = 0.2,
        wrapped_lines: int = 3,
        name_zipf: float = 2.0,
        name_gain: float = 3.5,
        para_end_gain: float = 1.0,
        rare_word_letters: int = 5,
    ) -> None:
        self.min_letters = min_letters
        # a lowercase token of this many letters inside a sentence that is no word but begins one
        # the large list knows (however rare): a cut word
        self.rare_word_letters = rare_word_letters
        # a capitalised token after capitalised words, this rare and much rarer than a word it
        # begins, is a name's last word cut ("the Academy of Space Technolo (CAST)")
        self.name_zipf = name_zipf
        self.name_gain = name_gain
        # the last word of a prose paragraph with no final punctuation, rarer than a word it begins
        self.para_end_gain = para_end_gain
        self.word_zipf = word_zipf  # below this the token is no word: a fragment if gain allows
        self.fragment_gain = fragment_gain
        self.line_start_word_gain = line_start_word_gain  # a real word opening a line ("ration")
        self.end_word_zipf = end_word_zipf  # a rare word before punctuation ("trai") ...
        self.end_word_gain = end_word_gain  # ... much rarer than a word it begins ("train")
        self.mid_gain = mid_gain  # a token inside a sentence no more frequent than mid_zipf
        self.mid_zipf = mid_zipf  # ("coordina" 0.0, "produc" 2.05)
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
        alone = {  # lowercase sentence openers
            m.group(1)
            for m in _OPENS_SENTENCE_RE.finditer(text)
            if m.start() > 0 and _OPENER_BEFORE.match(text[m.start() - 1])
        }
        # the last word of a prose paragraph that stops with no punctuation ("…I learned the lang")
        para_ends = {}
        codes = ctx.codes
        ends = np.append(np.nonzero(codes == 10)[0], len(codes))
        ends = ends[ends > 0]
        before = codes[ends - 1]
        ends = ends[((before >= 97) & (before <= 122)) | (before == 32)]  # after a lowercase letter or a space
        for e in ends.tolist():
            m = _PARA_END_RE.search(text, max(0, e - 40), e)
            if m and m.end() == e and _prose_line(text, m.start(1)):
                para_ends[m.end(1)] = m.group(1)
        wanted = frozenset(
            t
            for t in ctx.vocabulary
            if len(t) >= 2
            and _LOWER_RE.fullmatch(t)
            and (t in line_starts or t in alone or lex.zipf(t) < self.end_word_zipf)
        ) | frozenset(para_ends.values())
        # capitalised runs that are no word but begin a common one ("in Septem, after")
        wanted |= frozenset(
            t for t in ctx.vocabulary if len(t) >= 4 and _TITLE_RE.fullmatch(t) and lex.zipf(t) < self.word_zipf
        )
        tokens = ctx.tokens
        for k in tokens.where(wanted):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            where = _position(text, a, b)
            if where is None:
                continue
            tok = tokens.words[k]
            if tok[0].isupper() and where in ("line", "sentence"):
                continue  # a capitalised word opening a sentence is read as a name
            if in_foreign_quote(text, a, b, lex):
                continue  # a word of another language, quoted ("“een avond om nooit te vergeten”")
            at_start = where not in ("line", "sentence")  # where the cut is: a lost end or start
            gain = lex.fragment_gain(tok, at_start)
            if where == "mid" or (where == "end" and lex.zipf(tok) == 0.0):
                # inside a sentence, a token that is no word may have lost either end ("smission,")
                gain = max(gain, lex.fragment_gain(tok, False))
            ev = {
                "position": POSITIONS[where],
                "capital": float(tok[0].isupper()),
                "proper_completion": float(tok[0].isupper() and begins_proper_noun(tok)),
                "para_end": float(b in para_ends),
                "in_name": float(tok[0].isupper() and _NAME_BEFORE_RE.search(text, max(0, a - 40), a) is not None),
                "alone": float(_alone(text, a, b)),
                "letters": float(len(tok)),
                "zipf": lex.zipf(tok),
                "gain": gain,
                "doc_count": float(ctx.vocabulary.get(tok, 0)),
                "lower_line_share": share,
                "lower_lines": float(lower_lines),
                # no word, but the start of one the large list knows, however rare ("flatbr")
                "begins_rare_word": float(
                    where in ("mid", "end")
                    and tok.islower()
                    and len(tok) >= self.rare_word_letters
                    and lex.zipf(tok) == 0.0
                    and lex.begins_longer_word(tok)
                ),
            }
            note = "word cut at its end" if at_start else "word cut at its start"
            fix = None
            if (ev["alone"] or where in ("mid", "end")) and _echoes_previous_word(text, a, tok):
                # "capacity. city Wagons", "a state employer ployer,": a leftover copy
                note, fix = "the end of the previous word said again", ""
            yield Candidate(a, b, ev, note, fix)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["letters"] < self.min_letters or ev["doc_count"] >= 2:
            return False
        where = ev["position"]
        wrapped = ev["lower_line_share"] > self.max_lower_line_share and ev["lower_lines"] >= self.wrapped_lines
        if where == POSITIONS["line"] and wrapped:
            return False
        if ev["para_end"] and ev["gain"] >= self.para_end_gain:
            return True  # a paragraph cut off mid-word: "…why I learned the lang"
        if ev["capital"]:  # "Septem", "Uzbekist": no word, the start of a month, day, country or language
            if ev["in_name"] and ev["zipf"] < self.name_zipf and ev["gain"] >= self.name_gain:
                return True  # "Academy of Space Technolo": the last word of a name, cut
            return ev["zipf"] < self.word_zipf and bool(ev["proper_completion"])
        if ev["alone"] and not wrapped:
            return True  # a lowercase "sentence" of one word: what a cut left behind
        if ev.get("begins_rare_word"):
            return True  # "the risk of overdepen on China", "a layered flatbr fried in lard"
        if where == POSITIONS["mid"]:
            return ev["zipf"] <= self.mid_zipf and ev["gain"] >= self.mid_gain
        if ev["zipf"] < self.word_zipf and ev["gain"] >= self.fragment_gain:
            return True
        if where in (POSITIONS["line"], POSITIONS["sentence"]):
            return ev["gain"] >= self.line_start_word_gain
        return where == POSITIONS["end"] and ev["zipf"] < self.end_word_zipf and ev["gain"] >= self.end_word_gain

    def confidence(self, cand: Candidate) -> float:
        return min(0.9, 0.5 + 0.1 * cand.evidence["gain"])


_DIGITS = "〇零一二三四五六七八九"
# Units after a number: with one of these after it, one Arabic digit finished in a numeral is
# damage too ("1五万辆" for 15万, "10月2七日" for 27日, "3268.4五点" for 3268.45点).
_UNITS = frozenset("万亿日月年号时点分秒%％元米吨辆座台艘架瓦公千")  # 公里, 千米: the first character
# counters after a number cut and finished in a numeral ("直播了2八天"); not after a bare point,
# where an English sentence ending in a number may meet Chinese ("in 2023.人们")
_COUNTERS = frozenset("天周倍届批轮户亩斤套部张名人次家项件层条场岁")


def _digit_run_start(text: str, i: int) -> int:
    """Where the run of Arabic digits that ``text[i]`` belongs to starts."""
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    return i


def _in_digits(number: str) -> str:
    """A number with its Chinese digits written as Arabic ones ("202四" -> "2024")."""
    return "".join(str(HAN_DIGIT_VALUES.get(c, c)) for c in number)


_UNIT_CODES = np.array(sorted(ord(c) for c in _UNITS), dtype=np.uint32)
# digits and a decimal point right before a Chinese unit: the fraction was cut ("41.米")
_BARE_POINT_RE = re.compile(f"(?<![0-9.,])[0-9]+\\.(?=[{''.join(sorted(_UNITS))}])")
_DECIMAL_SEAM_RE = re.compile(f"(?<![0-9.])[0-9]+\\.[{_DIGITS}](?![{_DIGITS}0-9])")
_SEAM_RE = re.compile(f"[0-9][{_DIGITS}]|[{_DIGITS}][0-9]")
_DIGIT_RUN_RE = re.compile("[0-9]+")
# hours:minutes:one digit of seconds, nothing more of the number after ("2:21:3夺冠")
_CUT_TIME_RE = re.compile(r"[0-9]{1,2}:[0-5][0-9]:[0-9](?![0-9:])")


@register
class TruncatedNumber(Rule):
    """Arabic digits finished in Chinese numerals, or the reverse ("202四" for 2024); one digit
    is enough before a unit ("1五万辆" for 15万, "10月2七日" for 27日) or after a decimal point
    ("3268.4五点", "418.三亿元"), or a decimal point with no digits after it before a unit ("41.米")."""

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
                a = _digit_run_start(text, m.start())
                b = m.end()
                digits = m.start() - a + 1
                fraction = a >= 2 and text[a - 1] == "." and text[a - 2].isdigit()
                if fraction:  # "3268.4五": the whole decimal
                    a = _digit_run_start(text, a - 2)
                while a >= 2 and text[a - 1] == "," and text[a - 2].isdigit():  # "1,28零": a grouped number
                    a = _digit_run_start(text, a - 2)
                    digits = sum(c.isdigit() for c in text[a : m.start() + 1])
                clean_edges = (a == 0 or text[a - 1] not in ".,") and (b >= len(text) or text[b] not in HAN_NUMERALS)
            else:  # a numeral then digits: "二024"
                a = m.start()
                run = _DIGIT_RUN_RE.match(text, a + 1)
                b = run.end() if run else a + 1
                digits = b - a - 1
                fraction = False
                clean_edges = a == 0 or text[a - 1] not in HAN_NUMERALS
            fix = _in_digits(text[a:b])
            unit = float(text[b : b + 1] in _UNITS or text[b : b + 1] in _COUNTERS)  # "1五万辆", "2八天"
            ev = {"digits": float(digits), "clean_edges": float(clean_edges), "unit": unit, "confidence": 0.8}
            ev["fraction"] = float(fraction)  # a fraction's digits finished in a numeral ("3268.4五")
            # English text never finishes a number in Chinese numerals ("September 2零")
            ev["english_text"] = float(ctx.dominance.language == "en")
            yield Candidate(a, b, ev, "number cut and finished in Chinese numerals", fix)
        decimal = np.nonzero(digit[:-2] & (ctx.codes[1:-1] == ord(".")) & numeral[2:])[0].tolist()
        for m in (m for i in decimal if (m := _DECIMAL_SEAM_RE.match(text, _digit_run_start(text, i)))):
            # "418.三亿元": a decimal finished in a numeral
            a, b = m.start(), m.end()
            fix = _in_digits(text[a:b])
            unit = float(text[b : b + 1] in _UNITS)  # "3.七万辆"
            ev = {"digits": float(b - a - 2), "clean_edges": 1.0, "unit": unit, "confidence": 0.8}
            yield Candidate(a, b, ev, "number cut and finished in Chinese numerals", fix)
        yield from self._cut_times(text)
        codes = ctx.codes
        units = np.isin(codes[2:], _UNIT_CODES)
        points = np.nonzero(digit[:-2] & (codes[1:-1] == ord(".")) & units)[0].tolist()
        for m in (m for i in points if (m := _BARE_POINT_RE.match(text, _digit_run_start(text, i)))):
            # "达到41.米": the fraction's digits lost between the point and a Chinese unit
            ev = {"digits": float(m.end() - m.start() - 1), "clean_edges": 1.0, "unit": 1.0, "confidence": 0.7}
            yield Candidate(m.start(), m.end(), ev, "decimal number cut after its point")

    def _cut_times(self, text: str) -> Iterator[Candidate]:
        """A race time that lost its last digit: hours, minutes and one digit of seconds
        ("以2:21:3夺冠" for 2:21:38); a clock time or a score has no third field."""
        i = text.find(":")
        while i >= 0:
            j = i
            while j > 0 and text[j - 1].isdigit():
                j -= 1
            m = _CUT_TIME_RE.match(text, j) if j < i and (j == 0 or text[j - 1] not in ":.") else None
            if m is not None:
                ev = {"digits": 1.0, "clean_edges": 1.0, "unit": 1.0, "confidence": 0.7}
                yield Candidate(m.start(), m.end(), ev, "time cut in its seconds")
            i = text.find(":", m.end() if m is not None else i + 1)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return bool(ev["clean_edges"]) and (
            ev["digits"] >= self.min_digits
            or bool(ev["unit"])
            or bool(ev.get("fraction"))
            or bool(ev.get("english_text"))
        )


# A lowercase Latin run standing between Han text or Chinese punctuation (or ending a line
# after them), spaced on at least one side (glued runs are the junction rules'): "飞手们收拾好设备
# ment，又开始", "…海滨步道。 kway.".
_STRAY_RE = re.compile(f"(?<=[{HAN}{CJK_PUNCT}])( ?)([a-z]+)( ?)(?=[{HAN}{CJK_PUNCT}]|[.,;:!?]?[ \t]*$)", re.M)


@register
class StrayFragment(Rule):
    """A piece of a cut English word left standing in Chinese text ("设备 ment，"): a
    lowercase run that is no word of its own but the end or the start of a common one.

    Evidence: its frequency (``zipf``) and how much more frequent the best word it could be
    cut from is (``gain``, either end). Lowercase words Chinese text borrows (``app``, ``ok``,
    ``pro``, ``wifi``) are words, with no much more frequent completion."""

    name = "stray-fragment"
    kind = "truncation"

    def __init__(
        self, min_letters: int = 3, max_zipf: float = 4.0, min_gain: float = 2.0, line_end_gain: float = 1.0
    ) -> None:
        self.min_letters = min_letters
        self.max_zipf = max_zipf  # more frequent runs are words ("online", "smart")
        self.min_gain = min_gain
        self.line_end_gain = line_end_gain  # alone after a Chinese sentence, ending its line ("。 kway.")

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != "zh":
            return
        lex = ctx.lexicon
        for m in _STRAY_RE.finditer(ctx.text):
            tok = m.group(2)
            after = ctx.text[m.end() : m.end() + 1]  # "" at the end of the text ends its line too
            line_end = not after or not (HAN_RE.match(after) or after in CJK_PUNCT)
            if len(tok) == 1 and m.group(1) and m.group(3) and not line_end:
                # one lowercase letter spaced between Chinese words ("选手的 a 经济曲线"): a stray
                # article or the piece of a cut word; glued ones are mid-word-switch's
                ev = {"letters": 1.0, "zipf": lex.zipf(tok), "gain": 0.0, "line_end": 0.0, "lone_letter": 1.0}
                yield Candidate(m.start(2), m.end(2), ev, "lone letter standing in Chinese")
                continue
            if not (m.group(1) or m.group(3)) or len(tok) < self.min_letters:
                continue
            gain = max(lex.fragment_gain(tok, True), lex.fragment_gain(tok, False))
            ev = {"letters": float(len(tok)), "zipf": lex.zipf(tok), "gain": gain, "line_end": float(line_end)}
            yield Candidate(m.start(2), m.end(2), ev, "piece of a cut English word standing in Chinese")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev.get("lone_letter"):
            return True
        gain = self.line_end_gain if ev["line_end"] else self.min_gain
        return ev["letters"] >= self.min_letters and ev["zipf"] < self.max_zipf and ev["gain"] >= gain

    def confidence(self, cand: Candidate) -> float:
        return min(0.85, 0.5 + 0.1 * cand.evidence["gain"])


_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
# A three-digit "year" where a year stands: after a preposition of time or a month, before
# punctuation or a line end ("signed in 202, while", "since 201."), or before 年 ("202年").
_THREE_DIGITS_RE = re.compile(r"[12][089][0-9](?![0-9])")  # a cheap pre-filter
_CUT_YEAR_EN_RE = re.compile(
    rf"\b(?:in|since|until|before|after|{_MONTH_NAMES})(?: \d{{1,2}},)? (1[89]\d|20\d)(?=[.,;:!?)]|\s*$)", re.M
)
# after a month, a three-digit number before a capitalised word is a year too ("In June 202 Chang'e-6")
_CUT_YEAR_MONTH_RE = re.compile(rf"\b(?:{_MONTH_NAMES}) (1[89]\d|20\d)(?= [A-Z])")
_CUT_YEAR_ZH_RE = re.compile(r"(?<![0-9０-９公元（(前])(1[89]\d|20\d)(?=年)")
# a year that lost its first digit before 年: no year opens with 0 ("013年起" for 2013年)
_HEADLESS_YEAR_RE = re.compile(r"(?<![0-9０-９.,])0[0-9]{2}(?=年)")


@register
class CutYear(Rule):
    """A year that lost its last digit: three digits from 180 to 209 where a year stands
    ("signed in 202, while", "June 5, 202.", "于202年"). Modern text writes these years with
    four digits; a bracketed or 公元 year ("建安七年（202年）") is history and stays. In Chinese
    text, a year that lost its first digit too: no year opens with 0 ("013年起")."""

    name = "cut-year"
    kind = "truncation"

    def __init__(self, confidence: float = 0.6) -> None:
        self.level = confidence

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        patterns = (_CUT_YEAR_ZH_RE,) if ctx.dominance.language == "zh" else (_CUT_YEAR_EN_RE, _CUT_YEAR_MONTH_RE)
        for d in _THREE_DIGITS_RE.finditer(text):
            a = max(0, d.start() - 40)  # the context the patterns look at, before and after
            hits = (m for p in patterns for m in p.finditer(text, a, min(len(text), d.end() + 40)))
            if any(m.start(1) == d.start() for m in hits):
                yield Candidate(d.start(), d.end(), {"digits": 3.0}, "year cut to three digits")
        if ctx.dominance.language == "zh":
            for m in _HEADLESS_YEAR_RE.finditer(text):
                ev = {"digits": 3.0}
                yield Candidate(m.start(), m.end(), ev, "year without its first digit", fix="2" + m.group())

    def accept(self, cand: Candidate) -> bool:
        return True

    def confidence(self, cand: Candidate) -> float:
        return self.level


# A lowercase word, a space, and a bound suffix standing as a word of its own: "fulfil ment".
_SPLIT_RE = re.compile(r" (ment|ments|tion|tions|sion|sions|ness|ity|ities|ance|ence|ization|ism|ist|ists)\b")
_WORD_BEFORE_RE = re.compile(r"(?<![A-Za-z])[a-z]{2,}$")


@register
class SplitWord(Rule):
    """A word split in two by a space ("fulfil ment", "infrastruc ture" is cut-word's): the
    second part is a suffix that is no word of its own, and the two parts joined are a word.

    Evidence: the joined word's frequency (``joined_zipf``) and the suffix's own (``part_zipf``).
    The fix joins them."""

    name = "split-word"
    kind = "truncation"

    def __init__(self, min_joined_zipf: float = 2.5, max_part_zipf: float = 3.5) -> None:
        self.min_joined_zipf = min_joined_zipf
        self.max_part_zipf = max_part_zipf  # "ness" (Loch Ness) 3.6 is a word

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        lex = ctx.lexicon
        text = ctx.text
        for m in _SPLIT_RE.finditer(text):
            w = _WORD_BEFORE_RE.search(text, max(0, m.start() - 30), m.start())
            if w is None:
                continue
            joined = w.group() + m.group(1)
            ev = {"joined_zipf": lex.zipf(joined), "part_zipf": lex.zipf(m.group(1))}
            yield Candidate(w.start(), m.end(), ev, f"word split by a space ({joined})", joined)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return ev["joined_zipf"] >= self.min_joined_zipf and ev["part_zipf"] <= self.max_part_zipf

    def confidence(self, cand: Candidate) -> float:
        return 0.8


_JOINERS = ("-", "'", "’")


def _inside_longer_run(text: str, a: int, b: int, joined_before: bool) -> bool:
    """Is the letter run ``text[a:b]`` part of something longer: a compound or a name joined with
    a hyphen or apostrophe after it (and before it, with ``joined_before``: "Mirzi-style"), or a
    run that a non-ASCII letter continues ("Kahramanmaraş")?"""
    nxt, prev = text[b : b + 1], text[a - 1 : a] if a else ""
    if nxt in _JOINERS or (joined_before and prev in _JOINERS):
        return True
    return any(is_non_ascii_letter(c) for c in nxt + prev)


def _dot_name_parts(text: str, max_part: int = 8) -> set[str]:
    """Parts of foreign names joined with ·, less the first: where a first part starts, nothing
    says ("会谈总统沙夫卡特·米尔济约耶夫"), nor where a last part ends unless a bracket follows it
    ("米尔济约耶夫（Shavkat Mirziyoyev）"; not "肯尼迪说")."""
    out: set[str] = set()
    i = text.find("·")
    while i >= 0:
        b = i + 1
        while b < len(text) and HAN_RE.match(text[b]):
            b += 1
        last = b >= len(text) or text[b] != "·"
        if b - i - 1 <= max_part and (not last or text[b : b + 1] in ("（", "(")):
            out.add(text[i + 1 : b])
        i = text.find("·", b)
    return out


@cache
def _country_names_zh() -> frozenset[str]:
    """Chinese names of countries (CLDR via Babel), less the long official forms whose tails are
    words of their own (…共和国, …王国, …联邦)."""
    from babel import Locale

    out = set()
    for code, name in Locale.parse("zh_Hans").territories.items():
        whole_han = len(code) == 2 and code.isalpha() and all(HAN_RE.match(c) for c in name)
        if whole_han and not any(w in name for w in ("共和国", "王国", "联邦", "合众国", "群岛", "联合")):
            out.add(name)
    return frozenset(out)


@register
class CutHanName(Rule):
    """A foreign name in Chinese that lost its first characters ("这是尔济约耶夫今年首次访华" for
    米尔济约耶夫, "兹别克斯坦" for 乌兹别克斯坦): the tail of a name the document writes whole
    elsewhere (a part of a name joined with ·) or of a country's name (CLDR), standing without
    its head. Tails shorter than ``min_tail`` are words too often (罗斯 of 俄罗斯 is in 罗斯福).

    Evidence: the characters lost (``lost``) and the tail's length (``tail``)."""

    name = "cut-han-name"
    kind = "truncation"

    def __init__(self, min_name: int = 4, min_tail: int = 4, max_lost: int = 2, min_doc_tail: int = 3) -> None:
        self.min_name = min_name  # names this long (Han characters) or longer
        self.min_tail = min_tail  # what is left must be this long
        # ... or this long, of a name the document writes with · ("斯滕森" of 拉斯·克里斯滕森)
        self.min_doc_tail = min_doc_tail
        self.max_lost = max_lost  # characters lost at the start, at most

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != "zh":
            return
        text = ctx.text
        countries = {n for n in _country_names_zh() if len(n) >= self.min_name}
        written = {p for p in _dot_name_parts(text) if len(p) >= self.min_name}
        names = countries | written
        tails: dict[str, tuple[str, str]] = {}
        for n in names:
            shortest = self._shortest_tail(n in written)
            for k in range(1, self.max_lost + 1):
                tail = n[k:]
                if len(tail) >= shortest and tail not in names:
                    tails.setdefault(tail, (n, n[:k]))
        if not tails:
            return
        # one pass over the text, longest tails first (a shorter tail inside a longer one is not
        # found on its own)
        pattern = re.compile("|".join(re.escape(t) for t in sorted(tails, key=len, reverse=True)))
        ending = {t: [n for n in names if n.endswith(t)] for t in tails}  # the names each tail ends
        for m in pattern.finditer(text):
            tail, a = m.group(), m.start()
            whole, head = tails[tail]
            if any(text[max(0, a - len(n) + len(tail)) : m.end()] == n for n in ending[tail]):
                continue  # the name written whole (this one or another with the same tail)
            ev = {"lost": float(len(head)), "tail": float(len(tail)), "written": float(whole in written)}
            yield Candidate(a, m.end(), ev, f"{whole} without its first {len(head)} character(s)")

    def _shortest_tail(self, written: bool) -> int:
        """The shortest tail that counts: shorter for a name the document writes with ·."""
        return min(self.min_tail, self.min_doc_tail) if written else self.min_tail

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return ev["tail"] >= self._shortest_tail(bool(ev.get("written"))) and ev["lost"] <= self.max_lost

    def confidence(self, cand: Candidate) -> float:
        return 0.75


# a Han run that opens a line, and one that closes a clause
_LINE_START_HAN_RE = re.compile(f"^[{HAN}]{{2,}}", re.MULTILINE)
_CLAUSE_END_HAN_RE = re.compile(f"[{HAN}]{{2,}}(?=[。！？；，、：”」）)\\n]|$)")


@register
class CutHanWord(Rule):
    """A Chinese word cut at a line start or a clause end: the line opens with the tail of a word
    ("牙利投资促进局" for 匈牙利, "内人士指出" for 业内人士) or the clause closes on its head
    ("来到了多瑙。" for 多瑙河). The piece is no word of the Chinese list, does not read as two
    common words (``好了`` and ``我看`` are absent from the list but split into 好+了, 我+看),
    and a frequent word of the list ends (or begins) with it. The fix is that word.

    Evidence: the piece's own zipf (``piece_zipf``), its best two-word split (``split_zipf``),
    the whole word's zipf (``word_zipf``) and its length (``chars``)."""

    name = "cut-han-word"
    kind = "truncation"

    def __init__(
        self, max_chars: int = 6, max_piece_zipf: float = 1.5, max_split_zipf: float = 4.95, min_word_zipf: float = 2.5
    ) -> None:
        self.max_chars = max_chars  # pieces of 2 to this many characters
        self.max_piece_zipf = max_piece_zipf  # a piece more frequent than this is a word ("人士")
        # a piece that splits into two words this common is ordinary text ("很久" = 很 + 久, 4.98)
        self.max_split_zipf = max_split_zipf
        # the word it was cut from is at least this common (the index holds words from HanLexicon.COMPLETION_FLOOR)
        self.min_word_zipf = min_word_zipf

    def _suspects(self, lost_start: bool) -> dict[str, tuple[str, dict[str, float]]]:
        """Pieces that could be a word cut (no word, no two common words, a common word they
        end or begin), with the word and the evidence; computed once per rule and side (one
        hash look-up per piece of the text afterwards)."""
        cache = self.__dict__.setdefault("_suspect_cache", {})
        key = (lost_start, self.max_chars, self.max_piece_zipf, self.max_split_zipf, self.min_word_zipf)
        if key not in cache:
            lex = get_han_lexicon()
            out = {}
            for piece, (word, z) in lex.pieces(at_start=not lost_start).items():
                if len(piece) > self.max_chars or z < self.min_word_zipf:
                    continue
                pz = lex.zipf(piece)
                if pz > self.max_piece_zipf:
                    continue
                sz = lex.split_zipf(piece)
                if sz <= self.max_split_zipf:
                    out[piece] = (
                        word,
                        {"piece_zipf": pz, "split_zipf": sz, "word_zipf": z, "chars": float(len(piece))},
                    )
            cache[key] = out
        return cache[key]

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != "zh":
            return
        text = ctx.text
        for regex, lost_start in ((_LINE_START_HAN_RE, True), (_CLAUSE_END_HAN_RE, False)):
            suspects = self._suspects(lost_start)
            for m in regex.finditer(text):
                run = m.group()
                for k in range(min(self.max_chars, len(run)), 1, -1):
                    piece = run[:k] if lost_start else run[-k:]
                    if piece in suspects:
                        word, ev = suspects[piece]
                        a = m.start() if lost_start else m.end() - k
                        where = "its start" if lost_start else "its end"
                        yield Candidate(a, a + k, dict(ev), f"'{piece}' is {word} without {where}", fix=word)
                        break

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return (
            2 <= ev["chars"] <= self.max_chars
            and ev["piece_zipf"] <= self.max_piece_zipf
            and ev["split_zipf"] <= self.max_split_zipf
            and ev["word_zipf"] >= self.min_word_zipf
        )

    def confidence(self, cand: Candidate) -> float:
        return 0.6


@register
class CutDocumentWord(Rule):
    """A word cut short that the document writes whole elsewhere ("Mirzi约耶夫" where the text
    also has "Mirziyoyev"): a letter run found once, no word of its own, that begins a longer
    run of the document. The document's own vocabulary says what the lexicon cannot for names.

    Evidence: the fragment's frequency (``zipf``), the letters the whole word has beyond it
    (``missing``), and whether the fragment reads as pinyin (``pinyin``: "Xin" begins "Xinjiang"
    and is a name of its own)."""

    name = "cut-document-word"
    kind = "truncation"

    def __init__(
        self,
        min_letters: int = 4,
        max_zipf: float = 2.0,
        min_missing: int = 2,
        glued_min_letters: int = 3,
        glued_max_zipf: float = 4.0,
    ) -> None:
        self.min_letters = min_letters
        # a capitalised fragment glued to the Han rest of the name: a name cut across scripts
        # ("Hof鲍尔" where the text has "Hofbauer"), shorter and more frequent ones too
        self.glued_min_letters = glued_min_letters
        self.glued_max_zipf = glued_max_zipf
        self.max_zipf = max_zipf  # a fragment more frequent than this is a word ("Uzbek" of "Uzbekistan")
        self.min_missing = min_missing  # the whole word is at least this much longer

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        vocab = ctx.vocabulary
        shortest = min(self.min_letters, self.glued_min_letters)
        words = sorted(w for w in vocab if len(w) >= shortest + self.min_missing)
        lex = ctx.lexicon
        found: dict[str, dict[str, float]] = {}
        for tok, n in vocab.items():
            if n != 1 or len(tok) < shortest or tok.isupper() or not tok.isalpha():
                continue
            i = bisect_right(words, tok)
            if i >= len(words) or not words[i].startswith(tok) or len(words[i]) - len(tok) < self.min_missing:
                continue
            zipf = lex.zipf(tok)
            if zipf >= max(self.max_zipf, self.glued_max_zipf):
                continue
            found[tok] = {"zipf": zipf, "missing": float(len(words[i]) - len(tok)), "pinyin": float(is_pinyin(tok))}
        if not found:
            return
        tokens = ctx.tokens
        for k in tokens.where(frozenset(found)):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            if _inside_longer_run(ctx.text, a, b, joined_before=False):
                continue  # a compound's first part ("Mirzi-style"), or a run a letter like ş ends ("Kahramanmaraş")
            nxt = ctx.text[b : b + 1]
            tok = tokens.words[k]
            ev = dict(found[tok])
            ev["letters"] = float(len(tok))
            # (a country's or language's name is whole: "Kyrgyz方" is 吉方, glued-word's)
            ev["glued_han"] = float(tok[0].isupper() and HAN_RE.match(nxt) is not None and not is_proper_noun(tok))
            yield Candidate(a, b, ev, f"cut short: the document writes a longer word starting '{tok}'")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["missing"] < self.min_missing or ev["pinyin"]:
            return False
        if ev.get("glued_han"):
            return ev["letters"] >= self.glued_min_letters and ev["zipf"] < self.glued_max_zipf
        return ev["letters"] >= self.min_letters and ev["zipf"] < self.max_zipf

    def confidence(self, cand: Candidate) -> float:
        return 0.7


_ACRONYM_RE = re.compile(r"[A-Z]{2,}")


@register
class CutAcronym(Rule):
    """An acronym that lost its first letters at a line or sentence start ("RCEP" written
    "CEP生效以来" at a line start, "EDG" as "DG"): a capital run found once that ends another
    capital run of the document. "WCBA和CBA" in running text is left alone: the cut has to
    stand where pipelines cut.

    Evidence: the letters lost (``lost``) and the whole acronym's count (``whole_count``)."""

    name = "cut-acronym"
    kind = "truncation"

    def __init__(self, min_letters: int = 2, max_lost: int = 2) -> None:
        self.min_letters = min_letters
        self.max_lost = max_lost

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        vocab = ctx.vocabulary
        caps = [t for t in vocab if _ACRONYM_RE.fullmatch(t)]
        if len(caps) < 2:
            return
        tails: dict[str, str] = {}  # the end of a capital run -> the most frequent run it ends
        for w in caps:
            for k in range(1, min(self.max_lost, len(w) - self.min_letters) + 1):
                if w[k:] not in tails or vocab[w] > vocab[tails[w[k:]]]:
                    tails[w[k:]] = w
        found = {t: tails[t] for t in caps if vocab[t] == 1 and t in tails}
        if not found:
            return
        text, tokens = ctx.text, ctx.tokens
        for k in tokens.where(frozenset(found)):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            before = text[a - 1] if a > 0 else "\n"
            if before not in "\n。！？":
                continue  # inside running text, glued to Han too ("WCBA和CBA"): an acronym of its own
            if b < len(text) and ((text[b].isascii() and text[b].isalnum()) or text[b] in "-&"):
                continue  # part of a longer code ("CEP-2")
            tok = tokens.words[k]
            whole = found[tok]
            ev = {"lost": float(len(whole) - len(tok)), "whole_count": float(vocab[whole]), "letters": float(len(tok))}
            yield Candidate(a, b, ev, f"'{whole}' without its first letter(s)", fix=whole)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return ev["letters"] >= self.min_letters and ev["lost"] <= self.max_lost and ev["whole_count"] >= 1


_TITLE_RUN_RE = re.compile(r"[A-Z][a-z]+")
_CAMEL_RUN_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)?")  # "Samarka", "GitHu"


@register
class CutKnownName(Rule):
    """A capitalised letter run that no word list knows but that begins a longer word the large
    list does ("a 26-year-old from Samarka", "美国Landsa 8卫星", "安集延（Andija）"): a name
    cut short, in any language's document. The document need not write the whole name (that is
    ``cut-document-word``'s evidence).

    A shorter or camel-case run ("GitHu上", "TikTo上") needs more: it is in no list at all and
    begins a word that Chinese text often writes in Latin (wordfreq's zh list: brands and names
    such as GitHub, TikTok), so a word of its own that merely begins a rare English one stays.

    Evidence: ``letters``, whether the run reads as pinyin (``pinyin``: Chinese names are their own
    words), how often the document writes it (``doc_count``) and, for short and camel-case runs,
    the zh list's zipf of the Latin word it begins (``zh_completion_zipf``)."""

    name = "cut-known-name"
    kind = "truncation"

    def __init__(self, min_letters: int = 6, short_min_letters: int = 4, short_completion_zipf: float = 2.0) -> None:
        self.min_letters = min_letters  # shorter runs are often names of their own ("Uzum", "Modro")
        # ... unless Chinese text writes the word they begin in Latin this often (zh list zipf)
        self.short_min_letters = short_min_letters
        self.short_completion_zipf = short_completion_zipf

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        lex, vocab, text = ctx.lexicon, ctx.vocabulary, ctx.text
        # run -> (the whole word, the zh list's zipf of it for a short run; -1.0 for a long one)
        found: dict[str, tuple[str | None, float]] = {}
        for t in vocab:
            if len(t) < self.short_min_letters or lex.zipf(t) > 0.0 or not _CAMEL_RUN_RE.fullmatch(t):
                continue
            # a word glued to a function word is a merge ("Centerin"): merged-words'
            if any(lex.zipf(t[:i]) >= 3.0 and lex.zipf(t[i:]) >= 6.5 for i in range(3, len(t) - 1)):
                continue
            if len(t) >= self.min_letters and _TITLE_RUN_RE.fullmatch(t) and lex.begins_longer_word(t, 1):
                found[t] = (lex.best_completion(t), -1.0)
            elif lex.zh_latin_zipf(t) == 0.0:
                whole, z = lex.zh_latin_completion(t)
                if whole is not None:
                    found[t] = (whole, z)
        if not found:
            return
        tokens = ctx.tokens
        for k in tokens.where(frozenset(found)):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            if _inside_longer_run(text, a, b, joined_before=True):
                continue  # part of a compound, or of a run a non-ASCII letter ends ("Kahramanmaraş")
            tok = tokens.words[k]
            whole, zh_z = found[tok]
            ev = {"letters": float(len(tok)), "pinyin": float(is_pinyin(tok)), "doc_count": float(vocab.get(tok, 0))}
            ev["zh_completion_zipf"] = zh_z
            fix = tok + whole[len(tok) :] if whole else None  # "Landsa" -> "Landsat", "GitHu" -> "GitHub"
            yield Candidate(a, b, ev, f"'{tok}' is no word but begins one ('{fix}'): a name cut short", fix=fix)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        short = ev.get("zh_completion_zipf", -1.0) >= 0.0  # judged by the word Chinese writes in Latin
        if short and ev["zh_completion_zipf"] < self.short_completion_zipf:
            return False
        return not ev["pinyin"] and ev["doc_count"] < 2

    def confidence(self, cand: Candidate) -> float:
        return 0.6


# Latin in brackets (matched at each bracket right after a Han character; the term before is
# read backwards from there)
_GLOSS_BODY_RE = re.compile(r"([A-Za-z][A-Za-z ]{2,40})[)）]")
_HAN_TERM_RE = re.compile(f"[{HAN}]{{2,8}}$")


def _brackets_after_han(text: str) -> Iterator[re.Match[str]]:
    """Matches of ``_GLOSS_BODY_RE`` right after an opening bracket that follows a Han character
    (found with ``str.find``: a regex scan of a long text costs more than the whole rule)."""
    for opener in "（(":
        i = text.find(opener, 1)
        while i >= 0:
            if HAN_RE.match(text[i - 1]) and (m := _GLOSS_BODY_RE.match(text, i + 1)):
                yield m
            i = text.find(opener, i + 1)


def _names_the_head(term: str, key: str, word_zipf: float = 3.0) -> bool:
    """Is ``key`` the whole reading of the term's first characters, the rest a common Chinese
    word ("普纳高原（Puna）": the name glossed, 高原 'plateau' left to the English)?"""
    lex = get_han_lexicon()
    return any(key in term_readings(term[:k]) and lex.zipf(term[k:]) >= word_zipf for k in range(1, len(term) - 1))


@register
class CutPinyinGloss(Rule):
    """A pinyin gloss cut short: the Latin in brackets after a Chinese term begins the term's
    reading but stops before its end ("拼多多（Pinduod）" for Pinduoduo). A gloss that is the
    whole reading ("拼多多（Pinduoduo）"), or no reading at all ("海豚（dolphin）"), is left alone."""

    name = "cut-pinyin-gloss"
    kind = "truncation"

    def __init__(self, min_letters: int = 4, min_missing: int = 1) -> None:
        self.min_letters = min_letters  # letters of the gloss, spaces left out
        self.min_missing = min_missing  # letters of the reading the gloss lacks, at least

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        for m in _brackets_after_han(text):
            key = m.group(1).replace(" ", "").lower()
            term = _HAN_TERM_RE.search(text, max(0, m.start() - 9), m.start() - 1)
            if len(key) < self.min_letters or term is None:
                continue
            readings = term_readings(term.group())
            if key in readings:
                continue
            longer = [r for r in readings if r.startswith(key)]
            if not longer or _names_the_head(term.group(), key):
                continue
            missing = min(len(r) for r in longer) - len(key)
            a, b = m.start(1), m.end(1)
            ev = {"letters": float(len(key)), "missing": float(missing)}
            yield Candidate(a, b, ev, f"the gloss stops short of the reading '{min(longer, key=len)}'")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return ev["letters"] >= self.min_letters and ev["missing"] >= self.min_missing

    def confidence(self, cand: Candidate) -> float:
        return 0.7

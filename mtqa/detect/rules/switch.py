"""``switch`` rules: a word or a sentence that changes script mid-way.

The three junction rules read :func:`mtqa.detect.junctions.junction_evidence` and decide
with their own thresholds; ``stray-han`` looks at the other direction (Han inside English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.detect.junctions import junction_evidence
from mtqa.detect.lexicon import NAME_MAX_BORROW_GAP, is_proper_noun
from mtqa.pinyin import pinyin_split
from mtqa.segment import HAN, HAN_RE


def junction_window(text: str, start: int, end: int, left: bool, right: bool, window: int) -> tuple[int, int]:
    """Extend ``[start, end)`` by up to ``window`` Han characters on each glued side
    (punctuation the token touches is not part of the damage)."""
    a, b = start, end
    if left:
        while a > 0 and start - a < window and HAN_RE.match(text[a - 1]):
            a -= 1
    if right:
        while b < len(text) and b - end < window and HAN_RE.match(text[b]):
            b += 1
    return a, b


def legit_shape(ev: dict[str, float]) -> bool:
    """Allow-listed, a unit or code (``3nm``, ``x86``), an acronym (``SCO``), camel case
    (``iPhone``) or one capital (``A股``)."""
    return bool(
        ev["allowed"] or ev.get("code") or ev["acronym"] or ev["camel"] or (ev["letters"] == 1 and ev["capital"])
    )


def is_fragment(ev: dict[str, float], word_zipf: float, fragment_gain: float) -> bool:
    """The edge letters are no word, or are much rarer than a common word they could be cut
    from. Very common words ("he", "an") stay words; a capital after the glued side starts a
    sentence, it was not cut at its start."""
    # a long word the large list knows is a word, however rare ("spacewalks" 2.0)
    known_long = ev["letters"] >= 8 and ev["zipf"] >= 1.5
    rare = ev["zipf"] < word_zipf and not ev["capital"] and not known_long
    starts_sentence = ev["capital"] and ev["left"] and not ev["right"]
    return rare or (ev["gain"] >= fragment_gain and ev["zipf"] < 5.0 and not starts_sentence)


class _JunctionRule(Rule):
    kind = "switch"
    window: int

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        # In English text the Han glued to a token is foreign too and goes into the span; in
        # Chinese text it is sound text, and a span that took it would reach into the term,
        # number or gloss beside it ("2003年Yang利伟", "director埃里克·桑德伯格").
        window = 0 if ctx.dominance.language == "zh" else self.window
        for j in ctx.junctions:
            ev = junction_evidence(ctx, j)
            a, b = junction_window(ctx.text, j.start, j.end, j.left_glued, j.right_glued, window)
            yield Candidate(a, b, dict(ev))


@register
class MidWordSwitch(_JunctionRule):
    """A lone Latin fragment, single lowercase letter or pinyin surname glued to Han
    ("完成t他的", "合作ges正在", "Liu江平")."""

    name = "mid-word-switch"

    def __init__(self, window: int = 1, word_zipf: float = 2.5, fragment_gain: float = 1.0, min_words: int = 2) -> None:
        self.window = window
        self.word_zipf = word_zipf
        self.fragment_gain = fragment_gain
        self.min_words = min_words  # from this many words on, a cut edge is truncated-word's

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        for cand in super().score(ctx):
            token = ctx.text[cand.start : cand.end]
            if "-" in token:  # a hyphenated word is judged whole too: "lo-fi" is "lofi", no "fi"
                cand.evidence["joined_zipf"] = ctx.lexicon.zipf(token.replace("-", ""))
            # the token is all the bracket holds ("风土（terroir）"): a term glossing the Han before it
            cand.evidence["fills_bracket"] = float(ctx.text[cand.end : cand.end + 1] in ")）")
            cand.evidence["one_letter_word"] = float(token in ("a", "A", "I"))  # "，a row of trucks"
            yield cand

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["allowed"]:
            return False
        if ev["surname"]:
            cand.note, cand.evidence["confidence"] = "pinyin surname glued to Han", 0.7 if ev["words"] > 1 else 0.6
            return True
        if legit_shape(ev):
            return False
        in_phrase = ev["words"] >= self.min_words and not (ev["left"] and ev["right"])
        if ev["letters"] == 1:
            if ev["right_digit"] and not ev["left"]:
                return False  # "B2", "A380" style: a letter before a number
            if in_phrase and ev.get("one_letter_word"):
                return False  # "黎明前，a row of trucks": an English phrase opening on a word of one letter
            cand.note, cand.evidence["confidence"] = "single letter glued to Han", 0.85
            return True
        if ev["right_digit"] or ev["capital"] or not is_fragment(ev, self.word_zipf, self.fragment_gain):
            return False
        if ev.get("joined_zipf", 0.0) >= self.word_zipf - 1.0:
            return False  # a hyphenated word the list knows written solid ("lo-fi" as "lofi"): no fragment
        if ev.get("bracketed") and (ev.get("pinyin_word") or ev.get("fills_bracket")):
            return False  # a gloss: "高考（gaokao）", "风土（terroir）"
        if in_phrase and ev["letters"] >= 2:
            return False
        cand.note, cand.evidence["confidence"] = "word fragment glued to Han", 0.75
        return True


@register
class ClauseSwitch(_JunctionRule):
    """An English clause glued to Han with no space or punctuation ("建议to invest in ..."), in a
    Chinese document. In an English document the Han glued on is itself the damage
    (untranslated-sentence's, and truncated-word's where the English word at the seam is cut);
    a span over the seam would take the whole English word beside it ("GAC Aion也已开始…")."""

    name = "clause-switch"

    def __init__(self, min_words: int = 3, window: int = 1, name_max_gap: float = NAME_MAX_BORROW_GAP) -> None:
        self.min_words = min_words
        self.window = window
        # a capitalised word Chinese text writes in Latin nearly as often as English (zipf gap) is a name
        self.name_max_gap = name_max_gap

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language == "zh":
            yield from super().score(ctx)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if legit_shape(ev) or ev["right_digit"] or (ev["left"] and ev["right"]) or ev["name_phrase"]:
            return False  # a product or place name ("iPhone 15 Pro Max手机") is no clause
        if ev["right"] and ev["capital"] and ev["zh_latin"] > 0 and ev["zipf"] - ev["zh_latin"] <= self.name_max_gap:
            return False  # "…streaming platform Netflix全球": a name Chinese writes in Latin meets the Han
        if ev["words"] >= self.min_words and (ev["han_left"] or ev["han_right"]):
            cand.note, cand.evidence["confidence"] = "English clause glued to Han", 0.7
            return True
        return False


@register
class GluedWord(_JunctionRule):
    """A whole English word inside Chinese text that Chinese writers translate, glued to the
    Han characters ("coop合作", "artificial智能", "Kyrgyz方") or standing alone between them
    ("培养了 the 数百名"), in a Chinese-dominant document.

    Borrowed usage stays unflagged: the evidence ``gap`` is the word's English zipf minus its
    zipf in Chinese text (wordfreq's Chinese list holds the Latin words Chinese text uses:
    ``app`` 0.1, ``wifi`` 0.4, ``iPhone`` 0.0, ``mini`` 0.9; ``hub`` 1.0, ``smart`` 1.4,
    ``artificial`` 2.2, ``Kyrgyz`` 2.8); tokens the document itself glues to Han more than once are its own names and brands
    (``doc_uses``); capitalised name phrases ("New York") and acronyms are names; hyphenated
    compounds ("e-commerce", "state-of-the-art") are left alone, as the annotation protocol
    asks; a word opening a bracket is a term being explained.
    """

    name = "glued-word"

    def __init__(
        self,
        window: int = 1,
        min_zipf: float = 2.5,
        min_gap: float = 1.0,
        capital_min_gap: float = 2.5,
        max_doc_uses: int = 1,
        max_words: int = 1,
        pinyin_max_zipf: float = 3.5,
        pinyin_min_gap: float = 1.0,
        function_zipf: float = 6.0,
        own_min_gap: float = 2.0,
        inside_min_zipf: float = 2.0,
    ) -> None:
        self.window = window
        self.own_min_gap = own_min_gap  # a lowercase word with this zipf gap is no term of the document's
        # a lowercase word of 6+ letters, Han on both sides, never written in Latin in Chinese: this frequent
        self.inside_min_zipf = inside_min_zipf
        self.function_zipf = function_zipf  # a lowercase word this common is no term of the document's
        # ... with Han on both sides ("委托Dongguan一家"), or on one side when Chinese text writes it
        # in Latin much less often than English does (zipf gap): "通过Lazada、Shopee" is a brand
        self.pinyin_min_gap = pinyin_min_gap
        # a capitalised pinyin name of two syllables or more, rarer than this in English
        # ("Dongguan"; not "Change"), glued to Han is a Chinese name left in pinyin
        self.pinyin_max_zipf = pinyin_max_zipf
        self.min_zipf = min_zipf  # an English word at least this frequent
        self.min_gap = min_gap  # English zipf minus Chinese-text zipf, lowercase words
        self.capital_min_gap = capital_min_gap  # capitalised words: names are often kept in Latin ...
        self.max_doc_uses = max_doc_uses
        self.max_words = max_words  # longer phrases are clauses (clause-switch, untranslated)

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != _han_language(ctx):
            return
        for cand in super().score(ctx):
            ev = cand.evidence
            ev["gap"] = ev["zipf"] - ev["zh_latin"]
            ev["spaced"] = 0.0
            word = _LATIN_RUN_RE.search(ctx.text, cand.start, cand.end)
            ev["pinyin"] = float(
                word is not None
                and ev["zipf"] < self.pinyin_max_zipf
                and _next_to_han(ctx.text, word.start(), word.end())  # not "快来，Emilia!"
                and _pinyin_place(word.group())
            )
            ev["han_both_sides"] = float(word is not None and _between_han(ctx.text, word.start(), word.end()))
            # a country's, language's, month's or day's English name ("是Norwegian作家")
            ev["proper_noun"] = float(word is not None and is_proper_noun(word.group()))
            # a capitalised word before a Chinese noun of the kinds brands name ("Houdini软件",
            # "一家Manner门店"): the name of one of them
            ev["brand_head"] = float(word is not None and ctx.text.startswith(_BRAND_HEADS, word.end()))
            # a lowercase compound of whole words glued to Han on both sides ("采用two-class布局",
            # "过境visa-free政策"): English words in place of a Chinese one; "lo-fi", "e-commerce"
            # keep a part too short to judge
            token = ctx.text[cand.start : cand.end]
            parts = token.split("-")
            ev["glued_compound"] = float(
                len(parts) >= 2
                and all(len(p) >= 3 and p.isalpha() and p.islower() for p in parts)
                and _between_han(ctx.text, cand.start, cand.end)
            )
            yield cand
        lex, text = ctx.lexicon, ctx.text
        for m in _SPACED_WORD_RE.finditer(text):
            word = m.group(1) or m.group(2)
            zipf, zh = lex.zipf(word), lex.zh_latin_zipf(word)
            ev = {
                "letters": float(len(word)),
                "words": 1.0,
                "allowed": float(word in ctx.allow_tokens),
                "acronym": 0.0,
                "camel": 0.0,
                "capital": 0.0,
                "surname": 0.0,
                "name_phrase": 0.0,
                "zipf": zipf,
                "zh_latin": zh,
                "gap": zipf - zh,
                "doc_uses": 0.0,
                "spaced": 1.0,
                "bound_suffix": 0.0,
            }
            # the span takes a Han character only on a side the word is glued to ("的 which 黄" is
            # "which"); "的 of 50%" keeps its number, "包括 such “" its quote
            g = 1 if m.group(1) else 2
            ws, we = m.start(g), m.end(g)
            start = ws - 1 if text[ws - 1] != " " else ws
            end = we + 1 if HAN_RE.match(text[we]) else we
            yield Candidate(start, end, ev)

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        words = 1.0 if ev.get("glued_compound") else ev["words"]  # "two-class" is one word
        if legit_shape(ev) or ev["surname"] or ev["letters"] < 2 or words > self.max_words:
            return False
        # the document's own terms: glued more than once, unless a function word ("在that件") or a
        # lowercase word Chinese text hardly ever writes in Latin ("与sorting机器人" twice)
        english = ev["zipf"] >= self.function_zipf or ev["gap"] >= self.own_min_gap
        own = ev["doc_uses"] > self.max_doc_uses and not (english and not ev["capital"])
        compound = ev.get("hyphenated") and not ev.get("glued_compound")
        if ev["name_phrase"] or own or ev.get("bracketed") or compound:
            return False  # names, the document's own terms, terms explained, compounds ("e-commerce")
        if ev["capital"] and ev.get("brand_head") and not ev.get("proper_noun"):
            return False  # "Houdini软件", "Manner门店": a product's or a shop's name
        if ev.get("pinyin") and (ev.get("han_both_sides") or ev["gap"] >= self.pinyin_min_gap):
            cand.note = "Chinese name in pinyin glued to Chinese"
            cand.evidence["confidence"] = 0.7
            return True  # Chinese text writes Chinese places in Han: "委托Dongguan一家" (东莞)
        # ... unless a bound morpheme follows that only a country or party name takes
        # ("Kazakh方" for 哈方, "Kyrgyz人").
        # ... and a country's, language's, month's or day's name between Han characters ("是Norwegian作家"):
        # Chinese writes these in Han
        named = ev.get("proper_noun") and ev.get("han_both_sides")
        gap = self.capital_min_gap if ev["capital"] and not (ev["bound_suffix"] or named) else self.min_gap
        # a long lowercase word inside a Chinese word, Han on both sides, Chinese text never writes
        # in Latin ("该路段的crosswind有关"): a rarer English word is still one
        inside = ev.get("han_both_sides") and not ev["capital"] and ev["letters"] >= 6 and ev["zh_latin"] == 0.0
        min_zipf = self.inside_min_zipf if inside else self.min_zipf
        ok = ev["zipf"] >= min_zipf and ev["gap"] >= gap
        if ok:
            cand.note = "English word standing in Chinese" if ev["spaced"] else "English word glued to Chinese"
            cand.evidence["confidence"] = min(0.9, 0.5 + 0.1 * ev["gap"])
        return ok


# A lowercase word between Han characters (or before a number, a quote, a bracket, a spaced
# capitalised word or code) with a space on at least one side (glued ones are junctions):
# "培养了 the 数百名", "费用的 of 50%", "包括 such “生成式…”", "采用 of Q420qE桥梁钢".
_SPACED_WORD_RE = re.compile(f"[{HAN}] ([a-z]+)(?: ?[{HAN}0-9“《「（(]| (?=[A-Z]))|[{HAN}]([a-z]+) [{HAN}0-9“《「（(]")


_LATIN_RUN_RE = re.compile("[A-Za-z]+")
# Chinese nouns a brand or product name comes before ("Houdini软件", "Manner门店", "Keep平台")
_BRAND_HEADS = (
    "软件",
    "平台",
    "公司",
    "品牌",
    "门店",
    "应用",
    "系统",
    "引擎",
    "芯片",
    "手机",
    "集团",
    "网站",
    "游戏",
    "App",
    "APP",
)


def _pinyin_place(word: str) -> bool:
    """A capitalised word of two pinyin syllables or more ("Dongguan", "Xinjiang")."""
    return len(word) >= 5 and word[0].isupper() and word[1:].islower() and pinyin_split(word) >= 2


def _next_to_han(text: str, a: int, b: int) -> bool:
    """Is a Han character (not punctuation) right before ``a`` or right at ``b``?"""
    return bool((a > 0 and HAN_RE.match(text[a - 1])) or (b < len(text) and HAN_RE.match(text[b])))


def _between_han(text: str, a: int, b: int) -> bool:
    """Is there a Han character right before ``a`` and one right at ``b``?"""
    return a > 0 and b < len(text) and bool(HAN_RE.match(text[a - 1]) and HAN_RE.match(text[b]))


def _han_language(ctx: DocContext) -> str:
    return next((lang for lang in ctx.det["languages"] if lang in ("zh", "ja", "ko")), "zh")


# One Han character glued to Latin letters, or standing alone between spaces ("direct 的 investment").
_LONE_HAN_RE = re.compile(
    f"(?<=[A-Za-z])[{HAN}](?![{HAN}])|(?<![{HAN}])[{HAN}](?=[A-Za-z])|(?<=[A-Za-z,] )[{HAN}](?= [A-Za-z])"
)


@register
class StrayHan(Rule):
    """A single Han character glued to English letters in an English-dominant document
    ("Kyrgyz方 side") or standing alone between English words ("direct 的 investment"): two or
    more are ``untranslated-sentence``'s."""

    name = "stray-han"
    kind = "switch"

    def __init__(self, window: int = 3) -> None:
        self.window = window  # Latin letters of context included on each glued side

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        lang = ctx.dominance.language
        if lang is None or lang == _han_language(ctx):
            return
        text = ctx.text
        for m in _LONE_HAN_RE.finditer(text):
            a, b = m.start(), m.end()
            while a > 0 and m.start() - a < self.window and text[a - 1].isalpha() and text[a - 1].isascii():
                a -= 1
            while b < len(text) and b - m.end() < self.window and text[b].isalpha() and text[b].isascii():
                b += 1
            yield Candidate(a, b, {"han": 1.0, "confidence": 0.75}, "Han character glued to English")

    def accept(self, cand: Candidate) -> bool:
        return True

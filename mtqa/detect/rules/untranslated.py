"""``untranslated`` rule: a phrase, clause or sentence left in the non-dominant language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.detect.lexicon import NAME_MAX_BORROW_GAP, Lexicon
from mtqa.pinyin import is_pinyin
from mtqa.segment import CJK_PUNCT, HAN, HAN_RE, sentences

# Latin tokens; a hyphenated compound or a name with an apostrophe is one token.
_TOKEN_RE = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
# Stretches with no Han, no CJK punctuation and no line break, starting with a letter.
# A closing quote glued to a letter after it, or an opening one glued to a letter before it,
# ends a stretch: "“AI+”minor专业" is a quoted term, then a glued word.
_LATIN_STRETCH_RE = re.compile(f"[A-Za-z](?:[^\\n{HAN}{CJK_PUNCT}”“]|”(?![A-Za-z])|(?<![A-Za-z])“)*")
# (letters with accents belong to the word: "Céline" is no "C" + "line")
_ALNUM_RE = re.compile(r"[A-Za-z0-9À-ÖØ-öø-ÿ]+(?:['’\-][A-Za-z0-9À-ÖØ-öø-ÿ]+)*")
_CODE_TOKEN_RE = re.compile(r"[A-Za-z\-']*(?:\d|[A-Z]{2}|[a-z][A-Z])[A-Za-z0-9\-']*")
# Stretches of Han text (with CJK punctuation and digits), for Chinese in English text.
# A closing bracket ends a stretch: "Zhejiang University (浙江大学), 部分用中文授课" is a gloss,
# then Chinese left in.
_HAN_STRETCH_RE = re.compile(f"[{HAN}][^\\nA-Za-z)）]*[)）]?")
_OPENERS = {
    "“": "”",
    '"': '"',
    "《": "》",
    "「": "」",
    "『": "』",
    "(": ")",
    "（": "）",
    "‘": "’",
    "'": "'",
    "【": "】",
}
# Head nouns of institutions' and holidays' names. Chinese text writes such names in Chinese
# (孔子学院, 世界银行, 元旦); one left in English ("Confucius Institutes") is untranslated, while a person's or
# place's name ("Liu Jiangping", "New York") and a brand ("TikTok Shop") may stay in Latin.
INSTITUTION_HEADS = frozenset(
    (
        "institute", "organization", "organisation", "association", "committee", "commission",
        "university", "college", "academy", "forum", "bank", "fund", "council", "agency", "ministry",
        "bureau", "administration", "federation", "alliance", "union", "foundation", "initiative",
        "programme", "program", "summit", "conference", "school", "hospital", "museum", "centre",
        "center", "day", "festival", "airport", "station", "port", "observatory", "stadium",
    )
)  # fmt: skip


# Han in “…” inside English text with no English gloss beside it, this long, is someone's words
# (the detector's default; the repair reads quoted phrases the same way)
QUOTED_PHRASE_HAN = 6
_HAN_OR_DIGIT_RE = re.compile(f"[{HAN}0-9]")


def phrase_chars(text: str, a: int, b: int) -> int:
    """Han characters and digits of ``text[a:b]``: the length of a quoted Chinese phrase, a number
    inside counted digit by digit ("远低于100万元" is 8; a name like "天宫2号" stays short)."""
    return len(_HAN_OR_DIGIT_RE.findall(text, a, b))


# ... and a lowercase English phrase in “…” inside Chinese text, this many English words
QUOTED_PHRASE_WORDS = 3


def _before(text: str, a: int) -> int:
    """Index of the last character before ``a`` that is not a space (-1 if none)."""
    i = a - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return i


# Quotation marks read as cp1252 (mojibake): still quotation marks ("â€œBronze Echoes”)
_MOJIBAKE_OPENERS = {"â€œ": "”", "â€˜": "’"}


def _quoted(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` wrapped in quotes or brackets (a title, a gloss in parentheses)?"""
    i, j = _before(text, a), b
    while j < len(text) and text[j] == " ":
        j += 1
    if i < 0 or j >= len(text):
        return False
    closer = _OPENERS.get(text[i]) or _MOJIBAKE_OPENERS.get(text[max(0, i - 2) : i + 1])
    # closing after the stretch, or as its last character ("《…》,")
    return closer is not None and (text[j] == closer or text[b - 1] == closer)


_CODE_IN_BRACKET_RE = re.compile(r"[（(][A-Z][A-Z0-9&.\-]{1,11}[,，;；]$")
_CODE_PREFIX_RE = re.compile(r"[（(][A-Z0-9][A-Z0-9\-]{0,10}$")


def _bracketed(text: str, a: int, b: int, reach: int = 60) -> bool:
    """Does ``text[a:b]`` open a bracket (after quotes or title marks at most) that closes on the
    same line: a gloss with more in it ("“Xiao Zhou” (小周, “little Zhou”)", "(《活着》)")?"""
    i = a - 1
    while i >= 0 and text[i] in " “‘《「『\"'":
        i -= 1
    if i >= 0 and text[i] not in "(（" and (m := _CODE_IN_BRACKET_RE.search(text, max(0, i - 20), i + 1)):
        i = m.start()  # after an acronym in the same bracket: "Shanghai International Port Group (SIPG, 上港集团)"
    elif i >= 0 and (m := _CODE_PREFIX_RE.search(text, max(0, i - 12), i + 1)):
        i = m.start()  # a code glued to the gloss's Han: "Y Liangyou 900 (Y两优900)"
    if i < 0 or text[i] not in "(（":
        return False
    end = text.find("\n", b)
    close = min((k for k in (text.find(")", b, b + reach), text.find("）", b, b + reach)) if k >= 0), default=-1)
    return close >= 0 and (end < 0 or close < end)


def _glossed(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` followed by its translation in brackets ("习近平 (Xi Jinping)",
    "双碳 (“dual carbon”)")?"""
    j = b
    while j < len(text) and text[j] in " ”’\"'」』》":  # past its own closing quote: "“…” (“…”)"
        j += 1
    if j + 1 >= len(text) or text[j] not in "(（":
        return False
    k = j + 1
    while k < len(text) and text[k] in "“‘\"'":
        k += 1
    return k < len(text) and text[k].isascii() and text[k].isalpha()


QUOTATION_WORDS = 6  # a quoted English stretch this long ...
QUOTATION_LOWER_SHARE = 0.7  # ... this share of it lowercase, is a sentence, not a title
GLOSS_HAN_PER_WORD = 0.8  # a quotation followed by this many Han per word in brackets is glossed


def sentence_case_quotation(
    words: float, lower_share: float, english_words: float, min_words: int, min_lower_share: float
) -> bool:
    """A quoted English stretch that reads as a sentence ("From the back kitchen to the dining
    table, if anything goes wrong …" with its stop after the closing mark): long enough, mostly
    lowercase (titles are capitalised), and mostly English words."""
    return words >= min_words and lower_share >= min_lower_share and english_words >= max(3.0, 0.4 * words)


WORD_ZIPF = 2.5  # an English word is at least this frequent ...
MIN_GAP = 1.0  # ... and this much more frequent in English than in Latin inside Chinese text


def stretch_words(text: str, a: int, b: int) -> list[str]:
    """The words of the Latin stretch ``text[a:b]``; a code with digits ("B0CX7K2M9T", "2030") is none."""
    return [w for w in _ALNUM_RE.findall(text, a, b) if not any(c.isdigit() for c in w)]


def english_word_count(words: list[str], lex, word_zipf: float = WORD_ZIPF, min_gap: float = MIN_GAP) -> int:
    """Lowercase English words that Chinese text does not borrow ("the", "intelligence"; not "app")."""
    return sum(1 for w in words if w[0].islower() and lex.zipf(w) >= word_zipf and lex.borrow_gap(w) >= min_gap)


def lower_share(words: list[str]) -> float:
    """The share of ``words`` that begin in lowercase (sentence case, not a title's capitals)."""
    return sum(1 for w in words if w[0].islower()) / len(words) if words else 0.0


def english_evidence(text: str, a: int, b: int, lex) -> tuple[int, float, int]:
    """(words, lowercase share, English words) of the Latin stretch ``text[a:b]``, read as
    ``untranslated-sentence`` reads it with its default thresholds."""
    words = stretch_words(text, a, b)
    return len(words), lower_share(words), english_word_count(words, lex)


def _past_closing_quotes(text: str, b: int) -> int:
    """Where the text goes on after ``text[:b]``, its closing quotes and spaces."""
    j = b
    while j < len(text) and text[j] in " ”’\"'":
        j += 1
    return j


def han_gloss_after(text: str, b: int, reach: int = 200) -> int:
    """Han characters of a bracket right after ``text[:b]`` (past closing quotes and spaces) that
    holds Chinese: a quotation followed by its translation ("“Donglan is our first choice.”
    （东澜是我们的首选港。）"). 0 when no such bracket follows."""
    j = _past_closing_quotes(text, b)
    if j >= len(text) or text[j] not in "(（":
        return 0
    close = min((k for k in (text.find(")", j, j + reach), text.find("）", j, j + reach)) if k >= 0), default=-1)
    if close < 0 or "\n" in text[j:close]:
        return 0
    inside = text[j + 1 : close]
    han = len(HAN_RE.findall(inside))
    return han if han * 2 >= len(inside.strip()) else 0


# prepositions and subordinators that open an English sentence's first clause
_CLAUSE_OPENERS = frozenset(
    [
        "in",
        "at",
        "on",
        "for",
        "from",
        "after",
        "before",
        "during",
        "since",
        "by",
        "with",
        "under",
        "over",
        "as",
        "when",
        "while",
        "if",
        "although",
        "because",
        "though",
        "unless",
        "until",
        "once",
    ]
)


def runs_on_in_han(text: str, b: int) -> bool:
    """Does Chinese text go on right after ``text[:b]`` and its closing quotes (“China's parcel
    army takes to the skies”为题): the quoted words are a title or a name inside the sentence,
    not a sentence of their own (which a stop or a comma follows)."""
    j = _past_closing_quotes(text, b)
    return j < len(text) and HAN_RE.match(text[j]) is not None


def opened_by_quote(text: str, a: int) -> bool:
    """Does a double quotation mark open right before ``a``, not inside a bracket ("（“dual carbon”）")?"""
    i = _before(text, a)
    if i < 0 or text[i] not in '“"':
        return False
    j = _before(text, i)
    return j < 0 or text[j] not in "(（"


_HAN_END_RE = re.compile(f"[{HAN}{CJK_PUNCT}]")


# a capitalised word, or two glued ("Haikou MeilanInternational Airport" is still a name of a place)
_TITLE_WORDS_RE = re.compile(r"[A-Z][a-z'’]+(?:[A-Z][a-z]+)?")


def institution_name(words: list[str]) -> bool:
    """Capitalised words ending in an institution's head noun, none of them a code or a brand
    (an acronym, camel case): "Confucius Institutes", not "TikTok Shop" or "WHO Academy"."""
    if not words or not all(_TITLE_WORDS_RE.fullmatch(w) for w in words if "-" not in w):
        return False  # (no words: a sentence of numbers, "Sept. 2")
    head = words[-1].lower()
    singular = head[:-3] + "y" if head.endswith("ies") else head.removesuffix("s")
    return head in INSTITUTION_HEADS or singular in INSTITUTION_HEADS


def _last_stop(text: str, a: int, b: int) -> str:
    """The last character of ``text[a:b]`` before closing quotes and spaces."""
    return text[a:b].rstrip().rstrip("”’\"'」』").rstrip()[-1:]


def _trim_han(text: str, a: int, b: int) -> int:
    """End of ``text[a:b]`` cut back to its last Han character or CJK punctuation, keeping a
    closing quote or bracket that opens before ``a`` ("（“世纪工程”）" stays a bracketed gloss)."""
    last = max((m.end() for m in _HAN_END_RE.finditer(text, a, b)), default=b)
    return last


def _trim_code(text: str, a: int, b: int, min_words: int) -> int:
    """Start of a Latin stretch after a product name or code that opens it, when English words
    follow ("DeepSeek-V3 drew global attention…": the model's name is no English)."""
    j = a
    while (m := _CODE_TOKEN_RE.match(text, j)) and m.end() < b and text[m.end()] == " ":
        j = m.end() + 1
    return j if j > a and len(_TOKEN_RE.findall(text, j, b)) >= min_words else a


def _trim_number(text: str, a: int, b: int) -> int:
    """End of a Latin stretch without digits that run into the Han text after it ("…1992年"),
    and without a model code of capitals and digits ("…the introduction, C919的航程"); a
    lowercase cut word before the digits stays ("…the two countr1992年")."""
    j = b
    while j > a and (text[j - 1].isdigit() or text[j - 1] in " .,"):
        j -= 1
    if j < b and text[j - 1 : j].isupper():
        k = j
        while k > a and text[k - 1].isupper() and text[k - 1].isascii():
            k -= 1
        if j - k <= 4 and (k == a or text[k - 1] == " "):
            j = k
            while j > a and text[j - 1] in " .,":
                j -= 1
    return j if j < b and b < len(text) and HAN_RE.match(text[b]) and text[j:b].strip(" .,") else b


def _trim_name_end(text: str, a: int, b: int, lex: Lexicon, max_gap: float = NAME_MAX_BORROW_GAP) -> int:
    """End of a Latin stretch before a capitalised last word glued to the Han after it that Chinese
    text writes in Latin about as often as English does ("平台streaming platform Netflix全球上线":
    the platform's name stays; "University", "Airport" are words Chinese translates)."""
    if b >= len(text) or not HAN_RE.match(text[b]):
        return b
    m = _LAST_WORD_RE.search(text, a, b)
    if m is None or m.start() <= a or not m.group()[0].isupper() or not is_name_in_latin(m.group(), lex, max_gap):
        return b
    return len(text[a : m.start()].rstrip()) + a


def is_name_in_latin(word: str, lex: Lexicon, max_gap: float = NAME_MAX_BORROW_GAP) -> bool:
    """A capitalised word, no pinyin, that Chinese text writes in Latin nearly as often as English
    writes it ("Netflix" 1.1, "YouTube" 0.3; not "University" 1.5, "Center" 1.2)."""
    return lex.zh_latin_zipf(word) > 0 and lex.borrow_gap(word) <= max_gap and not is_pinyin(word)


_LAST_WORD_RE = re.compile(r"[A-Za-z]+$")


@register
class UntranslatedSentence(Rule):
    """Phrases and sentences in the other language of a document whose dominant language is
    clear: English of ``min_words``+ words in Chinese, Chinese of ``min_han``+ characters in
    English.

    Evidence for English in Chinese: ``words``, the share of them that are English words or
    capitalised (``known_share``), how many are lowercase English words that Chinese text does
    not borrow (``english_words``: "the", "intelligence"; not "app", "vs"), whether the
    stretch is quoted or in brackets (``quoted``: titles, glosses), and whether a capitalised
    phrase ends in an institution's head noun (``institution``: "Confucius Institutes"). A
    phrase of capitalised words only is otherwise a name ("New York", "Liu Jiangping") unless
    it is long.
    """

    name = "untranslated-sentence"
    kind = "untranslated"

    def __init__(
        self,
        min_words: int = 2,
        min_han: int = 2,
        min_word_share: float = 0.5,
        word_zipf: float = WORD_ZIPF,
        min_gap: float = MIN_GAP,
        min_name_words: int = 5,
        quotation_words: int = QUOTATION_WORDS,
        quotation_han: int = 10,
        quoted_phrase_han: int = QUOTED_PHRASE_HAN,
        quoted_phrase_words: int = QUOTED_PHRASE_WORDS,
        gloss_han_per_word: float = GLOSS_HAN_PER_WORD,
        quotation_lower_share: float = QUOTATION_LOWER_SHARE,
    ) -> None:
        # a quoted stretch of quotation_words or more, this share of them lowercase, is a sentence
        # (titles are capitalised), whatever stands after its closing quote
        self.quotation_lower_share = quotation_lower_share
        # a quoted English sentence followed by a bracket of at least this many Han characters
        # per English word is glossed on purpose ("“Donglan is our first choice.”（东澜是…）")
        self.gloss_han_per_word = gloss_han_per_word
        self.quoted_phrase_words = quoted_phrase_words  # English words of a lowercase quoted phrase, in Chinese text
        self.min_words = min_words  # Latin words, for English inside a Chinese document
        self.min_han = min_han  # Han characters, for Chinese inside an English document
        self.min_word_share = min_word_share
        self.word_zipf = word_zipf
        self.min_gap = min_gap  # English zipf minus Chinese-text zipf of an "English word"
        self.min_name_words = min_name_words  # capitalised-only phrases this long are sentences
        # a quoted sentence this long, with its final stop inside the quotes, is a quotation
        # left untranslated, not a title or a gloss
        self.quotation_words = quotation_words
        self.quotation_han = quotation_han
        self.quoted_phrase_han = quoted_phrase_han  # Han in “…” with no gloss, in English text

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        lang = ctx.dominance.language
        if lang == "zh":
            yield from self._latin_in_han(ctx)
        elif lang is not None:
            yield from self._han_in_latin(ctx)

    def _latin_in_han(self, ctx: DocContext) -> Iterator[Candidate]:
        text, lex = ctx.text, ctx.lexicon
        for m in _LATIN_STRETCH_RE.finditer(text):
            if len(m.group()) < 3:
                continue
            # the whole stretch in quotes: a title, even one with a colon ("“Amazon: Voices of…”")
            whole = m.group().rstrip()
            titled = m.start() > 0 and _OPENERS.get(text[m.start() - 1]) == whole[-1:]
            # ... unless it is one quotation split at a semicolon ("“Technology has never been
            # destiny; what really decides … choices.”"): its parts are someone's words too
            said = (
                titled
                and _last_stop(text, m.start(), m.end()) in ".!?,"
                and len(_TOKEN_RE.findall(whole)) >= self.quotation_words
            )
            for a, b in sentences(text, m.start(), m.end()):
                b = _trim_name_end(text, a, _trim_number(text, a, b), lex)
                a0, a = a, _trim_code(text, a, b, self.min_words)
                an = a  # a number opening the stretch belongs to it: "（7-day no-reason return）"
                while an > 0 and text[an - 1] in "0123456789.-% ":
                    an -= 1
                words = stretch_words(text, a, b)
                if len(words) < 2:
                    continue
                known = sum(1 for w in words if w[0].isupper() or lex.zipf(w) >= self.word_zipf)
                english = english_word_count(words, lex, self.word_zipf, self.min_gap)
                ev = {
                    "words": float(len(words)),
                    "known_share": known / len(words),
                    # sentence case, not a title's capitals ("From the back kitchen to the dining table, …")
                    "lower_share": lower_share(words),
                    "double_quoted": float(opened_by_quote(text, a)),  # in “…”, not in brackets
                    "english_words": float(english),
                    # ("（SCO Samarkand Summit）": the bracket holds the code too)
                    "quoted": float(titled or _quoted(text, a, b) or _quoted(text, a0, b) or _quoted(text, an, b)),
                    "institution": float(institution_name(words)),
                    # a sentence opened by a preposition or a subordinator, its clause ended by a
                    # comma ("In Hangzhou's Xihu District，干了8年…"): no name opens that way
                    "opener": float(
                        words[0][0].isupper() and words[0].lower() in _CLAUSE_OPENERS and text[b : b + 1] in ("，", ",")
                    ),
                    # a quotation's stop, or its comma before "she said" ("…asked for,”许璐说")
                    "full_stop": float(_last_stop(text, a, b) in ".!?,"),
                    "said": float(said),  # part of a quotation
                    # a lowercase phrase in quotation marks that glosses nothing ("预警“showed the
                    # value of regional cooperation”"): someone's words; titles are capitalised and
                    # a gloss sits in brackets ("双碳（“dual carbon”）")
                    "quoted_phrase": float(
                        text[a].islower() and opened_by_quote(text, a) and english >= self.quoted_phrase_words
                    ),
                }
                # a quotation with its translation in brackets after it: kept on purpose
                ev["han_gloss"] = float(han_gloss_after(text, b)) if ev["quoted"] else 0.0
                ev["runs_on"] = float(runs_on_in_han(text, b)) if ev["quoted"] else 0.0
                if ev["quoted"]:  # a quotation's closing mark is not part of it
                    b = len(text[a:b].rstrip("”’\"'")) + a
                yield Candidate(a, b, ev, f"English in a Chinese document ({len(words)} words)")

    def _han_in_latin(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        for m in _HAN_STRETCH_RE.finditer(text):
            for a, b in sentences(text, m.start(), m.end()):
                b = _trim_han(text, a, b)
                n = len(HAN_RE.findall(text, a, b))
                a0 = a  # a number opening the bracket belongs to the gloss: "3nm (3纳米)"
                while a0 > 0 and text[a0 - 1] in "0123456789.,% ":
                    a0 -= 1
                glossed = _glossed(text, a, b) or _bracketed(text, a, b)
                quoted = glossed or _quoted(text, a, b) or _quoted(text, a0, b)
                i = _before(text, a)
                opener = text[i] if i >= 0 and quoted else ""
                ev = {"han": float(n), "quoted": float(quoted), "glossed": float(glossed)}
                ev["title"] = float(opener in ("《", "「", "『"))  # a title in Chinese title marks
                ev["double_quoted"] = float(opener in ("“", '"'))
                ev["phrase_chars"] = float(phrase_chars(text, a, b))
                ev["full_stop"] = float(_last_stop(text, a, b) in "。！？，")
                yield Candidate(a, b, ev, f"Chinese in an English document ({n} characters)")

    def quotation(self, ev: dict[str, float]) -> bool:
        """A whole sentence in quotes, its stop inside them: someone's words left untranslated."""
        if ev.get("han_gloss", 0.0) >= self.gloss_han_per_word * ev.get("words", 0.0) > 0:
            return False  # English words with their translation in brackets after them: quoted on purpose
        if ev.get("said"):
            return True
        if "han" in ev:  # a phrase in quotation marks with no English beside it is someone's words too
            if ev["glossed"] or ev.get("title"):
                return False
            return (ev["full_stop"] > 0 and ev["han"] >= self.quotation_han) or (
                ev.get("double_quoted", 0.0) > 0 and ev.get("phrase_chars", ev["han"]) >= self.quoted_phrase_han
            )
        if ev.get("quoted_phrase"):
            return True
        if (
            ev.get("double_quoted")
            and not ev.get("runs_on")
            and sentence_case_quotation(
                ev["words"],
                ev.get("lower_share", 0.0),
                ev["english_words"],
                self.quotation_words,
                self.quotation_lower_share,
            )
        ):  # a sentence in quotation marks, its stop outside them ("…falling on the consumer”。");
            return True  # a headline the sentence goes on after is a title ("“…to the skies”为题")
        return ev["full_stop"] > 0 and ev["words"] >= self.quotation_words and ev["english_words"] >= 2

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["quoted"] and not self.quotation(ev):
            return False
        if "han" in ev:
            return ev["han"] >= self.min_han
        if ev["words"] < self.min_words or ev["known_share"] < self.min_word_share:
            return False
        return (
            ev["english_words"] >= 1
            or ev["words"] >= self.min_name_words
            or ev["institution"] > 0
            or ev.get("opener", 0.0) > 0
        )

    def confidence(self, cand: Candidate) -> float:
        ev = cand.evidence
        if "han" in ev:
            return min(0.99, 0.6 + 0.03 * ev["han"])
        return min(0.99, (0.55 + 0.05 * ev["words"]) * ev["known_share"])

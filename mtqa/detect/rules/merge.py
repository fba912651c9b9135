"""``merge`` rule: two words glued into one token."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.detect.lexicon import Lexicon, get_lexicon, in_foreign_quote, is_proper_noun
from mtqa.pinyin import han_readings, han_words_read_as, pinyin_split
from mtqa.segment import HAN_RE as _HAN_RE
from mtqa.segment import is_non_ascii_letter

# A lowercase or capitalised run, optionally followed by one more capitalised hump:
# "documentannouncement", "Beijingin", "andCentral", "KyrgyzPresident".
_SHAPE_RE = re.compile(r"[A-Z]?[a-z]+(?:[A-Z][a-z]+)?")
_HUMP_RE = re.compile(r"(?<=[a-z])[A-Z]")
SHAPES = {"lower": 0.0, "camel": 1.0, "title": 2.0, "double": 3.0, "function": 4.0, "closed": 5.0}
# "Hewas", "Theyare": a pronoun glued to an auxiliary (closed classes, no word of English).
_PRONOUN_AUX_RE = re.compile(
    r"(He|She|It|We|They|You|There|he|she|it|we|they|you|there)"
    r"(was|were|is|are|will|would|has|have|had|can|could|did|does|should|must)"
)
# "forAIDS", "theUN": a function word glued to an acronym.
_FUNCTION_ACRONYM_RE = re.compile(r"(for|of|in|on|and|the|to|with|by|at|from|as)([A-Z]{2,}s?)")
# "USDepartment": a country's or union's acronym glued to a common capitalised word (checked
# against the word list: "USAir" keeps a three-letter word)
_ACRONYM_WORD_RE = re.compile(r"(US|UK|EU|UN|UAE|PRC)([A-Z][a-z]{4,})")
# "membraneLNG": a common lowercase word of four letters or more glued to an acronym (brands keep
# the lowercase part short: "eVTOL", "mRNA", "myHSBC")
_WORD_ACRONYM_RE = re.compile(r"([a-z]{4,})([A-Z]{2,5}s?)")


_GEO_MODIFIERS = frozenset(
    [
        "North",
        "South",
        "East",
        "West",
        "Central",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Northeast",
        "Northwest",
        "Southeast",
        "Southwest",
        "Inner",
        "Outer",
        "Upper",
        "Lower",
        "Greater",
        "New",
        "European",
        "African",
        "Asian",
        "American",
        "Arab",
        "Latin",
    ]
)
_INFLECTED_RE = re.compile(r"[a-z]{2}(?:ed|ing|s)$")
_GLOSSED_RE = re.compile(r" ?[（(][\u3400-\u9fff]")
_NAME_GLOSS_RE = re.compile(r"([\u3400-\u9fff]+(?:·[\u3400-\u9fff]+)+)[（(]")


# A common English word that happens to read as pinyin ("Rice" = ri+ce, "Police", "Range") is no
# Chinese name; place names stay below this ("Beijing" 4.1, "Shanghai" 4.0, "Rice" 4.55)
PINYIN_NAME_MAX_ZIPF = 4.3


def _name(word: str) -> bool:
    """A country's or language's English name ("Norwegian"), or a Chinese name in pinyin of two
    syllables or more ("Jilin", "Xinjiang") that is no common English word."""
    return is_proper_noun(word) or (
        word[:1].isupper() and pinyin_split(word) >= 2 and get_lexicon().zipf(word) < PINYIN_NAME_MAX_ZIPF
    )


def _pinyin_then_word(lex: Lexicon, tok: str, i: int, min_zipf: float) -> bool:
    """``tok[:i]`` is a pinyin name of two syllables or more that is no country ("Shandong", not
    "China"), and ``tok[i:]`` an English word of three letters or more, no pinyin, at least
    ``min_zipf`` frequent ("won")."""
    left, right = tok[:i], tok[i:]
    return (
        len(right) >= 3
        and pinyin_split(left) >= 2
        and not is_proper_noun(left)
        and not pinyin_split(right)
        and lex.zipf(right) >= min_zipf
    )


_HAN_BEFORE_BRACKET_RE = re.compile(r"([\u3400-\u9fff]{2,4})[（(]$")
_HAN_RUN_BEFORE_BRACKET_RE = re.compile(r"([\u3400-\u9fff]{2,10})[（(]$")
_TITLE_WORD_RE = re.compile(r"[A-Z][a-z]+")
PLACE_WORD_ZIPF = 3.0  # the English word after a place's pinyin in a gloss ("County" 4.6, "Bay" 4.2)


def _pinyin_name_gloss(text: str, a: int, b: int, surnames: frozenset[str]) -> bool:
    """ "陈建国（ChenJianguo）": a Chinese name glossed in pinyin with the space between surname and
    given name lost: two humps, the first a pinyin surname, the whole the reading of the Han
    name right before the bracket; or an English given name and the surname ("周立帆（LeoZhou）")."""
    tok = text[a:b]
    hump = _HUMP_RE.search(tok)
    m = _HAN_BEFORE_BRACKET_RE.search(text, max(0, a - 5), a)
    if hump is None or m is None:
        return False
    first, second = tok[: hump.start()], tok[hump.start() :]
    if first in surnames:
        return bool(han_words_read_as(m.group(1), {tok.lower()}))
    # "孟连县（MenglianCounty）": a place's pinyin, read in the Han name before the bracket, then an
    # English word ("County"); tokens of three humps ("ChengzhouBayBridge") are not candidates
    place = _HAN_RUN_BEFORE_BRACKET_RE.search(text, max(0, a - 12), a)
    word = _TITLE_WORD_RE.match(second)
    if (
        place is not None
        and word is not None
        and pinyin_split(first) >= 2
        and get_lexicon().zipf(word.group()) >= PLACE_WORD_ZIPF
        and han_words_read_as(place.group(1)[:4], {first.lower()})
    ):
        return True
    # "周立帆（LeoZhou）": a given name in English, then the surname of the Han name in pinyin
    run = m.group(1)
    return second in surnames and any(second.lower() in han_readings(run[-k], 1) for k in (2, 3) if k <= len(run))


_NAME_GLOSS_BODY_RE = re.compile(r"[\u3400-\u9fff][（(]((?:[A-Z][A-Za-z]*[ ·-]?)+)[)）]")


def _in_name_gloss(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` one of two or more capitalised words in brackets right after Han (a gloss
    of a name: "瑞幸咖啡（Luckin Coffee）")?"""
    i = text.rfind("（", max(0, a - 40), a)
    i = max(i, text.rfind("(", max(0, a - 40), a))
    if i < 1:
        return False
    m = _NAME_GLOSS_BODY_RE.match(text, i - 1)
    return m is not None and m.end() >= b and len(m.group(1).split()) >= 2


def _continued(text: str, a: int, b: int) -> bool:
    """Does a non-ASCII letter (or its mojibake) continue the letter run ``text[a:b]``?"""
    return any(is_non_ascii_letter(text[max(0, a - k) : a]) or is_non_ascii_letter(text[b : b + k]) for k in (1, 2))


@register
class MergedWords(Rule):
    """A token that is no word but reads as two words glued together.

    Evidence per token: the split's two parts (``left_zipf``, ``right_zipf``), the whole
    token's own frequency (``whole_zipf``, best inflected form: ``mouthpart`` counts as
    ``mouthparts``) against the frequency an accidental merge of the two parts would have
    (``expected_zipf`` = left + right - 12), whether the document writes the token intact
    again (``doc_count``), and how often its parts occur on their own in the document
    (``left_doc``, ``right_doc``, case kept). Shapes: ``lower`` (``documentannouncement``), ``camel`` (``andCentral``,
    ``teamLab``), ``title`` (``Beijingin``, ``Samarkandregion``), ``function`` (a lowercase word
    too rare for ``lower``, then a function word: ``hackathonin``), ``double`` (``KyrgyzPresident``, ``PayPal``).
    """

    name = "merged-words"
    kind = "merge"

    def __init__(
        self,
        min_length: int = 6,
        part_zipf: float = 3.0,
        max_whole_zipf: float = 1.0,
        merge_margin: float = 0.5,
        function_zipf: float = 6.0,
        title_right_zipf: float = 6.5,
        title_left_zipf: float = 4.0,
        double_part_zipf: float = 5.5,
        name_part_zipf: float = 2.5,
        title_content_zipf: float = 3.0,
        title_content_letters: int = 5,
        name_right_zipf: float = 6.0,
        pinyin_right_zipf: float = 5.0,
        rare_left_zipf: float = 1.5,
        function_right_zipf: float = 7.3,
        doc_name_zipf: float = 4.0,
        doc_right_zipf: float = 5.5,
        camel_left_letters: int = 5,
        geo_right_zipf: float = 3.0,
        long_letters: int = 12,
    ) -> None:
        self.long_letters = long_letters  # "CooperationProgramme": two known words this long together
        self.camel_left_letters = camel_left_letters
        self.geo_right_zipf = geo_right_zipf  # after "South", "European": a capitalised word this common
        self.doc_name_zipf = doc_name_zipf
        # a name the document writes on its own glued to a common word: "Vogelsaid"
        self.doc_right_zipf = doc_right_zipf
        self.min_length = min_length
        self.part_zipf = part_zipf  # each part must be a word at least this frequent
        self.max_whole_zipf = max_whole_zipf  # a token at most this frequent is no word (1.0: absent)
        self.merge_margin = merge_margin  # or: not more frequent than an accidental merge + this
        self.function_zipf = function_zipf  # "andCentral": the lowercase part is a function word
        self.title_right_zipf = title_right_zipf  # "Beijingin": what follows a name is a function word
        self.title_left_zipf = title_left_zipf  # ... and the name is common or written on its own here
        self.double_part_zipf = double_part_zipf  # "KyrgyzPresident" without doc evidence
        self.name_part_zipf = name_part_zipf  # a capitalised part ("Kyrgyz" 2.8) counts as a word
        # "Samarkandregion": what follows the name is a common word this frequent and long
        # (short ones make brands: "Chinanews", "SunBank")
        self.title_content_zipf = title_content_zipf
        self.title_content_letters = title_content_letters
        self.name_right_zipf = name_right_zipf  # after a place or country name, a word this common
        # after a pinyin place name (no country), a word this common that is no pinyin: "Shandongwon"
        self.pinyin_right_zipf = pinyin_right_zipf
        # a capitalised word any list knows (this frequent) glued to one of the most common
        # function words (the, of, and, to, a): "Urumqiand"
        self.rare_left_zipf = rare_left_zipf
        self.function_right_zipf = function_right_zipf

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        lex = ctx.lexicon
        text = ctx.text
        scored: dict[str, tuple[dict[str, float], str, str]] = {}
        for tok in ctx.vocabulary:
            # Common words are never rarer than a merge (zipf <= 7.7 + 7.7 - 12 + margin).
            if len(tok) < self.min_length or not _SHAPE_RE.fullmatch(tok) or lex.zipf(tok) >= 4.0:
                continue
            got = self._evidence(ctx, lex, tok)
            if got is not None:
                scored[tok] = got
        tokens = ctx.tokens
        apart: dict[tuple[str, str], float] = {}
        for k in tokens.where(frozenset(scored)):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            ev, left, right = scored[tokens.words[k]]
            if (a > 0 and text[a - 1] in "'’") or (b < len(text) and text[b] in "'’"):
                continue  # part of a contraction
            hyphen = (a > 0 and text[a - 1] == "-") or (b < len(text) and text[b] == "-")
            if hyphen and ev["shape"] != SHAPES["lower"]:
                continue  # part of a hyphenated name ("Xi-Putin"); two lowercase words glued stay ("forage-livestockbalance")
            glued = (a > 0 and _HAN_RE.match(text[a - 1])) or (b < len(text) and _HAN_RE.match(text[b]))
            if glued and not (ev["shape"] == SHAPES["title"] and ev["right_zipf"] >= self.function_right_zipf):
                # glued to Han: a word cut across scripts ("photovol光伏"), the junction rules' business;
                # a name glued to "and"/"the" stays a merge ("通过Twitchand YouTube")
                continue
            if _GLOSSED_RE.match(text, b):
                continue  # a term glossed by its Chinese right after it: "rushan (乳扇)" is a name
            if ev["shape"] == SHAPES["title"] and _in_name_gloss(text, a, b):
                continue  # "瑞幸咖啡（Luckin Coffee）": capitalised words glossing a Han name are a name
            if in_foreign_quote(text, a, b, lex):
                continue  # a word of another language, quoted ("“een avond om nooit te vergeten”")
            if _continued(text, a, b):
                continue  # the rest of a word an accented letter splits: "Coopérative", "CoopÃ©rative"
            ev = dict(ev)
            # "托马斯·韦伯（ThomasWeber）": the gloss of a Han name in two parts is two words
            g = _NAME_GLOSS_RE.search(text, max(0, a - 24), a)
            ev["name_gloss"] = float(
                (g is not None and g.end() == a and g.group(1).count("·") == 1)
                or _pinyin_name_gloss(text, a, b, ctx.surnames)
            )
            # the two words written apart elsewhere, counted once per pair (a scan of the text:
            # only the double shape reads it)
            if ev["shape"] == SHAPES["double"] and (left, right) not in apart:
                apart[(left, right)] = float(text.count(f"{left} {right}"))
            ev["apart_doc"] = apart.get((left, right), 0.0)
            yield Candidate(a, b, ev, f"{left} + {right}", f"{left} {right}")
        yield from self._closed_class(ctx)

    def _closed_class(self, ctx: DocContext) -> Iterator[Candidate]:
        """Merges the word list cannot judge, made of closed-class words: a pronoun glued to its
        auxiliary ("Hewas"), a function word glued to an acronym ("forAIDS"), a country's acronym
        glued to a common word ("USDepartment"), a common word glued to an acronym ("membraneLNG").
        A full stop with no space after it ("nectar.It") is left alone: clean MT and transcripts
        are full of it."""
        tokens = ctx.tokens
        lex = ctx.lexicon
        glued = {
            t: m for t in ctx.vocabulary if (m := _PRONOUN_AUX_RE.fullmatch(t) or _FUNCTION_ACRONYM_RE.fullmatch(t))
        }
        glued |= {
            t: m
            for t in ctx.vocabulary
            if (m := _ACRONYM_WORD_RE.fullmatch(t)) and lex.zipf(m.group(2)) >= 4.0 and lex.zipf(t) == 0.0
        }
        glued |= {
            t: m
            for t in ctx.vocabulary
            if (m := _WORD_ACRONYM_RE.fullmatch(t)) and lex.zipf(m.group(1)) >= 3.0 and lex.zipf(t) == 0.0
        }
        for k in tokens.where(frozenset(glued)):
            a, b = int(tokens.starts[k]), int(tokens.ends[k])
            m = glued[tokens.words[k]]
            ev = {"shape": SHAPES["closed"], "whole_zipf": 0.0}
            yield Candidate(a, b, ev, f"{m.group(1)} + {m.group(2)}", f"{m.group(1)} {m.group(2)}")

    def _evidence(self, ctx: DocContext, lex: Lexicon, tok: str) -> tuple[dict[str, float], str, str] | None:
        hump = _HUMP_RE.search(tok)
        if hump:
            split = lex.split_at(tok, hump.start())
            shape = "double" if tok[0].isupper() else "camel"
        elif tok[0].isupper():  # a name or a word glued to a following word
            shape = "title"
            vocab = ctx.vocabulary
            lefts = [
                i
                for i in range(4, len(tok) - 1)
                if lex.zipf(tok[:i]) >= self.title_left_zipf or vocab.get(tok[:i], 0) >= 1
            ]
            # a place or country name and a common word: "Macaoon", "Shandongwon", "Jilinprovinces"
            # (a whole pinyin name, "Wentian", is one name)
            names = [i for i in range(4, len(tok) - 1) if _name(tok[:i])] if not pinyin_split(tok) else []
            if not names:  # a whole-pinyin token still ends in a function word: "Zhumadianin" (zhu-ma-di-a-nin)
                names = [
                    i
                    for i in range(4, len(tok) - 1)
                    if pinyin_split(tok[:i]) >= 3
                    and lex.zipf(tok[i:]) >= self.title_right_zipf
                    and not pinyin_split(tok[i:])  # "Zhumadian" is no "Zhumadi" + "an"
                ]
            cuts = [i for i in lefts if lex.zipf(tok[i:]) >= self.title_right_zipf]
            cuts += [i for i in names if lex.zipf(tok[i:]) >= self.name_right_zipf]
            cuts += [i for i in names if _pinyin_then_word(lex, tok, i, self.pinyin_right_zipf)]
            cuts += [
                i
                for i in range(4, len(tok) - 2)
                if vocab.get(tok[:i], 0) >= 1 and lex.zipf(tok[i:]) >= self.doc_right_zipf
            ]
            cuts += [
                i
                for i in range(4, len(tok) - 1)
                if lex.zipf(tok[i:]) >= self.function_right_zipf and lex.zipf(tok[:i]) >= self.rare_left_zipf
            ]
            if not cuts:  # "Samarkandregion", "Chineseengineers": a longer common word
                cuts = [
                    i
                    for i in lefts + names
                    if len(tok) - i >= self.title_content_letters and lex.zipf(tok[i:]) >= self.title_content_zipf
                ]
            if not cuts:
                return None
            split = lex.split_at(tok, max(cuts, key=lambda i: lex.zipf(tok[i:])))
        else:
            split = lex.best_split(tok, self.part_zipf)
            shape = "lower"
            if split is None:  # "hackathonin": a rarer word glued to a function word
                cuts = [
                    i
                    for i in range(4, len(tok) - 1)
                    if lex.zipf(tok[i:]) >= self.title_right_zipf and lex.zipf(tok[:i]) >= self.name_part_zipf
                ]
                if not cuts or lex.zipf(tok) > 0.0:
                    return None
                split = lex.split_at(tok, max(cuts))
                shape = "function"
        vocab = ctx.vocabulary
        ev = {
            "shape": SHAPES[shape],
            "left_letters": float(len(split.left)),
            "right_letters": float(len(split.right)),
            "left_zipf": split.left_zipf,
            "right_zipf": split.right_zipf,
            "whole_zipf": split.whole_zipf,
            "expected_zipf": split.expected_zipf,
            "derivation": float(lex.is_derivation(tok)),
            "doc_count": float(vocab.get(tok, 0)),
            "left_doc": float(vocab.get(split.left, 0)),
            "right_doc": float(vocab.get(split.right, 0)),
            "left_name": float(_name(split.left)),  # a country, a language, a pinyin name ("Norwegian", "Jilin")
            "right_name": float(_name(split.right)),
            "left_country": float(is_proper_noun(split.left)),  # a country's or language's name
            # a compass point or a continent's adjective before another capitalised word
            # ("SouthKorean", "EuropeanUnion"); "New" only before a country ("NewUzbekistan")
            "geo_left": float(
                split.left in _GEO_MODIFIERS
                and split.right not in _GEO_MODIFIERS
                and (split.left != "New" or is_proper_noun(split.right))
            ),
            "right_country": float(is_proper_noun(split.right)),
            # a pinyin place name that is no country, then an English word that is no pinyin
            "pinyin_word": float(_pinyin_then_word(lex, tok, len(split.left), 0.0)),
            # the right part ends in an inflection (-ed, -ing, -s): no brand's closed compound
            "right_inflected": float(_INFLECTED_RE.search(split.right) is not None),
        }
        return ev, split.left, split.right

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["shape"] == SHAPES["closed"]:
            return True  # closed classes glued together are no word of English
        if ev["doc_count"] >= 2:
            return False  # the document writes it again: a word of its own
        no_word = ev["whole_zipf"] <= self.max_whole_zipf
        accidental = ev["whole_zipf"] < ev["expected_zipf"] + self.merge_margin
        parts = min(ev["left_zipf"], ev["right_zipf"]) >= self.part_zipf
        shape = ev["shape"]
        if shape == SHAPES["lower"]:
            return parts and (accidental or (no_word and not ev["derivation"]))
        if shape == SHAPES["camel"]:  # "andCentral", "inUrumqi" yes; "teamLab", "iPhone" no
            # a long lowercase word before a capitalised one is no brand's prefix ("largestShanghai";
            # brands keep it short: "easyJet", "teamLab")
            long_left = (
                ev["left_letters"] >= self.camel_left_letters
                and min(ev["left_zipf"], ev["right_zipf"]) >= self.part_zipf
            )
            return ev["left_letters"] >= 2 and (ev["left_zipf"] >= self.function_zipf or long_left) and no_word
        if shape == SHAPES["function"]:  # "hackathonin": a rarer word, then a function word
            return no_word and ev["left_letters"] >= 6 and ev["left_zipf"] >= self.name_part_zipf
        if shape == SHAPES["title"]:  # "Beijingin", "Organizationand"; "Samarkandregion"
            # a common word, then a longer content word, makes a brand's closed compound
            # ("Bladepoint", "Starlink"); after a name it is a merge ("Samarkandregion", "Chineseengineers")
            # ... or an inflected word ("Cityreceived", "Olympicqualifying", "Brazilianshipments")
            # ("Thatcloud": after a function word too)
            named_left = (
                ev["left_doc"] >= 1
                or ev["left_name"]
                or ev.get("right_inflected", 0.0) > 0
                or ev["left_zipf"] >= self.function_zipf
            )
            right = (
                ev["right_zipf"] >= self.title_right_zipf
                or (
                    named_left
                    and ev["right_zipf"] >= self.title_content_zipf
                    and ev["right_letters"] >= self.title_content_letters
                )
                or (ev["left_name"] and ev["right_zipf"] >= self.name_right_zipf)
                or (ev.get("pinyin_word") and ev["right_zipf"] >= self.pinyin_right_zipf)
                or (ev["left_doc"] >= 1 and ev["right_zipf"] >= self.doc_right_zipf)
            )
            known_left = ev["left_zipf"] >= self.title_left_zipf or ev["left_doc"] >= 1 or ev["left_name"]
            function = ev["right_zipf"] >= self.function_right_zipf and ev["left_zipf"] >= self.rare_left_zipf
            return no_word and ev["left_letters"] >= 4 and ((known_left and right) or function)
        # "KyrgyzPresident": both parts words (or names the document writes on their own), the
        # whole no brand the lexicon knows, and a part on its own in the document (or both
        # parts very common words). Two names glued ("KazakhstanRussia", the gloss "ThomasWeber")
        # are a merge; two common words and no name ("ColdLink", "PayPal") make a brand unless the
        # document writes the two words apart elsewhere.
        if not no_word or ev["left_letters"] < 3:
            return False
        if (ev["left_name"] and ev.get("right_name")) or ev.get("name_gloss"):
            return True
        if ev.get("geo_left") and (
            ev.get("right_country") or ev.get("right_name") or ev["right_zipf"] >= self.geo_right_zipf
        ):
            return True  # a place's or an institution's name: "SouthKorean", "EuropeanUnion", "NewZealand"
        known = all(ev[f"{side}_zipf"] >= self.name_part_zipf or ev[f"{side}_doc"] >= 1 for side in ("left", "right"))
        if (
            known
            and ev["left_letters"] + ev["right_letters"] >= self.long_letters
            and min(ev["left_letters"], ev["right_letters"]) >= 4
        ):
            # two long words glued: a name written without its space ("CooperationProgramme",
            # "YangtzeRiver", "MorganStanley"); brands the lists do not know keep it short
            # ("PowerChina", "RiceDoctor", "PlayStation", "FusionSolar")
            return True
        # a part rarer than doc_name_zipf that the document writes on its own is a name
        # ("JamesOtieno" beside "Otieno", "EastJakarta" beside "Jakarta"; not "AirAsia" beside "Asia")
        # (a name of three letters or fewer, "Han", "Li", is a syllable many names share)
        doc_name = any(
            ev[f"{side}_doc"] >= 1 and ev[f"{side}_zipf"] < self.doc_name_zipf and ev[f"{side}_letters"] >= 4
            for side in ("left", "right")
        )
        if not (ev["left_name"] or ev.get("right_name") or doc_name) and not ev.get("apart_doc"):
            return False
        if min(ev["left_letters"], ev["right_letters"]) < 4 and not (ev.get("left_country") or ev.get("right_country")):
            # a hump of three letters or fewer beside no country's name is a brand's ("PandaCam",
            # "GoPay"; "Panda" reads as pinyin): "NewUzbekistan" stays a merge
            return False
        return (
            known
            and no_word
            and ev["left_letters"] >= 3
            and (
                ev["left_doc"] + ev["right_doc"] >= 1 or min(ev["left_zipf"], ev["right_zipf"]) >= self.double_part_zipf
            )
        )

    def confidence(self, cand: Candidate) -> float:
        ev = cand.evidence
        if ev["shape"] == SHAPES["closed"]:
            return 0.85
        return min(0.95, 0.5 + 0.1 * min(ev["left_zipf"], ev["right_zipf"]))

"""Repair of flagged passages: candidates, checks, a choice per passage, and the splice.

For each passage mtqa builds the candidates a careful editor would weigh, from the smallest
edit to the largest:

``rules``    the sure fixes of its spans (a repeat deleted, a merge split, mojibake decoded);
``pieces``   the clean text kept verbatim and only the stretches in the wrong language
             translated, each on its own (``memory`` when a stretch is a sentence of the clean
             references, whose counterpart in the bitext replaces it);
``mt``       the whole passage rewritten by the MT model (repair prompt for mixed text);
``original`` the passage as it stands.

Every candidate goes through the same checks: words left in the wrong language, spans the
detector still finds, the MT output checks, content the source side does not explain
(``invented``), clean text rewritten. The candidate with the lightest problems wins, the
smaller edit on ties; why it won is recorded with every candidate's problems.
"""

from __future__ import annotations

import difflib
import logging
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from mtqa.detect.lexicon import get_lexicon
from mtqa.detect.rules.untranslated import (
    GLOSS_HAN_PER_WORD,
    QUOTATION_LOWER_SHARE,
    QUOTATION_WORDS,
    QUOTED_PHRASE_HAN,
    QUOTED_PHRASE_WORDS,
    english_evidence,
    han_gloss_after,
    institution_name,
    opened_by_quote,
    phrase_chars,
    runs_on_in_han,
    sentence_case_quotation,
)
from mtqa.passages import Passage
from mtqa.pinyin import is_pinyin
from mtqa.record import Candidate
from mtqa.segment import CJK_PUNCT, HAN, HAN_DIGIT_VALUES, HAN_RE, count_scripts
from mtqa.translate.checks import fix_magnitudes, weighted_length, wrong_magnitudes
from mtqa.translate.prompt import AUTO

if TYPE_CHECKING:
    from mtqa.detect import Detector, Span
    from mtqa.translate.base import Translation, Translator
    from mtqa.translate.glossary import Glossary

log = logging.getLogger(__name__)

# A stretch of English: words with the spaces and punctuation between them.
# Letters with diacritics belong to the word ("University of Münster" is one gloss).
_LATIN_STRETCH_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9À-ÖØ-öø-ɏ'’\-]*(?:[ \t,;:.!?\"“”'‘’()$%&/\-–—]+[A-Za-z0-9][A-Za-z0-9À-ÖØ-öø-ɏ'’\-]*)*"
    r"%?[.!?,;:]?[\"”’)]?"
)
# A stretch of Chinese: Han characters with the CJK punctuation and digits between them, and the
# ASCII clause punctuation some Chinese house styles use ("习近平指出,建交33年来,").
_HAN_STRETCH_RE = re.compile(f"[{HAN}](?:[{HAN}{CJK_PUNCT}0-9·—…“”‘’,;:]*[{HAN}{CJK_PUNCT}])?")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# A space next to a Han character or CJK punctuation: Latin spacing left in Chinese text.
_CJK_SPACE_RE = re.compile(f"(?<=[{HAN}{CJK_PUNCT}]) +| +(?=[{HAN}{CJK_PUNCT}])")
_CAMEL_RE = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z])")
_ARTICLES = frozenset({"the", "a", "an"})

# Clause punctuation a Chinese text writes full-width or, in some house styles, as ASCII.
_FULL_TO_ASCII = str.maketrans({"，": ",", "；": ";", "：": ":", "！": "!", "？": "?"})
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_ASCII_BY_HAN_RE = re.compile(f"(?<=[{HAN}])[,;:!?](?![0-9])|(?<![0-9])[,;:!?](?=[{HAN}])")


def zh_punct_style(text: str) -> str:
    """``"ascii"`` when the Chinese of ``text`` writes its clause punctuation as ASCII (``中国,美国``)
    more often than full-width (``中国，美国``), else ``"full"``."""
    ascii_n = len(_ASCII_BY_HAN_RE.findall(text))
    full_n = sum(text.count(c) for c in "，；：！？")
    return "ascii" if ascii_n > full_n else "full"


def to_punct_style(text: str, style: str | None) -> str:
    """Clause punctuation of new Chinese text written the document's way."""
    if style == "ascii":
        return text.translate(_FULL_TO_ASCII)
    if style == "full":
        return _ASCII_BY_HAN_RE.sub(lambda m: _ASCII_TO_FULL[m.group()], text)
    return text


@cache
def _stop_words() -> frozenset[str]:
    """The 150 most frequent English words (wordfreq): function words, not content."""
    from wordfreq import top_n_list

    return frozenset(top_n_list("en", 150))


# How much each problem weighs when no candidate is clean (lower total wins). ``foreign_left``
# grows with the share of the text still in the wrong language; ``spans_left`` counts up to 3.
WEIGHTS = {
    "empty": 100.0,
    "runaway": 50.0,
    "copied_source": 10.0,
    "foreign_left": 2.0,  # + 10 x the wrong-language share of the candidate
    "new_number": 3.0,
    "wrong_magnitude": 3.0,  # an amount of the passage at another size (1 billion -> 1亿)
    "invented": 30.0,  # an invented phrase falls back to the smaller edit, even a flagged one
    "too_long": 5.0,
    "too_short": 5.0,
    "spans_left": 1.0,  # per span, at most 3
    "rewrote_clean_text": 4.0,
    "new_country": 5.0,  # the MT named a country the source does not
    "lost_token": 5.0,  # an acronym, code, gloss or number of the passage is gone
    "han_in_english": 0.0,  # covered by foreign_left, counted once
    "latin_in_chinese": 0.0,
}
# The commonest surname written with each pinyin syllable of ``detector.pinyin_surnames``: a
# surname glued to a Chinese given name ("Zhang丽", "Liu江平") is put back in Han characters.
_SURNAMES = (
    "Li李 Wang王 Zhang张 Liu刘 Chen陈 Yang杨 Huang黄 Zhao赵 Wu吴 Zhou周 Xu徐 Sun孙 Ma马 Zhu朱 Hu胡 Guo郭 "
    "He何 Gao高 Lin林 Luo罗 Zheng郑 Liang梁 Xie谢 Song宋 Tang唐 Han韩 Feng冯 Deng邓 Cao曹 Peng彭 Zeng曾 "
    "Xiao肖 Tian田 Dong董 Pan潘 Yuan袁 Cai蔡 Jiang蒋 Yu于 Du杜 Ye叶 Cheng程 Wei魏 Su苏 Lu卢 Ding丁 Ren任 "
    "Shen沈 Yao姚 Fu付 Zhong钟 Cui崔 Tan谭 Liao廖 Fan范 Jin金 Shi石 Jia贾 Xia夏 Fang方 Bai白 Zou邹 Meng孟 "
    "Xiong熊 Qin秦 Qiu邱 Hou侯 Yin尹 Xue薛 Yan闫 Duan段 Lei雷 Long龙 Tao陶 Mao毛 Hao郝 Gu顾 Gong龚 Shao邵 "
    "Wan万 Qian钱 Dai戴 Mo莫 Kong孔 Xiang向 Chang常 Zhai翟 Qi齐 "
)
SURNAME_HAN = {pair[:-1]: pair[-1] for pair in _SURNAMES.split()}
# Candidate methods from the smallest edit to the largest: the tie-break order.
ORDER = ("rules", "memory", "pieces", "mt", "original")


def pre_edit(p: Passage) -> tuple[str, bool]:
    """The passage with the sure fixes of its spans applied, and whether every span had one.

    A ``duplication`` span is the superfluous copy (a repeat, or a tail that says again in the
    other language what was just said): without a fix of its own, it is deleted.
    """
    fixes: list[tuple[int, int, str]] = []
    last_end = -1
    for s in sorted(p.spans, key=lambda s: (s.start, s.end)):
        fix = s.fix if s.fix is not None else ("" if s.kind == "duplication" else None)
        if fix is not None and s.start >= last_end:
            fixes.append((s.start - p.start, s.end - p.start, fix))
            last_end = s.end
    text = p.text
    for a, b, fix in reversed(fixes):
        text = text[:a] + fix + text[b:]
        if not fix:  # no double space or space before punctuation where a copy was cut out
            text = _tidy(text, a)
    fixed = {(a + p.start, b + p.start) for a, b, _ in fixes}
    return text, all((s.start, s.end) in fixed for s in p.spans)


def _tidy(text: str, i: int) -> str:
    """Spaces around position ``i`` after a deletion: no double space, none before punctuation."""
    a, b = i, i
    while a > 0 and text[a - 1] == " ":
        a -= 1
    while b < len(text) and text[b] == " ":
        b += 1
    if a == b:
        return text
    nxt = text[b : b + 1]
    keep = "" if (a == 0 or not nxt or nxt in ",.;:!?，。；：！？" or not text[a - 1].isascii()) else " "
    return text[:a] + keep + text[b:]


def source_mode(text: str) -> str:
    """Plain translation for single-script text (``zh``/``en``), repair (``auto``) for mixed."""
    han, latin = count_scripts(text)
    if han == 0:
        return "en"
    if latin == 0:
        return "zh"
    return AUTO


def _code_shape(token: str) -> bool:
    """An acronym, a code with digits or a camel-case brand (``HSK``, ``C919``, ``iPhone``)."""
    return (token.isupper() and len(token) >= 2) or any(c.isdigit() for c in token) or bool(_CAMEL_RE.match(token))


def is_legit_latin(token: str, known: frozenset[str]) -> bool:
    """A Latin token that belongs in Chinese text: an acronym, a code, a brand, a known name."""
    return _code_shape(token) or (len(token) == 1 and token.isupper()) or token in known


@dataclass(frozen=True)
class Piece:
    """A stretch of a passage written in the wrong language, offsets into the passage text."""

    start: int
    end: int
    text: str
    kind: str  # "clause" (two words / two Han characters or more), "word" (one dictionary word), "fragment"

    @property
    def whole(self) -> bool:
        """Translatable on its own (and a candidate for the translation memory)."""
        return self.kind == "clause"


def _is_word(token: str, cut: frozenset[str]) -> bool:
    """A complete English word or name, not a cut-off fragment of one: not reported cut by the
    detector, three letters or more, and a known word unless capitalised (a name)."""
    from wordfreq import zipf_frequency

    if token in cut or len(token) < 3:
        return False
    return token[0].isupper() or zipf_frequency(token, "en") >= 3.0


def _misleading_tail(token: str, min_zipf: float = 3.0) -> bool:
    """A cut-off word's tail that is itself a common English word or name (``toms``, ``ports``)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(token, "en") >= min_zipf


def foreign_pieces(
    text: str, target: str, known: frozenset[str] = frozenset(), cut: frozenset[str] = frozenset()
) -> list[Piece]:
    """The stretches of ``text`` that are not in ``target`` and are not legitimate tokens
    (acronyms, codes, brands, known names, glosses in brackets or quotes). ``cut``: tokens the
    detector found cut off (fragments, never translated on their own)."""
    out = []
    if target == "zh":
        for m in _LATIN_STRETCH_RE.finditer(text):
            words = _WORD_RE.findall(m.group())
            if not words or all(is_legit_latin(w, known) for w in words) or _is_gloss(text, m.start(), m.end()):
                continue
            if _brand_phrase(m.group(), words, known) and not institution_name(words):
                continue  # "TikTok Shop", "Mate 60 Pro": a product or brand name, kept in Latin
                # (an institution's or a place's name is translated: "Haikou Meilan International Airport")
            a, b = m.start(), m.end()
            while b > a and text[b - 1] in " \t":
                b -= 1
            if _quotation(text[a:b]) or _quoted_phrase(text, a, b) or _said_in_quotes(text, a, b):
                # the closing mark stays where it is
                while b > a and text[b - 1] in "”’\"'":
                    b -= 1
            head = _WORD_RE.match(text, a)
            if len(words) >= 3 and head and words[0] in cut and _misleading_tail(words[0]):
                # a sentence that starts with the tail of a cut word that reads as another word
                # ("toms official said…", what is left of "Customs"; "ports", "ice"): a model
                # translates the wrong word (汤姆斯), so the tail is dropped as a fragment and
                # the rest translated as a clause. A tail that is no word ("ery day") stays: the
                # model can often read it.
                out.append(Piece(a, head.end(), head.group(), "fragment"))
                a = head.end()
                while a < b and text[a] == " ":
                    a += 1
                words = words[1:]
            if len(words) >= 2:
                kind = "clause"
            else:
                if words[0].lower() in _ARTICLES:
                    kind = "fragment"  # "已培养了 the 数百名": an article has nothing to say in Chinese
                else:
                    kind = "word" if _is_word(words[0], cut) else "fragment"
                one = _WORD_RE.search(text, a, b)  # a word dropped: the numbers after it stay ("的 of 50%")
                if kind == "fragment" and one is not None:
                    stop = text[one.end() : one.end() + 1]
                    before = text[:a].rstrip(" \t")[-1:]  # a passage starts after a stop or a line break
                    after_stop = not before or before in "。！？；，"
                    # "步道。 kway.": a fragment after a Chinese stop takes its own stop with it
                    b = one.end() + 1 if after_stop and stop and stop in ".!?;," else one.end()
            out.append(Piece(a, b, text[a:b], kind))
    else:
        for m in _HAN_STRETCH_RE.finditer(text):
            if _is_gloss(text, m.start(), m.end()):
                continue
            n = len(HAN_RE.findall(m.group()))
            if n >= 2:
                kind = "clause"
            else:  # one character: a word when it is glued to a cut word it translates ("alumi铝")
                kind = (
                    "word"
                    if m.start() > 0 and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha()
                    else "fragment"
                )
            out.append(Piece(m.start(), m.end(), m.group(), kind))
    return out


def _brand_phrase(stretch: str, words: list[str], known: frozenset[str]) -> bool:
    """Capitalised words only, with a brand, code, acronym or model number among them ("TikTok
    Shop", "Mate 60 Pro", "HSK Level"): a product or brand name, not English to translate."""
    return (
        len(words) >= 2
        and all(w[0].isupper() for w in words)
        and (any(is_legit_latin(w, known) for w in words) or any(c.isdigit() for c in stretch))
        and not any(c in stretch for c in ".!?")
    )


def _quotation(stretch: str, min_words: int = 6, min_han: int = 10) -> bool:
    """A whole sentence, its stop before any closing mark (``“The timing … growth.”``): a
    quotation, not a title or a gloss (the detector's ``untranslated-sentence`` reads it so)."""
    inner = stretch.rstrip().rstrip("”’\"'）)」").rstrip()
    if inner[-1:] not in ".!?,。！？，":  # a stop, or the comma before "she said"
        return False
    return len(_WORD_RE.findall(inner)) >= min_words or len(HAN_RE.findall(inner)) >= min_han


def _quoted_phrase(text: str, a: int, b: int) -> bool:
    """Han in quotation marks inside English with no English beside it (``had “不存在悬而未决的问题”
    on their border``), or a lowercase English phrase in quotation marks inside Chinese, not in
    brackets (``预警“showed the value of regional cooperation”``): someone's words left
    untranslated, as the detector reads them."""
    if text[a : a + 1].isascii() and text[a : a + 1].isalpha():
        return (
            text[a].islower()
            and len(_WORD_RE.findall(text, a, b)) >= QUOTED_PHRASE_WORDS
            and opened_by_quote(text, a)  # the detector's reading: a “ or " not inside a bracket
            and not re.match(r"[”\"]?\s*[（(]", text[b:])
        )
    i = a
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if text[i - 1 : i] not in ("“", '"') or phrase_chars(text, a, b) < QUOTED_PHRASE_HAN:
        return False
    after = re.match(r"[”\"]?\s*[（(]\s*[“\"]?[A-Za-z]", text[b:])
    before = re.search(r"[A-Za-z][”\"]?\s*[（(]\s*$", text[:i])  # "the slogan “…” (“…”)" either way
    return after is None and before is None


def _said_in_quotes(text: str, a: int, b: int) -> bool:
    """An English sentence in quotation marks whatever stands after them (``“When customers can eat
    with peace of mind, we feel at ease on the road too”。``), unless its Chinese translation
    follows in brackets or the sentence goes on in Chinese after it (a headline quoted as a
    title): someone's words left untranslated, as the detector reads them."""
    if not (text[a : a + 1].isascii() and text[a : a + 1].isalpha() and opened_by_quote(text, a)):
        return False
    words, lower, english = english_evidence(text, a, b, get_lexicon())
    if han_gloss_after(text, b) >= GLOSS_HAN_PER_WORD * words or runs_on_in_han(text, b):
        return False
    return sentence_case_quotation(words, lower, english, QUOTATION_WORDS, QUOTATION_LOWER_SHARE)


def _is_gloss(text: str, a: int, b: int) -> bool:
    """A stretch in brackets or quotes of its own (``Xi Jinping (习近平)``, ``比什凯克（Bishkek）``,
    a quoted title), or a quotation followed by its translation in brackets: a gloss or a name,
    not damage."""
    if _quoted_phrase(text, a, b) or _said_in_quotes(text, a, b):
        return False
    if (
        text[a : a + 1].isascii()
        and han_gloss_after(text, b) >= GLOSS_HAN_PER_WORD * len(_WORD_RE.findall(text, a, b)) > 0
    ):
        return True  # “Donglan is now our first choice in China.”（东澜现在是…）
    i, j = a, b
    while i > 0 and text[i - 1] == " ":
        i -= 1
    while j < len(text) and text[j] == " ":
        j += 1
    before, after = text[i - 1 : i], text[j : j + 1]
    pairs = {"(": ")", "（": "）", "“": "”", '"': '"', "《": "》", "「": "」", "‘": "’"}
    if _quotation(text[a:b]):
        return False  # a whole quoted sentence is someone's words, left untranslated
    if before and b > a and pairs.get(before) == text[b - 1]:
        return True  # the stretch took the closing mark: “Silk Road Agri-Skills”
    return bool(before) and pairs.get(before) == after


def foreign_share(text: str, target: str, known: frozenset[str], source: str = "") -> float:
    """Share of ``text`` (in Latin-letter units, a Han character = 4 letters) still in the wrong
    language. A token the model merely upper-cased (``ges`` -> ``GES``) is not a legitimate acronym."""
    total = weighted_length(text)
    if not total:
        return 0.0
    if target == "zh":
        # English words outside glosses and quoted titles ("克莱尔·马丁（Claire Martin）" is fine)
        foreign_src = {w.lower() for w in _WORD_RE.findall(source) if not is_legit_latin(w, known)}
        words = [w for p in foreign_pieces(text, "zh", known) for w in _WORD_RE.findall(p.text)]
        upper = [w for w in _WORD_RE.findall(text) if w.isupper() and w.lower() in foreign_src]
        bad = sum(len(w) for w in words if not is_legit_latin(w, known)) + sum(len(w) for w in upper)
    else:
        bad = 4 * sum(len(HAN_RE.findall(p.text)) for p in foreign_pieces(text, "en"))
    return bad / total


_NUMBER_RE = re.compile(r"\d[\d,.]*\d|\d")


def _digits(n: str) -> str:
    """A number's significant digits: ``94.8`` and ``948`` (亿) are the same figure."""
    return n.replace(",", "").replace(".", "").rstrip("0") or "0"


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_EN_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                    "nineteen", "twenty")  # fmt: skip
_EN_NUMBERS = dict(zip(_EN_NUMBER_WORDS, range(21), strict=True)) | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100
}  # fmt: skip
_ZH_NUMERAL_RE = re.compile("[〇零一二两三四五六七八九十百千]+")


def _zh_numeral(run: str) -> int:
    """The value of a Chinese numeral below 10,000 (``三十三`` = 33, ``二〇二四`` = 2024)."""
    if all(c in HAN_DIGIT_VALUES for c in run):  # digit by digit, as in years
        return int("".join(str(HAN_DIGIT_VALUES[c]) for c in run))
    total, digit = 0, None
    for c in run:
        if c in HAN_DIGIT_VALUES:
            digit = HAN_DIGIT_VALUES[c]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)


def _spelled_numbers(text: str) -> set[str]:
    """Numbers a text writes in words: month names (``February`` -> 2), English number words,
    Chinese numerals."""
    out = set()
    for w in _WORD_RE.findall(text):
        if w[0].isupper() and w.lower() in _MONTHS:  # "May", not the verb "may"
            out.add(str(_MONTHS.index(w.lower()) + 1))
        elif w.lower() in _EN_NUMBERS:
            out.add(str(_EN_NUMBERS[w.lower()]))
    out.update(str(_zh_numeral(run)) for run in _ZH_NUMERAL_RE.findall(text))
    return {_digits(n) for n in out}


def new_numbers(candidate: str, sources: Sequence[str]) -> list[str]:
    """Numbers in ``candidate`` that no source text has (up to scale: 94.8 billion = 948亿), in
    digits or in words (``February`` explains the 2 of ``2月``)."""
    have = {_digits(n) for src in sources for n in _NUMBER_RE.findall(src)}
    have |= {n for src in sources for n in _spelled_numbers(src)}
    years = {n for src in sources for n in _NUMBER_RE.findall(src)}
    # a year does not scale: "2020" is new where the source has "202" (a cut year) or "2.02"
    return [n for n in _NUMBER_RE.findall(candidate) if _digits(n) not in have or (_is_year(n) and n not in years)]


def _is_year(n: str) -> bool:
    return len(n) == 4 and n.isdigit() and 1800 <= int(n) <= 2099


def _content_units(text: str, lang: str) -> Counter:
    if lang == "zh":
        return Counter(HAN_RE.findall(text))
    return Counter(w.lower() for w in _WORD_RE.findall(text) if len(w) > 2 and w.lower() not in _stop_words())


def unexplained(candidate: str, original: str, pool: Sequence[str], lang: str) -> tuple[int, int]:
    """(content units new in ``candidate`` that no source-side text explains, all new units)."""
    new = _content_units(candidate, lang) - _content_units(original, lang)
    explained: Counter = Counter()
    for text in pool:
        explained |= _content_units(text, lang)
    return sum((new - explained).values()), sum(new.values())


def kept_share(original: str, candidate: str, pieces: Sequence[Piece], lang: str) -> float:
    """Share of the original's clean target-language text that the candidate keeps, in order."""
    keep = []
    pos = 0
    for p in pieces:
        keep.append(original[pos : p.start])
        pos = p.end
    keep.append(original[pos:])
    clean = "".join(keep)
    units = (lambda s: "".join(HAN_RE.findall(s))) if lang == "zh" else (lambda s: " ".join(_WORD_RE.findall(s)))
    a, b = units(clean), units(candidate)
    if not a:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in sm.get_matching_blocks()) / len(a)


@dataclass
class Repair:
    """The chosen repair of one passage and the candidates it was chosen from."""

    text: str
    method: str
    reason: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        chosen = next((c for c in self.candidates if c.method == self.method), None)
        return list(chosen.problems) if chosen else []


@dataclass(frozen=True)
class RepairSettings:
    """Thresholds of the repair stage (the ``repair:`` section of the config)."""

    memory: bool = True  # a stretch that is a sentence of the references takes its bitext counterpart
    memory_min_chrf: float = 90.0
    invented_slack: int = 2  # unexplained content units always tolerated
    invented_share: float = 0.5  # beyond the slack, the share of new content that may be unexplained
    min_kept_share: float = 0.7  # below this share of the clean text kept, a rewrite is flagged
    rank_margin: float = 5.0  # a clean translation beats a smaller clean edit when its QE is this much higher
    patch_max_words: int = 3  # English words a translation into Chinese kept, translated one by one (up to)


class Repairer:
    """Builds, checks and chooses repair candidates for the passages of one document."""

    def __init__(
        self,
        translator: Callable[[], Translator],
        detector: Detector,
        target: str,
        known_latin: frozenset[str] = frozenset(),
        memory: Callable[[str], str | None] | None = None,
        settings: RepairSettings | None = None,
        glossary: Glossary | None = None,
        rank: Callable[[str, list[str]], list[float]] | None = None,
        punct: str | None = None,
        names: frozenset[str] = frozenset(),
    ) -> None:
        self._translator = translator
        self.detector = detector
        self.target = target
        self.known = known_latin
        self.memory = memory
        self.settings = settings or RepairSettings()
        self.glossary = glossary
        self.rank = rank
        self.punct = punct if target == "zh" else None  # "ascii" | "full": how the document punctuates
        self.names = names  # words the document capitalises mid-sentence (its names)

    def repair(self, passages: Sequence[Passage], progress: Callable[[int], None] | None = None) -> list[Repair]:
        tgt = self.target
        other = "en" if tgt == "zh" else "zh"
        edits = [(self._dedup(pre), fixed) for pre, fixed in (pre_edit(p) for p in passages)]
        cuts = [_cut_tokens(p) for p in passages]
        pieces = [foreign_pieces(pre, tgt, self.known, cut) for (pre, _), cut in zip(edits, cuts, strict=True)]
        # Translation jobs: every wrong-language stretch (unless the translation memory has it),
        # and whole passages that need MT beyond their stretches.
        memo: dict[tuple[int, int], str] = {}
        piece_jobs: list[tuple[int, int]] = []
        for i, ps in enumerate(pieces):
            for j, pc in enumerate(ps):
                hit = self.memory(pc.text) if (self.memory and self.settings.memory and pc.whole) else None
                if hit is not None:
                    memo[(i, j)] = hit
                elif pc.kind != "fragment":
                    piece_jobs.append((i, j))
        whole_idx = [i for i, (pre, fixed) in enumerate(edits) if self._needs_whole_mt(pre, fixed, pieces[i], i, memo)]
        if progress:
            progress(len(passages) - len(whole_idx))
        whole_tr = self._translate_by_mode([edits[i][0] for i in whole_idx], tgt, progress)
        piece_tr = self._translate([pieces[i][j].text for i, j in piece_jobs], other, tgt)
        if tgt == "zh":
            patched = self._patch_words([*whole_tr, *piece_tr], other)
            whole_tr, piece_tr = patched[: len(whole_tr)], patched[len(whole_tr) :]
        mt: dict[int, Translation] = dict(zip(whole_idx, whole_tr, strict=True))
        piece_out: dict[tuple[int, int], Translation] = dict(zip(piece_jobs, piece_tr, strict=True))

        out = []
        for i, p in enumerate(passages):
            pre = edits[i][0]
            ps = pieces[i]
            pool = [pre, *self._terms(pre, other)]
            cands: list[tuple[str, str, list[str]]] = []  # (method, text, MT flags)
            if pre != p.text:
                cands.append(("rules", pre, []))
            if ps:
                text, used_memory, flags = self._splice_pieces(pre, ps, i, memo, piece_out, cuts[i])
                cands.append(("memory" if used_memory else "pieces", text, flags))
            for j, _pc in enumerate(ps):
                if (i, j) in memo:
                    pool.append(memo[(i, j)])
                elif (i, j) in piece_out:
                    pool.append(piece_out[(i, j)].text)
            if i in mt:
                cands.append(("mt", self._shape_mt(pre, mt[i].text), list(mt[i].flags)))
            # an amount the model wrote at another size gets the source's size (1 billion: 10亿)
            cands = [
                (m, fix_magnitudes(p.text, t, self.target), [f for f in fl if f != "wrong_magnitude"])
                if m in ("pieces", "mt", "memory")
                else (m, t, fl)
                for m, t, fl in cands
            ]
            cands.append(("original", p.text, []))
            out.append(self._choose(p, pre, ps, cands, pool))
        return out

    def _shape_mt(self, pre: str, out: str) -> str:
        """A whole-passage rewrite in the document's punctuation; its first word keeps the case it
        has in the passage ("2023, according to" rewritten "According to" -> "according to")."""
        out = to_punct_style(out, self.punct)
        first, orig = _WORD_RE.match(out), _WORD_RE.match(pre)
        if self.target == "en" and first and orig and first.group() == orig.group().capitalize() != orig.group():
            out = orig.group() + out[first.end() :]
        if self.target == "en" and "’" in pre and "'" not in pre:  # the passage's apostrophes (Kazakhstan’s)
            out = _APOSTROPHE_RE.sub("’", out)
        return _same_ending(pre, out, self.target)

    def _dedup(self, text: str) -> str:
        """``text`` without the repeats the detector finds in it on its own: a repeat inside an
        untranslated sentence is hidden by that sentence's span in the document ("new growth
        points, new growth points"), and would be translated twice."""
        spans = [s for s in self.detector.detect(text).spans if s.kind == "duplication"]
        for s in sorted(spans, key=lambda s: s.start, reverse=True):
            text = text[: s.start] + (s.fix if s.fix is not None else "") + text[s.end :]
        return text

    @staticmethod
    def _needs_whole_mt(pre: str, fixed: bool, ps: list[Piece], i: int, memo: dict[tuple[int, int], str]) -> bool:
        """A whole-passage rewrite is a candidate unless the sure fixes left nothing foreign, the
        memory covers every stretch, or one stretch is the whole passage (the same request)."""
        if not ps:
            return not fixed
        if all((i, j) in memo for j in range(len(ps))):
            return False
        single = len(ps) == 1 and ps[0].whole and not pre[: ps[0].start].strip() and not pre[ps[0].end :].strip()
        return not single

    # --- translation -------------------------------------------------------------------------
    def _patch_words(self, trs: list[Translation], src: str) -> list[Translation]:
        """Translations into Chinese that kept English words of their source as they were
        (``举行了一次fruitful会议``): each such word translated on its own, in one batch, and put
        in its place when its translation is a short all-Chinese word."""
        from wordfreq import zipf_frequency

        left: dict[str, None] = {}
        for tr in trs:
            src_words = {w.lower() for w in _WORD_RE.findall(tr.source)}
            kept = [
                w
                for w in _WORD_RE.findall(tr.text)
                if w.lower() in src_words
                and not is_legit_latin(w, self.known)
                and not w[0].isupper()
                and len(w) >= 3
                and w.lower() not in _stop_words()
                and zipf_frequency(w, "en") >= 3.0
            ]
            # a few words left in a translation; not a source the model gave back untranslated
            if kept and len(kept) <= self.settings.patch_max_words and len(HAN_RE.findall(tr.text)) >= 4 * len(kept):
                left.update(dict.fromkeys(kept))
        if not left:
            return trs
        words = list(left)
        done = [t.text.strip().rstrip("。.") for t in self._translate(words, src, "zh")]
        table = {w: zh for w, zh in zip(words, done, strict=True) if 1 <= len(zh) <= 6 and all(map(HAN_RE.match, zh))}
        log.debug("English words left in translations, translated on their own: %s", table)
        out = []
        for tr in trs:
            text = tr.text
            for w, zh in table.items():
                text = re.sub(rf"(?<![A-Za-z]) ?{re.escape(w)} ?(?![A-Za-z])", zh, text)
            out.append(tr if text == tr.text else replace(tr, text=text))
        return out

    def _terms(self, text: str, src: str) -> list[str]:
        """Glossary translations of the terms in ``text``: they explain the words they bring."""
        if self.glossary is None:
            return []
        return [b for _, b in self.glossary.entries_for(text, src, self.target)]

    def _translate(self, texts: list[str], src: str, tgt: str) -> list[Translation]:
        if not texts:
            return []
        return self._translator().translate(texts, src, tgt, glossary=self.glossary)

    def _translate_by_mode(
        self, texts: list[str], tgt: str, progress: Callable[[int], None] | None
    ) -> list[Translation]:
        """Translate texts grouped by their source mode (zh, en or auto), results in input order."""
        out: list[Translation | None] = [None] * len(texts)
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            groups.setdefault(source_mode(t), []).append(i)
        for mode, idx in groups.items():
            done = self._translator().translate([texts[i] for i in idx], mode, tgt, progress, self.glossary)
            for i, tr in zip(idx, done, strict=True):
                out[i] = tr
        return [t for t in out if t is not None]

    def _splice_pieces(
        self,
        pre: str,
        ps: list[Piece],
        i: int,
        memo: dict[tuple[int, int], str],
        piece_out: dict[tuple[int, int], Translation],
        cut: frozenset[str] = frozenset(),
    ) -> tuple[str, bool, list[str]]:
        text, used_memory, flags = pre, False, []
        for j in reversed(range(len(ps))):
            pc = ps[j]
            left, right = text[: pc.start], text[pc.end :]
            name = _pinyin_name(left, pc.text) if self.target == "en" else None
            if name is not None:  # a name cut across scripts: "Guang州" -> Guangzhou
                text = left + name + right
                continue
            if (i, j) in memo:
                new, used_memory = memo[(i, j)], True
            elif self.target == "zh" and pc.text in SURNAME_HAN and HAN_RE.match(right[:1]):
                new = SURNAME_HAN[pc.text]  # a pinyin surname glued to the given name: "Zhang丽" -> 张丽
            elif pc.kind == "fragment" or _said_beside(
                piece_out[(i, j)].text, left, right, self.target, glued=pc.kind == "word"
            ):
                # a cut-off fragment, or a word whose translation is glued right beside it
                # ("declar申报", "coop合作"): the rest of the text already says it
                new = ""
            else:
                tr = piece_out[(i, j)]
                new = tr.text
                if pc.kind == "word" and self.target == "zh":
                    new = _side(new, pc, right) or _overlap_cut(new, left, right)
                elif self.target == "en":
                    left, new = _glued_fragment(left, new, cut)
                flags.extend(f for f in tr.flags if f not in flags)
            if self.target == "zh":  # Chinese takes no spaces around what replaces an English stretch
                left, right = left.rstrip(" "), right.lstrip(" ")
            here = replace(pc, start=len(left), end=len(left) + len(pc.text))
            text = left + _fit(left + pc.text + right, here, new, self.target, self.punct, self.names) + right
        return text, used_memory, flags

    # --- checks and choice -------------------------------------------------------------------
    def _by_quality(self, source: str, best: Candidate, clean: list[Candidate]) -> tuple[Candidate, str] | None:
        """Among clean translations (pieces, memory, mt), a clearly better estimated translation
        of the passage beats the smaller edit; None when that does not change the choice."""
        pool = [c for c in clean if c.method in ("pieces", "mt")]
        if self.rank is None or best.method not in ("pieces", "mt") or len(pool) < 2:
            return None
        scores = self.rank(source, [c.text for c in pool])
        top = max(range(len(pool)), key=scores.__getitem__)
        mine = scores[pool.index(best)]
        if pool[top] is best or scores[top] - mine < self.settings.rank_margin:
            return None
        why = f"{pool[top].method}: clean, and its estimated translation quality ({scores[top]:.1f}) beats {best.method} ({mine:.1f})"
        return pool[top], why

    def problems(self, p: Passage, pre: str, ps: list[Piece], method: str, text: str, mt_flags: list[str], pool):
        """The problems of one candidate (empty: a clean repair)."""
        out: list[str] = [f for f in mt_flags if WEIGHTS.get(f, 1.0) > 0]
        if not text.strip():  # a passage of stray fragments only is repaired by deleting them
            return [] if method == "pieces" and ps and all(pc.kind == "fragment" for pc in ps) else ["empty"]
        if foreign_share(text, self.target, self.known, p.text):
            out.append("foreign_left")
        if new_numbers(text, [p.text, pre]):
            out.append("new_number")
        if "wrong_magnitude" not in out and wrong_magnitudes(p.text, text):
            out.append("wrong_magnitude")
        left = len(self.detector.detect(text).spans)
        out.extend(["spans_left"] * left)
        if method in ("mt", "pieces", "memory"):
            bad, new = unexplained(text, pre, pool, self.target)
            s = self.settings
            if bad > s.invented_slack and bad > s.invented_share * new:
                out.append("invented")
        if method == "mt" and kept_share(pre, text, ps, self.target) < self.settings.min_kept_share:
            out.append("rewrote_clean_text")
        damaged = [(s.start - p.start, s.end - p.start) for s in p.spans if _damages_a_token(s)]
        translated = [(s.start - p.start, s.end - p.start) for s in p.spans if s.kind == "untranslated"]
        if method != "original" and lost_tokens(p.text, text, self.known, damaged, translated):
            out.append("lost_token")
        return out

    def _choose(self, p: Passage, pre: str, ps: list[Piece], cands, pool) -> Repair:
        checked = []
        for method, text, flags in cands:
            probs = self.problems(p, pre, ps, method, text, flags, pool)
            checked.append(Candidate(method, text, tuple(probs)))

        def weight(c: Candidate) -> float:
            w = sum(WEIGHTS.get(x, 1.0) for x in c.problems if x != "spans_left")
            w += min(3, c.problems.count("spans_left")) * WEIGHTS["spans_left"]
            if "foreign_left" in c.problems:
                w += 10.0 * foreign_share(c.text, self.target, self.known, p.text)
            return w

        best = min(checked, key=lambda c: (weight(c), ORDER.index(c.method)))
        ranked = self._by_quality(p.text, best, [c for c in checked if not c.problems])
        if ranked is not None:
            best, reason = ranked
        elif not best.problems:
            reason = f"{best.method}: the smallest edit that passes every check"
        else:
            rivals = ", ".join(f"{c.method} ({'; '.join(sorted(set(c.problems))) or 'ok'})" for c in checked)
            reason = f"{best.method}: no candidate passes every check; lightest problems of {rivals}"
        return Repair(best.text, best.method, reason, checked)


_KEEP_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")


_ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)")
_NUMBER_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_GAP_RE = re.compile(r"(?<=[.!?])\s+")


def _sentence_parts(start: int, stretch: str) -> list[tuple[int, int]]:
    """Offsets of the sentences of a Latin stretch that begins at ``start``."""
    out, a = [], 0
    for m in _SENTENCE_GAP_RE.finditer(stretch):
        out.append((start + a, start + m.start()))
        a = m.end()
    return [*out, (start + a, start + len(stretch.rstrip()))]


def lost_tokens(
    original: str,
    candidate: str,
    known: frozenset[str],
    damaged: Sequence[tuple[int, int]] = (),
    translated: Sequence[tuple[int, int]] = (),
    common_zipf: float = 4.0,
) -> list[str]:
    """Acronyms, codes and known names of the original that the candidate dropped or changed
    (``HSK``, ``C919``, ``Bishkek`` in a gloss). Numbers are checked by :func:`new_numbers`.
    ``damaged``: offsets of the original that the detector found cut, glued or merged; a token
    touching one is damage, not a code (``countr1992`` in "two countr1992年"). ``translated``:
    offsets of sentences left in the wrong language; a common word in one ("The pace of…",
    "when I saw", "the running app") is translated with it, whatever else the document keeps
    in Latin."""
    from wordfreq import zipf_frequency

    keep = set()
    # an institution's or a place's name left in English is translated whole ("Haikou Meilan
    # International Airport" -> 海口美兰国际机场): its words are no tokens to keep
    named = [
        (a, b)
        for m in _LATIN_STRETCH_RE.finditer(original)
        for a, b in _sentence_parts(m.start(), m.group())
        if institution_name(_WORD_RE.findall(original, a, b)) and not _is_gloss(original, a, b)
    ]
    for m in _KEEP_RE.finditer(original):
        t = m.group().rstrip(".-")  # a token ending a sentence ("14 million TEU.") keeps no stop
        if (
            _NUMBER_TOKEN_RE.fullmatch(t)
            or _ORDINAL_RE.fullmatch(t)
            or any(a < m.end() and m.start() < b for a, b in (*damaged, *named))
        ):
            continue  # numbers (new_numbers' business: "3.48 billion" -> 34.8亿), ordinals ("the 16th" -> 16日), damage
        if (
            any(a <= m.start() and m.end() <= b for a, b in translated)
            and not _code_shape(t)
            and zipf_frequency(t.lower(), "en") >= common_zipf
        ):
            continue  # a common word of a sentence left in English: it is translated with it
        if is_legit_latin(t, known) or _is_gloss(original, m.start(), m.end()):
            keep.add(t)
    for m in _LATIN_STRETCH_RE.finditer(original):  # glosses and titles of several words
        hurt = any(a < m.end() and m.start() < b for a, b in damaged)  # "（ZhouLixin）" is fixed, not kept
        if not hurt and _is_gloss(original, m.start(), m.end()):
            keep.update(_WORD_RE.findall(m.group()))
    for m in _HAN_STRETCH_RE.finditer(original):  # "ultra-high-voltage (特高压)" in English
        if _is_gloss(original, m.start(), m.end()):
            keep.add(m.group())
    return sorted(t for t in keep if t not in candidate)


def _is_cut(s: Span) -> bool:
    """A span the detector gives for a cut-off word or a word fragment glued to Han ("exp出口":
    what is left of "export" beside its translation)."""
    return s.kind == "truncation" or s.rule == "mid-word-switch"


def _damages_a_token(s: Span) -> bool:
    """A span that marks a Latin token as damage (cut, a fragment, two words merged), not a
    whole clause or sentence in the wrong language."""
    return _is_cut(s) or s.kind == "merge"


def _cut_tokens(p: Passage) -> frozenset[str]:
    """Latin tokens of a passage that the detector reported as cut-off words or fragments."""
    return frozenset(w for s in p.spans if _is_cut(s) for w in _WORD_RE.findall(s.text))


def _said_beside(translation: str, left: str, right: str, target: str, glued: bool = False) -> bool:
    """The translation of a glued word already stands right beside it (a translated duplicate:
    ``coop合作``). ``glued``: one word written against the Chinese with no space; then a shared
    first (or last) character is enough (``long长远``: 长, ``cherish珍视``: 珍惜 / 珍视)."""
    if target != "zh":
        words = [w.lower() for w in _WORD_RE.findall(translation)]
        near = " ".join(_WORD_RE.findall(left[-30:] + " " + right[:30])).lower()
        return bool(words) and all(w in near for w in words)
    han = "".join(HAN_RE.findall(translation))
    if len(han) >= 2 and (right.lstrip().startswith(han[:2]) or left.rstrip().endswith(han[-2:])):
        return True
    if not glued or not han or len(han) > 4:
        return False
    # the word's translation starts right after it: "long长远" (长期), "cherish珍视" (珍惜); not a
    # shared last character before it ("发展progress": 进展 is not 发展)
    return right[:1] == han[0]


def _side(translation: str, pc: Piece, right: str) -> str | None:
    """A country's side in Chinese is its one-character short name + 方: a capitalised word glued
    to 方 (``Kyrgyz方``, ``American方``) takes the first character of its translation (吉尔吉斯 ->
    吉方, 美国 -> 美方); None when that is not the case."""
    han = translation.strip().rstrip("。.")
    side = right.startswith("方") and right[1:2] not in set("面法式案向针位圆言")  # not 方面, 方法, 方式…
    if pc.text[:1].isupper() and side and len(han) >= 2 and all(map(HAN_RE.match, han)):
        return han[0]
    return None


def _overlap_cut(translation: str, left: str, right: str) -> str:
    """The translation of a word glued to Chinese without what the Chinese beside it already
    says: ``artificial智能`` -> 人工智能 + 智能 -> 人工 + 智能."""
    new = translation.strip().rstrip("。.")
    for k in range(min(len(new) - 1, 4), 0, -1):
        if HAN_RE.match(new[-k]) and new[-k:] == right[:k]:
            return new[:-k]
        if HAN_RE.match(new[k - 1]) and new[:k] == left[-k:]:
            return new[k:]
    return translation


_MID_CAPITAL_RE = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+")


def latin_names(text: str, spans: Sequence[Span], max_zipf: float = 4.0) -> frozenset[str]:
    """Names a Chinese text writes in Latin on purpose: the words of each Latin stretch that no
    detector span touches and whose words are all capitalised (``Northgate Securities``,
    ``Martin Hale``). A repair keeps them as the document writes them instead of translating them
    with the broken clause next to them. A single capitalised word counts only when it is no
    common English word (``Smart`` could be an untranslated word the detector let pass)."""
    from wordfreq import zipf_frequency

    marks = sorted((s.start, s.end) for s in spans)
    starts = [a for a, _ in marks]
    reach = list(accumulate((b for _, b in marks), max))  # the furthest end of the spans so far
    out: set[str] = set()
    for m in _LATIN_STRETCH_RE.finditer(text):
        i = bisect_left(starts, m.end()) - 1  # the last span starting before the stretch ends
        if i >= 0 and reach[i] > m.start():
            continue  # a span touches the stretch
        words = _WORD_RE.findall(m.group())
        if not words or not all(w[0].isupper() for w in words):
            continue
        if len(words) == 1 and zipf_frequency(words[0].lower(), "en") >= max_zipf:
            continue
        out.update(words)
    return frozenset(out)


def midsentence_capitals(text: str) -> frozenset[str]:
    """Words a text capitalises in the middle of a sentence (after a lowercase word or a comma):
    its names, which keep their capital wherever a repair puts them."""
    return frozenset(_MID_CAPITAL_RE.findall(text))


def _glued_fragment(left: str, translation: str, cut: frozenset[str]) -> tuple[str, str]:
    """A cut English word glued to the Chinese that says it (``declara申报``, ``wa车皮``): the
    translation replaces both, completing the word where it starts with the fragment."""
    m = re.search(r"[A-Za-z]+$", left)
    if not m:
        return left, translation
    tok, t = m.group(), translation.strip()
    words = _WORD_RE.findall(t)
    if words and len(tok) >= 2 and len(words[0]) > len(tok) and words[0].lower().startswith(tok.lower()):
        return left[: m.start()], (t[0].lower() + t[1:]) if tok[0].islower() else t
    if tok in cut:
        return left[: m.start()], t
    return left, translation


def _common_word(w: str) -> bool:
    """A capitalised first word that is an ordinary English word, not a name: a function word, a
    number, or an -ing / -ed / -ly form of a known word ("According", "Avoiding")."""
    from wordfreq import zipf_frequency

    low = w.lower()
    if low in _stop_words() or low in _EN_NUMBERS:
        return True
    if re.fullmatch(r".{3,}(?:tion|sion|ment|ness|ity|ism|ance|ence)", low):  # abstract nouns, not names
        return zipf_frequency(low, "en") >= 2.5
    m = re.fullmatch(r"(.{3,}?)(ing|ed|ly)", low)
    return bool(m) and max(zipf_frequency(m.group(1), "en"), zipf_frequency(m.group(1) + "e", "en")) >= 3.0


def _opens_sentence_glued(text: str, pc: Piece, min_words: int = 4) -> bool:
    """An English clause of ``min_words`` words or more that opens a sentence or clause (line
    start, after 。！？ or clause punctuation) and runs straight into the Chinese that completes
    it, with no punctuation between."""
    before = text[: pc.start].rstrip(" ")
    return (
        len(_WORD_RE.findall(pc.text)) >= min_words
        and (not before or before[-1] in "。！？!?\n，,；;：:")
        and pc.end < len(text)
        and bool(HAN_RE.match(text[pc.end]))
        and pc.text[-1:].isascii()
        and pc.text[-1:].isalpha()  # not "countr1992年": a number runs into its unit
    )


def _fit(
    text: str, pc: Piece, new: str, target: str, punct: str | None = None, names: frozenset[str] = frozenset()
) -> str:
    """A translated stretch shaped to sit where the stretch was: no stray spaces in Chinese,
    sentence punctuation only where the stretch had some, the clause punctuation that closed the
    stretch kept (``…by President Xi,愿同`` -> ``…倡议,愿同``), in the document's style ``punct``;
    in English, no capital in mid-sentence unless it is a name (``everything From a laptop``)."""
    new = new.strip()
    if target == "zh":
        last = pc.text.rstrip()[-1:]
        if last not in ".!?。！？":
            new = new.rstrip("。.")
        if new and last in ",;:" and new[-1] not in ",;:，；：、" and pc.end < len(text):
            new += last
        elif new and _opens_sentence_glued(text, pc) and new[-1] not in ",;:，；：、。.!?！？":
            new += "，"  # "As a number of projects are implemented这一地区…": a leading clause takes its comma
        return to_punct_style(_CJK_SPACE_RE.sub("", new), punct)
    left = " " if pc.start > 0 and text[pc.start - 1].isalnum() else ""
    right = " " if pc.end < len(text) and text[pc.end].isalnum() else ""
    if not new:  # a stretch dropped: one space at most where it was
        return " " if left and right else ""
    if pc.text[-1:] not in "。！？":
        new = new.rstrip(".")
    before = text[: pc.start].rstrip(" ")
    first = _WORD_RE.match(new)
    if (
        first
        and before
        and before[-1] not in ".!?:;\n\"“”‘’'(—–-"
        and first.group()[0].isupper()
        and not (first.group().isupper() and len(first.group()) > 1)
        and first.group() not in names
        and _common_word(first.group())
    ):
        new = new[0].lower() + new[1:]
    return f"{left}{new}{right}"


_NAME_END_RE = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+$")


def _pinyin_name(left: str, han: str, max_han: int = 3) -> str | None:
    """A capitalised pinyin fragment glued to a few Han characters is a name cut across
    scripts: the Han characters in pinyin complete it ("Guang州" -> "zhou"); where the fragment
    already says them ("Xi习"), nothing is added. None when this is not such a name."""
    from wordfreq import zipf_frequency

    if not 1 <= len(han) <= max_han or not all(map(HAN_RE.match, han)):
        return None
    m = _NAME_END_RE.search(left)
    if not m:
        return None
    frag = m.group()
    if not is_pinyin(frag) or zipf_frequency(frag, "en") >= 4.0:  # "Hang", "Long" are words
        return None
    from pypinyin import lazy_pinyin

    py = "".join(lazy_pinyin(han))
    return "" if frag.lower().endswith(py) else py


_APOSTROPHE_RE = re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])")
_CLAUSE_ENDS = ",;:，；：、"
_SENTENCE_ENDS = ".!?。！？"


def _same_ending(pre: str, out: str, target: str) -> str:
    """A rewrite of a passage that stops mid-sentence stops the same way: a passage ending in a
    comma keeps it ("alumi铝," -> "aluminium,", not "aluminium"), one ending in no punctuation
    gets no full stop ("signed in 202," is not a sentence end)."""
    last, body = pre.rstrip()[-1:], out.rstrip()
    if not last or not body or last in _SENTENCE_ENDS or last in '"”’)）」』》':
        return out
    if last in _CLAUSE_ENDS:
        comma = {"zh": "，"}.get(target, ",") if last in ",，" else last
        if body[-1] in _SENTENCE_ENDS:
            return body[:-1] + comma
        return body + comma if body[-1] not in _CLAUSE_ENDS else out
    if body[-1] in _SENTENCE_ENDS and (last.isalnum() or HAN_RE.match(last)):
        return body[:-1]
    return out


def splice(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with every ``(start, end)`` replaced by its repair; everything else untouched."""
    out, pos = [], 0
    for a, b, new in sorted(edits):
        out.append(text[pos:a])
        out.append(new)
        pos = b
    out.append(text[pos:])
    return "".join(out)

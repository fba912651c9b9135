"""``duplication`` rules: a fragment said twice by mistake."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import numpy as np

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.segment import HAN, HAN_RE

_LATIN_GLOSS_RE = re.compile(r" ?[（(][A-Za-z]")
_HAN_WORD_RE = re.compile(f"[{HAN}]{{2}}")  # two Han characters in a row: a word, not a unit
_CODE_RE = re.compile("[A-Z][A-Z0-9-]*[0-9]")  # a model code ("C919", "A350-900")


def _opens_han_sentence(text: str, a: int) -> bool:
    """``text[a]`` opens a line or a Chinese sentence (after 。！？, or a closing quote after one)."""
    if a == 0 or text[a - 1] in "\n。！？":
        return True
    return text[a - 1] in "”’」』" and a >= 2 and text[a - 2] in "。！？"


def _one_copy(text: str, start: int, mid: int, end: int, sep: str = "") -> tuple[int, int]:
    """The span of one of two copies, ``text[start:mid]`` and ``text[mid + len(sep):end]``, said
    with a number in them, so that the number of the other copy stays sound text. Opening a
    sentence, the first copy was given up ("”他的儿子在20他的儿子在2021年"); so was a copy pasted
    with its comma before a copy that ends the sentence ("超过320家，超过320家。"). Otherwise the
    second was pasted again ("每天85万吨每天85万吨", "花了680元，花了680元，"), with the comma
    before it."""
    if _opens_han_sentence(text, start) or (sep and text[end : end + 1] != sep):
        return start, mid + len(sep)
    return mid, end


def _said_twice(text: str, start: int, mid: int, end: int, ev: dict[str, float], sep: str = "") -> Candidate:
    """The candidate for two copies ``text[start:mid]`` and ``text[mid + len(sep):end]``: both,
    fixed to one; with a number in them, one copy (:func:`_one_copy`), fixed by deleting it."""
    copy = text[start:mid]
    if any(c.isdigit() for c in copy):
        a, b = _one_copy(text, start, mid, end, sep)
        return Candidate(a, b, ev, f"'{copy}' said twice", fix="")
    return Candidate(start, end, ev, f"'{copy}' said twice", fix=copy)


# a copy with a comma inside, or one pasted with its comma ("…正式比赛项目，…正式比赛项目，")
# (numbers and Latin codes may stand inside: "中芯国际A股盘中一度上涨6.8%，")
_CLAUSE_COPY_RE = re.compile(
    f"[{HAN}][{HAN}0-9A-Za-z.%，,、]*[，,、][{HAN}0-9A-Za-z.%，,、]*[{HAN}]|[{HAN}][{HAN}0-9A-Za-z.%]*[，,]"
)


@register
class RepeatedFragment(Rule):
    """The same Han fragment twice back to back ("通关通关"), or with a comma between
    ("新的增长点,新的增长点", from ``min_separated`` characters: "好的,好的" is speech), or a
    stretch with a comma inside said twice ("三季报显示，消费的三季报显示，消费的", up to
    ``max_clause_chars``); the span holds both copies (either may be the superfluous one), the
    fix keeps one."""

    name = "repeated-fragment"
    kind = "duplication"

    def __init__(
        self,
        min_chars: int = 2,
        max_chars: int = 12,
        min_separated: int = 4,
        max_clause_chars: int = 30,
        min_clause_han: int = 5,
    ) -> None:
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.min_separated = min_separated
        self.max_clause_chars = max_clause_chars
        self.min_clause_han = min_clause_han

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        allowed = frozenset(ctx.det["reduplications"])
        # a fragment opens with Han and may hold a number ("花了680元，花了680元，"); on a line with a
        # model code, it may open with the code ("C919是我国按照C919是…")
        body = f"[{HAN}][{HAN}0-9.%]{{{self.min_chars - 1},{self.max_chars - 1}}}"
        pattern = re.compile(f"({body})([,，、]?)\\1")
        coded = re.compile(f"({_CODE_RE.pattern}{body})([,，、]?)\\1")
        # Only lines where a Han bigram recurs within 12 characters can hold a repeat that short
        # (a comma between the copies takes one of those: a 12-character fragment repeated after a
        # comma is out of reach of this filter).
        lines = ctx.han_repeat_lines if self.max_chars <= 12 else [(0, len(ctx.text))]
        text = ctx.text
        found = (m for a, b in lines for m in pattern.finditer(text, a, b))
        codes = (m for a, b in lines if _CODE_RE.search(text, a, b) for m in coded.finditer(text, a, b))
        for m in itertools.chain(found, codes):
            frag = m.group(1)
            number = any(c.isdigit() for c in frag)
            ev = {
                "chars": float(len(frag)),
                "distinct": float(len(set(frag))),
                "separated": float(bool(m.group(2))),
                # an item said twice in a list ("会写文章、会画图、会画图、"): no speech repeats that way
                "enumeration": float(m.group(2) == "、"),
                # the second copy ends where a phrase ends (not "中国,中国人")
                "bounded": float(HAN_RE.match(ctx.text[m.end() : m.end() + 1]) is None),
                # listed verb reduplications ("研究研究"), and 一 + measure word ("一个一个", "一批一批")
                "reduplication": float(m.group() in allowed or (len(frag) == 2 and frag[0] == "一")),
                # a name glossed in Latin right after it is one word: "哔哩哔哩（Bilibili）"
                "glossed": float(_LATIN_GLOSS_RE.match(ctx.text, m.end()) is not None),
                # a number with a sign or unit and no word ("负120度，负120度，0度"): a list of values
                "bare_value": float(number and _HAN_WORD_RE.search(frag) is None),
            }
            yield _said_twice(text, m.start(), m.start() + len(frag), m.end(), ev, m.group(2))
        yield from self._clauses(ctx)

    def _clauses(self, ctx: DocContext) -> Iterator[Candidate]:
        """Copies with a comma inside: the two Han characters and the comma before it recur
        within reach (found vectorised over the commas; only hits are looked at one by one)."""
        text, codes, han = ctx.text, ctx.codes, ctx.han_mask
        n, top = len(codes), self.max_clause_chars
        pre = np.zeros(n, dtype=bool)  # two Han characters before, or a number or % ending the clause
        digit_or_pct = ((codes >= 48) & (codes <= 57)) | (codes == 37)
        pre[2:] = (han[1:-1] | digit_or_pct[1:-1]) & (han[:-2] | digit_or_pct[:-2])
        c = np.nonzero(pre & ((codes == 0xFF0C) | (codes == 0x3001) | (codes == 44)))[0]
        period = np.zeros(len(c), dtype=np.int64)
        for p in range(3, top + 1):  # the smallest period at which the trigram recurs
            ok = (c + p < n) & (period == 0)
            i = c[ok]
            same = (codes[i - 2 + p] == codes[i - 2]) & (codes[i - 1 + p] == codes[i - 1]) & (codes[i + p] == codes[i])
            period[np.nonzero(ok)[0][same]] = p
        for ci, p in zip(c[period > 0].tolist(), period[period > 0].tolist(), strict=True):
            for s in range(max(0, ci - p + 1), ci - 1):
                e = s + 2 * p
                copy = text[s : s + p]
                if copy[-1] in "，," and len(copy) - 1 <= self.max_chars:
                    continue  # "X，X，" with a short X: the plain repeat's ("X，X")
                if text[s + p : e] == copy and _CLAUSE_COPY_RE.fullmatch(copy):
                    k = len(HAN_RE.findall(copy))
                    ev = {"chars": float(k), "distinct": float(len(set(copy))), "separated": 0.0, "bounded": 1.0}
                    ev.update(reduplication=0.0, clause=1.0)
                    yield _said_twice(text, s, s + p, e, ev)
                    break

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["separated"] and not ev.get("enumeration") and (ev["chars"] < self.min_separated or not ev["bounded"]):
            return False
        if ev.get("clause") and ev["chars"] < self.min_clause_han:
            return False
        return not ev["reduplication"] and not ev.get("glossed") and not ev.get("bare_value") and ev["distinct"] > 1

    def confidence(self, cand: Candidate) -> float:
        return min(0.95, 0.6 + 0.1 * cand.evidence["chars"])


_ABANDONED_RE = re.compile(f"([{HAN}]{{5,12}})([{HAN}]{{1,2}})\\1(?!\\2)")


# characters of grammar: a stretch holding one is a phrase, not a term ("那个旅馆的房间不像那个旅馆的房间")
_GRAMMAR_CHARS = frozenset("的一个了是在和与及或不这那我你他她它们也都就而但比像对把被")
# between two mentions of a term, a coordination or comparison makes the second one deliberate
_LINKING_CHARS = frozenset("和与及或跟同并而比像对、")


@register
class RepeatedTerm(Rule):
    """A term of five Han characters or more said twice in one clause, a few characters apart
    ("把中吉乌铁路打造成新的中吉乌铁路合作示范工程"): a pipeline pasted the term where another
    word belonged. Terms hold no characters of grammar (的, 一个, 不像: "那个旅馆的房间不像那个
    旅馆的房间" compares on purpose), and nothing between the copies links them (和, 与, 比).
    The span is the second copy; its fix deletes it.

    Evidence: the term's length (``chars``), the characters between (``gap``), and whether those
    hold grammar or a link, or come back after the second copy (``restart``)."""

    name = "repeated-term"
    kind = "duplication"

    def __init__(self, min_chars: int = 5, min_gap: int = 3, max_gap: int = 8) -> None:
        self.min_chars = min_chars
        # Han characters between the copies: fewer make a clause restarted after a false start
        # ("取决于企业如何用取决于企业如何使用它", restarted-clause's: the first copy is the superfluous one)
        self.min_gap = min_gap
        self.max_gap = max_gap

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != "zh":
            return
        text, n, k = ctx.text, len(ctx.codes), self.min_chars
        if n < 2 * k + 1:
            return
        han = ctx.han_mask
        c = ctx.codes.astype(np.int64)
        # a hash of each k-gram, and whether it is all Han
        h = np.zeros(n - k + 1, dtype=np.int64)
        for j in range(k):
            h = h * 1000003 + c[j : n - k + 1 + j]
        run = np.concatenate(([0], np.cumsum(han, dtype=np.int64)))
        whole = (run[k:] - run[:-k]) == k
        seen: set[int] = set()
        for d in range(k + 1, k + self.max_gap + 1):  # the first k-gram recurs d characters later
            for i in np.nonzero(whole[:-d] & whole[d:] & (h[:-d] == h[d:]))[0].tolist():
                if i in seen or text[i : i + k] != text[i + d : i + d + k]:
                    continue  # (a hash collision is no repeat)
                a, e = i, i + k  # grow the term while both copies agree
                while a > 0 and text[a - 1] == text[a - 1 + d] and HAN_RE.match(text[a - 1]):
                    a -= 1
                while e + d < n and e < a + d and text[e] == text[e + d] and HAN_RE.match(text[e]):
                    e += 1
                seen.update(range(a, e))
                term, gap = text[a:e], text[e : a + d]
                if not gap or not all(HAN_RE.match(ch) for ch in gap):
                    continue  # back to back (repeated-fragment's), or punctuation between
                ev = {
                    "chars": float(e - a),
                    "gap": float(len(gap)),
                    "grammar": float(any(ch in _GRAMMAR_CHARS for ch in term)),
                    "linked": float(any(ch in _LINKING_CHARS for ch in gap)),
                    # the words between come back after the second copy: a false start, restarted
                    "restart": float(gap[-2:] in text[e + d : e + d + len(gap) + 3]),
                }
                yield Candidate(a + d, e + d, ev, f"'{term}' said again {len(gap)} characters later", fix="")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return (
            ev["chars"] >= self.min_chars
            and self.min_gap <= ev["gap"] <= self.max_gap
            and not ev["grammar"]
            and not ev["linked"]
            and not ev["restart"]
        )

    def confidence(self, cand: Candidate) -> float:
        return 0.5


@register
class RestartedClause(Rule):
    """A clause that starts again mid-way: X Y X ... Y; the first X Y is flagged."""

    name = "restarted-clause"
    kind = "duplication"

    def __init__(self, max_gap: int = 20, min_chars: int = 5) -> None:
        self.max_gap = max_gap
        self.min_chars = min_chars  # X Y together ("一个影子一个黑洞…影子" is style, 4 characters)

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        # "(?!\\2)": X Y X Y is a plain repeat (repeated-fragment's), not a restart.
        pattern = re.compile(f"([{HAN}]{{2,6}})([{HAN}]{{2,4}})\\1(?!\\2)[^。！？；!?;\\n]{{0,{self.max_gap}}}?\\2")
        # ... and X T X with a short tail T: a first attempt abandoned one or two characters in
        # ("取决于企业如何用取决于企业如何使用它"); "这个旅馆的房间不像那个旅馆的房间" has more between
        text = ctx.text
        for p in (pattern, _ABANDONED_RE):
            for m in (m for a, b in ctx.han_repeat_lines for m in p.finditer(text, a, b)):
                t = m.group(2)
                if p is _ABANDONED_RE and text[m.start(1) - len(t) : m.start(1)] == t:
                    continue  # T X T X: a plain repeat seen off by one (repeated-fragment's)
                if p is _ABANDONED_RE and any(ch in _LINKING_CHARS for ch in t):
                    continue  # two items sharing a head: "新能源汽车电池和新能源汽车电机"
                ev = {"chars": float(m.end(2) - m.start(1)), "confidence": 0.7}
                yield Candidate(m.start(1), m.end(2), ev, f"'{m.group(1)}' restarts the clause", fix="")

    def accept(self, cand: Candidate) -> bool:
        return cand.evidence["chars"] >= self.min_chars


# Words that English doubles on purpose ("had had", "that that", "bye bye").
_DOUBLES = frozenset(
    [
        "had",
        "that",
        "is",
        "do",
        "no",
        "yes",
        "bye",
        "so",
        "very",
        "many",
        "much",
        "really",
        "ha",
        "haha",
        "ho",
        "well",
        "now",
        "there",
        "please",
    ]
)
_CONJUNCTIONS = frozenset(["and", "or", "but", "nor"])
# A comma-separated repeat of a clause these open is rhetoric ("if the universe is empty, if
# the universe is empty, it would ...").
_SUBORDINATORS = frozenset(
    ["if", "when", "whenever", "because", "as", "although", "though", "that", "whether", "while", "since", "unless"]
)
_BETWEEN_RE = re.compile(r"[ \t]*,?[ \t]+|[ \t]*,")  # between the copies: spaces, one comma
_NUMBER_GAP_RE = re.compile(r"[ \t]+[0-9][0-9.,%]*[ \t]+")  # a number between two words of a copy
_WITHIN_RE = re.compile(r"[ \t,'’]*|-")  # inside a copy: spaces, commas, apostrophes, a hyphen ("after-sales")


def _copies_agree(gaps: list[str], n: int) -> bool:
    """Do two copies of ``n`` words, with the ``2n - 1`` gaps between their words, read as one
    phrase said twice: spaces or one comma between the copies, nothing but spaces, commas,
    apostrophes or a hyphen inside them, or the same number in both ("entered more than 30
    markets" twice)? Sentence punctuation, a line break or other text between says no."""
    if not _BETWEEN_RE.fullmatch(gaps[n - 1]):
        return False
    first, second = gaps[: n - 1], gaps[n:]
    return all(
        _WITHIN_RE.fullmatch(g) or (_NUMBER_GAP_RE.fullmatch(g) and g == h) for g, h in zip(first, second, strict=True)
    ) and all(_WITHIN_RE.fullmatch(h) or _NUMBER_GAP_RE.fullmatch(h) for h in second)


_SENTENCE_END_RE = re.compile(r"[.!?。！？][\"'”’)]*\s+$")


def _opens_sentence(text: str, a: int) -> bool:
    """``text[a]`` opens a line or follows sentence-final punctuation and a space."""
    return a == 0 or text[a - 1] == "\n" or _SENTENCE_END_RE.search(text, max(0, a - 4), a) is not None


def _after_comma(text: str, a: int) -> bool:
    """``text[a]`` opens a clause: a comma, semicolon or colon and a space before it."""
    return a >= 2 and text[a - 1] == " " and text[a - 2] in ",;:"


@register
class RepeatedWords(Rule):
    """An English word or phrase said twice in a row ("each other each other",
    "a new growth point, a new growth point"); the span holds both copies, the fix keeps one.

    Evidence: the words in one copy (``words``) and the zipf of a one-word copy, whether a
    comma separates the copies (``comma``: "the cost, the cost of labour" is rhetoric more
    often than damage), whether the copy ends in a conjunction (``conjunction``: "faster and
    faster, and" is "X and X"), whether a comma-separated copy opens with a subordinator
    (``subordinate``: "if X, if X, ..." is rhetoric), whether both copies are capitalised
    (``capitalised``: "Fang Fang" is a name), and whether it is a word English doubles on
    purpose (``double``: "had had", "bye bye"). Hyphenated doubles ("win-win") are never candidates.
    """

    name = "repeated-words"
    kind = "duplication"

    def __init__(
        self,
        max_words: int = 8,
        comma_min_words: int = 4,
        single_min_zipf: float = 3.0,
        function_zipf: float = 6.0,
        cut_min_words: int = 3,
    ) -> None:
        self.max_words = max_words
        self.cut_min_words = cut_min_words  # a copy given up inside its last word: this many words
        # a copy opening a sentence and ending in a word this common ("its", "a", "of") is an
        # abandoned start: the first copy is the span
        self.function_zipf = function_zipf
        self.comma_min_words = comma_min_words  # copies separated by a comma: this many words
        self.single_min_zipf = single_min_zipf  # one-word copies: a common word ("ylang ylang" is not)

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        tokens = ctx.tokens
        words = tokens.words
        if len(words) < 2:
            return
        low, ids = ctx.lower_words, ctx.word_ids
        hits: list[tuple[int, int]] = []
        for n in range(1, self.max_words + 1):
            if len(ids) < 2 * n:
                break
            # word k equals word k+n; copies at i..i+n-1 and i+n..i+2n-1 need n such k in a row
            idx = np.nonzero(ids[:-n] == ids[n:])[0]
            if len(idx) < n:
                continue
            found = idx[: len(idx) - n + 1][idx[n - 1 :] - idx[: len(idx) - n + 1] == n - 1]
            hits += [(int(i), n) for i in found]
        starts, ends = tokens.starts, tokens.ends
        taken: set[int] = set()
        for i, n in sorted(hits, key=lambda h: (-h[1], h[0])):
            if taken & set(range(i, i + 2 * n)) or low[i : i + n] != low[i + n : i + 2 * n]:
                continue
            gaps = [text[ends[k - 1] : starts[k]] for k in range(i + 1, i + 2 * n)]
            if not _copies_agree(gaps, n):
                continue
            taken.update(range(i, i + 2 * n))
            a, b = int(starts[i]), int(ends[i + 2 * n - 1])
            function_end = ctx.lexicon.zipf(low[i + n - 1]) >= self.function_zipf
            first = fix = text[a : int(ends[i + n - 1])]
            opens = _opens_sentence(text, a)
            if text[b : b + 1] == "-" or (n >= 2 and opens and function_end):
                # "the open Outside the town, the open-air show": the second copy runs into a
                # compound; "COMAC submitted its COMAC submitted its application": a sentence
                # opening given up on a function word. The first copy, abandoned, goes (with its space)
                b, fix = int(starts[i + n]), ""
            elif n >= 2 and not opens and not _after_comma(text, a) and not function_end and "," not in gaps[n - 1]:
                # inside a sentence a phrase is pasted again: the second copy ("has entered more
                # than 30 markets has entered more than 30 markets"). Elsewhere either copy may be
                # the superfluous one ("which allows citizens of which allows…" gave up on "of"),
                # and the span holds both, as it does the comma between ("the water, the water")
                a, fix = int(starts[i + n]), ""
            after = text[b : b + 1]
            ev = {
                "words": float(n),
                "comma": float("," in gaps[n - 1]),
                # "in deeds, in deeds, not only…": the second copy ends in the same comma, a copy
                # pasted twice rather than a phrase taken up again
                "comma_twice": float("," in gaps[n - 1] and after == ","),
                "zipf": ctx.lexicon.zipf(low[i]) if n == 1 else 9.0,
                "double": float(n == 1 and low[i] in _DOUBLES),
                "conjunction": float(low[i + n - 1] in _CONJUNCTIONS),
                "subordinate": float(low[i] in _SUBORDINATORS),
                "capitalised": float(text[a].isupper() and text[int(starts[i + n])].isupper()),
                # "said Said bin Nasser": a lowercase word, then the same letters capitalised
                # inside a sentence, is a name (a pasted copy keeps its case)
                "name_after": float(text[int(starts[i])].islower() and text[int(starts[i + n])].isupper()),
                "number": float(any(_NUMBER_GAP_RE.fullmatch(g) for g in gaps[: n - 1])),
            }
            yield Candidate(a, b, ev, f"'{first}' said twice", fix=fix)
        yield from self._cut_restarts(ctx, taken)

    def _cut_restarts(self, ctx: DocContext, taken: set[int]) -> Iterator[Candidate]:
        """A phrase given up inside its last word and said again in full ("For now, Han For now,
        Hanxin's debut"): the copies agree but for that word, which the first copy holds only
        the start of. The span runs from the first copy to the word said whole; the fix keeps
        the second copy's words before it."""
        text, tokens, ids, low = ctx.text, ctx.tokens, ctx.word_ids, ctx.lower_words
        starts, ends = tokens.starts, tokens.ends
        for n in range(self.cut_min_words, self.max_words + 1):
            if len(ids) < 2 * n:
                break
            # words i..i+n-2 equal words i+n..i+2n-2 (n-1 in a row); word i+n-1 is checked below
            same = ids[: len(ids) - n] == ids[n:]
            k = len(ids) - 2 * n + 1  # places i where both copies fit
            run = np.ones(k, dtype=bool)
            for t in range(n - 1):
                run &= same[t : t + k]
            run &= ~same[n - 1 : n - 1 + k]  # the last words differ (equal ones are a plain repeat)
            for i in np.nonzero(run)[0].tolist():
                if taken & set(range(i, i + 2 * n)):
                    continue
                cut, whole = low[i + n - 1], low[i + 2 * n - 1]
                if len(cut) < 2 or len(whole) - len(cut) < 2 or not whole.startswith(cut):
                    continue
                gaps = [text[ends[k - 1] : starts[k]] for k in range(i + 1, i + 2 * n)]
                if gaps[n - 1] != " " or not _copies_agree(gaps, n):
                    continue  # the restart follows the cut word after one space
                taken.update(range(i, i + 2 * n))
                # the span runs from the first copy to the word the second copy says whole (either
                # copy may be read as the one pasted); the fix keeps the second copy's words
                a, b = int(starts[i]), int(starts[i + 2 * n - 1])
                ev = {"words": float(n), "cut_restart": 1.0}
                first = text[a : int(ends[i + n - 1])]
                yield Candidate(a, b, ev, f"'{first}' cut and said again", fix=text[int(starts[i + n]) : b])

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev.get("cut_restart"):
            return ev["words"] >= self.cut_min_words
        if ev["double"] or (ev["conjunction"] and ev["words"] > 1):
            return False  # "faster and faster and": X and X; a lone "and and" is a repeat
        if ev.get("number") and ev["comma"]:
            return False  # "minus 120 degrees, minus 120 degrees": said twice for effect
        pasted = ev.get("comma_twice") and ev["words"] >= 2 and not ev["subordinate"]
        if ev["comma"] and (ev["words"] < self.comma_min_words or ev["subordinate"]) and not pasted:
            return False
        if ev["words"] == 1:  # "Fang Fang", "Walla Walla" are names; "ylang ylang" is rare
            return not ev["capitalised"] and not ev.get("name_after") and ev["zipf"] >= self.single_min_zipf
        return True

    def confidence(self, cand: Candidate) -> float:
        return min(0.95, 0.6 + 0.1 * cand.evidence["words"])


_ARTICLES_RE = re.compile(
    r"(?<![\w'’])(?:[Tt]he|[Aa]n?) (?:the|an?|to|of|and|or|in|on|at|for|with|from|by|is|are|was|were)(?= [a-z0-9])"
)


@register
class DoubleArticle(Rule):
    """An article before another article or a function word ("summed up in the a slogan",
    "plans the to open"): left over from a cut or a splice. Only lowercase followers, followed
    by a word: "the A-team", "the to-do list" are left alone."""

    name = "double-article"
    kind = "duplication"

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        if ctx.dominance.language != "en":
            return
        for m in _ARTICLES_RE.finditer(ctx.text):
            first, second = m.group().split()
            if first.lower() == second or ctx.text.startswith(" " + first, m.end()):
                continue  # "the the", "of the of the": a repeat (repeated-words)
            yield Candidate(m.start(), m.start() + len(first), {"articles": 2.0}, f"'{first}' before '{second}'")

    def accept(self, cand: Candidate) -> bool:
        return True

    def confidence(self, cand: Candidate) -> float:
        return 0.7


@register
class AbandonedStart(Rule):
    """An English clause given up after a few words and started again, the first words said
    twice with a new sentence pushed in between ("State Grid has proposed To ease the bottleneck,
    State Grid has proposed a second line"): the first copy runs into a capitalised word with no
    punctuation after a lowercase content word, and the same words come back within ``max_gap``
    words, in the same sentence.
    The first copy is the span; the fix deletes it."""

    name = "abandoned-start"
    kind = "duplication"

    def __init__(self, min_words: int = 3, max_words: int = 8, max_gap: int = 12, function_zipf: float = 6.0) -> None:
        self.min_words = min_words
        self.max_words = max_words
        self.max_gap = max_gap  # words between the two copies, at most
        # copy 1 ends in a lowercase content word; a function word ("of", "in") before a capital
        # is a name going on
        self.function_zipf = function_zipf

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text, tokens = ctx.text, ctx.tokens
        words = tokens.words
        n = self.min_words
        if len(words) < 2 * n + 1:
            return
        starts, ends, codes = tokens.starts, tokens.ends, ctx.codes
        # where copy 1 can end: a lowercase word, one space, a capitalised word; then the same n
        # words again within max_gap words (vectorised over those places)
        first = codes[starts]
        upper, lower = (first >= 65) & (first <= 90), (first >= 97) & (first <= 122)
        spaced = (starts[1:] - ends[:-1] == 1) & (codes[ends[:-1]] == 32)
        ks = np.nonzero(upper[1:] & lower[:-1] & spaced)[0] + 1  # index of the capitalised word
        ids = ctx.word_ids
        ks = ks[ks >= n]
        found: dict[int, int] = {}  # k -> j, the nearest second copy
        for g in range(self.max_gap, 0, -1):
            k = ks[ks + g + n <= len(ids)]  # a second copy g words after k fits
            ok = np.ones(len(k), dtype=bool)
            for t in range(n):
                ok &= ids[k - n + t] == ids[k + g + t]
            found.update((kk, kk + g) for kk in k[ok].tolist())
        low = ctx.lower_words
        for k, j in sorted(found.items()):
            i = k - n  # copy 1 reaches back as far as the two copies agree
            while i > 0 and k - i < self.max_words and low[i - 1] == low[i - 1 + j - (k - n)]:
                if not _WITHIN_RE.fullmatch(text[int(ends[i - 1]) : int(starts[i])]):
                    break
                i -= 1
            if i + j - (k - n) <= k:
                continue  # the copies touch: a plain repeat (repeated-words)
            a, b, nxt = int(starts[i]), int(ends[k - 1]), int(starts[k])
            if text[a].islower() or _STOP_RE.search(text, b, int(starts[j])):
                continue  # copy 1 opens with a capital; no sentence ends between the copies
            if not self._content_word_before(ctx, k):
                continue
            ev = {"words": float(k - i), "gap": float(j - k)}
            yield Candidate(a, nxt, ev, f"'{text[a:b]}' abandoned and started again", fix="")
        yield from self._restarted_sentences(ctx, ks)

    def _content_word_before(self, ctx: DocContext, k: int) -> bool:
        """Copy 1 ends, before word ``k``, in a lowercase content word of three letters or more:
        a function word before a capital is a name going on ("Annual Meeting of Boao…", "The death
        toll in Gaza"), and a run after an apostrophe or a hyphen the end of a word ("Ruins of St.
        Paul's Immersive …")."""
        word, at = ctx.tokens.words[k - 1], int(ctx.tokens.starts[k - 1])
        return (
            word.islower()
            and ctx.lexicon.zipf(word) < self.function_zipf
            and len(word) >= 3
            and ctx.text[at - 1] not in "'’-"
        )

    def _restarted_sentences(self, ctx: DocContext, ks: np.ndarray) -> Iterator[Candidate]:
        """A sentence given up mid-way and started again at once, with no stop between: the
        words that open the sentence come back right after a lowercase word ("Each batch is
        tested Each batch is standardised to …"); the abandoned start is the span."""
        text, tokens, n = ctx.text, ctx.tokens, self.min_words
        starts, ends, ids = tokens.starts, tokens.ends, ctx.word_ids
        ks = ks[ks + n <= len(ids)]
        if not len(ks):
            return
        # only places whose word came a few words before (where the sentence may have opened)
        near = np.zeros(len(ks), dtype=bool)
        for d in range(n + 1, self.max_words + n + 1):
            near |= (ks >= d) & (ids[np.maximum(ks - d, 0)] == ids[ks])
        ks = ks[near]
        if not len(ks):
            return
        # the sentence of the word before k opens at the first word after the last stop before it
        # (within the 2,000 characters before: rfind of a stop the text lacks would read it all)
        last = np.array([max(text.rfind(c, max(0, p - 2000), p) for c in _STOPS) for p in starts[ks - 1].tolist()])
        s = np.searchsorted(starts, last + 1)
        ok = (ks - s > n) & (ks - s <= self.max_words + n)
        for t in range(n):
            ok &= ids[np.minimum(s + t, len(ids) - 1)] == ids[np.minimum(ks + t, len(ids) - 1)]
        for k, i in zip(ks[ok].tolist(), s[ok].tolist(), strict=True):
            if not text[int(starts[i])].isupper() or not self._content_word_before(ctx, k):
                continue
            if 2 * k - i <= len(ids) and np.array_equal(ids[i:k], ids[k : 2 * k - i]):
                continue  # the whole start said twice: a plain repeat (repeated-words)
            a, b = int(starts[i]), int(ends[k - 1])
            ev = {"words": float(k - i), "gap": 0.0}
            yield Candidate(a, int(starts[k]), ev, f"'{text[a:b]}' abandoned and started again", fix="")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return self.min_words <= ev["words"] <= self.max_words and ev["gap"] <= self.max_gap

    def confidence(self, cand: Candidate) -> float:
        return 0.75


_STOPS = ".!?。！？\n"
_STOP_RE = re.compile(f"[{_STOPS}]")
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

    def __init__(self, min_similarity: float = 0.5, max_words: int = 16) -> None:
        # Tatoeba zh/en pairs: translations score >= 0.56 (5th percentile), unrelated pairs
        # <= 0.53 (99.9th percentile).
        self.min_similarity = min_similarity
        self.max_words = max_words

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        cands = []
        for j in ctx.junctions:
            if not (j.left_glued and not j.right_glued and j.words >= 2 and HAN_RE.match(text[j.start - 1])):
                continue
            stop = _TAIL_END_RE.search(text, j.start, j.phrase_end)
            end = stop.start() if stop and len(text[j.start : stop.start()].split()) >= 2 else j.phrase_end
            if len(text[j.start : end].split()) > self.max_words:
                continue
            while end > j.start and text[end - 1] in " \"“”'’0123456789":  # not "…warehouses30个"
                end -= 1
            # The Chinese clause before the junction, back to the sentence start.
            a = j.start
            while a > 0 and j.start - a < 60 and text[a - 1] not in _ZH_SENT_END:
                a -= 1
            zh = text[a : j.start]
            comma = max(zh.rfind("，"), zh.rfind(","))
            # the last four characters, the clause the tail is glued to, the sentence so far
            options = sorted({zh[-4:], zh[comma + 1 :], zh} - {""})
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
            src = opts[int(sims.argmax())]
            yield Candidate(s, e, {"similarity": best}, f"repeats '{src}' (similarity {best:.2f})")

    def accept(self, cand: Candidate) -> bool:
        return cand.evidence["similarity"] >= self.min_similarity

    def confidence(self, cand: Candidate) -> float:
        return min(0.95, cand.evidence["similarity"])


# A sentence (up to and including its end mark, within a line) and the same sentence again,
# after another sentence's end or at a line start.
_S = r"(?P<s>[^。！？.!?\n]{4,200}[。！？.!?])[ \t]*(?P=s)"
_REPEAT_AFTER_END_RE = re.compile(r"[。！？.!?][ \t]*" + _S)
# ... or after a quotation mark that opens someone's words, the mark left out of the first copy
# ("… father. “I did not know if anyone would watch it. I did not know …", 'She said: “X. X.')
_REPEAT_AFTER_QUOTE_RE = re.compile(r"[。！？.!?:：][”’\"」]?[ \t]*[“‘\"「]" + _S)
_REPEAT_AT_LINE_START_RE = re.compile(r"^[ \t]*" + _S, re.M)
_REPEAT_AT_QUOTED_LINE_START_RE = re.compile(r"^[ \t]*[“‘\"「]" + _S, re.M)
_EN_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


@register
class RepeatedSentence(Rule):
    """The same sentence twice in a row ("我没有敌人。我没有敌人。", "It's fall now. It's fall
    now."); the second copy is the span, deleted by the fix. Short sentences repeat on purpose
    in dialogue and slogans ("加油！加油！", "No way. No way."), so a copy needs ``min_han`` Han
    characters or ``min_words`` English words."""

    name = "repeated-sentence"
    kind = "duplication"

    def __init__(self, min_han: int = 5, min_words: int = 3) -> None:
        self.min_han = min_han
        self.min_words = min_words

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        for rx in (
            _REPEAT_AFTER_END_RE,
            _REPEAT_AFTER_QUOTE_RE,
            _REPEAT_AT_LINE_START_RE,
            _REPEAT_AT_QUOTED_LINE_START_RE,
        ):
            for m in rx.finditer(text):
                copy = m.group("s")
                b = m.end()
                a = b - len(copy)
                ev = {"han": float(len(HAN_RE.findall(copy))), "words": float(len(_EN_WORD_RE.findall(copy)))}
                yield Candidate(a, b, ev, f"'{copy[:30]}' said twice", fix="")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        return ev["han"] >= self.min_han or (ev["han"] == 0 and ev["words"] >= self.min_words)

    def confidence(self, cand: Candidate) -> float:
        return 0.85

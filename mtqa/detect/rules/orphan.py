"""``truncation`` rule for Chinese text: an orphan fragment, a stray piece of a sentence that a
broken pipeline cut off and left standing as its own "sentence" after a sentence end inside a
paragraph ("…做出了积极贡献。亚洲。", "…示范工程。共建“一带一路”。我们将…").

Real Chinese writes very short sentences too ("我饿了。", "谢谢。", "效果明显。", "”她说。"), so
shortness alone decides nothing. A candidate is a stretch between two 。 of one line, and the
evidence says what kind of sentence it could be:

* shape: Han characters outside quotes and book-title marks (``han``), the quoted terms it
  holds, and whether anything else is in it (digits, Latin, commas, colons, brackets, list
  marks: a date line, a credit, a heading, a list item, not a bare fragment);
* place: whether it opens with a quote or a title mark (a quotation, a title), sits inside an
  open quotation or just before a closing mark, and how long its neighbours in the line are
  (a run of short sentences is a dialogue, a list of headlines or a phrasebook, not a cut);
* lexicon: closed-class words that make a clause a sentence (pronouns, sentence particles,
  negation, copula and modal verbs, degree adverbs, coverbs, speech and motion verbs), words
  that stand alone as replies or greetings ("谢谢", "当然", "再见"), reduplication ("慢慢来"),
  Han numerals and date units, credit words ("摄", "记者"); and, for the longer end of the
  range, whether the bare text is a single word of wordfreq's Chinese list (a term, which
  holds no subject and predicate: "效果明显" is two words and a sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

import numpy as np

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.segment import HAN

_PERIOD = 0x3002  # 。
_UNIT_RE = re.compile(f"[{HAN}]|[A-Za-z]+|[0-9]+")
_SENTENCE_ENDS = "。！？!?；;"
_ENDS = frozenset("。！？!?；;\n")
_OPEN = "“‘《「『"
_CLOSE = "”’》」』"
_PAIRS = dict(zip(_OPEN, _CLOSE, strict=True))
_CLOSING_AFTER = frozenset(_CLOSE + "）)】〕")
_OPEN_ANY = frozenset(_OPEN + "（(【〔")

# Characters that make a clause a sentence, rarely found in a bare noun or verb phrase:
# pronouns, demonstratives and question words; sentence and aspect particles; negation;
# copula, existential and modal verbs; degree and time adverbs; coverbs; speech, motion and
# everyday verbs of short imperatives ("吃饭。", "走吧。").
_CLAUSE_CHARS = frozenset(
    "我你您他她它咱俺们這这那哪谁誰啥怎什么麼們"
    "了着過过吗嗎呢吧啊呀哦嘛啦哇呗唄哎嗯喔的地得"
    "不没沒别別未莫勿无無"
    "是有在会會能要想该該可应應需必将將"
    "很太真都也还還就才再又已更最挺越仍刚剛正常曾便却卻"
    "把被给給对對向从從跟让讓使叫请請"
    "说說讲講称稱问問答谢謝"
    "来來去走到回"
    "吃喝看听聽做干买買卖賣拿找等写寫读讀睡坐站跑"
    "好"
)
# Words that stand alone as a reply, a greeting, an exclamation or an adverb sentence.
_STANDALONE = (
    "当然", "大约", "大概", "也许", "或许", "确实", "其实", "一定", "马上", "立刻", "赶快",
    "同意", "明白", "知道", "晚安", "早安", "午安", "加油", "干杯", "救命", "欢迎", "恭喜",
    "祝贺", "抱歉", "感谢", "拜托", "小心", "注意", "安静", "住手", "保重", "辛苦", "失陪",
    "幸会", "久仰", "拜拜", "再会", "原来如此", "果然", "难怪",
    "糟糕", "完蛋", "天哪", "妈呀", "哈哈", "呵呵", "嘿嘿", "喂", "放心", "理解", "支持", "遗憾",
    "可惜", "开始", "结束", "出发", "成功", "收到", "完毕", "同样", "相反", "总之",
)  # fmt: skip
# Credits and furniture: photo credits, bylines, sources, end marks.
_CREDIT = (
    "摄", "攝", "供图", "图片", "图文", "记者", "記者", "通讯员", "编辑", "编者", "责编", "来源", "出处", "译者", "完",
)  # fmt: skip
# Han numerals and date or clock units: a date line, a list item ("第一。"), a count.
_NUMBER_CHARS = frozenset("〇零一二三四五六七八九十百千万亿两第年月日号时分秒")


def _is_word(bare: str) -> bool:
    """Is ``bare`` one word of wordfreq's large Chinese list (the dictionary the lexicon of
    :mod:`mtqa.detect.lexicon` reads too, loaded once per process)?"""
    from wordfreq import get_frequency_dict

    return bare in get_frequency_dict("zh", wordlist="large")


def _clause_word(bare: str) -> bool:
    """Does the bare text hold a word that makes it a sentence of its own?"""
    if any(c in _CLAUSE_CHARS for c in bare):
        return True
    if any(a == b for a, b in pairwise(bare)):  # reduplication: "慢慢来", "谢谢"
        return True
    return any(w in bare for w in _STANDALONE)


def _quote_open_before(text: str, line_start: int, end: int) -> bool:
    """Is a quotation or title opened in ``text[line_start:end]`` and not closed there?"""
    seg = text[line_start:end]
    return any(seg.count(o) > seg.count(c) for o, c in _PAIRS.items())


def _units(s: str) -> int:
    """How long a neighbouring sentence is: Han characters, Latin words and numbers."""
    return len(_UNIT_RE.findall(s))


_REACH = 2000


@register
class OrphanFragment(Rule):
    """A very short Chinese "sentence" standing after another sentence's end inside a line,
    with no shape of a real short sentence: no clause word, no quotation, title, heading,
    list item, credit or date, between longer sentences; at the longer end of the range, a
    single dictionary word (no predicate). The span is the fragment with its 。; no fix (what
    it belonged to is for the repair stage to decide)."""

    name = "orphan-fragment"
    kind = "truncation"

    def __init__(
        self,
        min_han: int = 2,
        short_han: int = 2,
        max_han: int = 3,
        min_context: int = 8,
        max_quoted_han: int = 8,
    ) -> None:
        self.min_han = min_han  # Han characters outside quotes: a one-character "sentence" is
        self.short_han = short_han  # a reply ("对。"); above short_han the fragment must be a
        self.max_han = max_han  # single dictionary word; above max_han it is no fragment
        self.min_context = min_context  # the sentences before and after (if the line goes on)
        # hold this many Han characters, Latin words and numbers: runs of short sentences
        # are dialogue, a phrasebook or a list of headlines
        self.max_quoted_han = max_quoted_han  # one quoted term at most, this long at most

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        text = ctx.text
        periods = np.nonzero(ctx.codes == _PERIOD)[0]
        if len(periods) < 2:
            return
        window = self.max_han + self.max_quoted_han + 8
        gaps = np.diff(periods)
        han = ctx.han_mask
        for k in np.nonzero((gaps >= 2) & (gaps <= window))[0].tolist():
            p, q = int(periods[k]), int(periods[k + 1])
            body = text[p + 1 : q]
            if any(c in _ENDS for c in body) or not han[p + 1 : q].any():
                continue
            yield from self._candidate(ctx, p, q, body)

    def _candidate(self, ctx: DocContext, p: int, q: int, body: str) -> Iterator[Candidate]:
        text, han = ctx.text, ctx.han_mask
        lead = len(body) - len(body.lstrip(" \t\u3000"))
        stripped = body.strip(" \t\u3000")
        start = p + 1 + lead
        # Quoted terms and titles out; the rest is the bare text.
        bare, quoted, terms, other, i = [], 0, 0, 0, 0
        while i < len(stripped):
            c = stripped[i]
            close = _PAIRS.get(c)
            j = stripped.find(close, i + 1) if close else -1
            if j > 0:
                quoted += int(han[start + i + 1 : start + j].sum())
                terms += 1
                i = j + 1
                continue
            if han[start + i]:
                bare.append(c)
            elif not c.isspace():
                other += 1
            i += 1
        bare_text = "".join(bare)
        # The sentence before (from the previous end or the line start) and the one after.
        # (lines are looked at within _REACH characters: a whole document on one line stays linear)
        lo = max(0, p - _REACH)
        line_start = max(text.rfind("\n", lo, p) + 1, lo)
        prev_start = max(max(text.rfind(e, line_start, p) for e in _SENTENCE_ENDS) + 1, line_start)
        line_end = text.find("\n", q, q + _REACH)
        rest = text[q + 1 : min(len(text), q + _REACH) if line_end < 0 else line_end]
        cut = min((i for i in (rest.find(e) for e in _SENTENCE_ENDS) if i >= 0), default=len(rest))
        first = stripped[:1]
        ev = {
            "han": float(len(bare_text)),
            "quoted_han": float(quoted),
            "quoted_terms": float(terms),
            "other": float(other),  # digits, Latin, commas, colons, brackets, list marks
            "opens_quote": float(first in _OPEN_ANY),  # a quotation, a title, a bracketed note
            "after_close": float(first in _CLOSING_AFTER),  # "。”她说。": the quote's attribution
            "in_quote": float(_quote_open_before(text, line_start, p) or text[q + 1 : q + 2] in _CLOSING_AFTER),
            "prev_size": float(_units(text[prev_start:p])),
            "next_size": float(_units(rest[:cut]) if rest[:cut].strip() else -1),  # -1: line ends
            "clause_word": float(_clause_word(bare_text)),
            "credit": float(any(w in bare_text for w in _CREDIT)),
            "number": float(any(c in _NUMBER_CHARS for c in bare_text)),
            "word": float(2 <= len(bare_text) <= 8 and _is_word(bare_text)),  # a single term
        }
        yield Candidate(start, q + 1, ev, f"orphan fragment '{stripped}' after a sentence end")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["opens_quote"] or ev["in_quote"] or ev["after_close"] or ev["other"]:
            return False  # a quotation, a title, a heading or list item, a credit, a date line
        if ev["clause_word"] or ev["credit"] or ev["number"]:
            return False
        if not self.min_han <= ev["han"] <= self.max_han:
            return False
        if ev["quoted_terms"] > 1 or ev["quoted_han"] > self.max_quoted_han:
            return False
        if ev["prev_size"] < self.min_context or 0 <= ev["next_size"] < self.min_context:
            return False
        return ev["han"] <= self.short_han or bool(ev["word"])

    def confidence(self, cand: Candidate) -> float:
        return 0.75 if cand.evidence["quoted_terms"] else 0.7

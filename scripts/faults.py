"""Pipeline-fault simulator: garble real zh/en parallel text the way a broken MT pipeline does.

An independent benchmark generator for corrupted-span detection. It shares no code, templates or
patterns with the detector (it does not import ``mtqa``): it takes real parallel sentence pairs
(Tatoeba zh/en), stitches them into articles whose dominant language is zh or en (paragraphs of
2-5 sentences, one paragraph per line) and simulates *process* faults at random positions. Each
fault replaces one stretch of the clean text (``clean[a:b] -> new``), is applied to its own
sentence, and is logged as an :class:`Edit` so the clean text can be restored exactly.

Fault model (``fault`` -> gold ``kind``; spans follow the annotation protocol of tests/data/README.md)

``untranslated``  a sentence, or one clause of it (when both sides have the same number of
                  ``,;:`` clauses), left untranslated: the counterpart from the pair appears
                  instead, either as is, spaced like the foreign script, or with the surrounding
                  script's punctuation/spacing. -> ``untranslated`` (2+ English words in a zh doc,
                  2+ Han in an en doc; one row per foreign sentence, span = first to last foreign
                  character), else ``switch`` (span = token plus the glued character each side).
``splice``        translation-unit boundaries at arbitrary character positions: counterpart cut at
                  a random index ``i``, original at a roughly proportional index ``j``; pieces
                  joined with no separator: ``cp[:i]+dom[j:]``, ``dom[:j]+cp[i:]`` or a foreign
                  window ``dom[:j1]+cp[i1:i2]+dom[j2:]``. -> the foreign piece as above
                  (``untranslated``/``switch``), plus ``truncation`` for a Latin word either cut
                  split (span = the remaining fragment, or the glued token) unless a ``switch``
                  row already covers it. Cuts that land on a word boundary are kept; ``cut`` says
                  which. Content the two pieces both say (or neither says) is not marked.
``drop``          a stretch (random characters, whole words, or a whole sentence) is lost.
                  -> ``truncation`` for fragments left by a mid-word cut (span = the fragment, or
                  the glued token when both edges were mid-word); ``merge`` when whole words end
                  up glued across the gap; otherwise the gap is invisible on the surface:
                  ``truncation`` with ``visible: false``, span = the non-space character on each
                  side of the gap. A drop that would leave a double space takes one space with it.
``repeat``        a random-length stretch of characters (or whole words) written twice.
                  -> ``duplication``, span = the second copy.
``echo``          a sentence or clause written again in the other language right after itself.
                  -> ``duplication``, span = the foreign copy.
``merge``         (en docs) two outputs joined without their separator: a space inside a sentence
                  or between two sentences removed. -> ``merge``, span = the glued token.
``mojibake``      UTF-8 bytes of a random stretch decoded as cp1252 (sloppy: undefined bytes map
                  to C1 controls) or GBK (``errors='replace'``); a minority. -> ``mojibake``, one
                  row per changed run. In en docs it needs non-ASCII text: half the articles use
                  typographic apostrophes/quotes (clean text, not damage).

Gold rows (JSON lines): ``doc, start, end, text, kind, fault, note, visible, cut`` with code-point
offsets into the *damaged* text (``damaged[start:end] == text``). ``visible`` is false only for a
drop that left no surface trace; ``cut`` is ``mid-word`` / ``word-boundary`` for Latin cuts,
``han`` for cuts between Han characters, ``separator`` for merges, ``none`` otherwise.
Clean documents (no fault, no gold) are part of the mix. The intended language stays dominant: clean
paragraphs are prepended while the other language exceeds a third of the damaged text (Han characters
against Latin letters / 3). Deterministic per (seed, dominant, index).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

TESTSETS = Path("/work/shared/testsets")
DEFAULT_SOURCES: tuple[Path, ...] = (TESTSETS / "tatoeba-cmn_Hans.tsv", TESTSETS / "tatoeba-eng-zho.test.tsv")
KINDS: tuple[str, ...] = ("switch", "truncation", "merge", "duplication", "untranslated", "mojibake")
FAULTS: tuple[str, ...] = ("untranslated", "splice", "drop", "repeat", "echo", "merge", "mojibake")
WEIGHTS: dict[str, dict[str, float]] = {
    "zh": {"untranslated": 0.22, "splice": 0.32, "drop": 0.10, "repeat": 0.14, "echo": 0.14, "merge": 0.0,
           "mojibake": 0.08},
    "en": {"untranslated": 0.18, "splice": 0.28, "drop": 0.10, "repeat": 0.12, "echo": 0.10, "merge": 0.14,
           "mojibake": 0.08},
}

HAN_TO_LATIN = 3.0  # Latin letters per Han character of parallel content (2.9 on the Tatoeba pairs)
MAX_FOREIGN_SHARE = 1 / 3  # the other language's share of a damaged document, at most

Pair = tuple[str, str]  # (zh, en)
Row = dict[str, Any]


# ---------------------------------------------------------------- characters

def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (any block)."""
    o = ord(ch)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def is_latin(ch: str) -> bool:
    """True for a Latin letter (ASCII or Latin-1/Extended)."""
    return ch.isalpha() and ord(ch) < 0x0250


def _wordish(s: str, k: int) -> bool:
    """Is ``s[k]`` part of a Latin word (letter, ASCII digit, or apostrophe between letters)?"""
    if k < 0 or k >= len(s):
        return False
    ch = s[k]
    if is_latin(ch) or "0" <= ch <= "9":
        return True
    return ch in "'’" and 0 < k < len(s) - 1 and is_latin(s[k - 1]) and is_latin(s[k + 1])


def mid_word(s: str, k: int) -> bool:
    """Does a cut before ``s[k]`` split a Latin word?"""
    return 0 < k < len(s) and _wordish(s, k - 1) and _wordish(s, k)


def _run_left(s: str, p: int) -> int:
    while p > 0 and _wordish(s, p - 1):
        p -= 1
    return p


def _run_right(s: str, p: int) -> int:
    while p < len(s) and _wordish(s, p):
        p += 1
    return p


def _has(s: str, lang: str) -> bool:
    """Does ``s`` contain a character of ``lang``'s script (Han for zh, Latin letter for en)?"""
    test = is_han if lang == "zh" else is_latin
    return any(test(ch) for ch in s)


def _latin_words(s: str) -> list[str]:
    words, k = [], 0
    while k < len(s):
        if _wordish(s, k):
            r = _run_right(s, k)
            if any(is_latin(ch) for ch in s[k:r]):
                words.append(s[k:r])
            k = r
        else:
            k += 1
    return words


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def _geom(rng: random.Random, mean: float) -> int:
    """An integer >= 1 with roughly the given mean (shifted exponential)."""
    return 1 + int(rng.expovariate(1.0 / max(mean - 1.0, 0.1)))


# ---------------------------------------------------------------- data

def _terminate(s: str, lang: str) -> str:
    s = s.strip()
    if lang == "zh":
        return s if s[-1] in "。！？…”」』.!?\"" else s + "。"
    return s if s[-1] in ".!?\"'”’" else s + "."


def load_pairs(paths: Iterable[Path] = DEFAULT_SOURCES) -> list[Pair]:
    """Read (zh, en) pairs from the Tatoeba TSVs (``zh\\ten`` with header, or ``eng cmn_Hans en zh``); dedupe."""
    seen: set[Pair] = set()
    pairs: list[Pair] = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
            cols = line.split("\t")
            if len(cols) == 2:
                if n == 0 and cols == ["zh", "en"]:
                    continue
                zh, en = cols
            elif len(cols) == 4 and cols[1] == "cmn_Hans":
                en, zh = cols[2], cols[3]
            else:
                continue
            zh, en = zh.strip(), en.strip()
            if not zh or not en or not _has(zh, "zh") or not _has(en, "en") or _has(en, "zh"):
                continue
            pair = (_terminate(zh, "zh"), _terminate(en, "en"))
            if pair not in seen:
                seen.add(pair)
                pairs.append(pair)
    return pairs


def _typographic(en: str) -> str:
    out, opening = [], True
    for ch in en:
        if ch == "'":
            out.append("’")
        elif ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


_FULLWIDTH = {",": "，", ".": "。", "!": "！", "?": "？", ";": "；", ":": "："}
_ASCII = {v: k for k, v in _FULLWIDTH.items()}


def _to_fullwidth(en: str) -> str:
    """English with Chinese punctuation conventions: full-width marks, no space after them."""
    out, k = [], 0
    while k < len(en):
        ch = en[k]
        if ch in _FULLWIDTH and (k + 1 == len(en) or en[k + 1] == " "):
            out.append(_FULLWIDTH[ch])
            k += 2
            continue
        out.append(ch)
        k += 1
    return "".join(out)


def _to_ascii(zh: str) -> str:
    """Chinese with English punctuation conventions: ASCII marks followed by a space."""
    return "".join(_ASCII[ch] + " " if ch in _ASCII else ch for ch in zh).rstrip()


def _clauses(s: str, lang: str) -> list[tuple[int, int]]:
    """Clause spans (delimiter included, leading spaces excluded) at ``,;:`` (and full-width forms)."""
    delims = "，；：,;:" if lang == "zh" else ",;:"
    spans, start = [], 0
    for k, ch in enumerate(s):
        if ch in delims and k + 1 < len(s):
            spans.append((start, k + 1))
            start = k + 1
    spans.append((start, len(s)))
    out = []
    for a, b in spans:
        while a < b and s[a].isspace():
            a += 1
        if a == b or not _has(s[a:b], lang):
            return []
        out.append((a, b))
    return out


def _aligned_clause(rng: random.Random, dom_s: str, cp: str, dom: str) -> tuple[tuple[int, int], str] | None:
    ds, cs = _clauses(dom_s, dom), _clauses(cp, _other(dom))
    if len(ds) < 2 or len(ds) != len(cs):
        return None
    k = rng.randrange(len(ds))
    return ds[k], cp[cs[k][0]:cs[k][1]]


# ---------------------------------------------------------------- documents

@dataclass
class Edit:
    """Undo record: ``damaged[start:end]`` was ``clean`` before ``fault``."""

    start: int
    end: int
    clean: str
    fault: str


@dataclass
class FaultDoc:
    """One generated document: its clean and damaged text, gold rows and the edits between them."""

    doc_id: str
    dominant: str
    clean: str
    damaged: str
    gold: list[Row] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)

    @property
    def faults(self) -> list[str]:
        return [e.fault for e in self.edits]

    def restore(self) -> str:
        """Undo the recorded edits (right to left; ties: later edit first) to get the clean text back."""
        text = self.damaged
        order = sorted(range(len(self.edits)), key=lambda k: (self.edits[k].start, k), reverse=True)
        for e in (self.edits[k] for k in order):
            text = text[:e.start] + e.clean + text[e.end:]
        return text

    def to_json(self) -> dict[str, Any]:
        return {"doc": self.doc_id, "dominant": self.dominant, "clean": self.clean, "damaged": self.damaged,
                "edits": [asdict(e) for e in self.edits]}


@dataclass
class _Unit:
    text: str
    cp: str
    sep: str
    first: bool
    last: bool

    @property
    def full(self) -> str:
        return self.text + self.sep


@dataclass
class _Ctx:
    """Where a fault landed: damaged text ``d``, the new stretch ``d[s:e]``, clean ``c[cs:ce]`` it replaced."""

    d: str
    s: int
    e: int
    c: str
    cs: int
    ce: int
    dom: str


RowFn = Callable[[_Ctx], list[Row]]


@dataclass
class _Plan:
    a: int
    b: int
    new: str
    fault: str
    rows: RowFn


def _row(start: int, end: int, kind: str, note: str, *, visible: bool = True, cut: str = "none") -> Row:
    return {"start": start, "end": end, "kind": kind, "note": note, "visible": visible, "cut": cut}


def _strip(d: str, s: int, e: int) -> tuple[int, int]:
    while s < e and d[s].isspace():
        s += 1
    while e > s and d[e - 1].isspace():
        e -= 1
    return s, e


def _glue(d: str, s: int, e: int) -> tuple[int, int]:
    """Widen a switch span by the character on each side it is glued to (not whitespace)."""
    if s > 0 and not d[s - 1].isspace():
        s -= 1
    if e < len(d) and not d[e].isspace():
        e += 1
    return s, e


def _foreign_kind(piece: str, dom: str) -> str:
    n = len(_latin_words(piece)) if dom == "zh" else sum(map(is_han, piece))
    return "untranslated" if n >= 2 else "switch"


def _foreign_rows(d: str, s: int, e: int, dom: str, note: str, cut: str = "none") -> list[Row]:
    """Rows for foreign text placed at ``d[s:e]``: one untranslated row per sentence, or one switch row."""
    s, e = _strip(d, s, e)
    if s >= e:
        return []
    if _foreign_kind(d[s:e], dom) == "switch":
        gs, ge = _glue(d, s, e)
        return [_row(gs, ge, "switch", note, cut=cut)]
    pieces, start = [], s
    for k in range(s, e):
        ch = d[k]
        if ch in "。！？" or (ch in ".!?" and (k + 1 == e or d[k + 1].isspace())):
            pieces.append((start, k + 1))
            start = k + 1
    pieces.append((start, e))
    spans: list[list[int]] = []
    for a, b in pieces:
        a, b = _strip(d, a, b)
        if a >= b:
            continue
        # a piece without foreign script (stray punctuation) joins its neighbour
        if spans and not (_has(d[a:b], _other(dom)) and _has(d[spans[-1][0]:spans[-1][1]], _other(dom))):
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return [_row(a, b, "untranslated", note, cut=cut) for a, b in spans]


# ---------------------------------------------------------------- faults

def _f_untranslated(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    clause = _aligned_clause(rng, u.text, u.cp, dom) if rng.random() < 0.35 else None
    (a, b), foreign = clause if clause else ((0, len(u.text)), u.cp)
    level = "clause" if clause else "sentence"
    if dom == "zh":
        style = rng.choice(["as-is", "spaced", "adapted"])
        if style == "adapted":
            new = _to_fullwidth(foreign)
        elif style == "spaced":
            lead = "" if a == 0 and u.first else " "
            trail = "" if b == len(u.text) and u.last else " "
            new = lead + foreign + trail
        else:
            new = foreign
    else:
        style = rng.choice(["as-is", "glued", "adapted"])
        new = _to_ascii(foreign) if style == "adapted" else foreign
        if style == "glued" and b == len(u.text) and u.sep == " ":
            b += 1
    note = f"{level} left untranslated ({style})"
    return _Plan(a, b, new, "untranslated", lambda x: _foreign_rows(x.d, x.s, x.e, x.dom, note))


def _proportional(rng: random.Random, i: int, n_cp: int, n_dom: int, lo: int, hi: int) -> int:
    j = round(i * n_dom / n_cp + rng.gauss(0.0, 0.1 * n_dom))
    return min(max(j, lo), hi)


def _cut_rows(d: str, p: int, left: tuple[str, int], right: tuple[str, int], note: str, lo: int = 0,
              hi: int | None = None) -> list[Row]:
    """Truncation rows at a junction ``d[p]`` joining ``lsrc[:lk]`` to ``rsrc[rk:]`` (fragments kept in ``[lo, hi)``)."""
    (lsrc, lk), (rsrc, rk) = left, right
    hi = len(d) if hi is None else hi
    lm, rm = mid_word(lsrc, lk), mid_word(rsrc, rk)
    if not (lm or rm):
        return []
    fs = max(lo, p - (lk - _run_left(lsrc, lk))) if lm else p
    fe = min(hi, p + (_run_right(rsrc, rk) - rk)) if rm else p
    if _wordish(d, p - 1) and _wordish(d, p):  # the pieces touch: one damaged token
        fs = fs if lm else _run_left(d, p)
        fe = fe if rm else _run_right(d, p)
        return [_row(fs, fe, "truncation", note + ": cut word glued to the next piece", cut="mid-word")]
    out = []
    if lm and fs < p:
        out.append(_row(fs, p, "truncation", note + ": word lost its end", cut="mid-word"))
    if rm and p < fe:
        out.append(_row(p, fe, "truncation", note + ": word lost its start", cut="mid-word"))
    return out


def _f_splice(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    S, C, fl = u.text, u.cp, _other(dom)
    if len(S) < 3 or len(C) < 3:
        return None
    variant = rng.choices(["cp+dom", "dom+cp", "dom+cp+dom"], weights=[0.4, 0.4, 0.2])[0]
    for _ in range(30):
        # junctions: (which end of the new piece, (left source, cut), (right source, cut))
        if variant == "cp+dom":
            i = rng.randint(1, len(C) - 1)
            j = _proportional(rng, i, len(C), len(S), 1, len(S) - 1)
            a, b, new, where = 0, j, C[:i], f"counterpart[:{i}] + original[{j}:]"
            ok = _has(new, fl) and _has(S[j:], dom)
            joints = [("e", (C, i), (S, j))]
        elif variant == "dom+cp":
            i = rng.randint(1, len(C) - 1)
            j = _proportional(rng, i, len(C), len(S), 1, len(S) - 1)
            a, b, new, where = j, len(S), C[i:], f"original[:{j}] + counterpart[{i}:]"
            ok = _has(new, fl) and _has(S[:j], dom)
            joints = [("s", (S, j), (C, i))]
        else:
            i1 = rng.randint(0, len(C) - 2)
            i2 = min(len(C), i1 + _geom(rng, 5.0))
            j1 = _proportional(rng, i1, len(C), len(S), 1, len(S) - 1)
            j2 = _proportional(rng, i2, len(C), len(S), j1, len(S) - 1)
            a, b, new = j1, j2, C[i1:i2]
            where = f"original[:{j1}] + counterpart[{i1}:{i2}] + original[{j2}:]"
            ok = _has(new, fl) and _has(S[:j1], dom) and j2 < len(S)
            joints = [("s", (S, j1), (C, i1)), ("e", (C, i2), (S, j2))]
        if ok:
            break
    else:
        return None
    mid = any(mid_word(*left) or mid_word(*right) for _, left, right in joints)
    cut = "mid-word" if mid else "word-boundary"
    note = f"splice {where}, Latin cut {cut}"

    def rows(x: _Ctx) -> list[Row]:
        out = _foreign_rows(x.d, x.s, x.e, x.dom, note, cut)
        switches = [(r["start"], r["end"]) for r in out if r["kind"] == "switch"]
        for end, left, right in joints:
            p, lo, hi = (x.s, 0, x.e) if end == "s" else (x.e, x.s, len(x.d))
            for r in _cut_rows(x.d, p, left, right, note, lo, hi):
                inside = any(s <= r["start"] and r["end"] <= e for s, e in switches)
                if not inside and (r["start"], r["end"]) not in [(q["start"], q["end"]) for q in out]:
                    out.append(r | {"cut": cut})
        return out

    return _Plan(a, b, new, "splice", rows)


def _word_spans(s: str) -> list[tuple[int, int]]:
    spans, k = [], 0
    while k < len(s):
        if s[k].isspace():
            k += 1
            continue
        a = k
        while k < len(s) and not s[k].isspace():
            k += 1
        spans.append((a, k))
    return spans


def _f_drop(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    S, full = u.text, u.full
    gran = rng.choices(["chars", "words", "sentence"], weights=[0.5, 0.3, 0.2])[0]
    if gran == "sentence":
        if (u.first and u.last) or (dom == "en" and u.last):  # en: the previous space would dangle
            return None
        a, b = 0, len(S) if u.last else len(full)  # a paragraph's line break stays
    elif gran == "words" and dom == "en":
        ws = _word_spans(S)
        if len(ws) < 2:
            return None
        n = min(rng.randint(1, 3), len(ws) - 1)
        t = rng.randrange(len(ws) - n + 1)
        a = ws[t][0]
        b = ws[t + n][0] if t + n < len(ws) else ws[-1][1]
    else:
        if len(S) < 3:
            return None
        L = min(_geom(rng, 6.0) if gran == "chars" else rng.randint(2, 6), len(S) - 1)
        a = rng.randint(0, len(S) - L)
        b = a + L
    left = full[a - 1] if a > 0 else (" " if not u.first and dom == "en" else "\n")
    if left.isspace() and b < len(full) and full[b] == " ":
        b += 1
    note = f"drop ({gran})"

    def rows(x: _Ctx) -> list[Row]:
        d, p, c = x.d, x.s, x.c
        cut_rows = _cut_rows(d, p, (c, x.cs), (c, x.ce), note)
        if cut_rows:
            return cut_rows
        if _wordish(d, p - 1) and _wordish(d, p):
            return [_row(_run_left(d, p), _run_right(d, p), "merge", note + ": words glued across the gap",
                         cut="word-boundary")]
        left_k = p - 1
        while left_k > 0 and d[left_k].isspace():
            left_k -= 1
        right_k = p
        while right_k < len(d) - 1 and d[right_k].isspace():
            right_k += 1
        s, e = max(left_k, 0), min(right_k + 1, len(d))
        han = (x.cs > 0 and is_han(c[x.cs - 1])) or (x.ce < len(c) and is_han(c[x.ce]))
        return [_row(s, e, "truncation", note + ": no surface trace", visible=False,
                     cut="han" if han else "word-boundary")]

    return _Plan(a, b, "", "drop", rows)


def _f_repeat(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    S = u.text
    if dom == "en" and rng.random() < 0.5:
        ws = _word_spans(S)
        n = min(rng.randint(1, 4), len(ws))
        t = rng.randrange(len(ws) - n + 1)
        a, b = ws[t][0], ws[t + n - 1][1]
        if t + n < len(ws):
            b = ws[t + n][0]  # "each other " + "each other "
        elif t > 0:
            a = ws[t - 1][1]  # " world." + " world."
        ins, gran, cut = b, "words", "word-boundary"
    else:
        if len(S) < 2:
            return None
        for _ in range(20):
            L = min(1 + _geom(rng, 5.0), len(S))
            a = rng.randint(0, len(S) - L)
            b = a + L
            if _has(S[a:b], "zh") or _has(S[a:b], "en"):
                break
        else:
            return None
        ins, gran = b, "chars"
        cut = "mid-word" if mid_word(S, a) or mid_word(S, b) else ("han" if dom == "zh" else "word-boundary")
    note = f"repeat ({gran}, {b - a} chars)"

    def rows(x: _Ctx) -> list[Row]:
        s, e = _strip(x.d, x.s, x.e)
        return [_row(s, e, "duplication", note, cut=cut)] if s < e else []

    return _Plan(ins, ins, S[a:b], "repeat", rows)


def _f_echo(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    clause = _aligned_clause(rng, u.text, u.cp, dom) if rng.random() < 0.3 else None
    (_, pos), foreign = clause if clause else ((0, len(u.text)), u.cp)
    spaced = rng.random() < 0.5
    if spaced:
        trail = " " if dom == "zh" and not (pos == len(u.text) and u.last) else ""
        new = " " + foreign + trail
    else:
        new = foreign
    note = f"{'clause' if clause else 'sentence'} said again in the other language ({'spaced' if spaced else 'glued'})"

    def rows(x: _Ctx) -> list[Row]:
        s, e = _strip(x.d, x.s, x.e)
        return [_row(s, e, "duplication", note)] if s < e else []

    return _Plan(pos, pos, new, "echo", rows)


def _f_merge(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    if dom != "en":
        return None
    inner = [k for k in range(1, len(u.text) - 1) if u.text[k] == " " and not u.text[k - 1].isspace()
             and not u.text[k + 1].isspace()]
    across = u.sep == " "
    if across and (not inner or rng.random() < 0.3):
        a, where = len(u.text), "between sentences"
    elif inner:
        a, where = rng.choice(inner), "inside a sentence"
    else:
        return None
    note = f"outputs joined without separator ({where})"

    def rows(x: _Ctx) -> list[Row]:
        d, p = x.d, x.s
        s, e = p, p
        while s > 0 and not d[s - 1].isspace():
            s -= 1
        while e < len(d) and not d[e].isspace():
            e += 1
        while s < p - 1 and not _wordish(d, s):
            s += 1
        while e > p + 1 and not _wordish(d, e - 1):
            e -= 1
        return [_row(s, e, "merge", note, cut="separator")]

    return _Plan(a, a + 1, "", "merge", rows)


def garble(text: str, codec: str) -> str:
    """UTF-8 bytes of ``text`` decoded as ``cp1252`` (sloppy: undefined bytes -> C1 controls) or ``gbk``."""
    raw = text.encode("utf-8")
    if codec == "gbk":
        return raw.decode("gbk", errors="replace")
    out = []
    for byte in raw:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def _f_mojibake(rng: random.Random, u: _Unit, dom: str) -> _Plan | None:
    S = u.text
    codec = rng.choice(["cp1252", "gbk"])
    non_ascii = [k for k, ch in enumerate(S) if ord(ch) > 127]
    if not non_ascii:
        return None
    q = rng.choice(non_ascii)
    L = min(_geom(rng, 6.0 if dom == "zh" else 10.0), len(S))
    a = rng.randint(max(0, q - L + 1), min(q, len(S) - L))
    b = a + L
    new = garble(S[a:b], codec)
    if new == S[a:b]:
        return None
    spans: list[list[int]] = []
    for tag, _, _, j1, j2 in SequenceMatcher(None, S[a:b], new, autojunk=False).get_opcodes():
        if tag == "equal" or j1 == j2:
            continue
        if spans and j1 - spans[-1][1] < 2:
            spans[-1][1] = j2
        else:
            spans.append([j1, j2])
    if not spans:
        return None
    note = f"UTF-8 read as {codec}"
    return _Plan(a, b, new, "mojibake",
                 lambda x: [_row(x.s + j1, x.s + j2, "mojibake", note) for j1, j2 in spans])


_FAULT_FNS: dict[str, Callable[[random.Random, _Unit, str], _Plan | None]] = {
    "untranslated": _f_untranslated, "splice": _f_splice, "drop": _f_drop, "repeat": _f_repeat,
    "echo": _f_echo, "merge": _f_merge, "mojibake": _f_mojibake,
}


# ---------------------------------------------------------------- assembly

def _paragraph(rng: random.Random, pairs: Sequence[Pair], dom: str, size: int, typo: bool, used: set[int],
               sep_after: str) -> list[_Unit]:
    free = [k for k in range(len(pairs)) if k not in used]
    picks = rng.sample(free, size) if size <= len(free) else rng.choices(range(len(pairs)), k=size)
    used.update(picks)
    units = []
    for s_i, k in enumerate(picks):
        zh, en = pairs[k]
        if typo:
            en = _typographic(en)
        dom_s, cp = (zh, en) if dom == "zh" else (en, zh)
        last = s_i == size - 1
        units.append(_Unit(dom_s, cp, sep_after if last else (" " if dom == "en" else ""), s_i == 0, last))
    return units


def foreign_share(text: str, dom: str) -> float:
    """Share of the other language in ``text``: Han characters against Latin letters / HAN_TO_LATIN."""
    han = sum(map(is_han, text))
    lat = sum(map(is_latin, text)) / HAN_TO_LATIN
    total = han + lat
    return (lat if dom == "zh" else han) / total if total else 0.0


def _assemble(units: list[_Unit], plans: dict[int, _Plan]) -> tuple[str, str, list[tuple[_Plan, int, int, int]]]:
    clean_parts, dmg_parts, placed = [], [], []
    c_pos = d_pos = 0
    for u in units:
        full = u.full
        plan = plans.get(id(u))
        dmg = full if plan is None else full[:plan.a] + plan.new + full[plan.b:]
        if plan is not None:
            placed.append((plan, d_pos + plan.a, c_pos + plan.a, c_pos + plan.b))
        clean_parts.append(full)
        dmg_parts.append(dmg)
        c_pos += len(full)
        d_pos += len(dmg)
    return "".join(clean_parts), "".join(dmg_parts), placed


def make_document(pairs: Sequence[Pair], doc_id: str, rng: random.Random, dominant: str, n_faults: int) -> FaultDoc:
    """One article in ``dominant`` with ``n_faults`` faults on distinct sentences (0 = clean).

    Clean paragraphs are prepended while the other language exceeds ``MAX_FOREIGN_SHARE`` of the
    damaged text, so the intended language stays the dominant one (the protocol's premise).
    """
    typo, used = rng.random() < 0.5, set()
    sizes = [rng.randint(2, 5) for _ in range(rng.randint(1, 3))]
    while sum(sizes) < n_faults + 1:
        sizes.append(rng.randint(2, 5))
    units = [u for n, size in enumerate(sizes)
             for u in _paragraph(rng, pairs, dominant, size, typo, used, "\n" if n < len(sizes) - 1 else "")]
    weights = WEIGHTS[dominant]
    plans: dict[int, _Plan] = {}
    for idx in rng.sample(range(len(units)), n_faults):
        for _ in range(12):
            name = rng.choices(list(weights), weights=list(weights.values()))[0]
            plan = _FAULT_FNS[name](rng, units[idx], dominant)
            if plan is not None:
                plans[id(units[idx])] = plan
                break
    clean, damaged, placed = _assemble(units, plans)
    for _ in range(10):
        if foreign_share(damaged, dominant) <= MAX_FOREIGN_SHARE:
            break
        units = _paragraph(rng, pairs, dominant, rng.randint(2, 5), typo, used, "\n") + units
        clean, damaged, placed = _assemble(units, plans)
    doc = FaultDoc(doc_id, dominant, clean, damaged)
    for plan, s, cs, ce in placed:
        e = s + len(plan.new)
        doc.edits.append(Edit(s, e, clean[cs:ce], plan.fault))
        for r in plan.rows(_Ctx(damaged, s, e, clean, cs, ce, dominant)):
            doc.gold.append({"doc": doc_id, "start": r["start"], "end": r["end"], "text": damaged[r["start"]:r["end"]],
                             "kind": r["kind"], "fault": plan.fault, "note": r["note"], "visible": r["visible"],
                             "cut": r["cut"]})
    doc.gold.sort(key=lambda r: (r["start"], r["end"], r["kind"]))
    return doc


def make_documents(pairs: Sequence[Pair], n: int, seed: int, dominant: str = "mixed",
                   faults_per_doc: int | tuple[int, int] = (1, 3), clean_share: float = 0.2) -> list[FaultDoc]:
    """``n`` documents; ``dominant`` is ``zh``, ``en`` or ``mixed`` (alternating). Doc i depends only on its seed key."""
    lo, hi = (faults_per_doc, faults_per_doc) if isinstance(faults_per_doc, int) else faults_per_doc
    docs = []
    for i in range(n):
        dom = dominant if dominant != "mixed" else ("zh", "en")[i % 2]
        rng = random.Random(f"mtqa-faults:{seed}:{dom}:{i}")
        k = 0 if rng.random() < clean_share else rng.randint(lo, hi)
        docs.append(make_document(pairs, f"s{seed}-{dom}-{i:04d}", rng, dom, k))
    return docs


# ---------------------------------------------------------------- CLI

def _range(s: str) -> tuple[int, int]:
    lo, _, hi = s.partition("-")
    return int(lo), int(hi or lo)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write ``docs.jsonl`` and ``gold.jsonl`` to ``--out``, or print a preview."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--dominant", choices=["zh", "en", "mixed"], default="mixed")
    ap.add_argument("--faults", type=_range, default=(1, 3), help="faults per faulty doc, e.g. 1-3")
    ap.add_argument("--clean-share", type=float, default=0.2)
    ap.add_argument("--out", type=Path, help="folder for docs.jsonl and gold.jsonl")
    args = ap.parse_args(argv)
    docs = make_documents(load_pairs(), args.n, args.seed, args.dominant, args.faults, args.clean_share)
    if args.out is None:
        for doc in docs:
            print(f"=== {doc.doc_id} ({doc.dominant}) faults={doc.faults}\n{doc.damaged}")
            for r in doc.gold:
                print(f"  [{r['start']}:{r['end']}] {r['kind']:<12} {r['text']!r}  <- {r['note']}"
                      f"{'' if r['visible'] else ' (invisible)'}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "docs.jsonl").open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
    with (args.out / "gold.jsonl").open("w", encoding="utf-8") as f:
        for doc in docs:
            for r in doc.gold:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(docs)} documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``mojibake`` rule: text decoded with the wrong code page.

A stretch is flagged only when decoding it back gives *more plausible* text, the test ftfy
itself applies: ``ftfy.fix_encoding`` (which weighs ``ftfy.badness``) on each line that holds
characters mojibake is made of, then, for what ftfy leaves alone, a UTF-8-read-as-cp1252
round trip that must lower ftfy's badness of the line or turn three bytes into one symbol
(``â–\\xa0`` -> ``■``, which ftfy misses), and a GBK round trip that must give Han text.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import unicodedata
from collections.abc import Iterator

from mtqa.detect.base import Candidate, DocContext, Rule, register
from mtqa.segment import HAN_RE

# UTF-8 read as cp1252/latin-1: a lead byte shown as Â..ô followed by continuation bytes
# shown as cp1252 punctuation or Latin-1 symbols ("â€™", "Ã©", "â–\xa0").
_CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_LATIN_MOJI_RE = re.compile(f"(?:[\u00c2-\u00f4][{_CONT}]{{1,3}})+")
# Characters mojibake is made of, worth asking ftfy about: Latin-1 and Latin Extended (cp1252,
# latin-1, CESU-8), Greek and Cyrillic (cp1251 and friends), what MacRoman shows for UTF-8
# bytes ("√", "≈", "∂"...), box drawing (cp437).
_SUSPECT_RE = re.compile(
    "[\u0080-\u00b6\u00b8-\u04ff\u2020\u2021\u2030\u2039\u203a\u20ac\u2122"
    "\u2202\u2206\u220f\u2211\u221a\u221e\u222b\u2248\u2260\u2264\u2265\u25ca\u2500-\u259f]"
)
# ... or with the byte dropped (a decoder told to ignore errors): "â€" before anything cp1252
# makes of a continuation byte 0x80-0xBF
_CONTINUATIONS = re.escape(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
_LOST_QUOTE_RE = re.compile(f"â€(?:\ufffd|(?![{_CONTINUATIONS}\x80-\x9f]))")  # latin-1 keeps C1 controls
# Long lines are judged in pieces around the suspect characters, cut at sentence ends.
_PIECE = 300
_PIECE_END_RE = re.compile(r"[.!?。！？]\s")


def _gbk_anchor_chars() -> str:
    """What a UTF-8 lead byte of a CJK character (E4-E9) plus a continuation byte becomes
    when read as GBK. None of these 384 characters occurs in 12,819 Han characters of the
    corpus and Tatoeba; GBK mojibake is full of them."""
    out = set()
    for lead in range(0xE4, 0xEA):
        for trail in range(0x80, 0xC0):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([lead, trail]).decode("gbk"))
    return "".join(sorted(out))


_GBK_ANCHOR_RE = re.compile(f"[{re.escape(_gbk_anchor_chars())}]")
_GBK_STRETCH_RE = re.compile("[^\\x00-\\x7f\\s]+")


def undo_cp1252(s: str) -> str | None:
    """Re-encode as cp1252 (latin-1 for C1 controls) and decode as UTF-8, or ``None``."""
    raw = bytearray()
    for ch in s:
        try:
            raw += ch.encode("latin-1") if "\x80" <= ch <= "\x9f" else ch.encode("cp1252")
        except UnicodeEncodeError:
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def undo_gbk(s: str) -> str | None:
    """Re-encode as GBK and decode as UTF-8; ``None`` unless that yields mostly Han text.

    Lost bytes (U+FFFD in the mojibake) are tolerated: real GBK mojibake usually has some.
    """
    fixed = s.encode("gbk", errors="replace").decode("utf-8", errors="replace")
    good = len(HAN_RE.findall(fixed))
    bad = fixed.count("\ufffd") + fixed.count("?")
    if fixed == s:
        return None
    if good >= 2 and good >= 2 * bad:
        return fixed
    # one character and the lost byte the viewer showed as U+FFFD ("鎴�" for 我): the U+FFFD
    # is evidence of its own
    return fixed if good == 1 and "\ufffd" in s and len(s) <= 3 else None


def _is_symbol(s: str) -> bool:
    return bool(s) and all(unicodedata.category(c)[0] in "PSZ" for c in s)


@register
class Mojibake(Rule):
    """UTF-8 bytes decoded as cp1252/latin-1/MacRoman/cp1251/cp437 or as GBK.

    Evidence: ``source`` (1 = ftfy's own repair of the line, 2 = cp1252 round trip of a stretch
    ftfy left, 3 = GBK round trip), ``badness_drop`` (ftfy badness of the line before minus
    after the repair), ``symbol`` (the stretch decodes to punctuation or symbols only),
    ``three_byte`` (the stretch is a 3-byte UTF-8 sequence, lead ``à``-``ï``),
    ``chars`` (length of a stretch whose GBK round trip gives Han text).
    """

    name = "mojibake"
    kind = "mojibake"

    def __init__(self, min_han_gbk: int = 3, min_badness_drop: float = 1.0) -> None:
        self.min_han_gbk = min_han_gbk  # characters in a GBK-mojibake stretch
        self.min_badness_drop = min_badness_drop

    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        yield from self._latin(ctx)
        yield from self._gbk(ctx)
        # E2 80 9D (”) read as cp1252, where 0x9D has no character and a viewer showed U+FFFD
        # ("â€�"): ftfy cannot undo a lost byte; of the five bytes cp1252 leaves out, 9D (”) is
        # the one text is full of
        for m in _LOST_QUOTE_RE.finditer(ctx.text):
            ev = {"source": 2.0, "badness_drop": 1.0, "symbol": 1.0, "three_byte": 1.0}
            yield Candidate(m.start(), m.end(), ev, "UTF-8 read as cp1252, a byte lost; means '”'", "”")

    def accept(self, cand: Candidate) -> bool:
        ev = cand.evidence
        if ev["source"] == 1:
            return True  # ftfy repaired it: it found the repair more plausible
        if ev["source"] == 3:
            return ev["chars"] >= self.min_han_gbk or bool(ev["lost"] and ev["chars"] >= 2)
        # a UTF-8 Han character read as cp1252 in Chinese text ("ç§‹天" for 秋天) is as sure as a symbol
        return ev["badness_drop"] >= self.min_badness_drop or bool(ev["three_byte"] and (ev["symbol"] or ev.get("han")))

    def confidence(self, cand: Candidate) -> float:
        return {1.0: 0.9, 2.0: 0.85, 3.0: 0.9}[cand.evidence["source"]]

    def _latin(self, ctx: DocContext) -> Iterator[Candidate]:
        import ftfy
        from ftfy.badness import badness

        text = ctx.text
        done = -1
        for m in _SUSPECT_RE.finditer(text):
            if m.start() < done:
                continue
            pos, end = _piece(text, m.start())
            done = end
            line = text[pos:end]
            fixed = ftfy.fix_encoding(line)
            if fixed != line:
                drop = float(badness(line) - badness(fixed))
                for a, b, fa, fb in _changed(line, fixed):
                    ev = {
                        "source": 1.0,
                        "badness_drop": drop,
                        "symbol": float(_is_symbol(fixed[fa:fb])),
                        "three_byte": 0.0,
                    }
                    yield Candidate(pos + a, pos + b, ev, f"ftfy: means {fixed[fa:fb]!r}", fixed[fa:fb])
                continue
            before = badness(line)
            for mm in _LATIN_MOJI_RE.finditer(line):
                dec, stop = undo_cp1252(mm.group()), mm.end()
                if dec is None:
                    continue
                after = badness(line[: mm.start()] + dec + line[stop:])
                lead = mm.group()[0]
                ev = {
                    "source": 2.0,
                    "badness_drop": float(before - after),
                    "symbol": float(_is_symbol(dec)),
                    "three_byte": float("\u00e0" <= lead <= "\u00ef" and len(mm.group()) == 3),
                    "han": float(bool(HAN_RE.fullmatch(dec)) and bool(HAN_RE.match(line[stop : stop + 1]))),
                }
                note = f"UTF-8 read as cp1252; means {dec!r}"
                yield Candidate(pos + mm.start(), pos + stop, ev, note, dec)

    def _gbk(self, ctx: DocContext) -> Iterator[Candidate]:
        """From each anchor character, the longest stretch that decodes back to Han text."""
        text = ctx.text
        covered = 0
        for m in _GBK_ANCHOR_RE.finditer(text):
            h = m.start()
            if h < covered:
                continue
            stretch = _GBK_STRETCH_RE.match(text, h)
            limit = min(stretch.end(), h + 60) if stretch else h + 1
            # The longest stretch that decodes without a lost byte ("鐩戞帶" -> 监控, not
            # "鐩戞帶设备" -> 监控�豸, which swallows the real Han after it); else the longest.
            found: list[tuple[int, str]] = []
            for end in range(limit, h + 1, -1):
                fixed = undo_gbk(text[h:end])
                if fixed is not None:
                    found.append((end, fixed))
                    if "\ufffd" not in fixed:
                        break
            if not found and text[h + 1 : h + 2] == "\ufffd":
                # a GBK-mojibake character whose next byte was lost ("鎴�" for 我): nothing to
                # decode, but nothing else makes an anchor character and U+FFFD either
                ev = {"source": 3.0, "chars": 2.0, "lost": 1.0, "symbol": 0.0, "three_byte": 0.0, "badness_drop": 0.0}
                yield Candidate(h, h + 2, ev, "UTF-8 read as GBK, a byte lost", None)
                covered = h + 2
                continue
            if found:
                end, fixed = next(((e, f) for e, f in found if "\ufffd" not in f), found[0])
                ev = {
                    "source": 3.0,
                    "chars": float(end - h),
                    "lost": float("\ufffd" in text[h:end]),
                    "symbol": 0.0,
                    "three_byte": 0.0,
                    "badness_drop": 0.0,
                }
                note = f"UTF-8 read as GBK; means {fixed!r}"
                yield Candidate(h, end, ev, note, fixed if "\ufffd" not in fixed else None)
                covered = end


def _piece(text: str, i: int) -> tuple[int, int]:
    """The line around ``text[i]``, or for a long line the sentences around it (at least
    ``_PIECE`` characters on each side, where the line has them)."""
    pos = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    if end - pos <= 2 * _PIECE:
        return pos, end
    a = max(pos, i - _PIECE)
    cut = _PIECE_END_RE.search(text, max(pos, a - _PIECE), a)
    a = cut.end() if cut else a
    b = min(end, i + _PIECE)
    cut = _PIECE_END_RE.search(text, b, min(end, b + _PIECE))
    b = cut.start() + 1 if cut else b
    return a, b


def _changed(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The stretches of ``old`` that differ from ``new``: (old start, old end, new start, new end)."""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    out: list[list[int]] = []
    for tag, a, b, fa, fb in ops:
        if tag == "equal":
            continue
        if out and a - out[-1][1] <= 1 and fa - out[-1][3] <= 1:  # one unchanged char between: one stretch
            out[-1][1], out[-1][3] = b, fb
        else:
            out.append([a, b, fa, fb])
    return [(a, b, fa, fb) for a, b, fa, fb in out if a < b]

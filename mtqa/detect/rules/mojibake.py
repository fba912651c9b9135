"""``mojibake`` rule: text decoded with the wrong code page."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from mtqa.detect.base import DocContext, Rule, Span, register
from mtqa.segment import HAN_RE

# UTF-8 read as cp1252/latin-1: a lead byte shown as Â..ô followed by continuation bytes
# shown as cp1252 punctuation or Latin-1 symbols ("â€™", "Ã©", "â–\xa0").
_CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_LATIN_MOJI_RE = re.compile(f"(?:[\u00c2-\u00f4][{_CONT}]{{1,3}})+")
_LATIN1_RE = re.compile("[\u0080-\u00ff]")


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
    return fixed if good >= 2 and good >= 2 * bad and fixed != s else None


@register
class Mojibake(Rule):
    """UTF-8 bytes decoded as cp1252/latin-1 or as GBK; the suggested repair is in the note."""

    name = "mojibake"
    kind = "mojibake"

    def find(self, ctx: DocContext) -> Iterator[Span]:
        text = ctx.text
        for m in _LATIN_MOJI_RE.finditer(text):
            fixed = undo_cp1252(m.group())
            if fixed is not None:
                note = f"UTF-8 read as cp1252; means {fixed!r}"
                yield ctx.span(m.start(), m.end(), self.kind, 0.95, self.name, note, fix=fixed)
        yield from self._gbk(ctx)
        yield from self._ftfy(ctx)

    def _gbk(self, ctx: DocContext) -> Iterator[Span]:
        """From each anchor character, the longest stretch that decodes back to Han text."""
        text = ctx.text
        min_chars = self.params["min_han_gbk"]
        covered = 0
        for m in _GBK_ANCHOR_RE.finditer(text):
            h = m.start()
            if h < covered:
                continue
            stretch = _GBK_STRETCH_RE.match(text, h)
            limit = min(stretch.end(), h + 60) if stretch else h + 1
            for end in range(limit, h + min_chars - 1, -1):
                fixed = undo_gbk(text[h:end])
                if fixed is not None:
                    note = f"UTF-8 read as GBK; means {fixed!r}"
                    yield ctx.span(
                        h, end, self.kind, 0.9, self.name, note, fix=fixed if "\ufffd" not in fixed else None
                    )
                    covered = end
                    break

    @staticmethod
    def _ftfy(ctx: DocContext) -> Iterator[Span]:
        """Lines ftfy finds bad and can fix, for mojibake the patterns above miss."""
        import ftfy
        from ftfy.badness import is_bad

        text = ctx.text
        done = -1
        for m in _LATIN1_RE.finditer(text):  # only lines with Latin-1 characters can be bad
            if m.start() < done:
                continue
            pos = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.start())
            end = len(text) if end < 0 else end
            done = end
            line = text[pos:end]
            if is_bad(line) and not _LATIN_MOJI_RE.search(line):
                fixed = ftfy.fix_encoding(line)
                if fixed != line:
                    a, b, b_new = _changed_region(line, fixed)
                    if a < b:
                        note = f"ftfy: means {fixed[a:b_new]!r}"
                        yield ctx.span(pos + a, pos + b, "mojibake", 0.8, "mojibake", note, fix=fixed[a:b_new])


def _changed_region(old: str, new: str) -> tuple[int, int, int]:
    """The stretch of ``old`` that differs from ``new`` (common prefix and suffix removed)."""
    a = 0
    while a < min(len(old), len(new)) and old[a] == new[a]:
        a += 1
    b_old, b_new = len(old), len(new)
    while b_old > a and b_new > a and old[b_old - 1] == new[b_new - 1]:
        b_old -= 1
        b_new -= 1
    return a, b_old, b_new

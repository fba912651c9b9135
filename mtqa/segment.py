"""Script classes, script runs and sentence segmentation for mixed Chinese/English text.

All functions return code-point offsets into the string they were given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Character classes, as regex fragments.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufe30-\ufe4f"
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
HAN_NUMERALS = "〇零一二三四五六七八九十"
# The value of each Chinese digit (years are written digit by digit: 二〇二四).
HAN_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

HAN_RE = re.compile(f"[{HAN}]")
LATIN_RE = re.compile(f"[{LATIN}]")
_HAN_RUN_RE = re.compile(f"[{HAN}]+")
_LATIN_RUN_RE = re.compile(f"[{LATIN}]+")

SCRIPTS = ("han", "latin", "digit", "space", "punct", "other")
_RUN_RE = re.compile(
    f"(?P<han>[{HAN}]+)|(?P<latin>[{LATIN}]+)|(?P<digit>[0-9]+)|(?P<space>\\s+)"
    f"|(?P<punct>[!-/:-@\\[-`{{-~{CJK_PUNCT}\u2010-\u2027\u00a1-\u00bf]+)|(?P<other>.)",
    re.S,
)


@dataclass(frozen=True, slots=True)
class Run:
    """A maximal stretch of one script class."""

    start: int
    end: int
    script: str


def script_runs(text: str) -> list[Run]:
    """Split ``text`` into runs of Han, Latin, digits, whitespace, punctuation and other."""
    runs: list[Run] = []
    for m in _RUN_RE.finditer(text):
        script = m.lastgroup or "other"
        if runs and runs[-1].script == script == "other":
            runs[-1] = Run(runs[-1].start, m.end(), script)
        else:
            runs.append(Run(m.start(), m.end(), script))
    return runs


# A sentence ends after Chinese 。！？； (plus closing quotes/brackets), after English
# . ! ? ; when followed by whitespace, a Han character or the end, and at every newline.
_ABBREV = ("Mr", "Mrs", "Ms", "Dr", "St", "No", "Prof", "Gen", "Sen", "Rep", "vs", "etc", "Inc", "Co")
_SENT_END_RE = re.compile(rf"[。！？；!?;]+[”’」』）》\)\"']*|(?<![A-Z])(?<!\b[A-Z])\.+[”’\"'\)]*(?=\s|$|[{HAN}])|\n")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence boundaries ``(start, end)`` in ``text[start:end]``, whitespace trimmed.

    Splits on both scripts' sentence punctuation and on line breaks; English abbreviations
    such as ``Mr.`` and initials (``U.S.``) do not end a sentence, nor do decimal points.
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END_RE.finditer(text, start, end):
        if m.group().startswith(".") and text[max(start, m.start() - 4) : m.start()].endswith(_ABBREV):
            continue
        _push(text, pos, m.end(), out)
        pos = m.end()
    _push(text, pos, end, out)
    return out


def _push(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((a, b))


def is_non_ascii_letter(piece: str) -> bool:
    """Is ``piece`` one letter outside ASCII and Han ("é", "ş"), or one such letter read as
    cp1252 ("Ã©" for é)?"""
    if len(piece) == 1:
        return piece.isalpha() and not piece.isascii() and not HAN_RE.match(piece)
    try:
        ch = piece.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return False
    return len(ch) == 1 and ch.isalpha()


def count_scripts(text: str) -> tuple[int, int]:
    """Number of Han characters and of Latin letters in ``text``."""
    return sum(map(len, _HAN_RUN_RE.findall(text))), sum(map(len, _LATIN_RUN_RE.findall(text)))


def language_of(text: str) -> str:
    """``zh`` when Han characters outweigh Latin letters (4 letters to a character), else ``en``."""
    han, latin = count_scripts(text)
    return "zh" if han * 4 >= latin and han > 0 else "en"

"""Checks on every MT output: wrong script left in, empty or runaway output, bad length."""

from __future__ import annotations

import re
import unicodedata

from mtqa.segment import HAN_RE

_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_LETTER_RE = re.compile("[A-Za-z]")
_BRAND_RE = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z])")  # iPhone, YouTube


def _common(word: str) -> bool:
    """A common English word (wordfreq zipf >= 4): it has a translation, it is not a name."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") >= 4.0


def weighted_length(text: str, letters_per_han: float = 4.0) -> float:
    """Length in Latin-letter units: a Han character counts ``letters_per_han`` letters."""
    return len(_LETTER_RE.findall(text)) + letters_per_han * len(HAN_RE.findall(text))


def _ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def new_countries(source: str, output: str, tgt: str, min_han: int = 3) -> list[str]:
    """Countries the output names and the source does not (a model shown examples about one
    country writes it for its neighbours: 比什凯克 -> "Kazakhstan", Kazakh -> 吉尔吉斯斯坦).

    Only names of ``min_han`` Chinese characters or more (not 中国, 美国: a source says "Chinese",
    "US" or 我国 in too many ways). Into Chinese, a source word sharing the name's first three
    letters (``Russian``, ``Turkish``) names it; into English, the name's first character
    (吉 of 中吉) or the English name in the source does.
    """
    from mtqa.translate.glossary import country_names

    out = []
    src_words = {_ascii_lower(w)[:3] for w in _LATIN_WORD_RE.findall(source)} if tgt == "zh" else set()
    for pattern, zh, en in country_names():
        if len(zh) < min_han:
            continue
        if tgt == "zh" and zh in output and zh not in source and _ascii_lower(en)[:3] not in src_words:
            out.append(zh)
        elif tgt == "en" and pattern.search(output) and zh[0] not in source and not pattern.search(source):
            out.append(en)
    return out


_EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ZH_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
# (a number a Chinese scale follows is the Chinese pattern's: "1400万" is no 1400)
_EN_AMOUNT_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?![\d万亿])(?:\s*(thousand|million|billion|trillion)\b)?", re.I)
_ZH_AMOUNT_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万亿|亿|万)?")


def _amount(m: re.Match, scales: dict[str, float]) -> tuple[float, str] | None:
    """(size, significant digits) of one amount match; None for a bare number below 1,000
    (counts, percentages, dates) or one that is no number."""
    raw = m.group(1).rstrip(",.")
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return None
    if m.group(2):
        value *= scales[m.group(2).lower()]
    elif value < 1000:
        return None
    return round(value, 3), raw.replace(",", "").replace(".", "").rstrip("0") or "0"


_AMOUNT_PATTERNS = ((_EN_AMOUNT_RE, _EN_SCALES), (_ZH_AMOUNT_RE, _ZH_SCALES))


def _amounts(text: str) -> dict[float, str]:
    """The sizes of the amounts a text writes, English or Chinese ("94.8 billion", "948亿",
    "15,000", "1.5万"), with their significant digits."""
    return dict(a for rx, scales in _AMOUNT_PATTERNS for m in rx.finditer(text) if (a := _amount(m, scales)))


def wrong_magnitudes(source: str, output: str) -> list[str]:
    """Amounts of ``output`` that have the digits of an amount of ``source`` but another size:
    "1 billion" written 1亿 (it is 10亿), "US$94.8 billion" written 94.8亿 (948亿)."""
    src = _amounts(source)
    digits = set(src.values())
    return [f"{v:g}" for v, d in _amounts(output).items() if d in digits and not _any_same_size(v, src)]


def _any_same_size(value: float, sizes) -> bool:
    return any(abs(value - w) <= 1e-6 * w for w in sizes)


def fix_magnitudes(source: str, output: str, tgt: str) -> str:
    """``output`` with each amount :func:`wrong_magnitudes` finds written at the size the
    source gives it, the way the target language writes it (1亿 -> 10亿 for "1 billion")."""
    src = _amounts(source)
    by_digits: dict[str, list[float]] = {}
    for v, d in src.items():
        by_digits.setdefault(d, []).append(v)
    rx, scales = _AMOUNT_PATTERNS[1] if tgt == "zh" else _AMOUNT_PATTERNS[0]
    out, pos = [], 0
    for m in rx.finditer(output):
        found = _amount(m, scales)
        if found is None:
            continue
        v, d = found
        right = by_digits.get(d, [])
        if len(right) != 1 or _any_same_size(v, src):
            continue
        out += [output[pos : m.start()], _write_amount(right[0], tgt)]
        pos = m.end()
    return "".join(out) + output[pos:] if out else output


def _write_amount(value: float, tgt: str) -> str:
    """An amount the way the target language writes it: 10亿, 1.5万, 2.3 billion, 15,000."""
    units, sep = (_ZH_SCALES, "") if tgt == "zh" else (_EN_SCALES, " ")
    for unit, size in sorted(units.items(), key=lambda u: -u[1]):
        if value >= size and (tgt == "zh" or size >= 1e6):  # English writes 15,000, not 15 thousand
            return f"{value / size:g}{sep}{unit}"
    if tgt == "zh":
        return f"{value:g}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def check_output(
    source: str, output: str, src: str, tgt: str, finish: str = "stop", min_ratio: float = 0.35, max_ratio: float = 2.5
) -> list[str]:
    """Problems with one translation, as short flags (empty list: looks fine)."""
    flags: list[str] = []
    out = output.strip()
    if source.strip() and not out:
        return ["empty"]
    if finish == "length":
        flags.append("runaway")
    if out == source.strip() and weighted_length(source) > 8 and src != tgt:
        flags.append("copied_source")
    if tgt == "en" and HAN_RE.search(out):
        flags.append("han_in_english")
    if tgt == "zh":
        # Translating, the source's names and brands may stay in Latin, but not its common words
        # ("customs", "Participants"); repairing a mixed passage into Chinese (src "auto" or
        # "zh"), the source's English words are the damage.
        src_words = {w.lower() for w in _LATIN_WORD_RE.findall(source) if not _common(w)} if src == "en" else set()
        foreign = [
            w
            for w in _LATIN_WORD_RE.findall(out)
            if w.lower() not in src_words
            and not (w.isupper() and len(w) >= 2)
            and len(w) >= 2
            and not _BRAND_RE.match(w)
        ]
        if foreign:
            flags.append("latin_in_chinese")
    if new_countries(source, out, tgt):
        flags.append("new_country")
    if src != tgt and wrong_magnitudes(source, out):
        flags.append("wrong_magnitude")
    ls, lo = weighted_length(source), weighted_length(out)
    if ls >= 12:
        ratio = lo / ls
        if ratio < min_ratio:
            flags.append("too_short")
        elif ratio > max_ratio:
            flags.append("too_long")
    return flags


PROBLEMS = {
    "empty": "it was empty",
    "runaway": "it did not stop",
    "copied_source": "it copied the source instead of translating it",
    "han_in_english": "it left Chinese characters in the English",
    "latin_in_chinese": "it left English words in the Chinese",
    "new_country": "it named a country the source does not name",
    "wrong_magnitude": "it changed the size of an amount (1 million is 100万, 1 billion is 10亿)",
    "too_short": "it was much shorter than the source",
    "too_long": "it was much longer than the source",
}


def describe(flags: list[str]) -> str:
    return "; ".join(PROBLEMS.get(f, f) for f in flags)

"""Terminology: names and fixed terms given to the model for the passages they occur in."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from mtqa.document import read_text_file
from mtqa.errors import InputError
from mtqa.pinyin import han_words_read_as, is_pinyin, pinyin_split

LANGS = ("zh", "en")
log = logging.getLogger(__name__)


@cache
def country_names() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """Country names from the Unicode CLDR (through Babel): ``(English pattern, zh, en)``.

    The pattern matches the English name, case-sensitive, and the adjective or people of the
    ``-stan`` and ``-ia`` countries (``Kazakh`` for Kazakhstan, ``Russian`` for Russia): a model
    shown examples about one country otherwise writes that country for its neighbours
    (``Kazakh方`` -> 吉方). Empty without Babel.
    """
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover - babel is a dependency; a trimmed install still runs
        log.debug("babel is not installed: no country names")
        return ()
    en, zh = Locale("en").territories, Locale.parse("zh_Hans").territories
    out = []
    for code, name in en.items():
        if len(code) != 2 or not code.isalpha() or code in ("XA", "XB", "ZZ") or code not in zh:
            continue
        if not re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", name):  # no "Hong Kong SAR China", "Antigua & Barbuda"
            continue
        forms = [re.escape(name)]
        if name.endswith("stan"):
            forms[0] += "i?"  # Pakistani
            stem = name[:-4].removesuffix("i")  # Kazakh, Kyrgyz, Uzbek, Tajik, Afghan
            if len(stem) >= 5:
                forms.append(re.escape(stem) + "s?")
        elif name.endswith("ia") and " " not in name:
            forms.append(re.escape(name) + r"ns?")  # Russian(s), Mongolian
        out.append((re.compile(rf"(?<![A-Za-z-])(?:{'|'.join(forms)})(?![A-Za-z])"), zh[code], name))
    return tuple(out)


def _parse_tsv(text: str, name: str) -> list[tuple[str, str]]:
    rows = []
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if lines and lines[0].strip().lower() == "zh\ten":
        lines = lines[1:]
    for n, line in enumerate(lines, 1):
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            raise InputError(f"{name}: glossary line {n} is not 'zh<TAB>en': {line[:40]!r}")
        rows.append((cols[0].strip(), cols[1].strip()))
    return rows


@dataclass
class Glossary:
    """zh/en term pairs, usable in both directions."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    countries: bool = True  # add CLDR country names found in English text (see country_names)

    @classmethod
    def default(cls) -> Glossary:
        text = resources.files("mtqa.data").joinpath("glossary.tsv").read_text(encoding="utf-8")
        return cls(_parse_tsv(text, "glossary.tsv"))

    @classmethod
    def load(cls, paths: list[str | Path] | tuple[str | Path, ...] = (), include_default: bool = True) -> Glossary:
        g = cls.default() if include_default else cls()
        for p in paths:
            text, _ = read_text_file(p)
            g.pairs.extend(_parse_tsv(text, str(p)))
        return g

    def extended(self, pairs: list[tuple[str, str]]) -> Glossary:
        """This glossary with ``pairs`` (a document's own terms) added after its own."""
        return Glossary([*self.pairs, *pairs], self.countries)

    def entries_for(self, text: str, src: str, tgt: str) -> list[tuple[str, str]]:
        """The (source term, target term) pairs whose source term occurs in ``text``.

        Longest terms first; a term inside a longer matched one (上合组织 in 上海合作组织) is skipped.
        """
        if src not in LANGS or tgt not in LANGS or src == tgt:
            return []
        i, j = (0, 1) if src == "zh" else (1, 0)
        found: list[tuple[str, str]] = []
        taken: list[tuple[int, int]] = []

        def free(matches) -> list[tuple[int, int]]:
            """The matches not inside a longer term matched before."""
            spans = [(m.start(), m.end()) for m in matches]
            return [s for s in spans if not any(a <= s[0] and s[1] <= b for a, b in taken)]

        for pair in sorted(self.pairs, key=lambda p: -len(p[i])):
            term = pair[i]
            if src == "zh":
                spans = free(re.finditer(re.escape(term), text))
            else:
                spans = free(re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.I))
            if spans:
                taken.extend(spans)
                if (pair[i], pair[j]) not in found:
                    found.append((pair[i], pair[j]))
        if src == "en" and self.countries:
            have = {b for _, b in found}
            for pattern, zh_name, en_name in country_names():
                if zh_name not in have and free(pattern.finditer(text)):
                    found.append((en_name, zh_name))
        return found

    def __len__(self) -> int:
        return len(self.pairs)


_HAN = "\u3400-\u9fff"
# "Zhejiang University (浙江大学)": capitalised words, then the Han term in brackets
_LATIN_HAN_GLOSS_RE = re.compile(
    rf"([A-Z][A-Za-z'’.\-]*(?: (?:of|and|for|the|on|[A-Z][A-Za-z'’.\-]*))*) ?[（(]([{_HAN}·]{{2,12}})[)）]"
)
_CAPITALS_RE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")


# Words that open a gloss's Latin side before the name itself: function words and titles
_NOT_NAME = frozenset(
    (
        "in", "the", "at", "on", "of", "and", "for", "to", "by", "from", "with", "a", "an",
        "mr", "mrs", "ms", "dr", "prof", "professor", "president", "premier", "chairman", "chairwoman",
        "minister", "deputy", "vice", "director", "general", "secretary", "ambassador", "governor",
        "mayor", "chief", "ceo",
    )
)  # fmt: skip


def document_terms(text: str, max_name_words: int = 3, max_gloss_words: int = 5) -> list[tuple[str, str]]:
    """Name and term pairs ``(zh, en)`` a document gives itself, for the passages of that
    document: the names it writes in pinyin in one place and in Han in another (``Yang Jiahao``
    and 杨家豪, matched by every reading of each character), then its glosses
    (``Zhejiang University (浙江大学)``; not ``恒生指数（Hang Seng Index）``, where nothing says
    where the Chinese term starts). A pinyin name with more than one Han match is left out, and
    so is a one-word name of fewer than three syllables: ``Tianqi`` would be 天气 (weather)."""
    names: dict[str, str] = {}
    for m in _CAPITALS_RE.finditer(text):
        run: list[str] = []
        for w in [*re.split(r"[ -]", m.group()), ""]:  # maximal runs of pinyin words
            if w and is_pinyin(w) and len(run) < max_name_words:
                run.append(w)
                continue
            if len(run) > 1 or (run and pinyin_split(run[0]) >= 3):
                name = " ".join(run)
                names.setdefault(name.replace(" ", "").lower(), name)
            run = [w] if w and is_pinyin(w) else []
    pairs = []
    if names:
        for key, han in han_words_read_as(text, set(names)).items():
            if len(han) == 1:
                pairs.append((next(iter(han)), names[key]))
    for m in _LATIN_HAN_GLOSS_RE.finditer(text):
        words = m.group(1).split(" ")
        while len(words) > 1 and words[0].lower().rstrip(".") in _NOT_NAME:
            words = words[1:]  # "In the Baitasi (白塔寺)", "Professor Chen Xiaoyan (陈晓燕)"
        if len(words) <= max_gloss_words:
            pairs.append((m.group(2), " ".join(words)))
    out, seen_zh, seen_en = [], set(), set()
    for zh, en in pairs:
        if zh not in seen_zh and en not in seen_en:
            out.append((zh, en))
            seen_zh.add(zh)
            seen_en.add(en)
    return out

"""The detector's contract: :class:`Span`, :class:`Candidate`, the :class:`Rule` interface and
the rule registry.

A rule separates evidence from decision, the way OpusFilter's filters do (``score`` /
``accept``): :meth:`Rule.score` yields :class:`Candidate` stretches with raw evidence (floats),
:meth:`Rule.accept` decides on one candidate with the thresholds the rule was built with.
Thresholds are typed keyword arguments of the rule's ``__init__``, with their defaults there;
``detector.rules.<name>.<param>`` in the config overrides them and is checked against the
signature. Rules register themselves with :func:`register`; ``detector.plugins`` names
modules to import so that a user's own rules register too.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, ClassVar, get_type_hints

import numpy as np

from mtqa.config import Config
from mtqa.errors import ConfigError

log = logging.getLogger(__name__)

KINDS = ("switch", "truncation", "merge", "duplication", "untranslated", "mojibake")
SEVERITIES = ("minor", "major", "critical")


@dataclass(frozen=True, slots=True)
class Span:
    """A suspicious stretch ``text[start:end]`` of a document."""

    start: int
    end: int
    text: str
    kind: str
    severity: str
    confidence: float
    rule: str
    note: str = ""
    fix: str | None = None  # a sure replacement for the span, when the rule knows one

    def to_dict(self, doc: str) -> dict[str, Any]:
        d = {"doc": doc}
        d.update(asdict(self))
        d["confidence"] = round(self.confidence, 3)
        if self.fix is None:
            del d["fix"]
        return d


@dataclass(slots=True)
class Candidate:
    """A stretch a rule scored: raw evidence (named floats), before any threshold."""

    start: int
    end: int
    evidence: dict[str, float]
    note: str = ""
    fix: str | None = None


@dataclass(frozen=True)
class Dominance:
    """Which language dominates a document, and by how much."""

    language: str | None  # None: no language holds the dominance share (a bilingual text)
    shares: dict[str, float] = field(default_factory=dict)


_LETTER_RUN_RE = re.compile(r"[A-Za-z]+")

# Character classes as bits, looked up per code point (one gather instead of many compares).
HAN_BIT, LETTER_BIT, DIGIT_BIT, CJK_PUNCT_BIT, LATIN_EXT_BIT, NUMERAL_BIT = 1, 2, 4, 8, 16, 32


def _class_table() -> np.ndarray:
    t = np.zeros(0x10000, dtype=np.uint8)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        t[lo : hi + 1] |= HAN_BIT
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A)):
        t[lo : hi + 1] |= LETTER_BIT
    t[0x30:0x3A] |= DIGIT_BIT
    for lo, hi in (
        (0x3000, 0x303F),
        (0xFF01, 0xFF0F),
        (0xFF1A, 0xFF20),
        (0xFF3B, 0xFF40),
        (0xFF5B, 0xFF65),
        (0xFE30, 0xFE4F),
    ):
        t[lo : hi + 1] |= CJK_PUNCT_BIT
    for lo, hi in ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F)):  # the rest of mtqa.segment.LATIN
        t[lo : hi + 1] |= LATIN_EXT_BIT
    for ch in "〇零一二三四五六七八九十":
        t[ord(ch)] |= NUMERAL_BIT
    return t


_CLASS_TABLE = _class_table()


@dataclass(frozen=True)
class Tokens:
    """The document's Latin letter runs (``words``) with their offsets, in document order."""

    words: list[str]
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, text: str, letters: np.ndarray) -> Tokens:
        """From the text and its ASCII-letter mask (run bounds found vectorised)."""
        edges = np.diff(np.concatenate(([False], letters, [False])).astype(np.int8))
        starts = np.nonzero(edges == 1)[0]
        ends = np.nonzero(edges == -1)[0]
        return cls(_LETTER_RUN_RE.findall(text), starts, ends)

    def where(self, tokens: set[str] | frozenset[str]) -> np.ndarray:
        """Indices of the runs that are in ``tokens``."""
        if not tokens:
            return np.zeros(0, dtype=np.int64)
        hit = np.fromiter(map(tokens.__contains__, self.words), dtype=bool, count=len(self.words))
        return np.nonzero(hit)[0]


class DocContext:
    """One document's text plus lazily computed facts shared by the rules."""

    def __init__(self, text: str, config: Config) -> None:
        self.text = text
        self.config = config
        self.det = config["detector"]

    @cached_property
    def lexicon(self):
        from mtqa.detect.lexicon import get_lexicon

        return get_lexicon()

    @cached_property
    def codes(self) -> np.ndarray:
        """The text's code points as an array (vectorised script tests)."""
        return np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype="<u4")

    @cached_property
    def classes(self) -> np.ndarray:
        """Per character, the :data:`CHAR_CLASSES` bits of its code point."""
        c = self.codes
        out = _CLASS_TABLE[np.minimum(c, 0xFFFF)]
        astral = c > 0xFFFF
        if astral.any():
            out = out.copy()
            out[astral] = np.where((c[astral] >= 0x20000) & (c[astral] <= 0x2EBEF), HAN_BIT, 0)
        return out

    @cached_property
    def han_mask(self) -> np.ndarray:
        """Where the text has a Han character (the ranges of :data:`mtqa.segment.HAN`)."""
        return (self.classes & HAN_BIT) > 0

    @cached_property
    def ascii_letter_mask(self) -> np.ndarray:
        return (self.classes & LETTER_BIT) > 0

    def script_counts(self) -> tuple[int, int]:
        """Han characters and Latin letters, as :func:`mtqa.segment.count_scripts` counts them."""
        latin = int(np.count_nonzero(self.classes & (LETTER_BIT | LATIN_EXT_BIT)))
        return int(np.count_nonzero(self.han_mask)), latin

    @cached_property
    def han_repeat_lines(self) -> list[tuple[int, int]]:
        """Lines where a Han bigram recurs 2 to 12 characters later: the only places a Han
        fragment can be repeated or a clause restarted (found vectorised, so the rules' regular
        expressions run on those lines only)."""
        c, han = self.codes.astype(np.int64), self.han_mask
        if len(c) < 4:
            return []
        pair = han[:-1] & han[1:]
        big = np.where(pair, (c[:-1] << 21) | c[1:], -np.arange(1, len(c), dtype=np.int64))
        hit = np.zeros(len(big), dtype=bool)
        for d in range(2, 13):
            hit[:-d] |= big[:-d] == big[d:]
        out: list[tuple[int, int]] = []
        text = self.text
        for i in np.nonzero(hit)[0].tolist():
            if out and i < out[-1][1]:
                continue
            a = text.rfind("\n", 0, i) + 1
            b = text.find("\n", i)
            out.append((a, len(text) if b < 0 else b))
        return out

    @cached_property
    def dominance(self) -> Dominance:
        han, latin = self.script_counts()
        han_lang, latin_lang = _script_languages(self.det["languages"])
        weighted_latin = latin / self.det["latin_letters_per_han"]
        total = han + weighted_latin
        if total == 0:
            return Dominance(None, {})
        shares = {han_lang: han / total, latin_lang: weighted_latin / total}
        top = max(shares, key=shares.__getitem__)
        lang = top if shares[top] >= self.det["dominance"] else None
        return Dominance(lang, {k: round(v, 3) for k, v in shares.items()})

    @cached_property
    def junctions(self):
        from mtqa.detect.junctions import find_junctions

        return find_junctions(self)

    @cached_property
    def junction_tokens(self) -> Counter[str]:
        """How often each Latin token occurs glued to Han text on its own (the document's own
        usage; the last word of a phrase glued to Han, "suspension bridge方案", is the phrase's)."""
        return Counter(self.text[j.start : j.end] for j in self.junctions if j.words == 1)

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens.of(self.text, self.ascii_letter_mask)

    @cached_property
    def vocabulary(self) -> Counter[str]:
        """Every Latin letter run of the document, case kept, with its count."""
        return Counter(self.tokens.words)

    @cached_property
    def lower_words(self) -> list[str]:
        """The letter runs of :attr:`tokens`, lowercased (lengths kept)."""
        words = self.tokens.words
        return "\n".join(words).lower().split("\n") if words else []

    @cached_property
    def word_ids(self) -> np.ndarray:
        """A hash per lowercased letter run, for vectorised comparisons of word sequences."""
        low = self.lower_words
        return np.fromiter(map(hash, low), dtype=np.int64, count=len(low))

    def recurs(self, token: str) -> bool:
        """Does ``token`` occur intact (as a whole letter run) more than once in the document?"""
        return self.vocabulary.get(token, 0) >= 2

    @cached_property
    def allow_tokens(self) -> frozenset[str]:
        return frozenset(self.det["allow_tokens"])

    @cached_property
    def surnames(self) -> frozenset[str]:
        return frozenset(self.det["pinyin_surnames"])

    def span(
        self, start: int, end: int, kind: str, confidence: float, rule: str, note: str = "", fix: str | None = None
    ) -> Span:
        return Span(
            start,
            end,
            self.text[start:end],
            kind,
            self.det["severity"][kind],
            max(0.0, min(1.0, confidence)),
            rule,
            note,
            fix,
        )


def _script_languages(languages: list[str]) -> tuple[str, str]:
    han = next((lang for lang in languages if lang in ("zh", "ja", "ko")), "zh")
    latin = next((lang for lang in languages if lang not in ("zh", "ja", "ko")), "en")
    return han, latin


class Rule(ABC):
    """A detection rule. Subclasses set ``name`` and ``kind``, take their thresholds as typed
    keyword arguments of ``__init__`` (with defaults), and implement :meth:`score` and
    :meth:`accept`; :meth:`confidence` maps accepted evidence to [0, 1]."""

    name: ClassVar[str]
    kind: ClassVar[str]

    @abstractmethod
    def score(self, ctx: DocContext) -> Iterator[Candidate]:
        """Yield every candidate stretch with its raw evidence (no thresholds applied)."""

    @abstractmethod
    def accept(self, cand: Candidate) -> bool:
        """Decide on one candidate with this rule's thresholds."""

    def confidence(self, cand: Candidate) -> float:
        return cand.evidence.get("confidence", 0.7)

    def find(self, ctx: DocContext) -> Iterator[Span]:
        """The accepted candidates as spans."""
        for cand in self.score(ctx):
            if self.accept(cand):
                yield ctx.span(cand.start, cand.end, self.kind, self.confidence(cand), self.name, cand.note, cand.fix)

    @property
    def params(self) -> dict[str, Any]:
        """The thresholds this rule was built with."""
        return {k: getattr(self, k) for k in rule_parameters(type(self)) if hasattr(self, k)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params})"


RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule available to configs under ``cls.name``."""
    if cls.kind not in KINDS:
        raise ValueError(f"rule {cls.name}: unknown kind {cls.kind}")
    RULES[cls.name] = cls
    return cls


def rule_parameters(cls: type[Rule]) -> dict[str, tuple[type | None, Any]]:
    """The keyword parameters of a rule's ``__init__``: name -> (annotated type, default)."""
    sig = inspect.signature(cls.__init__)
    try:
        hints = get_type_hints(cls.__init__)
    except Exception:  # unresolvable annotations: no type checks
        hints = {}
    out = {}
    for name, p in sig.parameters.items():
        if name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        out[name] = (hints.get(name), p.default)
    return out


def _check_param(rule: str, key: str, value: Any, typ: type | None) -> Any:
    where = f"detector.rules.{rule}.{key}"
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        return float(value)
    if typ in (int, bool, str) and (not isinstance(value, typ) or (typ is int and isinstance(value, bool))):
        raise ConfigError(f"{where} must be {typ.__name__}, got {value!r}")
    return value


def make_rule(name: str, params: dict[str, Any]) -> Rule:
    """Build rule ``name`` with ``params``, checked against its ``__init__`` signature."""
    cls = RULES[name]
    known = rule_parameters(cls)
    kwargs = {}
    for key, value in params.items():
        if key not in known:
            raise ConfigError(
                f"detector.rules.{name}.{key}: unknown parameter (known: {', '.join(sorted(known)) or 'none'})"
            )
        kwargs[key] = _check_param(name, key, value, known[key][0])
    return cls(**kwargs)


def load_plugins(modules: list[str]) -> list[str]:
    """Import the plugin modules; returns the names of the rules they registered."""
    names = []
    for mod in modules:
        try:
            m = importlib.import_module(mod)
        except ImportError as exc:
            raise ConfigError(f"detector.plugins: cannot import '{mod}' ({exc})") from None
        names += [n for n, cls in RULES.items() if cls.__module__ == m.__name__]
        log.debug("plugin %s registered rules %s", mod, names)
    return names


def build_rules(config: Config) -> list[Rule]:
    """Instantiate the enabled rules named in ``detector.rules`` and those of the plugins."""
    det = config["detector"]
    for kind, sev in det["severity"].items():
        if sev not in SEVERITIES:
            raise ConfigError(f"detector.severity.{kind}: '{sev}' is not one of {', '.join(SEVERITIES)}")
    plugin_rules = load_plugins(list(det.get("plugins") or []))
    plugin_params = det.get("plugin_rules") or {}
    if not isinstance(plugin_params, dict):
        raise ConfigError("detector.plugin_rules must be a mapping of rule names to parameters")
    wanted: dict[str, dict] = {name: dict(params or {}) for name, params in det["rules"].items()}
    for name in plugin_rules:
        wanted.setdefault(name, {})
    for name, params in plugin_params.items():
        if name not in plugin_rules:
            raise ConfigError(f"detector.plugin_rules.{name}: no plugin registered a rule of that name")
        wanted[name].update(params or {})
    rules = []
    for name, params in wanted.items():
        if name not in RULES:
            raise ConfigError(f"detector.rules: unknown rule '{name}' (known: {', '.join(sorted(RULES))})")
        if params.pop("enabled", True):
            rules.append(make_rule(name, params))
    return rules

"""The detector's contract: :class:`Span`, the :class:`Rule` interface and the rule registry.

Each rule is a small class with a ``name`` and a ``kind``; it reads its parameters from
``detector.rules.<name>`` in the config and yields spans from a :class:`DocContext`.
Rules register themselves with :func:`register`, so the config refers to them by name
(the way sacrebleu's metrics and OpusFilter's filters are looked up).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from mtqa.config import Config
from mtqa.errors import ConfigError
from mtqa.segment import count_scripts

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


@dataclass(frozen=True)
class Dominance:
    """Which language dominates a document, and by how much."""

    language: str | None  # None: no language holds the dominance share (a bilingual text)
    shares: dict[str, float] = field(default_factory=dict)


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
    def dominance(self) -> Dominance:
        han, latin = count_scripts(self.text)
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
    def allow_tokens(self) -> frozenset[str]:
        return frozenset(self.det["allow_tokens"])

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
    """A detection rule. Subclasses set ``name`` and ``kind`` and implement :meth:`find`."""

    name: ClassVar[str]
    kind: ClassVar[str]

    def __init__(self, **params: Any) -> None:
        self.params = params

    @abstractmethod
    def find(self, ctx: DocContext) -> Iterator[Span]:
        """Yield the spans this rule flags in the document."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params})"


RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule available to configs under ``cls.name``."""
    if cls.kind not in KINDS:
        raise ValueError(f"rule {cls.name}: unknown kind {cls.kind}")
    RULES[cls.name] = cls
    return cls


def build_rules(config: Config) -> list[Rule]:
    """Instantiate the enabled rules named in ``detector.rules``."""
    det = config["detector"]
    for kind, sev in det["severity"].items():
        if sev not in SEVERITIES:
            raise ConfigError(f"detector.severity.{kind}: '{sev}' is not one of {', '.join(SEVERITIES)}")
    rules = []
    for name, params in det["rules"].items():
        if name not in RULES:
            raise ConfigError(f"detector.rules: unknown rule '{name}' (known: {', '.join(sorted(RULES))})")
        params = dict(params)
        if params.pop("enabled", True):
            rules.append(RULES[name](**params))
    return rules

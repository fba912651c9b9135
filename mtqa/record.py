"""Typed records that ``mtqa run`` writes and ``mtqa report`` / batch indexes read back.

A :class:`PassageRecord` is one line of ``passages.jsonl`` and one row of ``sheet.csv``; a
:class:`DocumentSummary` is ``summary.json``. Each has ``to_json`` / ``from_json``: readers
never pick fields out of dicts with ``.get``, and a file written by an older or broken run
fails with a one-line :class:`~mtqa.errors.InputError` naming the missing field.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mtqa.errors import InputError

T = TypeVar("T")


def _build(cls: type[T], d: Any, where: str) -> T:
    """``cls(**d)`` for a flat dataclass, with a one-line error for a malformed object."""
    if not isinstance(d, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(d).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    required = {
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    missing = sorted(required - d.keys())
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
    return cls(**{k: v for k, v in d.items() if k in names})


@dataclass(frozen=True)
class Scores:
    """Sentence or corpus BLEU, chrF and TER of one hypothesis (or corpus) against its reference."""

    bleu: float
    chrf: float
    ter: float

    def to_json(self) -> dict[str, float]:
        return {"bleu": round(self.bleu, 2), "chrf": round(self.chrf, 2), "ter": round(self.ter, 2)}

    @classmethod
    def from_json(cls, d: Any, where: str = "scores") -> Scores:
        return _build(cls, d, where)


@dataclass(frozen=True)
class QE:
    """A reference-free quality estimate: ``qe`` on 0-100 (higher is better) plus its signals."""

    qe: float
    components: dict[str, float] = field(default_factory=dict)
    mode: str = "monolingual"  # "monolingual" (text alone) | "bilingual" (against its source)
    level: str = "fast"  # "fast" | "full" (with LM signals)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"qe": round(self.qe, 2), "mode": self.mode, "level": self.level}
        d["components"] = {k: round(v, 4) for k, v in self.components.items()}
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_json(cls, d: Any, where: str = "qe") -> QE:
        return _build(cls, d, where)


@dataclass(frozen=True)
class Reference:
    """The clean sentence(s) a passage is scored against, and how it was found."""

    doc: str
    start: int
    end: int
    text: str
    lang: str
    via: str  # "same-language" | "bitext" | "cross-lingual"
    score: float  # chrF of the passage against the matched sentence, or cosine for cross-lingual
    margin: float  # over the best rival candidate
    anchor: str | None = None  # bitext: the same-language sentence the passage matched first

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["score"], d["margin"] = round(self.score, 3), round(self.margin, 3)
        return d

    @classmethod
    def from_json(cls, d: Any, where: str = "reference") -> Reference:
        return _build(cls, d, where)


@dataclass(frozen=True)
class Candidate:
    """One way of repairing a passage, with the checks it failed."""

    method: str  # "original" | "rules" | "pieces" | "mt" | "memory"
    text: str
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "text": self.text, "problems": list(self.problems)}

    @classmethod
    def from_json(cls, d: Any, where: str = "candidate") -> Candidate:
        c = _build(cls, d, where)
        return dataclasses.replace(c, problems=tuple(c.problems))


@dataclass
class PassageRecord:
    """One repaired passage: what was found, what was done and how it scores."""

    doc: str
    passage_id: str
    start: int
    end: int
    kinds: list[str]
    severity: str
    lang: str  # language of the passage as it stands
    target_lang: str  # the document's dominant language: what the repair is written in
    original: str
    repaired: str
    repair_method: str  # the chosen candidate's method
    repair_reason: str  # why that candidate won
    candidates: list[Candidate] = field(default_factory=list)
    rendering: str | None = None  # a convenience translation into the other language, never scored
    rendering_lang: str | None = None
    reference: Reference | None = None
    no_reference: str | None = None  # why there is no reference (None when there is one)
    before: Scores | None = None  # ``original`` against ``reference``
    after: Scores | None = None  # ``repaired`` against ``reference``
    qe_before: QE | None = None  # monolingual: the passage as it stands
    qe_after: QE | None = None  # monolingual: the repair, on the same scale
    qe_translation: QE | None = None  # bilingual: the repair against the text it was made from
    flags: list[str] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.reference is not None and self.before is not None and self.after is not None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, list) and v and hasattr(v[0], "to_json"):
                v = [x.to_json() for x in v]
            elif hasattr(v, "to_json"):
                v = v.to_json()
            d[f.name] = v
        return d

    @classmethod
    def from_json(cls, d: Any, where: str = "passage") -> PassageRecord:
        r = _build(cls, d, where)
        pid = getattr(r, "passage_id", "?")
        r.candidates = [Candidate.from_json(c, f"{where} {pid} candidate") for c in r.candidates]
        for name, typ in (("reference", Reference), ("before", Scores), ("after", Scores)):
            v = getattr(r, name)
            if v is not None:
                setattr(r, name, typ.from_json(v, f"{where} {pid} {name}"))
        for name in ("qe_before", "qe_after", "qe_translation"):
            v = getattr(r, name)
            if v is not None:
                setattr(r, name, QE.from_json(v, f"{where} {pid} {name}"))
        return r


@dataclass
class CorpusScore:
    """Corpus-level scores over the passages scored against references of one language."""

    lang: str
    passages: int
    before: Scores
    after: Scores
    signatures: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "passages": self.passages,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "signatures": self.signatures,
        }

    @classmethod
    def from_json(cls, d: Any, where: str = "corpus score") -> CorpusScore:
        c = _build(cls, d, where)
        c.before, c.after = Scores.from_json(c.before, where), Scores.from_json(c.after, where)
        return c


@dataclass
class DocumentSummary:
    """``summary.json``: one document's run, counts, headline scores and provenance."""

    doc: str
    source: str
    status: str  # "done" | "failed"
    error: str | None = None
    encoding: str | None = None
    chars: int = 0
    dominant_language: str | None = None
    spans: int = 0
    spans_per_kind: dict[str, int] = field(default_factory=dict)
    spans_per_rule: dict[str, int] = field(default_factory=dict)
    passages: int = 0
    repair_methods: dict[str, int] = field(default_factory=dict)
    scored: int = 0  # passages scored against a reference in the dominant language
    no_reference: dict[str, int] = field(default_factory=dict)  # why the others were not
    chrf_before: float | None = None  # corpus chrF over the scored passages
    chrf_after: float | None = None
    corpus_scores: list[CorpusScore] = field(default_factory=list)
    sentence_signatures: dict[str, dict[str, str]] = field(default_factory=dict)
    qe_before: float | None = None  # mean over all passages
    qe_after: float | None = None
    qe_level: str | None = None
    remaining_spans: int = 0
    remaining_spans_per_kind: dict[str, int] = field(default_factory=dict)
    remaining_ratio: float = 0.0
    flagged_passages: int = 0
    engine: str | None = None
    model: str | None = None
    model_sha256: str | None = None
    prompt_version: str | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    mtqa_version: str | None = None
    fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["corpus_scores"] = [c.to_json() for c in self.corpus_scores]
        return d

    @classmethod
    def from_json(cls, d: Any, where: str = "summary") -> DocumentSummary:
        s = _build(cls, d, where)
        s.corpus_scores = [CorpusScore.from_json(c, where) for c in s.corpus_scores]
        return s

    @classmethod
    def read(cls, path: str | Path) -> DocumentSummary:
        """Read ``summary.json``; a missing or malformed file is an :class:`InputError`."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"{p}: cannot read summary ({exc})") from None
        return cls.from_json(data, str(p))

"""Detection of corrupted and half-translated spans.

>>> from mtqa.detect import Detector
>>> result = Detector().detect("中吉两国于After the two countr1992年建交。")
>>> [(s.kind, s.text) for s in result.spans]  # doctest: +SKIP

:meth:`Detector.score` gives every rule's candidates with their raw evidence and the rule's
decision, so thresholds can be studied or re-set without running the rules again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mtqa.config import Config, default_config
from mtqa.detect import rules as _rules  # noqa: F401  (registers the rules)
from mtqa.detect.base import KINDS, RULES, Candidate, DocContext, Dominance, Rule, Span, build_rules, register

__all__ = ["KINDS", "RULES", "Candidate", "Detection", "Detector", "Dominance", "Rule", "Scored", "Span", "register"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Detection:
    """What the detector found in one text."""

    spans: list[Span]
    dominance: Dominance


@dataclass(frozen=True)
class Scored:
    """One candidate of one rule: its evidence and whether the rule accepted it."""

    rule: str
    kind: str
    candidate: Candidate
    accepted: bool


class Detector:
    """Runs the configured rules over a text and returns their spans in document order."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else default_config()
        self.rules: list[Rule] = build_rules(self.config)

    def detect(self, text: str) -> Detection:
        ctx = DocContext(text, self.config)
        seen: set[tuple[int, int, str]] = set()
        spans: list[Span] = []
        for rule in self.rules:
            for span in rule.find(ctx):
                key = (span.start, span.end, span.kind)
                if key not in seen and span.start < span.end:
                    seen.add(key)
                    spans.append(span)
        spans.sort(key=lambda s: (s.start, s.end, s.kind))
        log.debug("%d spans in %d characters", len(spans), len(text))
        return Detection(spans, ctx.dominance)

    def score(self, text: str) -> list[Scored]:
        """Every candidate of every rule, accepted or not, with its raw evidence."""
        ctx = DocContext(text, self.config)
        out = []
        for rule in self.rules:
            for cand in rule.score(ctx):
                out.append(Scored(rule.name, rule.kind, cand, rule.accept(cand)))
        return out

"""Detection of corrupted and half-translated spans.

>>> from mtqa.detect import Detector
>>> result = Detector().detect("中吉两国于After the two countr1992年建交。")
>>> [(s.kind, s.text) for s in result.spans]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.config import Config, default_config
from mtqa.detect import rules as _rules  # noqa: F401  (registers the rules)
from mtqa.detect.base import KINDS, RULES, DocContext, Dominance, Rule, Span, build_rules

__all__ = ["KINDS", "RULES", "Detection", "Detector", "Dominance", "Rule", "Span"]


@dataclass(frozen=True)
class Detection:
    """What the detector found in one text."""

    spans: list[Span]
    dominance: Dominance


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
        return Detection(spans, ctx.dominance)

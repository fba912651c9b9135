"""Precision / recall / F1 of detected spans against gold spans, per kind.

Matching is *partial overlap*: a predicted span counts as correct when it shares at least
one character with a gold span of the same kind, and a gold span counts as found when at
least one predicted span of its kind overlaps it. (Exact-boundary matching is reported too.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Score:
    tp_pred: int = 0  # predictions overlapping a gold span
    n_pred: int = 0
    tp_gold: int = 0  # gold spans overlapped by a prediction
    n_gold: int = 0
    exact: int = 0  # predictions with exactly a gold span's boundaries

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.n_pred,
            "gold": self.n_gold,
            "exact_boundary": self.exact,
        }


Spanlike = tuple[int, int, str]  # (start, end, kind)


def _overlap(a: Spanlike, b: Spanlike) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(pred: Iterable[Spanlike], gold: Iterable[Spanlike], kinds: Iterable[str]) -> dict[str, Score]:
    """Per-kind scores for one document (or one synthetic example)."""
    pred, gold = list(pred), list(gold)
    out: dict[str, Score] = {}
    for kind in kinds:
        p = [s for s in pred if s[2] == kind]
        g = [s for s in gold if s[2] == kind]
        sc = Score(n_pred=len(p), n_gold=len(g))
        sc.tp_pred = sum(1 for s in p if any(_overlap(s, x) for x in g))
        sc.tp_gold = sum(1 for x in g if any(_overlap(s, x) for s in p))
        gold_bounds = {(x[0], x[1]) for x in g}
        sc.exact = sum(1 for s in p if (s[0], s[1]) in gold_bounds)
        out[kind] = sc
    return out


def accumulate(total: dict[str, Score], part: dict[str, Score]) -> None:
    """Add ``part``'s counts into ``total`` (micro-averaging over examples)."""
    for kind, sc in part.items():
        t = total.setdefault(kind, Score())
        t.tp_pred += sc.tp_pred
        t.n_pred += sc.n_pred
        t.tp_gold += sc.tp_gold
        t.n_gold += sc.n_gold
        t.exact += sc.exact


def format_table(scores: dict[str, Score]) -> str:
    """Per-kind precision, recall and F1 as a plain-text table."""
    lines = [f"{'kind':13} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}"]
    for k, v in scores.items():
        lines.append(f"{k:13} {v.precision:6.3f} {v.recall:6.3f} {v.f1:6.3f} {v.n_pred:5d} {v.n_gold:5d}")
    return "\n".join(lines)


# --- Gold files of protocol 1 (tests/data/README.md): damage rows, trap rows, kinds the
# detector does not emit (semantic, other). -------------------------------------------------

DAMAGE_EXCLUDED = ("trap",)


def _hits(span: Spanlike, others: Iterable[Spanlike]) -> bool:
    return any(_overlap(span, o) for o in others)


def gold_report(
    pred: list[Spanlike],
    gold: list[dict],
    emitted_kinds: Iterable[str] = ("switch", "truncation", "merge", "duplication", "untranslated", "mojibake"),
) -> dict:
    """Scores of predicted spans against one protocol-1 gold file (partial-overlap matching).

    * corruption recall: gold damage rows (every kind but ``trap``; ``semantic`` only when the
      detector emits that kind) overlapped by any predicted span of any kind;
    * precision: predicted spans overlapping any gold damage row (``semantic`` included, since
      a span on a real if semantic damage is not a false alarm);
    * per kind: recall by a same-kind prediction and by any prediction;
    * untranslated recall: strict (a predicted ``untranslated``) and lax (any kind);
    * traps flagged: trap rows overlapped by any predicted span.
    """
    emitted = set(emitted_kinds)
    rows = [(int(g["start"]), int(g["end"]), str(g["kind"])) for g in gold]
    damage = [r for r in rows if r[2] not in DAMAGE_EXCLUDED]
    counted = [r for r in damage if r[2] != "semantic" or "semantic" in emitted]
    traps = [r for r in rows if r[2] == "trap"]
    found = [r for r in counted if _hits(r, pred)]
    correct = [p for p in pred if _hits(p, damage)]
    per_kind = {}
    for kind in sorted({r[2] for r in damage}):
        g = [r for r in damage if r[2] == kind]
        same = sum(1 for r in g if _hits(r, [p for p in pred if p[2] == kind]))
        anyk = sum(1 for r in g if _hits(r, pred))
        per_kind[kind] = {
            "gold": len(g),
            "recall_same_kind": round(same / len(g), 4),
            "recall_any_kind": round(anyk / len(g), 4),
        }
    unt = [r for r in damage if r[2] == "untranslated"]
    unt_pred = [p for p in pred if p[2] == "untranslated"]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "corruption_recall": ratio(len(found), len(counted)),
        "corruption_found": len(found),
        "corruption_gold": len(counted),
        "precision": ratio(len(correct), len(pred)) if pred else 1.0,
        "predicted": len(pred),
        "predicted_correct": len(correct),
        "untranslated_recall_strict": ratio(sum(1 for r in unt if _hits(r, unt_pred)), len(unt)),
        "untranslated_recall_lax": ratio(sum(1 for r in unt if _hits(r, pred)), len(unt)),
        "semantic": {
            "gold": sum(1 for r in damage if r[2] == "semantic"),
            "overlapped_by_any": sum(1 for r in damage if r[2] == "semantic" and _hits(r, pred)),
            "in_corruption_recall": "semantic" in emitted,
        },
        "traps": len(traps),
        "traps_flagged": sum(1 for r in traps if _hits(r, pred)),
        "per_kind": per_kind,
    }

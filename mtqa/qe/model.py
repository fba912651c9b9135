"""The calibrated combiner: a linear model over winsorised, standardised features, then a
monotone piecewise-linear map onto the 0-100 ``qe`` scale. Stored as JSON (never pickle) in
``mtqa/data/qe_model.json``, written by ``scripts/calibrate_qe.py`` and applied with numpy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mtqa.errors import ConfigError


@dataclass
class LinearQE:
    """``qe = interp(intercept + sum(coef * (clip(x, lo, hi) - mean) / scale), out_x, out_y)``
    ``- points_per_unit * sum(penalty[f] * x[f])``, clipped to 0..100.

    ``penalty`` is a prior, not fitted: MQM points per unit of a feature the calibration data
    cannot weigh (set3's MT outputs are almost never left untranslated), e.g. 25 per unit of
    wrong-script share (MQM's non-translation weight); the fit treats it as an offset."""

    features: list[str]
    lo: list[float]
    hi: list[float]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    out_x: list[float]  # breakpoints of the output map (increasing)
    out_y: list[float]  # qe at each breakpoint (non-decreasing, within 0..100)
    info: dict[str, Any] = field(default_factory=dict)  # what it was fitted on, dev figures
    penalty: dict[str, float] = field(default_factory=dict)  # feature -> MQM points per unit
    points_per_unit: float = 0.0  # qe points per MQM point of penalty

    def prior(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The prior penalty of each row, in MQM points."""
        out = np.zeros(len(rows))
        for f, w in self.penalty.items():
            out += w * np.array([float(r.get(f, 0.0)) for r in rows])
        return out

    def raw(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The linear predictor for each feature dict (missing features count as the mean)."""
        if not rows:
            return np.zeros(0)
        mean = np.asarray(self.mean)
        x = np.array([[r.get(f, m) for f, m in zip(self.features, self.mean, strict=True)] for r in rows], dtype=float)
        x = np.where(np.isfinite(x), x, mean)
        x = np.clip(x, self.lo, self.hi)
        z = (x - mean) / np.asarray(self.scale)
        return self.intercept + z @ np.asarray(self.coef)

    def predict(self, rows: list[dict[str, float]]) -> np.ndarray:
        """``qe`` (0-100) for each feature dict."""
        qe = np.interp(self.raw(rows), self.out_x, self.out_y)
        if self.penalty:
            qe = qe - self.points_per_unit * self.prior(rows)
        return np.clip(qe, 0.0, 100.0)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LinearQE:
        m = cls(**d)
        n = len(m.features)
        if not all(len(v) == n for v in (m.lo, m.hi, m.mean, m.scale, m.coef)):
            raise ConfigError("QE model: feature vectors of different lengths")
        if len(m.out_x) != len(m.out_y) or len(m.out_x) < 2 or np.any(np.diff(m.out_x) <= 0):
            raise ConfigError("QE model: the output map needs >= 2 increasing breakpoints")
        return m


@dataclass
class QEModelSet:
    """All fitted combiners, keyed ``<mode>/<level>`` (``bilingual/fast``,
    ``bilingual/full:<lm label>``, ``monolingual/fast`` ...)."""

    models: dict[str, LinearQE]
    info: dict[str, Any] = field(default_factory=dict)

    def get(self, mode: str, level: str) -> LinearQE | None:
        return self.models.get(f"{mode}/{level}")

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "info": self.info, "models": {k: v.to_json() for k, v in self.models.items()}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> QEModelSet:
        if d.get("version") != 1:
            raise ConfigError(f"QE model: unknown version {d.get('version')!r}")
        return cls({k: LinearQE.from_json(v) for k, v in d["models"].items()}, d.get("info", {}))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> QEModelSet:
        """The packaged model (``path`` None) or a JSON file."""
        try:
            if path is None:
                text = resources.files("mtqa.data").joinpath("qe_model.json").read_text(encoding="utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
            return cls.from_json(json.loads(text))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"QE model {path or 'mtqa/data/qe_model.json'}: cannot be read ({exc})") from None


@cache
def packaged_models() -> QEModelSet:
    return QEModelSet.load()

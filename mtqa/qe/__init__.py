"""Reference-free quality estimation (QE): a 0-100 score of a translation from its source alone
(bilingual) or of a passage of a document from its text alone (monolingual).

>>> from mtqa.qe import QualityEstimator
>>> qe = QualityEstimator("fast")
>>> [r.qe for r in qe.bilingual(["我们对宇宙的了解来自于光。"], ["What we know about the universe comes from light."], "zh", "en")]  # doctest: +SKIP

Signals (``mtqa/qe/features.py``): length deviation, wrong-script share, number and punctuation
mismatch, unknown words, detector spans, the multilingual sentence-encoder cosine; at level
``full`` also the packaged Qwen2.5 LM's log-probability of the translation given the source
(forced decoding) and without it. A linear combiner fitted on human MQM scores of zh->en MT
(set3 dev, ``scripts/calibrate_qe.py``) turns them into ``qe``; the monolingual combiner is
fitted on synthetically damaged text (``scripts/bench_qe_mono.py``). The model file records
which directions and levels are calibrated on what; see ``QEResult.notes`` (``QEResult`` is
:class:`mtqa.record.QE`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa.qe.features import bilingual_features, lm_passes_needed, monolingual_features
from mtqa.qe.lm import LMScorer
from mtqa.qe.model import LinearQE, QEModelSet, packaged_models
from mtqa.record import QE as QEResult  # one record type for an estimate, here and on the sheet

if TYPE_CHECKING:
    from mtqa.config import Config
    from mtqa.detect import Detector, Span

__all__ = ["LEVELS", "LMScorer", "QEResult", "QualityEstimator", "lm_from"]

log = logging.getLogger(__name__)
LEVELS = ("fast", "full")
MODES = ("bilingual", "monolingual")
CALIBRATED_DIRECTIONS = {("zh", "en")}  # bilingual directions with human judgments behind them


def lm_from(obj: Any) -> LMScorer | None:
    """An :class:`LMScorer` over what a caller has: an LMScorer, a ``llama_cpp.Llama``, or a
    translator holding one in ``.llm`` (the llama-cpp engines); None for anything else."""
    if obj is None or isinstance(obj, LMScorer):
        return obj
    llama = getattr(obj, "llm", None) if not hasattr(obj, "n_vocab") else obj
    if llama is None or not hasattr(llama, "_ctx") or not hasattr(llama, "n_vocab"):
        return None
    label = getattr(getattr(obj, "resolved", None), "label", None) or Path(getattr(llama, "model_path", "")).stem
    return LMScorer(llama, label=label)


class QualityEstimator:
    """Bilingual and monolingual QE with one set of signals and a calibrated combiner.

    ``level`` "fast" uses no LM; "full" adds the LM signals, with ``lm`` (an LMScorer, a
    ``llama_cpp.Llama`` or a llama-cpp translator, shared, never copied) or, when ``lm`` is
    None, the model named by ``qe.lm`` in the config, loaded on first use. Without a usable
    LM, or with one the combiner is not calibrated for, "full" falls back to "fast" and says so
    in each result's ``notes`` and ``components["lm_fallback"]``.
    """

    def __init__(
        self,
        level: str = "fast",
        lm: Any = None,
        detector: Detector | None = None,
        config: Config | None = None,
        models: QEModelSet | None = None,
    ) -> None:
        from mtqa.config import default_config

        if level not in LEVELS:
            raise ValueError(f"QE level must be one of {', '.join(LEVELS)}, not {level!r}")
        self.config = config if config is not None else default_config()
        self.qcfg: dict[str, Any] = dict(self.config.get("qe") or default_config().get("qe") or {})
        self.level = level
        self._detector = detector
        model_file = self.qcfg.get("model_file")
        self.models = models or (QEModelSet.load(model_file) if model_file else packaged_models())
        self._lm = lm_from(lm)
        self._lm_given = lm is not None
        self._lm_failed: str | None = None
        self.timings: dict[str, float] = {}  # seconds per signal, accumulated over calls
        if lm is not None and self._lm is None:
            self._lm_failed = f"the engine has no llama.cpp model to share ({type(lm).__name__})"

    # --- resources ----------------------------------------------------------------------------
    @property
    def detector(self) -> Detector:
        if self._detector is None:
            from mtqa.detect import Detector

            self._detector = Detector(self.config)
        return self._detector

    def lm(self) -> LMScorer | None:
        """The LM for level "full", loaded on first use when none was given."""
        if self._lm is None and not self._lm_given and self._lm_failed is None:
            from mtqa.errors import ModelError

            try:
                threads = int(self.qcfg.get("threads", 0)) or None
                self._lm = LMScorer.load(str(self.qcfg.get("lm", "default")), n_threads=threads)
            except ModelError as exc:
                self._lm_failed = str(exc)
                log.warning("QE: no language model (%s); using the fast level", exc)
        return self._lm

    def close(self) -> None:
        if self._lm is not None:
            self._lm.close()

    def _combiner(self, mode: str) -> tuple[LinearQE, str, LMScorer | None, list[str]]:
        """The combiner to use, its level, the LM for it (or None) and notes on a fallback."""
        notes: list[str] = []
        if self.level == "full":
            lm = self.lm()
            if lm is None:
                notes.append(f"full QE fell back to fast: {self._lm_failed or 'no language model'}")
            else:
                m = self.models.get(mode, f"full:{lm.label}")
                if m is not None:
                    return m, "full", lm, notes
                notes.append(f"full QE fell back to fast: no {mode} combiner calibrated for LM {lm.label!r}")
        m = self.models.get(mode, "fast")
        if m is None:  # pragma: no cover - the packaged file has both
            raise ValueError(f"the QE model file has no {mode}/fast combiner")
        return m, "fast", None, notes

    # --- bilingual ----------------------------------------------------------------------------
    def bilingual(
        self,
        sources: Sequence[str],
        targets: Sequence[str],
        src_lang: str,
        tgt_lang: str,
        progress: Callable[[int], None] | None = None,
    ) -> list[QEResult]:
        """QE of each translation ``targets[i]`` of ``sources[i]`` (``src_lang`` may be "auto":
        a mixed-language passage repaired into ``tgt_lang``)."""
        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        if tgt_lang not in ("zh", "en"):
            raise ValueError(f"unsupported target language {tgt_lang!r} (zh, en)")
        model, level, lm, notes = self._combiner("bilingual")
        s_lang = src_lang if src_lang in ("zh", "en") and src_lang != tgt_lang else "auto"
        if (s_lang, tgt_lang) not in CALIBRATED_DIRECTIONS:
            notes = [*notes, f"direction {src_lang}->{tgt_lang} is not calibrated on human judgments (zh->en is)"]
        passes = lm_passes_needed(model.features) if lm is not None else set()
        if s_lang == "auto":
            passes.discard("rev")
        feats = bilingual_features(
            sources, targets, s_lang, tgt_lang, self.detector, lm, passes, progress, self.timings
        )
        return self._results(model, feats, "bilingual", level, notes)

    # --- monolingual --------------------------------------------------------------------------
    def monolingual(
        self,
        texts: Sequence[str],
        lang: str,
        spans: Sequence[Sequence[Span]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[QEResult]:
        """How intact each passage of a ``lang`` document is, from its text alone. ``spans``:
        the detector's spans of each passage (document or passage offsets); detected here if
        None."""
        if lang not in ("zh", "en"):
            raise ValueError(f"unsupported language {lang!r} (zh, en)")
        if spans is not None and len(spans) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(spans)} span lists")
        model, level, lm, notes = self._combiner("monolingual")
        feats = monolingual_features(texts, lang, spans, self.detector, lm, progress, self.timings)
        return self._results(model, feats, "monolingual", level, notes)

    # --- combining ----------------------------------------------------------------------------
    @staticmethod
    def _results(model: LinearQE, feats: list[dict[str, float]], mode: str, level: str, notes) -> list[QEResult]:
        scores = model.predict(feats) if feats else []
        out = []
        for f, q in zip(feats, scores, strict=True):
            comp = dict(f)
            if notes and any("fell back" in n for n in notes):
                comp["lm_fallback"] = 1.0
            qe = 0.0 if f.get("empty") else float(q)
            out.append(QEResult(qe, comp, mode, level, list(notes)))
        return out

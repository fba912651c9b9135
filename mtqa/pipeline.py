"""``mtqa run`` for one document: detect -> passages -> references -> repair -> score -> QE -> write.

Orchestration only: each stage lives in its own module and data flows one way. Outputs are
written atomically, ``summary.json`` last, so a folder whose summary carries the fingerprint of
the current input, config and model is finished and skipped on a re-run. Translations go
through the on-disk cache, so a killed run re-translates nothing it had already translated.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa import __version__
from mtqa.align import ReferenceSet, build_references
from mtqa.config import Config
from mtqa.detect import Detector, Span
from mtqa.document import Document
from mtqa.errors import ConfigError
from mtqa.io import remove_stale_temp_files, safe_name
from mtqa.passages import Passage, absorb_spacing, group_passages
from mtqa.record import DocumentSummary, PassageRecord, Reference
from mtqa.repair import (
    Repair,
    Repairer,
    RepairSettings,
    foreign_pieces,
    latin_names,
    midsentence_capitals,
    splice,
    zh_punct_style,
)
from mtqa.score import score_passages
from mtqa.segment import language_of
from mtqa.translate.base import Translator
from mtqa.translate.glossary import document_terms
from mtqa.translate.prompt import PROMPT_VERSION

_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")


@dataclass
class Outcome:
    doc_id: str
    folder: Path
    skipped: bool
    summary: DocumentSummary


class _Timer:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t


class Pipeline:
    """Runs the whole chain over documents with one detector, translator and reference set."""

    def __init__(
        self,
        config: Config,
        translator_factory: Callable[[], Translator],
        refs: list[str] | None = None,
        engine_label: str = "",
    ) -> None:
        self.config = config
        if config["qe"]["level"] not in ("off", "fast", "full"):
            raise ConfigError(f"qe.level: '{config['qe']['level']}' is not one of off, fast, full")
        self.detector = Detector(config)
        self._factory = translator_factory
        self._translator: Translator | None = None
        self.ref_paths = refs
        self.engine_label = engine_label
        self._refs: dict[str | None, ReferenceSet] = {}
        self._glossary = None
        self._qe = None
        self._fast_qe = None

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = self._factory()
        return self._translator

    def close(self) -> None:
        if self._qe is not None:
            self._qe.close()  # frees an LM the estimator loaded itself, never the translator's
        if self._translator is not None:
            self._translator.close()

    def references(self, doc: Document) -> ReferenceSet:
        key = None if self.ref_paths else (doc.doc_id if doc.is_embedded else None)
        if key not in self._refs:
            self._refs[key] = build_references(self.config, self.ref_paths, key)
        return self._refs[key]

    @property
    def glossary(self):
        tc = self.config["translate"]
        if self._glossary is None and tc["glossary"]:
            from mtqa.translate.glossary import Glossary

            self._glossary = Glossary.load(tc["glossary_files"])
        return self._glossary

    def fingerprint(self, doc: Document) -> str:
        parts = {
            "text": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
            "config": self.config,
            "engine": self.engine_label,
            "refs": self.ref_paths or "embedded",
            "mtqa": __version__,
            "prompt": PROMPT_VERSION,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def finished(self, doc: Document, out_root: Path) -> DocumentSummary | None:
        """The summary of a finished run of this document with the same fingerprint, if any."""
        path = out_root / safe_name(doc.doc_id) / "summary.json"
        if not path.is_file():
            return None
        try:
            old = DocumentSummary.read(path)
        except Exception:  # an unreadable summary means: not finished
            return None
        return old if old.status == "done" and old.fingerprint == self.fingerprint(doc) else None

    # --- one document -----------------------------------------------------------------------
    def run_document(
        self, doc: Document, out_root: Path, force: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> Outcome:
        from mtqa.report.summary import build_summary, write_outputs

        folder = out_root / safe_name(doc.doc_id)
        remove_stale_temp_files(folder)
        if not force and (old := self.finished(doc, out_root)) is not None:
            return Outcome(doc.doc_id, folder, True, old)
        timer = _Timer()
        with timer("detect"):
            det = self.detector.detect(doc.text)
        target = det.dominance.language or language_of(doc.text)
        rc = self.config["run"]
        passages = group_passages(doc.text, det.spans, rc["max_sentence_chars"], rc["max_passage_chars"])
        absorb_spacing(doc.text, passages, target)

        with timer("references"):
            refs = self.references(doc)
            matches = [refs.counterpart(p.text, target) for p in passages]

        done, total = 0, len(passages)

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(min(done, total), total)

        with timer("repair"):
            repairs = self._repairer(doc, refs, target, det.spans).repair(passages, tick)
        records = [self._record(doc, p, target, m, r) for p, m, r in zip(passages, matches, repairs, strict=True)]
        with timer("score"):
            corpus = score_passages(records)
        with timer("qe"):
            qe_level = self._estimate_quality(records, target, doc.text)
        repaired_text = splice(doc.text, [(r.start, r.end, r.repaired) for r in records])
        with timer("recheck"):
            remaining = self.detector.detect(repaired_text).spans
        timer.seconds["total"] = time.perf_counter() - timer.t0
        summary = build_summary(
            doc,
            det,
            records,
            corpus,
            remaining,
            timings=timer.seconds,
            fingerprint=self.fingerprint(doc),
            translator=self._translator,
            qe_level=qe_level,
        )
        write_outputs(folder, doc, det.spans, records, repaired_text, summary)
        return Outcome(doc.doc_id, folder, False, summary)

    # --- stages --------------------------------------------------------------------------------
    def _repairer(self, doc: Document, refs: ReferenceSet, target: str, spans: Sequence[Span]) -> Repairer:
        rc = self.config["repair"]
        settings = RepairSettings(**rc)
        known = frozenset(self.config["detector"]["allow_tokens"]) | refs.latin_tokens(target)
        if target == "zh":
            known |= latin_names(doc.text, spans)  # names the document itself writes in Latin

        def memory(text: str) -> str | None:
            m = refs.counterpart(text, target)
            if m.ref is not None and m.via == "bitext" and m.score >= settings.memory_min_chrf:
                return m.ref.text
            return None

        return Repairer(
            lambda: self.translator,
            self.detector,
            target,
            known,
            memory,
            settings,
            glossary=self.glossary.extended(document_terms(doc.text)) if self.glossary is not None else None,
            punct=zh_punct_style(doc.text) if target == "zh" else None,
            names=midsentence_capitals(doc.text) if target == "en" else frozenset(),
        )

    @staticmethod
    def _record(doc: Document, p: Passage, target: str, match: Any, repair: Repair) -> PassageRecord:
        ref = None
        if match.ref is not None:
            r = match.ref
            anchor = match.anchor.text if match.anchor is not None else None
            ref = Reference(r.doc, r.start, r.end, r.text, r.lang, match.via, match.score, match.margin, anchor)
        lang = language_of(p.text)
        rendering = p.text if lang != target and not foreign_pieces(p.text, lang) else None
        return PassageRecord(
            doc=doc.doc_id,
            passage_id=f"{doc.doc_id}-p{p.index:03d}",
            start=p.start,
            end=p.end,
            kinds=p.kinds,
            severity=p.severity,
            lang=lang,
            target_lang=target,
            original=p.text,
            repaired=repair.text,
            repair_method=repair.method,
            repair_reason=repair.reason,
            candidates=repair.candidates,
            rendering=rendering,
            rendering_lang=lang if rendering is not None else None,
            reference=ref,
            no_reference=None if ref is not None else match.reason,
            flags=repair.flags,
            spans=[s.to_dict(doc.doc_id) for s in p.spans],
        )

    def _estimate_quality(self, records: list[PassageRecord], target: str, text: str) -> str | None:
        """Fill the reference-free estimates of every record; the QE level used, or None when off.

        ``qe_before``/``qe_after``: monolingual QE of the passage and of its repair (one scale, so
        the two compare); a passage the repair deleted (stray fragments only) is judged with the
        rest of its line before and after, since nothing is no text to judge. ``qe_translation``:
        bilingual QE of a repair made by translation, against the text it was translated from.
        """
        level = self.config["qe"]["level"]
        if level == "off" or not records:
            return None
        from mtqa.qe import QualityEstimator

        if self._qe is None:
            self._qe = QualityEstimator(level, lm=self._translator, detector=self.detector, config=self.config)
        qe = self._qe
        olds, news = [r.original for r in records], [r.repaired for r in records]
        for i, r in enumerate(records):
            if not r.repaired.strip() and r.original.strip():  # its line, up to the passages beside it
                lo = max(text.rfind("\n", 0, r.start) + 1, records[i - 1].end if i else 0)
                end = text.find("\n", r.end)
                hi = min(len(text) if end < 0 else end, records[i + 1].start if i + 1 < len(records) else len(text))
                left, right = text[lo : r.start], text[r.end : max(hi, r.end)]
                olds[i], news[i] = left + r.original + right, left + right
        before = qe.monolingual(olds, target)
        after = qe.monolingual(news, target)
        made = [i for i, r in enumerate(records) if r.repair_method in ("pieces", "mt", "memory")]
        trans = qe.bilingual([records[i].original for i in made], [records[i].repaired for i in made], "auto", target)
        for r, b, a in zip(records, before, after, strict=True):
            r.qe_before, r.qe_after = b, a
        for i, t in zip(made, trans, strict=True):
            records[i].qe_translation = t
        return after[0].level if after else level

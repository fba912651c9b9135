"""``mtqa run``: detect -> passages -> re-translate -> align -> score -> write, per document.

Data flows one way. Each document gets its own folder; its outputs are written atomically and
``summary.json`` last, so a folder with a summary whose fingerprint matches the current input,
config and model is finished and skipped on a re-run. Translations go through the on-disk cache,
so a killed run re-translates nothing it had already translated.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa import __version__
from mtqa.align import Alignment, ReferenceIndex, reference_sentences
from mtqa.config import Config
from mtqa.detect import Detector, Span
from mtqa.document import Document, embedded_ids, load_document, read_text_file
from mtqa.errors import InputError
from mtqa.io import atomic_write, jsonl, remove_stale_temp_files
from mtqa.passages import Passage, group_passages
from mtqa.score import Scores, corpus_scores, language_of, sentence_scores, signatures
from mtqa.segment import count_scripts
from mtqa.translate.base import Translation, Translator
from mtqa.translate.checks import weighted_length
from mtqa.translate.prompt import AUTO, PROMPT_VERSION

_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(doc_id: str) -> str:
    """A folder name from a document id that cannot leave the output folder."""
    name = _SAFE_RE.sub("_", doc_id).strip("._") or "doc"
    return name[:80]


# --- references -------------------------------------------------------------------------------
def build_references(config: Config, ref_paths: list[str] | None, exclude: str | None) -> ReferenceIndex:
    """The default references (the other embedded documents) or the user's ``--refs`` files."""
    refs = []
    if ref_paths:
        for p in ref_paths:
            text, _ = read_text_file(p)
            sents = reference_sentences(Path(p).stem, text, windows=True)
            if not sents:
                raise InputError(f"{p}: reference file has no usable sentences (empty or too short)")
            refs.extend(sents)
    else:
        for doc_id in embedded_ids():
            if doc_id != exclude:
                refs.extend(reference_sentences(doc_id, load_document(doc_id).text, windows=True))
    a = config["align"]
    return ReferenceIndex(refs, a["chrf_min"], a["chrf_margin"], a["cosine_min"], a["cosine_margin"], a["shortlist"])


# --- per passage --------------------------------------------------------------------------------
def pre_edit(p: Passage) -> tuple[str, bool]:
    """The passage with the sure fixes of its spans applied (deleted repeats, split merges,
    decoded mojibake, mended numbers), and whether every span had one."""
    fixes = []
    last_end = -1
    for s in sorted(p.spans, key=lambda s: (s.start, s.end)):
        if s.fix is not None and s.start >= last_end:
            fixes.append(s)
            last_end = s.end
    text = p.text
    for s in reversed(fixes):
        a, b = s.start - p.start, s.end - p.start
        text = text[:a] + s.fix + text[b:]
    fixed_ids = {id(s) for s in fixes}
    return text, all(id(s) in fixed_ids for s in p.spans)


def source_mode(text: str) -> str:
    """Plain translation for single-script text (``zh``/``en``), repair (``auto``) for mixed."""
    han, latin = count_scripts(text)
    if han == 0:
        return "en"
    if latin == 0:
        return "zh"
    return AUTO


@dataclass
class PassageResult:
    passage: Passage
    repaired: Translation
    rendering: Translation | None  # None: the passage is already clean text in the reference language
    alignment: Alignment
    pre_edited: str = ""
    repair_method: str = "mt"  # "mt", or "rules" when the sure fixes covered every span
    kept_original: bool = False
    before: Scores | None = None
    after: Scores | None = None
    after_text: str = ""
    signals: dict[str, Any] = field(default_factory=dict)

    @property
    def repaired_text(self) -> str:
        return self.passage.text if self.kept_original else self.repaired.text

    @property
    def rendering_text(self) -> str:
        return self.rendering.text if self.rendering is not None else (self.pre_edited or self.passage.text)

    def to_dict(self, doc_id: str) -> dict[str, Any]:
        p, al = self.passage, self.alignment
        ref = al.ref
        return {
            "doc": doc_id,
            "passage_id": f"{doc_id}-p{p.index:03d}",
            "start": p.start,
            "end": p.end,
            "kinds": p.kinds,
            "severity": p.severity,
            "lang": p.lang,
            "original": p.text,
            "pre_edited": self.pre_edited,
            "repair_method": self.repair_method,
            "repaired": self.repaired_text,
            "repaired_flags": self.repaired.flags,
            "kept_original": self.kept_original,
            "rendering": self.rendering_text,
            "rendering_flags": self.rendering.flags if self.rendering else [],
            "rendering_source": "mt" if self.rendering is not None else "original",
            "glossary_terms": [list(t) for t in self.repaired.terms],
            "ref_doc": ref.doc if ref else None,
            "ref_start": ref.start if ref else None,
            "ref_end": ref.end if ref else None,
            "ref_text": ref.text if ref else None,
            "ref_lang": ref.lang if ref else None,
            "align_method": al.method,
            "align_score": round(al.score, 3),
            "align_best_chrf": round(al.best_chrf, 2),
            "align_best_cosine": round(al.best_cosine, 3),
            "scored_text": self.after_text if ref else None,
            "scores_before": self.before.as_dict() if self.before else None,
            "scores_after": self.after.as_dict() if self.after else None,
            "signals": self.signals,
            "spans": [s.to_dict(doc_id) for s in p.spans],
        }


def _wrong_script_share(text: str, lang: str) -> float:
    han, latin = count_scripts(text)
    total = 4 * han + latin
    if not total:
        return 0.0
    return round((latin if lang == "zh" else 4 * han) / total, 3)


def _needs_rendering(p: Passage, pre: str, all_fixed: bool, ref_lang: str) -> bool:
    """A passage already entirely in the reference language whose spans are all fixed or
    ``untranslated`` is scored as it is; everything else is re-translated."""
    clean = all_fixed or all(s.kind == "untranslated" or s.fix is not None for s in p.spans)
    return not (clean and source_mode(pre) == ref_lang)


def _translate_by_mode(translator: Translator, texts: list[str], tgt: str, tick) -> list[Translation]:
    """Translate texts grouped by their source mode (zh, en or auto), results in input order."""
    out: list[Translation | None] = [None] * len(texts)
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        groups.setdefault(source_mode(t), []).append(i)
    for mode, idx in groups.items():
        for i, tr in zip(idx, translator.translate([texts[i] for i in idx], mode, tgt, progress=tick), strict=True):
            out[i] = tr
    return [t for t in out if t is not None]


# --- per document --------------------------------------------------------------------------------
@dataclass
class Outcome:
    doc_id: str
    folder: Path
    skipped: bool
    summary: dict[str, Any]


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
        self.detector = Detector(config)
        self._factory = translator_factory
        self._translator: Translator | None = None
        self.ref_paths = refs
        self.engine_label = engine_label
        self._refs: dict[str | None, ReferenceIndex] = {}

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = self._factory()
        return self._translator

    def close(self) -> None:
        if self._translator is not None:
            self._translator.close()

    def references(self, doc: Document) -> ReferenceIndex:
        key = None if self.ref_paths else (doc.doc_id if doc.is_embedded else None)
        if key not in self._refs:
            self._refs[key] = build_references(self.config, self.ref_paths, key)
        return self._refs[key]

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

    def run_document(
        self, doc: Document, out_root: Path, force: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> Outcome:
        folder = out_root / safe_name(doc.doc_id)
        remove_stale_temp_files(folder)
        fp = self.fingerprint(doc)
        summary_path = folder / "summary.json"
        if not force and summary_path.is_file():
            try:
                old = json.loads(summary_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") == fp:
                return Outcome(doc.doc_id, folder, True, old)
        t0 = time.perf_counter()
        timings: dict[str, float] = {}

        det = self.detector.detect(doc.text)
        timings["detect"] = time.perf_counter() - t0
        rc = self.config["run"]
        passages = group_passages(doc.text, det.spans, rc["max_sentence_chars"], rc["max_passage_chars"])
        dominant = det.dominance.language or language_of(doc.text)
        refs = self.references(doc)
        ref_lang = refs.languages.most_common(1)[0][0] if len(refs) else dominant

        t = time.perf_counter()
        done = 0
        total_steps = 2 * len(passages)

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total_steps)

        edits = [pre_edit(p) for p in passages]
        by_rules = [i for i, (_, all_fixed) in enumerate(edits) if all_fixed]
        by_mt = [i for i in range(len(passages)) if i not in by_rules]
        repaired: dict[int, Translation] = {
            i: Translation(passages[i].text, edits[i][0], AUTO, dominant) for i in by_rules
        }
        tick(len(by_rules))
        if by_mt:
            mt = _translate_by_mode(self.translator, [edits[i][0] for i in by_mt], dominant, tick)
            repaired.update(zip(by_mt, mt, strict=True))
        need = [i for i, p in enumerate(passages) if _needs_rendering(p, *edits[i], ref_lang)]
        tick(len(passages) - len(need))
        rendered = _translate_by_mode(self.translator, [edits[i][0] for i in need], ref_lang, tick) if need else []
        renderings: dict[int, Translation] = dict(zip(need, rendered, strict=True))
        timings["translate"] = time.perf_counter() - t

        t = time.perf_counter()
        keep_on = set(rc["keep_original_on"])
        results = []
        for i, p in enumerate(passages):
            al = refs.align(p.text, p.lang)
            pr = PassageResult(p, repaired[i], renderings.get(i), al, edits[i][0], "rules" if i in by_rules else "mt")
            pr.kept_original = bool(keep_on & set(pr.repaired.flags))
            results.append(pr)
        timings["align"] = time.perf_counter() - t

        t = time.perf_counter()
        for pr in results:
            pr.signals = {
                "wrong_script_before": _wrong_script_share(pr.passage.text, dominant),
                "wrong_script_after": _wrong_script_share(pr.repaired_text, dominant),
                "length_ratio": round(
                    weighted_length(pr.repaired_text) / max(1.0, weighted_length(pr.passage.text)), 3
                ),
                "mt_flags": sorted(set(pr.repaired.flags) | set(pr.rendering.flags if pr.rendering else [])),
            }
            ref = pr.alignment.ref
            if ref is None:
                continue
            pr.after_text = pr.repaired_text if ref.lang == dominant else pr.rendering_text
            pr.before = sentence_scores(pr.passage.text, ref.text, ref.lang)
            pr.after = sentence_scores(pr.after_text, ref.text, ref.lang)
        timings["score"] = time.perf_counter() - t

        repaired_text = _splice(doc.text, results)
        after = self.detector.detect(repaired_text)
        timings["total"] = time.perf_counter() - t0
        summary = self._summary(doc, det.spans, det.dominance.language, results, after.spans, timings, fp, ref_lang)
        self._write(doc, folder, det.spans, results, repaired_text, summary)
        return Outcome(doc.doc_id, folder, False, summary)

    # --- outputs ----------------------------------------------------------------------------
    def _summary(
        self,
        doc: Document,
        spans: list[Span],
        dominant: str | None,
        results: list[PassageResult],
        remaining: list[Span],
        timings: dict[str, float],
        fp: str,
        ref_lang: str,
    ) -> dict[str, Any]:
        aligned = [r for r in results if r.alignment.ref is not None]
        corpus: dict[str, Any] = {}
        for lang in sorted({r.alignment.ref.lang for r in aligned}):
            group = [r for r in aligned if r.alignment.ref.lang == lang]
            refs = [r.alignment.ref.text for r in group]
            corpus[lang] = {
                "passages": len(group),
                "before": corpus_scores([r.passage.text for r in group], refs, lang).as_dict(),
                "after": corpus_scores([r.after_text for r in group], refs, lang).as_dict(),
                "signatures": signatures(lang),
            }
        tr = self._translator

        def mean(xs):
            return round(sum(xs) / len(xs), 2) if xs else None

        return {
            "doc": doc.doc_id,
            "source": doc.source,
            "encoding": doc.encoding,
            "chars": len(doc.text),
            "dominant_language": dominant,
            "reference_language": ref_lang,
            "spans": len(spans),
            "spans_per_kind": dict(sorted(Counter(s.kind for s in spans).items())),
            "spans_per_rule": dict(sorted(Counter(s.rule for s in spans).items())),
            "passages": len(results),
            "aligned": len(aligned),
            "mean_chrf_before": mean([r.before.chrf for r in aligned]),
            "mean_chrf_after": mean([r.after.chrf for r in aligned]),
            "corpus_scores": corpus,
            "sentence_signatures": {lang: signatures(lang, sentence=True) for lang in corpus},
            "kept_original": sum(r.kept_original for r in results),
            "failing_checks": sum(1 for r in results if r.signals["mt_flags"]),
            "remaining_spans": len(remaining),
            "remaining_spans_per_kind": dict(sorted(Counter(s.kind for s in remaining).items())),
            "remaining_ratio": round(len(remaining) / len(spans), 3) if spans else 0.0,
            "engine": getattr(tr, "name", None),
            "model": getattr(getattr(tr, "resolved", None), "label", None) or getattr(tr, "label", None),
            "model_sha256": getattr(tr, "model_id", None),
            "prompt_version": PROMPT_VERSION,
            "timings_s": {k: round(v, 2) for k, v in timings.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "mtqa_version": __version__,
            "fingerprint": fp,
        }

    def _write(
        self,
        doc: Document,
        folder: Path,
        spans: list[Span],
        results: list[PassageResult],
        repaired_text: str,
        summary: dict[str, Any],
    ) -> None:
        from mtqa.report.html import render_html
        from mtqa.report.sheet import sheet_csv

        rows = [r.to_dict(doc.doc_id) for r in results]
        atomic_write(folder / "source.txt", doc.text)
        atomic_write(folder / "spans.jsonl", jsonl(s.to_dict(doc.doc_id) for s in spans))
        atomic_write(folder / "passages.jsonl", jsonl(rows))
        atomic_write(folder / "sheet.csv", sheet_csv(rows))
        atomic_write(folder / f"{safe_name(doc.doc_id)}.repaired.txt", doc.encode(repaired_text))
        atomic_write(
            folder / "report.html", render_html(doc.text, [s.to_dict(doc.doc_id) for s in spans], rows, summary)
        )
        atomic_write(folder / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def _splice(text: str, results: list[PassageResult]) -> str:
    """The document with every passage replaced by its repair; all else untouched."""
    out, pos = [], 0
    for r in sorted(results, key=lambda r: r.passage.start):
        out.append(text[pos : r.passage.start])
        out.append(r.repaired_text)
        pos = r.passage.end
    out.append(text[pos:])
    return "".join(out)

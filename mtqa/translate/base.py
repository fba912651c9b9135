"""The :class:`Translator` interface and the engine registry.

An engine implements :meth:`Translator.generate` for a batch of requests; the base class does
what every engine shares: the glossary lookup, the cache, the output checks and one retry
with a stricter instruction for outputs that fail them. What still fails is marked in
``Translation.flags``, never hidden.
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from mtqa.errors import ModelError
from mtqa.segment import HAN
from mtqa.translate.cache import TranslationCache, cache_key
from mtqa.translate.checks import check_output, describe
from mtqa.translate.glossary import Glossary
from mtqa.translate.prompt import PROMPT_VERSION

# Stretches of the wrong script left in an output: Han in English, English words in Chinese.
_HAN_STRETCH_RE = re.compile(f"[{HAN}]+(?:[，、·]?[{HAN}]+)*")
_LATIN_STRETCH_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’\-]*)*")
LEFTOVER_FLAGS = {"han_in_english", "latin_in_chinese"}


@dataclass(frozen=True)
class Request:
    """One generation: a source text, its direction, glossary terms and retry instruction."""

    text: str
    src: str
    tgt: str
    terms: tuple[tuple[str, str], ...] = ()
    problem: str | None = None  # set on the retry: what was wrong the first time


@dataclass(frozen=True)
class Generated:
    text: str
    tokens: int  # tokens generated
    finish: str = "stop"  # "stop" or "length"


@dataclass
class Translation:
    """The result for one input text, with diagnostics."""

    source: str
    text: str
    src: str
    tgt: str
    flags: list[str] = field(default_factory=list)  # checks still failing after the retry
    retried: bool = False
    cached: bool = False
    tokens: int = 0
    seconds: float = 0.0
    terms: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Translator(ABC):
    """Translate texts between zh and en. Subclasses implement :meth:`generate`."""

    name: ClassVar[str]

    def __init__(
        self,
        glossary: Glossary | None = None,
        cache: TranslationCache | None = None,
        batch_size: int = 8,
        retry: bool = True,
    ) -> None:
        self.glossary = glossary
        self.cache = cache
        self.batch_size = max(1, batch_size)
        self.retry = retry

    # --- what an engine provides -------------------------------------------------------
    @property
    @abstractmethod
    def model_id(self) -> str:
        """A stable identity of the model weights (SHA-256 where the engine can compute it)."""

    @property
    def settings(self) -> dict[str, Any]:
        """Decoding settings that change the output (part of the cache key)."""
        return {}

    @abstractmethod
    def generate(self, requests: Sequence[Request]) -> list[Generated]:
        """Generate one output per request (engines batch as they can)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Free the model."""

    # --- shared logic -------------------------------------------------------------------
    def _key(self, req: Request) -> str:
        return cache_key(self.model_id, PROMPT_VERSION, self.settings, req.src, req.tgt, list(req.terms), req.text)

    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        progress: Callable[[int], None] | None = None,
        glossary: Glossary | None = None,
    ) -> list[Translation]:
        """Translate ``texts`` (one result per text, in order) from ``src`` to ``tgt``.
        ``glossary`` replaces the engine's own for this call (a document's terms added to it)."""
        glossary = glossary if glossary is not None else self.glossary
        if tgt not in ("zh", "en") or src not in ("zh", "en", "auto"):
            raise ModelError(f"unsupported direction {src}->{tgt} (zh, en; 'auto' for mixed sources)")
        results: list[Translation | None] = [None] * len(texts)
        todo: list[tuple[int, Request]] = []
        for i, text in enumerate(texts):
            term_src = src if src in ("zh", "en") and src != tgt else ("en" if tgt == "zh" else "zh")
            terms = tuple(glossary.entries_for(text, term_src, tgt)) if glossary is not None else ()
            if not text.strip():
                results[i] = Translation(text, text, src, tgt)
                if progress:
                    progress(1)
                continue
            req = Request(text, src, tgt, terms)
            hit = self.cache.get(self._key(req)) if self.cache is not None else None
            if hit is not None:
                results[i] = Translation(
                    text, hit["text"], src, tgt, hit["flags"], hit["retried"], True, hit["tokens"], 0.0, list(terms)
                )
                if progress:
                    progress(1)
            else:
                todo.append((i, req))
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            for (i, req), tr in zip(chunk, self._translate_batch([r for _, r in chunk], glossary), strict=True):
                results[i] = tr
                if self.cache is not None:
                    self.cache.put(
                        self._key(req),
                        {"text": tr.text, "flags": tr.flags, "retried": tr.retried, "tokens": tr.tokens},
                    )
            if progress:
                progress(len(chunk))
        return [r for r in results if r is not None]

    def _translate_batch(self, reqs: list[Request], glossary: Glossary | None) -> list[Translation]:
        t0 = time.perf_counter()
        outs = self.generate(reqs)
        results = []
        retry_idx: list[int] = []
        for req, out in zip(reqs, outs, strict=True):
            text = _one_line(out.text)
            flags = check_output(req.text, text, req.src, req.tgt, out.finish)
            results.append(
                Translation(req.text, text, req.src, req.tgt, flags, False, False, out.tokens, 0.0, list(req.terms))
            )
            if flags and self.retry:
                retry_idx.append(len(results) - 1)
        if retry_idx:
            retry_reqs = [
                Request(reqs[i].text, reqs[i].src, reqs[i].tgt, reqs[i].terms, describe(results[i].flags))
                for i in retry_idx
            ]
            for i, out in zip(retry_idx, self.generate(retry_reqs), strict=True):
                text = _one_line(out.text)
                flags = check_output(reqs[i].text, text, reqs[i].src, reqs[i].tgt, out.finish)
                first = results[i]
                first.retried = True
                first.tokens += out.tokens
                if len(flags) < len(first.flags):
                    first.text, first.flags = text, flags
            self._fix_leftovers([results[i] for i in retry_idx if LEFTOVER_FLAGS & set(results[i].flags)], glossary)
        elapsed = time.perf_counter() - t0
        for r in results:
            r.seconds = elapsed / len(results)
        return results

    def _fix_leftovers(self, results: list[Translation], glossary: Glossary | None) -> None:
        """Last resort for outputs that still carry the wrong script after the retry: translate
        each leftover stretch on its own (translation mode) and splice it in; kept only when
        that leaves fewer failing checks."""
        jobs: list[tuple[Translation, list[re.Match]]] = []
        reqs: list[Request] = []
        for r in results:
            pattern, src = (_HAN_STRETCH_RE, "zh") if r.tgt == "en" else (_LATIN_STRETCH_RE, "en")
            found = [m for m in pattern.finditer(r.text) if src == "zh" or not m.group().isupper()]
            if not found:
                continue
            jobs.append((r, found))
            for m in found:
                terms = tuple(glossary.entries_for(m.group(), src, r.tgt)) if glossary is not None else ()
                reqs.append(Request(m.group(), src, r.tgt, terms))
        if not reqs:
            return
        outs = iter(self.generate(reqs))
        for r, found in jobs:
            text = r.text
            pieces = [(m, _one_line(next(outs).text)) for m in found]
            for m, new in reversed(pieces):
                if r.tgt == "en":
                    left = " " if m.start() > 0 and text[m.start() - 1].isalnum() else ""
                    right = " " if m.end() < len(text) and text[m.end()].isalnum() else ""
                    new = f"{left}{new.strip().rstrip('.')}{right}"
                else:
                    new = new.strip().rstrip("。")
                text = text[: m.start()] + new + text[m.end() :]
            flags = check_output(r.source, text, r.src, r.tgt)
            if len(flags) < len(r.flags):
                r.text, r.flags = text, flags


def _one_line(text: str) -> str:
    """The first non-empty line of a model output, stripped (outputs are line-aligned)."""
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


ENGINES: dict[str, type[Translator]] = {}


def register_engine(cls: type[Translator]) -> type[Translator]:
    ENGINES[cls.name] = cls
    return cls

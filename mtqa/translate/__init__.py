"""Machine translation of flagged passages: engines behind one :class:`Translator` interface.

>>> from mtqa.translate import get_translator
>>> tr = get_translator("llama-cpp")          # doctest: +SKIP
>>> tr.translate(["中吉合作大有可为。"], "zh", "en")[0].text  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from mtqa.errors import ModelError
from mtqa.translate import llama_cpp as _llama_cpp  # noqa: F401  (registers engines)
from mtqa.translate.base import ENGINES, Generated, Request, Translation, Translator

__all__ = ["ENGINES", "Generated", "Request", "Translation", "Translator", "get_translator", "resolve_engine"]


def _register_optional() -> None:
    from mtqa.translate import hf  # noqa: F401  (registers "transformers")


_register_optional()


def resolve_engine(engine: str | None, device: str) -> str:
    """``auto``: llama-cpp on CPU, transformers on CUDA."""
    if engine in (None, "auto"):
        return "transformers" if device == "cuda" else "llama-cpp"
    return engine


def check_engine(engine: str | None) -> None:
    """A one-line error for an engine name that is not registered (before any work is done)."""
    if engine not in (None, "auto") and engine not in ENGINES:
        raise ModelError(f"unknown engine '{engine}' (known: auto, {', '.join(sorted(ENGINES))})")


def get_translator(engine: str | None = None, device: str = "auto", **kwargs: Any) -> Translator:
    """Build a translator by engine name (see ``ENGINES``)."""
    device = resolve_device(device)
    name = resolve_engine(engine, device)
    check_engine(name)  # "auto" resolves to an engine that may not be installed
    return ENGINES[name](device=device, **kwargs)


def resolve_device(device: str) -> str:
    """``auto`` becomes ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    if device not in ("auto", "cpu", "cuda"):
        raise ModelError(f"unknown device '{device}' (auto, cpu or cuda)")
    if device == "cpu":
        return "cpu"
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    if device == "cuda" and not has_cuda:
        raise ModelError("--device cuda: no CUDA device is visible to torch")
    return "cuda" if has_cuda else "cpu"

"""``llama-cpp`` engine: a GGUF chat model through llama-cpp-python (the CPU default).

Greedy decoding, the chat template stored in the GGUF, stop at the end of the line, and
``max_tokens`` bounded by the source length. The system instruction and few-shot examples are
the same for every passage of a direction, so llama.cpp reuses their evaluated prefix.

On ``--device cuda`` every layer is offloaded to the GPU (``n_gpu_layers=-1``, or the number
given), which needs a llama-cpp-python built with CUDA
(``CMAKE_ARGS="-DGGML_CUDA=on" pip install llama-cpp-python``); a CPU-only build is refused
with a one-line error rather than silently running on the CPU.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence
from typing import Any

from mtqa.errors import ModelError
from mtqa.translate.base import Generated, Request, Translator, register_engine
from mtqa.translate.models import ResolvedModel, resolve_gguf
from mtqa.translate.prompt import build_messages

LLAMA_DEFAULTS: dict[str, Any] = {"n_ctx": 4096, "seed": 0}
SAMPLING: dict[str, Any] = {"temperature": 0.0, "top_k": 1, "top_p": 1.0, "min_p": 0.0, "repeat_penalty": 1.0}

log = logging.getLogger(__name__)


def gpu_offload_supported() -> bool:
    """Whether the installed llama-cpp-python was built with a GPU backend (CUDA, Metal, ...)."""
    try:
        from llama_cpp import llama_supports_gpu_offload
    except ImportError:  # pragma: no cover - installed with mtqa
        return False
    return bool(llama_supports_gpu_offload())


def gpu_layers_for(device: str, n_gpu_layers: int | None = None) -> int:
    """``n_gpu_layers`` for llama.cpp: 0 on the CPU; on CUDA all layers (-1) or the number given,
    if this llama-cpp-python build can offload at all."""
    if device != "cuda":
        return 0
    if not gpu_offload_supported():
        raise ModelError(
            'this llama-cpp-python build is CPU-only; rebuild it with CMAKE_ARGS="-DGGML_CUDA=on" '
            "or use --engine transformers for --device cuda"
        )
    return -1 if n_gpu_layers is None else n_gpu_layers


def load_llama(path: str, n_threads: int | None = None, n_gpu_layers: int = 0, n_ctx: int = 4096):
    """A ``llama_cpp.Llama`` with mtqa's settings; load failures become :class:`ModelError`."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # pragma: no cover - installed with mtqa
        raise ModelError(f"the llama-cpp engine needs llama-cpp-python ({exc})") from None
    try:
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
            return Llama(
                model_path=str(path),
                n_threads=n_threads or max(1, os.cpu_count() or 1),
                n_gpu_layers=n_gpu_layers,
                n_ctx=n_ctx,
                seed=LLAMA_DEFAULTS["seed"],
                verbose=False,
            )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(f"{path}: the model failed to load ({exc})") from None


def max_new_tokens(n_source_tokens: int, cap: int = 512) -> int:
    """Room for a translation about twice the source's length, never more than ``cap``."""
    return min(cap, 2 * n_source_tokens + 32)


@register_engine
class LlamaCppTranslator(Translator):
    """GGUF chat models through llama.cpp; the packaged Qwen2.5-Coder-1.5B by default."""

    name = "llama-cpp"
    default_model = "default"

    def __init__(
        self,
        model: str | None = None,
        device: str = "cpu",
        n_threads: int | None = None,
        max_tokens: int = 512,
        quiet: bool = True,
        n_gpu_layers: int | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.n_gpu_layers = gpu_layers_for(device, n_gpu_layers)
        self.resolved: ResolvedModel = resolve_gguf(model or self.default_model, quiet=quiet)
        self.max_tokens = max_tokens
        self.llm = load_llama(str(self.resolved.path), n_threads=n_threads, n_gpu_layers=self.n_gpu_layers)
        log.info(
            "llama-cpp: %s, %s threads, %s",
            self.resolved.label,
            n_threads or "all",
            "all layers on the GPU" if self.n_gpu_layers < 0 else f"{self.n_gpu_layers} layers on the GPU",
        )

    @property
    def model_id(self) -> str:
        return self.resolved.sha256

    @property
    def settings(self) -> dict[str, Any]:
        return {"engine": self.name, **SAMPLING, "max_tokens": self.max_tokens}

    def generate(self, requests: Sequence[Request]) -> list[Generated]:
        out = []
        for req in requests:
            messages = build_messages(req.text, req.src, req.tgt, list(req.terms), req.problem)
            n_src = len(self.llm.tokenize(req.text.encode("utf-8"), add_bos=False))
            resp = self.llm.create_chat_completion(
                messages=messages, max_tokens=max_new_tokens(n_src, self.max_tokens), stop=["\n"], **SAMPLING
            )
            choice = resp["choices"][0]
            out.append(
                Generated(
                    choice["message"]["content"] or "",
                    int(resp.get("usage", {}).get("completion_tokens", 0)),
                    "length" if choice.get("finish_reason") == "length" else "stop",
                )
            )
        return out

    def close(self) -> None:
        llm = getattr(self, "llm", None)
        if llm is not None:
            with contextlib.suppress(Exception):
                llm.close()
            self.llm = None


@register_engine
class SmallTranslator(LlamaCppTranslator):
    """The packaged Qwen2.5-Coder-0.5B (about 0.8 GB of memory) for low-memory machines."""

    name = "small"
    default_model = "small"

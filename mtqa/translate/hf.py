"""``transformers`` engine: the GPU path (and a CPU fallback).

Loads a causal chat LLM (a hub id, a local directory, or a GGUF file, de-quantised by
transformers) or a seq2seq MT model (Marian/opus-mt, NLLB, M2M100), chosen by the model's
config. Inputs are sorted by length and cut into batches by a token budget, as CTranslate2's
``translate_batch(max_batch_size, batch_type="tokens")`` does; decoder-only models are padded
on the left. fp32 on CPU; bf16 (or fp16 where bf16 is missing) on CUDA.

On CUDA the batch size is a token budget that fills the GPU: with ``max_batch_tokens: 0``
(auto) it is worked out after the model is loaded from the free device memory and the
model's KV-cache and activation size per token (prompt plus generated tokens, summed over
the batch), and with ``batch_size: 0`` (auto) up to ``GPU_MAX_ITEMS`` sequences go into one
``generate`` call. A batch that still runs out of memory is split in half and the budget
lowered for the rest of the run. The model stays on the device for the translator's life
(one per worker, across documents).

Weights load through ``from_pretrained``: safetensors first, and transformers loads any
PyTorch pickle with ``torch.load(weights_only=True)``, so no user file is unpickled.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtqa.errors import ModelError
from mtqa.translate.base import Generated, Request, Translator, register_engine
from mtqa.translate.models import ALIASES, PACKAGED, resolve_gguf
from mtqa.translate.prompt import build_messages

NLLB_CODES = {"zh": "zho_Hans", "en": "eng_Latn"}
CPU_BATCH_TOKENS = 8192  # max_batch_tokens: 0 (auto) on CPU
CPU_BATCH_ITEMS = 8  # batch_size: 0 (auto) on CPU
GPU_MAX_ITEMS = 256  # batch_size: 0 (auto) on CUDA: sequences per generate call, the token budget permitting
GPU_MEMORY_FRACTION = 0.8  # share of the free device memory (after loading) that batches may fill
MIN_BATCH_TOKENS = 512

log = logging.getLogger(__name__)


def _cfg(config: Any, *names: str, default: int = 0) -> int:
    for n in names:
        v = getattr(config, n, None)
        if isinstance(v, int) and v > 0:
            return v
    return default


def bytes_per_token(config: Any, dtype_bytes: int) -> int:
    """Device memory one token of a batch holds at the peak of generation: its keys and values
    in every layer's KV cache (self- and cross-attention for seq2seq) plus one layer's
    activations during the prefill (hidden states, attention and MLP intermediates)."""
    hidden = _cfg(config, "hidden_size", "d_model", default=1024)
    layers = _cfg(config, "num_hidden_layers", "decoder_layers", "num_layers", default=24)
    heads = _cfg(config, "num_attention_heads", "decoder_attention_heads", default=16)
    kv_heads = _cfg(config, "num_key_value_heads", default=heads)
    head_dim = _cfg(config, "head_dim", default=max(1, hidden // heads))
    inter = _cfg(config, "intermediate_size", "decoder_ffn_dim", default=4 * hidden)
    kv = 2 * layers * kv_heads * head_dim * (2 if getattr(config, "is_encoder_decoder", False) else 1)
    act = 6 * hidden + 3 * inter
    return (kv + act) * dtype_bytes


def gpu_token_budget(config: Any, free_bytes: int, dtype_bytes: int, fraction: float = GPU_MEMORY_FRACTION) -> int:
    """Tokens (prompt plus generated, summed over a batch) that fit in ``fraction`` of ``free_bytes``."""
    return max(MIN_BATCH_TOKENS, int(free_bytes * fraction) // bytes_per_token(config, dtype_bytes))


def token_batches(lengths: Sequence[int], max_items: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped into batches, longest first, each within ``max_items`` sequences and
    ``max_tokens`` padded tokens (items x longest item). A single over-long item gets its own batch."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    cur: list[int] = []
    cur_max = 0
    for i in order:
        new_max = max(cur_max, lengths[i])
        if cur and (len(cur) + 1 > max_items or (len(cur) + 1) * new_max > max_tokens):
            batches.append(cur)
            cur, cur_max = [], 0
            new_max = lengths[i]
        cur.append(i)
        cur_max = new_max
    if cur:
        batches.append(cur)
    return batches


def dir_fingerprint(path: Path) -> str:
    """A hash of a model folder: config files in full, weight files by name, size and their
    first and last MiB (hashing GBs of weights on every start would cost more than a load)."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = f.relative_to(path).as_posix()
        h.update(rel.encode())
        size = f.stat().st_size
        h.update(str(size).encode())
        with open(f, "rb") as fh:
            if size <= 2 << 20:
                h.update(fh.read())
            else:
                h.update(fh.read(1 << 20))
                fh.seek(-(1 << 20), 2)
                h.update(fh.read())
    return h.hexdigest()


@register_engine
class TransformersTranslator(Translator):
    """Hugging Face transformers models, batched; ``--device cuda`` for the GPU."""

    name = "transformers"

    def __init__(
        self,
        model: str | None = None,
        device: str = "cpu",
        dtype: str = "auto",
        max_tokens: int = 512,
        max_batch_tokens: int = 0,
        num_beams: int = 1,
        quiet: bool = True,
        **kw: Any,
    ) -> None:
        auto_items = kw.get("batch_size", 0) <= 0
        if auto_items:
            kw["batch_size"] = GPU_MAX_ITEMS if device == "cuda" else CPU_BATCH_ITEMS
        super().__init__(**kw)
        try:
            import torch
            import transformers
        except ImportError as exc:  # pragma: no cover - installed with mtqa
            raise ModelError(f"the transformers engine needs torch and transformers ({exc})") from None
        self.torch = torch
        self.device = device
        self.max_tokens = max_tokens
        self.max_batch_tokens = max_batch_tokens
        self.num_beams = num_beams
        self.dtype = self._dtype(dtype)
        spec = model or "default"
        load_kw: dict[str, Any] = {}
        name = ALIASES.get(spec, spec)
        if name in PACKAGED or spec.endswith(".gguf"):
            resolved = resolve_gguf(spec, quiet=quiet)
            source = str(resolved.path.parent)
            load_kw["gguf_file"] = resolved.path.name
            self._model_id = resolved.sha256
            self.label = resolved.label
        else:
            path = Path(spec).expanduser()
            source = str(path) if path.exists() else spec
            if path.is_file():
                raise ModelError(f"{spec}: a model file that is not .gguf; give the model's folder")
            self._model_id = dir_fingerprint(path) if path.is_dir() else f"hub:{spec}"
            self.label = path.name if path.is_dir() else spec
        if quiet:  # transformers' own "Loading weights" bars
            transformers.utils.logging.disable_progress_bar()
        try:
            config = transformers.AutoConfig.from_pretrained(source, **load_kw)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, **load_kw)
            auto = transformers.AutoModelForSeq2SeqLM if self.seq2seq else transformers.AutoModelForCausalLM
            self.model = auto.from_pretrained(source, dtype=self.dtype, **load_kw)
        except Exception as exc:  # any load failure (incl. a refused pickle) is the user's model
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelError(f"{spec}: the model failed to load ({msg})") from None
        if self._model_id.startswith("hub:"):
            commit = getattr(config, "_commit_hash", None)
            self._model_id = f"hub:{spec}@{commit}" if commit else self._model_id
        self.model.to(device)  # once: the model stays on the device for the translator's life
        self.model.eval()
        if self.max_batch_tokens <= 0:
            self.max_batch_tokens = self._auto_batch_tokens()
        log.info(
            "transformers: %s on %s (%s), batches of up to %d sequences and %d tokens",
            self.label,
            device,
            str(self.dtype).replace("torch.", ""),
            self.batch_size,
            self.max_batch_tokens,
        )
        if not self.seq2seq:
            self.tokenizer.padding_side = "left"
            if self.tokenizer.chat_template is None:
                raise ModelError(f"{spec}: a causal model without a chat template cannot be prompted for MT")
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def _dtype(self, dtype: str):
        torch = self.torch
        if dtype == "auto":
            if self.device != "cuda":
                return torch.float32
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        try:
            return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
        except KeyError:
            raise ModelError(f"unknown dtype '{dtype}' (auto, float32, float16, bfloat16)") from None

    def _auto_batch_tokens(self) -> int:
        """``max_batch_tokens: 0``: fill the GPU (free memory after loading), or the CPU default."""
        if self.device != "cuda":
            return CPU_BATCH_TOKENS
        torch = self.torch
        free, _total = torch.cuda.mem_get_info()
        dtype_bytes = torch.tensor([], dtype=self.dtype).element_size()
        return gpu_token_budget(self.model.config, free, dtype_bytes)

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "engine": self.name,
            "greedy": self.num_beams == 1,
            "num_beams": self.num_beams,
            "max_tokens": self.max_tokens,
            "seq2seq": self.seq2seq,
        }

    # --- inputs -------------------------------------------------------------------------
    def _prompt(self, req: Request) -> str:
        if self.seq2seq:
            return req.text
        messages = build_messages(req.text, req.src, req.tgt, list(req.terms), req.problem)
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def _seq2seq_langs(self, src: str, tgt: str) -> dict[str, Any]:
        """Source/target language set-up for multilingual seq2seq models (NLLB, M2M100)."""
        tok = self.tokenizer
        kind = getattr(self.model.config, "model_type", "")
        if kind == "m2m_100":
            tok.src_lang = src
            return {"forced_bos_token_id": tok.get_lang_id(tgt)}
        if "nllb" in type(tok).__name__.lower():
            tok.src_lang = NLLB_CODES.get(src, src)
            return {"forced_bos_token_id": tok.convert_tokens_to_ids(NLLB_CODES.get(tgt, tgt))}
        return {}  # Marian: one model per direction

    def generate(self, requests: Sequence[Request]) -> list[Generated]:
        prompts = [self._prompt(r) for r in requests]
        lengths = [len(ids) for ids in self.tokenizer(prompts, add_special_tokens=self.seq2seq)["input_ids"]]
        results: list[Generated | None] = [None] * len(requests)
        # Each request's own budget: about twice its source length. A batch generates up to
        # its largest budget and each output is cut to its own, so batching never changes results.
        src_tokens = [len(ids) for ids in self.tokenizer([r.text for r in requests])["input_ids"]]
        budgets = [min(self.max_tokens, 2 * n + 32) for n in src_tokens]
        # The memory a sequence holds at the end of generation: its prompt and its new tokens.
        sizes = [n + b for n, b in zip(lengths, budgets, strict=True)]
        for batch in token_batches(sizes, self.batch_size, self.max_batch_tokens):
            self._generate_batch(batch, requests, prompts, budgets, sizes, results)
        return [r for r in results if r is not None]

    def _generate_batch(
        self,
        batch: list[int],
        requests: Sequence[Request],
        prompts: list[str],
        budgets: list[int],
        sizes: list[int],
        results: list[Generated | None],
    ) -> None:
        """One ``generate`` call; on CUDA out-of-memory, lower the budget and split the batch."""
        try:
            outs = self._run_generate(
                [requests[i] for i in batch], [prompts[i] for i in batch], [budgets[i] for i in batch]
            )
        except Exception as exc:
            if not _is_oom(exc, self.torch) or len(batch) == 1:
                raise
            if self.device == "cuda":
                self.torch.cuda.empty_cache()
            used = len(batch) * max(sizes[i] for i in batch)
            self.max_batch_tokens = max(MIN_BATCH_TOKENS, min(self.max_batch_tokens, used * 3 // 4))
            log.warning(
                "out of memory on a batch of %d sequences (%d tokens): splitting it, budget now %d tokens",
                len(batch),
                used,
                self.max_batch_tokens,
            )
            half = len(batch) // 2
            for part in (batch[:half], batch[half:]):
                self._generate_batch(part, requests, prompts, budgets, sizes, results)
            return
        for i, g in zip(batch, outs, strict=True):
            results[i] = g

    def _run_generate(self, reqs: list[Request], prompts: list[str], budgets: list[int]) -> list[Generated]:
        torch = self.torch
        extra = self._seq2seq_langs(reqs[0].src, reqs[0].tgt) if self.seq2seq else {}
        if self.seq2seq:
            extra["forced_eos_token_id"] = None  # our own budget cut marks runaways instead
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=self.seq2seq).to(
            self.device
        )
        with torch.inference_mode():
            out = self.model.generate(
                **enc,
                max_new_tokens=max(budgets),
                do_sample=False,
                num_beams=self.num_beams,
                pad_token_id=self.tokenizer.pad_token_id,
                **extra,
            )
        new = out if self.seq2seq else out[:, enc["input_ids"].shape[1] :]
        special = (
            {self.tokenizer.pad_token_id, self.model.config.decoder_start_token_id}
            if self.seq2seq
            else {self.tokenizer.pad_token_id}
        )
        eos = self.tokenizer.eos_token_id
        gens = []
        for budget, row in zip(budgets, new.tolist(), strict=True):
            ids = [t for t in row if t not in special]
            stopped = eos in ids[:budget]
            if stopped:
                ids = ids[: ids.index(eos)]
            ids = ids[:budget]
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            gens.append(Generated(text, len(ids), "stop" if stopped or "\n" in text.strip() else "length"))
        return gens

    def close(self) -> None:
        self.model = None
        if self.device == "cuda":
            self.torch.cuda.empty_cache()


def _is_oom(exc: BaseException, torch: Any) -> bool:
    oom = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)
    return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc).lower()

"""Token log-probabilities of a text under the packaged Qwen2.5 GGUF, through llama-cpp-python.

:class:`LMScorer` wraps a ``llama_cpp.Llama`` (its own, or the translator's: it never loads a
second copy) and forced-decodes a continuation after a prompt. It drives the low-level batch
API with a per-token output flag, at most ``max_outputs`` flagged tokens per ``llama_decode``,
so it never needs ``logits_all`` and its n_ctx x 151,936 float array (2.5 GB at n_ctx 4096):
the context's output buffer stays at ``max_outputs`` rows (about 19 MB for 32). The evaluated
prefix is shared with the next call (and with the translator: ``input_ids``/``n_tokens`` of the
``Llama`` are kept consistent), so scoring several translations of one source evaluates the
source once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mtqa.errors import ModelError

log = logging.getLogger(__name__)

LANG_NAMES = {"zh": "Simplified Chinese", "en": "English"}
# The translator's own instruction (mtqa.translate.prompt.SYSTEM), without few-shot examples.
TRANSLATE_SYSTEM = (
    "You are a professional news translator. Translate the user's {src} text into {tgt}. "
    "Reply with the translation only, on one line, with no notes or explanations. "
    "Keep names, numbers and dates exactly as in the source."
)
FLUENCY_SYSTEM = "You are a helpful assistant."
FLUENCY_USER = "Write a sentence or short passage in {lang}."


@dataclass(frozen=True)
class TokenScores:
    """Log-probabilities (natural log) of a continuation's tokens, plus its end-of-turn token."""

    logprobs: np.ndarray  # one per continuation token
    end_logprob: float  # log P(<|im_end|> | prompt + continuation)
    truncated: bool = False

    @property
    def n(self) -> int:
        return len(self.logprobs)

    def mean(self) -> float:
        """Length-normalised log-probability, the end token included."""
        return float((self.logprobs.sum() + self.end_logprob) / (self.n + 1))


def _chat(system: str, user: str) -> str:
    return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


class LMScorer:
    """Forced decoding with a ``llama_cpp.Llama`` that may be shared with a translator."""

    def __init__(self, llama: Any, max_outputs: int = 32, max_tokens: int = 1024, label: str = "") -> None:
        self.llm = llama
        self.max_outputs = max(1, max_outputs)
        self.max_tokens = max_tokens  # per text (source or target); longer ones are cut
        self.n_vocab = int(llama.n_vocab())
        self.n_ctx = int(llama.n_ctx())
        self.label = label
        self._lock = threading.Lock()
        self._special: dict[str, list[int]] = {}
        self.tokens_evaluated = 0
        self.end_id = self._tok("<|im_end|>", special=True)
        if len(self.end_id) != 1:
            raise ModelError("the QE language model needs a ChatML model (Qwen2.5): <|im_end|> is not one token")

    @classmethod
    def load(cls, model: str = "default", n_threads: int | None = None, **kw: Any) -> LMScorer:
        """Load a packaged model (``default``, ``small``) or a ``.gguf`` path for scoring."""
        from mtqa.translate.llama_cpp import load_llama
        from mtqa.translate.models import resolve_gguf

        resolved = resolve_gguf(model)
        llm = load_llama(str(resolved.path), n_threads=n_threads, n_ctx=4096)
        if n_threads:  # prompt evaluation (n_threads_batch) defaults to every core otherwise
            llm._ctx.set_n_threads(n_threads, n_threads)
        scorer = cls(llm, label=resolved.label, **kw)
        scorer.owned = True
        return scorer

    owned = False

    def close(self) -> None:
        """Free the model if this scorer loaded it (a shared one belongs to its translator)."""
        if self.owned and self.llm is not None:
            with contextlib.suppress(Exception):
                self.llm.close()
            self.llm = None

    # --- tokens -------------------------------------------------------------------------------
    def _tok(self, text: str, special: bool = False) -> list[int]:
        if special:
            hit = self._special.get(text)
            if hit is None:
                hit = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
                self._special[text] = hit
            return list(hit)
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def tokenize(self, text: str) -> list[int]:
        """User text as tokens (special-token syntax in it is plain text), cut to ``max_tokens``."""
        return self._tok(text)[: self.max_tokens]

    # --- scoring ------------------------------------------------------------------------------
    def continuation(self, prompt: str, text: str) -> TokenScores:
        """Log-probabilities of ``text`` (then ``<|im_end|>``) after a ChatML ``prompt``."""
        prefix = self._tok(prompt, special=True)
        full = self._tok(text)
        target = full[: self.max_tokens]
        room = self.n_ctx - len(prefix) - 2
        target = target[: max(0, room)]
        lps = self.token_logprobs(prefix, [*target, self.end_id[0]])
        return TokenScores(lps[:-1], float(lps[-1]), truncated=len(target) < len(full))

    def translation(self, source: str, target: str, src_lang: str, tgt_lang: str) -> TokenScores:
        """log P(target | source) under the translator's instruction (forced decoding)."""
        system = TRANSLATE_SYSTEM.format(src=LANG_NAMES.get(src_lang, "other-language"), tgt=LANG_NAMES[tgt_lang])
        src = self.llm.detokenize(self.tokenize(source)).decode("utf-8", errors="ignore")
        return self.continuation(_chat(system, src), target)

    def fluency(self, text: str, lang: str) -> TokenScores:
        """log P(text) after a neutral instruction to write in ``lang`` (no source)."""
        return self.continuation(_chat(FLUENCY_SYSTEM, FLUENCY_USER.format(lang=LANG_NAMES[lang])), text)

    def next_logprobs(self, prefix: Sequence[int], candidates: Sequence[int]) -> np.ndarray:
        """log P(c | prefix) for each candidate token ``c`` (one position, several choices)."""
        _, row = self._forward(list(prefix), [candidates[0]], last_row=True)
        assert row is not None
        return row[np.asarray(candidates)]

    def token_logprobs(self, prefix: Sequence[int], target: Sequence[int]) -> np.ndarray:
        """log P(target[i] | prefix + target[:i]) for each i, reusing the evaluated prefix."""
        return self._forward(prefix, target)[0]

    def _forward(
        self, prefix: Sequence[int], target: Sequence[int], last_row: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        tokens = [*prefix, *target]
        first = len(prefix)
        if first < 1 or not target:
            raise ValueError("token_logprobs needs a non-empty prefix and target")
        if len(tokens) > self.n_ctx:
            raise ValueError(f"{len(tokens)} tokens do not fit the context of {self.n_ctx}")
        llm = self.llm
        out = np.empty(len(target), dtype=np.float64)
        row: np.ndarray | None = None
        with self._lock:
            cached = llm.input_ids[: llm.n_tokens].tolist()
            keep = 0
            for a, b in zip(cached, tokens, strict=False):
                if a != b:
                    break
                keep += 1
            keep = min(keep, first - 1)  # the logits at position first-1 predict target[0]
            llm._ctx.kv_cache_seq_rm(-1, keep, -1)
            llm.n_tokens = keep
            batch = llm._batch.batch
            cap = int(llm.n_batch)
            pos = keep
            while pos < len(tokens):
                end = min(len(tokens), pos + cap)
                lo = max(pos, first - 1)  # flagged: positions in [first-1, len-2]
                if min(end, len(tokens) - 1) - lo > self.max_outputs:
                    end = lo + self.max_outputs
                flagged: list[int] = []
                for j, p in enumerate(range(pos, end)):
                    batch.token[j] = tokens[p]
                    batch.pos[j] = p
                    batch.seq_id[j][0] = 0
                    batch.n_seq_id[j] = 1
                    want = first - 1 <= p <= len(tokens) - 2
                    batch.logits[j] = want
                    if want:
                        flagged.append(p)
                if not flagged:  # one output per batch, as Llama.eval does
                    batch.logits[end - pos - 1] = True
                batch.n_tokens = end - pos
                try:
                    llm._ctx.decode(llm._batch)
                except RuntimeError as exc:
                    llm.n_tokens = pos
                    llm._requires_eval = True
                    raise ModelError(f"language model scoring failed ({exc})") from None
                if flagged:
                    rows = len(flagged)
                    logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(rows, self.n_vocab))
                    mx = logits.max(axis=1)
                    lse = mx + np.log(np.exp(logits - mx[:, None]).sum(axis=1))
                    nxt = np.array([tokens[p + 1] for p in flagged])
                    out[np.array(flagged) + 1 - first] = logits[np.arange(rows), nxt] - lse
                    if last_row and flagged[-1] == len(tokens) - 2:
                        row = logits[-1].astype(np.float64) - lse[-1]
                llm.input_ids[pos:end] = tokens[pos:end]
                llm.n_tokens = end
                self.tokens_evaluated += end - pos
                pos = end
            # the context's last logits are not the last token's: make the translator replay one
            llm._requires_eval = True
        return out, row


JUDGE_USER = "Is your translation accurate, complete and fluent? Answer Yes or No."


def judge_margin(scorer: LMScorer, source: str, target: str, src_lang: str, tgt_lang: str) -> float:
    """log P(Yes) - log P(No) when the model is asked whether ``target`` translates ``source``
    well, right after the translation (an "LLM-as-QE" signal; it continues the forced-decoding
    sequence, so only the question is evaluated)."""
    system = TRANSLATE_SYSTEM.format(src=LANG_NAMES.get(src_lang, "other-language"), tgt=LANG_NAMES[tgt_lang])
    src = scorer.llm.detokenize(scorer.tokenize(source)).decode("utf-8", errors="ignore")
    prefix = [
        *scorer._tok(_chat(system, src), special=True),
        *scorer.tokenize(target),
        *scorer._tok(f"<|im_end|>\n<|im_start|>user\n{JUDGE_USER}<|im_end|>\n<|im_start|>assistant\n", special=True),
    ]
    yes, no = scorer._tok("Yes"), scorer._tok("No")
    lp = scorer.next_logprobs(prefix, [yes[0], no[0]])
    return float(lp[0] - lp[1])

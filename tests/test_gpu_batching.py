"""GPU batching of the transformers engine and llama.cpp offload: the arithmetic and the
fall-backs on CPU; the real thing where CUDA is available (skipped cleanly elsewhere)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mtqa.errors import ModelError
from mtqa.translate import llama_cpp
from mtqa.translate.base import Request
from mtqa.translate.hf import (
    CPU_BATCH_ITEMS,
    CPU_BATCH_TOKENS,
    GPU_MAX_ITEMS,
    MIN_BATCH_TOKENS,
    TransformersTranslator,
    bytes_per_token,
    gpu_token_budget,
    token_batches,
)
from tests.tiny_models import build_causal

torch = pytest.importorskip("torch")
CUDA = torch.cuda.is_available()
QWEN_1_5B = SimpleNamespace(  # the packaged model's architecture (configs/qwen2.5-coder-1.5b-instruct.arch.json)
    hidden_size=1536,
    num_hidden_layers=28,
    num_attention_heads=12,
    num_key_value_heads=2,
    intermediate_size=8960,
    is_encoder_decoder=False,
)
SOURCES = [
    "中吉合作大有可为。",
    "习近平主席和扎帕罗夫总统已七次会晤。",
    "好。",
    "两国贸易额达到227亿美元，同比增长52.6%。",
]


@pytest.fixture(scope="module")
def causal_dir(tmp_path_factory):
    return build_causal(tmp_path_factory.mktemp("causal-gpu"))


def test_bytes_per_token_of_the_packaged_architecture():
    kv = 2 * 28 * 2 * 128  # keys and values, 28 layers, 2 KV heads of 128
    act = 6 * 1536 + 3 * 8960
    assert bytes_per_token(QWEN_1_5B, 2) == (kv + act) * 2 == 100_864


def test_gpu_token_budget_fills_free_memory():
    free_80g = 76 * 2**30
    budget = gpu_token_budget(QWEN_1_5B, free_80g, 2)
    assert budget * bytes_per_token(QWEN_1_5B, 2) <= 0.8 * free_80g
    assert budget > 600_000  # an H100 holds hundreds of 700-token sequences at once
    assert gpu_token_budget(QWEN_1_5B, 8 * 2**30, 2) < budget
    assert gpu_token_budget(QWEN_1_5B, 0, 2) == MIN_BATCH_TOKENS  # never zero


def test_token_batches_respect_items_and_the_token_budget():
    sizes = [700, 650, 300, 200, 120, 100]
    batches = token_batches(sizes, max_items=4, max_tokens=1400)
    assert sorted(i for b in batches for i in b) == list(range(6))
    for b in batches:
        assert len(b) <= 4 and (len(b) == 1 or len(b) * max(sizes[i] for i in b) <= 1400)
    assert batches[0] == [0, 1]  # longest first: similar lengths share a batch (little padding)


def test_auto_batch_settings_on_cpu(causal_dir):
    tr = TransformersTranslator(model=str(causal_dir), device="cpu", batch_size=0, max_batch_tokens=0)
    assert (tr.batch_size, tr.max_batch_tokens) == (CPU_BATCH_ITEMS, CPU_BATCH_TOKENS)
    tr = TransformersTranslator(model=str(causal_dir), device="cpu", batch_size=3, max_batch_tokens=999)
    assert (tr.batch_size, tr.max_batch_tokens) == (3, 999)


def test_out_of_memory_splits_the_batch_and_lowers_the_budget(causal_dir):
    tr = TransformersTranslator(model=str(causal_dir), device="cpu", batch_size=8, retry=False, max_tokens=16)
    reqs = [Request(s, "zh", "en") for s in SOURCES]
    expected = tr.generate(reqs)
    real = tr._run_generate
    calls = []

    def flaky(rs, prompts, budgets):
        calls.append(len(rs))
        if len(rs) > 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(rs, prompts, budgets)

    tr._run_generate = flaky
    budget = tr.max_batch_tokens
    got = tr.generate(reqs)
    assert [g.text for g in got] == [g.text for g in expected]
    assert calls[0] == 4 and calls.count(1) == 4
    assert tr.max_batch_tokens < budget

    def broken(rs, prompts, budgets):
        raise ValueError("not a memory problem")

    tr._run_generate = broken
    with pytest.raises(ValueError):
        tr.generate(reqs)


def test_llama_gpu_layers(monkeypatch):
    assert llama_cpp.gpu_layers_for("cpu") == 0
    monkeypatch.setattr(llama_cpp, "gpu_offload_supported", lambda: False)
    with pytest.raises(ModelError, match="CPU-only"):
        llama_cpp.gpu_layers_for("cuda")
    monkeypatch.setattr(llama_cpp, "gpu_offload_supported", lambda: True)
    assert llama_cpp.gpu_layers_for("cuda") == -1
    assert llama_cpp.gpu_layers_for("cuda", 20) == 20


def test_llama_passes_gpu_layers_to_the_loader(monkeypatch, tmp_path):
    seen = {}

    def fake_load(path, n_threads=None, n_gpu_layers=0, n_ctx=4096):
        seen.update(n_threads=n_threads, n_gpu_layers=n_gpu_layers)
        return object()

    fake = SimpleNamespace(path=tmp_path / "m.gguf", sha256="0" * 64, label="fake")
    monkeypatch.setattr(llama_cpp, "load_llama", fake_load)
    monkeypatch.setattr(llama_cpp, "resolve_gguf", lambda spec, quiet=True: fake)
    monkeypatch.setattr(llama_cpp, "gpu_offload_supported", lambda: True)
    tr = llama_cpp.LlamaCppTranslator(device="cuda", n_threads=1)
    assert seen == {"n_threads": 1, "n_gpu_layers": -1} and tr.n_gpu_layers == -1
    llama_cpp.LlamaCppTranslator(device="cpu", n_threads=2)
    assert seen == {"n_threads": 2, "n_gpu_layers": 0}


# --- on a GPU -------------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.skipif(not CUDA, reason="needs CUDA")
def test_gpu_budget_fills_the_device_and_the_model_stays_there(causal_dir):
    tr = TransformersTranslator(model=str(causal_dir), device="cuda", batch_size=0, max_batch_tokens=0, retry=False)
    assert tr.batch_size == GPU_MAX_ITEMS and tr.max_batch_tokens > CPU_BATCH_TOKENS
    first = tr.translate(SOURCES * 20, "zh", "en")
    assert next(tr.model.parameters()).device.type == "cuda"  # still there for the next document
    again = tr.translate(SOURCES * 20, "zh", "en")
    assert [t.text for t in first] == [t.text for t in again]
    assert next(tr.model.parameters()).device.type == "cuda"
    tr.close()


@pytest.mark.gpu
@pytest.mark.skipif(not (CUDA and llama_cpp.gpu_offload_supported()), reason="needs CUDA and a CUDA llama.cpp")
def test_llama_offloads_to_the_gpu():
    tr = llama_cpp.LlamaCppTranslator(model="small", device="cuda")
    assert tr.n_gpu_layers == -1
    assert tr.translate(["中吉合作大有可为。"], "zh", "en")[0].text

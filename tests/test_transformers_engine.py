"""The transformers engine on tiny random-weight models built by the tests (seq2seq and causal).

GPU variants run only where CUDA is available and are skipped cleanly elsewhere.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mtqa.errors import ModelError
from mtqa.translate.hf import TransformersTranslator, dir_fingerprint
from tests.tiny_models import build_causal, build_marian

torch = pytest.importorskip("torch")
SOURCES = [
    "中吉合作大有可为。",
    "习近平主席和扎帕罗夫总统已七次会晤。",
    "好。",
    "两国贸易额达到227亿美元，同比增长52.6%。",
    "",
]
CUDA = torch.cuda.is_available()


@pytest.fixture(scope="module")
def marian_dir(tmp_path_factory):
    return build_marian(tmp_path_factory.mktemp("marian"))


@pytest.fixture(scope="module")
def causal_dir(tmp_path_factory):
    return build_causal(tmp_path_factory.mktemp("causal"))


def _translate(model_dir, batch_size, device="cpu", **kw):
    tr = TransformersTranslator(model=str(model_dir), device=device, batch_size=batch_size, retry=False, **kw)
    out = tr.translate(SOURCES, "zh", "en")
    assert tr.model_id == dir_fingerprint(model_dir)
    return tr, out


@pytest.mark.parametrize("kind", ["marian", "causal"])
def test_one_line_per_input_and_batching_does_not_change_greedy_output(kind, marian_dir, causal_dir):
    model_dir = marian_dir if kind == "marian" else causal_dir
    tr, batched = _translate(model_dir, batch_size=4)
    assert tr.seq2seq is (kind == "marian")
    assert len(batched) == len(SOURCES)
    assert all("\n" not in r.text for r in batched)
    assert batched[-1].text == ""  # empty lines stay empty
    assert all(r.tokens > 0 for r in batched[:-1])
    # Left padding (causal) and padding masks (seq2seq) must not change greedy results:
    # compare the raw generations (before the first-line cut) of batches of 4 and of 1.
    from mtqa.translate.base import Request

    reqs = [Request(s, "zh", "en") for s in SOURCES[:-1]]
    raw4 = tr.generate(reqs)
    tr.batch_size = 1
    raw1 = tr.generate(reqs)
    assert [g.text for g in raw4] == [g.text for g in raw1]
    assert [g.tokens for g in raw4] == [g.tokens for g in raw1]
    assert any(g.text.strip() for g in raw4)


def test_causal_prompt_uses_chat_template_with_examples_and_terms(causal_dir):
    from mtqa.translate.base import Request
    from mtqa.translate.glossary import Glossary

    tr = TransformersTranslator(model=str(causal_dir), device="cpu", glossary=Glossary.default())
    prompt = tr._prompt(Request("扎帕罗夫表示欢迎。", "zh", "en", (("扎帕罗夫", "Japarov"),)))
    assert prompt.startswith("<|im_start|>system\nYou are a professional news translator")
    assert prompt.count("<|im_start|>user") == 4 and "扎帕罗夫 = Japarov" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    assert tr.tokenizer.padding_side == "left"


def test_model_errors_are_one_line(tmp_path, causal_dir):
    with pytest.raises(ModelError, match="failed to load"):
        TransformersTranslator(model=str(tmp_path / "missing-model"), device="cpu")
    bare = build_causal(tmp_path, chat_template=False)
    with pytest.raises(ModelError, match="without a chat template"):
        TransformersTranslator(model=str(bare), device="cpu")
    with pytest.raises(ModelError, match="unknown dtype"):
        TransformersTranslator(model=str(causal_dir), device="cpu", dtype="int3")


def test_cli_translate_with_transformers_engine(marian_dir, tmp_path):
    inp = tmp_path / "in.zh"
    inp.write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    out = tmp_path / "out.en"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mtqa",
            "translate",
            "-s",
            "zh",
            "-t",
            "en",
            "-i",
            str(inp),
            "-o",
            str(out),
            "--engine",
            "transformers",
            "--model",
            str(marian_dir),
            "--device",
            "cpu",
            "--batch-size",
            "2",
            "--no-cache",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(SOURCES)


@pytest.mark.gpu
@pytest.mark.skipif(not CUDA, reason="needs CUDA")
@pytest.mark.parametrize("kind", ["marian", "causal"])
def test_gpu_batches_match_cpu_lengths(kind, marian_dir, causal_dir):
    model_dir = marian_dir if kind == "marian" else causal_dir
    tr, gpu = _translate(model_dir, batch_size=4, device="cuda")
    assert tr.dtype in (torch.bfloat16, torch.float16)
    assert next(tr.model.parameters()).device.type == "cuda"
    assert len(gpu) == len(SOURCES) and all("\n" not in r.text for r in gpu)


def test_gpu_request_without_cuda_is_a_clean_error():
    if CUDA:
        pytest.skip("CUDA present")
    from mtqa.translate import get_translator

    with pytest.raises(ModelError, match="no CUDA device"):
        get_translator("transformers", device="cuda")

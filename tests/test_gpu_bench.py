"""The GPU benchmark script and the GGUF architecture file it reads (CPU smoke test)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_packaged_arch_file_matches_the_notes():
    arch = json.loads((ROOT / "configs/qwen2.5-coder-1.5b-instruct.arch.json").read_text())
    assert arch["architecture"] == "qwen2"
    assert (arch["num_hidden_layers"], arch["hidden_size"]) == (28, 1536)  # as measured in engines.md


def test_bench_gpu_runs_on_cpu_with_a_small_architecture(tmp_path):
    arch = {
        "vocab_size": 512,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 512,
        "rope_theta": 10000.0,
        "rms_norm_eps": 1e-6,
    }
    (tmp_path / "arch.json").write_text(json.dumps(arch))
    out = tmp_path / "gpu.json"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/bench_gpu.py"),
            "--arch",
            str(tmp_path / "arch.json"),
            "--device",
            "cpu",
            "--batch-sizes",
            "1,4",
            "--prompt-tokens",
            "16",
            "--new-tokens",
            "5",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert [row["batch_size"] for row in report["rows"]] == [1, 4]
    assert all(row["new_tokens_per_seq"] == 5 and row["tokens_per_s"] > 0 for row in report["rows"])

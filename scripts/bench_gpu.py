"""GPU throughput of the transformers engine's batched generation, on the packaged model's
architecture with random weights (the real weights cannot travel to the GPU machine).

Builds a Qwen2 causal LM from the architecture JSON written by ``scripts/gguf_arch.py`` (read
from the GGUF metadata), puts it on the device in bf16 (fp32 on CPU), and for each batch size
generates a fixed number of new tokens (EOS disabled) from prompts of a fixed length, left
padded, as the engine does. Reports generated tokens/s and seconds per sequence.

Usage (GPU):  python scripts/bench_gpu.py --device cuda --out results/gpu_throughput.json
Smoke (CPU):  python scripts/bench_gpu.py --device cpu --layers 1 --batch-sizes 1,2 --new-tokens 4
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_model(arch: dict, device: str, layers: int | None, dtype):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(
        vocab_size=arch["vocab_size"],
        hidden_size=arch["hidden_size"],
        intermediate_size=arch["intermediate_size"],
        num_hidden_layers=layers or arch["num_hidden_layers"],
        num_attention_heads=arch["num_attention_heads"],
        num_key_value_heads=arch["num_key_value_heads"],
        max_position_embeddings=arch["max_position_embeddings"],
        rope_theta=arch["rope_theta"],
        rms_norm_eps=arch["rms_norm_eps"],
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    with torch.device(device):
        model = Qwen2ForCausalLM(config).to(dtype)
    return model.eval(), config


def run(args) -> dict:
    import torch

    arch = json.loads(Path(args.arch).read_text())
    dtype = torch.bfloat16 if args.device == "cuda" else torch.float32
    t = time.perf_counter()
    model, config = build_model(arch, args.device, args.layers, dtype)
    build_s = time.perf_counter() - t
    rows = []
    for bs in [int(x) for x in args.batch_sizes.split(",")]:
        ids = torch.randint(100, config.vocab_size - 100, (bs, args.prompt_tokens), device=args.device)
        mask = torch.ones_like(ids)
        mask[:, : args.prompt_tokens // 4] = 0  # a quarter left padding, as in a length-sorted batch
        kw = dict(
            attention_mask=mask,
            max_new_tokens=args.new_tokens,
            min_new_tokens=args.new_tokens,
            do_sample=False,
            pad_token_id=0,
            eos_token_id=None,
        )
        with torch.inference_mode():
            model.generate(
                ids[:, :8], attention_mask=mask[:, :8], max_new_tokens=2, do_sample=False, pad_token_id=0
            )  # warm-up
            if args.device == "cuda":
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            t = time.perf_counter()
            out = model.generate(ids, **kw)
            if args.device == "cuda":
                torch.cuda.synchronize()
            secs = time.perf_counter() - t
        new = (out.shape[1] - ids.shape[1]) * bs
        row = {
            "batch_size": bs,
            "prompt_tokens": args.prompt_tokens,
            "new_tokens_per_seq": args.new_tokens,
            "seconds": round(secs, 3),
            "tokens_per_s": round(new / secs, 1),
            "seconds_per_sequence": round(secs / bs, 4),
        }
        if args.device == "cuda":
            row["peak_gpu_mem_gb"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
    dev = torch.cuda.get_device_name(0) if args.device == "cuda" else platform.processor() or platform.machine()
    return {
        "command": "python scripts/bench_gpu.py "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "out" and v is not None),
        "device": dev,
        "dtype": str(dtype).replace("torch.", ""),
        "architecture": arch,
        "layers_used": config.num_hidden_layers,
        "build_seconds": round(build_s, 2),
        "torch": torch.__version__,
        "weights": "random (same architecture as the packaged GGUF)",
        "rows": rows,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--arch", default=str(ROOT / "configs/qwen2.5-coder-1.5b-instruct.arch.json"))
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--layers", type=int, default=None, help="override the layer count (smoke tests)")
    ap.add_argument("--batch-sizes", default="1,8,32,64")
    ap.add_argument("--prompt-tokens", type=int, default=256)
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    report = run(args)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(json.dumps(report, indent=2) + "\n")
        tmp.replace(args.out)


if __name__ == "__main__":
    main()

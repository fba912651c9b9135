"""Read a GGUF model's architecture from its metadata into a small JSON file.

The JSON (a few hundred bytes) travels where the 1.1 GB GGUF cannot, e.g. to a GPU machine
without registry access, and ``scripts/bench_gpu.py`` builds the same architecture there with
random weights.

Usage: python scripts/gguf_arch.py [--model default] [--out configs/qwen2.5-coder-1.5b-instruct.arch.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mtqa.io import atomic_write
from mtqa.translate.models import resolve_gguf

ROOT = Path(__file__).resolve().parents[1]


def read_arch(path: Path) -> dict:
    from gguf import GGUFReader

    reader = GGUFReader(str(path))

    def field(name: str):
        f = reader.fields.get(name)
        if f is None:
            return None
        part = f.parts[f.data[0]]
        if f.types and f.types[0].name == "STRING":
            return bytes(part).decode("utf-8")
        return part.tolist()[0] if len(part) == 1 else part.tolist()

    arch = field("general.architecture")
    tokens = reader.fields["tokenizer.ggml.tokens"]
    return {
        "source": path.name,
        "general.name": field("general.name"),
        "architecture": arch,
        "num_hidden_layers": field(f"{arch}.block_count"),
        "hidden_size": field(f"{arch}.embedding_length"),
        "intermediate_size": field(f"{arch}.feed_forward_length"),
        "num_attention_heads": field(f"{arch}.attention.head_count"),
        "num_key_value_heads": field(f"{arch}.attention.head_count_kv"),
        "max_position_embeddings": field(f"{arch}.context_length"),
        "rope_theta": field(f"{arch}.rope.freq_base"),
        "rms_norm_eps": field(f"{arch}.attention.layer_norm_rms_epsilon"),
        "vocab_size": len(tokens.data),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="default")
    ap.add_argument("--out", default=str(ROOT / "configs/qwen2.5-coder-1.5b-instruct.arch.json"))
    args = ap.parse_args()
    arch = read_arch(resolve_gguf(args.model).path)
    atomic_write(args.out, json.dumps(arch, indent=2) + "\n")
    print(json.dumps(arch, indent=2))


if __name__ == "__main__":
    main()

"""``mtqa translate``: line-aligned translation, like sacrebleu's and COMET's files."""

from __future__ import annotations

import sys

import click

from mtqa.cli.options import config_option, progress, quiet_option
from mtqa.config import load_config
from mtqa.document import decode_bytes, read_input_bytes
from mtqa.io import atomic_write, jsonl


@click.command("translate")
@click.option("--src", "-s", "src", type=click.Choice(["zh", "en"]), required=True, help="Source language.")
@click.option("--tgt", "-t", "tgt", type=click.Choice(["zh", "en"]), required=True, help="Target language.")
@click.option(
    "-i", "--input", "input_path", type=click.Path(dir_okay=True), default=None, help="Input file (default: stdin)."
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Output file (default: stdout).",
)
@click.option("--engine", default=None, help="auto, llama-cpp, small or transformers (default: config).")
@click.option("--model", default=None, help="Packaged name, .gguf path, model folder or hub id.")
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None, help="Where to run (default: config)."
)
@click.option(
    "--batch-size", "--batch_size", "batch_size", type=click.IntRange(1), default=None, help="Sequences per batch."
)
@click.option(
    "--glossary", "glossary_files", multiple=True, type=click.Path(dir_okay=False), help="Extra zh<TAB>en glossary."
)
@click.option("--no-glossary", is_flag=True, help="Do not give the model glossary terms.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the translation cache.")
@click.option(
    "--to-json",
    "--to_json",
    "to_json",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write one JSON object per line with the output checks (JSONL).",
)
@config_option
@quiet_option
def command(
    src,
    tgt,
    input_path,
    output_path,
    engine,
    model,
    device,
    batch_size,
    glossary_files,
    no_glossary,
    no_cache,
    to_json,
    config_path,
    quiet,
) -> None:
    """Translate lines from SRC to TGT: exactly one output line per input line."""
    if src == tgt:
        raise click.UsageError("--src and --tgt must differ")
    config = load_config(config_path)
    if input_path is None:
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        from pathlib import Path

        data, name = read_input_bytes(Path(input_path)), input_path
    text, _, _ = decode_bytes(data, name)
    lines = text.splitlines()
    from mtqa.translate.factory import translator_from_config

    translator = translator_from_config(
        config,
        quiet=quiet,
        engine=engine,
        model=model,
        device=device,
        batch_size=batch_size,
        glossary=False if no_glossary else None,
        glossary_files=list(config["translate"]["glossary_files"]) + list(glossary_files) or None,
        cache=False if no_cache else None,
    )
    bar = progress(None, total=len(lines), desc=f"translate {src}->{tgt}", quiet=quiet or len(lines) < 2, unit="line")
    try:
        results = translator.translate(lines, src, tgt, progress=bar.update)
    finally:
        bar.close()
        translator.close()
    out = "".join(r.text.replace("\n", " ") + "\n" for r in results)
    if output_path:
        atomic_write(output_path, out)
    else:
        click.echo(out, nl=False)
    if to_json:
        atomic_write(to_json, jsonl(r.to_dict() for r in results))
    failed = sum(1 for r in results if r.flags)
    if not quiet:
        cached = sum(1 for r in results if r.cached)
        click.echo(f"mtqa: {len(results)} lines, {cached} from cache, {failed} still failing checks", err=True)

"""``mtqa score``: sacrebleu scores of a line-aligned hypothesis file against a reference file."""

from __future__ import annotations

import json

import click

from mtqa.document import read_text_file
from mtqa.errors import InputError


@click.command("score")
@click.argument("hyp", type=click.Path(dir_okay=True))
@click.argument("ref", type=click.Path(dir_okay=True))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Reference language (default: by script).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(hyp: str, ref: str, lang: str | None, fmt: str) -> None:
    """Corpus BLEU, chrF and TER of HYP against REF (one segment per line), with signatures."""
    from mtqa.score import score_files

    hyps = read_text_file(hyp)[0].splitlines()
    refs = read_text_file(ref)[0].splitlines()
    if not refs or not any(r.strip() for r in refs):
        raise InputError(f"{ref}: reference file is empty")
    if len(hyps) != len(refs):
        raise InputError(f"{hyp} has {len(hyps)} lines but {ref} has {len(refs)}: files must be line-aligned")
    result = score_files(hyps, refs, lang)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for m in ("bleu", "chrf", "ter"):
        click.echo(f"{m.upper():5} {result[m]:6.2f}  {result['signatures'][m]}")

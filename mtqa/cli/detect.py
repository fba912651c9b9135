"""``mtqa detect``: flag corrupted and half-translated spans."""

from __future__ import annotations

import click

from mtqa.cli.options import config_option, progress, quiet_option
from mtqa.config import load_config
from mtqa.detect import Detector
from mtqa.document import expand_refs, load_document, require_text
from mtqa.errors import InputError
from mtqa.io import atomic_write
from mtqa.report.spans import spans_jsonl, spans_table, spans_tsv


@click.command("detect")
@click.argument("docs", nargs=-1)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "tsv"]),
    default="table",
    show_default=True,
    help="table for people; jsonl / tsv for machines (one span per line, document order).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
@config_option
@quiet_option
def command(docs: tuple[str, ...], fmt: str, output: str | None, config_path: str | None, quiet: bool) -> None:
    """Detect corrupted spans in DOCS (paths, folders, globs or embedded ids; default: 002)."""
    config = load_config(config_path)
    detector = Detector(config)
    refs = expand_refs(docs or ("002",))
    parts: list[str] = []
    total = 0
    failed: list[InputError] = []
    header = True  # the TSV header goes before the first document that could be read
    for ref in progress(refs, desc="detect", quiet=quiet or len(refs) < 2, unit="doc"):
        try:
            doc = require_text(load_document(ref), ref)
        except InputError as exc:
            if len(refs) == 1:
                raise
            click.echo(f"mtqa: error: {exc}", err=True)  # one document's fault: the others go on
            failed.append(exc)
            continue
        det = detector.detect(doc.text)
        total += len(det.spans)
        if fmt == "jsonl":
            parts.append(spans_jsonl(doc.doc_id, det))
        elif fmt == "tsv":
            parts.append(spans_tsv(doc.doc_id, det, header=header))
            header = False
        else:
            parts.append(spans_table(doc.doc_id, det, doc.source, doc.encoding))
        if output is None:
            click.echo(parts.pop(), nl=False)
    if output is not None:
        atomic_write(output, "".join(parts))
        if not quiet:
            click.echo(f"mtqa: {total} spans in {len(refs) - len(failed)} document(s) -> {output}", err=True)
    if failed:
        raise InputError(f"{len(failed)} of {len(refs)} documents could not be checked; first: {failed[0]}")

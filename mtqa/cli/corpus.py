"""``mtqa corpus``: list the embedded documents."""

from __future__ import annotations

import click

from mtqa.config import default_config
from mtqa.detect.base import DocContext
from mtqa.document import embedded_ids, load_document


@click.command("corpus")
def command() -> None:
    """List the embedded corpus documents (usable anywhere a DOC is expected)."""
    cfg = default_config()
    click.echo(f"{'id':4} {'chars':>6}  {'dominant':9} file")
    for doc_id in embedded_ids():
        doc = load_document(doc_id)
        dom = DocContext(doc.text, cfg).dominance
        lang = dom.language or "mixed"
        click.echo(f"{doc_id:4} {len(doc.text):>6}  {lang:9} {doc.source.split(':', 1)[1]}")

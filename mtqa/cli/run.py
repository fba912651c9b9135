"""``mtqa run``: detect, repair, align, score and report, per document."""

from __future__ import annotations

from pathlib import Path

import click

from mtqa.cli.options import config_option, quiet_option
from mtqa.config import load_config
from mtqa.document import expand_refs, load_document
from mtqa.io import check_writable_dir


@click.command("run")
@click.argument("docs", nargs=-1)
@click.option(
    "--out", "-o", "out", type=click.Path(file_okay=False), default=None, help="Output folder (default: mtqa-out)."
)
@click.option(
    "--refs",
    "-r",
    "refs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Clean reference documents (default: the other embedded documents).",
)
@click.option("--engine", default=None, help="auto, llama-cpp, small or transformers (default: config).")
@click.option("--model", default=None, help="Packaged name, .gguf path, model folder or hub id.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default=None, help="Where to run the MT model.")
@click.option("--batch-size", "--batch_size", "batch_size", type=click.IntRange(1), default=None)
@click.option("--no-glossary", is_flag=True, help="Do not give the model glossary terms.")
@click.option("--force", is_flag=True, help="Redo documents whose outputs are already complete.")
@config_option
@quiet_option
def command(docs, out, refs, engine, model, device, batch_size, no_glossary, force, config_path, quiet) -> None:
    """Repair DOCS (paths, folders, globs or embedded ids; default: 002) and write QA score sheets.

    Each document gets DIR/<doc-id>/ with spans.jsonl, passages.jsonl, sheet.csv,
    summary.json, report.html and <doc-id>.repaired.txt. A re-run skips finished documents
    and re-uses cached translations.
    """
    config = load_config(config_path)
    out_dir = check_writable_dir(Path(out or config["run"]["out"]))
    paths = expand_refs(docs or ("002",))
    documents = [load_document(p) for p in paths]  # all inputs checked before any model loads
    from mtqa.pipeline import Pipeline
    from mtqa.translate.factory import translator_from_config

    overrides = {
        "engine": engine,
        "model": model,
        "device": device,
        "batch_size": batch_size,
        "glossary": False if no_glossary else None,
    }
    label = f"{engine or config['translate']['engine']}:{model or config['translate']['model']}:{not no_glossary}"
    pipe = Pipeline(config, lambda: translator_from_config(config, quiet=quiet, **overrides), list(refs) or None, label)
    if refs:
        pipe.references(documents[0])  # fail fast on empty or unreadable --refs files
    from tqdm.auto import tqdm

    seen: set[str] = set()
    try:
        docs_bar = tqdm(documents, desc="documents", unit="doc", disable=quiet or len(documents) < 2, leave=False)
        for doc in docs_bar:
            from mtqa.pipeline import safe_name

            if safe_name(doc.doc_id) in seen:
                raise click.UsageError(f"two documents map to the same output folder '{safe_name(doc.doc_id)}'")
            seen.add(safe_name(doc.doc_id))
            if not doc.text.strip():
                if not quiet:
                    click.echo(f"mtqa: warning: {doc.source}: empty document, skipped", err=True)
                continue
            bar = tqdm(total=0, desc=f"{doc.doc_id} passages", unit="step", disable=quiet, leave=False)

            def update(done: int, total: int, bar=bar) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            outcome = pipe.run_document(doc, out_dir, force=force, progress=update)
            bar.close()
            s = outcome.summary
            state = "already done" if outcome.skipped else f"{s['timings_s']['total']:.0f}s"
            click.echo(
                f"{s['doc']}: {s['spans']} spans, {s['passages']} passages, {s['aligned']} aligned "
                f"(chrF {s['mean_chrf_before']} -> {s['mean_chrf_after']}), "
                f"{s['remaining_spans']} spans left ({s['remaining_ratio']:.0%}) -> {outcome.folder}/ [{state}]"
            )
    finally:
        pipe.close()

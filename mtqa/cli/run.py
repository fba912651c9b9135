"""``mtqa run``: detect, repair, align, score and report, per document; an index across them."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from mtqa.cli.options import config_option, quiet_option
from mtqa.config import load_config
from mtqa.document import expand_refs
from mtqa.io import check_writable_dir


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (progress bars and tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def setup_logging(quiet: bool) -> None:
    """mtqa's library loggers to stderr: warnings and errors, errors only with ``--quiet``."""
    logger = logging.getLogger("mtqa")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("mtqa: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.ERROR if quiet else logging.WARNING)


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
@click.option(
    "--qe",
    "qe_level",
    type=click.Choice(["off", "fast", "full"]),
    default=None,
    help="Reference-free quality estimate of every passage: fast (no LM), full (+ LM log-probabilities), off.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Process documents on Ray with N workers, each holding one model (needs: pip install 'mtqa[ray]').",
)
@click.option(
    "--address",
    default=None,
    help="Use the Ray cluster at ADDR (e.g. auto, ray://head:10001) instead of starting a local one.",
)
@click.option(
    "--gpus-per-worker",
    type=click.FloatRange(0),
    default=None,
    help="GPUs each Ray worker reserves (1: a GPU of its own; implies --device cuda).",
)
@config_option
@quiet_option
def command(
    docs,
    out,
    refs,
    engine,
    model,
    device,
    batch_size,
    no_glossary,
    force,
    qe_level,
    workers,
    address,
    gpus_per_worker,
    config_path,
    quiet,
) -> None:
    """Repair DOCS (paths, folders, globs or embedded ids; default: 002) and write QA score sheets.

    Each document gets DIR/<doc-id>/ with spans.jsonl, passages.jsonl, sheet.csv,
    summary.json, report.html and <doc-id>.repaired.txt; DIR/index.csv and DIR/index.html
    sum them up. A re-run skips finished documents and re-uses cached translations. A
    document that cannot be processed is recorded as failed (exit 3) and the others go on.
    With --workers N (N > 1) or --address, documents are processed on Ray.
    """
    from mtqa.batch import (
        BatchFailed,
        SequentialExecutor,
        duplicate_folders,
        import_ray,
        make_spec,
        ray_executor,
        run_batch,
    )

    setup_logging(quiet)
    use_ray = address is not None or (workers or 1) > 1
    if gpus_per_worker and not use_ray:
        raise click.UsageError("--gpus-per-worker needs --workers N (N > 1) or --address")
    if use_ray:
        import_ray()  # one line, before any work, when Ray is missing
        if gpus_per_worker:
            if device == "cpu":
                raise click.UsageError("--gpus-per-worker with --device cpu: leave out one of them")
            device = "cuda"
        elif device == "cuda":
            raise click.UsageError(
                "--device cuda on Ray needs --gpus-per-worker (Ray hides GPUs from workers that reserve none)"
            )
    config = load_config(config_path)
    from mtqa.translate import check_engine

    check_engine(engine or config["translate"]["engine"])  # exit 5 before any document is read
    if qe_level is not None:
        config["qe"]["level"] = qe_level
    out_dir = check_writable_dir(Path(out or config["run"]["out"]))
    paths = expand_refs(docs or ("002",))
    for name, a, b in duplicate_folders(paths):
        raise click.UsageError(f"two documents map to the same output folder '{name}': {a} and {b}")

    from tqdm.auto import tqdm

    spec = make_spec(
        config,
        out_dir,
        engine=engine,
        model=model,
        device=device,
        batch_size=batch_size,
        no_glossary=no_glossary,
        refs=tuple(refs),
        force=force,
        quiet=quiet,
    )
    if use_ray:
        executor = ray_executor(spec, workers or 1, address, gpus_per_worker or 0.0)
    else:

        def doc_progress(doc_id: str):
            bar = tqdm(total=0, desc=f"{doc_id} passages", unit="step", disable=quiet, leave=False)

            def update(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            return update, bar.close

        executor = SequentialExecutor(spec, doc_progress)

    docs_bar = tqdm(total=len(paths), desc="documents", unit="doc", disable=quiet or len(paths) < 2, leave=False)

    def on_result(res) -> None:
        from mtqa.record import DocumentSummary
        from mtqa.report.summary import run_line

        docs_bar.update(1)
        folder = out_dir / Path(res.folder).name
        click.echo(run_line(DocumentSummary.from_json(json.loads(res.summary)), folder, res.skipped))

    try:
        report = run_batch(paths, executor, on_result)
    finally:
        docs_bar.close()
    if use_ray and not quiet:
        pids = {r.worker for r in report.results if r.worker}
        click.echo(
            f"mtqa: {len(report.results)} documents on Ray: {len(pids)} worker processes, cluster ready in "
            f"{report.startup_s:.1f}s (session {executor.session_dir}), {report.wall_s:.0f}s in all; "
            f"index: {out_dir / 'index.html'}",
            err=True,
        )
    failed = report.failed
    if failed:
        if len(report.results) == 1:
            raise BatchFailed(failed[0].error, failed[0].exit_code or 3)
        raise BatchFailed(
            f"{len(failed)} of {len(report.results)} documents failed (see {out_dir / 'index.csv'}); "
            f"first: {failed[0].error}"
        )

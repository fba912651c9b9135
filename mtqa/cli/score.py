"""``mtqa score``: sacrebleu scores of a line-aligned hypothesis file against a reference file,
and/or a reference-free quality estimate (QE) of each line against its source (``--src``)."""

from __future__ import annotations

import json
from typing import Any

import click

from mtqa.cli.options import config_option, quiet_option
from mtqa.document import read_text_file
from mtqa.errors import EXIT_USAGE, InputError, MtqaError


class LineCountError(MtqaError):
    """Files that must be line-aligned are not (exit 2, as sacrebleu)."""

    exit_code = EXIT_USAGE


def _lines(path: str) -> list[str]:
    return read_text_file(path)[0].splitlines()


@click.command("score")
@click.argument("hyp", type=click.Path(dir_okay=True))
@click.argument("ref", type=click.Path(dir_okay=True), required=False)
@click.option("--src", "src_path", type=click.Path(dir_okay=True), default=None, help="Source file: add a QE score.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Reference language (default: by script).")
@click.option(
    "-s", "--src-lang", type=click.Choice(["zh", "en"]), default=None, help="Source language (default: by script)."
)
@click.option(
    "-t", "--tgt-lang", type=click.Choice(["zh", "en"]), default=None, help="HYP language (default: by script)."
)
@click.option(
    "--qe",
    "qe_level",
    type=click.Choice(["fast", "full"]),
    default=None,
    help="QE level: fast (text features, detector, sentence encoder) or full (+ LM log-probabilities); "
    "default: qe.level of the config (fast).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text / json: corpus scores (QE: mean over lines); jsonl: one object per HYP line.",
)
@config_option
@quiet_option
def command(
    hyp: str,
    ref: str | None,
    src_path: str | None,
    lang: str | None,
    src_lang: str | None,
    tgt_lang: str | None,
    qe_level: str | None,
    fmt: str,
    config_path: str | None,
    quiet: bool,
) -> None:
    """Score HYP (one segment per line): corpus BLEU, chrF and TER against REF, with
    signatures, and/or with --src SRC a reference-free quality estimate (qe, 0-100, higher is
    better) of each line against its source line."""
    from mtqa.score import language_of, score_files, sentence_scores

    if ref is None and src_path is None:
        raise click.UsageError("give a reference file REF, a source file --src SRC, or both")
    hyps = _lines(hyp)
    refs: list[str] | None = None
    if ref is not None:
        refs = _lines(ref)
        if not refs or not any(r.strip() for r in refs):
            raise InputError(f"{ref}: reference file is empty")
        if len(hyps) != len(refs):
            raise LineCountError(f"{hyp} has {len(hyps)} lines but {ref} has {len(refs)}: files must be line-aligned")
    result: dict[str, Any] = score_files(hyps, refs, lang) if refs is not None else {"lines": len(hyps)}
    per_line: list[dict[str, Any]] = [{"line": i + 1} for i in range(len(hyps))]
    if src_path is not None:
        srcs = _lines(src_path)
        if len(srcs) != len(hyps):
            raise LineCountError(
                f"{hyp} has {len(hyps)} lines but {src_path} has {len(srcs)}: files must be line-aligned"
            )
        s_lang = src_lang or language_of("\n".join(srcs))
        t_lang = tgt_lang or language_of("\n".join(hyps))
        qe = _estimate(srcs, hyps, s_lang, t_lang, qe_level, config_path, quiet)
        for d, r in zip(per_line, qe, strict=True):
            d.update(r.to_json())
        mean = sum(r.qe for r in qe) / len(qe) if qe else None
        result.update(
            {
                "src_lang": s_lang,
                "tgt_lang": t_lang,
                "qe": round(mean, 2) if mean is not None else None,
                "qe_level": qe[0].level if qe else qe_level,
                "qe_notes": sorted({n for r in qe for n in r.notes}),
            }
        )
    if fmt == "jsonl":
        if refs is not None:
            r_lang = result["lang"]
            for d, h, r in zip(per_line, hyps, refs, strict=True):
                d.update(sentence_scores(h, r, r_lang).to_json())
        click.echo("\n".join(json.dumps(d, ensure_ascii=False) for d in per_line))
        return
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if src_path is not None:
        where = f"mean of {len(hyps)} lines; {result['src_lang']}->{result['tgt_lang']}; level {result['qe_level']}"
        qe_text = "   n/a" if result["qe"] is None else f"{result['qe']:6.2f}"
        click.echo(f"QE    {qe_text}  ({where})")
        for note in result["qe_notes"]:
            click.echo(f"      note: {note}")
    if refs is not None:
        for m in ("bleu", "chrf", "ter"):
            click.echo(f"{m.upper():5} {result[m]:6.2f}  {result['signatures'][m]}")


def _estimate(srcs, hyps, s_lang, t_lang, level, config_path, quiet):
    from mtqa.cli.options import progress
    from mtqa.config import load_config
    from mtqa.qe import QualityEstimator

    config = load_config(config_path)
    level = level or config["qe"]["level"]
    if level == "off":  # --src asks for an estimate: the configured "off" (for runs) means fast here
        level = "fast"
    est = QualityEstimator(level, config=config)
    try:
        bar = progress(None, total=len(hyps), desc=f"qe ({level})", quiet=quiet or len(hyps) < 20, unit="line")
        with bar:
            return est.bilingual(srcs, hyps, s_lang, t_lang, progress=bar.update)
    finally:
        est.close()

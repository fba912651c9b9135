"""The ``mtqa`` command line: one module per command, errors on one line.

Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 bad config, 5 model/engine,
6 output not writable, 130 interrupted.
"""

from __future__ import annotations

import os
import sys

import click

from mtqa import __version__
from mtqa.errors import EXIT_INTERRUPTED, EXIT_USAGE, MtqaError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mtqa")
def cli() -> None:
    """Find, repair and score corrupted spans in machine-translated zh/en text.

    Documents are paths or ids of the embedded corpus (see `mtqa corpus`).
    """


def _register() -> None:
    from mtqa.cli import corpus, detect

    for mod in (corpus, detect):
        cli.add_command(mod.command)
    for name in ("translate", "score", "run", "report"):
        try:
            mod = __import__(f"mtqa.cli.{name}", fromlist=["command"])
        except ModuleNotFoundError:
            continue
        cli.add_command(mod.command)


_register()


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every user-caused error into one stderr line."""
    import signal

    # kill (SIGTERM) unwinds like Ctrl-C: temporary files are removed, nothing is half-written.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(args=argv, prog_name="mtqa", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(EXIT_USAGE)
    except click.UsageError as exc:
        hint = f"Try 'mtqa {exc.ctx.command.name} --help'." if exc.ctx and exc.ctx.parent else "Try 'mtqa --help'."
        click.echo(f"mtqa: usage error: {exc.format_message()} {hint}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"mtqa: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except MtqaError as exc:
        click.echo(f"mtqa: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.Abort):
        click.echo("mtqa: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # the last line of defence against tracebacks
        if os.environ.get("MTQA_DEBUG"):
            raise
        msg = " ".join(str(exc).split())
        click.echo(f"mtqa: internal error: {type(exc).__name__}: {msg} (set MTQA_DEBUG=1 for a traceback)", err=True)
        sys.exit(1)

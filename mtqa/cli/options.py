"""Options shared by several commands."""

from __future__ import annotations

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="YAML file merged over the default configuration.",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress or summaries on stderr.")


def progress(iterable, total: int | None = None, desc: str = "", quiet: bool = False, unit: str = "it"):
    """A progress bar on stderr (tqdm), silent with ``--quiet``."""
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, disable=quiet, unit=unit, leave=False, file=None)

"""Error types and the exit codes the CLI maps them to.

Every error a user can cause is one of these; the CLI prints ``mtqa: error: <message>``
on one line and exits with the class's code, never with a traceback.
"""

from __future__ import annotations

EXIT_USAGE = 2  # click's own code for bad flags and arguments
EXIT_INPUT = 3  # a document, reference or hypothesis file cannot be used
EXIT_CONFIG = 4  # a --config file is broken
EXIT_MODEL = 5  # unknown engine, missing or corrupt model, model failed to load
EXIT_OUTPUT = 6  # an output path cannot be written
EXIT_INTERRUPTED = 130


class MtqaError(Exception):
    """Base class: a problem the user can fix, reported on one line."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class InputError(MtqaError):
    exit_code = EXIT_INPUT


class ConfigError(MtqaError):
    exit_code = EXIT_CONFIG


class ModelError(MtqaError):
    exit_code = EXIT_MODEL


class OutputError(MtqaError):
    exit_code = EXIT_OUTPUT

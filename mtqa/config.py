"""Configuration: the packaged ``default.yaml`` merged with a user's ``--config`` file.

The default file is also the schema: a user file may only use keys it has, with values of
the same type (ints are accepted where floats are expected). Errors name the key.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mtqa.errors import ConfigError

Config = dict[str, Any]


@cache
def _defaults() -> Config:
    text = resources.files("mtqa.data").joinpath("default.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def default_config() -> Config:
    """A fresh copy of the packaged defaults."""
    return copy.deepcopy(_defaults())


def load_config(path: str | Path | None = None) -> Config:
    """Defaults, merged with the YAML file at ``path`` if given."""
    cfg = default_config()
    if path is None:
        return cfg
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: config file not found" if not p.exists() else f"{p}: not a file")
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read config ({exc})") from None
    try:
        user = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{p}: invalid YAML{where}: {problem}") from None
    if user is None:
        return cfg
    if not isinstance(user, dict):
        raise ConfigError(f"{p}: a config must be a mapping of keys, not {type(user).__name__}")
    return merge(cfg, user, source=str(p))


def merge(base: Config, override: Config, source: str = "config", prefix: str = "") -> Config:
    """Deep-merge ``override`` into ``base`` (in place), validating keys and types."""
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in base:
            known = ", ".join(sorted(map(str, base)))
            raise ConfigError(f"{source}: unknown key '{dotted}' (known here: {known})")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: '{dotted}' must be a mapping")
            merge(current, value, source, dotted + ".")
        else:
            base[key] = _check_type(value, current, dotted, source)
    return base


def _check_type(value: Any, default: Any, key: str, source: str) -> Any:
    if default is None:
        return value
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, list):
        ok = isinstance(value, list)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"{source}: '{key}' must be {type(default).__name__}, got {type(value).__name__} {value!r}")
    return value

"""Build a translator from the ``translate`` section of the config (plus CLI overrides)."""

from __future__ import annotations

from typing import Any

from mtqa.config import Config
from mtqa.translate import get_translator
from mtqa.translate.base import Translator
from mtqa.translate.cache import TranslationCache
from mtqa.translate.glossary import Glossary
from mtqa.translate.models import cache_dir


def translator_from_config(config: Config, quiet: bool = True, **overrides: Any) -> Translator:
    """A translator as the config says; ``overrides`` (engine, model, device, batch_size,
    glossary_files, glossary, cache) replace config values when not ``None``."""
    tc = dict(config["translate"])
    for key, value in overrides.items():
        if value is not None:
            tc[key] = value
    glossary = Glossary.load(tc["glossary_files"]) if tc["glossary"] else None
    cache = TranslationCache(cache_dir() / "translations.sqlite") if tc["cache"] else None
    engine = tc["engine"]
    kwargs: dict[str, Any] = {
        "model": tc["model"],
        "glossary": glossary,
        "cache": cache,
        "batch_size": tc["batch_size"],
        "max_tokens": tc["max_tokens"],
        "retry": tc["retry"],
        "quiet": quiet,
    }
    translator = get_translator(engine, device=tc["device"], **kwargs, **_engine_kwargs(engine, tc))
    return translator


def _engine_kwargs(engine: str, tc: dict[str, Any]) -> dict[str, Any]:
    from mtqa.translate import resolve_device, resolve_engine

    name = resolve_engine(engine, resolve_device(tc["device"]))
    if name == "transformers":
        return {"dtype": tc["dtype"], "max_batch_tokens": tc["max_batch_tokens"]}
    return {"n_threads": tc["threads"] or None}

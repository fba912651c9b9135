"""Chat prompts for decoder-only MT: a system instruction, a few example pairs from the clean
parallel document 000, the glossary entries that occur in the passage, then the passage.

The system instruction and the examples are the same for every passage of a direction, so
llama.cpp reuses their evaluated prefix from one call to the next.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

PROMPT_VERSION = "mtqa-chat-v1"
LANG_NAMES = {"zh": "Simplified Chinese", "en": "English"}

SYSTEM = (
    "You are a professional news translator. Translate the user's {src} text into {tgt}. "
    "Reply with the translation only, on one line, with no notes or explanations. "
    "Keep names, numbers and dates exactly as in the source."
)
STRICT = (
    " Your previous reply had a problem: {problem}. Write every word in {tgt}: no {other} "
    "words or characters, nothing left untranslated, nothing added."
)
TERMS = "Use these translations for names and terms: {terms}."


@cache
def parallel_pairs() -> tuple[tuple[str, str, str], ...]:
    """(role, zh, en) rows of the hand-aligned pairs of document 000."""
    text = resources.files("mtqa.data").joinpath("parallel_000.tsv").read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")]
    return tuple((r[0], r[1], r[2]) for r in rows[1:])


def examples(src: str, tgt: str) -> list[tuple[str, str]]:
    """The few-shot example pairs for a direction, as (source, target)."""
    out = []
    for role, zh, en in parallel_pairs():
        if role == "example":
            out.append((zh, en) if src == "zh" else (en, zh))
    return out


def language_name(code: str) -> str:
    return LANG_NAMES.get(code, code)


def build_messages(
    text: str,
    src: str,
    tgt: str,
    terms: list[tuple[str, str]] | None = None,
    problem: str | None = None,
    n_examples: int = 3,
) -> list[dict[str, str]]:
    """Chat messages for one passage."""
    s, t = language_name(src), language_name(tgt)
    system = SYSTEM.format(src=s, tgt=t)
    msgs = [{"role": "system", "content": system}]
    for a, b in examples(src, tgt)[:n_examples]:
        msgs.append({"role": "user", "content": a})
        msgs.append({"role": "assistant", "content": b})
    extra = []
    if terms:
        extra.append(TERMS.format(terms="; ".join(f"{a} = {b}" for a, b in terms)))
    if problem:
        extra.append(STRICT.format(problem=problem, tgt=t, other=s).strip())
    if extra:
        msgs.append({"role": "system", "content": " ".join(extra)})
    msgs.append({"role": "user", "content": text})
    return msgs

"""Chat prompts for decoder-only MT: a system instruction, a few example pairs from the clean
parallel document 000, the glossary entries that occur in the passage, then the passage.

The system instruction and the examples are the same for every passage of a direction, so
llama.cpp reuses their evaluated prefix from one call to the next.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

PROMPT_VERSION = "mtqa-chat-v5"  # bump when prompts or output post-processing change
AUTO = "auto"  # source language of a mixed or damaged passage: the prompt asks for a repair
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
REPAIR = (
    "You repair text from a {tgt} news article that a broken translation pipeline damaged: parts "
    "of it were left in another language, words were cut off or glued across languages, fragments "
    "were repeated. Rewrite the user's text entirely in {tgt} with the meaning it had, fixing cut, "
    "glued and repeated words. Reply with the rewritten text only, on one line."
)
# Damaged passages made from document 000's two halves (mixed halves, cut and glued words),
# with the clean half as the answer.
REPAIR_EXAMPLES = {
    "zh": [
        (
            "会见后,the two heads of state共同见证双方宣布签署农业、海关、科技、媒体等领域多份双边合作文件。",
            "会见后,两国元首共同见证双方宣布签署农业、海关、科技、媒体等领域多份双边合作文件。",
        ),
        (
            "Xi urged the two sides to deepen financial cooperation, 完善互联互通网络,高质量推进中吉乌铁路建设;",
            "深化金融合作;完善互联互通网络,高质量推进中吉乌铁路建设;",
        ),
        ("习近平强调,中吉合作大有可为大有可为。", "习近平强调,中吉合作大有可为。"),
    ],
    "en": [
        (
            "Following the meeting, 两国元首 witnessed the signing of multiple bilateral cooperation documen文件.",
            "Following the meeting, the two heads of state witnessed the signing of multiple bilateral "
            "cooperation documents.",
        ),
        ("习近平强调,中吉合作holds great potential", "Xi says China-Kyrgyzstan cooperation holds great potential"),
        (
            "Xi urged the two sides to deepen financialcooperation, improve connec",
            "Xi urged the two sides to deepen financial cooperation and improve connectivity.",
        ),
    ],
}


@cache
def parallel_pairs() -> tuple[tuple[str, str, str], ...]:
    """(role, zh, en) rows of the hand-aligned pairs of document 000."""
    text = resources.files("mtqa.data").joinpath("parallel_000.tsv").read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")]
    return tuple((r[0], r[1], r[2]) for r in rows[1:])


def examples(src: str, tgt: str) -> list[tuple[str, str]]:
    """The few-shot example pairs for a direction, as (source, target)."""
    if src in (AUTO, tgt):
        return list(REPAIR_EXAMPLES.get(tgt, []))
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
    repair = src in (AUTO, tgt)
    if repair:
        s = "other-language"
    system = REPAIR.format(tgt=t) if repair else SYSTEM.format(src=s, tgt=t)
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

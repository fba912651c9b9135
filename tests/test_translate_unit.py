"""The translation layer's shared logic: glossary, prompts, checks, cache, retries, batching."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from mtqa.document import load_document
from mtqa.translate.base import Generated, Request, Translator
from mtqa.translate.cache import TranslationCache
from mtqa.translate.checks import check_output
from mtqa.translate.glossary import Glossary
from mtqa.translate.hf import token_batches
from mtqa.translate.prompt import build_messages, parallel_pairs


def test_glossary_and_pairs_come_from_the_clean_sources():
    text = load_document("000").text
    zh_half = text[: text.index("Xi says China-Kyrgyzstan")]
    english = "\n".join(load_document(i).text for i in ("000", "001", "003", "004"))
    g = Glossary.default()
    assert len(g) >= 30
    for zh, en in g.pairs:
        assert zh in zh_half and en in english, (zh, en)
    roles = [r for r, _, _ in parallel_pairs()]
    assert roles.count("example") == 3 and roles.count("eval") >= 12
    for _, zh, en in parallel_pairs():
        assert zh in text and en in text


def test_glossary_entries_for_a_passage_longest_first():
    g = Glossary.default()
    got = g.entries_for("吉尔吉斯斯坦在上海合作组织框架内与中吉乌铁路合作。", "zh", "en")
    assert ("上海合作组织", "Shanghai Cooperation Organization (SCO)") in got
    assert ("中吉乌铁路", "China-Kyrgyzstan-Uzbekistan railway") in got
    assert all(zh != "上合组织" for zh, _ in got)
    en = g.entries_for("Japarov met Xi Jinping in Astana.", "en", "zh")
    assert ("Japarov", "扎帕罗夫") in en and ("Astana", "阿斯塔纳") in en
    assert g.entries_for("Nothing here.", "en", "zh") == []


def test_user_glossary_file(tmp_path):
    p = tmp_path / "g.tsv"
    p.write_text("zh\ten\n刘江平\tLiu Jiangping\n", encoding="utf-8")
    g = Glossary.load([p])
    assert ("刘江平", "Liu Jiangping") in g.entries_for("中国驻吉尔吉斯斯坦大使刘江平。", "zh", "en")
    p.write_text("just one column\n", encoding="utf-8")
    from mtqa.errors import InputError

    with pytest.raises(InputError, match="not 'zh<TAB>en'"):
        Glossary.load([p])


def test_prompt_has_instruction_examples_terms_and_text():
    msgs = build_messages("扎帕罗夫表示欢迎。", "zh", "en", [("扎帕罗夫", "Japarov")])
    assert msgs[0]["role"] == "system" and "into English" in msgs[0]["content"]
    assert [m["role"] for m in msgs[1:7]] == ["user", "assistant"] * 3
    assert "扎帕罗夫 = Japarov" in msgs[-2]["content"]
    assert msgs[-1] == {"role": "user", "content": "扎帕罗夫表示欢迎。"}
    strict = build_messages("x", "en", "zh", problem="it left English words in the Chinese")
    assert "previous reply" in strict[-2]["content"] and "English" in strict[-2]["content"]
    # The system instruction and the examples are one fixed prefix per direction.
    assert build_messages("a", "zh", "en")[:7] == build_messages("b", "zh", "en", [("x", "y")])[:7]


@pytest.mark.parametrize(
    ("source", "output", "src", "tgt", "finish", "expected"),
    [
        ("中吉合作大有可为。", "China-Kyrgyzstan cooperation holds great potential.", "zh", "en", "stop", []),
        ("中吉合作大有可为。", "", "zh", "en", "stop", ["empty"]),
        ("中吉合作大有可为。", "The 轮值主席 rotates.", "zh", "en", "stop", ["han_in_english"]),
        ("We welcome SCO cooperation.", "我们欢迎SCO合作。", "en", "zh", "stop", []),
        ("We welcome cooperation.", "我们欢迎 customs 合作。", "en", "zh", "stop", ["latin_in_chinese"]),
        ("中吉合作大有可为，两国关系处于历史最好时期。", "Yes.", "zh", "en", "stop", ["too_short"]),
        ("好。", "Good " * 60, "zh", "en", "length", ["runaway"]),
        (
            "中吉两国合作大有可为，前景广阔。",
            "中吉两国合作大有可为，前景广阔。",
            "zh",
            "en",
            "stop",
            ["copied_source", "han_in_english"],
        ),
    ],
)
def test_output_checks(source, output, src, tgt, finish, expected):
    assert check_output(source, output, src, tgt, finish) == expected


def test_token_batches_sort_by_length_and_respect_budgets():
    lengths = [5, 50, 7, 48, 6, 100]
    batches = token_batches(lengths, max_items=3, max_tokens=120)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert batches[0] == [5]  # 100 alone: a second item would need 200 padded tokens
    for b in batches:
        assert len(b) <= 3
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 120
        assert [lengths[i] for i in b] == sorted((lengths[i] for i in b), reverse=True)


class ScriptedEngine(Translator):
    """A stand-in engine that returns scripted outputs, to test the shared logic."""

    name = "scripted"

    def __init__(self, outputs: dict[tuple[str, bool], str], **kw):
        super().__init__(**kw)
        self.outputs = outputs
        self.calls: list[Request] = []

    @property
    def model_id(self) -> str:
        return "scripted-v1"

    def generate(self, requests: Sequence[Request]) -> list[Generated]:
        self.calls.extend(requests)
        return [Generated(self.outputs[(r.text, r.problem is not None)], 5) for r in requests]


def test_retry_with_stricter_instruction_and_flags_kept_when_still_failing(tmp_path):
    outputs = {
        ("中吉合作大有可为。", False): "China-Kyrgyzstan 合作 holds potential.",
        ("中吉合作大有可为。", True): "China-Kyrgyzstan cooperation holds great potential.",
        ("扎帕罗夫表示欢迎。", False): "扎帕罗夫 welcomed it.",
        ("扎帕罗夫表示欢迎。", True): "扎帕罗夫 said welcome.",
        ("扎帕罗夫", False): "Japarov",  # the leftover stretch, translated on its own
        ("好的。", False): "Fine.\nNote: this is a translation.",
    }
    eng = ScriptedEngine(outputs, glossary=Glossary.default(), cache=TranslationCache(tmp_path / "c.sqlite"))
    res = eng.translate(["中吉合作大有可为。", "扎帕罗夫表示欢迎。", "", "好的。"], "zh", "en")
    assert [r.text for r in res] == [
        "China-Kyrgyzstan cooperation holds great potential.",
        "Japarov welcomed it.",  # retry still failed; the leftover 扎帕罗夫 was spliced
        "",
        "Fine.",
    ]
    assert [r.flags for r in res] == [[], [], [], []]
    assert [r.retried for r in res] == [True, True, False, False]
    retry_calls = [c for c in eng.calls if c.problem]
    assert len(retry_calls) == 2 and "Chinese characters" in retry_calls[0].problem
    assert eng.calls[-1] == Request("扎帕罗夫", "zh", "en", (("扎帕罗夫", "Japarov"),))
    assert res[1].terms == [("扎帕罗夫", "Japarov")]
    # Second run: everything from the cache, no generation.
    n = len(eng.calls)
    again = eng.translate(["中吉合作大有可为。", "扎帕罗夫表示欢迎。", "", "好的。"], "zh", "en")
    assert len(eng.calls) == n
    assert [r.text for r in again] == [r.text for r in res] and all(r.cached for r in again if r.source)
    assert again[1].text == "Japarov welcomed it." and again[1].flags == []


def test_cache_key_changes_with_glossary_terms(tmp_path):
    outputs = {("扎帕罗夫表示欢迎。", False): "Japarov welcomed it."}
    cache = TranslationCache(tmp_path / "c.sqlite")
    ScriptedEngine(outputs, glossary=Glossary.default(), cache=cache).translate(["扎帕罗夫表示欢迎。"], "zh", "en")
    bare = ScriptedEngine(outputs, glossary=None, cache=cache)
    bare.translate(["扎帕罗夫表示欢迎。"], "zh", "en")
    assert len(bare.calls) == 1 and len(cache) == 2


def test_country_names_come_from_cldr_with_their_adjectives():
    from mtqa.translate.glossary import Glossary

    g = Glossary.default()
    assert ("Kazakhstan", "哈萨克斯坦") in g.entries_for("项目的Kazakh方负责人", "en", "zh")
    assert ("Uzbekistan", "乌兹别克斯坦") in g.entries_for("Uzbeks and Tajiks", "en", "zh")
    assert ("Russia", "俄罗斯") in g.entries_for("Russian officials", "en", "zh")
    assert g.entries_for("a guinea pig in turkey", "en", "zh") == []  # case-sensitive: names only
    # the curated glossary's own entry wins; no duplicate from the country table
    assert g.entries_for("Kyrgyzstan and the SCO", "en", "zh") == [("Kyrgyzstan", "吉尔吉斯斯坦"), ("SCO", "上合组织")]
    assert Glossary(list(g.pairs), countries=False).entries_for("the Kazakh side", "en", "zh") == []


def test_an_output_naming_a_country_the_source_does_not_is_flagged():
    from mtqa.translate.checks import new_countries

    assert "new_country" in check_output(
        "定于今年秋季在比什凯克举行。", "It will be held in Kazakhstan this autumn.", "zh", "en"
    )
    assert new_countries("中吉合作大有可为。", "China-Kyrgyzstan cooperation has great potential.", "en") == []
    assert new_countries("the Kazakh side", "吉尔吉斯斯坦方", "zh") == ["吉尔吉斯斯坦"]
    assert new_countries("the Kazakh side", "哈萨克斯坦方", "zh") == []
    assert new_countries("Russian and Turkish firms", "俄罗斯和土耳其公司", "zh") == []
    assert new_countries("Chinese firms", "中国公司", "zh") == []  # two-character names are not checked


def test_a_document_gives_itself_names_and_terms_for_its_passages():
    from mtqa.translate.glossary import Glossary, document_terms

    text = (
        "中国选手杨家豪以2小时11分02秒排名第三。Yang Jiahao said the wind was strong.\n"
        "Courses at Zhejiang University (浙江大学) and Professor Chen Xiaoyan (陈晓燕) are popular.\n"
        "天气很好。Tianqi Lithium shares rose. In the Baitasi (白塔寺) area, old courtyards remain."
    )
    terms = document_terms(text)
    assert ("杨家豪", "Yang Jiahao") in terms  # pinyin here, Han there: every reading of 杨家豪
    assert ("浙江大学", "Zhejiang University") in terms and ("白塔寺", "Baitasi") in terms
    assert ("陈晓燕", "Chen Xiaoyan") in terms  # the title is no part of the name
    assert not any(en == "Tianqi" for _, en in terms)  # a two-syllable word would read 天气 (weather)
    g = Glossary([], countries=False).extended(terms)
    assert g.entries_for("Yang Jiahao said after the race", "en", "zh") == [("Yang Jiahao", "杨家豪")]


def test_a_call_can_bring_its_own_glossary(tmp_path):
    from mtqa.translate.glossary import Glossary

    eng = ScriptedEngine({("杨家豪赛后说。", False): "Yang Jiahao said after the race."}, glossary=Glossary.default())
    eng.translate(["杨家豪赛后说。"], "zh", "en", glossary=Glossary.default().extended([("杨家豪", "Yang Jiahao")]))
    assert eng.calls[-1].terms == (("杨家豪", "Yang Jiahao"),)
    eng.translate(["杨家豪赛后说。"], "zh", "en")  # the engine's own glossary has no such name
    assert eng.calls[-1].terms == ()

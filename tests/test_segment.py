import itertools

from mtqa.segment import count_scripts, script_runs, sentences


def _sents(text):
    return [text[a:b] for a, b in sentences(text)]


def test_sentences_split_on_both_scripts_punctuation():
    text = "今年2月,扎帕罗夫总统对中国进行国事访问。 s的两个头tate drew up a new plan. He left! Why? 好；走"
    assert _sents(text) == [
        "今年2月,扎帕罗夫总统对中国进行国事访问。",
        "s的两个头tate drew up a new plan.",
        "He left!",
        "Why?",
        "好；",
        "走",
    ]


def test_sentences_keep_decimals_abbreviations_and_initials():
    text = "Trade reached US $ 94.8 billion. Mr. Liu met the U.S. envoy.中方表示欢迎。"
    assert _sents(text) == ["Trade reached US $ 94.8 billion.", "Mr. Liu met the U.S. envoy.", "中方表示欢迎。"]


def test_sentences_split_at_newlines_and_offsets_are_exact():
    text = "第一行\r\nsecond line\n\n  third."
    for a, b in sentences(text):
        assert text[a:b].strip() == text[a:b]
    assert _sents(text) == ["第一行", "second line", "third."]


def test_script_runs_cover_text_without_gaps():
    text = "iPhone手机 1992年, SCO峰会。â–"
    runs = script_runs(text)
    assert runs[0].start == 0 and runs[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(runs))
    assert [text[r.start : r.end] for r in runs if r.script == "han"] == ["手机", "年", "峰会"]
    assert [text[r.start : r.end] for r in runs if r.script == "latin"] == ["iPhone", "SCO", "â"]


def test_count_scripts():
    assert count_scripts("中文abc 12") == (2, 3)

"""Each rule on positive cases (corruption it must flag) and negative ones (legitimate mixing)."""

from __future__ import annotations

import pytest

from mtqa.config import default_config
from mtqa.detect import Detector

ZH_CONTEXT = "中吉两国在联合国、上海合作组织等框架内密切合作，共同践行多边主义，维护共同利益。"
EN_CONTEXT = "China and Kyrgyzstan cooperate closely within the United Nations and other frameworks. "


def flagged(detector, text: str, kind: str) -> list[str]:
    return [s.text for s in detector.detect(text).spans if s.kind == kind]


def rules_of(detector, text: str) -> set[str]:
    return {s.rule for s in detector.detect(text).spans}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完成t他的“钢铁丝绸之路”将使吉尔吉斯斯坦转变为陆联国家。", "完成t他的"),
        ("今年2月访问中国。 s的两个头tate drew up a new plan.", "s的两"),
        ("四、多边合作取得成果 百年合作ges正在加速发展。", "合作ges正在"),
        ("您对企业规划有什么建议to invest in Kyrgyzstan?", "建议to"),
        ("坚定支持各国发展n safeguarding their sovereignty and independence.", "发展n"),
        ("Hello, Ambassador Liu江平! In the context of cooperation.", "Liu江平"),
        ("健身秧歌is very popular.其中包含哪些科学概念？", "秧歌is"),
    ],
)
def test_switch_positive(detector, text, expected):
    assert expected in flagged(detector, ZH_CONTEXT + text, "switch")


@pytest.mark.parametrize(
    "text",
    [
        "我买了一部iPhone手机，很好用。",
        "Nick不需要来参加会议。",
        "两国于1992年建交，贸易额达227亿美元，同比增长52.6%。",
        "吉尔吉斯斯坦明年主办SCO峰会，HSK考试人数增长。",
        "贸易额达到US $ 94.8 billion。",
        "A股市场和T恤销售都在增长。",
        "中国收购Pandaigood业务",
        "“Wercal-free”租赁但不用担心。",
        "他在New York工作了三年。",
    ],
)
def test_legitimate_mixing_is_not_flagged(detector, text):
    kinds = {s.kind for s in detector.detect(ZH_CONTEXT + text).spans}
    assert not kinds & {"switch", "truncation", "merge", "duplication"}, detector.detect(ZH_CONTEXT + text).spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("历史上从未发生过冲突。 After the two countr1992年建交，解决了边界问题。", "countr"),
        ("Kyrgyzstan is building a new Kyr全面深化改革。", "Kyr"),
        ("我们将支持合作。 We will en鼓励并支持两国企业合作。", "en"),
        ("奠定了坚实基础。ountries, and provided an important political guarantee.", "ountries"),
        ("成为连接中亚地区的“黄金十字路口”ing the Eurasian continent.", "ing"),
        ("赴吉中国公民数量持续增长tinues to increase, and more arrive.", "tinues"),
        ("双边贸易额在202四年达到新高。", "202四"),
    ],
)
def test_truncation_positive(detector, text, expected):
    assert expected in flagged(detector, ZH_CONTEXT + text, "truncation")


def test_truncation_negative_complete_words_and_years(detector):
    text = ZH_CONTEXT + "2024年贸易额增长。他说 we will encourage cooperation 并表示支持。第2四个 no."
    assert flagged(detector, text, "truncation") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("released a joint documentannouncement, announcing it.", "documentannouncement"),
        ("They are braveserved as a bridge between peoples.", "braveserved"),
        ("The countries China andCentral Asia continue to cooperate.", "andCentral"),
    ],
)
def test_merge_positive(detector, text, expected):
    assert flagged(detector, EN_CONTEXT + text, "merge") == [expected]


def test_merge_negative_rare_words_names_and_brands(detector):
    text = EN_CONTEXT + (
        "Neighborliness and trustworthiness matter to Zhaparov, Japarov and Jiangping in Bishkek; "
        "iPhone, eBay, YouTube and McDonald are brands; photosynthesis is biology."
    )
    assert flagged(detector, text, "merge") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共同提高中吉三大口岸通关通关效率。", "通关"),
        ("开展更多联合考古、影视等活动影视制作、艺术展览等活动让两国文明更加丰富。", "影视等活动"),
        ("赴吉中国公民数量持续增长tinues to increase, the community grows.", "tinues to increase"),
    ],
)
def test_duplication_positive(detector, text, expected):
    assert expected in flagged(detector, ZH_CONTEXT + text, "duplication")


def test_duplication_negative_reduplication_and_repeated_names(detector):
    text = ZH_CONTEXT + (
        "我们研究研究再说。大家天天锻炼，哈哈哈哈。中吉乌铁路和中吉港口现代化建设加快推进。"
        "共同繁荣、共同命运。他建议to invest more in education and health."
    )
    assert flagged(detector, text, "duplication") == []


def test_untranslated_english_in_chinese_document(detector):
    text = ZH_CONTEXT * 3 + "China has remained Kyrgyzstan's largest trading partner for years.中方将支持吉方工作。"
    spans = flagged(detector, text, "untranslated")
    assert spans == ["China has remained Kyrgyzstan's largest trading partner for years."]
    assert detector.detect(text).dominance.language == "zh"


def test_untranslated_chinese_in_english_document(detector):
    text = EN_CONTEXT * 3 + "中方愿同吉方一道持续深化发展战略对接。 The talks ended."
    assert flagged(detector, text, "untranslated") == ["中方愿同吉方一道持续深化发展战略对接。"]


def test_untranslated_negatives_titles_names_and_bilingual_documents(detector):
    zh = ZH_CONTEXT * 3 + "他读了《The Old Man and the Sea》。我们用iPhone手机和SCO机制。Liu Jiangping表示欢迎。"
    assert flagged(detector, zh, "untranslated") == []
    # A parallel document (document 000's two halves) has no dominant language.
    from mtqa.document import load_document

    det = detector.detect(load_document("000").text)
    assert det.dominance.language is None
    assert [s for s in det.spans if s.kind == "untranslated"] == []


def test_mojibake_cp1252_and_gbk(detector):
    text = EN_CONTEXT + "It said â€œhelloâ€\x9d and the square â–\xa0 appeared."
    spans = detector.detect(text).spans
    moji = [s for s in spans if s.kind == "mojibake"]
    assert [s.text for s in moji] == ["â€œ", "â€\x9d", "â–\xa0"]
    assert "'■'" in moji[2].note
    gbk = "中华人民共和国外交部".encode().decode("gbk", errors="replace")
    spans = detector.detect(ZH_CONTEXT + gbk[:12] + "。").spans
    assert any(s.kind == "mojibake" for s in spans)


def test_mojibake_negative_real_accents(detector):
    assert flagged(detector, EN_CONTEXT + "Café–bar, naïve résumé, São Paulo, Zürich — fine.", "mojibake") == []


def test_disabling_a_rule_in_config_removes_its_spans():
    cfg = default_config()
    cfg["detector"]["rules"]["merged-words"]["enabled"] = False
    text = EN_CONTEXT + "released a joint documentannouncement today."
    assert "merged-words" in rules_of(Detector(), text)
    assert "merged-words" not in rules_of(Detector(cfg), text)


def test_every_span_has_kind_severity_and_confidence(detector):
    from mtqa.document import load_document

    det = detector.detect(load_document("002").text)
    for s in det.spans:
        assert s.kind in {"switch", "truncation", "merge", "duplication", "untranslated", "mojibake"}
        assert s.severity in {"minor", "major", "critical"}
        assert 0.0 <= s.confidence <= 1.0

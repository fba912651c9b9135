"""Each rule on positive cases (corruption it must flag) and negative ones (legitimate mixing)."""

from __future__ import annotations

import pytest

from mtqa.config import default_config
from mtqa.detect import KINDS, Detector

ZH_CONTEXT = "中吉两国在联合国、上海合作组织等框架内密切合作，共同践行多边主义，维护共同利益。"
EN_CONTEXT = "China and Kyrgyzstan cooperate closely within the United Nations and other frameworks. "


def flagged(detector, text: str, kind: str) -> list[str]:
    return [s.text for s in detector.detect(text).spans if s.kind == kind]


def covers(detector, text: str, kind: str, token: str) -> bool:
    """Some span of ``kind`` overlaps the first occurrence of ``token`` in ``text``."""
    i = text.index(token)
    return any(s.kind == kind and s.start < i + len(token) and i < s.end for s in detector.detect(text).spans)


def kinds_besides_repeats(detector, text: str) -> dict[str, str]:
    """Span text -> kind, without duplications (``ZH_CONTEXT * 3`` is a repeated sentence)."""
    return {s.text: s.kind for s in detector.detect(text).spans if s.kind != "duplication"}


def rules_of(detector, text: str) -> set[str]:
    return {s.rule for s in detector.detect(text).spans}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完成t他的“钢铁丝绸之路”将使吉尔吉斯斯坦转变为陆联国家。", "t"),
        ("今年2月访问中国。 s的两个头tate drew up a new plan.", "s"),
        ("四、多边合作取得成果 百年合作ges正在加速发展。", "ges"),
        ("您对企业规划有什么建议to invest in Kyrgyzstan?", "to"),
        ("坚定支持各国发展n safeguarding their sovereignty and independence.", "n"),
        ("Hello, Ambassador Liu江平! In the context of cooperation.", "Liu"),
        ("健身秧歌is very popular.其中包含哪些科学概念？", "is"),
    ],
)
def test_switch_positive(detector, text, expected):
    assert expected in flagged(detector, ZH_CONTEXT + text, "switch")


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("双方在数字经济领域的coop合作不断深化。", "coop"),
        ("两国企业在artificial智能领域开展合作。", "artificial"),
        ("今后Kyrgyz方希望同中方扩大数据共享。", "Kyrgyz"),
        ("今后Kazakh方希望同中方扩大数据共享。", "Kazakh"),
        ("“鲁班工坊”已培养了 the 数百名技术工人。", "the"),
    ],
)
def test_english_word_in_chinese_is_a_switch(detector, text, token):
    assert covers(detector, ZH_CONTEXT * 2 + text, "switch", token)


@pytest.mark.parametrize(
    "text",
    [
        "我用app买了一部iPhone手机，CEO表示满意。",
        "华为Mate 60手机和小米SU7汽车都在热销。",
        "比什凯克（Bishkek）是吉尔吉斯斯坦的首都。",
        "微信（WeChat）和二氧化碳（CO2）。",
        "他在New York工作了三年。",
        "采用3nm工艺和x86架构，GPT-4o模型支持Type-C接口。",
        "汽车以120km/h的速度行驶，1万块GPUs组成集群，iPhone 15 Pro Max手机。",
        "e-commerce平台采用state-of-the-art技术。",
    ],
)
def test_borrowed_latin_in_chinese_is_not_a_switch(detector, text):
    spans = detector.detect(ZH_CONTEXT * 2 + text).spans
    assert not [s for s in spans if s.start >= len(ZH_CONTEXT) * 2], spans


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


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("The talks went well.\nnese companies invest in the region.", "nese"),
        ("The plan was approved.\nablishment of the zone began in 2023.", "ablishment"),
        ("Work continued on the new railwa. Officials were pleased.", "railwa"),
        ("They handled half of all freight trai\nTransport planners agreed.", "trai"),
        ("It is the route's coordina association that decides.", "coordina"),
        ("Both sides agreed.\ntoms reform has moved slowly.", "toms"),
    ],
)
def test_cut_words_in_english_text(detector, text, token):
    assert covers(detector, EN_CONTEXT + text, "truncation", token)


def test_cut_word_at_line_start_in_chinese_document(detector):
    text = ZH_CONTEXT * 3 + "\nration of the two sides is deepening.\n" + ZH_CONTEXT
    assert covers(detector, text, "truncation", "ration")


def test_cut_word_negatives(detector):
    text = EN_CONTEXT + (
        "Prices rose, etc. and the approx. figure held.\nSee www.example.com/railwa for details.\n"
        "The state-owned firm re-exported goods."
    )
    assert flagged(detector, text, "truncation") == []
    # Hard-wrapped text starts many lines in lowercase on purpose.
    wrapped = (
        "The ministry said that the\nration of grain was raised and\nthe port of entry was\n"
        "opened to trade with\nneighbours.\n"
    )
    assert flagged(detector, wrapped, "truncation") == []


def test_truncated_numbers(detector):
    assert flagged(detector, ZH_CONTEXT + "双方在200九年签署协议。", "truncation") == ["200九"]
    assert detector.detect(ZH_CONTEXT + "在202四年").spans[-1].fix == "2024"
    # one digit is enough before a counter: "28天" cut and finished as "2八天"
    assert flagged(detector, ZH_CONTEXT + "她连续直播了2八天。", "truncation") == ["2八"]
    assert flagged(detector, ZH_CONTEXT + "她连续直播了28天，共两场。", "truncation") == []


def test_truncation_negative_complete_words_and_years(detector):
    text = ZH_CONTEXT + "2024年贸易额增长。他说 we will encourage cooperation 并表示支持。第2四个 no."
    assert flagged(detector, text, "truncation") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("released a joint documentannouncement, announcing it.", "documentannouncement"),
        ("They are braveserved as a bridge between peoples.", "braveserved"),
        ("The countries China andCentral Asia continue to cooperate.", "andCentral"),
        ("He joined the Shanghai Cooperation Organizationand spoke.", "Organizationand"),
        ("Talks went well, the President said. The KyrgyzPresident agreed.", "KyrgyzPresident"),
        ("Flights from Beijingin the morning are full.", "Beijingin"),
        ("A freight forwarder based inUrumqi said so.", "inUrumqi"),
    ],
)
def test_merge_positive(detector, text, expected):
    assert flagged(detector, EN_CONTEXT + text, "merge") == [expected]


def test_merge_fix_splits_the_token(detector):
    span = next(s for s in detector.detect(EN_CONTEXT + "a joint documentannouncement.").spans if s.kind == "merge")
    assert span.fix == "document announcement"


@pytest.mark.parametrize(
    "text",
    [
        # Real compounds and brands of clean MT (the false alarms): the whole word is
        # more frequent than an accidental merge of its parts, or a camel-case brand.
        "The insect uses its mouthparts and a mouthpart to feed on seagrasses.",
        "The teamLab exhibition opened with a hardline speech on extrasolar planets.",
        "A drumhead vibrates; thermoregulation helps animals behave well when dousing fires.",
        "The astrophysically interesting waterline of the quadrate bone.",
    ],
)
def test_merge_negative_real_compounds(detector, text):
    assert flagged(detector, EN_CONTEXT + text, "merge") == []


def test_merge_negative_rare_words_names_and_brands(detector):
    text = EN_CONTEXT + (
        "Neighborliness and trustworthiness matter to Zhaparov, Japarov and Jiangping in Bishkek; "
        "iPhone, eBay, YouTube and McDonald are brands; photosynthesis is biology."
    )
    assert flagged(detector, text, "merge") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共同提高中吉三大口岸通关通关效率。", "通关通关"),
        ("开展更多联合考古、影视等活动影视制作、艺术展览等活动让两国文明更加丰富。", "影视等活动"),
        ("赴吉中国公民数量持续增长tinues to increase, the community grows.", "tinues to increase"),
        # the clause the English is glued to says it, not the whole sentence before it
        (
            "我们不给他们定具体的名次目标，只希望他们把平时训练的东西发挥出来show what they have practised in training。",
            "show what they have practised in training",
        ),
    ],
)
def test_duplication_positive(detector, text, expected):
    assert expected in flagged(detector, ZH_CONTEXT + text, "duplication")


@pytest.mark.parametrize(
    ("text", "expected", "fix"),
    [
        ("They trust each other each other and work together.", "each other each other", "each other"),
        (
            "It became a new growth point, a new growth point.",
            "a new growth point, a new growth point",
            "a new growth point",
        ),
        ("the the report", "the the", "the"),
    ],
)
def test_repeated_english_words(detector, text, expected, fix):
    spans = [s for s in detector.detect(EN_CONTEXT + text).spans if s.kind == "duplication"]
    assert [(s.text, s.fix) for s in spans] == [(expected, fix)]


@pytest.mark.parametrize(
    "text",
    [
        "Think about the cost, the cost of labor.",
        "It sounds like ding, ding, ding.",
        "If the universe is empty, if the universe is empty, it looks like this.",
        "We saw ylang ylang and a win-win deal; the writer Fang Fang had had enough.",
        "It went faster and faster, and louder.",
    ],
)
def test_repeated_english_words_negative(detector, text):
    assert flagged(detector, EN_CONTEXT + text, "duplication") == []


def test_duplication_negative_reduplication_and_repeated_names(detector):
    text = ZH_CONTEXT + (
        "我们研究研究再说。大家天天锻炼，哈哈哈哈。中吉乌铁路和中吉港口现代化建设加快推进。"
        "共同繁荣、共同命运。他建议to invest more in education and health."
    )
    assert flagged(detector, text, "duplication") == []


def test_a_chinese_phrase_repeated_after_a_comma(detector):
    text = ZH_CONTEXT + "在清洁能源、人工智能等方面培育新的增长点,新的增长点;深化文化交流。"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert span.text == "新的增长点,新的增长点" and span.fix == "新的增长点"
    # short repeats are speech, and a repeat that runs on is a new word ("中国,中国人")
    legit = ZH_CONTEXT + "他说:好的,好的。我们看到中国企业,中国企业家和学者都来了。"
    assert flagged(detector, legit, "duplication") == []


def test_untranslated_english_in_chinese_document(detector):
    text = ZH_CONTEXT * 3 + "China has remained Kyrgyzstan's largest trading partner for years.中方将支持吉方工作。"
    spans = flagged(detector, text, "untranslated")
    assert spans == ["China has remained Kyrgyzstan's largest trading partner for years."]
    assert detector.detect(text).dominance.language == "zh"


def test_untranslated_chinese_in_english_document(detector):
    text = EN_CONTEXT * 3 + "中方愿同吉方一道持续深化发展战略对接。 The talks ended."
    assert flagged(detector, text, "untranslated") == ["中方愿同吉方一道持续深化发展战略对接。"]


def test_untranslated_two_words_and_glosses(detector):
    zh = ZH_CONTEXT * 3 + "一座装机容量为100万千瓦的wind farm今年6月并网。"
    assert flagged(detector, zh, "untranslated") == ["wind farm"]
    en = EN_CONTEXT * 3 + (
        "Xi Jinping (习近平) visited Alashankou (阿拉山口), the “project of the century” (“世纪工程”). "
        "The 轮值主席 was handed over."
    )
    assert flagged(detector, en, "untranslated") == ["轮值主席"]


def test_an_institution_name_left_in_english_is_untranslated(detector):
    # Chinese writes institutions' names in Chinese (孔子学院); persons, places and brands may
    # stay in Latin, and a quoted title is a title.
    zh = ZH_CONTEXT * 3 + "中亚国家已开设10余所Confucius Institutes，每年有数万名学生参加考试。"
    assert flagged(detector, zh, "untranslated") == ["Confucius Institutes"]
    keep = ZH_CONTEXT * 3 + "Claire Martin在New York的TikTok Shop工作，参加了“Digital Silk Road Forum”。"
    assert flagged(detector, keep, "untranslated") == []


def test_a_lowercase_word_chinese_borrows_little_is_flagged(detector):
    # "hub" and "smart" (gap 1.0 and 1.4 between English and Chinese-text zipf) are translated
    # in running Chinese; "app" (0.1) and "wifi" (0.4) are borrowed.
    zh = ZH_CONTEXT * 3 + "加快建设面向中亚的数字贸易hub。推动smart农业发展。下载手机app连接wifi网络。"
    assert flagged(detector, zh, "switch") == ["hub", "smart"]  # in Chinese text, the token alone


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


@pytest.mark.parametrize(
    "text",
    [
        "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…",
        "AHÅ™, the new sofa from IKEA",
        "I'm not such a fan of Charlotte Brontë…”",
        "a radius of 10 Å—",
        "NESTLÉ® requiere contratar personal",
    ],
)
def test_mojibake_negative_plausible_text(detector, text):
    """ftfy's own negative cases: cp1252-looking, but decoding them back is less plausible.
    (``MISUTÂ\xa0AJIKKO`` is left out: ftfy itself decodes it, and so does the rule.)"""
    assert flagged(detector, text, "mojibake") == []


def test_mojibake_found_where_ftfy_finds_it(detector):
    text = "S&P Confirms UkrsotsbankвЂ™s вЂњB-вЂњ Rating"  # UTF-8 read as Windows-1251
    spans = [s for s in detector.detect(text).spans if s.kind == "mojibake"]
    assert spans and all(s.fix for s in spans)
    gbk = "中国与中亚国家的合作正在形成多层次的" + "合作".encode().decode("gbk") + "格局。"
    assert flagged(detector, ZH_CONTEXT + gbk, "mojibake") == ["合作".encode().decode("gbk")]


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
        assert s.kind in KINDS
        assert s.severity in {"minor", "major", "critical"}
        assert 0.0 <= s.confidence <= 1.0


# Two paragraphs of document 002 as they stand, each with an orphan fragment left by the cut.
ORPHAN_002 = (
    "新疆作为中国向西开放的重要门户和丝绸之路经济带核心区,具有得天独厚的政策优势、区位优势、"
    "人文资源等,新疆为推动中吉乃至中央全方位合作做出了积极贡献。亚洲。\n"
    "第一,互联互通是合作的基础。中吉乌铁路始于新疆喀什。\n"
    "当务之急是协调各方力量,共同推进中吉乌铁路建设。我们要高标准高质量按期完成铁路建设,"
    "把中吉乌铁路打造成新的中吉乌铁路合作示范工程。共建“一带一路”。我们将继续推进别迭利口岸"
    "高速公路等跨境基础设施建设,统筹口岸现代化建设,尽快实现别迭利口岸正常运营。\n"
)


def orphans(detector, text: str) -> list[str]:
    return [s.text for s in detector.detect(text).spans if s.rule == "orphan-fragment"]


def test_orphan_fragment_in_a_real_002_excerpt(detector):
    spans = [s for s in detector.detect(ORPHAN_002).spans if s.rule == "orphan-fragment"]
    assert [s.text for s in spans] == ["亚洲。", "共建“一带一路”。"]
    assert all(s.kind == "truncation" and s.fix is None for s in spans)


@pytest.mark.parametrize(
    "short",
    [
        "我饿了。",  # pronoun and particle: a sentence
        "谢谢。",  # a reply
        "当然。",
        "效果明显。",  # subject and predicate: two words, longer than a fragment
        "成效显著。",
        "“一带一路”。",  # a quotation
        "（完）",  # an end mark
        "新华社记者李明摄。",  # a credit
        "六月十七日。",  # a date line
        "答：是的。",
    ],
)
def test_orphan_fragment_negative_real_short_sentences(detector, short):
    assert orphans(detector, ZH_CONTEXT + short + ZH_CONTEXT) == []


def test_orphan_fragment_negative_places(detector):
    assert orphans(detector, ZH_CONTEXT + "亚洲。" + ZH_CONTEXT) == ["亚洲。"]
    assert orphans(detector, "他说：“" + ZH_CONTEXT + "亚洲。”" + ZH_CONTEXT) == []  # inside a quotation
    assert orphans(detector, "“" + ZH_CONTEXT + "”亚洲。" + ZH_CONTEXT) == []  # after a closing quote
    assert orphans(detector, "亚洲。" + ZH_CONTEXT) == []  # the first sentence of its line
    assert orphans(detector, "中吉合作。亚洲。" + ZH_CONTEXT) == []  # a run of short sentences


def test_orphan_fragment_leaves_tatoeba_paragraphs_and_000_alone(detector):
    from pathlib import Path

    from mtqa.document import load_document

    tsv = Path(__file__).resolve().parents[2] / "shared/testsets/tatoeba-cmn_Hans.tsv"
    if not tsv.is_file():
        pytest.skip("shared/testsets/tatoeba-cmn_Hans.tsv is not there")
    zh = [row.split("\t")[0] for row in tsv.read_text(encoding="utf-8").splitlines()[1:]]
    # Paragraphs of six short sentences, full of legitimate ones ("我饿了。", "慢慢来。", "大约。").
    stitched = "\n".join("".join(zh[i : i + 6]) for i in range(0, len(zh), 6))
    assert orphans(detector, stitched) == []
    text = load_document("000").text
    chinese_half = "\n".join(line for line in text.splitlines() if sum("\u4e00" <= c <= "\u9fff" for c in line) > 10)
    assert chinese_half and orphans(detector, chinese_half) == []


@pytest.mark.parametrize(
    ("text", "token"),
    [
        # a token that is no word inside a sentence, whichever end it lost
        ("The grid relies on high-voltage smission lines, the operator said.", "smission"),
        # a real word opening a sentence, much rarer than a word it ends
        ("Trade rose sharply this year. ration between the two ports improved as well.", "ration"),
        # a lowercase word standing alone as a sentence
        ("The talks covered carbon pricing. ions Brussels wants a common price.", "ions"),
        # no word, but the start of a rare one the large list knows ("flatbread", "overdependence")
        ("Stalls sell a thin flatbr stuffed with leeks.", "flatbr"),
        ("Analysts warned of overdepen on a single buyer.", "overdepen"),
    ],
)
def test_cut_words_inside_and_between_sentences(detector, text, token):
    assert token in flagged(detector, EN_CONTEXT + text, "truncation")


def test_a_word_end_said_again_as_a_sentence_is_deleted(detector):
    text = EN_CONTEXT + "The worry is capacity. city Wagons often wait at the border."
    [span] = [s for s in detector.detect(text).spans if s.text == "city"]
    assert span.kind == "truncation" and span.fix == ""


def test_sentence_openings_after_abbreviations_are_not_cut_words(detector):
    text = EN_CONTEXT + (
        "Marcos Jr. visited China in January. The deal went to Tianhai Aviation Co., Ltd. and "
        "Shanxi Aviation Ltd. It aims to stabilise China-U.S. relations. Prices rose, etc. and fell."
    )
    assert flagged(detector, text, "truncation") == []


def test_a_name_glued_to_a_common_word_is_a_merge(detector):
    text = (
        EN_CONTEXT + "Fergana is a fertile valley. A solar farm in the Ferganaregion opened. Chineseengineers built it."
    )
    assert flagged(detector, text, "merge") == ["Ferganaregion", "Chineseengineers"]
    # short common words make brands and site names; a word glued to Han is a cut across scripts
    assert flagged(detector, EN_CONTEXT + "Chinanews reported it. They paired photovol光伏 panels.", "merge") == []


def test_a_piece_of_a_cut_word_standing_in_chinese_text(detector):
    text = ZH_CONTEXT + "飞手们收拾好设备 ment，又开始规划明天的航线。"
    assert flagged(detector, text, "truncation") == ["ment"]
    borrowed = ZH_CONTEXT + "用户可以在 app 上下单，也可以用 wifi 连接，ok 的话就出发。"
    assert flagged(detector, borrowed, "truncation") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EN_CONTEXT + "The partnership signed in 202, was reviewed.", ["202"]),
        (EN_CONTEXT + "Talks resumed on June 5, 201. Both sides agreed.", ["201"]),
        (ZH_CONTEXT + "双方于202年签署了合作协议。", ["202"]),
        (EN_CONTEXT + "The clinic treated 202 patients in 2023, since 199 beds were free.", []),
        (ZH_CONTEXT + "东汉建安七年（202年）与公元208年的战事。", []),
    ],
)
def test_a_year_cut_to_three_digits(detector, text, expected):
    assert [s.text for s in detector.detect(text).spans if s.rule == "cut-year"] == expected


def test_a_chinese_term_glossed_in_english_quotes_is_not_untranslated(detector):
    text = EN_CONTEXT + "It is part of what officials call 双碳 (“dual carbon”), the twin climate goals."
    assert flagged(detector, text, "untranslated") == []


def test_gbk_mojibake_stops_where_the_real_chinese_starts(detector):
    [span] = [s for s in detector.detect(ZH_CONTEXT + "冷藏车装有温度鐩戞帶设备。").spans if s.kind == "mojibake"]
    assert (span.text, span.fix) == ("鐩戞帶", "监控")


def test_more_cuts_a_pipeline_leaves_in_english(detector):
    text = EN_CONTEXT + (
        "It will open in Saudi Arabia in Septem, after its first year. We will not let our small produc be "
        "wiped out. It plans a new fulfil ment centre. Chinese direct 的 investment rose."
    )
    spans = {s.text: s for s in detector.detect(text).spans}
    assert {"Septem", "produc", "fulfil ment", "的"} <= set(spans)
    assert spans["fulfil ment"].fix == "fulfilment"
    # a rare name is no cut word: it begins no month, day, country or language
    assert flagged(detector, EN_CONTEXT + "President Raisi, the minister said, met Fumio Kishida.", "truncation") == []


def test_one_digit_before_wan_finished_in_a_chinese_numeral(detector):
    [span] = [s for s in detector.detect(ZH_CONTEXT + "工厂每年将生产1五万辆汽车。").spans if s.kind == "truncation"]
    assert (span.text, span.fix) == ("1五", "15")


def test_a_word_end_said_again_inside_a_sentence_is_deleted(detector):
    text = EN_CONTEXT + "Many came through a state employer ployer, and many speak Swahili."
    [span] = [s for s in detector.detect(text).spans if s.kind == "truncation"]
    assert (span.text, span.fix) == ("ployer", "")


def test_glosses_with_more_in_the_brackets_and_title_marks(detector):
    text = (
        EN_CONTEXT + "Her regulars call her “Xiao Zhou” (小周, “little Zhou”). She reads “To Live” (《活着》) at night."
    )
    assert flagged(detector, text, "untranslated") == []


def test_more_damage_in_chinese_text(detector):
    text = ZH_CONTEXT + "进出口总额达到418.三亿元。企业按实际费用的 of 50%给予补贴。依托“东数西算â€\ufffd工程建设。"
    spans = {s.text.strip(): s for s in detector.detect(text).spans}
    assert spans["418.三"].fix == "418.3"
    assert any("of" in t for t in spans) and not any("50%" in t for t in spans)
    assert spans["â€\ufffd"].fix == "”"


def test_a_sentence_said_twice(detector):
    zh = ZH_CONTEXT + "我没有敌人。我没有敌人。我的兄弟是老师。加油！加油！"
    assert [(s.text, s.fix) for s in detector.detect(zh).spans if s.rule == "repeated-sentence"] == [
        ("我没有敌人。", "")
    ]
    en = EN_CONTEXT + "It's fall now. It's fall now. No way. No way. Go home."
    assert [s.text for s in detector.detect(en).spans if s.rule == "repeated-sentence"] == ["It's fall now."]


def test_closed_class_words_glued(detector):
    text = EN_CONTEXT + "Hewas invited. There is no cure forAIDS yet, theUN said. Ithas rained. Nectar.It is sweet."
    assert flagged(detector, text, "merge") == ["Hewas", "forAIDS", "theUN", "Ithas"]


def test_utf8_han_read_as_cp1252_or_gbk_with_a_lost_byte(detector):
    text = ZH_CONTEXT + "ç§‹天树叶会掉落。鎴�们什么时候会到？"
    assert flagged(detector, text, "mojibake") == ["ç§‹", "鎴�"]


def test_numbers_finished_in_a_numeral_before_a_unit_or_after_a_decimal(detector):
    text = ZH_CONTEXT + "运动会将于10月2七日晚开幕。上证综指报3268.4五点。采用A1一体机和3个设备。"
    spans = [(s.text, s.fix) for s in detector.detect(text).spans if s.kind == "truncation"]
    assert spans == [("2七", "27"), ("3268.4五", "3268.45")]  # "A1一体机" is a model and a word


def test_a_quotation_before_she_said_ends_in_a_comma(detector):
    zh = ZH_CONTEXT * 3 + "她认为，“In the past many companies worried that suing would take a long time,”许璐说。"
    assert flagged(detector, zh, "untranslated") == [
        "In the past many companies worried that suing would take a long time,"
    ]


def test_a_quoted_sentence_left_untranslated_is_no_title(detector):
    zh = ZH_CONTEXT * 3 + (
        "分析师表示：“The timing of the cut was slightly earlier than the market expected.”"
        "他读了“Silk Road Agri-Skills”手册。"
    )
    assert flagged(detector, zh, "untranslated") == [
        "The timing of the cut was slightly earlier than the market expected."
    ]
    en = EN_CONTEXT * 3 + (
        "“现在我们有大约十周时间，在作出决定之前把着陆区的测绘精度提高到半米。” Zhou said. "
        "The station is called Tiangong (“天宫”), and the novel “活着” is famous."
    )
    assert flagged(detector, en, "untranslated") == [
        "现在我们有大约十周时间，在作出决定之前把着陆区的测绘精度提高到半米。"
    ]


def test_a_quoted_sentence_with_its_stop_outside_or_its_translation_after_it(detector):
    # the stop after the closing quote (Chinese style): still a sentence left in English
    zh = ZH_CONTEXT * 3 + "他说，“When customers can eat with peace of mind, we feel at ease on the road too”。"
    assert flagged(detector, zh, "untranslated") == [
        "When customers can eat with peace of mind, we feel at ease on the road too"
    ]
    # a quotation followed by its Chinese translation in brackets is quoted on purpose; a title
    # in capitals and a motto glossed in brackets stay too
    kept = ZH_CONTEXT * 3 + (
        "他用英语说：“Donglan is now our first choice in China.”（东澜现在是我们在中国的首选港。）"
        "她读过“The Art of War and the Making of Modern China”一书。巴西人常说“团结就是力量”（A união faz a força）。"
    )
    assert flagged(detector, kept, "untranslated") == []


def test_a_long_rare_word_glued_to_han_is_not_cut(detector):
    en = (
        EN_CONTEXT * 2
        + "The crew will carry out two spacewalks出舱活动 next month. The photovol光伏 panels were checked."
    )
    spans = {s.text: s.kind for s in detector.detect(en).spans}
    assert "spacewalks" not in spans and spans.get("photovol") == "truncation"


def test_a_term_said_twice_in_one_clause(detector):
    text = ZH_CONTEXT + "双方将把跨境电商平台打造为区域跨境电商平台合作的样板。"
    spans = [(s.text, s.kind, s.rule, s.fix) for s in detector.detect(text).spans]
    assert spans == [("跨境电商平台", "duplication", "repeated-term", "")]
    assert detector.detect(text).spans[0].start == text.rindex("跨境电商平台")  # the second copy
    # a comparison, a coordination and a false start are no such repeat (the last is restarted-clause's)
    clean = ZH_CONTEXT + "这个旅馆的房间不像那个旅馆的房间那么干净。工厂生产新能源汽车电池和新能源汽车电机。"
    assert detector.detect(clean).spans == []
    restart = ZH_CONTEXT + "这取决于企业如何用取决于企业如何使用它。"
    assert "repeated-term" not in rules_of(detector, restart)


def test_names_and_glosses_beside_damage_are_left_alone(detector):
    # English text: the Han glued to a brand is the damage, not the brand
    en = EN_CONTEXT * 2 + (
        "Great Wall Motor, Changan and GAC Aion也已开始或宣布在当地生产 in the kingdom. Cars left the "
        "terminal, according to the Shanghai International Port Group (SIPG, 上港集团)."
    )
    assert kinds_besides_repeats(detector, en) == {"也已开始或宣布在当地生产": "untranslated"}
    # Chinese text: a reduplicated name glossed in Latin, and a brand's closed compound in a gloss
    zh = (
        ZH_CONTEXT * 2
        + "哔哩哔哩（Bilibili）的观看量增长。网易旗下的《永劫无间》（Naraka: Bladepoint）推出了职业联赛。"
    )
    assert kinds_besides_repeats(detector, zh) == {}
    assert "通关通关" in [s.text for s in detector.detect(ZH_CONTEXT + "通关通关只用了五分钟。").spans]
    merged = EN_CONTEXT * 2 + "The old Cityreceived more visitors. Its Starlink terminal works."
    assert kinds_besides_repeats(detector, merged) == {"Cityreceived": "merge"}


def test_a_decimal_cut_after_its_point(detector):
    text = ZH_CONTEXT + "盾构机最高日进尺达到41.米，创下纪录。全长3.5米的管片和v1.2版软件都已到位。"
    assert [(s.text, s.kind) for s in detector.detect(text).spans] == [("41.", "truncation")]


def test_an_acronym_cut_at_a_line_start(detector):
    text = (
        ZH_CONTEXT
        + "《区域全面经济伙伴关系协定》（RCEP）实施两年。\nCEP生效以来，航线增加到32条。WCBA和CBA的比赛照常进行。\n"
    )
    assert [(s.text, s.kind, s.fix) for s in detector.detect(text).spans] == [("CEP", "truncation", "RCEP")]


def test_a_long_clause_pasted_twice_with_its_comma_and_a_brand_glued_to_and(detector):
    text = (
        ZH_CONTEXT
        + "在2023年杭州亚运会上，电子竞技首次成为正式比赛项目，电子竞技首次成为正式比赛项目，中国队获得4枚金牌。"
    )
    assert [(s.text, s.kind) for s in detector.detect(text).spans] == [
        ("电子竞技首次成为正式比赛项目，电子竞技首次成为正式比赛项目，", "duplication")
    ]
    glued = ZH_CONTEXT + "海外观众则主要通过Twitchand YouTube收看英文解说。"
    assert kinds_besides_repeats(detector, glued) == {"Twitchand": "merge"}


def test_a_phrase_with_a_number_said_twice(detector):
    text = EN_CONTEXT + "XPeng has entered more than 30 markets has entered more than 30 markets. Its G6 sells."
    # inside a sentence, the second copy is the one pasted again
    assert [(s.text, s.start, s.fix) for s in detector.detect(text).spans] == [
        ("has entered more than 30 markets", text.rindex("has entered"), "")
    ]
    # other numbers, or a phrase said again after a comma for effect, are no repeat
    clean = (
        EN_CONTEXT
        + "It sold more than 30 cars more than 40 cars ago. It was minus 120 degrees, minus 120 degrees, at night."
    )
    assert detector.detect(clean).spans == []


def test_a_stretch_with_a_comma_said_twice(detector):
    text = ZH_CONTEXT + "她指出：“三季报显示，消费和科技两条主线的三季报显示，消费和科技两条主线的盈利修复正在展开。”"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert span.fix == "三季报显示，消费和科技两条主线的"
    # a contrast repeats a phrase with words between: not a duplication
    assert flagged(detector, ZH_CONTEXT + "这个旅馆的房间不像那个旅馆的房间那么干净。", "duplication") == []


def test_cut_words_in_english_names_years_and_demonyms(detector):
    text = EN_CONTEXT + (
        "He is chief designer at the China Academy of Space Technolo (CAST). In June 202 Chang'e-6 landed. "
        "Ingrid Solberg, a Norwegianplanetary physicist, joined them."
    )
    spans = {s.text: s.kind for s in detector.detect(text).spans}
    assert spans == {"Technolo": "truncation", "202": "truncation", "Norwegianplanetary": "merge"}
    # rare names after capitalised words are no cut words when they begin no common word
    assert detector.detect(EN_CONTEXT + "He met President Raisi and Prime Minister Kishida in Tehran.").spans == []


def test_a_lost_byte_after_cp1252_mojibake_and_a_stray_fragment_ending_a_line(detector):
    text = ZH_CONTEXT + "被选手们称为â€œ最美海滨赛道â€。城市还计划改造永久性的海滨步道。 kway.\n" + ZH_CONTEXT
    spans = {s.text: s.kind for s in detector.detect(text).spans}
    assert spans == {"â€œ": "mojibake", "â€": "mojibake", "kway": "truncation"}
    # the end of the text ends the fragment's line as a line break does
    assert [s.text for s in detector.detect(ZH_CONTEXT + "城市还计划改造永久性的海滨步道。 kway").spans] == ["kway"]


def test_names_a_chinese_text_translates_and_a_gloss_before_chinese_left_in(detector):
    zh = (
        ZH_CONTEXT * 3
        + "出境游方面，日本、Thai国和新加坡最受欢迎。New Year's Day和春节假期的机票已经开始升温。Tesla国产车型销量上涨。"
    )
    assert {s.text for s in detector.detect(zh).spans if s.kind != "duplication"} == {"Thai", "New Year's Day"}
    en = (
        EN_CONTEXT * 3
        + "Courses at Zhejiang University (浙江大学), 部分用中文授课, are popular, says the Ministry of Educat."
    )
    spans = kinds_besides_repeats(detector, en)
    assert spans == {"部分用中文授课": "untranslated", "Educat": "truncation"}


def test_a_prose_paragraph_cut_off_in_its_last_word(detector):
    text = "Students abroad\n" + EN_CONTEXT + "She runs the club. “That is why I learned the lang\nThe next line.\n"
    assert [(s.text, s.kind) for s in detector.detect(text).spans] == [("lang", "truncation")]
    # a headline or a short line without a stop is no cut paragraph
    assert detector.detect("China and Kyrgyzstan sign trade deal\n" + EN_CONTEXT + "\nPhoto by staff\n").spans == []


def test_merges_with_a_pinyin_name_or_a_country_acronym(detector):
    text = EN_CONTEXT + (
        "Parts of Heilongjiang and Jilinprovinces grow soybeans, the USDepartment of Agriculture said. "
        "The Wentian module docked; Sinograin and USAir bought more."
    )
    assert {s.text: s.kind for s in detector.detect(text).spans} == {"Jilinprovinces": "merge", "USDepartment": "merge"}
    # a place name and a function word; a name and a noun is a site's or a paper's name
    macao = EN_CONTEXT + "The tournament opens in Macaoon May 12, Chinanews reported."
    assert [s.text for s in detector.detect(macao).spans] == ["Macaoon"]
    # a rare name glued to "and"; a pinyin province glued to a verb ("won" is no pinyin)
    text = EN_CONTEXT + "Flights link Almaty, Tashkent, Urumqiand Xi'an. A rower from Jiangsuwon gold in Paris."
    assert {s.text: s.kind for s in detector.detect(text).spans} == {"Urumqiand": "merge", "Jiangsuwon": "merge"}


def test_chinese_repeats_in_a_list_and_a_clause_abandoned_and_restarted(detector):
    text = (
        ZH_CONTEXT
        + "机器会写文章、会画图、会画图、会编程。人工智能是帮手还是对手，取决于企业如何用取决于企业如何使用它。"
    )
    spans = [(s.text, s.fix) for s in detector.detect(text).spans if s.kind == "duplication"]
    assert spans == [("会画图、会画图", "会画图"), ("取决于企业如何用", "")]
    # the same clause said twice is one repeat, not a restart seen off by one
    twice = ZH_CONTEXT + "如今一名飞手如今一名飞手操作两架无人机。"
    assert [s.rule for s in detector.detect(twice).spans] == ["repeated-fragment"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a product name opening an English clause, a quoted term glued to a word, a spaced word
            "其中深度搜索公司的DeepSeek-V3 drew global attention for its low training cost.\n"
            "一些高校已经开设“AI+”minor专业。名单中就包括 such “生成式人工智能系统应用员”等工种。",
            {
                "drew global attention for its low training cost.": "untranslated",
                "minor": "switch",
                "such": "switch",
            },
        ),
        (  # a place in pinyin, a code with digits, a quotation split at a semicolon
            "涉案商品由被告委托Dongguan一家服装厂生产。一款冲锋衣（ASIN编号B0CX7K2M9T）售出近6000件。"
            "他在书中写道：“Technology has never been destiny; what really decides the outcome is choices.”他认为如此。",
            {
                "Dongguan": "switch",
                "Technology has never been destiny;": "untranslated",
                "what really decides the outcome is choices.": "untranslated",
            },
        ),
    ],
)
def test_english_in_chinese_around_names_codes_and_quotes(detector, text, expected):
    assert kinds_besides_repeats(detector, ZH_CONTEXT * 3 + text) == expected


def test_a_foreign_name_without_its_first_characters(detector):
    text = (
        ZH_CONTEXT
        + "李强同乌兹别克斯坦总统沙夫卡特·米尔济约耶夫（Shavkat Mirziyoyev）举行会谈。这是尔济约耶夫今年首次访华。\n"
        + "兹别克斯坦交通部副部长出席。赤道几内亚和几内亚代表也到场，米尔济约耶夫表示感谢。"
    )
    assert {s.text: s.kind for s in detector.detect(text).spans} == {
        "尔济约耶夫": "truncation",
        "兹别克斯坦": "truncation",
    }


def test_two_articles_in_a_row_and_a_phrase_pasted_twice_with_its_comma(detector):
    text = EN_CONTEXT + (
        "The strategy is summed up in the a slogan on its headquarters. The two sides are partners "
        "in deeds, in deeds, not only in words. The cost, the cost of labour, keeps rising. "
        "We saw the the A-team play."
    )
    spans = {s.text: (s.kind, s.rule) for s in detector.detect(text).spans}
    assert spans == {
        "the": ("duplication", "double-article"),
        "in deeds, in deeds": ("duplication", "repeated-words"),
        "the the": ("duplication", "repeated-words"),
    }


def test_capitalised_merges_of_two_names_and_camel_case_brands(detector):
    en = EN_CONTEXT + (
        "Each train crosses KazakhstanRussia, Belarus and Poland. The cold store runs on a platform "
        "called ColdLink. The Foreign Minister spoke first; the ForeignMinister then left."
    )
    assert {s.text for s in detector.detect(en).spans} == {"KazakhstanRussia", "ForeignMinister"}
    zh = ZH_CONTEXT + "德方合作者、明斯特大学教授托马斯·韦伯（ThomasWeber）表示，草原恢复很快。"
    assert [s.text for s in detector.detect(zh).spans] == ["ThomasWeber"]


def test_chinese_in_quotes_inside_english_text(detector):
    text = EN_CONTEXT + (
        "Nurtleu said the two countries had “不存在悬而未决的问题” on their common border. The communiqué was "
        "published under the title 《中哈外长会谈联合新闻公报》, and its slogan is “港通四海，货达全球” "
        "(“a port linked to the four seas”)."
    )
    assert {s.text: s.kind for s in detector.detect(text).spans} == {"不存在悬而未决的问题": "untranslated"}


def test_a_chinese_word_cut_at_a_line_start_or_a_clause_end(detector):
    text = ZH_CONTEXT + (
        "\n牙利投资促进局官员表示欢迎。\n办方统计，开幕首周观众已超过2.3万人次。\n她说，这些青铜器终于来到了多瑙。\n"
    )
    spans = [(s.text, s.kind, s.fix) for s in detector.detect(text).spans]
    assert spans == [
        ("牙利", "truncation", "匈牙利"),
        ("办方", "truncation", "主办方"),
        ("多瑙", "truncation", "多瑙河"),
    ]
    # two common words that the list does not hold as one ("好了", "很久", "在上") are ordinary text
    clean = (
        ZH_CONTEXT + "\n好了，我们走吧。\n在上海工作的年轻人越来越多。\n我们已经等了很久。\n换句话说，合作还在继续。\n"
    )
    assert detector.detect(clean).spans == []


def test_a_word_cut_short_that_the_document_writes_whole(detector):
    zh = ZH_CONTEXT + (
        "总统沙夫卡特·米尔济约耶夫（Shavkat Mirziyoyev）举行会谈。\nMirzi约耶夫在会谈结束时说，乌兹别克斯坦（Uzbekistan）"
        "和Uzbek语的材料都已准备好。"
    )
    assert [s.text for s in detector.detect(zh).spans if s.rule == "cut-document-word"] == ["Mirzi"]
    en = EN_CONTEXT + "In the southern Turkish city of Kahramanmaraş, a boy was rescued. A Kahramanmarash man helped."
    assert detector.detect(en).spans == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一度罕见的 which 黄花苜蓿也重新出现在围栏草场中。", "which"),  # a spaced stray word, marked alone
        # two lowercase words glued inside a hyphenated compound; a real compound stays
        (
            "系统把产量和草畜平衡（forage-livestockbalance）建议推送给牧民，也推送state-of-the-art的模型。",
            "livestockbalance",
        ),
    ],
)
def test_one_span_in_chinese_text(detector, text, expected):
    assert [s.text for s in detector.detect(ZH_CONTEXT + text).spans] == [expected]


def test_model_codes_and_glossed_terms_stay_and_numbers_finished_in_numerals_do_not(detector):
    zh = ZH_CONTEXT + (
        "插电混动车型Seal U DM-i（宋PLUS DM-i的海外版本）贡献了近四成。宝腾推出了纯电车型e.MAS 7。"
        "2022年上合组织撒马尔罕峰会（SCO Samarkand Summit）取得成果。纯电续航里程可达8零公里，注册量为3.七万辆。"
    )
    assert {s.text: s.fix for s in detector.detect(zh).spans} == {"8零": "80", "3.七": "3.7"}
    en = EN_CONTEXT + (
        "Visitors queue for rushan (乳扇) in the morning. The station opened in 1989 with 1,28零 MW of capacity. "
        "Outside the town, the open Outside the town, the open-air show starts at dusk. The line runs from "
        "Hainan to Zhumadianin central Henan, and Zhumadian is a city."
    )
    spans = {s.text: s.kind for s in detector.detect(en).spans}
    assert spans == {
        "1,28零": "truncation",
        "Outside the town, the open ": "duplication",
        "Zhumadianin": "merge",
    }


def test_an_english_clause_abandoned_and_started_again(detector):
    text = EN_CONTEXT + (
        "State Grid has proposed To ease the bottleneck, State Grid has proposed a second line.\n"
        "The Annual Meeting of Boao Forum opened. The Annual Meeting of Boao Forum closed. "
        "Visitors saw the Ruins of St. Paul's Immersive Exhibition at the Ruins of St. Paul's, Macau."
    )
    assert [(s.text, s.fix) for s in detector.detect(text).spans] == [("State Grid has proposed ", "")]


def test_names_cut_short_that_the_large_list_knows_whole(detector):
    en = EN_CONTEXT + "The coach, a former sprinter from Samarka, trains twelve athletes."
    assert [(s.text, s.kind, s.fix) for s in detector.detect(en).spans] == [("Samarka", "truncation", "Samarkand")]
    zh = ZH_CONTEXT * 2 + "研究人员使用美国Landsa 8卫星的影像，对安集延（Andija）周边的农田进行了监测。"
    assert kinds_besides_repeats(detector, zh) == {"Landsa": "truncation", "Andija": "truncation"}
    # short runs are names of their own; a word glued to a function word is a merge
    clean = EN_CONTEXT + "Sellers on Uzum and Modro ship daily. The Training Centerin Beijing opened."
    assert {s.text: s.kind for s in detector.detect(clean).spans} == {"Centerin": "merge"}


def test_short_brands_cut_short_that_chinese_text_writes_in_latin(detector):
    zh = ZH_CONTEXT * 2 + "他的项目代码都公开在GitHu上。片方还在TikTo上发布了英文版预告片。"
    assert [(s.text, s.kind, s.fix) for s in detector.detect(zh).spans if s.kind == "truncation"] == [
        ("GitHu", "truncation", "GitHub"),
        ("TikTo", "truncation", "TikTok"),
    ]
    # whole short brands, and short names in no list that begin no Latin word of Chinese text
    clean = ZH_CONTEXT * 2 + "他的项目代码都公开在GitHub上。极氪（Zeekr）和小鹏（Xpeng）在Temu上开店。"
    assert kinds_besides_repeats(detector, clean) == {}


def test_glued_words_brands_and_function_words_in_chinese(detector):
    zh = ZH_CONTEXT * 2 + "商家通过Lazada、Shopee等平台出海，另一家工厂委托Dongguan一家企业代工。"
    assert kinds_besides_repeats(detector, zh) == {"Dongguan": "switch"}
    # a function word glued twice is still no term of the document's
    twice = ZH_CONTEXT * 2 + "不少观众在that件青铜器前驻足。专家说that些纹饰很少见。"
    assert kinds_besides_repeats(detector, twice) == {"that": "switch"}
    assert [s.text for s in detector.detect(twice).spans if s.kind == "switch"] == ["that", "that"]


def test_glosses_with_a_number_or_a_misdecoded_quote_are_left_alone(detector):
    zh = ZH_CONTEXT * 2 + "消费者关心的“七天无理由退货”（7-day no-reason return）规则同样适用。"
    assert kinds_besides_repeats(detector, zh) == {}
    title = ZH_CONTEXT * 2 + "展览英文名为â€œBronze Echoes: Treasures from the Tang”，中文名为“青铜回响”。"
    assert kinds_besides_repeats(detector, title) == {"â€œ": "mojibake"}


def test_pinyin_gloss_of_a_chinese_name_without_its_space(detector):
    zh = ZH_CONTEXT * 2 + "负责人陈建国（ChenJianguo）说，订单来自马来西亚。另一位店主李明（Li Ming）也这样说。"
    assert kinds_besides_repeats(detector, zh) == {"ChenJianguo": "merge"}


def test_english_repeats_restarts_and_articles(detector):
    text = EN_CONTEXT + (
        "She landed in Xi’an in the morning. The fair showed 186 films from 42 countries and and regions. "
        "COMAC submitted its COMAC submitted its application in 2019. "
        "She said: “I did not know if anyone would watch it. I did not know if anyone would watch it. I only knew.”"
    )
    spans = {(s.text, s.fix) for s in detector.detect(text).spans}
    assert spans == {
        ("and and", "and"),
        ("COMAC submitted its ", ""),
        ("I did not know if anyone would watch it.", ""),
    }


def test_a_number_finished_in_chinese_numerals_in_english_text(detector):
    text = EN_CONTEXT + "The series will be available to members from September 2零. Viewers welcomed it."
    assert [(s.text, s.kind, s.fix) for s in detector.detect(text).spans] == [("2零", "truncation", "20")]


def test_a_sentence_started_again_right_away_keeps_the_second_start(detector):
    text = EN_CONTEXT + "Each batch is tested Each batch is standardised to contain 0.4 mg of the extract."
    [span] = detector.detect(text).spans
    assert (span.text, span.kind, span.fix) == ("Each batch is tested ", "duplication", "")


def test_names_glued_to_a_word_when_the_document_writes_the_name_alone(detector):
    text = EN_CONTEXT + (
        "Dr. Anna Vogel leads the unit. “We test what works,” Vogelsaid. The line starts in EastJakarta "
        "and ends near Bandung; Jakarta has grown fast. Student Peter Otieno, or PeterOtieno in the list, agreed. "
        "AirAsia flies across Asia."
    )
    assert {s.text: s.kind for s in detector.detect(text).spans} == {
        "Vogelsaid": "merge",
        "EastJakarta": "merge",
        "PeterOtieno": "merge",
    }


def test_english_left_in_chinese_as_a_quoted_phrase_or_a_place_name(detector):
    zh = ZH_CONTEXT * 2 + (
        "委员会称，这次预警“showed the value of regional cooperation”。"
        "受台风影响，Haikou Meilan International Airport取消航班412架次。"
        "他们提出“双碳”（“dual carbon goals for the region”）目标，并发布了“Bronze Echoes: Treasures of Xi'an”展览。"
    )
    assert kinds_besides_repeats(detector, zh) == {
        "showed the value of regional cooperation": "untranslated",
        "Haikou Meilan International Airport": "untranslated",
    }


def test_a_pinyin_gloss_in_brackets_is_no_fragment(detector):
    zh = ZH_CONTEXT * 2 + "随着全国高考（gaokao）成绩公布，各校招生工作进入关键阶段。"
    assert kinds_besides_repeats(detector, zh) == {}


def test_a_restarted_sentence_without_any_stop_in_the_text(detector):
    # no sentence-final punctuation anywhere: the sentence opens at the text's start
    assert [s.text for s in detector.detect("Each batch is tested Each batch is standardised to 5 mg").spans] == [
        "Each batch is tested "
    ]


def test_a_pinyin_gloss_cut_short_and_a_short_clause_said_twice(detector):
    zh = (
        ZH_CONTEXT * 2
        + "拼多多（Pinduod）未公布数字，淘宝（Taobao）和京东（Jingdong）公布了。此外，学校还此外，学校还设立了奖学金。"
    )
    spans = {s.text: s.kind for s in detector.detect(zh).spans}
    assert spans["Pinduod"] == "truncation" and spans["此外，学校还此外，学校还"] == "duplication"
    assert "Taobao" not in spans and "Jingdong" not in spans


def test_names_cut_across_scripts_or_glossed_with_an_english_given_name(detector):
    zh = ZH_CONTEXT * 2 + (
        "策展人安娜·霍夫鲍尔（Anna Hofbauer）介绍了展品。Hof鲍尔说，观众很多。"
        "欧洲区总经理周立帆（LeoZhou）表示满意，同事吴敏（Wu Min）也这样说。"
    )
    assert kinds_besides_repeats(detector, zh) == {"Hof": "truncation", "LeoZhou": "merge"}
    # a country's name glued to a bound suffix is whole (吉方), not cut from "Kyrgyzstan"
    kyrgyz = ZH_CONTEXT * 2 + "吉尔吉斯斯坦（Kyrgyzstan）代表团到访。今后Kyrgyz方希望扩大合作。"
    assert "Kyrgyz" in kinds_besides_repeats(detector, kyrgyz)
    assert {s.rule for s in detector.detect(kyrgyz).spans if s.text == "Kyrgyz"} == {"glued-word"}


def test_a_phrase_given_up_inside_its_last_word_and_said_again(detector):
    text = EN_CONTEXT + "Shares fell.\nFor now, Han For now, Hanxin's debut gives investors hope."
    [span] = detector.detect(text).spans
    assert (span.text, span.kind, span.fix) == ("For now, Han For now, ", "duplication", "For now, ")
    # after a comma a phrase taken up again holds both copies: either may be the one given up
    text = EN_CONTEXT + "It recovers in 0.3 seconds, because the balance because the balance algorithm is fast."
    assert flagged(detector, text, "duplication") == ["because the balance because the balance"]


def test_a_long_lowercase_word_glued_to_a_name_and_a_short_name_elsewhere(detector):
    text = EN_CONTEXT + "Hanxin raises 8.6 billion yuan in the year's largestShanghai IPO. Its easyJet deal stands."
    assert flagged(detector, text, "merge") == ["largestShanghai"]
    # "Han" written alone elsewhere is a syllable of many names: "HanSilicon" stays a brand
    text = EN_CONTEXT + "Han Jie, the maker of the HanSilicon line of chips, said Han was pleased."
    assert flagged(detector, text, "merge") == []


def test_quoted_phrases_left_in_the_other_language(detector):
    # a Chinese phrase with a number in English quotes: its digits count to its length
    text = EN_CONTEXT + "The firm gave no unit price but said it was “远低于100万元”. The “天宫2号” module flew."
    assert flagged(detector, text, "untranslated") == ["远低于100万元"]
    # a lowercase English phrase of three words in Chinese quotes, glossing nothing
    text = ZH_CONTEXT + "乐队鼓手在演出后接受采访时说，成都观众的热情“went beyond imagination”。"
    assert flagged(detector, text, "untranslated") == ["went beyond imagination"]


def test_chinese_phrases_with_numbers_said_twice_and_a_lone_letter(detector):
    text = ZH_CONTEXT + "她说：“我抢了三次票才抢到，花了680元，花了680元，但觉得值了。”"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    # the second copy goes; the first copy's number stays sound text
    assert (span.text, span.fix) == ("，花了680元", "")
    # a list of values said twice is no paste
    text = ZH_CONTEXT + "解码成一系列角度：负120度，负120度，0度，0度，120度。"
    assert flagged(detector, text, "duplication") == []
    text = ZH_CONTEXT + "这套系统可实时显示每名选手的 a 经济曲线和视野得分。"
    assert flagged(detector, text, "truncation") == ["a"]


def test_english_compounds_glued_inside_chinese_and_glosses_kept(detector):
    text = ZH_CONTEXT + "东航接收的客机采用two-class布局。她表示，过境visa-free政策让旅行变得简单。"
    assert flagged(detector, text, "switch") == ["two-class", "visa-free"]
    # a part too short to judge, a known solid spelling, or a term filling a bracket stays
    clean = (
        ZH_CONTEXT
        + "专辑融入了大量lo-fi和城市民谣元素。专家认为，这里的风土（terroir）得天独厚。发展跨境e-commerce平台。"
    )
    assert detector.detect(clean).spans == []


def test_a_model_code_beside_english_and_a_year_without_its_first_digit(detector):
    text = ZH_CONTEXT + "According to the introduction, C919的航程为4075至5555公里。\n013年起，宁夏推行酒庄分级制度。"
    spans = detector.detect(text).spans
    assert [(s.text, s.kind) for s in spans] == [
        ("According to the introduction", "untranslated"),
        ("013", "truncation"),
    ]
    assert spans[1].fix == "2013"


def test_a_sentence_with_a_code_or_number_given_up_and_started_again(detector):
    # opening a line, the first copy was given up; the code of the second stays sound text
    text = ZH_CONTEXT + "\nC919是我国按照C919是我国按照国际民航规章自行研制的客机。"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert (span.text, span.fix) == ("C919是我国按照", "")
    assert span.start == text.index("C919")
    text = ZH_CONTEXT + "他说：“比种玉米强多了。”他的儿子在20他的儿子在2021年考取了证书。"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert span.start == text.index("他的儿子") and span.text == "他的儿子在20"


def test_brands_with_a_short_hump_names_with_accents_and_quoted_headlines(detector):
    text = EN_CONTEXT + "The panda keeper said Panda fans watch the zoo's PandaCam, a live stream, every day."
    assert flagged(detector, text, "merge") == []
    text = ZH_CONTEXT + "法国女演员Céline Moreau凭借这部影片获得最佳女演员奖。"
    assert detector.detect(text).spans == []
    # a headline the sentence goes on after is a title; a quoted sentence before a stop is not
    text = ZH_CONTEXT + "英国《金融时报》不久前以“China's parcel army takes to the skies”为题报道了中国的低空物流。"
    assert detector.detect(text).spans == []


def test_a_clause_pasted_with_its_comma_an_opening_left_in_english_and_a_word_glued_twice(detector):
    text = ZH_CONTEXT + "目前全国共有IMAX银幕约850块，杜比影院超过320家，杜比影院超过320家。"
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert span.text == "杜比影院超过320家，" and span.start == text.index("杜比")
    text = ZH_CONTEXT + "\nIn Hangzhou's Xihu District，干了8年快递的张建军每天要派送400多件包裹。"
    assert flagged(detector, text, "untranslated") == ["In Hangzhou's Xihu District"]
    # a common English word glued twice is no term of the document's own
    text = ZH_CONTEXT + "无人机与sorting机器人扛起物流。仓库里的sorting机器人昼夜运转。"
    assert flagged(detector, text, "switch") == ["sorting", "sorting"]
    text = ZH_CONTEXT + "片段在抖音（Douyi）上累计播放量超过15亿次。"
    assert flagged(detector, text, "truncation") == ["Douyi"]


def test_place_names_glued_a_race_time_cut_and_a_long_clause_with_a_number_said_twice(detector):
    text = EN_CONTEXT + "A SouthKorean supplier signed with the EuropeanUnion. WestJet and NorthStar stayed."
    assert flagged(detector, text, "merge") == ["SouthKorean", "EuropeanUnion"]
    text = ZH_CONTEXT + "贝克勒以2:21:3夺冠，比赛于7:30开始，全程用时2:06:15。"
    assert flagged(detector, text, "truncation") == ["2:21:3"]
    text = (
        ZH_CONTEXT
        + "在海景路段，跑者的平均配速比前半程慢了约12秒，跑者的平均配速比前半程慢了约12秒，这与该路段的风向有关。"
    )
    [span] = [s for s in detector.detect(text).spans if s.kind == "duplication"]
    assert span.text == "跑者的平均配速比前半程慢了约12秒，" and span.start == text.rindex("跑者")
    text = ZH_CONTEXT + "配速变慢与该路段的crosswind有关。"
    assert flagged(detector, text, "switch") == ["crosswind"]


def test_two_long_words_glued_are_a_name_without_its_space(detector):
    text = EN_CONTEXT + (
        "Teams under the South-South CooperationProgramme work near the mouth of the YangtzeRiver. "
        "Engineers at FusionSolar and the app RiceDoctor log data, as does PlayStation."
    )
    assert flagged(detector, text, "merge") == ["CooperationProgramme", "YangtzeRiver"]


def test_a_common_word_glued_to_an_acronym_is_a_merge(detector):
    text = EN_CONTEXT + "Building a membraneLNG carrier is hard; eVTOL makers and mRNA labs are not merges."
    assert [(s.text, s.fix) for s in detector.detect(text).spans] == [("membraneLNG", "membrane LNG")]


def test_a_word_an_accented_letter_splits_is_no_merge(detector):
    for name in ("Coopérative", "CoopÃ©rative"):
        text = EN_CONTEXT + f"Farmers sell through the village cooperative, {name} Vary Soa, every week."
        assert flagged(detector, text, "merge") == [], name


def test_a_country_or_language_name_between_han_is_untranslated(detector):
    zh = ZH_CONTEXT * 2 + "本届阅读节最受关注的活动，是Norwegian作家的读者见面会。"
    assert kinds_besides_repeats(detector, zh) == {"Norwegian": "switch"}
    # on one side only, or glossing its Chinese, it stays
    kept = ZH_CONTEXT * 2 + "挪威（Norwegian）作家英格丽出席了读者见面会，Norwegian Air也赞助了活动。"
    assert kinds_besides_repeats(detector, kept) == {}


def test_a_code_glued_to_a_chinese_gloss_in_brackets_is_a_gloss(detector):
    text = EN_CONTEXT + "The current favourite is Y Liangyou 900 (Y两优900), a two-line hybrid from Hunan."
    assert [s.text for s in detector.detect(text).spans] == []


def test_a_common_word_that_reads_as_pinyin_is_no_chinese_name(detector):
    # "Rice" (ri+ce) written elsewhere made "RiceDoctor" a name glued to a word
    text = (
        EN_CONTEXT + "Hybrid Rice grows well here. Hybrid Rice needs water. Technicians log data in RiceDoctor, an app."
    )
    assert flagged(detector, text, "merge") == []
    assert flagged(detector, EN_CONTEXT + "The Jilin office opened. Farmers came from Jilinprovince.", "merge") == [
        "Jilinprovince"
    ]


def test_a_word_glued_inside_a_phrase_is_no_use_of_the_document_s_own(detector):
    # "suspension bridge方案" glues a phrase; "跨海bridge正式" is still the word left in English
    zh = ZH_CONTEXT * 2 + "澄洲湾跨海bridge正式通车。专家曾比较suspension bridge方案与斜拉桥方案。"
    assert "bridge" in [s.text for s in detector.detect(zh).spans if s.kind == "switch"]


def test_an_english_phrase_opening_on_a_one_letter_word_after_chinese_is_no_fragment(detector):
    text = EN_CONTEXT + "TANGSHAN, Jan. 12 — 在一个寒冷的星期二黎明前，a row of heavy-duty trucks waits at the station."
    assert [s.text for s in detector.detect(text).spans if s.rule == "mid-word-switch"] == []


def test_capitalised_words_glossing_a_han_name_are_a_name(detector):
    zh = ZH_CONTEXT * 2 + "其中瑞幸咖啡（Luckin Coffee）门店超过2万家，孟连县（MenglianCounty）的咖啡豆供应门店。"
    assert kinds_besides_repeats(detector, zh) == {"MenglianCounty": "merge"}


def test_a_name_the_document_writes_with_a_dot_cut_to_three_characters(detector):
    zh = ZH_CONTEXT * 2 + "丹麦顾问拉斯·克里斯滕森（Lars Kristensen）参与了设计。根据斯滕森的建议，桥面设置了阻尼器。"
    assert kinds_besides_repeats(detector, zh) == {"斯滕森": "truncation"}


def test_a_function_word_spaced_between_han_and_a_code(detector):
    zh = ZH_CONTEXT * 2 + "桥面钢箱梁采用 of Q420qE桥梁钢，分段在工厂制造。"
    assert kinds_besides_repeats(detector, zh) == {"of": "switch"}


def test_a_lowercase_word_then_a_capitalised_name_with_its_letters_is_no_repeat(detector):
    text = EN_CONTEXT + "“We never saw it,” said Said bin Nasser Al-Harthi, director of fisheries."
    assert flagged(detector, text, "duplication") == []
    assert flagged(detector, EN_CONTEXT + "The port said said that the ships left.", "duplication") == ["said said"]


def test_a_pinyin_gloss_of_a_name_before_a_common_word_is_whole(detector):
    zh = ZH_CONTEXT * 2 + "陈志远2019年第一次来到普纳高原（Puna），拼多多（Pinduod）的快递也到了这里。"
    assert kinds_besides_repeats(detector, zh) == {"Pinduod": "truncation"}


def test_a_capitalised_name_before_a_chinese_product_noun_is_a_brand(detector):
    zh = ZH_CONTEXT * 2 + "影片的毛发模拟使用了Houdini软件，在上海的一家Manner门店里，她是Norwegian作家。"
    assert kinds_besides_repeats(detector, zh) == {"Norwegian": "switch"}


def test_words_of_another_language_quoted_in_english_are_left_alone(detector):
    text = EN_CONTEXT + "One critic called it “een avond om nooit te vergeten” (an evening never to forget)."
    assert [s.text for s in detector.detect(text).spans] == []


def test_a_name_chinese_writes_in_latin_ends_an_english_stretch_glued_to_han(detector):
    zh = ZH_CONTEXT * 2 + "该片将于7月5日起在流媒体平台streaming platform Netflix全球上线，观众反响热烈。"
    spans = detector.detect(zh).spans
    assert ("streaming platform", "untranslated") in [(s.text, s.kind) for s in spans]
    assert not any("Netflix" in s.text for s in spans)

"""The repair stage: candidates, checks and the choice per passage (mtqa/repair.py).

The engine here is a dictionary: it answers each request with a fixed output, so each test
controls exactly what the "model" said and checks what the repair stage does with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtqa.detect import Detector, Span
from mtqa.passages import Passage
from mtqa.repair import (
    Repairer,
    foreign_pieces,
    foreign_share,
    kept_share,
    lost_tokens,
    new_numbers,
    pre_edit,
    splice,
    unexplained,
)
from mtqa.translate.base import Generated, Request, Translator


class DictEngine(Translator):
    """Outputs looked up by source text; unknown sources come back unchanged."""

    name = "dict"

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__(retry=False)
        self.table = table
        self.asked: list[tuple[str, str, str]] = []

    @property
    def model_id(self) -> str:
        return "dict"

    def generate(self, requests: Sequence[Request]) -> list[Generated]:
        out = []
        for r in requests:
            self.asked.append((r.text, r.src, r.tgt))
            out.append(Generated(self.table.get(r.text, r.text), 1))
        return out


def passage(text: str, spans: list[tuple[int, int, str, str | None]], offset: int = 0) -> Passage:
    sp = [Span(offset + a, offset + b, text[a:b], kind, "major", 0.9, "test", fix=fix) for a, b, kind, fix in spans]
    return Passage(1, offset, offset + len(text), text, sp)


def repairer(table: dict[str, str], target: str = "zh", memory=None) -> tuple[Repairer, DictEngine]:
    engine = DictEngine(table)
    return Repairer(lambda: engine, Detector(), target, frozenset({"SCO"}), memory), engine


def test_pre_edit_applies_sure_fixes_only():
    text = "共同提高中吉三大口岸通关通关效率。"
    i = text.index("通关通关") + 2
    p = passage(text, [(i, i + 2, "duplication", "")], offset=100)
    assert pre_edit(p) == ("共同提高中吉三大口岸通关效率。", True)
    # a duplication span is the superfluous copy: without a fix of its own it is deleted
    q = passage(text, [(i, i + 2, "duplication", None)])
    assert pre_edit(q) == ("共同提高中吉三大口岸通关效率。", True)
    tail = "公民数量持续增长tinues to increase, and new associations are set up."
    a = tail.index("tinues")
    r = passage(tail, [(a, a + len("tinues to increase"), "duplication", None)])
    assert pre_edit(r)[0] == "公民数量持续增长, and new associations are set up."
    # other spans without a fix stay as they are
    s = passage(text, [(i, i + 2, "switch", None)])
    assert pre_edit(s) == (text, False)


def test_foreign_pieces_leave_legitimate_latin_alone():
    text = "中吉两国在SCO框架内合作。We will en鼓励并支持iPhone手机出口。"
    pieces = foreign_pieces(text, "zh")
    assert [p.text for p in pieces] == ["We will en"]
    assert pieces[0].whole
    assert [p.text for p in foreign_pieces("Xi Jinping (习近平) met 两国元首 in Astana.", "en")] == ["两国元首"]


def test_rules_win_when_the_sure_fix_is_clean():
    text = "共同提高中吉三大口岸通关通关效率。"
    i = text.index("通关通关") + 2
    rep, engine = repairer({})
    [r] = rep.repair([passage(text, [(i, i + 2, "duplication", "")])])
    assert r.method == "rules" and r.text == "共同提高中吉三大口岸通关效率。"
    assert engine.asked == []  # no MT for a passage the rules repaired


def test_pieces_keep_the_clean_text_verbatim():
    text = "我们将充分发挥这些平台作用。We will en鼓励并支持两国企业开展合作。"
    a = text.index("We")
    rep, engine = repairer(
        {
            "We will en": "我们将",
            # the whole-passage rewrite paraphrases the clean Chinese part
            text: "我们会好好利用这些平台。我们将鼓励两国企业合作。",
        }
    )
    [r] = rep.repair([passage(text, [(a, a + 10, "switch", None)])])
    assert r.method == "pieces"
    assert r.text == "我们将充分发挥这些平台作用。我们将鼓励并支持两国企业开展合作。"
    mt = next(c for c in r.candidates if c.method == "mt")
    assert "rewrote_clean_text" in mt.problems
    assert ("We will en", "en", "zh") in engine.asked


def test_invented_content_falls_back_to_the_smaller_edit():
    text = "中方愿同吉方共建strat战略合作。"
    a = text.index("strat")
    table = {"strat": "战略", text: "中方愿同吉方共建“一带一路”战略合作。"}
    rep, _ = repairer(table)
    [r] = rep.repair([passage(text, [(a, a + 5, "switch", None)])])
    mt = next(c for c in r.candidates if c.method == "mt")
    assert "invented" in mt.problems
    # the smaller edit: a cut-off fragment glued to the word it came from is dropped
    assert r.method == "pieces" and r.text == "中方愿同吉方共建战略合作。" and not r.flags
    # with a sure fix from the detector (a translated tail: delete it), the rules win without MT
    [r] = repairer(table)[0].repair([passage(text, [(a, a + 5, "duplication", "")])])
    assert r.method == "rules" and r.text == "中方愿同吉方共建战略合作。"


def test_untranslated_sentence_is_translated_and_leftovers_are_flagged():
    text = "China has remained Kyrgyzstan's largest trading partner for many years."
    good = "多年来，中国一直是吉尔吉斯斯坦最大的贸易伙伴。"
    rep, _ = repairer({text: good})
    [r] = rep.repair([passage(text, [(0, len(text), "untranslated", None)])])
    assert r.method in ("pieces", "mt") and r.text == good and not r.flags
    original = next(c for c in r.candidates if c.method == "original")
    assert "foreign_left" in original.problems
    rep2, _ = repairer({text: "多年来，中国一直是Kyrgyzstan最大的trading partner。"})
    [r2] = rep2.repair([passage(text, [(0, len(text), "untranslated", None)])])
    assert "foreign_left" in r2.flags  # nothing clean: the lightest problems win, and they are recorded


def test_memory_replaces_a_reference_sentence_with_its_counterpart():
    text = "Xi says China-Kyrgyzstan cooperation holds great potential."
    rep, engine = repairer({}, memory=lambda s: "习近平强调,中吉合作大有可为。" if s == text else None)
    [r] = rep.repair([passage(text, [(0, len(text), "untranslated", None)])])
    assert r.method == "memory" and r.text == "习近平强调,中吉合作大有可为。"
    assert all(src != "en" or t != text for t, src, _ in engine.asked)


def test_english_document_repairs_chinese_left_in():
    text = "Following the meeting, 两国元首 witnessed the signing of documents."
    a = text.index("两国元首")
    rep, _ = repairer({"两国元首": "the two heads of state"}, target="en")
    [r] = rep.repair([passage(text, [(a, a + 4, "untranslated", None)])])
    assert r.text == "Following the meeting, the two heads of state witnessed the signing of documents."


def test_checks_helpers():
    assert unexplained("中方愿同吉方共建“一带一路”战略", "中方愿同吉方共建strat战略", ["战略"], "zh") == (4, 4)
    assert kept_share("甲乙丙丁戊己", "甲乙丙丁戊己", [], "zh") == 1.0
    assert splice("abcdef", [(3, 4, "X"), (0, 1, "")]) == "bcXef"


def test_wrong_language_share_and_new_numbers():
    assert foreign_share("我们将鼓励合作。", "zh", frozenset()) == 0.0
    assert foreign_share("We will encourage cooperation.", "zh", frozenset()) == 1.0
    mostly = foreign_share("刘江平:近年来,在习近平和扎帕罗夫的 strategic指导下,中吉关系发展迅速。", "zh", frozenset())
    assert 0.0 < mostly < 0.2
    assert foreign_share("中吉合作SCO峰会", "zh", frozenset()) == 0.0
    # an upper-cased fragment of the source is not an acronym
    assert foreign_share("百年合作GES正在加速", "zh", frozenset(), source="百年合作ges正在加速") > 0
    src = "China's trade reached US $ 94.8 billion 33 years after 202四"
    assert new_numbers("33年来，贸易额达948亿美元", [src]) == []
    assert new_numbers("自1992年建交以来，贸易额达948亿美元", [src]) == ["1992"]


def test_a_mostly_translated_candidate_beats_the_untranslated_original():
    text = "Liu Jiangping: In recent years, relations have continued to develop rapidly and fruitfully."
    out = "刘江平:近年来,中吉关系持续快速发展,成果fruitful。"
    rep, _ = repairer({text: out})
    [r] = rep.repair([passage(text, [(0, len(text), "untranslated", None)])])
    assert r.text == out and "foreign_left" in r.flags


def test_a_clearly_better_translation_beats_the_smaller_clean_edit():
    text = "Reporter: Hello, Ambassador Liu江平! What has been achieved in recent years?"
    table = {
        "Reporter: Hello, Ambassador Liu": "你好，刘大使",
        "What has been achieved in recent years?": "近年来取得了哪些成就？",
        text: "记者：刘江平大使，您好！近年来取得了哪些成就？",
    }
    a = text.index("Liu江平")
    spans = [(0, len(text), "untranslated", None), (a, a + 5, "switch", None)]
    engine = DictEngine(table)

    def rank(src: str, cands: list[str]) -> list[float]:
        return [80.0 if c.startswith("记者") else 50.0 for c in cands]

    rep = Repairer(lambda: engine, Detector(), "zh", frozenset(), rank=rank)
    [r] = rep.repair([passage(text, spans)])
    assert r.method == "mt" and "beats" in r.reason
    [r] = Repairer(lambda: engine, Detector(), "zh", frozenset()).repair([passage(text, spans)])
    assert r.method != "mt" or "beats" not in r.reason


def test_single_words_are_translated_in_place_and_glosses_left_alone():
    text = "第三届中国—中亚能源与connectivity合作论坛在比什凯克（Bishkek）举行，企业只需一次declar申报。"
    a, b = text.index("connectivity"), text.index("declar")
    table = {"connectivity": "互联互通", "declar": "申报"}
    rep, engine = repairer(table)
    spans = [(a, a + 12, "switch", None), (b, b + 6, "truncation", None)]
    [r] = rep.repair([passage(text, spans)])
    assert r.method == "pieces"
    assert r.text == "第三届中国—中亚能源与互联互通合作论坛在比什凯克（Bishkek）举行，企业只需一次申报。"
    assert ("Bishkek", "en", "zh") not in engine.asked and ("declar", "en", "zh") not in engine.asked
    assert [p.kind for p in foreign_pieces(text, "zh")] == ["word", "fragment"]


def test_spaces_around_an_english_passage_in_chinese_text_belong_to_it():
    from mtqa.passages import absorb_spacing

    text = "提高到40%。 He hoped Chinese companies would play a bigger role. 双方将继续合作。 SCO 峰会"
    a = text.index("He")
    b = text.index("role.") + 5
    p = passage(text[a:b], [], offset=a)
    q = passage(text[text.index("SCO") : text.index("SCO") + 3], [], offset=text.index("SCO"))
    absorb_spacing(text, [p, q], "zh")
    assert p.text == " He hoped Chinese companies would play a bigger role. " and text[p.start : p.end] == p.text
    assert q.text == " SCO "  # touching Chinese on both sides
    absorb_spacing("He said so. Then left.", [r := passage("Then left.", [], offset=12)], "zh")
    assert r.text == "Then left."  # English on the left: the space stays


def test_a_fragment_glued_beside_its_own_translation_is_dropped_not_translated():
    # "exp出口": what is left of "export" glued to its translation. wordfreq knows "exp", so only
    # the detector's verdict (a word fragment glued to Han) makes it a fragment.
    text = "该国扩大天然气exp出口的计划。toms official said that trade has changed.他说。"
    e, t = text.index("exp"), text.index("toms")
    table = {"exp": "扩展", "official said that trade has changed.": "官员表示，贸易已经改变。"}
    rep, engine = repairer(table)
    sp = [
        Span(
            e - 1, e + 4, text[e - 1 : e + 4], "switch", "major", 0.75, "mid-word-switch", "word fragment glued to Han"
        ),
        Span(t, t + 4, "toms", "truncation", "major", 0.6, "cut-word", "word cut at its start"),
        Span(t, text.index("他"), text[t : text.index("他")], "untranslated", "major", 0.99, "untranslated-sentence"),
    ]
    [r] = rep.repair([Passage(1, 0, len(text), text, sp)])
    assert r.method == "pieces"
    assert r.text == "该国扩大天然气出口的计划。官员表示，贸易已经改变。他说。"
    assert ("exp", "en", "zh") not in engine.asked
    # the cut tail "toms" reads as another word (a model writes 汤姆斯): dropped before translation
    assert [(pc.text, pc.kind) for pc in foreign_pieces(text, "zh", cut=frozenset({"exp", "toms"}))] == [
        ("exp", "fragment"),
        ("toms", "fragment"),
        ("official said that trade has changed.", "clause"),
    ]
    # a cut word opening a clause that is no word stays in it: the model can often read it
    # ("ery day" -> 每天); so does any word the detector did not report cut
    ery = "他说。ery day the trains run on time.好的。"
    assert [pc.text for pc in foreign_pieces(ery, "zh", cut=frozenset({"ery"}))] == ["ery day the trains run on time."]
    assert [pc.kind for pc in foreign_pieces(text, "zh")] == ["word", "clause"]


def test_a_token_the_detector_found_damaged_is_not_a_code_to_keep():
    from mtqa.repair import lost_tokens

    text = "After the two countr1992年建交,双方引进了C919客机。"
    a = text.index("countr")
    fixed = "两国1992年建交,双方引进了C919客机。"
    assert lost_tokens(text, fixed, frozenset()) == ["countr1992"]  # looks like a code on its own
    assert lost_tokens(text, fixed, frozenset(), [(a, a + 6)]) == []  # the detector cut it
    assert lost_tokens(text, fixed.replace("C919", ""), frozenset(), [(a, a + 6)]) == ["C919"]
    table = {"After the two countr1992": "两国1992"}
    rep, _ = repairer(table)
    [r] = rep.repair([passage(text, [(a, a + 6, "truncation", None), (0, a + 6, "untranslated", None)])])
    assert r.method in ("pieces", "mt") and "lost_token" not in r.flags and r.text.startswith("两国1992年建交")


def test_a_glued_word_loses_what_the_chinese_beside_it_already_says():
    # "artificial智能": the word's translation 人工智能 overlaps the 智能 it is glued to;
    # "long长远": its translation 长 is where 长远 starts; "firmly维护": nothing shared, translated.
    text = "在人工智能、artificial智能等方面,维护双方共同和long长远利益,firmly维护国际秩序。"
    table = {"artificial": "人工智能", "long": "长", "firmly": "坚定"}
    rep, _ = repairer(table)
    spans = [(text.index(w), text.index(w) + len(w), "switch", None) for w in ("artificial", "long", "firmly")]
    [r] = rep.repair([passage(text, spans)])
    assert r.method == "pieces"
    assert r.text == "在人工智能、人工智能等方面,维护双方共同和长远利益,坚定维护国际秩序。"


def test_translated_stretches_keep_their_comma_and_the_documents_punctuation():
    from mtqa.repair import to_punct_style, zh_punct_style

    ascii_doc = "习近平指出,建交33年来,中吉关系实现跨越式发展。"
    assert zh_punct_style(ascii_doc) == "ascii" and zh_punct_style("我们认为，合作很重要。") == "full"
    assert to_punct_style("会见后，两国元首：见证。", "ascii") == "会见后,两国元首:见证。"
    assert to_punct_style("会见后,两国在1,000个项目上合作。", "full") == "会见后，两国在1,000个项目上合作。"
    text = "The Kyrgyz side supports the initiatives,愿同中方共同践行,促进发展。"
    b = text.index("愿")
    table = {"The Kyrgyz side supports the initiatives,": "吉方支持这些倡议，"[:-1]}
    engine = DictEngine(table)
    rep = Repairer(lambda: engine, Detector(), "zh", frozenset(), punct="ascii")
    [r] = rep.repair([passage(text, [(0, b, "untranslated", None)])])
    assert r.text == "吉方支持这些倡议,愿同中方共同践行,促进发展。"


def test_english_words_a_translation_kept_are_translated_on_their_own():
    text = "今年2月. We held a fruitful meeting in Beijing.双方达成共识。"
    a, b = text.index("We"), text.index("双")
    table = {"We held a fruitful meeting in Beijing.": "我们在北京举行了一次fruitful会议。", "fruitful": "富有成果的"}
    rep, engine = repairer(table)
    [r] = rep.repair([passage(text, [(a, b, "untranslated", None)])])
    assert "fruitful" not in r.text and "举行了一次富有成果的会议" in r.text
    assert ("fruitful", "en", "zh") in engine.asked


def test_month_names_and_number_words_explain_digits():
    assert new_numbers("今年2月我们举行了会晤", ["In February this year we met"]) == []
    assert new_numbers("在2023年2月", ["In February this year"]) == ["2023"]
    assert new_numbers("建交33年来", ["建交三十三年来"]) == []
    assert new_numbers("three 3 May 5", ["three, and we may go"]) == ["5"]


def test_a_country_glued_to_fang_takes_its_short_name_and_articles_are_dropped():
    text = "项目的Kyrgyz方负责人说,American方式不同,已培养了 the 数百名技术工人。"
    spans = [(text.index(w), text.index(w) + len(w), "switch", None) for w in ("Kyrgyz", "American", "the")]
    rep, engine = repairer({"Kyrgyz": "吉尔吉斯", "American": "美国"})
    [r] = rep.repair([passage(text, spans)])
    assert r.text == "项目的吉方负责人说,美国方式不同,已培养了数百名技术工人。"
    assert ("the", "en", "zh") not in engine.asked


def test_a_repeat_inside_an_untranslated_sentence_is_removed_before_translation():
    text = "报告认为,the digital economy will become a new growth point, a new growth point for cooperation."
    a = text.index("the")
    clause = "the digital economy will become a new growth point for cooperation."
    rep, engine = repairer({clause: "数字经济将成为合作的新增长点。"})
    [r] = rep.repair([passage(text, [(a, len(text), "untranslated", None)])])
    assert (clause, "en", "zh") in engine.asked
    assert r.text == "报告认为,数字经济将成为合作的新增长点。"


def test_english_repairs_take_no_capital_mid_sentence_and_complete_cut_words():
    from mtqa.repair import midsentence_capitals

    text = "Trains carry everything从笔记本电脑到汽车零部件, exporters file electronic declara申报 once, and Beijing北京方面 waits."
    table = {"从笔记本电脑到汽车零部件": "From laptops to auto parts", "申报": "Declarations", "北京方面": "Beijing"}
    engine = DictEngine(table)
    names = midsentence_capitals("Officials in Beijing said so. They met in Astana.")
    assert names == {"Beijing", "Astana"}
    rep = Repairer(lambda: engine, Detector(), "en", frozenset(), names=names)
    spans = [(text.index(w), text.index(w) + len(w), "untranslated", None) for w in table]
    spans.append((text.index("declara"), text.index("declara") + 7, "truncation", None))
    [r] = rep.repair([passage(text, spans)])
    assert r.method == "pieces"
    assert (
        r.text
        == "Trains carry everything from laptops to auto parts, exporters file electronic declarations once, and Beijing waits."
    )


def test_a_chinese_sentence_with_ascii_commas_is_one_stretch():
    text = "Relations grew. 习近平指出,建交33年来,中吉关系实现跨越式发展。 They met."
    assert [pc.text for pc in foreign_pieces(text, "en")] == ["习近平指出,建交33年来,中吉关系实现跨越式发展。"]
    assert [pc.text for pc in foreign_pieces("A 北京, 上海 B", "en")] == ["北京", "上海"]


def test_a_sentence_opening_with_a_cut_tail_drops_it_and_a_leading_clause_keeps_its_comma():
    # "toms official said…": what is left of "Customs" is dropped, not translated as a name;
    # an English clause that opens a sentence and runs straight into Chinese takes a comma.
    text = "分析人士说。toms official said trade grew.通过电子数据交换,As a number of major projects are implemented这一地区有望成为增长带。"
    a, b = text.index("toms"), text.index("通过")
    c, d = text.index("As a"), text.index("这一")
    table = {
        "official said trade grew.": "官员表示贸易增长了。",
        "As a number of major projects are implemented": "随着一批重大项目的实施",
    }
    rep, engine = repairer(table)
    spans = [(a, a + 4, "truncation", None), (a, b, "untranslated", None), (c, d, "untranslated", None)]
    [r] = rep.repair([passage(text, spans)])
    assert ("toms official said trade grew.", "en", "zh") not in engine.asked
    assert r.text == "分析人士说。官员表示贸易增长了。通过电子数据交换,随着一批重大项目的实施，这一地区有望成为增长带。"
    # mid-sentence, or followed by punctuation, a clause takes no comma of its own
    text2 = "我们要加强in artificial intelligence and robotics领域的合作。"
    e, f = text2.index("in"), text2.index("领域")
    rep2, _ = repairer({"in artificial intelligence and robotics": "在人工智能和机器人"})
    [r2] = rep2.repair([passage(text2, [(e, f, "untranslated", None)])])
    assert r2.text == "我们要加强在人工智能和机器人领域的合作。"


def test_a_pinyin_surname_glued_to_a_given_name_is_written_in_han():
    text = "90后村民Zhang丽每天晚上都会开直播。"
    a = text.index("Zhang")
    rep, _ = repairer({})
    [r] = rep.repair([passage(text, [(a - 1, a + 6, "switch", None)])])
    assert r.text == "90后村民张丽每天晚上都会开直播。"


def test_glosses_and_quoted_titles_are_neither_foreign_nor_to_be_lost():
    from mtqa.repair import lost_tokens

    glossed = "法国游客克莱尔·马丁（Claire Martin）写道，这里的风景让她想起了家乡。"
    assert foreign_share(glossed, "zh", frozenset()) == 0.0
    assert lost_tokens(glossed, "法国游客克莱尔·马丁（克莱尔·马丁）写道", frozenset()) == ["Claire", "Martin"]
    titled = "依托“Silk Road Agri-Skills”培训项目，引进了Chinese water-saving irrigation technology."
    assert [p.text for p in foreign_pieces(titled, "zh")] == ["Chinese water-saving irrigation technology."]
    english = "engineers cited ultra-high-voltage (特高压) smission,"
    assert lost_tokens(english, "engineers cited ultra-high-voltage (UHV) transmission,", frozenset()) == ["特高压"]


def test_a_quoted_sentence_is_translated_and_keeps_its_quotes():
    quoted = "分析师表示：“The timing of the cut was slightly earlier than the market expected.”他认为，“Silk Road”项目很好。"
    assert [p.text for p in foreign_pieces(quoted, "zh")] == [
        "The timing of the cut was slightly earlier than the market expected."
    ]
    said = "Zhou said. “现在我们有大约十周时间，在作出决定之前把着陆区的测绘精度提高到半米。” The station is Tiangong (天宫)."
    assert [p.text for p in foreign_pieces(said, "en")] == [
        "现在我们有大约十周时间，在作出决定之前把着陆区的测绘精度提高到半米。"
    ]


def test_a_stretch_ending_in_a_percentage_takes_its_sign_and_stop():
    assert [p.text for p in foreign_pieces("损耗率降到了 below 5%. 他说", "zh")] == ["below 5%."]


def test_a_rewrite_stops_where_the_passage_stops_and_keeps_its_apostrophes():
    from mtqa.repair import _same_ending

    assert _same_ending("alumi铝,", "aluminium", "en") == "aluminium,"
    assert _same_ending("signed in 202,", "signed in 2020.", "en") == "signed in 2020,"
    assert (
        _same_ending("双方要扩大贸易和投资规模", "The two sides will expand trade.", "en")
        == "The two sides will expand trade"
    )
    assert _same_ending("Relations grew.", "关系发展了。", "zh") == "关系发展了。"
    text = "city Wagons wait because Kazakhstan’s railway lacks locomotives."
    rep, _ = repairer({text: "Wagons wait because Kazakhstan's railway lacks locomotives."}, target="en")
    assert rep._shape_mt(text, "Wagons wait because Kazakhstan's railway lacks locomotives.").count("’") == 1


def test_a_completed_year_is_a_new_number():
    assert new_numbers("signed in 2020.", ["signed in 202,"]) == ["2020"]
    assert new_numbers("双边贸易额2024年达948亿美元", ["US $ 94.8 billion in 2024"]) == []


def test_one_chinese_character_glued_to_a_cut_word_is_translated_with_it():
    text = "It taxes the carbon content of steel, alumi铝, cement and fertiliser."
    assert [p.kind for p in foreign_pieces(text, "en")] == ["word"]
    rep, _ = repairer({"铝": "Aluminium"}, target="en")
    a = text.index("alumi")
    [r] = rep.repair([passage(text, [(a, a + 5, "truncation", None), (a + 5, a + 6, "switch", None)])])
    assert r.text == "It taxes the carbon content of steel, aluminium, cement and fertiliser."


def test_a_name_cut_across_scripts_is_completed_in_pinyin():
    text = "Most of the cars were built in Shanghai and Guang州 and shipped to Jeddah."
    rep, _ = repairer({"州": "state"}, target="en")
    a = text.index("Guang")
    [r] = rep.repair([passage(text, [(a, a + 6, "switch", None)])])
    assert r.text == "Most of the cars were built in Shanghai and Guangzhou and shipped to Jeddah."
    # not pinyin ("Kyrgyz", "Tash"): the Han character is translated as before
    from mtqa.repair import _pinyin_name

    assert _pinyin_name("the Kyrgyz", "方") is None and _pinyin_name("in Tash", "干") is None


def test_an_amount_at_another_size_is_flagged():
    from mtqa.translate.checks import check_output, wrong_magnitudes

    assert wrong_magnitudes("a special fund of 1 billion yuan", "设立1亿元专项基金") == ["1e+08"]
    assert wrong_magnitudes("a special fund of 1 billion yuan", "设立10亿元专项基金") == []
    # the digits before a Chinese scale are no amount of their own ("1400万" is no 1400)
    assert wrong_magnitudes("to reach 14 million TEU.", "将达到1400万TEU。") == []
    assert wrong_magnitudes("trade reached US $ 94.8 billion", "贸易额达94.8亿美元") != []
    assert wrong_magnitudes("an area of 15,000 square metres", "占地1.5万平方米") == []
    assert wrong_magnitudes("出口额达到418.3亿元", "exports reached 41.83 billion yuan") == []
    # counts, years and lengths in 千米 are no amounts of that kind
    assert wrong_magnitudes("3千米长，2024年建成", "3 km long, built in 2024") == []
    assert "wrong_magnitude" in check_output("a fund of 1 billion yuan", "1亿元的基金", "en", "zh")


def test_an_amount_at_another_size_is_written_at_the_source_size():
    from mtqa.translate.checks import fix_magnitudes

    assert fix_magnitudes("a fund of 1 billion yuan", "设立1亿元专项基金", "zh") == "设立10亿元专项基金"
    assert fix_magnitudes("US $ 94.8 billion in 2024", "2024年达94.8亿美元", "zh") == "2024年达948亿美元"
    assert fix_magnitudes("an area of 15,000 square metres", "占地1500平方米", "zh") == "占地1.5万平方米"
    assert fix_magnitudes("总额达到10亿元", "a total of 1 billion yuan", "en") == "a total of 1 billion yuan"
    assert fix_magnitudes("总额达到10亿元", "a total of 100 million yuan", "en") == "a total of 1 billion yuan"
    assert fix_magnitudes("总额达到10亿元", "a total of 10 billion yuan", "en") == "a total of 1 billion yuan"


def test_a_brand_or_product_name_phrase_stays_in_latin():
    assert foreign_pieces("对在AliExpress、TikTok Shop等境外平台开设店铺的企业给予补贴。", "zh") == []
    assert foreign_pieces("华为发布了Mate 60 Pro手机。", "zh") == []
    assert [p.text for p in foreign_pieces("会见了Liu Jiangping大使。", "zh")] == ["Liu Jiangping"]


def test_names_the_document_writes_in_latin_are_kept_not_translated():
    from mtqa.repair import latin_names

    doc = (
        "Northgate Securities亚太区首席经济学家Martin Hale在接受采访时说，市场回暖。Smart农业发展很快。"
        "He expects that, if data keep improving，外资流入有望延续。"
    )
    cut = doc.index("He expects")
    spans = [Span(cut, cut + 39, doc[cut : cut + 39], "untranslated", "major", 0.9, "test")]
    names = latin_names(doc, spans)
    assert names == {"Northgate", "Securities", "Martin", "Hale"}  # not "Smart": a common word, nor "He"
    text = doc[doc.index("Martin") :]
    a = text.index("He expects")
    engine = DictEngine({"He expects that, if data keep improving": "他预计，如果数据继续改善"})
    rep = Repairer(lambda: engine, Detector(), "zh", frozenset(names))
    [r] = rep.repair([passage(text, [(a, a + 39, "untranslated", None)])])
    assert r.text.startswith("Martin Hale在接受采访时说") and "他预计" in r.text
    assert all(src != "Martin Hale" for src, _, _ in engine.asked)


def test_a_stray_fragment_alone_after_a_chinese_stop_is_deleted_with_its_stop():
    text = " kway."
    rep, _ = repairer({})
    [r] = rep.repair([passage(text, [(1, 5, "truncation", None)])])
    assert r.method == "pieces" and r.text == ""


def test_a_gloss_with_a_letter_like_u_umlaut_stays_and_a_quoted_chinese_phrase_is_translated():
    zh = "团队与德国明斯特大学（University of Münster）研究所开展合作，jointly built a ground validation network。"
    assert [p.text for p in foreign_pieces(zh, "zh")] == ["jointly built a ground validation network"]
    en = "Nurtleu said the two countries had “不存在悬而未决的问题” on their border."
    assert [p.text for p in foreign_pieces(en, "en")] == ["不存在悬而未决的问题"]
    # a quoted Chinese phrase with its English in brackets is a gloss
    assert foreign_pieces("Its slogan is “港通四海，货达全球” (“a port linked to the four seas”).", "en") == []


def test_quoted_english_phrases_and_place_names_are_translated_in_chinese():
    text = (
        "委员会称，预警“showed the value of regional cooperation”。Haikou Meilan International Airport取消航班。"
        "他们提出“双碳”（“dual carbon goals for the region”）目标，展览“Bronze Echoes: Treasures of Xi’an”开幕，"
        "商家入驻TikTok Shop。"
    )
    assert [p.text for p in foreign_pieces(text, "zh")] == [
        "showed the value of regional cooperation",
        "Haikou Meilan International Airport",
    ]


def test_lost_tokens_ignore_ordinals_and_translated_place_names():
    original = "By noon on the 16th, power was back. Haikou MeilanInternational Airport取消航班，HSK考试照常。"
    candidate = "16日中午恢复供电。海口美兰国际机场取消航班，HSK考试照常。"
    assert lost_tokens(original, candidate, frozenset()) == []
    assert lost_tokens(original, candidate.replace("HSK", "汉语水平"), frozenset()) == ["HSK"]


def test_lost_tokens_keep_no_stop_and_let_a_fixed_merge_go():
    assert lost_tokens("to reach 14 million TEU.", "将达到1400万TEU。", frozenset()) == []
    # a gloss the detector found merged is fixed ("ZhouLixin" -> "Zhou Lixin"), not kept as it was
    original = "处长周立新（ZhouLixin）表示"
    assert lost_tokens(original, "处长周立新（Zhou Lixin）表示", frozenset(), [(6, 15)]) == []
    assert lost_tokens(original, "处长周立新（Zhou Lixin）表示", frozenset()) == ["ZhouLixin"]


def test_lost_tokens_of_a_stretch_with_a_sentence_of_numbers_only():
    # "HANGZHOU, Sept. 2" splits into "HANGZHOU, Sept." and "2": a part with no words is no
    # institution's name (this raised IndexError)
    assert lost_tokens("杭州电 HANGZHOU, Sept. 2 电影节开幕", "杭州电 9月2日 电影节开幕", frozenset()) == ["HANGZHOU"]


def test_common_words_of_a_sentence_left_in_english_are_translated_with_it():
    original = "霍华德也坦言，The pace of competition in the app market made an impression on her. I agree，C919也在。"
    candidate = "霍华德也坦言，应用市场的竞争速度让她印象深刻。我同意，C919也在。"
    known = frozenset({"The", "app"})  # words the document or the references write in Latin elsewhere
    a, b = original.index("The"), original.index("，C919")
    assert lost_tokens(original, candidate, known) == ["I", "The", "app"]
    assert lost_tokens(original, candidate, known, translated=[(a, b)]) == []
    # codes inside such a sentence are still kept
    assert lost_tokens(original.replace("app", "HSK"), candidate, known, translated=[(a, b)]) == ["HSK"]


def test_a_number_with_a_decimal_point_is_no_token_to_keep():
    original = "《长风破浪》于7月4日上映，has grossed 3.48 billion yuan so far，暂列档期冠军。"
    candidate = "《长风破浪》于7月4日上映，累计票房34.8亿元，暂列档期冠军。"
    assert lost_tokens(original, candidate, frozenset()) == []

"""mtqa.align: the trigram shortlist, the bitext sentence aligner, and the reference set's routes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mtqa.align import (
    AlignParams,
    BitextParams,
    ReferenceIndex,
    ReferenceSet,
    RefSentence,
    align_sentences,
    alignment_units,
    build_references,
    reference_sentences,
)
from mtqa.align.bitext import dp_align, name_anchors
from mtqa.config import default_config, merge
from mtqa.document import load_document
from mtqa.errors import InputError
from tests.conftest import DATA

ZH_RECALLED = "今年2月我们在北京举行富有成果的会晤,达成一系列重要共识,为两国合作注入新的强劲动力。"
EN_RECALLED = (
    "The Chinese president recalled that he held a fruitful meeting with Japarov in Beijing in February, where they "
    "reached a series of important consensuses that have injected new and strong impetus into bilateral cooperation."
)


@pytest.fixture(scope="module")
def refs() -> ReferenceSet:
    """The references of document 002: the other embedded documents."""
    return build_references(default_config(), None, "002")


# --- the trigram shortlist ------------------------------------------------------------------------
def test_trigram_profiles_follow_the_deduplicated_candidates():
    # A duplicate dropped before B used to shift B onto A's trigram profile, so that B, with a
    # shortlist of one, was never even scored against itself.
    a = RefSentence("x", 0, 43, "China and Kyrgyzstan signed a railway deal.", "en")
    dup = RefSentence("y", 0, 44, "China and  Kyrgyzstan signed a railway deal.", "en")
    b = RefSentence("x", 44, 94, "The weather in Lisbon was sunny and warm all week.", "en")
    index = ReferenceIndex([a, dup, b], shortlist=1)
    assert len(index) == 2
    al = index.align(b.text)
    assert al.ref is not None and al.ref.text == b.text and al.method == "chrf"


def test_legacy_index_same_language_cross_language_and_none():
    refs = reference_sentences("000", load_document("000").text, windows=True)
    index = ReferenceIndex(refs)
    al = index.align("China has been Kyrgyzstan's largest trading and investment partner, Japarov said.")
    assert al.method == "chrf" and "largest trading and investment partner" in al.ref.text
    assert len(al.ref.text) < 150  # the matching clauses, not the whole 380-character sentence
    zh = ReferenceIndex([r for r in refs if r.lang == "en"])
    al = zh.align("在涉及中国核心利益问题上坚定支持中方立场,坚定奉行一个中国原则,反对一切形式的“台独”。")
    assert al.method == "embedding" and "one-China principle" in al.ref.text
    al = index.align("The weather in Lisbon was sunny and warm all week long.")
    assert al.ref is None and al.method == "none"


def test_reference_sentences_skip_short_and_duplicate_lines():
    refs = reference_sentences(
        "x",
        "Short.\nA sentence that is long enough here.\nA sentence that is long enough here.\n好。\n中吉合作大有可为。",
    )
    assert [r.text for r in refs] == ["A sentence that is long enough here.", "中吉合作大有可为。"]
    assert [r.lang for r in refs] == ["en", "zh"]


# --- the DP ---------------------------------------------------------------------------------------
def test_dp_finds_merges_and_skips_in_a_cost_grid():
    # 4 source x 5 target sentences: 0-0, 1-(1,2), 2 has no counterpart, 3-4; target 3 is extra.
    n, m, big = 4, 5, 9.0
    c11 = np.full((n, m), big)
    c11[0, 0] = c11[3, 4] = 0.1
    c12 = np.full((n, m - 1), big)
    c12[1, 1] = 0.3
    c21 = np.full((n - 1, m), big)
    beads = dp_align(n, m, {(1, 1): c11, (1, 2): c12, (2, 1): c21}, skip=0.4)
    assert beads[:2] == [((0,), (0,)), ((1,), (1, 2))] and beads[-1] == ((3,), (4,))
    assert sorted(beads[2:4]) == [((), (3,)), ((2,), ())]  # two skips, in either order


def test_bitext_aligns_the_two_halves_of_000_like_the_annotator():
    text = load_document("000").text
    units = alignment_units(text)
    zh = [(a, b) for a, b in units if 364 <= a < 1338]
    en = [(a, b) for a, b in units if a >= 1338]
    gold = [json.loads(x) for x in (DATA / "000.align.gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    gold_spans = sorted(tuple(s) for g in gold for s in g["zh"] + g["en"] if s[0] >= 364)
    assert sorted(zh + en) == gold_spans  # the protocol's sentences: no split at semicolons
    beads = align_sentences([text[a:b] for a, b in zh], [text[a:b] for a, b in en])
    assert sorted(i for b in beads for i in b.src) == list(range(len(zh)))
    assert sorted(j for b in beads for j in b.tgt) == list(range(len(en)))
    found = {(tuple(zh[i] for i in b.src), tuple(en[j] for j in b.tgt)) for b in beads if not b.null}
    wanted = {(tuple(map(tuple, g["zh"])), tuple(map(tuple, g["en"]))) for g in gold if g["zh"] and g["en"]}
    assert len(found & wanted) >= 15 and len(found - wanted) <= 1
    caption = next(b for b in beads if b.reordered)  # the second caption: mid-article in zh, last in en
    assert text[slice(*en[caption.tgt[0]])].startswith("Chinese President Xi Jinping meets")
    # its credit follows it on both sides; only the names tie them (xinhua, zhai, jianlan)
    credit = next(b for b in beads if b.names)
    assert (text[slice(*zh[credit.src[0]])], text[slice(*en[credit.tgt[0]])]) == (
        "新华社记者 翟健岚 摄",
        "(Xinhua/Zhai Jianlan)",
    )
    assert credit.trusted(0.5) and credit.cosine < 0.5


def test_name_anchors_need_pinyin_of_the_other_side():
    assert name_anchors("新华社记者 翟健岚 摄", "(Xinhua/Zhai Jianlan)") == (["Xinhua", "Zhai", "Jianlan"], 3)
    assert name_anchors("蔡奇、王毅等参加上述活动。", "(Xinhua/Zhai Jianlan)") == ([], 3)
    assert name_anchors("Xi Jinping", "Zhai Jianlan") == ([], 0)  # no Han on either side
    # the name pass needs two names, one of them longer than a syllable: "Xi" alone pairs nothing
    beads = align_sentences(
        ["蔡奇、王毅等参加上述活动。", "习近平会见总统。"], ["We will stay rooted.", "Xi says cooperation holds."]
    )
    assert not any(b.names for b in beads)


def test_bitext_with_one_side_empty_skips_everything():
    beads = align_sentences(["一句话。"], [], BitextParams())
    assert [(b.src, b.tgt, b.kind) for b in beads] == [((0,), (), "1-0")]


# --- the reference set ----------------------------------------------------------------------------
def test_parallel_blocks_within_and_across_documents(refs):
    pairs = {(refs.blocks[b.zh].doc, refs.blocks[b.en].doc): b for b in refs.bitexts}
    assert pairs[("000", "000")].parallel and pairs[("000", "003")].parallel
    assert not pairs[("000", "001")].parallel and not pairs[("000", "004")].parallel
    assert refs.languages["zh"] == 19


def test_english_sentence_in_chinese_text_reaches_its_chinese_counterpart(refs):
    m = refs.counterpart(EN_RECALLED, "zh")
    assert m.via == "bitext" and m.ref is not None and m.ref.lang == "zh"
    assert m.ref.text == ZH_RECALLED
    assert m.anchor is not None and m.anchor.text == EN_RECALLED and m.score >= 90  # it IS a reference sentence
    assert 0.5 <= m.length_ratio <= 2.0 and "bitext bead" in m.reason


def test_chinese_sentence_matches_itself_and_reaches_english_through_the_bitext(refs):
    m = refs.counterpart(ZH_RECALLED, "zh")
    assert m.via == "same-language" and m.ref.text == ZH_RECALLED and m.score == pytest.approx(100)
    m = refs.counterpart(ZH_RECALLED, "en")
    assert m.via == "bitext" and m.ref.text == EN_RECALLED


def test_unrelated_002_sentences_get_no_reference_and_a_reason(refs):
    m = refs.counterpart(
        "Recently, the Chinese ambassador to Kyrgyzstan Liu Jiangping received an exclusive interview with a "
        "reporter from the China News Service.",
        "zh",
    )
    assert m.ref is None and m.via == "none" and m.reason.startswith("no reference")
    assert "no en anchor" in m.reason and "cross-lingual" in m.reason
    m = refs.counterpart("他全面回顾了新时代中吉全面战略合作和两国各领域合作取得的成就和广阔发展前景。", "zh")
    assert m.ref is None and "chrF" in m.reason


def test_a_clause_gets_its_clause_not_the_whole_long_sentence(refs):
    sentence = next(u for u in refs.units if u.text.startswith("扎帕罗夫表示"))
    m = refs.counterpart("China has strived forward on the path of prosperity and strength", "zh")
    assert m.via == "bitext" and m.ref is not None
    assert m.ref.text in sentence.text and len(m.ref.text) < len(sentence.text) / 2
    m = refs.counterpart("中国沿着繁荣富强的道路奋力前行", "zh")
    assert m.via == "same-language" and m.ref.text == "中国沿着繁荣富强的道路奋力前行"


def test_length_ratio_check_refuses_a_whole_sentence_for_a_fragment():
    long = (
        "The delegation spent the whole of the long rainy afternoon walking slowly through the old market "
        "streets of the city and talking with the traders about prices and the harvest."
    )
    m = ReferenceSet({"x": long}).counterpart("The delegation spent the whole of the long rainy afternoon", "en")
    assert m.ref is None and "length ratio" in m.reason


def test_cross_lingual_last_resort_and_references_without_the_target_language():
    refs = ReferenceSet({"003": load_document("003").text})
    m = refs.counterpart(
        "中吉两国都是经济全球化的受益者,要共同反对单边主义,坚定维护国际经贸秩序,推动构建更加公正合理的全球治理体系。",
        "en",
    )
    assert m.via == "cross-lingual" and m.anchor is None and m.ref.text.startswith("Noting that China and Kyrgyzstan")
    assert m.score >= 0.65 and m.margin >= 0.15
    m = refs.counterpart("China is Kyrgyzstan's largest trading and investment partner", "zh")
    assert m.ref is None and m.reason == "the references hold no Chinese text (only English)"


def test_thresholds_come_from_the_config(refs):
    cfg = merge(default_config(), {"align": {"chrf_min": 101.0, "bitext_second_pass": False, "block_min_beads": 30}})
    params = AlignParams.from_config(cfg["align"])
    assert params.chrf_min == 101.0 and params.bitext.second_pass is False and params.block_min_beads == 30
    strict = ReferenceSet({"000": load_document("000").text}, params)
    assert not any(b.parallel for b in strict.bitexts)
    m = strict.counterpart(ZH_RECALLED, "zh")
    assert m.ref is None and "< 101" in m.reason


def test_user_reference_files_parallel_across_files(tmp_path):
    text = load_document("000").text
    (tmp_path / "zh.txt").write_text(text[364:1338], encoding="utf-8")
    (tmp_path / "en.txt").write_text(text[1338:], encoding="utf-8")
    refs = build_references(default_config(), [str(tmp_path / "zh.txt"), str(tmp_path / "en.txt")], None)
    assert [(refs.blocks[b.zh].doc, refs.blocks[b.en].doc, b.parallel) for b in refs.bitexts] == [("zh", "en", True)]
    m = refs.counterpart(EN_RECALLED, "zh")
    assert m.via == "bitext" and m.ref.doc == "zh" and m.ref.text == ZH_RECALLED
    (tmp_path / "empty.txt").write_text("Hi.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no usable sentences"):
        build_references(default_config(), [str(tmp_path / "empty.txt")], None)


def test_reference_set_keeps_the_legacy_align(refs):
    al = refs.align("China has been Kyrgyzstan's largest trading and investment partner, Japarov said.")
    assert al.method == "chrf" and "largest trading and investment partner" in al.ref.text


def test_latin_tokens_the_references_keep_inside_chinese():
    refs = ReferenceSet({"x": "习近平出席SCO峰会,与Japarov会见。\nXi met Japarov at the SCO summit."})
    assert refs.latin_tokens("zh") == {"SCO", "Japarov"}
    assert "summit" in refs.latin_tokens("en")

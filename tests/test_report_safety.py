"""Untrusted document text in the HTML report and the CSV sheet."""

from __future__ import annotations

import csv
import io

from mtqa.record import QE, Candidate, DocumentSummary, PassageRecord, Reference, Scores
from mtqa.report.html import render_html
from mtqa.report.sheet import COLUMNS, sheet_csv

EVIL = '<script>alert(1)</script>" onmouseover="alert(2)'


def _record(**kw) -> PassageRecord:
    r = PassageRecord(
        doc="x",
        passage_id="x-p001",
        start=0,
        end=5,
        kinds=["switch"],
        severity="major",
        lang="en",
        target_lang="zh",
        original=EVIL,
        repaired='=HYPERLINK("http://x")',
        repair_method="mt",
        repair_reason="<b>why</b>",
        candidates=[Candidate("mt", '=HYPERLINK("http://x")')],
        rendering="+1",
        rendering_lang="en",
        reference=Reference("@evil", 0, 4, "-2+3", "zh", "bitext", 91.0, 12.0, anchor="<i>a</i>"),
        before=Scores(1.0, 2.0, 90.0),
        after=Scores(5.0, 9.0, 80.0),
        qe_before=QE(20.0),
        qe_after=QE(70.0),
    )
    for k, v in kw.items():
        setattr(r, k, v)
    return r


def _summary(**kw) -> DocumentSummary:
    s = DocumentSummary(doc="<i>doc</i>", source="<u>src</u>", status="done", spans_per_kind={"switch": 1})
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def test_html_escapes_document_text_and_values():
    text = f"前文{EVIL}后文"
    spans = [
        {
            "start": 2,
            "end": 2 + len(EVIL),
            "kind": "switch",
            "rule": '"><img src=x>',
            "confidence": 0.9,
            "severity": "major",
            "note": "<b>",
        }
    ]
    page = render_html(text, spans, [_record()], _summary())
    assert "<script>" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "<u>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;alert(2)" in page
    assert 'onmouseover="' not in page
    assert page.count("<mark ") == 1
    assert "{'switch'" not in page  # no Python reprs on the page
    assert "<svg" in page and "<script" not in page.lower().replace("&lt;script", "")


def test_html_kind_class_names_cannot_break_out():
    spans = [{"start": 0, "end": 2, "kind": 'x" onclick="y', "rule": "r", "confidence": 1}]
    page = render_html("中文", spans, [], _summary(spans_per_kind={'x" onclick="y': 1}))
    assert 'onclick="y' not in page


def test_html_marks_changed_characters_and_sorts_worst_first():
    a = _record(passage_id="x-p001", original="中吉合作ges正在", repaired="中吉合作正在", qe_after=QE(90.0))
    b = _record(passage_id="x-p002", start=9, end=12, original="bad", repaired="坏", qe_after=QE(10.0))
    page = render_html("中吉合作ges正在 bad", [], [a, b], _summary())
    assert page.index("x-p002<br>") < page.index("x-p001<br>")
    assert "<del>ges</del>" in page


def test_csv_neutralises_formulas_and_keeps_numbers():
    text = sheet_csv([_record()])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    row = rows[0]
    assert tuple(row) == COLUMNS
    assert row["repaired"] == '\'=HYPERLINK("http://x")'
    assert row["rendering"] == "'+1" and row["ref_doc"] == "'@evil" and row["ref_text"] == "'-2+3"
    assert row["original"] == EVIL
    assert row["bleu_before"] == "1.0" and row["ter_after"] == "80.0"
    assert row["qe_before"] == "20.0" and row["qe_after"] == "70.0"


def test_records_round_trip_through_json():
    r = _record()
    assert PassageRecord.from_json(r.to_json()) == r
    s = _summary()
    assert DocumentSummary.from_json(s.to_json()) == s

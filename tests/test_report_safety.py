"""Untrusted document text in the HTML report and the CSV sheet."""

from __future__ import annotations

import csv
import io

from mtqa.report.html import render_html
from mtqa.report.sheet import sheet_csv

EVIL = '<script>alert(1)</script>" onmouseover="alert(2)'


def _passage(**kw):
    p = {
        "passage_id": "x-p001",
        "start": 0,
        "end": 5,
        "kinds": ["switch"],
        "severity": "major",
        "original": EVIL,
        "repaired": '=HYPERLINK("http://x")',
        "rendering": "+1",
        "ref_doc": "@evil",
        "ref_text": "-2+3",
        "ref_lang": "en",
        "align_method": "chrf",
        "align_score": 51.0,
        "scores_before": {"bleu": 1.0, "chrf": 2.0, "ter": 90.0},
        "scores_after": {"bleu": 5.0, "chrf": 9.0, "ter": 80.0},
        "signals": {"mt_flags": []},
        "kept_original": False,
    }
    p.update(kw)
    return p


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
    page = render_html(text, spans, [_passage()], {"doc": "<i>doc</i>", "spans_per_kind": {"switch": 1}})
    assert "<script>" not in page and "<img" not in page and "<b>" not in page and "<i>doc" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)" in page
    assert 'onmouseover="' not in page
    assert page.count("<mark ") == 1


def test_html_kind_class_names_cannot_break_out():
    spans = [{"start": 0, "end": 2, "kind": 'x" onclick="y', "rule": "r", "confidence": 1}]
    page = render_html("中文", spans, [], {})
    assert 'onclick="y' not in page


def test_csv_neutralises_formulas_and_keeps_numbers():
    text = sheet_csv([_passage()])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    row = rows[0]
    assert row["repaired"] == '\'=HYPERLINK("http://x")'
    assert row["rendering"] == "'+1" and row["ref_doc"] == "'@evil" and row["ref_text"] == "'-2+3"
    assert row["original"] == EVIL
    assert row["bleu_before"] == "1.0" and row["ter_after"] == "80.0"

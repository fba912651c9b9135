"""Property-based tests: random mixed zh/en/garbage text never crashes the detector and
every span satisfies the offset contract."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtqa.detect import KINDS, Detector
from mtqa.document import decode_bytes
from mtqa.errors import InputError

_DETECTOR = Detector()
PIECES = [
    "中吉",
    "合作",
    "通关",
    "发展",
    "。",
    "，",
    "、",
    "“",
    "”",
    "《",
    "》",
    " ",
    "\n",
    "\r\n",
    "\t",
    "the",
    "countr",
    "ing",
    "en",
    "documentannouncement",
    "andCentral",
    "SCO",
    "iPhone",
    "Liu",
    "t",
    "1992",
    "年",
    "四",
    "202",
    ". ",
    "? ",
    "â€™",
    "â–\xa0",
    "涓枃",
    "\ufffd",
    "'",
    "-",
    "$",
    "%",
    "coop",
    "Kyrgyz",
    "方",
    "Organizationand",
    "KyrgyzPresident",
    "each other ",
    "nese",
    "railwa.",
    " (习近平)",
    "（",
    "）",
    "x86",
    "3nm",
    "鍚堜綔",
    "вЂ™",
    "·",
]
mixed_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=60).map("".join)


def _check(text: str) -> None:
    det = _DETECTOR.detect(text)
    for s in det.spans:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.kind in KINDS
        assert 0.0 <= s.confidence <= 1.0
    # score() and detect() agree: every accepted candidate is a span of its rule
    accepted = {(c.rule, c.candidate.start, c.candidate.end) for c in _DETECTOR.score(text) if c.accepted}
    assert {(s.rule, s.start, s.end) for s in det.spans} <= accepted
    for c in _DETECTOR.score(text):
        assert all(isinstance(v, float) for v in c.candidate.evidence.values()), c


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_text)
def test_detector_never_crashes_and_offsets_hold(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_detector_on_arbitrary_unicode(text):
    _check(text)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_decoder_and_detector_on_arbitrary_bytes(data):
    try:
        text, _, _ = decode_bytes(data, "fuzz")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    _check(text)

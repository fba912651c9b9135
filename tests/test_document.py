"""Reading and decoding documents; the embedded corpus."""

from __future__ import annotations

import codecs
import os

import pytest

from mtqa.document import decode_bytes, embedded_ids, expand_refs, load_document
from mtqa.errors import InputError
from tests.conftest import SHARED

SAMPLE = "中吉两国于1992年建交。After the two countr1992年建交\r\nWe will en鼓励合作。\n"


def test_embedded_corpus_has_five_documents():
    assert embedded_ids() == ["000", "001", "002", "003", "004"]


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not beside this checkout")
def test_embedded_corpus_is_byte_identical_to_shared():
    from importlib import resources

    for f in sorted((SHARED / "corpus").glob("*.txt")):
        packaged = resources.files("mtqa.corpus").joinpath(f.name).read_bytes()
        assert packaged == f.read_bytes(), f.name


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        ("中文编码测试，简体字。".encode("gbk"), "gb18030"),
    ],
)
def test_decodes_common_encodings_to_the_same_text(data, encoding):
    text, enc, _ = decode_bytes(data, "x")
    assert enc == encoding
    assert text in (SAMPLE, "中文编码测试，简体字。")


def test_gb18030_and_utf16_give_the_same_spans_as_utf8(tmp_path, detector):
    ref = detector.detect(SAMPLE).spans
    assert ref, "the sample must contain spans for this test to mean anything"
    for codec, bom in (("gb18030", b""), ("utf-16-le", codecs.BOM_UTF16_LE)):
        p = tmp_path / f"s.{codec}.txt"
        p.write_bytes(bom + SAMPLE.encode(codec))
        doc = load_document(p)
        assert detector.detect(doc.text).spans == ref


def test_roundtrip_encoding_keeps_codec_and_bom(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"))
    doc = load_document(p)
    assert doc.encode(doc.text) == p.read_bytes()
    p.write_bytes(SAMPLE.encode("gb18030"))
    doc = load_document(p)
    assert doc.encode(doc.text) == p.read_bytes()


def test_empty_file_decodes_to_empty_text(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert load_document(p).text == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (b"\xff\xfe\xff" + b"\x00\xd8" * 3, "byte-order mark"),
    ],
)
def test_binary_input_is_refused_with_one_line(data, message):
    with pytest.raises(InputError) as exc:
        decode_bytes(data, "f.bin")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_directory_and_unknown_id(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        load_document(tmp_path)
    with pytest.raises(InputError, match="no embedded document"):
        load_document("999")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    p = tmp_path / "locked.txt"
    p.write_text("x")
    p.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        load_document(p)


def test_path_wins_over_embedded_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "002").write_text("local file", encoding="utf-8")
    assert load_document("002").text == "local file"


def test_expand_refs_folders_and_globs(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "c.md").write_text("c")
    assert expand_refs([str(tmp_path)]) == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert expand_refs([str(tmp_path / "*.md")]) == [str(tmp_path / "c.md")]
    with pytest.raises(InputError, match="no file matches"):
        expand_refs([str(tmp_path / "*.xyz")])


def test_unreadable_file_even_as_root(tmp_path, monkeypatch):
    from pathlib import Path

    p = tmp_path / "locked.txt"
    p.write_text("x")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError, match="permission denied"):
        load_document(p)

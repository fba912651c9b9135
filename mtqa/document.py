"""Documents: read bytes, detect the encoding, decode, and resolve embedded corpus ids.

Offsets everywhere in mtqa are code-point offsets into ``Document.text`` (Python ``str``
indices). Nothing is stripped or normalised except a byte-order mark, which belongs to the
encoding, not to the text, so a UTF-8, UTF-16 and GB18030 copy of a text decode to the same
string and give the same spans.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mtqa.errors import InputError

CORPUS_PACKAGE = "mtqa.corpus"
# Embedded documents that are not clean sources (mtqa/corpus/README.md: 002 is the garbled
# document to check), so never default references.
GARBLED_IDS = frozenset({"002"})
_ID_RE = re.compile(r"^\d{3}$")
# C0 controls other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Document:
    """A decoded document. ``doc_id`` is the embedded id or the file's stem."""

    doc_id: str
    text: str
    encoding: str
    source: str
    bom: bool = False

    @property
    def is_embedded(self) -> bool:
        return self.source.startswith("embedded:")

    def encode(self, text: str) -> bytes:
        """Encode ``text`` the way this document was stored (same codec, same BOM)."""
        codec = {"utf-8-sig": "utf-8"}.get(self.encoding, self.encoding)
        if codec.startswith("utf-16"):
            data = text.encode("utf-16-le" if codec == "utf-16-le" else "utf-16-be")
            bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
            return (bom if self.bom else b"") + data
        data = text.encode(codec)
        return (codecs.BOM_UTF8 if self.bom else b"") + data


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str, bool]:
    """Decode document bytes; return ``(text, encoding, had_bom)``.

    Tries, in order: a BOM (UTF-8, UTF-16 LE/BE), strict UTF-8, UTF-16 without BOM (by the
    position of zero bytes), then GB18030 (a superset of GBK and GB2312). Refuses binary
    data with an :class:`InputError` that says what was found.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name, "utf-8-sig"), "utf-8-sig", True
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[2:], codec, name, codec), codec, True
    if not data:
        return "", "utf-8", False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(text, name)
        return text, "utf-8", False
    codec16 = _guess_bomless_utf16(data)
    if codec16:
        try:
            text = data.decode(codec16)
        except UnicodeDecodeError:
            pass
        else:
            _reject_binary(text, name)
            return text, codec16, False
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), not a text document")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid UTF-8, UTF-16 or GB18030 text "
            f"(undecodable byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    _reject_binary(text, name)
    return text, "gb18030", False


def _strict(data: bytes, codec: str, name: str, label: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: starts with a {label} byte-order mark but byte {exc.start} is not valid {label}"
        ) from None
    _reject_binary(text, name)
    return text


def _guess_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 text without a BOM has zero bytes in (mostly) one of the two byte lanes."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _reject_binary(text: str, name: str) -> None:
    sample = text[:8192]
    if "\x00" in sample:
        raise InputError(f"{name}: binary file (contains NUL characters), not a text document")
    controls = len(_CONTROL_RE.findall(sample))
    if sample and controls > max(8, len(sample) // 100):
        raise InputError(
            f"{name}: binary file ({controls} control characters in the first {len(sample)}), not a text document"
        )


def embedded_ids() -> list[str]:
    """The ids of the embedded corpus documents, sorted."""
    return sorted(p.name[:3] for p in _corpus_files())


def _corpus_files() -> list:
    root = resources.files(CORPUS_PACKAGE)
    return [p for p in root.iterdir() if p.name.endswith(".txt") and _ID_RE.match(p.name[:3])]


def embedded_path(doc_id: str):
    """The resource of an embedded document, or ``None``."""
    for p in _corpus_files():
        if p.name[:3] == doc_id:
            return p
    return None


def load_document(ref: str | Path) -> Document:
    """Load a document from a path, or from the embedded corpus by its three-digit id.

    A path that exists wins over an embedded id of the same name.
    """
    ref_s = str(ref)
    path = Path(ref_s)
    if not path.exists() and _ID_RE.match(ref_s):
        res = embedded_path(ref_s)
        if res is None:
            raise InputError(
                f"{ref_s}: no such file, and no embedded document with that id (embedded: {', '.join(embedded_ids())})"
            )
        data = res.read_bytes()
        text, enc, bom = decode_bytes(data, ref_s)
        return Document(ref_s, text, enc, f"embedded:{res.name}", bom)
    data = read_input_bytes(path)
    text, enc, bom = decode_bytes(data, ref_s)
    return Document(path.stem, text, enc, str(path), bom)


def require_text(doc: Document, ref: str | Path) -> Document:
    """Return ``doc``, or raise a one-line :class:`InputError` if it holds no text (empty or whitespace)."""
    if not doc.text.strip():
        raise InputError(f"{ref}: empty document, no text to check")
    return doc


def read_input_bytes(path: Path) -> bytes:
    """Read a user file, turning every OS failure into a one-line :class:`InputError`."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a file")
    try:
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def read_text_file(path: str | Path) -> tuple[str, str]:
    """Read and decode any user text file (references, hypotheses); ``(text, encoding)``."""
    p = Path(path)
    text, enc, _ = decode_bytes(read_input_bytes(p), str(p))
    return text, enc


def expand_refs(refs: list[str] | tuple[str, ...]) -> list[str]:
    """Expand document arguments: paths and ids as they are, folders to their ``*.txt``
    files, glob patterns to their matches (sorted). A pattern matching nothing is an error.
    """
    import glob

    out: list[str] = []
    for ref in refs:
        p = Path(ref)
        if p.is_dir():
            files = sorted(str(f) for f in p.iterdir() if f.is_file() and f.suffix == ".txt")
            if not files:
                raise InputError(f"{ref}: folder holds no .txt documents")
            out.extend(files)
        elif not p.exists() and any(c in ref for c in "*?["):
            matches = sorted(m for m in glob.glob(ref, recursive=True) if Path(m).is_file())
            if not matches:
                raise InputError(f"{ref}: no file matches this pattern")
            out.extend(matches)
        else:
            out.append(ref)
    return out

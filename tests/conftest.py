from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.detect import Detector

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SHARED = ROOT.parent / "shared"
# Hand-annotated gold files the detector may be developed and tested on. Files whose name
# holds "_test" are held-out: no test opens them.
DEV_GOLD = [DATA / "002.gold.v2.jsonl", *sorted((DATA / "garbled").glob("*_dev.gold.jsonl"))]


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


def read_gold(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="session")
def gold_002() -> list[dict]:
    """The independent hand gold of document 002 (protocol 1 of tests/data/README.md)."""
    return read_gold(DATA / "002.gold.v2.jsonl")


def kinds_texts(detection) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in detection.spans]

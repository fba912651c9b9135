from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.detect import Detector

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def gold_002() -> list[dict]:
    return [json.loads(x) for x in (DATA / "002.gold.jsonl").read_text(encoding="utf-8").splitlines() if x]


def kinds_texts(detection) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in detection.spans]

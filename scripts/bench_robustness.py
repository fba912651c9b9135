"""Time and peak memory of ``mtqa detect`` on 20 MB single-line files (one process each).

Two inputs: document 002 with its line breaks removed, repeated (realistic density: 48 spans
per 16 kB), and a dense worst case with four corruptions in every 110 characters.

Usage: python scripts/bench_robustness.py [--mb 20]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
UNIT = (
    "中吉两国合作取得丰硕成果,We will en鼓励并支持两国企业合作,共同提高通关通关效率, After the two countr1992年建交。 "
)


def measure(name: str, unit: str, mb: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "single-line.txt"
        with open(big, "w", encoding="utf-8") as fh:
            while fh.tell() < mb * 1e6:
                fh.write(unit)
        size = big.stat().st_size
        cmd = [
            "/usr/bin/time",
            "-v",
            sys.executable,
            "-m",
            "mtqa",
            "detect",
            str(big),
            "-f",
            "jsonl",
            "-o",
            str(Path(tmp) / "spans.jsonl"),
            "--quiet",
        ]
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
        spans = len((Path(tmp) / "spans.jsonl").read_text(encoding="utf-8").splitlines())
    seconds = sum(float(p) * 60**i for i, p in enumerate(reversed(wall.split(":"))))
    row = {
        "input": f"{name}: {size} bytes on one line",
        "exit_code": r.returncode,
        "wall_seconds": seconds,
        "peak_rss_mb": round(rss / 1024, 1),
        "spans": spans,
        "mb_per_s": round(size / 1e6 / seconds, 2),
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--out", default=str(ROOT / "results/robustness.json"))
    args = ap.parse_args()
    from mtqa.document import load_document

    inputs = {
        "002 without line breaks, repeated": load_document("002").text.replace("\n", " "),
        "dense corruption (4 per 110 characters)": UNIT * 100,
    }
    rows = [measure(name, unit, args.mb) for name, unit in inputs.items()]
    report = {"command": f"python scripts/bench_robustness.py --mb {args.mb}", "rows": rows}
    atomic_write(args.out, json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Screenshots of generated HTML pages in headless Chromium (CJK fonts), for looking at them.

Usage: python scripts/screenshot_report.py PAGE.html [PAGE.html ...] [--out results/screens] [--width 1300]

Needs Debian's ``chromium`` and ``fonts-noto-cjk``. Each page is rendered full-height to
``<out>/<folder>_<name>.png``. The browser runs without network access to anything but the file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def screenshot(page: Path, out: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium not found: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            page.resolve().as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("pages", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("results/screens"))
    ap.add_argument("--width", type=int, default=1300)
    ap.add_argument("--height", type=int, default=4000)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for page in args.pages:
        name = f"{page.parent.name}_{page.stem}.png"
        screenshot(page, args.out / name, args.width, args.height)
        print(args.out / name)


if __name__ == "__main__":
    main()

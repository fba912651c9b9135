"""Probe: garbled articles made by hand from 000's two halves, repaired by ``mtqa run``.

The issue-9 case: a Chinese article written from 000 with English sentences left in and words cut
and glued. ``a`` leaves 000's own English sentences in (the translation memory can restore them
from the bitext); ``b`` leaves English of our own wording (the MT model must translate it) and
glues English words to their Chinese (``long长远``, ``cherish珍视``); ``c`` is 000's English half
with two of 000's Chinese sentences left in and words cut, glued and repeated. Not a benchmark: 000 is a
development document and these edits were written while looking at mtqa's output on them; the
figure says how the repair behaves on 000-derived text, nothing about unseen text.

Usage: python scripts/probe_000.py [--out results/probe_000.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import sacrebleu

from mtqa.document import load_document
from mtqa.io import atomic_write

ROOT = Path(__file__).resolve().parents[1]
CHRF = sacrebleu.CHRF()

EDITS = {
    "a": [
        ("习近平指出,建交33年来,中吉关系实现跨越式发展,处于历史最好时期。",
         "Since the establishment of diplomatic ties 33 years ago, China-Kyrgyzstan relations have achieved "
         "leapfrog development and are now at their best in history, Xi noted. "),
        ("中吉两国都是经济全球化的受益者,要共同反对单边主义,坚定维护国际经贸秩序,推动构建更加公正合理的全球治理体系。",
         "noting that China and Kyrgyzstan are both beneficiaries of economic globalization, he called on the two "
         "sides to jointly oppose unilateralism, firmly safeguard the international economic and trade order, and "
         "promote a more just and equitable global governance system."),
        ("中国是吉尔吉斯斯坦最大贸易和投资伙伴,吉方欢迎更多中国企业赴吉兴业,",
         "Noting that China is Kyrgyzstan's largest trading and investment partner, Japarov said the Kyrgyz side "
         "welcomes more Chinese enterprises to do business in Kyrgyzstan,"),
        ("深化金融合作", "深化金融coop合作"),
        ("人工智能", "artificial智能"),
        ("吉方高度重视", "Kyrgyz方高度重视"),
        ("发展战略对接", "发展strat战略对接"),
        ("上海合作组织轮值主席国", "上海合作Organizationand轮值主席国"),
        ("扎帕罗夫表示", "ration of扎帕罗夫表示"),
        ("新的增长点", "新的增长点,新的增长点"),
    ],
    "b": [
        ("今年2月我们在北京举行富有成果的会晤,达成一系列重要共识,为两国合作注入新的强劲动力。",
         "In February this year we held a fruitful meeting in Beijing and reached a series of important "
         "agreements, which gave new strong momentum to cooperation between our two countries."),
        ("会见后,两国元首共同见证双方宣布签署农业、海关、科技、媒体等领域多份双边合作文件。",
         "after the meeting the two heads of state witnessed the announcement of several bilateral cooperation "
         "documents in agriculture, customs, science and technology and media."),
        ("吉方积极支持习近平主席提出的三大全球倡议,",
         "The Kyrgyz side actively supports the three global initiatives put forward by President Xi,"),
        ("坚定维护国际经贸秩序", "firmly维护国际经贸秩序"),
        ("繁荣富强的道路", "prosperity富强的道路"),
        ("中吉乌铁路建设等项目", "China-Kyrgyzstan-Uzbekistan铁路建设等项目"),
        ("维护好双方共同和长远利益", "维护好双方共同和long长远利益"),
        ("珍视双方相互尊重", "cherish珍视双方相互尊重"),
    ],
    "c": [
        ("Since the establishment of diplomatic ties 33 years ago, China-Kyrgyzstan relations have achieved "
         "leapfrog development and are now at their best in history, Xi noted.",
         "习近平指出,建交33年来,中吉关系实现跨越式发展,处于历史最好时期。"),
        ("Following the meeting, the two heads of state witnessed the signing of multiple bilateral cooperation "
         "documents covering agriculture, customs, science and technology, media and other fields.",
         "会见后,两国元首共同见证双方宣布签署农业、海关、科技、媒体等领域多份双边合作文件。"),
        ("deepen financial cooperation", "deepen finan金融 cooperation"),
        ("Kyrgyz President Sadyr Japarov on the sidelines", "KyrgyzPresident Sadyr Japarov on the sidelines"),
        ("in Beijing in February", "in Beijingin February"),
        ("support each other on issues", "support each other each other on issues"),
        ("economic globalization", "economic 全球化"),
        ("railway.", "railwa."),
    ],
}  # fmt: skip
# a, b: the Chinese half of 000 (its article); c: the English half (its article, headline to the end)
HALF = {"a": "zh", "b": "zh", "c": "en"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "results/probe_000.json"))
    args = ap.parse_args()
    text = load_document("000").text
    halves = {
        "zh": text[text.index("习近平会见") : text.index("蔡奇、王毅等参加上述活动。") + 13],
        "en": text[text.index("Xi says China-Kyrgyzstan") :].rstrip("\n"),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, edits in EDITS.items():
            clean = halves[HALF[name]]
            garbled = clean
            for a, b in edits:
                assert a in garbled, a
                garbled = garbled.replace(a, b, 1)
            src = Path(tmp) / f"probe_{name}.txt"
            src.write_text(garbled, encoding="utf-8")
            cmd = [sys.executable, "-m", "mtqa", "run", str(src), "--out", str(Path(tmp) / "out"), "--quiet"]
            subprocess.run(cmd, check=True, capture_output=True)
            folder = Path(tmp) / "out" / src.stem
            repaired = (folder / f"{src.stem}.repaired.txt").read_text(encoding="utf-8")
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
            lines = clean.split("\n")

            def chrf(hyp: str, lines: list[str] = lines) -> float:
                return round(CHRF.corpus_score(hyp.split("\n"), [lines]).score, 2)

            rows.append(
                {
                    "doc": f"probe_{name}",
                    "edits": len(edits),
                    "chrf_garbled": chrf(garbled),
                    "chrf_repaired": chrf(repaired),
                    "spans": summary["spans"],
                    "remaining_spans": summary["remaining_spans"],
                    "diff_lines": [
                        {"repaired": r, "clean": c}
                        for r, c in zip(repaired.split("\n"), lines, strict=False)
                        if r != c
                    ],
                }
            )
            print(f"probe_{name}: chrF {rows[-1]['chrf_garbled']} -> {rows[-1]['chrf_repaired']}")
    out = {
        "command": "python scripts/probe_000.py",
        "note": "development probe on 000-derived text (not a benchmark, not held-out)",
        "chrf": CHRF.get_signature().format(),
        "docs": rows,
    }
    atomic_write(Path(args.out), json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

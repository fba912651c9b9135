"""Rule thresholds: defaults live in each rule's __init__, the config mirrors and overrides
them, unknown or mistyped parameters are errors naming the key, and plugins register rules."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from mtqa.config import default_config, load_config
from mtqa.detect import RULES, Detector
from mtqa.detect.base import rule_parameters
from mtqa.errors import EXIT_CONFIG, ConfigError


def test_config_mirrors_every_rule_default():
    rules = default_config()["detector"]["rules"]
    for name, cls in RULES.items():
        params = {k: v for k, v in rules[name].items() if k != "enabled"}
        defaults = {k: d for k, (_, d) in rule_parameters(cls).items()}
        assert params == defaults, name


def test_user_file_overrides_a_threshold(tmp_path):
    p = tmp_path / "cfg.yaml"
    p.write_text("detector:\n  rules:\n    merged-words:\n      part_zipf: 2\n", encoding="utf-8")
    det = Detector(load_config(p))
    rule = next(r for r in det.rules if r.name == "merged-words")
    assert rule.part_zipf == 2.0 and isinstance(rule.part_zipf, float)
    assert rule.min_length == 6


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"merged-words": {"colour": "red"}}, "detector.rules.merged-words.colour: unknown parameter"),
        ({"merged-words": {"part_zipf": "high"}}, "detector.rules.merged-words.part_zipf must be a number"),
        ({"repeated-words": {"max_words": 2.5}}, "detector.rules.repeated-words.max_words must be int"),
        ({"no-such-rule": {}}, "unknown rule 'no-such-rule'"),
    ],
)
def test_rule_parameters_are_checked_against_the_signature(params, needle):
    """A config built in Python skips the schema merge; the signature check still names the key."""
    cfg = default_config()
    for name, p in params.items():
        cfg["detector"]["rules"].setdefault(name, {}).update(p)
    with pytest.raises(ConfigError, match=re.escape(needle)) as exc:
        Detector(cfg)
    assert exc.value.exit_code == EXIT_CONFIG


def test_unknown_parameter_in_a_user_file_exits_4(tmp_path):
    import subprocess

    p = tmp_path / "cfg.yaml"
    p.write_text("detector:\n  rules:\n    cut-word:\n      colour: red\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "mtqa", "detect", "--config", str(p)], capture_output=True, text=True)
    assert r.returncode == EXIT_CONFIG
    assert "detector.rules.cut-word.colour" in r.stderr and "Traceback" not in r.stderr


PLUGIN = textwrap.dedent(
    '''
    """A user's rule: flags the word "lorem" wherever it appears."""
    import re

    from mtqa.detect import Candidate, Rule, register


    @register
    class Lorem(Rule):
        name = "lorem-test"
        kind = "untranslated"

        def __init__(self, min_count: int = 1) -> None:
            self.min_count = min_count

        def score(self, ctx):
            found = list(re.finditer(r"\\blorem\\b", ctx.text))
            for m in found:
                yield Candidate(m.start(), m.end(), {"count": float(len(found)), "confidence": 0.5}, "placeholder")

        def accept(self, cand):
            return cand.evidence["count"] >= self.min_count
    '''
)


@pytest.fixture
def plugin_module(tmp_path, monkeypatch):
    (tmp_path / "mtqa_test_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "mtqa_test_plugin"
    RULES.pop("lorem-test", None)
    sys.modules.pop("mtqa_test_plugin", None)


def test_plugin_rule_registers_and_runs(tmp_path, plugin_module):
    p = tmp_path / "cfg.yaml"
    p.write_text(f"detector:\n  plugins: [{plugin_module}]\n", encoding="utf-8")
    det = Detector(load_config(p))
    spans = [s for s in det.detect("Some lorem text and lorem again.").spans if s.rule == "lorem-test"]
    assert [(s.text, s.kind, s.note) for s in spans] == [("lorem", "untranslated", "placeholder")] * 2
    # its thresholds come from detector.plugin_rules, checked against its signature
    p.write_text(
        f"detector:\n  plugins: [{plugin_module}]\n  plugin_rules:\n    lorem-test:\n      min_count: 3\n",
        encoding="utf-8",
    )
    assert not [s for s in Detector(load_config(p)).detect("lorem lorem").spans if s.rule == "lorem-test"]
    p.write_text(
        f"detector:\n  plugins: [{plugin_module}]\n  plugin_rules:\n    lorem-test:\n      colour: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=re.escape("lorem-test.colour")):
        Detector(load_config(p))


def test_missing_plugin_is_a_config_error():
    cfg = default_config()
    cfg["detector"]["plugins"] = ["no_such_module_xyz"]
    with pytest.raises(ConfigError, match=re.escape("detector.plugins: cannot import 'no_such_module_xyz'")):
        Detector(cfg)


def test_scores_can_be_rethresholded_without_running_the_rules_again():
    """score() returns every candidate with its evidence; another instance of the rule with
    other thresholds decides on the same candidates."""
    text = "China and Kyrgyzstan cooperate. They released a joint documentannouncement and a mouthpart."
    scored = [
        s
        for s in Detector().score(text)
        if s.rule == "merged-words"
        and text[s.candidate.start : s.candidate.end] in ("documentannouncement", "mouthpart")
    ]
    assert [(text[s.candidate.start : s.candidate.end], s.accepted) for s in scored] == [
        ("documentannouncement", True),
        ("mouthpart", False),
    ]
    strict = RULES["merged-words"](max_whole_zipf=2.0, merge_margin=4.0)
    assert all(strict.accept(s.candidate) for s in scored)
    for s in scored:
        assert all(isinstance(v, float) for v in s.candidate.evidence.values())


def test_detector_logs_instead_of_printing(caplog, capsys):
    import logging

    with caplog.at_level(logging.DEBUG, logger="mtqa.detect"):
        Detector().detect("中吉两国于After the two countr1992年建交。")
    assert capsys.readouterr().out == ""
    assert any("spans" in r.getMessage() for r in caplog.records)

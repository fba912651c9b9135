from __future__ import annotations

import pytest
import yaml

from mtqa.config import default_config, load_config
from mtqa.detect import RULES, Detector
from mtqa.errors import ConfigError
from tests.conftest import ROOT


def test_configs_default_yaml_is_the_packaged_default():
    assert yaml.safe_load((ROOT / "configs/default.yaml").read_text(encoding="utf-8")) == default_config()


def test_every_registered_rule_is_configured_and_vice_versa():
    assert set(default_config()["detector"]["rules"]) == set(RULES)


def test_partial_override_merges(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("detector:\n  rules:\n    merged-words:\n      part_zipf: 4\n", encoding="utf-8")
    cfg = load_config(p)
    assert cfg["detector"]["rules"]["merged-words"]["part_zipf"] == 4.0
    assert cfg["detector"]["rules"]["merged-words"]["min_length"] == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("detector: [unclosed", "invalid YAML at line 1"),
        ("detector:\n  rulez: {}\n", "unknown key 'detector.rulez'"),
        (
            "detector:\n  rules:\n    merged-words:\n      colour: red\n",
            "unknown key 'detector.rules.merged-words.colour'",
        ),
        ("detector:\n  dominance: high\n", "'detector.dominance' must be float"),
        ("- a\n- b\n", "must be a mapping"),
        ("detector:\n  severity:\n    merge: huge\n", "not one of minor, major, critical"),
    ],
)
def test_broken_configs_give_one_line_errors(tmp_path, content, message):
    p = tmp_path / "bad.yaml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Detector(load_config(p))
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.yaml")

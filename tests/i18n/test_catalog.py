"""The message catalog: every key once, both languages, and every key the code or a template names exists."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import yaml

from transcarbon.i18n import catalog

CATALOG = resources.files("transcarbon.i18n") / "messages.yaml"
SRC = Path(__file__).resolve().parents[2] / "src" / "transcarbon"


def test_every_key_appears_once() -> None:
    """YAML keeps the last of two equal keys silently: two features naming one key would overwrite each other."""
    node = yaml.compose(CATALOG.read_text(encoding="utf-8"))
    assert isinstance(node, yaml.MappingNode)
    counts = Counter(k.value for k, _ in node.value)
    assert [k for k, n in counts.items() if n > 1] == []


def test_every_message_has_chinese_and_english() -> None:
    missing = [k for k, v in catalog().items() if not (isinstance(v, dict) and v.get("zh") and v.get("en"))]
    assert missing == []


def test_keys_named_literally_in_code_and_templates_exist() -> None:
    """``t('…')``, ``page.t('…')``, ``lines('…')`` … with a literal key: each key is in the catalog."""
    pattern = re.compile(r"""\b(?:t|both|lines|say|fail)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
    named = {
        key
        for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]
        for key in pattern.findall(path.read_text(encoding="utf-8"))
        if not key.endswith("_")  # a prefix completed at run time ('web.submission.done_' ~ action)
    }
    assert named, "the pattern finds the calls"
    assert sorted(named - set(catalog())) == []

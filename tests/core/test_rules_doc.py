"""docs/rules.md maps every rule id the code enforces to its function and its test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE = re.compile(r"R-[A-Z]{2,3}-\d+")


def test_it_lists_every_rule_id_named_in_the_code():
    in_code = {m for p in (ROOT / "kefu").rglob("*.py") for m in RULE.findall(p.read_text())}
    in_doc = set(RULE.findall((ROOT / "docs" / "rules.md").read_text()))
    assert in_code, "no rule ids found in kefu/"
    assert sorted(in_code - in_doc) == []


def test_it_names_only_tests_that_exist():
    doc = (ROOT / "docs" / "rules.md").read_text()
    for path in set(re.findall(r"tests/[\w/]+\.py", doc)):
        assert (ROOT / path).exists(), path

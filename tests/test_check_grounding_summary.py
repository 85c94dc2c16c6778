"""A summary's headline figures against the facts computed from the records: the product's promise.

The secretary edits a draft and types 361 where the records say 36; the checker must say so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writer.check import check
from writer.facts import compute_facts
from writer.models import Record

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "records"
ORG = "青禾职业技术学院团委"


@pytest.fixture(scope="module")
def year_2025():
    load = lambda name: [Record(**r) for r in json.loads((CORPUS / name).read_text(encoding="utf-8"))]  # noqa: E731
    records, previous = load("qinghe-2025.json"), load("qinghe-2024.json")
    return records, list(compute_facts(records, previous=previous).facts)


RIGHT = f"一、基本情况\n2025年，{ORG}共开展各类活动36项，参与9931人次。"


@pytest.mark.parametrize("right, wrong", [("36项", "361项"), ("36项", "63项"), ("9931人次", "99310人次"), ("9931人次", "9391人次")])
def test_a_changed_headline_figure_contradicts_the_facts(year_2025, right, wrong):
    records, facts = year_2025
    text = RIGHT.replace(right, wrong)
    findings = [f for f in check(text, kind="summary", records=records, facts=facts) if f.category == "grounding"]
    at = text.index(wrong)
    assert any(f.severity == "error" and f.start <= at < f.end for f in findings), findings


def test_the_right_figures_are_grounded(year_2025):
    records, facts = year_2025
    assert not [f for f in check(RIGHT, kind="summary", records=records, facts=facts) if f.category == "grounding"]

"""The checker engine: rules load once, findings are exact, deduplicated and sorted."""

from __future__ import annotations

from writer.check import check, detect_kind, padding_density, summarize
from writer.check.rules import load_rules
from writer.models import CATEGORIES

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def test_rules_load_with_the_same_keys_and_known_categories():
    rules = load_rules()
    assert len(rules.rules) >= 25
    for rule in rules.rules:
        assert rule.category in CATEGORIES
        assert rule.severity in SEVERITY_RANK
        assert rule.message and rule.scope
    assert {r.category for r in rules.rules} == set(CATEGORIES)


def test_rules_are_loaded_once():
    assert load_rules() is load_rules()


def test_offsets_index_the_text_exactly_and_findings_are_sorted():
    text = "\r\n标题\r\n\n　　2024年，我们布署了工作,反响热烈。工作中中还有XX项。\n"
    findings = check(text)
    assert findings
    for f in findings:
        assert text[f.start:f.end] == f.text
    keys = [(f.start, SEVERITY_RANK[f.severity]) for f in findings]
    assert keys == sorted(keys)
    assert len({(f.rule, f.start, f.end) for f in findings}) == len(findings)


def test_empty_and_blank_text_give_no_findings():
    assert check("") == []
    assert check("   \n\n") == []


def test_summary_counts_every_category():
    counts = summarize(check("我们布署了工作。"))
    assert set(counts) == set(CATEGORIES)
    assert counts["typo"] == 1


def test_kind_detection():
    summary = "星光学院2024年度工作总结\n\n一、基本情况\n全年开展活动120场。\n二、主要成效\n粉丝增长到1800人。\n"
    news = "我院举办读书分享会\n\n5月20日下午，星光学院在图书馆报告厅举办读书分享会，120名学生参加。\n活动分为三个环节。\n"
    assert detect_kind(summary) == "summary"
    assert detect_kind(news) == "news"


def test_padding_density_per_section():
    text = ("2024年度工作总结\n\n一、基本情况\n全年开展活动120场，参与1,600人次。\n"
            "二、主要成效\n工作取得了显著成效。活动反响热烈。各项工作成效明显。\n")
    density = dict(padding_density(text))
    assert density["基本情况"] == 0.0
    assert density["主要成效"] == 1.0

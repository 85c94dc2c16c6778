"""Facts are computed by code from records, each traceable to the record ids it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writer.facts import compute_facts, find_plan_vs_actual, growth_pct, event_key, fmt
from writer.models import Record

ORG = "青禾职业技术学院团委"


def load(path: Path) -> list[Record]:
    return [Record(**row) for row in json.loads(path.read_text(encoding="utf-8"))]


def rec(id, date, category, participants=None, metrics=None, summary="", title=None):
    return Record(id=id, date=date, title=title or f"活动{id}", category=category, org=ORG,
                  participants=participants, metrics=metrics or {}, summary=summary)


def platform(id, date, **metrics):
    return Record(id=id, date=date, title=f"{date[:7]}平台数据", category="平台运营", org=ORG, metrics=metrics)


def test_growth_is_end_minus_start_over_start_with_one_decimal_half_up():
    assert growth_pct(3050, 6120) == 100.7
    assert growth_pct(400, 807) == 101.8  # 101.75 rounds half up, not to even
    assert growth_pct(200, 100) == -50.0
    assert growth_pct(0, 10) is None


def test_counts_totals_and_record_ids():
    records = [
        rec("a1", "2025-03-05", "志愿服务", 38, {"服务时长": 114}),
        rec("a2", "2025-04-01", "志愿服务", 20, {"服务时长": 60.5}),
        rec("a3", "2025-05-01", "培训", 80, {"培训人数": 80}),
        rec("w1", "2025-06-01", "获奖荣誉"),
    ]
    book = compute_facts(records)
    assert book.get("activities").value == 3
    assert book.get("activities").records == ["a1", "a2", "a3"]
    assert book.get("participants").value == 138
    assert book.get("cat:志愿服务:count").value == 2
    hours = book.get("cat:志愿服务:total:服务时长")
    assert hours.value == 174.5 and hours.unit == "小时" and hours.records == ["a1", "a2"]
    assert book.get("awards").value == 1 and book.get("awards").records == ["w1"]
    assert [f.id for f in book.facts] == [f"F{i}" for i in range(1, len(book.facts) + 1)]


def test_platform_first_last_growth_and_decline():
    records = [
        platform("p1", "2025-01-31", 微博粉丝数=3050, 阅读量=100),
        platform("p2", "2025-02-28", 微博粉丝数=3100, 阅读量=100),
        platform("p3", "2025-03-31", 微博粉丝数=3000, 阅读量=100),
        platform("p4", "2025-07-31", 微博粉丝数=2900, 阅读量=50),
        platform("p5", "2025-08-31", 微博粉丝数=2800, 阅读量=50),
        platform("p6", "2025-12-31", 微博粉丝数=2745, 阅读量=50),
    ]
    book = compute_facts(records)
    assert book.get("metric:微博粉丝数:start").value == 3050
    assert book.get("metric:微博粉丝数:end").value == 2745
    assert book.get("metric:微博粉丝数:growth").value == -10.0
    assert book.get("metric:微博粉丝数:decline").value == 10.0
    assert book.get("metric:微博粉丝数:growth").records == ["p1", "p6"]
    assert book.get("metric:阅读量:total").value == 450
    assert book.get("metric:阅读量:h2decline").value == 50.0
    kinds = {(p.kind, p.subject) for p in book.problems}
    assert ("decline", "微博粉丝数") in kinds and ("decline", "阅读量") in kinds


def test_a_metric_that_grew_over_the_year_but_fell_for_a_while_is_a_problem():
    records = [
        platform("p1", "2025-01-31", 微博粉丝数=4000),
        platform("p2", "2025-06-30", 微博粉丝数=4800),
        platform("p3", "2025-07-31", 微博粉丝数=4650),
        platform("p4", "2025-08-31", 微博粉丝数=4512),
        platform("p5", "2025-12-31", 微博粉丝数=4700),
    ]
    book = compute_facts(records)
    assert book.get("metric:微博粉丝数:growth").value == 17.5
    assert book.get("metric:微博粉丝数:peak").value == 4800 and book.get("metric:微博粉丝数:peak").records == ["p2"]
    assert book.get("metric:微博粉丝数:trough").value == 4512 and book.get("metric:微博粉丝数:trough").records == ["p4"]
    assert book.get("metric:微博粉丝数:dip").value == 6.0
    assert [p.keys for p in book.problems if p.kind == "decline"] == [
        ["metric:微博粉丝数:peak", "metric:微博粉丝数:trough", "metric:微博粉丝数:dip"]]


def test_a_small_wobble_is_not_a_problem():
    records = [platform("p1", "2025-01-31", 微博粉丝数=4000), platform("p2", "2025-02-28", 微博粉丝数=4050),
               platform("p3", "2025-03-31", 微博粉丝数=4030), platform("p4", "2025-04-30", 微博粉丝数=4300)]
    book = compute_facts(records)
    assert book.get("metric:微博粉丝数:dip") is None
    assert not [p for p in book.problems if p.kind == "decline"]


@pytest.mark.parametrize("text,expected", [
    ("比赛原计划120人参加，因当天降雨，实际到场仅39人。", (120, 39, "人")),
    ("培训班计划培训200人，实际培训146人，部分学院未能选派。", (200, 146, "人")),
    ("活动原计划招募40名志愿者，实际到岗22人。", (40, 22, "人")),
    ("活动顺利开展，共80人参加。", None),
])
def test_plan_versus_actual_in_summaries(text, expected):
    assert find_plan_vs_actual(text) == expected


def test_targets_missed_weak_turnout_and_sparse_categories_become_problems():
    last = [rec("o1", "2024-03-12", "志愿服务", 65, title="植树节义务植树"),
            rec("o2", "2024-04-23", "文体活动", 140, title="2024年读书分享会")]
    last += [rec(f"o{i}", f"2024-05-{i:02d}", "理论学习", 30) for i in range(10, 17)]
    this = [rec("n1", "2025-03-12", "志愿服务", 52, title="植树节义务植树"),
            rec("n2", "2025-04-23", "文体活动", 95, title="2025年读书分享会"),
            rec("n3", "2025-04-28", "文体活动", 39, summary="原计划120人参加，实际到场仅39人。"),
            rec("n4", "2025-05-02", "理论学习", 30)]
    this += [rec(f"v{i}", f"2025-06-{i:02d}", "志愿服务", 40) for i in range(10, 16)]
    book = compute_facts(this, previous=last)
    kinds = {p.kind: p for p in book.problems}
    assert book.get("plan:n3:rate").value == 32.5
    assert kinds["target"].records == ["n3"]
    turnout = [p for p in book.problems if p.kind == "turnout"]
    assert {p.subject for p in turnout} == {"植树节义务植树", "2025年读书分享会"}
    assert book.get("event:n2:drop").value == 32.1  # (95 − 140) / 140
    assert book.get("event:n2:drop").records == ["n2", "o2"]
    sparse = [p for p in book.problems if p.kind == "sparse"]
    assert sorted(p.category for p in sparse) == ["文体活动", "理论学习"]  # 1 vs 7 last year; only 2
    assert book.get("prev:理论学习:count").value == 7
    assert book.get("yoy:activities:growth").value == 11.1  # 10 this year, 9 last year


def test_event_key_matches_recurring_activities_across_years():
    assert event_key("2024级新生迎新志愿服务") == event_key("2025级新生迎新志愿服务")
    assert event_key("第十一届田径运动会") == event_key("第十二届田径运动会")


def test_fmt_writes_integers_plain_and_one_decimal_otherwise():
    assert fmt(12.0) == "12" and fmt(101.75) == "101.8" and fmt(32.5) == "32.5" and fmt(7) == "7"


def test_sample_corpus_facts_are_traceable(corpus_dir):
    records = load(corpus_dir / "records" / "qinghe-2025.json")
    ids = {r.id for r in records}
    book = compute_facts(records)
    assert book.get("activities").value == len([r for r in records if r.category not in ("平台运营", "获奖荣誉")])
    for fact in book.facts:
        assert set(fact.records) <= ids, fact
    platform_recs = sorted((r for r in records if r.category == "平台运营"), key=lambda r: r.date)
    first, last = platform_recs[0].metrics["微信公众号粉丝数"], platform_recs[-1].metrics["微信公众号粉丝数"]
    assert book.get("metric:微信公众号粉丝数:growth").value == round((last - first) / first * 100 + 1e-9, 1)

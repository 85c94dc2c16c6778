"""Property: any Unicode text goes through check() without crashing, with exact offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writer.check import check, padding_density
from writer.figures import extract_dates, extract_figures
from writer.models import CATEGORIES

# Chinese prose pieces, punctuation, digits and markers mixed with arbitrary Unicode
PIECES = st.sampled_from([
    "一、", "（二）", "1.", "（3）", "一是", "二是", "四是", "，", "。", "、", "“", "”", "《", "》", "(", ")", ",", ":",
    "\n", "\r\n", "　　", "取得了显著成效", "进一步加强", "若干", "XX", "某某", "【待补充】", "1,600人", "1.6万",
    "12.5%", "百分之十二", "2024年2月30日", "5月20日", "增长到", "由", "共", "其中", "场", "工作中中", "布署",
    "基本情况", "主要成效", "存在的问题", "下一步工作打算", "第2页共5页", "https://a.b/c", "的越来越好", "两、三次",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


def _valid(text, findings):
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.text
        assert f.category in CATEGORIES
        assert f.severity in ("error", "warning", "info")
        assert f.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(["auto", "news", "summary"]))
def test_random_text_never_crashes_and_offsets_are_exact(text, kind):
    findings = check(text, kind=kind)
    _valid(text, findings)
    keys = [(f.start, {"error": 0, "warning": 1, "info": 2}[f.severity]) for f in findings]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode(text):
    _valid(text, check(text))
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.raw
    for d in extract_dates(text):
        assert text[d.start:d.end] == d.raw
    for heading, density in padding_density(text):
        assert 0.0 <= density <= 1.0

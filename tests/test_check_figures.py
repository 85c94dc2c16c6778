"""writer.figures: the number parser other stages reuse."""

from __future__ import annotations

import pytest

from writer.figures import extract_dates, extract_figures, parse_chinese_number


def one(text):
    figs = extract_figures(text)
    assert len(figs) == 1, figs
    f = figs[0]
    assert text[f.start:f.end] == f.raw
    return f


@pytest.mark.parametrize("text,value,unit", [
    ("参与1,600人次。", 1600, "人次"),
    ("参与1600人。", 1600, "人"),
    ("覆盖1.6万人。", 16000, "人"),
    ("学生三千二百名。", 3200, "名"),
    ("增长了百分之十二。", 12, "%"),
    ("满意率12.5%。", 12.5, "%"),
    ("满意率１２．５％。", 12.5, "%"),
    ("共开展活动12场。", 12, "场"),
    ("投入资金30万元。", 300000, "元"),
    ("历时3个小时。", 3, "个小时"),
    ("发稿65篇。", 65, "篇"),
])
def test_values_and_units(text, value, unit):
    f = one(text)
    assert f.value == pytest.approx(value)
    assert f.unit == unit


def test_approximate_figures_keep_their_qualifier():
    f = one("两千余人参加。")
    assert (f.value, f.unit, f.approx) == (2000, "人", "余")
    assert one("近2000人参加。").approx == "近"
    assert one("3万余人次。").value == 30000


def test_precision_of_written_figures():
    assert one("1.6万人").step == 1000
    assert one("12.5%").step == pytest.approx(0.1)
    assert one("1,600人").step == 1


@pytest.mark.parametrize("text", [
    "2024年5月20日上午", "2024年度工作总结", "2024届毕业生", "二〇二三年五月", "5月10日至12日",
    "14:30开始", "2024-05-20", "第3届运动会", "第一次", "G20峰会", "5G网络", "电话13812345678",
    "七年级", "一、基本情况", "（1）加强学习", "1. 加强学习",
])
def test_dates_ordinals_markers_and_codes_are_not_figures(text):
    assert extract_figures(text) == []


def test_dates_are_recognised_with_their_parts():
    dates = extract_dates("2024年2月30日，5月20日，二〇二三年五月，2024届")
    assert [(d.year, d.month, d.day) for d in dates] == [(2024, 2, 30), (None, 5, 20), (2023, 5, None), (2024, None, None)]


@pytest.mark.parametrize("s,v", [("三千二百", 3200), ("十二", 12), ("两万五千", 25000), ("二〇二三", 2023),
                                 ("一百零五", 105), ("三十", 30)])
def test_chinese_numbers(s, v):
    assert parse_chinese_number(s) == v


def test_offsets_match_raw_text_in_mixed_prose():
    text = "全年开展活动120场，参与学生1.6万人次，其中党员占12.5%，两千余人获得证书。"
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.raw
    assert [f.value for f in extract_figures(text)] == [120, 16000, 12.5, 2000]

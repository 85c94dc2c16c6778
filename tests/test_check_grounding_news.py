"""A news story about one recorded event against that event's record: turnout, metrics named by their
object noun, groups the record's summary counts, date and place — and no finding for parts, running
totals, representatives at a ceremony or the right figures. Texts and records written for these tests."""

from __future__ import annotations

import pytest

from writer.check import check
from writer.models import Record

DRILL = Record(id="ev-1", date="2024-04-23", title="柳湾街道防汛应急演练", category="应急", org="江川市柳湾街道办事处",
               location="柳湾社区文化广场", organizer="柳湾街道办事处", participants=260,
               summary="柳湾街道组织260名干部群众开展防汛应急演练，设置5个演练科目，发放宣传资料500份。",
               metrics={"演练科目": 5, "发放资料": 500, "志愿者人数": 40})
FAIR = Record(id="ev-2", date="2024-05-10", title="青禾学院读书节", category="文化", org="青禾学院",
              location="青禾学院图书馆报告厅", organizer="青禾学院团委", participants=1650,
              summary="青禾学院第五届读书节开幕，1650名师生参加，设置12个展区。", metrics={"展区数量": 12})
RECORDS = [DRILL, FAIR]
HEAD = "柳湾街道举行防汛应急演练\n\n4月23日上午，柳湾街道在柳湾社区文化广场举行防汛应急演练，260名干部群众参加。\n\n"
RIGHT = HEAD + "演练共设置5个科目，40名志愿者参与保障，发放宣传资料500份。"


def grounding(text):
    return [(f.severity, text[f.start:f.end]) for f in check(text, kind="news", records=RECORDS)
            if f.category == "grounding" and f.severity != "info"]


def test_the_right_story_has_no_grounding_finding():
    assert grounding(RIGHT) == []


@pytest.mark.parametrize("right, wrong", [
    ("260名干部群众参加", "300余名干部群众参加"),    # lead head count, two-noun group
    ("5个科目", "6个科目"),                         # metric named by its object noun after the figure
    ("宣传资料500份", "宣传资料800余份"),            # 余 range does not reach the record
    ("40名志愿者", "60名志愿者"),
    ("4月23日", "4月22日"),                         # date
    ("柳湾社区文化广场", "柳湾小学操场"),            # place
])
def test_a_changed_fact_contradicts_the_record(right, wrong):
    text = RIGHT.replace(right, wrong)
    assert ("error", wrong.replace("干部群众参加", "").replace("宣传资料", "").replace("名志愿者", "名")
            .replace("个科目", "个")) in grounding(text) or any(
        s == "error" and t in wrong for s, t in grounding(text)), grounding(text)


def test_a_group_the_summary_counts_is_that_count():
    text = HEAD.replace("，260名干部群众参加", "") + "沿堤群众1500余人参与转移演练。"
    assert ("error", "1500余人") in grounding(text)


def test_a_drawing_verb_before_the_head_count():
    text = "青禾学院读书节开幕\n\n5月10日，青禾学院第五届读书节在图书馆报告厅开幕，吸引了近2000名师生。"
    assert ("error", "近2000名") in grounding(text)
    assert grounding(text.replace("近2000名", "1600余名")) == []  # 1600余 reaches 1650


def test_1800yu_does_not_match_1650():
    text = "青禾学院读书节开幕\n\n5月10日，青禾学院第五届读书节在图书馆报告厅开幕，1800余名师生参加。"
    assert ("error", "1800余名") in grounding(text)


def test_a_smaller_part_is_not_a_contradiction():
    assert grounding(RIGHT + "其中，3个科目在广场进行。") == []


def test_a_running_total_in_a_one_event_story_is_only_a_note():
    assert grounding(RIGHT + "今年以来，街道累计开展各类演练12场。") == []


def test_representatives_at_a_ceremony_are_a_part_of_the_turnout():
    text = "青禾学院读书节开幕\n\n5月10日，青禾学院第五届读书节开幕式在图书馆报告厅举行，320名师生代表参加开幕式。"
    assert grounding(text) == []


def test_a_generic_place_is_not_a_contradiction():
    text = HEAD.replace("柳湾社区文化广场", "社区广场")
    assert grounding(text) == []

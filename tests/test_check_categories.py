"""Per category: what the checker must find, and what it must not (few false alarms)."""

from __future__ import annotations

import pytest

from writer.check import check
from writer.models import Fact, Record

SUMMARY_HEAD = "星河学院2024年度工作总结\n\n一、基本情况\n全年开展活动120场，参与学生1,600人次。\n二、主要成效\n"
SUMMARY_TAIL = "\n三、存在的问题\n活动覆盖面不够，只有3个学院参与。\n四、下一步工作打算\n2025年6月底前覆盖全部6个学院。\n"


def summary(body: str) -> str:
    return SUMMARY_HEAD + body + SUMMARY_TAIL


def found(text, category, needle=None, kind="auto", **kw):
    fs = [f for f in check(text, kind=kind, **kw) if f.category == category]
    if needle is None:
        return fs
    return [f for f in fs if needle in f.text or f.text in needle]


# ---------------------------------------------------------------- padding
@pytest.mark.parametrize("sentence,needle", [
    ("宣传工作取得了显著成效。", "取得了显著成效"),
    ("读书节活动反响热烈。", "反响热烈"),
    ("在上级领导的正确领导下，我们完成了全年任务。", "在上级领导的正确领导下"),
    ("我们将进一步加强队伍建设。", "进一步加强"),
    ("推动工作迈上新台阶。", "迈上新台阶"),
    ("全体干部凝心聚力、攻坚克难、砥砺前行、勇毅前行。", "凝心聚力、攻坚克难、砥砺前行、勇毅前行"),
    ("演出得到了学校领导和师生的一致好评。", "得到了学校领导和师生的一致好评"),
])
def test_padding_found(sentence, needle):
    assert found(summary(sentence), "padding", needle)


@pytest.mark.parametrize("sentence", [
    "宣传工作取得了显著成效，全年发稿218篇，被市级媒体采用31篇。",
    "读书节反响热烈，1,046名学生报名阅读打卡。",
    "我们将进一步加强队伍建设，2025年3月底前为每个学院配备1名专职干部。",
    "演出得到了一致好评，获评“江川市优秀校园文艺节目”。",
    "裁判长表示，今年选手的整体水平有明显提高。",
    "志愿服务、理论宣讲、文艺演出、技能培训四类活动全年共开展120场。",
])
def test_a_claim_with_a_figure_or_specific_is_not_padding(sentence):
    assert found(summary(sentence), "padding") == []


def test_padding_density_finding_on_a_hollow_section():
    body = "工作取得了显著成效。活动反响热烈。各项工作成效明显。服务深受群众欢迎。"
    fs = [f for f in check(summary(body)) if f.rule == "padding.density"]
    assert fs and fs[0].severity == "info" and fs[0].text.startswith("二、主要成效")


# ---------------------------------------------------------------- missing data
def test_section_without_any_figure():
    text = summary("各项工作稳步推进，活动形式丰富多样。")
    fs = found(text, "missing-data", "二、主要成效")
    assert fs and fs[0].text == "二、主要成效"


def test_section_with_a_figure_is_fine():
    assert found(summary("全年发稿218篇。"), "missing-data") == []


@pytest.mark.parametrize("word", ["若干", "大量", "多次", "近年来", "一系列"])
def test_vague_quantities(word):
    assert found(summary(f"我们{word}组织了志愿服务，成效明显，全年服务120人次。"), "missing-data", word)


def test_vague_word_inside_a_document_title_is_fine():
    assert found(summary("认真学习《关于加强青年工作的若干意见》，组织学习12场。"), "missing-data") == []


def test_percentage_without_base():
    assert found(summary("公众号粉丝增长了45%。"), "missing-data", "45%")


@pytest.mark.parametrize("sentence", [
    "发放问卷320份，满意率96.5%。",
    "公众号粉丝由9,860人增长到13,450人，增长36.4%。",
    "团员教育评议覆盖率达到100%。",
])
def test_percentage_with_base_is_fine(sentence):
    assert found(summary(sentence), "missing-data") == []


# ---------------------------------------------------------------- placeholder
@pytest.mark.parametrize("needle", ["XX年", "xx市", "××", "某某", "20xx", "＿＿", "【待补充】", "【待补充：地点】", "[ ]"])
def test_placeholders(needle):
    text = summary(f"全年开展活动12场，{needle}还需要核实。")
    fs = found(text, "placeholder")
    assert fs and all(f.severity == "error" for f in fs)


def test_latin_words_and_markdown_are_not_placeholders():
    assert found(summary("参加了TEDx演讲和XXL号文化衫设计，**重点**项目12个。"), "placeholder") == []


# ---------------------------------------------------------------- numbers
def test_growth_rate_divided_by_end_value():
    fs = found(summary("微博粉丝由1200人增长到1800人，增长33.3%。"), "numbers", "33.3%")
    assert fs and "末值" in fs[0].message and "50.0%" in fs[0].message


def test_growth_rate_simply_wrong_and_right():
    assert found(summary("粉丝由9,860人增长到13,450人，增长30.2%。"), "numbers", "30.2%")
    assert found(summary("粉丝由9,860人增长到13,450人，增长36.4%。"), "numbers") == []
    assert found(summary("借阅量由5,000册下降到4,000册，下降20%。"), "numbers") == []


def test_parts_that_do_not_sum_to_the_total():
    assert found(summary("共开展活动96场，其中助老40场、环保35场、支教30场。"), "numbers")
    assert found(summary("助老40场、环保35场、支教30场，共计96场。"), "numbers")
    assert found(summary("共开展活动105场，其中助老40场、环保35场、支教30场。"), "numbers") == []
    # a partial enumeration after 其中 is fine
    assert found(summary("共开展活动120场，其中助老40场、环保35场。"), "numbers") == []


def test_percentage_inconsistent_with_counts():
    assert found(summary("发放问卷400份，回收有效问卷380份，有效回收率为92%。"), "numbers", "92%")
    assert found(summary("发放问卷400份，回收有效问卷380份，有效回收率为95%。"), "numbers") == []


@pytest.mark.parametrize("date", ["2024年2月30日", "2024年13月5日", "4月31日", "2023年2月29日"])
def test_impossible_dates(date):
    assert found(summary(f"{date}举办了表彰会，表彰12人。"), "numbers", date)


def test_leap_day_is_fine():
    assert found(summary("2024年2月29日举办了表彰会，表彰12人。"), "numbers") == []


def test_date_after_the_documents_year():
    assert found(summary("2025年3月举办了表彰会，表彰12人。"), "numbers", "2025年3月")
    assert found(summary("计划于2025年3月举办表彰会，表彰12人。"), "numbers") == []
    # the plans section speaks of next year by nature
    assert found(SUMMARY_HEAD + "全年发稿12篇。" + SUMMARY_TAIL.replace("2025年6月底前", "2025年6月"), "numbers") == []


# ---------------------------------------------------------------- numbering
def test_numbering_gap_and_repeat():
    body = "（一）宣传工作\n1. 发稿12篇。\n2. 采用5篇。\n4. 培训3期。\n（二）志愿服务\n1. 服务120人次。\n1. 服务时长300小时。\n"
    fs = found(summary(body), "numbering")
    assert [f.text for f in fs] == ["4.", "1."]


def test_heading_order_inverted():
    body = "1. 宣传工作\n（一）发稿12篇。\n（二）采用5篇。\n2. 志愿服务\n服务120人次。\n"
    assert found(summary(body), "numbering", "（一）")


def test_inline_enumeration():
    assert found(summary("一是发稿12篇，二是采用5篇，四是培训3期。"), "numbering", "四是")
    assert found(summary("一是发稿12篇，二是采用5篇，三是培训3期。"), "numbering") == []


def test_correct_official_numbering_is_fine():
    body = "（一）宣传工作\n1. 发稿12篇。\n2. 采用5篇。\n（1）市级3篇。\n（2）省级2篇。\n3. 培训3期。\n（二）志愿服务\n1. 服务120人次。\n"
    assert found(summary(body), "numbering") == []


# ---------------------------------------------------------------- typo
@pytest.mark.parametrize("wrong", ["工作中中", "布署", "截止目前", "及其重要", "简介明了", "必需加强", "再接再励",
                                   "发展的越来越好", "有力的推动了", "开展开展"])
def test_typos(wrong):
    assert found(summary(f"全年发稿12篇，{wrong}宣传工作。"), "typo")


@pytest.mark.parametrize("right", ["实实在在", "的的确确", "认认真真", "常常", "学校及其周边", "截至目前", "截止日期",
                                   "必需品", "工作及其重要性", "有力的支持", "一个一个地", "学院院长", "协会会长", "为了了解"])
def test_correct_words_are_not_typos(right):
    assert found(summary(f"全年发稿12篇，{right}。"), "typo") == []


# ---------------------------------------------------------------- punctuation
@pytest.mark.parametrize("text,needle", [
    ("我们开展了活动,效果很好。", ","), ("时间:5月20日。", ":"), ("你参加了吗?", "?"), ("活动(下午)举行。", "(下午)"),
    ("来了两、三次。", "两、三"), ("他说：“我很高兴。", "“"), ("《经典共读分享会举行。", "《"), ("活动举行了。。", "。。"),
])
def test_punctuation_found(text, needle):
    assert found(summary(f"全年发稿12篇。{text}"), "punctuation", needle)


@pytest.mark.parametrize("text", [
    "比分为3:2，时间14:30。", "访问 https://example.com/a,b 查看。", "参加人数1,600人。", "一、二年级学生参加。",
    "他说：“我很高兴。”", "（2）《江川日报》刊发。", "Hello, world!",
])
def test_punctuation_not_found(text):
    assert found(summary(f"全年发稿12篇。{text}"), "punctuation") == []


# ---------------------------------------------------------------- structure
def test_summary_parts_missing_and_out_of_order():
    text = "2024年工作总结\n\n一、主要成效\n发稿12篇。\n二、下一步工作打算\n发稿20篇。\n三、存在的问题\n采用率低。\n"
    fs = found(text, "structure")
    assert any("存在的问题" in f.text for f in fs)  # out of order
    assert any("基本情况" in f.message for f in fs)  # missing


def test_summary_heading_variants_are_accepted():
    text = ("2024年工作总结\n\n一、工作概况\n发稿12篇。\n二、主要工作及成效\n发稿12篇。\n"
            "三、问题与不足\n采用率低。\n四、2025年工作计划\n发稿20篇。\n")
    assert found(text, "structure", kind="summary") == []


def test_news_without_headline_long_lead_no_body():
    text = "5月18日，学院在实训中心举办技能大赛，" + "来自6个学院的214名选手参加比赛，" * 10 + "比赛圆满结束。"
    rules = {f.rule for f in found(text, "structure", kind="news")}
    assert {"structure.news.no-headline", "structure.news.lead-long", "structure.news.no-body"} <= rules


def test_news_headline_too_long():
    text = "星河职业学院团委青年志愿者协会联合城南街道四个社区开展学雷锋义务维修和环境清洁志愿服务活动\n\n3月5日上午，学院120名志愿者在城南街道开展服务。\n志愿者维修小家电86件。\n"
    assert found(text, "structure", "星河职业学院团委", kind="news")


# ---------------------------------------------------------------- lead
def test_lead_missing_when_where_who():
    text = "读书分享会举行\n\n同学们分享了最喜欢的一本书，气氛活跃。\n12名同学上台发言。\n"
    rules = {f.rule for f in found(text, "lead", kind="news")}
    assert {"lead.when", "lead.where"} <= rules
    text = "读书月启动\n\n4月1日上午，在图书馆一楼大厅举行了启动仪式。\n活动为期30天。\n"
    assert {f.rule for f in found(text, "lead", kind="news")} == {"lead.who"}


def test_complete_lead_is_fine():
    text = "读书节开幕\n\n4月23日下午，星河职业学院第六届读书节开幕式在图书馆报告厅举行，320名师生参加。\n活动为期一个月。\n"
    assert found(text, "lead", kind="news") == []


# ---------------------------------------------------------------- artifact
@pytest.mark.parametrize("debris", ["第2页共5页", "第 1 页 / 共 3 页", "本文档由会员分享", "热门推荐", "百度文库",
                                    "发布时间：2024-06-12 15:32:08", "https://wenku.example.com/view/1.html", "来源：江川教育网"])
def test_artifacts(debris):
    assert found(summary(f"全年发稿12篇。\n{debris}\n"), "artifact")


def test_ordinary_words_are_not_artifacts():
    assert found(summary("公众号全年阅读量48.6万次，设立举报电话1部，制作公益广告2条。"), "artifact") == []


# ---------------------------------------------------------------- grounding
RECORDS = [
    Record(id="r1", date="2024-06-30", title="新媒体半年数据", category="宣传", org="星河", metrics={"微博粉丝数": 1600}),
    Record(id="r2", date="2024-04-23", title="第六届读书节", category="文化", org="星河", participants=1046,
           summary="新采购图书1200册。"),
]
FACTS = [Fact(id="F1", name="全年活动场次", value=48, unit="场", records=["r1", "r2"]),
         Fact(id="F2", name="志愿服务参与人数", value=16012, unit="人次", records=["r1"])]


def test_grounded_figures_pass_with_usual_rounding():
    text = SUMMARY_HEAD.replace("120场", "48场").replace("1,600人次", "16,012人次") + ("微博粉丝1,600人，读书节1,046名学生参加，新购图书1200册，全年活动48场，志愿服务1.6万人次。")
    text += "\n三、存在的问题\n覆盖面不够。\n四、下一步工作打算\n2025年覆盖全部6个学院。\n"
    assert found(text, "grounding", records=RECORDS, facts=FACTS) == []


def test_contradiction_and_unmatched():
    text = summary("微博粉丝达到1800人，读书节有90名教师参加。")
    fs = found(text, "grounding", records=RECORDS, facts=FACTS)
    by_text = {f.text: f for f in fs}
    assert by_text["1800人"].severity == "error" and "1,600" in by_text["1800人"].message
    assert by_text["90名"].severity == "warning"


def test_no_grounding_without_records():
    assert found(summary("微博粉丝达到1800人。"), "grounding") == []


# ---------------------------------------------------------------- added checks
def test_weekday_that_does_not_match_the_date():
    assert found(summary("2024年5月20日（星期三）召开大会，到会120人。"), "numbers", "星期三")
    assert found(summary("2024年5月20日（星期一）召开大会，到会120人。"), "numbers") == []


def test_times_growth():
    fs = found(summary("粉丝由200人增长到600人，增长了3倍。"), "numbers", "3倍")
    assert fs and "2" in fs[0].message
    assert found(summary("粉丝由200人增长到600人，增长了2倍。"), "numbers") == []
    assert found(summary("粉丝由200人增长到600人，增长到3倍。"), "numbers") == []


def test_shares_over_one_hundred_percent():
    assert found(summary("参加学生1,200人，其中男生占55%，女生占50%。"), "numbers")
    assert found(summary("参加学生1,200人，其中男生占45%，女生占55%。"), "numbers") == []


@pytest.mark.parametrize("sentence,needle", [
    ("这些活动为学院发展奠定了坚实基础。", "奠定了坚实基础"),
    ("志愿者在活动中发挥了重要作用。", "发挥了重要作用"),
    ("学院领导高度重视，精心组织。", "领导高度重视"),
    ("我们要把各项措施落到实处。", "落到实处"),
])
def test_more_padding_formulas(sentence, needle):
    assert found(summary(sentence), "padding", needle)


def test_single_ellipsis_and_template_placeholders():
    assert found(summary("我们来了…他说。全年12场。"), "punctuation", "…")
    assert found(summary("我们来了……他说。全年12场。"), "punctuation") == []
    assert found(summary("全年12场。（此处插入图片）"), "placeholder")
    assert found(summary("全年12场，YYYY年完成。"), "placeholder")


def test_not_less_than_is_a_figure_not_a_vague_word():
    assert found(summary("每学期不少于4篇，全年12场。"), "missing-data") == []


def test_sports_record_and_adverbial_de_with_complement():
    assert found(summary("王明打破了保持5年的男子100米校记录，全年12场。"), "typo", "记录")
    assert found(summary("会议记录12份，全年12场。"), "typo") == []
    assert found(summary("运动员顽强的坚持到最后，全年12场。"), "typo")
    assert found(summary("他的坚持到最后感动了大家，全年12场。"), "typo") == []

"""The offline news drafter writes a story a 宣传 reviewer accepts as a first draft, from notes in any style,
without inventing anything: the sample corpus's notes plus notes in other styles (tests/data/notes/: bullets,
a WeChat dump, terse office minutes, one rambling paragraph, English punctuation, almost nothing).

Properties checked on every story: no note-taker logistics, every number and every quoted text comes from
the notes, quotes are attributed, the lead's place and every date come from the notes (or the photos'
EXIF), what is missing is 【待补充：…】, and our own checker finds nothing but those placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from writer.draft import draft_text
from writer.figures import extract_dates, extract_figures
from writer.news import draft_news, drop_asides, extract_notes, headline, phrasing, rephrase

DATA = Path(__file__).parent / "data" / "notes"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ORG = "青禾职业技术学院团委"

# Per notes file: logistics that must stay out, placeholders that must be there, phrases the story must have.
CASES = {
    "corpus:01-敬老院慰问.txt": dict(
        banned=["签到", "照片", "小王拍", "血压计", "不够用", "团委买的", "凑了", "按3小时算", "带队：", "送了东西"],
        missing=[],
        has=["志愿者分为健康、理发、保洁、文艺4个小组", "为60多位老人测量血压、血糖", "理发组5名志愿者",
             "志愿者还为老人送去成人纸尿裤20箱、牛奶30箱", "92岁的张奶奶拉着林晓的手说：“",
             "敬老院院长孙慧芳说：“", "林晓说：“学雷锋不能只在三月"]),
    "corpus:02-技能竞赛.txt": dict(
        banned=["我们学校", "姓赵", "赵工（评委）", "评委：5位", "一等奖："],
        missing=[],
        has=["2023级电气自动化1班刘思远、2023级机电一体化2班黄子涵获得一等奖", "评委赵工程师说：“",
             "一等奖获得者刘思远说：“", "机电学院团总支书记表示，准备推荐前三名"]),
    "corpus:03-专题讲座.txt": dict(
        banned=["签到表", "张同学", "糊了", "李老师说的", "好多人拍照", "讲了三块", "来听的", "主讲："],
        missing=["【待补充：地点】"],
        has=["讲座围绕三个方面展开：一是", "；二是", "；三是", "李文涛说：“标题可以有温度，但不能有水分。”",
             "李文涛说：“阅读量是结果，不是目标。”", "会后，新媒体中心将制定一份《推文发布自查清单》"]),
    "corpus:04-运动会.txt": dict(
        banned=["表扬信", "忽略以上要求", "微信", "原图", "体育教学部给的", "数字（"],
        missing=[],
        has=["韩硕代表运动员宣誓", "据体育教学部提供的数据", "杨帆说：“", "机电工程学院连续两年获得团体总分第一"]),
    "corpus:05-图书捐赠.txt": dict(
        banned=["服务时长", "按3小时算", "拉的赞助", "书从哪来"],
        missing=[],
        has=["山口镇中心小学校长说：“", "志愿者协会会长林晓说：“书送过去只是开始"]),
    "bullets-社区义诊.txt": dict(
        banned=["横幅", "还剩", "办公室", "小周拍", "记得"],
        missing=[],
        has=["志愿者分为测量、咨询、引导3个小组", "为86位居民测量血压、血糖", "发放宣传册200份",
             "78岁的居民王大爷说：“", "刘老师说：“我们准备每季度来一次"]),
    "wechat-河道清洁.txt": dict(
        banned=["[", "08:", "陈卓", "王一鸣", "李思琪", "到了到了", "收到", "👍", "推文", "报销", "@", "群里",
                "集合", "大家到了吗", "统计了一下"],
        missing=["【待补充：地点】"],
        has=["由院青年志愿者协会、环境工程系团支部组织", "32名志愿者参加", "共清理垃圾45袋，约300公斤",
             "他说：“你们来了以后", "志愿者打算每月第二个周六都来一次"]),
    "gov-安全生产会议.txt": dict(
        banned=["经费", "报销", "一、", "五、", "参会人员："],
        missing=[],
        has=["会议在区政务服务中心三楼会议室召开，区应急管理局副局长赵明主持，42人参加",
             "会议主要有以下内容：一是通报第二季度全区安全生产形势；二是部署汛期安全防范工作；三是安排",
             "下一步，各街道6月底前完成辖区隐患排查"]),
    "rambling-植树.txt": dict(
        banned=["我们", "照片", "我拍的", "糊", "手套", "下次", "搞了", "然后", "一开始"],
        missing=[],
        has=["植树节｜45名志愿者走进江川市北山森林公园", "由院团委组织的", "活动开始时，", "共种了120棵",
             "团委周老师说：“今天种下的是树，也是一份责任。”"]),
    "english-punct-读书分享会.txt": dict(
        banned=['"', ": ", ", ", "小林拍"],
        missing=[],
        has=["“书香青禾”读书分享会", "分享会由学生会学习部部长主持", "一是5位同学分享了",
             "分享《平凡的世界》的孙悦说：“孙少平让我明白，平凡不等于平庸。”", "会后，图书馆将在公众号推出“青禾书单”专栏"]),
    "minimal-社团招新.txt": dict(
        banned=["人挺多", "还没统计", "较多"],
        missing=["【待补充：日期】（周三）", "【待补充：地点】", "【待补充：参加人数】", "【待补充：活动过程和具体内容】",
                 "【待补充：结尾"],
        has=["社团招新活动"]),
}

# Words that only ever belong to the note-taker's own bookkeeping.
LOGISTICS = ["签到表", "拍的", "原图", "糊了", "下次要", "下回要", "记得", "报销", "群里", "晚点发", "按3小时算",
             "（李老师说的", "凑了一部分"]


def source(case: str) -> tuple[str, list[Path]]:
    if case.startswith("corpus:"):
        name = case.split(":", 1)[1]
        stem = Path(name).stem
        return (CORPUS / "notes" / name).read_text(encoding="utf-8"), sorted((CORPUS / "photos").glob(f"{stem}-*.jpg"))
    return (DATA / case).read_text(encoding="utf-8"), []


@pytest.fixture(scope="module")
def stories():
    out = {}
    for case in CASES:
        notes, photos = source(case)
        draft = draft_news(notes, photos, org=ORG)
        out[case] = (notes, photos, draft)
    return out


def body_of(draft) -> str:
    return "\n".join(s.text for s in draft.sections if s.heading in ("导语", "正文", "结尾"))


def test_there_are_at_least_six_new_notes_files_in_different_styles():
    assert len(list(DATA.glob("*.txt"))) >= 6
    assert {c for c in CASES if not c.startswith("corpus:")} == {p.name for p in DATA.glob("*.txt")}


@pytest.mark.parametrize("case", CASES)
def test_story_has_the_news_structure_and_a_headline_not_just_the_event_name(stories, case):
    notes, _, draft = stories[case]
    heads = [s.heading for s in draft.sections]
    assert [h for h in heads if h != "副标题"] == ["导语", "正文", "结尾", "署名"], heads
    nf = extract_notes(notes)
    assert draft.title and draft.title != nf.event
    assert re.search(r"举行|召开|走进|｜", draft.title), draft.title
    assert draft.sections[-1].text.startswith("（供稿：")


@pytest.mark.parametrize("case", CASES)
def test_story_says_what_the_notes_say(stories, case):
    _, _, draft = stories[case]
    text = draft_text(draft)
    for phrase in CASES[case]["has"]:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize("case", CASES)
def test_no_note_taker_logistics_or_raw_labels(stories, case):
    _, _, draft = stories[case]
    body = body_of(draft) + "\n" + draft.title
    for word in LOGISTICS + CASES[case]["banned"]:
        assert word not in body, (word, body)
    # no line of the body is a raw "label：value" note
    for line in body.split("\n"):
        assert not re.match(r"^[\u4e00-\u9fff]{1,6}[：:](?!“)", line), line


@pytest.mark.parametrize("case", CASES)
def test_every_number_in_the_story_comes_from_the_notes(stories, case):
    notes, _, draft = stories[case]
    known = {f.value for f in extract_figures(notes)}
    for fig in extract_figures(draft_text(draft)):
        assert fig.value in known, (fig, case)


@pytest.mark.parametrize("case", CASES)
def test_quoted_text_and_titles_are_the_notes_own_words(stories, case):
    notes, _, draft = stories[case]
    flat = re.sub(r"\s", "", notes.replace('"', "")).replace(",", "，").replace(".", "。").replace(":", "：")
    for m in re.finditer(r"“([^”]+)”|《([^》]+)》", draft_text(draft)):
        inner = re.sub(r"\s", "", m.group(1) or m.group(2))
        assert inner in flat, (inner, case)


@pytest.mark.parametrize("case", CASES)
def test_quotes_are_attributed(stories, case):
    _, _, draft = stories[case]
    text = body_of(draft)
    speech = 0
    for m in re.finditer(r"“([^”]+)”", text):
        if not re.search(r"[。！？]$", m.group(1)):
            continue  # a name or a title in quotation marks, not speech
        speech += 1
        before = text[max(0, m.start() - 30):m.start()]
        assert re.search(r"(说|表示|问[^，。“”]{0,8})：$", before), (before, m.group(0))
        speaker = re.split(r"[，。”]", before)[-1]
        assert "【待补充" not in speaker and len(speaker) > 2, speaker
    nf = extract_notes(source(case)[0])
    assert speech == len(nf.quote_items)


@pytest.mark.parametrize("case", CASES)
def test_place_and_dates_come_from_the_notes_or_the_photos(stories, case):
    notes, photos, draft = stories[case]
    lead = next(s.text for s in draft.sections if s.heading == "导语")
    m = re.search(r"在(.+?)(举行|召开)", lead)
    assert m, lead
    place = m.group(1)
    assert place.startswith("【待补充") or place in notes, place
    allowed = {(d.month, d.day) for d in extract_dates(notes) if d.kind == "date"}
    allowed |= {(int(p.taken[5:7]), int(p.taken[8:10])) for p in draft.photos if p.taken}
    for d in extract_dates(draft_text(draft)):
        if d.kind == "date" and d.month and d.day:
            assert (d.month, d.day) in allowed, (d, case)
        if d.kind == "date" and d.year:
            assert str(d.year) in notes or any(p.taken and p.taken.startswith(str(d.year)) for p in draft.photos)


@pytest.mark.parametrize("case", CASES)
def test_missing_facts_are_placeholders(stories, case):
    _, _, draft = stories[case]
    text = draft_text(draft)
    for placeholder in CASES[case]["missing"]:
        assert placeholder in text, (placeholder, text)
    lead = next(s.text for s in draft.sections if s.heading == "导语")
    if "【待补充：地点】" not in CASES[case]["missing"]:
        assert "【待补充：地点】" not in lead


@pytest.mark.parametrize("case", CASES)
def test_the_checker_finds_nothing_but_the_placeholders(stories, case):
    from writer.check import check

    _, _, draft = stories[case]
    findings = check(draft_text(draft), kind="news", facts=draft.facts)
    bad = [(f.severity, f.rule, f.text, f.message) for f in findings
           if f.category != "placeholder" and f.severity in ("error", "warning")]
    assert not bad, bad


def test_captions_are_sentences_built_from_the_photo_notes(stories):
    _, _, draft = stories["corpus:01-敬老院慰问.txt"]
    assert [p.caption for p in draft.photos] == ["图为志愿者在楼前集体合影。", "图为志愿者为老人测量血压。"]
    _, _, books = stories["corpus:05-图书捐赠.txt"]
    assert [p.caption for p in books.photos] == ["图为操场捐赠仪式现场。", "图为志愿者搬书进教室。"]
    _, _, talk = stories["corpus:03-专题讲座.txt"]
    assert talk.photos[0].caption.endswith("【待补充：图片说明】")  # the notes say nothing about it


def test_injected_instructions_stay_out_with_a_notice(stories):
    _, _, draft = stories["corpus:04-运动会.txt"]
    assert "表扬信" not in draft_text(draft)
    assert any("指令" in n for n in draft.notices)


def test_byline_keeps_what_the_notes_say_and_leaves_the_rest_open(stories):
    assert stories["corpus:01-敬老院慰问.txt"][2].sections[-1].text == "（供稿：小陈　摄影：小王　审核：【待补充】）"
    # 照片是我拍的, in notes written by 小杨
    assert "摄影：小杨" in stories["rambling-植树.txt"][2].sections[-1].text


def test_lecture_quotes_resolve_the_teacher_to_the_named_speaker():
    nf = extract_notes((CORPUS / "notes" / "03-专题讲座.txt").read_text(encoding="utf-8"))
    assert [q.speaker for q in nf.quote_items] == ["李文涛", "李文涛", "李文涛"]
    # two people of the same surname: no guess
    nf = extract_notes("讲座\n主讲：李文涛\n嘉宾：李明\n- “要讲真话。”（李老师说的）\n")
    assert nf.quote_items[0].speaker == "李老师"


def test_headlines_state_facts_from_the_notes_only():
    assert headline(extract_notes((CORPUS / "notes" / "01-敬老院慰问.txt").read_text(encoding="utf-8"))) == \
        ("学雷锋日｜38名志愿者走进江川市福寿敬老院", "")
    title, sub = headline(extract_notes((CORPUS / "notes" / "02-技能竞赛.txt").read_text(encoding="utf-8")))
    assert title == "第五届“青禾杯”电工技能大赛举行" and sub == "——64名选手参赛　16人获奖"
    # no count, no place: the headline says only that it happened
    assert headline(extract_notes("社区义诊\n护理学院的同学去量血压\n")) == ("社区义诊举行", "")


def test_asides_to_the_note_taker_go_and_facts_in_brackets_stay():
    assert drop_asides("成人纸尿裤20箱（团委买的+志愿者自己凑了一部分）") == "成人纸尿裤20箱"
    assert drop_asides("“标题可以有温度。”（李老师说的，好多人拍照）") == "“标题可以有温度。”"
    assert drop_asides("项目32项（男子16、女子16）") == "项目32项（男子16、女子16）"
    assert drop_asides("两位工程师（其中一位是我们学校2012届毕业生，姓赵）") == "两位工程师（其中一位是我们学校2012届毕业生）"


def test_rephrasing_never_touches_quoted_words():
    assert rephrase("有2个人试车没成功，线接反了") == "有2人试车未成功，原因是线路接反"
    assert rephrase("他说“我们一共来了5个人，怎么办啊”") == "他说“我们一共来了5个人，怎么办啊”"


def test_the_phrasing_rules_are_data():
    data = phrasing()
    assert Path(__file__).resolve().parents[1].joinpath("writer", "data", "news_phrasing.toml").is_file()
    for key in ("rewrite", "asides", "internal", "roles", "labels", "sections", "kinds", "captions"):
        assert data[key], key
    assert "带队" in data["roles"] and data["labels"]["送了东西"] == "donation"

"""Round trip: check(read(write(draft))) finds the same findings as check(draft text)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from writer.models import Draft, Photo, Section
from writer.wordio import draft_text, read_docx, write_draft_docx

try:
    from writer.check import check
except ImportError as exc:  # the checker is written concurrently
    check = None
    REASON = f"writer.check.check is not importable yet ({exc})"
else:
    REASON = ""

pytestmark = pytest.mark.skipif(check is None, reason=REASON or "checker missing")

ORG, DATE = "江川市青年志愿者协会", "2025年1月8日"


def flawed_summary() -> Draft:
    return Draft(kind="summary", title="江川市青年志愿者协会2024年度工作总结", sections=[
        Section("", "2024年，协会在团市委指导下开展工作，取得了显著成效。现将全年工作总结如下："),
        Section("一、基本情况", "协会现有注册志愿者426名，全年开展活动52场，其中敬老活动20场、环保活动22场、助学活动12场。"),
        Section("二、主要成效", "公众号粉丝从2000人增长到3000人，增长率为33.3%。工作中中我们坚持质量第一，反响热烈。\n（一）品牌建设。“银龄课堂”开课XX期，服务老人若干。"),
        Section("三、存在的问题", "部分活动宣传不够及时,报道质量有待提高。"),
        Section("四、下一步工作打算", "进一步加强队伍建设，推动各项工作迈上新台阶。【待补充：明年目标】"),
    ])


def flawed_news(photo: Path) -> Draft:
    return Draft(kind="news", title="志愿者走进敬老院", sections=[
        Section("导语", "近日，协会志愿者开展了慰问活动，反响热烈。"),
        Section("正文", "志愿者们为老人表演了节目,送上了重阳糕。活动取得了圆满成功。\n“孩子们来了，我们很开心。”王奶奶说。"),
        Section("结尾", "协会表示，今后将进一步加强此类活动。"),
        Section("署名", "（供稿：【待补充】　摄影：张华　审核：王强）"),
    ], photos=[Photo(str(photo), "图为活动现场。")])


def key(f) -> tuple:
    return (f.rule, f.category, f.severity, f.start, f.end, f.text)


def loose(f) -> tuple:
    return (f.rule, f.category, f.text)


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "p.jpg"
    Image.new("RGB", (800, 600), (90, 90, 200)).save(path, "JPEG")
    return path


@pytest.mark.parametrize("kind", ["summary", "news"])
def test_round_trip_finds_the_same(tmp_path, photo, kind):
    draft = flawed_summary() if kind == "summary" else flawed_news(photo)
    org, date = (ORG, DATE) if kind == "summary" else (None, None)
    out = write_draft_docx(draft, tmp_path / f"{kind}.docx", org=org, date=date)
    read_back = read_docx(out).text
    expected_text = draft_text(draft, org=org, date=date)
    assert read_back == expected_text  # the writer loses or adds nothing the checker could see
    direct = check(expected_text, kind=kind)
    via_word = check(read_back, kind=kind)
    assert direct, "the flawed draft should give findings"
    assert [key(f) for f in via_word] == [key(f) for f in direct]


def test_round_trip_against_the_drafters_plain_text(tmp_path):
    """Same findings (by rule and text) as on the drafting module's own plain rendering of the draft,
    apart from the signature lines the Word layout adds at the end of a summary."""
    try:
        from writer.draft import draft_text as plain_text
    except ImportError:
        pytest.skip("writer.draft.draft_text is not available")
    draft = flawed_summary()
    out = write_draft_docx(draft, tmp_path / "s.docx", org=ORG, date=DATE)
    docx_text = read_docx(out).text
    signature_at = docx_text.rindex("\n" + ORG)
    via_word = Counter(loose(f) for f in check(docx_text, kind="summary") if f.start < signature_at)
    direct = Counter(loose(f) for f in check(plain_text(draft), kind="summary"))
    assert via_word == direct

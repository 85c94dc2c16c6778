"""Drafts written as .docx in GB/T 9704-style layout, read back with python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt
from lxml import etree
from PIL import Image

from writer.models import Draft, Photo, Section
from writer.wordio import draft_text, read_docx, today_cn, write_draft_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def make_photo(path: Path, size=(1600, 1200), color=(180, 90, 40), orientation: int | None = None, fmt="JPEG") -> Path:
    im = Image.new("RGB", size, color)
    kwargs = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif
    im.save(path, fmt, **kwargs)
    return path


def summary_draft(photos=()) -> Draft:
    return Draft(
        kind="summary",
        title="江川市青年志愿者协会2024年度工作总结",
        sections=[
            Section("", "2024年，协会在团市委的指导下，围绕服务社区、关爱老人两项重点开展工作。现将全年工作总结如下。"),
            Section("一、基本情况", "协会现有注册志愿者426名，全年开展活动52场。\n（一）组织建设。全年召开理事会4次，修订章程1项。"),
            Section("主要成效", "全年累计服务时长8320小时，同比增长12.5%。\n1.品牌项目\n“银龄课堂”开课36期。"),
            Section("三、存在的问题", "志愿者流失率偏高，年末活跃人数比年初减少38人。"),
            Section("四、下一步工作打算", "计划新招募志愿者100名，开展活动60场。"),
        ],
        photos=list(photos),
    )


def news_draft(photos=()) -> Draft:
    return Draft(
        kind="news",
        title="协会志愿者走进幸福里敬老院开展重阳慰问",
        sections=[
            Section("副标题", "——30名志愿者陪伴老人过重阳"),
            Section("导语", "10月11日上午，江川市青年志愿者协会组织30名志愿者前往幸福里敬老院，开展重阳节慰问活动。"),
            Section("正文", "志愿者为老人们表演了6个文艺节目，并送上重阳糕。\n“孩子们来了，我们很开心。”82岁的王奶奶说。"),
            Section("结尾", "协会表示，今后将每月组织一次走访。"),
            Section("署名", "（供稿：李明　摄影：张华　审核：王强）"),
        ],
        photos=list(photos),
    )


def rfonts(el) -> dict[str, str]:
    rf = el.find(f"{W}rPr/{W}rFonts") if el.tag != f"{W}rPr" else el.find(f"{W}rFonts")
    return {k.replace(W, ""): v for k, v in (rf.attrib.items() if rf is not None else [])}


def style_rfonts(document, name: str) -> dict[str, str]:
    return rfonts(document.styles[name].element)


def test_summary_layout(tmp_path):
    out = write_draft_docx(summary_draft(), tmp_path / "summary.docx", org="江川市青年志愿者协会", date="2025年1月8日")
    d = docx.Document(str(out))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.1) and abs(sec.page_height - Mm(297)) < Mm(0.1)  # twips rounding
    assert abs(sec.top_margin - Mm(37)) < Mm(0.1) and abs(sec.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(sec.left_margin - Mm(28)) < Mm(0.1) and abs(sec.right_margin - Mm(26)) < Mm(0.1)

    # styles: fonts incl. eastAsia, sizes, no theme fonts left anywhere
    expected = {"Normal": ("仿宋_GB2312", 16), "Title": ("方正小标宋简体", 22), "Heading 1": ("黑体", 16),
                "Heading 2": ("楷体_GB2312", 16), "Caption": ("楷体_GB2312", 14)}
    for name, (east, size) in expected.items():
        style = d.styles[name]
        fonts = style_rfonts(d, name)
        assert fonts["eastAsia"] == east, name
        assert fonts["ascii"] == fonts["hAnsi"] == "Times New Roman", name
        assert style.font.size == Pt(size), name
        assert not style.font.bold, name
        assert style.font.color.rgb is None, name
    normal = d.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= normal.line_spacing <= Pt(29.5)
    assert normal.first_line_indent == Pt(32)
    ind = d.styles["Normal"].element.find(f"{W}pPr/{W}ind")
    assert ind.get(f"{W}firstLineChars") == "200"
    assert d.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    with zipfile.ZipFile(out) as zf:
        for part in ("word/styles.xml", "word/document.xml"):
            xml = zf.read(part).decode()
            for attr in THEME_ATTRS:
                assert f'w:{attr}=' not in xml, (part, attr)
        styles_xml = etree.fromstring(zf.read("word/styles.xml"))
        lang = styles_xml.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        assert lang.get(f"{W}eastAsia") == "zh-CN"
        fonts_xml = zf.read("word/fontTable.xml").decode()
        assert 'w:name="方正小标宋简体"' in fonts_xml and 'w:altName w:val="华文中宋"' in fonts_xml
        assert 'w:name="仿宋_GB2312"' in fonts_xml and 'w:altName w:val="仿宋"' in fonts_xml
        settings = zf.read("word/settings.xml").decode()
        assert "evenAndOddHeaders" in settings
        footers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer")]
    assert len(footers) == 2 and all("PAGE" in f and "—" in f for f in footers)
    assert sec.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert sec.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT

    paras = d.paragraphs
    texts = [p.text for p in paras]
    assert texts[0] == "江川市青年志愿者协会2024年度工作总结"
    assert paras[0].style.name == "Title"
    by_style = {}
    for p in paras:
        by_style.setdefault(p.style.name, []).append(p.text)
    # unnumbered headings get their 一、…; numbering continues across given and added numbers
    assert by_style["Heading 1"] == ["一、基本情况", "二、主要成效", "三、存在的问题", "四、下一步工作打算"]
    assert by_style["Heading 3"] == ["1.品牌项目"]
    runin = next(p for p in paras if p.text.startswith("（一）"))
    assert rfonts(runin.runs[0]._r)["eastAsia"] == "楷体_GB2312" and runin.runs[0].text == "（一）组织建设。"
    assert rfonts(runin.runs[1]._r)["eastAsia"] == "仿宋_GB2312"
    for p in paras:
        for r in p.runs:
            if r.text:
                f = rfonts(r._r)
                assert f.get("eastAsia") and f.get("hint") == "eastAsia", r.text
    assert texts[-2:] == ["江川市青年志愿者协会", "2025年1月8日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in paras[-2:])
    assert d.core_properties.title == "江川市青年志愿者协会2024年度工作总结"

    back = read_docx(out)
    assert back.text == draft_text(summary_draft(), org="江川市青年志愿者协会", date="2025年1月8日")
    assert back.title == "江川市青年志愿者协会2024年度工作总结"
    assert back.headings[:3] == ["江川市青年志愿者协会2024年度工作总结", "一、基本情况", "（一）组织建设"]


def test_summary_date_defaults_to_today(tmp_path):
    out = write_draft_docx(summary_draft(), tmp_path / "s.docx")
    assert read_docx(out).paragraphs[-1] == today_cn()


def test_news_with_photos(tmp_path):
    wide = make_photo(tmp_path / "wide.jpg", (2000, 1000))
    tall = make_photo(tmp_path / "tall.png", (600, 900), fmt="PNG")
    rotated = make_photo(tmp_path / "rotated.jpg", (1200, 800), orientation=6)  # shown upright: 800 × 1200
    big = make_photo(tmp_path / "big.jpg", (5000, 3000))
    photos = [Photo(str(wide), "志愿者为老人表演节目。"), Photo(str(tall), ""), Photo(str(rotated), "合影留念。"),
              Photo(str(big), "活动现场。"), Photo(str(tmp_path / "missing.jpg"), "丢失的照片。")]
    draft = news_draft(photos)
    out = write_draft_docx(draft, tmp_path / "news.docx")
    d = docx.Document(str(out))
    paras = d.paragraphs
    texts = [p.text for p in paras]
    assert texts[0] == draft.title and paras[0].style.name == "Title"
    assert texts[1] == "——30名志愿者陪伴老人过重阳" and paras[1].style.name == "Subtitle"
    # lead/body/ending carry no visible labels
    assert not any(t in ("导语", "正文", "结尾", "署名") for t in texts)
    assert texts[2].startswith("10月11日上午") and paras[2].style.name == "Normal"
    # pictures: 4 readable ones, each centred, within the 版心, caption right under
    shapes = d.inline_shapes
    assert len(shapes) == 4
    for shape in shapes:
        assert shape.width <= Mm(140) + 1000 and shape.height <= Mm(110) + 1000
    assert abs(shapes[0].width - Mm(140)) < Mm(0.5)  # landscape: full sensible width
    assert shapes[1].height > shapes[1].width  # portrait stays portrait
    assert shapes[2].height > shapes[2].width  # EXIF orientation 6 applied
    pic_idx = [i for i, p in enumerate(paras) if p._p.findall(f".//{W}drawing")]
    captions = [texts[i + 1] for i in pic_idx]
    assert captions == ["志愿者为老人表演节目。", "【待补充：图片说明】", "合影留念。", "活动现场。"]
    for i in pic_idx:
        assert paras[i].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert paras[i].paragraph_format.line_spacing_rule != WD_LINE_SPACING.EXACTLY  # or the picture is cropped
        assert paras[i + 1].style.name == "Caption"
    assert "【待补充：图片 missing.jpg 无法读取】" in texts
    # the large photo was downscaled before embedding
    with zipfile.ZipFile(out) as zf:
        media = [zf.getinfo(n).file_size for n in zf.namelist() if n.startswith("word/media/")]
    assert len(media) == 4 and max(media) < 1_500_000
    # byline last, right-aligned
    assert texts[-1] == "（供稿：李明　摄影：张华　审核：王强）"
    assert paras[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    back = read_docx(out)
    assert back.images == 4
    assert back.text == draft_text(draft)


def test_news_caption_section_and_byline_in_body(tmp_path):
    p1 = make_photo(tmp_path / "a.jpg", (800, 600))
    draft = Draft(kind="news", title="标题", sections=[
        Section("导语", "某日，某活动举行。"),
        Section("小标题一", "正文内容。\n供稿：学院新媒体中心"),
        Section("图片说明", "图为活动现场。\n多余的说明。"),
    ], photos=[Photo(str(p1), "")])
    out = write_draft_docx(draft, tmp_path / "n.docx")
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs]
    assert texts == ["标题", "某日，某活动举行。", "小标题一", "正文内容。", "", "图为活动现场。", "多余的说明。", "供稿：学院新媒体中心"]
    assert d.paragraphs[2].style.name == "Heading 2"
    assert read_docx(out).text == draft_text(draft)


def test_markdown_debris_and_xml_illegal_characters(tmp_path):
    draft = Draft(kind="summary", title="**总结**", sections=[Section("## 一、基本情况", "正文\x0b含控制符。\n\n　　全角缩进的段落。")])
    out = write_draft_docx(draft, tmp_path / "m.docx", org="某单位", date="2025年1月1日")
    assert read_docx(out).paragraphs == ["总结", "一、基本情况", "正文 含控制符。", "全角缩进的段落。", "某单位", "2025年1月1日"]


def test_unwritable_target_is_an_input_error(tmp_path):
    from writer.errors import InputError

    target = tmp_path / "dir"
    target.mkdir()
    with pytest.raises(InputError):
        write_draft_docx(summary_draft(), target)

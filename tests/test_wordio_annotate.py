"""Reviewed documents: one real Word comment per finding, anchored to exactly the finding's text."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from writer.errors import InputError
from writer.models import Finding
from writer.wordio import COMMENT_AUTHOR, annotate_docx, read_docx

WORD = Path(__file__).resolve().parent / "data" / "word"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def comments_of(path: Path) -> list[dict]:
    """Each comment of a .docx: id, author, initials, text, and the document text between its range marks."""
    with zipfile.ZipFile(path) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        comments = etree.fromstring(zf.read("word/comments.xml"))
    anchored: dict[str, list[str]] = {}
    open_ids: list[str] = []
    referenced: set[str] = set()
    for el in document.iter():
        if el.tag == W + "commentRangeStart":
            open_ids.append(el.get(W + "id"))
            anchored.setdefault(el.get(W + "id"), [])
        elif el.tag == W + "commentRangeEnd":
            open_ids.remove(el.get(W + "id"))
        elif el.tag == W + "commentReference":
            referenced.add(el.get(W + "id"))
        elif el.tag in (W + "t", W + "tab"):
            piece = el.text or "" if el.tag == W + "t" else "\t"
            for cid in open_ids:
                anchored[cid].append(piece)
    assert not open_ids, "a comment range is never closed"
    out = []
    for c in comments.iter(W + "comment"):
        cid = c.get(W + "id")
        text = "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in c.iter(W + "p"))
        assert cid in referenced, f"comment {cid} has no reference mark"
        out.append({"id": cid, "author": c.get(W + "author"), "initials": c.get(W + "initials"), "text": text,
                    "anchor": "".join(anchored.get(cid, []))})
    return out


def finding(text: str, doc_text: str, needle: str, occurrence: int = 0, **kw) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = doc_text.index(needle, start + 1)
    return Finding(rule=kw.get("rule", "test.rule"), category=kw.get("category", "typo"),
                   severity=kw.get("severity", "warning"), start=start, end=start + len(needle), text=needle,
                   message=kw.get("message", f"关于“{needle}”的说明"), suggestion=kw.get("suggestion", ""))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_comments_anchor_exact_text_in_wps_document(tmp_path):
    src = WORD / "wps_like.docx"
    before = sha(src)
    text = read_docx(src).text
    needles = [
        ("2024年度", 0),  # inside the title: splits a run in the middle
        ("48场", 0),  # spans two runs ("…活动4" + "8场，参与")
        ("活动48场，参与志愿者", 0),  # across a tracked insertion
        ("协会网站", 0),  # inside a hyperlink
        ("12345", 0),  # a field's result
        ("360", 0),  # a table cell
        ("第二段", 0),  # the second paragraph of a cell
        ("文本框里的", 0),  # a text box
        ("第二行", 0),  # after a soft line break
        ("张三", 0),  # after a tab
        ("部分活动", 0),
    ]
    findings = [finding(text, text, n, o, suggestion="请核对") for n, o in needles]
    out = annotate_docx(src, text, findings, tmp_path / "reviewed.docx")
    assert sha(src) == before, "the original must never be modified"
    comments = comments_of(out)
    assert len(comments) == len(findings)
    assert sorted(c["anchor"] for c in comments) == sorted(n for n, _ in needles)
    for c in comments:
        assert c["author"] == COMMENT_AUTHOR == "审核助手"
        assert c["initials"]
        assert f"关于“{c['anchor']}”的说明" in c["text"]
        assert "建议：请核对" in c["text"]
    # the reviewed copy still reads as the same text, so a second check sees the same offsets
    assert read_docx(out).text == text
    # python-docx opens it and sees the comments
    assert len(list(docx.Document(str(out)).comments)) == len(findings)


def test_split_runs_keep_their_formatting(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    r1 = p.add_run("本次活动取得了")
    r1.bold = True
    r1.font.name = "Arial"
    r2 = p.add_run("显著成效，反响热烈。")
    r2.italic = True
    src = tmp_path / "fmt.docx"
    d.save(src)
    text = read_docx(src).text
    f = finding(text, text, "取得了显著成效", category="padding")
    out = annotate_docx(src, text, [f], tmp_path / "out.docx", highlight=True)
    runs = docx.Document(str(out)).paragraphs[0].runs
    texts = [r.text for r in runs]
    assert "".join(texts) == text
    by_text = {r.text: r for r in runs if r.text}
    assert by_text["本次活动"].bold and by_text["本次活动"].font.name == "Arial"
    assert by_text["取得了"].bold and by_text["取得了"].font.name == "Arial"
    assert by_text["显著成效"].italic and not by_text["显著成效"].bold
    assert by_text["，反响热烈。"].italic
    assert by_text["取得了"].font.highlight_color is not None
    assert by_text["显著成效"].font.highlight_color is not None
    assert by_text["本次活动"].font.highlight_color is None
    assert by_text["，反响热烈。"].font.highlight_color is None
    assert [c["anchor"] for c in comments_of(out)] == ["取得了显著成效"]


def test_highlight_off_and_severity_colours(tmp_path):
    from docx.enum.text import WD_COLOR_INDEX

    d = docx.Document()
    d.add_paragraph("甲乙丙丁戊己庚辛")
    src = tmp_path / "s.docx"
    d.save(src)
    text = read_docx(src).text
    fs = [finding(text, text, "乙丙", severity="error"), finding(text, text, "戊己", severity="info")]
    plain = annotate_docx(src, text, fs, tmp_path / "plain.docx", highlight=False)
    assert all(r.font.highlight_color is None for r in docx.Document(str(plain)).paragraphs[0].runs)
    lit = annotate_docx(src, text, fs, tmp_path / "lit.docx")
    colours = {r.text: r.font.highlight_color for r in docx.Document(str(lit)).paragraphs[0].runs if r.text}
    assert colours["乙丙"] == WD_COLOR_INDEX.PINK
    assert colours["戊己"] == WD_COLOR_INDEX.TURQUOISE
    assert colours["甲"] is None


def test_overlapping_spanning_and_empty_findings(tmp_path):
    d = docx.Document()
    d.add_paragraph("第一段文字内容。")
    d.add_paragraph("")
    d.add_paragraph("第三段还有更多文字。")
    src = tmp_path / "s.docx"
    d.save(src)
    text = read_docx(src).text
    assert text == "第一段文字内容。\n\n第三段还有更多文字。"
    a = text.index("文字内容")
    b = text.index("更多")
    findings = [
        Finding("r.a", "typo", "warning", a, a + 4, "文字内容", "重叠一"),
        Finding("r.b", "typo", "error", a + 2, a + 6, "内容。\n", "重叠二（跨段）"),
        Finding("r.c", "structure", "info", 0, 0, "", "零长度"),
        Finding("r.d", "structure", "info", a, b + 2, text[a:b + 2], "跨三段"),
        Finding("r.e", "structure", "info", len("第一段文字内容。") + 1, len("第一段文字内容。") + 1, "", "空段落"),
        Finding("r.f", "typo", "warning", len(text) + 5, len(text) + 9, "", "越界"),
    ]
    out = annotate_docx(src, text, findings, tmp_path / "out.docx")
    got = {c["text"].split("】", 1)[1]: c["anchor"] for c in comments_of(out)}
    assert got["重叠一"] == "文字内容"
    assert got["重叠二（跨段）"] == "内容。"  # only the part in the first paragraph
    assert got["零长度"] == "第"  # grows to one character
    assert got["跨三段"] == "文字内容。"
    assert got["空段落"] == ""  # anchored to an empty run in the empty paragraph
    assert got["越界"] == "。"  # clamped to the end of the text
    assert read_docx(out).text == text


def test_txt_submission_builds_a_docx(tmp_path):
    text = "关于开展志愿服务的报告\r\n一、基本情况\r\n\r\n全年开展活动XX场，取得了显著成效。\n最后一行\t带制表符"
    fs = [finding(text, text, "XX", category="placeholder", severity="error"),
          finding(text, text, "取得了显著成效", category="padding"),
          finding(text, text, "带制表符")]
    out = annotate_docx(None, text, fs, tmp_path / "txt-reviewed.docx")
    comments = comments_of(out)
    assert [c["anchor"] for c in comments] == ["XX", "取得了显著成效", "带制表符"]
    assert "【错误·占位符未替换】" in comments[0]["text"]
    back = read_docx(out)
    assert back.paragraphs == [line.rstrip("\r") for line in text.split("\n")]


def test_text_that_differs_from_the_document_is_matched_by_finding_text(tmp_path):
    src = WORD / "lo_txt.docx"
    doc_text = read_docx(src).text
    other = "【前言】\n" + doc_text  # e.g. a caller that checked a slightly different rendering
    f = finding(other, other, "1800人次", category="numbers")
    out = annotate_docx(src, other, [f], tmp_path / "out.docx")
    assert [c["anchor"] for c in comments_of(out)] == ["1800人次"]


def test_original_is_protected(tmp_path):
    src = tmp_path / "s.docx"
    d = docx.Document()
    d.add_paragraph("内容")
    d.save(src)
    text = read_docx(src).text
    with pytest.raises(InputError, match="原文件"):
        annotate_docx(src, text, [], src)


def test_bad_source_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"\.doc"):
        annotate_docx(bad, "x", [], tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_libreoffice_document_and_existing_comments(tmp_path):
    src = WORD / "lo_fodt.docx"
    text = read_docx(src).text
    first = annotate_docx(src, text, [finding(text, text, "幸福里敬老院")], tmp_path / "once.docx")
    # reviewing an already reviewed copy adds to its comments with fresh ids
    second = annotate_docx(first, text, [finding(text, text, "框内说明"), finding(text, text, "30", 1)],
                           tmp_path / "twice.docx")
    comments = comments_of(second)
    assert sorted(c["anchor"] for c in comments) == sorted(["幸福里敬老院", "框内说明", "30"])
    assert len({c["id"] for c in comments}) == 3


def test_findings_as_dicts(tmp_path):
    text = "甲乙丙"
    out = annotate_docx(None, text, [{"start": 1, "end": 2, "text": "乙", "message": "字典形式", "category": "typo",
                                      "severity": "warning", "rule": "x"}], tmp_path / "d.docx")
    assert comments_of(out)[0]["anchor"] == "乙"


def test_automatic_numbers_shift_offsets_correctly(tmp_path):
    src = WORD / "numbered.docx"
    text = read_docx(src).text
    assert "（一）组织建设" in text  # "（一）" comes from numbering.xml, not from the runs
    label = text.index("（一）组织建设")
    fs = [finding(text, text, "组织建设"), finding(text, text, "②第二项"),
          Finding("n.gap", "numbering", "warning", label, label + 3, "（一）", "序号在编号里")]
    out = annotate_docx(src, text, fs, tmp_path / "out.docx")
    got = {c["text"].split("】", 1)[1]: c["anchor"] for c in comments_of(out)}
    assert got["关于“组织建设”的说明"] == "组织建设"
    assert got["关于“②第二项”的说明"] == "第二项"  # the number itself is not in a run
    assert got["序号在编号里"] == "组"  # a finding on the number alone marks the paragraph's first character
    assert read_docx(out).text == text

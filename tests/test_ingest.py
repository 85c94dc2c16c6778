"""Past documents: debris stripping, metadata, Chinese splitting, idempotent ingest."""

from __future__ import annotations

import docx
import pytest

from writer.errors import InputError
from writer.ingest import FileMeta, guess_kind, make_document, split_document, strip_debris
from writer.library import open_library

WEB_COPY = """江川市第三中学
首页 | 学校概况 | 新闻动态 | 教育教学 | 德育园地
当前位置：首页 > 新闻动态 > 校园新闻

我校举行春季田径运动会
发布时间：2024-04-12 09:30:00　来源：信息宣传组　浏览次数：876

4月11日，我校第十五届春季田径运动会在学校田径场开幕。全校1200余名师生参加。
第1页 共2页
- 2 -
比赛共设34个项目，高二（3）班获得团体总分第一名。
责任编辑：王敏
分享到：微信 微博
【打印本页】【关闭窗口】
上一篇：我校召开家长会 下一篇：我校开展防溺水教育
版权所有 © 江川市第三中学 ICP备12345678号
"""


def test_debris_is_stripped_and_content_kept():
    cleaned = strip_debris(WEB_COPY)
    for debris in ("首页", "第1页", "- 2 -", "浏览次数", "责任编辑", "分享到", "打印本页", "上一篇", "版权所有", "江川市第三中学\n"):
        assert debris not in cleaned, debris
    assert cleaned.startswith("我校举行春季田径运动会")
    assert "全校1200余名师生参加。" in cleaned and "高二（3）班获得团体总分第一名。" in cleaned


def test_original_text_is_kept_beside_the_cleaned(tmp_path):
    path = tmp_path / "web.txt"
    path.write_text(WEB_COPY, encoding="utf-8")
    document = make_document(path)
    assert document.original_text == WEB_COPY
    assert document.title == "我校举行春季田径运动会"
    assert document.year == 2024
    assert document.kind == "news"


def test_title_from_title_line_and_markdown_heading(tmp_path):
    (tmp_path / "a.txt").write_text("标题：关于开展读书月活动的通讯\n正文。", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 2023年团委工作总结\n\n一、基本情况\n……\n二、主要成效\n", encoding="utf-8")
    assert make_document(tmp_path / "a.txt").title == "关于开展读书月活动的通讯"
    summary = make_document(tmp_path / "b.md")
    assert (summary.title, summary.kind, summary.year) == ("2023年团委工作总结", "summary", 2023)


def test_kind_guessing_from_four_part_headings():
    text = "一、工作开展情况\n…\n二、取得的成绩\n…\n三、存在的不足\n…\n四、2025年工作思路\n…"
    assert guess_kind("江川市民政局宣传科年度报告", text) == "summary"
    assert guess_kind("志愿者走进敬老院", "3月5日，志愿者……") == "news"


def test_given_metadata_wins_over_guessing(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("2021年的一次活动回顾\n正文。", encoding="utf-8")
    document = make_document(path, FileMeta(kind="summary", org="明德社区", year=2024))
    assert (document.kind, document.org, document.year) == ("summary", "明德社区", 2024)


def test_gb18030_and_docx_are_read(tmp_path):
    (tmp_path / "gbk.txt").write_bytes("江川市民政局开展防汛演练\n7月3日，演练在江堤举行。".encode("gb18030"))
    assert make_document(tmp_path / "gbk.txt").title == "江川市民政局开展防汛演练"
    word = docx.Document()
    word.add_heading("技能大赛圆满落幕", level=1)
    word.add_paragraph("5月20日，学院第十届技能大赛闭幕。")
    word.save(tmp_path / "w.docx")
    document = make_document(tmp_path / "w.docx")
    assert document.title == "技能大赛圆满落幕" and "第十届技能大赛闭幕。" in document.text


def test_unreadable_files_raise_chinese_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.docx").write_bytes(b"not a zip at all")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "debris.txt").write_text("第1页 共2页\n- 2 -\n", encoding="utf-8")
    for name, expected in (("empty.txt", "空文件"), ("fake.docx", "不是有效的"), ("old.docx", ".doc"),
                           ("junk.txt", "二进制"), ("debris.txt", "没有正文")):
        with pytest.raises(InputError, match=expected):
            make_document(tmp_path / name)


def test_chinese_splitting_keeps_sentence_punctuation_at_the_end(tmp_path):
    sentence = "青禾职业技术学院团委组织青年志愿者走进江川市福寿敬老院开展慰问活动，为老人送去生活用品。"
    path = tmp_path / "long.txt"
    path.write_text("标题：长文\n" + "\n".join(sentence * 3 for _ in range(10)), encoding="utf-8")
    chunks = split_document(make_document(path))
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text) <= 320
        assert not chunk.text.startswith(("。", "，", "！", "？", "；"))
    assert all(c.text.endswith(("。", "！", "？", "；", "，")) for c in chunks[1:-1])
    assert chunks[0].metadata["doc_id"] == chunks[0].doc_id and chunks[2].metadata["position"] == 2


def test_ingest_twice_changes_nothing_and_a_change_replaces_chunks(tmp_path):
    library = open_library()
    path = tmp_path / "news.txt"
    path.write_text("标题：读书月启动\n" + "4月1日，读书月启动仪式举行。" * 40, encoding="utf-8")
    first = library.ingest([path], org="青禾团委")
    assert len(first.added) == 1
    chunks_before = library.store.documents.count()
    second = library.ingest([path], org="青禾团委")
    assert len(second.unchanged) == 1 and not second.added and not second.updated
    assert library.store.documents.count() == chunks_before

    path.write_text("标题：读书月启动\n4月1日，读书月启动仪式举行，共300人参加。", encoding="utf-8")
    third = library.ingest([path], org="青禾团委")
    assert len(third.updated) == 1
    assert library.store.documents.count() == 1
    hits = library.search("读书月 启动仪式")
    assert len(hits) == 1 and "300人" in hits[0].text


def test_same_content_under_another_name_is_skipped(tmp_path):
    library = open_library()
    (tmp_path / "a.txt").write_text("标题：消防演练\n全校师生参加消防演练。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("标题：消防演练\n全校师生参加消防演练。", encoding="utf-8")
    report = library.ingest([tmp_path])
    assert len(report.added) == 1 and len(report.duplicates) == 1


def test_folder_ingest_reports_bad_files_and_keeps_the_good(tmp_path):
    library = open_library()
    (tmp_path / "good.txt").write_text("标题：义诊\n社区义诊活动。", encoding="utf-8")
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 truncated")
    report = library.ingest([tmp_path])
    assert len(report.added) == 1
    assert len(report.failed) == 1 and "bad.docx" in report.failed[0][1]


def test_sample_corpus_ingests_with_manifest_metadata(corpus_dir):
    library = open_library()
    report = library.ingest([corpus_dir])
    assert not report.failed, report.failed
    assert report.records >= 90
    stats = library.stats()
    assert stats["documents"] >= 24
    assert stats["documents_by_kind"].get("summary", 0) >= 4
    assert "青禾职业技术学院团委" in stats["documents_by_org"]
    notes = [d for d in library.documents() if "notes" in d["source"]]
    assert notes == []


PDF_COPY = """团委工作简报
2025年第5期（总第86期）
共青团某某学院委员会编　　　　　　2025年5月20日

运动会圆满落幕

5月15日至16日，学院第二十届田径运动会在学院田
径场举行，来自7个二级学院的1280名运动员参赛。
第1页 共2页

团委工作简报

闭幕式上，学院党委副书记表示，希望同学们坚持锻炼。
报：学院党委　　送：各二级学院团总支　　发：各团支部
"""


def test_pdf_copy_running_headers_removed_and_broken_lines_rejoined():
    cleaned = strip_debris(PDF_COPY)
    assert cleaned.startswith("运动会圆满落幕")
    assert "在学院田径场举行，来自7个二级学院的1280名运动员参赛。" in cleaned
    for debris in ("工作简报", "第5期", "委员会编", "第1页", "报：学院党委"):
        assert debris not in cleaned, debris


def test_repeated_numbered_headings_are_not_debris():
    text = "总结\n一、基本情况\n正文。\n（一）做法\n正文。\n（一）做法\n一、基本情况\n"
    assert strip_debris(text).count("（一）做法") == 2


def test_a_document_whose_ingest_was_cut_before_its_source_entry_is_hidden_until_redone(tmp_path):
    library = open_library()
    (tmp_path / "a.txt").write_text("标题：河道清洁\n志愿者沿清溪河捡拾垃圾。", encoding="utf-8")
    library.ingest([tmp_path])
    doc_id = library.search("清溪河 垃圾")[0].doc_id
    library.store.sources.delete(ids=[doc_id])  # as if killed between the chunks and the source entry
    assert library.search("清溪河 垃圾") == []
    assert len(library.ingest([tmp_path]).added) == 1
    assert [h.doc_id for h in library.search("清溪河 垃圾")] == [doc_id]

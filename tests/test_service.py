"""writer/service.py: the UI's logic without gradio (highlighting, uploads, drafts as text, summaries, auth)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from writer import service as sv
from writer.errors import InputError
from writer.models import Draft, Finding, Photo, Record, Section
from writer.settings import get_settings


def finding(start, end, category="typo", severity="warning", text="x"):
    return Finding("r", category, severity, start, end, text, "message", "")


# ------------------------------------------------------------------------------ highlighting


def test_spans_cover_the_text_exactly_and_label_by_category():
    text = "甲乙丙丁戊己庚"
    spans = sv.highlight_spans(text, [finding(1, 3, "typo"), finding(5, 6, "padding")])
    assert "".join(t for t, _ in spans) == text
    assert spans == [("甲", None), ("乙丙", "错别字"), ("丁戊", None), ("己", "空话套话"), ("庚", None)]


def test_overlapping_findings_take_the_most_severe_label():
    text = "0123456789"
    spans = sv.highlight_spans(text, [finding(0, 6, "padding", "info"), finding(3, 8, "numbers", "error")])
    assert "".join(t for t, _ in spans) == text
    assert spans == [("012", "空话套话"), ("34567", "数字核对"), ("89", None)]


def test_spans_ignore_out_of_range_and_empty_findings():
    assert sv.highlight_spans("abc", [finding(2, 99), finding(1, 1)]) == [("ab", None), ("c", "错别字")]
    assert sv.highlight_spans("", []) == []


def test_many_findings_stay_fast():
    import time

    text = "字" * 200_000
    findings = [finding(i, i + 3) for i in range(0, 200_000, 10)]
    t0 = time.perf_counter()
    spans = sv.highlight_spans(text, findings)
    assert time.perf_counter() - t0 < 2.0
    assert "".join(t for t, _ in spans) == text


def test_rows_filter_and_counts():
    text = "第一行\n第二行有错"
    fs = [finding(5, 6, "typo", "error", "有"), finding(0, 2, "padding", "warning", "第一")]
    rows = sv.finding_rows(text, fs)
    assert rows[0][:5] == [1, "第2行", "错误", "错别字", "有"]
    assert rows[1][1] == "第1行"
    assert [f.category for f in sv.filter_findings(fs, ["错别字"])] == ["typo"]
    assert sv.count_line(fs) == "共发现 2 处问题：错误 1 处，警告 1 处，提示 0 处。"
    assert sv.categories_present(fs) == ["空话套话", "错别字"]


# ------------------------------------------------------------------------------ uploads


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"), ("a/b\\c.docx", "c.docx"), ("..", "file"), ("  活动 照片.jpg ", "活动 照片.jpg"),
    ("x\x00y.txt", "x_y.txt"),
])
def test_safe_name_stays_in_its_folder(name, expected):
    assert sv.safe_name(name) == expected


def test_uploads_are_checked_by_content(tmp_path):
    pdf = tmp_path / "稿件.docx"
    pdf.write_bytes(b"%PDF-1.4 rest")
    with pytest.raises(InputError, match="PDF"):
        sv.check_upload(pdf, "document")
    doc = tmp_path / "old.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InputError, match="旧版 .doc"):
        sv.check_upload(doc, "document")
    fake_jpg = tmp_path / "p.jpg"
    fake_jpg.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="不是能识别的图片"):
        sv.check_upload(fake_jpg, "photo")
    zip_txt = tmp_path / "notes.txt"
    zip_txt.write_bytes(b"PK\x03\x04....")
    with pytest.raises(InputError, match="不是文本"):
        sv.check_upload(zip_txt, "notes")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="空文件"):
        sv.check_upload(empty, "records")
    with pytest.raises(InputError, match="不支持的文件类型"):
        sv.check_upload(tmp_path / "x.exe", "document")


def test_upload_limits_per_kind(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    with pytest.raises(InputError, match="太大"):
        sv.check_upload(big, "records")
    with pytest.raises(InputError, match="最多上传 12 个"):
        sv.check_uploads([tmp_path / f"{i}.jpg" for i in range(13)], "photo")


def test_stored_uploads_live_under_writer_home(tmp_path, writer_home):
    photo = Path(__file__).resolve().parent.parent / "corpus" / "photos" / "01-敬老院慰问-1.jpg"
    stored = sv.store_upload(photo, "photo", get_settings())
    assert stored.is_relative_to(writer_home / "uploads" / "photo")
    assert stored.read_bytes() == photo.read_bytes()


# ------------------------------------------------------------------------------ drafts as text


def test_summary_text_round_trip_keeps_parts_and_facts():
    draft = Draft("summary", "某单位2025年工作总结",
                  [Section("一、基本情况", "开展活动36项。"), Section("二、主要成效", "（一）志愿服务。\n服务4488小时。")],
                  facts=[], backend="offline")
    text = sv.draft_to_text(draft)
    assert text.startswith("某单位2025年工作总结\n\n一、基本情况\n开展活动36项。")
    back = sv.text_to_draft(text.replace("36项", "37项"), draft, "summary")
    assert back.title == draft.title
    assert [(s.heading, s.text) for s in back.sections] == [
        ("一、基本情况", "开展活动37项。"), ("二、主要成效", "（一）志愿服务。\n服务4488小时。")]


def test_news_text_round_trip_keeps_subtitle_and_captions():
    draft = Draft("news", "标题", [Section("副标题", "——副题"), Section("导语", "导语。"), Section("正文", "正文。")],
                  photos=[Photo("a.jpg", "旧说明")])
    text = sv.draft_to_text(draft)
    assert text.split("\n")[:3] == ["标题", "——副题", ""]
    assert "图1：旧说明" in text
    back = sv.text_to_draft(text.replace("图1：旧说明", "图1：新说明"), draft, "news")
    assert back.photos[0].caption == "新说明" and draft.photos[0].caption == "旧说明"
    assert back.sections[0] == Section("副标题", "——副题")
    assert back.sections[1].text == "导语。\n正文。"
    with pytest.raises(InputError):
        sv.text_to_draft("  \n", draft, "news")


def test_stream_draft_yields_chunks_then_the_draft():
    draft = Draft("news", "题", [Section("正文", "内容")])

    def run(on_chunk):
        on_chunk("一")
        on_chunk("二")
        return draft

    updates = list(sv.stream_draft(run, interval=0.01))
    assert updates[-1].done and updates[-1].draft is draft and updates[-1].text.startswith("题")

    def fail(on_chunk):
        on_chunk("部分")
        raise InputError("坏了")

    last = list(sv.stream_draft(fail, interval=0.01))[-1]
    assert isinstance(last.error, InputError) and last.text == "部分"


def test_parts_of_a_summary_grow_part_by_part():
    text = "题\n\n一、甲\n内容\n\n二、乙\n内容\n"
    parts = sv.parts_of(text, "summary")
    assert parts[-1] == text and len(parts) == 2 and "二、乙" not in parts[0]


# ------------------------------------------------------------------------------ summaries, records, zip


def record(i, date, cat, people=None):
    return Record(id=f"r{i}", date=date, title=f"活动{i}", category=cat, org="单位", participants=people)


def test_chart_and_category_rows():
    recs = [record(1, "2025-03-01", "培训", 10), record(2, "2025-03-09", "培训", 5), record(3, "2025-04-01", "志愿服务")]
    assert sv.chart_rows(recs) == [{"月份": "03月", "类别": "培训", "记录数": 2},
                                   {"月份": "04月", "类别": "志愿服务", "记录数": 1}]
    assert sv.category_rows(recs) == [["培训", 2, 15], ["志愿服务", 1, ""]]


def test_metrics_text_both_ways():
    assert sv.parse_metrics_text("服务时长=160\n培训人数：80") == {"服务时长": "160", "培训人数": "80"}
    assert sv.parse_metrics_text('{"a": 1}') == {"a": 1}
    assert sv.metrics_text({"服务时长": 160.0}) == "服务时长=160"
    with pytest.raises(InputError, match="看不懂"):
        sv.parse_metrics_text("很多")


def test_record_from_form_validates():
    values = dict(id="x1", date="2025年3月5日", title="t", category="培训", org="单位", location="", organizer="",
                  participants=12.0, summary="", metrics="培训人数=12")
    r = sv.record_from_form(values)
    assert r.date == "2025-03-05" and r.participants == 12 and r.metrics == {"培训人数": 12}
    with pytest.raises(InputError, match="不存在"):
        sv.record_from_form({**values, "date": "2025-02-30"})


def test_zip_of_reviewed_files_has_each_docx_and_a_summary(tmp_path):
    a = tmp_path / "a（审核意见）.docx"
    a.write_bytes(b"PK fake")
    items = [sv.Reviewed("a.docx", "文字", "news", [finding(0, 1).to_dict()], str(a)),
             sv.Reviewed("b.docx", error="不是有效的 Word 文档")]
    path = sv.zip_reviewed(items, tmp_path / "all.zip")
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"a（审核意见）.docx", "审核汇总.csv"}
        summary = zf.read("审核汇总.csv").decode("utf-8-sig")
    assert "无法审核：不是有效的 Word 文档" in summary
    assert sv.zip_reviewed([items[1]], tmp_path / "none.zip") is None


# ------------------------------------------------------------------------------ auth, secrets, escaping


def test_parse_auth():
    assert sv.parse_auth("a:1, b:p:w") == [("a", "1"), ("b", "p:w")]
    assert sv.parse_auth("") == []
    with pytest.raises(InputError):
        sv.parse_auth("nopassword")


def test_redact_hides_the_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abcdefghijklmnop1234")
    get_settings.cache_clear()
    assert "abcdefghijklmnop1234" not in sv.redact("key sk-abcdefghijklmnop1234 failed")
    rows = sv.status_rows(get_settings())
    assert "sk-abcdefghijklmnop1234" not in str(rows)
    assert dict(rows)["API 密钥"] == "已设置（不显示）"


def test_html_helpers_escape_user_text():
    html = sv.notice_html(["<script>x</script>\n第二行"])
    assert "<script>" not in html and "&lt;script&gt;" in html and "<br>" in html
    assert "&lt;b&gt;" in sv.message_html("<b>")

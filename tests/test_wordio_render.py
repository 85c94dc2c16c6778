"""Render what we write with LibreOffice headless to PDF and check the Chinese text (and comments) are there.

This is the evidence that the .docx files are well-formed for a real word processor, not just for python-docx.
Needs the Debian packages libreoffice-writer-nogui (or libreoffice-writer), poppler-utils and a CJK font
(fonts-wqy-microhei). Skips only when soffice itself is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from writer.models import Draft, Finding, Photo, Section
from writer.wordio import annotate_docx, read_docx, write_draft_docx

WORD = Path(__file__).resolve().parent / "data" / "word"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui poppler-utils fonts-wqy-microhei"),
]

CJK_FONT = re.compile(r"WenQuanYi|wqy|Noto\w*CJK|SourceHan|Source Han|Droid\w*Fallback|AR ?PL|UMing|UKai|SimSun|FangSong|KaiTi|SimHei|STZhongsong|FZ", re.I)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: apt-get install -y poppler-utils")
    return path


def to_pdf(paths: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    cmd = [SOFFICE, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}', "--outdir", str(out_dir), *map(str, paths)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    pdfs = [out_dir / (p.stem + ".pdf") for p in paths]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {proc.stdout} {proc.stderr}"
    return pdfs


def pdf_text(pdf: Path) -> str:
    out = subprocess.run([_need("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run([_need("pdffonts"), str(pdf)], capture_output=True, text=True, timeout=60).stdout


def pdf_info(pdf: Path) -> str:
    return subprocess.run([_need("pdfinfo"), str(pdf)], capture_output=True, text=True, timeout=60).stdout


def pdf_images(pdf: Path) -> int:
    out = subprocess.run([_need("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    return sum(1 for line in out.splitlines()[2:] if " image " in line)


def pdf_annotations(pdf: Path) -> list[str]:
    """The text of the PDF's annotations (LibreOffice exports Word comments as PDF text annotations)."""
    data = pdf.read_bytes()
    texts = []
    for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f\s]+)>", data):
        raw = bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode())
        if raw.startswith(b"\xfe\xff"):
            texts.append(raw.decode("utf-16"))
    for m in re.finditer(rb"/Contents\s*\(((?:\\.|[^\\)])*)\)", data):
        raw = m.group(1)
        if raw.startswith(b"\xfe\xff"):
            texts.append(raw.replace(b"\\(", b"(").replace(b"\\)", b")").replace(b"\\\\", b"\\").decode("utf-16", "replace"))
    return texts


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    photo = tmp / "photo.jpg"
    Image.new("RGB", (1200, 800), (40, 120, 180)).save(photo, "JPEG")
    summary = Draft(kind="summary", title="江川市青年志愿者协会2024年度工作总结", sections=[
        Section("一、基本情况", "协会现有注册志愿者426名，全年开展活动52场。"),
        Section("二、主要成效", "全年累计服务时长8320小时，同比增长12.5%。"),
        Section("三、存在的问题", "志愿者流失率偏高。"),
        Section("四、下一步工作打算", "计划新招募志愿者100名。"),
    ], photos=[Photo(str(photo), "“银龄课堂”第36期现场。")])
    news = Draft(kind="news", title="协会志愿者走进幸福里敬老院开展重阳慰问", sections=[
        Section("导语", "10月11日上午，30名志愿者前往幸福里敬老院开展重阳节慰问活动。"),
        Section("正文", "志愿者为老人们表演了6个文艺节目。"),
        Section("署名", "（供稿：李明　摄影：张华　审核：王强）"),
    ], photos=[Photo(str(photo), "志愿者为老人表演节目。"), Photo(str(photo), "合影留念。")])
    s_path = write_draft_docx(summary, tmp / "summary.docx", org="江川市青年志愿者协会", date="2025年1月8日")
    n_path = write_draft_docx(news, tmp / "news.docx")
    src = WORD / "wps_like.docx"
    text = read_docx(src).text
    i = text.index("48场")
    j = text.index("协会网站")
    review_findings = [
        Finding("numbers.sum", "numbers", "error", i, i + 3, "48场", "分项场次之和与合计不符", "核对表格中的场次"),
        Finding("padding.x", "padding", "warning", j, j + 4, "协会网站", "此处缺少具体网址"),
    ]
    r_path = annotate_docx(src, text, review_findings, tmp / "review.docx")
    txt = "关于开展志愿服务的报告\n全年开展活动XX场，取得了显著成效。"
    k = txt.index("XX")
    t_path = annotate_docx(None, txt, [Finding("placeholder.xx", "placeholder", "error", k, k + 2, "XX", "占位符未替换")],
                           tmp / "txt-review.docx")
    pdfs = to_pdf([s_path, n_path, r_path, t_path], tmp / "pdf", tmp / "lo-profile")
    return dict(zip(("summary", "news", "review", "txt"), pdfs)), {"review_text": text}


def test_summary_renders_with_chinese_text(rendered):
    pdfs, _ = rendered
    pdf = pdfs["summary"]
    text = pdf_text(pdf)
    for needle in ("江川市青年志愿者协会2024年度工作总结", "一、基本情况", "协会现有注册志愿者426名", "二、主要成效",
                   "“银龄课堂”第36期现场。", "四、下一步工作打算", "2025年1月8日"):
        assert squash(needle) in text, needle
    assert "—1—" in text  # page number field rendered in the footer
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+", pdf_info(pdf)), "not A4"
    fonts = pdf_fonts(pdf)
    assert CJK_FONT.search(fonts), f"no CJK font embedded — install fonts-wqy-microhei:\n{fonts}"
    assert pdf_images(pdf) == 1


def test_news_renders_with_photos_and_captions(rendered):
    pdfs, _ = rendered
    text = pdf_text(pdfs["news"])
    for needle in ("协会志愿者走进幸福里敬老院开展重阳慰问", "10月11日上午", "志愿者为老人表演节目。", "合影留念。",
                   "供稿：李明", "审核：王强"):
        assert needle in text, needle
    assert pdf_images(pdfs["news"]) == 2


def test_reviewed_document_renders_with_its_comments(rendered):
    pdfs, extra = rendered
    text = pdf_text(pdfs["review"])
    # (LibreOffice shows tracked changes, so lines with a deletion read differently: use others)
    for line in ("关于2024年度志愿服务工作的总结", "详见协会网站，或拨打12345。", "敬老院慰问", "文本框里的文字",
                 "三、存在的问题。由于人手不足，部分活动的宣传报道不够及时，影响了传播效果。"):
        assert line in extra["review_text"] and squash(line) in text, line
    notes = [squash(n) for n in pdf_annotations(pdfs["review"])]
    assert any("【错误·数字核对】分项场次之和与合计不符" in n and "建议：核对表格中的场次" in n for n in notes), notes
    assert any("【警告·空话套话】此处缺少具体网址" in n for n in notes), notes
    txt = pdf_text(pdfs["txt"])
    assert "全年开展活动XX场，取得了显著成效。" in txt
    assert any("占位符未替换" in n for n in pdf_annotations(pdfs["txt"]))

"""Reading .docx submissions from Word, WPS and LibreOffice; clear Chinese errors for files that aren't .docx."""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from writer import wordio
from writer.errors import InputError
from writer.textio import read_any
from writer.wordio import numbered_heading, read_docx

WORD = Path(__file__).resolve().parent / "data" / "word"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fixtures_module():
    spec = importlib.util.spec_from_file_location("make_word_fixtures", WORD / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _consistent(result) -> None:
    assert result.text == "\n".join(result.paragraphs)
    assert len(result.blocks) == len(result.paragraphs)
    for block, para in zip(result.blocks, result.paragraphs):
        assert result.text[block.start:block.end] == para == block.text


def test_wps_like_document():
    mf = _fixtures_module()
    result = read_docx(WORD / "wps_like.docx")
    _consistent(result)
    assert result.paragraphs == mf.wps_expected_lines()
    assert result.title == "关于2024年度志愿服务工作的总结"
    # style-named headings (WPS ids "2"/"3" named heading 1/2) and headings given only by numbering
    assert result.headings == ["一、基本情况", "（一）组织建设", "二、主要成效", "（一）宣传报道", "三、存在的问题"]
    levels = {b.heading: b.level for b in result.blocks if b.kind == "heading"}
    assert levels == {"一、基本情况": 1, "（一）组织建设": 2, "二、主要成效": 1, "（一）宣传报道": 2, "三、存在的问题": 1}
    assert result.images == 1  # the text box's VML fallback is not counted twice, nor read twice
    assert result.paragraphs.count("文本框里的文字") == 1
    assert result.tables == 1
    assert "共" not in result.paragraphs[2]  # tracked deletion is not text; the insertion is
    kinds = [b.kind for b in result.blocks]
    assert kinds.count("table-row") == 5 and "textbox" in kinds


def test_libreoffice_converted_odt():
    mf = _fixtures_module()
    result = read_docx(WORD / "lo_fodt.docx")
    _consistent(result)
    assert result.paragraphs == mf.FODT_EXPECTED
    assert result.title == "社区志愿者协会重阳节敬老活动简报"
    assert "一、活动概况" in result.headings and "（一）文艺演出" in result.headings
    assert result.images == 1
    assert result.tables == 1


def test_libreoffice_converted_txt():
    mf = _fixtures_module()
    result = read_docx(WORD / "lo_txt.docx")
    _consistent(result)
    assert result.text == mf.TXT.rstrip("\n")
    assert result.title == "学院团委2024年志愿服务总结"
    assert result.headings == ["一、基本情况", "二、主要成效"]
    assert read_any(WORD / "lo_txt.docx") == result.text


def test_word_like_document_from_python_docx(tmp_path):
    from PIL import Image

    img = tmp_path / "p.png"
    Image.new("RGB", (40, 30), (10, 200, 10)).save(img)
    d = docx.Document()
    d.add_heading("年度工作总结", level=0)
    d.add_heading("基本情况", level=1)  # a heading by style alone, no numbering
    d.add_paragraph("全年开展活动20场。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "类别", "场次"
    table.cell(1, 0).text, table.cell(1, 1).text = "讲座", "8"
    d.add_picture(str(img), width=Cm(3))
    d.add_paragraph("结束语。")
    path = tmp_path / "word.docx"
    d.save(path)
    result = read_docx(path)
    _consistent(result)
    assert result.paragraphs == ["年度工作总结", "基本情况", "全年开展活动20场。", "类别\t场次", "讲座\t8", "", "结束语。"]
    assert result.headings == ["年度工作总结", "基本情况"]
    assert result.title == "年度工作总结"
    assert result.images == 1
    i, off = result.locate(result.text.index("20场"))
    assert result.paragraphs[i][off:off + 3] == "20场"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、基本情况", (1, "一、基本情况")),
        ("十二、其他", (1, "十二、其他")),
        ("（三）加强队伍建设", (2, "（三）加强队伍建设")),
        ("(二)宣传报道", (2, "(二)宣传报道")),
        ("（一）加强组织领导。全年召开专题会议6次，研究部署宣传工作。", (2, "（一）加强组织领导")),
        ("一、全年共开展活动48场，参与人数达3000人次，比上年增长了很多，效果很好，社会反响热烈，受到好评。", None),
        ("基本情况", None),
        ("1.加强培训", None),
    ],
)
def test_numbered_heading(line, expected):
    assert numbered_heading(line) == expected


# -- files that are not .docx ---------------------------------------------------------------------------


def _ole(stream_name: str) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + b"\x00" * 512 + stream_name.encode("utf-16-le") + b"\x00" * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


BAD_FILES = {
    "empty": (b"", "空文件"),
    "blank": (b"\n\n  ", "空文件"),
    "doc-renamed": (_ole("WordDocument"), ".doc"),
    "encrypted": (_ole("EncryptedPackage") + "EncryptionInfo".encode("utf-16-le"), "密码"),
    "other-ole": (_ole("Workbook"), "另存为 .docx"),
    "pdf-renamed": (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    "rtf-renamed": (b"{\\rtf1\\ansi hello}", "RTF"),
    "html-renamed": (b"<html><body><p>\xe4\xbd\xa0\xe5\xa5\xbd</p></body></html>", "网页"),
    "junk": (bytes(range(256)) * 8, "不是有效的 .docx"),
    "xlsx-renamed": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "Excel"),
    "odt-renamed": (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "OpenDocument"),
    "zip-not-word": (_zip({"readme.txt": b"hello"}), "不是 Word 文档"),
    "broken-xml": (_zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}), "损坏"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_give_chinese_messages(tmp_path, kind):
    data, needle = BAD_FILES[kind]
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_docx(path)
    message = str(info.value)
    assert CJK.search(message), message
    assert needle in message, message
    assert path.name in message or kind in ("empty", "blank")
    assert "Traceback" not in message


def test_truncated_docx(tmp_path):
    data = (WORD / "wps_like.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="损坏"):
        read_docx(path)


def test_corrupted_member(tmp_path):
    data = bytearray((WORD / "wps_like.docx").read_bytes())
    # flip bytes in the middle of the compressed document.xml
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    for i in range(start, start + 40):
        data[i] ^= 0x5A
    path = tmp_path / "flipped.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as info:
        read_docx(path)
    assert CJK.search(str(info.value))


def test_zip_bomb_guard(tmp_path, monkeypatch):
    monkeypatch.setattr(wordio, "MAX_UNCOMPRESSED_BYTES", 1000)
    path = tmp_path / "big.docx"
    path.write_bytes(_zip({"word/document.xml": b"0" * 5000, "[Content_Types].xml": b"<Types/>"}))
    with pytest.raises(InputError, match="过大"):
        read_docx(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="找不到"):
        read_docx(tmp_path / "nope.docx")
    with pytest.raises(InputError, match="文件夹"):
        read_docx(tmp_path)


def test_automatic_list_numbers_are_read_as_shown():
    mf = _fixtures_module()
    result = read_docx(WORD / "numbered.docx")
    _consistent(result)
    assert result.paragraphs == mf.numbered_expected_lines()
    levels = [(b.heading, b.level) for b in result.blocks if b.kind == "heading"]
    assert levels[:3] == [("一、基本情况", 1), ("（一）组织建设", 2), ("（二）队伍建设", 2)]
    assert ("三、存在的问题", 1) in levels and ("四、下一步工作打算", 1) in levels

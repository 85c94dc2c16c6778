"""Reading user files as text: encoding detection and size limits, with Chinese messages."""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError

MAX_TEXT_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def decode_text(data: bytes, name: str = "输入") -> str:
    """Decode UTF-8 (with or without BOM) or GB18030; anything else is refused, never guessed."""
    if not data.strip():
        raise InputError(f"{name} 是空文件，没有可读取的内容")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name} 的编码无法识别（UTF-16 内容损坏）") from None
    kind = sniff_binary(data)
    if kind:
        raise InputError(f"{name} 实际上是{kind}，不是纯文本文件（按内容识别，与扩展名无关）")
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} 看起来是二进制文件，不是纯文本文件")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise InputError(f"{name} 看起来是二进制文件，不是纯文本文件")
        return text
    raise InputError(f"{name} 的编码无法识别，请另存为 UTF-8 或 GB18030 编码的文本")


# Magic numbers of files people rename to .txt/.csv by mistake: (prefix, what it is in Chinese)
_MAGIC = (
    (b"%PDF", "PDF 文件"),
    (b"PK\x03\x04", "压缩包或 Word/Excel 文档（.docx/.xlsx/.zip）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（.doc/.xls）"),
    (b"{\\rtf", "RTF 文档"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
)


def sniff_binary(data: bytes) -> str | None:
    """What a non-text file is, judged by its first bytes (never by its name); None for anything else."""
    head = data[:16].lstrip(b" \t\r\n")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def _looks_binary(text: str) -> bool:
    """Decoded text full of control characters is a binary file that happened to decode (GB18030 maps
    most byte sequences to something)."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x7F <= ord(ch) < 0xA0)
    return controls > max(2, len(sample) // 100)


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    name = path.name
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是文件")
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"{name} 太大（{size / 1024 / 1024:.1f} MB），超过 {limit / 1024 / 1024:.0f} MB 的上限，请拆分后再上传"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {name}：{exc.strerror or exc}") from None


def read_text_file(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    return decode_text(read_bytes(path, limit), path.name)


def read_any(path: Path) -> str:
    """Text of a .txt/.md/.docx file; .docx paragraphs joined with newlines."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .wordio import read_docx

        return read_docx(path).text
    if suffix in TEXT_SUFFIXES or suffix == "":
        return read_text_file(path)
    raise InputError(f"不支持的文件类型：{path.name}（支持 .txt、.md、.docx）")

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
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} 看起来是二进制文件，不是文本，请上传 .txt、.md 或 .docx")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} 的编码无法识别，请另存为 UTF-8 或 GB18030 编码的文本")


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

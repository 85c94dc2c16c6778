"""Word documents: read .docx as structured text. (Writing and comments come with the Word issue.)"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .textio import read_bytes

MAX_DOCX_BYTES = 50 * 1024 * 1024


@dataclass
class DocxText:
    text: str
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    images: int = 0


def read_docx(path: Path) -> DocxText:
    import io

    import docx

    data = read_bytes(path, MAX_DOCX_BYTES)
    name = path.name
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise InputError(f"{name} 是旧版 Word（.doc）或加密文档，请在 Word/WPS 中另存为 .docx 后再上传")
    if not data.startswith(b"PK"):
        raise InputError(f"{name} 不是有效的 .docx 文件（文件已损坏或类型不符）")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name} 已损坏，无法打开（{type(exc).__name__}）") from None
    except Exception as exc:  # lxml and python-docx raise many kinds on malformed parts
        raise InputError(f"{name} 无法解析，可能已损坏：{exc}") from None
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if (p.style is not None and p.style.name.lower().startswith(("heading", "title")))]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    images = len(document.inline_shapes)
    return DocxText(text="\n".join(paragraphs), paragraphs=paragraphs, headings=headings, images=images)

"""Word documents: read submissions, write drafts in GB/T 9704 layout, return reviewed copies with 批注.

Three public functions (contracts other modules code against):

- ``read_docx(path) -> DocxText`` — the text of a .docx from Word, WPS or LibreOffice, with its structure.
- ``write_draft_docx(draft, path, org=None, date=None) -> Path`` — a Draft as a .docx in 公文 layout.
- ``annotate_docx(source, text, findings, out_path, highlight=True) -> Path`` — a copy of the submission
  (or a .docx made from a .txt's text) with one Word comment per finding, anchored to exactly its text.

What ``DocxText.text`` contains (the checker's offsets index exactly this string)
---------------------------------------------------------------------------------
``text == "\\n".join(paragraphs)``; ``paragraphs`` holds one entry per *block*, in document order:

- every body paragraph (also those wrapped in content controls ``w:sdt`` or ``w:customXml``), empty ones
  included, so a picture alone in its paragraph gives an empty line;
- every table row, where the table stands: its cells joined by ``"\\t"``; several paragraphs inside one
  cell are joined by a space; nested tables are flattened into their cell;
- the paragraphs of text boxes, each its own block, right after the paragraph (or row) anchoring the box.

Inside a paragraph: ``w:t`` text, ``w:tab`` -> ``"\\t"``, a soft line break (Shift+Enter, ``w:br`` without a
page/column type, ``w:cr``) -> ``"\\n"`` (as python-docx's ``Paragraph.text`` does — so a paragraph may hold a
``"\\n"``; use ``DocxText.blocks[i].start`` rather than counting lines), non-breaking hyphen -> ``"-"``.
Hyperlinks, tracked insertions, smart tags, simple fields and inline content controls are read;
tracked deletions, field codes, headers, footers, footnotes and comments are not. Automatic list numbers
(Word/WPS 编号: 一、 （一） 1. ①; not bullets) are computed and put before the paragraph's text as the reader
sees them (without the tab after them); a finding on such a number is anchored to the paragraph's first
character.
"""

from __future__ import annotations

import bisect
import copy
import datetime as _dt
import io
import os
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import InputError
from .models import CATEGORY_NAMES, SEVERITY_NAMES, Draft, Finding, Photo
from .textio import read_bytes

MAX_DOCX_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024  # a "zip bomb" guard: sum of the parts' sizes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
V_NS = "urn:schemas-microsoft-com:vml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
W_SDT, W_SDTCONTENT, W_CUSTOMXML = _w("sdt"), _w("sdtContent"), _w("customXml")
W_RPR, W_PPR, W_TXBX = _w("rPr"), _w("pPr"), _w("txbxContent")
MC_ALT, MC_CHOICE, MC_FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"

# Inline containers whose runs are part of the visible text.
_INLINE_CONTAINERS = {_w(t) for t in ("hyperlink", "ins", "smartTag", "customXml", "fldSimple", "moveTo", "dir", "bdo")}
_RUN_EMBEDS = {_w("drawing"), _w("pict"), _w("object")}

CN_NUM = "一二三四五六七八九十百零〇"
H1_RE = re.compile(rf"^\s*[{CN_NUM}]+\s*[、.．]")
H2_RE = re.compile(rf"^\s*[（(]\s*[{CN_NUM}]+\s*[）)]")
STYLE_HEADING_RE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
STYLE_TITLE_NAMES = {"title", "标题"}


# --------------------------------------------------------------------------------------------------
# Data returned by read_docx
# --------------------------------------------------------------------------------------------------


@dataclass
class Block:
    """One entry of DocxText.paragraphs: where it starts in .text, what it is, its heading level."""

    kind: str  # "paragraph" | "heading" | "title" | "table-row" | "textbox"
    text: str
    start: int
    level: int = 0  # 1, 2, … for headings (一、 = 1, （一） = 2, or the style's level); 0 otherwise
    heading: str = ""  # the heading's own text (a run-in heading "（一）加强领导。全年…" gives "（一）加强领导")
    style: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class DocxText:
    text: str
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    images: int = 0
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    tables: int = 0

    def locate(self, offset: int) -> tuple[int, int]:
        """(index into paragraphs, offset inside that paragraph) of a character offset into .text."""
        if not self.blocks:
            return (0, 0)
        offset = max(0, min(offset, len(self.text)))
        starts = [b.start for b in self.blocks]
        i = bisect.bisect_right(starts, offset) - 1
        return i, offset - self.blocks[i].start


# --------------------------------------------------------------------------------------------------
# Opening a file safely, with Chinese messages
# --------------------------------------------------------------------------------------------------


def _sniff_not_docx(data: bytes, name: str) -> str | None:
    """A Chinese message when `data` is clearly not a .docx package, else None."""
    if not data.strip(b"\x00 \t\r\n"):
        return f"{name} 是空文件，没有可读取的内容"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or data[:4] == b"\xd0\xcf\x11\xe0":
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            return f"{name} 设置了打开密码（已加密），无法读取，请在 Word/WPS 中取消密码并另存为 .docx 后再上传"
        if "WordDocument".encode("utf-16-le") in data:
            return f"{name} 是旧版 Word 97-2003 文档（.doc），只是扩展名改成了 .docx，请在 Word/WPS 中另存为 .docx 后再上传"
        return f"{name} 是旧版 Office 或加密文档，不是 .docx，请在 Word/WPS 中另存为 .docx 后再上传"
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return f"{name} 是 PDF 文件，不是 Word 文档，请上传 .docx，或把文字复制到 .txt 中再上传"
    if head.startswith(b"{\\rtf"):
        return f"{name} 是 RTF 文件，不是 .docx，请在 Word/WPS 中另存为 .docx 后再上传"
    lower = head.lower()
    if lower.startswith((b"<html", b"<!doctype html", b"mime-version")) or b"<html" in lower[:200]:
        return f"{name} 是网页格式（HTML/MHT）另存的文件，不是 .docx，请在 Word/WPS 中另存为 .docx 后再上传"
    if not data.startswith(b"PK"):
        return f"{name} 不是有效的 .docx 文件（文件已损坏或类型不符）"
    return None


def _check_package(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
                raise InputError(f"{name} 解压后过大，可能是恶意构造的文件，已拒绝")
    except zipfile.BadZipFile:
        raise InputError(f"{name} 已损坏，无法打开（压缩包不完整，可能下载或拷贝时中断了）") from None
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises several kinds on junk
        raise InputError(f"{name} 已损坏，无法打开（{type(exc).__name__}）") from None
    if "word/document.xml" in names or any(n.lower() == "word/document.xml" for n in names):
        return
    if "xl/workbook.xml" in names:
        raise InputError(f"{name} 是 Excel 表格（.xlsx），不是 Word 文档")
    if any(n.startswith("ppt/") for n in names):
        raise InputError(f"{name} 是 PowerPoint 演示文稿（.pptx），不是 Word 文档")
    if "content.xml" in names and "mimetype" in names:
        raise InputError(f"{name} 是 OpenDocument（.odt/WPS 其他格式）文件，请另存为 .docx 后再上传")
    raise InputError(f"{name} 不是 Word 文档（压缩包里没有 word/document.xml）")


def _open_docx_bytes(data: bytes, name: str):
    import docx

    message = _sniff_not_docx(data, name)
    if message:
        raise InputError(message)
    _check_package(data, name)
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{name} 已损坏，无法打开（{type(exc).__name__}）") from None
    except ValueError as exc:
        if "content type" in str(exc):
            raise InputError(f"{name} 不是普通的 Word 文档（可能是模板或启用宏的文档），请另存为 .docx 后再上传") from None
        raise InputError(f"{name} 无法解析，可能已损坏：{exc}") from None
    except Exception as exc:  # noqa: BLE001 - lxml and python-docx raise many kinds on malformed parts
        raise InputError(f"{name} 无法解析，可能已损坏（{type(exc).__name__}）") from None


def _load(path: Path):
    path = Path(path)
    data = read_bytes(path, MAX_DOCX_BYTES)
    return _open_docx_bytes(data, path.name)


# --------------------------------------------------------------------------------------------------
# Text extraction with a character map (shared by read_docx and annotate_docx)
# --------------------------------------------------------------------------------------------------


@dataclass
class _Atom:
    start: int  # offset inside its paragraph's text
    end: int
    r: Any  # the w:r element
    child: Any  # the text-bearing child of the run (w:t, w:tab, w:br, …)


@dataclass
class _Segment:
    """One w:p inside a block: a body paragraph is one segment, a table row has one per cell paragraph."""

    p: Any
    start: int  # offset inside the block's text
    text: str
    atoms: list[_Atom]
    prefix: int = 0  # length of an automatic list number ("一、") shown before the runs' text

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _RawBlock:
    kind: str
    segments: list[_Segment]
    text: str


def _run_atoms(r, out: list[_Atom], textboxes: list, pos: int) -> int:
    for child in r:
        tag = child.tag
        piece = None
        if tag == W_T:
            piece = child.text or ""
        elif tag in (_w("tab"), _w("ptab")):
            piece = "\t"
        elif tag == _w("br"):
            kind = child.get(_w("type"))
            piece = "\n" if kind in (None, "textWrapping") else None
        elif tag == _w("cr"):
            piece = "\n"
        elif tag == _w("noBreakHyphen"):
            piece = "-"
        elif tag in _RUN_EMBEDS:
            _collect_textboxes(child, textboxes)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is not None:
                for sub in choice:
                    if sub.tag in _RUN_EMBEDS:
                        _collect_textboxes(sub, textboxes)
            else:
                fallback = child.find(MC_FALLBACK)
                if fallback is not None:
                    for sub in fallback:
                        if sub.tag in _RUN_EMBEDS:
                            _collect_textboxes(sub, textboxes)
        if piece:
            out.append(_Atom(pos, pos + len(piece), r, child))
            pos += len(piece)
    return pos


def _collect_textboxes(el, textboxes: list) -> None:
    """Top-level w:txbxContent elements inside an embedded object (not those nested in another box)."""
    for txbx in el.iter(W_TXBX):
        parent = txbx.getparent()
        nested = False
        while parent is not None and parent is not el:
            if parent.tag == W_TXBX or parent.tag == MC_FALLBACK:
                nested = True
                break
            parent = parent.getparent()
        if not nested:
            textboxes.append(txbx)


def _inline_atoms(el, out: list[_Atom], textboxes: list, pos: int) -> int:
    for child in el:
        tag = child.tag
        if tag == W_R:
            pos = _run_atoms(child, out, textboxes, pos)
        elif tag in _INLINE_CONTAINERS:
            pos = _inline_atoms(child, out, textboxes, pos)
        elif tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                pos = _inline_atoms(content, out, textboxes, pos)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is None:
                choice = child.find(MC_FALLBACK)
            if choice is not None:
                pos = _inline_atoms(choice, out, textboxes, pos)
    return pos


def _paragraph_atoms(p) -> tuple[str, list[_Atom], list]:
    atoms: list[_Atom] = []
    textboxes: list = []
    _inline_atoms(p, atoms, textboxes, 0)
    text = "".join(_atom_text(a) for a in atoms)
    return text, atoms, textboxes


def _atom_text(a: _Atom) -> str:
    tag = a.child.tag
    if tag == W_T:
        return a.child.text or ""
    if tag in (_w("tab"), _w("ptab")):
        return "\t"
    if tag == _w("noBreakHyphen"):
        return "-"
    return "\n"


def _block_items(container) -> Iterator[Any]:
    """w:p and w:tbl children in order, looking through block-level content controls and custom XML."""
    for child in container:
        tag = child.tag
        if tag in (W_P, W_TBL):
            yield child
        elif tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _block_items(content)
        elif tag == W_CUSTOMXML:
            yield from _block_items(child)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is not None:
                yield from _block_items(choice)


def _children(parent, tag: str) -> Iterator[Any]:
    """The `tag` children of a table or row, looking through content controls and custom XML that
    Word and WPS wrap around rows and cells."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == W_CUSTOMXML:
            yield from _children(child, tag)


def _row_cells(tr) -> Iterator[Any]:
    return _children(tr, W_TC)


def _table_rows(tbl) -> Iterator[Any]:
    return _children(tbl, W_TR)


def _cell_paragraphs(container) -> Iterator[Any]:
    for item in _block_items(container):
        if item.tag == W_P:
            yield item
        else:
            for tr in _table_rows(item):
                for tc in _row_cells(tr):
                    yield from _cell_paragraphs(tc)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "koreanCounting", "chineseLegalSimplified"):
        return _cn_number(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(c)) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out, k = "", n
        for v, sym in vals:
            while k >= v:
                out, k = out + sym, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _ListNumbers:
    """The labels Word/WPS show for automatically numbered paragraphs (一、 （一） 1. …), in document order.

    Counters are kept per list (numId); a level restarts when a higher level advances. Bullets give no label.
    """

    def __init__(self, document, styles: dict[str, "_StyleInfo"]):
        self.styles = styles
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.levels: dict[str, dict[int, tuple[str, str, int, str | None]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        try:
            from docx.opc.constants import RELATIONSHIP_TYPE as RT

            part = next((r.target_part for r in document.part.rels.values()
                         if r.reltype == RT.NUMBERING and not r.is_external), None)
            root = part.element if part is not None and hasattr(part, "element") else None
        except Exception:  # noqa: BLE001 - an odd numbering part means no labels, not a failure
            root = None
        if root is None:
            return
        for absn in root.iter(_w("abstractNum")):
            aid = absn.get(_w("abstractNumId"))
            lv: dict[int, tuple[str, str, int, str | None]] = {}
            for lvl in absn.iter(_w("lvl")):
                try:
                    ilvl = int(lvl.get(_w("ilvl")) or 0)
                except ValueError:
                    continue
                fmt_el, text_el, start_el, ps_el = (lvl.find(_w(t)) for t in ("numFmt", "lvlText", "start", "pStyle"))
                fmt = fmt_el.get(_w("val")) if fmt_el is not None else "decimal"
                text = text_el.get(_w("val")) if text_el is not None else ""
                start = int(start_el.get(_w("val")) or 1) if start_el is not None and (start_el.get(_w("val")) or "").isdigit() else 1
                lv[ilvl] = (fmt or "decimal", text or "", start, ps_el.get(_w("val")) if ps_el is not None else None)
            self.levels[aid] = lv
        for num in root.iter(_w("num")):
            nid = num.get(_w("numId"))
            an = num.find(_w("abstractNumId"))
            overrides: dict[int, int] = {}
            for ov in num.iter(_w("lvlOverride")):
                so = ov.find(_w("startOverride"))
                if so is not None and (so.get(_w("val")) or "").isdigit() and (ov.get(_w("ilvl")) or "").isdigit():
                    overrides[int(ov.get(_w("ilvl")))] = int(so.get(_w("val")))
            if an is not None:
                self.nums[nid] = (an.get(_w("val")), overrides)

    def _num_pr(self, p) -> tuple[str | None, int | None, str | None]:
        ppr = p.find(W_PPR)
        style_id = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            style_id = ps.get(_w("val")) if ps is not None else None
            npr = ppr.find(_w("numPr"))
            if npr is not None:
                nid_el, ilvl_el = npr.find(_w("numId")), npr.find(_w("ilvl"))
                nid = nid_el.get(_w("val")) if nid_el is not None else None
                ilvl = int(ilvl_el.get(_w("val"))) if ilvl_el is not None and (ilvl_el.get(_w("val")) or "").isdigit() else None
                if nid is not None:
                    return nid, ilvl, style_id
        sid, seen = style_id, 0
        while sid and sid in self.styles and seen < 10:
            info = self.styles[sid]
            if info.num_id is not None:
                return info.num_id, info.num_level, style_id
            sid, seen = info.based_on, seen + 1
        return None, None, style_id

    def label(self, p) -> str:
        if not self.nums:
            return ""
        nid, ilvl, style_id = self._num_pr(p)
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        aid, overrides = self.nums[nid]
        levels = self.levels.get(aid, {})
        if ilvl is None:
            ilvl = next((k for k, v in levels.items() if style_id and v[3] == style_id), 0)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(nid, [None] * 10)
        ilvl = min(ilvl, 9)
        start = overrides.get(ilvl, levels[ilvl][2])
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        fmt, text, _start, _ps = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters[k] if counters[k] is not None else overrides.get(k, levels[k][2])
            return _format_number(value, levels[k][0])

        return _xml_safe(re.sub(r"%([1-9])", sub, text))


def _labelled_segment(p, start: int, numbers: "_ListNumbers | None"):
    text, atoms, boxes = _paragraph_atoms(p)
    label = numbers.label(p) if numbers is not None else ""
    if label:
        n = len(label)
        atoms = [_Atom(a.start + n, a.end + n, a.r, a.child) for a in atoms]
        text = label + text
    return _Segment(p, start, text, atoms, len(label)), boxes


def _extract_blocks(container, numbers: "_ListNumbers | None" = None) -> tuple[list[_RawBlock], int]:
    """Blocks of a body (or text box) in order, and the number of top-level tables."""
    blocks: list[_RawBlock] = []
    tables = 0
    for item in _block_items(container):
        pending: list = []
        if item.tag == W_P:
            seg, boxes = _labelled_segment(item, 0, numbers)
            blocks.append(_RawBlock("paragraph", [seg], seg.text))
            pending.extend(boxes)
        else:
            tables += 1
            for tr in _table_rows(item):
                segments: list[_Segment] = []
                pieces: list[str] = []
                pos = 0
                for ci, tc in enumerate(_row_cells(tr)):
                    if ci:
                        pieces.append("\t")
                        pos += 1
                    first = True
                    for p in _cell_paragraphs(tc):
                        seg, boxes = _labelled_segment(p, pos, numbers)
                        pending.extend(boxes)
                        if not seg.text and not first:
                            continue
                        if not first:
                            pieces.append(" ")
                            pos += 1
                            seg.start = pos
                        segments.append(seg)
                        pieces.append(seg.text)
                        pos += len(seg.text)
                        first = False
                blocks.append(_RawBlock("table-row", segments, "".join(pieces)))
        for box in pending:
            inner, inner_tables = _extract_blocks(box, numbers)
            tables += inner_tables
            for b in inner:
                if b.kind == "paragraph":
                    b.kind = "textbox"
            blocks.extend(inner)
    return blocks, tables


# --------------------------------------------------------------------------------------------------
# Styles and headings
# --------------------------------------------------------------------------------------------------


@dataclass
class _StyleInfo:
    name: str
    based_on: str | None
    outline: int | None
    centred: bool | None
    num_id: str | None = None
    num_level: int | None = None


def _style_table(document) -> dict[str, _StyleInfo]:
    table: dict[str, _StyleInfo] = {}
    try:
        styles_el = document.styles.element
    except Exception:  # noqa: BLE001 - a document without a styles part
        return table
    for st in styles_el.iter(_w("style")):
        if st.get(_w("type")) not in (None, "paragraph"):
            continue
        sid = st.get(_w("styleId")) or ""
        name_el = st.find(_w("name"))
        based = st.find(_w("basedOn"))
        ppr = st.find(W_PPR)
        outline = centred = None
        num_id = num_level = None
        if ppr is not None:
            npr = ppr.find(_w("numPr"))
            if npr is not None:
                nid_el, ilvl_el = npr.find(_w("numId")), npr.find(_w("ilvl"))
                num_id = nid_el.get(_w("val")) if nid_el is not None else None
                if ilvl_el is not None and (ilvl_el.get(_w("val")) or "").isdigit():
                    num_level = int(ilvl_el.get(_w("val")))
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None and (ol.get(_w("val")) or "").isdigit():
                outline = int(ol.get(_w("val")))
            jc = ppr.find(_w("jc"))
            if jc is not None:
                centred = jc.get(_w("val")) == "center"
        table[sid] = _StyleInfo(
            name=(name_el.get(_w("val")) if name_el is not None else sid) or sid,
            based_on=based.get(_w("val")) if based is not None else None,
            outline=outline,
            centred=centred,
            num_id=num_id,
            num_level=num_level,
        )
    return table


def _style_level(style_id: str | None, styles: dict[str, _StyleInfo]) -> tuple[str, int | None]:
    """(style name, heading level: 0 = title, 1.. = heading, None = body) of a paragraph style."""
    name = ""
    seen = 0
    sid = style_id
    first_name = None
    while sid and sid in styles and seen < 10:
        info = styles[sid]
        first_name = first_name or info.name
        key = info.name.strip().lower()
        m = STYLE_HEADING_RE.match(key) or STYLE_HEADING_RE.match(sid.strip().lower())
        if m:
            return first_name, int(m.group(1))
        if key in STYLE_TITLE_NAMES or sid.lower() == "title":
            return first_name, 0
        if info.outline is not None and info.outline < 9:
            return first_name, info.outline + 1
        sid = info.based_on
        seen += 1
    name = first_name or (style_id or "")
    return name, None


def _paragraph_props(p, styles: dict[str, _StyleInfo]) -> tuple[str, int | None, bool]:
    ppr = p.find(W_PPR)
    style_id = None
    outline = None
    centred = None
    if ppr is not None:
        ps = ppr.find(_w("pStyle"))
        if ps is not None:
            style_id = ps.get(_w("val"))
        ol = ppr.find(_w("outlineLvl"))
        if ol is not None and (ol.get(_w("val")) or "").isdigit():
            outline = int(ol.get(_w("val")))
        jc = ppr.find(_w("jc"))
        if jc is not None:
            centred = jc.get(_w("val")) == "center"
    name, level = _style_level(style_id, styles)
    if outline is not None:
        level = outline + 1 if outline < 9 else None
    if centred is None:
        sid = style_id
        for _ in range(10):
            if not sid or sid not in styles:
                break
            if styles[sid].centred is not None:
                centred = styles[sid].centred
                break
            sid = styles[sid].based_on
    return name, level, bool(centred)


def numbered_heading(line: str) -> tuple[int, str] | None:
    """(level, heading text) when a line opens with 公文 numbering 一、 or （一） and reads as a heading.

    A short line is a heading as a whole; a longer one may be a run-in heading ending at its first 。
    ("（一）加强组织领导。全年召开……" -> (2, "（一）加强组织领导")).
    """
    stripped = line.strip()
    if H1_RE.match(stripped):
        level = 1
    elif H2_RE.match(stripped):
        level = 2
    else:
        return None
    if len(stripped) <= 40 and not re.search(r"[。；;]", stripped.rstrip("。")):
        return level, stripped.rstrip("。")
    head = re.split(r"[。；;]", stripped, maxsplit=1)[0]
    if len(head) <= 30 and "，" not in head and "," not in head:
        return level, head
    return None


def _structure(raw: list[_RawBlock], styles: dict[str, _StyleInfo]) -> tuple[list[Block], list[str]]:
    """Blocks with kinds and levels, and the headings list (styled titles and headings, numbered headings)."""
    blocks: list[Block] = []
    headings: list[str] = []
    pos = 0
    title_found = False
    for i, rb in enumerate(raw):
        b = Block(kind=rb.kind, text=rb.text, start=pos)
        pos += len(rb.text) + 1
        blocks.append(b)
        if rb.kind not in ("paragraph",) or not rb.text.strip():
            continue
        name, level, centred = _paragraph_props(rb.segments[0].p, styles)
        b.style = name
        numbered = numbered_heading(rb.text)
        if level == 0:
            b.kind, b.level, b.heading = "title", 0, rb.text.strip()
            title_found = True
            headings.append(b.heading)
        elif level is not None and len(rb.text.strip()) <= 80:
            b.kind, b.level, b.heading = "heading", level, rb.text.strip()
            headings.append(b.heading)
        elif numbered:
            b.kind, b.level, b.heading = "heading", numbered[0], numbered[1]
            headings.append(b.heading)
        elif not title_found and not any(x.kind in ("heading", "title") or x.text.strip() for x in blocks[:-1]):
            # the first non-empty paragraph: a title when centred, or short and not a sentence
            t = rb.text.strip()
            if (centred and len(t) <= 60) or (len(t) <= 40 and not t.endswith(("。", "；", "：", ":", "！", "？"))):
                b.kind, b.heading = "title", t
                title_found = True
    return blocks, headings


def _count_images(body) -> int:
    count = 0
    for el in body.iter(f"{{{PIC_NS}}}pic", f"{{{V_NS}}}imagedata"):
        parent = el.getparent()
        inside_fallback = False
        while parent is not None:
            if parent.tag == MC_FALLBACK:
                inside_fallback = True
                break
            parent = parent.getparent()
        if not inside_fallback:
            count += 1
    return count


def _docx_text_of(document) -> tuple[DocxText, list[_RawBlock]]:
    body = document.element.body
    styles = _style_table(document)
    raw, tables = _extract_blocks(body, _ListNumbers(document, styles))
    blocks, headings = _structure(raw, styles)
    paragraphs = [b.text for b in raw]
    title = next((b.heading for b in blocks if b.kind == "title"), "")
    result = DocxText(
        text="\n".join(paragraphs),
        paragraphs=paragraphs,
        headings=headings,
        images=_count_images(body),
        title=title,
        blocks=blocks,
        tables=tables,
    )
    return result, raw


def read_docx(path: Path) -> DocxText:
    """Read a .docx (Word, WPS, LibreOffice) as text with structure; InputError with a Chinese message if it can't."""
    document = _load(Path(path))
    return _docx_text_of(document)[0]


# --------------------------------------------------------------------------------------------------
# Reviewed documents: one Word comment per finding
# --------------------------------------------------------------------------------------------------

COMMENT_AUTHOR = "审核助手"
COMMENT_INITIALS = "审核"
# Word's highlight palette: magenta shows as 粉红 (Pink), cyan as 青绿 (Turquoise).
HIGHLIGHTS = {"error": "PINK", "warning": "YELLOW", "info": "TURQUOISE"}
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def _xml_safe(text: str) -> str:
    """The same text with characters XML cannot hold replaced by spaces (lengths are kept)."""
    return _XML_ILLEGAL.sub(" ", text)


def _get(f: Any, name: str, default: Any = None) -> Any:
    if isinstance(f, dict):
        return f.get(name, default)
    return getattr(f, name, default)


def comment_text(finding: Finding | dict) -> str:
    """What a finding's comment says: 【警告·空话套话】message, then 建议：suggestion on its own line."""
    category = str(_get(finding, "category", "") or "")
    severity = str(_get(finding, "severity", "") or "")
    label = "·".join(x for x in (SEVERITY_NAMES.get(severity, severity), CATEGORY_NAMES.get(category, category)) if x)
    text = f"【{label}】" if label else ""
    text += str(_get(finding, "message", "") or "").strip()
    suggestion = str(_get(finding, "suggestion", "") or "").strip()
    if suggestion:
        text += f"\n建议：{suggestion}"
    return _xml_safe(text)


def _resolve_span(f: Any, doc_text: str, trust_offsets: bool) -> tuple[int, int]:
    """The finding's [start, end) in doc_text; when the checked text differs, find its text near its offset."""
    n = len(doc_text)
    try:
        start, end = int(_get(f, "start", 0) or 0), int(_get(f, "end", 0) or 0)
    except (TypeError, ValueError):
        start = end = 0
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    if trust_offsets:
        return start, end
    ftext = str(_get(f, "text", "") or "")
    if ftext:
        if doc_text[start:start + len(ftext)] == ftext:
            return start, start + len(ftext)
        best = None
        i = doc_text.find(ftext)
        while i != -1:
            if best is None or abs(i - start) < abs(best - start):
                best = i
            i = doc_text.find(ftext, i + 1)
        if best is not None:
            return best, best + len(ftext)
    return start, end


def _anchor(span: tuple[int, int], raw: list[_RawBlock], starts: list[int]) -> tuple[Any, int, int] | None:
    """(w:p, start, end) inside one paragraph for a span of the document text.

    A span reaching into later paragraphs (or later table cells) is cut at the end of the first one;
    an empty span grows to one character so Word has something to mark.
    """
    if not raw:
        return None
    s, e = span
    bi = max(0, bisect.bisect_right(starts, s) - 1)
    local_s, local_e = s - starts[bi], e - starts[bi]
    if local_s >= len(raw[bi].text) and e > s and bi + 1 < len(raw):
        bi += 1  # the span starts on the line break itself
        local_s, local_e = 0, e - starts[bi]
    block = raw[bi]
    local_e = min(local_e, len(block.text))
    if not block.segments:
        return None
    seg = next((g for g in block.segments if g.start <= local_s < g.end), None)
    if seg is None:
        seg = next((g for g in block.segments if g.start >= local_s), block.segments[-1])
    # positions in the runs' own text: an automatic list number before them is not in any run
    run_len = len(seg.text) - seg.prefix
    ss = min(max(0, local_s - seg.start - seg.prefix), run_len)
    ee = min(max(local_e - seg.start - seg.prefix, 0), run_len)
    if ee <= ss:
        if ss < run_len:
            ee = ss + 1
        elif run_len:
            ss, ee = run_len - 1, run_len
        else:
            ss = ee = 0
    return seg.p, ss, ee


def _split_run_before(r, child) -> None:
    """Move `child` and everything after it in run `r` to a new run (same properties) right after `r`."""
    from docx.oxml import OxmlElement

    before = [x for x in child.itersiblings(preceding=True) if x.tag != W_RPR]
    if not before:
        return
    moving = [child, *child.itersiblings()]
    new_r = OxmlElement("w:r")
    for key, value in r.attrib.items():
        new_r.set(key, value)
    rpr = r.find(W_RPR)
    if rpr is not None:
        new_r.append(copy.deepcopy(rpr))
    for x in moving:
        new_r.append(x)
    r.addnext(new_r)


def _ensure_boundary(p, pos: int) -> None:
    """Make character `pos` of paragraph `p` fall on a run boundary, splitting a run (and a w:t) if needed."""
    from docx.oxml import OxmlElement

    if pos <= 0:
        return
    _text, atoms, _ = _paragraph_atoms(p)
    for a in atoms:
        if a.start < pos < a.end:  # inside a w:t (other atoms are one character long)
            k = pos - a.start
            t = a.child
            full = t.text or ""
            t.text = full[:k]
            tail = OxmlElement("w:t")
            tail.text = full[k:]
            for el in (t, tail):
                el.set(XML_SPACE, "preserve")
            t.addnext(tail)
            _split_run_before(a.r, tail)
            return
        if a.start == pos:
            _split_run_before(a.r, a.child)
            return


def _runs_in(p, s: int, e: int) -> list:
    _text, atoms, _ = _paragraph_atoms(p)
    runs: list = []
    for a in atoms:
        if a.start >= s and a.end <= e and a.end > a.start and (not runs or runs[-1] is not a.r):
            runs.append(a.r)
    return runs


def _plain_document(text: str):
    """A plain A4 .docx with one paragraph per line of `text`; blocks keep `text`'s own offsets."""
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(30)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _strip_theme_fonts(document.styles.element)
    _set_doc_defaults(document, FONT_LATIN, "宋体", Pt(12))
    normal = document.styles["Normal"]
    _style_font(normal, FONT_LATIN, "宋体", Pt(12))
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.5
    raw: list[_RawBlock] = []
    starts: list[int] = []
    pos = 0
    body = document.element.body
    sect_pr = body.find(_w("sectPr"))
    from docx.oxml import OxmlElement

    for line in text.split("\n"):
        shown = line[:-1] if line.endswith("\r") else line
        shown = _xml_safe(shown)
        p = OxmlElement("w:p")
        if shown:
            r = OxmlElement("w:r")
            p.append(r)
            r.text = shown  # CT_R.text: "\t" -> w:tab, "\r" -> w:br (one character each, offsets kept)
        if sect_pr is not None:
            sect_pr.addprevious(p)
        else:
            body.append(p)
        seg_text, atoms, _ = _paragraph_atoms(p)
        raw.append(_RawBlock("paragraph", [_Segment(p, 0, seg_text, atoms)], seg_text))
        starts.append(pos)
        pos += len(line) + 1
    return document, raw, starts


def _save_atomically(document, out_path: Path) -> Path:
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(out_path.parent), prefix=".writer-", suffix=".docx.tmp")
    os.close(fd)
    try:
        document.save(tmp)
        os.replace(tmp, out_path)
    except OSError as exc:
        raise InputError(f"无法写入 {out_path}：{exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_path


def annotate_docx(
    source: Path | None,
    text: str,
    findings: Sequence[Finding],
    out_path: Path,
    highlight: bool = True,
) -> Path:
    """Write `out_path`: the reviewed document with one Word comment (批注) per finding.

    `source` is the submitted .docx (never modified), or None for a .txt submission, in which case a plain
    .docx is built from `text`, one paragraph per line. Offsets index `text`, which for a .docx should be
    ``read_docx(source).text``; if it differs, each finding is placed by its text, nearest its offset.
    Each comment covers exactly the finding's characters (runs are split where needed and keep their
    formatting); a finding spanning several paragraphs is anchored to its part in the first one.
    """
    from docx.enum.text import WD_COLOR_INDEX
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    out_path = Path(out_path)
    if source is not None and Path(source).suffix.lower() in TEXT_SUFFIXES:
        source = None
    if source is not None:
        source = Path(source)
        if out_path.exists() and source.exists() and out_path.resolve() == source.resolve():
            raise InputError(f"输出文件不能与原文件相同（{out_path.name}），原文件不会被改动，请换一个文件名")
        document = _load(source)
        info, raw = _docx_text_of(document)
        starts = [b.start for b in info.blocks]
        trust = text == info.text
        doc_text = info.text
    else:
        document, raw, starts = _plain_document(text or "")
        trust = True
        doc_text = text or ""

    placed: list[tuple[Any, Any, int, int]] = []  # (finding, p, s, e), in document order
    keyed = []
    for i, f in enumerate(findings):
        span = _resolve_span(f, doc_text, trust)
        anchor = _anchor(span, raw, starts)
        if anchor is not None:
            keyed.append(((span[0], i), (f, *anchor)))
    placed = [item for _key, item in sorted(keyed, key=lambda x: x[0])]

    # Split runs at every boundary first: offsets inside a paragraph never move, only run structure does.
    bounds: dict[int, tuple[Any, set[int]]] = {}
    for _f, p, s, e in placed:
        bounds.setdefault(id(p), (p, set()))[1].update((s, e))
    for p, positions in bounds.values():
        for pos in sorted(positions):
            _ensure_boundary(p, pos)

    body = document._body
    colored: list[tuple[int, list]] = []
    for f, p, s, e in placed:
        runs = _runs_in(p, s, e)
        if not runs:  # an empty paragraph: anchor to an empty run at its end
            from docx.oxml import OxmlElement

            r = OxmlElement("w:r")
            p.append(r)
            runs = [r]
        para = Paragraph(p, body)
        run_objs = [Run(r, para) for r in runs]
        document.add_comment(run_objs, text=comment_text(f), author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)
        colored.append((_SEVERITY_RANK.get(str(_get(f, "severity", "")), 0), run_objs))

    if highlight:
        # errors last so they win where findings overlap
        for rank, run_objs in sorted(colored, key=lambda x: x[0]):
            severity = next(k for k, v in _SEVERITY_RANK.items() if v == rank)
            color = getattr(WD_COLOR_INDEX, HIGHLIGHTS[severity])
            for run in run_objs:
                if run.text:
                    run.font.highlight_color = color
    return _save_atomically(document, out_path)


# --------------------------------------------------------------------------------------------------
# Drafts in GB/T 9704 layout
# --------------------------------------------------------------------------------------------------
#
# GB/T 9704-2012 §7.1: A4, 天头 (top) 37 mm, 订口 (left) 28 mm, 版心 156 mm × 225 mm — so the right margin is
# 210 − 28 − 156 = 26 mm and the bottom 297 − 37 − 225 = 35 mm. §7.2: 22 lines of 28 characters of 三号
# 仿宋: a fixed line pitch of 225 mm / 22 = 28.95 pt, and a character grid of 156 mm / 28 per character.
# §7.5: page numbers in 4号 半角宋体 Arabic figures with a 一字线 on each side, about 7 mm under the 版心,
# odd pages right (空一字), even pages left (空一字).

FONT_LATIN = "Times New Roman"
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
# Written to the font table as w:altName so Word/WPS substitute a close face where the 方正/GB2312 font is
# missing (Windows 10+ ships 仿宋/楷体 but not the _GB2312 names; 华文中宋 is the usual stand-in for 小标宋).
FONT_FALLBACKS = {FONT_TITLE: "华文中宋", FONT_BODY: "仿宋", FONT_H2: "楷体", FONT_H1: "SimHei", FONT_PAGE: "SimSun"}

PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINE_PITCH_PT = 28.95
SIZE_ERHAO, SIZE_SANHAO, SIZE_SIHAO = 22, 16, 14  # 二号, 三号, 四号 in points
PHOTO_MAX_WIDTH_MM = 140  # inside the 156 mm 版心
PHOTO_MAX_HEIGHT_MM = 110
PHOTO_MAX_PIXELS = 2000  # longer side after downscaling; ~360 dpi at 14 cm

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
INTRO_HEADINGS = {"", "开头", "引言", "前言", "导语", "开篇", "总述", "概述", "正文"}
NEWS_PLAIN_HEADINGS = {"导语", "主体", "正文", "结尾", "结语", "内容", "消息头", "电头", "开头", "背景", "主体部分"}
NEWS_SUBTITLE_HEADINGS = {"副标题", "引题", "肩题"}
NEWS_CAPTION_HEADINGS = {"图片说明", "图说", "配图说明", "照片说明", "图片", "配图"}
NEWS_BYLINE_HEADINGS = {"署名", "作者", "供稿", "通讯员", "撰稿", "来源", "署名信息", "供稿信息", "编辑", "供稿/摄影/审核"}
BYLINE_RE = re.compile(r"^[（(]?\s*(供稿|撰稿|文字|文|图|图片|摄影|摄|审核|审稿|编辑|责编|责任编辑|通讯员|记者|作者|来源|初审|复审|终审)\s*[：:/／|]")
SUMMARY_PHOTO_SECTION = re.compile(r"主要成效|成效|成绩|工作开展|主要工作")


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def today_cn(day: _dt.date | None = None) -> str:
    """A 成文日期 in the 2012 standard's form: Arabic figures, no leading zeros (2025年1月5日)."""
    day = day or _dt.date.today()
    return f"{day.year}年{day.month}月{day.day}日"


_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def _clean_line(line: str) -> str:
    line = _MD_HEADING.sub("", line)
    line = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2) or "", line)
    return _xml_safe(line.strip(" \t\r\u3000"))


def _lines(text: str) -> list[str]:
    return [c for c in (_clean_line(x) for x in (text or "").replace("\r\n", "\n").split("\n")) if c]


@dataclass
class _Image:
    data: bytes
    width_mm: float
    height_mm: float
    name: str


@dataclass
class _Item:
    role: str  # title subtitle h1 h2 h3 body runin picture nopicture caption byline org date
    text: str = ""
    image: _Image | None = None
    split: int = 0  # runin: length of the heading part


def _prepare_image(photo: Photo) -> _Image | None:
    """The photo's bytes ready for Word (upright, sensible size, a format Word reads), or None if unreadable."""
    path = Path(str(photo.path)).expanduser()
    try:
        with warnings.catch_warnings():  # Pillow's "Corrupt EXIF data" warning would go to stderr
            warnings.simplefilter("ignore")
            return _prepare_image_quietly(path)
    except Exception:  # noqa: BLE001 - missing file, not an image, truncated: the draft says so instead
        return None


def _docx_reads_header(raw: bytes) -> bool:
    """python-docx parses the image header itself (EXIF included) and fails on a corrupt one that
    Pillow tolerates: such photos are re-encoded, which drops the bad metadata."""
    try:
        from docx.image.image import Image as DocxImage

        DocxImage.from_blob(raw)
        return True
    except Exception:  # noqa: BLE001 - docx.image raises its own and struct errors
        return False


def _prepare_image_quietly(path: Path) -> _Image | None:
    from PIL import Image, ImageOps

    try:
        raw = path.read_bytes()
        with Image.open(io.BytesIO(raw)) as im:
            fmt = (im.format or "").upper()
            orientation = im.getexif().get(0x0112, 1)
            w, h = im.size
            needs = (fmt not in ("JPEG", "PNG", "GIF", "BMP") or orientation not in (1, None)
                     or max(w, h) > PHOTO_MAX_PIXELS or not _docx_reads_header(raw))
            if needs and fmt == "JPEG" and max(w, h) > PHOTO_MAX_PIXELS:
                # let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding: several times faster
                scale = PHOTO_MAX_PIXELS / max(w, h)
                im.draft("RGB", (max(1, int(w * scale)), max(1, int(h * scale))))
            im.load()  # a truncated or corrupt image fails here, not in Word
            if needs:
                out = ImageOps.exif_transpose(im)
                if max(out.size) > PHOTO_MAX_PIXELS:
                    out.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
                buf = io.BytesIO()
                if out.mode in ("RGBA", "LA", "P") and fmt != "JPEG":
                    out.save(buf, "PNG", optimize=False)
                else:
                    out.convert("RGB").save(buf, "JPEG", quality=88)
                raw = buf.getvalue()
                w, h = out.size
    except Exception:  # noqa: BLE001 - missing file, not an image, truncated: the draft says so instead
        return None
    if w <= 0 or h <= 0:
        return None
    width = PHOTO_MAX_WIDTH_MM
    height = width * h / w
    if height > PHOTO_MAX_HEIGHT_MM:
        height = PHOTO_MAX_HEIGHT_MM
        width = height * w / h
    return _Image(raw, width, height, path.name)


def _body_items(lines: Iterable[str]) -> list[_Item]:
    items = []
    for line in lines:
        numbered = numbered_heading(line)
        if numbered and numbered[1] == line.rstrip("。"):
            items.append(_Item("h1" if numbered[0] == 1 else "h2", line))
        elif numbered and numbered[0] == 2 and line.startswith(numbered[1]):
            items.append(_Item("runin", line, split=len(numbered[1]) + (1 if line[len(numbered[1]):].startswith("。") else 0)))
        elif re.match(r"^\d{1,2}[.．](?!\d)", line) and len(line) <= 30 and not re.search(r"[。；]", line[:-1]):
            items.append(_Item("h3", line))
        else:
            items.append(_Item("body", line))
    return items


def _photo_items(photos: Sequence[Photo], captions: list[str]) -> list[_Item]:
    items: list[_Item] = []
    captions = list(captions)
    for photo in photos:
        image = _prepare_image(photo)
        caption = _clean_line(photo.caption or "") or (captions.pop(0) if captions else "") or "【待补充：图片说明】"
        if image is None:
            name = Path(str(photo.path)).name or str(photo.path)
            items.append(_Item("nopicture", f"【待补充：图片 {name} 无法读取】"))
        else:
            items.append(_Item("picture", "", image=image))
        items.append(_Item("caption", caption))
    items.extend(_Item("caption", c) for c in captions)
    return items


def _plan(draft: Draft, org: str | None, date: str | None) -> list[_Item]:
    items: list[_Item] = []
    title = _clean_line(draft.title or "")
    if title:
        items.append(_Item("title", title))
    if (draft.kind or "").lower() == "news":
        subtitles: list[_Item] = []
        body: list[_Item] = []
        bylines: list[_Item] = []
        captions: list[str] = []
        for sec in draft.sections:
            heading = _clean_line(sec.heading or "")
            key = heading.rstrip("：:")
            lines = _lines(sec.text)
            if key in NEWS_SUBTITLE_HEADINGS:
                subtitles.extend(_Item("subtitle", x) for x in lines)
            elif key in NEWS_CAPTION_HEADINGS:
                captions.extend(lines)
            elif key in NEWS_BYLINE_HEADINGS:
                bylines.extend(_Item("byline", x) for x in lines)
            else:
                if heading and key not in NEWS_PLAIN_HEADINGS and key != "标题":
                    numbered = numbered_heading(heading)
                    body.append(_Item("h1" if numbered and numbered[0] == 1 else "h2", heading))
                for item in _body_items(lines):
                    if item.role == "body" and BYLINE_RE.match(item.text):
                        bylines.append(_Item("byline", item.text))
                    else:
                        body.append(item)
        items += subtitles + body
        if draft.photos:
            items += _photo_items(draft.photos, captions)
        else:
            items += [_Item("caption", c) for c in captions]
        items += bylines
        return items

    # summary (and anything else): numbered 一、 parts, org and date at the end
    n = 0
    photos_at = None
    for sec in draft.sections:
        heading = _clean_line(sec.heading or "")
        if heading.rstrip("：:") not in INTRO_HEADINGS:
            n += 1
            if not numbered_heading(heading):
                heading = f"{_cn_number(n)}、{heading}"
            items.append(_Item("h1", heading))
        items += _body_items(_lines(sec.text))
        if photos_at is None and SUMMARY_PHOTO_SECTION.search(heading):
            photos_at = len(items)
    if draft.photos:
        photo_items = _photo_items(draft.photos, [])
        at = photos_at if photos_at is not None else len(items)
        items[at:at] = photo_items
    if org:
        items.append(_Item("org", _clean_line(org)))
    items.append(_Item("date", _clean_line(date) if date else today_cn()))
    return items


def draft_text(draft: Draft, org: str | None = None, date: str | None = None) -> str:
    """Exactly the text read_docx gives back for write_draft_docx(draft, …, org=org, date=date).

    (A picture stands alone in its paragraph, so it shows as an empty line.) With no `date`, a summary
    is dated today, as in write_draft_docx.
    """
    return "\n".join(item.text for item in _plan(draft, org, date))


def _strip_theme_fonts(root) -> None:
    for rfonts in root.iter(_w("rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(_w(attr), None)


def _set_rfonts(rpr, latin: str, east: str) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(_w(attr), None)
    rfonts.set(_w("ascii"), latin)
    rfonts.set(_w("hAnsi"), latin)
    rfonts.set(_w("cs"), latin)
    rfonts.set(_w("eastAsia"), east)
    rfonts.set(_w("hint"), "eastAsia")


def _set_lang(rpr) -> None:
    from docx.oxml import OxmlElement

    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(_w("val"), "en-US")
    lang.set(_w("eastAsia"), "zh-CN")
    lang.set(_w("bidi"), "ar-SA")


def _style_font(style, latin: str, east: str, size, bold: bool = False) -> None:
    font = style.font
    font.name = latin
    font.size = size
    font.bold = bold
    font.italic = False
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr, latin, east)
    for tag in ("color", "spacing", "kern"):
        el = rpr.find(_w(tag))
        if el is not None:
            rpr.remove(el)
    szcs = rpr.find(_w("szCs"))
    if szcs is None:
        from docx.oxml import OxmlElement

        szcs = OxmlElement("w:szCs")
        rpr.append(szcs)
    szcs.set(_w("val"), str(int(size.pt * 2)))


def _set_doc_defaults(document, latin: str, east: str, size) -> None:
    styles_el = document.styles.element
    rpr = styles_el.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if rpr is not None:
        _set_rfonts(rpr, latin, east)
        _set_lang(rpr)
        for tag in ("sz", "szCs"):
            el = rpr.find(_w(tag))
            if el is not None:
                el.set(_w("val"), str(int(size.pt * 2)))
    ppr = styles_el.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")
    if ppr is not None:
        spacing = ppr.find(_w("spacing"))
        if spacing is not None:
            ppr.remove(spacing)


def _indent_chars(ppr_owner, first: int = 0, left: int = 0, right: int = 0, size_pt: float = SIZE_SANHAO) -> None:
    """w:ind in characters (hundredths) with the twips equivalent, which LibreOffice reads."""
    ppr = ppr_owner.get_or_add_pPr()
    ind = ppr.get_or_add_ind()
    for attr in list(ind.attrib):
        ind.attrib.pop(attr)
    ind.set(_w("firstLineChars"), str(first * 100))
    ind.set(_w("firstLine"), str(int(first * size_pt * 20)))
    ind.set(_w("leftChars"), str(left * 100))
    ind.set(_w("left"), str(int(left * size_pt * 20)))
    ind.set(_w("rightChars"), str(right * 100))
    ind.set(_w("right"), str(int(right * size_pt * 20)))


def _para_style(style, align, first_chars: int, exact: bool = True, keep_next: bool = False,
                space_after_pt: float = 0, outline: int | None = None) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(space_after_pt)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH_PT)
    else:
        pf.line_spacing = 1.0
    pf.keep_with_next = keep_next
    pf.widow_control = False
    ppr = style.element.get_or_add_pPr()
    for tag in ("pBdr", "contextualSpacing"):
        el = ppr.find(_w(tag))
        if el is not None:
            ppr.remove(el)
    _indent_chars(style.element, first=first_chars)
    if outline is not None:
        ol = ppr.find(_w("outlineLvl"))
        if ol is None:
            ol = OxmlElement("w:outlineLvl")
            ppr.append(ol)
        ol.set(_w("val"), str(outline))
        # keep schema order: outlineLvl comes late in pPr; python-docx's insert helpers handle the rest
        ppr.remove(ol)
        ppr.insert_element_before(ol, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _add_font_table_entries(document) -> None:
    from lxml import etree
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    root = etree.fromstring(part.blob)
    present = {f.get(_w("name")) for f in root.findall(_w("font"))}
    for name, alt in FONT_FALLBACKS.items():
        if name in present:
            continue
        font = etree.SubElement(root, _w("font"))
        font.set(_w("name"), name)
        etree.SubElement(font, _w("altName")).set(_w("val"), alt)
        etree.SubElement(font, _w("charset")).set(_w("val"), "86")
        etree.SubElement(font, _w("family")).set(_w("val"), "auto")
        etree.SubElement(font, _w("pitch")).set(_w("val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_page_number(paragraph, align, indent_side: str) -> None:
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    pf = paragraph.paragraph_format
    pf.alignment = align
    pf.line_spacing = 1.0
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pprown = paragraph._p
    _indent_chars(pprown, left=1 if indent_side == "left" else 0, right=1 if indent_side == "right" else 0,
                  size_pt=SIZE_SIHAO)

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None):
        r = paragraph.add_run(text or "")
        r.font.size = Pt(SIZE_SIHAO)
        _set_rfonts(r._r.get_or_add_rPr(), FONT_PAGE, FONT_PAGE)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(_w("fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(XML_SPACE, "preserve")
            el.text = instr
            r._r.append(el)
        return r

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _setup_gbt9704(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(23)
    grid = section._sectPr.find(_w("docGrid"))
    if grid is None:
        from docx.oxml import OxmlElement

        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid only: a character grid ("linesAndChars", 28 per line) is honoured by Word and WPS but
    # LibreOffice spreads the characters to about half that, so we leave characters to the font's pitch.
    grid.set(_w("type"), "lines")
    grid.set(_w("linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.attrib.pop(_w("charSpace"), None)

    styles = document.styles
    _strip_theme_fonts(styles.element)
    _set_doc_defaults(document, FONT_LATIN, FONT_BODY, Pt(SIZE_SANHAO))
    spec = [
        # style, east-asian font, size, bold, alignment, first-line chars, exact, keep-next, space after, outline
        ("Normal", FONT_BODY, SIZE_SANHAO, False, AL.JUSTIFY, 2, True, False, 0, None),
        ("Title", FONT_TITLE, SIZE_ERHAO, False, AL.CENTER, 0, True, False, LINE_PITCH_PT, None),
        ("Subtitle", FONT_H2, SIZE_SANHAO, False, AL.CENTER, 0, True, False, LINE_PITCH_PT, None),
        ("Heading 1", FONT_H1, SIZE_SANHAO, False, AL.JUSTIFY, 2, True, True, 0, 0),
        ("Heading 2", FONT_H2, SIZE_SANHAO, False, AL.JUSTIFY, 2, True, True, 0, 1),
        ("Heading 3", FONT_BODY, SIZE_SANHAO, True, AL.JUSTIFY, 2, True, True, 0, 2),
        ("Caption", FONT_H2, SIZE_SIHAO, False, AL.CENTER, 0, True, False, 0, None),
    ]
    for name, east, size, bold, align, first, exact, keep, after, outline in spec:
        style = styles[name]
        _style_font(style, FONT_LATIN, east, Pt(size), bold)
        _para_style(style, align, first, exact, keep, after, outline)
    caption = styles["Caption"]
    caption.paragraph_format.space_after = Pt(LINE_PITCH_PT / 2)
    footer_style = styles["Footer"]
    _style_font(footer_style, FONT_PAGE, FONT_PAGE, Pt(SIZE_SIHAO))
    _para_style(footer_style, AL.CENTER, 0, exact=False)

    # page numbers: odd pages right, even pages left, each 空一字
    document.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _add_page_number(section.footer.paragraphs[0], AL.RIGHT, "right")
    _add_page_number(section.even_page_footer.paragraphs[0], AL.LEFT, "left")

    settings = document.settings.element
    csc = settings.find(_w("characterSpacingControl"))
    if csc is not None:
        csc.set(_w("val"), "compressPunctuation")
    _add_font_table_entries(document)


def _write_item(document, item: _Item) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from docx.shared import Mm, Pt

    style, east, size, bold = {
        "title": ("Title", FONT_TITLE, SIZE_ERHAO, False),
        "subtitle": ("Subtitle", FONT_H2, SIZE_SANHAO, False),
        "h1": ("Heading 1", FONT_H1, SIZE_SANHAO, False),
        "h2": ("Heading 2", FONT_H2, SIZE_SANHAO, False),
        "h3": ("Heading 3", FONT_BODY, SIZE_SANHAO, True),
        "caption": ("Caption", FONT_H2, SIZE_SIHAO, False),
    }.get(item.role, ("Normal", FONT_BODY, SIZE_SANHAO, False))
    p = document.add_paragraph(style=style)

    def add(text: str, east_font: str = east, bold_run: bool = bold) -> None:
        r = p.add_run(text)
        r.font.size = Pt(size)
        r.font.bold = bold_run
        _set_rfonts(r._r.get_or_add_rPr(), FONT_LATIN, east_font)

    if item.role == "picture" and item.image is not None:
        pf = p.paragraph_format
        pf.alignment = AL.CENTER
        pf.line_spacing = 1.0  # an exact line height would crop the picture
        pf.keep_with_next = True
        _indent_chars(p._p, first=0)
        p.add_run().add_picture(io.BytesIO(item.image.data), width=Mm(item.image.width_mm),
                                height=Mm(item.image.height_mm))
        return
    if item.role == "runin":
        add(item.text[: item.split], FONT_H2)
        if item.text[item.split:]:
            add(item.text[item.split:])
        return
    add(item.text)
    if item.role == "nopicture":
        p.paragraph_format.alignment = AL.CENTER
        _indent_chars(p._p, first=0)
    elif item.role == "byline":
        p.paragraph_format.alignment = AL.RIGHT
        _indent_chars(p._p, first=0)
    elif item.role in ("org", "date"):
        p.paragraph_format.alignment = AL.RIGHT
        _indent_chars(p._p, first=0, right=4 if item.role == "date" else 2)
        if item.role == "org":
            p.paragraph_format.space_before = Pt(LINE_PITCH_PT * 2)


def write_draft_docx(draft: Draft, path: Path, *, org: str | None = None, date: str | None = None) -> Path:
    """Write `draft` as a .docx in GB/T 9704-style layout; returns the path written.

    A summary: title, its sections as 一、… parts (numbered when the heading isn't), photos after the
    achievements part, then `org` and `date` (today when not given) at the end. A news story: headline,
    副标题 if any, lead and body, the photos at a width that fits the 版心 each with its 图片说明 under it,
    then the byline. read_docx(path).text == draft_text(draft, org=org, date=date).
    """
    import docx

    path = Path(path)
    items = _plan(draft, org, date)
    document = docx.Document()
    _setup_gbt9704(document)
    for item in items:
        _write_item(document, item)
    props = document.core_properties
    props.title = _clean_line(draft.title or "")
    props.author = org or "笔杆 Writer"
    props.last_modified_by = "笔杆 Writer"
    props.language = "zh-CN"
    props.comments = ""
    props.created = props.modified = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    return _save_atomically(document, path)

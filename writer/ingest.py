"""Past documents: read a file, strip copy debris, find its metadata, split it into chunks."""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .errors import InputError
from .models import Chunk, Document
from .textio import read_any

DOCUMENT_SUFFIXES = {".docx", ".txt", ".md", ".markdown"}
RECORD_SUFFIXES = {".json", ".csv"}
MANIFEST_NAME = "manifest.toml"
HEADER_LINES = 6
CHUNK_SIZE = 320
CHUNK_OVERLAP = 40
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]
KINDS = ("news", "summary")
DATA_DIR = Path(__file__).resolve().parent / "data"

_SUMMARY_HEADINGS = re.compile(
    r"^\s*[一二三四五六][、.．]\s*(基本情况|工作开展情况|工作情况|主要(成效|成绩|做法)|取得的成[绩效]|存在的?(问题|不足)|"
    r"问题和不足|下一步|\d{4}年工作(思路|打算|计划)|明年工作|今后工作)",
    re.M,
)
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_DATED = re.compile(r"(20\d{2}|19\d{2})\s*[-年/.]\s*\d{1,2}\s*[-月/.]")
_TITLE_LINE = re.compile(r"^\s*标\s*题\s*[:：]\s*(.+)$", re.M)


@dataclass
class FileMeta:
    kind: str | None = None
    org: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class DebrisRules:
    navigation: re.Pattern
    lines: re.Pattern
    repeat_max_chars: int
    repeat_keep: re.Pattern


@lru_cache(maxsize=1)
def debris_rules() -> DebrisRules:
    with (DATA_DIR / "debris.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return DebrisRules(
        navigation=re.compile("|".join(f"(?:{p})" for p in data["navigation_patterns"])),
        lines=re.compile("|".join(f"(?:{p})" for p in data["line_patterns"] + data["navigation_patterns"])),
        repeat_max_chars=int(data["repeat_max_chars"]),
        repeat_keep=re.compile(data["repeat_keep"]),
    )


_SENTENCE_END = tuple("。！？；：…”’」』）)】》")
_LIST_START = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.．、]|[—\-•·（(【])")


def _rejoin_wrapped(lines: list[str]) -> list[str]:
    """Join lines a PDF copy broke mid-sentence: a long line with no closing punctuation, then more text."""
    out: list[str] = []
    for line in lines:
        prev = out[-1].rstrip() if out else ""
        is_title = not any(o.strip() for o in out[:-1])
        if (len(prev) >= 20 and not is_title and line.strip() and not prev.endswith(_SENTENCE_END)
                and not _LIST_START.match(line)):
            out[-1] = prev + line.strip()
        else:
            out.append(line)
    return out


def strip_debris(text: str, rejoin: bool = True) -> str:
    """Remove whole lines that are web/PDF debris, rejoin lines broken mid-sentence (not for .docx,
    whose paragraphs are real), collapse blank runs."""
    rules = debris_rules()
    navigation, pattern = rules.navigation, rules.lines
    lines = text.splitlines()
    stripped = [line.strip() for line in lines]
    repeats = Counter(s for s in stripped if s and len(s) <= rules.repeat_max_chars)
    debris = [
        bool(pattern.fullmatch(s)) or (repeats[s] >= 2 and not rules.repeat_keep.fullmatch(s))
        for s in stripped
    ]
    header_end = max(
        (i for i, line in enumerate(lines[:HEADER_LINES]) if navigation.fullmatch(line.strip())), default=-1
    )
    if all(flag or (len(line.strip()) <= 20 and "。" not in line) for line, flag in zip(lines[:header_end], debris)):
        debris[: header_end + 1] = [True] * (header_end + 1)
    kept = [line for line, flag in zip(lines, debris) if not flag]
    cleaned = "\n".join(_rejoin_wrapped(kept) if rejoin else kept)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def find_title(text: str) -> str:
    match = _TITLE_LINE.search(text)
    if match:
        return match.group(1).strip()
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:80]
    return "（无标题）"


def guess_kind(title: str, text: str) -> str:
    if len(_SUMMARY_HEADINGS.findall(text)) >= 2 or re.search(r"工作总结|年度总结|述职报告", title):
        return "summary"
    return "news"


def find_year(title: str, text: str, original: str = "") -> int | None:
    """The document's year: in its title, else its first full date (often a 发布时间 line of the
    original), else the year the text mentions most."""
    found = _YEAR.search(title)
    if found:
        return int(found.group(1))
    found = _DATED.search(original or text)
    if found:
        return int(found.group(1))
    years = [int(y) for y in _YEAR.findall(text)]
    return max(set(years), key=years.count) if years else None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(source: str) -> str:
    return hashlib.sha1(str(Path(source).resolve()).encode("utf-8")).hexdigest()[:16]


def make_document(path: Path, meta: FileMeta | None = None, source: str | None = None) -> Document:
    meta = meta or FileMeta()
    original = read_any(path).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_debris(original, rejoin=path.suffix.lower() != ".docx")
    if not text.strip():
        raise InputError(f"{path.name} 去除网页/版面残留后没有正文")
    title = find_title(text)
    if meta.kind and meta.kind not in KINDS:
        raise InputError(f"文档类型“{meta.kind}”无效，应为 news 或 summary")
    return Document(
        doc_id=doc_id_for(str(path)),
        title=title,
        kind=meta.kind or guess_kind(title, text),
        org=meta.org or "",
        year=meta.year or find_year(title, text, original),
        source=source or str(path),
        content_hash=content_hash(original),
        text=text,
        original_text=original,
    )


@lru_cache(maxsize=4)
def _splitter(size: int, overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, separators=SEPARATORS, keep_separator="end"
    )


def split_document(document: Document, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    pieces = [p.strip() for p in _splitter(size, overlap).split_text(document.text)]
    metadata = {
        "doc_id": document.doc_id,
        "title": document.title,
        "kind": document.kind,
        "org": document.org,
        "year": document.year or 0,
        "source": document.source,
    }
    return [
        Chunk(doc_id=document.doc_id, position=i, text=piece, metadata={**metadata, "position": i})
        for i, piece in enumerate(p for p in pieces if p)
    ]


def _read_manifest(folder: Path) -> tuple[dict[str, FileMeta], list[str]]:
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}, []
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} 格式有误：{exc}") from None
    files = {
        name: FileMeta(kind=v.get("kind"), org=v.get("org"), year=v.get("year"))
        for name, v in (data.get("files") or {}).items()
        if isinstance(v, dict)
    }
    return files, list(data.get("exclude") or [])


@dataclass
class Planned:
    path: Path
    meta: FileMeta
    is_records: bool = False


def plan_paths(paths: list[Path], defaults: FileMeta) -> list[Planned]:
    """Files to ingest under the given paths, with metadata from manifest.toml files and the defaults.

    Explicit options (--kind/--org/--year) win over a manifest, which wins over guessing.
    """
    planned: list[Planned] = []
    for root in paths:
        if not root.exists():
            raise InputError(f"找不到文件或文件夹：{root}")
        if root.is_file():
            planned.append(Planned(root, defaults, root.suffix.lower() in RECORD_SUFFIXES))
            continue
        manifests: dict[Path, tuple[dict[str, FileMeta], list[str]]] = {}
        for path in sorted(root.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            suffix = path.suffix.lower()
            if suffix not in DOCUMENT_SUFFIXES | RECORD_SUFFIXES or path.name.lower() == "readme.md":
                continue
            meta, excluded = _manifest_meta(path, root, manifests)
            if excluded:
                continue
            merged = FileMeta(
                kind=defaults.kind or meta.kind,
                org=defaults.org or meta.org,
                year=defaults.year or meta.year,
            )
            planned.append(Planned(path, merged, suffix in RECORD_SUFFIXES))
    return planned


def _manifest_meta(path: Path, root: Path, cache: dict) -> tuple[FileMeta, bool]:
    """Metadata for `path` from the nearest manifest.toml between its folder and `root`."""
    folder = path.parent
    while True:
        if folder not in cache:
            cache[folder] = _read_manifest(folder)
        files, exclude = cache[folder]
        relative = path.relative_to(folder).as_posix()
        if any(fnmatch.fnmatch(relative, pattern) for pattern in exclude):
            return FileMeta(), True
        if relative in files:
            return files[relative], False
        if folder == root or folder == folder.parent:
            return FileMeta(), False
        folder = folder.parent

"""What the UI needs that is not gradio: plain functions over the library, the drafters, the checker and
the Word export, testable alone and reusable by the CLI.

Nothing here imports gradio. ui.py translates between these functions and the page.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import threading
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import InputError, WriterError
from .models import CATEGORIES, CATEGORY_NAMES, SEVERITY_NAMES, Draft, Fact, Finding, Photo, Record, SearchHit, Section
from .settings import Settings, get_settings

# --------------------------------------------------------------------------------------------------
# Names people read
# --------------------------------------------------------------------------------------------------

CATEGORY_BY_NAME = {v: k for k, v in CATEGORY_NAMES.items()}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# one colour per category for highlighted text (legend and spans)
CATEGORY_COLORS = {
    "空话套话": "#f6c26b",
    "缺少数据": "#9ec5fe",
    "占位符未替换": "#f1948a",
    "数字核对": "#f5a3c7",
    "序号层次": "#c3b1e1",
    "错别字": "#ff8a80",
    "标点符号": "#b5e3a1",
    "结构": "#a0d8e8",
    "导语": "#ffd59e",
    "复制残留": "#d7ccc8",
    "数据来源": "#ffab91",
}
KIND_NAMES = {"news": "新闻稿", "summary": "年度总结"}
KIND_CHOICES = {"自动识别": "auto", "新闻稿": "news", "年度总结": "summary"}

# --------------------------------------------------------------------------------------------------
# Uploads: size, type and content checked; stored under WRITER_HOME
# --------------------------------------------------------------------------------------------------

MB = 1024 * 1024
LIMITS = {  # kind -> (allowed suffixes, max bytes per file)
    "document": ({".docx", ".txt", ".md"}, 20 * MB),
    "notes": ({".docx", ".txt", ".md"}, 5 * MB),
    "records": ({".json", ".csv"}, 20 * MB),
    "photo": ({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}, 15 * MB),
}
MAX_FILES = {"document": 50, "notes": 1, "records": 1, "photo": 12}
MAX_UPLOAD_BYTES = 25 * MB  # the server-wide cap given to gradio
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_IMAGE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}


def safe_name(name: str, default: str = "file") -> str:
    """A file name that cannot leave its folder: the last component, no control or path characters."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not base or base in (".", ".."):
        base = default
    if len(base) > 120:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:100] + dot + suffix[:15]) if dot else base[:120]
    return base


def display_name(path: str | Path) -> str:
    return safe_name(Path(str(path)).name)


def check_upload(path: str | Path, kind: str) -> Path:
    """Refuse an upload of the wrong type, too large, or whose content is not what its name says."""
    path = Path(str(path))
    suffixes, limit = LIMITS[kind]
    name = display_name(path)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(f"不支持的文件类型：{name}（可以上传 {'、'.join(sorted(suffixes))}）")
    if not path.is_file():
        raise InputError(f"上传的文件 {name} 没有收到，请重新上传")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name} 是空文件")
    if size > limit:
        raise InputError(f"{name} 太大（{size / MB:.1f} MB），超过 {limit // MB} MB 的上限")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if suffix == ".docx":
        if not head.startswith(b"PK\x03\x04"):
            what = _sniff(head)
            raise InputError(f"{name} 不是有效的 Word 文档（.docx）{what}，请在 Word 或 WPS 中另存为 .docx 后再上传")
    elif kind == "photo":
        try:
            from PIL import Image

            with Image.open(path) as im:
                fmt = im.format
                im.verify()
        except Exception:
            raise InputError(f"{name} 不是能识别的图片（支持 JPG、PNG、WebP、GIF、BMP；HEIC 请先转换为 JPG）") from None
        if fmt not in _IMAGE_FORMATS:
            raise InputError(f"{name} 的图片格式 {fmt} 不受支持，请转换为 JPG 或 PNG")
    else:
        if head.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")):
            raise InputError(f"{name} 看起来不是文本文件{_sniff(head)}，请上传纯文本")
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(f"{name} 看起来是二进制文件，不是文本")
    return path


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "（实际是 PDF 文件）"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "（实际是旧版 .doc 文件）"
    if head.startswith(b"PK\x03\x04"):
        return "（实际是压缩包或 Office 文档）"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        return "（实际是图片）"
    return ""


def check_uploads(paths: Sequence[str | Path] | None, kind: str) -> list[Path]:
    paths = [p for p in (paths or []) if p]
    if len(paths) > MAX_FILES[kind]:
        raise InputError(f"一次最多上传 {MAX_FILES[kind]} 个文件，这次选了 {len(paths)} 个")
    return [check_upload(p, kind) for p in paths]


def store_upload(path: str | Path, kind: str, settings: Settings | None = None, batch: str | None = None) -> Path:
    """Check an upload and keep a copy under WRITER_HOME/uploads/<kind>/<batch>/ (the gradio cache is
    cleaned up; drafts in the history point at these copies)."""
    settings = settings or get_settings()
    src = check_upload(path, kind)
    folder = settings.uploads_dir / kind / (batch or new_batch())
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / safe_name(src.name)
    shutil.copyfile(src, dest)
    return dest


def new_batch() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def prune(folder: str | Path, max_age_days: float = 7.0) -> int:
    """Remove the sub-folders of `folder` not touched for `max_age_days` (files written for downloads)."""
    import time

    folder = Path(folder)
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for sub in folder.iterdir():
        try:
            if sub.is_dir() and not sub.is_symlink() and sub.stat().st_mtime < cutoff:
                shutil.rmtree(sub, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def out_dir(base: str | Path) -> Path:
    """A fresh folder for files one request writes (under the gradio cache, itself under WRITER_HOME)."""
    folder = Path(base) / "writer-out" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --------------------------------------------------------------------------------------------------
# Escaping user text for HTML
# --------------------------------------------------------------------------------------------------


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def esc_multiline(text: Any) -> str:
    return esc(text).replace("\n", "<br>")


def notice_html(messages: Iterable[str], level: str = "info") -> str:
    items = [m for m in messages if m]
    if not items:
        return ""
    body = "".join(f"<li>{esc_multiline(m)}</li>" for m in items)
    return f'<div class="bg-notice bg-{esc(level)}"><ul>{body}</ul></div>'


def message_html(text: str, level: str = "info") -> str:
    return f'<div class="bg-notice bg-{esc(level)}">{esc_multiline(text)}</div>' if text else ""


# --------------------------------------------------------------------------------------------------
# Defaults: the organisation and year people most likely want
# --------------------------------------------------------------------------------------------------


@dataclass
class Choices:
    orgs: list[str]  # every org in the library
    record_orgs: list[str]  # orgs with activity records, most records first
    years: dict[str, list[int]]  # org -> years with records, latest first
    default_org: str | None
    default_year: int | None


def library_choices(library) -> Choices:
    counts: Counter = Counter()
    years: dict[str, set[int]] = defaultdict(set)
    for r in library.query_records():
        counts[r.org] += 1
        years[r.org].add(r.year)
    record_orgs = [o for o, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    org = record_orgs[0] if record_orgs else None
    by_org = {o: sorted(ys, reverse=True) for o, ys in years.items()}
    year = by_org[org][0] if org else None
    return Choices(orgs=library.orgs(), record_orgs=record_orgs, years=by_org, default_org=org, default_year=year)


def parse_year(value: Any) -> int | None:
    if value in (None, "", "（全部）", "全部"):
        return None
    try:
        year = int(float(str(value).strip().rstrip("年")))
    except ValueError:
        raise InputError(f"年份“{value}”无效，应为四位数字，如 2025") from None
    if not 1900 <= year <= 2100:
        raise InputError(f"年份“{value}”超出范围")
    return year


def clean_org(value: Any) -> str | None:
    text = str(value or "").strip()
    return None if text in ("", "（不限）", "（全部）", "（未注明）") else text


# --------------------------------------------------------------------------------------------------
# Findings: highlighted spans, table rows, per-file summaries
# --------------------------------------------------------------------------------------------------


def _get(f: Any, name: str, default: Any = None) -> Any:
    return f.get(name, default) if isinstance(f, dict) else getattr(f, name, default)


def finding_dict(f: Finding | dict) -> dict:
    return dict(f) if isinstance(f, dict) else f.to_dict()


def filter_findings(findings: Sequence[Any], categories: Iterable[str] | None) -> list[Any]:
    """Keep findings whose category (code or Chinese name) is in `categories`; None keeps all."""
    if categories is None:
        return list(findings)
    wanted = {CATEGORY_BY_NAME.get(c, c) for c in categories}
    return [f for f in findings if _get(f, "category") in wanted]


def highlight_spans(text: str, findings: Sequence[Any]) -> list[tuple[str, str | None]]:
    """The text cut into (piece, label) pairs: label is the Chinese category name of the most severe
    finding covering the piece, None where nothing was found. Overlaps are resolved by a sweep, so a
    long document with many findings stays linear."""
    n = len(text)
    events: list[tuple[int, int, int]] = []  # (position, 0=end/1=start, index)
    spans = []
    for i, f in enumerate(findings):
        s, e = max(0, int(_get(f, "start", 0))), min(n, int(_get(f, "end", 0)))
        if e <= s:
            continue
        spans.append((s, e, f))
        events.append((s, 1, len(spans) - 1))
        events.append((e, 0, len(spans) - 1))
    if not spans:
        return [(text, None)] if text else []
    events.sort()
    out: list[tuple[str, str | None]] = []
    active: set[int] = set()
    pos = 0
    k = 0
    while k < len(events):
        at = events[k][0]
        if at > pos:
            label = None
            if active:
                best = min(active, key=lambda j: (SEVERITY_RANK.get(_get(spans[j][2], "severity"), 3), spans[j][0]))
                label = CATEGORY_NAMES.get(_get(spans[best][2], "category"), _get(spans[best][2], "category"))
            piece = text[pos:at]
            if out and out[-1][1] == label:  # one highlighted run per category, not a seam per finding edge
                out[-1] = (out[-1][0] + piece, label)
            else:
                out.append((piece, label))
            pos = at
        while k < len(events) and events[k][0] == at:
            _, kind, j = events[k]
            (active.add if kind else active.discard)(j)
            k += 1
    if pos < n:
        out.append((text[pos:], None))
    return out


FINDING_HEADERS = ["序号", "位置", "严重程度", "类别", "原文", "问题", "修改建议"]


def line_of(text: str, offset: int, starts: list[int] | None = None) -> int:
    from bisect import bisect_right

    starts = starts if starts is not None else [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return bisect_right(starts, offset)


def finding_rows(text: str, findings: Sequence[Any]) -> list[list[Any]]:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    rows = []
    for i, f in enumerate(findings, 1):
        quoted = str(_get(f, "text", "")).replace("\n", "⏎")
        if len(quoted) > 40:
            quoted = quoted[:38] + "…"
        rows.append([
            i,
            f"第{line_of(text, int(_get(f, 'start', 0)), starts)}行",
            SEVERITY_NAMES.get(_get(f, "severity"), _get(f, "severity")),
            CATEGORY_NAMES.get(_get(f, "category"), _get(f, "category")),
            quoted,
            _get(f, "message", ""),
            _get(f, "suggestion", "") or "",
        ])
    return rows


def count_line(findings: Sequence[Any]) -> str:
    if not findings:
        return "未发现问题。"
    c = Counter(_get(f, "severity") for f in findings)
    return (f"共发现 {len(findings)} 处问题：错误 {c.get('error', 0)} 处，警告 {c.get('warning', 0)} 处，"
            f"提示 {c.get('info', 0)} 处。")


def categories_present(findings: Sequence[Any]) -> list[str]:
    present = {_get(f, "category") for f in findings}
    return [CATEGORY_NAMES[c] for c in CATEGORIES if c in present]


@dataclass
class CheckResult:
    text: str
    kind: str
    findings: list[Finding]

    @property
    def spans(self) -> list[tuple[str, str | None]]:
        return highlight_spans(self.text, self.findings)

    @property
    def rows(self) -> list[list[Any]]:
        return finding_rows(self.text, self.findings)


def check_text(text: str, kind: str = "auto", records: list[Record] | None = None,
               facts: list[Fact] | None = None) -> CheckResult:
    from .check import check, detect_kind

    if not (text or "").strip():
        raise InputError("没有可检查的文字，请先粘贴或上传文稿")
    kind = KIND_CHOICES.get(kind, kind) or "auto"
    if kind not in ("auto", "news", "summary"):
        raise InputError(f"文种“{kind}”无效")
    detected = detect_kind(text) if kind == "auto" else kind
    return CheckResult(text, detected, check(text, kind=detected, records=records or None, facts=facts))


# --------------------------------------------------------------------------------------------------
# Reviewing files: read, check, annotate, summarise, zip
# --------------------------------------------------------------------------------------------------


@dataclass
class Reviewed:
    name: str
    text: str = ""
    kind: str = ""
    findings: list[dict] = field(default_factory=list)
    docx: str | None = None
    error: str | None = None


SUMMARY_HEADERS = ["文件", "文种", "字数", "错误", "警告", "提示", "主要问题"]


def read_submission(path: Path) -> str:
    from .textio import decode_text

    if path.suffix.lower() == ".docx":
        from .wordio import read_docx

        return read_docx(path).text
    return decode_text(path.read_bytes(), display_name(path))


def review_one(path: Path | None, name: str, text: str | None, kind: str, folder: Path,
               records: list[Record] | None = None, facts: list[Fact] | None = None) -> Reviewed:
    """Check one submission and write its annotated .docx into `folder`. Errors become `error`."""
    from .wordio import annotate_docx

    item = Reviewed(name=name)
    try:
        if text is None:
            check_upload(path, "document")
            text = read_submission(path)
        if not text.strip():
            raise InputError(f"{name} 没有可审核的文字")
        result = check_text(text, kind, records, facts)
        item.text, item.kind = text, result.kind
        item.findings = [f.to_dict() for f in result.findings]
        stem = Path(name).stem or "文稿"
        out = folder / safe_name(f"{stem}（审核意见）.docx")
        source = path if path is not None and path.suffix.lower() == ".docx" else None
        annotate_docx(source, text, result.findings, out)
        item.docx = str(out)
    except WriterError as exc:
        item.error = str(exc)
    return item


def review_files(paths: Sequence[str | Path], kind: str, folder: Path, records=None, facts=None,
                 progress: Callable[[int, int, str], None] | None = None) -> list[Reviewed]:
    paths = [Path(str(p)) for p in paths or [] if p]
    if not paths:
        raise InputError("请先上传要审核的文件（.docx 或 .txt）")
    if len(paths) > MAX_FILES["document"]:
        raise InputError(f"一次最多审核 {MAX_FILES['document']} 个文件，这次选了 {len(paths)} 个")
    out = []
    used: set[str] = set()
    for i, p in enumerate(paths):
        name = display_name(p)
        if progress:
            progress(i, len(paths), name)
        sub = folder / f"{i:03d}" if name in used else folder
        used.add(name)
        sub.mkdir(parents=True, exist_ok=True)
        out.append(review_one(p, name, None, kind, sub, records, facts))
    if progress:
        progress(len(paths), len(paths), "")
    return out


def summary_rows(items: Sequence[Reviewed]) -> list[list[Any]]:
    rows = []
    for it in items:
        if it.error:
            rows.append([it.name, "—", 0, "—", "—", "—", f"无法审核：{it.error}"])
            continue
        c = Counter(f["severity"] for f in it.findings)
        top = Counter(CATEGORY_NAMES.get(f["category"], f["category"]) for f in it.findings).most_common(3)
        rows.append([it.name, KIND_NAMES.get(it.kind, it.kind), len(it.text), c.get("error", 0), c.get("warning", 0),
                     c.get("info", 0), "、".join(f"{k}{v}处" for k, v in top) or "未发现问题"])
    return rows


def zip_reviewed(items: Sequence[Reviewed], path: Path) -> Path | None:
    """All reviewed .docx files and a summary table (CSV, opens in Excel/WPS) in one .zip."""
    files = [it for it in items if it.docx]
    if not files:
        return None
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SUMMARY_HEADERS)
    writer.writerows(summary_rows(items))
    names: set[str] = set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for it in files:
            arc = Path(it.docx).name
            n = 2
            while arc in names:
                arc = f"{Path(it.docx).stem}-{n}.docx"
                n += 1
            names.add(arc)
            zf.write(it.docx, arc)
        zf.writestr("审核汇总.csv", "\ufeff" + buf.getvalue())
    return path


# --------------------------------------------------------------------------------------------------
# Drafts as editable text, and back
# --------------------------------------------------------------------------------------------------

_CAPTION_LINE = re.compile(r"^\s*图\s*(\d{1,2})\s*[：:]\s*(.*)$")
_PART_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、\S")


def draft_to_text(draft: Draft) -> str:
    """The draft as the text the user edits: title (a news story's subtitle on the next line), a blank line,
    then the parts; a news story's photo captions last, one per line as 图1：…"""
    out = [draft.title.strip()]
    subtitles = [s.text.strip() for s in draft.sections if draft.kind != "summary" and s.heading == "副标题"]
    out += subtitles[:1]  # a news subtitle sits right under the headline, no blank line between
    out.append("")
    for s in draft.sections:
        if draft.kind != "summary" and s.heading == "副标题":
            continue
        if draft.kind == "summary" and s.heading:
            out.append(s.heading.strip())
        out.append(s.text.strip())
        out.append("")
    if draft.kind != "summary":
        for i, p in enumerate(draft.photos, 1):
            out.append(f"图{i}：{p.caption}")
    return "\n".join(out).strip() + "\n"


def text_to_draft(text: str, base: Draft | None, kind: str) -> Draft:
    """The edited text as a Draft for export: parts from the text, photos and facts from `base`."""
    lines = [ln.rstrip() for ln in (text or "").replace("\r\n", "\n").split("\n")]
    if not any(ln.strip() for ln in lines):
        raise InputError("草稿是空的，请先生成或输入草稿")
    photos = [Photo(p.path, p.caption, p.taken) for p in (base.photos if base else [])]
    idx = next(i for i, ln in enumerate(lines) if ln.strip())
    title = lines[idx].strip()
    rest = lines[idx + 1:]
    if kind == "summary" and _PART_HEADING.match(title):
        title, rest = (base.title if base else ""), lines[idx:]
    sections: list[Section] = []
    if kind == "summary":
        heading, body = "", []
        for ln in rest:
            if _PART_HEADING.match(ln) and len(ln.strip()) <= 30:
                if heading or any(b.strip() for b in body):
                    sections.append(Section(heading, "\n".join(b.strip() for b in body if b.strip())))
                heading, body = ln.strip(), []
            else:
                body.append(ln)
        sections.append(Section(heading, "\n".join(b.strip() for b in body if b.strip())))
    else:
        if rest and rest[0].strip():  # the line right under the headline, before any blank line
            sections.append(Section("副标题", rest[0].strip()))
            rest = rest[1:]
        body = []
        for ln in rest:
            m = _CAPTION_LINE.match(ln)
            if m and 1 <= int(m.group(1)) <= len(photos):
                photos[int(m.group(1)) - 1].caption = m.group(2).strip()
                continue
            if ln.strip():
                body.append(ln.strip())
        sections.append(Section("正文", "\n".join(body)))
    draft = Draft(kind=kind, title=title, sections=sections, photos=photos,
                  facts=list(base.facts) if base else [], citations=[],
                  backend=base.backend if base else "edited", notices=[])
    return draft


def export_docx(text: str, base: Draft | None, kind: str, folder: Path, org: str | None = None) -> Path:
    from .wordio import write_draft_docx

    draft = text_to_draft(text, base, kind)
    name = safe_name(f"{draft.title[:40] or KIND_NAMES.get(kind, '草稿')}.docx", "草稿.docx")
    return write_draft_docx(draft, folder / name, org=org)


# --------------------------------------------------------------------------------------------------
# Streaming a draft from a worker thread
# --------------------------------------------------------------------------------------------------


@dataclass
class StreamUpdate:
    text: str  # everything received so far (raw model text) or, when done, the editable draft text
    done: bool = False
    draft: Draft | None = None
    error: BaseException | None = None


def stream_draft(run: Callable[[Callable[[str], None]], Draft], interval: float = 0.15) -> Iterator[StreamUpdate]:
    """Run `run(on_chunk)` in a thread; yield the text received so far at most every `interval` seconds,
    then a final update with the Draft (or the error)."""
    import queue

    chunks: "queue.Queue[tuple[str, Any]]" = queue.Queue()

    def worker() -> None:
        try:
            draft = run(lambda c: chunks.put(("chunk", c)))
            chunks.put(("done", draft))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            chunks.put(("error", exc))

    thread = threading.Thread(target=worker, name="writer-draft", daemon=True)
    thread.start()
    received: list[str] = []
    while True:
        try:
            kind, value = chunks.get(timeout=interval)
        except queue.Empty:
            continue
        pending = [(kind, value)]
        while True:
            try:
                pending.append(chunks.get_nowait())
            except queue.Empty:
                break
        final = None
        for k, v in pending:
            if k == "chunk":
                received.append(v)
            else:
                final = (k, v)
        if final is None:
            yield StreamUpdate("".join(received))
            continue
        if final[0] == "error":
            yield StreamUpdate("".join(received), done=True, error=final[1])
        else:
            yield StreamUpdate(draft_to_text(final[1]), done=True, draft=final[1])
        return


def parts_of(text: str, kind: str) -> list[str]:
    """The editable text cut after each part, for showing a finished draft part by part."""
    lines = text.split("\n")
    cuts = [i for i, ln in enumerate(lines) if (kind == "summary" and _PART_HEADING.match(ln))]
    if not cuts:
        return [text]
    return ["\n".join(lines[:c]).rstrip() + "\n" for c in cuts[1:]] + [text]


# --------------------------------------------------------------------------------------------------
# Draft history: every draft is saved; the page can bring one back
# --------------------------------------------------------------------------------------------------


def history_choices(kind: str, settings: Settings | None = None, limit: int = 50) -> list[str]:
    """Labels of the saved drafts of one kind, newest first: "#12　2025-11-25 13:02　标题"."""
    from .history import list_drafts

    out = []
    for e in list_drafts(limit=limit * 4, settings=settings):
        if e.kind != kind:
            continue
        when = e.created[:16].replace("T", " ")
        out.append(f"#{e.id}　{when}　{e.title}")
        if len(out) >= limit:
            break
    return out


def history_draft(label: str, settings: Settings | None = None):
    """The saved draft a history label points at (HistoryEntry with .draft)."""
    from .history import get_draft

    m = re.match(r"^\s*#?(\d+)", str(label or ""))
    if not m:
        raise InputError("请先选择一份以前生成的草稿")
    return get_draft(int(m.group(1)), settings=settings)


# --------------------------------------------------------------------------------------------------
# News: similar past stories, photos
# --------------------------------------------------------------------------------------------------


def similar_news(library, notes: str, org: str | None, k: int = 3) -> list[SearchHit]:
    query = (notes or "")[:300]
    if not query.strip():
        return []
    hits = list(library.search(query, k=k, kind="news", org=org)) if org else []
    if len(hits) < 2:
        seen = {h.doc_id for h in hits}
        hits += [h for h in library.search(query, k=k, kind="news") if h.doc_id not in seen][: k - len(hits)]
    return hits


def similar_summaries(library, org: str, year: int | None, categories: Sequence[str] = (), k: int = 3) -> list[SearchHit]:
    query = f"{org} {year or ''}年 年度工作总结 " + " ".join(categories)
    hits = list(library.search(query, k=k, kind="summary", org=org))
    if len(hits) < 2:
        seen = {h.doc_id for h in hits}
        hits += [h for h in library.search(query, k=k, kind="summary") if h.doc_id not in seen][: k - len(hits)]
    return hits


def hits_html(hits: Sequence[SearchHit], empty: str = "资料库里没有找到相似的文章。") -> str:
    if not hits:
        return message_html(empty)
    cards = []
    for h in hits:
        meta = "　".join(x for x in (h.org, f"{h.year}年" if h.year else "", KIND_NAMES.get(h.kind, h.kind)) if x)
        excerpt = h.text.strip().replace("\n", " ")
        excerpt = excerpt[:160] + ("…" if len(excerpt) > 160 else "")
        cards.append(
            f'<div class="bg-hit"><div class="bg-hit-title">{esc(h.title)}</div>'
            f'<div class="bg-hit-meta">{esc(meta)}</div>'
            f'<div class="bg-hit-text">{esc(excerpt)}</div>'
            f'<div class="bg-hit-source">来源：{esc(display_name(h.source))}</div></div>')
    return '<div class="bg-hits">' + "".join(cards) + "</div>"


def photo_label(path: str | Path) -> str:
    from .news import photo_taken

    taken = photo_taken(Path(str(path)))
    name = display_name(path)
    del name  # the file list above the preview names the files; the thumbnail caption has room for the date only
    return f"{taken} 拍摄" if taken else "无拍摄日期"


# --------------------------------------------------------------------------------------------------
# Year summaries: records table, chart data, facts and their records
# --------------------------------------------------------------------------------------------------

RECORD_HEADERS = ["编号", "日期", "标题", "类别", "参与人数", "地点"]
FACT_HEADERS = ["编号", "数据", "数值", "来源记录"]
CITATION_HEADERS = ["部分", "草稿原文", "数据", "来源记录"]


def record_rows(records: Sequence[Record]) -> list[list[Any]]:
    return [[r.id, r.date, r.title, r.category, "" if r.participants is None else r.participants, r.location]
            for r in records]


def chart_rows(records: Sequence[Record]) -> list[dict[str, Any]]:
    """Record counts by month and category (rows for a stacked bar chart): 月份 "03月", 类别, 记录数."""
    counts = Counter((r.date[5:7], r.category) for r in records)
    return [{"月份": f"{m}月", "类别": c, "记录数": n} for (m, c), n in sorted(counts.items())]


def category_rows(records: Sequence[Record]) -> list[list[Any]]:
    by = defaultdict(list)
    for r in records:
        by[r.category].append(r)
    rows = []
    for cat, recs in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        people = sum(r.participants or 0 for r in recs)
        rows.append([cat, len(recs), people or ""])
    return rows


def fmt_value(fact: Fact) -> str:
    from .facts import fmt

    value = fact.value if isinstance(fact.value, str) else fmt(fact.value)
    return f"{value}{fact.unit}"


def fact_rows(facts: Sequence[Fact]) -> list[list[Any]]:
    return [[f.id, f.name, fmt_value(f), _ids_label(f.records, show=2)] for f in facts]


def _ids_label(ids: Sequence[str], show: int = 3) -> str:
    if not ids:
        return "（来自笔记）"
    if len(ids) <= show:
        return "、".join(ids)
    return f"{len(ids)} 条记录"


def citation_rows(draft: Draft) -> list[list[Any]]:
    by_id = {f.id: f for f in draft.facts}
    rows = []
    for c in draft.citations:
        facts = [by_id[i] for i in c.get("facts", []) if i in by_id]
        rows.append([c.get("heading", ""), c.get("text", ""),
                     "；".join(f"{f.name} {fmt_value(f)}" for f in facts), _ids_label(c.get("records", []))])
    return rows


@dataclass
class YearOverview:
    org: str
    year: int
    records: list[Record]
    previous: list[Record]
    facts: list[Fact]
    all_categories: list[str]


def year_overview(library, org: str | None, year: Any) -> YearOverview:
    from .facts import compute_facts

    org = clean_org(org)
    year = parse_year(year)
    if not org:
        raise InputError("请先选择单位")
    if not year:
        raise InputError("请先选择年份")
    records = library.query_records(org=org, year=year)
    if not records:
        raise InputError(f"资料库里没有{org}{year}年的活动记录，请先在“资料库”页导入记录")
    previous = library.query_records(org=org, year=year - 1)
    all_categories = sorted({r.category for r in library.query_records(org=org)})
    book = compute_facts(records, previous=previous, all_categories=all_categories)
    return YearOverview(org, year, records, previous, list(book.facts), all_categories)


def records_by_ids(library, ids: Iterable[str], org: str | None = None) -> list[Record]:
    wanted = set(ids)
    return [r for r in library.query_records(org=org) if r.id in wanted]


def find_record(library, record_id: str) -> Record:
    record_id = (record_id or "").strip()
    if not record_id:
        raise InputError("请输入要编辑的记录编号")
    for r in library.query_records():
        if r.id == record_id:
            return r
    raise InputError(f"资料库里没有编号为“{record_id}”的记录")


# --------------------------------------------------------------------------------------------------
# Records: preview an import, one record from a form
# --------------------------------------------------------------------------------------------------

PROBLEM_HEADERS = ["位置", "问题"]


@dataclass
class RecordsPreview:
    rows: list[list[Any]]
    problems: list[list[Any]]
    message: str
    ok: int
    bad: int


def preview_records(path: str | Path, limit: int = 200) -> RecordsPreview:
    from .records import parse_records_file

    path = check_upload(path, "records")
    result = parse_records_file(path)
    name = display_name(path)
    label = result.row_label
    problems = [[f"第{row}{label}", msg] for row, msg in result.problems]
    rows = record_rows(result.records[:limit])
    if result.problems:
        msg = (f"{name}：{len(result.records)} 条记录可以导入，{len(result.problems)} 处有问题（见下表）。"
               "改正后重新上传，或勾选“跳过有问题的行”只导入正确的记录。")
    elif result.records:
        msg = f"{name}：共 {len(result.records)} 条记录，全部通过检查，可以导入。"
    else:
        msg = f"{name} 中没有记录。"
    return RecordsPreview(rows, problems, msg, len(result.records), len(result.problems))


def parse_metrics_text(text: str) -> dict[str, Any]:
    """Metrics typed in a form: one 名称=数值 (or 名称：数值) per line, or a JSON object."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        import json

        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise InputError("指标不是有效的 JSON，例如 {\"培训人数\": 120}，或每行写一项“培训人数=120”") from None
        if not isinstance(value, dict):
            raise InputError("指标应为“名称=数值”")
        return value
    out = {}
    for i, line in enumerate(re.split(r"[\n；;]", text), 1):
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^(.+?)\s*[=＝:：]\s*(.+)$", line)
        if not m:
            raise InputError(f"指标第{i}项“{line}”看不懂，请写成“培训人数=120”")
        out[m.group(1).strip()] = m.group(2).strip()
    return out


def metrics_text(metrics: dict[str, Any]) -> str:
    from .facts import fmt

    return "\n".join(f"{k}={fmt(v)}" for k, v in metrics.items())


def record_from_form(values: dict[str, Any]) -> Record:
    from .records import record_from_mapping

    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if data.get("participants") in ("", None):
        data["participants"] = None
    elif isinstance(data.get("participants"), float) and data["participants"] == int(data["participants"]):
        data["participants"] = int(data["participants"])
    data["metrics"] = parse_metrics_text(values.get("metrics") or "")
    try:
        return record_from_mapping(data)
    except ValueError as exc:
        raise InputError(f"记录有误：{exc}") from None


# --------------------------------------------------------------------------------------------------
# Library overview
# --------------------------------------------------------------------------------------------------

DOC_HEADERS = ["标题", "类型", "单位", "年份", "来源文件"]
SEARCH_HEADERS = ["标题", "类型", "单位", "年份", "相关段落", "来源文件"]


def stats_rows(stats: dict) -> list[list[Any]]:
    rows = [["过往文档", "合计", stats.get("documents", 0)]]
    for k, v in sorted(stats.get("documents_by_kind", {}).items()):
        rows.append(["过往文档", f"类型：{KIND_NAMES.get(k, k or '未注明')}", v])
    for k, v in sorted(stats.get("documents_by_org", {}).items()):
        rows.append(["过往文档", f"单位：{k}", v])
    for k, v in sorted(stats.get("documents_by_year", {}).items()):
        rows.append(["过往文档", f"年份：{k if k not in ('0', 0) else '未注明'}", v])
    rows.append(["活动记录", "合计", stats.get("records", 0)])
    for k, v in stats.get("records_by_org_year", {}).items():
        rows.append(["活动记录", k + "年", v])
    for k, v in sorted(stats.get("records_by_category", {}).items(), key=lambda kv: -kv[1]):
        rows.append(["活动记录", f"类别：{k}", v])
    return rows


def document_rows(docs: Sequence[dict]) -> list[list[Any]]:
    return [[d.get("title", ""), KIND_NAMES.get(d.get("kind", ""), d.get("kind", "")), d.get("org") or "",
             d.get("year") or "", display_name(d.get("source", ""))] for d in docs]


def search_rows(hits: Sequence[SearchHit]) -> list[list[Any]]:
    rows = []
    for h in hits:
        excerpt = h.text.strip().replace("\n", " ")
        rows.append([h.title, KIND_NAMES.get(h.kind, h.kind), h.org, h.year or "",
                     excerpt[:120] + ("…" if len(excerpt) > 120 else ""), display_name(h.source)])
    return rows


def ensure_corpus(library, settings: Settings | None = None,
                  progress: Callable[[int, int, str], None] | None = None):
    """On first start with an empty library, ingest the bundled sample corpus; None if not needed."""
    settings = settings or get_settings()
    if not library.is_empty() or not Path(settings.corpus_dir).is_dir():
        return None
    return library.ingest([Path(settings.corpus_dir)], progress=progress)


# --------------------------------------------------------------------------------------------------
# Settings and status
# --------------------------------------------------------------------------------------------------


def parse_auth(value: str | None) -> list[tuple[str, str]]:
    """WRITER_AUTH: user:password pairs separated by commas."""
    if not value or not value.strip():
        return []
    pairs = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        user, sep, password = item.partition(":")
        if not sep or not user.strip() or not password:
            raise InputError("WRITER_AUTH 格式应为“用户名:密码”，多个用逗号分隔，例如 secretary:s3cret,reviewer:r3view")
        pairs.append((user.strip(), password))
    return pairs


def redact(text: str, settings: Settings | None = None) -> str:
    """Never let the API key reach a page or a log line."""
    settings = settings or get_settings()
    key = settings.openai_api_key
    text = str(text)
    if key and len(key) >= 4:
        text = text.replace(key, "●●●●")
    return re.sub(r"\b(sk-[A-Za-z0-9_\-]{6})[A-Za-z0-9_\-]+", r"\1…", text)


def status_rows(settings: Settings, library=None, host: str | None = None) -> list[list[str]]:
    rows = [
        ["起草方式", "模型 + 离线兜底" if settings.model_configured else "离线起草（未配置模型服务）"],
        ["模型接口地址", settings.openai_base_url or ("OpenAI 默认地址" if settings.model_configured else "未配置")],
        ["模型名称", settings.model or "未配置"],
        ["API 密钥", "已设置（不显示）" if settings.openai_api_key else "未设置"],
        ["超时 / 重试", f"{settings.timeout:g} 秒 / {settings.max_retries} 次"],
        ["数据目录", str(settings.home)],
        ["索引", f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "本机（内嵌 Chroma）"],
        ["向量模型", "离线 n-gram（无需联网）" if settings.embeddings == "offline" else settings.embeddings],
        ["登录", "已开启（WRITER_AUTH）" if settings.auth else "未开启（仅限本机访问时可以这样用）"],
    ]
    if host:
        rows.append(["监听地址", host])
    if library is not None:
        try:
            s = library.stats()
            rows.append(["资料库", f"过往文档 {s['documents']} 篇（{s['chunks']} 段），活动记录 {s['records']} 条"])
        except Exception as exc:  # noqa: BLE001 - status must render even when the index is unwell
            rows.append(["资料库", f"无法读取：{redact(str(exc), settings)}"])
    return [[k, redact(v, settings)] for k, v in rows]


def ping_model(settings: Settings | None = None, timeout: float = 8.0) -> tuple[bool, str]:
    """Whether the configured endpoint answers: list models, else a one-token completion."""
    settings = settings or get_settings()
    if not settings.model_configured:
        return False, "没有配置模型服务（需设置 OPENAI_BASE_URL 或 OPENAI_API_KEY，以及 WRITER_MODEL），目前使用离线起草。"
    try:
        import openai
    except ImportError:
        return False, "未安装 openai 软件包，无法连接模型服务。"
    client = openai.OpenAI(base_url=settings.openai_base_url or None, api_key=settings.openai_api_key or "not-needed",
                           timeout=timeout, max_retries=0)
    import time

    t0 = time.perf_counter()
    try:
        client.chat.completions.create(model=settings.model, messages=[{"role": "user", "content": "你好"}],
                                       max_tokens=1, stream=False)
        ms = (time.perf_counter() - t0) * 1000
        return True, f"模型服务可以连接（{settings.model}，响应 {ms:.0f} 毫秒）。"
    except openai.AuthenticationError:
        msg = "模型服务拒绝了访问（401），请检查 API 密钥。"
    except openai.NotFoundError:
        msg = f"模型服务找不到模型“{settings.model}”或接口地址有误（404）。"
    except openai.RateLimitError:
        return True, "模型服务可以连接，但当前请求过于频繁（429），稍后再试。"
    except openai.APITimeoutError:
        msg = f"模型服务在 {timeout:g} 秒内没有响应。"
    except openai.APIConnectionError:
        msg = "无法连接模型服务，请检查接口地址和网络。"
    except openai.APIStatusError as exc:
        msg = f"模型服务返回错误（HTTP {exc.status_code}）。"
    except Exception as exc:  # noqa: BLE001
        msg = f"模型服务调用失败（{type(exc).__name__}）。"
    return False, redact(msg + "起草时会自动改用离线草稿。", settings)

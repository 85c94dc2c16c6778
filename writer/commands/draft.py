"""`writer draft news …`, `writer draft summary …`, `writer history [ID]`: parse, call the pipelines, print."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..draft import draft_markdown
from ..errors import InputError
from ..history import get_draft, list_drafts, save_draft
from ..llm import get_backend
from ..models import Draft
from ..settings import get_settings
from ..textio import read_any
from . import year_arg

KIND_NAMES = {"news": "新闻稿", "summary": "工作总结"}




def _stream_to_stderr():
    """Show model output as it streams when a person is watching; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(chunk: str) -> None:
        sys.stderr.write(chunk)
        sys.stderr.flush()

    return show


def _emit(draft: Draft, fmt: str, out: str | None, org: str | None = None) -> None:
    rendered = json.dumps(draft.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else draft_markdown(draft)
    if out:
        path = Path(out)
        if path.suffix.lower() == ".docx":
            try:
                from ..wordio import write_draft_docx
            except ImportError:
                raise InputError("导出 Word（.docx）的功能尚未就绪，请先用 .md 或 .json 文件名保存") from None
            write_draft_docx(draft, path, org=org) if org else write_draft_docx(draft, path)
        else:
            try:
                path.write_text(rendered, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"无法写入 {path}：{exc.strerror or exc}") from None
        print(f"已写入 {path}", file=sys.stderr)
    else:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")


def cmd_news(args) -> int:
    from ..news import news_from_library

    notes_path = Path(args.notes)
    notes = read_any(notes_path)
    photos = [Path(p) for p in args.photo or []]
    backend = get_backend(offline=args.offline)
    draft = news_from_library(notes, photos, org=args.org, backend=backend, on_chunk=_stream_to_stderr())
    entry = save_draft(draft, {"command": "news", "notes_file": str(notes_path), "notes": notes,
                               "photos": [str(p) for p in photos], "org": args.org, "offline": args.offline})
    _emit(draft, args.format, args.output, args.org)
    print(f"已保存到历史记录 #{entry}（writer history {entry} 可再次查看）", file=sys.stderr)
    return 0


def cmd_summary(args) -> int:
    from ..library import open_library
    from ..summary import summary_from_library

    settings = get_settings()
    library = open_library(settings)
    org = args.org
    if args.records:
        from ..records import load_records

        path = Path(args.records)
        records = load_records(path)
        library.import_records(records)
        if org is None:
            orgs = sorted({r.org for r in records if r.year == args.year})
            if len(orgs) == 1:
                org = orgs[0]
    backend = get_backend(settings, offline=args.offline)
    draft = summary_from_library(year=args.year, org=org, library=library, backend=backend, settings=settings,
                                 on_chunk=_stream_to_stderr())
    entry = save_draft(draft, {"command": "summary", "year": args.year, "org": org, "records_file": args.records,
                               "offline": args.offline})
    _emit(draft, args.format, args.output, org)
    print(f"已保存到历史记录 #{entry}（writer history {entry} 可再次查看）", file=sys.stderr)
    return 0


def cmd_history(args) -> int:
    if args.id is None:
        entries = list_drafts(limit=args.limit)
        if args.format == "json":
            print(json.dumps([{"id": e.id, "created": e.created, "kind": e.kind, "title": e.title,
                               "backend": e.backend, "inputs": e.inputs} for e in entries],
                             ensure_ascii=False, indent=2))
            return 0
        if not entries:
            print("还没有生成过草稿。")
            return 0
        for e in entries:
            print(f"#{e.id}\t{e.created}\t{KIND_NAMES.get(e.kind, e.kind)}\t{e.backend}\t{e.title}")
        return 0
    entry = get_draft(args.id)
    if args.format == "json":
        print(json.dumps({"id": entry.id, "created": entry.created, "inputs": entry.inputs,
                          **entry.draft.to_dict()}, ensure_ascii=False, indent=2))
    else:
        print(f"<!-- 历史记录 #{entry.id}，{entry.created}，{KIND_NAMES.get(entry.kind, entry.kind)} -->")
        sys.stdout.write(draft_markdown(entry.draft))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", help="单位名称（默认：资料库中唯一的单位）")
    p.add_argument("--offline", action="store_true", help="不调用模型，用离线起草器")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown", help="输出格式（默认 markdown）")
    p.add_argument("-o", "--output", metavar="OUT", help="写入文件（.docx 为 Word，其他为文本）")


def register(subparsers) -> None:
    draft = subparsers.add_parser("draft", help="起草新闻稿或年度工作总结")
    kinds = draft.add_subparsers(dest="draft_kind", metavar="类型")
    draft.set_defaults(func=lambda args: (draft.print_help(), 2)[1])

    news = kinds.add_parser("news", help="根据活动笔记和照片起草新闻稿")
    news.add_argument("--notes", required=True, metavar="FILE", help="活动笔记（.txt/.md/.docx）")
    news.add_argument("--photo", action="append", metavar="IMG", help="照片（可多次使用）")
    _common(news)
    news.set_defaults(func=cmd_news)

    summary = kinds.add_parser("summary", help="根据活动记录起草年度工作总结")
    summary.add_argument("--year", required=True, type=year_arg, metavar="YYYY", help="年份")
    summary.add_argument("--records", metavar="FILE", help="活动记录文件（JSON/CSV，先导入资料库）")
    _common(summary)
    summary.set_defaults(func=cmd_summary)

    history = subparsers.add_parser("history", help="查看生成过的草稿")
    history.add_argument("id", nargs="?", type=int, metavar="ID", help="草稿编号（省略则列出全部）")
    history.add_argument("--format", choices=("markdown", "json"), default="markdown")
    history.add_argument("--limit", type=int, default=50, help="列出的条数（默认 50）")
    history.set_defaults(func=cmd_history)

"""`writer ingest`, `writer records …`, `writer search`, `writer stats`, `writer reindex`."""

from __future__ import annotations

import sys
from pathlib import Path

from ..library import open_library, reindex
from ..settings import get_settings
from . import positive_int, print_json, year_arg

KIND_NAMES = {"news": "新闻", "summary": "总结"}


class TerminalProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, label: str):
        self.label = label
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled or total == 0:
            return
        width = 30
        filled = int(width * done / total)
        tail = Path(name).name[:30] if name else ""
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {tail:<30}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_ingest(args) -> int:
    library = open_library()
    report = library.ingest([Path(p) for p in args.paths], kind=args.kind, org=args.org, year=args.year,
                            progress=TerminalProgress("入库"))
    print(report.summary())
    for name, message in report.failed:
        print(f"错误：{message}" if name in message else f"错误：{name}：{message}", file=sys.stderr)
    return 2 if report.failed else 0


def cmd_records_import(args) -> int:
    library = open_library()
    status = 0
    for path in args.files:
        report = library.import_records_file(Path(path), skip_bad=args.skip_bad)
        print(f"{Path(path).name}：新增 {report.imported} 条，更新 {report.updated} 条"
              + (f"，跳过有问题的 {len(report.skipped)} {report.row_label}" if report.skipped else ""))
        for row, message in report.skipped:
            print(f"  第{row}{report.row_label}：{message}", file=sys.stderr)
    return status


def cmd_records_list(args) -> int:
    records = open_library().query_records(org=args.org, year=args.year, category=args.category)
    if args.format == "json":
        print_json([r.to_dict() for r in records])
        return 0
    if not records:
        print("没有符合条件的活动记录")
    for r in records:
        people = f"{r.participants}人" if r.participants is not None else ""
        print(f"{r.id}\t{r.date}\t{r.category}\t{r.title}\t{people}")
    return 0


def cmd_search(args) -> int:
    hits = open_library().search(args.query, k=args.k, kind=args.kind, org=args.org, year=args.year)
    if args.format == "json":
        print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print("没有找到相关文档")
    for rank, hit in enumerate(hits, start=1):
        meta = " · ".join(str(x) for x in (KIND_NAMES.get(hit.kind, hit.kind), hit.org, hit.year) if x)
        print(f"{rank}. {hit.title}（{meta}）  相关度 {hit.score:.3f}\n   来源：{hit.source}\n   {hit.text[:120]}…\n")
    return 0


def cmd_stats(args) -> int:
    stats = open_library().stats()
    if args.format == "json":
        print_json(stats)
        return 0
    print(f"资料库：{stats['backend']}（向量模型 {stats['embedder']}）")
    print(f"过往文档 {stats['documents']} 篇（{stats['chunks']} 个片段），活动记录 {stats['records']} 条")
    for title, key in (("按类型", "documents_by_kind"), ("按单位", "documents_by_org"), ("按年份", "documents_by_year"),
                       ("活动记录按单位和年份", "records_by_org_year"), ("活动记录按类别", "records_by_category")):
        if stats[key]:
            items = "，".join(f"{KIND_NAMES.get(k, k)} {v}" for k, v in stats[key].items())
            print(f"  {title}：{items}")
    return 0


def cmd_reindex(args) -> int:
    counts = reindex(get_settings(), progress=TerminalProgress("重建索引"))
    open_library().lexical.rebuild()
    print("索引已重建：" + "，".join(f"{k} {v} 条" for k, v in counts.items()))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("ingest", help="把过往文档（.docx/.txt/.md，文件或文件夹）加入资料库")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--kind", choices=["news", "summary"])
    p.add_argument("--org")
    p.add_argument("--year", type=year_arg)
    p.set_defaults(func=cmd_ingest)

    records = subparsers.add_parser("records", help="活动记录：导入、列出")
    sub = records.add_subparsers(dest="records_command", metavar="子命令")
    imp = sub.add_parser("import", help="从 JSON 或 CSV 导入活动记录")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--skip-bad", action="store_true", help="跳过有问题的行，导入其余记录")
    imp.set_defaults(func=cmd_records_import)
    lst = sub.add_parser("list", help="列出活动记录")
    lst.add_argument("--org")
    lst.add_argument("--year", type=year_arg)
    lst.add_argument("--category")
    lst.add_argument("--format", choices=["text", "json"], default="text")
    lst.set_defaults(func=cmd_records_list)
    records.set_defaults(func=lambda args: (records.print_help(), 2)[1])

    s = subparsers.add_parser("search", help="检索相似的过往文档")
    s.add_argument("query")
    s.add_argument("-k", type=positive_int, default=5)
    s.add_argument("--kind", choices=["news", "summary"])
    s.add_argument("--org")
    s.add_argument("--year", type=year_arg)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=cmd_search)

    st = subparsers.add_parser("stats", help="资料库统计")
    st.add_argument("--format", choices=["text", "json"], default="text")
    st.set_defaults(func=cmd_stats)

    r = subparsers.add_parser("reindex", help="用当前配置的向量模型重建索引")
    r.set_defaults(func=cmd_reindex)

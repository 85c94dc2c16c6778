"""`writer backup FILE` and `writer restore FILE [--force]`: the whole library in one archive."""

from __future__ import annotations

from pathlib import Path

from ..settings import get_settings


def _counts(counts: dict[str, int]) -> str:
    return (f"活动记录 {counts['records']} 条，过往文档 {counts['documents']} 篇（{counts['chunks']} 个片段），"
            f"历史草稿 {counts['drafts']} 篇")


def cmd_backup(args) -> int:
    from ..backup import backup

    counts = backup(Path(args.file), overwrite=args.force)
    print(f"已备份到 {args.file}：{_counts(counts)}")
    return 0


def cmd_restore(args) -> int:
    from ..backup import restore

    counts = restore(Path(args.file), force=args.force)
    print(f"已从 {args.file} 恢复到 {get_settings().home}：{_counts(counts)}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help="把整个资料库（活动记录、过往文档、历史草稿）备份到一个文件")
    p.add_argument("file", metavar="FILE", help="备份文件（.zip）")
    p.add_argument("--force", action="store_true", help="覆盖已有的同名文件")
    p.set_defaults(func=cmd_backup)

    r = subparsers.add_parser("restore", help="从备份文件恢复资料库（默认只恢复到空的 WRITER_HOME）")
    r.add_argument("file", metavar="FILE", help="writer backup 生成的备份文件")
    r.add_argument("--force", action="store_true", help="资料库已有内容时，用备份替换它们")
    r.set_defaults(func=cmd_restore)

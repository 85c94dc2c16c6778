"""`writer export HISTORY_ID -o OUT.docx`: a draft from the history as a Word document in 公文 layout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError


def cmd_export(args) -> int:
    from ..history import get_draft
    from ..wordio import write_draft_docx

    out = Path(args.output)
    if out.suffix.lower() != ".docx":
        raise InputError(f"导出文件名必须以 .docx 结尾：{out.name}")
    entry = get_draft(args.id)
    draft = entry.draft
    if draft is None:
        raise InputError(f"历史记录 #{args.id} 中没有可导出的草稿")
    inputs = entry.inputs or {}
    org = args.org or inputs.get("org") or None
    missing = [p.path for p in draft.photos if not Path(str(p.path)).expanduser().is_file()]
    path = write_draft_docx(draft, out, org=org, date=args.date)
    for photo in missing:
        print(f"提示：照片 {photo} 已找不到，文档中留了【待补充】位置", file=sys.stderr)
    print(f"已将历史记录 #{entry.id}（{draft.title}）导出到 {path}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="把历史记录中的草稿导出为 Word 文档（公文格式）")
    p.add_argument("id", type=int, metavar="HISTORY_ID", help="草稿在历史记录中的编号（writer history 可查看）")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="输出的 .docx 文件")
    p.add_argument("--org", help="落款单位（默认：起草时填写的单位）")
    p.add_argument("--date", help="成文日期，如 2025年1月8日（总结默认今天）")
    p.set_defaults(func=cmd_export)

"""`writer check FILE...`: the reviewer's checker on .txt/.md/.docx files or stdin."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import InputError
from ..models import Finding


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="审核文稿：套话、缺数据、数字错误、占位符、错别字、标点、结构等",
        description="审核新闻稿或年度工作总结，列出问题及修改建议。退出码：0 无错误，1 有错误，2 输入或用法有误。",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="要审核的 .txt（UTF-8 或 GB18030）、.md、.docx 文件；- 表示标准输入")
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    p.add_argument("--kind", choices=("auto", "news", "summary"), default="auto", help="文种：自动识别、新闻稿、年度总结")
    p.add_argument("--records", metavar="FILE", help="活动记录（.json/.csv），用于核对文中数字")
    p.add_argument("--docx-out", metavar="OUT.docx", help="输出带批注的 Word 文档（仅限一个输入文件）")
    p.set_defaults(func=run)


def _read(name: str) -> tuple[str, Path | None]:
    from ..textio import decode_text, read_any

    if name == "-":
        from ..textio import MAX_TEXT_BYTES

        data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        if len(data) > MAX_TEXT_BYTES:
            raise InputError(f"标准输入的内容太大，超过 {MAX_TEXT_BYTES // 1024 // 1024} MB 的上限，请拆分后再审核")
        return decode_text(data, "标准输入"), None
    path = Path(name)
    text = read_any(path)
    if not text.strip():
        raise InputError(f"{path.name} 没有可审核的文字")
    return text, path


def _load_records(path: str):
    try:
        from ..records import load_records
    except ImportError:
        raise InputError("活动记录导入功能尚未就绪，暂时不能使用 --records") from None
    records = load_records(Path(path))
    try:
        from ..facts import compute_facts
    except ImportError:
        return records, None
    result = compute_facts(records)
    return records, list(getattr(result, "facts", result))


def _annotator():
    try:
        from .. import wordio
    except ImportError:
        wordio = None
    fn = getattr(wordio, "annotate_docx", None)
    if fn is None:
        raise InputError("Word 批注导出功能尚未提供，暂时不能使用 --docx-out")
    return fn


def _line_col(text: str, offset: int, line_starts: list[int]) -> tuple[int, int]:
    from bisect import bisect_right

    i = bisect_right(line_starts, offset) - 1
    return i + 1, offset - line_starts[i] + 1


def _text_report(name: str, text: str, kind: str, findings: list[Finding], density) -> list[str]:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    kind_name = "年度总结" if kind == "summary" else "新闻稿"
    lines = []
    for f in findings:
        line, col = _line_col(text, f.start, starts)
        level = {"error": "错误", "warning": "警告", "info": "提示"}[f.severity]
        snippet = f.text if len(f.text) <= 30 else f.text[:28] + "…"
        snippet = snippet.replace("\n", "⏎")
        msg = f"{name}:{line}:{col}: {level} [{f.category}] {f.message}"
        if f.suggestion:
            msg += f"（建议：{f.suggestion}）"
        if snippet not in f.message:
            msg += f"  «{snippet}»"
        lines.append(msg)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    if findings:
        lines.append(f"{name}：{kind_name}，{len(text)} 字，{len(findings)} 处问题"
                     f"（错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}）")
    else:
        lines.append(f"{name}：{kind_name}，{len(text)} 字，未发现问题")
    dense = [(h, d) for h, d in density if d >= 0.3]
    if dense:
        lines.append("  套话密度偏高：" + "；".join(f"{h} {round(d * 100)}%" for h, d in dense))
    return lines


def run(args) -> int:
    from ..check import check_document, summarize

    if args.docx_out and len(args.files) != 1:
        raise InputError("--docx-out 只能用于一个输入文件")
    annotate = _annotator() if args.docx_out else None
    inputs = []
    for name in args.files:
        text, path = _read(name)
        inputs.append((name, text, path))
    records, facts = (None, None)
    if args.records:
        records, facts = _load_records(args.records)
    results = []
    for name, text, path in inputs:
        kind, findings, density = check_document(text, args.kind, records, facts)
        results.append((name, text, path, kind, findings, density))
    if args.format == "json":
        payload = {"files": [{
            "file": name,
            "kind": kind,
            "chars": len(text),
            "findings": [{"rule": f.rule, "category": f.category, "severity": f.severity, "start": f.start,
                          "end": f.end, "text": f.text, "message": f.message, "suggestion": f.suggestion}
                         for f in findings],
            "summary": summarize(findings),
            "padding_density": [{"heading": h, "density": d} for h, d in density],
        } for name, text, path, kind, findings, density in results]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        out = []
        for name, text, path, kind, findings, density in results:
            out.extend(_text_report(name, text, kind, findings, density))
        sys.stdout.write("\n".join(out) + "\n")
    if annotate is not None:
        name, text, path, kind, findings, density = results[0]
        source = path if path is not None and path.suffix.lower() == ".docx" else None
        annotate(source, text, findings, Path(args.docx_out))
        print(f"已写出带批注的文档：{args.docx_out}", file=sys.stderr)
    return 1 if any(f.severity == "error" for r in results for f in r[4]) else 0

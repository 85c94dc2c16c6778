"""The `writer` command: a thin shell that parses arguments and calls the library functions.

Each group of subcommands lives in writer/commands/<name>.py with a `register(subparsers)`
function that adds its parsers and sets `func` (args -> exit code) on each.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from .errors import WriterError

COMMAND_MODULES = ("library", "check", "draft", "export", "serve", "backup")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="writer",
        description="笔杆 Writer：新闻稿、年度工作总结的起草与审核助手",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"writer.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"writer.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except WriterError as exc:
        if os.environ.get("WRITER_DEBUG") == "1":
            traceback.print_exc()
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("已中断")
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the one place an unexpected error becomes a message
        if os.environ.get("WRITER_DEBUG") == "1":
            traceback.print_exc()
        return fail(f"内部错误（{type(exc).__name__}: {exc}），设置 WRITER_DEBUG=1 可查看详细信息")


if __name__ == "__main__":
    sys.exit(main())

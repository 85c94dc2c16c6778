"""`writer serve [--host H] [--port P]`: start the web page (ui.py at the project root).

gradio is never imported inside writer/: ui.py is run as a script in this process.
"""

from __future__ import annotations

import runpy
import sys

from ..errors import InputError
from ..settings import PROJECT_ROOT


def run(args) -> int:
    ui = PROJECT_ROOT / "ui.py"
    if not ui.is_file():
        raise InputError(f"找不到网页界面程序 {ui}（writer serve 需要在项目目录中安装运行）")
    argv = [str(ui)]
    if args.host:
        argv += ["--host", args.host]
    if args.port:
        argv += ["--port", str(args.port)]
    saved = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(str(ui), run_name="__main__")
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, (int, type(None))) else 2
    finally:
        sys.argv = saved
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="启动网页界面（默认 http://127.0.0.1:7860）",
                              description="启动笔杆 Writer 网页界面。默认只允许本机访问；设置 WRITER_AUTH 后需要登录。")
    p.add_argument("--host", help="监听地址（默认 127.0.0.1，或环境变量 WRITER_HOST）")
    p.add_argument("--port", type=int, help="端口（默认 7860，或环境变量 WRITER_PORT）")
    p.set_defaults(func=run)

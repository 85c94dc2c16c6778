"""Start `python ui.py` as a real server on 127.0.0.1 for the UI tests and the load bench.

Not a test module: imported by tests/test_ui_api.py, tests/test_ui_browser.py and bench/bench_ui.py.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_ENV = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
               "ANONYMIZED_TELEMETRY": "False"}
CLEARED = ("CHROMA_HOST", "CHROMA_PORT", "WRITER_EMBEDDINGS", "OPENAI_BASE_URL", "OPENAI_API_KEY", "WRITER_MODEL",
           "WRITER_AUTH", "WRITER_DEBUG", "WRITER_HOST", "WRITER_PORT", "GRADIO_TEMP_DIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    home: Path
    proc: subprocess.Popen
    log: Path
    started_in: float

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def start_server(home: Path, extra_env: dict[str, str] | None = None, timeout: float = 90.0,
                 args: list[str] | None = None) -> Server:
    """Run ui.py with WRITER_HOME=home on a free port; return once / answers (any status)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(OFFLINE_ENV)
    env["WRITER_HOME"] = str(home)
    env.update(extra_env or {})
    home.mkdir(parents=True, exist_ok=True)
    log = home / "ui-server.log"
    t0 = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "ui.py"), "--port", str(port), *(args or [])],
                                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    server = Server(url, home, proc, log, 0.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ui.py exited with {proc.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as resp:
                resp.read()
            server.started_in = time.perf_counter() - t0
            return server
        except urllib.error.HTTPError:  # e.g. 401 with auth on: it is serving
            server.started_in = time.perf_counter() - t0
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"ui.py did not serve within {timeout:.0f} s:\n{server.log_text()}")

"""The web UI under load, and its start-up time.

    python bench/bench_ui.py [--sessions 20] [--seconds 60] [--baseline-seconds 15] [--json OUT.json]

1. Start-up: `python ui.py` on a fresh WRITER_HOME (the sample corpus is imported at first start) until the
   page is served (GET / answers and the app config is available); then a second start on the same, now
   full, library.
2. Baseline: one gradio_client session alone checking documents (the /review_text endpoint, one request
   after another) for --baseline-seconds.
3. Load: --sessions concurrent gradio_client sessions (one Client each, in threads) doing the same against the
   same server for --seconds.
Reports p50/p95/max latency, requests per second and errors for both, and the ratio load/baseline.
Documents: the sample corpus and the checker's test documents, cycled (a few hundred to ~3,000 characters).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import writer  # noqa: E402,F401  (offline switches)
from ui_server import start_server  # noqa: E402
from writer.textio import read_any  # noqa: E402


def documents() -> list[str]:
    paths = []
    for folder in (ROOT / "corpus" / "documents", ROOT / "tests" / "data" / "check"):
        paths += sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md", ".docx"))
    texts = []
    for p in paths:
        try:
            text = read_any(p)
        except Exception:  # noqa: BLE001
            continue
        if text.strip():
            texts.append(text)
    return texts


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def config_ready(url: str, timeout: float = 30) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            with urllib.request.urlopen(url + "/config", timeout=5) as resp:
                if resp.status == 200:
                    return time.perf_counter() - t0
        except Exception:  # noqa: BLE001
            time.sleep(0.05)
    raise RuntimeError("config never became available")


def session(url: str, texts: list[str], offset: int, until: float, out: list, errors: list, lock) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001
        with lock:
            errors.append(f"connect: {type(exc).__name__}: {exc}")
        return
    i = offset
    while time.perf_counter() < until:
        text = texts[i % len(texts)]
        i += 1
        t0 = time.perf_counter()
        try:
            summary, highlighted, table = client.predict(text, "自动识别", api_name="/review_text")
            if "处问题" not in summary and "未发现问题" not in summary:
                raise RuntimeError(f"unexpected answer: {summary[:80]}")
            if "".join(h["token"] for h in highlighted) != text:
                raise RuntimeError("highlighted text differs from the input")
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
            continue
        with lock:
            out.append(time.perf_counter() - t0)
    try:
        client.close()
    except Exception:  # noqa: BLE001
        pass


def run_load(url: str, texts: list[str], sessions: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    until = start + seconds
    threads = [threading.Thread(target=session, args=(url, texts, i * 7, until, latencies, errors, lock), daemon=True)
               for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - start
    return {
        "sessions": sessions, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
        "error_samples": errors[:5], "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 0.5) * 1000, 1), "p95_ms": round(pct(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    texts = documents()
    sizes = sorted(len(t) for t in texts)
    print(f"文档 {len(texts)} 篇，{sizes[0]}–{sizes[-1]} 字（中位数 {sizes[len(sizes) // 2]}）")
    results: dict = {"documents": len(texts)}
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        home = Path(tmp) / "home"
        server = start_server(home, timeout=180)
        try:
            first = server.started_in + config_ready(server.url)
            print(f"启动（新资料库，含导入样例资料）：{first:.1f} 秒到页面可用")
            results["startup_fresh_s"] = round(first, 2)
        finally:
            server.stop()
        server = start_server(home, timeout=180)
        try:
            second = server.started_in + config_ready(server.url)
            print(f"启动（已有资料库）：{second:.1f} 秒")
            results["startup_existing_s"] = round(second, 2)

            warm = run_load(server.url, texts, 1, 3)  # warm-up, not reported
            del warm
            base = run_load(server.url, texts, 1, args.baseline_seconds)
            results["baseline"] = base
            print(f"单个会话：{base['requests']} 次，p50 {base['p50_ms']} ms，p95 {base['p95_ms']} ms，"
                  f"{base['rps']} 次/秒，错误 {base['errors']}")
            load = run_load(server.url, texts, args.sessions, args.seconds)
            results["load"] = load
            print(f"{args.sessions} 个并发会话 {load['seconds']} 秒：{load['requests']} 次，p50 {load['p50_ms']} ms，"
                  f"p95 {load['p95_ms']} ms，最大 {load['max_ms']} ms，{load['rps']} 次/秒，错误 {load['errors']}")
            if load["error_samples"]:
                print("  错误示例：" + "；".join(load["error_samples"]))
            ratio = {"p50": round(load["p50_ms"] / base["p50_ms"], 1), "p95": round(load["p95_ms"] / base["p95_ms"], 1),
                     "throughput": round(load["rps"] / base["rps"], 2)}
            results["ratio_load_to_one"] = ratio
            print(f"与单个会话相比：p50 ×{ratio['p50']}，p95 ×{ratio['p95']}，吞吐 ×{ratio['throughput']}")
        finally:
            server.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if results.get("load", {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())

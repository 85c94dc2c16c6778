"""Checker throughput and single-summary latency, beside autocorrect-py's lint on the same text.

    python bench/bench_check.py [--mb 1.0] [--repeat 20]

Bulk: ≥ 1 MB (UTF-8) of Chinese text made of the sample corpus and the checker's test documents, checked
as one text. Summary: one ~6,000-character year-end summary, warm (rules loaded, one run discarded),
median of --repeat runs. autocorrect-py runs on exactly the same strings in the same process, with its
space-adding rules off (Chinese official style), so the ratio compares like with like.
Targets (issue 3): ≥ 1 MB/s bulk, < 30 ms per summary.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writer.check import check  # noqa: E402
from writer.check.rules import load_rules  # noqa: E402
from writer.textio import read_any  # noqa: E402

AUTOCORRECT_CONFIG = """
rules:
  space-word: 0
  space-punctuation: 0
  space-bracket: 0
  space-backticks: 0
  space-dash: 0
  space-dollar: 0
  no-space-fullwidth: 0
  fullwidth: 1
  halfwidth-word: 0
  halfwidth-punctuation: 0
  spellcheck: 0
"""


def sources() -> list[str]:
    paths = []
    for folder in (ROOT / "corpus" / "documents", ROOT / "tests" / "data" / "check"):
        if folder.exists():
            paths += sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md", ".docx"))
    texts = []
    for p in paths:
        try:
            texts.append(read_any(p))
        except Exception:
            continue
    if not texts:
        raise SystemExit("没有找到样例文本（corpus/documents 或 tests/data/check）")
    return texts


def bulk_text(texts: list[str], mb: float) -> str:
    target = int(mb * 1024 * 1024)
    parts, size, i = [], 0, 0
    while size < target:
        t = texts[i % len(texts)]
        parts.append(t)
        size += len(t.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def summary_text(texts: list[str], chars: int = 6000) -> str:
    summaries = [t for t in texts if "总结" in t[:60]] or texts
    body = []
    n = 0
    i = 0
    while n < chars:
        t = summaries[i % len(summaries)]
        body.append(t)
        n += len(t)
        i += 1
    return "\n".join(body)[:chars]


def autocorrect_lint(ac, text: str) -> int:
    """autocorrect-py's lint over `text`. Its parser stops with "call limit reached" on long texts,
    so it is given one paragraph (line) at a time — the unit it is designed for."""
    issues = 0
    for line in text.split("\n"):
        if line.strip():
            issues += len(ac.lint_for(line, "text").lines)
    return issues


def timed(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    t0 = time.perf_counter()
    load_rules()
    load_ms = (time.perf_counter() - t0) * 1000
    texts = sources()
    big = bulk_text(texts, args.mb)
    small = summary_text(texts)
    big_mb = len(big.encode("utf-8")) / 1024 / 1024

    try:
        import autocorrect_py

        autocorrect_py.load_config(AUTOCORRECT_CONFIG)
    except ImportError:
        autocorrect_py = None

    # bulk (the text is changed by one character per run so no cache can help)
    runs = max(3, args.repeat // 5)
    variants = [big + "\n" + str(i) for i in range(runs + 1)]
    it = iter(variants)
    bulk_s = timed(lambda: check(next(it)), runs)
    n_findings = len(check(big + "\n"))
    small_variants = [small + str(i) for i in range(args.repeat + 1)]
    it2 = iter(small_variants)
    small_s = timed(lambda: check(next(it2)), args.repeat)

    print(f"rules loaded and compiled in {load_ms:.0f} ms ({len(load_rules().rules)} rules)")
    print(f"bulk: {len(big):,} chars ({big_mb:.2f} MB UTF-8), {n_findings:,} findings")
    print(f"  writer check   {bulk_s * 1000:8.1f} ms  {len(big) / bulk_s / 1e6:6.2f} M chars/s  {big_mb / bulk_s:6.2f} MB/s")
    if autocorrect_py:
        ac_bulk = timed(lambda: autocorrect_lint(autocorrect_py, big), runs)
        print(f"  autocorrect    {ac_bulk * 1000:8.1f} ms  {len(big) / ac_bulk / 1e6:6.2f} M chars/s  {big_mb / ac_bulk:6.2f} MB/s")
        print(f"  ratio writer/autocorrect time: {bulk_s / ac_bulk:.2f}x")
    print(f"one summary: {len(small):,} chars, warm, median of {args.repeat}")
    print(f"  writer check   {small_s * 1000:8.2f} ms")
    if autocorrect_py:
        ac_small = timed(lambda: autocorrect_lint(autocorrect_py, small), args.repeat)
        print(f"  autocorrect    {ac_small * 1000:8.2f} ms")
        print(f"  ratio writer/autocorrect time: {small_s / ac_small:.2f}x")
    ok = big_mb / bulk_s >= 1.0 and small_s < 0.030
    print("targets (≥ 1 MB/s, < 30 ms):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

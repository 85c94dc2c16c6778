"""Drafting benchmark: offline summary time for 500 records, prompt tokens for 50 / 500 records against
the token budget, and the overhead before the first model request (retrieval + facts + prompt).

Times are printed in ms and as ratios against a baseline measured in the same run (a JSON round trip
of the same 500 records), so figures from different machines can be compared.

    python bench/bench_draft.py            # prints a table; exit 1 if a target is missed
"""

from __future__ import annotations

import calendar
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORG = "青禾职业技术学院团委"
OVERHEAD_TARGET_MS = 300.0


def generate_records(n: int, year: int = 2025, seed: int = 7):
    """`n` records shaped like the sample corpus: monthly platform records plus activities."""
    from writer.models import Record

    rnd = random.Random(seed)
    cats = ["志愿服务"] * 5 + ["理论学习"] * 2 + ["文体活动"] * 3 + ["技能竞赛"] + ["培训"] * 2 + ["宣传报道"] * 2 + ["获奖荣誉"]
    out = []
    fans = [12000, 4400, 6100]
    for m in range(1, 13):
        fans = [f + rnd.randint(-150, 600) for f in fans]
        out.append(Record(id=f"p{year}{m:02d}", date=f"{year}-{m:02d}-{calendar.monthrange(year, m)[1]:02d}",
                          title=f"{year}年{m}月新媒体平台数据", category="平台运营", org=ORG,
                          metrics={"微信公众号粉丝数": fans[0], "微博粉丝数": fans[1], "抖音粉丝数": fans[2],
                                   "推文篇数": rnd.randint(8, 30), "阅读量": rnd.randint(12000, 60000)},
                          summary="本月发布推文若干篇，截至月末各平台粉丝数见指标。"))
    for i in range(n - 12):
        c = rnd.choice(cats)
        metrics = {"志愿服务": {"服务时长": rnd.randint(40, 900)}, "培训": {"培训人数": rnd.randint(20, 300)},
                   "宣传报道": {"外媒采用篇数": rnd.randint(1, 4)}}.get(c, {})
        people = None if c in ("获奖荣誉", "宣传报道") else rnd.randint(12, 400)
        summary = f"{people or ''}名青年参加，活动围绕主题分组开展，现场气氛热烈，参与学生反馈良好。"
        if people and rnd.random() < 0.04:
            summary = f"活动原计划{people + 30}人参加，实际到场{people}人。"
        out.append(Record(id=f"g{year}-{i:04d}", date=f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                          title=f"{c}活动第{i}期", category=c, org=ORG, location="青禾职业技术学院",
                          organizer="院团委", participants=people, summary=summary, metrics=metrics))
    return out


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of `fn` in ms."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> int:
    home = tempfile.mkdtemp(prefix="bench-draft-")
    os.environ["WRITER_HOME"] = home
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "WRITER_MODEL", "CHROMA_HOST"):
        os.environ.pop(var, None)
    import writer  # noqa: F401  (offline switches)
    from writer.llm import OfflineBackend
    from writer.settings import get_settings
    from writer.summary import build_summary, draft_summary

    settings = get_settings()
    rec500 = generate_records(500)
    rec50 = generate_records(50)
    previous = generate_records(500, year=2024, seed=8)

    payload = [r.to_dict() for r in rec500]
    baseline = timed(lambda: json.loads(json.dumps(payload, ensure_ascii=False)), repeat=9)

    offline = timed(lambda: draft_summary(rec500, org=ORG, label="2025年", backend=OfflineBackend(),
                                          previous=previous), repeat=3)
    tokens = {n: build_summary(recs, org=ORG, label="2025年").prompt_tokens for n, recs in ((50, rec50), (500, rec500))}

    # overhead before the first model request, through the real Library (Chroma + BM25 retrieval)
    from writer.library import open_library

    library = open_library(settings)
    library.import_records(rec500 + previous)
    summaries = sorted((ROOT / "corpus" / "documents" / "summaries").glob("*"))
    if summaries:
        library.ingest(summaries, kind="summary")

    def overhead():
        records = library.query_records(org=ORG, year=2025)
        prev = library.query_records(org=ORG, year=2024)
        refs = library.search(f"{ORG} 2025年 年度工作总结", k=3, kind="summary", org=ORG)
        build_summary(records, refs, org=ORG, label="2025年", previous=prev)

    overhead()  # warm: first query loads the index and tokenizer
    overhead_ms = timed(overhead, repeat=5)

    budget = settings.token_budget
    rows = [
        ("baseline: JSON round trip of 500 records", baseline, 1.0, ""),
        ("offline summary, 500 records (+500 last year)", offline, offline / baseline, ""),
        ("overhead before first model request (retrieval+facts+prompt)", overhead_ms, overhead_ms / baseline,
         f"target < {OVERHEAD_TARGET_MS:.0f} ms"),
    ]
    print(f"{'measure':<64}{'ms':>10}{'× baseline':>12}  note")
    for name, ms, ratio, note in rows:
        print(f"{name:<64}{ms:>10.1f}{ratio:>12.1f}  {note}")
    for n, t in tokens.items():
        print(f"{'prompt tokens, ' + str(n) + ' records':<64}{t:>10d}{t / budget:>12.2f}  of budget {budget}")
    ok = overhead_ms < OVERHEAD_TARGET_MS and all(t <= budget for t in tokens.values())
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

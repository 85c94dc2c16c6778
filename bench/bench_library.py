"""Library benchmark: ingest throughput and search latency on a generated 20,000-chunk corpus, and
recall@5 of vector-only, lexical-only and fused retrieval on the labelled set.

Each figure is printed beside a baseline measured in the same run (machines here are noisy):
ingest against bare Chroma `add` of the same chunks with the same embedder; search against a bare
Chroma vector query. Usage: python bench/bench_library.py [--chunks 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retrieval_eval import ingest_labelled, load_labelled, recall_at_k  # noqa: E402

import writer  # noqa: E402,F401
from writer.ingest import make_document, split_document  # noqa: E402
from writer.library import Library  # noqa: E402
from writer.settings import load_settings  # noqa: E402

PLACES = ["敬老院", "社区服务中心", "图书馆", "体育馆", "报告厅", "田径场", "实训楼", "文化广场", "青年之家", "江堤"]
ORGS = ["青禾职业技术学院团委", "江川市第三中学", "江川市民政局", "江川市明德社区志愿者协会", "江川市图书馆"]
TOPICS = ["志愿服务", "技能竞赛", "理论学习", "防诈骗宣传", "垃圾分类", "读书月", "消防演练", "义诊", "招聘会", "运动会",
          "新媒体培训", "国防教育", "非遗传承", "心理健康", "法治宣传", "植树", "献血", "支教", "助学", "防汛"]
VERBS = ["组织开展", "举办", "参加", "承办", "启动", "圆满完成", "深入推进", "集中开展"]
PEOPLE = ["青年志愿者", "学生骨干", "退休教师", "社区居民", "新生", "教职工", "团员青年", "家长代表"]


def sentence(rng: random.Random) -> str:
    return (f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{rng.choice(ORGS)}{rng.choice(VERBS)}{rng.choice(TOPICS)}活动，"
            f"{rng.randint(12, 900)}名{rng.choice(PEOPLE)}在{rng.choice(PLACES)}参加，"
            f"{rng.choice(['现场气氛热烈', '活动取得实效', '受到广泛好评', '累计服务时长' + str(rng.randint(20, 600)) + '小时'])}。")


def generate_corpus(folder: Path, chunks: int, seed: int = 7) -> int:
    """Write documents of about ten 300-character chunks each until `chunks` chunks exist."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    n = 0
    while made < chunks:
        topic = rng.choice(TOPICS)
        body = "".join(sentence(rng) for _ in range(60))
        path = folder / f"doc{n:05d}.txt"
        path.write_text(f"标题：{rng.choice(ORGS)}{topic}活动纪实（第{n}期）\n{body}", encoding="utf-8")
        made += len(split_document(make_document(path)))
        n += 1
    return made


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench_ingest_and_search(total_chunks: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="writer-bench-"))
    corpus = work / "corpus"
    made = generate_corpus(corpus, total_chunks)
    files = sorted(corpus.glob("*.txt"))
    print(f"生成语料：{len(files)} 篇，{made} 个片段")

    library = Library(load_settings({**os.environ, "WRITER_HOME": str(work / "home"), "CHROMA_HOST": ""}))
    start = time.perf_counter()
    library.ingest([corpus], kind="news")
    ingest_s = time.perf_counter() - start
    chunks = library.store.documents.count()

    # baseline: the same chunks added to a bare collection with the same embedder, no reading or splitting
    import chromadb

    texts = [c.text for f in files for c in split_document(make_document(f))]
    bare = chromadb.PersistentClient(path=str(work / "bare")).create_collection(
        "bare", embedding_function=library.store.embedder, configuration={"hnsw": {"space": "cosine"}})
    start = time.perf_counter()
    batch = 5000
    for i in range(0, len(texts), batch):
        bare.add(ids=[str(j) for j in range(i, min(i + batch, len(texts)))], documents=texts[i:i + batch])
    bare_s = time.perf_counter() - start

    ours = chunks / ingest_s
    base = len(texts) / bare_s
    print(f"入库吞吐：{ours:,.0f} 片段/秒（基线：裸 Chroma add {base:,.0f} 片段/秒，比值 {ours / base:.2f}）")

    rng = random.Random(11)
    queries = [f"{rng.choice(PEOPLE)} {rng.choice(TOPICS)} {rng.choice(PLACES)}" for _ in range(200)]
    library.search(queries[0])  # warm: loads the lexical index once, as a running server would have
    ours_ms, base_ms, filtered_ms = [], [], []
    for q in queries:
        t = time.perf_counter()
        library.search(q, k=5)
        ours_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        bare.query(query_texts=[q], n_results=5)
        base_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        library.search(q, k=5, org=ORGS[0])
        filtered_ms.append((time.perf_counter() - t) * 1000)
    med, p95 = statistics.median(ours_ms), percentile(ours_ms, 0.95)
    bmed, bp95 = statistics.median(base_ms), percentile(base_ms, 0.95)
    print(f"检索延迟（{chunks} 片段，混合检索）：中位数 {med:.1f} ms，p95 {p95:.1f} ms；"
          f"带单位筛选：中位数 {statistics.median(filtered_ms):.1f} ms，p95 {percentile(filtered_ms, 0.95):.1f} ms")
    print(f"  基线（裸 Chroma 向量查询）：中位数 {bmed:.1f} ms，p95 {bp95:.1f} ms；比值 中位数 {med / bmed:.2f}，p95 {p95 / bp95:.2f}")
    print(f"  目标：中位数 < 30 ms —— {'达到' if med < 30 else '未达到'}")


def bench_recall() -> None:
    with tempfile.TemporaryDirectory(prefix="writer-recall-") as home:
        library = Library(load_settings({**os.environ, "WRITER_HOME": home, "CHROMA_HOST": ""}))
        ingest_labelled(library)
        docs, queries = load_labelled()
        recall = recall_at_k(library, queries, k=5)
        print(f"召回率@5（标注集：{len(docs)} 篇文档，{len(queries)} 条改写查询）：")
        print("  " + "  ".join(f"{mode}: {r.recall:.3f}" for mode, r in recall.items()))
        best_single = max(recall["vector"].recall, recall["lexical"].recall)
        print(f"  融合相对最佳单路：{recall['hybrid'].recall / best_single:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=20000)
    args = parser.parse_args()
    bench_recall()
    bench_ingest_and_search(args.chunks)


if __name__ == "__main__":
    main()

"""Retrieval: whole documents ranked, filters, and the measured advantage of fusing BM25 with vectors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from writer.library import open_library

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from retrieval_eval import load_labelled, recall_at_k, ingest_labelled  # noqa: E402


@pytest.fixture(scope="module")
def labelled_library(tmp_path_factory):
    import os

    from writer.library import Library
    from writer.settings import load_settings

    home = tmp_path_factory.mktemp("labelled")
    settings = load_settings({**os.environ, "WRITER_HOME": str(home)})
    library = Library(settings)
    ingest_labelled(library)
    return library


def test_labelled_set_is_big_enough():
    docs, queries = load_labelled()
    assert len(docs) >= 40 and len(queries) >= 15


def test_fusion_beats_vector_only_and_lexical_only(labelled_library):
    _, queries = load_labelled()
    for k in (3, 5):
        recall = recall_at_k(labelled_library, queries, k=k)
        print(k, {mode: round(r.recall, 3) for mode, r in recall.items()})
        assert recall["hybrid"].recall > recall["vector"].recall
        assert recall["hybrid"].recall > recall["lexical"].recall


def test_results_are_whole_documents_with_their_best_chunk(labelled_library):
    hits = labelled_library.search("敬老院 老人 志愿者", k=10)
    assert len({h.doc_id for h in hits}) == len(hits) == 10
    assert all(h.text and h.title and h.source for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_long_document_is_one_result_with_the_matching_chunk_shown(tmp_path):
    library = open_library()
    filler = "学院各项工作有序推进，师生精神面貌良好。" * 40
    (tmp_path / "long.txt").write_text(f"标题：学期工作回顾\n{filler}\n九月，学院举办了无人机操控技能大赛，共86名学生参赛。\n{filler}",
                                       encoding="utf-8")
    (tmp_path / "other.txt").write_text("标题：植树节\n三月，师生在江堤种下200棵树。", encoding="utf-8")
    library.ingest([tmp_path])
    hits = library.search("无人机 技能大赛")
    assert hits[0].title == "学期工作回顾"
    assert "无人机" in hits[0].text
    assert [h.title for h in hits].count("学期工作回顾") == 1


def test_filters_apply_to_both_sides(tmp_path):
    library = open_library()
    (tmp_path / "a.txt").write_text("标题：敬老院慰问\n2024年3月，志愿者到敬老院慰问老人。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("标题：敬老院慰问活动\n2025年3月，志愿者到敬老院慰问老人，送去棉被。", encoding="utf-8")
    library.ingest([tmp_path / "a.txt"], org="甲单位")
    library.ingest([tmp_path / "b.txt"], org="乙单位")
    for mode in ("vector", "lexical", "hybrid"):
        hits = library.search("敬老院慰问", org="乙单位", mode=mode)
        assert [h.org for h in hits] == ["乙单位"], mode
        assert [h.year for h in library.search("敬老院慰问", year=2024, mode=mode)] == [2024], mode
        assert library.search("敬老院慰问", kind="summary", mode=mode) == [], mode


def test_empty_library_and_empty_query():
    library = open_library()
    assert library.search("敬老院") == []
    assert library.search("   ") == []

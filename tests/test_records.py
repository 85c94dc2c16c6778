"""Activity record import: validation with row numbers, encodings, all-or-nothing, updates by id."""

from __future__ import annotations

import json

import pytest

from writer.errors import InputError, ValidationError
from writer.library import open_library
from writer.records import load_records, parse_csv

HEADER = "id,date,title,category,org,location,participants,summary,metrics\n"
GOOD = 'r1,2025-03-18,敬老院慰问,志愿服务,青禾团委,福寿敬老院,30,看望老人,"{""服务时长"": 90}"\n'


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_json_metrics_column(tmp_path):
    records = load_records(write(tmp_path, "a.csv", HEADER + GOOD))
    assert records[0].metrics == {"服务时长": 90}
    assert records[0].participants == 30
    assert records[0].year == 2025 and records[0].date_int == 20250318


def test_csv_with_one_column_per_metric_and_chinese_headers(tmp_path):
    text = "编号,日期,标题,类别,单位,参与人数,培训人数,阅读量\nr1,2025/4/2,新媒体培训,培训,青禾团委,80,80,\n"
    record = load_records(write(tmp_path, "b.csv", text))[0]
    assert record.date == "2025-04-02"
    assert record.metrics == {"培训人数": 80}


def test_gb18030_csv_is_decoded(tmp_path):
    records = load_records(write(tmp_path, "gbk.csv", HEADER + GOOD, encoding="gb18030"))
    assert records[0].title == "敬老院慰问"


def test_utf8_bom_csv_is_decoded(tmp_path):
    records = load_records(write(tmp_path, "bom.csv", "\ufeff" + HEADER + GOOD))
    assert records[0].id == "r1"


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_returned(tmp_path):
    text = HEADER + GOOD + "r2,2025-02-30,x,志愿服务,青禾团委,,5,,\nr3,2025-03-01,,志愿服务,青禾团委,,-4,,\n"
    with pytest.raises(ValidationError) as info:
        load_records(write(tmp_path, "bad.csv", text))
    problems = dict(info.value.problems)
    assert "2025-02-30" in problems[3] and "不存在" in problems[3]
    assert "缺少标题" in problems[4]
    assert "第3行" in str(info.value) and "未导入任何记录" in str(info.value)


def test_skip_bad_keeps_the_good_rows(tmp_path):
    text = HEADER + GOOD + "r2,not-a-date,x,志愿服务,青禾团委,,5,,\n"
    assert [r.id for r in load_records(write(tmp_path, "bad.csv", text), skip_bad=True)] == ["r1"]


def test_duplicate_ids_in_one_file_are_an_error(tmp_path):
    with pytest.raises(ValidationError) as info:
        load_records(write(tmp_path, "dup.csv", HEADER + GOOD + GOOD))
    assert "重复" in info.value.problems[0][1]


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"participants": 2_000_000}, "不合常理"),
        ({"participants": 12.5}, "整数"),
        ({"metrics": {"阅读量": "很多"}}, "应为数字"),
        ({"metrics": "{bad json"}, "JSON"),
        ({"date": "2025-13-01"}, "不存在"),
        ({"date": "去年"}, "格式不对"),
    ],
)
def test_json_field_validation_messages(tmp_path, row, expected):
    base = {"id": "r1", "date": "2025-03-01", "title": "t", "category": "培训", "org": "o"}
    path = write(tmp_path, "r.json", json.dumps([{**base, **row}], ensure_ascii=False))
    with pytest.raises(ValidationError) as info:
        load_records(path)
    assert info.value.problems[0][0] == 1
    assert expected in info.value.problems[0][1]


def test_malformed_files_give_chinese_messages(tmp_path):
    for name, text in (("e.json", "[{"), ("e.csv", "a,b\n1,2\n"), ("o.json", '{"a": 1}')):
        with pytest.raises(InputError) as info:
            load_records(write(tmp_path, name, text))
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
    with pytest.raises(InputError, match="空文件"):
        load_records(write(tmp_path, "empty.csv", ""))


def test_too_many_columns_names_the_row(tmp_path):
    result = parse_csv(HEADER + GOOD + "r2,2025-03-01,t,c,o,,,,,extra\n")
    assert result.problems[0][0] == 3 and "列" in result.problems[0][1]


def test_reimport_updates_instead_of_duplicating(tmp_path):
    library = open_library()
    path = write(tmp_path, "a.csv", HEADER + GOOD)
    first = library.import_records_file(path)
    assert (first.imported, first.updated) == (1, 0)
    write(tmp_path, "a.csv", HEADER + GOOD.replace(",30,", ",45,"))
    second = library.import_records_file(path)
    assert (second.imported, second.updated) == (0, 1)
    records = library.query_records(org="青禾团委", year=2025)
    assert len(records) == 1 and records[0].participants == 45


def test_rejected_file_leaves_library_unchanged(tmp_path):
    library = open_library()
    library.import_records_file(write(tmp_path, "a.csv", HEADER + GOOD))
    bad = HEADER + GOOD.replace("r1", "r9") + "r10,2025-02-30,x,志愿服务,青禾团委,,5,,\n"
    with pytest.raises(ValidationError):
        library.import_records_file(write(tmp_path, "b.csv", bad))
    assert [r.id for r in library.query_records()] == ["r1"]


def test_query_by_org_year_category_and_date_range(corpus_dir):
    library = open_library()
    library.ingest([corpus_dir / "records"])
    year_2025 = library.query_records(org="青禾职业技术学院团委", year=2025)
    assert len(year_2025) >= 45 and all(r.year == 2025 for r in year_2025)
    assert [r.date for r in year_2025] == sorted(r.date for r in year_2025)
    platform = library.query_records(org="青禾职业技术学院团委", year=2024, category="平台运营")
    assert len(platform) == 12
    spring = library.query_records(date_from="2025-03-01", date_to="2025-05-31")
    assert spring and all("2025-03-01" <= r.date <= "2025-05-31" for r in spring)
    assert library.query_records(org="不存在的单位") == []

"""Activity records: parse JSON/CSV files into validated `Record`s with row-numbered Chinese messages.

A file is validated whole before anything is stored: with a bad row nothing is imported unless the
caller asks to skip bad rows explicitly.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError, ValidationError
from .models import Record
from .textio import decode_text, read_bytes

MAX_RECORD_FILE_BYTES = 100 * 1024 * 1024
MAX_PARTICIPANTS = 1_000_000
MAX_METRIC = 1e12
MAX_LISTED_PROBLEMS = 20
# Importing into Chroma runs at ~750 records/s when the collection is small and slows as it grows
# (100,000 rows took 374 s): a file past this is refused after parsing (~0.3 s per 10,000 rows).
MAX_RECORDS_PER_FILE = 10_000

# Column names accepted in CSV headers and JSON keys (Chinese aliases map to the field names).
ALIASES = {
    "id": "id", "编号": "id", "记录编号": "id",
    "date": "date", "日期": "date", "时间": "date", "活动日期": "date",
    "title": "title", "标题": "title", "活动名称": "title", "名称": "title",
    "category": "category", "类别": "category", "分类": "category", "活动类别": "category",
    "org": "org", "单位": "org", "组织": "org", "所属单位": "org",
    "location": "location", "地点": "location", "活动地点": "location",
    "organizer": "organizer", "组织者": "organizer", "主办": "organizer", "承办": "organizer",
    "participants": "participants", "参与人数": "participants", "人数": "participants",
    "summary": "summary", "摘要": "summary", "简介": "summary", "内容": "summary",
    "metrics": "metrics", "指标": "metrics", "数据": "metrics",
    "photos": "photos", "照片": "photos", "图片": "photos",
}
REQUIRED = ("id", "date", "title", "category", "org")
FIELD_NAMES = {"id": "编号", "date": "日期", "title": "标题", "category": "类别", "org": "单位"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


@dataclass
class ParseResult:
    records: list[Record] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    row_label: str = "行"

    def describe(self, name: str) -> str:
        shown = "；".join(f"第{row}{self.row_label}：{msg}" for row, msg in self.problems[:MAX_LISTED_PROBLEMS])
        more = f"；另有 {len(self.problems) - MAX_LISTED_PROBLEMS} 处问题未列出" if len(self.problems) > MAX_LISTED_PROBLEMS else ""
        return f"{name} 有 {len(self.problems)} 处问题：{shown}{more}"


def normalise_date(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValueError("缺少日期")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return date(y, m, d).isoformat()
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"日期“{text}”格式不对，应为 2025-03-18 这样的形式")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what}应为数字，而不是“{value}”")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{what}应为数字，而不是“{value}”") from None
    if not math.isfinite(number):
        raise ValueError(f"{what}不是有效数字")
    if number < 0:
        raise ValueError(f"{what}不能为负数（{value}）")
    if number > MAX_METRIC:
        raise ValueError(f"{what}数值过大（{value}），请核对")
    return number


def _participants(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _number(value, "参与人数")
    if number != int(number):
        raise ValueError(f"参与人数应为整数，而不是“{value}”")
    if number > MAX_PARTICIPANTS:
        raise ValueError(f"参与人数 {int(number)} 不合常理，请核对")
    return int(number)


def _metrics(value: Any) -> dict[str, float]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("指标（metrics）不是有效的 JSON，例如 {\"培训人数\": 120}") from None
    if not isinstance(value, dict):
        raise ValueError("指标（metrics）应为“名称: 数值”的对象")
    metrics: dict[str, float] = {}
    for name, raw in value.items():
        name = str(name).strip()
        if not name:
            raise ValueError("指标名称不能为空")
        number = _number(raw, f"指标“{name}”")
        metrics[name] = int(number) if number == int(number) else number
    return metrics


def _photos(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;；|]", value) if p.strip()]
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return [p.strip() for p in value if p.strip()]
    raise ValueError("照片（photos）应为文件名列表")


def record_from_mapping(raw: dict[str, Any], extra_metrics: dict[str, Any] | None = None) -> Record:
    """Validate one record; raises ValueError with a Chinese message naming what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError("应为一个对象（键值对），例如 {\"id\": \"r001\", …}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = ALIASES.get(str(key).strip().lower(), ALIASES.get(str(key).strip()))
        if name:
            values[name] = value.strip() if isinstance(value, str) else value
    missing = [FIELD_NAMES[k] for k in REQUIRED if values.get(k) in (None, "")]
    if missing:
        raise ValueError("缺少" + "、".join(missing))
    for key in ("id", "title", "category", "org", "location", "organizer", "summary"):
        if key in values and values[key] is not None and not isinstance(values[key], (str, int)):
            raise ValueError(f"{FIELD_NAMES.get(key, key)}应为文字")
    metrics = _metrics(values.get("metrics"))
    for name, raw_value in (extra_metrics or {}).items():
        if raw_value not in (None, ""):
            number = _number(raw_value, f"指标“{name}”")
            metrics[name] = int(number) if number == int(number) else number
    return Record(
        id=str(values["id"]).strip(),
        date=normalise_date(values["date"]),
        title=str(values["title"]),
        category=str(values["category"]),
        org=str(values["org"]),
        location=str(values.get("location") or ""),
        organizer=str(values.get("organizer") or ""),
        participants=_participants(values.get("participants")),
        summary=str(values.get("summary") or ""),
        metrics=metrics,
        photos=_photos(values.get("photos")),
    )


def _collect(rows, result: ParseResult) -> ParseResult:
    seen: dict[str, int] = {}
    for row_number, raw, extra in rows:
        try:
            record = record_from_mapping(raw, extra)
        except ValueError as exc:
            result.problems.append((row_number, str(exc)))
            continue
        if record.id in seen:
            result.problems.append((row_number, f"编号“{record.id}”与第{seen[record.id]}{result.row_label}重复"))
            continue
        seen[record.id] = row_number
        result.records.append(record)
    return result


def parse_json(text: str) -> ParseResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None
    except RecursionError:
        raise InputError("JSON 嵌套层数过多，不是活动记录文件") from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise InputError("JSON 文件应为记录列表，例如 [{\"id\": \"r001\", \"date\": \"2025-03-18\", …}]")
    return _collect(((i, item, None) for i, item in enumerate(data, start=1)), ParseResult(row_label="条"))


def parse_csv(text: str) -> ParseResult:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("CSV 文件没有表头") from None
    except csv.Error as exc:
        raise InputError(f"CSV 格式错误：{exc}") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    known = [ALIASES.get(h.lower(), ALIASES.get(h)) for h in header]
    if not {"id", "date", "title"} <= set(known):
        raise InputError("CSV 表头缺少必需的列（至少要有 id/编号、date/日期、title/标题）")

    def rows():
        try:
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    result.problems.append((line, f"这一行有 {len(row)} 列，多于表头的 {len(header)} 列（可能是内容里有未加引号的逗号）"))
                    continue
                row = row + [""] * (len(header) - len(row))
                raw = {h: v for h, k, v in zip(header, known, row) if k}
                extra = {h: v for h, k, v in zip(header, known, row) if not k and h}
                yield line, raw, extra
        except csv.Error as exc:
            raise InputError(f"CSV 格式错误（第{reader.line_num}行）：{exc}") from None

    result = ParseResult(row_label="行")
    _collect(rows(), result)
    result.problems.sort()
    return result


def parse_records_bytes(data: bytes, name: str) -> ParseResult:
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InputError(f"不支持的记录文件类型：{name}（支持 .json 和 .csv）")
    text = decode_text(data, name)
    result = parse_json(text) if suffix == ".json" else parse_csv(text)
    rows = len(result.records) + len(result.problems)
    if rows > MAX_RECORDS_PER_FILE:
        raise InputError(
            f"{name} 有 {rows} 条记录，超过一次导入 {MAX_RECORDS_PER_FILE} 条的上限（一个单位一年的活动记录通常只有几百条），"
            "请确认没有选错文件，或拆分成几个文件分批导入。未导入任何记录"
        )
    return result


def parse_records_file(path: Path) -> ParseResult:
    return parse_records_bytes(read_bytes(path, MAX_RECORD_FILE_BYTES), path.name)


def load_records(path: Path, skip_bad: bool = False) -> list[Record]:
    """Records of a file; any bad row raises ValidationError unless skip_bad."""
    path = Path(path)
    result = parse_records_file(path)
    if result.problems and not skip_bad:
        raise ValidationError(result.describe(path.name) + "。未导入任何记录。", result.problems)
    if not result.records and not result.problems:
        raise InputError(f"{path.name} 中没有记录")
    return result.records

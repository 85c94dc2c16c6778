"""Plain data types shared by every stage (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["news", "summary"]
Severity = Literal["error", "warning", "info"]

CATEGORIES = (
    "padding",
    "missing-data",
    "placeholder",
    "numbers",
    "numbering",
    "typo",
    "punctuation",
    "structure",
    "lead",
    "artifact",
    "grounding",
)

# What a person reads for each category and severity (UI, Word comments, reports).
CATEGORY_NAMES = {
    "padding": "空话套话",
    "missing-data": "缺少数据",
    "placeholder": "占位符未替换",
    "numbers": "数字核对",
    "numbering": "序号层次",
    "typo": "错别字",
    "punctuation": "标点符号",
    "structure": "结构",
    "lead": "导语",
    "artifact": "复制残留",
    "grounding": "数据来源",
}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Record:
    """One activity record of an organisation. `date` is ISO (YYYY-MM-DD)."""

    id: str
    date: str
    title: str
    category: str
    org: str
    location: str = ""
    organizer: str = ""
    participants: int | None = None
    summary: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def date_int(self) -> int:
        return int(self.date.replace("-", ""))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """A past document in the library."""

    doc_id: str
    title: str
    kind: str
    org: str
    year: int | None
    source: str
    content_hash: str
    text: str
    original_text: str = ""


@dataclass
class Chunk:
    doc_id: str
    position: int
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.position}"


@dataclass
class SearchHit:
    """One past document found by retrieval, with its best-matching chunk."""

    doc_id: str
    title: str
    kind: str
    org: str
    year: int | None
    score: float
    source: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fact:
    """One figure a draft may state, computed by code from records."""

    id: str
    name: str
    value: float | int | str
    unit: str = ""
    records: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Section:
    heading: str
    text: str


@dataclass
class Photo:
    path: str
    caption: str = ""
    taken: str | None = None


@dataclass
class Draft:
    kind: str
    title: str
    sections: list[Section] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    backend: str = "offline"
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Finding:
    rule: str
    category: str
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

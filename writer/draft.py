"""Shared drafting stages: quoting material, running a backend with the offline fallback, parsing the
output into a Draft (sections, citations [F3] parsed then stripped), the grounding check, rendering.

The two pipelines live in writer/summary.py (年度工作总结) and writer/news.py (新闻稿); both end here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .errors import BackendError
from .facts import fmt
from .llm import Backend, OfflineBackend, Prompt, Response
from .models import Draft, Fact, Finding, Record, Section

OnChunk = Callable[[str], None]

# --------------------------------------------------------------------------------------------------
# Material is data, not instructions
# --------------------------------------------------------------------------------------------------

OPEN, CLOSE = "<<<资料开始：{label}>>>", "<<<资料结束：{label}>>>"
_DELIM = re.compile(r"<{2,}|>{2,}")


def quote_material(label: str, text: str) -> str:
    """Put user-supplied text (notes, record summaries, past documents) inside delimiters it cannot
    close itself: any run of << or >> inside is defused."""
    safe = _DELIM.sub(lambda m: "‹" * len(m.group()) if m.group()[0] == "<" else "›" * len(m.group()), text)
    return f"{OPEN.format(label=label)}\n{safe.strip()}\n{CLOSE.format(label=label)}"


_INSTRUCTION = re.compile(
    r"(忽略|无视|不要理会|忘记)(以上|上面|前面|之前|上述|所有)?.{0,6}(要求|指令|指示|提示|规则|内容)"
    r"|^(请你|你现在是|你是一个|作为(AI|人工智能|模型|助手))"
    r"|(ignore|disregard)\s+(all\s+|the\s+)?(previous|above|prior)\b",
    re.IGNORECASE,
)


def looks_like_instruction(line: str) -> bool:
    return bool(_INSTRUCTION.search(line.strip()))


def facts_block(facts: Iterable[Fact], max_ids: int = 3) -> str:
    lines = []
    for f in facts:
        value = fmt(f.value) if not isinstance(f.value, str) else f.value
        if not f.records:
            src = "（来源：笔记）"
        elif len(f.records) <= max_ids:
            src = f"（记录：{'、'.join(f.records)}）"
        else:
            src = f"（共{len(f.records)}条记录）"
        lines.append(f"[{f.id}] {f.name}：{value}{f.unit}{src}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Running a backend, falling back to the offline drafter
# --------------------------------------------------------------------------------------------------


@dataclass
class Generation:
    text: str
    backend: str
    notices: list[str] = field(default_factory=list)
    partial: str = ""


def generate(prompt: Prompt, backend: Backend, on_chunk: OnChunk | None = None) -> Generation:
    """Run `prompt` on `backend`, streaming to `on_chunk`. If the backend fails, keep what streamed,
    write the offline draft instead and say so in a notice."""
    response = Response(backend, prompt)
    try:
        for chunk in response:
            if on_chunk:
                on_chunk(chunk)
        return Generation(response.text(), backend.name)
    except BackendError as exc:
        if isinstance(backend, OfflineBackend) or prompt.offline is None:
            raise
        partial = response.text()
        notices = [f"模型服务出错（{exc}），已改用离线草稿。"]
        if partial.strip():
            notices.append("模型中断前已生成的部分（未经核对，仅供参考）：\n" + strip_markers(partial).strip())
        offline = OfflineBackend()
        text = "".join(offline.stream(prompt))
        if on_chunk:
            on_chunk("\n\n")
            on_chunk(text)
        return Generation(text, offline.name, notices, partial)


# --------------------------------------------------------------------------------------------------
# Parsing generated text into a Draft
# --------------------------------------------------------------------------------------------------

CITE_RE = re.compile(r"\s?[\[［【]\s*((?:F\d+)(?:\s*[,，、;；]\s*F\d+)*)\s*[\]］】]")
_CLAUSE_END = "。！？；\n"


def strip_markers(text: str) -> str:
    return CITE_RE.sub("", text)


def strip_citations(text: str, facts_by_id: dict[str, Fact], section: int = 0,
                    heading: str = "") -> tuple[str, list[dict], list[str]]:
    """Remove [F3] markers from `text`; return the clean text, one citation per marker (the span it
    stands behind: back to the previous clause end or marker, offsets into the clean text), and the
    ids cited that are not facts."""
    out: list[str] = []
    citations: list[dict] = []
    unknown: list[str] = []
    pos = 0
    clean_len = 0
    span_floor = 0
    for m in CITE_RE.finditer(text):
        piece = text[pos:m.start()]
        out.append(piece)
        clean_len += len(piece)
        clean_so_far = "".join(out)
        start = max(span_floor, max((clean_so_far.rfind(c) for c in _CLAUSE_END), default=-1) + 1)
        for sep in "，、：":
            idx = clean_so_far.rfind(sep, start)
            if idx != -1 and clean_len - idx > 24:
                start = max(start, idx + 1)
        ids = re.findall(r"F\d+", m.group(1))
        known = [i for i in ids if i in facts_by_id]
        unknown.extend(i for i in ids if i not in facts_by_id)
        while start < clean_len and clean_so_far[start] in " \u3000，、；：,;:":
            start += 1
        if known:
            records = sorted({r for i in known for r in facts_by_id[i].records})
            citations.append({"section": section, "heading": heading, "start": start, "end": clean_len,
                              "text": clean_so_far[start:clean_len], "facts": known, "records": records})
        span_floor = clean_len
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), citations, unknown


_MD_HEADING = re.compile(r"^#+\s*", re.MULTILINE)
_MD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def clean_model_text(text: str) -> str:
    """Drop the Markdown a model adds (headings' #, **bold**). Underscores are left alone: a blank
    like ____ is a placeholder the checker should see."""
    text = _MD_BOLD.sub(r"\1", _MD_HEADING.sub("", text))
    return text.replace("\r\n", "\n").strip()


def assemble(kind: str, title: str, raw_sections: list[tuple[str, str]], facts: list[Fact],
             backend: str, notices: list[str]) -> Draft:
    """Build the Draft: citations parsed out of each section and kept, markers stripped."""
    by_id = {f.id: f for f in facts}
    sections: list[Section] = []
    citations: list[dict] = []
    unknown: list[str] = []
    title_clean, _, bad = strip_citations(title, by_id)
    unknown.extend(bad)
    for i, (heading, text) in enumerate(raw_sections):
        clean, cites, bad = strip_citations(text.strip(), by_id, i, heading)
        sections.append(Section(heading=heading, text=clean))
        citations.extend(cites)
        unknown.extend(bad)
    notices = list(notices)
    if unknown:
        notices.append(f"草稿引用了不存在的事实编号：{'、'.join(dict.fromkeys(unknown))}，相关数字请核对。")
    return Draft(kind=kind, title=title_clean.strip(), sections=sections, facts=list(facts), citations=citations,
                 backend=backend, notices=notices)


# --------------------------------------------------------------------------------------------------
# Grounding: every number in a draft must trace to a fact or a record
# --------------------------------------------------------------------------------------------------


def draft_text(draft: Draft) -> str:
    """The draft as plain text, the way the checker sees it."""
    parts = [draft.title]
    for s in draft.sections:
        if draft.kind == "summary":
            parts.append(s.heading)
        parts.append(s.text)
    for p in draft.photos:
        if p.caption:
            parts.append(p.caption)
    return "\n".join(x for x in parts if x)


def grounding_findings(draft: Draft, records: list[Record] | None, facts: list[Fact]) -> list[Finding] | None:
    """Findings of the checker's grounding rule on the draft; None when the checker is not available."""
    text = draft_text(draft)
    try:
        from .check import check
    except ImportError:
        return _fallback_grounding(text, records or [], facts)
    findings = check(text, kind=draft.kind, records=records or None, facts=facts)
    return [f for f in findings if f.category == "grounding"]


def _fallback_grounding(text: str, records: list[Record], facts: list[Fact]) -> list[Finding] | None:
    """Until the checker is importable: every figure must equal a fact's value or a number in a record."""
    try:
        from .figures import extract_figures
    except ImportError:
        return None
    known: list[float] = [float(f.value) for f in facts if not isinstance(f.value, str)]
    for r in records:
        if r.participants:
            known.append(float(r.participants))
        known.extend(float(v) for v in r.metrics.values())
        for fig in extract_figures(f"{r.title}。{r.summary}"):
            known.append(float(fig.value))
    out = []
    for fig in extract_figures(text):
        if fig.value < 3 and not fig.is_percent:
            continue
        tol = max(fig.step / 2, 1e-9)
        if any(abs(fig.value - k) <= tol for k in known):
            continue
        out.append(Finding(rule="grounding.unmatched", category="grounding", severity="warning",
                           start=fig.start, end=fig.end, text=fig.raw,
                           message=f"数字「{fig.raw}」在活动记录和计算出的数据中都找不到出处"))
    return out


def flag_ungrounded(draft: Draft, records: list[Record] | None) -> list[Finding]:
    """Run the grounding check and add one notice per unsupported number (flagged, never silently kept)."""
    findings = grounding_findings(draft, records, draft.facts)
    if findings is None:
        return []
    for f in findings:
        draft.notices.append(f"数字“{f.text}”找不到对应的事实或记录，请核对：{f.message}")
    return findings


# --------------------------------------------------------------------------------------------------
# Rendering for people
# --------------------------------------------------------------------------------------------------


def draft_markdown(draft: Draft) -> str:
    lines = [f"# {draft.title}", ""]
    for s in draft.sections:
        if draft.kind == "summary" or s.heading in ("副标题",):
            lines.append(f"## {s.heading}" if draft.kind == "summary" else f"**{s.text}**")
            if draft.kind != "summary":
                lines.append("")
                continue
            lines.append("")
        lines.append(s.text)
        lines.append("")
    if draft.photos:
        lines.append("## 图片说明")
        lines.append("")
        for i, p in enumerate(draft.photos, 1):
            lines.append(f"{i}. {p.caption}（{p.path}）")
        lines.append("")
    if draft.notices:
        lines.append("---")
        lines.append("")
        for n in draft.notices:
            lines.append(f"> 提示：{n}".replace("\n", "\n> "))
        lines.append("")
    lines.append(f"<!-- 起草：{draft.backend} -->")
    return "\n".join(lines).rstrip() + "\n"

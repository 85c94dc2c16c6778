"""The structure of a text as the checks see it: lines, sentences, headings, sections, title, lead.

Everything is computed once per text, with offsets into the text exactly as given.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..figures import DateMention, Figure, parse_chinese_number, scan

_WS = " \t\u3000\r"
_CN_NUM = "一二三四五六七八九十"
MARKER_RE = re.compile(
    r"[ \t\u3000]*(?:#{1,6}\s*)?"
    r"(?:(?P<l1>[一二三四五六七八九十]{1,3})、"
    r"|[（(](?P<l2>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?P<l3>\d{1,2})(?:[.．](?!\d)|、)"
    r"|[（(](?P<l4>\d{1,2})[）)]"
    r"|(?P<l5>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))"
)
LEVEL_NAMES = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）", 5: "①"}
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?…]*[”’」』）)]*|[。！？!?]+")
BYLINE_RE = re.compile(r"通讯员|记者|供稿|摄影|来源|作者|文/|图/|文／|图／|编辑|审核|责任编辑|撰稿|初审|复审|终审|审稿")
# a specific that backs a claim: an honour or a placing. A quoted slogan (“三全育人”) or a title of an
# activity is not evidence that it worked, so quotes count only as the name of an honour.
SPECIFIC_RE = re.compile(r"荣获|获评|被评为|评为|入选|授予|获得[^，。；\n]{0,20}奖|[一二三]等奖|金奖|银奖|铜奖|冠军|亚军|季军|"
                         r"第[一二三]名|“[^”\n]{2,40}”(?:称号|荣誉|奖)")
CHANGE_RE = re.compile(r"由[^，。；\n]{0,16}?\d[^，。；\n]{0,12}?(?:提高|增加|增长|提升|上升|下降|减少|降低|缩短|扩大)(?:到|至)|从[^，。；\n]{0,16}?\d[^，。；\n]{0,12}?(?:提高|增加|增长|提升|上升|下降|减少|降低|缩短|扩大)(?:到|至)")
SPEECH_RE = re.compile(r"表示|说|认为|指出|谈到|坦言|感慨|介绍|评价|称赞|点评")
DEADLINE_RE = re.compile(r"月底前|年底前|月前|季度|上半年|下半年|年内|月内|周内|之前完成|前完成")


@dataclass
class Line:
    start: int
    end: int  # exclusive, before "\n" (and "\r")
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip(_WS)


@dataclass
class Item:
    """A numbered line: 一、 （一） 1. （1） ①."""

    line: int
    level: int
    number: int
    marker_start: int
    marker_end: int
    start: int  # line start (content)
    end: int  # line end
    title: str  # text after the marker up to the first 。：:
    is_heading: bool


@dataclass
class SectionSpan:
    heading: str
    parts: list[str]
    start: int  # heading line start
    end: int  # end of the section (next top-level heading or end of text)
    heading_end: int


@dataclass
class Doc:
    text: str
    lines: list[Line]
    line_starts: list[int]
    sentences: list[tuple[int, int]]
    sent_starts: list[int]
    items: list[Item]
    sections: list[SectionSpan]
    title: tuple[int, int] | None
    heading_spans: list[tuple[int, int]]
    figures: list[Figure]
    dates: list[DateMention]
    fig_starts: list[int]
    kind: str = "news"
    lead: tuple[int, int] | None = None
    body_paragraphs: list[tuple[int, int]] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    cache: dict = field(default_factory=dict)

    # ---- lookups -------------------------------------------------------------------------
    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sent_starts, pos) - 1
        if i < 0:
            return (0, 0)
        s, e = self.sentences[i]
        if pos >= e:  # in a gap (newline)
            return (pos, pos)
        return s, e

    def line_at(self, pos: int) -> Line:
        i = max(0, bisect_right(self.line_starts, pos) - 1)
        return self.lines[i]

    def figures_in(self, start: int, end: int) -> list[Figure]:
        i = bisect_right(self.fig_starts, start - 1)
        out = []
        while i < len(self.figures) and self.figures[i].start < end:
            if self.figures[i].end <= end:
                out.append(self.figures[i])
            i += 1
        return out

    def has_figure(self, start: int, end: int) -> bool:
        i = bisect_right(self.fig_starts, start - 1)
        return i < len(self.figures) and self.figures[i].start < end

    def has_date(self, start: int, end: int) -> bool:
        for d in self.dates_in(start, end):
            if d.kind == "date" and d.month is not None:
                return True
        return bool(DEADLINE_RE.search(self.text, start, end))

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        key = "date_starts"
        if key not in self.cache:
            self.cache[key] = [d.start for d in self.dates]
        starts = self.cache[key]
        i = bisect_right(starts, start - 1)
        out = []
        while i < len(self.dates) and self.dates[i].start < end:
            out.append(self.dates[i])
            i += 1
        return out

    def has_change(self, start: int, end: int) -> bool:
        """A measured change in the span: a percentage or 由…提高到… — evidence for "明显改善"."""
        if any(f.is_percent or f.unit in ("百分点", "个百分点") for f in self.figures_in(start, end)):
            return True
        return bool(CHANGE_RE.search(self.text, start, end))

    def has_specific(self, start: int, end: int) -> bool:
        return bool(SPECIFIC_RE.search(self.text, start, end))

    def in_heading(self, start: int) -> bool:
        starts = self.cache.get("heading_starts")
        if starts is None:
            self.heading_spans.sort()
            starts = self.cache["heading_starts"] = [s for s, _ in self.heading_spans]
        i = bisect_right(starts, start) - 1
        return i >= 0 and start < self.heading_spans[i][1]

    def in_title(self, start: int) -> bool:
        return self.title is not None and self.title[0] <= start < self.title[1]

    def section_at(self, pos: int) -> SectionSpan | None:
        starts = self.cache.get("section_starts")
        if starts is None:
            starts = self.cache["section_starts"] = [s.start for s in self.sections]
        i = bisect_right(starts, pos) - 1
        if i >= 0 and pos < self.sections[i].end:
            return self.sections[i]
        return None

    def is_run_in_heading(self, sentence_start: int) -> bool:
        """The sentence is the short title of a numbered paragraph: "（二）宣传工作成效明显。全年……"."""
        runin = self.cache.get("runin")
        if runin is None:
            runin = self.cache["runin"] = {it.start for it in self.items if it.is_heading}
        line = self.line_at(sentence_start)
        return line.start in runin and not self.text[line.start:sentence_start].strip(" \t\u3000#")

    def in_speech(self, start: int, sentence_start: int) -> bool:
        """Inside a quotation, or reported speech (…表示/说/认为…) earlier in the sentence."""
        line = self.line_at(start)
        before = self.text[line.start:start]
        if before.rfind("“") > before.rfind("”"):
            return True
        return bool(SPEECH_RE.search(self.text, sentence_start, start))

    def in_book_title(self, start: int) -> bool:
        line = self.line_at(start)
        before = self.text[line.start:start]
        return before.rfind("《") > before.rfind("》")


def split_lines(text: str) -> list[Line]:
    lines = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        end = nl
        if end > pos and text[end - 1] == "\r":
            end -= 1
        lines.append(Line(pos, end, text[pos:end]))
        pos = nl + 1
    return lines


_TERMINAL = "。！？!?”’」』…：:；;）)》】"


def _paragraphs(lines: list[Line]) -> list[tuple[int, int]]:
    """Non-empty lines, with lines broken mid-sentence (text copied from a PDF) joined to the next."""
    out: list[tuple[int, int]] = []
    joining = False
    for ln in lines:
        s = ln.stripped
        if not s:
            joining = False
            continue
        if joining and out and not MARKER_RE.match(ln.text) and ln.text[:1] not in " \t\u3000":
            out[-1] = (out[-1][0], ln.end)
        else:
            out.append((ln.start, ln.end))
        joining = len(s) >= 20 and s[-1] not in _TERMINAL and "，" in s
    return out


def _item_number(m: re.Match) -> tuple[int, int] | None:
    for level in (1, 2, 3, 4, 5):
        g = m.group(f"l{level}")
        if g is None:
            continue
        if level in (1, 2):
            value = parse_chinese_number(g)
            if value is None:
                return None
            return level, int(value)
        if level == 5:
            return level, "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(g) + 1
        return level, int(g)
    return None


def part_of(title: str, parts: dict[str, list[str]]) -> list[str]:
    """Canonical summary parts named in a heading, in the order they appear in it."""
    found = []
    for name, variants in parts.items():
        best = None
        for v in variants:
            i = title.find(v)
            if i >= 0 and (best is None or i < best):
                best = i
        if best is not None:
            found.append((best, name))
    found.sort()
    names = [n for _, n in found]
    # 主要工作 alone in a heading that also names 成效 → one part; 工作计划 inside 下一步 → one part
    return list(dict.fromkeys(names))


def build_doc(text: str, parts: dict[str, list[str]], kind: str = "auto") -> Doc:
    lines = split_lines(text)
    line_starts = [ln.start for ln in lines]
    sentences = [m.span() for m in SENTENCE_RE.finditer(text)]
    figures, dates = scan(text)
    summary_parts = parts.get("summary", {})
    all_variants = {v for vs in summary_parts.values() for v in vs}

    items: list[Item] = []
    heading_spans: list[tuple[int, int]] = []
    top: list[tuple[int, int, str, list[str]]] = []  # (line start, heading end, heading text, parts)
    first_content = next((i for i, ln in enumerate(lines) if ln.stripped), None)
    for idx, ln in enumerate(lines):
        s = ln.stripped
        if not s:
            continue
        m = MARKER_RE.match(ln.text)
        if m and len(ln.text) > m.end() and ln.text[m.end():m.end() + 1] not in "）)":
            got = _item_number(m)
            if got:
                level, number = got
                rest = ln.text[m.end():]
                cut = len(rest)
                for p in "。：:；":
                    j = rest.find(p)
                    if 0 <= j < cut:
                        cut = j
                title = rest[:cut].strip(_WS)
                after = rest[cut + 1:].strip(_WS) if cut < len(rest) else ""
                if cut == len(rest):
                    is_heading = len(title) <= 30 and not re.search(r"[；;！？]", title)
                else:
                    # a run-in heading: "（一）新闻宣传。全年……" — a short title followed by more text
                    is_heading = len(title) <= 16 and len(after) > 0 and not re.search(r"[，,]", title)
                mstart = ln.start + (len(ln.text) - len(ln.text.lstrip(" \t\u3000#")))
                items.append(Item(idx, level, number, mstart, ln.start + m.end(), ln.start, ln.end, title, is_heading))
                if is_heading and (cut == len(rest) or level == 1):
                    heading_spans.append((ln.start, ln.start + m.end() + cut))
                if level == 1:
                    top.append((ln.start, ln.start + m.end() + cut, title, part_of(title, summary_parts)))
                continue
        bare = s.lstrip("#").strip(_WS).rstrip("：:")
        if bare in all_variants or (len(bare) <= 14 and s.startswith("#") and part_of(bare, summary_parts)):
            heading_spans.append((ln.start, ln.end))
            top.append((ln.start, ln.end, bare, part_of(bare, summary_parts)))
        elif s.startswith("#") and idx != first_content:
            heading_spans.append((ln.start, ln.end))

    sections: list[SectionSpan] = []
    for i, (start, hend, heading, ps) in enumerate(top):
        end = top[i + 1][0] if i + 1 < len(top) else len(text)
        sections.append(SectionSpan(heading, ps, start, end, hend))

    # title: the first non-empty line, when it reads like one
    title = None
    if first_content is not None:
        ln = lines[first_content]
        s = ln.stripped
        if not MARKER_RE.match(ln.text) and len(s) <= 60 and not s.endswith(("。", "！", "？", "；", "，")) \
                and s.lstrip("#").strip(_WS) not in all_variants:
            lead_ws = len(ln.text) - len(ln.text.lstrip(" \t\u3000#"))
            title = (ln.start + lead_ws, ln.start + len(ln.text.rstrip(_WS)))
        elif not MARKER_RE.match(ln.text) and 6 <= len(s) <= 30 and s.endswith("。") and "，" not in s \
                and s.count("。") == 1 and first_content + 1 < len(lines) and not lines[first_content + 1].stripped:
            # a headline set off by a blank line, with a full stop it should not have
            lead_ws = len(ln.text) - len(ln.text.lstrip(" \t\u3000#"))
            title = (ln.start + lead_ws, ln.start + len(ln.text.rstrip(_WS)))

    paragraphs = _paragraphs(lines)
    doc = Doc(
        text=text, lines=lines, line_starts=line_starts, sentences=sentences,
        sent_starts=[s for s, _ in sentences], items=items, sections=sections, title=title,
        heading_spans=heading_spans, figures=figures, dates=dates, fig_starts=[f.start for f in figures],
        paragraphs=paragraphs,
    )
    doc.kind = kind if kind in ("news", "summary") else detect_kind_doc(doc)
    _find_lead(doc)
    return doc


SUMMARY_TITLE_RE = re.compile(r"总结|工作报告|述职|年度报告|年报|工作回顾")
NEWS_MARK_RE = re.compile(r"讯|通讯员|记者|供稿|摄影|图/|文/|图／|文／|来源：|审核：|编辑：")
LEAD_DATE_RE = re.compile(r"\d{1,2}月\d{1,2}日|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日|日前|近日|昨天|今天")


def detect_kind_doc(doc: Doc) -> str:
    text = doc.text
    summary = 0
    news = 0
    if doc.title:
        title = text[doc.title[0]:doc.title[1]]
        if SUMMARY_TITLE_RE.search(title):
            summary += 3
        if re.search(r"新闻|讯$", title):
            news += 1
    named = {p for sec in doc.sections for p in sec.parts}
    summary += min(len(named), 4) * 1.5
    if len(named) >= 2:
        summary += 1
    head = text[:400]
    if NEWS_MARK_RE.search(head):
        news += 2
    if NEWS_MARK_RE.search(text[-200:]):
        news += 1
    first_paras = [text[s:e] for s, e in doc.paragraphs[:3]]
    if any(LEAD_DATE_RE.search(p[:60]) for p in first_paras):
        news += 2
    if len(text) < 1500:
        news += 1
    elif len(text) > 3000:
        summary += 1
    if re.search(r"全年|本年度|一年来|今年以来|年度", text[:1500]):
        summary += 1
    return "summary" if summary > news else "news"


def _find_lead(doc: Doc) -> None:
    text = doc.text
    paras = doc.paragraphs
    i = 0
    if doc.title and paras and paras[0][0] <= doc.title[0] < paras[0][1] + 1:
        i = 1
    # subtitle / byline / dateline lines
    while i < len(paras):
        s, e = paras[i]
        p = text[s:e].strip(_WS)
        if p.startswith(("——", "—", "－－", "--")) or (len(p) <= 40 and BYLINE_RE.search(p) and "。" not in p):
            i += 1
            continue
        if i == 1 and len(p) <= 30 and not p.endswith(("。", "！", "？")) and "，" not in p:
            i += 1  # a second title line (副标题)
            continue
        if len(p) <= 60 and not re.search(r"[。！？!?，]", p):
            i += 1  # a header line (简报 issue, 编发单位 and date), not a lead
            continue
        break
    if i < len(paras):
        doc.lead = paras[i]
        body = []
        for s, e in paras[i + 1:]:
            p = text[s:e].strip(_WS)
            if len(p) <= 40 and BYLINE_RE.search(p) and "。" not in p:
                continue
            body.append((s, e))
        doc.body_paragraphs = body

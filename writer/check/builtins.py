"""Checks that need code (arithmetic, structure, pairing). Each yields Hit(start, end, variant, values);
the rule's data (message, severity, suggestion, scope) lives in writer/rules/*.toml.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..figures import Figure
from .doc import LEVEL_NAMES, Doc
from .rules import Rule

CJK = "\u4e00-\u9fff\u3400-\u4dbf"


@dataclass
class Hit:
    start: int
    end: int
    variant: str = ""
    values: dict[str, Any] = field(default_factory=dict)


BUILTINS: dict[str, Callable[..., Iterable[Hit]]] = {}


def builtin(name: str):
    def register(fn):
        BUILTINS[name] = fn
        return fn

    return register


def fmt(value: float, decimals: int = 0) -> str:
    if decimals <= 0 and abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}" if abs(value) >= 10000 else str(int(round(value)))
    return f"{value:.{max(decimals, 1)}f}"


_UNIT_CLASS = {"名": "人", "位": "人", "人": "人"}


def unit_class(unit: str) -> str:
    return _UNIT_CLASS.get(unit, unit)


def plain(f: Figure) -> bool:
    """A figure usable in arithmetic: exact, not a percentage."""
    return not f.is_percent and not f.approx and f.unit not in ("百分点", "个百分点")


# ---------------------------------------------------------------------------------- padding
_SLOGAN_RUN = re.compile(rf"(?<![{CJK}])(?:[{CJK}]{{4}}[，、；,;　 ]){{2,}}[{CJK}]{{4}}(?![{CJK}])")
_SLOGAN_SPLIT = re.compile(r"[，、；,;　 ]")
_SLOGAN_LIST = re.compile(rf"(?:[{CJK}]{{4}}、){{3,}}[{CJK}]{{4}}(?![{CJK}])")


@builtin("slogan_stack")
def slogan_stack(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    known = ctx.setdefault(("slogans", rule.id), set(rule.phrases))
    min_run = int(rule.params.get("min_run", 3))
    min_known = int(rule.params.get("min_known", 2))
    spans = []
    for m in _SLOGAN_RUN.finditer(doc.text):
        segs = _SLOGAN_SPLIT.split(m.group())
        if len(segs) >= min_run and sum(1 for s in segs if s in known) >= min_known:
            spans.append(m.span())
            yield Hit(m.start(), m.end())
    # a 、-list of four-character phrases inside a sentence (评价她爱岗敬业、无私奉献、勇于创新、甘为人梯):
    # one item longer than a free-standing run, since its first item is glued to the words before it
    for m in _SLOGAN_LIST.finditer(doc.text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        segs = m.group().split("、")
        if len(segs) >= min_run + 1 and sum(1 for s in segs if s in known) >= min_known:
            yield Hit(m.start(), m.end())


# ---------------------------------------------------------------------------------- missing data
@builtin("section_without_figure")
def section_without_figure(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    wanted = set(rule.params.get("parts", ()))
    for sec in doc.sections:
        if wanted & set(sec.parts) and len(doc.text[sec.heading_end:sec.end].strip()) >= 8:
            if not doc.has_figure(sec.heading_end, sec.end):
                yield Hit(sec.start + _lstrip_len(doc.text, sec.start, sec.heading_end), sec.heading_end,
                          values={"heading": sec.heading})


def _lstrip_len(text: str, start: int, end: int) -> int:
    seg = text[start:end]
    return len(seg) - len(seg.lstrip(" \t\u3000#"))


_TARGET = re.compile(r"以上|以下|以内|不低于|不少于|不超过|力争|目标(?!的)|提高到|保持在|控制在|计划(?!的)|预计")


@builtin("percent_without_base")
def percent_without_base(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    for f in doc.figures:
        if not f.is_percent or f.approx or f.value in (0, 100) or doc.in_heading(f.start) or doc.in_title(f.start):
            continue
        s, e = doc.sentence_at(f.start)
        if _TARGET.search(doc.text, s, e):
            continue  # a target (不低于90%, 提高到50%以上) has no base to give
        before = doc.text[max(0, f.start - 10):f.start]
        needed = 2 if _GROWTH_WORD.search(before) or _OF_PLAN.search(before) else 1
        bases = [g for g in doc.figures_in(s, e) if not g.is_percent]
        if "率" in doc.text[max(s, f.start - 8):f.start]:
            bases = [g for g in bases if g.unit not in _NOT_A_BASE]  # 参与率95% is no rate of 8次活动
        def enough(figs: list[Figure]) -> bool:
            if needed < 2:
                return len(figs) >= needed
            # a growth rate needs a start and an end of one kind (40名 beside 8节课 is no base for 增长40%)
            units = [unit_class(g.unit) for g in figs if g.unit not in _NOT_A_BASE or not g.unit]
            return len(units) != len(set(units)) or len(figs) >= 2 and not all(g.unit for g in figs)

        if enough(bases):
            continue
        # the previous sentence of the same paragraph may give the base
        line = doc.line_at(f.start)
        if s > line.start and _CONTINUES.match(doc.text, s):
            ps, pe = doc.sentence_at(s - 1)
            if ps >= line.start and enough(bases + [g for g in doc.figures_in(ps, pe) if not g.is_percent]):
                continue
        yield Hit(f.start, f.end)


_OF_PLAN = re.compile(r"(?:计划|任务|目标|预算|指标)(?:数)?的$")
_NOT_A_BASE = {"次", "场", "场次", "期", "轮", "天", "小时", "个月", "周", "年", "届", "分", "秒", "分钟", "课时", "学时"}


# a sentence that goes on about the previous one's figures (其中…占…, 这/其…, 比例/占比…)
_CONTINUES = re.compile(r"[ \t\u3000]*(?:[\u4e00-\u9fff]{1,8}中[，,]|其中|其|这|此|占|比例|占比|合格率|通过率|达标率|完成率|参与率|覆盖率|满意率|上述|以上|同比|较|比|与)")


# ---------------------------------------------------------------------------------- numbers
_GROWTH_WORD = re.compile(r"(?:同比|环比|较上年|较去年|比上年|比去年)?(?:增长了?|增加了?|提升了?|提高了?|上升了?|增幅为?|增长率为?|涨幅为?|增速为?|"
                          r"下降了?|减少了?|降低了?|降幅为?|下滑了?|回落了?)(?:约|近)?$")
_DECLINE = re.compile(r"下降|减少|降低|降幅|下滑|回落")
_PRIOR_PERIOD = re.compile(r"去年|上年|上一年|上届|前年|上学期|上季度|上月|上年同期|去年同期")
_BASE_BEFORE = re.compile(r"(?:较|比|同比|相比|与)(?:上年|去年|上一?年度|上届|上学期|上季度|上月|前年|\d{4}年|上一届)?(?:同期)?的?(?:[\u4e00-\u9fff]{0,4}的)?$")
_TRANSITION = re.compile(r"到|至|为|→|变成|达")


def _tolerance(f: Figure) -> float:
    return max(10.0 ** -f.decimals, 0.05) + 1e-9


@builtin("growth_rate")
def growth_rate(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    for f in doc.figures:
        if f.unit == "倍" and not f.approx:
            yield from _growth_times(doc, f)
            continue
        if not f.is_percent or f.approx:
            continue
        before = text[max(0, f.start - 10):f.start]
        if not _GROWTH_WORD.search(before):
            continue
        s, se = doc.sentence_at(f.start)
        allprior = doc.figures_in(s, f.start)
        if allprior and allprior[-1].is_percent and not allprior[-1].approx and f.start - allprior[-1].end <= 24 \
                and f.unit == "%":
            # a rate that rose: 覆盖率由82.5%提高到88.0%，增长了5.5% / 供养率达到46.5%，较上年提高5.3%
            pcts = [g for g in allprior if g.is_percent and not g.approx]
            if len(pcts) >= 2 and pcts[-2].value and _TRANSITION.search(text[pcts[-2].end:pcts[-1].start]):
                a, b = pcts[-2], pcts[-1]
                diff = abs(b.value - a.value)
                rel = diff / a.value * 100
                if abs(rel - f.value) > _tolerance(f) and abs(diff - f.value) <= _tolerance(f):
                    yield Hit(f.start, f.end, "points", {"a": fmt(a.value, a.decimals) + "%", "b": fmt(b.value, b.decimals) + "%",
                                                         "expected": f"{rel:.1f}", "diff": fmt(diff, max(a.decimals, b.decimals))})
                continue
            if len(pcts) == 1 and re.search(r"率|占比|比重|比例", text[max(s, pcts[0].start - 12):pcts[0].start]) \
                    and _PRIOR_PERIOD.search(before):
                yield Hit(f.start, f.end, "points_only", {"rate": pcts[0].raw})
                continue
        prior = [g for g in allprior if not g.is_percent]
        if not prior:
            continue
        after_base = re.match(r"[，,（(]\s*(?:上年同期|去年同期|上年|去年|上一年度|上年度|上届|上学期|上期)(?:为|是|有)(?:约|近)?", text[f.end:se])
        if after_base and len(prior) >= 1:
            # 时长达到12.6万小时，同比增长18%，上年同期为11.2万小时: the base comes after the rate
            nxt = [g for g in doc.figures_in(f.end, se) if g.start == f.end + after_base.end()]
            if nxt and _same_unit(nxt[0], prior[-1]) and not nxt[0].approx and not prior[-1].approx and nxt[0].value:
                a, b = nxt[0], prior[-1]
                decline = bool(_DECLINE.search(before))
                change = (a.value - b.value) if decline else (b.value - a.value)
                expected = change / a.value * 100
                if abs(expected - f.value) > _tolerance(f):
                    yield Hit(f.start, f.end, "", {"a": fmt(a.value, a.decimals), "b": fmt(b.value, b.decimals),
                                                   "expected": f"{expected:.{max(f.decimals, 1)}f}"})
                continue
        base = prior[-1]
        pre_base = text[max(s, base.start - 12):base.start]
        if _BASE_BEFORE.search(pre_base) and f.start - base.end <= 12:
            # 接种4,320剂次，较去年同期的3,600剂次增长了17%: current value earlier, same unit
            cur = next((g for g in reversed(prior[:-1]) if _same_unit(g, base) and not g.approx), None)
            if cur is None or base.approx or base.value == 0:
                continue
            a, b = base, cur
        else:
            if len(prior) < 2:
                continue
            a, b = prior[-2], prior[-1]
            if a.approx or b.approx or a.value == 0:
                continue
            if a.unit and b.unit and unit_class(a.unit) != unit_class(b.unit):
                continue
            between = text[a.end:b.start]
            if _PRIOR_PERIOD.search(between) and len(between) <= 12 and f.start - b.end <= 12:
                a, b = b, a  # 今年参赛45支，去年40支，增长…: the base comes second
            elif len(between) > 16 or not _TRANSITION.search(between) or "，" in between and len(between) > 10:
                continue
        decline = bool(_DECLINE.search(before))
        change = (a.value - b.value) if decline else (b.value - a.value)
        expected = change / a.value * 100
        if abs(expected - f.value) <= _tolerance(f):
            continue
        # a rate against the other base by mistake?
        variant = ""
        if b.value and abs(change / b.value * 100 - f.value) <= _tolerance(f):
            variant = "end_base"
        decimals = max(f.decimals, 1)
        yield Hit(f.start, f.end, variant, {
            "a": fmt(a.value, a.decimals), "b": fmt(b.value, b.decimals),
            "expected": f"{expected:.{decimals}f}",
        })


def _growth_times(doc: Doc, f: Figure) -> Iterable[Hit]:
    """增长了3倍 means the end is 4 times the start; 增长到3倍 / 是…的3倍 means 3 times."""
    text = doc.text
    before = text[max(0, f.start - 6):f.start]
    m = re.search(r"(增长|增加|提高|提升|翻)(了|到|至|为)?$", before)
    if not m:
        return
    s, _ = doc.sentence_at(f.start)
    prior = [g for g in doc.figures_in(s, f.start) if plain(g) and g.unit != "倍"]
    if len(prior) < 2:
        return
    a, b = prior[-2], prior[-1]
    if not a.value or (a.unit and b.unit and unit_class(a.unit) != unit_class(b.unit)):
        return
    ratio = b.value / a.value
    to_form = m.group(2) in ("到", "至", "为")
    expected = ratio if to_form else ratio - 1
    if abs(expected - f.value) > 0.05 + 10.0 ** -max(f.decimals, 1) / 2:
        yield Hit(f.start, f.end, "times", {"a": fmt(a.value), "b": fmt(b.value),
                                           "expected": fmt(round(expected, 1), 1 if expected % 1 else 0)})


_TOTAL_WORD = re.compile(r"(?:共计|合计|累计|总计|总共|一共|共|总数为?|总数达|全年共)")
_PARTS_WORD = re.compile(r"其中|分别")


def _same_unit(a: Figure, b: Figure) -> bool:
    return unit_class(a.unit) == unit_class(b.unit)


_COUNTERS = {"个", "项"}


def _part_unit(g: Figure, t: Figure) -> bool:
    """A part counted with the total's unit (人 ~ 名; 项目 counted in 个 or 项 alike)."""
    return _same_unit(g, t) or (g.unit in _COUNTERS and t.unit in _COUNTERS)


def _in_parens(text: str, start: int, pos: int) -> bool:
    """Inside a bracketed aside opened after `start` (其中专任教师742人（上年同期为713人）)."""
    seg = text[start:pos]
    return max(seg.rfind("（"), seg.rfind("(")) > max(seg.rfind("）"), seg.rfind(")"))


@builtin("parts_sum")
def parts_sum(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    near = float(rule.params.get("near", 0.9))
    for s, e in doc.sentences:
        if not doc.has_figure(s, e):
            continue
        figs = [g for g in doc.figures_in(s, e) if not g.is_percent]
        if len(figs) < 3:
            continue
        seg = text[s:e]
        # total first: 共…T，其中 a、b、c
        for i, t in enumerate(figs):
            lead_in = text[max(s, t.start - 14):t.start]
            tm = None
            for tm in _TOTAL_WORD.finditer(lead_in):
                pass
            rest = text[t.end:e]
            implicit = re.match(r"[，,]?其中", rest) is not None  # 举办活动128场，其中… : a total all the same
            if not implicit and (tm is None or re.search(r"[，。；：]", lead_in[tm.end():])):
                continue
            pm = re.search(r"其中|分别为|分别是|包括|按[\u4e00-\u9fff]{1,4}分[，,：:]|按[\u4e00-\u9fff]{1,4}划分[，,：:]", rest)
            if not pm or re.search(r"[。；]", rest[:pm.start()]):
                continue
            part_zone_start = t.end + pm.end()
            stop = re.search(r"[；;。]", text[part_zone_start:e])
            part_zone_end = part_zone_start + stop.start() if stop else e
            parts = [g for g in figs[i + 1:] if part_zone_start <= g.start and g.end <= part_zone_end and _part_unit(g, t)
                     and not _in_parens(text, part_zone_start, g.start)]
            if len(parts) < 2 or t.approx or any(p.approx for p in parts):
                continue
            total = t.value
            psum = sum(p.value for p in parts)
            zone = text[part_zone_start:parts[-1].end]
            last_label = text[parts[-2].end:parts[-1].start]
            exhaustive = (("分别" in rest or "包括" in rest[:pm.end()]) and tm is not None) or pm.group().startswith("按") \
                or (re.search(r"其他|其余|其它", last_label) is not None and "等" not in zone)
            open_ended = re.search(r"等|另有|以及", zone) is not None or (not exhaustive and re.search(r"其他|其余", zone))
            # 其中 a、b、c that fall just short of the total: a slip, not a partial list
            short = (not open_ended and psum < total - 1e-9 and psum >= near * total
                     and (len(parts) >= 3 or total - psum <= 0.1 * total))
            if psum > total + 1e-9 or (exhaustive and abs(psum - total) > 1e-9):
                yield Hit(t.start, parts[-1].end, "", {"parts": fmt(psum), "total": fmt(total)})
            elif short:
                yield Hit(t.start, parts[-1].end, "short", {"parts": fmt(psum), "total": fmt(total),
                                                            "gap": fmt(total - psum)})
            break
        else:
            # parts first: a、b、c，共计 T (the total ends the enumeration)
            tm = None
            for tm in _TOTAL_WORD.finditer(seg):
                pass
            if tm is None or tm.start() == 0:
                continue
            abs_tm = s + tm.start()
            after = [g for g in figs if g.start >= s + tm.end()]
            if not after or after[0].start - (s + tm.end()) > 8:
                continue
            t = after[0]
            parts = []
            cursor = abs_tm
            for g in reversed([g for g in figs if g.end <= abs_tm]):
                gap = text[g.end:cursor]
                if not _same_unit(g, t) or len(gap) > (6 if not parts else 14) or re.search(r"[。；]", gap):
                    break
                if parts and not re.search(r"[、，,]", gap):
                    break
                parts.insert(0, g)
                cursor = g.start
            if len(parts) < 2 or t.approx or any(p.approx for p in parts):
                continue
            # the parts must be an enumeration (、 or ，between them) right before the total
            psum = sum(p.value for p in parts)
            if abs(psum - t.value) > 1e-9:
                yield Hit(parts[0].start, t.end, "", {"parts": fmt(psum), "total": fmt(t.value)})


_SHARE_OF = re.compile(r"占[^，。；、\d]{0,14}?(?:的)?(?:比例|比重)?(?:为|达到?|是)?(?:约|近)?$")
_RATIO_WORD = re.compile(r"(?:占|占比|比例|比重|率|达|为|约占)(?:为|达到?|是)?(?:约|近)?$")


@builtin("percent_of_counts")
def percent_of_counts(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    for f in doc.figures:
        if not f.is_percent or f.approx:
            continue
        before = text[max(0, f.start - 8):f.start]
        share_of = _SHARE_OF.search(text, max(0, f.start - 20), f.start)  # 占在校生总数的21.5%
        if not share_of and (not _RATIO_WORD.search(before) or _GROWTH_WORD.search(text[max(0, f.start - 10):f.start])):
            continue
        if not share_of and not re.search(r"占|比例|比重|率", before):
            continue
        s, se = doc.sentence_at(f.start)
        prior = [g for g in doc.figures_in(s, f.start) if not g.is_percent and g.unit not in ("百分点", "个百分点")
                 and g.approx in ("", "余")]
        if "率" in before:
            prior = [g for g in prior if g.unit not in _NOT_A_BASE]  # 参与率 is no ratio of 8次 to 3次
        bm = re.match(r"[（(]([^（）()\n]{1,30})[）)]", text[f.end:se])
        if bm and prior:
            inner = [g for g in doc.figures_in(f.end + 1, f.end + bm.end()) if plain(g)]
            if len(inner) == 1 and _same_unit(inner[0], prior[-1]) and inner[0].value > prior[-1].value \
                    and re.search(r"人口|总数|总量|应[到参学考]|全部|共有|总计|合计|基数|户数", bm.group(1)):
                prior = [inner[0], prior[-1]]
        if len(prior) < 2:
            continue
        part = prior[-1]
        # the part just before the rate, or within its clause and the one before (436人与…达成签约意向，意向签约率达到36.5%)
        if not part.unit or f.start - part.end > 15 and (f.start - part.end > 32 or text.count("，", part.end, f.start) > 1
                                                         or re.search(r"[；：]", text[part.end:f.start])):
            continue
        wholes = [g for g in prior[:-1] if _same_unit(g, part)]
        if not wholes:
            continue
        ok = False
        for w in prior:
            for p in prior:
                if not _same_unit(w, p):
                    continue
                if w is not p and w.value and p.value <= w.value and abs(p.value / w.value * 100 - f.value) <= _tolerance(f):
                    ok = True
        if ok:
            continue
        whole = max(wholes, key=lambda g: g.value)
        if whole.value <= 0 or part.value > whole.value:
            continue
        expected = part.value / whole.value * 100
        if whole.approx or part.approx:
            # 5400余名 … 1620人，达成率35%: an approximate count gives a range, flag only outside it
            span = lambda g: (g.value, g.value + (10 ** max(0, len(str(int(g.value))) - 2))) if g.approx == "余" \
                else (0.9 * g.value, 1.1 * g.value) if g.approx else (g.value, g.value)
            plo, phi = span(part)
            wlo, whi = span(whole)
            if not whi or plo / whi * 100 - _tolerance(f) <= f.value <= phi / max(wlo, 1e-9) * 100 + _tolerance(f):
                continue
        yield Hit(f.start, f.end, "", {"part": fmt(part.value), "whole": fmt(whole.value),
                                       "expected": f"{expected:.{max(f.decimals, 1)}f}"})


_CELL_NUM = re.compile(r"^\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(%|％)?\s*[\u4e00-\u9fff]{0,3}\s*$")
_TOTAL_ROW = re.compile(r"^\s*(?:合计|总计|小计|共计|总数|全年|合　*计)\s*$")


def _table_blocks(doc: Doc) -> Iterable[list[list[tuple[int, int, str]]]]:
    """Runs of lines split by tabs (a table pasted as text), each row a list of (start, end, cell)."""
    block: list[list[tuple[int, int, str]]] = []
    width = 0
    for ln in doc.lines:
        cells = []
        if "\t" in ln.text:
            pos = ln.start
            for raw in ln.text.split("\t"):
                cells.append((pos, pos + len(raw), raw))
                pos += len(raw) + 1
            cells = [c for c in cells if c[2].strip()]
        if len(cells) >= 3 and (not block or len(cells) == width):
            block.append(cells)
            width = len(cells)
            continue
        if len(block) >= 3:
            yield block
        block, width = ([cells], len(cells)) if len(cells) >= 3 else ([], 0)
    if len(block) >= 3:
        yield block


_YEAR_CELL = re.compile(r"^\s*(?:19|20)\d{2}\s*(?:年|年度|学年|届|级)?\s*$")


def _cell_value(cell: str) -> tuple[float, bool, int] | None:
    if _YEAR_CELL.match(cell):
        return None  # a header of years (项目 2023年 2024年), not data
    m = _CELL_NUM.match(cell)
    if not m:
        return None
    raw = m.group(1).replace(",", "").replace("，", "")
    return float(raw), bool(m.group(2)), len(raw.split(".", 1)[1]) if "." in raw else 0


@builtin("table_arith")
def table_arith(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    """A tab-separated table: a rate column against two count columns, and a 合计 row against its rows."""
    if "\t" not in doc.text:
        return
    for block in _table_blocks(doc):
        width = len(block[0])
        rows = []
        for cells in block:
            vals = [_cell_value(c[2]) for c in cells]
            rows.append((cells, vals))
        data = [(c, v) for c, v in rows if any(x is not None for x in v[1:])]
        body = [(c, v) for c, v in data if not _TOTAL_ROW.match(c[0][2])]
        totals = [(c, v) for c, v in data if _TOTAL_ROW.match(c[0][2])]
        if len(body) < 2:
            continue
        # rate columns: every body row a percentage
        for k in range(1, width):
            if not all(v[k] is not None and v[k][1] for _, v in body):
                continue
            best = None
            for i in range(1, width):
                for j in range(1, width):
                    if len({i, j, k}) < 3:
                        continue
                    if not all(v[i] is not None and v[j] is not None and not v[i][1] and not v[j][1] and v[j][0]
                               for _, v in data):
                        continue
                    good = sum(1 for _, v in data
                               if abs(v[i][0] / v[j][0] * 100 - v[k][0]) <= max(10.0 ** -v[k][2], 0.05) + 0.05)
                    if best is None or good > best[0]:
                        best = (good, i, j)
            if best is None or best[0] < max(2, len(data) // 2):
                continue
            _, i, j = best
            for cells, v in data:
                expected = v[i][0] / v[j][0] * 100
                if abs(expected - v[k][0]) > max(10.0 ** -v[k][2], 0.05) + 0.05:
                    c = cells[k]
                    off = len(c[2]) - len(c[2].lstrip())
                    yield Hit(c[0] + off, c[0] + len(c[2].rstrip()), "rate", {
                        "part": fmt(v[i][0]), "whole": fmt(v[j][0]), "expected": f"{expected:.{max(v[k][2], 1)}f}"})
        # a 合计 row
        for cells, v in totals:
            for k in range(1, width):
                if v[k] is None or v[k][1] or not all(bv[k] is not None and not bv[k][1] for _, bv in body):
                    continue
                total = sum(bv[k][0] for _, bv in body)
                if abs(total - v[k][0]) > 1e-6 * max(1.0, total):
                    c = cells[k]
                    off = len(c[2]) - len(c[2].lstrip())
                    yield Hit(c[0] + off, c[0] + len(c[2].rstrip()), "total", {
                        "parts": fmt(total, v[k][2]), "total": fmt(v[k][0], v[k][2])})


_WEEKDAY_RE = re.compile(r"\s?[（(]?(?:星期|周|礼拜)([一二三四五六日天])[）)]?")
_WEEKDAYS = "一二三四五六日"


@builtin("weekday_mismatch")
def weekday_mismatch(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    import datetime

    text = doc.text
    ref = document_date(doc)
    for d in doc.dates:
        if d.kind != "date" or d.month is None or d.day is None:
            continue
        m = _WEEKDAY_RE.match(text, d.end)
        if not m:
            continue
        year = d.year or _year_before(doc, d.start) or (ref[0] if ref else None)
        if year is None:
            continue
        try:
            actual = datetime.date(year, d.month, d.day).weekday()
        except ValueError:
            continue
        said = _WEEKDAYS.index("日" if m.group(1) == "天" else m.group(1))
        if said != actual:
            word = text[m.start():m.end()].strip(" （()）")
            prefix = word[:-1]
            yield Hit(m.start() + (len(m.group()) - len(m.group().lstrip(" "))), m.end(), "", {
                "date": f"{year}年{d.month}月{d.day}日", "right": f"{prefix}{_WEEKDAYS[actual]}"})


def _year_before(doc: Doc, pos: int) -> int | None:
    """The year of the nearest full date (2025年9月30日) before pos."""
    from bisect import bisect_left

    full = doc.cache.get("full_dates")
    if full is None:
        full = doc.cache["full_dates"] = [(d.start, d.year) for d in doc.dates if d.year is not None and d.month is not None]
    i = bisect_left(full, (pos, -1)) - 1
    return full[i][1] if i >= 0 else None


_SHARE_RE = re.compile(r"占(?:比)?(?:为|约)?$")


@builtin("percent_parts_sum")
def percent_parts_sum(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    for s, e in doc.sentences:
        if "占" not in text[s:e]:
            continue
        shares = [f for f in doc.figures_in(s, e) if f.unit == "%" and not f.approx
                  and _SHARE_RE.search(text[max(s, f.start - 4):f.start])]
        if len(shares) >= 2:
            total = sum(f.value for f in shares)
            if total > 100.5:
                yield Hit(shares[0].start, shares[-1].end, "", {"total": fmt(total, max(f.decimals for f in shares))})


@builtin("impossible_date")
def impossible_date(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    for d in doc.dates:
        if d.kind != "date":
            continue
        bad = False
        if d.month is not None and not (1 <= d.month <= 12):
            bad = True
        elif d.day is not None:
            if d.day < 1 or d.day > 31:
                bad = True
            elif d.month is not None:
                ref = document_date(doc)
                # leap year when unknown: 2月29日 allowed; a document of 2025 has no 2月29日
                year = d.year or _year_before(doc, d.start) or (ref[0] if ref else 2000)
                if d.day > calendar.monthrange(year, d.month)[1]:
                    bad = True
        if bad:
            yield Hit(d.start, d.end)


_SIGN_DATE = re.compile(r"((?:19|20)\d{2})\s?年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日\s*$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s?年")


def document_date(doc: Doc) -> tuple[int, int, int] | None:
    """The date the document speaks from: its signature date, else Dec 31 of its title year (summary)."""
    if "doc_date" in doc.cache:
        return doc.cache["doc_date"]
    result = None
    tail_lines = [ln for ln in doc.lines if ln.stripped][-4:]
    for ln in reversed(tail_lines):
        m = _SIGN_DATE.search(ln.stripped)
        if m and len(ln.stripped) <= 30:
            result = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
            break
    if result is None and doc.title and doc.kind == "summary":
        m = _TITLE_YEAR.search(doc.text[doc.title[0]:doc.title[1]])
        if m:
            result = (int(m.group(1)), 12, 31)
    if result is None:
        # a 简报 header: 东湖街道党政办公室编　　2025年9月30日
        head_lines = [ln for ln in doc.lines if ln.stripped][:5]
        for ln in head_lines:
            m = _SIGN_DATE.search(ln.stripped)
            if m and len(ln.stripped) <= 60:
                result = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
                break
    doc.cache["doc_date"] = result
    return result


@builtin("future_date")
def future_date(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    ref = document_date(doc)
    if ref is None:
        return
    words = tuple(rule.params.get("future_words", ()))
    ry, rm, rd = ref
    for d in doc.dates:
        if d.kind != "date" or d.year is None or d.month is None and d.year <= ry:
            continue
        if doc.in_title(d.start) or d.raw.endswith(("届", "级", "学年", "版")):
            continue
        key = (d.year, d.month or 0, d.day or 0)
        later_month = d.month is not None and d.day is None and (d.year, d.month) > (ry, rm) and (rm, rd) != (12, 31)
        if d.year > ry or later_month or (d.day is not None and d.month is not None and key > (ry, rm, rd)):
            if not (1 <= (d.month or 1) <= 12):
                continue
            s, e = doc.sentence_at(d.start)
            sentence = doc.text[s:e]
            # one-character words only next to the date (到2025年, 2025年3月前), not inside 目前 or 达到
            before, after = doc.text[max(s, d.start - 2):d.start], doc.text[d.end:d.end + 3]
            if any((w in sentence) if len(w) > 1 else (before.endswith(w) or after.startswith(w)) for w in words):
                continue
            line = doc.line_at(d.start)
            if line.stripped and _SIGN_DATE.search(line.stripped) and len(line.stripped) <= 30:
                continue  # the signature itself
            yield Hit(d.start, d.end, "", {"doc_date": f"{ry}年{rm}月{rd}日" if (rm, rd) != (12, 31) else f"{ry}年"})


# ---------------------------------------------------------------------------------- numbering
_INLINE_ENUM = re.compile(r"(?:(?<=^)|(?<=[，。；：！？\n、（(“]))(?P<n>[一二三四五六七八九十]{1,2})是(?=[^的])")
_PARA_ENUM = re.compile(r"[ \t\u3000]*(?P<n>[一二三四五六七八九十]{1,2})是(?=[^的])")
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _cn_small(s: str) -> int:
    if len(s) == 1:
        return _CN_VALUE.get(s, 0)
    if s[0] == "十":
        return 10 + _CN_VALUE.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return _CN_VALUE.get(s[0], 0) * 10
    return 0


@builtin("numbering_sequence")
def numbering_sequence(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    counters: dict[int, int] = {}
    last_other = None  # the latest item of another level than the current one's
    prev_item = None
    for it in doc.items:
        if prev_item is not None and prev_item.level != it.level:
            last_other = prev_item
        prev_item = it
        for lv in list(counters):
            if lv > it.level:
                del counters[lv]
        prev = counters.get(it.level)
        counters[it.level] = it.number
        if prev is None:
            switched = last_other
            if it.number > 1 and it.level in (3, 4) and switched is not None and switched.level in (3, 4) \
                    and switched.number == it.number - 1 and it.line - switched.line <= 3:
                yield Hit(it.marker_start, it.marker_end, "style", {
                    "previous": doc.text[switched.marker_start:switched.marker_end].strip(),
                    "expected": _label(switched.level, it.number)})
                counters[switched.level] = it.number  # 1. 2. 3. （4） 5.: the 5. follows on
                continue
            if it.number != 1 and it.level in (1, 2) and it.number > 1:
                # the first item at this level under its parent should be 1 (一、 / （一）)
                expected = 1
                name = LEVEL_NAMES[it.level]
                yield Hit(it.marker_start, it.marker_end, "", {
                    "previous": "（无）", "expected": _label(it.level, expected), "level": name})
            continue
        if it.number == prev:
            yield Hit(it.marker_start, it.marker_end, "repeat", {})
        elif it.number > prev + 1 or (it.number < prev and it.number != 1):
            yield Hit(it.marker_start, it.marker_end, "", {
                "previous": _label(it.level, prev), "expected": _label(it.level, prev + 1)})
    # inline 一是、二是 … within a paragraph
    text = doc.text
    if "是" not in text:
        return
    # … or opening consecutive paragraphs (一是专业介绍更直观。… / 二是… / 二是…)
    prev_n, prev_end = 0, -1
    for ps, pe in doc.paragraphs:
        m = _PARA_ENUM.match(text, ps, pe)
        n = _cn_small(m.group("n")) if m else 0
        adjacent = prev_end >= 0 and not text[prev_end:ps].strip()
        if n and prev_n and adjacent and n != prev_n + 1 and "一是" not in text[ps:pe][m.end() - ps:]:
            yield Hit(m.start("n"), m.end(), "inline", {
                "previous": f"{_cn_label(prev_n)}是", "expected": f"{_cn_label(prev_n + 1)}是"})
        if n == 1 or (n and prev_n and adjacent):
            prev_n, prev_end = n, pe
        else:
            prev_n, prev_end = 0, -1
    for ps, pe in doc.paragraphs:
        para = text[ps:pe]
        if "一是" not in para:
            continue
        prev = 0
        for m in _INLINE_ENUM.finditer(para):
            n = _cn_small(m.group("n"))
            if n == 0:
                continue
            if prev == 0:
                if n != 1:
                    continue
                prev = 1
                continue
            if n != prev + 1:
                yield Hit(ps + m.start(), ps + m.end(), "inline", {
                    "previous": f"{_cn_label(prev)}是", "expected": f"{_cn_label(prev + 1)}是"})
            prev = n


def _cn_label(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n == 10:
        return "十"
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _label(level: int, n: int) -> str:
    if level == 1:
        return f"{_cn_label(n)}、"
    if level == 2:
        return f"（{_cn_label(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1] if 1 <= n <= 20 else str(n)


@builtin("numbering_order")
def numbering_order(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    prev = None
    for it in doc.items:
        if prev is not None and it.number == 1 and it.level < prev.level and it.level in (2, 3) \
                and it.line - prev.line <= 12:
            # a higher level starts afresh right under a lower-level item: the hierarchy is inverted
            yield Hit(it.marker_start, it.marker_end, "", {
                "level_name": LEVEL_NAMES[it.level],
                "lower": doc.text[prev.marker_start:prev.marker_end].strip()})
        elif prev is not None and it.number == 1 and it.level == 4 and prev.level == 1 and it.line - prev.line <= 4:
            # （1） right under 一、: two levels skipped (一、 → （一） → 1. → （1）)
            yield Hit(it.marker_start, it.marker_end, "skip", {
                "level_name": LEVEL_NAMES[it.level], "upper": doc.text[prev.marker_start:prev.marker_end].strip(),
                "expected": _label(2, 1)})
        prev = it


# ---------------------------------------------------------------------------------- typo
@builtin("duplicate_chars")
def duplicate_chars(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    key = ("dupre", rule.id)
    if key not in ctx:
        chars = "".join(sorted({p for p in rule.phrases if len(p) == 1}))
        ctx[key] = re.compile(f"([{re.escape(chars)}])\\1") if chars else None
    rx = ctx[key]
    if rx is None:
        return
    text = doc.text
    n = len(text)
    for m in rx.finditer(text):
        s, e = m.span()
        if (s >= 2 and text[s - 1] == text[s - 2]) or (e + 1 < n and text[e] == text[e + 1]):
            continue  # 实实在在, 的的确确: an AABB reduplication
        yield Hit(s, e, "", {"char": m.group(1)})
    # any other doubled character, when the second one is left over as a lone token after a whole word
    # (保持持了, 我们们): not a reduplication (天天, 人人, 谢谢 are one token), not a word boundary
    # (学习习近平, 市市场监督, 工作作风: the second one starts a word), not 一张张/年年/个个
    listed = set(rule.phrases)
    allowed = set(rule.params.get("reduplicable", ()))
    for m in _ANY_DUP.finditer(text):
        s, e = m.span()
        c = m.group(1)
        if c in listed or c in allowed or (s >= 1 and text[s - 1] in _NUMERAL_CHARS):
            continue
        if (s >= 2 and text[s - 1] == text[s - 2]) or (e + 1 < n and text[e] == text[e + 1]):
            continue
        a, b = max(0, s - 4), min(n, e + 4)
        pos, first, second = a, None, None
        for tok in _tagger_cut()(text[a:b]):
            end = pos + len(tok)
            if pos <= s < end:
                first = (pos, end)
            if pos <= s + 1 < end:
                second = (pos, end)
                break
            pos = end
        if first is None or second is None or first == second or first[1] - first[0] < 2:
            continue
        if second[1] - second[0] == 1:
            yield Hit(s, e, "", {"char": c})


_ANY_DUP = re.compile(f"([{CJK}])\\1")
_NUMERAL_CHARS = set("一二三四五六七八九十两几每")


def _tagger_cut():
    try:
        import rjieba

        return rjieba.cut
    except ImportError:  # pragma: no cover
        import jieba

        return jieba.lcut


_DUP_WORD = re.compile(rf"([{CJK}]{{2,4}})\1")


@builtin("duplicate_words")
def duplicate_words(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    allowed = ctx.setdefault(("allowed", rule.id), set(rule.params.get("allowed", ())))
    text = doc.text
    for m in _DUP_WORD.finditer(text):
        w = m.group(1)
        if m.group() in allowed or len(set(w)) == 1:
            continue
        if w[0] == "一" or all(c in "零一二三四五六七八九十百千万两" for c in w):
            continue
        yield Hit(m.start(), m.end(), "", {"word": w})


# ---------------------------------------------------------------------------------- punctuation
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
_CJKP = rf"[{CJK}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20“”‘’…—]"
_HALF_RE = re.compile(
    rf"(?=[,;:?!.(])(?:(?<={_CJKP})[,;:?!](?!//)|[,;?!](?={_CJKP})|(?<![A-Za-z0-9]):(?={_CJKP})"
    rf"|(?<=[{CJK}])\.(?=[{CJK}“”]|[ \t]*$|[ \t]*\n)"
    rf"|\((?=[^()\n]{{0,40}}\))[^()\n]{{0,40}}\))"
)


@builtin("halfwidth_punct")
def halfwidth_punct(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    for m in _HALF_RE.finditer(text, re.M) if False else _HALF_RE.finditer(text):
        tok = m.group()
        if tok.startswith("("):
            inner = tok[1:-1]
            s, e = m.span()
            before = text[s - 1] if s else ""
            after = text[e] if e < len(text) else ""
            if not (re.search(f"[{CJK}]", inner) or re.match(f"[{CJK}]", before or " ") or re.match(f"[{CJK}]", after or " ")):
                continue
            yield Hit(s, e, "", {"right": f"（{inner}）"})
            continue
        if tok == "." and m.start() > 0 and text[m.start() - 1] == ".":
            continue
        yield Hit(m.start(), m.end(), "", {"right": _HALF.get(tok, tok)})


_APPROX_RE = re.compile(r"(?=[一二两三四五六七八九]、)(?<![一二两三四五六七八九十\n])([一二两三四五六七八九])、([二三四五六七八九十])(?=[十百千万]?[个次天年人名场位项条种件家岁月日周期篇点份稿遍轮页块本张台所支门套批首幅部集趟回圈层杯碗副册课节])(?!年级)")
_VAL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@builtin("approx_dunhao")
def approx_dunhao(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    if "、" not in text:
        return
    for m in _APPROX_RE.finditer(text):
        a, b = _VAL[m.group(1)], _VAL[m.group(2)]
        if b != a + 1:
            continue
        line = doc.line_at(m.start())
        if not text[line.start:m.start()].strip(" \t\u3000#"):
            continue  # 三、四个方面… is a heading "三、"
        yield Hit(m.start(), m.end(), "", {"right": m.group(1) + m.group(2)})


_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "「": "」", "『": "』", "(": ")"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_PAIR_RE = re.compile("[“”‘’（）《》【】「」『』()]")
_NAME = {"“": "右引号”", "”": "左引号“", "‘": "右单引号’", "’": "左单引号‘", "（": "右括号）", "）": "左括号（",
         "《": "右书名号》", "》": "左书名号《", "【": "右方括号】", "】": "左方括号【", "「": "」", "」": "「",
         "『": "』", "』": "『", "(": "右括号)", ")": "左括号("}


@builtin("unmatched_pairs")
def unmatched_pairs(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    stack: list[tuple[str, int]] = []
    line_end = -1
    pending: list[Hit] = []

    def flush(next_line_start: int) -> None:
        nonlocal stack
        for ch, pos in stack:
            # a quotation running over several paragraphs opens each one with “ and closes only at the end
            if ch in "“‘" and text[next_line_start:next_line_start + 1] == ch:
                continue
            pending.append(Hit(pos, pos + 1, "", {"other": _NAME[ch]}))
        stack = []

    for m in _PAIR_RE.finditer(text):
        pos = m.start()
        if pos > line_end:
            if stack:
                tail = text[max(0, line_end - 3):line_end].rstrip(" \t\u3000\r")
                broken = tail and tail[-1] not in "。！？!?”’」』…：:；;）)》】" and text.find("\n", line_end + 1) != line_end + 1
                if not broken or pos - line_end > 200:
                    nl = text.find("\n", stack[-1][1])
                    flush(nl + 1 if nl >= 0 else len(text))
            nl = text.find("\n", pos)
            line_end = nl if nl >= 0 else len(text)
        ch = m.group()
        if ch in "‘’" and ((pos > 0 and text[pos - 1].isascii() and text[pos - 1].isalpha())
                           or (pos + 1 < len(text) and text[pos + 1].isascii() and text[pos + 1].isalpha())):
            continue  # an apostrophe in English
        if ch in _PAIRS:
            stack.append((ch, pos))
            continue
        opener = _CLOSERS[ch]
        if stack and stack[-1][0] == opener:
            stack.pop()
            continue
        idx = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == opener), None)
        if idx is None:
            if ch == ")" and pos > 0 and (text[pos - 1].isalnum() and text[pos - 1].isascii()):
                line = doc.line_at(pos)
                if not text[line.start:pos].strip(" \t\u3000")[:-1].strip():
                    continue  # 1) a list marker
            pending.append(Hit(pos, pos + 1, "", {"other": _NAME[ch]}))
            continue
        for och, opos in stack[idx + 1:]:
            pending.append(Hit(opos, opos + 1, "", {"other": _NAME[och]}))
        del stack[idx:]
    if stack:
        flush(len(text))
    yield from pending


# ---------------------------------------------------------------------------------- structure
_PREAMBLE_SENT = re.compile(r"[^。！？\n]*(?:总结如下|报告如下|汇报如下|小结如下|总结报告如下)[^。！？\n]*[。：:]?")


@builtin("summary_parts")
def summary_parts(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    order = list(ctx["parts"].get("summary", {}))
    if not order:
        return
    text = doc.text
    anchor = doc.title or _first_line_span(doc)
    if anchor is None:
        return
    found: list[tuple[int, str, int, int]] = []
    for sec in doc.sections:
        for p in sec.parts:
            found.append((order.index(p), p, sec.start + _lstrip_len(text, sec.start, sec.heading_end), sec.heading_end))
    if not found:
        if len(text.strip()) > 200:
            yield Hit(anchor[0], anchor[1], "none", {})
        return
    names = {p for _, p, _, _ in found}
    # an untitled opening paragraph before the first heading serves as 基本情况
    first_heading = min(sec.start for sec in doc.sections)
    intro = text[anchor[1] if doc.title else 0:first_heading]
    # — but not a bare preamble (2024年，…开展了以下工作，现总结如下。): that says nothing of the situation
    intro = _PREAMBLE_SENT.sub("", intro)
    if order[0] not in names and len(re.sub(r"\s", "", intro)) >= 50:
        names.add(order[0])
    for p in order:
        if p not in names:
            yield Hit(anchor[0], anchor[1], "", {"part": p})
    highest = -1
    highest_name = ""
    highest_span = None
    flagged = set()
    for idx, p, s, e in found:
        if idx < highest:
            yield Hit(s, e, "order", {"part": p, "before": highest_name})
            # the part that came too early is as much out of place: mark it too
            if highest_span is not None and highest_span not in flagged:
                flagged.add(highest_span)
                yield Hit(highest_span[0], highest_span[1], "order_early", {"part": highest_name, "after": p})
        elif idx > highest:
            highest, highest_name, highest_span = idx, p, (s, e)


def _first_line_span(doc: Doc) -> tuple[int, int] | None:
    for ln in doc.lines:
        if ln.stripped:
            off = len(ln.text) - len(ln.text.lstrip(" \t\u3000"))
            return ln.start + off, ln.start + len(ln.text.rstrip(" \t\u3000\r"))
    return None


def _nonspace_len(s: str) -> int:
    return len(re.sub(r"\s", "", s))


@builtin("news_parts")
def news_parts(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    text = doc.text
    p = rule.params
    first = _first_line_span(doc)
    if first is None:
        return
    if doc.title is None:
        s, e = doc.sentence_at(first[0])
        yield Hit(first[0], max(e, first[0] + 1), "no_headline", {})
    else:
        title = text[doc.title[0]:doc.title[1]]
        n = _nonspace_len(title)
        if n > p.get("headline_max", 30):
            yield Hit(doc.title[0], doc.title[1], "headline_long", {"length": n, "limit": p.get("headline_max", 30)})
        if title.rstrip().endswith("。"):
            yield Hit(doc.title[1] - 1, doc.title[1], "headline_period", {})
    if doc.lead is None:
        anchor = doc.title or first
        yield Hit(anchor[0], anchor[1], "no_lead", {})
        return
    ls, le = doc.lead
    lead = text[ls:le]
    n = _nonspace_len(lead)
    off = len(lead) - len(lead.lstrip(" \t\u3000"))
    if n > p.get("lead_max", 200) and not is_feature(doc):
        s, e = doc.sentence_at(ls + off)
        yield Hit(ls + off, le, "lead_long", {"length": n, "limit": p.get("lead_max", 200)})
    elif n < p.get("lead_min", 25):
        yield Hit(ls + off, le, "lead_short", {"length": n})
    if not doc.body_paragraphs:
        yield Hit(ls + off, le, "no_body", {})


_LEAD_SENT = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*")
# a byline or dateline opening the lead paragraph: （记者 黄一帆 通讯员 曹 敏）, 本报讯, 江川讯（通讯员 …）
_LEAD_BYLINE = re.compile(r"[ \t\u3000]*(?:[^，。\n（(]{0,12}讯)?[ \t\u3000]*(?:[（(【〔][^）)】〕\n]{0,40}?(?:记者|通讯员|供稿|摄影|作者)[^）)】〕\n]{0,40}[）)】〕])?[ \t\u3000]*")
_FEATURE_SUB = re.compile(r"^[ \t\u3000]*(?:——|—|－－|--)\s*(?:记|访|走近|探访|追记|侧记)")
_SCENE_TIME = re.compile(r"^(?:清晨|凌晨|傍晚|黄昏|深夜|夜幕|午后|拂晓|早上|一大早|每天|每逢|那是|走进|推开|“)")


def lead_window(doc: Doc, sentences: int = 1) -> tuple[int, int] | None:
    """The part of the lead the elements belong in: its first sentence (two when the first is short, or
    `sentences` = 2), after a byline that opens the paragraph."""
    if doc.lead is None:
        return None
    ls, le = doc.lead
    m = _LEAD_BYLINE.match(doc.text, ls, le)
    if m and m.end() > ls and ("讯" in m.group() or re.search(r"记者|通讯员|供稿|摄影|作者", m.group())):
        ls = m.end()
    first = _LEAD_SENT.match(doc.text, ls, le)
    if first and first.end() < le:
        cut = first.end()
        if sentences >= 2 or _nonspace_len(doc.text[ls:cut]) < 30:
            second = _LEAD_SENT.match(doc.text, cut, le)
            cut = second.end() if second else le
        le = cut
    return ls, le


def is_feature(doc: Doc) -> bool:
    """A 通讯 (feature, profile): a 记…/访… subtitle, or a 记者 byline above a lead that opens on a scene
    with no date. Features may open on a scene; the 5W lead rules are for 消息."""
    if doc.kind != "news" or doc.lead is None:
        return False
    cached = doc.cache.get("feature")
    if cached is not None:
        return cached
    text = doc.text
    header = [text[s:e] for s, e in doc.paragraphs if e <= doc.lead[0]]
    result = any(_FEATURE_SUB.match(h) for h in header)
    if not result:
        byline = any(len(h.strip()) <= 40 and re.search(r"记者", h) for h in header)
        ls, le = doc.lead
        first = _LEAD_SENT.match(text, ls, le)
        head = text[ls:first.end() if first else le].strip(" \t\u3000")
        dated = any(d.kind == "date" and d.month is not None for d in doc.dates_in(ls, ls + len(head) + 1))
        result = byline and not dated and bool(_SCENE_TIME.match(head)) and len(text) >= 400
    doc.cache["feature"] = result
    return result


@builtin("lead_element")
def lead_element(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    if doc.lead is None or is_feature(doc):
        return
    p = rule.params

    def rx(name: str):
        k = ("lead_rx", rule.id, name)
        if k not in ctx:
            ctx[k] = re.compile(p[name]) if p.get(name) else None
        return ctx[k]

    window = lead_window(doc, int(p.get("sentences", 1)))
    ls, le = window
    lead = doc.text[ls:le]
    if _nonspace_len(lead) < 10:
        return
    probe = lead
    ignore = rx("ignore")
    if ignore is not None:  # e.g. the place phrase 在图书馆大厅举行 names no organiser
        probe = ignore.sub(lambda m: "\u3000" * len(m.group()), lead)
    found = list(rx("pattern").finditer(probe))
    weak = rx("weak")
    if found:
        if weak is not None and all(weak.fullmatch(m.group()) or weak.search(m.group()) for m in found):
            # 我院, 在学校: an element given only in a form the reader cannot place
            m = weak.search(found[0].group())
            s0 = ls + found[0].start() + m.start()
            yield Hit(s0, s0 + len(m.group()), "weak", {"word": m.group()})
        return
    off = len(lead) - len(lead.lstrip(" \t\u3000"))
    s, e = doc.sentence_at(ls + off)
    e = min(max(e, ls + off + 1), le)
    vague = rx("vague")
    if vague is not None:
        m = vague.search(lead)
        if m:  # 近日、日前: a time, but not one a reader can use — mark the word itself
            yield Hit(ls + m.start(), ls + m.end(), "vague", {"word": m.group()})
            return
    yield Hit(ls + off, e, "", {})


_LEAD_DATE = re.compile(r"\d{1,2}\s?月\s?\d{1,2}\s?日|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日|昨天|今天|昨日|今日|日前|近日|近期")


_LEAD_TIME_ANY = re.compile(r"\d{1,2}\s?月|[一二三四五六七八九十]{1,2}月|\d{1,2}\s?日|今年|去年|以来|近年|本学期|新学期|寒假|暑假|上午|下午|晚上|当天|当日")


@builtin("lead_preamble")
def lead_preamble(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    """A news lead that opens on scenery or a general remark before the news (金秋十月，丹桂飘香。…10月26日，…),
    or a 消息 with no lead at all: no date in its whole first paragraph, opening on a scene or a quote."""
    if doc.lead is None or is_feature(doc):
        return
    want = rule.params.get("variant")
    for hit in _lead_preamble(doc):
        if not want or hit.variant == want:
            yield hit


def _lead_preamble(doc: Doc) -> Iterable[Hit]:
    text = doc.text
    window = lead_window(doc, 1)
    ls, le = doc.lead
    ws = window[0]
    first_end = window[1]
    head = text[ws:first_end]
    if _LEAD_DATE.search(head):
        return
    m = _LEAD_DATE.search(text, first_end, le)
    if m:
        # the date comes later in the lead: what precedes it, if it is whole sentences, is a preamble
        cut = max(text.rfind(c, ws, m.start()) for c in "。！？")
        if cut > ws and _nonspace_len(text[ws:cut]) >= 8 and not doc.has_figure(ws, cut + 1):
            yield Hit(ws, cut + 1, "preamble", {})
        return
    if _LEAD_TIME_ANY.search(text, ws, le):
        return
    stripped = head.lstrip(" \t\u3000")
    if stripped.startswith("“") or _SCENE_TIME.match(stripped):
        yield Hit(ws + len(head) - len(stripped), first_end, "scene", {})


# ---------------------------------------------------------------------------------- grounding
@builtin("grounding")
def grounding(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    from .grounding import ground

    results = ctx.get("grounding")
    if results is None:
        results = ctx["grounding"] = ground(doc, ctx.get("records") or [], ctx.get("facts") or [])
    role = rule.params.get("role")
    min_value = float(rule.params.get("min_value", 0))
    for r in results:
        if r.role != role:
            continue
        if r.figure is not None and role.startswith("unmatched") and r.figure.value < min_value and not r.figure.is_percent:
            continue
        yield Hit(r.start, r.end, "", r.values)


# ---------------------------------------------------------------------------------- 的/地/得 by part of speech
_DE_CLAUSE = re.compile(r"[^，。；！？、：:;,!?\n“”‘’（）()《》【】〈〉\s]*的[^，。；！？、：:;,!?\n“”‘’（）()《》【】〈〉\s]+")
_AABB = re.compile(r"^(.)\1(.)\2$")
_CLAUSE_END = "，。；！？、,;!?"


def _tagger():
    try:
        import rjieba

        return rjieba.tag
    except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the slow fallback
        import jieba.posseg as pseg

        return lambda s: [(p.word, p.flag) for p in pseg.cut(s)]


@builtin("de_pos")
def de_pos(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    """的 that should be 地 (an adverbial before a verb) or 得 (before a complement), by jieba's POS tags.

    地: a manner word (an adverb, an AABB reduplication, a four-character idiom, an adjective) + 的 + a verb
        that is plainly used as one: followed by 着/了/过/到, by an object noun, or 的 followed by a
        preposition phrase (积极的与企业沟通).
    得: a verb + 的 + a degree complement ending the clause (跑的飞快, 写的遒劲有力, 发展的越来越好).
    """
    key = ("de_pos", rule.id)
    conf = ctx.get(key)
    if conf is None:
        p = rule.params
        conf = ctx[key] = {
            "tag": _tagger(),
            "prep": set(p.get("prepositions", ())),
            "obj_mark": set(p.get("object_position", ())),
            "head": set(p.get("head_nouns", ())),
            "deg": tuple(p.get("degree", ())),
            "adj": set(p.get("adjectives", ())),
            "not_v1": set(p.get("not_verbs", ())),
            "verbs": set(p.get("verbs", ())),
        }
    text = doc.text
    if "的" not in text:
        return
    tag = conf["tag"]
    for cm in _DE_CLAUSE.finditer(text):
        if doc.in_book_title(cm.start()):
            continue
        clause = cm.group()
        toks = tag(clause)
        offs = []
        pos = cm.start()
        for w, _t in toks:
            offs.append(pos)
            pos += len(w)
        n = len(toks)
        end_char = text[cm.end()] if cm.end() < len(text) else "。"
        for i in range(1, n - 1):
            if toks[i][0] != "的":
                continue
            pw, pt = toks[i - 1]
            bw, bt = toks[i - 2] if i >= 2 else ("", "")
            nw, nt = toks[i + 1]
            nn, ntag2 = toks[i + 2] if i + 2 < n else ("", "")
            if pw in conf["adj"] and pt not in ("ad", "d", "z", "i"):
                pt = "a"
            if nw in conf["verbs"]:
                nt = "v"
            # ---- 地
            aabb = bool(_AABB.match(pw))
            strict = aabb or pt in ("ad", "z") or (pt == "d" and len(pw) >= 2) or (pt == "i" and len(pw) == 4)
            loose = strict or (pt == "a" and len(pw) == 2)
            if loose and bw not in conf["obj_mark"] and bt not in ("m", "q", "uj"):
                hit = None
                if nt == "p" and nw in conf["prep"] and i + 2 < n:
                    hit = "p"
                elif nn in ("着", "了", "过") and nt in ("v", "vn", "n") or (nn.startswith("到") and nt in ("v", "vn", "n")) \
                        or (len(nw) >= 3 and nw[-1] in "到着" and nt == "v"):
                    hit = "aspect"
                elif nt == "v" and (ntag2 in ("n", "nz", "nr", "ns") or strict and ntag2 == "vn") and nn not in conf["head"] and len(nn) >= 2 \
                        and (strict or cm.end() - offs[i + 2] > 4):
                    hit = "object"
                if hit:
                    yield Hit(offs[i], offs[i] + 1, "adverbial", {"word": pw, "verb": nw})
                    continue
            # ---- 得
            if pt == "v" and ((len(pw) == 1 and pw not in conf["not_v1"]) or len(pw) == 2) and end_char in _CLAUSE_END:
                rest = text[offs[i] + 1:cm.end()]
                if not 2 <= len(rest) <= 6:
                    continue
                tail = toks[i + 1:]
                first_ok = nt in ("a", "ad", "i", "l", "z") or nw in conf["adj"] or rest.startswith(conf["deg"])
                nouny = any(t in ("m", "r", "n", "nr", "ns", "nz", "vn", "uj", "f", "t") and w not in conf["adj"]
                            for w, t in tail)
                if first_ok and not nouny:
                    yield Hit(offs[i], offs[i] + 1, "complement", {"word": pw, "comp": rest})


_SPAN_YEARS = re.compile(r"(?:就是|已经|已有|已|整整|至今|长达|坚守了?|工作了?|扎根了?)$")


@builtin("years_since")
def years_since(doc: Doc, rule: Rule, ctx: dict) -> Iterable[Hit]:
    """1986年，…一站就是42年 in a text of 2024: the span of years does not match its start and the date."""
    ref = document_date(doc)
    if ref is None:
        return
    text = doc.text
    window = int(rule.params.get("window", 120))
    for f in doc.figures:
        if f.unit != "年" or f.approx or not f.value or not _SPAN_YEARS.search(text[max(0, f.start - 4):f.start]):
            continue
        para_start = doc.line_at(f.start).start
        starts = [d for d in doc.dates_in(max(para_start, f.start - window), f.start)
                  if d.kind == "date" and d.year is not None and 1900 < d.year <= ref[0]]
        if not starts or re.search(r"[以此]后|之后|后来|[到至](?:\d|[一二]〇)", text[starts[-1].end:f.start]):
            continue
        expected = ref[0] - starts[-1].year
        if abs(expected - f.value) > 1:
            yield Hit(f.start, f.end, "", {"since": str(starts[-1].year), "ref": str(ref[0]), "expected": str(expected)})

"""Grounding: every figure of a text against the organisation's records and the facts computed from them.

A figure is grounded when its value matches a record's participants or metric value, or a fact's value,
within the precision it was written with (1.6万 ~ 16,012; 12.5% ~ 12.46; 两千余人 ~ 2,150). A figure whose
clause names a known metric or fact (微博粉丝 … 1800) but whose value differs is a contradiction; any other
unmatched figure is reported as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..figures import Figure, extract_figures
from ..models import Fact, Record
from .doc import Doc


@dataclass
class Known:
    name: str
    value: float
    unit: str
    sources: list[str]
    percent: bool = False


@dataclass
class GroundResult:
    figure: Figure
    role: str  # grounded | contradiction | unmatched
    values: dict[str, Any] = field(default_factory=dict)


# durations and ages are not activity measures: not reported as unsupported unless a record names them
_NOT_MEASURES = {"小时", "个小时", "分钟", "秒", "天", "周", "个月", "年", "岁", "日", "届", "期", "倍"}
_SUFFIXES = ("总人数", "总数", "人数", "次数", "数量", "总量", "总计", "合计", "数", "量")
_CLAUSE_BREAK = re.compile(r"[，。；：！？\n、]")


def _keys(name: str) -> list[str]:
    name = name.strip()
    keys = [name] if len(name) >= 2 else []
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            keys.append(name[: -len(suf)])
            break
    return keys


def knowns(records: list[Record], facts: list[Fact]) -> list[Known]:
    out: list[Known] = []
    for r in records:
        if r.participants is not None:
            out.append(Known(f"{r.title}参与人数", float(r.participants), "人", [r.id]))
        for name, value in (r.metrics or {}).items():
            try:
                v = float(value)
            except (TypeError, ValueError):
                continue
            out.append(Known(name, v, "", [r.id], percent=name.endswith(("率", "比", "占比", "比例"))))
    for r in records:
        text = f"{r.title}。{r.summary}"
        for fig in extract_figures(text):
            out.append(Known("", fig.value, fig.unit, [r.id], percent=fig.is_percent))
    for f in facts:
        try:
            v = float(f.value)
        except (TypeError, ValueError):
            continue
        unit = f.unit or ""
        out.append(Known(f.name, v, unit, list(f.records) or [f.id],
                         percent=unit in ("%", "％") or f.name.endswith(("率", "比", "占比", "比例"))))
    return out


def matches(fig: Figure, k: Known) -> bool:
    v = fig.value
    target = k.value
    if fig.is_percent:
        candidates = [target] + ([target * 100] if abs(target) <= 1.0 else [])
    else:
        candidates = [target]
    for t in candidates:
        if fig.approx == "余":
            mag = 10 ** max(0, len(str(int(v))) - 1) if fig.multiplier == 1 else fig.multiplier
            if v <= t < v + max(mag, fig.step):
                return True
            continue
        if fig.approx in ("近",):
            if 0.85 * v <= t <= v:
                return True
            continue
        if fig.approx in ("约", "超"):
            if (fig.approx == "超" and t > v and t <= 1.5 * v) or (fig.approx == "约" and abs(t - v) <= 0.1 * max(v, 1)):
                return True
            continue
        tol = fig.step / 2 if fig.step > 1 or fig.decimals > 0 else 0.0
        if fig.is_percent:
            tol = max(tol, 0.05 if fig.decimals >= 1 else 0.5)
        if abs(t - v) <= tol + 1e-9:
            return True
    return False


def ground(doc: Doc, records: list[Record], facts: list[Fact]) -> list[GroundResult]:
    if not records and not facts:
        return []
    ks = knowns(records, facts)
    keyed = [(key, k) for k in ks if k.name for key in _keys(k.name)]
    # record titles name the participants of that activity
    titles = [(r.title, r) for r in records if r.title and len(r.title) >= 4]
    text = doc.text
    results = []
    for fig in doc.figures:
        if fig.unit in ("百分点", "个百分点", "倍"):
            continue
        line = doc.line_at(fig.start)
        clause_start = fig.start
        floor = max(line.start, fig.start - 24)
        while clause_start > floor and not _CLAUSE_BREAK.match(text[clause_start - 1]):
            clause_start -= 1
        clause = text[clause_start:fig.start]
        named = [k for key, k in keyed if key in clause and k.percent == fig.is_percent]
        if not named and fig.unit and not fig.is_percent:
            # 推送篇数 ~ “推送图文450篇”, 宣讲场次 ~ “理论宣讲开展30场”: the name is a stem plus the unit
            for k in ks:
                if not k.name or k.percent:
                    continue
                for u in (fig.unit + "数", fig.unit + "次", fig.unit):
                    if k.name.endswith(u) and len(k.name) - len(u) >= 2 and k.name[: -len(u)] in clause:
                        named.append(k)
                        break
        if not named and not fig.is_percent and fig.unit in ("人", "名", "人次", "位"):
            s, e = doc.sentence_at(fig.start)
            sentence = text[s:e]
            for title, r in titles:
                if title in sentence and r.participants is not None:
                    named.append(Known(f"“{title}”参与人数", float(r.participants), "人", [r.id]))
        named = [k for k in named if _compatible(fig, k)]
        if named:
            if any(matches(fig, k) for k in named):
                results.append(GroundResult(fig, "grounded"))
                continue
            if any(matches(fig, k) and _compatible(fig, k) and k.value >= 10 for k in ks):
                # the clause's words pointed at another figure of the records, but this very value is
                # recorded too (活动场次 97 beside 志愿服务活动次数): not a contradiction
                results.append(GroundResult(fig, "grounded"))
                continue
            best = named[0]
            results.append(GroundResult(fig, "contradiction", {
                "name": best.name, "expected": _fmt(best.value, best.percent),
                "sources": "、".join(best.sources[:5]) + ("等" if len(best.sources) > 5 else "")}))
            continue
        if any(matches(fig, k) for k in ks) or fig.unit in _NOT_MEASURES or fig.approx == "超" \
                or (fig.is_percent and _derived(doc, fig)):
            results.append(GroundResult(fig, "grounded"))
        else:
            results.append(GroundResult(fig, "unmatched"))
    return results


_UNIT_GROUPS = {"人": "人", "名": "人", "位": "人", "人次": "人", "场": "次", "次": "次", "项": "次", "期": "次",
                "场次": "次", "轮": "次"}


def _compatible(fig: Figure, k: Known) -> bool:
    """A figure can be checked against a known value of the same kind of unit (or of no stated unit)."""
    if not fig.unit or not k.unit or fig.is_percent or k.percent:
        return True
    return _UNIT_GROUPS.get(fig.unit, fig.unit) == _UNIT_GROUPS.get(k.unit, k.unit)


def _derived(doc: Doc, fig: Figure) -> bool:
    """A percentage computed from two figures of its own sentence (a growth rate, a share)."""
    s, _ = doc.sentence_at(fig.start)
    plain = [g for g in doc.figures_in(s, fig.start) if not g.is_percent]
    tol = max(10.0 ** -fig.decimals, 0.05) + 1e-9
    for a in plain:
        for b in plain:
            if a is b or not a.value:
                continue
            for v in ((b.value - a.value) / a.value * 100, (a.value - b.value) / a.value * 100, b.value / a.value * 100):
                if abs(v - fig.value) <= tol:
                    return True
    return False


def _fmt(v: float, percent: bool) -> str:
    s = str(int(v)) if float(v).is_integer() else f"{v:g}"
    if not percent and float(v).is_integer() and abs(v) >= 1000:
        s = f"{int(v):,}"
    return s + ("%" if percent else "")

"""Facts: every figure a draft may state, computed by code from Records and traceable to record ids.

Nothing else in the system computes figures. The model (or the offline drafter) only cites them.
Growth is (end − start) / start, in percent with one decimal (half up).

`compute_facts(records)` returns a `FactBook`: the numbered facts (F1, F2, …), a lookup by stable
key (e.g. "cat:志愿服务:count", "metric:微博粉丝数:growth") for the offline drafter, the problems the
records show (weak turnout, targets missed, metrics that fell, categories with little activity),
the top events and the awards.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable

from .models import Fact, Record

PLATFORM = "平台运营"
AWARDS = "获奖荣誉"
NON_ACTIVITY = {PLATFORM, AWARDS}

# Units for the metrics we know; anything else gets no unit.
METRIC_UNITS = {
    "培训人数": "人",
    "服务时长": "小时",
    "外媒采用篇数": "篇",
    "推文篇数": "篇",
    "阅读量": "次",
    "播放量": "次",
    "点赞量": "次",
}
_STOCK_WORDS = ("粉丝", "关注", "用户数", "订阅", "会员数")


def is_stock_metric(name: str) -> bool:
    """Stock metrics (follower counts) are read at a point in time; flows (articles, reads) add up."""
    return any(w in name for w in _STOCK_WORDS)


def metric_unit(name: str) -> str:
    if name in METRIC_UNITS:
        return METRIC_UNITS[name]
    if is_stock_metric(name):
        return "人"
    if name.endswith("篇数"):
        return "篇"
    if name.endswith(("人数", "人次")):
        return "人"
    if name.endswith("时长"):
        return "小时"
    return ""


def round1(value: Fraction | float | int) -> float:
    """One decimal, half up (101.75 → 101.8), computed exactly from a Fraction."""
    frac = Fraction(value) if not isinstance(value, Fraction) else value
    dec = Decimal(frac.numerator) / Decimal(frac.denominator)
    return float(dec.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def growth_pct(start: float, end: float) -> float | None:
    """(end − start) / start in percent, one decimal; None when start is 0."""
    if not start:
        return None
    return round1((Fraction(str(end)) - Fraction(str(start))) * 100 / Fraction(str(start)))


def ratio_pct(part: float, whole: float) -> float | None:
    if not whole:
        return None
    return round1(Fraction(str(part)) * 100 / Fraction(str(whole)))


def clean_number(value: float | int) -> float | int:
    """Integral floats become ints so they print as 12, not 12.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fmt(value: float | int | str) -> str:
    """How a figure is written in a draft: integers plain, other numbers with at most one decimal."""
    if isinstance(value, str):
        return value
    value = clean_number(value)
    if isinstance(value, int):
        return str(value)
    text = f"{round1(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def fmt_date(iso: str) -> str:
    """2025-03-12 → 3月12日 (the year is the summary's own)."""
    try:
        return f"{int(iso[5:7])}月{int(iso[8:10])}日"
    except (ValueError, IndexError):
        return iso


def fmt_point(iso: str) -> str:
    """A point in time for a stock metric: 2025-01-31 → 1月末, 2025-03-12 → 3月12日."""
    import calendar

    try:
        y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    except (ValueError, IndexError):
        return iso
    if d == calendar.monthrange(y, m)[1]:
        return f"{m}月末"
    return f"{m}月{d}日"


def q(title: str) -> str:
    """An activity title as a draft writes it: in quotes, unless it has quotes of its own
    (第三届“青禾杯”电子商务直播技能大赛 stays as is — no nested quotes, and the title stays findable)."""
    return title if "“" in title or "”" in title else f"“{title}”"


def metric_label(category: str, metric: str) -> str:
    """志愿服务 + 服务时长 → 志愿服务时长; 培训 + 培训人数 → 培训人数; 文体活动 + 参赛人数 → 文体活动参赛人数."""
    for k in range(min(len(category), len(metric)), 0, -1):
        if category.endswith(metric[:k]):
            return category + metric[k:]
    return category + metric


@dataclass
class Problem:
    """One concrete problem the records show; `keys` are fact keys of the figures it states."""

    kind: str  # "target" | "turnout" | "decline" | "sparse"
    category: str
    subject: str  # what it is about: an activity title, a metric name, a category
    keys: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)


@dataclass
class FactBook:
    facts: list[Fact] = field(default_factory=list)
    by_key: dict[str, Fact] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # activity categories, most active first
    top_events: dict[str, list[str]] = field(default_factory=dict)  # category -> fact keys
    cat_metrics: dict[str, list[str]] = field(default_factory=dict)  # category -> metric total keys
    awards: list[Record] = field(default_factory=list)
    platform_metrics: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    dates: dict[str, str] = field(default_factory=dict)  # record id -> date
    recurring_drops: list[tuple[Record, Record]] = field(default_factory=list)  # (this year, last year)

    def add(self, key: str, name: str, value, unit: str, records: Iterable[str]) -> Fact:
        if key in self.by_key:
            return self.by_key[key]
        fact = Fact(id=f"F{len(self.facts) + 1}", name=name, value=clean_number(value), unit=unit,
                    records=sorted(set(records)))
        self.facts.append(fact)
        self.by_key[key] = fact
        return fact

    def get(self, key: str) -> Fact | None:
        return self.by_key.get(key)

    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def cite(self, key: str) -> str:
        """`value` + unit + citation marker, e.g. "36项[F2]"; used by the offline drafter."""
        fact = self.by_key[key]
        return f"{fmt(fact.value)}{fact.unit}[{fact.id}]"

    def value(self, key: str, default=None):
        fact = self.by_key.get(key)
        return default if fact is None else fact.value


# 计划招募60人，实际参加38人 / 计划参训120人，实到95人
_PLAN_RE = re.compile(
    r"计划[^0-9０-９，。；;,\n]{0,8}?(\d+(?:\.\d+)?)\s*(人次|人|名|场|次|篇|小时|项|个|支|期)?"
    r"[^。；;\n]{0,30}?实(?:际|到)[^0-9０-９，。；;,\n]{0,8}?(\d+(?:\.\d+)?)\s*(人次|人|名|场|次|篇|小时|项|个|支|期)?"
)


def find_plan_vs_actual(text: str) -> tuple[float, float, str] | None:
    """(planned, actual, unit) from a record summary that says 计划…实际…, else None."""
    m = _PLAN_RE.search(text or "")
    if not m:
        return None
    planned, actual = float(m.group(1)), float(m.group(3))
    unit = m.group(2) or m.group(4) or ""
    if unit == "名":
        unit = "人"
    return planned, actual, unit


def _activity_word(category: str) -> str:
    return "" if category.endswith(("培训", "活动")) else "活动"


def compute_facts(records: list[Record], *, previous: Iterable[Record] = (), top_n: int = 2,
                  all_categories: Iterable[str] = ()) -> FactBook:
    """Compute every figure a summary may state from `records` (already filtered to the period).

    `previous`: the same organisation's records of the previous period (e.g. last year), for
    year-on-year comparisons (activity counts, recurring events that drew fewer people).
    `all_categories`: categories the organisation uses (e.g. from earlier years), so that a category
    with no activity at all this period is noticed too.
    """
    book = FactBook()
    records = sorted(records, key=lambda r: (r.date, r.id))
    if not records:
        return book
    book.first_date, book.last_date = records[0].date, records[-1].date
    book.dates = {r.id: r.date for r in records}

    activities = [r for r in records if r.category not in NON_ACTIVITY]
    by_cat: dict[str, list[Record]] = defaultdict(list)
    for r in activities:
        by_cat[r.category].append(r)
    book.categories = sorted(by_cat, key=lambda c: (-len(by_cat[c]), c))

    # --- totals ---------------------------------------------------------------------------
    book.add("activities", "全年开展活动总数", len(activities), "项", [r.id for r in activities])
    with_people = [r for r in activities if r.participants]
    if with_people:
        book.add("participants", "活动参与总人次", sum(r.participants for r in with_people), "人次",
                 [r.id for r in with_people])
    for cat in book.categories:
        recs = by_cat[cat]
        book.add(f"cat:{cat}:count", f"{cat}{_activity_word(cat)}次数", len(recs), "项" if cat != "培训" else "场",
                 [r.id for r in recs])
        people = [r for r in recs if r.participants]
        if people:
            book.add(f"cat:{cat}:participants", f"{cat}参与人次", sum(r.participants for r in people), "人次",
                     [r.id for r in people])

    # --- metrics on activity records (培训人数, 服务时长, 外媒采用篇数, …): totals per category ------------
    for cat in book.categories:
        metric_recs: dict[str, list[Record]] = defaultdict(list)
        for r in by_cat[cat]:
            for name in r.metrics:
                metric_recs[name].append(r)
        keys = []
        for name in sorted(metric_recs, key=lambda n: (-len(metric_recs[n]), n)):
            recs = metric_recs[name]
            total = sum(Fraction(str(r.metrics[name])) for r in recs)
            book.add(f"cat:{cat}:total:{name}", f"{metric_label(cat, name)}合计", float(total), metric_unit(name), [r.id for r in recs])
            keys.append(f"cat:{cat}:total:{name}")
        book.cat_metrics[cat] = keys

    # --- top events per category (by participants) ---------------------------------------------
    for cat in book.categories:
        ranked = sorted((r for r in by_cat[cat] if r.participants), key=lambda r: (-r.participants, r.date))
        keys = []
        for r in ranked[:top_n]:
            key = f"event:{r.id}:participants"
            book.add(key, f"{q(r.title)}参与人数", r.participants, "人", [r.id])
            keys.append(key)
        book.top_events[cat] = keys

    # --- awards --------------------------------------------------------------------------------
    awards = [r for r in records if r.category == AWARDS]
    book.awards = awards
    if awards:
        book.add("awards", "获得荣誉数", len(awards), "项", [r.id for r in awards])

    # --- platform metrics: first/last of the period, growth; flows: totals and half-year -----------
    platform = [r for r in records if r.category == PLATFORM]
    names: list[str] = []
    for r in platform:
        for name in r.metrics:
            if name not in names:
                names.append(name)
    book.platform_metrics = names
    for name in names:
        series = [r for r in platform if name in r.metrics]
        unit = metric_unit(name)
        if is_stock_metric(name):
            first, last = series[0], series[-1]
            start, end = first.metrics[name], last.metrics[name]
            book.add(f"metric:{name}:start", f"{name}（{fmt_point(first.date)}）", start, unit, [first.id])
            book.add(f"metric:{name}:end", f"{name}（{fmt_point(last.date)}）", end, unit, [last.id])
            if len(series) > 1:
                book.add(f"metric:{name}:change", f"{name}净增长", float(Fraction(str(end)) - Fraction(str(start))),
                         unit, [first.id, last.id])
                g = growth_pct(start, end)
                if g is not None:
                    book.add(f"metric:{name}:growth", f"{name}增长率", g, "%", [first.id, last.id])
                    if g < 0:
                        book.add(f"metric:{name}:decline", f"{name}下降幅度", -g, "%", [first.id, last.id])
                        book.add(f"metric:{name}:drop", f"{name}净减少", -float(Fraction(str(end)) - Fraction(str(start))),
                                 unit, [first.id, last.id])
                    else:
                        _add_dip(book, name, series, unit)
        else:
            total = sum(Fraction(str(r.metrics[name])) for r in series)
            book.add(f"metric:{name}:total", f"{name}合计", float(total), unit, [r.id for r in series])
            h1 = [r for r in series if int(r.date[5:7]) <= 6]
            h2 = [r for r in series if int(r.date[5:7]) > 6]
            if len(h1) >= 3 and len(h2) >= 3:
                s1 = sum(Fraction(str(r.metrics[name])) for r in h1)
                s2 = sum(Fraction(str(r.metrics[name])) for r in h2)
                book.add(f"metric:{name}:h1", f"上半年{name}", float(s1), unit, [r.id for r in h1])
                book.add(f"metric:{name}:h2", f"下半年{name}", float(s2), unit, [r.id for r in h2])
                g = growth_pct(float(s1), float(s2))
                if g is not None:
                    book.add(f"metric:{name}:h2growth", f"下半年{name}较上半年变化率", g, "%",
                             [r.id for r in series])
                    if g < 0:
                        book.add(f"metric:{name}:h2decline", f"下半年{name}较上半年下降幅度", -g, "%",
                                 [r.id for r in series])

    previous = [r for r in previous if r.category not in NON_ACTIVITY]
    if previous:
        _compare_previous(book, activities, by_cat, previous)
    _find_problems(book, by_cat, all_categories)
    return book


_TITLE_NOISE = re.compile(
    r"\d{4}(?:—\d{4})?(?:学年|年|级|届)?|第[一二三四五六七八九十百\d]+(?:届|期|学期|次)|[春夏秋冬]季")


DIP_MIN_PCT = 2.0


def _add_dip(book: FactBook, name: str, series: list[Record], unit: str) -> None:
    """A stock metric that grew over the period may still have fallen for a while (peak to later
    trough): a fall of DIP_MIN_PCT % or more is a problem worth naming."""
    peak = series[0]
    worst: tuple[Fraction, Record, Record] | None = None
    for r in series[1:]:
        if r.metrics[name] > peak.metrics[name]:
            peak = r
            continue
        fall = (Fraction(str(peak.metrics[name])) - Fraction(str(r.metrics[name]))) / Fraction(str(peak.metrics[name]))
        if fall > 0 and (worst is None or fall > worst[0]):
            worst = (fall, peak, r)
    if worst is None or worst[0] * 100 < DIP_MIN_PCT:
        return
    _, high, low = worst
    book.add(f"metric:{name}:peak", f"{name}（{fmt_point(high.date)}）", high.metrics[name], unit, [high.id])
    book.add(f"metric:{name}:trough", f"{name}（{fmt_point(low.date)}）", low.metrics[name], unit, [low.id])
    book.add(f"metric:{name}:dip", f"{name}阶段性下降幅度", -growth_pct(high.metrics[name], low.metrics[name]), "%",
             [high.id, low.id])


def event_key(title: str) -> str:
    """The same recurring activity across years: 2024级新生迎新志愿服务 ~ 2025级新生迎新志愿服务."""
    return _TITLE_NOISE.sub("", title).strip()


def _compare_previous(book: FactBook, activities: list[Record], by_cat: dict[str, list[Record]],
                      previous: list[Record]) -> None:
    prev_by_cat: dict[str, list[Record]] = defaultdict(list)
    for r in previous:
        prev_by_cat[r.category].append(r)
    book.add("prev:activities", "上年开展活动总数", len(previous), "项", [r.id for r in previous])
    g = growth_pct(len(previous), len(activities))
    if g is not None and g != 0:
        if g < 0:
            book.add("yoy:activities:drop", "活动总数较上年下降幅度", -g, "%",
                     [r.id for r in activities] + [r.id for r in previous])
        else:
            book.add("yoy:activities:growth", "活动总数较上年增长率", g, "%",
                     [r.id for r in activities] + [r.id for r in previous])
    for cat in sorted(set(by_cat) | set(prev_by_cat)):
        if prev_by_cat.get(cat):
            book.add(f"prev:{cat}:count", f"上年{cat}{_activity_word(cat)}次数", len(prev_by_cat[cat]),
                     "项" if cat != "培训" else "场", [r.id for r in prev_by_cat[cat]])
    # recurring events
    prev_index: dict[str, Record] = {}
    for r in sorted(previous, key=lambda r: r.date):
        prev_index.setdefault(event_key(r.title), r)
    pairs = []
    for r in activities:
        p = prev_index.get(event_key(r.title))
        if p is not None and r.participants and p.participants:
            pairs.append((r, p))
    if len(pairs) < 2:
        return
    fewer = [(r, p) for r, p in pairs if r.participants < p.participants]
    ids = [x.id for pair in pairs for x in pair]
    book.add("recur:count", "与上年同名的例行活动数", len(pairs), "项", ids)
    if fewer:
        book.add("recur:fewer", "参与人数少于上年的例行活动数", len(fewer), "项", [x.id for pair in fewer for x in pair])
    drops = []
    for r, p in fewer:
        g = growth_pct(p.participants, r.participants)
        if g is not None and g <= -20:
            drops.append((g, r, p))
    drops.sort(key=lambda t: (t[0], t[1].date))
    for g, r, p in drops:
        book.add(f"event:{r.id}:participants", f"{q(r.title)}参与人数", r.participants, "人", [r.id])
        book.add(f"event:{p.id}:prev", f"上年{q(p.title)}参与人数", p.participants, "人", [p.id])
        book.add(f"event:{r.id}:drop", f"{q(r.title)}参与人数较上年下降幅度", -g, "%", [r.id, p.id])
        book.recurring_drops.append((r, p))


def _find_problems(book: FactBook, by_cat: dict[str, list[Record]], all_categories: Iterable[str]) -> None:
    # 1. targets missed: 计划…实际… in summaries, actual below plan.
    missed: set[str] = set()
    for cat, recs in by_cat.items():
        for r in recs:
            found = find_plan_vs_actual(r.summary)
            if not found:
                continue
            planned, actual, unit = found
            if actual >= planned:
                continue
            unit = unit or "人"
            book.add(f"plan:{r.id}:planned", f"{q(r.title)}计划数", planned, unit, [r.id])
            book.add(f"plan:{r.id}:actual", f"{q(r.title)}实际数", actual, unit, [r.id])
            rate = ratio_pct(actual, planned)
            keys = [f"plan:{r.id}:planned", f"plan:{r.id}:actual"]
            if rate is not None:
                book.add(f"plan:{r.id}:rate", f"{q(r.title)}完成率", rate, "%", [r.id])
                keys.append(f"plan:{r.id}:rate")
            book.problems.append(Problem("target", cat, r.title, keys, [r.id]))
            missed.add(r.id)

    # 2. weak turnout: recurring events (same activity as in the previous period) that drew clearly fewer
    #    people this time; computed in compute_facts as "recur:" facts.
    for r, prev in [pair for pair in book.recurring_drops if pair[0].id not in missed][:3]:
        keys = [f"event:{r.id}:participants", f"event:{prev.id}:prev", f"event:{r.id}:drop"]
        book.problems.append(Problem("turnout", r.category, r.title, keys, [r.id, prev.id]))

    # 3. metrics that fell.
    for name in book.platform_metrics:
        if is_stock_metric(name):
            g = book.value(f"metric:{name}:growth")
            if g is not None and g < 0:
                keys = [f"metric:{name}:start", f"metric:{name}:end", f"metric:{name}:decline"]
                book.problems.append(Problem("decline", PLATFORM, name, keys,
                                             sum((book.by_key[k].records for k in keys), [])))
            elif book.get(f"metric:{name}:dip"):
                keys = [f"metric:{name}:peak", f"metric:{name}:trough", f"metric:{name}:dip"]
                book.problems.append(Problem("decline", PLATFORM, name, keys,
                                             sum((book.by_key[k].records for k in keys), [])))
        else:
            g = book.value(f"metric:{name}:h2growth")
            if g is not None and g < 0:
                keys = [f"metric:{name}:h1", f"metric:{name}:h2", f"metric:{name}:h2decline"]
                book.problems.append(Problem("decline", PLATFORM, name, keys,
                                             book.by_key[keys[-1]].records))

    # 4. categories with little activity (few this period, or half or less of the previous period).
    counts = {c: len(r) for c, r in by_cat.items()}
    for cat in all_categories:
        if cat not in counts and cat not in NON_ACTIVITY:
            counts[cat] = 0
    if len(counts) >= 3:
        mean = sum(counts.values()) / len(counts)
        for cat, n in sorted(counts.items(), key=lambda kv: (kv[1], kv[0])):
            prev = book.value(f"prev:{cat}:count")
            if n <= max(2, 0.3 * mean) or (prev and n * 2 <= prev):
                key = f"cat:{cat}:count"
                if n == 0:
                    book.add(key, f"{cat}{_activity_word(cat)}次数", 0, "项", [])
                keys = [key] + ([f"prev:{cat}:count"] if prev else [])
                book.problems.append(Problem("sparse", cat, cat, keys, book.by_key[key].records))

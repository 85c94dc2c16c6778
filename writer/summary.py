"""年度工作总结: records + references → facts → (condensed) prompt → backend → Draft → grounding check.

Pure functions take records and references as arguments (`draft_summary`); `summary_from_library`
is the thin layer that fetches them from the Library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .draft import (OnChunk, assemble, clean_model_text, facts_block, flag_ungrounded, generate,
                    quote_material)
from .errors import InputError
from .facts import PLATFORM, FactBook, compute_facts, fmt, fmt_date, is_stock_metric, q
from .llm import Backend, OfflineBackend, Prompt, estimate_tokens, load_prompt, render
from .models import Draft, Record, SearchHit
from .settings import Settings, get_settings

PARTS = ("一、基本情况", "二、主要成效", "三、存在的问题", "四、下一步工作打算")
CN_NUM = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (enough for sub-item numbering)."""
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + CN_NUM[n - 11]
    return CN_NUM[n // 10 - 1] + "十" + (CN_NUM[n % 10 - 1] if n % 10 else "")


def period_label(year: int | None, date_from: str | None = None, date_to: str | None = None) -> str:
    if year and not (date_from or date_to):
        return f"{year}年"
    if date_from and date_to:
        return f"{date_from}至{date_to}"
    if date_from:
        return f"{date_from}以来"
    if date_to:
        return f"截至{date_to}"
    return "本年度"


# --------------------------------------------------------------------------------------------------
# The offline drafter: data-to-text over the facts
# --------------------------------------------------------------------------------------------------

CAT_HEADINGS = {
    "志愿服务": "深入开展志愿服务",
    "理论学习": "加强青年理论学习",
    "文体活动": "组织开展文体活动",
    "技能竞赛": "以赛促学开展技能竞赛",
    "培训": "加强骨干队伍培训",
    "宣传报道": "做好宣传报道工作",
    "社会实践": "组织开展社会实践",
}
CAT_NOUN = {"培训": "培训", "宣传报道": "宣传报道"}


def _cat_noun(cat: str) -> str:
    if cat in CAT_NOUN:
        return CAT_NOUN[cat]
    return cat if cat.endswith(("活动", "培训", "工作")) else f"{cat}活动"


def _join(items: list[str], sep: str = "、") -> str:
    return sep.join(i for i in items if i)


def render_offline_summary(book: FactBook, org: str, label: str) -> str:
    """The four-part summary, every figure followed by its [F] marker; 【待补充：…】 where a person must add."""
    out: list[str] = [f"标题：{org}{label}工作总结", ""]
    c = book.cite

    # 一、基本情况 ------------------------------------------------------------------------------
    out.append(PARTS[0])
    basics = []
    if book.get("activities"):
        s = f"{label}，{org}共开展各类活动{c('activities')}"
        if book.get("yoy:activities:drop"):
            s += f"，比上年的{c('prev:activities')}下降{c('yoy:activities:drop')}"
        elif book.get("yoy:activities:growth"):
            s += f"，比上年的{c('prev:activities')}增长{c('yoy:activities:growth')}"
        if book.get("participants"):
            s += f"，参与{c('participants')}"
        basics.append(s + "。")
    if book.categories:
        parts = [f"{_cat_noun(cat)}{c(f'cat:{cat}:count')}" for cat in book.categories]
        basics.append(f"其中，{_join(parts)}。")
    platform_bits = []
    for name in book.platform_metrics:
        if not is_stock_metric(name) and book.get(f"metric:{name}:total"):
            platform_bits.append(f"{name}{c(f'metric:{name}:total')}")
    if platform_bits:
        basics.append(f"新媒体平台全年{_join(platform_bits, '，')}。")
    if book.get("awards"):
        basics.append(f"全年获得各类荣誉{c('awards')}。")
    basics.append("【待补充：本年度工作的总体思路、重点任务和组织基本情况】")
    out.append("".join(basics))
    out.append("")

    # 二、主要成效 ------------------------------------------------------------------------------
    out.append(PARTS[1])
    n = 0
    for cat in book.categories:
        n += 1
        heading = CAT_HEADINGS.get(cat, f"扎实推进{cat}工作")
        s = f"（{cn(n)}）{heading}。全年开展{_cat_noun(cat)}{c(f'cat:{cat}:count')}"
        if book.get(f"cat:{cat}:participants"):
            s += f"，参与{c(f'cat:{cat}:participants')}"
        for key in book.cat_metrics.get(cat, []):
            s += f"，{book.by_key[key].name}{c(key)}"
        s += "。"
        events = []
        for key in book.top_events.get(cat, []):
            fact = book.by_key[key]
            rec_date = _record_date(book, fact.records[0])
            events.append(f"{fmt_date(rec_date)}举办的{_quote_title(fact.name)}参与{c(key)}")
        if events:
            s += f"其中，{_join(events, '，')}。"
        s += f"【待补充：{cat}工作的典型做法和成效】"
        out.append(s)
    platform_lines = _platform_lines(book)
    if platform_lines:
        n += 1
        out.append(f"（{cn(n)}）新媒体平台建设稳步推进。" + "；".join(platform_lines) + "。")
    if book.awards:
        n += 1
        titles = [r.title.rstrip("。") for r in book.awards[:5]]
        more = "等" if len(book.awards) > 5 else ""
        out.append(f"（{cn(n)}）争创荣誉取得成果。全年获得各类荣誉{c('awards')}：{'；'.join(titles)}{more}。")
    if n == 0:
        out.append("【待补充：本年度的主要成效】")
    out.append("")

    # 三、存在的问题 ----------------------------------------------------------------------------
    out.append(PARTS[2])
    problems = _problem_items(book)
    for i, (head, body, _) in enumerate(problems, 1):
        out.append(f"（{cn(i)}）{head}{body}")
    out.append(f"（{cn(len(problems) + 1)}）【待补充：记录之外需要说明的其他问题】")
    out.append("")

    # 四、下一步工作打算 --------------------------------------------------------------------------
    out.append(PARTS[3])
    k = 0
    for _, _, plan in problems:
        k += 1
        out.append(f"（{cn(k)}）{plan}")
    k += 1
    strong = [cat for cat in book.categories[:2]]
    keep = f"继续做好{_join(strong)}等工作，" if strong else ""
    out.append(f"（{cn(k)}）巩固已有成效。{keep}【待补充：明年的重点工作安排和具体目标】")
    return "\n".join(out) + "\n"


def _quote_title(name: str) -> str:
    """The activity title part of a fact name such as “X”参与人数."""
    return re.sub(r"参与人数$", "", name)


def _record_date(book: FactBook, rid: str) -> str:
    return book.dates.get(rid, "")


def _platform_lines(book: FactBook) -> list[str]:
    c = book.cite
    lines = []
    for name in book.platform_metrics:
        if is_stock_metric(name):
            if not book.get(f"metric:{name}:end"):
                continue
            start, end = book.by_key[f"metric:{name}:start"], book.by_key[f"metric:{name}:end"]
            when0, when1 = _point_of(start.name), _point_of(end.name)
            if book.get(f"metric:{name}:decline"):
                lines.append(f"{name}由{when0}的{c(f'metric:{name}:start')}降至{when1}的{c(f'metric:{name}:end')}，"
                             f"下降{c(f'metric:{name}:decline')}")
            elif book.get(f"metric:{name}:growth"):
                lines.append(f"{name}由{when0}的{c(f'metric:{name}:start')}增至{when1}的{c(f'metric:{name}:end')}，"
                             f"净增{c(f'metric:{name}:change')}，增长{c(f'metric:{name}:growth')}")
            else:
                lines.append(f"{when1}{name}{c(f'metric:{name}:end')}")
        elif book.get(f"metric:{name}:total"):
            lines.append(f"全年{name}合计{c(f'metric:{name}:total')}")
    return lines


def _point_of(fact_name: str) -> str:
    m = re.search(r"（([^）]+)）$", fact_name)
    return m.group(1) if m else ""


def _problem_items(book: FactBook) -> list[tuple[str, str, str]]:
    """(heading, body, plan) per kind of problem, each stating the figures from the records."""
    c = book.cite
    items = []
    by_kind: dict[str, list] = {}
    for p in book.problems:
        by_kind.setdefault(p.kind, []).append(p)
    if "target" in by_kind:
        ps = by_kind["target"][:3]
        bits = []
        for p in ps:
            planned, actual, rate = p.keys
            bits.append(f"{q(p.subject)}计划{c(planned)}，实际{c(actual)}，完成率{c(rate)}")
        cats = _join(list(dict.fromkeys(p.category for p in ps)))
        items.append(("部分活动未达到计划规模。", "；".join(bits) + "。",
                      f"提高活动组织实效。{cats}等活动提前发布招募信息、做好报名动员和过程跟踪，"
                      f"确保实际参与人数不低于计划人数。"))
    if "turnout" in by_kind:
        ps = by_kind["turnout"][:3]
        bits = []
        lead = ""
        if book.get("recur:fewer"):
            lead = f"与上年同名的{c('recur:count')}例行活动中，{c('recur:fewer')}参与人数少于上年，"
        for p in ps:
            now, prev, drop = p.keys
            bits.append(f"{q(p.subject)}参与{c(now)}，比上年的{c(prev)}下降{c(drop)}")
        targets = "，".join(f"{q(p.subject)}不少于{c(p.keys[1])}" for p in ps)
        items.append(("部分例行活动参与人数下降。", lead + "其中" + "；".join(bits) + "。",
                      f"提升活动吸引力。改进活动形式，提前发布通知、加强宣传动员，使例行活动参与人数恢复到上年水平，"
                      f"其中{targets}。"))
    if "decline" in by_kind:
        ps = by_kind["decline"]
        bits, plans = [], []
        for p in ps:
            name = p.subject
            if is_stock_metric(name):
                start, end, dec = p.keys
                bits.append(f"{name}由{_point_of(book.by_key[start].name)}的{c(start)}"
                            f"降至{_point_of(book.by_key[end].name)}的{c(end)}，下降{c(dec)}")
                plans.append(f"{name}在明年年末恢复到{c(start)}以上")
            else:
                h1, h2, dec = p.keys
                bits.append(f"下半年{name}{c(h2)}，比上半年的{c(h1)}下降{c(dec)}")
                plans.append(f"今后每半年{name}不低于今年上半年{name}{c(h1)}")
        items.append(("部分平台指标出现下滑。", "；".join(bits) + "。",
                      f"扭转平台指标下滑势头。分析下滑原因，优化内容选题和发布节奏，力争{_join(plans, '，')}。"))
    if "sparse" in by_kind:
        ps = by_kind["sparse"]
        bits, plans = [], []
        for p in ps:
            fact = book.by_key[p.keys[0]]
            prev = f"（上年{_cat_noun(p.category)}为{c(p.keys[1])}）" if len(p.keys) > 1 else ""
            if fact.value == 0:
                bits.append(f"全年未开展{_cat_noun(p.category)}{prev}")
                plans.append(f"明年开展{_cat_noun(p.category)}")
            else:
                bits.append(f"全年仅开展{_cat_noun(p.category)}{c(p.keys[0])}{prev}")
                plans.append(f"明年{_cat_noun(p.category)}次数超过今年的{c(p.keys[0])}")
        items.append(("部分工作开展偏少。", "，".join(bits) + "，与其他工作相比明显不足。",
                      f"补齐工作短板。{_join(plans, '，')}，具体目标【待补充：各项活动的目标次数】。"))
    return items


# --------------------------------------------------------------------------------------------------
# Condensation: records within a token budget, per category
# --------------------------------------------------------------------------------------------------


def _record_line(r: Record, summary_chars: int | None) -> str:
    bits = [r.id, r.date, r.title]
    if r.location:
        bits.append(f"地点：{r.location}")
    if r.participants:
        bits.append(f"参与{r.participants}人")
    if r.metrics:
        bits.append("，".join(f"{k}{fmt(v)}" for k, v in r.metrics.items()))
    line = "｜".join(bits)
    if r.summary and summary_chars != 0:
        s = r.summary if summary_chars is None or len(r.summary) <= summary_chars else r.summary[:summary_chars] + "…"
        line += f"｜{s}"
    return line


@dataclass
class RecordsBlock:
    text: str
    tokens: int
    condensed: list[str] = field(default_factory=list)  # categories that had to be condensed


def records_block(records: Sequence[Record], book: FactBook, budget: int) -> RecordsBlock:
    """All records grouped by category when they fit in `budget` tokens; otherwise each category is
    condensed in code (its most important records kept, the rest counted and named), so a year of
    records always fits. The counts in the headers refer to facts, never computed here."""
    by_cat: dict[str, list[Record]] = {}
    for r in sorted(records, key=lambda r: (r.date, r.id)):
        by_cat.setdefault(r.category, []).append(r)

    def full(cat: str, summary_chars) -> list[str]:
        return [_record_line(r, summary_chars) for r in by_cat[cat]]

    blocks = {cat: "\n".join(full(cat, None)) for cat in by_cat}
    total = sum(estimate_tokens(b) for b in blocks.values())
    if total <= budget:
        return RecordsBlock(_wrap(by_cat, blocks, book), total)

    important: set[str] = set()
    for p in book.problems:
        important.update(p.records if p.kind != "decline" else [])
    for keys in book.top_events.values():
        for k in keys:
            important.update(book.by_key[k].records)
    share = {cat: max(60, budget * len(recs) // max(1, len(records))) for cat, recs in by_cat.items()}
    condensed = []
    for cat, recs in by_cat.items():
        if estimate_tokens(blocks[cat]) <= share[cat]:
            continue
        condensed.append(cat)
        if cat == PLATFORM:
            blocks[cat] = _condense_platform(recs)
            continue
        ranked = sorted(recs, key=lambda r: (r.id not in important, -(r.participants or 0), r.date))
        kept: list[str] = []
        used = 0
        rest: list[Record] = []
        for r in ranked:
            line = _record_line(r, 40 if r.id in important else 0)
            t = estimate_tokens(line) + 1
            if used + t <= share[cat] * 0.7:
                kept.append(line)
                used += t
            else:
                rest.append(r)
        if rest:
            names = "、".join(r.title for r in rest)
            room = max(10, int(share[cat] - used))
            if estimate_tokens(names) > room:
                names = names[:room] + "……"
            kept.append(f"（另有活动{len(rest)}项，从略：{names}）")
        blocks[cat] = "\n".join(kept)
    text = _wrap(by_cat, blocks, book)
    return RecordsBlock(text, estimate_tokens(text), condensed)


def _condense_platform(recs: list[Record]) -> str:
    """Monthly platform records: first, last and the month-by-month flows compactly."""
    lines = [_record_line(recs[0], 0), _record_line(recs[-1], 0)] if len(recs) > 1 else [_record_line(recs[0], 0)]
    return "\n".join(lines) + f"\n（其余{len(recs) - len(lines)}条月度记录从略，合计与增长见事实清单）"


def _wrap(by_cat: dict[str, list[Record]], blocks: dict[str, str], book: FactBook) -> str:
    out = []
    for cat in by_cat:
        key = f"cat:{cat}:count"
        ref = f"（条数见[{book.by_key[key].id}]）" if key in book.by_key else ""
        out.append(f"【{cat}】{ref}\n{blocks[cat]}")
    return "\n\n".join(out)


def references_block(hits: Sequence[SearchHit], budget: int) -> str:
    if not hits:
        return "（无可参考的往年总结）"
    per = max(100, budget // len(hits))
    parts = []
    for i, h in enumerate(hits, 1):
        text = h.text
        while estimate_tokens(text) > per and len(text) > 50:
            text = text[: int(len(text) * 0.8)]
        label = f"参考{i}：{h.title}（{h.org}{'，' + str(h.year) + '年' if h.year else ''}）"
        parts.append(quote_material(label, text))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------------


@dataclass
class SummaryMaterial:
    org: str
    label: str
    records: list[Record]
    book: FactBook
    prompt: Prompt
    block: RecordsBlock
    prompt_tokens: int


def build_summary(records: Sequence[Record], references: Sequence[SearchHit] = (), *, org: str, label: str,
                  settings: Settings | None = None, all_categories: Sequence[str] = (),
                  previous: Sequence[Record] = ()) -> SummaryMaterial:
    """Facts, condensed records, references and the prompt — everything before the first model request."""
    settings = settings or get_settings()
    records = sorted(records, key=lambda r: (r.date, r.id))
    book = compute_facts(records, previous=previous, all_categories=all_categories)
    system = load_prompt("system", settings)
    template = load_prompt("summary", settings)
    facts_text = facts_block(book.facts)
    budget = settings.token_budget
    fixed = estimate_tokens(system) + estimate_tokens(template) + estimate_tokens(facts_text) + 50
    ref_budget = max(0, min(int(budget * 0.25), budget - fixed - 200))
    refs = references_block(list(references), ref_budget) if ref_budget >= 100 else "（篇幅所限，未附参考）"
    rec_budget = max(200, budget - fixed - estimate_tokens(refs))
    for _ in range(4):  # condensation is an estimate: shrink until the whole prompt fits
        block = records_block(records, book, rec_budget)
        user = render(template, org=org, period=label, facts=facts_text,
                      records=quote_material("活动记录", block.text), references=refs)
        over = estimate_tokens(system) + estimate_tokens(user) - budget
        if over <= 0 or rec_budget <= 200:
            break
        rec_budget = max(200, rec_budget - over - 50)
    prompt = Prompt("summary", system, user, offline=lambda: render_offline_summary(book, org, label))
    tokens = estimate_tokens(system) + estimate_tokens(user)
    return SummaryMaterial(org, label, records, book, prompt, block, tokens)


_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?\s*([一二三四])\s*[、.．]\s*([^\n*]*?)\s*(?:\*\*)?\s*$")


def parse_summary(text: str, default_title: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Split generated text into (title, [(heading, text)], problems). Text before the first heading
    other than the title line is kept as a preamble section."""
    title = default_title
    sections: list[tuple[str, list[str]]] = []
    preamble: list[str] = []
    for line in clean_model_text(text).split("\n"):
        m_title = re.match(r"^\s*(?:标题|题目)\s*[：:]\s*(.+)$", line)
        if m_title and not sections:
            title = m_title.group(1).strip()
            continue
        m = _HEADING.match(line)
        if m:
            sections.append((f"{m.group(1)}、{m.group(2).strip()}", []))
            continue
        (sections[-1][1] if sections else preamble).append(line)
    out = [(h, "\n".join(x.strip() for x in lines if x.strip())) for h, lines in sections]
    if any(x.strip() for x in preamble):
        out.insert(0, ("", "\n".join(x.strip() for x in preamble if x.strip())))
    problems = []
    got = [h[:1] for h, _ in out if h]
    for part in PARTS:
        if part[0] not in got:
            problems.append(f"草稿缺少“{part}”部分，请补充。")
    return title, out, problems


def draft_summary(records: Sequence[Record], references: Sequence[SearchHit] = (), *, org: str, label: str,
                  backend: Backend | None = None, settings: Settings | None = None,
                  on_chunk: OnChunk | None = None, all_categories: Sequence[str] = (),
                  previous: Sequence[Record] = ()) -> Draft:
    """The year-end summary from `records` (already the org's records of the period), the previous
    period's records (for year-on-year comparisons) and style references."""
    if not records:
        raise InputError(f"{org}在{label}没有活动记录，无法生成总结，请先导入记录")
    settings = settings or get_settings()
    backend = backend or OfflineBackend()
    material = build_summary(records, references, org=org, label=label, settings=settings,
                             all_categories=all_categories, previous=previous)
    gen = generate(material.prompt, backend, on_chunk)
    title, sections, missing = parse_summary(gen.text, f"{org}{label}工作总结")
    notices = list(gen.notices)
    if material.block.condensed and not isinstance(backend, OfflineBackend):
        notices.append(f"记录较多，已按类别压缩后再起草（{'、'.join(material.block.condensed)}）。")
    notices.extend(missing)
    draft = assemble("summary", title, sections, material.book.facts, gen.backend, notices)
    flag_ungrounded(draft, list(material.records) + list(previous))
    return draft


def summary_from_library(*, year: int | None = None, org: str | None = None, date_from: str | None = None,
                         date_to: str | None = None, library=None, backend: Backend | None = None,
                         settings: Settings | None = None, on_chunk: OnChunk | None = None) -> Draft:
    """Fetch the records and 2–3 past summaries (the org's own, else others') from the Library."""
    from .library import open_library

    settings = settings or get_settings()
    library = library or open_library(settings)
    if org is None:
        orgs = sorted({r.org for r in library.query_records(year=year, date_from=date_from, date_to=date_to)})
        if len(orgs) == 1:
            org = orgs[0]
        elif not orgs:
            raise InputError(f"资料库里没有{period_label(year, date_from, date_to)}的活动记录，请先用 --records 指定记录文件或导入记录")
        else:
            raise InputError(f"资料库里有多个单位（{'、'.join(orgs)}），请用 --org 指定")
    previous: list[Record] = []
    if year is not None and not (date_from or date_to):
        records = library.query_records(org=org, year=year)
        previous = library.query_records(org=org, year=year - 1)
    else:
        records = library.query_records(org=org, date_from=date_from, date_to=date_to)
    all_categories = sorted({r.category for r in library.query_records(org=org)})
    label = period_label(year, date_from, date_to)
    query = f"{org} {label} 年度工作总结 " + " ".join(all_categories)
    refs = [h for h in library.search(query, k=3, kind="summary", org=org)]
    if len(refs) < 2:
        others = [h for h in library.search(query, k=3, kind="summary") if h.doc_id not in {r.doc_id for r in refs}]
        refs += others[: 3 - len(refs)]
    return draft_summary(records, refs, org=org, label=label, backend=backend, settings=settings,
                         on_chunk=on_chunk, all_categories=all_categories, previous=previous)

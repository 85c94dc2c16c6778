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
    metric: bool = False  # a record's own named metric (its stem may name it in prose)


@dataclass
class GroundResult:
    figure: Figure | None
    role: str  # grounded | contradiction | unmatched | unmatched_weak
    values: dict[str, Any] = field(default_factory=dict)
    span: tuple[int, int] | None = None  # for a date or a place (no figure)

    @property
    def start(self) -> int:
        return self.span[0] if self.span else self.figure.start

    @property
    def end(self) -> int:
        return self.span[1] if self.span else self.figure.end


# durations and ages are not activity measures: not reported as unsupported unless a record names them
_NOT_MEASURES = {"小时", "个小时", "分钟", "秒", "天", "周", "个月", "年", "岁", "日", "届", "期", "倍"}
_SUFFIXES = ("总人数", "总人次", "总数", "人数", "人次", "次数", "数量", "总量", "总计", "合计", "数", "量")
_CLAUSE_BREAK = re.compile(r"[，。；：！？\n、]")
# a head count is an event's turnout only when what follows it says they took part (2名指导教师 is not)
_TAKES_PART = re.compile(r"[^，。；！？\n]{0,10}?(?:参加|参与|出席|到场|参赛|齐聚|观看|聆听|报名)")
# a clause that is only one of these verbs counts what the clause before it names
_BARE_VERBS = {"参与", "参加", "共", "累计", "惠及", "覆盖", "服务", "吸引", "涉及", "共计", "合计"}


# verbs and nouns too general to name a metric on their own (服务老人 is named by 老人, not by 服务)
_GENERIC = {"发放", "开展", "组织", "举办", "参加", "参与", "服务", "活动", "提供", "完成", "人数", "数量", "累计",
            "新建", "现场", "达成", "表彰", "培训", "志愿", "建设", "举行", "实施", "全年", "工作", "人次", "全市",
            "全校", "合计", "总计"}


_PERIOD = re.compile(r"^(?:全年|本年度|本年|年度|今年|当年)")


def _keys(name: str, metric: bool = False) -> list[str]:
    name = name.strip()
    keys = [name] if len(name) >= 2 else []
    stem = name
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            keys.append(stem)
            break
    bare = _PERIOD.sub("", stem)  # a fact named 全年开展活动总数 is named in prose as 开展各类活动
    if bare != stem and len(bare) >= 3:
        keys.append(bare)
    if metric and len(stem) >= 4:  # 义诊居民 ~ “义诊服务300人次”, 发放药包 ~ “发放防暑药包500份”
        # the verb names it (义诊居民 ~ 义诊); the object only when the verb is a general one (服务老人 ~ 老人)
        keys.append(stem[:2] if stem[:2] not in _GENERIC else stem[-2:])
        keys = [k for k in keys if k not in _GENERIC]
    return keys


def _in_context(key: str, context: str) -> bool:
    """The key in the context, or its characters in order within a short stretch (赠书 ~ 赠送了新书)."""
    if key in context:
        return True
    if len(key) == 2:
        i = context.find(key[0])
        while i >= 0:
            j = context.find(key[1], i + 1)
            if 0 < j - i <= 4:
                return True
            i = context.find(key[0], i + 1)
        return False
    if len(key) >= 4:
        # a name and its last word a few characters apart: 开展活动 ~ 开展各类活动,
        # 活动参与 ~ 活动36项，参与, 志愿服务参与 ~ 志愿服务活动11项，参与
        # — only across qualifiers, figures and 活动, never across another name (开展志愿服务活动 is not 开展活动)
        head, tail = key[:-2], key[-2:]
        i = context.find(head)
        while i >= 0:
            j = context.find(tail, i + len(head))
            if 0 <= j - i - len(head) <= 8 and _GAP.fullmatch(context[i + len(head):j]):
                return True
            i = context.find(head, i + 1)
    return False


_GAP = re.compile(r"(?:各类|各项|各种|各级|活动|[\d.,，、%余多万千百十个项场次人名篇件份期了的共总计等])*")


_QUOTED = re.compile(r"“([^”\n]{2,16})”")


def relevant_records(doc: Doc, records: list[Record]) -> list[Record]:
    """The records this document can be checked against: those of its own organisation (named in its title
    or opening) or of an event it names (“春风送岗”). Another organisation's records say nothing about it."""
    text = doc.text
    head = text[:300]
    if doc.title:
        head = text[doc.title[0]:doc.title[1]] + "\n" + head
    out = []
    for r in records:
        names = [c for n in (r.organizer, r.org) if n for c in _org_names(n)]
        if any(n in head for n in names) or _title_score(r, head) >= 0.7:
            out.append(r)
            continue
        quoted = _QUOTED.findall(r.title or "")
        if r.title and r.title in text or any(q in text for q in quoted if len(q) >= 3):
            out.append(r)
    return out


_ORG_SPLIT = re.compile(r"[、，,；;/和及与]")
_ORG_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|市|县|区))")
_ORG_SUFFIX = re.compile(r"(?:居民委员会|村民委员会|委员会|居委会|村委会|办公室|办事处)$")


def _org_names(name: str) -> list[str]:
    """The ways a text names an organisation: each of several organisers (“A、B”), and each without its
    city prefix or committee suffix (江川市青桐社区居民委员会 ~ 青桐社区)."""
    out = []
    for part in _ORG_SPLIT.split(name):
        part = part.strip()
        forms = {part}
        core = _ORG_PREFIX.sub("", part)
        forms.add(core)
        for f in list(forms):
            forms.add(_ORG_SUFFIX.sub("", f))
        out += [f for f in forms if len(f) >= 4 or (f == part and len(f) >= 2)]
    return out


def _title_score(r: Record, head: str) -> float:
    """The share of a record title's two-character pieces found in a headline and lead."""
    grams = _bigrams(re.sub(r"[“”\"「」\s]", "", r.title or ""))
    if len(grams) < 4:
        return 0.0
    return sum(1 for g in grams if g in head) / len(grams)


def primary_record(doc: Doc, records: list[Record]) -> Record | None:
    """For a news story: the record of the event it reports, named in its headline or lead."""
    if doc.kind != "news" or doc.lead is None:
        return None
    text = doc.text
    head = (text[doc.title[0]:doc.title[1]] if doc.title else "") + text[doc.lead[0]:doc.lead[1]]
    best = None
    for r in records:
        quoted = [q for q in _QUOTED.findall(r.title or "") if len(q) >= 2]
        score = sum(2 for q in quoted if q in head) + (3 if r.title and r.title in head else 0)
        ts = _title_score(r, head)
        if ts >= 0.6:
            score += 2 * ts
            score += 1 if _date_in(r, head) else 0
        if score and (best is None or score > best[0]):
            best = (score, r)
    return best[1] if best else None


def _date_in(r: Record, text: str) -> bool:
    try:
        _y, m, d = (int(x) for x in (r.date or "")[:10].split("-"))
    except ValueError:
        return False
    return f"{m}月{d}日" in text


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
            name, unit = split_metric_name(name)
            out.append(Known(name, v, unit, [r.id], percent=name.endswith(("率", "比", "占比", "比例")) or unit in ("%", "％"),
                             metric=True))
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


_METRIC_UNIT = re.compile(r"\s*[（(]([^（）()]{1,6})[）)]\s*$")


def split_metric_name(name: str) -> tuple[str, str]:
    """“受益居民（人次）” → (受益居民, 人次); “服务时长（小时）” → (服务时长, 小时); “比赛项目” → (比赛项目, "")."""
    m = _METRIC_UNIT.search(name)
    if not m:
        return name.strip(), ""
    return name[: m.start()].strip(), m.group(1).strip()


def matches(fig: Figure, k: Known) -> bool:
    v = fig.value
    target = k.value
    if fig.is_percent:
        candidates = [target] + ([target * 100] if abs(target) <= 1.0 else [])
    else:
        candidates = [target]
    for t in candidates:
        if fig.approx == "余":
            # 1800余 is 1800–1899, 300余 is 300–399, 1.8万余 is 18,000–18,999: the written precision
            n = int(round(v))
            zeros = len(str(n)) - len(str(n).rstrip("0")) if n else 0
            mag = max(10 ** zeros, fig.multiplier if fig.decimals == 0 else fig.step, 1)
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


_CUMULATIVE = re.compile(r"累计|共计|总计|全年|今年以来|年以来")
_THIS_EVENT = re.compile(r"本次|此次|这次|本场|本届")
_COUNT_UNITS = {"人", "名", "位", "人次", "场", "次", "场次", "项", "个", "家", "份", "篇", "期", "册", "支", "所", "件"}


def ground(doc: Doc, records: list[Record], facts: list[Fact]) -> list[GroundResult]:
    if not records and not facts:
        return []
    records = relevant_records(doc, records)
    if not records:
        return []  # nothing on record for this organisation or event: no basis to judge its figures
    ids = {r.id for r in records}
    facts = [f for f in facts if not f.records or set(f.records) & ids]
    ks = knowns(records, facts)
    keyed = [(key, k) for k in ks if k.name for key in _keys(k.name, k.metric)]
    # a metric with its unit (打破校纪录（项）) is named by its object too (5项校纪录被打破): the unit
    # keeps the object word honest (checked by _compatible)
    keyed += [(k.name[-2:], k) for k in ks if k.metric and k.unit and len(k.name) >= 4
              and k.name[-2:] not in _GENERIC and (k.name[-2:], k) not in keyed]
    # keys cut from a metric's name (义诊 from 义诊居民) are weaker evidence than the name or its stem
    derived = {(key, id(k)) for key, k in keyed if len(key) == 2 and key not in _keys(k.name)}
    # record titles name the participants of that activity
    titles = [(r.title, r) for r in records if r.title and len(r.title) >= 4]
    text = doc.text
    results = []
    primary = primary_record(doc, records)
    nouns: list[tuple[str, Known]] = []
    if primary is not None:
        results += _event_facts(doc, primary)
        nouns = _record_nouns(primary, ks)
    for fig in doc.figures:
        if fig.unit in ("百分点", "个百分点", "倍"):
            continue
        line = doc.line_at(fig.start)
        clause_start = fig.start
        floor = max(line.start, fig.start - 24)
        while clause_start > floor and not _CLAUSE_BREAK.match(text[clause_start - 1]):
            clause_start -= 1
        if text[clause_start:fig.start].strip() in _BARE_VERBS and clause_start - 1 > floor \
                and text[clause_start - 1] == "，":
            # a bare verb (…活动36项，参与9931人次) takes its subject from the clause before
            clause_start -= 1
            while clause_start > floor and not _CLAUSE_BREAK.match(text[clause_start - 1]):
                clause_start -= 1
        clause = text[clause_start:fig.start]
        after = _CLAUSE_BREAK.split(text[fig.end:fig.end + 4], 1)[0]
        context = clause + "|" + after
        hits = sorted(((key, k) for key, k in keyed if _in_context(key, context) and k.percent == fig.is_percent),
                      key=lambda hit: -len(hit[0]))  # the most specific name first: it is the one reported
        if primary is not None:
            # a story about one recorded event: another record's metric named only by a cut-out word
            # (专业 of 参加咨询专业) says nothing about this event's figures
            hits = [(key, k) for key, k in hits if primary.id in k.sources or (key, id(k)) not in derived]
        named = [k for _key, k in hits]
        weakly = bool(hits) and all((key, id(k)) in derived for key, k in hits)
        if (not named or weakly) and fig.unit and not fig.is_percent:
            # 推送篇数 ~ “推送图文450篇”, 宣讲场次 ~ “理论宣讲开展30场”: the name is a stem plus the unit
            for k in ks:
                if not k.name or k.percent:
                    continue
                for u in (fig.unit + "数", fig.unit + "次", fig.unit):
                    if k.name.endswith(u) and len(k.name) - len(u) >= 2 and k.name[: -len(u)] in clause:
                        if weakly:
                            named, weakly = [], False
                        named.append(k)
                        break
        if not named and not fig.is_percent and fig.unit in ("人", "名", "人次", "位"):
            s, e = doc.sentence_at(fig.start)
            sentence = text[s:e]
            for title, r in titles:
                quoted = [q for q in _QUOTED.findall(title) if len(q) >= 3]
                if (title in sentence or any(q in sentence for q in quoted)) and r.participants is not None \
                        and "其中" not in clause and _TAKES_PART.match(text, fig.end, fig.end + 16) \
                        and not ("代表" in text[fig.end:fig.end + 8] and fig.value < r.participants):
                    named.append(Known(f"“{title}”参与人数", float(r.participants), "人", [r.id]))
        named = [k for k in named if _compatible(fig, k) and _same_kind(fig, k)]
        ss, se = doc.sentence_at(fig.start)
        cumulative = bool(_CUMULATIVE.search(text, ss, fig.start))
        here = [r for t, r in titles if t in text[ss:se] or any(q in text[ss:se] for q in _QUOTED.findall(t) if len(q) >= 3)]
        if here and named and not cumulative and "其中" not in clause:
            # the sentence names one recorded event (3月5日学雷锋志愿服务日，156名志愿者…): its figures are
            # that event's, not another event's metric of the same name
            ids = {r.id for r in here}
            mine = [k for k in named if ids & set(k.sources)]
            if not mine and fig.unit in _PEOPLE_UNITS and _TAKES_PART.match(text, fig.end, fig.end + 16):
                mine = [Known(f"“{r.title}”参与人数", float(r.participants), "人", [r.id]) for r in here
                        if r.participants is not None]
            named = mine
        if primary is not None and named and not cumulative:
            # a story about one recorded event is checked against that event's record: another event's
            # metric (志愿者人数 of the 重阳 visit) says nothing about this one's 40名志愿者 — unless the
            # sentence steps back to a running total (今年以来…累计…), which the yearly records measure
            named = [k for k in named if primary.id in k.sources]
        by_noun = False
        if primary is not None and not named and not fig.is_percent and fig.unit:
            # a story about one recorded event: a figure whose noun is one the record counts — a metric's
            # object (6个科目 ~ 演练科目, 800余份宣传资料 ~ 发放资料) or a group its summary counts
            # (沿堤群众1500余人 ~ “260名干部群众”) — is that measure
            named = [k for k in _noun_knowns(text, fig, nouns) if _compatible(fig, k) and _same_kind(fig, k)]
            weakly, by_noun = False, bool(named)
        # the metric whose verb is in the clause first (帮助72名居民下载… ~ 下载APP, not 参加居民)
        named.sort(key=lambda k: not (len(k.name) >= 4 and k.name[:2] in context))
        if named and weakly and "其中" in clause:
            results.append(GroundResult(fig, "grounded"))  # a part of a recorded total (其中技能类岗位…)
            continue
        if named and weakly and _CUMULATIVE.search(text, doc.sentence_at(fig.start)[0], fig.start) \
                and not any(matches(fig, k) for k in named):
            # a running total (今年以来…累计…) beside one event's metric: not like with like, so no
            # contradiction — but the records do measure this, and they do not show this figure (in a story
            # about one event, whose record cannot show a running total, only a note)
            results.append(GroundResult(fig, "unmatched" if primary is None or _THIS_EVENT.search(text, ss, fig.start)
                                        else "unmatched_weak"))
            continue
        if named:
            if any(matches(fig, k) for k in named):
                results.append(GroundResult(fig, "grounded"))
                continue
            if any(matches(fig, k) and _compatible(fig, k) and _same_kind(fig, k) and k.value >= 10
                   and not re.search(r"总|合计|累计", k.name) for _key, k in hits):
                # the clause names two recorded figures and this value is the other one
                # (活动场次 97 beside 志愿服务活动次数): not a contradiction. A value recorded for
                # something the clause does not name proves nothing (63项 where the records say 36).
                results.append(GroundResult(fig, "grounded"))
                continue
            best = named[0]
            if fig.value < best.value and (weakly or by_noun or not best.metric) and _PART.search(text, ss, se):
                continue  # a smaller count of one part (该公司计划招聘…岗位60个) of a recorded total
            results.append(GroundResult(fig, "contradiction", {
                "name": best.name, "expected": _fmt(best.value, best.percent),
                "sources": "、".join(best.sources[:5]) + ("等" if len(best.sources) > 5 else "")}))
            continue
        if primary is not None and cumulative and not _THIS_EVENT.search(text, ss, fig.start) \
                and not any(matches(fig, k) for k in ks):
            # a running total in a story about one event (今年以来累计…58场): the event's record cannot
            # show it — a note, not a warning
            results.append(GroundResult(fig, "unmatched_weak"))
            continue
        if any(matches(fig, k) for k in ks) or fig.unit in _NOT_MEASURES or fig.approx == "超" \
                or (fig.is_percent and _derived(doc, fig)):
            results.append(GroundResult(fig, "grounded"))
        elif not fig.is_percent and fig.unit and any(
                k.name.endswith((fig.unit + "数", fig.unit + "次")) for k in ks if k.name and k.metric) \
                or any(len(key) >= 3 and key in text[slice(*doc.sentence_at(fig.start))] for key, _k in keyed):
            # the records measure this kind of thing (推送篇数 ~ “只有7篇”; the sentence names a metric): unsupported
            results.append(GroundResult(fig, "unmatched"))
        elif fig.unit in _COUNT_UNITS and fig.value >= 10 and not doc.in_heading(fig.start):
            # no record measures what this clause talks about: a note, not a warning
            results.append(GroundResult(fig, "unmatched_weak"))
    return results


_PLACE_RE = re.compile(r"(?:在|于|来到|走进|赴|前往)(?P<p>[^，。；、\n“”全]{1,18}?(?:广场|中心|馆|厅|室|操场|场|楼|园|校区|礼堂|会场|基地|小学|中学|大学|学校|学院|社区|村|公园|剧院|站|所|街道))(?=举行|举办|召开|开展|进行|开幕|启动|落幕|闭幕|，|。)")
_PARTICIPANTS_RE = re.compile(r"(?:余|多)?(?:名|人|位)?[\u4e00-\u9fff]{0,6}?(?:参加|参与|出席|参赛|到场|齐聚|观看|聆听|参观)")
# a drawing verb before the head count: 吸引了近2000名师生, 共有1800余名学生参加
_DRAWS_RE = re.compile(r"(?:吸引了?|共有|现场有|参与者达|参加人数达到?|到场人数达到?)(?:近|约|超过|逾)?$")
_PEOPLE_AFTER = re.compile(r"(?:余|多)?(?:名|人|位)?(?:[\u4e00-\u9fff]{0,4}(?:师生|学生|居民|市民|群众|志愿者|代表|教职工|团员|党员|选手|嘉宾|老人|青年|家长|干部|职工|村民|观众|读者))")


_PART = re.compile(r"其中|入选|重点|代表|分别|每[个名位支家所]|该公司|该企业|公司|企业|计划|部分|有的|单个")
_NOUN_AFTER = re.compile(r"(?:余|多)?(?:[个名位份册项场次人]|人次)?([\u4e00-\u9fff]{2,6})")
_NOUN_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,6})(?:共|达|约|近|逾)?$")
_NOT_NOUNS = {"参加", "参与", "开展", "举行", "进行", "活动", "其中", "共有", "现场", "累计", "以上", "左右"}


def _tail(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            name = name[: -len(suf)]
            break
    t = name[-2:]
    return "" if len(name) < 2 or t in _GENERIC or t in _NOT_NOUNS else t


def _record_nouns(r: Record, ks: list[Known]) -> list[tuple[str, Known]]:
    """The nouns one event's record counts: its metrics' objects (演练科目 → 科目) and the nouns its
    summary's figures count (“260名干部群众” → 群众, “发放宣传资料500份” → 资料)."""
    out = []
    for k in ks:
        if k.metric and r.id in k.sources and (t := _tail(k.name)):
            out.append((t, k))
    summary = r.summary or ""
    for fig in extract_figures(summary):
        if fig.is_percent or not fig.unit or fig.unit in _NOT_MEASURES:
            continue
        m = _NOUN_AFTER.match(summary, fig.end)
        noun = m.group(1) if m else ""
        noun = re.split(r"参加|参与|开展|进行|举行|在|和|与|共|的", noun)[0]
        if len(noun) < 2:
            b = _NOUN_BEFORE.search(summary, 0, fig.start)
            noun = b.group(1) if b else ""
        if len(noun) >= 2 and (t := noun[-2:]) not in _GENERIC and t not in _NOT_NOUNS:
            out.append((t, Known(noun, fig.value, fig.unit, [r.id])))
    return out


def _noun_knowns(text: str, fig: Figure, nouns: list[tuple[str, Known]]) -> list[Known]:
    """The record's measures whose noun stands next to this figure (6个科目, 宣传资料800余份, 群众1500余人)."""
    after = _CLAUSE_BREAK.split(text[fig.end:fig.end + 6], 1)[0]
    before = re.split(r"[，。；：！？\n、]", text[max(0, fig.start - 6):fig.start])[-1]
    out = []
    for t, k in nouns:
        if t in after[:5] or before.endswith(t) or before[:-1].endswith(t) and before[-1] in "共达约近逾有":
            if k not in out:
                out.append(k)
    return out


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _event_facts(doc: Doc, r: Record) -> list[GroundResult]:
    """The lead of a story about a recorded event against that record: its date, place and turnout."""
    text = doc.text
    ls, le = doc.lead
    src = r.id
    out: list[GroundResult] = []
    try:
        year, month, day = (int(x) for x in r.date[:10].split("-"))
    except ValueError:
        year = month = day = None
    if month is not None:
        for d in doc.dates_in(ls, le):
            if d.kind != "date" or d.month is None or d.day is None:
                continue
            if (d.year in (None, year)) and (d.month, d.day) != (month, day):
                out.append(GroundResult(None, "contradiction", {
                    "name": "活动日期", "expected": f"{year}年{month}月{day}日", "sources": src}, (d.start, d.end)))
            break
    if r.location:
        m = _PLACE_RE.search(text, ls, le)
        if m:
            place = m.group("p").strip()
            loc = r.location
            grams = _bigrams(place)
            if len(place) >= 3 and place not in loc and loc not in place and grams and \
                    len(grams & _bigrams(loc)) / len(grams) < 0.5 and not re.search(r"[市县区省镇乡村]$", place) \
                    and not (len(place) <= 4 and place[:2] in loc):
                out.append(GroundResult(None, "contradiction", {
                    "name": "活动地点", "expected": loc, "sources": src}, m.span("p")))
    if r.participants:
        for fig in doc.figures_in(ls, le):
            if fig.unit in ("人", "名", "位", "人次") and (_PARTICIPANTS_RE.match(text, fig.end, fig.end + 10) or (
                    _DRAWS_RE.search(text, max(ls, fig.start - 8), fig.start) and _PEOPLE_AFTER.match(text, fig.end, fig.end + 8))):
                k = Known("参与人数", float(r.participants), "人", [src])
                tail = text[fig.end:fig.end + 16]
                if fig.value < k.value and ("代表" in tail[:8] or any(w in text[ls:le] and w not in (r.title or "")
                                                                   for w in ("开幕式", "仪式", "启动会", "大会"))):
                    break  # representatives, or a ceremony within a longer recorded event: a part of its turnout
                if not matches(fig, k):
                    out.append(GroundResult(None, "contradiction", {
                        "name": "参与人数", "expected": _fmt(k.value, False), "sources": src}, (fig.start, fig.end)))
                break
    return out


_PEOPLE_UNITS = {"人", "名", "位", "人次"}
_MONEY_UNITS = {"元", "万元", "亿元", "千元", "元钱"}
_PEOPLE_NAME = re.compile(r"人|员|者|生|师|老人|居民|代表|群众|对象|意向|嘉宾|教师|青年|儿童|家庭|户|粉丝|用户|会员|观众|读者|听众|游客|患者|关注")
_MONEY_NAME = re.compile(r"资金|金额|经费|元|投入|补贴|收入|款|费")


def _same_kind(fig: Figure, k: Known) -> bool:
    """Like with like: people against a count of people, money against money, never a duration, an
    ordinal-ish 三名 (前三名) or a count of 1 against an activity measure."""
    if k.value < 2 and not k.percent:
        return False
    if not fig.unit and not fig.is_percent:
        return False
    if fig.unit in _NOT_MEASURES and fig.unit not in (k.unit or "") and "时" not in k.name:
        return False
    if not k.name or k.unit:
        return True
    if fig.unit in _PEOPLE_UNITS and not _PEOPLE_NAME.search(k.name):
        return False
    if fig.unit and fig.unit not in _PEOPLE_UNITS and _PEOPLE_NAME.search(k.name) and not re.search(r"[场次项篇件份个册]", k.name):
        return False
    if fig.unit in _MONEY_UNITS and not _MONEY_NAME.search(k.name):
        return False
    if fig.unit and fig.unit not in _PEOPLE_UNITS and k.name.endswith(("人数", "人次")):
        return False
    return True


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

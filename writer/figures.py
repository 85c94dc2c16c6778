"""Numbers in Chinese prose: figures (counts, amounts, percentages) and dates, with exact offsets.

`extract_figures(text)` returns the figures a reader would check against records — 1,600 / 1600 /
1.6万 / 三千二百 / 百分之十二 / 12.5% / 两千余人 — each with its start/end offsets into `text` exactly as
given, its value as a float (multipliers applied: 1.6万 → 16000.0), its unit (the measure word that
follows: 人, 人次, 场, 次, 篇, 个, %, 小时, 元 …; 万/亿 when nothing follows the multiplier) and the raw text.
Years, dates and clock times are recognised as dates (`extract_dates`) and never returned as figures;
ordinals (第3届, 第一) and list markers (1. （2）) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Figure", "DateMention", "extract_figures", "extract_dates", "scan", "parse_chinese_number"]


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    value: float
    unit: str
    raw: str
    approx: str = ""  # "", "余" (more than), "近" (just under), "约" (about), "超" (over)
    decimals: int = 0  # digits after the decimal point as written (for rounding tolerance)
    multiplier: float = 1.0  # 1e4 for 万, 1e8 for 亿

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "‰")

    @property
    def step(self) -> float:
        """The precision the figure was written with (1.6万 → 1000, 12.5% → 0.1, 1600 → 1)."""
        return self.multiplier * (10.0 ** -self.decimals)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    raw: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    kind: str = "date"  # "date" | "time"


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def parse_chinese_number(s: str) -> float | None:
    """三千二百 → 3200, 十二 → 12, 两万五千 → 25000, 二〇二三 → 2023. None when not a number."""
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):
        if len(s) == 1:
            return float(_CN_DIGITS[s])
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))
    total = 0
    section = 0
    digit = None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0 and _CN_DIGITS[ch] != 0:
                return None  # 三二 is not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            if section == 0:
                section = 1
            total += section * _CN_BIG[ch]
            section = 0
            digit = None
        else:
            return None
    section += digit or 0
    return float(total + section)


_CJK_NUM = "零〇○一二两三四五六七八九十百千万亿"
_D = "[0-9０-９]"
_AR = rf"(?:{_D}{{1,3}}(?:[,，]{_D}{{3}})+(?:[.．]{_D}+)?|{_D}+(?:[.．]{_D}+)?)"
_CNN = f"[{_CJK_NUM}]+"

# Measure words, longest first so that 人次 wins over 人.
UNITS = sorted(
    """个小时 人次 场次 个百分点 百分点 平方公里 平方米 公里 千米 千克 公斤 小时 分钟 学时 课时 个月 个 人 名 位 场 次 篇 项 家
    期 所 支 件 条 部 幅 张 份 本 册 台 门 天 周 岁 元 吨 米 亩 户 村 班 组 队 批 首 集 句 字 轮 类 处 座 间 棵
    株 套 盒 袋 瓶 斤 克 倍 例 辆 段 节 章 笔 单 场景 种 架 栋 层 块 届 年 万字 分 秒 日 起 余篇 页 帧 条次 家次 户次
    课 讲 站 点 只 对 片 杯 包 箱 把 根 双 枚 颗 粒 头 尾 匹 亿元 万元 千元 元钱 宗 封 卷 部门 单位
    剂次 剂 卷次 件次 册次 架次 车次 台次 人日 平方千米 艘 餐次 项次""".split(),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
# 约/近 inside a word (签约, 预约, 附近, 最近) is no approximation
_APPROX_BEFORE = r"(?P<pre>(?<![附最亲靠就临贴])近|(?<![签预节制合公契条婚特邀相履违解守])约|逾|超过|超|达到近|将近|接近|大约)?"

_DATE_PATTERNS = [
    # 2023年5月20日 / 二〇二三年五月二十日 / 2023年5月
    rf"(?P<y>{_D}{{4}}|[〇零○一二三四五六七八九]{{4}})\s?年\s?(?P<m>{_D}{{1,2}}|[一二三四五六七八九十]{{1,2}})\s?月"
    rf"(?:\s?(?P<d>{_D}{{1,2}}|[一二三四五六七八九十]{{1,3}})\s?[日号])?",
    # ISO-like 2023-05-20, 2023/5/20, 2023.5.20
    rf"(?P<y2>(?:19|20){_D}{{2}})[-/.](?P<m2>{_D}{{1,2}})[-/.](?P<d2>{_D}{{1,2}})(?!{_D})",
    # 5月20日, 五月二十日
    rf"(?P<m3>{_D}{{1,2}}|[一二三四五六七八九十]{{1,2}})\s?月\s?(?P<d3>{_D}{{1,2}}|[一二三四五六七八九十]{{1,3}})\s?[日号]",
    # 2023年, 2023年度, 二〇二三年, 2023届/级
    rf"(?P<y4>(?:1[89]|20){_D}{{2}}|[〇零○一二][〇零○一二三四五六七八九]{{3}})(?:\s?年度?|届|级|学年|版)",
    # 5月 / 5月份
    rf"(?P<m5>{_D}{{1,2}}|十[一二]?|[一二三四五六七八九])月份?(?!{_D})",
    # 20日 (a day after a range or on its own)
    rf"(?P<d6>{_D}{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日(?![报])",
]
_TIME_PATTERN = (
    rf"(?P<th>{_D}{{1,2}})[:：](?P<tm>{_D}{{2}})(?:[:：]{_D}{{2}})?"
    rf"|(?P<th2>{_D}{{1,2}})[时](?:(?P<tm2>{_D}{{1,2}})分)?"
    rf"|(?<=[午晚早上晨])(?P<th3>{_D}{{1,2}}|[一二三四五六七八九十]{{1,2}})点(?:半|(?P<tm3>{_D}{{1,2}})分?)?"
)

_FIG_PATTERN = (
    _APPROX_BEFORE
    + rf"(?:百分之(?P<pct_cn>{_CNN}|{_AR})"
    + rf"|(?P<ar>{_AR})\s?(?:(?P<armul>万|亿|千)(?P<armul2>亿)?)?(?P<post>余|多)?\s?(?P<arpct>[%％‰])?"
    + rf"|(?P<cn>[{_CJK_NUM}]+)(?P<cnpost>余|多)?(?=\s?(?:{_UNIT_RE}))"
    + r")"
    + rf"(?P<post2>余|多)?(?P<unit>{_UNIT_RE})?(?P<post3>左右|上下|以上|余|多)?"
)

# the leading lookahead lets the engine reject most positions with one character-class test
_COMBINED = re.compile(
    "(?=[0-9０-９零〇○一二两三四五六七八九十百千万亿近约逾超将接大达])(?:"
    + "|".join(f"(?P<date{i}>{p})" for i, p in enumerate(_DATE_PATTERNS))
    + f"|(?P<time>{_TIME_PATTERN})"
    + f"|(?P<fig>{_FIG_PATTERN})"
    + ")"
)


def _num(s: str | None) -> float | None:
    if s is None:
        return None
    s = s.translate(_FULLWIDTH)
    if s and s[0].isdigit():
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return None
    return parse_chinese_number(s)


def _decimals(s: str) -> int:
    s = s.translate(_FULLWIDTH)
    return len(s.split(".", 1)[1]) if "." in s else 0


def _int(s: str | None) -> int | None:
    v = _num(s)
    return int(v) if v is not None else None


_LATIN = re.compile(r"[A-Za-z_/\\]")


def _is_marker(text: str, start: int, end: int) -> bool:
    """1. / 1、 / （1） / (1) at the start of a line: a list marker, not a figure."""
    before = text[start - 1] if start > 0 else "\n"
    after = text[end] if end < len(text) else ""
    if before in "（(" and after in "）)":
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() in ("", "#", "##", "###") and after in ".．、)）":
        nxt = text[end + 1] if end + 1 < len(text) else ""
        return not nxt.isdigit()
    return False


class _Groups:
    """Named groups read on demand (cheaper than groupdict() on a pattern with forty groups)."""

    __slots__ = ("m",)

    def __init__(self, m: re.Match):
        self.m = m

    def get(self, key: str, default=None):
        value = self.m.group(key)
        return default if value is None else value

    def __getitem__(self, key: str):
        return self.m.group(key)


@lru_cache(maxsize=64)
def _scan_cached(text: str) -> tuple[tuple[Figure, ...], tuple[DateMention, ...]]:
    figures: list[Figure] = []
    dates: list[DateMention] = []
    n = len(text)
    for m in _COMBINED.finditer(text):
        group = m.lastgroup
        start, end = m.span()
        if group is None:
            continue
        if group.startswith("date"):
            g = _Groups(m)
            year = _int(g.get("y") or g.get("y2") or g.get("y4"))
            month = _int(g.get("m") or g.get("m2") or g.get("m3") or g.get("m5"))
            day = _int(g.get("d") or g.get("d2") or g.get("d3") or g.get("d6"))
            # a bare "3日" right after a count word is a duration-like figure, still a date mention here
            dates.append(DateMention(start, end, m.group(), year, month, day, "date"))
            continue
        if group == "time":
            dates.append(DateMention(start, end, m.group(), kind="time"))
            continue
        # a figure
        g = _Groups(m)
        if start > 0 and text[start - 1] == "第" and not g.get("pre"):
            continue  # ordinal
        if g.get("ar") is not None:
            core_start, core_end = m.span("ar")
            if (core_start > 0 and _LATIN.match(text[core_start - 1])) or (
                core_end < n and _LATIN.match(text[core_end]) and not g.get("unit") and not g.get("arpct")
            ):
                continue  # G20, 5G, MP3, COVID-19
            if not g.get("armul") and not g.get("arpct") and _is_marker(text, core_start, core_end):
                continue
            digits = g["ar"].translate(_FULLWIDTH).replace(",", "").replace(".", "")
            if len(digits) >= 7 and not g.get("unit") and not g.get("armul") and not g.get("arpct") \
                    and "," not in g["ar"].translate(_FULLWIDTH):
                continue  # phone numbers, ids
            value = _num(g["ar"])
            if value is None:
                continue
            decimals = _decimals(g["ar"])
            mult = 1.0
            if g.get("armul"):
                mult = {"万": 1e4, "亿": 1e8, "千": 1e3}[g["armul"]]
                if g.get("armul2"):
                    mult *= 1e8
            value *= mult
            if g.get("arpct"):
                unit = "%" if g["arpct"] in "%％" else "‰"
            else:
                unit = g.get("unit") or ""
                if not unit and g.get("armul") in ("万", "亿"):
                    unit = g["armul"]
        elif g.get("pct_cn") is not None:
            value = _num(g["pct_cn"])
            if value is None:
                continue
            decimals = _decimals(g["pct_cn"]) if g["pct_cn"][0].isdigit() else 0
            mult = 1.0
            unit = "%"
            # 百分之十二 must not swallow a following measure word
            if g.get("unit"):
                end = m.start("unit")
        elif g.get("cn") is not None:
            raw_cn = g["cn"]
            # 一 on its own (一个, 一次) and digits of a single word are too common to be figures
            if raw_cn in ("一", "两", "二") or len(raw_cn) > 12:
                continue
            value = _num(raw_cn)
            if value is None:
                continue
            decimals = 0
            mult = 1.0
            for ch in reversed(raw_cn):
                if ch in _CN_BIG:
                    mult = float(_CN_BIG[ch])
                    break
                if ch in _CN_UNITS:
                    mult = float(_CN_UNITS[ch])
                    break
            unit = g.get("unit") or ""
        else:
            continue
        approx = ""
        pre = g.get("pre") or ""
        if pre:
            approx = "近" if "近" in pre else ("超" if pre in ("逾", "超过", "超") else "约")
        post = (g.get("post") or "") + (g.get("cnpost") or "") + (g.get("post2") or "") + (g.get("post3") or "")
        if "余" in post or "多" in post or "以上" in post:
            approx = "余"
        elif "左右" in post or "上下" in post:
            approx = "约"
        if unit == "年" and end < n and text[end] in "级代度初底末中":
            continue  # 七年级, 80年代, 年度
        if unit == "年" and value >= 1000:
            continue  # a year written without 度 (handled as a date above); never a figure
        # keep the approximation words inside the span so text[start:end] reads naturally
        figures.append(Figure(start, end, value, unit, text[start:end], approx, decimals, mult))
    return tuple(figures), tuple(dates)


def scan(text: str) -> tuple[list[Figure], list[DateMention]]:
    """Figures and date mentions of `text` in one pass (cached for the last few texts)."""
    figures, dates = _scan_cached(text)
    return list(figures), list(dates)


def extract_figures(text: str) -> list[Figure]:
    """The figures of `text` (no dates, times, ordinals or list markers), in order of appearance."""
    return list(_scan_cached(text)[0])


def extract_dates(text: str) -> list[DateMention]:
    """Dates and clock times of `text`, in order of appearance."""
    return list(_scan_cached(text)[1])

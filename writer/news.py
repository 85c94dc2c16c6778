"""新闻稿: free-form notes + photos → extracted elements (when/where/who/what, numbers, quotes, byline)
→ prompt (notes quoted as material) → backend → Draft (标题/副标题/导语/正文/结尾/署名, photo captions).

Nothing is invented: what the notes don't say becomes 【待补充：…】.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Sequence

from .draft import (OnChunk, assemble, clean_model_text, facts_block, flag_ungrounded, generate,
                    looks_like_instruction, quote_material)
from .errors import InputError
from .llm import Backend, OfflineBackend, Prompt, estimate_tokens, load_prompt, render
from .models import Draft, Fact, Photo, SearchHit
from .settings import Settings, get_settings

# --------------------------------------------------------------------------------------------------
# Photos: EXIF date taken
# --------------------------------------------------------------------------------------------------


def photo_taken(path: Path) -> str | None:
    """The EXIF date taken (DateTimeOriginal, else DateTime) as YYYY-MM-DD, or None."""
    try:
        from PIL import Image

        with warnings.catch_warnings():  # Pillow warns on stderr about corrupt EXIF; None says it all
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                exif = im.getexif()
                value = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    except Exception:
        return None
    if not value:
        return None
    m = re.match(r"(\d{4})[:\-](\d{2})[:\-](\d{2})", str(value).strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# Extraction from notes
# --------------------------------------------------------------------------------------------------

_LABELS = {
    "时间": "when", "日期": "when", "活动时间": "when", "会议时间": "when",
    "地点": "where", "活动地点": "where", "地址": "where", "会议地点": "where",
    "组织": "org", "主办": "org", "承办": "co", "协办": "co", "主办单位": "org", "承办单位": "co",
    "组织单位": "org", "牵头": "org",
    "人数": "people", "参加": "people", "参赛": "people", "参与": "people", "来听的": "people",
    "去的人": "people", "参加人员": "people", "参会": "people", "参会人员": "people", "来的人": "people",
    "参与人员": "people", "参加人数": "people",
    "供稿": "byline_writer", "撰稿": "byline_writer", "摄影": "byline_photo", "审核": "byline_review",
}
_BULLET = re.compile(r"^\s*(?:[-•·*▪◦●○]|\d+[.、．)](?!\d)|[（(]\d+[）)]|[一二三四五六七八九十]+、|[①-⑳])\s*")
_CHAT = re.compile(r"^\s*[\[【]?(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+)?\d{1,2}:\d{2}(?::\d{2})?[\]】]?\s*"
                   r"([^\s：:“”]{1,10})\s*[：:]\s*")
_CHAT_NAME_FIRST = re.compile(r"^\s*([^\s：:“”\d]{1,10})\s+[\[【(（]?\d{1,2}:\d{2}(?::\d{2})?[\]】)）]?\s*[：:]?\s*")
_DATE_FULL = re.compile(r"(\d{4})\s*(?:年|[.\-/])\s*(\d{1,2})\s*(?:月|[.\-/])\s*(\d{1,2})\s*[日号]?")
_DATE_MD = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})[日号](?:\s*[—\-–~至到]+\s*(?:(\d{1,2})月)?(\d{1,2})[日号])?")
_PEOPLE = re.compile(r"(志愿者|学生|选手|运动员|队员|师生|团员|青年|嘉宾|代表|同学|居民|党员|干部|群众)?\s*(\d+)\s*(?:人|名)")
_PEOPLE_FREE = re.compile(r"(志愿者|选手|运动员|队员|师生|团员|同学|居民|党员|干部)(?:共|一共|总共)?(\d+)(?:人|名)"
                          r"|(?:共|一共|总共)?(\d+)名(志愿者|选手|运动员|队员|师生|团员|同学|居民|党员|干部)")
_QUOTE_LINE = re.compile(r"“[^”]{2,}”")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千)?\s*(人次|人|名|位|个|项|场|次|篇|件|册|套|箱|小时|分钟|组|支|部|张|岁|米|%)")
_PLAN = re.compile(r"(准备|打算|将要|计划)(推荐|每|再|下|继续|开展|组织|出|把|在|于|建|做|推出|举办)")
_ONLY_WHEN = re.compile(r"^[\s\d年月日号.\-—–~至到/:：，,、（）()周星期一二三四五六日天上下午晚早中两半全]*$")
_CJK = r"\u4e00-\u9fff"


@lru_cache(maxsize=1)
def phrasing() -> dict:
    """The phrasing rules (writer/data/news_phrasing.toml), loaded and compiled once."""
    import tomllib

    with (Path(__file__).parent / "data" / "news_phrasing.toml").open("rb") as fh:
        data = tomllib.load(fh)
    comp = lambda pairs: [(re.compile(p), r) for p, r in pairs]  # noqa: E731
    data["_internal"] = re.compile("|".join(data["internal"]))
    data["_asides"] = re.compile("|".join(data["asides"]))
    data["_vague"] = re.compile("|".join(data["vague"]))
    data["_rewrite"] = comp(data["rewrite"])
    data["_speaker"] = comp(data["speaker_rewrite"])
    data["_connectives"] = comp(data["connectives"])
    data["_speech"] = re.compile(data["speech_verbs"])
    data["_award"] = re.compile(data["award_label"])
    data["_sections"] = {k: re.compile(v) for k, v in data["sections"].items()}
    data["_caption_rw"] = comp(data["captions"]["rewrite"])
    data["_highlights"] = comp(data["subtitle_highlights"])
    data["_titles"] = "|".join(sorted(data["titles"], key=len, reverse=True))
    labels = set(_LABELS) | set(data["roles"]) | set(data["labels"]) | set(data["internal_labels"])
    data["_label_re"] = re.compile(r"^\s*(" + "|".join(sorted(labels, key=len, reverse=True))
                                   + r"|[" + _CJK + r"]{1,8}?)\s*[：:]\s*(.+)$")
    return data


@dataclass
class Quote:
    speaker: str  # as it reads in the story: 92岁的张奶奶拉着林晓的手 / 李文涛 / 【待补充：说话人】
    text: str  # “…”
    before: str = ""  # narrative before the speaker (在现场提问环节，4名同学提问。)
    verb: str = "说"  # "" when the speaker part already says how (问志愿者)
    section: str = ""
    plan: bool = False

    def sentence(self, prefix: str = "") -> str:
        verb = self.verb if not prefix or self.verb else "说"
        return f"{self.before}{prefix}{self.speaker}{verb}：{self.text}"


@dataclass
class Block:
    """One paragraph's worth of notes: a section, or a run of lines outside any section."""
    kind: str  # text | groups | points | results
    heading: str = ""
    items: list[str] = field(default_factory=list)
    count: str = ""  # 4 (个组) / 三 (块)
    source: str = ""  # 体育教学部 (数字（体育教学部给的）)


@dataclass
class NoteFacts:
    event: str = ""
    when: str = ""  # as it reads in the lead: 2025年3月5日 / 10月22日至23日
    when_iso: str | None = None
    where: str = ""
    organizers: list[str] = field(default_factory=list)
    people: str = ""  # "38名志愿者参加"
    people_count: str = ""  # 38
    people_noun: str = ""  # 志愿者
    people_extra: list[str] = field(default_factory=list)  # 其中护理学院21人… / who they were
    lead_people: list[str] = field(default_factory=list)  # 带队：…, 主讲：… (as noted)
    roles: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    role_children: dict[int, list[str]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    donations: list[str] = field(default_factory=list)
    awards: list[tuple[str, str]] = field(default_factory=list)  # (award, who)
    body: list[str] = field(default_factory=list)  # every body sentence, in the notes' order
    quotes: list[str] = field(default_factory=list)
    quote_items: list[Quote] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    byline: dict[str, str] = field(default_factory=dict)
    instructions: list[str] = field(default_factory=list)
    photo_notes: str = ""
    weekday: str = ""  # 周三, when the notes give no date
    hook: str = ""  # 学雷锋日 (学雷锋日 敬老院慰问)
    kind: str = ""  # visit | competition | lecture | meeting | ""
    missing: list[str] = field(default_factory=list)  # what the notes say is not known yet (人数)
    highlights: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def _normalize(text: str) -> str:
    """English punctuation in Chinese text → Chinese punctuation; straight quotes → “”."""
    text = text.replace("\r\n", "\n").replace("\u3000", " ")
    c = _CJK
    text = re.sub(rf"(?<=[{c}])[ \t]*,[ \t]*|[ \t]*,[ \t]*(?=[{c}])", "，", text)
    text = re.sub(rf"(?<=[{c}”）)])[ \t]*;[ \t]*", "；", text)
    text = re.sub(rf"(?<=[{c}\d”）)])[ \t]*:[ \t]*(?!\d{{2}})", "：", text)
    text = re.sub(rf"(?<=[{c}])[ \t]*\?", "？", text)
    text = re.sub(rf"(?<=[{c}])[ \t]*!", "！", text)
    text = re.sub(rf"(?<=[{c}”）])\.(?!\d)", "。", text)
    text = re.sub(rf"\(([^()\n]*[{c}][^()\n]*)\)", r"（\1）", text)

    def quotes(line: str) -> str:
        if line.count('"') >= 2 and line.count('"') % 2 == 0:
            parts = line.split('"')
            return "".join(p + ("“" if i % 2 == 0 else "”") if i < len(parts) - 1 else p for i, p in enumerate(parts))
        return line
    return "\n".join(quotes(ln) for ln in text.split("\n"))


def _clean_event(first_line: str) -> str:
    s = first_line.strip()
    s = re.sub(r"^(讲座|会议|活动|现场)?(记录|笔记|纪要)\s*[—\-–]+\s*", "", s)
    s = re.sub(r"\s*(现场|群聊|聊天|微信群?)?(笔记|记录|随手记|纪要|草稿|情况|小结)\s*([（(][^）)]*[）)])?\s*$", "", s)
    s = re.sub(r"\s*[（(][^）)]*记[）)]\s*$", "", s)
    s = re.sub(r"\s+", "", s) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", s) else s
    return s.strip(" ：:—-")


def _hook_of(first_line: str) -> str:
    """学雷锋日 敬老院慰问 → 学雷锋日 (a day or campaign in front of the event)."""
    m = re.match(r"^\s*([\u4e00-\u9fff]{2,8}(?:日|节|周|月))\s+\S", first_line)
    return m.group(1) if m else ""


def _author_of(first_line: str) -> str:
    m = re.search(r"[（(]([^）)]{1,12}?)记?[）)]\s*$", first_line)
    if not m:
        return ""
    who = m.group(1).strip()
    return who[:-1] if who.endswith("记") else who


def _sentence(line: str) -> str:
    s = _BULLET.sub("", line).strip()
    s = s.replace(" —— ", "，").replace("——", "，")
    if s and s[-1] not in "。！？”…）)":
        s += "。"
    return s


def _parse_when(text: str) -> tuple[str, str | None]:
    m = _DATE_FULL.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            iso = date(y, mo, d).isoformat()
        except ValueError:
            return "", None
        return f"{y}年{mo}月{d}日", iso
    m = _DATE_MD.search(text)
    if m:
        mo, d = int(m.group(1)), int(m.group(2))
        s = f"{mo}月{d}日"
        if m.group(4):
            mo2 = int(m.group(3)) if m.group(3) else mo
            s += f"至{mo2}月{int(m.group(4))}日" if mo2 != mo else f"至{int(m.group(4))}日"
        return s, None
    return "", None


_ORG_NOISE = re.compile(r"(一起|配合|协助|协办|参与|联合)$")


def _organizers(value: str) -> list[str]:
    """主办：院团委；承办：机电工程学院团总支、电气自动化教研室 → the organising bodies; clauses saying
    who did something else (负责宣传报道) are left to the body."""
    out = []
    for clause in re.split(r"[；;，,]", value):
        clause = re.sub(r"^\s*(主办|承办|协办|组织)(单位)?\s*[：:]\s*", "", clause).strip()
        if not clause or "负责" in clause:
            continue
        for name in re.split(r"[、]", clause):
            name = _ORG_NOISE.sub("", name.strip()).strip()
            if name:
                out.append(name)
    return out


def _main_place(value: str) -> str:
    return re.split(r"[（(，,；;]", value, 1)[0].strip(" ，,。")


def _people_phrase(value: str, label: str) -> str:
    m = _PEOPLE.search(value)
    if not m:
        return ""
    noun = m.group(1) or {"参赛": "选手"}.get(label, "")
    return f"{m.group(2)}名{noun}参加" if noun else f"{m.group(2)}人参加"


# --- rephrasing -----------------------------------------------------------------------------------


def _protect(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"
    return re.sub(r"“[^”]*”|《[^》]*》", keep, text), kept


def _restore(text: str, kept: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)


def drop_asides(text: str) -> str:
    """Drop the clauses of （…） asides addressed to the note-taker; the brackets go when nothing is left."""
    rules = phrasing()["_asides"]

    def aside(m: re.Match) -> str:
        clauses = [c for c in re.split(r"[，,；;]", m.group(1)) if c.strip() and not rules.search(c.strip())]
        return f"（{'，'.join(clauses)}）" if clauses else ""
    return re.sub(r"[（(]([^（）()]*)[）)]", aside, text)


def _person_units(text: str) -> str:
    """刘思远（2023级电气自动化1班） → 2023级电气自动化1班刘思远; 会长林晓（2023级护理3班） → 会长林晓."""
    titles = phrasing()["_titles"]

    def move(m: re.Match) -> str:
        run, unit = m.group(1), m.group(2)
        if not re.search(r"级|班|学院|专业|公司|部|系|中心|单位|学校|小学|中学", unit) or re.search(r"\d+岁", unit):
            return m.group(0)
        if len(run) <= 3 and run[0] in phrasing()["surnames"]:
            return unit + run
        if re.search(rf"({titles})[{_CJK}]{{2,3}}$", run):
            return run
        return m.group(0)
    return re.sub(rf"([{_CJK}]+)（([^（）]+)）", move, text)


def rephrase(text: str, noun: str = "", kind: str = "活动") -> str:
    """Colloquial → written register by the phrasing table; text inside “…” and 《…》 is never touched."""
    data = phrasing()
    s, kept = _protect(drop_asides(text.strip()))
    s = _person_units(s)
    clauses = [c for c in s.split("，") if not data["_vague"].search(c.strip())]
    s = "，".join(clauses)
    parts = s.split("，")
    for i, c in enumerate(parts):
        for rx, rep in data["_connectives"]:
            if rx.search(c):
                parts[i] = ("\x03" if i else "") + rx.sub(rep, c, count=1)
                break
    s = "，".join(parts).replace("，\x03", "。")
    for rx, rep in data["_rewrite"]:
        s = rx.sub(rep.replace("{noun}", noun or NOUN).replace("{kind}", kind), s)
    s = re.sub(r"，{2,}", "，", s).strip("，、 ")
    return _restore(s, kept)


def _end(s: str) -> str:
    s = s.rstrip("，、；;,： ")
    return s if not s or s[-1] in "。！？”…" else s + "。"


# --- quotes ---------------------------------------------------------------------------------------


def _split_quote(line: str) -> tuple[str, str, str] | None:
    """(before, quote, after) for a line with one or more “…” quotes."""
    m = re.search(r"“.+”", line)
    if not m:
        return None
    return line[:m.start()], m.group(0), line[m.end():]


def _quote_from_line(s: str, section: str) -> Quote | None:
    parts = _split_quote(s)
    if not parts:
        return None
    before, text, after = parts
    before = before.strip()
    after_aside = re.match(r"^\s*[（(]([^）)]*)[）)]", after)
    speaker = ""
    lead = ""
    if before.rstrip("：: "):
        b = before.rstrip("：: ")
        if "，" in b:
            lead, b = b.rsplit("，", 1)
        speaker = b
    elif after_aside:
        m = re.search(r"([^，,]{1,12}?)说的", after_aside.group(1))
        if m:
            speaker = m.group(1)
    elif re.match(r"^\s*[，,]?\s*([^，。]{1,12}?)(说|表示)", after):
        speaker = re.match(r"^\s*[，,]?\s*([^，。]{1,12}?)(说|表示)", after).group(1)
    if text[-2:-1] not in "。！？…" and not text.endswith(("。”", "！”", "？”")):
        pass
    q = Quote(speaker=speaker, text=text, section=section)
    if lead:
        q.before = _end(rephrase(lead))
        q.before = q.before[:-1] + "，" if q.before.endswith("。") else q.before
    return q


def _resolve_speaker(q: Quote, names: list[str], notes: str, previous: Quote | None, lecturer: str) -> None:
    data = phrasing()
    sp = q.speaker.strip(" -•·*")
    for rx, rep in data["_speaker"]:
        sp = rx.sub(rep, sp)
    sp = rephrase(sp) if sp else ""
    said = re.search(r"(说|表示)$", sp)
    if said and len(sp) > len(said.group(1)):
        sp, q.verb = sp[:said.start()], said.group(1)
    # 李老师 → 李文涛 when exactly one person of that surname is named in the notes
    m = re.search(rf"([{data['surnames']}])({data['_titles']})$", sp)
    if m:
        full = [n for n in names if n.startswith(m.group(1)) and len(n) >= 2]
        if len(set(full)) == 1:
            sp = sp[:m.start()] + full[0]
    # a bare title (校长) → qualified by the organisation the notes name with it (山口镇中心小学校长)
    if re.fullmatch(data["_titles"], sp):
        m2 = re.search(rf"([{_CJK}]{{2,12}}?(?:小学|中学|学校|学院|大学|社区|街道|公司|医院|敬老院|中心|村|镇政府))"
                       + re.escape(sp), notes)
        if m2:
            sp = m2.group(1) + sp
    if not sp:
        if previous is not None and previous.section == q.section and not previous.speaker.startswith("【"):
            sp = previous.speaker
            q.verb = "还说"
        elif lecturer:
            sp = lecturer
        else:
            sp = "【待补充：说话人】"
    if q.verb == "说" and data["_speech"].search(sp):
        q.verb = ""
    q.speaker = sp
    q.plan = any(w in q.text for w in data["plan_words"])


# --- people ---------------------------------------------------------------------------------------


def _names_in(value: str) -> list[str]:
    """Person names in a role value: 团委周老师、志愿者协会会长林晓（…） → [林晓]; 李文涛，江川日报… → [李文涛]."""
    data = phrasing()
    out = []
    for piece in re.split(r"[、，,；;和及]", re.sub(r"[（(][^）)]*[）)]", "", value)):
        piece = piece.strip()
        m = re.search(rf"(?:{data['_titles']})([{_CJK}]{{2,3}})$", piece)
        if m and m.group(1)[0] in data["surnames"]:
            out.append(m.group(1))
        elif re.fullmatch(rf"[{_CJK}]{{2,3}}", piece) and piece[0] in data["surnames"] and not re.search(
                data["_titles"], piece):
            out.append(piece)
    return out


def _role_value(value: str) -> str:
    """李文涛，江川日报新媒体部主任 → 江川日报新媒体部主任李文涛."""
    v = drop_asides(value.strip())
    m = re.fullmatch(rf"([{_CJK}]{{2,3}})\s*[，,]\s*([^，,]+)", v)
    if m and m.group(1)[0] in phrasing()["surnames"]:
        v = m.group(2) + m.group(1)
    return rephrase(v)


def _ordinal(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def _kind_of(event: str) -> tuple[str, dict]:
    for k in phrasing()["kinds"]:
        if any(w in event for w in k["keywords"]):
            own = next((w for w in sorted(k["keywords"], key=len, reverse=True)
                        if event.endswith(w) and w in phrasing()["event_suffixes"]), "")
            return k["name"], ({**k, "noun": own} if own else k)
    return "", {"noun": "活动", "join": "参加"}


# --- the extractor ---------------------------------------------------------------------------------


def _sentences(line: str) -> list[str]:
    """A long rambling line → its sentences (never splitting inside “…”)."""
    if len(line) < 60 or len(re.findall(r"[。！？]", line)) < 2:
        return [line]
    s, kept = _protect(line)
    parts = [_restore(p, kept).strip() for p in re.split(r"(?<=[。！？])", s) if p.strip()]
    return [x.strip() for p in parts for x in re.split(r"(?<=[。！？]”)", p) if x.strip()]


def _lines(text: str) -> list[tuple[str, bool]]:
    """(line, is_bullet) after normalising, without chat prefixes, long paragraphs split into sentences."""
    out = []
    for raw in _normalize(text).split("\n"):
        s = raw.strip()
        if not s:
            out.append(("", False))
            continue
        s = _CHAT.sub("", s, count=1)
        s = _CHAT_NAME_FIRST.sub("", s, count=1) if _CHAT_NAME_FIRST.match(s) and not _LABEL_LIKE.match(s) else s
        bullet = bool(_BULLET.match(s)) and not re.match(r"^\s*\d+[.、．)]\s*\d", s)
        s = _BULLET.sub("", s).strip()
        for piece in _sentences(s):
            out.append((piece, bullet))
    return out


NOUN = "\x02"  # the participants' noun, before the notes have named it
_LABEL_LIKE = re.compile(r"^[\u4e00-\u9fff]{1,8}[：:]")


def extract_notes(text: str) -> NoteFacts:
    data = phrasing()
    nf = NoteFacts()
    lines = _lines(text)
    nonempty = [ln for ln, _ in lines if ln.strip()]
    if not nonempty:
        raise InputError("笔记是空的，没有可用的内容")
    first = nonempty[0]
    first_raw = next(ln for ln in _normalize(text).split("\n") if ln.strip())
    label_re = data["_label_re"]
    heading_first = bool(_CHAT.match(first_raw) or re.search(r"[：:]\s*$", first))
    if not heading_first and not (label_re.match(first) and label_re.match(first).group(1) in _LABELS):
        nf.hook = _hook_of(first_raw)
        nf.event = _clean_event(first)
        author = _author_of(first)
        if author:
            nf.byline["供稿"] = author
        # 社团招新 周三 人挺多的: keep the event words, not the weekday or the impression
        if " " in first_raw.strip() and not nf.hook:
            words = first_raw.split()
            if len(words) >= 2 and not any(w in first_raw for w in ("届", "“")):
                ev = [w for w in words if not re.fullmatch(r"(周|星期)[一二三四五六日天]|.*(挺|很|特别|好多).*|[\d月日号.\-]+", w)]
                if ev:
                    nf.event = _clean_event(" ".join(ev))
    m = re.search(r"(周[一二三四五六日末]|星期[一二三四五六日天])", _normalize(text))
    if m:
        nf.weekday = m.group(1)
    nf.kind, kind = _kind_of(nf.event)
    kind_noun = kind["noun"]

    section, section_kind, block = "", "", None
    role_for: int | None = None
    started = False

    def new_block(kind_: str, heading: str = "", count: str = "", source: str = "") -> Block:
        b = Block(kind_, heading, count=count, source=source)
        nf.blocks.append(b)
        return b

    def add(sentence: str) -> None:
        nonlocal block
        if not sentence:
            return
        if block is None:
            block = new_block("text")
        block.items.append(sentence)

    for s, bullet in lines:
        if not s:
            role_for = None
            if section_kind in ("groups", "points", "results"):
                section, section_kind, block = "", "", None  # a blank line ends a list
            continue
        if not started and s == first and nf.event:
            started = True
            continue
        if looks_like_instruction(s):
            nf.instructions.append(s)
            continue
        if role_for is not None and not bullet:
            role_for = None
        # a section heading: 分了4个组： / 数字（体育教学部给的）： / 会后：
        sec = re.match(r"^\s*([^\s：:“”（(]{1,14})\s*(?:[（(]([^）)]*)[）)])?\s*[：:]\s*$", s)
        if sec:
            section = sec.group(1)
            src = ""
            if sec.group(2):
                m = re.match(r"^(.+?)(给的|提供的?|统计的?)$", sec.group(2))
                src = m.group(1) if m else ""
            section_kind = next((k for k, rx in data["_sections"].items() if rx.search(section)), "")
            count = ""
            m = data["_sections"]["groups"].search(section) if section_kind == "groups" else None
            if m:
                count = m.group(2)
            m = data["_sections"]["points"].search(section) if section_kind == "points" else None
            if m and m.group(2):
                count = m.group(2)
            block = new_block(section_kind if section_kind in ("groups", "points", "results") else "text",
                              section, count=count, source=src)
            continue
        if role_for is not None and bullet and not _QUOTE_LINE.search(s):
            nf.role_children.setdefault(role_for, []).append(s)
            continue
        if s.startswith(("照片", "图片")) or section_kind == "skip" and section.startswith(("照片", "图片", "配图")):
            nf.photo_notes += s + "\n"
            m = re.search(r"照片(?:是)?([\u4e00-\u9fff]{1,4}?)拍的", s)
            if m and "摄影" not in nf.byline:
                nf.byline["摄影"] = m.group(1)
            continue
        m = re.search(r"照片(?:是)?([\u4e00-\u9fff]{1,4}?)拍的", s)
        if m:
            nf.photo_notes += s + "\n"
            nf.byline.setdefault("摄影", m.group(1))
            continue
        lab = label_re.match(s)
        if lab and not lab.group(2).lstrip().startswith("“") and not _QUOTE_LINE.search(lab.group(1)):
            label, value = lab.group(1), lab.group(2).strip()
            key = _LABELS.get(label)
            if key == "when":
                if not nf.when:
                    nf.when, nf.when_iso = _parse_when(value)
                continue
            if key == "where":
                if not nf.where:
                    nf.where = _main_place(value)
                continue
            if key in ("org", "co"):
                nf.organizers.extend(_organizers(value))
                continue
            if key == "people":
                _read_people(nf, label, value, kind_noun)
                continue
            if key and key.startswith("byline_"):
                nf.byline[{"byline_writer": "供稿", "byline_photo": "摄影", "byline_review": "审核"}[key]] = value
                continue
            if label in data["internal_labels"]:
                continue
            if label in data["roles"]:
                nf.lead_people.append(f"{label}：{value}")
                nf.roles.append((label, value))
                if re.fullmatch(r"[\d一二两三四五六七八九十]+\s*[位名个人]", value):
                    role_for = len(nf.roles) - 1
                continue
            m = re.match(r"^(.{1,12}?)代表(发言|宣誓|致辞)$", label)
            if m:
                add(_end(f"{rephrase(value)}代表{m.group(1)}{m.group(2)}"))
                continue
            if data["_award"].search(label):
                nf.awards.append((label, value))
                continue
            if data["_sections"]["followups"].search(label):
                nf.followups.append(_end(_followup(label, value)))
                continue
            if data["_sections"]["results"].search(label) or label in data["labels"]:
                tpl = data["labels"].get(label, "最终评出{v}")
                if tpl == "donation":
                    nf.donations.append(value)
                    continue
                v = rephrase(value, nf.people_noun, kind_noun)
                if tpl.startswith("最终评出") and not re.match(r"^(特等奖|[一二三]等奖|金奖|冠军|一等)", v):
                    tpl = "最终，{v}"
                add(_end(tpl.replace("{v}", v)))
                continue
            if _PLAN.search(value) and not data["_internal"].search(s):
                nf.followups.append(_end(_followup(label, value)))
                continue
            if section_kind == "groups" and label.endswith("组"):
                block.items.append(f"{label}\x01{value}")
                continue
            if data["_internal"].search(s):
                continue
            if len(label) <= 6 and "，" not in value and len(value) <= 30 and not re.search(r"[了过着]", label):
                add(_end(f"{label}为{rephrase(value, nf.people_noun, kind_noun)}"))
            else:
                add(_end(rephrase(f"{label}，{value}", nf.people_noun, kind_noun)))
            continue
        if _QUOTE_LINE.search(s) and (re.search(r"[：:]\s*“|^“|说|问|喊|表示", s) or section_kind == "quotes"):
            q = _quote_from_line(s, section)
            if q:
                nf.quote_items.append(q)
                continue
        if section_kind == "followups" or (_PLAN.search(s) and not data["_internal"].search(s)):
            if not data["_internal"].search(s):
                f = _followup("", s) if section_kind != "followups" else rephrase(s, nf.people_noun, kind_noun)
                if section_kind == "followups" and not nf.followups and re.match(r"^(会后|活动后|结束后)", section):
                    f = f"{section}，{f}"
                nf.followups.append(_end(f))
            continue
        if re.search(r"还没(统计|数)|不清楚|不知道|没记", s):
            if re.search(r"人数|多少人|几个人|数字", s):
                nf.missing.append("参加人数")
            continue
        if section_kind == "skip" or data["_internal"].search(s):
            continue
        if not nf.when and re.search(r"\d+月\d+[日号]|\d{4}[年.\-/]\d{1,2}", s[:24]):
            w, iso = _parse_when(s)
            if w:
                nf.when, nf.when_iso = w, iso
        if _ONLY_WHEN.match(s):
            continue
        if not nf.when and _DATE_MD.search(s) is None and re.match(r"^\d{4}[年.\-/]", s):
            continue
        s = _free_facts(nf, s)
        if not s:
            continue
        if section_kind == "groups" and re.match(r"^[^：:]{1,6}组[：:]", s):
            g, d = re.split(r"[：:]", s, 1)
            block.items.append(f"{g}\x01{d}")
            continue
        add(s if block is not None and block.kind in ("groups", "points", "results") else _end(
            rephrase(s, nf.people_noun, kind_noun)))

    if not nf.where:
        m = re.search(r"在([\u4e00-\u9fff“”A-Za-z0-9]{3,20}?)(举行|举办|召开|开展|搞了|进行|组织了)", text)
        if m:
            nf.where = m.group(1)
    if not nf.people:
        for s, _ in lines:
            if s and not data["_internal"].search(s) and _free_people(nf, s):
                break
    if nf.people_noun:  # sentences rephrased before the noun was known
        for b in nf.blocks:
            b.items = [x.replace(NOUN, nf.people_noun) for x in b.items]
    names: list[str] = []
    for _, value in nf.roles:
        names += _names_in(value)
    for _, who in nf.awards:
        names += _names_in(who)
    names += re.findall(rf"(?:{data['_titles']})([{data['surnames']}][{_CJK}]{{1,2}})(?=[（(，,、说：]|$)", text)
    names += re.findall(rf"([{data['surnames']}][{_CJK}]{{1,2}})(?=说[：:])", text)
    names = [n for n in names if not re.search(data["_titles"], n)]
    lecturer = ""
    lecturers = [v for label, v in nf.roles if label in ("主讲", "主讲人", "宣讲")]
    if len(lecturers) == 1 and _names_in(lecturers[0]):
        lecturer = _names_in(lecturers[0])[0]
    previous = None
    for q in nf.quote_items:
        _resolve_speaker(q, names, text, previous, lecturer)
        previous = q
    nf.quotes = [q.sentence() for q in nf.quote_items]
    if nf.byline.get("摄影") in ("我", "本人", "自己"):  # the note-taker
        if nf.byline.get("供稿"):
            nf.byline["摄影"] = nf.byline["供稿"]
        else:
            del nf.byline["摄影"]
    nf.body = [x for b in nf.blocks for x in b.items]
    for rx, rep in data["_highlights"]:
        for m in rx.finditer(text):
            h = m.expand(rep)
            if h not in nf.highlights:
                nf.highlights.append(h)
    nf.facts = note_figures(text)
    return nf


_LEAD_CLAUSES = [
    re.compile(r"^(是|由)?([\u4e00-\u9fff]{2,15}?)(组织|主办|承办|牵头)的?$"),
    re.compile(r"^主办(是|为|单位是)"),
    re.compile(r"^(今天|今日|这次|本次)?(我们)?(一共|共|总共)?(来了|到了|去了|参加的有|有)?\d+(名|个|位)?(人|志愿者|同学|选手|队员)"),
]


def _free_facts(nf: NoteFacts, s: str) -> str:
    """Where / who organised / how many, from a sentence of free text (群聊, a long paragraph); the clauses
    that only restate them (the lead says them) are taken out of the sentence."""
    if re.search(r"“", s):
        return s
    clauses = s.split("，")
    keep: list[str] = []
    dropped_people = False
    for c in clauses:
        c0 = c.strip()
        m = re.search(r"(?:是|由)?([\u4e00-\u9fff]{2,15}?)(?:组织|主办|牵头)的?$", c0)
        if m and not nf.organizers and not re.search(r"我们|大家", m.group(1)):
            nf.organizers.append(re.sub(r"^(是|由)", "", m.group(1)))
            continue
        m = re.match(r"^主办(?:是|为|单位是)(.+)$", c0)
        if m:
            nf.organizers.extend(_organizers(m.group(1)))
            continue
        m = re.match(r"^([\u4e00-\u9fff、]{2,20}?)(一起|协办|配合|联合)$", c0)
        if m and nf.organizers and len(keep) == 0:
            nf.organizers.extend(_organizers(m.group(1)))
            continue
        if not nf.people and _free_people(nf, c0):
            if _LEAD_CLAUSES[2].search(c0):
                dropped_people = True
                continue
        elif nf.people_count and re.search(rf"(来了|到了|去了|共|一共){nf.people_count}(名|个|位)?", c0):
            dropped_people = True
            continue
        if re.search(r"\d+月\d+[日号]", c0) and re.search(r"在.{2,20}(举行|举办|开展|搞|进行|组织|参加)", c0):
            continue  # 3月12日上午我们在…开展了义务植树活动: the lead says it
        if dropped_people and re.match(r"^(大部分|大多|多数|都是|基本都是|主要是)", c0):
            c0 = NOUN + c0
        elif dropped_people and not keep and re.search(r"(最多|最少|居多|为主)$", c0):
            c0 = NOUN + "中" + c0
        keep.append(c0)
    return "，".join(keep)


def _followup(label: str, value: str) -> str:
    """机电学院团总支书记：准备推荐前三名… → 机电学院团总支书记表示，准备推荐前三名…"""
    v = rephrase(value)
    if label and not phrasing()["_sections"]["followups"].search(label):
        return f"{label}表示，{v}"
    if label:
        if re.match(r"^(会后|活动后|结束后)$", label):
            return f"{label}，{v}"
        return f"下一步，{v}" if label.startswith("下") else v
    m = re.match(r"^([^，：]{2,16}?)[：:](.+)$", v)
    if m:
        return f"{m.group(1)}表示，{m.group(2)}"
    return v


def _read_people(nf: NoteFacts, label: str, value: str, kind_noun: str) -> None:
    phrase = _people_phrase(value, label)
    rest = value
    if phrase and not nf.people:
        m = _PEOPLE.search(value)
        nf.people = phrase
        nf.people_count = m.group(2)
        nf.people_noun = m.group(1) or {"参赛": "选手"}.get(label, "")
        rest = re.sub(r"(一共|总共|共计|共)$", "", value[:m.start()]) + value[m.end():]
    # breakdown (护理学院21人，其他学院17人) in brackets or after the count
    par = re.search(r"[（(]([^）)]*\d[^）)]*)[）)]", rest)
    clauses = [c.strip() for c in re.split(r"[，,；;]", re.sub(r"[（(][^）)]*[）)]", "", rest)) if c.strip()]
    breakdown = []
    if par:
        breakdown = [c.strip() for c in re.split(r"[，,；;]", par.group(1)) if c.strip()]
    who = []
    for c in clauses:
        if phrasing()["_internal"].search(c) or re.search(r"签到|一共\d+人$|共\d+人$|^(一共|总共|共计|共)$", c):
            continue
        role = re.match(r"^(.+?)(带队|领队)$", c)
        if role:
            nf.roles.append(("带队", role.group(1)))
            nf.lead_people.append(f"带队：{role.group(1)}")
        elif re.search(r"\d+\s*人", c):
            breakdown.append(c)
        elif not re.search(r"\d", c):
            who.append(c)
    if breakdown and nf.people_count:
        parts = "、".join(b.replace("+", "、").replace("＋", "、") for b in breakdown)
        parts = re.sub(r"\s*、\s*", "、", parts)
        joiner = "参赛选手" if label == "参赛" else f"参加{kind_noun}的{nf.people_noun or '人员'}"
        nf.people_extra.append(f"{joiner}共{nf.people_count}{'名' if nf.people_noun else '人'}，其中{parts}。")
    if who:
        nf.people_extra.append(f"参加{kind_noun}的有{'、'.join(rephrase(w) for w in who)}。")
    if not phrase and not who and not breakdown:
        nf.people_extra.append(_end(rephrase(value)))


def _free_people(nf: NoteFacts, s: str) -> bool:
    if re.search(r"加上|包括|连同", s[:s.find("人") + 1] if "人" in s else s) and False:
        return False
    m = _PEOPLE_FREE.search(s)
    if not m:
        return False
    noun = m.group(1) or m.group(4)
    count = m.group(2) or m.group(3)
    if re.search(r"(后勤|服务|工作)$", s[:m.start()]):
        return False
    nf.people, nf.people_count, nf.people_noun = f"{count}名{noun}参加", count, noun
    return True


def note_figures(text: str) -> list[Fact]:
    """Every figure the notes state, as facts the draft may cite (source: the notes)."""
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    try:
        from .figures import extract_figures

        found = [(f.raw, f.value, f.unit, f.start) for f in extract_figures(text)]
    except Exception:
        found = []
        for m in _FIGURE.finditer(text):
            mult = {"万": 10000, "千": 1000}.get(m.group(2) or "", 1)
            found.append((m.group(0), float(m.group(1)) * mult, m.group(3), m.start()))
    for raw, value, unit, start in found:
        key = (raw, unit)
        if key in seen:
            continue
        seen.add(key)
        ctx = text[max(0, start - 12):start].split("\n")[-1].strip(" -•·*：:，,")
        name = f"笔记：{ctx}{raw}" if ctx else f"笔记：{raw}"
        v = int(value) if float(value).is_integer() else value
        facts.append(Fact(id=f"F{len(facts) + 1}", name=name, value=v, unit=unit, records=[]))
    return facts


# --------------------------------------------------------------------------------------------------
# Photos and captions
# --------------------------------------------------------------------------------------------------


def photo_caption(path: Path, photo_notes: str, event: str, nf: NoteFacts | None = None) -> str:
    """图为…。 from what the notes say about the photo; 【待补充：图片说明】 when they say nothing."""
    stem = path.stem
    desc = ""
    for pattern in (re.escape(stem) + r"\s*[（(]([^）)]+)[）)]", re.escape(stem) + r"\s+([^，,、）)\n]+)"):
        m = re.search(pattern, photo_notes)
        if m:
            desc = m.group(1)
            break
    if not desc:
        short = re.match(r"^(.*?)(-\d+)$", stem)
        if short and short.group(1) in photo_notes:
            m = re.search(r"(?<![\w\u4e00-\u9fff])" + re.escape(short.group(2)) + r"\s*[（(]?([^，,、）)\n]+)", photo_notes)
            if m:
                desc = m.group(1)
    desc = re.split(r"，|,", desc)[0].strip()
    if not desc:
        return f"图为{_q(event)}现场。【待补充：图片说明】" if event else "【待补充：图片说明】"
    cap = phrasing()["captions"]
    d = desc
    for rx, rep in phrasing()["_caption_rw"]:
        d = rx.sub(rep, d)
    d = rephrase(d)
    subject = ""
    if nf is not None and d.startswith(tuple(cap["verbs"])) and nf.people_noun:
        subject = nf.people_noun
        if d.startswith(tuple(cap["service"])) or d.startswith(("测量",)):
            for key, who in phrasing()["beneficiaries"].items():
                if key in (nf.where or "") and who.rstrip("们") in photo_notes + "".join(nf.body) + nf.where:
                    subject += f"为{who}"
                    break
    return f"图为{subject}{d}。"


def is_image(path: Path) -> bool:
    """Whether Pillow recognises the file's content as an image (its name does not count)."""
    try:
        from PIL import Image

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                im.verify()
        return True
    except Exception:
        return False


def read_photos(paths: Sequence[Path], nf: NoteFacts) -> tuple[list[Photo], list[str]]:
    photos, notices = [], []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise InputError(f"找不到照片：{p}")
        if not is_image(p):
            raise InputError(f"{p.name} 不是能识别的图片（按内容判断；支持 JPG、PNG 等），请检查照片文件")
        taken = photo_taken(p)
        photos.append(Photo(path=str(p), caption=photo_caption(p, nf.photo_notes, nf.event), taken=taken))
        if taken is None:
            notices.append(f"照片 {p.name} 没有拍摄日期信息（EXIF），无法核对日期。")
    return photos, notices


def reconcile_dates(nf: NoteFacts, photos: list[Photo]) -> list[str]:
    """Use the photos' date where the notes lack one; note a mismatch where both exist."""
    taken = sorted({p.taken for p in photos if p.taken})
    notices = []
    if not taken:
        return notices
    if not nf.when:
        d = date.fromisoformat(taken[0])
        nf.when, nf.when_iso = f"{d.year}年{d.month}月{d.day}日", taken[0]
        notices.append(f"笔记中没有写活动日期，已按照片拍摄日期（{nf.when}）填写，请核对。")
        return notices
    mo_day = re.match(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:至(?:(\d{1,2})月)?(\d{1,2})日)?", nf.when)
    if not mo_day:
        return notices
    y = int(mo_day.group(1)) if mo_day.group(1) else None
    m1, d1 = int(mo_day.group(2)), int(mo_day.group(3))
    m2 = int(mo_day.group(4)) if mo_day.group(4) else m1
    d2 = int(mo_day.group(5)) if mo_day.group(5) else d1
    for t in taken:
        td = date.fromisoformat(t)
        ok = (y is None or td.year == y) and (m1, d1) <= (td.month, td.day) <= (m2, d2)
        if not ok:
            notices.append(f"照片拍摄日期（{td.year}年{td.month}月{td.day}日）与笔记中的日期（{nf.when}）不一致，请核对。")
    return notices


# --------------------------------------------------------------------------------------------------
# The offline drafter for news
# --------------------------------------------------------------------------------------------------


def _kind_noun(nf: NoteFacts) -> str:
    return _kind_of(nf.event)[1]["noun"]


def _lead(nf: NoteFacts, org: str) -> str:
    when = nf.when or "【待补充：时间】"
    where = nf.where or "【待补充：地点】"
    event = nf.event or "【待补充：活动名称】"
    who = "、".join(dict.fromkeys(nf.organizers))
    by = f"由{who}组织的" if who else ""
    if not who and not _lead_role(nf) and not re.search(r"学院|学校|协会|团委|团总支|社区|中心|学生会|社团|部门", event):
        by = "由【待补充：组织单位】组织的"  # not stated in the notes: ask, never guess
    if not nf.when and nf.weekday:
        when = f"【待补充：日期】（{nf.weekday}）"
    s = f"{when}，{by}{_q(event)}在{where}{'召开' if nf.kind == 'meeting' else '举行'}"
    role = _lead_role(nf)
    if role:
        s += f"，{_role_value(role[1])}{phrasing()['roles'][role[0]].replace('{v}', '')}"
    if nf.people:
        s += f"，{nf.people}"
    elif "参加人数" in nf.missing:
        s += "，【待补充：参加人数】"
    return s + "。"


def _lead_role(nf: NoteFacts) -> tuple[str, str] | None:
    """The person the lead names when the notes give no organiser (or the one speaker of a lecture)."""
    lecturers = [(label, v) for label, v in nf.roles if label in ("主讲", "主讲人", "宣讲")]
    if nf.kind == "lecture" and len(lecturers) == 1:
        return lecturers[0]
    if not nf.organizers:
        for label, v in nf.roles:
            if label in ("主讲", "主讲人", "宣讲", "主持", "主持人", "带队", "领队"):
                return label, v
    return None


def _q(event: str) -> str:
    if event.startswith("【"):
        return event
    return event if event.endswith(tuple(phrasing()["event_suffixes"])) else event + "活动"


def _place_short(place: str) -> str:
    return place


def headline(nf: NoteFacts) -> tuple[str, str]:
    """(主标题, 副标题) from the notes' facts only: 学雷锋日｜38名志愿者走进江川市福寿敬老院."""
    if not nf.event:
        return "【待补充：标题】", ""
    kind = _kind_of(nf.event)[1]
    people_np = f"{nf.people_count}名{nf.people_noun}" if nf.people_count and nf.people_noun else ""
    hook = nf.hook
    if not hook:
        m = re.match(r"^(“[^”]{2,10}”|[\u4e00-\u9fff]{1,4}节(?=[\u4e00-\u9fff]{2}))", nf.event)
        hook = m.group(1) if m and nf.kind == "visit" else ""
    if nf.kind == "visit" and people_np and nf.where:
        return (f"{hook}｜{people_np}走进{_place_short(nf.where)}" if hook
                else f"{people_np}走进{_place_short(nf.where)}"), (
            f"——{'、'.join(dict.fromkeys(nf.organizers))}开展{_q(nf.event)}" if nf.organizers and not hook else "")
    verb = "召开" if nf.kind == "meeting" else "举行"
    title = f"{_q(nf.event)}{verb}" if nf.kind else f"{nf.event}{'' if nf.event.endswith('活动') else '活动'}举行"
    sub = []
    if nf.kind == "lecture":
        lect = [v for label, v in nf.roles if label in ("主讲", "主讲人", "宣讲")]
        if len(lect) == 1:
            sub.append(f"{_role_value(lect[0])}主讲")
    if people_np:
        sub.append(f"{people_np}{kind['join']}")
    elif nf.people_count:
        sub.append(f"{nf.people_count}人{kind['join']}")
    sub += nf.highlights[:2]
    # the parts are set apart by a full-width space, as headlines are (a comma would make the checker
    # read the subtitle and the lead as one paragraph broken mid-sentence)
    return title, ("——" + "\u3000".join(sub[:3])) if sub else ""


def _roles_sentence(nf: NoteFacts, kind_noun: str) -> str:
    roles = phrasing()["roles"]
    clauses = []
    in_lead = _lead_role(nf)
    for i, (label, value) in enumerate(nf.roles):
        if in_lead and (label, value) == in_lead:
            continue  # the lead has said it
        children = nf.role_children.get(i, [])
        v = _role_value(value)
        if children:
            kids = [rephrase(c) for c in children]
            v = f"{v}，包括{'、'.join(kids[:-1]) + '和' + kids[-1] if len(kids) > 1 else kids[0]}"
        clause = roles.get(label, "{v}" + label).replace("{v}", v)
        clauses.append(clause)
    if not clauses:
        return ""
    # "活动由…带队" for the first clause that names the doer before the verb
    first = clauses[0]
    if not first.startswith(("评委", "裁判")):
        clauses[0] = f"{kind_noun}由{first}"
    return _end("，".join(clauses))


def _groups_paragraph(b: Block, nf: NoteFacts) -> str:
    names, descs = [], []
    for item in b.items:
        if "\x01" not in item:
            descs.append(rephrase(item, nf.people_noun))
            continue
        g, d = item.split("\x01", 1)
        g = g.strip()
        names.append(g[:-1] if g.endswith("组") and len(g) > 1 else g)
        clauses = [c.strip() for c in re.split(r"[，,]", drop_asides(d)) if c.strip()]
        duty = [c for c in clauses if re.search(r"负责$", c) and not c.startswith("由")]
        clauses = [c for c in clauses if c not in duty]
        served = None
        for c in clauses:  # 量了60多位老人 / 一共给86位居民测了
            m = re.match(rf"^[{_CJK}]{{1,2}}了(\d+多?[位名个][{_CJK}]+)$", c) or re.match(
                rf"^(?:一共|共|总共)?[给为](\d+多?[位名个][{_CJK}]+)[{_CJK}]了$", c)
            if m:
                served = (c, m.group(1))
                break
        if served:
            clauses.remove(served[0])
            if clauses:
                clauses[0] = f"为{served[1]}{clauses[0]}"
            else:
                clauses = [f"服务{served[1]}"]
        text = "，".join(([f"由{duty[0][:-2]}负责"] if duty else []) + clauses)
        descs.append(f"{g}{rephrase(text, nf.people_noun)}")
    subject = nf.people_noun or "参与人员"
    intro = ""
    if names:
        n = b.count or str(len(names))
        intro = f"{subject}分为{'、'.join(names)}{n}个小组。"
    return intro + _end("；".join(d.rstrip("。") for d in descs))


def _points_paragraph(b: Block, nf: NoteFacts, kind_noun: str) -> str:
    items = []
    for item in b.items:
        t = rephrase(item, nf.people_noun, kind_noun)
        t = re.sub(r"[：:](?=[^“]*、)", "，包括", t, count=1)
        items.append(t.rstrip("。；;"))
    if not items:
        return ""
    n = b.count or _ordinal(len(items))
    n = {"两": "两", "2": "两"}.get(n, n)
    if len(items) == 1:
        return _end(f"{kind_noun}主要围绕{items[0]}展开")
    head = f"{kind_noun}围绕{n}个方面展开：" if not re.search("内容|议程", b.heading) else f"{kind_noun}主要内容有：" \
        if nf.kind != "meeting" else "会议主要有以下内容："
    return head + "；".join(f"{_ordinal(i)}是{t}" for i, t in enumerate(items, 1)) + "。"


def _donation_sentence(nf: NoteFacts, notes: str) -> str:
    data = phrasing()
    if not nf.donations:
        return ""
    to = ""
    for key, who in data["beneficiaries"].items():
        if key in (nf.where or "") and who.rstrip("们") in notes:
            to = f"为{who}"
            break
    v = "、".join(rephrase(d) for d in nf.donations)
    noun = nf.people_noun or ""
    s = data["donation"].replace("{noun}", noun).replace("{to}", to).replace("{v}", v)
    if not noun:
        s = "活动中" + ("还" if not s.startswith("还") else "") + s.lstrip("还") if not s.startswith("活动") else s
    return _end(s)


def _awards_sentence(nf: NoteFacts) -> str:
    out = []
    for award, who in nf.awards:
        extra = ""
        m = re.search(r"[（(](连续[^）)]+)[）)]", who)
        if m:
            extra = m.group(1)
            who = who[:m.start()] + who[m.end():]
        out.append(f"{rephrase(who)}{extra}获得{award}")
    return _end("；".join(out)) if out else ""


def story_parts(nf: NoteFacts, notes: str = "") -> tuple[list[str], str]:
    """The body paragraphs and the ending, in news order, from the notes only."""
    kind_noun = _kind_noun(nf)
    paras: list[str] = []
    first = " ".join(x for x in [_roles_sentence(nf, kind_noun)] + [rephrase(x) for x in nf.people_extra] if x)
    pre = []
    results = []
    for i, b in enumerate(nf.blocks):
        if b.kind == "groups":
            text = _groups_paragraph(b, nf)
        elif b.kind == "points":
            text = _points_paragraph(b, nf, kind_noun)
        elif b.kind == "results":
            results.append("".join(_end(rephrase(x, nf.people_noun, kind_noun)) for x in b.items))
            continue
        else:
            items = [_end(x) for x in b.items if x.strip("。")]
            if not items:
                continue
            intro = phrasing()["section_intro"].get(b.heading, "")
            if b.source:
                intro = f"据{b.source}提供的数据，"
            if intro and not items[0].startswith(("在", "随后")):
                items[0] = intro + items[0]
            text = "".join(items)
        if not text:
            continue
        if i == 0 and not b.heading and not b.kind == "groups" and len(text) < 60:
            pre.append(text)  # a short context line before any section joins the first paragraph
            continue
        paras.append(text)
    first = "".join(x for x in [first] + pre if x)
    if first:
        paras.insert(0, first.replace(" ", ""))
    donation = _donation_sentence(nf, notes)
    if donation:
        paras.append(donation)
    awards = _awards_sentence(nf)
    if awards:
        results.append(awards)
    if results:
        paras.append("".join(results))
    # quotes: attributed; a plan said by someone closes the story when the notes have no follow-ups
    award_of = {n: a for a, who in nf.awards for n in _names_in(who)}
    quotes = list(nf.quote_items)
    ending = ""
    if nf.followups:
        ending = "".join(_end(f) for f in nf.followups)
    else:
        plans = [q for q in quotes if q.plan and not q.speaker.startswith("【")]
        if plans:
            q = plans[-1]
            quotes.remove(q)
            ending = "谈及今后的打算，" + q.sentence()
    lines = []
    for q in quotes:
        prefix = f"{award_of[q.speaker]}获得者" if q.speaker in award_of else ""
        lines.append(q.sentence(prefix))
    if lines:
        paras.append("".join(lines))
    if not ending and results and nf.kind == "competition":
        res = "".join(results)
        paras.remove(res)  # the results close a competition story that has no follow-up
        ending = res
    return paras, ending


def render_offline_news(nf: NoteFacts, photos: list[Photo], org: str, notes: str = "") -> str:
    title, sub = headline(nf)
    out = ["【标题】", title]
    if sub:
        out += ["【副标题】", sub]
    out += ["【导语】", _lead(nf, org), "【正文】"]
    paras, ending = story_parts(nf, notes)
    out.append("\n".join(paras) if paras else "【待补充：活动过程和具体内容】")
    out.append("【结尾】")
    out.append(ending or "【待补充：结尾（后续安排或活动反响）】")
    out.append("【署名】")
    out.append(byline(nf))
    text = "\n".join(out) + "\n"
    if nf.people_noun:
        return text.replace(NOUN, nf.people_noun)
    return text.replace("名" + NOUN, "人").replace(NOUN, "")


def byline(nf: NoteFacts) -> str:
    parts = [f"{k}：{nf.byline.get(k) or '【待补充】'}" for k in ("供稿", "摄影", "审核")]
    return "（" + "　".join(parts) + "）"


# --------------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------------

_MARK = re.compile(r"^\s*【(标题|副标题|导语|正文|结尾|图片说明|署名)】\s*$")


def parse_news(text: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(title, [(heading, text)], captions) from the 【标题】/【导语】/… format."""
    parts: dict[str, list[str]] = {}
    current = None
    for line in clean_model_text(text).split("\n"):
        m = _MARK.match(line)
        if m:
            current = m.group(1)
            parts.setdefault(current, [])
            continue
        if current:
            parts[current].append(line)
        elif line.strip():
            parts.setdefault("导语", []).append(line)
    joined = {k: "\n".join(x.strip() for x in v if x.strip()) for k, v in parts.items()}
    title = joined.get("标题", "").split("\n")[0].strip()
    sections = []
    sub = joined.get("副标题", "").strip()
    if sub and sub not in ("无", "（无）", "无副标题"):
        sections.append(("副标题", sub))
    for k in ("导语", "正文", "结尾", "署名"):
        if joined.get(k):
            sections.append((k, joined[k]))
    captions = [re.sub(r"^图\s*\d+\s*[：:]\s*", "", c).strip() for c in joined.get("图片说明", "").split("\n") if c.strip()]
    return title, sections, captions


@dataclass
class NewsMaterial:
    notes: NoteFacts
    photos: list[Photo]
    prompt: Prompt
    notices: list[str]
    prompt_tokens: int


def build_news(notes: str, photo_paths: Sequence[Path] = (), references: Sequence[SearchHit] = (), *,
               org: str = "", settings: Settings | None = None) -> NewsMaterial:
    settings = settings or get_settings()
    nf = extract_notes(notes)
    photos, notices = read_photos(photo_paths, nf)
    for photo in photos:  # captions as sentences (图为…。), with the participants the notes name
        photo.caption = photo_caption(Path(photo.path), nf.photo_notes, nf.event, nf)
    notices += reconcile_dates(nf, photos)
    if nf.instructions:
        notices.append("笔记中有像是给模型下指令的话（如“" + nf.instructions[0][:20] + "”），已当作笔记内容处理，未执行。")
    photo_lines = "\n".join(
        f"图{i}：文件 {Path(p.path).name}，拍摄日期 {p.taken or '未知'}，笔记中的说明：{p.caption}"
        for i, p in enumerate(photos, 1)) or "（无照片）"
    refs = "\n\n".join(quote_material(f"参考{i}：{h.title}", h.text[:800]) for i, h in enumerate(references, 1)) \
        or "（无可参考的往年新闻稿）"
    elements = [f"活动：{nf.event or '未写明'}", f"时间：{nf.when or '未写明（写【待补充：时间】）'}",
                f"地点：{nf.where or '未写明（写【待补充：地点】）'}",
                f"组织：{'、'.join(nf.organizers) or '未写明'}", f"人数：{nf.people or '未写明'}"]
    facts_text = "\n".join(elements) + "\n" + facts_block(nf.facts)
    system = load_prompt("system", settings)
    user = render(load_prompt("news", settings), org=org or "本单位", facts=facts_text, photos=photo_lines,
                  notes=quote_material("笔记", notes), references=refs)

    def offline() -> str:
        return render_offline_news(nf, photos, org, notes)

    prompt = Prompt("news", system, user, offline=offline)
    return NewsMaterial(nf, photos, prompt, notices, estimate_tokens(system) + estimate_tokens(user))


def draft_news(notes: str, photo_paths: Sequence[Path] = (), references: Sequence[SearchHit] = (), *,
               org: str = "", backend: Backend | None = None, settings: Settings | None = None,
               on_chunk: OnChunk | None = None) -> Draft:
    material = build_news(notes, photo_paths, references, org=org, settings=settings)
    gen = generate(material.prompt, backend or OfflineBackend(), on_chunk)
    title, sections, captions = parse_news(gen.text)
    if not title:
        title = material.notes.event or "【待补充：标题】"
    draft = assemble("news", title, sections, material.notes.facts, gen.backend, material.notices + gen.notices)
    for i, photo in enumerate(material.photos):
        if gen.backend != "offline" and i < len(captions):
            photo.caption = captions[i]
    draft.photos = material.photos
    flag_ungrounded(draft, None)
    return draft


def news_from_library(notes: str, photo_paths: Sequence[Path] = (), *, org: str | None = None, library=None,
                      backend: Backend | None = None, settings: Settings | None = None,
                      on_chunk: OnChunk | None = None) -> Draft:
    """Retrieve 2–3 similar past stories (the org's own first) and draft."""
    refs: list[SearchHit] = []
    try:
        from .library import open_library

        library = library or open_library(settings or get_settings())
        query = notes[:300]
        refs = list(library.search(query, k=3, kind="news", org=org)) if org else []
        if len(refs) < 2:
            seen = {h.doc_id for h in refs}
            refs += [h for h in library.search(query, k=3, kind="news") if h.doc_id not in seen][: 3 - len(refs)]
    except InputError:
        raise
    except Exception:  # retrieval is a help, not a precondition: draft without references
        refs = []
    return draft_news(notes, photo_paths, refs, org=org or "", backend=backend, settings=settings,
                      on_chunk=on_chunk)

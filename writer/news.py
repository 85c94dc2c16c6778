"""新闻稿: free-form notes + photos → extracted elements (when/where/who/what, numbers, quotes, byline)
→ prompt (notes quoted as material) → backend → Draft (标题/副标题/导语/正文/结尾/署名, photo captions).

Nothing is invented: what the notes don't say becomes 【待补充：…】.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    "时间": "when", "日期": "when",
    "地点": "where", "活动地点": "where", "地址": "where",
    "组织": "org", "主办": "org", "承办": "co", "协办": "co", "主办单位": "org", "承办单位": "co",
    "带队": "lead", "主讲": "speaker", "主持": "host", "评委": "judges", "嘉宾": "guests",
    "人数": "people", "参加": "people", "参赛": "people", "参与": "people", "来听的": "people",
    "去的人": "people", "参加人员": "people", "参会": "people",
    "供稿": "byline_writer", "撰稿": "byline_writer", "摄影": "byline_photo", "审核": "byline_review",
}
_LABEL_RE = re.compile(r"^\s*[-•·*]?\s*(" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s*[：:]\s*(.+)$")
_BULLET = re.compile(r"^\s*(?:[-•·*]|\d+[.、．)]|[（(]\d+[）)])\s*")
_SECTION = re.compile(r"^\s*([^\s：:“”]{1,12})\s*[：:]\s*$")
_DATE_FULL = re.compile(r"(\d{4})\s*(?:年|[.\-/])\s*(\d{1,2})\s*(?:月|[.\-/])\s*(\d{1,2})\s*日?")
_DATE_MD = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日(?:\s*[—\-–~至到]\s*(?:(\d{1,2})月)?(\d{1,2})日)?")
_PEOPLE = re.compile(r"(志愿者|学生|选手|运动员|队员|师生|团员|青年|嘉宾|代表|同学)?\s*(\d+)\s*(?:人|名)")
_QUOTE_LINE = re.compile(r"“[^”]{2,}”")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|千)?\s*(人次|人|名|位|个|项|场|次|篇|件|册|套|箱|小时|分钟|组|支|部|张|岁|米|%)")
_FOLLOWUP_SECTIONS = ("会后", "后续", "下一步", "下步")
_SKIP_SECTIONS = ("其他", "备注", "照片", "图片")
_INTERNAL = re.compile(r"签到表|照片|拍的|原图|糊了|下次要|下回要|记得|挑了")


@dataclass
class NoteFacts:
    event: str = ""
    when: str = ""  # as it reads in the lead: 2025年3月5日 / 10月22日至23日
    when_iso: str | None = None
    where: str = ""
    organizers: list[str] = field(default_factory=list)
    people: str = ""  # "38名志愿者参加"
    lead_people: list[str] = field(default_factory=list)  # 带队、主讲、嘉宾…
    body: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    byline: dict[str, str] = field(default_factory=dict)
    instructions: list[str] = field(default_factory=list)
    photo_notes: str = ""
    facts: list[Fact] = field(default_factory=list)


def _clean_event(first_line: str) -> str:
    s = first_line.strip()
    s = re.sub(r"^(讲座|会议|活动|现场)?(记录|笔记|纪要)\s*[—\-–]+\s*", "", s)
    s = re.sub(r"\s*(现场)?(笔记|记录|随手记|纪要|草稿)\s*([（(][^）)]*[）)])?\s*$", "", s)
    s = re.sub(r"\s*[（(][^）)]*记[）)]\s*$", "", s)
    s = re.sub(r"\s+", "", s) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", s) else s
    return s.strip(" ：:—-")


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


def _quote_sentence(line: str) -> str:
    s = _BULLET.sub("", line).strip()
    m = re.match(r"^([^“：:]{1,30}?)\s*[：:]\s*(“.+)$", s)
    if m and not re.search(r"(说|表示|道|介绍|称|问)$", m.group(1)):
        s = f"{m.group(1)}说：{m.group(2)}"
    return s if s.endswith(("。", "”", "！", "？")) else s + "。"


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
    return re.split(r"[（(]", value, 1)[0].strip(" ，,。")


def _people_phrase(value: str, label: str) -> str:
    m = _PEOPLE.search(value)
    if not m:
        return ""
    noun = m.group(1) or {"参赛": "选手"}.get(label, "")
    return f"{m.group(2)}名{noun}参加" if noun else f"{m.group(2)}人参加"


def extract_notes(text: str) -> NoteFacts:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    nf = NoteFacts()
    nonempty = [ln for ln in lines if ln.strip()]
    if not nonempty:
        raise InputError("笔记是空的，没有可用的内容")
    first = nonempty[0]
    if not _LABEL_RE.match(first):
        nf.event = _clean_event(first)
        author = _author_of(first)
        if author:
            nf.byline["供稿"] = author
    section = ""
    started = False
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        if not started and ln == first and nf.event:
            started = True
            continue
        if looks_like_instruction(s):
            nf.instructions.append(s)
            continue
        sec = _SECTION.match(s)
        if sec:
            section = sec.group(1)
            continue
        lab = _LABEL_RE.match(s)
        if lab and not _QUOTE_LINE.search(lab.group(2)[:2]):
            key, value = _LABELS[lab.group(1)], lab.group(2).strip()
            if key == "when" and not nf.when:
                nf.when, nf.when_iso = _parse_when(value)
            elif key == "where" and not nf.where:
                nf.where = _main_place(value)
            elif key in ("org", "co"):
                nf.organizers.extend(_organizers(value))
            elif key == "people" and not nf.people:
                nf.people = _people_phrase(value, lab.group(1))
                if not nf.people:
                    nf.body.append(_sentence(f"{lab.group(1)}：{value}"))
            elif key in ("lead", "speaker", "host", "judges", "guests"):
                nf.lead_people.append(f"{lab.group(1)}：{value}")
            elif key.startswith("byline_"):
                nf.byline[{"byline_writer": "供稿", "byline_photo": "摄影", "byline_review": "审核"}[key]] = value
            continue
        if s.startswith(("照片", "图片")) or any(section.startswith(x) for x in ("照片", "图片")):
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
        if _QUOTE_LINE.search(s) and re.search(r"[：:]\s*“|^[-•·*]?\s*“|说", s):
            nf.quotes.append(_quote_sentence(s))
            continue
        if section.startswith(_FOLLOWUP_SECTIONS) or re.search(r"(准备|打算|将要|计划)(推荐|每|再|下|继续|开展|组织|出)", s):
            if not _INTERNAL.search(s):
                nf.followups.append(_sentence(s))
            continue
        if section.startswith(_SKIP_SECTIONS) or _INTERNAL.search(s):
            continue
        if not nf.when:
            w, iso = _parse_when(s)
            if w and re.search(r"\d+月\d+日", s[:20]):
                nf.when, nf.when_iso = w, iso
                rest = re.sub(r"^.*?\d+日\s*[，,、]?\s*", "", s)
                if len(rest) <= 4:  # the line only said when
                    continue
        nf.body.append(_sentence(s))
    if not nf.where:
        m = re.search(r"在([\u4e00-\u9fff“”A-Za-z0-9]{3,20}?)(举行|举办|召开|开展)", text)
        if m:
            nf.where = m.group(1)
    nf.facts = note_figures(text)
    return nf


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


def photo_caption(path: Path, photo_notes: str, event: str) -> str:
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
    if desc:
        return f"{event}：{desc}。" if event else f"{desc}。"
    return f"{event}现场。【待补充：图片说明】" if event else "【待补充：图片说明】"


def read_photos(paths: Sequence[Path], nf: NoteFacts) -> tuple[list[Photo], list[str]]:
    photos, notices = [], []
    for p in paths:
        p = Path(p)
        if not p.is_file():
            raise InputError(f"找不到照片：{p}")
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


def _lead(nf: NoteFacts, org: str) -> str:
    when = nf.when or "【待补充：时间】"
    where = nf.where or "【待补充：地点】"
    event = nf.event or "【待补充：活动名称】"
    who = "、".join(dict.fromkeys(nf.organizers))
    by = f"由{who}组织的" if who else ""  # not stated in the notes: say nothing rather than guess
    s = f"{when}，{by}{_q(event)}在{where}举行"
    if nf.people:
        s += f"，{nf.people}"
    return s + "。"


def _q(event: str) -> str:
    if event.startswith("【"):
        return event
    return event if ("“" in event or event.endswith(("活动", "比赛", "大赛", "讲座", "运动会", "仪式"))) else event + "活动"


def render_offline_news(nf: NoteFacts, photos: list[Photo], org: str) -> str:
    out = ["【标题】", nf.event or "【待补充：标题】", "【导语】", _lead(nf, org), "【正文】"]
    body = []
    if nf.lead_people:
        body.append("；".join(nf.lead_people) + "。")
    body.extend(nf.body)
    out.append("\n".join(body) if body else "【待补充：活动过程和具体内容】")
    if nf.quotes:
        out.append("\n".join(nf.quotes))
    out.append("【结尾】")
    out.append("".join(nf.followups) if nf.followups else "【待补充：结尾（后续安排或活动反响）】")
    out.append("【署名】")
    out.append(byline(nf))
    return "\n".join(out) + "\n"


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
        return render_offline_news(nf, photos, org)

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

#!/usr/bin/env python
"""笔杆 Writer — the web page (Gradio) for volunteers, secretaries and reviewers.

    python ui.py [--host 127.0.0.1] [--port 7860]

Listens on 127.0.0.1 unless WRITER_HOST / --host says otherwise; the port comes from WRITER_PORT or 7860.
WRITER_AUTH (user:password pairs, comma-separated) turns on login for every page and API endpoint.
Uploads and temporary files stay under WRITER_HOME. On first start with an empty library the bundled
sample corpus is imported.

This file only translates between the page and writer/service.py (and the library, drafters, checker
and Word export it calls); there is no logic here that the CLI could not reuse.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import logging
import os
import re
import sys
import time
import uuid

import writer  # noqa: F401  (offline switches before gradio is imported)
from writer.settings import get_settings

SETTINGS = get_settings()
TEMP_DIR = SETTINGS.home / "uploads" / "tmp"
os.environ["GRADIO_TEMP_DIR"] = str(TEMP_DIR)  # gradio's upload cache under WRITER_HOME, never /tmp

import gradio as gr  # noqa: E402
import pandas as pd  # noqa: E402

from writer import service as sv  # noqa: E402
from writer.errors import InputError, ValidationError, WriterError  # noqa: E402
from writer.library import open_library, reindex  # noqa: E402

log = logging.getLogger("writer.ui")
STARTUP: dict[str, str] = {"note": ""}
MODEL_CONCURRENCY = int(os.environ.get("WRITER_UI_MODEL_CONCURRENCY", "2"))
CHECK_CONCURRENCY = int(os.environ.get("WRITER_UI_CHECK_CONCURRENCY", "2"))
NO_GROUNDING = "不核对数字"

# --------------------------------------------------------------------------------------------------
# Errors: a readable Chinese message in the page, never a stack trace
# --------------------------------------------------------------------------------------------------


def _as_gr_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, WriterError):
        return gr.Error(sv.redact(str(exc), SETTINGS), duration=None, title="出错了", print_exception=False)
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s: %s", ref, sv.redact(f"{type(exc).__name__}: {exc}", SETTINGS), exc_info=True)
    return gr.Error(f"处理时出现意外错误（编号 {ref}），请重试；如果反复出现，请把编号告诉管理员。",
                    duration=None, title="出错了", print_exception=False)


def guarded(fn):
    """Every handler goes through here: WriterError → its message; anything else → a short notice."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                raise _as_gr_error(exc) from None
        return gen

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            raise _as_gr_error(exc) from None
    return wrapper


def UploadFile(**kwargs) -> gr.File:
    """gr.File whose wrong-type refusal is in Chinese (the browser's picker already filters by type).

    The instance's method is wrapped rather than gr.File subclassed: gradio writes a .pyi stub beside the
    module of every Component subclass, which would put a file into the project (or fail when read-only)."""
    component = gr.File(**kwargs)
    original = component._process_single_file

    def process(f):
        try:
            return original(f)
        except gr.Error:
            allowed = "、".join(component.file_types or [])
            raise gr.Error(f"不支持的文件类型：{sv.display_name(f.path)}。这里只能上传 {allowed} 文件。",
                           duration=None, title="出错了", print_exception=False) from None

    component._process_single_file = process
    return component


def lib():
    return open_library(SETTINGS)


def df(rows, headers) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=headers)


def _path(f) -> str | None:
    if f is None:
        return None
    return f if isinstance(f, str) else getattr(f, "name", None) or getattr(f, "path", None)


def _paths(files) -> list[str]:
    if not files:
        return []
    if not isinstance(files, (list, tuple)):
        files = [files]
    return [p for p in (_path(f) for f in files) if p]


def progress_cb(progress: gr.Progress, what: str):
    def cb(done: int, total: int, name: str) -> None:
        progress((done, max(total, 1)), desc=f"{what}（{done}/{total}）{sv.display_name(name) if name else ''}",
                 unit="个")
    return cb


def check_outputs(result: sv.CheckResult):
    return (sv.message_html(sv.count_line(result.findings), "warn" if result.findings else "ok"),
            result.spans, df(result.rows, sv.FINDING_HEADERS))


# --------------------------------------------------------------------------------------------------
# Choices and defaults
# --------------------------------------------------------------------------------------------------


def current_choices() -> sv.Choices:
    return sv.library_choices(lib())


def number_sources(ch: sv.Choices) -> list[str]:
    return [NO_GROUNDING] + [f"{o} {y}年" for o in ch.record_orgs for y in ch.years.get(o, [])]


def _choices(defaults: bool):
    ch = current_choices()
    years = [str(y) for y in ch.years.get(ch.default_org, [])]
    cats = sorted({r.category for r in lib().query_records()})
    value = (lambda v: {"value": v}) if defaults else (lambda v: {})
    return (
        gr.update(choices=ch.orgs, **value(ch.default_org)),  # news org
        gr.update(choices=ch.record_orgs, **value(ch.default_org)),  # summary org
        gr.update(choices=years, value=years[0] if years else None) if defaults else gr.update(),  # summary year
        gr.update(choices=number_sources(ch)),  # review: numbers source
        gr.update(choices=ch.orgs),  # documents upload org
        gr.update(choices=ch.orgs, **value(ch.default_org)),  # record form org
        gr.update(choices=cats),  # record form category
        gr.update(choices=["（全部）"] + ch.orgs),  # search org
    )


@guarded
def refresh_choices():
    """On page load: every list of organisations and years, with the defaults selected."""
    return _choices(True)


@guarded
def update_choices():
    """After an import or upload: new organisations appear in the lists; selections are kept."""
    return _choices(False)


@guarded
def summary_years(org):
    ch = current_choices()
    years = [str(y) for y in ch.years.get(sv.clean_org(org) or "", [])]
    return gr.update(choices=years, value=years[0] if years else None)


# --------------------------------------------------------------------------------------------------
# 新闻稿
# --------------------------------------------------------------------------------------------------


@guarded
def news_notes_file(file):
    path = _path(file)
    if not path:
        return gr.update()
    text = sv.read_submission(sv.check_upload(path, "notes"))
    if not text.strip():
        raise InputError("这份笔记文件里没有文字")
    return text


@guarded
def news_photos(files):
    paths = sv.check_uploads(_paths(files), "photo")
    return [(str(p), sv.photo_label(p)) for p in paths]


@guarded
def news_draft(notes, files, org):
    from writer.draft import strip_markers
    from writer.history import save_draft
    from writer.llm import get_backend
    from writer.news import draft_news

    notes = (notes or "").strip()
    if not notes:
        raise InputError("请先填写或上传活动笔记")
    org = sv.clean_org(org)
    batch = sv.new_batch()
    photos = [sv.store_upload(p, "photo", SETTINGS, batch) for p in sv.check_uploads(_paths(files), "photo")]
    hits = sv.similar_news(lib(), notes, org)
    similar = sv.hits_html(hits)
    backend = get_backend(SETTINGS)
    waiting = "正在起草新闻稿…" + ("（离线起草）" if backend.name == "offline" else f"（模型：{SETTINGS.model}）")
    yield "", sv.message_html(waiting), similar, None, gr.update(value=None, visible=False)
    run = lambda on_chunk: draft_news(notes, photos, hits, org=org or "", backend=backend, settings=SETTINGS,  # noqa: E731
                                      on_chunk=on_chunk)
    for update in sv.stream_draft(run):
        if update.error is not None:
            raise update.error
        if not update.done:
            if backend.name != "offline":  # the offline draft arrives whole: show it finished, not its raw form
                shown = strip_markers(update.text)
                yield shown, sv.message_html(f"{waiting}已收到 {len(shown)} 字"), similar, None, gr.update()
            continue
        draft = update.draft
        entry = save_draft(draft, {"command": "news", "source": "ui", "notes": notes,
                                   "photos": [str(p) for p in photos], "org": org}, settings=SETTINGS)
        how = "离线起草" if draft.backend == "offline" else f"模型 {draft.backend.split(':', 1)[-1]}"
        done = [f"新闻稿已生成（{how}），已保存到历史记录 #{entry}。可以直接在文本框里修改，改好后点“检查”或“生成 Word 文档”。"]
        yield (update.text, sv.notice_html(done + draft.notices, "warn" if draft.notices else "ok"), similar, draft,
               gr.update())


@guarded
def news_check(text):
    return check_outputs(sv.check_text(text, "news"))


@guarded
def news_docx(text, draft, org):
    return gr.update(value=str(sv.export_docx(text, draft, "news", sv.out_dir(TEMP_DIR), sv.clean_org(org))),
                     visible=True)


@guarded
def news_history_list():
    return gr.update(choices=sv.history_choices("news", SETTINGS))


@guarded
def summary_history_list():
    return gr.update(choices=sv.history_choices("summary", SETTINGS))


@guarded
def news_history(label):
    entry = sv.history_draft(label, SETTINGS)
    if entry.kind != "news":
        raise InputError("这一份不是新闻稿")
    org = entry.inputs.get("org")
    return (sv.draft_to_text(entry.draft), sv.message_html(f"已载入历史记录 #{entry.id}（{entry.created[:16].replace('T', ' ')}）。"),
            entry.draft, gr.update(value=org) if org else gr.update())


@guarded
def summary_history(label):
    entry = sv.history_draft(label, SETTINGS)
    if entry.kind != "summary":
        raise InputError("这一份不是年度总结")
    return (sv.draft_to_text(entry.draft), sv.message_html(f"已载入历史记录 #{entry.id}（{entry.created[:16].replace('T', ' ')}）。"),
            df(sv.citation_rows(entry.draft), sv.CITATION_HEADERS), entry.draft)


# --------------------------------------------------------------------------------------------------
# 年度总结
# --------------------------------------------------------------------------------------------------


@guarded
def summary_overview(org, year):
    ov = sv.year_overview(lib(), org, year)
    hits = sv.similar_summaries(lib(), ov.org, ov.year, ov.all_categories)
    note = f"{ov.org}{ov.year}年共有 {len(ov.records)} 条活动记录" + (
        f"（上一年 {len(ov.previous)} 条，用于同比）。" if ov.previous else "。") + "点击右侧表格中的一行，可查看该数据来自哪些记录。"
    return (
        sv.message_html(note),
        pd.DataFrame(sv.chart_rows(ov.records), columns=["月份", "类别", "记录数"]),
        df(sv.category_rows(ov.records), ["类别", "记录数", "参与人次"]),
        df(sv.fact_rows(ov.facts), sv.FACT_HEADERS),
        df(sv.record_rows(ov.records), sv.RECORD_HEADERS),
        sv.hits_html(hits, "资料库里没有往年的工作总结可供参考。"),
        ov.facts,
    )


def _ids_from_fact(evt: gr.SelectData, facts):
    if not facts or evt is None or evt.index is None:
        return gr.update()
    row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
    if 0 <= row < len(facts):
        return "、".join(facts[row].records) or "（这项数据来自笔记，没有对应记录）"
    return gr.update()


def _ids_from_citation(evt: gr.SelectData, draft):
    if draft is None or evt is None or evt.index is None:
        return gr.update()
    row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
    if 0 <= row < len(draft.citations):
        return "、".join(draft.citations[row].get("records", []))
    return gr.update()


@guarded
def records_lookup(ids):
    found = re.findall(r"[A-Za-z0-9][\w\-.]*", ids or "")
    if not found:
        return df([], sv.RECORD_HEADERS + ["摘要"])
    records = sv.records_by_ids(lib(), found)
    return df([row + [r.summary] for row, r in zip(sv.record_rows(records), records)], sv.RECORD_HEADERS + ["摘要"])


@guarded
def summary_draft(org, year):
    from writer.draft import strip_markers
    from writer.history import save_draft
    from writer.llm import get_backend
    from writer.summary import draft_summary, period_label

    ov = sv.year_overview(lib(), org, year)
    hits = sv.similar_summaries(lib(), ov.org, ov.year, ov.all_categories)
    backend = get_backend(SETTINGS)
    waiting = "正在起草年度工作总结…" + ("（离线起草）" if backend.name == "offline" else f"（模型：{SETTINGS.model}）")
    empty = df([], sv.CITATION_HEADERS)
    yield "", sv.message_html(waiting), empty, None
    run = lambda on_chunk: draft_summary(ov.records, hits, org=ov.org, label=period_label(ov.year), backend=backend,  # noqa: E731
                                         settings=SETTINGS, on_chunk=on_chunk, all_categories=ov.all_categories,
                                         previous=ov.previous)
    for update in sv.stream_draft(run):
        if update.error is not None:
            raise update.error
        if not update.done:
            if backend.name != "offline":
                shown = strip_markers(update.text)
                yield shown, sv.message_html(f"{waiting}已收到 {len(shown)} 字"), empty, None
            continue
        draft = update.draft
        parts = sv.parts_of(update.text, "summary")
        for i, part in enumerate(parts[:-1], 1):
            yield part, sv.message_html(f"{waiting}第 {i} 部分已完成"), empty, None
        entry = save_draft(draft, {"command": "summary", "source": "ui", "year": ov.year, "org": ov.org},
                           settings=SETTINGS)
        how = "离线起草" if draft.backend == "offline" else f"模型 {draft.backend.split(':', 1)[-1]}"
        done = [f"年度总结已生成（{how}，{len(draft.sections)} 个部分），已保存到历史记录 #{entry}。"
                f"文中 {len(draft.citations)} 处数字都标明了来源，见下表；可以直接修改草稿。"]
        yield (update.text, sv.notice_html(done + draft.notices, "warn" if draft.notices else "ok"),
               df(sv.citation_rows(draft), sv.CITATION_HEADERS), draft)


@guarded
def summary_check(text, org, year, draft):
    records, facts = None, None
    try:
        ov = sv.year_overview(lib(), org, year)
        records, facts = ov.records + ov.previous, (draft.facts if draft else ov.facts)
    except InputError:
        pass
    return check_outputs(sv.check_text(text, "summary", records, facts))


@guarded
def summary_docx(text, draft, org):
    return gr.update(value=str(sv.export_docx(text, draft, "summary", sv.out_dir(TEMP_DIR), sv.clean_org(org))),
                     visible=True)


# --------------------------------------------------------------------------------------------------
# 审核
# --------------------------------------------------------------------------------------------------


def _grounding(source):
    m = re.match(r"^(.*) (\d{4})年$", source or "")
    if not m:
        return None, None
    ov = sv.year_overview(lib(), m.group(1), m.group(2))
    return ov.records + ov.previous, ov.facts


def _review_view(items, name, categories):
    item = next((it for it in items or [] if it.name == name), None)
    if item is None or item.error:
        msg = item.error if item else ""
        return sv.message_html(msg, "error") if msg else "", [], df([], sv.FINDING_HEADERS)
    shown = sv.filter_findings(item.findings, categories)
    hidden = len(item.findings) - len(shown)
    line = sv.count_line(item.findings) + (f"（已按类别筛选，显示 {len(shown)} 处）" if hidden else "")
    kind = sv.KIND_NAMES.get(item.kind, item.kind)
    return (sv.message_html(f"{item.name}（{kind}，{len(item.text)} 字）：{line}", "warn" if item.findings else "ok"),
            sv.highlight_spans(item.text, shown), df(sv.finding_rows(item.text, shown), sv.FINDING_HEADERS))


@guarded
def review(files, text, kind, source, progress=gr.Progress()):
    paths = _paths(files)
    records, facts = _grounding(source)
    folder = sv.out_dir(TEMP_DIR)
    if paths:
        items = sv.review_files(paths, kind, folder, records, facts, progress=progress_cb(progress, "正在审核"))
    elif (text or "").strip():
        items = [sv.review_one(None, "粘贴的文本.txt", text, kind, folder, records, facts)]
    else:
        raise InputError("请先上传要审核的文件，或把文字粘贴到文本框里")
    names = [it.name for it in items]
    first = next((it for it in items if not it.error), items[0])
    cats = sv.categories_present(first.findings)
    zipped = sv.zip_reviewed(items, folder / "审核结果.zip") if len(items) > 1 else None
    docs = [it.docx for it in items if it.docx]
    view = _review_view(items, first.name, None)
    return (df(sv.summary_rows(items), sv.SUMMARY_HEADERS), gr.update(choices=names, value=first.name),
            gr.update(choices=cats, value=cats), *view,
            gr.update(value=str(zipped) if zipped else None, visible=bool(zipped)),
            gr.update(value=docs or None, visible=bool(docs)), items)


@guarded
def review_show(name, categories, items):
    return _review_view(items, name, categories)


@guarded
def review_pick(name, items):
    item = next((it for it in items or [] if it.name == name), None)
    cats = sv.categories_present(item.findings) if item else []
    return (gr.update(choices=cats, value=cats), *_review_view(items, name, None))


@guarded
def review_text(text, kind):
    """One pasted text → counts, highlighted text, findings (the endpoint the load test drives)."""
    return check_outputs(sv.check_text(text, sv.KIND_CHOICES.get(kind, kind)))


# --------------------------------------------------------------------------------------------------
# 资料库
# --------------------------------------------------------------------------------------------------


@guarded
def records_preview(file):
    path = _path(file)
    if not path:
        return "", df([], sv.RECORD_HEADERS), df([], sv.PROBLEM_HEADERS)
    p = sv.preview_records(path)
    return (sv.message_html(p.message, "warn" if p.bad else "ok"), df(p.rows, sv.RECORD_HEADERS),
            df(p.problems, sv.PROBLEM_HEADERS))


@guarded
def records_import(file, skip_bad):
    path = _path(file)
    if not path:
        raise InputError("请先选择要导入的记录文件（.json 或 .csv）")
    path = sv.store_upload(path, "records", SETTINGS)
    try:
        report = lib().import_records_file(path, skip_bad=bool(skip_bad))
    except ValidationError as exc:
        rows = [[f"第{r}行" if path.suffix.lower() == ".csv" else f"第{r}条", m] for r, m in exc.problems]
        return (sv.message_html(f"{path.name} 有 {len(exc.problems)} 处问题，未导入任何记录。请改正后重新上传，"
                                "或勾选“跳过有问题的行”。", "error"), df(rows, sv.PROBLEM_HEADERS))
    msg = f"导入完成：新增 {report.imported} 条，更新 {report.updated} 条"
    if report.skipped:
        msg += f"，跳过有问题的 {len(report.skipped)} {report.row_label}"
    rows = [[f"第{r}{report.row_label}", m] for r, m in report.skipped]
    return sv.message_html(msg + "。", "ok"), df(rows, sv.PROBLEM_HEADERS)


RECORD_FIELDS = ("id", "date", "title", "category", "org", "location", "organizer", "participants", "summary",
                 "metrics")


@guarded
def record_load(record_id):
    r = sv.find_record(lib(), record_id)
    return (r.id, r.date, r.title, r.category, r.org, r.location, r.organizer, r.participants, r.summary,
            sv.metrics_text(r.metrics), sv.message_html(f"已载入记录 {r.id}，修改后点“保存记录”。"))


@guarded
def record_save(*values):
    record = sv.record_from_form(dict(zip(RECORD_FIELDS, values)))
    report = lib().import_records([record])
    what = "已更新" if report.updated else "已新增"
    return sv.message_html(f"{what}记录 {record.id}（{record.date} {record.title}）。", "ok")


@guarded
def docs_upload(files, kind, org, year, progress=gr.Progress()):
    paths = sv.check_uploads(_paths(files), "document")
    if not paths:
        raise InputError("请先选择要上传的过往文档（.docx、.txt、.md）")
    batch = sv.new_batch()
    progress(0, desc="正在保存上传的文件")
    stored = [sv.store_upload(p, "document", SETTINGS, batch) for p in paths]
    kind = sv.KIND_CHOICES.get(kind, kind)
    report = lib().ingest(stored, kind=None if kind in (None, "auto") else kind, org=sv.clean_org(org),
                          year=sv.parse_year(year), progress=progress_cb(progress, "正在读取并建立索引"))
    msgs = [f"上传完成：{report.summary()}。"]
    msgs += [f"{sv.display_name(name)}：{err}" for name, err in report.failed]
    return sv.notice_html(msgs, "warn" if report.failed else "ok")


@guarded
def library_stats():
    library = lib()
    return (df(sv.stats_rows(library.stats()), ["内容", "分类", "数量"]),
            df(sv.document_rows(library.documents()), sv.DOC_HEADERS))


@guarded
def library_search(query, kind, org, year):
    if not (query or "").strip():
        raise InputError("请输入要搜索的内容")
    kind = sv.KIND_CHOICES.get(kind, kind)
    hits = lib().search(query.strip(), k=10, kind=None if kind in (None, "auto", "不限") else kind,
                        org=sv.clean_org(org), year=sv.parse_year(year))
    if not hits:
        return df([["（没有找到）", "", "", "", "", ""]], sv.SEARCH_HEADERS)
    return df(sv.search_rows(hits), sv.SEARCH_HEADERS)


@guarded
def library_reindex(progress=gr.Progress()):
    t0 = time.perf_counter()
    counts = reindex(SETTINGS, progress=progress_cb(progress, "正在重建索引"))
    total = sum(counts.values())
    return sv.message_html(f"索引已重建：{total} 项，用时 {time.perf_counter() - t0:.1f} 秒。", "ok")


# --------------------------------------------------------------------------------------------------
# 设置与状态
# --------------------------------------------------------------------------------------------------


@guarded
def status():
    return df(sv.status_rows(SETTINGS, lib(), STARTUP.get("host")), ["项目", "当前状态"])


@guarded
def model_ping():
    ok, msg = sv.ping_model(SETTINGS)
    return sv.message_html(msg, "ok" if ok else "warn")


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------

CSS = """
.bg-header h1 { margin: 0 0 2px 0; font-size: 1.6em; }
.bg-header p { margin: 0; color: var(--body-text-color-subdued); }
.bg-notice { padding: 8px 12px; border-radius: 6px; margin: 4px 0; line-height: 1.6; }
.bg-notice ul { margin: 0; padding-left: 1.2em; }
.bg-info { background: #eef4ff; border-left: 4px solid #5b8def; }
.bg-ok { background: #edf8ee; border-left: 4px solid #3c9a4a; }
.bg-warn { background: #fff7e6; border-left: 4px solid #e6a23c; }
.bg-error { background: #fdecec; border-left: 4px solid #d9534f; }
.bg-hits { display: flex; flex-direction: column; gap: 8px; }
.bg-hit { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px 10px; }
.bg-hit-title { font-weight: 600; }
.bg-hit-meta, .bg-hit-source { color: var(--body-text-color-subdued); font-size: 0.9em; }
.bg-hit-text { margin: 4px 0; line-height: 1.6; }
.bg-help { color: var(--body-text-color-subdued); font-size: 0.95em; }
"""

# The page is Chinese; gradio's own upload-size refusal is produced in the browser in English: translate it.
HEAD = """<script>
document.documentElement.lang = "zh-CN";
(function () {
  const pattern = /File\\(s\\) exceed the maximum allowed size of ([\\d.]+) ?Mb:?\\s*(.*)/i;
  function fix(node) {
    if (node.nodeType !== Node.TEXT_NODE) return;
    const m = node.nodeValue.match(pattern);
    if (m) node.nodeValue = "文件太大：" + m[2] + " 超过了 " + Math.round(parseFloat(m[1])) + " MB 的上限，请压缩或拆分后再上传。";
    else if (node.nodeValue.trim() === "Error" && node.parentElement && node.parentElement.closest(".toast-body, [data-testid='toast-body']"))
      node.nodeValue = "出错了";
  }
  function walk(root) {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (it.nextNode()) fix(it.currentNode);
  }
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fix(r.target);
      for (const n of r.addedNodes || []) n.nodeType === Node.TEXT_NODE ? fix(n) : walk(n);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
</script>"""

FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif"]


def theme():
    return gr.themes.Soft(primary_hue="red", secondary_hue="orange", neutral_hue="slate", font=FONTS,
                          font_mono=["Menlo", "Consolas", "WenQuanYi Micro Hei Mono", "monospace"])


def check_panel(label: str, prefix: str):
    with gr.Accordion(label, open=True):
        summary = gr.HTML(elem_id=f"{prefix}-count")
        highlighted = gr.HighlightedText(elem_id=f"{prefix}-highlight", label="原文（问题处已标色，颜色对应类别）", color_map=sv.CATEGORY_COLORS,
                                         show_legend=True, combine_adjacent=False, interactive=False)
        table = gr.Dataframe(elem_id=f"{prefix}-findings", headers=sv.FINDING_HEADERS, label="问题清单", wrap=True, interactive=False,
                             max_height=420, column_widths=["6%", "8%", "8%", "11%", "18%", "29%", "20%"])
    return summary, highlighted, table


def build_app() -> gr.Blocks:
    ch = current_choices()
    years = [str(y) for y in ch.years.get(ch.default_org, [])]
    with gr.Blocks(title="笔杆 Writer · 宣传写作助手", delete_cache=(3600, 7 * 86400)) as demo:
        gr.HTML('<div class="bg-header"><h1>笔杆 Writer · 宣传写作助手</h1>'
                '<p>写新闻稿、起草年度工作总结、审核稿件。所有数字都来自活动记录，可以追溯来源。</p></div>')
        gr.HTML(sv.message_html(STARTUP["note"], "info") if STARTUP["note"] else "")

        with gr.Tabs():
            # ---------------------------------------------------------------- 新闻稿
            with gr.Tab("新闻稿", id="news"):
                gr.Markdown("把活动笔记贴进来（或上传笔记文件），加上照片，点“生成新闻稿”。草稿出来后可直接修改，再检查、下载 Word。",
                            elem_classes="bg-help")
                with gr.Row():
                    with gr.Column(scale=5):
                        n_notes = gr.Textbox(elem_id="news-notes", label="活动笔记", lines=14, max_lines=30,
                                             placeholder="随手记下即可：时间、地点、谁组织、多少人参加、做了什么、有人说了什么……")
                        n_file = UploadFile(elem_id="news-notes-file", label="或上传笔记文件（.txt / .md / .docx）", file_types=[".txt", ".md", ".docx"],
                                         height=150)
                        n_photos = UploadFile(elem_id="news-photos", label="活动照片（可多选，JPG / PNG，每张不超过 15 MB）", file_count="multiple",
                                           file_types=[".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"], height=150)
                        n_gallery = gr.Gallery(elem_id="news-gallery", label="照片预览（下方显示拍摄日期）", columns=3, height=220,
                                               interactive=False, object_fit="contain", preview=False,
                                               fit_columns=False)
                        n_org = gr.Dropdown(elem_id="news-org", label="单位（可选）", choices=ch.orgs, value=ch.default_org,
                                            allow_custom_value=True, info="用来查找本单位过往稿件的写法；也可以直接输入")
                        n_go = gr.Button("生成新闻稿", elem_id="news-go", variant="primary", size="lg")
                    with gr.Column(scale=6):
                        n_status = gr.HTML(elem_id="news-status")
                        n_draft = gr.Textbox(elem_id="news-draft", label="新闻稿草稿（可直接修改）", lines=22, max_lines=60, interactive=True,
                                             placeholder="生成的草稿会显示在这里。【待补充：…】是需要你补上的内容。")
                        with gr.Row():
                            n_check = gr.Button("检查这篇稿子", elem_id="news-check")
                            n_word = gr.Button("生成 Word 文档", elem_id="news-word")
                        n_file_out = gr.File(elem_id="news-docx", label="下载 Word 文档（点文件名下载）", interactive=False, visible=False)
                with gr.Accordion("相似的往期稿件（参考写法）", open=False):
                    n_similar = gr.HTML(elem_id="news-similar")
                with gr.Accordion("以前生成的新闻稿（每次生成都会自动保存）", open=False):
                    with gr.Row():
                        n_hist = gr.Dropdown(elem_id="news-history", label="选择一份", choices=[], allow_custom_value=True,
                                             scale=4)
                        n_hist_go = gr.Button("载入到编辑框", scale=1)
                n_sum, n_hl, n_table = check_panel("检查结果", "news")
                n_state = gr.State(None)

            # ---------------------------------------------------------------- 年度总结
            with gr.Tab("年度总结", id="summary"):
                gr.Markdown("选择单位和年份，先看看这一年的活动记录和统计数据，再点“生成年度总结”。草稿中的每个数字都能查到来源记录。",
                            elem_classes="bg-help")
                with gr.Row():
                    s_org = gr.Dropdown(elem_id="summary-org", label="单位", choices=ch.record_orgs, value=ch.default_org, allow_custom_value=True,
                                        scale=3)
                    s_year = gr.Dropdown(elem_id="summary-year", label="年份", choices=years, value=years[0] if years else None,
                                         allow_custom_value=True, scale=1)
                    s_go = gr.Button("生成年度总结", elem_id="summary-go", variant="primary", size="lg", scale=2)
                s_note = gr.HTML(elem_id="summary-note")
                with gr.Row():
                    with gr.Column(scale=5):
                        s_chart = gr.BarPlot(elem_id="summary-chart", x="月份", y="记录数", color="类别",
                                             title="各月活动记录数（按类别）", x_title="月份", y_title="记录数", color_title="类别", height=300,
                                             y_aggregate="sum", sort="x")
                        s_cats = gr.Dataframe(headers=["类别", "记录数", "参与人次"], label="按类别统计", interactive=False)
                    with gr.Column(scale=5):
                        s_facts = gr.Dataframe(elem_id="summary-facts", headers=sv.FACT_HEADERS, label="计算出的数据（点击一行查看来源记录）",
                                               interactive=False, max_height=380, wrap=True,
                                               column_widths=["10%", "45%", "20%", "25%"])
                with gr.Accordion("本年度全部活动记录", open=False):
                    s_records = gr.Dataframe(headers=sv.RECORD_HEADERS, interactive=False, max_height=360, wrap=True)
                with gr.Accordion("往年的工作总结（参考写法）", open=False):
                    s_similar = gr.HTML()
                with gr.Accordion("以前生成的年度总结（每次生成都会自动保存）", open=False):
                    with gr.Row():
                        s_hist = gr.Dropdown(elem_id="summary-history", label="选择一份", choices=[], allow_custom_value=True,
                                             scale=4)
                        s_hist_go = gr.Button("载入到编辑框", scale=1)
                with gr.Row():
                    with gr.Column(scale=6):
                        s_status = gr.HTML(elem_id="summary-status")
                        s_draft = gr.Textbox(elem_id="summary-draft", label="年度工作总结草稿（可直接修改）", lines=26, max_lines=80, interactive=True,
                                             placeholder="生成的草稿会按“一、基本情况　二、主要成效　三、存在的问题　四、下一步工作打算”"
                                                         "四个部分显示在这里。")
                        with gr.Row():
                            s_check = gr.Button("检查这份总结", elem_id="summary-check")
                            s_word = gr.Button("生成 Word 文档", elem_id="summary-word")
                        s_file_out = gr.File(elem_id="summary-docx", label="下载 Word 文档（点文件名下载）", interactive=False, visible=False)
                    with gr.Column(scale=4):
                        s_cites = gr.Dataframe(elem_id="summary-cites", headers=sv.CITATION_HEADERS, label="草稿中的数字及来源（点击一行查看记录）",
                                               interactive=False, wrap=True, max_height=640,
                                               column_widths=["22%", "34%", "28%", "16%"])
                s_ids = gr.Textbox(elem_id="summary-ids", label="来源记录编号", lines=1,
                                   info="点击“计算出的数据”或“草稿中的数字及来源”中的一行，这里会列出对应的记录编号；也可以自己输入编号查询")
                s_src = gr.Dataframe(elem_id="summary-src", headers=sv.RECORD_HEADERS + ["摘要"], label="来源记录",
                                     interactive=False, wrap=True, max_height=420,
                                     column_widths=["10%", "9%", "20%", "8%", "7%", "16%", "30%"])
                s_sum, s_hl, s_table = check_panel("检查结果", "summary")
                s_facts_state = gr.State([])
                s_state = gr.State(None)

            # ---------------------------------------------------------------- 审核
            with gr.Tab("审核", id="review"):
                gr.Markdown("上传一份或多份稿件（.docx / .txt），或直接粘贴文字，点“开始审核”。每份稿件都可以下载带批注的 Word 文档。",
                            elem_classes="bg-help")
                with gr.Row():
                    with gr.Column(scale=5):
                        r_files = UploadFile(elem_id="review-files", label="上传稿件（可多选，.docx / .txt / .md）", file_count="multiple",
                                          file_types=[".docx", ".txt", ".md"], height=150)
                        r_text = gr.Textbox(elem_id="review-text", label="或直接粘贴文字", lines=8, max_lines=30,
                                            placeholder="没有上传文件时，审核这里的文字")
                    with gr.Column(scale=3):
                        r_kind = gr.Radio(list(sv.KIND_CHOICES), value="自动识别", label="文种")
                        r_source = gr.Dropdown(label="用活动记录核对文中数字", choices=number_sources(ch), value=NO_GROUNDING,
                                               allow_custom_value=True,
                                               info="审核年度总结时，选择对应的单位和年份")
                        r_go = gr.Button("开始审核", elem_id="review-go", variant="primary", size="lg")
                r_summary = gr.Dataframe(elem_id="review-summary", headers=sv.SUMMARY_HEADERS, label="审核汇总（每份稿件一行）", interactive=False,
                                         wrap=True)
                with gr.Row():
                    r_pick = gr.Dropdown(elem_id="review-pick", label="查看哪一份", choices=[], scale=2)
                    r_cats = gr.CheckboxGroup(elem_id="review-cats", label="只看这些类别", choices=[], scale=5)
                r_sum = gr.HTML(elem_id="review-count")
                r_hl = gr.HighlightedText(elem_id="review-highlight", label="原文（问题处已标色，颜色对应类别）", color_map=sv.CATEGORY_COLORS,
                                          show_legend=True, combine_adjacent=False, interactive=False)
                r_table = gr.Dataframe(elem_id="review-findings", headers=sv.FINDING_HEADERS, label="问题清单", wrap=True, interactive=False,
                                       max_height=420, column_widths=["6%", "8%", "8%", "11%", "18%", "29%", "20%"])
                with gr.Row():
                    r_docs = gr.File(elem_id="review-docs", label="带批注的 Word 文档（逐份下载）", file_count="multiple", interactive=False,
                                     visible=False)
                    r_zip = gr.File(elem_id="review-zip", label="全部打包下载（.zip，含汇总表）", interactive=False, visible=False)
                r_state = gr.State([])

            # ---------------------------------------------------------------- 资料库
            with gr.Tab("资料库", id="library"):
                with gr.Tabs():
                    with gr.Tab("导入活动记录", id="lib-import"):
                        gr.Markdown("上传活动记录表（.csv 或 .json）。上传后先预览和检查，有问题的行会列出来；确认无误再点“导入”。"
                                    "一行有错时默认整份不导入，不会只导入一半。", elem_classes="bg-help")
                        with gr.Row():
                            l_file = UploadFile(elem_id="records-file", label="活动记录文件（.csv / .json）", file_types=[".csv", ".json"], height=150,
                                             scale=3)
                            with gr.Column(scale=2):
                                l_skip = gr.Checkbox(elem_id="records-skip", label="跳过有问题的行，只导入正确的记录", value=False)
                                l_go = gr.Button("导入", elem_id="records-go", variant="primary")
                        l_msg = gr.HTML(elem_id="records-msg")
                        l_problems = gr.Dataframe(elem_id="records-problems", headers=sv.PROBLEM_HEADERS, label="有问题的行", interactive=False,
                                                  wrap=True, column_widths=["15%", "85%"])
                        l_preview = gr.Dataframe(elem_id="records-preview", headers=sv.RECORD_HEADERS, label="预览（可以导入的记录）", interactive=False,
                                                 max_height=360, wrap=True)
                    with gr.Tab("添加或修改一条记录", id="lib-record"):
                        gr.Markdown("填写一条活动记录后点“保存记录”。要修改已有记录，先输入编号点“载入”。带 * 的必填。",
                                    elem_classes="bg-help")
                        with gr.Row():
                            f_id = gr.Textbox(label="编号 *", placeholder="如 qh2025-052", scale=2)
                            f_load = gr.Button("载入", scale=1)
                            f_date = gr.Textbox(label="日期 *", placeholder="2025-03-18", scale=2)
                            f_cat = gr.Dropdown(label="类别 *", choices=[], allow_custom_value=True, scale=2)
                        with gr.Row():
                            f_title = gr.Textbox(label="活动名称 *", scale=3)
                            f_org = gr.Dropdown(label="单位 *", choices=ch.orgs, value=ch.default_org,
                                                allow_custom_value=True, scale=2)
                        with gr.Row():
                            f_loc = gr.Textbox(label="地点")
                            f_organizer = gr.Textbox(label="组织者")
                            f_people = gr.Number(label="参与人数", precision=0, minimum=0)
                        f_summary = gr.Textbox(label="摘要", lines=3)
                        f_metrics = gr.Textbox(label="指标（每行一项，如：服务时长=160）", lines=3)
                        f_save = gr.Button("保存记录", variant="primary")
                        f_msg = gr.HTML(elem_id="record-msg")
                    with gr.Tab("上传过往文档", id="lib-docs"):
                        gr.Markdown("上传本单位以前的新闻稿、工作总结（.docx / .txt / .md），起草时会参考它们的写法。",
                                    elem_classes="bg-help")
                        d_files = UploadFile(label="过往文档（可多选）", file_count="multiple", file_types=[".docx", ".txt", ".md"],
                                          height=150)
                        with gr.Row():
                            d_kind = gr.Radio(list(sv.KIND_CHOICES), value="自动识别", label="文档类型")
                            d_org = gr.Dropdown(label="单位", choices=ch.orgs, value=None, allow_custom_value=True)
                            d_year = gr.Textbox(label="年份（可不填，自动识别）", placeholder="如 2024")
                        d_go = gr.Button("上传并加入资料库", variant="primary")
                        d_msg = gr.HTML(elem_id="docs-msg")
                    with gr.Tab("资料库概况与搜索", id="lib-overview"):
                        with gr.Row():
                            q_text = gr.Textbox(label="搜索资料库", placeholder="如：敬老院 志愿服务", scale=4)
                            q_kind = gr.Radio(["不限", "新闻稿", "年度总结"], value="不限", label="类型", scale=3)
                            q_org = gr.Dropdown(label="单位", choices=["（全部）"] + ch.orgs, value="（全部）",
                                                allow_custom_value=True, scale=3)
                            q_year = gr.Textbox(label="年份", placeholder="不限", scale=1)
                        q_go = gr.Button("搜索", variant="primary")
                        q_results = gr.Dataframe(headers=sv.SEARCH_HEADERS, label="搜索结果", interactive=False, wrap=True)
                        with gr.Row():
                            o_refresh = gr.Button("刷新概况")
                            o_reindex = gr.Button("重建索引（更换向量模型设置后使用）")
                        o_msg = gr.HTML()
                        with gr.Row():
                            o_stats = gr.Dataframe(elem_id="library-stats", headers=["内容", "分类", "数量"], label="资料库里有什么", interactive=False,
                                                   max_height=420, scale=2)
                            o_docs = gr.Dataframe(headers=sv.DOC_HEADERS, label="过往文档", interactive=False,
                                                  max_height=420, wrap=True, scale=3,
                                                  column_widths=["42%", "10%", "24%", "8%", "16%"])

            # ---------------------------------------------------------------- 设置与状态
            with gr.Tab("设置与状态", id="status"):
                gr.Markdown("这里显示当前的模型服务和资料库状态。模型服务通过环境变量配置（OPENAI_BASE_URL、OPENAI_API_KEY、"
                            "WRITER_MODEL），密钥不会在页面上显示。没有配置模型时，使用离线起草器，功能照常可用。",
                            elem_classes="bg-help")
                t_table = gr.Dataframe(elem_id="status-table", headers=["项目", "当前状态"], interactive=False, wrap=True,
                                       column_widths=["25%", "75%"])
                with gr.Row():
                    t_refresh = gr.Button("刷新状态")
                    t_ping = gr.Button("测试模型连接", elem_id="status-ping", variant="primary")
                t_msg = gr.HTML(elem_id="status-msg")

        # ---------------------------------------------------------------- events
        model = dict(concurrency_id="model", concurrency_limit=MODEL_CONCURRENCY)
        checking = dict(concurrency_id="check", concurrency_limit=CHECK_CONCURRENCY)
        writing = dict(concurrency_id="library-write", concurrency_limit=1)

        n_file.upload(news_notes_file, n_file, n_notes, api_name="news_notes_file")
        n_photos.change(news_photos, n_photos, n_gallery, api_name="news_photos")
        n_go.click(news_draft, [n_notes, n_photos, n_org], [n_draft, n_status, n_similar, n_state, n_file_out],
                   api_name="news_draft", **model)
        n_check.click(news_check, n_draft, [n_sum, n_hl, n_table], api_name="news_check", scroll_to_output=True,
                      **checking)
        n_word.click(news_docx, [n_draft, n_state, n_org], n_file_out, api_name="news_docx")

        n_hist.focus(news_history_list, None, n_hist, api_name="news_history_list")
        n_hist_go.click(news_history, n_hist, [n_draft, n_status, n_state, n_org], api_name="news_history")
        s_hist.focus(summary_history_list, None, s_hist, api_name="summary_history_list")
        s_hist_go.click(summary_history, s_hist, [s_draft, s_status, s_cites, s_state], api_name="summary_history")

        overview_out = [s_note, s_chart, s_cats, s_facts, s_records, s_similar, s_facts_state]
        s_org.input(summary_years, s_org, s_year, api_name="summary_years").then(
            summary_overview, [s_org, s_year], overview_out, api_name="summary_overview_after_org",
            api_visibility="private")
        s_year.input(summary_overview, [s_org, s_year], overview_out, api_name="summary_overview")
        s_facts.select(_ids_from_fact, s_facts_state, s_ids, api_name="fact_select", api_visibility="private")
        s_cites.select(_ids_from_citation, s_state, s_ids, api_name="citation_select", api_visibility="private")
        s_ids.change(records_lookup, s_ids, s_src, api_name="records_lookup")
        s_go.click(summary_draft, [s_org, s_year], [s_draft, s_status, s_cites, s_state], api_name="summary_draft",
                   **model)
        s_check.click(summary_check, [s_draft, s_org, s_year, s_state], [s_sum, s_hl, s_table], api_name="summary_check",
                      scroll_to_output=True, **checking)
        s_word.click(summary_docx, [s_draft, s_state, s_org], s_file_out, api_name="summary_docx")

        r_go.click(review, [r_files, r_text, r_kind, r_source],
                   [r_summary, r_pick, r_cats, r_sum, r_hl, r_table, r_zip, r_docs, r_state], api_name="review",
                   **checking)
        r_pick.input(review_pick, [r_pick, r_state], [r_cats, r_sum, r_hl, r_table], api_name="review_pick")
        r_cats.input(review_show, [r_pick, r_cats, r_state], [r_sum, r_hl, r_table], api_name="review_filter")
        r_text.submit(review_text, [r_text, r_kind], [r_sum, r_hl, r_table], api_name="review_text", **checking)

        choice_outputs = [n_org, s_org, s_year, r_source, d_org, f_org, f_cat, q_org]
        l_file.upload(records_preview, l_file, [l_msg, l_preview, l_problems], api_name="records_preview")
        l_go.click(records_import, [l_file, l_skip], [l_msg, l_problems], api_name="records_import", **writing).then(
            update_choices, None, choice_outputs, api_name="refresh_after_import", api_visibility="private")
        form = [f_id, f_date, f_title, f_cat, f_org, f_loc, f_organizer, f_people, f_summary, f_metrics]
        f_load.click(record_load, f_id, form + [f_msg], api_name="record_load")
        f_save.click(record_save, form, f_msg, api_name="record_save", **writing).then(
            update_choices, None, choice_outputs, api_name="refresh_after_save", api_visibility="private")
        d_go.click(docs_upload, [d_files, d_kind, d_org, d_year], d_msg, api_name="docs_upload", **writing).then(
            update_choices, None, choice_outputs, api_name="refresh_after_upload", api_visibility="private")
        q_go.click(library_search, [q_text, q_kind, q_org, q_year], q_results, api_name="library_search")
        q_text.submit(library_search, [q_text, q_kind, q_org, q_year], q_results, api_name="library_search_enter",
                      api_visibility="private")
        o_refresh.click(library_stats, None, [o_stats, o_docs], api_name="library_stats")
        o_reindex.click(library_reindex, None, o_msg, api_name="library_reindex", **writing)

        t_refresh.click(status, None, t_table, api_name="status")
        t_ping.click(model_ping, None, t_msg, api_name="model_ping")

        demo.load(refresh_choices, None, choice_outputs, api_name="refresh_choices").then(
            summary_overview, [s_org, s_year], overview_out, api_name="overview_on_load", api_visibility="private").then(
            library_stats, None, [o_stats, o_docs], api_name="stats_on_load", api_visibility="private").then(
            status, None, t_table, api_name="status_on_load", api_visibility="private")
    return demo


# --------------------------------------------------------------------------------------------------
# Start-up
# --------------------------------------------------------------------------------------------------


def bootstrap() -> None:
    """First start with an empty library: import the bundled sample corpus, with progress on the console."""
    shown = {"last": -1}

    def progress(done: int, total: int, name: str) -> None:
        pct = int(100 * done / max(total, 1))
        if pct // 10 != shown["last"] // 10 or done == total:
            shown["last"] = pct
            print(f"  导入样例资料 {done}/{total}（{pct}%）", file=sys.stderr, flush=True)

    library = lib()
    if library.is_empty():
        print(f"首次启动：资料库为空，正在导入自带的样例资料（{SETTINGS.corpus_dir}）……", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        report = sv.ensure_corpus(library, SETTINGS, progress)
        if report is not None:
            took = time.perf_counter() - t0
            print(f"样例资料导入完成（{took:.1f} 秒）：{report.summary()}", file=sys.stderr, flush=True)
            STARTUP["note"] = (f"首次启动：资料库原本是空的，已自动导入自带的样例资料（{report.summary()}）。"
                               "可以在“资料库”页导入你们自己的记录和文档。")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ui.py", description="笔杆 Writer 网页界面")
    parser.add_argument("--host", default=os.environ.get("WRITER_HOST") or "127.0.0.1",
                        help="监听地址（默认 127.0.0.1，仅本机可访问；WRITER_HOST 可设置）")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WRITER_PORT") or 7860),
                        help="端口（默认 7860；WRITER_PORT 可设置）")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "bm25s", "chromadb", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    TEMP_DIR.mkdir(parents=True, exist_ok=True)
    sv.prune(TEMP_DIR / "writer-out", max_age_days=7)  # downloads written more than a week ago
    try:
        auth = sv.parse_auth(SETTINGS.auth)
        bootstrap()
    except WriterError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    STARTUP["host"] = f"{args.host}:{args.port}"
    if args.host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print("警告：正在监听非本机地址且未开启登录（WRITER_AUTH），局域网内任何人都能访问。", file=sys.stderr)
    demo = build_app()
    demo.queue(default_concurrency_limit=2, max_size=256)
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        auth=auth or None,
        auth_message="请输入管理员分配的用户名和密码。" if auth else None,
        max_file_size=sv.MAX_UPLOAD_BYTES,
        theme=theme(),
        css=CSS,
        show_error=False,
        footer_links=["api"],
        inbrowser=False,
        ssr_mode=False,
        head=HEAD,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""End-to-end: each tab's main path in real headless Chromium (Debian's /usr/bin/chromium) against a real
`python ui.py` on 127.0.0.1 with a fresh WRITER_HOME. Screenshots of every tab go to artifacts/screenshots/.

Playwright is driven directly (its sync API) in fixtures of this module, so nothing in the shared conftest
has to change; pytest-playwright's own fixtures are not used.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import writer  # noqa: F401  (offline switches)
from ui_server import ROOT, start_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "artifacts" / "screenshots"
CORPUS = ROOT / "corpus"
FLAWED = ROOT / "tests" / "data" / "check" / "flawed"
TIMEOUT = 30_000

sync_api = pytest.importorskip("playwright.sync_api")
docx = pytest.importorskip("docx")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-wqy-microhei)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("ui-browser") / "home")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def ui(chromium, server):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server.url)
    pg.get_by_role("tab", name="新闻稿").wait_for()
    pg.errors = errors
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def textarea(page, elem_id: str):
    return page.locator(f"#{elem_id} textarea")


def wait_value(page, elem_id: str, pattern: str) -> str:
    """Wait until the textbox's value matches `pattern` (a regex); return the value."""
    page.wait_for_function(
        "([sel, pat]) => { const el = document.querySelector(sel); return el && new RegExp(pat).test(el.value); }",
        arg=[f"#{elem_id} textarea", pattern], timeout=TIMEOUT)
    return textarea(page, elem_id).input_value()


def download(page, elem_id: str, tmp_path: Path, nth: int = 0) -> Path:
    link = page.locator(f"#{elem_id} a").nth(nth)
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def comment_count(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        if "word/comments.xml" not in zf.namelist():
            return 0
        return zf.read("word/comments.xml").decode("utf-8").count("<w:comment ")


# ------------------------------------------------------------------------------------------ 新闻稿


def test_news_notes_to_draft_check_and_docx(ui, tmp_path):
    page = ui
    notes = (CORPUS / "notes" / "01-敬老院慰问.txt").read_text(encoding="utf-8")
    textarea(page, "news-notes").fill(notes)
    page.locator("#news-photos input[type=file]").set_input_files(str(CORPUS / "photos" / "01-敬老院慰问-1.jpg"))
    page.locator("#news-gallery").get_by_text("2025-03-05 拍摄").filter(visible=True).first.wait_for()  # EXIF date under the preview
    page.locator("#news-go").click()
    page.locator("#news-status").get_by_text("已保存到历史记录").filter(visible=True).first.wait_for()
    draft = wait_value(page, "news-draft", "福寿敬老院")
    assert "图1：" in draft
    title = draft.split("\n")[0]

    # the user edits in place, then checks
    textarea(page, "news-draft").fill(draft.replace(title, "志愿者走进福寿敬老院 学雷锋 情暖夕阳红", 1))
    page.locator("#news-check").click()
    page.locator("#news-count").get_by_text("处问题").filter(visible=True).first.wait_for()
    marked = page.locator("#news-highlight .highlighted")
    assert marked.count() >= 1
    assert "待补充" in " ".join(marked.all_inner_texts())
    page.locator("#news-findings").get_by_text("占位符未替换").filter(visible=True).first.wait_for()

    page.locator("#news-word").click()
    path = download(page, "news-docx", tmp_path)
    document = docx.Document(path)
    assert document.paragraphs[0].text == "志愿者走进福寿敬老院 学雷锋 情暖夕阳红"
    assert len(document.inline_shapes) == 1
    page.get_by_text("相似的往期稿件").filter(visible=True).first.click()
    page.locator("#news-similar .bg-hit").filter(visible=True).first.wait_for()
    shot(page, "1-新闻稿")
    assert not page.errors


def test_script_in_notes_shows_as_text(ui):
    page = ui
    hostile = ('<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">义卖活动\n'
               "时间：2025年5月20日\n地点：学院广场\n参加：志愿者20人\n<b>粗体</b>同学们积极参与。\n")
    textarea(page, "news-notes").fill(hostile)
    page.locator("#news-go").click()
    page.locator("#news-status").get_by_text("已保存到历史记录").filter(visible=True).first.wait_for()
    draft = wait_value(page, "news-draft", "script")
    assert "<script>window.pwned = 1</script>" in draft  # kept as the user's text
    page.locator("#news-check").click()
    page.locator("#news-count").get_by_text("处问题").filter(visible=True).first.wait_for()
    shown = page.locator("#news-highlight").inner_text()
    assert "<script>window.pwned = 1</script>" in shown  # rendered as text, not run
    assert "<b>粗体</b>" in shown
    page.get_by_text("相似的往期稿件").filter(visible=True).first.click()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#news-highlight script, #news-highlight img, #news-similar script").count() == 0
    assert not page.errors


def test_markup_in_records_shows_as_text_in_tables(ui, server, tmp_path):
    from gradio_client import Client

    page = ui
    client = Client(server.url, verbose=False, download_files=str(tmp_path))
    client.predict("xss-1", "2025-06-01", '<img src=x onerror="window.pwned = 3">联谊会', "文体活动", "浏览器测试单位",
                   "<b>礼堂</b>", "", 30, "<script>window.pwned = 4</script>摘要", "", api_name="/record_save")
    open_tab(page, "年度总结")
    textarea(page, "summary-ids").fill("xss-1")
    page.locator("#summary-src").get_by_text("<script>window.pwned = 4</script>摘要").filter(visible=True).first.wait_for()
    page.locator("#summary-src").get_by_text('<img src=x onerror="window.pwned = 3">联谊会').filter(
        visible=True).first.wait_for()
    assert page.locator("#summary-src img, #summary-src script, #summary-src b").count() == 0
    assert page.evaluate("window.pwned") is None


# ------------------------------------------------------------------------------------------ 年度总结


def test_summary_choose_year_four_parts_traced_and_docx(ui, tmp_path):
    page = ui
    open_tab(page, "年度总结")
    page.locator("#summary-note").get_by_text("2025年共有 51 条活动记录").filter(visible=True).first.wait_for()  # latest year preselected
    page.locator("#summary-chart canvas, #summary-chart svg").filter(visible=True).first.wait_for()
    page.locator("#summary-year input").click()
    page.get_by_role("option", name="2024").click()
    page.locator("#summary-note").get_by_text("2024年共有 60 条活动记录").filter(visible=True).first.wait_for()

    page.locator("#summary-facts").get_by_text("全年开展活动总数").filter(visible=True).first.click()
    ids = wait_value(page, "summary-ids", "qh2024-")
    assert len(ids.split("、")) > 10
    page.locator("#summary-src").get_by_text("qh2024-001").filter(visible=True).first.wait_for()

    page.locator("#summary-go").click()
    page.locator("#summary-status").get_by_text("4 个部分").filter(visible=True).first.wait_for()
    text = wait_value(page, "summary-draft", "四、下一步工作打算")
    positions = [text.index(p) for p in ("一、基本情况", "二、主要成效", "三、存在的问题", "四、下一步工作打算")]
    assert positions == sorted(positions)
    assert "2024年" in text.split("\n")[0]

    page.locator("#summary-cites").get_by_text("一、基本情况").filter(visible=True).first.click()  # a figure → its records
    wait_value(page, "summary-ids", "qh202[34]-")

    page.locator("#summary-check").click()
    page.locator("#summary-count").get_by_text("处问题").filter(visible=True).first.wait_for()
    page.locator("#summary-word").click()
    path = download(page, "summary-docx", tmp_path)
    body = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "四、下一步工作打算" in body
    page.locator("#summary-status").scroll_into_view_if_needed()
    shot(page, "2-年度总结")
    assert not page.errors


# ------------------------------------------------------------------------------------------ 审核


def test_review_flawed_docx_findings_highlighted_and_commented(ui, tmp_path):
    page = ui
    flawed = tmp_path / "志愿服务稿件.docx"
    lines = (FLAWED / "f05-news-typos.txt").read_text(encoding="utf-8").splitlines()
    lines.insert(4, "在学院党委的正确领导下，志愿者们凝心聚力、真抓实干，活动取得了圆满成功。")  # padding too
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(flawed)
    open_tab(page, "审核")
    page.locator("#review-files input[type=file]").set_input_files(
        [str(flawed), str(FLAWED / "f01-summary-padding.txt")])
    page.locator("#review-files").get_by_text("f01-summary-padding").filter(visible=True).first.wait_for()
    page.locator("#review-go").click()
    page.locator("#review-summary").get_by_text("志愿服务稿件.docx").filter(visible=True).first.wait_for()
    page.locator("#review-count").get_by_text("处问题").filter(visible=True).first.wait_for()
    marked = page.locator("#review-highlight .highlighted")
    assert marked.count() >= 3
    page.locator("#review-findings").get_by_text("错别字").filter(visible=True).first.wait_for()

    # filter by category: untick every category but 错别字, only typos stay in the list
    labels = page.locator("#review-cats label")
    others = [t.strip() for t in labels.all_inner_texts() if t.strip() != "错别字"]
    assert others, "the flawed file should have more than one category of finding"
    for name in others:
        labels.filter(has_text=name).click()
        page.locator("#review-count").get_by_text("已按类别筛选").filter(visible=True).first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#review-findings td')].every(td => !/空话套话|标点符号|缺少数据/.test(td.innerText))")
    page.locator("#review-findings").get_by_text("错别字").filter(visible=True).first.wait_for()

    path = download(page, "review-docs", tmp_path)
    assert path.suffix == ".docx" and comment_count(path) >= 3
    zipped = download(page, "review-zip", tmp_path)
    with zipfile.ZipFile(zipped) as zf:
        assert "审核汇总.csv" in zf.namelist()
    shot(page, "3-审核")
    assert not page.errors


# ------------------------------------------------------------------------------------------ 资料库


def test_csv_with_a_bad_row_shows_the_error_and_imports_nothing(ui, server, tmp_path):
    page = ui
    from gradio_client import Client

    client = Client(server.url, verbose=False, download_files=str(tmp_path))
    count = lambda: dict(((r[0], r[1]), r[2]) for r in client.predict(api_name="/library_stats")[0]["data"])  # noqa: E731
    before = count()[("活动记录", "合计")]
    csv_path = tmp_path / "活动记录.csv"
    csv_path.write_text("编号,日期,标题,类别,单位,参与人数\n"
                        "br-001,2025-05-01,浏览器测试活动一,培训,浏览器测试单位,10\n"
                        "br-002,2025-02-30,浏览器测试活动二,培训,浏览器测试单位,12\n"
                        "br-003,2025-06-01,浏览器测试活动三,培训,浏览器测试单位,-5\n", encoding="utf-8")
    open_tab(page, "资料库")
    page.locator("#records-file input[type=file]").set_input_files(str(csv_path))
    page.locator("#records-problems").get_by_text("日期“2025-02-30”不存在").filter(visible=True).first.wait_for()
    assert page.locator("#records-problems").get_by_text("第3行").count()
    assert page.locator("#records-problems").get_by_text("第4行").count()
    page.locator("#records-go").click()
    page.locator("#records-msg").get_by_text("未导入任何记录").filter(visible=True).first.wait_for()
    assert count()[("活动记录", "合计")] == before
    shot(page, "4-资料库")
    assert not page.errors


def test_library_overview_and_status_tabs(ui):
    page = ui
    open_tab(page, "资料库")
    page.get_by_role("tab", name="资料库概况与搜索").click()
    page.locator("#library-stats").get_by_text("过往文档").filter(visible=True).first.wait_for()
    shot(page, "5-资料库概况")
    open_tab(page, "设置与状态")
    page.locator("#status-table").get_by_text("离线起草（未配置模型服务）").filter(visible=True).first.wait_for()
    page.locator("#status-ping").click()
    page.locator("#status-msg").get_by_text("没有配置模型服务").filter(visible=True).first.wait_for()
    shot(page, "6-设置与状态")
    assert not page.errors


def test_errors_are_chinese_messages_in_the_page(ui):
    page = ui
    page.locator("#news-go").click()
    page.get_by_text("请先填写或上传活动笔记").filter(visible=True).first.wait_for()
    assert not page.get_by_text("Traceback").count()
    shot(page, "7-错误提示")


# ------------------------------------------------------------------------------------------ login


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("ui-browser-auth") / "home", {"WRITER_AUTH": "secretary:s3cret"})
    yield srv
    srv.stop()


def test_login_is_required_when_writer_auth_is_set(chromium, auth_server):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(auth_server.url)
        page.get_by_text("请输入管理员分配的用户名和密码").wait_for()
        assert page.get_by_role("tab", name="新闻稿").count() == 0
        user, password = page.locator("input").nth(0), page.locator("input[type=password]")
        user.fill("secretary")
        password.fill("wrong")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("凭据不正确").wait_for()
        assert page.get_by_role("tab", name="新闻稿").count() == 0
        shot(page, "0-登录")
        user.fill("secretary")
        password.fill("s3cret")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("tab", name="新闻稿").wait_for()
    finally:
        context.close()


def test_too_large_upload_is_refused_in_chinese(ui, tmp_path):
    page = ui
    huge = tmp_path / "整本年鉴.txt"
    with huge.open("wb") as fh:
        fh.truncate(26 * 1024 * 1024)
    open_tab(page, "审核")
    page.locator("#review-files input[type=file]").set_input_files(str(huge))
    toast = page.get_by_text("超过了 25 MB 的上限").filter(visible=True).first
    toast.wait_for()
    assert "整本年鉴.txt" in toast.inner_text()
    assert not page.get_by_text("exceed the maximum").count()

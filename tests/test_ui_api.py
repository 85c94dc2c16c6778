"""The web UI's named API endpoints, driven with gradio_client against a real `python ui.py` on 127.0.0.1.

One server (fresh WRITER_HOME, sample corpus loaded at first start) serves the tests without login; a
second one runs with WRITER_AUTH and a model endpoint (a local fake OpenAI server) to prove that nobody
gets in without a password, the key never reaches a page, and a failing model still yields a draft.
"""

from __future__ import annotations

import io
import zipfile

import pytest

import writer  # noqa: F401  (offline switches)
from fake_openai import FakeOpenAI
from ui_server import ROOT, start_server

gradio_client = pytest.importorskip("gradio_client")
docx = pytest.importorskip("docx")
from gradio_client import Client, handle_file  # noqa: E402

CORPUS = ROOT / "corpus"
FLAWED = ROOT / "tests" / "data" / "check" / "flawed"
ORG = "青禾职业技术学院团委"
SECRET = "sk-test-DO-NOT-SHOW-0123456789abcdef"

ENDPOINTS = {
    "/news_notes_file", "/news_photos", "/news_draft", "/news_check", "/news_docx",
    "/summary_years", "/summary_overview", "/records_lookup", "/summary_draft", "/summary_check", "/summary_docx",
    "/review", "/review_pick", "/review_filter", "/review_text",
    "/records_preview", "/records_import", "/record_load", "/record_save", "/docs_upload",
    "/library_stats", "/library_search", "/library_reindex", "/status", "/model_ping", "/refresh_choices",
    "/news_history_list", "/news_history", "/summary_history_list", "/summary_history",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("ui-api") / "home")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server, tmp_path_factory):
    return Client(server.url, verbose=False, download_files=str(tmp_path_factory.mktemp("downloads")))


def rows(table) -> list[list]:
    return table["data"] if isinstance(table, dict) else table


def value_of(output):
    """A component's value, whether the endpoint returned it plainly or inside an update (e.g. made visible)."""
    if isinstance(output, dict) and output.get("__type__") == "update":
        return output.get("value")
    return output


def error_of(fn, *args, **kwargs) -> str:
    with pytest.raises(Exception) as info:
        fn(*args, **kwargs)
    return str(info.value)


def docx_text(path) -> str:
    return "\n".join(p.text for p in docx.Document(path).paragraphs)


def comments_in(path) -> int:
    with zipfile.ZipFile(path) as zf:
        if "word/comments.xml" not in zf.namelist():
            return 0
        return zf.read("word/comments.xml").decode("utf-8").count("<w:comment ")


# ------------------------------------------------------------------------------------------ general


def test_every_action_has_a_named_endpoint(client):
    named = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert ENDPOINTS <= named, ENDPOINTS - named


def test_first_start_loaded_the_sample_corpus_and_said_so(server, client):
    assert "首次启动" in server.log_text()
    stats = {(r[0], r[1]): r[2] for r in rows(client.predict(api_name="/library_stats")[0])}
    assert stats[("过往文档", "合计")] >= 30
    assert stats[("活动记录", "合计")] >= 100


def test_uploads_and_temp_files_stay_under_writer_home(server, client):
    client.predict([handle_file(CORPUS / "photos" / "01-敬老院慰问-1.jpg")], api_name="/news_photos")
    tmp = server.home / "uploads" / "tmp"
    assert any(p.name == "01-敬老院慰问-1.jpg" for p in tmp.rglob("*.jpg"))


def test_defaults_preselect_the_org_and_latest_year(client):
    out = client.predict(api_name="/refresh_choices")
    news_org, summary_org, summary_year = out[0], out[1], out[2]
    assert summary_org["value"] == ORG and news_org["value"] == ORG
    assert summary_year["value"] == "2025"


# ------------------------------------------------------------------------------------------ 新闻稿


def test_news_notes_photos_draft_check_docx(client):
    notes = client.predict(handle_file(CORPUS / "notes" / "01-敬老院慰问.txt"), api_name="/news_notes_file")
    assert "敬老院" in notes
    gallery = client.predict([handle_file(CORPUS / "photos" / "01-敬老院慰问-1.jpg")], api_name="/news_photos")
    assert "2025-03-05 拍摄" in gallery[0]["caption"]

    photo = handle_file(CORPUS / "photos" / "01-敬老院慰问-1.jpg")
    text, status, similar, _file = client.predict(notes, [photo], ORG, api_name="/news_draft")
    assert text.startswith("学雷锋日｜38名志愿者走进江川市福寿敬老院")  # the offline headline
    assert "历史记录 #" in status
    assert "bg-hit" in similar  # similar past stories with their sources
    assert "图1：" in text

    summary, highlighted, table = client.predict(text, api_name="/news_check")
    assert "处问题" in summary
    labels = {h["class_or_confidence"] for h in highlighted if h["class_or_confidence"]}
    assert "占位符未替换" in labels
    assert "".join(h["token"] for h in highlighted) == text  # highlighting keeps the text whole
    assert any(r[3] == "占位符未替换" for r in rows(table))

    edited = "志愿者走进福寿敬老院" + text[text.index("\n"):]  # the user retitles the draft
    path = value_of(client.predict(edited, ORG, api_name="/news_docx"))
    document = docx.Document(path)
    assert document.paragraphs[0].text == "志愿者走进福寿敬老院"
    assert len(document.inline_shapes) == 1  # the photo


def test_saved_drafts_can_be_brought_back(client):
    notes = (CORPUS / "notes" / "03-专题讲座.txt").read_text(encoding="utf-8")
    text = client.predict(notes, None, ORG, api_name="/news_draft")[0]
    choices = [c[0] for c in client.predict(api_name="/news_history_list")["choices"]]
    assert choices and choices[0].split("　")[2] == text.split("\n")[0]
    loaded, status, _org = client.predict(choices[0], api_name="/news_history")
    assert loaded == text and "已载入历史记录" in status
    client.predict(ORG, "2025", api_name="/summary_draft")
    summaries = [c[0] for c in client.predict(api_name="/summary_history_list")["choices"]]
    loaded, status, cites = client.predict(summaries[0], api_name="/summary_history")
    assert "四、下一步工作打算" in loaded and rows(cites)
    assert "不是年度总结" in error_of(client.predict, choices[0], api_name="/summary_history")


def test_news_refuses_bad_input_with_chinese_messages(client, tmp_path):
    assert "请先填写" in error_of(client.predict, "   ", None, "", api_name="/news_draft")
    fake = tmp_path / "照片.jpg"
    fake.write_text("不是图片", encoding="utf-8")
    assert "不是能识别的图片" in error_of(client.predict, [handle_file(fake)], api_name="/news_photos")
    wrong = tmp_path / "notes.exe"
    wrong.write_bytes(b"MZ\x00\x00")
    assert "不支持的文件类型" in error_of(client.predict, handle_file(wrong), api_name="/news_notes_file")
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"0" * (16 * 1024 * 1024))
    assert "太大" in error_of(client.predict, [handle_file(big)], api_name="/news_photos")
    assert "没有可检查的文字" in error_of(client.predict, "", api_name="/news_check")


def test_upload_over_the_server_limit_is_refused(client, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(26 * 1024 * 1024)
    with pytest.raises(Exception):
        client.predict([handle_file(huge)], "", "自动识别", "不核对数字", api_name="/review")


# ------------------------------------------------------------------------------------------ 年度总结


def test_summary_overview_facts_and_records(client):
    years = client.predict(ORG, api_name="/summary_years")
    assert years["value"] == "2025" and ["2024", "2024"] in years["choices"]
    note, chart, cats, facts, records, similar = client.predict(ORG, "2025", api_name="/summary_overview")
    assert "51 条活动记录" in note
    chart_rows = rows(chart)
    assert {"月份", "类别", "记录数"} <= set(chart["columns"] if "columns" in chart else chart["headers"])
    assert sum(r[2] for r in chart_rows) == 51
    assert rows(facts)[0][1] == "全年开展活动总数"
    assert len(rows(records)) == 51
    assert "工作总结" in similar
    found = client.predict("qh2025-001、qh2025-002", api_name="/records_lookup")
    assert [r[0] for r in rows(found)] == ["qh2025-001", "qh2025-002"]


def test_summary_draft_four_parts_traced_checked_exported(client):
    text, status, cites, = client.predict(ORG, "2025", api_name="/summary_draft")
    for part in ("一、基本情况", "二、主要成效", "三、存在的问题", "四、下一步工作打算"):
        assert part in text
    assert "4 个部分" in status
    cite_rows = rows(cites)
    assert cite_rows and all(r[3] for r in cite_rows)  # every cited figure names its records
    few = next(r[3] for r in cite_rows if not r[3].endswith("条记录"))
    assert {r[0] for r in rows(client.predict(few, api_name="/records_lookup"))} == set(few.split("、"))

    summary, highlighted, table = client.predict(text, ORG, "2025", api_name="/summary_check")
    assert not any(r[2] == "错误" and r[3] == "数据来源" for r in rows(table))  # figures match the records
    wrong = text.replace("共开展各类活动36项", "共开展各类活动361项")
    _, _, table = client.predict(wrong, ORG, "2025", api_name="/summary_check")
    assert any(r[3] in ("数据来源", "数字核对") and "361" in r[4] for r in rows(table))

    path = value_of(client.predict(text, ORG, api_name="/summary_docx"))
    body = docx_text(path)
    assert "一、基本情况" in body and ORG in body


def test_summary_without_records_says_what_to_do(client):
    assert "没有" in error_of(client.predict, ORG, "1999", api_name="/summary_overview")


# ------------------------------------------------------------------------------------------ 审核


def test_review_many_files_summary_highlight_filter_zip(client, tmp_path):
    flawed = tmp_path / "有问题的稿件.docx"
    d = docx.Document()
    for line in (FLAWED / "f05-news-typos.txt").read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(flawed)
    pdf = tmp_path / "改了扩展名.docx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    files = [flawed, FLAWED / "f01-summary-padding.txt", pdf]
    out = client.predict([handle_file(f) for f in files], "", "自动识别", "不核对数字", api_name="/review")
    summary, pick, cats, head, highlighted, table, zipped, docs = out
    zipped, docs = value_of(zipped), value_of(docs)
    by_name = {r[0]: r for r in rows(summary)}
    assert by_name["有问题的稿件.docx"][3] > 0  # errors counted
    assert "PDF" in by_name["改了扩展名.docx"][6]  # refused by content, the others still reviewed
    assert pick["value"] == "有问题的稿件.docx"
    assert "错别字" in [c[0] for c in cats["choices"]]
    assert any(h["class_or_confidence"] == "错别字" for h in highlighted)
    assert len(docs) == 2
    assert all(comments_in(p) > 0 for p in docs)
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
        assert "审核汇总.csv" in names and "有问题的稿件（审核意见）.docx" in names
        assert comments_in(io.BytesIO(zf.read("有问题的稿件（审核意见）.docx"))) > 0

    head, highlighted, table = client.predict("有问题的稿件.docx", ["错别字"], api_name="/review_filter")
    assert {r[3] for r in rows(table)} == {"错别字"}
    cats, head, highlighted, table = client.predict("f01-summary-padding.txt", api_name="/review_pick")
    assert "空话套话" in [c[0] for c in cats["choices"]]
    assert any(r[3] == "空话套话" for r in rows(table))


def test_review_pasted_text_and_grounding_against_records(client):
    out = client.predict(None, "2025年，青禾职业技术学院团委共开展各类活动361项。", "年度总结",
                         f"{ORG} 2025年", api_name="/review")
    assert rows(out[0])[0][0] == "粘贴的文本.txt"
    docs = value_of(out[7])
    assert len(docs) == 1 and comments_in(docs[0]) >= 1
    summary, highlighted, table = client.predict("会议取得了圆满成功，会议取得了圆满成功。", "自动识别",
                                                 api_name="/review_text")
    assert "处问题" in summary or "未发现问题" in summary


# ------------------------------------------------------------------------------------------ 资料库


def test_csv_with_a_bad_row_is_shown_and_nothing_is_imported(client, tmp_path):
    csv_path = tmp_path / "records.csv"
    csv_path.write_text("编号,日期,标题,类别,单位,参与人数\n"
                        "ui-001,2025-05-01,测试活动一,培训,界面测试单位,10\n"
                        "ui-002,2025-02-30,测试活动二,培训,界面测试单位,12\n", encoding="utf-8")
    before = {(r[0], r[1]): r[2] for r in rows(client.predict(api_name="/library_stats")[0])}
    msg, preview, problems = client.predict(handle_file(csv_path), api_name="/records_preview")
    assert rows(problems) == [["第3行", "日期“2025-02-30”不存在"]]
    assert [r[0] for r in rows(preview)] == ["ui-001"]
    msg, problems = client.predict(handle_file(csv_path), False, api_name="/records_import")
    assert "未导入任何记录" in msg and rows(problems)[0][0] == "第3行"
    after = {(r[0], r[1]): r[2] for r in rows(client.predict(api_name="/library_stats")[0])}
    assert after[("活动记录", "合计")] == before[("活动记录", "合计")]
    msg, problems = client.predict(handle_file(csv_path), True, api_name="/records_import")
    assert "新增 1 条" in msg and "跳过" in msg


def test_one_record_form_save_load_and_validation(client):
    msg = client.predict("ui-form-1", "2025/6/1", "表单测试活动", "培训", "界面测试单位", "礼堂", "团委", 20,
                         "摘要<script>alert(1)</script>", "培训人数=20", api_name="/record_save")
    assert "已新增记录 ui-form-1" in msg
    loaded = client.predict("ui-form-1", api_name="/record_load")
    assert loaded[:3] == ("ui-form-1", "2025-06-01", "表单测试活动") or list(loaded[:3]) == ["ui-form-1", "2025-06-01", "表单测试活动"]
    assert loaded[8] == "摘要<script>alert(1)</script>" and loaded[9] == "培训人数=20"
    msg = client.predict("ui-form-1", "2025-06-01", "表单测试活动（改）", "培训", "界面测试单位", "", "", None, "", "",
                         api_name="/record_save")
    assert "已更新" in msg
    assert "不存在" in error_of(client.predict, "ui-form-2", "2025-02-30", "x", "培训", "界面测试单位", "", "", None,
                               "", "", api_name="/record_save")
    assert "看不懂" in error_of(client.predict, "ui-form-2", "2025-02-03", "x", "培训", "界面测试单位", "", "", None,
                              "", "培训人数 很多", api_name="/record_save")
    assert "没有编号" in error_of(client.predict, "no-such-id", api_name="/record_load")


def test_documents_upload_stats_search_reindex(client, tmp_path):
    doc = tmp_path / "界面测试-往期稿件.txt"
    doc.write_text("界面测试单位举办紫藤花观赏会\n\n5月3日，界面测试单位在紫藤长廊举办观赏会，120名居民参加。",
                   encoding="utf-8")
    msg = client.predict([handle_file(doc)], "新闻稿", "界面测试单位", "2025", api_name="/docs_upload")
    assert "新增 1 篇" in msg
    stats, documents = client.predict(api_name="/library_stats")
    assert any(r[0] == "界面测试单位举办紫藤花观赏会" for r in rows(documents))
    hits = client.predict("紫藤花观赏会", "新闻稿", "界面测试单位", "", api_name="/library_search")
    assert rows(hits)[0][0] == "界面测试单位举办紫藤花观赏会"
    assert "索引已重建" in client.predict(api_name="/library_reindex")
    hits = client.predict("紫藤花观赏会", "不限", "（全部）", "2025", api_name="/library_search")
    assert rows(hits)[0][0] == "界面测试单位举办紫藤花观赏会"


# ------------------------------------------------------------------------------------------ 设置与状态


def test_status_and_model_ping_offline(client):
    table = dict((r[0], r[1]) for r in rows(client.predict(api_name="/status")))
    assert table["起草方式"].startswith("离线起草") and table["API 密钥"] == "未设置"
    assert "没有配置模型服务" in client.predict(api_name="/model_ping")


# ------------------------------------------------------------------------------------------ login, model, key


@pytest.fixture(scope="module")
def fake_model():
    reply = ("【标题】\n志愿者走进福寿敬老院\n【导语】\n2025年3月5日，38名志愿者走进江川市福寿敬老院[F1]。\n"
             "【正文】\n志愿者为老人量血压、理发。\n【结尾】\n活动将每月开展。\n【署名】\n（供稿：小陈）\n")
    with FakeOpenAI(reply=reply, chunk_chars=6) as fake:
        yield fake


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory, fake_model):
    env = {"WRITER_AUTH": "secretary:s3cret,reviewer:r3view", "OPENAI_BASE_URL": fake_model.base_url,
           "OPENAI_API_KEY": SECRET, "WRITER_MODEL": "fake-model", "WRITER_MAX_RETRIES": "0", "WRITER_TIMEOUT": "5"}
    srv = start_server(tmp_path_factory.mktemp("ui-auth") / "home", env)
    yield srv
    srv.stop()


def test_without_login_every_page_and_endpoint_is_refused(auth_server):
    import httpx

    with pytest.raises(Exception):
        Client(auth_server.url, verbose=False)
    with pytest.raises(Exception):
        Client(auth_server.url, auth=("secretary", "wrong"), verbose=False)
    for path in ("/config", "/gradio_api/info"):
        assert httpx.get(auth_server.url + path).status_code == 401
    for path in ("/gradio_api/queue/join", "/gradio_api/upload", "/gradio_api/call/status"):
        assert httpx.post(auth_server.url + path, json={}).status_code == 401


def test_logged_in_model_draft_streams_and_key_is_never_shown(auth_server, fake_model, tmp_path):
    client = Client(auth_server.url, auth=("reviewer", "r3view"), verbose=False, download_files=str(tmp_path))
    status = client.predict(api_name="/status")
    table = dict((r[0], r[1]) for r in rows(status))
    assert table["API 密钥"] == "已设置（不显示）" and table["登录"].startswith("已开启")
    assert SECRET not in str(status)
    ping = client.predict(api_name="/model_ping")
    assert "可以连接" in ping and SECRET not in ping

    notes = (CORPUS / "notes" / "01-敬老院慰问.txt").read_text(encoding="utf-8")
    job = client.submit(notes, None, ORG, api_name="/news_draft")
    updates = [u[0] for u in job]
    text, status_html = job.result()[:2]
    assert text.startswith("志愿者走进福寿敬老院")
    assert "fake-model" in status_html
    assert len(updates) >= 2  # streamed: something shown before the end

    fake_model.faults = ["500"]
    text, status_html = client.predict(notes, None, ORG, api_name="/news_draft")[:2]
    assert text.startswith("学雷锋日｜")  # the offline draft
    assert "已改用离线草稿" in status_html
    for output in (text, status_html):
        assert SECRET not in output
    assert SECRET not in auth_server.log_text()


def test_two_sessions_importing_and_drafting_at_once(server, tmp_path):
    import threading

    csv_path = tmp_path / "many.csv"
    lines = ["编号,日期,标题,类别,单位,参与人数"] + [
        f"cc-{i:03d},2025-{1 + i % 12:02d}-10,并发测试活动{i},培训,并发测试单位,{10 + i}" for i in range(80)]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    a = Client(server.url, verbose=False, download_files=str(tmp_path))
    b = Client(server.url, verbose=False, download_files=str(tmp_path))
    results: dict = {}

    def importing():
        results["import"] = a.predict(handle_file(csv_path), False, api_name="/records_import")[0]

    def drafting():
        results["drafts"] = [b.predict(ORG, "2025", api_name="/summary_draft")[0] for _ in range(3)]

    threads = [threading.Thread(target=importing), threading.Thread(target=drafting)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert "新增 80 条" in results["import"]
    assert len({d.split("\n", 1)[1] for d in results["drafts"]}) == 1  # the same draft each time
    note = a.predict("并发测试单位", "2025", api_name="/summary_overview")[0]
    assert "80 条活动记录" in note

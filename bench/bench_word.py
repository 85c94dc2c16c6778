"""Word benchmark: write a 10-page summary with 6 photos in GB/T 9704 layout, and annotate a submitted
document with 100 findings (one Word comment each, runs split to the exact characters).

Each time is printed in ms and as a ratio against a baseline measured in the same run, so figures from
different machines can be compared:
- writing: python-docx writing the same paragraphs plainly (no styles, fonts, layout) with the same photo
  files added as they are (no EXIF rotation, no downscaling);
- annotating: python-docx opening the same submission and saving it unchanged.

    python bench/bench_word.py [--repeat 5] [--pages]    # --pages: count pages with LibreOffice if installed
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHONE_PHOTO = (4032, 3024)  # a 12-megapixel phone photo
SENTENCES = [
    "全年共开展志愿服务活动{n}场，参与志愿者{m}人次，累计服务时长{h}小时。",
    "围绕“银龄课堂”品牌项目，协会联合{n}个社区开设智能手机使用课程，服务老人{m}人次。",
    "在环保宣传方面，组织“清洁家园”行动{n}次，清理河道垃圾约{h}千克。",
    "新媒体平台全年发布原创稿件{n}篇，其中{m}篇被市级以上媒体转载。",
    "针对志愿者流失问题，协会修订了激励办法，年末活跃志愿者比年初增加{n}人。",
    "下一步，协会将把培训纳入常态化安排，计划开展骨干培训{n}期。",
]


def photos(tmp: Path, count: int = 6) -> list[Path]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(3)
    out = []
    w, h = PHONE_PHOTO
    for i in range(count):
        # smooth gradients plus noise: compresses like a photo, not like a flat colour
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([(x * (i + 1)) % 256, (y * 2) % 256, ((x + y) // 8) % 256], axis=-1).astype(np.int16)
        noise = rng.integers(-20, 20, size=(h, w, 3), dtype=np.int16)
        arr = np.clip(base + noise, 0, 255).astype(np.uint8)
        path = tmp / f"photo{i + 1}.jpg"
        Image.fromarray(arr).save(path, "JPEG", quality=90)
        out.append(path)
    return out


def summary(photo_paths: list[Path]):
    from writer.models import Draft, Photo, Section

    rnd = random.Random(11)

    def para(k: int) -> str:
        return "".join(rnd.choice(SENTENCES).format(n=rnd.randint(3, 90), m=rnd.randint(100, 4000), h=rnd.randint(200, 9000))
                       for _ in range(k))

    parts = ["基本情况", "主要成效", "存在的问题", "下一步工作打算"]
    sections = [Section("", para(2))]
    for i, part in enumerate(parts):
        lines = []
        for j in range(3):
            lines.append(f"（{'一二三'[j]}）{part}第{j + 1}项。" + para(1))
            lines.append(para(3))
        sections.append(Section(f"{'一二三四'[i]}、{part}", "\n".join(lines)))
    return Draft(kind="summary", title="江川市青年志愿者协会2024年度工作总结", sections=sections,
                 photos=[Photo(str(p), f"图{i + 1}：活动现场。") for i, p in enumerate(photo_paths)])


def plain_write(text: str, photo_paths: list[Path], out: Path) -> None:
    import docx
    from docx.shared import Cm

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    for p in photo_paths:
        d.add_picture(str(p), width=Cm(14))
    d.save(str(out))


def submission(out: Path) -> str:
    """A submission as Word writes it (~7,800 characters, about 13 pages of 三号 text): paragraphs made of
    several runs with their own formatting, so comments have runs to split."""
    import docx
    from docx.shared import Pt

    rnd = random.Random(5)
    d = docx.Document()
    d.add_heading("关于2024年度志愿服务工作的总结", level=0)
    for _ in range(45):
        p = d.add_paragraph()
        for _k in range(rnd.randint(3, 6)):
            s = rnd.choice(SENTENCES).format(n=rnd.randint(3, 90), m=rnd.randint(100, 4000), h=rnd.randint(200, 9000))
            cut = rnd.randint(1, len(s) - 1)
            for piece in (s[:cut], s[cut:]):
                r = p.add_run(piece)
                r.font.size = Pt(16)
                r.bold = rnd.random() < 0.1
    d.save(str(out))
    from writer.wordio import read_docx

    return read_docx(out).text


def findings_for(text: str, n: int = 100):
    from writer.models import Finding

    rnd = random.Random(9)
    spots = sorted(rnd.sample(range(10, len(text) - 20), n))
    out = []
    for i, s in enumerate(spots):
        e = s + rnd.randint(2, 10)
        out.append(Finding(f"bench.{i}", rnd.choice(["padding", "typo", "numbers", "punctuation"]),
                           rnd.choice(["error", "warning", "info"]), s, e, text[s:e], f"第{i + 1}条审核意见", "请修改"))
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def count_pages(docx_path: Path, tmp: Path) -> int | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe or not shutil.which("pdfinfo"):
        return None
    subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(docx_path)], capture_output=True, timeout=300)
    info = subprocess.run(["pdfinfo", str(tmp / (docx_path.stem + ".pdf"))], capture_output=True, text=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", action="store_true", help="render with LibreOffice to count pages")
    args = parser.parse_args()

    from writer.wordio import annotate_docx, draft_text, write_draft_docx

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        pics = photos(tmp)
        draft = summary(pics)
        text = draft_text(draft, org="江川市青年志愿者协会", date="2025年1月8日")
        out = tmp / "summary.docx"

        write_ms = timed(lambda: write_draft_docx(draft, out, org="江川市青年志愿者协会", date="2025年1月8日"), args.repeat)
        base_ms = timed(lambda: plain_write(text, pics, tmp / "plain.docx"), args.repeat)
        draft.photos = []
        text_only = draft_text(draft, org="江川市青年志愿者协会", date="2025年1月8日")
        write_text_ms = timed(lambda: write_draft_docx(draft, tmp / "s-text.docx", org="江川市青年志愿者协会", date="2025年1月8日"), args.repeat)
        base_text_ms = timed(lambda: plain_write(text_only, [], tmp / "plain-text.docx"), args.repeat)
        pages = count_pages(out, tmp) if args.pages else None

        sub = tmp / "submission.docx"
        sub_text = submission(sub)
        fs = findings_for(sub_text)
        annotate_ms = timed(lambda: annotate_docx(sub, sub_text, fs, tmp / "reviewed.docx"), args.repeat)

        def open_save():
            import docx

            docx.Document(str(sub)).save(str(tmp / "resaved.docx"))

        open_save_ms = timed(open_save, args.repeat)
        # sanity: every comment made it
        import zipfile

        with zipfile.ZipFile(tmp / "reviewed.docx") as zf:
            n_comments = zf.read("word/comments.xml").count(b"<w:comment ")

        size_kb = out.stat().st_size / 1024
        print(f"{'measure':58} {'ms':>9} {'baseline ms':>12} {'ratio':>7}")
        print(f"{'write 10-page summary + 6 phone photos (4032×3024)':58} {write_ms:9.1f} {base_ms:12.1f} {write_ms / base_ms:7.2f}")
        print(f"{'write the same summary, text only':58} {write_text_ms:9.1f} {base_text_ms:12.1f} {write_text_ms / base_text_ms:7.2f}")
        label = f"annotate a {len(sub_text)}-character submission with {len(fs)} findings"
        print(f"{label:58} {annotate_ms:9.1f} {open_save_ms:12.1f} {annotate_ms / open_save_ms:7.2f}")
        print(f"summary: {len(text_only)} characters, {size_kb:.0f} KB with photos"
              + (f", {pages} pages rendered by LibreOffice" if pages else ""))
        print(f"submission: {len(sub_text)} characters, {n_comments} comments written")
        print("baselines: plain python-docx write of the same paragraphs and photo files; python-docx open+save of the submission")
        return 0 if n_comments == len(fs) else 1


if __name__ == "__main__":
    sys.exit(main())

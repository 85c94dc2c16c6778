"""Generate the bundled sample .docx past documents under corpus/documents/.

The texts below are fictional sample documents written for 笔杆 Writer. Each one becomes a Word file
with a title paragraph (style "Title") followed by body paragraphs, the way a secretary or 通讯员
would have typed it: 方正小标宋 / 仿宋_GB2312 via w:eastAsia, and — in the year-end summary — the
一、/（一） headings as Heading 1 / Heading 2 paragraphs.

Run from anywhere:  python corpus/tools/make_docx.py
The output is fully determined by this file (core properties are fixed), so re-running it is safe.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "documents"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"

H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
H2_RE = re.compile(r"^（[一二三四五六七八九十]+）")


# --------------------------------------------------------------------------------------------
# Document texts. First line = title; a line starting with "——" right after it = subtitle;
# every further non-empty line = one paragraph.
# --------------------------------------------------------------------------------------------

QINGHE_2024_GRADUATION = """\
我院隆重举行2024届学生毕业典礼
——青春启航 不负韶华
6月14日上午，青禾职业技术学院2024届学生毕业典礼在学院体育馆隆重举行。学院党委书记谭明远、院长方启明等院领导，各部门、各二级学院负责人，教师代表、企业代表、家长代表和2900余名毕业生共同见证这一重要时刻。
典礼在庄严的国歌声中开始。院长方启明宣读了2024届优秀毕业生表彰决定，全院共有186名学生获评“优秀毕业生”，42名学生获评“优秀学生干部”。
据介绍，学院2024届共有毕业生2968名。截至6月10日，毕业去向落实率达89.3%，其中升入本科院校继续深造412人，应征入伍37人，参加“三支一扶”、大学生志愿服务西部计划等基层项目15人。
教师代表、机电工程学院教授级高级工程师廖春生寄语毕业生：“技术会更新，设备会换代，但认真做好每一道工序的习惯，会陪你们走很远。”毕业生代表、信息工程学院学生陶思远回顾了三年的学习生活，他在校期间获得江川市职业院校技能大赛网络搭建赛项一等奖，毕业后将入职江川一家软件企业。“学院教会我的不只是技能，还有面对困难不退缩的勇气。”
企业代表、江川精工机械有限公司人力资源总监简丽华在致辞中说，近三年来公司共录用青禾学院毕业生73名，其中不少人已成为一线技术骨干，“欢迎更多青禾学子加入我们”。
党委书记谭明远作了题为《做一颗有分量的螺丝钉》的毕业致辞。他勉励毕业生坚守初心、精益求精，在平凡的岗位上干出不平凡的业绩，并希望大家常回母校看看。
随后，院领导为毕业生代表颁发毕业证书并合影留念。典礼结束后，毕业生们在校园各处拍照留念，与老师、同学依依惜别。
（供稿：团委 招生就业处　撰稿：苏婉清　摄影：何俊杰、王宇轩　审核：周晓岚）
"""

QINGHE_2025_LECTURE = """\
劳模工匠进校园 匠心传承育新人
——江川市劳动模范吴德厚来我院作专题讲座
5月8日下午，青禾职业技术学院团委“劳模工匠进校园”专题讲座在学术报告厅举行。江川市劳动模范、江川精工机械有限公司高级技师吴德厚以“三十年只做一件事”为题，与机电工程学院、信息工程学院的400余名青年学生分享了自己的成长经历。团委书记周晓岚主持讲座。
吴德厚17岁进厂当学徒，从一名普通车工成长为公司首席技师，先后带出徒弟60余人，主持完成技术革新项目23项，其中一项精密主轴加工工艺改进每年为企业节约成本200余万元。讲座中，他拿出一枚自己磨制的量块，请前排同学传看：“这个零件的误差不超过两微米，相当于一根头发丝的三十分之一。没有捷径，就是一遍一遍地磨、一遍一遍地量。”
说起当年当学徒的经历，吴德厚回忆，师傅让他练锉削，一块铁练了整整三个月，手上磨出了厚厚的茧子。“年轻人不要怕枯燥，基本功扎实了，后面的路才走得稳。”他还结合企业数字化改造的实际，鼓励同学们既要练好手上功夫，也要学会编程、读懂数据，做新时代的复合型技术人才。
互动环节，同学们踊跃提问。机电一体化技术专业2023级学生韦子豪问：“现在很多工序都由机器人来做了，我们学的手工技能还有用吗？”吴德厚回答：“机器是人调出来的。你懂得手工怎么做，才能判断机器做得对不对。”现场响起热烈的掌声。
讲座结束后，吴德厚还来到学院数控实训中心，现场指导学生操作，并与学院签订了“劳模工作室”合作协议。今后，他将每学期来院授课不少于4次，指导学生技能大赛集训。
“听吴师傅讲完，我更明白了‘工匠精神’四个字的分量。”学生韦子豪在讲座后写下了这样的感想。
据了解，这是学院团委今年举办的第3场“劳模工匠进校园”活动。团委负责人表示，将持续邀请劳动模范、大国工匠和优秀校友走进校园，引导青年学生崇尚劳动、尊重技能，走技能成才、技能报国之路。
（供稿：团委　撰稿：林书瑶　摄影：王宇轩　审核：周晓岚）
"""

MINGDE_2025_LEIFENG = """\
【明德志愿】学雷锋 我们在行动
——协会开展2025年“学雷锋志愿服务日”活动
3月5日是第62个“学雷锋纪念日”。当天上午，明德社区志愿者协会联合青禾职业技术学院团委、江川市第三中学团委和辖区6家爱心商户，在明德社区文化广场开展“学雷锋志愿服务日”活动，为居民提供便民服务。
活动现场，十几个服务摊位一字排开。磨剪刀、修雨伞、理发、测血压、法律咨询、手机使用教学……每个摊位前都围满了居民。青禾学院的“青禾小修”志愿服务队带来了工具箱，为居民免费检修电饭锅、电风扇、台灯等小家电；江川三中的学生志愿者则手把手教老年人使用手机挂号、视频通话和识别诈骗短信。
“我的电饭锅不跳闸了，本来打算扔掉，学生们拆开一看，换了个温控开关就好了。”居民左秀兰拎着修好的电饭锅高兴地说。
在理发摊位前，协会志愿者、有三十多年理发经验的退休理发师房德顺一早就忙个不停。“学雷锋不是只在三月，我在社区义务理发已经八年了，只要还能拿得动剪刀，就一直剪下去。”他笑着说。
协会“明德帮帮团”的志愿者们还兵分三路，为社区8户行动不便的老人上门打扫卫生、更换灯泡、疏通下水道。
据统计，当天共有志愿者96人参与服务，累计服务居民580余人次，维修小家电、自行车等73件，理发42人，解答法律和政策咨询65人次。
协会会长谷玉珍表示，今年协会将以“学雷锋志愿服务日”为起点，把便民服务摊位固定为每月5日开展，让志愿服务成为社区居民身边的常态。
文/邬佳琪　图/付晨阳　编辑/谷玉珍
"""

QINGHE_2024_SUMMARY = """\
共青团青禾职业技术学院委员会2024年度工作总结
2024年，学院团委在学院党委和团市委的领导下，以习近平新时代中国特色社会主义思想为指导，认真落实共青团工作部署，围绕“强思想、优服务、促成长、严建设”的工作思路，推动各项工作落实落细。现将全年工作总结如下。
一、基本情况
学院团委下设7个二级学院团总支、192个团支部，现有共青团员6580名，占在校学生总数的59.4%。团委配备专职团干部4名、兼职团干部25名，指导校学生会、学生社团联合会、青年志愿者协会和学生记者团开展工作，全院注册学生社团52个。全年共组织开展各类团学活动358项，参与学生8.6万人次。
二、主要成效
（一）思想引领持续深化
1.打造“青禾微团课”品牌。全年推出微团课11期，邀请青年教师、劳动模范和优秀校友主讲，线上线下累计学习3.2万人次。“青年大学习”平均参学率达到93.4%。
2.开展主题团日活动。组织“反诈在我身边”“奋斗的青春最美丽”等主题团日活动3轮，覆盖全部团支部。
3.做好推优入党工作。全年推荐优秀团员作为入党积极分子人选228名，其中71名已被发展为中共预备党员。
（二）志愿服务专业化水平提升
1.专业志愿服务项目初具规模。依托护理、美容美发、机电等专业，培育“孝老爱亲”敬老服务、“青禾小修”便民维修等专业志愿服务项目6个，超额完成年初确定的5个目标。
2.应急志愿服务经受检验。7月汛期，组建“青禾防汛青年突击队”，组织志愿者126人次协助3个社区防汛，累计服务1300余小时，获明德社区党委致信感谢。
3.志愿服务管理更加规范。启用志愿服务信息化平台，全年志愿服务时长全部线上记录认定。截至12月底，全院注册志愿者6820人，全年志愿服务总时长5.3万小时，较上年增长15.2%。
（三）第二课堂和校园文化活动丰富
1.防范电信网络诈骗教育全覆盖。联合学工部和学府路派出所开展反诈宣传周，5214名学生参加线上答题，平均正确率92.6%。
2.服务学生就业。与招生就业处联合举办2025届毕业生秋季校园双选会，156家单位提供岗位3860个，组织80名青年志愿者做好现场服务。
3.以赛促学成效明显。协助举办第十三届学生职业技能大赛，参赛学生910名；在江川市职业院校技能大赛中获一等奖4项、二等奖8项。
4.校园文化品牌巩固提升。举办校园文化艺术节、“青禾好声音”歌手大赛、宿舍文化节等品牌活动13项；3月组织“孝老爱亲”志愿服务队走进城南敬老院，为35位老人理发，相关报道在学院官网阅读量超过1200次。全年支持学生社团开展活动510余场，较上年增加50场。
（四）宣传工作质量提高
1.团委微信公众号全年发布推文338篇，关注人数由26400人增加到33100人。
2.在市级以上媒体发稿21篇，完成年初20篇的目标，其中《青年突击队冲在防汛一线》被江川日报头版刊发。
（五）基层组织活力增强
1.开展“活力团支部”创建，评选示范团支部20个。
2.实现团支部书记培训全覆盖，全年培训团学骨干420人次。
三、存在的问题
1.志愿服务发展不平衡。专业志愿服务项目集中在3个二级学院，其他学院结合专业开展服务的积极性不高；部分项目依赖个别骨干，持续性不强。
2.思想引领的覆盖面仍有差距。顶岗实习学生分散在各地企业，团组织对其联系和教育管理存在薄弱环节。
3.宣传工作原创精品不足。视频作品数量少、质量不高，学生记者团骨干毕业后出现断层。
4.团干部队伍力量偏弱。兼职团干部普遍承担教学或辅导员工作，投入团的工作精力有限，部分二级学院团总支工作主要依靠学生干部推动，工作的连续性和规范性有待加强。
四、下一步工作打算
（一）推动志愿服务均衡发展
1.实现每个二级学院至少培育1个专业志愿服务项目。
2.建立志愿服务项目负责人和骨干梯队，保证项目持续开展。
（二）加强实习学生团员管理
1.推行实习学生“线上团支部”，由带队教师兼任支部联系人。
2.每学期对实习学生开展线上主题团课不少于2次。
（三）提升宣传作品质量
1.组建学生视频创作小组，全年推出原创短视频不少于30条。
2.实行学生记者“老带新”，保持队伍稳定。
（四）加强团干部队伍建设
1.争取学院支持，优化兼职团干部工作量认定，把团的工作实绩纳入年度考核。
2.全年组织团干部专题培训不少于3次，选派骨干参加团市委组织的轮训。
（五）办好重点活动
1.持续开展“学雷锋志愿服务月”“书香青禾”读书月、职业技能大赛和毕业生双选会等品牌活动。
2.配合学院做好2025级新生入学教育和军训工作，把思想引领贯穿新生入学第一课。
共青团青禾职业技术学院委员会
2024年12月27日
"""

# (relative output path, text, author, date, use heading styles for 一、/（一）)
DOCS = [
    ("news/qinghe-2024-06-毕业典礼.docx", QINGHE_2024_GRADUATION, "苏婉清", _dt.datetime(2024, 6, 14, 16, 30), False),
    ("news/qinghe-2025-05-讲座.docx", QINGHE_2025_LECTURE, "林书瑶", _dt.datetime(2025, 5, 8, 18, 5), False),
    ("news/mingde-2025-03-学雷锋.docx", MINGDE_2025_LEIFENG, "邬佳琪", _dt.datetime(2025, 3, 5, 20, 12), False),
    ("summaries/qinghe-2024-年度工作总结.docx", QINGHE_2024_SUMMARY, "团委办公室", _dt.datetime(2024, 12, 27, 10, 0), True),
]


def _set_font(run, east_asia: str, size_pt: float, bold: bool = False) -> None:
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _body_paragraph(doc, text: str, indent: bool = True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters at 三号 (16pt)
    p.paragraph_format.line_spacing = Pt(28)
    _set_font(p.add_run(text), BODY_FONT, 16)
    return p


def build(text: str, author: str, when: _dt.datetime, heading_styles: bool):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = when
    props.modified = when
    props.revision = 1

    tp = doc.add_paragraph(style="Title")
    tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(tp.add_run(title), TITLE_FONT, 22)

    if rest and rest[0].startswith("——"):
        sp = doc.add_paragraph()
        sp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(sp.add_run(rest[0]), H2_FONT, 16)
        rest = rest[1:]

    # A summary ends with the signing organisation and the date, right-aligned.
    signature = set(range(len(rest) - 2, len(rest))) if heading_styles else set()
    for i, line in enumerate(rest):
        if i in signature:
            p = _body_paragraph(doc, line, indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif heading_styles and H1_RE.match(line):
            p = doc.add_paragraph(style="Heading 1")
            p.paragraph_format.first_line_indent = Pt(32)
            _set_font(p.add_run(line), H1_FONT, 16)
        elif heading_styles and H2_RE.match(line):
            p = doc.add_paragraph(style="Heading 2")
            p.paragraph_format.first_line_indent = Pt(32)
            _set_font(p.add_run(line), H2_FONT, 16)
        elif line.startswith(("（供稿", "文/")):  # byline
            _body_paragraph(doc, line, indent=False)
        else:
            _body_paragraph(doc, line)
    return doc


def main() -> None:
    for rel, text, author, when, heading_styles in DOCS:
        out = DOCUMENTS_DIR / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        build(text, author, when, heading_styles).save(out)
        print(f"wrote {out.relative_to(DOCUMENTS_DIR.parent.parent)}")


if __name__ == "__main__":
    main()

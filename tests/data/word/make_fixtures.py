"""Build the Word fixtures in this folder. Run from the repository root:

    python tests/data/word/make_fixtures.py

- wps_like.docx   hand-built WordprocessingML in the manner of WPS Office (style ids "2"/"3" named
                  "heading 1"/"heading 2", w:hint="eastAsia", KSOProductBuildVer, runs split mid-word with
                  rsids and proofErr, bookmarks, a block content control, a hyperlink, a complex field,
                  tracked insertion and deletion, a soft line break, a tab, a table with merged cells,
                  a text box written twice (DrawingML + VML fallback), an inline picture, headings given
                  only by 一、/（一） numbering, a centred title with no style).
- numbered.docx   headings numbered by automatic list numbering (一、/（一）/1., a startOverride, a style-linked
                  ① list, bullets) so the numbers are in numbering.xml, not in the text runs.
- lo_fodt.docx    LibreOffice headless conversion of lo_source.fodt (headings, table, picture, frame).
- lo_txt.docx     LibreOffice headless conversion of lo_source.txt (plain lines, no styles).
The LibreOffice ones need soffice; the script skips them (keeping the committed files) when it is absent.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    f'xmlns:w="{W}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'mc:Ignorable="w14 wp14"'
)


def png_bytes(w: int = 120, h: int = 80, color=(30, 120, 200)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, "PNG")
    return buf.getvalue()


def r(text: str, rsid: str = "00A1B2C3", bold: bool = False) -> str:
    rpr = '<w:rPr><w:rFonts w:hint="eastAsia"/>' + ("<w:b/>" if bold else "") + '<w:lang w:eastAsia="zh-CN"/></w:rPr>'
    return f'<w:r w:rsidR="{rsid}">{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def p(inner: str, style: str | None = None, jc: str | None = None) -> str:
    ppr = ""
    if style or jc:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + (f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>"
    return f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">{ppr}{inner}</w:p>'


def tc(inner: str, extra: str = "") -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>{extra}</w:tcPr>{inner}</w:tc>'


def inline_picture(rid: str, pid: int) -> str:
    cx, cy = 1143000, 762000
    return (
        f'<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:docPr id="{pid}" name="图片 {pid}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pid}" name="image{pid}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        f"</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def textbox_run(text: str) -> str:
    """A floating text box as WPS and Word write it: DrawingML in mc:Choice, VML in mc:Fallback."""
    box_p = p(r(text))
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>3000000</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1800000" cy="500000"/>'
        '<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="20" name="文本框 20"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="500000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{box_p}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape id="tb20" type="#_x0000_t202" style="position:absolute;width:141.75pt;height:39.4pt">'
        f"<v:textbox><w:txbxContent>{box_p}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


WPS_PARAGRAPHS = [
    # (xml, expected text of the block)
    (p(r("关于2024", "00B00001") + '<w:proofErr w:type="spellStart"/>' + r("年度志愿服务", "00B00002")
       + '<w:proofErr w:type="spellEnd"/>' + r("工作的总结", "00B00003"), jc="center"),
     "关于2024年度志愿服务工作的总结"),
    (p(r("一、基本情况"), style="2"), "一、基本情况"),
    (p('<w:bookmarkStart w:id="0" w:name="figures"/>' + r("协会全年")
       + '<w:del w:id="11" w:author="张三" w:date="2024-12-01T10:00:00Z"><w:r><w:delText>共</w:delText></w:r></w:del>'
       + r("开展活动4") + r("8场，参与") + '<w:ins w:id="12" w:author="张三" w:date="2024-12-01T10:00:00Z">' + r("志愿者") + "</w:ins>"
       + r("1200人次。") + '<w:bookmarkEnd w:id="0"/>'),
     "协会全年开展活动48场，参与志愿者1200人次。"),
    (p(r("（一）组织建设")), "（一）组织建设"),
    ('<w:sdt><w:sdtPr><w:alias w:val="说明"/><w:id w:val="100"/></w:sdtPr><w:sdtContent>'
     + p(r("本段位于内容控件中。")) + "</w:sdtContent></w:sdt>",
     "本段位于内容控件中。"),
    (p(r("详见") + '<w:hyperlink r:id="rIdLink" w:history="1">' + r("协会网站") + "</w:hyperlink>" + r("，或拨打")
       + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> MERGEFIELD 电话 </w:instrText></w:r>'
       + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("12345") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + r("。")),
     "详见协会网站，或拨打12345。"),
    (p('<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r>'), "第一行\n第二行"),
    (p('<w:r><w:t>姓名</w:t><w:tab/><w:t>张三</w:t></w:r>'), "姓名\t张三"),
    ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="6000" w:type="dxa"/></w:tblPr>'
     '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
     "<w:tr>" + tc(p(r("项目"))) + tc(p(r("场次"))) + tc(p(r("人数"))) + "</w:tr>"
     "<w:tr>" + tc(p(r("敬老院慰问"))) + tc(p(r("12")), '<w:vMerge w:val="restart"/>') + tc(p(r("360"))) + "</w:tr>"
     "<w:tr>" + tc(p(r("社区清扫"))) + tc(p(""), "<w:vMerge/>") + tc(p(r("240"))) + "</w:tr>"
     "<w:tr>" + tc(p(r("合计")), '<w:gridSpan w:val="2"/>') + tc(p(r("600"))) + "</w:tr>"
     "<w:tr>" + tc(p(r("备注"))) + tc(p(r("第一段")) + p(r("第二段"))) + tc(p("")) + "</w:tr>"
     "</w:tbl>",
     ["项目\t场次\t人数", "敬老院慰问\t12\t360", "社区清扫\t\t240", "合计\t600", "备注\t第一段 第二段\t"]),
    (p(r("正文在文本框旁。") + textbox_run("文本框里的文字")), ["正文在文本框旁。", "文本框里的文字"]),
    (p(inline_picture("rIdImg1", 1)), ""),
    (p(r("二、主要成效"), style="2"), "二、主要成效"),
    (p(r("（一）宣传报道"), style="3"), "（一）宣传报道"),
    (p(r("全年发布稿件120篇，被校外媒体采用15篇。")), "全年发布稿件120篇，被校外媒体采用15篇。"),
    (p(r("三、存在的问题。由于人手不足，部分活动的宣传报道不够及时，影响了传播效果。")),
     "三、存在的问题。由于人手不足，部分活动的宣传报道不够及时，影响了传播效果。"),
]


def wps_expected_lines() -> list[str]:
    lines: list[str] = []
    for _xml, expected in WPS_PARAGRAPHS:
        lines.extend(expected if isinstance(expected, list) else [expected])
    return lines


NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W}">'
    # list 1: 公文 multilevel numbering 一、 / （一） / 1.
    '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>'
    "</w:abstractNum>"
    # list 2: bullets
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\uf06c"/></w:lvl></w:abstractNum>'
    # list 3: ① ② linked to the style "7" (numbering given by the style, not the paragraph)
    '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>'
    '<w:lvlText w:val="%1"/><w:pStyle w:val="7"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    # list 4: same levels as list 1, restarting at 三
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num>'
    "</w:numbering>"
)


def np(text: str, num_id: int, ilvl: int = 0) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            f"{r(text)}</w:p>")


NUMBERED_PARAGRAPHS = [
    (p(r("2024年度工作总结"), jc="center"), "2024年度工作总结"),
    (np("基本情况", 1), "一、基本情况"),
    (np("组织建设", 1, 1), "（一）组织建设"),
    (np("召开会议", 1, 2), "1.召开会议"),
    (np("修订制度", 1, 2), "2.修订制度"),
    (np("队伍建设", 1, 1), "（二）队伍建设"),
    (np("主要成效", 1), "二、主要成效"),
    (np("全年开展活动52场。", 1, 1), "（一）全年开展活动52场。"),
    (np("要点甲", 2), "要点甲"),
    ('<w:p><w:pPr><w:pStyle w:val="7"/></w:pPr>' + r("第一项") + "</w:p>", "①第一项"),
    ('<w:p><w:pPr><w:pStyle w:val="7"/></w:pPr>' + r("第二项") + "</w:p>", "②第二项"),
    (np("存在的问题", 4), "三、存在的问题"),
    (np("下一步工作打算", 4), "四、下一步工作打算"),
]


def numbered_expected_lines() -> list[str]:
    return [e for _x, e in NUMBERED_PARAGRAPHS]


def build_numbered(path: Path) -> None:
    """Headings numbered by Word/WPS automatic numbering (the 一、 is not in the text runs)."""
    extra_style = ('<w:style w:type="paragraph" w:styleId="7"><w:name w:val="List Number"/><w:basedOn w:val="1"/>'
                   '<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>')
    build_wps_like(path, NUMBERED_PARAGRAPHS, numbering=NUMBERING, extra_styles=extra_style)


def build_wps_like(path: Path, paragraphs=None, numbering: str | None = None, extra_styles: str = "") -> None:
    body = "".join(x for x, _ in (paragraphs or WPS_PARAGRAPHS))
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
            'w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:docGrid w:type="linesAndChars" '
            'w:linePitch="579" w:charSpace="-842"/></w:sectPr>')
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>{body}{sect}</w:body></w:document>'
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
        'w:eastAsia="宋体" w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="21"/><w:lang w:val="en-US" '
        'w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr><w:rFonts w:ascii="Calibri" '
        'w:hAnsi="Calibri" w:eastAsia="宋体"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/>'
        '<w:next w:val="1"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 2"/><w:basedOn w:val="1"/>'
        '<w:next w:val="1"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr>'
        '<w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/><w:sz w:val="32"/></w:rPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="4"><w:name w:val="Default Paragraph Font"/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="5"><w:name w:val="Normal Table"/></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="5"/></w:style>'
        + extra_styles + "</w:styles>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rIdImg1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>'
        '<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/>'
        + ('<Relationship Id="rIdNum" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
           if numbering else "")
        + "</Relationships>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
        + ('<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
           if numbering else "")
        + "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
        "</Relationships>"
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        "<vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property></Properties>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/styles.xml", styles)
        zf.writestr("word/_rels/document.xml.rels", rels)
        zf.writestr("word/media/image1.png", png_bytes())
        zf.writestr("docProps/custom.xml", custom)
        if numbering:
            zf.writestr("word/numbering.xml", numbering)


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"/>
 <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"/>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:paragraph-properties fo:text-align="center"/></style:style>
</office:styles>
<office:body><office:text>
<text:p text:style-name="Title">社区志愿者协会重阳节敬老活动简报</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">一、活动概况</text:h>
<text:p text:style-name="Standard">10月11日上午，协会组织志愿者30人前往幸福里敬老院开展慰问活动。<text:line-break/>活动持续3小时。</text:p>
<text:h text:style-name="Heading_20_2" text:outline-level="2">（一）文艺演出</text:h>
<text:p text:style-name="Standard">志愿者表演了6个节目<text:tab/>老人们热情参与。</text:p>
<table:table table:name="表格1"><table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>项目</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>人数</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>志愿者</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>30</text:p></table:table-cell></table:table-row>
</table:table>
<text:p text:style-name="Standard"><draw:frame draw:name="图像1" text:anchor-type="as-char" svg:width="4cm" svg:height="3cm" draw:z-index="0"><draw:image><office:binary-data>{png}</office:binary-data></draw:image></draw:frame></text:p>
<text:p text:style-name="Standard">图为志愿者与老人合影。</text:p>
<text:p text:style-name="Standard">活动结束后，志愿者合影留念。<draw:frame draw:name="文本框1" text:anchor-type="paragraph" svg:width="5cm" svg:height="1.5cm" draw:z-index="1"><draw:text-box><text:p text:style-name="Standard">框内说明文字</text:p></draw:text-box></draw:frame></text:p>
</office:text></office:body></office:document>
"""

FODT_EXPECTED = [
    "社区志愿者协会重阳节敬老活动简报",
    "一、活动概况",
    "10月11日上午，协会组织志愿者30人前往幸福里敬老院开展慰问活动。\n活动持续3小时。",
    "（一）文艺演出",
    "志愿者表演了6个节目\t老人们热情参与。",
    "项目\t人数",
    "志愿者\t30",
    "",
    "图为志愿者与老人合影。",
    "活动结束后，志愿者合影留念。",
    "框内说明文字",
]

TXT = "学院团委2024年志愿服务总结\n一、基本情况\n全年共组织志愿服务活动56场。\n\n二、主要成效\n参与学生1800人次，服务时长累计5400小时。\n"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, out_dir: Path, infilter: str | None = None) -> Path:
    exe = soffice()
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    return out_dir / (src.stem + ".docx")


def main() -> int:
    build_wps_like(HERE / "wps_like.docx")
    build_numbered(HERE / "numbered.docx")
    (HERE / "lo_source.fodt").write_text(FODT.replace("{png}", base64.b64encode(png_bytes(160, 120, (200, 80, 40))).decode()), encoding="utf-8")
    (HERE / "lo_source.txt").write_text(TXT, encoding="utf-8")
    if not soffice():
        print("soffice not found: kept the committed lo_*.docx", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = convert(HERE / "lo_source.fodt", Path(tmp))
        shutil.copyfile(out, HERE / "lo_fodt.docx")
        out = convert(HERE / "lo_source.txt", Path(tmp), infilter="Text (encoded):UTF8,LF,,,")
        shutil.copyfile(out, HERE / "lo_txt.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())

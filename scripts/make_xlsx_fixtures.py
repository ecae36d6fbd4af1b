#!/usr/bin/python3
"""Generates the .xlsx fixtures of Tests/ZichaKitTests/Fixtures/xlsx with openpyxl (Debian python3-openpyxl).

    /usr/bin/python3 scripts/make_xlsx_fixtures.py            # writes the committed fixtures
    /usr/bin/python3 scripts/make_xlsx_fixtures.py --big /tmp/big.xlsx --rows 200000   # memory test, not committed

Debian's openpyxl 3.0 writes every string inline and has no rich text, so the zip is rewritten
afterwards the way Excel and WPS write it: strings moved to xl/sharedStrings.xml, then a few cells
replaced: an inline string, inline rich-text runs,
a shared rich-text string with a phonetic guide, a formula with a cached string, an error, and
a number in Excel's exponent notation (2.4110101000005E13).
"""
import argparse
import datetime as dt
import os
import re
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "ZichaKitTests", "Fixtures", "xlsx")

HEADER = ["考生号", "学号", "姓名", "身份证号", "性别", "出生日期", "手机号", "学院", "班级", "已报到"]


def with_check(body17):
    """A made-up 身份证号 with a correct check character (GB 11643)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights))
    return body17 + "10X98765432"[total % 11]


# Each roster row: (row number, values as openpyxl writes them, the cells Excel shows = the CSV twin).
ID1, ID2, ID3 = with_check("11010520060101123"), with_check("31010420050315002"), with_check("44030620060708451")
ID5 = with_check("32010220060909888")
ROWS = [
    (3, [24110101000001, "2024010001", "张三", ID1, "男", dt.date(2006, 1, 1), 13800138000, "计算机学院", "计科2401", True],
        ["24110101000001", "2024010001", "张三", ID1, "男", "2006-01-01", "13800138000", "计算机学院", "计科2401", "TRUE"]),
    (4, [24110101000002.0, "2024010002", "李四*", ID2, "女", dt.date(2005, 3, 15), 13900139000, "=\"数学\"&\"学院\"", "数学2401", False],
        ["24110101000002", "2024010002", "李四", ID2, "女", "2005-03-15", "13900139000", "数学学院", "数学2401", "FALSE"]),
    # skipped cells: no 学号, 性别, 出生日期, 手机号 (openpyxl writes no <c> for them)
    (5, [24110101000003, None, "王五", ID3, None, None, None, "计算机学院", "计科2402", True],
        ["24110101000003", "", "王五", ID3, "", "", "", "计算机学院", "计科2402", "TRUE"]),
    # row 6 left empty: Excel writes no <row r="6">
    # 身份证号 stored as a number: Excel kept 15 digits, 340104200602030017 became 340104200602030000
    (7, [24110101000004, "2024010004", "赵六", 3.4010420060203e17, "男", dt.date(2006, 2, 3), 15000150000, "物理学院", "物理2401", False],
        ["24110101000004", "2024010004", "赵六", "340104200602030000", "男", "2006-02-03", "15000150000", "物理学院", "物理2401", "FALSE"]),
    (8, ["KSH*", "2024010005", "钱七*", ID5, "女", dt.datetime(2006, 9, 9, 0, 0), 18600186000, "计算机学院", "计科2401", True],
        ["24110101000005", "2024010005", "钱七", ID5, "女", "2006-09-09", "18600186000", "计算机学院", "计科2401", "TRUE"]),
    (9, [24110101000006, "2024010006", "欧阳娜娜*", with_check("11010820061212567"), "女", dt.date(2006, 12, 12), 13700137000, "外国语学院", "#N/A*", True],
        ["24110101000006", "2024010006", "欧阳娜娜", with_check("11010820061212567"), "女", "2006-12-12", "13700137000", "外国语学院", "#N/A", "TRUE"]),
]

# (cell, replacement XML) applied to 花名册 after openpyxl saves; "SHARED" is the new shared string's index.
ROSTER_PATCHES = {
    "C4": '<c r="C4" t="inlineStr"><is><r><t>李</t></r><r><rPr><b/></rPr><t>四</t></r></is></c>',
    "H4": '<c r="H4" t="str"><f>"数学"&amp;"学院"</f><v>数学学院</v></c>',
    "A8": '<c r="A8"><v>2.4110101000005E13</v></c>',
    "C8": '<c r="C8" t="inlineStr"><is><t>钱七</t></is></c>',
    "C9": '<c r="C9" t="s"><v>SHARED</v></c>',
    "I9": '<c r="I9" t="e"><v>#N/A</v></c>',
}
RICH_SHARED = ('<si><r><t>欧阳</t></r><r><rPr><i/></rPr><t>娜娜</t></r>'
               '<rPh sb="0" eb="2"><t>ōuyáng</t></rPh></si>')


def rewrite(path, edit):
    """Rewrites the zip at `path`: `edit` gets {part name: XML text} and may change or add parts."""
    with zipfile.ZipFile(path) as zin:
        names = zin.namelist()
        parts = {name: zin.read(name).decode("utf-8") for name in names}
    edit(parts)
    # Fixed times, so running the script again changes no committed byte.
    parts["docProps/core.xml"] = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2024-09-01T00:00:00Z", parts["docProps/core.xml"])
    names += [name for name in parts if name not in names]
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as zout:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2024, 9, 1, 0, 0, 0))
            zout.writestr(info, parts[name].encode("utf-8"), zipfile.ZIP_DEFLATED)
    os.replace(path + ".tmp", path)


def share_strings(parts):
    """Moves openpyxl's inline strings into xl/sharedStrings.xml, as Excel and WPS store them."""
    table, index = [], {}

    def shared(match):
        ref, attrs, text = match.group(1), match.group(2), match.group(3)
        if text not in index:
            index[text] = len(table)
            table.append(text)
        return '<c r="%s"%s t="s"><v>%d</v></c>' % (ref, attrs, index[text])

    inline = re.compile(r'<c r="(\w+)"([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>')
    for name in sorted(parts):
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = inline.sub(shared, parts[name])
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(table), len(table))
        + "".join("<si><t>%s</t></si>" % text for text in table) + "</sst>")
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return len(table)


def replace_cell(xml, ref, new):
    pattern = re.compile(r'<c r="%s"[^>]*?(/>|>.*?</c>)' % ref)
    assert pattern.search(xml), ref
    return pattern.sub(lambda _: new, xml, count=1)


def make_roster():
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["2024级新生在籍名单（学籍科导出）"])
    notes.append(["说明：请勿修改表头；身份证号一列请设为文本格式。"])
    notes.append(["导出日期", dt.date(2024, 9, 1)])
    template = wb.create_sheet("模板")  # a hidden blank template with the same header: never chosen
    template.append(HEADER)
    template.sheet_state = "hidden"
    ws = wb.create_sheet("花名册")
    ws["A1"] = "2024级新生花名册"
    ws.merge_cells("A1:J1")
    for col, title in enumerate(HEADER, start=1):
        ws.cell(row=2, column=col, value=title)
    for row, values, _ in ROWS:
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
    path = os.path.join(OUT, "roster.xlsx")
    wb.save(path)

    def edit(parts):
        shared_count = share_strings(parts)
        strings = parts["xl/sharedStrings.xml"]
        strings = strings.replace('uniqueCount="%d"' % shared_count, 'uniqueCount="%d"' % (shared_count + 1))
        parts["xl/sharedStrings.xml"] = strings.replace("</sst>", RICH_SHARED + "</sst>")
        sheet = parts["xl/worksheets/sheet3.xml"]
        for ref, new in ROSTER_PATCHES.items():
            sheet = replace_cell(sheet, ref, new.replace("SHARED", str(shared_count)))
        parts["xl/worksheets/sheet3.xml"] = sheet

    rewrite(path, edit)

    # The CSV twin: what Excel's "CSV UTF-8" export of 花名册 holds (all rows padded to the used range).
    width = len(HEADER)
    lines = [["2024级新生花名册"] + [""] * (width - 1), HEADER]
    expected = {row: cells for row, _, cells in ROWS}
    for row in range(3, max(expected) + 1):
        lines.append(expected.get(row, [""] * width))
    with open(os.path.join(OUT, "roster.csv"), "w", encoding="utf-8", newline="") as f:
        for cells in lines:
            assert all("," not in c and '"' not in c for c in cells)
            f.write(",".join(cells) + "\r\n")


# (label, value, number format, expected text) for the date fixtures.
DATES_1900 = [
    ("1900-01-01", dt.datetime(1900, 1, 1), "yyyy-mm-dd", "1900-01-01"),
    ("1900-02-28", dt.datetime(1900, 2, 28), "yyyy-mm-dd", "1900-02-28"),
    ("serial 60, Excel's fake leap day", 60, "yyyy-mm-dd", "1900-02-29"),
    ("1900-03-01", dt.datetime(1900, 3, 1), "yyyy-mm-dd", "1900-03-01"),
    ("built-in format 14", dt.date(2006, 1, 1), "mm-dd-yy", "2006-01-01"),
    ("Chinese custom format", dt.date(2024, 9, 1), 'yyyy"年"m"月"d"日"', "2024-09-01"),
    ("date and time", dt.datetime(2024, 9, 1, 8, 30, 15), "yyyy-mm-dd h:mm:ss", "2024-09-01 08:30:15"),
    ("time alone", dt.time(8, 30), "h:mm", "08:30:00"),
    ("fraction, not a date", 0.5, "0.00", "0.5"),
    ("thousands, not a date", 1234567, "#,##0", "1234567"),
    ("colour section, not a date", 12.25, "[Red]0.00", "12.25"),
    ("text, not a date", "2024/9/1", "@", "2024/9/1"),
]
DATES_1904 = [
    ("1904-01-01, serial 0", dt.datetime(1904, 1, 1), "yyyy-mm-dd", "1904-01-01"),
    ("2024-09-01", dt.date(2024, 9, 1), "yyyy-mm-dd", "2024-09-01"),
    ("date and time", dt.datetime(2006, 1, 1, 12, 0), "yyyy-mm-dd hh:mm", "2006-01-01 12:00:00"),
]


def make_dates(name, rows, epoch=None):
    wb = openpyxl.Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "日期"
    ws.append(["说明", "值", "应读作"])
    for label, value, fmt, expected in rows:
        ws.append([label, value, expected])
        ws.cell(row=ws.max_row, column=2).number_format = fmt
    path = os.path.join(OUT, name)
    wb.save(path)
    rewrite(path, share_strings)


def make_roster_sheets():
    """A roster with one sheet per college, as offices deliver them: a 说明 sheet in front, 计算机学院 (header on row 1,
    学院 merged over its students), a hidden 模板 holding the header and a row, 外语学院 (a title row, its header on
    row 3 in another column order, 学院 merged), a 透视 summary without the header, and an empty Sheet3."""
    def sid(i):
        return with_check("11010520070101%03d" % i)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本名单按学院分表，每个学院一张工作表"])
    cs = wb.create_sheet("计算机学院")
    cs.append(["考生号", "姓名", "身份证号", "学院", "班级"])
    for i in (1, 2):
        cs.append(["2611010100000%d" % i, "学生%d" % i, sid(i), "计算机学院" if i == 1 else None, "计科2601"])
    cs.merge_cells("D2:D3")
    template = wb.create_sheet("模板")
    template.append(["考生号", "姓名", "身份证号", "学院", "班级"])
    template.append(["26110101000009", "学生9", sid(9), "模板学院", "模板班"])
    template.sheet_state = "hidden"
    fl = wb.create_sheet("外语学院")
    fl["A1"] = "外语学院2026级新生名单"
    fl.merge_cells("A1:E1")
    for col, title in enumerate(["姓名", "学院", "班级", "身份证号", "考生号"], start=1):
        fl.cell(row=3, column=col, value=title)
    for row, i in ((4, 3), (5, 4)):
        for col, value in enumerate(["学生%d" % i, "外语学院" if i == 3 else None, "英语2601", sid(i), "2611010100000%d" % i], start=1):
            if value is not None:
                fl.cell(row=row, column=col, value=value)
    fl.merge_cells("B4:B5")
    pivot = wb.create_sheet("透视")
    pivot.append(["学院", "人数"])
    pivot.append(["计算机学院", 2])
    pivot.append(["外语学院", 2])
    wb.create_sheet("Sheet3")
    path = os.path.join(OUT, "roster-sheets.xlsx")
    wb.save(path)
    rewrite(path, share_strings)


def cfb(names):
    """A compound-file (OLE2) header and one directory sector with these stream names, like an
    encrypted .xlsx or an old .xls; enough for sniffing, not a complete file system."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = bytes.fromhex("FEFF")
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    header[44:48] = (1).to_bytes(4, "little")      # one FAT sector
    header[48:52] = (0).to_bytes(4, "little")      # directory starts at sector 0
    header[56:60] = (4096).to_bytes(4, "little")
    header[60:64] = (0xFFFFFFFE).to_bytes(4, "little")
    header[68:72] = (0xFFFFFFFE).to_bytes(4, "little")
    header[76:80] = (1).to_bytes(4, "little")      # DIFAT[0]: the FAT is sector 1
    header[80:512] = b"\xff" * 432
    directory = bytearray()
    for i, name in enumerate(["Root Entry"] + names):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[0:len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = 5 if i == 0 else 2
        entry[68:80] = b"\xff" * 12
        directory += entry
    directory += b"\0" * (512 - len(directory) % 512 if len(directory) % 512 else 0)
    fat = bytearray(b"\xff" * 512)
    fat[0:8] = (0xFFFFFFFE).to_bytes(4, "little") + (0xFFFFFFFD).to_bytes(4, "little")
    return bytes(header + directory + fat)


def make_broken():
    with open(os.path.join(OUT, "encrypted.xlsx"), "wb") as f:
        f.write(cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]))
    with open(os.path.join(OUT, "legacy.xls"), "wb") as f:
        f.write(cfb(["Workbook", "\x05SummaryInformation"]))
    with open(os.path.join(OUT, "html.xls"), "w", encoding="utf-8") as f:
        f.write('<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n<head><meta charset="utf-8"></head>\n'
                "<body><table>\n<tr><td>考生号</td><td>姓名</td></tr>\n<tr><td>24110101000001</td><td>张三</td></tr>\n"
                "</table></body></html>\n")
    with open(os.path.join(OUT, "roster.xlsx"), "rb") as f:
        whole = f.read()
    with open(os.path.join(OUT, "truncated.xlsx"), "wb") as f:
        f.write(whole[: len(whole) * 3 // 5])
    with open(os.path.join(OUT, "renamed-csv.xlsx"), "w", encoding="utf-8") as f:
        f.write("考生号,姓名\n24110101000001,张三\n")


def make_big(path, rows, shared):
    """A roster of `rows` students in one sheet, written in openpyxl's streaming mode;
    strings inline (pure streaming) or, with `shared`, in xl/sharedStrings.xml as Excel does."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(HEADER)
    colleges = ["计算机学院", "数学学院", "物理学院", "外国语学院"]
    for i in range(rows):
        ws.append([24110101000000 + i, "2024%06d" % i, "学生%d" % i, with_check("110105200601%05d" % (i % 100000)),
                   "男" if i % 2 else "女", dt.date(2006, 1 + i % 12, 1 + i % 28), 13800000000 + i,
                   colleges[i % 4], "班级%d" % (i % 300), i % 3 != 0])
    wb.save(path)
    if shared:
        rewrite(path, share_strings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", help="write only a large roster to this path (for the memory test)")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--shared", action="store_true", help="with --big: move strings to sharedStrings.xml")
    args = parser.parse_args()
    if args.big:
        make_big(args.big, args.rows, args.shared)
        return
    os.makedirs(OUT, exist_ok=True)
    make_roster()
    make_roster_sheets()
    make_dates("dates1900.xlsx", DATES_1900)
    make_dates("dates1904.xlsx", DATES_1904, epoch=CALENDAR_MAC_1904)
    make_broken()


if __name__ == "__main__":
    main()

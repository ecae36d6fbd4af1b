#!/usr/bin/env python3
"""Writes Tests/ZichaKitTests/Fixtures/import/: one small roster and one self-check log, each in every
encoding, delimiter, line ending and header style zicha must accept (SPEC, Inputs), the canonical cells
as JSON, and the broken files an import must refuse. Run from the repository root; commit the output.

Every variant holds the same cells, so every variant must import to the same normalized rows."""
import json
import os

OUT = "Tests/ZichaKitTests/Fixtures/import"

ROSTER_FIELDS = ["ksh", "xh", "name", "admission_name", "id", "sex", "phone", "college", "major", "class",
                 "counselor", "counselor_email"]
# Made-up people; IDs carry valid check characters unless the row is about cleaning them.
ROSTER = [
    # plain row; phone with spaces
    ["26110101000001", "2026010101", "张伟", "", "110105199001010029", "男", "138 0013 8000", "计算机学院", "软件工程",
     "计科2601", "李老师", "li@example.com"],
    # bullet middle dot; lowercase x; +86 phone; a quoted newline and doubled quotes
    ["26110101000002", "2026010102", "阿依古丽•买买提", "", "44030520060715103x", "女", "+86 139-0013-9000", "计算机学院",
     "数据科学与大数据技术\n（\"卓越\"班）", "计科2601", "李老师", "li@example.com"],
    # name padded with U+3000 and a space; full-width ID; every delimiter inside one cell; no counselor
    ["26110101000003", "2026010103", "\u3000王芳 ", "", "１１０１０１２００６０２０３００１７", "女", "13700137000", "外国语学院",
     "英语, 翻译; 口译|笔译", "英语2601", "", ""],
    # a CJK Extension A name character (FE9F in GB18030, a private-use code in GBK); a legacy 15-digit ID with spaces; no phone
    ["26110101000004", "2026010104", "李䶮", "", "110101 060203 001", "男", "", "外国语学院", "日语", "日语2601",
     "", ""],
    # traditional name with an admission name; a 10-digit phone
    ["26110101000005", "2026010105", "張小偉", "张伟", "320102197001018646", "男", "1380013800", "数学学院", "数学",
     "数学2601", "赵老师", "zhao@example.com"],
]

ROSTER_HEADERS = {
    "zh": ["考生号", "学号", "姓名", "录取姓名", "身份证号", "性别", "手机号", "学院", "专业", "班级", "辅导员", "辅导员邮箱"],
    "zh2": ["考生编号", "学号", "姓名", "原姓名", "证件号码", "性别", "联系电话", "院系", "专业名称", "班级名称", "辅导员", "辅导员邮箱"],
    "py": ["KSH", "XH", "XM", "LQXM", "SFZH", "XB", "SJH", "YXMC", "ZYMC", "BJMC", "FDY", "FDYYX"],
    "en": ["exam_no", "student_no", "name", "admission_name", "id_number", "sex", "mobile", "college", "major", "class",
           "counselor", "counselor_email"],
    # full-width letters, U+3000 and ASCII padding, mixed case
    "wide": ["\u3000ＫＳＨ\u3000", " 学号 ", "Ｎａｍｅ", "录取姓名\u3000", " ＳＦＺＨ", "性别", "ＰＨＯＮＥ ", "学院", "Major",
             "ＣＬＡＳＳ", " 辅导员", "ＦＤＹＹＸ"],
}

# Column orders: a permutation of the field indexes.
ORDERS = {
    "as-is": list(range(12)),
    "reversed": list(reversed(range(12))),
    "shuffled": [4, 2, 0, 7, 9, 11, 1, 3, 5, 6, 8, 10],
}

LOG_FIELDS = ["time", "id", "name", "event", "detail"]
# (wall-clock time in Asia/Shanghai or None, id, name, event, detail)
LOG = [
    ("2026-09-01 08:00:00", "110105199001010029", "张伟", "registered", ""),
    ("2026-09-01 08:30:00", "110105 19900101 0029", "张伟", "viewed", ""),
    ("2026-09-02 10:00:00", "44030520060715103x", "阿依古丽·买买提", "register_failed", "证件号码已被注册, 请\"找回用户名\""),
    ("2026-09-02 11:15:00", "110101060203001", "李䶮", "register_failed", "该证件已由征兵部门注册\n请用15位身份证号"),
    ("2026-09-03 23:59:00", "650102200609107533", "无名", "login", ""),
    (None, "110105199001010029", "张伟", "checked", ""),
]
LOG_LABELS = {
    "zh": {"registered": "注册成功", "viewed": "查看学籍", "register_failed": "注册失败", "login": "登录", "checked": "自查完成"},
    "zh2": {"registered": "注册", "viewed": "查看", "register_failed": "注册失败", "login": "登录", "checked": "已确认"},
    "en": {k: k for k in ["registered", "viewed", "register_failed", "login", "checked"]},
}
LOG_HEADERS = {
    "zh": ["时间", "身份证号", "姓名", "事件", "说明"],
    "zh2": ["操作时间", "证件号码", "XM", "操作", "原因"],
    "en": ["timestamp", "id_number", "name", "status", "detail"],
    "wide": ["\u3000时间", "ＳＦＺＨ ", "姓名", " Ｅｖｅｎｔ", "备注"],
}


def render_time(t, style):
    if t is None:
        return ""
    day, clock = t.split(" ")
    if style == "dash":
        return t
    if style == "slash":
        return day.replace("-", "/") + " " + clock[:5]
    if style == "iso":
        return day + "T" + clock + "+08:00"
    if style == "isoz":  # UTC: eight hours earlier
        y, m, d = map(int, day.split("-"))
        h, mi, s = map(int, clock.split(":"))
        h -= 8
        if h < 0:
            h += 24
            d -= 1
        return "%04d-%02d-%02dT%02d:%02d:%02d.000Z" % (y, m, d, h, mi, s)
    raise ValueError(style)


def quote(cell, delimiter):
    if any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def table_text(rows, delimiter, newline):
    return "".join(delimiter.join(quote(c, delimiter) for c in row) + newline for row in rows)


def write(name, text, encoding):
    data = {
        "utf-8": lambda: text.encode("utf-8"),
        "utf-8-bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf-16le-bom": lambda: b"\xff\xfe" + text.encode("utf-16-le"),
        "utf-16be-bom": lambda: b"\xfe\xff" + text.encode("utf-16-be"),
        "gb18030": lambda: text.encode("gb18030"),
    }[encoding]()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


ROSTER_VARIANTS = [
    # file, encoding, delimiter, newline, headers, order
    ("roster-utf8-comma-lf-zh.csv", "utf-8", ",", "\n", "zh", "as-is"),
    ("roster-utf8bom-comma-crlf-en.csv", "utf-8-bom", ",", "\r\n", "en", "shuffled"),
    ("roster-utf16le-tab-crlf-zh.txt", "utf-16le-bom", "\t", "\r\n", "zh", "reversed"),
    ("roster-utf16be-tab-lf-py.txt", "utf-16be-bom", "\t", "\n", "py", "shuffled"),
    ("roster-gb18030-comma-crlf-zh2.csv", "gb18030", ",", "\r\n", "zh2", "as-is"),
    ("roster-gb18030-pipe-lf-py.csv", "gb18030", "|", "\n", "py", "reversed"),
    ("roster-utf8-semicolon-crlf-wide.csv", "utf-8", ";", "\r\n", "wide", "shuffled"),
    ("roster-utf8-pipe-lf-en.txt", "utf-8", "|", "\n", "en", "reversed"),
    ("roster-utf8-tab-lf-zh2.tsv", "utf-8", "\t", "\n", "zh2", "shuffled"),
]

LOG_VARIANTS = [
    # file, encoding, delimiter, newline, headers, labels, time style
    ("log-utf8-comma-lf-zh.csv", "utf-8", ",", "\n", "zh", "zh", "dash"),
    ("log-utf16le-tab-crlf-zh2.txt", "utf-16le-bom", "\t", "\r\n", "zh2", "zh2", "slash"),
    ("log-utf16be-tab-crlf-en.txt", "utf-16be-bom", "\t", "\r\n", "en", "en", "iso"),
    ("log-gb18030-comma-crlf-zh.csv", "gb18030", ",", "\r\n", "zh", "zh2", "isoz"),
    ("log-utf8bom-semicolon-lf-wide.csv", "utf-8-bom", ";", "\n", "wide", "en", "dash"),
    ("log-utf8-pipe-crlf-en.csv", "utf-8", "|", "\r\n", "en", "zh", "slash"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, enc, delim, nl, headers, order in ROSTER_VARIANTS:
        idx = ORDERS[order]
        rows = [[ROSTER_HEADERS[headers][i] for i in idx]] + [[r[i] for i in idx] for r in ROSTER]
        write(name, table_text(rows, delim, nl), enc)
    for name, enc, delim, nl, headers, labels, style in LOG_VARIANTS:
        rows = [LOG_HEADERS[headers]] + [[render_time(t, style), i, n, LOG_LABELS[labels][e], d] for t, i, n, e, d in LOG]
        write(name, table_text(rows, delim, nl), enc)
    canonical = {
        "about": "The cells every variant holds, trimmed as HeaderMap.value trims them; written by scripts/make_import_fixtures.py.",
        "roster_fields": ROSTER_FIELDS,
        "roster_files": [v[0] for v in ROSTER_VARIANTS],
        "roster": [[c.strip(" \u3000") for c in r] for r in ROSTER],
        "log_fields": LOG_FIELDS,
        "log_files": [v[0] for v in LOG_VARIANTS],
    }
    with open(os.path.join(OUT, "canonical.json"), "w", encoding="utf-8") as f:
        json.dump(canonical, f, ensure_ascii=False, indent=1)
        f.write("\n")

    # Broken inputs: none of them is a table zicha can use.
    header = "考生号,姓名,身份证号,手机号\n"
    broken = {
        "broken-empty.csv": b"",
        "broken-bom-only.csv": b"\xef\xbb\xbf",
        "broken-binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "broken-unclosed-quote.csv": (header + "26110101000001,张伟,110105199001010029,13800138000\n"
                                      + "26110101000002,\"王芳,110101200602030017,13700137000\n").encode("utf-8"),
        "broken-missing-id.csv": ("考生号,姓名,手机号\n26110101000001,张伟,13800138000\n").encode("utf-8"),
        "broken-header-only.csv": header.encode("utf-8"),
        "broken-log-missing-event.csv": "时间,身份证号,姓名\n2026-09-01 08:00,110105199001010029,张伟\n".encode("utf-8"),
    }
    for name, data in broken.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)

    # A UTF-8 roster with one row holding bytes that are not UTF-8 (a GBK name pasted in): that row alone is rejected.
    good = (header + "26110101000001,张伟,110105199001010029,13800138000\n").encode("utf-8")
    bad = b"26110101000002," + "王芳".encode("gbk") + b",110101200602030017,13700137000\n"
    tail = "26110101000003,李娜,320102197001018646,13900139000\n".encode("utf-8")
    with open(os.path.join(OUT, "roster-utf8-one-bad-row.csv"), "wb") as f:
        f.write(good + bad + tail)


if __name__ == "__main__":
    main()

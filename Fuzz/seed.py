#!/usr/bin/env python3
"""Builds each fuzz target's seed corpus in OUT/<target>/ from SampleData, the test fixtures and
Fuzz/regressions (run by Fuzz/run.sh; standard library only)."""
import csv, io, os, sys, zipfile, hashlib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
targets = sys.argv[2:] or ["encoding", "csv", "normalize", "escape", "xlsx", "mime", "compose"]

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def text_files():
    for night in ("night1", "night2"):
        d = os.path.join(root, "SampleData", night)
        for name in sorted(os.listdir(d)):
            yield open(os.path.join(d, name), "rb").read()
    yield open(os.path.join(root, "Tests/ZichaKitTests/Fixtures/xlsx/roster.csv"), "rb").read()

def decode(b):
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if b.startswith(bom): return b[len(bom):].decode(enc, "replace")
    try: return b.decode("utf-8")
    except UnicodeDecodeError: return b.decode("gb18030", "replace")

cells = set()
for b in text_files():
    t = decode(b)
    for row in csv.reader(io.StringIO(t, newline=""), delimiter="\t" if t.count("\t") > t.count(",") else ","):
        cells.update(c for c in row if c)
    variants = [b[:4096], b"\xef\xbb\xbf" + t[:1500].encode(), b"\xff\xfe" + t[:1000].encode("utf-16-le"),
                b"\xfe\xff" + t[:1000].encode("utf-16-be"), t[:1500].encode("gb18030")]
    for v in variants:
        if "encoding" in targets: put("encoding", b"\x03\x40\x01" + v)
        if "csv" in targets: put("csv", b"\x40\x02" + v)
hostile = ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\t=1", "＝1", "<script>alert(1)</script>", "a\"b,c\r\nd",
           "\u202eevil", "../../etc/passwd", "名\u0000字", "x" * 300, "😀👩‍👩‍👧", "110105199001010021", "13800138000",
           "+86 138-0013-8000", "2026-11-27T09:00:00+08:00", "2026/1/2 3:04", "艾合买提·买买提", "張偉", "\"\u07eb,=1"]
for c in sorted(cells)[:400] + hostile:
    if "normalize" in targets: put("normalize", b"\x03" + c.encode())
    if "escape" in targets: put("escape", b"\x02" + c.encode())
    if "mime" in targets:
        put("mime", b"\x10" + (c if "@" in c else "fdy0001@example.edu.cn").encode() + b"\x01" + c.encode())
def compose_input(flags, fields, rows, day=(0xB5, 0x11), deadline=16, remedy=0, extra=(1, 0)):
    """A compose input (Fuzz/Targets/compose.swift): control bytes, then 0x01-separated text fields; `rows` gives per
    student (state, days, [(code, change, remedy mask)]) and its eight text fields."""
    head = bytes([flags | (len(rows) << 4), day[0], day[1]]) + (bytes([deadline & 0xFF]) if flags & 4 else b"")
    head += bytes([remedy, extra[0], extra[1]])
    texts = list(fields)
    for state, days, findings, cells in rows:
        head += bytes([state, days, len(findings)])
        for code, change, mask in findings:
            head += bytes([code, change, mask & 0xFF, mask >> 8])
        texts += cells
    return head + "\x01".join(texts).encode()
if "compose" in targets:
    sample = sorted(cells)
    pick = lambda i: sample[i % len(sample)] if sample else "张伟"
    base = ["张伟", "zhangwei@example.edu.cn", "学籍科（教务处）", "xueji@example.edu.cn", "office@example.edu.cn",
            "请于截止日前完成。\n如有疑问请联系学籍科。", "计算机学院\x02外国语学院", "注册学信网账号", "登录 https://www.chsi.com.cn 注册。",
            "2026-11-28", "周杰\x02吴思远", "孙浩\x03已完成自查"]
    student = ["计算机学院", "计科2401", "24110101000001", "2024010001", "王小明", "110105200601010021", "13800138000",
               "与 王芳 (24110101000007) 共用 13800138000\x02注册成功 2026-11-20 09:00:00"]
    finding = [(0, 0, 0b11), (5, 1, 0x100)]
    put("compose", compose_input(0x0F, base, [(1, 3, finding, student)]))
    put("compose", compose_input(0x4E, base, [(1, 3, finding, student), (2, 0, [], student)]))
    put("compose", compose_input(0x00, base, []))
    for i, c in enumerate(hostile):
        fields = list(base)
        fields[i % len(fields)] = c
        s2 = list(student)
        s2[i % len(s2)] = c
        put("compose", compose_input((i * 5) & 0x8F, fields, [(i % 3, i, finding[: i % 3], s2)] * (1 + i % 3)))
    for i in range(0, min(len(sample), 200), 4):
        s2 = [pick(i + k) for k in range(8)]
        put("compose", compose_input(0x0B | (i & 0x80), [pick(i + 9)] + base[1:], [(1, i & 0xFF, finding, s2)]))
if "xlsx" in targets:
    fx = os.path.join(root, "Tests/ZichaKitTests/Fixtures/xlsx")
    for name in sorted(os.listdir(fx)):
        data = open(os.path.join(fx, name), "rb").read()
        put("xlsx", data)
        if name.endswith(".xlsx"):
            try: z = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile: continue
            names = z.namelist()
            sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            part = lambda n: z.read(n) if n in names else b""
            for s in sheets:
                put("xlsx", b"|||".join([part(s), part("xl/sharedStrings.xml"), part("xl/workbook.xml"), part("xl/styles.xml")]))
if "xlsx" in targets:
    # Cells as programs write them: formulas with and without a saved value, Excel errors, zero-padded number
    # formats (with literal text around the zeros), 18-digit numbers whole and lossy.
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (b'<worksheet ' + ns + b'><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             b'<row r="2"><c r="A2" s="1"><v>12345</v></c><c r="B2"><f>TRIM(C2)</f><v/></c><c r="C2" t="e"><f>NA()</f><v>#N/A</v></c>'
             b'<c r="D2" t="str"><f>""</f><v/></c><c r="E2" s="2"><v>1.2345E4</v></c></row>'
             b'<row r="3"><c r="A3"><v>110105200701010025</v></c><c r="B3"><f t="shared" si="0"/></c><c r="C3" t="e"><v>#REF!</v></c>'
             b'<c r="D3"><v>110105200701011968</v></c></row></sheetData></worksheet>')
    strings = b'<sst ' + ns + '><si><t>学号</t></si><si><t>身份证号</t></si></sst>'.encode()
    workbook = (b'<workbook ' + ns + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    styles = (b'<styleSheet ' + ns + b'><numFmts count="2"><numFmt numFmtId="164" formatCode="0000000000"/>'
              b'<numFmt numFmtId="165" formatCode="[$-804]&quot;XH&quot;000000;[Red]-000000"/></numFmts>'
              b'<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>')
    put("xlsx", b"|||".join([sheet, strings, workbook, styles]))
for t in targets:
    d = os.path.join(root, "Fuzz", "regressions", t)
    if os.path.isdir(d):
        for name in sorted(os.listdir(d)):
            put(t, open(os.path.join(d, name), "rb").read())

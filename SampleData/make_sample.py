#!/usr/bin/env python3
"""Writes SampleData/night1 and night2: two nights of a made-up college, every encoding, delimiter and
header style zicha accepts, and every finding code of the SPEC planted on purpose.  README.md says why
each row exists.  Deterministic: run it again and the files are byte-identical.

    /usr/bin/python3 SampleData/make_sample.py      (or any python3)
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cid(body17):
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, W)) % 11]


def idn(area, ymd, seq):
    return cid(f"{area}{ymd}{seq:03d}")


def id15(id18):
    return id18[:6] + id18[8:17]


# ---- students: (key, ksh, xh, name, admission, id, sex, birth, phone, college, major, class, counselor, email)
CS, EE, EM = "计算机学院", "电子信息学院", "经济管理学院"
S = {}


def st(key, n, name, id_, phone, college, major, klass, admission="", counselor="", email="", sex=None):
    birth = id_[6:10] + "-" + id_[10:12] + "-" + id_[12:14] if len(id_) == 18 and id_[6:14].isdigit() else ""
    sex = sex or ("男" if len(id_) >= 17 and id_[16].isdigit() and int(id_[16]) % 2 else "女")
    S[key] = dict(ksh=f"26420101{n:06d}", xh=f"2026{n:06d}", name=name, adm=admission, id=id_, sex=sex, birth=birth,
                  phone=phone, college=college, major=major, klass=klass, counselor=counselor, email=email)


K1, K2, E1, A1, X9 = "计科2601", "计科2602", "电信2601", "会计2601", "计科2609"
st("S01", 1, "王晓明", idn("420102", "20070315", 11), "13800000001", CS, "计算机科学与技术", K1)
st("S02", 2, "李静", idn("420103", "20061122", 22), "13800000002", CS, "计算机科学与技术", K1)
st("S03", 3, "张伟", idn("420104", "20070101", 33), "13800000003", CS, "计算机科学与技术", K1)
st("S04", 4, "刘洋", idn("420105", "20060606", 44), "13800000004", CS, "计算机科学与技术", K1)
st("S05", 5, "陈磊", idn("420106", "20060102", 123), "13800000005", CS, "计算机科学与技术", K1)
st("S06", 6, "杨帆", idn("420107", "20070808", 66), "13800000006", CS, "软件工程", K2)
st("S07", 7, "赵敏", idn("420111", "20070909", 77), "13800000007", CS, "软件工程", K2)
st("S08", 8, "黄磊", idn("420112", "20061010", 88), "13800000008", CS, "软件工程", K2)
st("S09", 9, "周杰", idn("420113", "20061111", 99), "13800000009", CS, "软件工程", K2)
st("S10", 10, "吴思远", idn("420114", "20070202", 101), "13800000010", CS, "软件工程", K2, admission="吴远")
st("S11", 11, "徐丽", idn("420115", "20070303", 111), "13800000011", EE, "电子信息工程", E1)
st("S12", 12, "孙浩", idn("420116", "20070404", 121), "13800000012", EE, "电子信息工程", E1)
st("S13", 13, "马超", idn("420117", "20070505", 131), "13800000013", EE, "电子信息工程", E1)
DUP = idn("420202", "20060707", 141)
st("S14", 14, "朱琳", DUP, "13800000014", EE, "电子信息工程", E1)
st("S15", 15, "胡婷", DUP, "13800000015", EE, "电子信息工程", E1)
st("S16", 16, "郭强", idn("420203", "20060808", 161), "138 0013 8000", EE, "通信工程", E1)
st("S17", 17, "何芳", idn("420204", "20060909", 171), "+86-138-0013-8000", EE, "通信工程", E1)
st("S18", 18, "高雅", idn("420205", "20061001", 181), "13800000018", EM, "会计学", A1, admission="高娅")
st("S19", 19, "張偉", idn("420206", "20061102", 191), "13800000019", EM, "会计学", A1)
st("S20", 20, "於梦", idn("420207", "20061203", 201), "13800000020", EM, "会计学", A1)
st("S21", 21, "甯乾昇", idn("420208", "20070104", 211), "13800000021", EM, "会计学", A1)
st("S22", 22, "沈思", idn("420209", "20070205", 221), "13800000022", EM, "会计学", A1)
ID23 = idn("420210", "20070306", 231)
st("S23", 23, "林峰", ID23, "13800000023", EM, "会计学", A1)
ID24 = cid("42021120070407" + "007")  # sequence chosen so the check character is X
st("S24", 24, "罗娜", ID24, "13800000024", EM, "会计学", A1)
bad = idn("420212", "20070508", 251)
st("S25", 25, "郑凯", bad[:17] + ("0" if bad[17] != "0" else "1"), "13800000025", EM, "会计学", A1)
st("S26", 26, "梁宇", idn("420213", "20070609", 261), "027-87654321", EM, "会计学", A1)
st("S27", 27, "谢雨", idn("420214", "20070710", 271), "13800000027", CS, "人工智能", X9)
st("S28", 28, "宋立成", idn("420215", "19990811", 281), "13800000028", CS, "人工智能", X9, counselor="韩老师", email="han.laoshi@example.com")
st("S29", 29, "唐嘉怡", idn("420216", "20060912", 291), "13800000029", CS, "计算机科学与技术", K1)
st("S30", 30, "买买提•艾力", idn("650102", "20061013", 301), "13800000030", CS, "计算机科学与技术", K1)
st("S31", 31, "欧阳娜娜", idn("420217", "20061114", 311), "13800000031", CS, "计算机科学与技术", K1)
st("S32", 32, "韩雪", idn("420218", "20061215", 321), "13800000032", CS, "软件工程", K2)
st("S33", 33, "冯博", idn("420219", "20070116", 331), "13800000033", CS, "软件工程", K2)
st("S34", 34, "邓宁", idn("420220", "20070217", 341), "13800000034", EE, "电子信息工程", E1)
st("S35", 35, "曹阳", idn("420221", "20070318", 351), "13800000035", EE, "电子信息工程", E1)
for i, (nm, kl, col, maj) in enumerate([("彭博文", K1, CS, "计算机科学与技术"), ("曾佳", K2, CS, "软件工程"),
                                        ("田欣", E1, EE, "电子信息工程"), ("董浩然", A1, EM, "会计学"),
                                        ("袁梦", A1, EM, "会计学"), ("潘晨", K1, CS, "计算机科学与技术"),
                                        ("蒋雨涵", E1, EE, "通信工程"), ("蔡子轩", K2, CS, "软件工程")]):
    st(f"S{36 + i}", 36 + i, nm, idn("420301", f"2007{(i % 9) + 1:02d}1{i}", 361 + i), f"139000000{36 + i:02d}", col, maj, kl)
S["S36"]["counselor"], S["S36"]["email"] = "韩老师", "han.laoshi@example.com"  # roster's own counselor columns win
STRANGER = idn("110105", "20060101", 901)   # in the log, never on the roster


def roster_id(k):
    v = S[k]["id"]
    if k == "S23":  # inner space and full-width digits: ID_FORMAT
        return v[:6] + " " + v[6:14] + "".join(chr(ord(c) + 0xFEE0) for c in v[14:])
    if k == "S24":
        return v[:17] + "x"
    return v


# ---- events: (key or raw id, time, event label, detail)
def ev(key, t, label, detail="", use15=False, name=None):
    i = S[key]["id"] if key in S else key
    return (id15(i) if use15 else i, t, label, detail, name or (S[key]["adm"] or S[key]["name"] if key in S else "陌生人"))


D1, D2 = "2026-11-27", "2026-11-28"
night1_log = [
    ev("S02", f"{D1} 09:00:00", "注册成功"),
    ev("S03", f"{D1} 09:10:00", "注册成功"), ev("S03", f"{D1} 09:12:00", "登录"), ev("S03", f"{D1} 09:15:00", "查看学籍"),
    ev("S04", f"{D1} 10:00:00", "注册失败", "证件号码已被注册,查看【解决方法】"),
    ev("S05", f"{D1} 10:05:00", "注册失败", "证件号码已被注册（征兵部门）"),
    ev("S06", f"{D1} 10:10:00", "注册失败", "手机号码已存在"),
    ev("S07", f"{D1} 10:20:00", "找回用户名失败", "找回用户名时提示未注册过"),
    ev("S08", f"{D1} 08:00:00", "注册成功"),
    ev("S08", f"{D1} 11:00:00", "找回用户名失败", "证件和姓名不符"), ev("S08", f"{D1} 11:05:00", "找回用户名失败", "证件和姓名不符"),
    ev("S08", f"{D1} 11:09:00", "找回用户名失败", "姓名不符"),
    ev("S09", f"{D1} 08:00:00", "注册成功"), ev("S09", f"{D1} 11:30:00", "找回用户名失败", "请求被取消，不能频繁使用该功能"),
    ev("S10", f"{D1} 08:00:00", "注册成功"), ev("S10", f"{D1} 12:00:00", "找回用户名失败", "证件和姓名不符", name="吴思远"),
    ev("S11", f"{D1} 08:00:00", "注册成功"), ev("S11", f"{D1} 12:10:00", "找回用户名失败", "证件和姓名不符"),
    ev("S12", f"{D1} 08:00:00", "注册成功"), ev("S12", f"{D1} 12:20:00", "找回密码失败", "注册邮箱已无法使用"),
    ev("S13", f"{D1} 13:00:00", "注册成功"), ev("S13", f"{D1} 13:05:00", "查看学籍"), ev("S13", f"{D1} 13:06:00", "自查完成"),
    ev("S13", f"{D1} 13:30:00", "信息有误", "出生日期有误"),
    ev("S28", f"{D1} 14:00:00", "注册成功", use15=True), ev("S28", f"{D1} 14:05:00", "查看学籍", use15=True),
    ev("S28", f"{D1} 14:06:00", "自查完成", use15=True),
    ev("S29", f"{D1} 14:10:00", "注册失败", "该证件号码已被征兵部门注册"),
    ev("S29", f"{D1} 14:20:00", "注册成功", use15=True), ev("S29", f"{D1} 14:25:00", "自查完成", use15=True),
    ev("S32", f"{D1} 15:00:00", "注册失败", "手机号码重复"), ev("S32", f"{D1} 15:02:00", "注册成功"),
    ev("S32", f"{D1} 15:05:00", "查看学籍"), ev("S32", f"{D1} 15:06:00", "已确认"),
    ev("S33", f"{D1} 15:10:00", "注册成功"), ev("S33", f"{D1} 15:12:00", "查看学籍"), ev("S33", f"{D1} 15:13:00", "已查"),
    ev("S33", f"{D1} 16:00:00", "未查"),
    ev("S34", f"{D1} 16:10:00", "注册成功"), ev("S34", f"{D1} 16:12:00", "查看学籍"), ev("S34", f"{D1} 16:13:00", "自查完成"),
    ev(STRANGER, f"{D1} 16:20:00", "注册成功"), ev(STRANGER, f"{D1} 16:25:00", "查看学籍"),
    ev("S14", f"{D1} 17:00:00", "注册成功"), ev("S14", f"{D1} 17:01:00", "查看学籍"), ev("S14", f"{D1} 17:02:00", "自查完成"),
    ev("S16", f"{D1} 17:10:00", "注册成功"), ev("S17", f"{D1} 17:11:00", "注册成功"),
    ev("S35", f"{D1} 17:20:00", "注册成功"),
]
clean = ["S18", "S19", "S20", "S21", "S22", "S23", "S24", "S25", "S26", "S27", "S30", "S31"] + [f"S{i}" for i in range(36, 44)]
for j, k in enumerate(clean):
    if k == "S25":
        continue  # ID_INVALID: the roster has a typo; the student's events carry the true ID (NOT_ON_ROSTER)
    m = 10 + j
    night1_log += [ev(k, f"{D1} 18:{m:02d}:00", "注册成功"), ev(k, f"{D1} 18:{m:02d}:30", "查看学籍"), ev(k, f"{D1} 18:{m:02d}:40", "自查完成")]
night1_log.append(ev("S25", f"{D1} 19:00:00", "注册成功"))
night1_log = [e if e[0] != S["S25"]["id"] else (bad,) + e[1:] for e in night1_log]
night1_log.append(ev("S27", f"{D1} 19:10:00", "核对完成"))  # an event no one configured: rejected with a reason
night1_log.append(ev("S26", "昨天下午", "登录"))             # a time that is not a time: rejected

night2_log = [
    ev("S03", f"{D2} 09:00:00", "登录"), ev("S03", f"{D2} 09:02:00", "查看学籍"), ev("S03", f"{D2} 09:03:00", "退出"),
    ev("S03", f"{D2} 09:04:00", "自查完成"),
    ev("S04", f"{D2} 10:00:00", "注册成功"),
    ev("S02", f"{D2} 11:00:00", "登录"),
]
night2_status = [(S["S02"]["id"], "李静", "未查"), (S["S16"]["id"], "郭强", "已查"), (S["S17"]["id"], "何芳", "已查")]

# ---- writers
def write(path, text, encoding, bom=b""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(bom + text.encode(encoding))


def q(cell, delim):
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in (delim, '"', "\n", "\r")) else cell


def table(rows, delim, eol):
    return "".join(delim.join(q(c, delim) for c in r) + eol for r in rows)


def roster_rows(keys, header, night):
    rows = [header]
    for k in keys:
        s = S[k]
        name = s["name"]
        if k == "S30":
            name = "　" + name + " "  # ideographic and ASCII spaces around the name
        major = s["major"] if k != "S31" else "计算机科学与技术\n(卓越班)"  # a quoted newline inside a cell
        rows.append([s["ksh"], s["xh"], name, s["adm"], roster_id(k), s["sex"], s["birth"], s["phone"], s["college"],
                     major, s["klass"], s["counselor"], s["email"]])
    return rows


n1_keys = [f"S{i:02d}" for i in range(1, 44) if i != 34]
n2_keys = [f"S{i:02d}" for i in range(1, 44) if i != 35]
CH = ["考生号", "学号", "姓名", "录取姓名", "身份证号", "性别", "出生日期", "手机号", "学院", "专业", "班级", "辅导员", "辅导员邮箱"]
PY = ["KSH", "XH", "XM", "LQXM", "SFZH", "XB", "CSRQ", "SJH", "YXMC", "ZYMC", "BJMC", "FDY", "FDYYX"]
r1 = roster_rows(n1_keys, CH + ["备注"], 1)
r1.append(["26420101000099", "2026000099", "钱多", "", "", "男", "", "", CS, "软件工程", K2, "", ""])  # no ID: rejected
write(f"{HERE}/night1/roster.csv", table(r1, ",", "\r\n"), "gb18030")
write(f"{HERE}/night2/roster.csv", table(roster_rows(n2_keys, PY, 2), ";", "\n"), "utf-8")
# log night 1: Excel's "Unicode text": UTF-16 LE with BOM, tab separated, English headers
L1 = [["time", "id_number", "name", "event", "detail"]] + [[t, i, n, l, d] for (i, t, l, d, n) in night1_log]
write(f"{HERE}/night1/log.txt", table(L1, "\t", "\r\n"), "utf-16-le", b"\xff\xfe")
# log night 2: UTF-8 with BOM, '|' separated, Chinese headers with full-width and padded spelling
L2 = [["　操作时间 ", "身份证号码", "姓名", "操作", "备注"]] + [[t, i, n, l, d] for (i, t, l, d, n) in night2_log]
write(f"{HERE}/night2/log.csv", table(L2, "|", "\r\n"), "utf-8", b"\xef\xbb\xbf")
# status export night 2: UTF-16 BE with BOM, tab separated, no time column
ST = [["身份证号", "姓名", "状态"]] + [list(r) for r in night2_status]
write(f"{HERE}/night2/status.txt", table(ST, "\t", "\r\n"), "utf-16-be", b"\xfe\xff")
# counselors: by class, and one college-wide row; 计科2609 has nobody (NO_COUNSELOR)
C = [["班级", "学院", "辅导员", "邮箱"],
     [K1, CS, "李老师", "li.laoshi@example.com"], [K2, CS, "王老师", "wang.laoshi@example.com"],
     [E1, EE, "赵老师", "zhao.laoshi@example.com"], ["", EM, "孙老师", "sun.laoshi@example.com"]]
write(f"{HERE}/night1/counselors.csv", table(C, ",", "\r\n"), "utf-8", b"\xef\xbb\xbf")
write(f"{HERE}/night2/counselors.csv", table(C, ",", "\r\n"), "utf-8", b"\xef\xbb\xbf")
assert ID24.endswith("X"), ID24
print("SampleData written")

#!/usr/bin/env python3
"""Compares every finding code of zicha's findings.json with gen.py's truth.json (check.py scores the core
codes only).  Usage: check_all_codes.py DATA_DIR REPORT_DIR.  Exit 1 on any difference."""
import json
import os
import sys

data, rep = sys.argv[1], sys.argv[2]
truth = json.load(open(os.path.join(data, "truth.json"), encoding="utf-8"))
night = json.load(open(os.path.join(rep, "findings.json"), encoding="utf-8"))
got = {}
for s in night["students"]:
    for f in s["findings"]:
        got.setdefault(f["code"], set()).add(s["ksh"])
ok = True
for code, want in sorted(truth["codes"].items()):
    g, w = got.get(code, set()), set(want)
    flag = "" if g == w else "  <-- differs"
    ok &= g == w
    print(f"{code:<26}{len(w):>8}{len(g):>8}{flag}")
    if g != w:
        print("    missing", sorted(w - g)[:5], "extra", sorted(g - w)[:5])
nor = {u["id"] for u in night["unmatched"]}
print(f"{'NOT_ON_ROSTER':<26}{len(truth['not_on_roster_ids']):>8}{len(nor):>8}{'' if nor == set(truth['not_on_roster_ids']) else '  <-- differs'}")
ok &= nor == set(truth["not_on_roster_ids"])
states = {s["ksh"]: s["state"] for s in night["students"]}
want_checked = set(truth["state"]["checked"])
got_checked = {k for k, v in states.items() if v == "checked"}
print("checked state agrees:", want_checked == got_checked)
ok &= want_checked == got_checked
sys.exit(0 if ok else 1)

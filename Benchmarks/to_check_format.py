#!/usr/bin/env python3
"""Turns zicha's findings.json into the shape ../shared/bench/check.py scores.

    to_check_format.py REPORT_DIR OUT_DIR

check.py reads OUT_DIR/findings.json as {"findings": [{ksh, code, detail}]} and OUT_DIR/followup.csv with
考生号 and 问题 = codes joined by ';'. zicha's own followup.csv says the problems in Chinese sentences for
people, so this writes a scoring copy from findings.json (the machine-readable result) instead.
"""
import csv
import json
import os
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    night = json.load(open(os.path.join(src, "findings.json"), encoding="utf-8"))
    flat = []
    rows = []
    for s in night["students"]:
        codes = [f["code"] for f in s["findings"]]
        for f in s["findings"]:
            flat.append({"ksh": s["ksh"], "code": f["code"], "detail": f["detail"]})
        if codes:
            rows.append((s["ksh"], ";".join(codes)))
    for u in night["unmatched"]:
        flat.append({"ksh": None, "code": "NOT_ON_ROSTER", "detail": u["detail"]})
    with open(os.path.join(out, "findings.json"), "w", encoding="utf-8") as f:
        json.dump({"totals": night["totals"], "findings": flat}, f, ensure_ascii=False)
    with open(os.path.join(out, "followup.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["考生号", "问题"])
        w.writerows(rows)


if __name__ == "__main__":
    main()

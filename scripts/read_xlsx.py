#!/usr/bin/python3
"""Reads a workbook back with openpyxl (a real reader, as Excel users would) and prints it as JSON.

Usage: /usr/bin/python3 scripts/read_xlsx.py FILE.xlsx
Needs Debian's python3-openpyxl. Output: {"sheets": [{"name", "freeze_panes", "auto_filter",
"widths": {"A": 16, ...}, "header_bold": bool, "rows": [[{"t": type, "v": value}, ...], ...]}]}
where type is openpyxl's data_type: "s" string, "n" number, "f" formula, "b" bool.
"""
import json
import sys

import openpyxl


def main(path):
    wb = openpyxl.load_workbook(path)  # not read_only: we want panes, filters and widths
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            rows.append([{"t": c.data_type, "v": c.value} for c in row])
        widths = {k: v.width for k, v in sorted(ws.column_dimensions.items()) if v.width}
        first = ws.cell(row=1, column=1)
        sheets.append({
            "name": ws.title,
            "freeze_panes": ws.freeze_panes,
            "auto_filter": ws.auto_filter.ref,
            "widths": widths,
            "header_bold": bool(first.font and first.font.b),
            "rows": rows,
        })
    # One row per line, so a golden file's diff points at the row that changed.
    out = ['{"sheets": [']
    for i, sheet in enumerate(sheets):
        rows = sheet.pop("rows")
        out.append(" " + json.dumps(sheet, ensure_ascii=False, sort_keys=True)[:-1] + ', "rows": [')
        out.append(",\n".join("  " + json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows))
        out.append(" ]}" + ("," if i < len(sheets) - 1 else ""))
    out.append("]}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: read_xlsx.py FILE.xlsx")
    main(sys.argv[1])

#!/usr/bin/python3
"""Parses HTML files with html5lib (the WHATWG parsing algorithm) and lists every parse error.

Usage: /usr/bin/python3 scripts/check_html5.py FILE.html [...]
Prints JSON {"FILE.html": ["line:col: error", ...], ...}; an empty list means the file parses
without a single error. Needs Debian's python3-html5lib.
"""
import json
import sys

import html5lib


def errors(path):
    parser = html5lib.HTMLParser(strict=False)
    with open(path, "rb") as f:
        parser.parse(f)
    return [f"{line}:{col}: {code} {data if data else ''}".strip() for (line, col), code, data in parser.errors]


if __name__ == "__main__":
    json.dump({p: errors(p) for p in sys.argv[1:]}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")

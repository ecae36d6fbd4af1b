#!/usr/bin/python3
"""Parses .eml files with Python's email package and prints one JSON object per file (a JSON list).

Used by zicha's mail tests to check composed messages with a real MIME parser.
"""
import email
import email.header
import email.policy
import json
import re
import sys
import urllib.parse


def decode_words(value):
    return str(email.header.make_header(email.header.decode_header(value)))


def raw_param(header, name):
    """The value of `name="..."` (not name*) in a raw header, unfolded, RFC 2047 decoded."""
    unfolded = re.sub(r"\r?\n[ \t]", " ", header)
    m = re.search(r'(?:^|[;\s])' + re.escape(name) + r'="([^"]*)"', unfolded)
    return decode_words(m.group(1)) if m else None


def star_param(header, name):
    unfolded = re.sub(r"\r?\n[ \t]", " ", header)
    m = re.search(r'(?:^|[;\s])' + re.escape(name) + r"\*=UTF-8''([^;\s]*)", unfolded)
    return urllib.parse.unquote(m.group(1), encoding="utf-8", errors="strict") if m else None


def parse(path):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    out = {
        "subject": str(msg["subject"]),
        "from_name": msg["from"].addresses[0].display_name,
        "from_addr": msg["from"].addresses[0].addr_spec,
        "to": [[a.display_name, a.addr_spec] for a in msg["to"].addresses],
        "header_names": [k for k, _ in msg.items()],
        "raw_header": head,
        "message_id": msg["message-id"],
        "date": msg["date"],
        "auto_submitted": msg["auto-submitted"],
        "mime_version": msg["mime-version"],
        "content_types": [p.get_content_type() for p in msg.walk()],
        "defects": [type(d).__name__ for p in msg.walk() for d in p.defects],
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        "max_line": max(len(l) for l in raw.split(b"\r\n")),
    }
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "text/plain":
            out["text"] = part.get_content()
        elif ctype == "text/html":
            out["html"] = part.get_content()
        elif ctype == "text/csv":
            out["attachment_filename"] = part.get_filename()
            ct = part.get("content-type").__str__()
            cd = [v for k, v in part.raw_items() if k.lower() == "content-disposition"][0]
            ctr = [v for k, v in part.raw_items() if k.lower() == "content-type"][0]
            out["param_name"] = raw_param(ctr, "name")
            out["param_filename"] = raw_param(cd, "filename")
            out["param_filename_star"] = star_param(cd, "filename")
            out["csv"] = part.get_payload(decode=True).decode("utf-8")
            out["csv_charset"] = part.get_content_charset()
            out["disposition"] = part.get_content_disposition()
        elif ctype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            import io, openpyxl
            out["workbook_filename"] = part.get_filename()
            sheet = openpyxl.load_workbook(io.BytesIO(part.get_payload(decode=True))).worksheets[0]
            rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
            out["workbook_rows"] = rows
            ksh = rows[0].index("考生号")
            out["workbook_ksh_is_text"] = all(row[ksh].data_type == "s" for row in sheet.iter_rows(min_row=2))
    return out


if __name__ == "__main__":
    json.dump([parse(p) for p in sys.argv[1:]], sys.stdout)

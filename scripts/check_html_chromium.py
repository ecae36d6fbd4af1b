#!/usr/bin/python3
"""Opens a report page in headless Chromium and says whether it rendered, cleanly and offline.

Usage: /usr/bin/python3 scripts/check_html_chromium.py PAGE.html OUT_PREFIX
Writes OUT_PREFIX-desktop.png (1280x2000) and OUT_PREFIX-phone.png (390x844) and prints JSON:
  {"shots": {"desktop": {"path", "width", "height", "colors", "ink"}, "phone": {...}},
   "console": [lines the page logged: errors, CSP violations, anything],
   "requests": [URLs the page asked the network for],
   "js_ready": bool, "js_error": bool, "problems": [why a run failed]}
"ink" is the share of pixels that are not background white. Needs Debian's chromium and python3-pil.
Every Chromium run has a time limit and a fresh profile; Chromium's own background traffic
(initiator "not an origin") is told apart from the page's requests in the net log.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
TIMEOUT = 90
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-pings",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--enable-logging=stderr", "--v=0", "--lang=zh-CN",
]
CONSOLE = re.compile(r":INFO:CONSOLE[^\]]*\] (.*)")


def chromium(args, problems):
    profile = tempfile.mkdtemp(prefix="zicha-chromium-")
    try:
        run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                             capture_output=True, text=True, timeout=TIMEOUT)
        if run.returncode != 0:
            problems.append(f"chromium exited with {run.returncode}: {run.stderr[-500:]}")
        return run
    except subprocess.TimeoutExpired:
        problems.append(f"chromium did not finish within {TIMEOUT} s")
        return None
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_lines(run):
    return [] if run is None else [m.group(1) for m in CONSOLE.finditer(run.stderr)]


def page_requests(netlog):
    try:
        with open(netlog, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return ["(net log unreadable)"]
    try:
        log = json.loads(text)
    except ValueError:
        # A busy machine can end Chromium before it closes the log: the events array is left open. Close it
        # (as Chromium's own log viewer does); a log that still does not parse is nothing to trust.
        try:
            log = json.loads(text.rstrip().rstrip(",") + "]}")
        except ValueError:
            return ["(net log unreadable)"]
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            if params.get("initiator") != "not an origin":
                urls.append(params["url"])
    return sorted(set(urls))


def shot(path):
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        small = rgb.resize((max(1, width // 4), max(1, height // 4)))
        pixels = list(small.getdata())
    colors = len(set(pixels))
    ink = sum(1 for p in pixels if min(p) < 235) / len(pixels)
    return {"path": path, "width": width, "height": height, "colors": colors, "ink": round(ink, 4)}


def main(page, prefix):
    url = "file://" + os.path.abspath(page)
    problems, console, result = [], [], {"shots": {}}
    netlog = prefix + "-netlog.json"
    for name, size, extra in [("desktop", "1280,2000", [f"--log-net-log={netlog}"]), ("phone", "390,844", [])]:
        png = f"{prefix}-{name}.png"
        run = chromium([f"--screenshot={png}", f"--window-size={size}", *extra, url], problems)
        console += console_lines(run)
        if os.path.exists(png):
            result["shots"][name] = shot(png)
        else:
            problems.append(f"no {name} screenshot")
    run = chromium(["--dump-dom", "--virtual-time-budget=3000", url], problems)
    console += console_lines(run)
    dom = run.stdout if run else ""
    html_tag = re.search(r"<html[^>]*>", dom)
    html_tag = html_tag.group(0) if html_tag else ""
    result["js_ready"] = 'data-js="ready"' in html_tag
    result["js_error"] = "data-js-error" in html_tag
    result["console"] = console
    result["requests"] = page_requests(netlog)
    result["problems"] = problems
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check_html_chromium.py PAGE.html OUT_PREFIX")
    main(sys.argv[1], sys.argv[2])

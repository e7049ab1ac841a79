#!/usr/bin/env python3
"""Browser test of the HTML report: Debian's Chromium, headless, offline.

Makes the report for a profile with the rubdown binary (or takes --html),
opens it from a file in Chromium with the network off, and at 375 px and
1280 px wide:
  - fails on any console error, uncaught exception or browser log error
    (a Content-Security-Policy violation is one);
  - fails on any request other than the report file itself (every request
    is intercepted with the Fetch domain and refused);
  - fails when an appointment card is missing (one per appointment of the
    JSON plan, by date) or lies outside the page, or when the page scrolls
    sideways;
  - saves a full-page screenshot as OUT/report-375.png and report-1280.png.
With --readme-png PATH the 1280 px screenshot (top of the page) also goes
to PATH (docs/report.png).

Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: commands on fd 3, replies on fd 4, each message
JSON ended by a NUL byte), so only Python's standard library is needed.
Exit status: 0 pass, 1 fail, 77 skip (no Chromium).
"""
import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--no-default-browser-check", "--remote-debugging-pipe",
]


class Fail(Exception):
    pass


class Browser:
    """A Chromium process and one page session on the DevTools pipe."""

    def __init__(self, binary, profile_dir):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():  # in the child: the pipe ends become fds 3 and 4, kept on exec
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [binary] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile_dir, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        self.allowed_url = None
        self.problems = []

    def close(self):
        try:
            self.send_raw("Browser.close", {}, None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)

    def send_raw(self, method, params, session):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("chromium did not answer in time")
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if ready:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise Fail("chromium closed the DevTools pipe")
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        msg = json.loads(raw)
        if "method" in msg:
            self.on_event(msg)
        return msg

    def on_event(self, msg):
        method, params = msg["method"], msg.get("params", {})
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url == self.allowed_url:
                self.send_raw("Fetch.continueRequest", {"requestId": params["requestId"]}, self.session)
            else:
                self.problems.append("request leaving the file: " + url)
                self.send_raw("Fetch.failRequest", {"requestId": params["requestId"],
                                                    "errorReason": "BlockedByClient"}, self.session)
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != self.allowed_url:
                self.problems.append("request leaving the file: " + url)
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert", "warning"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.problems.append("console %s: %s" % (params["type"], args))
        elif method == "Runtime.exceptionThrown":
            self.problems.append("exception: " + json.dumps(params["exceptionDetails"])[:300])
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            entry = params["entry"]
            self.problems.append("log %s: %s %s" % (entry["level"], entry.get("text", ""), entry.get("url", "")))
        self.events.append(msg)

    def call(self, method, params=None, session=True, timeout=TIMEOUT):
        want = self.send_raw(method, params or {}, self.session if session else None)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.read(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise Fail("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def wait_event(self, method, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["method"] == method:
                    del self.events[i]
                    return ev
            self.read(deadline)

    def attach(self):
        targets = self.call("Target.getTargets", session=False)["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        target = pages[0]["targetId"] if pages else \
            self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")
        self.call("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                       "downloadThroughput": -1, "uploadThroughput": -1})
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})


PAGE_FACTS = """(() => {
  const root = document.documentElement;
  const cards = [...document.querySelectorAll('article.card')].map(c => {
    const r = c.getBoundingClientRect(), s = getComputedStyle(c);
    const t = c.querySelector('time[datetime]');
    return {id: c.id, date: t ? t.getAttribute('datetime') : null,
            left: r.left + scrollX, right: r.right + scrollX,
            top: r.top + scrollY, bottom: r.bottom + scrollY,
            width: r.width, height: r.height,
            shown: s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'};
  });
  return JSON.stringify({vw: root.clientWidth, sw: root.scrollWidth, sh: root.scrollHeight,
                         cards, svg: document.querySelectorAll('svg').length,
                         scripts: document.scripts.length, title: document.title});
})()"""


def check_page(facts, width, want_dates):
    problems = []
    if facts["sw"] > facts["vw"] + 1:
        problems.append("%d px: the page scrolls sideways (%d px wide)" % (width, facts["sw"]))
    if facts["svg"] < 1:
        problems.append("%d px: no chart" % width)
    if facts["scripts"]:
        problems.append("%d px: the page has a script" % width)
    got = sorted(c["date"] or "" for c in facts["cards"])
    if want_dates is not None and got != sorted(want_dates):
        problems.append("%d px: cards for %s, the plan has %s" % (width, got, sorted(want_dates)))
    for c in facts["cards"]:
        inside = (c["shown"] and c["width"] > 0 and c["height"] > 0 and c["left"] >= -0.5
                  and c["right"] <= facts["vw"] + 0.5 and c["top"] >= 0
                  and c["bottom"] <= facts["sh"] + 0.5)
        if not inside:
            problems.append("%d px: card %s is outside the page: %s" % (width, c["id"], c))
    return problems


def shoot(browser, url, width, out_png, readme_png=None):
    browser.call("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.call("Page.navigate", {"url": url})
    browser.wait_event("Page.loadEventFired")
    facts = json.loads(browser.call("Runtime.evaluate", {
        "expression": PAGE_FACTS, "returnByValue": True})["result"]["value"])
    height = int(facts["sh"])
    shot = browser.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    with open(out_png, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    if readme_png:
        top = browser.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 1500), "scale": 1}})
        with open(readme_png, "wb") as f:
            f.write(base64.b64decode(top["data"]))
    return facts


def make_report(args, out_dir):
    """Returns (html path, appointment dates or None)."""
    if args.html:
        dates = None
        if args.json:
            with open(args.json) as f:
                dates = [a["date"] for a in json.load(f)["appointments"]]
        return os.path.abspath(args.html), dates
    html = os.path.join(out_dir, "report.html")
    plan = [args.rubdown, "plan", "--profile", args.profile, "--from", args.start,
            "--weeks", str(args.weeks)]
    for cal in args.calendar:
        plan += ["--busy", cal[5:]] if cal.startswith("busy:") else ["--plan", cal]
    subprocess.run(plan + ["--format", "html", "-o", html], check=True)
    out = subprocess.run(plan + ["--format", "json"], check=True, capture_output=True)
    return html, [a["date"] for a in json.loads(out.stdout)["appointments"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rubdown", help="the rubdown binary")
    ap.add_argument("--profile", help="the runner's profile (YAML)")
    ap.add_argument("--start", default="2026-11-23", help="first day of the plan")
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--calendar", action="append", default=[],
                    help="a --plan (or busy:FILE for --busy) calendar for rubdown; repeatable")
    ap.add_argument("--html", help="test this report instead of making one")
    ap.add_argument("--json", help="with --html: the plan as JSON, for the card check")
    ap.add_argument("--out", required=True, help="directory for the screenshots")
    ap.add_argument("--readme-png", help="also write the top of the 1280 px page here")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    if not (args.html or (args.rubdown and args.profile)):
        ap.error("give --html, or --rubdown and --profile")
    if not os.access(args.chromium, os.X_OK):
        print("SKIP: no chromium (apt-get install chromium)")
        return 77
    os.makedirs(args.out, exist_ok=True)
    html, dates = make_report(args, args.out)
    url = "file://" + html
    problems = []
    with tempfile.TemporaryDirectory(prefix="rubdown-chromium-") as profile_dir:
        browser = Browser(args.chromium, profile_dir)
        try:
            browser.attach()
            browser.allowed_url = url
            for width in (375, 1280):
                png = os.path.join(args.out, "report-%d.png" % width)
                facts = shoot(browser, url, width, png, args.readme_png if width == 1280 else None)
                problems += check_page(facts, width, dates)
                print("%d px: %d cards, page %dx%d, %s" % (width, len(facts["cards"]),
                                                          facts["sw"], facts["sh"], png))
            problems += browser.problems
        except Fail as e:
            problems.append(str(e))
        finally:
            browser.close()
    for p in problems:
        print("FAIL:", p)
    print("browser test: %s" % ("FAIL" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

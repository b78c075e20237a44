#!/usr/bin/python3
"""The report page renders in a real browser: headless Chromium screenshots
analysis/plot_store.py's index.html at a 1280 px wide window and dumps its DOM
after the page's script ran. The screenshot has the window's size; the page
text has every section (sweep metadata, sessions, jobs by status, failures with
their message, runs, loss against compute, training curves, abilities, the
task, the full report); the runs and verdicts tables have a row per run and per
verdict; every image loaded and is shown at its natural size (scale 1: its
legends as legible as drawn), and nothing makes the page wider than the window.

usage: report_page_browser_test.py SWEEP PLOT_STORE_PY [STORE.h5 SHOT.png]
Without STORE, report_store.py's store; SHOT keeps the screenshot (to look at).
"""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_store  # noqa: E402

WIDTH, HEIGHT = 1280, 4000
sweep, script = sys.argv[1], sys.argv[2]
given = sys.argv[3] if len(sys.argv) > 3 else None
keep_shot = sys.argv[4] if len(sys.argv) > 4 else None

browser = shutil.which("chromium") or shutil.which("chromium-browser")
assert browser, "chromium is not installed: scripts/setup.sh installs it (apt-get install chromium)"


class Page(html.parser.HTMLParser):
    """The text, the headings, each table's body row count (by the table's first
    heading) and the attributes of body and every img, from a dumped DOM."""

    def __init__(self):
        super().__init__()
        self.text, self.headings, self.tables, self.images, self.body = [], [], {}, [], {}
        self._in_heading, self._table, self._first_th, self._in_tbody = None, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h1", "h2", "h3"):
            self._in_heading = []
        elif tag == "img":
            self.images.append(a)
        elif tag == "body":
            self.body = a
        elif tag == "table":
            self._table, self._first_th = [0], None
        elif tag == "th" and self._table is not None and self._first_th is None:
            self._first_th = []
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody and self._table is not None:
            self._table[0] += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._in_heading is not None:
            self.headings.append("".join(self._in_heading).strip())
            self._in_heading = None
        elif tag == "th" and isinstance(self._first_th, list):
            self._first_th = "".join(self._first_th).strip()
        elif tag == "tbody":
            self._in_tbody = False
        elif tag == "table" and self._table is not None:
            self.tables.setdefault(self._first_th, []).append(self._table[0])
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_heading is not None:
            self._in_heading.append(data)
        if isinstance(self._first_th, list):
            self._first_th.append(data)


def chromium(*args):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=10000", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (cmd, r.returncode, r.stderr[-2000:])
    return r.stdout


with tempfile.TemporaryDirectory() as tmp:
    store = given or os.path.join(tmp, "report.h5")
    expect = report_store.write(store) if not given else {}
    out = os.path.join(tmp, "page")
    r = subprocess.run(["/usr/bin/python3", script, store, "--out", out, "--sweep", sweep, "--bootstrap", "20"],
                       capture_output=True, text=True)
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.returncode
    url = "file://" + os.path.join(out, "index.html")
    found = json.load(open(os.path.join(out, "analysis.json")))

    shot = os.path.join(tmp, "shot.png")
    chromium(f"--screenshot={shot}", url)
    with open(shot, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "a PNG screenshot"
    size = struct.unpack(">II", head[16:24])
    print(f"screenshot {size[0]} x {size[1]}, {os.path.getsize(shot)} bytes")
    assert size == (WIDTH, HEIGHT), size
    assert os.path.getsize(shot) > 100_000, "a rendered page, not a blank one"
    if keep_shot:
        shutil.copy(shot, keep_shot)

    page = Page()
    page.feed(chromium("--dump-dom", url))
    text = " ".join(" ".join(page.text).split())
    print("headings:", page.headings)
    print("tables (first heading: body rows):", page.tables)
    for heading in ["Sweep", "Sessions", "Jobs by status", "Failures", "Runs", "Loss against compute",
                    "Training curves", "Abilities", "Full text report"]:
        assert heading in page.headings, (heading, page.headings)
    assert any(h.startswith("Sweep report: ") for h in page.headings), page.headings
    tasks = sorted({v["task"] for v in found["verdicts"]})
    for task in tasks:
        assert f"Task {task}" in page.headings, (task, page.headings)
    assert page.tables.get("verdict") is None and page.tables.get("task") == [len(found["verdicts"])], \
        ("one verdicts-table row per verdict", page.tables)
    for word in ["sweep version", "LibTorch", "MPI", "HDF5", "hosts"]:
        assert word in text, word
    if not given:
        assert "report_test" in page.headings[0], page.headings[0]
        assert "node-a (1 rank), node-b (2 ranks)" in text, "hosts with their rank counts"
        assert "2024-05-02T08:00:00Z" in text, "the resumed session"
        assert expect["failed_message"] in text, "the failure's message"
        # The runs table: every train job (the failed one too), one row each.
        assert page.tables.get("run") == [expect["runs"] + 1], page.tables
        assert "Task add2" in page.headings
        assert "Chinchilla" in text, "the full text report"
    # Every image loaded and is shown at its natural size; the page is no wider than the window.
    assert page.images, "figures on the page"
    for img in page.images:
        scale = float(img.get("data-shown-scale", "0"))
        assert scale >= 0.99, (img.get("src"), scale, "shown smaller than drawn: its text would shrink")
    assert int(page.body["data-page-width"]) <= int(page.body["data-window-width"]), page.body
    print(f"{len(page.images)} images at natural size; page {page.body['data-page-width']} px wide")
print("report_page_browser_test: ok")

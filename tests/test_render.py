"""The HTML pages in a real browser: headless Chromium renders the compare report and a trace
page to PNG and serialises their DOM.  Skipped when no Chromium is installed.

The PNG is decoded here (zlib and the five PNG row filters, no imaging library) so that the
test can tell a drawn page from a blank one: it counts colours and looks for the exact fill
of the highlighted violations.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from functools import cache
from pathlib import Path

import pytest

from checks import compare, runner
from checks.runner import check_resolved
from reports import compare as rc
from reports import svg, tracehtml
from specs.resolved import resolve
from specs.results import TraceReport
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")

VIOLATED_CELL = (0xFB, 0xE3, 0xE3)  # td.violated in the matrix
BAD_ROW = (0xFD, 0xE4, 0xE4)  # the violating step's row (SVG and trace table)


def decode_png(data: bytes) -> tuple[int, int, list[bytes], int]:
    """Width, height, unfiltered rows and bytes per pixel of an 8-bit, non-interlaced RGB or
    RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    assert ihdr is not None, "no IHDR"
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    assert len(raw) == h * (stride + 1)
    prev = bytearray(stride)
    rows = []
    for r in range(h):
        f = raw[r * (stride + 1)]
        cur = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 255
        elif f == 2:
            cur = bytearray((a + b) & 255 for a, b in zip(cur, prev, strict=True))
        elif f == 3:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            assert f == 0, f"bad filter {f}"
        rows.append(bytes(cur))
        prev = cur
    return w, h, rows, bpp


def pixel_counts(png: Path) -> tuple[int, dict[tuple[int, int, int], int]]:
    """Total pixels and how many pixels have each colour (alpha ignored)."""
    w, h, rows, bpp = decode_png(png.read_bytes())
    counts: dict[tuple[int, int, int], int] = {}
    for row in rows:
        for i in range(0, w * bpp, bpp):
            px = (row[i], row[i + 1], row[i + 2])
            counts[px] = counts.get(px, 0) + 1
    return w * h, counts


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", *args],
                          capture_output=True, text=True, timeout=180, check=False)


def screenshot(page: Path, out: Path) -> Path:
    _run(f"--screenshot={out}", "--window-size=1400,2000", page.as_uri())
    assert out.exists(), f"Chromium wrote no screenshot of {page.name}"
    return out


def dump_dom(page: Path) -> str:
    r = _run("--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-500:]
    return r.stdout


@cache
def report_page() -> str:
    cells = [compare.Cell(s, lock, "seed", SEED) for s in ("copy-naive", "cursor")
             for lock in ("none", "spinlock")]
    return rc.render_html(compare.run(cells, ["lost", "double", "backward"], jobs=1))


@cache
def trace_report() -> TraceReport:
    chk = resolve("cursor", "none", "seed", SEED, "double")
    r = check_resolved(chk)
    assert r.trace is not None
    return runner.trace_report(chk, r.trace)


def assert_drawn(png: Path, highlight: tuple[int, int, int]) -> None:
    """Not blank: many colours, a fair share of ink, and the violation's fill present."""
    assert png.stat().st_size > 20_000
    total, counts = pixel_counts(png)
    white = counts.get((255, 255, 255), 0)
    assert len(counts) > 50, f"only {len(counts)} colours"
    assert total - white > total // 50, "almost every pixel is white"
    assert counts.get(highlight, 0) > 500, f"no {highlight} highlight drawn"


@needs_browser
def test_compare_report_renders(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report_page(), encoding="utf-8")
    assert_drawn(screenshot(page, tmp_path / "report.png"), VIOLATED_CELL)
    dom = dump_dom(page)
    assert '<table class="matrix">' in dom
    links = re.findall(r'<a href="#(t\d+-[a-z]+)">violated', dom)
    assert links, "no violating cell links to a trace"
    for anchor in links:
        section = dom.split(f'<section id="{anchor}">', 1)[1].split("</section>", 1)[0]
        assert '<table class="trace">' in section and "<svg " in section
        assert "syncfs-mc replay " in section


@needs_browser
def test_trace_page_renders(tmp_path: Path) -> None:
    rep = trace_report()
    page = tmp_path / "trace.html"
    page.write_text(tracehtml.render_page(rep), encoding="utf-8")
    assert_drawn(screenshot(page, tmp_path / "trace.png"), BAD_ROW)
    dom = dump_dom(page)
    assert dom.count('<table class="trace">') == 1 and dom.count("<svg ") == 1
    assert rep.key in dom and "syncfs(fd1)" in dom
    # every step appears as a table row and as a row of the diagram
    assert len(re.findall(r'<td class="num">\d+</td>', dom)) == len(rep.trace)


def test_svg_is_deterministic_and_well_formed() -> None:
    import xml.etree.ElementTree as ET

    rep = trace_report()
    one = svg.render_svg(rep.trace, rep.prop)
    assert one == svg.render_svg(rep.trace, rep.prop)
    root = ET.fromstring(one)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for s in rep.trace.steps:
        assert any(t.startswith(f"{s.index:>2}. ") for t in texts), s.index
    assert any(t.startswith(f"step {len(rep.trace)} violates double") for t in texts)
    inline = svg.render_svg(rep.trace, rep.prop, standalone=False)
    assert "http" not in inline and "url(" not in inline

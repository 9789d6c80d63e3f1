"""Golden tests for every renderer: the exact output for fixed checks, stored in
``tests/golden/`` (deterministic: timings and memory zeroed, no paths, stable order).

Regenerate after a deliberate change, then review the diff by eye::

    python tests/test_golden.py --update
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from checks import compare
from checks.promela import export
from checks.runner import check, check_resolved, trace_report
from reports import compare as rc
from reports import diagram, text
from reports import trace as rt
from specs.resolved import resolve
from specs.results import (
    CheckResult,
    CompareResult,
    Difference,
    PropertyResult,
    Stats,
    TraceReport,
)
from specs.scenarios import SCENARIOS

GOLDEN = Path(__file__).with_name("golden")
SEED = SCENARIOS["seed"][0]


def _zero(r: PropertyResult) -> PropertyResult:
    s = r.stats
    return dataclasses.replace(r, stats=Stats(s.states, s.transitions, s.max_depth, 0.0, 0.0),
                               others=tuple(_zero(o) for o in r.others))


def _stable_check(c: CheckResult) -> CheckResult:
    return dataclasses.replace(c, results=tuple(_zero(r) for r in c.results))


@cache
def _compare() -> CompareResult:
    cells = [compare.Cell(s, lock, "seed", SEED) for s in ("copy-naive", "cursor")
             for lock in ("none", "spinlock")]
    r = compare.run(cells, ["lost", "double", "backward"], jobs=1)
    return dataclasses.replace(r, cells=tuple(_stable_check(c) for c in r.cells))


@cache
def _trace() -> TraceReport:
    chk = resolve("copy-naive", "none", "seed", SEED, "double")
    r = check_resolved(chk)
    assert r.trace is not None
    return trace_report(chk, r.trace)


@cache
def _check() -> CheckResult:
    return _stable_check(check("copy-naive", "none", "seed", SEED, ["double", "lost"]))


GOLDEN_FILES: dict[str, Callable[[], str]] = {
    "compare.txt": lambda: rc.render_text(_compare()),
    "compare-colour.txt": lambda: rc.render_text(_compare(), colour=True),
    "compare.md": lambda: rc.render_markdown(_compare()),
    "compare.json": lambda: rc.render_json(_compare()),
    "compare.html": lambda: rc.render_html(_compare()),
    "trace.txt": lambda: rt.render_text(_trace()),
    "trace.json": lambda: rt.render_json(_trace()),
    "trace.mmd": lambda: diagram.render_mermaid(_trace().trace, "double"),
    "trace.dot": lambda: diagram.render_dot(_trace().trace, "double"),
    "trace.svg": lambda: rt.render(_trace(), "svg"),
    "trace.html": lambda: rt.render(_trace(), "html"),
    "check.txt": lambda: text.render_check(_check()),
    "export-none-seed-lost.pml": lambda: export(resolve("none", "none", "seed", SEED, "lost")),
}


def _norm(s: str) -> str:
    return s if s.endswith("\n") else s + "\n"


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_renderer_matches_its_golden_file(name: str) -> None:
    path = GOLDEN / name
    assert path.exists(), f"{path} missing: run python tests/test_golden.py --update"
    assert _norm(GOLDEN_FILES[name]()) == path.read_text(encoding="utf-8"), (
        f"{name} changed: if deliberate, run python tests/test_golden.py --update and "
        "review the diff")


def test_goldens_are_deterministic() -> None:
    assert rc.render_json(_compare()) == rc.render_json(_compare())
    for name in ("compare.json", "trace.json", "compare.html", "trace.html", "trace.svg"):
        body = (GOLDEN / name).read_text()
        assert "/work" not in body and "/tmp" not in body


def anchors_of(page: str) -> list[str]:
    """The matrix cells' links to counterexample sections."""
    return re.findall(r'<a href="#(t[0-9]+-[a-z]+)">', page)


def test_html_is_self_contained() -> None:
    for name in ("compare.html", "trace.html"):
        page = (GOLDEN / name).read_text()
        for needle in ("http://", "https://", "<script", "<link", "@import", "url(", "<img"):
            assert needle not in page, (name, needle)
    page = (GOLDEN / "compare.html").read_text()
    for anchor in ("t0-lost", "t0-double", "t2-lost"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    sections = page.count("<section ")
    assert sections == len(anchors_of(page)) > 0
    assert page.count("<svg ") == page.count('<table class="trace">') == sections


def test_no_stale_golden_files() -> None:
    on_disk = {p.name for p in GOLDEN.iterdir() if p.name != "README.md"}
    assert on_disk == set(GOLDEN_FILES)


def test_difference_json_round_trips() -> None:
    for d in _compare().differences:
        assert Difference.from_json(d.to_json()) == d


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_golden.py --update")
    for name, make in sorted(GOLDEN_FILES.items()):
        (GOLDEN / name).write_text(_norm(make()), encoding="utf-8")
        print(f"wrote tests/golden/{name}", file=sys.stderr)

"""``syncfs-mc compare``: the matrix, its order, what a discipline buys, the formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from checks import compare
from checks.cli import main
from checks.runner import check
from specs.results import CompareResult, Verdict
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]
CELLS = [compare.Cell(s, lock, "seed", SEED) for s in ("copy-naive", "cursor")
         for lock in ("none", "spinlock")]
PROPS = ["lost", "double"]


def run(*args: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_parallel_matrix_is_in_order_and_equals_the_serial_one() -> None:
    par = compare.run(CELLS, PROPS, jobs=2)
    ser = compare.run(CELLS, PROPS, jobs=1)
    assert [(c.scheme, c.lock) for c in par.cells] == [(c.scheme, c.lock) for c in CELLS]
    for a, b in zip(par.cells, ser.cells, strict=True):
        assert [(r.prop, r.verdict, r.trace_length, r.stats.states) for r in a.results] == \
               [(r.prop, r.verdict, r.trace_length, r.stats.states) for r in b.results]
        one = check(a.scheme, a.lock, "seed", SEED, PROPS)
        assert [r.trace_length for r in one.results] == [r.trace_length for r in a.results]


def test_what_the_lock_buys() -> None:
    result = compare.run(CELLS, PROPS, jobs=1)
    diffs = {(d.scheme, d.prop): d for d in result.differences}
    lost = diffs[("copy-naive", "lost")]
    assert (lost.broken, lost.kept) == ("none", "spinlock")
    kept = next(c for c in result.cells if (c.scheme, c.lock) == ("copy-naive", "spinlock"))
    assert kept.result("lost").verdict is Verdict.HOLDS
    assert lost.kept_states == kept.result("lost").stats.states
    assert len(lost.trace) == 9
    assert lost.key.startswith("copy-naive/none/seed/lost/-/")
    assert ("copy-naive", "double") not in diffs  # both break: the lock only delays it
    assert ("cursor", "double") in diffs and diffs[("cursor", "double")].broken == "none"


def test_json_round_trips() -> None:
    result = compare.run(CELLS[:2], PROPS, jobs=1)
    doc = json.loads(json.dumps(result.to_json()))
    back = CompareResult.from_json(doc)
    assert back.to_json() == doc  # timings are rounded in JSON; everything else is exact
    assert back.cells[0].results[0].trace == result.cells[0].results[0].trace


def test_cli_text_is_plain_when_piped() -> None:
    code, out, err = run("compare", "--scheme", "copy-naive", "--lock", "none,spinlock",
                         "--property", "lost")
    assert code == 0, err
    assert "\x1b[" not in out and err == ""
    assert "copy-naive --lock none      violated (9 steps)" in out
    assert "copy-naive --lock spinlock  holds (687 states)" in out
    assert "breaks in 9 steps with --lock none; holds with --lock spinlock (687 states)" in out
    assert "replay: syncfs-mc replay copy-naive/none/seed/lost/-/" in out


def test_cli_writes_the_file_atomically(tmp_path) -> None:
    target = tmp_path / "m.md"
    code, out, err = run("compare", "--scheme", "none", "--lock", "none", "--property",
                         "lost", "--format", "markdown", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert "| `none --lock none` | **violated (4 steps)** |" in target.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["m.md"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # as open() would create it


def test_cli_bad_input(capsys) -> None:
    for args, needle in [(["compare", "--lock", "mutexx"], "unknown discipline"),
                         (["compare", "--format", "pdf"], "unknown format"),
                         (["compare", "--scenario", "sed"], "unknown scenario"),
                         (["compare", "--jobs", "0"], "--jobs must be in")]:
        assert main(args) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0]

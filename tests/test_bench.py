"""The benchmark ladder (``syncfs-mc bench``), the progress line and Ctrl-C.

No assertion here depends on how fast anything runs: the bench is checked for the numbers
that do not move (verdicts, states, transitions, counterexample lengths) against ``check``,
and for reporting every row, including the ones a limit stops.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import sigint_default

from checks import explicit
from checks.bench import BenchResult, quick_ladder
from checks.cli import main
from checks.progress import ProgressLine, progress_line
from checks.runner import Budget, check, check_property
from specs.resolved import resolve
from specs.results import Stats
from specs.scenarios import SCENARIOS

REPO = Path(__file__).resolve().parent.parent


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout)


# -- the ladder agrees with check --------------------------------------------------------------

@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    p = cli("bench", "--quick", "--json", str(out))
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""  # piped: no progress line
    return p.stdout, json.loads(out.read_text())


def test_quick_bench_matches_check_row_by_row(quick: tuple[str, dict]) -> None:
    """Same verdicts, state and transition counts and trace lengths as ``check`` on the same
    bounds: the bench measures the engine users run, not a copy of it."""
    _, doc = quick
    result = BenchResult.from_json(doc)  # the document reads back
    rows = {r.name: r for r in quick_ladder()}
    assert len(result.rows) == 3 * len(rows)  # every variant x row, none dropped
    for row in result.rows:
        props = [p.prop for p in row.properties]
        assert props == ["lost", "double", "unseen", "backward", "deadlock"]
        ref = check(row.scheme, row.lock, "bench", rows[row.row].params, props)
        for got, want in zip(row.properties, ref.results, strict=True):
            assert (got.verdict, got.states, got.transitions, got.trace_length, got.by_design) \
                == (want.verdict.value, want.stats.states, want.stats.transitions,
                    want.trace_length, want.by_design), (row.variant, row.row, got.prop)
        assert row.peak_mib is not None and row.baseline_mib is not None
        assert row.peak_mib >= row.baseline_mib > 0
        if row.dimension in ("base", "syncers"):  # symmetry measured where it pays
            off = check_property(row.scheme, row.lock, rows[row.row].params, props[0],
                                 budget=Budget(symmetry=False))
            assert row.states_no_symmetry == off.stats.states >= row.properties[0].states


def test_quick_bench_prints_one_line_per_property(quick: tuple[str, dict]) -> None:
    out, doc = quick
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["variant", "row", "property", "verdict"]
    body = [ln for ln in lines[1:] if ln.strip()]
    assert len(body) == sum(len(r["properties"]) for r in doc["rows"])
    first = doc["rows"][0]["properties"][0]
    assert f"{first['states']:,}" in body[0] and first["verdict"] in body[0]


def test_from_json_renders_the_same_table_without_running(
        quick: tuple[str, dict], tmp_path: Path, capsys) -> None:
    src = tmp_path / "earlier.json"
    src.write_text(json.dumps(quick[1]))
    assert main(["bench", "--from-json", str(src)]) == 0
    assert capsys.readouterr().out.split() == quick[0].split()


@pytest.mark.parametrize("limit,reason", [
    (["--max-memory", "1"], "memory limit 1 MiB reached"),
    (["--max-seconds", "1e-9"], "time limit 1e-09s reached"),
])
def test_a_row_stopped_by_a_limit_is_reported_unknown_with_figures(
        tmp_path: Path, limit: list[str], reason: str) -> None:
    out = tmp_path / "b.json"
    p = cli("bench", "--quick", "--variant", "cursor/spinlock", "--rows", "syncers=3",
            "--property", "lost,double", *limit, "--json", str(out))
    assert p.returncode == 0, p.stderr
    (row,) = json.loads(out.read_text())["rows"]
    assert [r["prop"] for r in row["properties"]] == ["lost", "double"]
    for r in row["properties"]:
        assert r["verdict"] == "unknown" and reason in r["reason"]
        assert r["states"] >= 1  # the figures reached, not a dropped row
    assert "unknown" in p.stdout


@pytest.mark.parametrize("backend", ["python", "native"])
def test_bench_runs_on_the_back_end_asked_for(tmp_path: Path, backend: str) -> None:
    """``--backend``: the row processes search on it (the same figures either way), and the
    document records it."""
    from checks import native

    if backend == "native" and not native.available():
        pytest.skip("no C compiler")
    out = tmp_path / "b.json"
    p = cli("bench", "--quick", "--variant", "cursor/spinlock", "--rows", "base",
            "--property", "lost", "--backend", backend, "--json", str(out))
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text())
    assert doc["machine"]["backend"] == backend
    (row,) = doc["rows"]
    ref = check_property("cursor", "spinlock", quick_ladder()[0].params, "lost")
    assert row["properties"][0]["states"] == ref.stats.states


@pytest.mark.parametrize("args,needle", [
    (["--rows", "syncers=9"], "unknown row"),
    (["--backend", "java"], "unknown --backend value"),
    (["--variant", "cursr/spinlock"], "did you mean 'cursor'"),
    (["--variant", "cursor/spinlok"], "unknown discipline"),
    (["--format", "html"], "unknown format"),
    (["--ladder", "huge"], "unknown ladder"),
    (["--max-seconds", "0"], "--max-seconds must be positive"),
    (["--json", "/nonexistent-dir/b.json"], "does not exist"),
])
def test_bad_bench_input_is_one_line_and_exit_2(args: list[str], needle: str, capsys) -> None:
    assert main(["bench", "--quick", *args]) == 2
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], cap.err
    assert cap.out == ""


def test_png_without_matplotlib_is_a_one_line_hint(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    assert main(["bench", "--quick", "--png", str(tmp_path / "g.png")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "pip install -e '.[bench]'" in err
    assert os.listdir(tmp_path) == []


def test_png_is_drawn(tmp_path: Path, quick: tuple[str, dict]) -> None:
    pytest.importorskip("matplotlib")
    from reports.bench import render_png

    png = tmp_path / "g.png"
    render_png(quick[1], str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["g.png"]


def test_spin_without_its_binary_is_a_one_line_error(monkeypatch, capsys) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "spin" else real(name))
    assert main(["bench", "--quick", "--spin"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "spin binary" in err


@pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None,
                    reason="spin (Debian package) or gcc not installed")
def test_bench_spin_columns_agree_with_spin(tmp_path: Path, capsys) -> None:
    """SPIN on the exported rows: the same verdicts and shortest lengths as ours, its figures
    and the ratios in the JSON and the table."""
    out = tmp_path / "b.json"
    assert main(["bench", "--quick", "--variant", "copy-naive/none", "--rows", "base",
                 "--property", "lost,deadlock", "--max-seconds", "120", "--spin",
                 "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())["rows"]
    for p in row["properties"]:
        s = p["extra"]["spin"]
        assert s["agree"] is True, (p["prop"], p["verdict"], s)
        assert s["verdict"] == p["verdict"] and s["states"] > 0
        assert s["compile_s"] > 0 and s["seconds"] >= s["compile_s"]
        assert s["states_ratio"] == round(p["states"] / s["states"], 3)
    lost = row["properties"][0]
    assert lost["verdict"] == "violated" and lost["extra"]["spin"]["trail_length"] == lost[
        "trace_length"]
    table = capsys.readouterr().out
    assert "spin states" in table.splitlines()[0] and "True" in table


# -- progress ----------------------------------------------------------------------------------

def _stress_world(prop: str = "lost") -> explicit.CompiledWorld:
    params = SCENARIOS["seed"][0]
    return explicit.compile_world(resolve("cursor", "spinlock", "custom", params, prop).world)


@pytest.mark.parametrize("fewest", [False, True], ids=["search", "fewest-switches"])
def test_progress_is_reported_with_sane_figures_when_forced(fewest: bool) -> None:
    seen: list[explicit.Progress] = []
    cw = _stress_world()
    if fewest:
        out = explicit.search_fewest_switches(cw, "lost", progress=seen.append,
                                              progress_interval=0)
    else:
        out = explicit.search(cw, "lost", progress=seen.append, progress_interval=0)
    assert out.verdict.value == "holds"
    assert len(seen) >= out.stats.max_depth  # at least once per level
    states = [p.states for p in seen]
    assert states == sorted(states) and states[-1] <= out.stats.states
    assert [p.depth for p in seen] == sorted(p.depth for p in seen)
    assert all(p.prop == "lost" and p.queue >= 0 and p.mib > 0 and p.seconds >= 0
               and p.transitions >= p.states - 1 for p in seen)
    assert seen[-1].queue == 0  # the last level's end: nothing left to expand


def test_progress_changes_no_figure() -> None:
    cw = _stress_world("unseen")
    a = explicit.search(cw, "unseen")
    b = explicit.search(cw, "unseen", progress=lambda p: None, progress_interval=0)
    assert (a.verdict, a.stats.states, a.stats.transitions, a.schedule) == \
        (b.verdict, b.stats.states, b.stats.transitions, b.schedule)


def test_progress_line_only_on_a_terminal() -> None:
    assert progress_line(io.StringIO()) is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    line = progress_line(stream, label="cursor/spinlock")
    assert isinstance(line, ProgressLine)
    line(explicit.Progress("lost", 12345, 23456, 17, 890, 2.0, 42.0))
    line.clear()
    text = stream.getvalue()
    assert text.startswith("\rcursor/spinlock lost: 12,345 states  6,172 states/s  depth 17  "
                           "queue 890  42 MiB")
    assert text.endswith("\r") and "\n" not in text


def test_check_is_silent_on_stderr_when_piped() -> None:
    p = cli("check", "cursor", "--lock", "spinlock", "--property", "lost")
    assert p.returncode == 0 and p.stderr == ""


def test_fewest_switches_honours_the_memory_limit() -> None:
    r = check_property("cursor", "spinlock", SCENARIOS["seed"][0], "lost",
                       budget=Budget(minimize="preemptions", max_mib=1))
    assert r.verdict.value == "unknown" and "memory limit 1 MiB reached" in r.reason


# -- Ctrl-C ------------------------------------------------------------------------------------

def _interrupt_while_searching(args: list[str]) -> tuple[int, str, str, str]:
    """Run the CLI with the progress line forced on (stderr is a pipe here), wait until a
    search has reported progress, send SIGINT: (exit code, stdout, stderr, last line)."""
    env = dict(os.environ, SYNCFS_MC_PROGRESS="1")
    proc = subprocess.Popen([sys.executable, "-m", "checks.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=sigint_default)
    seen = b""
    while b"states/s" not in seen:
        chunk = os.read(proc.stderr.fileno(), 4096)  # type: ignore[union-attr]
        if not chunk:
            break
        seen += chunk
    assert b"states/s" in seen, "the run ended before any search reported progress"
    proc.send_signal(signal.SIGINT)
    out, rest = proc.communicate(timeout=120)
    err = (seen + rest).decode()
    return proc.returncode, out.decode(), err, re.split(r"[\r\n]+", err.strip())[-1]


def test_ctrl_c_during_check_prints_the_figures_so_far() -> None:
    code, out, err, last = _interrupt_while_searching(
        ["check", "cursor", "--lock", "spinlock", "--scenario", "stress", "--syncs", "3",
         "--property", "deadlock,lost"])
    assert code == 130 and out == "" and "Traceback" not in err
    assert re.fullmatch(r"syncfs-mc: interrupted: (deadlock|lost): [\d,]+ states, [\d,]+ "
                        r"transitions, depth \d+, [\d.]+s so far; finished: .*", last), last


def test_ctrl_c_during_bench_writes_no_file_and_says_how_far_it_got(tmp_path: Path) -> None:
    out_json = tmp_path / "b.json"
    code, out, err, last = _interrupt_while_searching(
        ["bench", "--ladder", "frontier", "--rows", "s4k2e2", "--variant", "cursor/spinlock",
         "--property", "lost", "--json", str(out_json)])
    assert code == 130 and "Traceback" not in err, err
    assert re.fullmatch(r"syncfs-mc: interrupted: 0 rows finished; cursor/spinlock s4k2e2 "
                        r"lost: [\d,]+ states, [\d,]+ transitions, depth \d+, [\d.]+s so far",
                        last), last
    assert out.startswith("variant")  # the header was printed before the row ran
    assert os.listdir(tmp_path) == []


def test_ctrl_c_during_compare_says_how_far_it_got(monkeypatch, capsys) -> None:
    """In process: the third check is interrupted in the middle of its search."""
    from checks import compare

    calls = []
    real = compare.check_resolved

    def flaky(*args, **kw):
        calls.append(args)
        if len(calls) == 3:
            raise explicit.SearchInterrupted("unseen", Stats(1234, 5678, 9, 1.5, 40.0))
        return real(*args, **kw)

    monkeypatch.setattr(compare, "check_resolved", flaky)
    assert main(["compare", "--scheme", "copy-naive", "--lock", "none", "--jobs", "1",
                 "-o", "/dev/null"]) == 130
    cap = capsys.readouterr()
    (line,) = cap.err.strip().splitlines()
    assert line == ("syncfs-mc: interrupted: 2 of 6 checks finished (2 violated); unseen: "
                    "1,234 states, 5,678 transitions, depth 9, 1.5s so far")
    assert cap.out == ""

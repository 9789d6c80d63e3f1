"""The native back end (``checks.native``) against the Python engine, the reference.

* The whole recorded matrix (``expected_verdicts.json``, ``expected_disciplines.json``),
  searched natively through the same ``check`` the matrix tests call: every verdict, shortest
  length and state count (with and without symmetry where it is recorded) must be the
  recorded one.  Transitions are not in the JSON, so
* on a subset (every scheme x none/spinlock in ``seed``, with and without symmetry, every
  property, and a few bigger rows) the native and the Python searches are compared in
  everything an ``Outcome`` carries but the seconds: verdict, schedule, reason, states,
  transitions, depth.  Plus the limits, Ctrl-C, the cache and the back end choice.

The matrix compiles about a thousand worlds, so it builds them at -O0 (``$SYNCFS_MC_OPT``):
they are small, the compile is what costs.  Skipped without a C compiler.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest
import test_disciplines
import test_expected_verdicts
from click.testing import CliRunner
from conftest import REPO, sigint_default

from checks import explicit, native
from checks.cli import cli
from checks.native import build
from specs.properties import DEFAULT_PROPERTIES
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

pytestmark = pytest.mark.skipif(not native.available(), reason="no C compiler")


@pytest.fixture
def native_backend(monkeypatch):
    monkeypatch.setenv("SYNCFS_MC_BACKEND", "native")
    monkeypatch.setenv("SYNCFS_MC_OPT", "-O0")


@pytest.mark.parametrize("case", test_expected_verdicts.cases(),
                         ids=lambda c: test_expected_verdicts.key(*c))
def test_native_reproduces_the_verdict_matrix(case, native_backend) -> None:
    expected = test_expected_verdicts._expected()[test_expected_verdicts.key(*case)]
    assert test_expected_verdicts.run_case(*case) == expected


@pytest.mark.parametrize("case", test_disciplines.cases(),
                         ids=lambda c: test_disciplines.key(*c))
def test_native_reproduces_the_discipline_matrix(case, native_backend) -> None:
    expected = test_disciplines._expected()[test_disciplines.key(*case)]
    assert test_disciplines.run_case(*case) == expected


def _worlds(scheme: str, lock: str, scenario: str, prop: str, dead_reset: bool = True,
            **opts):
    """The compiled world the explicit engine searches (and its twin): dead values reset
    (``specs.deadreset``), as by default, or the world as built."""
    params = dataclasses.replace(SCENARIOS[scenario][0], **opts)
    rc = resolve(scheme, lock, scenario, params, prop)
    world, twin = (rc.search_world, rc.search_twin) if dead_reset else (rc.world, rc.twin)
    return (explicit.compile_world(world),
            explicit.compile_world(twin) if twin is not None else None)


def _figures(out: explicit.Outcome) -> tuple:
    s = out.stats
    return out.verdict, out.schedule, out.reason, s.states, s.transitions, s.max_depth


def _same(cw, prop, twin, symmetry, limits=None) -> None:
    limits = limits or explicit.Limits()
    py = explicit.search(cw, prop, limits, twin, symmetry)
    nat, _ = native.search(cw, prop, limits, twin, symmetry, None, 1.0)
    assert _figures(nat) == _figures(py)


SUBSET = ([(s, lock, "seed", {}) for s in ("copy-counter", "copy-naive", "cursor", "mustinc",
                                           "none", "upper-cursor", "volatile", "volatile-6.12")
           for lock in ("none", "spinlock")]
          + [("volatile", "none", "seed", {"sync_fs_errors": "ignored"}),
             ("cursor", "cmpxchg", "shared-fd", {"flock": True}),
             ("copy-counter", "none", "late-open", {}),
             ("volatile", "spinlock", "two-overlays", {}),
             ("copy-counter", "none", "wrap", {})])


@pytest.mark.parametrize("case", SUBSET, ids=lambda c: test_expected_verdicts.key(*c))
def test_native_equals_python_in_every_figure(case, native_backend) -> None:
    scheme, lock, scenario, opts = case
    for prop in DEFAULT_PROPERTIES:  # progress: Python only (checks.liveness)
        for dead_reset in (True, False):
            cw, twin = _worlds(scheme, lock, scenario, prop, dead_reset, **opts)
            for symmetry in (True, False):
                _same(cw, prop, twin, symmetry)


@pytest.mark.parametrize("prop", ["lost", "wrap", "deadlock", "double"])
def test_native_equals_python_on_a_bigger_world(prop) -> None:
    """``race`` (thousands to tens of thousands of states): levels, the twin, deadlock."""
    cw, twin = _worlds("volatile", "spinlock", "race", prop)
    _same(cw, prop, twin, True)


@pytest.mark.parametrize("max_states", [1, 2, 50, 1000, 4096])
def test_the_state_limit_stops_where_python_stops(max_states) -> None:
    cw, twin = _worlds("volatile", "none", "race", "wrap")
    _same(cw, "wrap", twin, True, explicit.Limits(max_states=max_states))


def test_time_and_memory_limits_give_unknown_with_python_texts() -> None:
    cw, twin = _worlds("volatile", "spinlock", "race", "unseen")
    out, _ = native.search(cw, "unseen", explicit.Limits(max_seconds=1e-9), twin, True,
                           None, 1.0)
    assert out.verdict.value == "unknown" and out.reason.startswith("time limit 1e-09s")
    out, _ = native.search(cw, "unseen", explicit.Limits(max_mib=1.0), twin, True, None, 1.0)
    assert out.verdict.value == "unknown" and out.reason.startswith("memory limit 1 MiB")
    assert out.stats.states >= 1


def test_progress_and_ctrl_c_carry_the_figures() -> None:
    cw, twin = _worlds("volatile", "spinlock", "race", "lost")
    seen = []

    def progress(p: explicit.Progress) -> None:
        seen.append(p)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(explicit.SearchInterrupted) as e:
        native.search(cw, "lost", explicit.Limits(), twin, True, progress, 0.0)
    assert len(seen) == 3 and seen[-1].states > 0
    assert e.value.stats.states >= seen[-1].states and e.value.prop == "lost"


def test_a_second_search_pays_no_compile(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNCFS_MC_CACHE", str(tmp_path))
    cw, twin = _worlds("cursor", "spinlock", "seed", "lost")
    first, compiled = native.search(cw, "lost", explicit.Limits(), twin, True, None, 1.0)
    again, recompiled = native.search(cw, "lost", explicit.Limits(), twin, False, None, 1.0)
    assert compiled and not recompiled  # symmetry is chosen at run time: one object
    assert len(list(tmp_path.glob("world-*.so"))) == 1
    monkeypatch.setenv("SYNCFS_MC_OPT", "-O0")
    _, other_flags = native.search(cw, "lost", explicit.Limits(), twin, True, None, 1.0)
    assert other_flags  # the flags are part of the key


def test_the_backend_choice(monkeypatch) -> None:
    monkeypatch.delenv("SYNCFS_MC_BACKEND")
    assert native.resolve("auto") == ("python-first", None)
    assert native.resolve("native") == ("native", None)
    assert native.resolve("python") == ("python", None)
    assert native.resolve("native", por=True)[0] == "python"  # documented fallback
    assert native.resolve("native", minimize="preemptions")[0] == "python"
    monkeypatch.setattr(native, "available", lambda: False)
    backend, note = native.resolve("auto")
    assert backend == "python" and note is not None and "no C compiler" in note
    with pytest.raises(native.CompilerMissing):
        native.resolve("native")


@pytest.mark.parametrize("scheme,lock,prop", [("cursor", "spinlock", "lost"),  # 76,759 states
                                              ("cursor", "spinlock", "unseen"),  # violated
                                              ("volatile", "none", "lost")])  # 33k states
def test_auto_searches_in_python_first_then_natively_with_the_same_figures(
        scheme, lock, prop, tmp_path, monkeypatch) -> None:
    """``auto``: a world decided within ``PYTHON_FIRST_STATES`` never waits for a compile;
    a bigger one is searched again natively, with the Python engine's figures."""
    from checks.runner import Budget, check_resolved

    monkeypatch.delenv("SYNCFS_MC_BACKEND")
    monkeypatch.setenv("SYNCFS_MC_CACHE", str(tmp_path))
    rc = resolve(scheme, lock, "race", SCENARIOS["race"][0], prop)
    auto = check_resolved(rc, budget=Budget(backend="auto"))
    py = check_resolved(rc, budget=Budget(backend="python"))
    assert (auto.verdict, auto.trace_length, auto.stats.states, auto.stats.transitions,
            auto.reason) == (py.verdict, py.trace_length, py.stats.states,
                             py.stats.transitions, py.reason)
    compiled = any(tmp_path.iterdir())
    assert compiled == (py.stats.states > native.PYTHON_FIRST_STATES)


def test_native_forced_without_a_compiler_is_exit_2(monkeypatch) -> None:
    monkeypatch.setattr(build, "compiler", lambda: None)
    r = CliRunner().invoke(cli, ["check", "volatile", "--backend", "native"])
    assert r.exit_code == 2 and "needs a C compiler" in r.output


def test_the_cli_gives_the_same_report_on_both_back_ends(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNCFS_MC_CACHE", str(tmp_path))
    args = ["check", "volatile", "--scenario", "seed", "--no-timings", "--json"]
    py = CliRunner().invoke(cli, [*args, "--backend", "python"])
    nat = CliRunner().invoke(cli, [*args, "--backend", "native"])
    assert py.exit_code == nat.exit_code and py.output == nat.output


def test_ctrl_c_in_a_native_search_is_exit_130_with_the_figures(tmp_path) -> None:
    """SIGINT reaches Python when the C side returns (every ``CLOCK_CHECK_EVERY`` states):
    exit 130 and the one line with the figures so far, as on the Python back end."""
    env = dict(os.environ, PYTHONHASHSEED="0", SYNCFS_MC_CACHE=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "checks.cli", "check", "cursor", "--lock",
                             "spinlock", "--syncers", "4", "--syncs", "2", "--errors",
                             "EIO,EIO,EIO", "--property", "lost", "--backend", "native"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=sigint_default)
    time.sleep(5)
    assert proc.poll() is None, "the search finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = err.decode().strip().splitlines()
    assert b"Traceback" not in err and len(lines) == 1 and "so far" in lines[0], err


def test_a_stored_state_costs_tens_of_bytes() -> None:
    """What the C side holds (records, the hash set, the component tables; ``IO_BYTES``)
    per stored state, on ``stress`` (197,890 states in one BFS): a few tens of bytes, so a
    10-million-state search fits in well under 1 GiB.  Counted from the allocations, so it
    does not depend on the machine or its load."""
    import ctypes
    import importlib

    from checks.native.build import build, load

    mod = importlib.import_module("checks.native.search")  # the module, not its function
    cw, twin = _worlds("cursor", "spinlock", "stress", "lost", dead_reset=False)  # 197,890
    so, _ = build(mod.source(cw, "lost", twin))
    lib = load(so).lib
    ctx = lib.mc_new(1)
    io = (ctypes.c_int64 * 9)()
    try:
        while True:
            io[mod.IO_TICK], io[mod.IO_WATCH] = 1 << 40, 1 << 40
            r = lib.mc_run(ctx, io)
            if r != mod.R_LEVEL:
                break
        assert r == mod.R_HOLDS and io[mod.IO_STORED] > 100_000
        assert io[mod.IO_BYTES] / io[mod.IO_STORED] < 64
    finally:
        lib.mc_free(ctx)

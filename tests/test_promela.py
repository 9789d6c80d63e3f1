"""The Promela export (``checks.promela``) and SPIN on it (``checks.spin``).

Without SPIN: every variant of the catalogue exports, deterministically, with one d_step per
(step, branch).  With SPIN (skipped when absent): SPIN's verdicts, trail lengths and, with its
partial-order reduction off, its state counts agree with our explicit engine's.
"""

from __future__ import annotations

import re

import pytest

from checks import explicit
from checks.cli import main
from checks.promela import ExportError, _Expr, export, to_promela
from checks.runner import Budget, check_property
from model.expr import Const, Op, Var
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

load_catalogue()
SEED = SCENARIOS["seed"][0]
spin = pytest.importorskip("checks.spin")
needs_spin = pytest.mark.skipif(not spin.available(), reason="spin or gcc not installed")


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_discipline_exports_deterministically(scheme: str) -> None:
    for lock in sorted(DISCIPLINES):
        first = export(resolve(scheme, lock, "seed", SEED, "lost"))
        assert first == export(resolve(scheme, lock, "seed", SEED, "lost"))
        assert f"Promela export of {scheme} --lock {lock} --scenario seed" in first
        # one active proctype per actor with steps, one d_step per (step, branch target)
        world = resolve(scheme, lock, "custom", SEED, "lost").world
        actors = [a for a in world.actors if a.steps]
        assert first.count("active proctype") == len(actors)
        branches = sum(len({t for _, t in st.goto}) for a in actors for st in a.steps)
        assert first.count(":: d_step {") <= branches
        assert first.count(":: d_step {") >= sum(len(a.steps) for a in actors)
        assert first.count("assert(!") >= 1  # the property is there


def test_every_property_exports_and_deadlock_has_no_assertion() -> None:
    for prop in ("lost", "double", "unseen", "backward", "wrap", "deadlock"):
        text = export(resolve("copy-naive", "spinlock", "seed", SEED, prop)).split("*/", 1)[1]
        assert ("assert(!" in text) == (prop != "deadlock")
        assert ("w_alive" in text) == (prop == "wrap")
    assert "-E" not in export(resolve("none", "none", "seed", SEED, "deadlock")).split("*/")[0]


def test_masks_wider_than_int_are_cut_and_other_big_constants_refused() -> None:
    expr = _Expr(lambda n: n, lambda n: (1 << 30) - 1)
    assert expr(Op("band", (Var("U"), Const(0xFFFFE000)))) == "(U & 2147475456)"
    with pytest.raises(ExportError):
        expr(Op("eq", (Var("U"), Const(1 << 40))))
    with pytest.raises(ExportError):  # (2**30 - 1) * 4 passes C's int
        expr(Op("add", (Op("add", (Var("U"), Var("U"))), Op("add", (Var("U"), Var("U"))))))


def test_cli_export_writes_the_model_and_rejects_bad_input(tmp_path, capsys) -> None:
    out = tmp_path / "m.pml"
    assert main(["export", "none", "--property", "lost", "-o", str(out)]) == 0
    assert out.read_text() == export(resolve("none", "none", "seed", SEED, "lost"))
    assert main(["export", "none", "--property", "lost", "--format", "dot"]) == 2
    assert main(["export", "none", "--property", "nope"]) == 2
    assert main(["export", "none", "--property", "lost", "-o", str(tmp_path / "no/x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(e.startswith("syncfs-mc: error:") for e in err)


# --------------------------------------------------------------------------------------------
# With SPIN


@needs_spin
@pytest.mark.parametrize("scheme,lock,prop", [
    ("copy-naive", "none", "double"),  # violated, 11 steps
    ("none", "none", "double"),  # holds
    ("copy-counter", "spinlock", "lost"),
])
def test_spin_agrees_with_the_explicit_engine(scheme: str, lock: str, prop: str) -> None:
    ours = check_property(scheme, lock, SEED, prop)
    full = check_property(scheme, lock, SEED, prop, budget=Budget(symmetry=False))
    run = spin.run_model(export(resolve(scheme, lock, "seed", SEED, prop)), prop, 120, por=False)
    assert run.verdict == ours.verdict.value
    if run.verdict == "violated":
        assert run.error == "assertion"
        assert run.trail_length == ours.trace_length
    else:
        # without POR, SPIN stores exactly the states our search without symmetry stores
        assert run.states == full.stats.states


@needs_spin
def test_spin_finds_the_same_deadlock() -> None:
    from model import kernel
    from model.variants import CallCtx, Discipline
    from model.world import build_world

    class Leaky(Discipline):
        name = "leaky-test"

        def around(self, call: CallCtx, region: str, body) -> None:
            if region != "body":
                body()
                return
            call.declare(call.ov.lock, "test lock", False)
            kernel.spin_lock(call.b, call.ov.lock)  # never released
            body()

    world = build_world(SCHEMES["copy-naive"], Leaky(), SEED)
    out = explicit.search(explicit.compile_world(world), "deadlock", symmetry=False)
    assert out.schedule is not None
    run = spin.run_model(to_promela(world, "deadlock"), "deadlock", 120)
    assert run.verdict == "violated" and run.error == "invalid end state"
    assert run.trail_length == len(out.schedule)


@needs_spin
def test_cli_spin_prints_both_verdicts() -> None:
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "checks.cli", "spin", "none", "--property",
                        "lost"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    row = next(line for line in r.stdout.splitlines() if line.startswith("lost"))
    assert re.search(r"violated\s+4\b.*\|\s+violated\s+4\b.*yes$", row), row

"""The SMT engine's speed levers keep every verdict, shortest length and counterexample.

Each lever can be switched off (``NARROW_WIDTHS``, ``PARTIAL_ORDER``, and the incremental
search in place of ``_bmc_complete``); on a few worlds, one that holds and some that are
violated, the engine must say the same with and without it.  The range analysis that the
narrow widths rest on is also checked against concrete executions: no value a state holds
may exceed its width there.
"""

from __future__ import annotations

import random

import pytest

from checks import smt
from model.ir import enabled, execute
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

# scheme, lock, scenario, property: violated ones and ones that hold, all decided in seconds
WORLDS = [
    ("copy-naive", "none", "seed", "lost"),
    ("copy-counter", "none", "seed", "lost"),
    ("copy-naive", "none", "seed", "deadlock"),
    ("none", "spinlock", "shared-fd", "double"),
]


def _rc(scheme: str, lock: str, scenario: str, prop: str):
    return resolve(scheme, lock, scenario, SCENARIOS[scenario][0], prop)


def _run(rc) -> tuple:
    out = smt.bmc(rc.world, rc.prop, 60, 120, rc.twin)
    return out.verdict, out.depth if out.schedule else None, out.schedule


@pytest.mark.parametrize("lever", ["NARROW_WIDTHS", "PARTIAL_ORDER", "complete", "INVARIANT"])
@pytest.mark.parametrize("world", WORLDS, ids=lambda w: "/".join(w))
def test_a_lever_changes_no_result(monkeypatch, lever: str, world) -> None:
    """Each lever off, the same verdict and schedule.  The levers of bounded model checking
    are compared with the invariant proof off (it would decide a ``holds`` before them)."""
    rc = _rc(*world)
    if lever != "INVARIANT":
        monkeypatch.setattr(smt, "INVARIANT", False)
    on = _run(rc)
    if lever == "complete":
        monkeypatch.setattr(smt, "_bmc_complete",
                            lambda *a, known=False: smt._bmc_incremental(*a))
    else:
        monkeypatch.setattr(smt, lever, False)
    off = _run(rc)
    assert on == off
    assert on[0].value in ("holds", "violated")


@pytest.mark.parametrize("world", [("copy-naive", "none", "seed", "wrap"),
                                   ("cursor", "spinlock", "race", "lost"),
                                   ("mustinc", "none", "shared-fd", "double")],
                         ids=lambda w: "/".join(w))
def test_no_reachable_value_exceeds_its_width(world) -> None:
    """Random executions of the instrumented world (and the twin): every value of state
    ``k`` fits the width :class:`checks.smt.Ranges` gives state ``k``."""
    rc = _rc(*world)
    rng = random.Random(15)
    for w in [rc.world] + ([rc.twin] if rc.twin is not None else []):
        ranges = smt.Ranges(w, smt._width(w))
        for _ in range(200):
            env = dict(zip(w.names, w.initial_state(), strict=True))
            for k in range(60):
                bits = ranges.at(k)
                for n in w.names:
                    assert 0 <= env[n] < 1 << bits[n], (n, k, env[n], bits[n])
                    assert env[n] < 1 << ranges.fixed[n], (n, env[n])
                moves = [st for a in w.actors for st in a.steps
                         if env[a.pc_var] == st.pc and enabled(st, env)]
                if not moves:
                    break
                env = execute(rng.choice(moves), env)


def test_the_widths_are_narrow_where_they_can_be() -> None:
    """The lever does something: pcs, booleans and ghost counters are a few bits."""
    w = _rc("copy-naive", "none", "seed", "lost").world
    bits = smt.Ranges(w, smt._width(w)).at(20)
    assert bits["P1.pc"] <= 4 and bits["g.P1.acc"] == 1 and bits["g.G"] <= 5
    assert smt._width(w) == 33

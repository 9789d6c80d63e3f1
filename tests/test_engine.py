"""The explicit engine against the reference interpreter, and the replay guard.

The engine compiles steps to Python; ``model.ir.execute`` evaluates the IR directly.  Two
interpreters of one description must agree on every transition they are both asked about.
"""

from __future__ import annotations

import random

import pytest

from checks import explicit
from checks.replay import ReplayError, replay
from checks.runner import Budget, check_property
from model.expr import evaluate
from model.ir import enabled, execute
from model.variants import SCHEMES, load_catalogue
from specs.properties import violation_of
from specs.resolved import resolve
from specs.results import Verdict
from specs.scenarios import SCENARIOS

load_catalogue()


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("prop", ["lost", "unseen", "backward"])
def test_compiled_steps_match_the_reference_interpreter(scheme: str, prop: str) -> None:
    """Random walks through the race scenario: the same successor and the same verdict."""
    world = resolve(scheme, "spinlock", "custom", SCENARIOS["race"][0], prop).world
    cw = explicit.compile_world(world)
    rng = random.Random(f"{scheme}/{prop}")
    for _ in range(60):
        state = cw.initial
        env = dict(zip(world.names, state, strict=True))
        while True:
            moves = []
            for ai, a in enumerate(world.actors):
                pc = env[a.pc_var]
                if pc >= a.done:
                    continue
                st = a.steps[pc]
                compiled = cw.steps[ai][pc](state)
                assert (compiled is not None) == enabled(st, env), st.name
                if compiled is not None:
                    moves.append((ai, st, compiled))
            if not moves:
                break
            ai, st, (nxt, bad) = rng.choice(moves)
            post = execute(st, env)
            assert nxt == tuple(post[n] for n in world.names), st.name
            assert bad == bool(evaluate(violation_of(st), env)), st.name
            state, env = nxt, post


def test_replay_rejects_a_schedule_that_does_not_violate() -> None:
    world = resolve("copy-naive", "none", "custom", SCENARIOS["seed"][0], "double").world
    r = check_property("copy-naive", "none", SCENARIOS["seed"][0], "double")
    assert r.trace is not None
    good = r.trace.schedule
    assert len(replay(world, good, "double")) == 11
    with pytest.raises(ReplayError, match="does not violate"):
        replay(world, good[:-1], "double")
    with pytest.raises(ReplayError):
        replay(world, ("P1",) * 40, "double")  # P1 finishes: cannot take more steps
    with pytest.raises(ReplayError, match="no actor"):
        replay(world, ("Z9",), "double")


def test_a_state_limit_gives_unknown_never_holds() -> None:
    seed = SCENARIOS["seed"][0]
    full = check_property("cursor", "spinlock", seed, "lost")
    assert full.verdict is Verdict.HOLDS
    cut = check_property("cursor", "spinlock", seed, "lost", budget=Budget(max_states=50))
    assert cut.verdict is Verdict.UNKNOWN and "state limit" in cut.reason
    bad = check_property("copy-naive", "none", seed, "double", budget=Budget(max_states=20))
    assert bad.verdict is Verdict.UNKNOWN


def test_deadlock_is_found_when_a_lock_is_never_released() -> None:
    """A deliberately broken discipline (acquire, no release) must deadlock two syncers."""
    from model import kernel
    from model.variants import CallCtx, Discipline

    class Leaky(Discipline):
        name = "leaky-test"

        def around(self, call: CallCtx, region: str, body) -> None:
            if region != "body":
                body()
                return
            call.declare(call.ov.lock, "test lock", False)
            kernel.spin_lock(call.b, call.ov.lock)
            body()

    from model.world import build_world

    world = build_world(SCHEMES["copy-naive"], Leaky(), SCENARIOS["seed"][0])
    out = explicit.search(explicit.compile_world(world), "deadlock")
    assert out.verdict is Verdict.VIOLATED
    assert out.schedule is not None
    trace = replay(world, out.schedule, "deadlock")
    assert "blocked" in trace.reason

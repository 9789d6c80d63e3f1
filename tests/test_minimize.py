"""``--minimize preemptions``: among the shortest counterexamples, the fewest context
switches; checked against brute force on small cases."""

from __future__ import annotations

import pytest

from checks import explicit
from checks.runner import Budget, check_property
from specs.resolved import resolve
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]


def brute_force_min_switches(scheme: str, prop: str, length: int) -> int:
    """Every schedule of exactly ``length`` steps; the fewest switches of one whose last
    step violates ``prop`` (and no earlier one)."""
    cw = explicit.compile_world(resolve(scheme, "none", "custom", SEED, prop).world)
    best = [10 ** 9]

    def go(state: tuple[int, ...], depth: int, last: int, sw: int) -> None:
        if sw >= best[0]:
            return
        for ai, fns in enumerate(cw.steps):
            pc = state[cw.pc_slots[ai]]
            if pc >= len(fns):
                continue
            r = fns[pc](state)
            if r is None:
                continue
            t, bad = r
            cost = sw + (last not in (-1, ai))
            if bad:
                if depth + 1 == length:
                    best[0] = min(best[0], cost)
                continue
            if depth + 1 < length:
                go(t, depth + 1, ai, cost)

    go(cw.initial, 0, -1, 0)
    return best[0]


@pytest.mark.parametrize("scheme,prop", [("copy-naive", "lost"), ("copy-naive", "backward"),
                                         ("copy-naive", "unseen"), ("none", "lost"),
                                         ("copy-counter", "lost")])
def test_fewest_switches_among_the_shortest(scheme: str, prop: str) -> None:
    plain = check_property(scheme, "none", SEED, prop)
    fewest = check_property(scheme, "none", SEED, prop, budget=Budget(minimize="preemptions"))
    assert plain.trace is not None and fewest.trace is not None
    assert len(fewest.trace) == len(plain.trace)
    assert fewest.trace.switches <= plain.trace.switches
    assert fewest.trace.switches == brute_force_min_switches(scheme, prop, len(plain.trace))


def test_same_verdicts_for_holds_and_wrap() -> None:
    for prop in ("lost", "double"):
        # the fewest-switches search stores every state: compare with symmetry off
        a = check_property("cursor", "spinlock", SEED, prop, budget=Budget(symmetry=False))
        b = check_property("cursor", "spinlock", SEED, prop,
                           budget=Budget(minimize="preemptions"))
        assert (a.verdict, a.stats.states) == (b.verdict, b.stats.states)
    wrap = SCENARIOS["wrap"][0]
    a = check_property("copy-counter", "none", wrap, "wrap")
    b = check_property("copy-counter", "none", wrap, "wrap", budget=Budget(minimize="preemptions"))
    assert a.trace is not None and b.trace is not None
    assert len(a.trace) == len(b.trace) and b.trace.switches <= a.trace.switches

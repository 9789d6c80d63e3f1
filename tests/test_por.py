"""Partial-order reduction (``checks.explicit.independence``) never changes a verdict or a
shortest length, and it does reduce the states stored where actors work on disjoint words.

The whole catalogue (every scenario) is compared by ``bench/reductions.py``; here the
scenarios that take seconds.
"""

from __future__ import annotations

import pytest

from checks import explicit
from checks.cli import scenario_params
from checks.runner import Budget, check_property
from model.variants import SCHEMES, load_catalogue
from specs.resolved import resolve
from specs.results import Verdict

load_catalogue()

PROPS = ("lost", "double", "unseen", "backward", "wrap", "deadlock")


@pytest.fixture(autouse=True)
def reduce_from_the_start(monkeypatch) -> None:
    """No plain search first: these worlds are small enough that it would settle them all."""
    monkeypatch.setattr(explicit, "PLAIN_FIRST_STATES", 0)


def _outcome(scheme: str, lock: str, scenario: str, prop: str, reduce: bool
             ) -> explicit.Outcome:
    rc = resolve(scheme, lock, scenario, scenario_params(scenario), prop)
    world, twin_world = rc.world, rc.twin
    twin = explicit.compile_world(twin_world) if twin_world is not None else None
    return explicit.search(explicit.compile_world(world), prop, None, twin, por=reduce)


def _reduced_only(world, prop: str, reduce: bool) -> explicit.Outcome:
    return explicit._bfs(explicit.compile_world(world), prop, None, True, None, 1.0,
                         explicit.Limits(), reduce)


@pytest.mark.parametrize("scenario", ["seed", "two-overlays", "shared-fd", "late-open"])
def test_por_keeps_every_verdict_and_shortest_length(scenario: str) -> None:
    for scheme in sorted(SCHEMES):
        for lock in ("none", "spinlock"):
            for prop in PROPS:
                full = _outcome(scheme, lock, scenario, prop, False)
                reduced = _outcome(scheme, lock, scenario, prop, True)
                cell = (scenario, scheme, lock, prop)
                assert reduced.verdict is full.verdict, cell
                if full.schedule is not None:
                    assert reduced.schedule is not None
                    assert len(reduced.schedule) == len(full.schedule), cell


def test_the_reduced_graph_alone_can_lengthen_a_trace_so_it_is_reminimised() -> None:
    """copy-counter/spinlock on shared-fd: the ample-set search first meets the violation
    two steps late; ``search(por=True)`` searches again and returns a shortest one, which
    replays."""
    world = resolve("copy-counter", "spinlock", "shared-fd", scenario_params("shared-fd"),
                    "lost").world
    only_reduced = _reduced_only(world, "lost", True)
    plain = _reduced_only(world, "lost", False)
    assert only_reduced.schedule is not None and plain.schedule is not None
    assert len(only_reduced.schedule) == 11 and len(plain.schedule) == 9
    res = check_property("copy-counter", "spinlock", scenario_params("shared-fd"), "lost")
    assert res.verdict is Verdict.VIOLATED
    assert res.trace is not None and len(res.trace.steps) == 9


def test_por_pays_where_overlays_are_disjoint() -> None:
    """Two overlays share only U, which volatile's syncers only read: their steps on their
    own O commute.  (Not mustinc any more: there every overlay open peeks U through its
    hidden real file, a write, and the saving falls to about half.)  Since volatile comes
    from its C file, each call reads U in both ->sync_fs calls, as sync_filesystem does, and
    each of those reads is dependent on writeback's errseq_set: 914 states against 2,033."""
    p = scenario_params("two-overlays")
    on = check_property("volatile", "spinlock", p, "deadlock", budget=Budget(por=True))
    off = check_property("volatile", "spinlock", p, "deadlock")
    assert on.verdict is off.verdict is Verdict.HOLDS
    assert on.stats.states * 2 < off.stats.states


def test_a_small_world_is_settled_by_the_plain_search(monkeypatch) -> None:
    """Below ``PLAIN_FIRST_STATES`` the result (figures included) is the plain search's."""
    monkeypatch.setattr(explicit, "PLAIN_FIRST_STATES", 20_000)
    p = scenario_params("two-overlays")
    on = check_property("mustinc", "spinlock", p, "deadlock", budget=Budget(por=True))
    off = check_property("mustinc", "spinlock", p, "deadlock")
    assert on.stats.states == off.stats.states


def test_limits_still_give_unknown_with_por() -> None:
    p = scenario_params("two-overlays")
    r = check_property("mustinc", "spinlock", p, "unseen",
                       budget=Budget(max_states=100, por=True))
    assert r.verdict is Verdict.UNKNOWN and "state limit" in r.reason


def test_a_step_that_touches_what_another_actor_will_write_is_never_ample() -> None:
    """W's errseq_set on U conflicts with every syncer that reads U later: no ample set at
    the start of the seed world."""
    world = resolve("none", "none", "seed", scenario_params("seed"), "lost").world
    table = explicit.independence(world)
    names = [a.name for a in world.actors]
    w = names.index("W")
    for bj, b in enumerate(world.actors):
        if bj != w and any("U" in st.reads for st in b.steps):
            assert 0 not in table[w][0][bj]


def test_a_limit_during_reminimising_says_a_violation_was_found() -> None:
    """The reduced search finds the 11-step violation; the state limit then cuts the plain
    search that would shorten it: unknown, never an unminimised trace, and the reason says
    what was found."""
    world = resolve("copy-counter", "spinlock", "shared-fd", scenario_params("shared-fd"),
                    "lost").world
    cw = explicit.compile_world(world)
    reduced = _reduced_only(world, "lost", True)
    out = explicit.search(cw, "lost", explicit.Limits(max_states=reduced.stats.states + 3),
                          por=True)
    assert out.verdict is Verdict.UNKNOWN and out.schedule is None
    assert "state limit" in out.reason and "11-step violation" in out.reason

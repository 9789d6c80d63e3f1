"""Mutation tests: the properties have teeth.

Each test breaks one thing the protocol depends on, in a copy built here (the production
schemes and kernel primitives are untouched), and shows that a property which holds for the
original is violated by the mutant, with a counterexample that replays in the reference
interpreter.  A checker whose monitors were vacuous would pass the originals and the mutants
alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from checks import explicit
from checks.replay import replay
from model import world as world_mod
from model.errseq import ErrseqLayout
from model.ir import Actor, World
from model.variants import DISCIPLINES, SCHEMES, CallCtx, SpinLock, load_catalogue
from model.world import WorldParams, build_world
from specs.properties import PROPERTIES
from specs.results import Verdict
from specs.scenarios import SCENARIOS

load_catalogue()


def decide(world: World, prop: str) -> tuple[Verdict, int | None]:
    """The verdict on ``prop``; a violation is replayed and its length returned."""
    w = PROPERTIES[prop].instrument(world)
    out = explicit.search(explicit.compile_world(w), prop)
    if out.verdict is not Verdict.VIOLATED:
        return out.verdict, None
    assert out.schedule is not None
    return out.verdict, len(replay(w, out.schedule, prop))


class SpinLockForgotten(SpinLock):
    """The spinlock discipline with its lock and unlock deleted (the regions run bare)."""

    name = "spinlock-forgotten"

    def around(self, call: CallCtx, region: str, body: Callable[[], None]) -> None:
        body()


class SetKeepsSeen(ErrseqLayout):
    """errseq_set that forgets to clear SEEN in the word it installs (still bumps the
    counter when SEEN was set)."""

    def set_new(self, D: Any, old: Any, errno: Any) -> Any:
        keep = D.band(old, D.const(self.word_mask & ~self.errno_mask))  # SEEN kept
        new = D.bor(keep, errno)
        must_inc = D.ne(D.band(old, D.const(self.seen)), D.const(0))
        bumped = D.band(D.add(new, D.const(self.ctr_inc)), D.const(self.word_mask))
        return D.ite(must_inc, bumped, new)


def without_cursor_store(world: World) -> World:
    """check_and_advance that computes the new cursor but never stores it in f_sb_err."""
    actors = []
    for a in world.actors:
        steps = tuple(
            dataclasses.replace(st, assigns=tuple(
                (n, e) for n, e in st.assigns if not n.endswith(".f_sb_err")))
            if st.name.startswith("check_and_advance(") else st
            for st in a.steps)
        actors.append(Actor(a.name, a.role, a.doc, steps))
    return dataclasses.replace(world, actors=tuple(actors))


@pytest.mark.parametrize("scenario", ["seed", "shared-fd"])
def test_cursor_without_its_spinlock_loses_an_error(scenario: str) -> None:
    p = SCENARIOS[scenario][0]
    good = build_world(SCHEMES["cursor"], DISCIPLINES["spinlock"], p)
    bad = build_world(SCHEMES["cursor"], SpinLockForgotten(), p)
    assert decide(good, "lost") == (Verdict.HOLDS, None)
    verdict, length = decide(bad, "lost")
    assert verdict is Verdict.VIOLATED and length == 11  # as cursor --lock none records


def test_errseq_set_that_keeps_seen_hides_an_error_from_a_later_opener(monkeypatch) -> None:
    """Error #2 lands on a word whose SEEN (from error #1's report) it fails to clear: a file
    opened after it samples it as already seen, and its first syncfs returns 0."""
    p = WorldParams(syncers=0, upper_syncers=2, upper_syncs=1, errors=(5, 5))
    good = build_world(SCHEMES["none"], DISCIPLINES["none"], p)
    assert decide(good, "unseen") == (Verdict.HOLDS, None)
    monkeypatch.setattr(world_mod, "ErrseqLayout", SetKeepsSeen)
    bad = build_world(SCHEMES["none"], DISCIPLINES["none"], p)
    verdict, _ = decide(bad, "unseen")
    assert verdict is Verdict.VIOLATED


@pytest.mark.parametrize("scenario", ["seed", "race"])
def test_check_and_advance_that_forgets_the_cursor_reports_twice(scenario: str) -> None:
    good = build_world(SCHEMES["cursor"], DISCIPLINES["spinlock"], SCENARIOS[scenario][0])
    assert decide(good, "double") == (Verdict.HOLDS, None)
    verdict, _ = decide(without_cursor_store(good), "double")
    assert verdict is Verdict.VIOLATED


def test_the_mutants_are_real_mutants() -> None:
    """Guard against a mutation that silently changes nothing."""
    L, M = ErrseqLayout(19), SetKeepsSeen(19)
    from model.values import INT

    seen_eio = L.seen | 5
    assert L.set_new(INT, seen_eio, 5) & L.seen == 0
    assert M.set_new(INT, seen_eio, 5) & L.seen
    w = build_world(SCHEMES["cursor"], DISCIPLINES["spinlock"], SCENARIOS["seed"][0])
    stores = sum(1 for a in w.actors for st in a.steps for n, _ in st.assigns
                 if n.endswith(".f_sb_err"))
    assert stores and not sum(1 for a in without_cursor_store(w).actors for st in a.steps
                              for n, _ in st.assigns if n.endswith(".f_sb_err")
                              and st.name.startswith("check_and_advance("))

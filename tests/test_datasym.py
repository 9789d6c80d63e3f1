"""Data symmetry of looping worlds (checks.datasym): proved per world, refused where it is
not a symmetry, and the same verdicts and shortest lengths with it as without."""

from __future__ import annotations

import dataclasses
import random

import pytest

from checks import datasym, native, smt
from checks.options import scenario_params
from checks.runner import Budget, check_resolved
from checks.stepcode import compile_world
from checks.symmetry import canonicalizer, symmetry_groups
from model.expr import E, Var
from model.world import FOREVER
from specs.resolved import resolve


def _looping(scheme: str, lock: str, prop: str, **over: object):
    kw = dict(syncs=FOREVER, errors=(5, 28), errors_forever=True, counter_bits=2)
    kw.update(over)
    return resolve(scheme, lock, "seed", scenario_params("seed", **kw), prop)


def test_cursor_spinlock_has_rotations_and_renamings() -> None:
    sym, why = datasym.data_symmetry(_looping("cursor", "spinlock", "double").search_world)
    assert sym is not None, why
    assert "counter rotations (x4)" in why and "errno renamings (x2)" in why
    assert len(sym.maps) == 4 * 2 - 1
    # cursor.c calls errseq_set(O) only with an error in hand: the region says so
    assert ("P1", 7, "P1.c_err") in sym.facts


@pytest.mark.parametrize("why, rc", [
    ("bounded", resolve("cursor", "spinlock", "seed", scenario_params("seed"), "double")),
    ("keyed ghosts", _looping("cursor", "spinlock", "backward")),
])
def test_no_data_symmetry_where_it_is_not_one(why: str, rc) -> None:
    assert datasym.data_symmetry(rc.search_world)[0] is None, why


def test_a_step_comparing_a_word_with_a_constant_breaks_the_proof() -> None:
    """A world built to break rotation: P1's lock step also waits for U != ctr=1 EIO."""
    w = _looping("cursor", "spinlock", "deadlock").search_world
    p1 = w.actor("P1")
    lock = p1.steps[1]
    bad = dataclasses.replace(lock, guard=E.land(lock.guard, E.ne(Var("U"), E.const(4101 + 8192))))
    actors = tuple(dataclasses.replace(a, steps=(a.steps[0], bad) + a.steps[2:])
                   if a.name == "P1" else a for a in w.actors)
    broken = dataclasses.replace(w, actors=actors)
    sym, _ = datasym.data_symmetry(w)
    assert sym is not None
    rot = datasym.DataMap(tuple(range(len(w.names))), 1, ())
    assert smt.prove_equivariant(w, sym.kinds, sym.region_words, rot, sym.facts) is None
    failed = smt.prove_equivariant(broken, sym.kinds, sym.region_words, rot, sym.facts)
    assert failed is not None and failed.startswith("P1 step 1")


def test_region_excludes_a_world_before_its_first_error() -> None:
    w = _looping("cursor", "spinlock", "deadlock").search_world
    sym, _ = datasym.data_symmetry(w)
    assert sym is not None
    init = compile_world(w).initial
    assert not sym.in_region(init)  # U = 0: errseq_set on 0 makes counter 0 whatever r is


def test_canonical_form_is_a_function_of_the_orbit() -> None:
    w = _looping("cursor", "spinlock", "double").search_world
    sym, _ = datasym.data_symmetry(w)
    assert sym is not None
    canon = sym.canonicalizer(canonicalizer(symmetry_groups(w)))
    states = [s for s in datasym.reachable_sample(w, 6000) if sym.in_region(s)]
    assert len(states) > 1000
    rng = random.Random(7)
    for s in rng.sample(states, 300):
        c = canon(s)
        for g in sym.maps:
            t = sym.apply(g, s)
            assert sym.in_region(t)
            assert canon(t) == c


LOOPING_CELLS = [
    ("cursor", "spinlock", "lost", {}),
    ("cursor", "none", "double", {}),
    ("cursor", "spinlock", "unseen", {"syncers": 1, "upper_syncers": 1,
                                      "upper_syncs": FOREVER}),
    ("mustinc", "none", "backward", {}),
    ("copy-naive", "spinlock", "double", {}),
    ("upper-cursor", "spinlock", "lost", {}),
    ("cursor", "spinlock", "deadlock", {"syncers": 1, "upper_syncers": 1,
                                        "upper_syncs": FOREVER}),
]


@pytest.mark.parametrize("scheme, lock, prop, over", LOOPING_CELLS)
def test_same_verdicts_and_lengths_with_and_without(scheme, lock, prop, over,
                                                    monkeypatch) -> None:
    rc = _looping(scheme, lock, prop, **over)
    on = check_resolved(rc)
    monkeypatch.setattr(datasym, "ENABLED", False)
    datasym._CACHE.clear()
    off = check_resolved(rc)
    assert on.verdict == off.verdict
    assert on.trace_length == off.trace_length
    assert on.stats.states <= off.stats.states


@pytest.mark.skipif(not native.available(), reason="no C compiler")
def test_native_and_python_store_the_same_states() -> None:
    rc = _looping("cursor", "spinlock", "deadlock", syncers=1, upper_syncers=1,
                  upper_syncs=FOREVER)
    py = check_resolved(rc, budget=Budget(backend="python"))
    c = check_resolved(rc, budget=Budget(backend="native"))
    assert py.verdict == c.verdict
    assert py.stats.states == c.stats.states
    sym, _ = datasym.data_symmetry(rc.search_world)
    assert sym is not None


def test_the_reduction_pays(monkeypatch) -> None:
    """The issue's example world, smaller: states fall by the group's order or near it."""
    rc = _looping("cursor", "spinlock", "deadlock")
    on = check_resolved(rc)
    monkeypatch.setattr(datasym, "ENABLED", False)
    off = check_resolved(rc)
    assert on.verdict == off.verdict
    assert (on.stats.states, off.stats.states) == (132_045, 1_048_269)

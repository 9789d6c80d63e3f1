"""The SMT engine's proof of ``holds`` by the reachable states as an inductive invariant.

``checks.smtinv`` lists the reachable states with the compiled steps and has z3 prove them
closed under every step's z3 encoding.  The tests show it proves what the explicit engine
says holds (the ``wrap`` product included), that its consecution check fails on a set that
is not closed (so it is not a check that cannot fail), that it finds the violating step of a
world that is violated, and that past its limits it gives up and leaves the verdict to
bounded model checking, which still agrees with the explicit engine.
"""

from __future__ import annotations

import dataclasses

import pytest

from checks import smt, smtinv
from checks.runner import Budget, check_property, check_resolved
from specs.resolved import resolve
from specs.results import Verdict
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]
SEED2 = dataclasses.replace(SEED, counter_bits=2)
PY = Budget(backend="python")


def _rc(scheme: str, lock: str, prop: str, params=SEED, scenario: str = "seed"):
    return resolve(scheme, lock, scenario, params, prop)


@pytest.mark.parametrize("scheme,lock,prop", [("cursor", "spinlock", "deadlock"),
                                              ("cursor", "none", "backward"),
                                              ("copy-counter", "none", "wrap")])
def test_the_invariant_proves_what_explicit_search_says_holds(scheme, lock, prop) -> None:
    """A property of states (deadlock), one of steps, and ``wrap`` on the product with the
    twin; ``engine="both"`` raises on a disagreement."""
    r = check_property(scheme, lock, SEED2, prop, engine="both", budget=PY, scenario="seed")
    explicit, proof = r.others
    assert explicit.verdict is proof.verdict is Verdict.HOLDS
    assert proof.proof == "invariant" and "inductive invariant" in proof.reason


def test_consecution_fails_on_a_set_that_is_not_closed() -> None:
    """Drop one reachable state that is not initial: some step of a listed state reaches it,
    and z3's encoding of that step says so (raised, as the two encodings then disagree)."""
    rc = _rc("cursor", "none", "backward", SEED2)
    inv, why = smtinv.prove(rc.world)
    assert inv is not None and inv.proved, why
    initial = rc.world.initial_state()
    dropped = next(s for s in sorted(inv.states) if s != initial)
    system = smtinv._System(rc.world, None)
    smaller = smtinv.ReachableInvariant.of(system.names, system.pcs,
                                           inv.states - {dropped}, inv.violating)
    assert smtinv._consecution(system, inv, None)
    with pytest.raises(smtinv.EncodingMismatch, match="leaves the reachable states"):
        smtinv._consecution(system, smaller, None)


def test_a_listed_violating_step_is_found_by_z3_too() -> None:
    """copy-counter loses an error from a fresh mount (shortest 6): the set is closed and
    z3 finds a state of it with a violating step, so the verdict is left to BMC."""
    rc = _rc("copy-counter", "none", "lost")
    inv, why = smtinv.prove(rc.world)
    assert inv is not None and inv.proved and inv.violating, why
    assert smtinv.violation_outside(rc.world, None, inv, on_states=False) == smt.z3.sat
    stopped, why = smtinv.prove(rc.world, stop_at_violation=True)
    assert stopped is not None and not stopped.proved
    assert why == "a listed state has a violating step"
    r = check_resolved(rc, "smt", PY)
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 6


def test_a_holds_with_no_violating_step_is_unsat() -> None:
    rc = _rc("cursor", "none", "backward", SEED2)
    inv, _ = smtinv.prove(rc.world)
    assert inv is not None and inv.proved and not inv.violating
    assert smtinv.violation_outside(rc.world, None, inv, on_states=False) == smt.z3.unsat


def test_past_the_state_limit_bounded_model_checking_decides(monkeypatch) -> None:
    rc = _rc("cursor", "spinlock", "deadlock", SEED2)
    inv, why = smtinv.prove(rc.world, max_states=10)
    assert inv is None and why == "more than 10 reachable states"
    monkeypatch.setattr(smtinv, "MAX_STATES", 10)
    r = check_resolved(rc, "smt", PY)
    assert r.verdict is Verdict.HOLDS and r.proof in ("bmc-complete", "k-induction")


def test_a_symbolic_mount_is_listed_only_up_to_its_limit() -> None:
    """``--upper-at-mount any`` leaves U's errno any of 1..4095: more initial states than
    the proof lists.  A concrete word is one initial state, which z3 proves the only one."""
    rc = _rc("cursor", "none", "backward", dataclasses.replace(SEED2, upper_at_mount="any"))
    inv, why = smtinv.prove(rc.world)
    assert inv is None
    assert why == f"more than {smtinv.MAX_INITIAL_STATES} initial states (a symbolic mount)"
    word = dataclasses.replace(SEED2, upper_at_mount="ctr=1 EIO SEEN")
    rc = _rc("cursor", "none", "backward", word)
    starts, why = smtinv._initial_states(rc.world, smtinv.MAX_INITIAL_STATES)
    assert starts == [rc.world.initial_state()], why
    r = check_property("cursor", "none", word, "backward", engine="both", budget=PY,
                       scenario="seed")
    assert r.verdict is Verdict.HOLDS and r.others[1].proof == "invariant"


def test_a_check_takes_as_long_after_other_checks_as_alone() -> None:
    """Each check gets a fresh z3 context (``smt.fresh_context``).  With one shared context,
    ``cursor``'s ``lost`` from a symbolic mount ran out of 60 s after these two proofs
    (2 s alone): z3's search follows the ids of the terms made before it."""
    for scheme, prop in [("copy-counter", "wrap"), ("cursor", "backward")]:
        r = check_property(scheme, "none", SEED2, prop, engine="smt", budget=PY,
                           scenario="seed")
        assert r.verdict is Verdict.HOLDS and r.proof == "invariant"
    r = check_property("cursor", "none", dataclasses.replace(SEED2, upper_at_mount="any"),
                       "lost", engine="smt", budget=dataclasses.replace(PY, max_seconds=60),
                       scenario="seed")
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 10


def test_a_violation_met_before_the_limit_is_known() -> None:
    """Past ``max_states`` the set is not listed to its end, but every listed state is
    reachable: a violating step among them makes the violation known (BMC then asks for
    the shortest trace without a budget), where a ``holds`` world just gives up."""
    rc = _rc("copy-counter", "none", "lost")
    inv, why = smtinv.prove(rc.world, max_states=200, stop_at_violation=True)
    assert inv is not None and inv.violating and not inv.proved
    assert why == "a state among the first 200 reachable has a violating step"
    holds = _rc("cursor", "spinlock", "lost", SEED2)
    inv, why = smtinv.prove(holds.world, max_states=200, stop_at_violation=True)
    assert inv is None and why == "more than 200 reachable states"


def test_a_race_violation_past_the_listing_limit_is_found() -> None:
    """cursor/none/race has more reachable states than the invariant lists; its ``lost``
    (11 steps) was deferred past a minute of budgeted BMC, and is found in seconds now."""
    r = check_property("cursor", "none", SCENARIOS["race"][0], "lost", engine="both",
                       budget=dataclasses.replace(PY, max_seconds=120), scenario="race")
    explicit, found = r.others
    assert explicit.verdict is found.verdict is Verdict.VIOLATED
    assert explicit.trace_length == found.trace_length == 11

"""The template invariant of a symbolic mount and symbolic errnos (``checks.smtparam``).

From ``--upper-at-mount any`` the initial states are too many to list, so ``holds`` is
proved by templates over the inputs.  The tests show a template stands for the states of
other inputs of its class and for no state that differs from it; that the proof agrees with
the explicit enumeration at 2 bits; that at the kernel's 19-bit counter with any errno it
proves what bounded model checking could not reach; and that on a violated world it reports
the violation it met from a real initial state, leaving the trace to BMC.
"""

from __future__ import annotations

import dataclasses

import z3

from checks import smt, smtparam
from checks.runner import Budget, check_property, check_resolved
from specs.resolved import resolve
from specs.results import Verdict
from specs.scenarios import SCENARIOS

SEED = SCENARIOS["seed"][0]
ANY2 = dataclasses.replace(SEED, counter_bits=2, upper_at_mount="any")
KERNEL = dataclasses.replace(SEED, counter_bits=19, upper_at_mount="any", errors_any=True)
PY = Budget(backend="python")


def _state(world, **values: int) -> tuple[int, ...]:
    s = dict(zip(world.names, world.initial_state(), strict=True))
    s.update({k.replace("__", "."): v for k, v in values.items()})
    return tuple(s[n] for n in world.names)


def test_a_template_stands_for_every_input_of_its_class_and_nothing_else() -> None:
    """U = m (the mount word) with W.err1 free: listed under one word, the template covers
    U = m' for another word m' with the same flags, and not a U that is not m'."""
    smt.fresh_context()
    world = resolve("none", "none", "seed", KERNEL, "double").world
    tp = smtparam._Templates(world)
    L = world.layout
    m1 = (0x20000 << L.ctr_shift) | 3001  # counter 0x20000, errno 3001, not SEEN
    key, codes = tp.generalize(_state(world, U=m1, W__err1=3500), m1)
    inv = smtparam.TemplateInvariant({key: {codes}})
    u_slot = tp.data.index(world.names.index("U"))
    assert tp.slot_tpls[u_slot][codes[u_slot]] == ("w", ("m", 0), 0, ("m",))
    D = tp.D

    def member(m: int, **values: int) -> bool:
        env = {n: D.const(v) for n, v in zip(world.names, _state(world, **values),
                                             strict=True)}
        return z3.is_true(z3.simplify(tp.member(inv, env, D.const(m))))

    m2 = (0x7FFFF << L.ctr_shift) | 17  # the counter's top, another errno
    assert member(m2, U=m2, W__err1=99)
    assert not member(m2, U=m2 + L.ctr_inc, W__err1=99)  # U moved on: another template
    assert not member(m2 | L.seen, U=m2 | L.seen, W__err1=99)  # another class: SEEN set
    assert not member(m2, U=m2, W__err1=17)  # another class: the error's errno is m's


def test_the_template_proof_agrees_with_the_enumeration_at_two_bits() -> None:
    for prop in ("double", "backward"):
        r = check_property("none", "none", ANY2, prop, engine="both", budget=PY,
                           scenario="seed")
        explicit, proof = r.others
        assert explicit.verdict is proof.verdict is Verdict.HOLDS
        assert proof.proof == "invariant" and "state templates" in proof.reason


def test_a_holds_at_kernel_width_from_any_mount_word_and_errno() -> None:
    """copy-counter copies U's word into O at mount: with any word and any errno at the
    19-bit counter, no execution deadlocks; bounded model checking alone did not decide
    this in minutes."""
    rc = resolve("copy-counter", "none", "seed", KERNEL, "deadlock")
    r = check_resolved(rc, "smt", dataclasses.replace(PY, max_seconds=150))
    assert r.verdict is Verdict.HOLDS and r.proof == "invariant", r.reason
    assert "for every input" in r.reason


def test_a_violation_met_from_a_real_initial_state_is_left_to_bmc() -> None:
    smt.fresh_context()
    rc = resolve("copy-counter", "none", "seed", KERNEL, "lost")
    inv, why = smtparam.prove(rc.world, False, 60)
    assert inv is not None and inv.violating and not inv.proved, why
    r = check_resolved(rc, "smt", dataclasses.replace(PY, max_seconds=150))
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 6


def test_a_backward_trace_from_a_picked_mount_word_is_checked_from_that_word() -> None:
    """Whether ``backward``'s monitor ran out of room is asked of the schedule replayed from
    the word and errno the solver picked; asked of the world with U = 0 the schedule went
    past an actor's last step (an IndexError in the 19-bit shared-fd benchmark)."""
    p = dataclasses.replace(SCENARIOS["shared-fd"][0], counter_bits=19,
                            upper_at_mount="any", errors_any=True)
    r = check_property("copy-naive", "spinlock", p, "backward", engine="smt",
                       budget=dataclasses.replace(PY, max_seconds=120), scenario="shared-fd")
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 11
    assert r.trace.reason.startswith("backward")

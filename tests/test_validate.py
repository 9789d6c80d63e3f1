"""User-written variants are checked when they are registered.

Each broken variant here is rejected by ``register_scheme`` / ``register_discipline`` with a
one-paragraph error naming the variant's module, the step and the fix, and is left out of the
catalogue.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from model import kernel
from model.expr import TRUE, ZERO, E, Var
from model.ir import DONE
from model.validate import VariantError, validate_discipline, validate_scheme
from model.variants import (
    DISCIPLINES,
    SCHEMES,
    CallCtx,
    Discipline,
    Scheme,
    load_catalogue,
    register_discipline,
    register_scheme,
)

load_catalogue()


def rejected(make: Callable[[], object], *needles: str) -> str:
    before = (dict(SCHEMES), dict(DISCIPLINES))
    with pytest.raises(VariantError) as info:
        make()
    msg = str(info.value)
    assert __name__ in msg  # the module that defines the variant
    for n in needles:
        assert n in msg, msg
    assert "fix:" in msg
    assert (dict(SCHEMES), dict(DISCIPLINES)) == before  # not registered
    return msg


def test_a_scheme_reading_an_undeclared_variable_is_rejected() -> None:
    def define() -> None:
        @register_scheme
        class ReadsGhost(Scheme):
            name = "test-reads-ghost"

            def sync_fs(self, call: CallCtx) -> None:
                src = call.b.local("src", "copy")
                kernel.read_once(call.b, src, call.ov.field("cookie"), "src")

    rejected(define, "test-reads-ghost", "READ_ONCE(ofs.cookie)", "'ofs.cookie'",
             "ofs_fields")


def test_a_scheme_writing_an_undeclared_variable_is_rejected() -> None:
    def define() -> None:
        @register_scheme
        class WritesGhost(Scheme):
            name = "test-writes-ghost"

            def sync_fs(self, call: CallCtx) -> None:
                kernel.write_once(call.b, call.ov.field("stamp"), Var(call.ov.U), "U")

    rejected(define, "test-writes-ghost", "WRITE_ONCE(ofs.stamp)", "undeclared variable")


def test_a_scheme_jumping_to_a_missing_label_is_rejected() -> None:
    def define() -> None:
        @register_scheme
        class Dangling(Scheme):
            name = "test-dangling-label"

            def sync_fs(self, call: CallCtx) -> None:
                nowhere = call.b.label("nowhere")
                call.b.step("read(U)", lambda v: "read U", goto=[(E.eq(Var(call.ov.U), ZERO),
                                                                 nowhere)])

    rejected(define, "test-dangling-label", "'nowhere' is never placed", "b.here")


def test_a_scheme_that_skips_its_unlock_on_one_path_is_rejected() -> None:
    """Takes the overlay lock, and returns early (U unchanged) without releasing it."""

    def define() -> None:
        @register_scheme
        class EarlyReturn(Scheme):
            name = "test-early-return"

            def sync_fs(self, call: CallCtx) -> None:
                b, ov = call.b, call.ov
                out = b.label("out")
                call.declare(ov.lock, "lock", False)
                kernel.spin_lock(b, ov.lock)
                b.step("read(U)", lambda v: "if (!U) goto out",
                       goto=[(E.eq(Var(ov.U), ZERO), out)])
                kernel.spin_unlock(b, ov.lock)
                b.here(out)

    rejected(define, "test-early-return", "lock(ofs.lock)", "still held",
             "spin_unlock")


def test_a_discipline_that_never_releases_its_mutex_is_rejected() -> None:
    class LeakyMutex(Discipline):
        name = "test-leaky-mutex"

        def around(self, call: CallCtx, region: str, body) -> None:
            if region == "body":
                call.declare(call.ov.lock, "lock", False)
                kernel.mutex_lock(call.b, call.ov.lock)
            body()

    rejected(lambda: register_discipline(LeakyMutex()), "discipline 'test-leaky-mutex'",
             "mutex_lock(ofs.lock)", "still held", "mutex_unlock")


def test_a_hand_written_lock_is_tracked_by_what_it_does_not_its_name() -> None:
    """A lock taken by a step named freely (wait for 0, store 1) is still a lock."""
    class OwnLock(Discipline):
        name = "test-own-lock"

        def around(self, call: CallCtx, region: str, body) -> None:
            if region == "body":
                lk = call.ov.lock
                call.declare(lk, "lock", False)
                call.b.step("grab", lambda v: "grab", guard=E.eq(Var(lk), ZERO),
                            assigns={lk: E.const(1)})
            body()

    rejected(lambda: register_discipline(OwnLock()), "discipline 'test-own-lock'", "'grab'",
             "still held")


def test_a_discipline_that_never_unlocks_is_rejected() -> None:
    class Leaky(Discipline):
        name = "test-leaky"

        def around(self, call: CallCtx, region: str, body) -> None:
            if region == "body":
                call.declare(call.ov.lock, "lock", False)
                kernel.spin_lock(call.b, call.ov.lock)
            body()

    rejected(lambda: register_discipline(Leaky()), "discipline 'test-leaky'", "still held")


def test_a_scheme_that_loops_forever_is_rejected() -> None:
    def define() -> None:
        @register_scheme
        class Spins(Scheme):
            name = "test-spins"

            def sync_fs(self, call: CallCtx) -> None:
                b = call.b
                again = b.label("again")
                b.here(again)
                b.step("read(U)", lambda v: "while (READ_ONCE(U) == U) ;",
                       goto=[(TRUE, again)])

    rejected(define, "test-spins", "declared bound of 64", "looping at", "'read(U)'")


def test_a_long_but_finite_call_passes_when_its_bound_is_declared() -> None:
    class Long(Scheme):
        name = "test-long"
        max_call_steps = 200

        def sync_fs(self, call: CallCtx) -> None:
            for _ in range(100):
                call.b.step("nop", lambda v: "nop")

    validate_scheme(Long(), DISCIPLINES.values())
    Long.max_call_steps = 64
    with pytest.raises(VariantError, match="declared bound of 64"):
        validate_scheme(Long(), DISCIPLINES.values())


def test_the_catalogue_passes() -> None:
    for s in SCHEMES.values():
        validate_scheme(s, DISCIPLINES.values())
    for d in DISCIPLINES.values():
        validate_discipline(d)


def test_done_label_needs_no_placement() -> None:
    class Quits(Scheme):
        name = "test-quits"

        def sync_fs(self, call: CallCtx) -> None:
            call.b.step("read(U)", lambda v: "read U", goto=[(TRUE, DONE)])

    # jumping to DONE ends the actor's program: allowed (the call's own end label is skipped
    # but no lock is held)
    validate_scheme(Quits(), DISCIPLINES.values())

"""Kernel primitives step by step, against the code they model (``model/kernel.py``).

The vectors in ``test_errseq.py`` pin the arithmetic of each errseq operation run alone; these
tests pin what happens *between* the atomic steps, where the vectors cannot reach: which
memory accesses a racing call makes, and where it stops.
"""

from __future__ import annotations

import pytest

from model import kernel
from model.errseq import ErrseqLayout
from model.expr import E
from model.ir import PC, SHARED, StepView, VarDecl, World, enabled, execute
from model.ir import ProgramBuilder as PB

EIO, ENOSPC = 5, 28


def _world(layout: ErrseqLayout, builders: list[PB], shared: dict[str, int]) -> World:
    actors = tuple(b.build("test", "test") for b in builders)
    decls = [VarDecl(n, SHARED, n, errseq=True) for n in shared]
    decls += [VarDecl(a.pc_var, PC, a.pc_var, owner=a.name) for a in actors]
    for b in builders:
        decls += b.locals.values()
    initial = {d.name: shared.get(d.name, 0) for d in decls}
    return World(tuple(decls), actors, layout, initial, (), ("O",), ())


def _run(world: World, schedule: str) -> tuple[dict[str, int], list[str]]:
    """Run ``schedule`` (actor names, spaced); the final state and each step's text."""
    env = dict(world.initial)
    texts = []
    for who in schedule.split():
        a = world.actor(who)
        assert env[a.pc_var] < a.done, f"{who} has already finished"
        st = a.steps[env[a.pc_var]]
        assert enabled(st, env), (who, st.name)
        post = execute(st, env)
        texts.append(f"{who}: {st.text(StepView(env, post, world.layout))}")
        env = post
    return env, texts


# --------------------------------------------------------------------------------------------
# errseq_set: the exit after a failed cmpxchg (lib/errseq.c)


@pytest.mark.parametrize("mustinc", [False, True], ids=["mainline", "mustinc-rfc"])
def test_errseq_set_stops_without_another_cmpxchg_when_the_found_word_needs_nothing(
        mustinc: bool) -> None:
    """lib/errseq.c, errseq_set: after a failed cmpxchg the loop takes the value found
    (``old = cur``), recomputes ``new`` and stops with no memory access when ``new == old``.

    O starts at ``ctr=0 EIO SEEN`` (an error someone reported).  A calls errseq_set(O, -EIO):
    it reads O and means to install ``ctr=1 EIO``.  Before its cmpxchg, B sets ENOSPC (ctr=1),
    reports it (SEEN), and sets EIO again (ctr=2 EIO, unseen).  A's cmpxchg fails and finds
    ``ctr=2 EIO``, which already says what A wants to say: the kernel returns there.  A model
    that goes back for one more cmpxchg leaves a window in which B's second report makes that
    cmpxchg fail again, and A then bumps the counter to ``ctr=3``: a write the kernel never
    makes, re-arming an error B has just been told about.
    """
    L = ErrseqLayout(counter_bits=4, mustinc=mustinc)
    seen = L.check_and_advance(L.set(0, -EIO), 0)[0]  # ctr=0 EIO SEEN (and MUSTINC)
    a, b = PB("A"), PB("B")
    kernel.errseq_set(a, L, "O", E.const(EIO))
    ret = b.local("ret", "B's check result")
    kernel.errseq_set(b, L, "O", E.const(ENOSPC))
    kernel.check_and_advance(b, L, "O", "c", ret, False, None, "O")
    kernel.errseq_set(b, L, "O", E.const(EIO))
    kernel.check_and_advance(b, L, "O", "c", ret, False, None, "O")
    world = _world(L, [a, b], {"O": seen, "c": seen})

    # A reads; B: set ENOSPC (read, cmpxchg), report (read, cmpxchg), set EIO (read, cmpxchg)
    env, texts = _run(world, "A B B B B B B")
    found = env["O"]
    assert L.decode(found) == {"counter": 2, "seen": False, "mustinc": False, "errno": EIO}
    env, texts = _run(world, "A B B B B B B A")
    assert "failed" in texts[-1] and "retry" not in texts[-1], texts[-1]
    assert env[world.actor("A").pc_var] == world.actor("A").done, \
        "errseq_set must return at the failed cmpxchg: the word found needs nothing"
    assert env["O"] == found and env["A.old"] == 0

    # B's report then leaves O at ctr=2 EIO SEEN, and nothing of A's is left to run.
    env, _ = _run(world, "A B B B B B B A B B")
    assert L.decode(env["O"])["counter"] == 2 and env["O"] & L.seen


def test_errseq_set_still_retries_when_the_found_word_needs_a_write() -> None:
    """The other exits are unchanged: a failed cmpxchg that finds a word still lacking A's
    errno retries against it (the kernel loops with ``old = cur``)."""
    L = ErrseqLayout(counter_bits=4)
    a, b = PB("A"), PB("B")
    kernel.errseq_set(a, L, "O", E.const(EIO))
    kernel.errseq_set(b, L, "O", E.const(ENOSPC))
    world = _world(L, [a, b], {"O": 0})
    env, texts = _run(world, "A B B A")  # A read 0; B installs ENOSPC; A's cmpxchg fails
    assert "retry" in texts[-1] and env[world.actor("A").pc_var] < world.actor("A").done
    env, texts = _run(world, "A B B A A")
    assert "ok" in texts[-1] and L.decode(env["O"])["errno"] == EIO
    assert env[world.actor("A").pc_var] == world.actor("A").done


# --------------------------------------------------------------------------------------------
# --flock: J. Layton's "vfs: protect updates to file->f_sb_err with f_lock" as posted


def _syncer_world(scheme: str, scenario: str, **over: object) -> World:
    import dataclasses

    from model.variants import DISCIPLINES, SCHEMES, load_catalogue
    from model.world import build_world
    from specs.scenarios import SCENARIOS

    load_catalogue()
    p = dataclasses.replace(SCENARIOS[scenario][0], **over)  # type: ignore[arg-type]
    return build_world(SCHEMES[scheme], DISCIPLINES["none"], p)


def test_flock_checks_locklessly_first_and_takes_f_lock_only_when_something_changed() -> None:
    """The posted patch (2020-12-03, resent unchanged 2020-12-19 and 2021-01-04):
    ``if (errseq_check(&sb->s_wb_err, f->f_sb_err)) { spin_lock(&f->f_lock);
    errseq_check_and_advance(...); spin_unlock(&f->f_lock); }``."""
    w = _syncer_world("none", "seed", syncers=1, syncs=1, flock=True)
    names = [s.name for s in w.actor("P1").steps]
    assert names == ["errseq_sample(O)", "errseq_check(O)", "lock(fd1.f_lock)",
                     "check_and_advance(O).read", "check_and_advance(O).cmpxchg",
                     "unlock(fd1.f_lock)"]
    # Nothing changed: the call returns at the lockless check, f_lock untouched.
    env, _ = _run(w, "P1 P1")
    assert env["P1.pc"] == w.actor("P1").done


def test_flock_on_a_shared_file_reads_the_cursor_then_the_word() -> None:
    """Two threads share fd1: ``f->f_sb_err`` is an argument read before errseq_check reads
    the superblock's word, and the locked check_and_advance re-reads both."""
    w = _syncer_world("none", "shared-fd", flock=True)
    names = [s.name for s in w.actor("P1b").steps]
    assert names[:4] == ["read(fd1.f_sb_err)", "errseq_check(O)", "lock(fd1.f_lock)",
                         "check_and_advance(O).read"]


def test_upper_cursor_hook_has_the_shape_of_the_flock_patch() -> None:
    """V. Goyal v3's ovl_errseq_check_advance (upper_cursor.c, the catalogue's source of
    truth) is the --flock path (``CallCtx.check_advance_under_f_lock``) with U for O: the
    same steps, once the C file's ``FILE:LINE:`` prefix is set aside."""
    import re

    def shape(world: World, actor: str, word: str) -> list[str]:
        steps = world.actor(actor).steps[1:]  # after the open
        return [re.sub(r"^\S+\.c:\d+: ", "", s.name).replace(f"({word})", "(W)")
                for s in steps]

    for scenario, actor in (("seed", "P1"), ("shared-fd", "P1b")):
        vfs = _syncer_world("none", scenario, flock=True)
        ours = _syncer_world("upper-cursor", scenario)
        assert shape(vfs, actor, "O") == shape(ours, actor, "U")


# --------------------------------------------------------------------------------------------
# open(): the hidden real file on U (ovl_open -> ovl_open_realfile)


def test_mustinc_overlay_open_also_peeks_U_through_the_hidden_real_file() -> None:
    """Under the RFC, errseq_sample is a peek: the real file's open (its do_dentry_open
    samples U since v6.7) sets MUSTINC on U, a write; it never sets SEEN, so a later opener
    of a file on U is still owed the error."""
    w = _syncer_world("mustinc", "seed")
    names = [s.name for s in w.actor("P1").steps[:4]]
    assert names == ["errseq_sample(O).read", "errseq_sample(O).cmpxchg",
                     "errseq_sample(U).read", "errseq_sample(U).cmpxchg"]
    env, texts = _run(w, "W W P1 P1 P1")  # error on U; P1 opens O (O = 0), then U
    L = w.layout
    assert L.decode(env["U"]) == {"counter": 0, "seen": False, "mustinc": True, "errno": EIO}
    assert env["fd1.f_sb_err"] == 0 and env["P1.pc"] == 4, texts
    assert L.decode(L.set(env["U"], -EIO))["counter"] == 1, "the next error is counted"


@pytest.mark.parametrize("scheme", ["none", "copy-naive", "cursor", "volatile", "upper-cursor"])
def test_mainline_open_is_one_read_the_hidden_sample_is_no_step(scheme: str) -> None:
    w = _syncer_world(scheme, "seed")
    first = w.actor("P1").steps[0]
    assert first.name.startswith("errseq_sample(")
    assert w.actor("P1").steps[1].name != "errseq_sample(U)", "a read nobody uses: no step"
    assert not first.writes & {"U", "O"}


def test_a_sharing_thread_waits_for_the_whole_open() -> None:
    """P1b shares P1a's fd: it cannot call syncfs before open() returned, i.e. before the
    hidden real file was opened too."""
    w = _syncer_world("mustinc", "shared-fd")
    first_b = w.actor("P1b").steps[0]
    env, _ = _run(w, "W W P1a P1a")  # P1a: O's sample (O = 0), U's peek read (U has EIO)
    assert env["P1a.pc"] == 3 and not enabled(first_b, env)
    env, _ = _run(w, "W W P1a P1a P1a")  # the peek's cmpxchg: open() returns
    assert enabled(first_b, env)

"""Kernel primitives lowered to IR steps: READ_ONCE, WRITE_ONCE, locks, errseq_*, open, syncfs.

Each function here emits the atomic steps of one kernel operation into a
:class:`~model.ir.ProgramBuilder`.  The arithmetic comes from :mod:`model.errseq` evaluated in
the expression domain, so the steps compute exactly what ``lib/errseq.c`` computes.

Atomic steps per operation (one step = one access to memory another actor can reach):

==============================  =============================================================
``READ_ONCE(x)``                1 step
``WRITE_ONCE(x, v)``            1 step
``spin_lock`` / ``unlock``      1 step each; the acquire is blocked while the lock is held
``errseq_set(e, err)``          read; then cmpxchg, repeated with the value found until it
                                swaps, finds the value it wanted, or finds a word that
                                needs no change (lib/errseq.c loop); no cmpxchg at all when
                                the new word equals the old one
``errseq_sample(e)``            1 step (RFC layout: read, then cmpxchg to set MUSTINC)
overlay ``open()``              the sample of O, then the hidden real file's sample of U
                                (no step in mainline: a read nobody uses; a peek with MUSTINC)
``errseq_check(e, since)``      1 step (``since`` is a value the caller holds)
``errseq_check_and_advance``    private cursor: read ``e`` and compare (1 step), then cmpxchg
                                ``e`` and store the cursor (1 step), skipped when nothing
                                changed or the word already had SEEN.  Cursor another actor
                                can reach: read ``e``; read cursor; cmpxchg; store cursor.
==============================  =============================================================

``sync_filesystem(upper)`` and ``down_read(s_umount)`` are abstracted away: readers of
``s_umount`` do not exclude each other, and the writeback errors that syncing surfaces are
injected by the writeback actor ``W`` as separate ``errseq_set(U)`` calls.
"""

from __future__ import annotations

from model.errseq import ErrseqLayout, errno_name
from model.expr import TRUE, ZERO, E, Expr, Var, evaluate
from model.ir import After, Event, Label, ProgramBuilder, StepView
from model.values import INT as _INT


def _ev(kind: str, **args: object) -> Event:
    return Event(kind, tuple(args.items()))


def _errtext(v: StepView, errno: Expr) -> str:
    return "-" + errno_name(evaluate(errno, v.pre))


def read_once(b: ProgramBuilder, dst: Var, src: str, what: str,
              also: dict[str, Expr] | None = None) -> int:
    """``dst = READ_ONCE(src)`` (``also``: local assignments folded into the step)."""
    return b.step(
        f"READ_ONCE({src})",
        lambda v: f"{what} = READ_ONCE({src}) = {v.pre_word(src)}",
        assigns={dst.name: Var(src), **(also or {})},
    )


def write_once(b: ProgramBuilder, dst: str, value: Expr, what: str,
               also: dict[str, Expr] | None = None) -> int:
    """``WRITE_ONCE(dst, value)`` (``also``: local assignments folded into the step)."""
    return b.step(
        f"WRITE_ONCE({dst})",
        lambda v: f"WRITE_ONCE({dst}, {what}) = {v.post_word(dst)}",
        assigns={dst: value, **(also or {})},
    )


def spin_lock(b: ProgramBuilder, lock: str) -> int:
    """``spin_lock(lock)``: blocked while another actor holds it (the lock holds 1)."""
    return b.step(f"lock({lock})", lambda v: f"spin_lock({lock})",
                  guard=E.eq(Var(lock), ZERO), assigns={lock: E.const(1)})


def spin_unlock(b: ProgramBuilder, lock: str) -> int:
    """``spin_unlock(lock)``."""
    return b.step(f"unlock({lock})", lambda v: f"spin_unlock({lock})",
                  assigns={lock: E.const(0)})


def mutex_lock(b: ProgramBuilder, lock: str) -> int:
    """``mutex_lock(lock)``: the same exclusion as :func:`spin_lock` (a sleeping waiter takes
    the same steps in this model: it cannot proceed until the holder unlocks)."""
    return b.step(f"mutex_lock({lock})", lambda v: f"mutex_lock({lock})",
                  guard=E.eq(Var(lock), ZERO), assigns={lock: E.const(1)})


def mutex_unlock(b: ProgramBuilder, lock: str) -> int:
    """``mutex_unlock(lock)``."""
    return b.step(f"mutex_unlock({lock})", lambda v: f"mutex_unlock({lock})",
                  assigns={lock: E.const(0)})


def errseq_set(b: ProgramBuilder, L: ErrseqLayout, word: str, errno: Expr,
               done: list[Event] | None = None, clear: tuple[Var, ...] = ()) -> None:
    """``errseq_set(&word, -errno)`` (lib/errseq.c): read, then cmpxchg with retry.

    Emits event ``set_done`` (``word``, ``inc``: whether it bumped the counter) at the step
    that completes the call, plus the caller's ``done`` events with the same ``when``.
    ``clear``: the caller's locals that are dead once the call completes (zeroed then, so
    that states differing only in dead values are not told apart).
    """
    old = b.local("old", "errseq_set: the value last read from (or found in) the word", True)
    W = Var(word)
    exit_ = b.label("set.exit")
    nothing = E.eq(L.set_new(E, W, errno), W)

    def done_events(when: Expr, inc: Expr) -> list[Event]:
        evs = [_ev("set_done", word=word, when=when, inc=inc)]
        for d in done or []:
            evs.append(Event(d.kind, d.args + (("when", when),)))
        return evs

    def text_read(v: StepView) -> str:
        e = _errtext(v, errno)
        tail = " (already set: nothing to write)" if v.post[old.name] == 0 and \
            L.set_new(_INT, v.pre[word], evaluate(errno, v.pre)) == v.pre[word] else ""
        return f"errseq_set({word},{e}): old = {word} = {v.pre_word(word)}{tail}"

    def cleared(when: Expr) -> dict[str, Expr]:
        return {c.name: E.ite(when, ZERO, c) for c in clear}

    b.step(
        f"errseq_set({word}).read", text_read,
        assigns={old.name: E.ite(nothing, ZERO, W), **cleared(nothing)},
        goto=[(nothing, exit_)],
        events=done_events(nothing, E.const(0)),
    )
    new = L.set_new(E, old, errno)
    swapped = E.eq(W, old)
    # lib/errseq.c stops if it swapped or found ``new``; after any other failure the loop
    # takes the value found as ``old`` and stops with no further access if that needs no
    # change.  Finding ``new`` is one case of that (``new`` needs no change either).
    finished = E.lor(swapped, E.eq(L.set_new(E, W, errno), W))
    inc = E.land(swapped, E.ne(L.counter(E, new), L.counter(E, old)))
    cas = b.label("set.cmpxchg")
    b.here(cas)

    def text_cas(v: StepView) -> str:
        e = _errtext(v, errno)
        o, w = v.pre[old.name], v.pre[word]
        n = L.set_new(_INT, o, evaluate(errno, v.pre))
        if w == o:
            res = "ok"
        elif w == n:
            res = f"found {v.word(w)}: already set"
        elif L.set_new(_INT, w, evaluate(errno, v.pre)) == w:
            res = f"failed, found {v.word(w)}: nothing to write"
        else:
            res = f"failed, found {v.word(w)}: retry"
        return f"errseq_set({word},{e}): cmpxchg({word}, {v.word(o)}, {v.word(n)}) {res}"

    b.step(
        f"errseq_set({word}).cmpxchg", text_cas,
        assigns={word: E.ite(swapped, new, W), old.name: E.ite(finished, ZERO, W),
                 **cleared(finished)},
        goto=[(finished, exit_), (TRUE, cas)],
        events=done_events(finished, inc),
    )
    b.here(exit_)


def errseq_peek(b: ProgramBuilder, L: ErrseqLayout, word: str, dst: Var | None, sample: bool,
                what: str, events: list[Event] | None = None, guard: Expr = TRUE) -> None:
    """``errseq_sample(&word)`` into ``dst`` (``sample``), or the RFC's ``errseq_peek``.

    Mainline: one read.  RFC layout: the peek sets MUSTINC (read, then cmpxchg; skipped when
    the word is 0 or already has MUSTINC) and returns the word with MUSTINC; sample returns
    that, or 0 unless SEEN.  ``dst`` None: nobody keeps the result (only the peek's write to
    the word matters).
    """
    W = Var(word)

    def result(x: Expr) -> Expr:
        return L.sample_value(E, x) if sample else x

    def into(value: Expr) -> dict[str, Expr]:
        return {dst.name: value} if dst is not None else {}

    def kept(v: StepView) -> str:
        return f"; {what} = {v.post_word(dst.name)}" if dst is not None else f" ({what})"

    fn = "errseq_sample" if sample else "errseq_peek"
    if not L.mustinc:
        assert dst is not None, "a mainline sample is a read: one nobody keeps is no step"
        b.step(f"{fn}({word})",
               lambda v: f"{what} = {fn}({word}) = {v.post_word(dst.name)}  ({word} = "
                         f"{v.pre_word(word)})",
               assigns={dst.name: result(W)}, events=events, guard=guard)
        return
    old = b.local("old", "errseq_peek: the value read from the word", True)
    exit_ = b.label("peek.exit")
    skip = E.lor(E.eq(W, ZERO), E.eq(L.peek_new(E, W), W))
    keep = into(E.ite(skip, result(W), Var(dst.name))) if dst is not None else {}
    b.step(f"{fn}({word}).read",
           lambda v: f"{fn}({word}): old = {word} = {v.pre_word(word)}"
                     + (f" ({what}: nothing to write)" if dst is None
                        and v.post[old.name] == 0 else ""),
           assigns={old.name: E.ite(skip, ZERO, W), **keep},
           goto=[(skip, exit_)], guard=guard,
           events=[Event(e.kind, e.args + (("when", skip),)) for e in events or []])
    b.step(f"{fn}({word}).cmpxchg",
           lambda v: f"{fn}({word}): cmpxchg({word}, {v.pre_word(old.name)}, "
                     f"{v.word(L.peek_new(_INT, v.pre[old.name]))}) "
                     f"{'ok' if v.pre[word] == v.pre[old.name] else 'failed'}" + kept(v),
           assigns={word: E.ite(E.eq(W, Var(old.name)), L.peek_new(E, Var(old.name)), W),
                    **into(result(L.peek_new(E, Var(old.name)))), old.name: ZERO},
           events=[Event(e.kind, e.args) for e in events or []])
    b.here(exit_)


def errseq_check(b: ProgramBuilder, L: ErrseqLayout, word: str, since: Expr, dst: Var | None,
                 what: str, also: dict[str, Expr] | None = None,
                 events: list[Event] | None = None) -> int:
    """``dst = -errseq_check(&word, since)``: one read of ``word``; ``since`` is a value the
    caller holds (a local, or a field nobody writes after mount).  ``dst`` None: the result
    is only used by the ``also`` assignments."""
    result = L.check_ret(E, Var(word), since)
    assigns = {dst.name: result} if dst is not None else {}

    def text(v: StepView) -> str:
        r = L.check_ret(_INT, v.pre[word], evaluate(since, v.pre))
        return (f"{what} = errseq_check({word}, {v.word(evaluate(since, v.pre))}): "
                f"{word} = {v.pre_word(word)} -> {_ret(r)}")

    return b.step(f"errseq_check({word})", text, assigns={**assigns, **(also or {})},
                  events=events)


def _ret(errno: int) -> str:
    return f"-{errno_name(errno)}" if errno else "0"


def check_and_advance(b: ProgramBuilder, L: ErrseqLayout, word: str, cursor: str, ret: Var,
                      shared_cursor: bool, file: str | None, layer: str) -> None:
    """``ret = -errseq_check_and_advance(&word, &cursor)`` (lib/errseq.c).

    Emits event ``cursor`` (``file``, ``ret``) at the step where the cursor takes its value,
    or where the call finds nothing new (``ret`` 0), when the cursor is a file's
    (``file``; None for a cursor of the overlay's own).  ``shared_cursor``: another actor can
    reach the cursor, so its read and its store are steps of their own.
    """
    W, C = Var(word), Var(cursor)
    old = b.local("old", "check_and_advance: the value read from the word", True)
    exit_ = b.label("ca.exit")
    label = f"check_and_advance({word}, &{cursor})"

    def cursor_event(value: Expr, when: Expr = TRUE) -> list[Event]:
        if file is None:
            return []
        return [_ev("cursor", file=file, layer=layer, actor=b.actor, ret=value, when=when)]

    def text_cas(v: StepView) -> str:
        o = v.pre[old.name]
        n = L.advance_new(_INT, o)
        res = "ok" if v.pre[word] == o else f"failed, found {v.pre_word(word)}"
        s = f"cmpxchg({word}, {v.word(o)}, {v.word(n)}) {res}"
        if v.post[cursor] != v.pre[cursor]:
            s += f"; {cursor} = {v.post_word(cursor)}"
        return s

    if not shared_cursor:
        same = E.eq(W, C)
        noop = E.eq(L.advance_new(E, W), W)
        quick = E.lor(same, noop)
        b.step(
            f"check_and_advance({word}).read",
            lambda v: f"{label}: {word} = {v.pre_word(word)}, {cursor} = {v.pre_word(cursor)}"
                      + ("" if v.pre[word] == v.pre[cursor] or v.post[cursor] == v.pre[cursor]
                         else f" -> {cursor} = {v.post_word(cursor)}"),
            assigns={
                old.name: E.ite(quick, ZERO, W),
                C.name: E.ite(E.land(E.lnot(same), noop), W, C),
                ret.name: E.ite(same, ZERO, L.errno(E, W)),
            },
            goto=[(quick, exit_)],
            events=cursor_event(E.ite(same, ZERO, L.errno(E, W)), quick),
        )
        _advance_cas(b, L, word, cursor, old, ret, exit_, text_cas, cursor_event)
    else:
        b.step(f"check_and_advance({word}).read",
               lambda v: f"{label}: old = {word} = {v.pre_word(word)}",
               assigns={old.name: W})
        same = E.eq(Var(old.name), C)
        noop = E.eq(L.advance_new(E, Var(old.name)), Var(old.name))
        store = b.label("ca.store")
        retry = b.label("ca.retry")
        b.step(
            f"check_and_advance({word}).read_cursor",
            lambda v: f"{label}: {cursor} = {v.pre_word(cursor)}"
                      + (" (unchanged)" if v.pre[cursor] == v.pre[old.name] else ""),
            assigns={old.name: E.ite(same, ZERO, Var(old.name)),
                     ret.name: E.ite(same, ZERO, L.errno(E, Var(old.name)))},
            goto=[(same, exit_), (noop, store)],
            events=cursor_event(ZERO, same),
        )
        o = Var(old.name)
        b.step(f"check_and_advance({word}).cmpxchg", text_cas,
               assigns={word: E.ite(E.eq(W, o), L.advance_new(E, o), W)},
               goto=[(E.land(E.ne(W, o), E.eq(W, L.peek_new(E, o))), retry), (TRUE, store)]
               if L.mustinc else None)
        if L.mustinc:
            b.here(retry)
            b.step(f"check_and_advance({word}).cmpxchg_retry",
                   lambda v: f"cmpxchg({word}, {v.word(L.peek_new(_INT, v.pre[old.name]))}, "
                             f"{v.word(L.advance_new(_INT, v.pre[old.name]))}) "
                             + ("ok" if v.pre[word] == L.peek_new(_INT, v.pre[old.name])
                                else "failed") + " (lost a race to a peek: retry once)",
                   assigns={word: E.ite(E.eq(W, L.peek_new(E, o)), L.advance_new(E, o), W)})
        b.here(store)
        b.step(f"check_and_advance({word}).store",
               lambda v: f"{label}: {cursor} = {v.post_word(cursor)}",
               assigns={cursor: L.advance_new(E, o), old.name: ZERO},
               events=cursor_event(L.errno(E, o)))
    b.here(exit_)


def _advance_cas(b: ProgramBuilder, L: ErrseqLayout, word: str, cursor: str, old: Var,
                 ret: Var, exit_: Label, text, cursor_event) -> None:
    """The cmpxchg of a private-cursor check_and_advance, and the cursor store with it.

    RFC layout: if the cmpxchg lost a race to a peek (found ``old | MUSTINC``), it retries
    once against the value found before storing the cursor.
    """
    W = Var(word)
    new = L.advance_new(E, old)
    assigns = {word: E.ite(E.eq(W, old), new, W)}
    if not L.mustinc:
        b.step(f"check_and_advance({word}).cmpxchg", text,
               assigns={**assigns, cursor: new, old.name: ZERO},
               events=cursor_event(L.errno(E, old)))
        return
    raced = E.land(E.ne(W, old), E.eq(W, L.peek_new(E, old)))
    retry = b.label("ca.retry")
    b.step(f"check_and_advance({word}).cmpxchg", text,
           assigns={**assigns, cursor: E.ite(raced, Var(cursor), new),
                    old.name: E.ite(raced, old, ZERO)},
           goto=[(raced, retry), (TRUE, exit_)],
           events=cursor_event(L.errno(E, old), E.lnot(raced)))
    b.here(retry)
    peeked = L.peek_new(E, old)
    b.step(f"check_and_advance({word}).cmpxchg_retry",
           lambda v: f"cmpxchg({word}, {v.word(L.peek_new(_INT, v.pre[old.name]))}, "
                     f"{v.word(L.advance_new(_INT, v.pre[old.name]))}) "
                     f"{'ok' if v.pre[word] == L.peek_new(_INT, v.pre[old.name]) else 'failed'}"
                     f"; {cursor} = {v.post_word(cursor)}",
           assigns={word: E.ite(E.eq(W, peeked), new, W), cursor: new, old.name: ZERO},
           events=cursor_event(L.errno(E, old)))


def open_file(b: ProgramBuilder, L: ErrseqLayout, file: str, layer: str, word: str,
              cursor: str, guard: Expr = TRUE) -> None:
    """``open()``: the new file's ``f_sb_err = errseq_sample(&sb->s_wb_err)`` (do_dentry_open).

    ``word`` is the superblock word sampled: the file's own layer, or U for ``upper-cursor``.
    """
    ev = _ev("open", file=file, layer=layer, actor=b.actor)
    errseq_peek(b, L, word, Var(cursor), True, f"open({layer}) -> {file}: f_sb_err", [ev],
                guard=guard)


def open_realfile(b: ProgramBuilder, L: ErrseqLayout, upper: str) -> None:
    """The hidden file every overlay open also opens on U (ovl_open -> ovl_open_realfile):
    the real file's own do_dentry_open samples its superblock's word into the real file's
    ``f_sb_err``, which nobody checks.

    The real file's ``f_path`` is the real path on U since v6.7 (def3ae83da02, "fs: store
    real path instead of fake path in backing file f_path"); before that it was the
    overlay's own path, so the sample read O.  Mainline: a read whose result nobody uses,
    which changes no state, so no step.  MUSTINC RFC: ``errseq_sample`` is a peek that sets
    MUSTINC on the word it reads: a write (read, then cmpxchg), emitted here.
    """
    if not L.mustinc:
        return
    errseq_peek(b, L, upper, None, True, "ovl_open_realfile")


def syncfs_return(b: ProgramBuilder, start: int, end: Label, file: str, layer: str,
                  ret: Var, sret: Var, sync_fs_returned: bool) -> None:
    """Attach the ``sync_return`` event to every step of a ``syncfs`` call that returns.

    fs/sync.c: ``return ret ? ret : ret2`` where ``ret`` is ``sync_filesystem()``'s result
    (carrying ``->sync_fs``'s since v5.17) and ``ret2`` the errseq check's.
    """
    value: Expr = After(ret.name)  # type: ignore[assignment]
    if sync_fs_returned:
        s = After(sret.name)
        value = E.ite(E.ne(s, ZERO), s, value)  # type: ignore[arg-type]

    def make(when: Expr) -> list[Event]:
        return [_ev("sync_return", file=file, layer=layer, actor=b.actor, ret=value, when=when)]

    b.region_exits(start, end, make)


__all__ = [
    "read_once", "write_once", "spin_lock", "spin_unlock", "errseq_set",
    "errseq_peek", "errseq_check", "check_and_advance", "open_file", "open_realfile",
    "syncfs_return",
]

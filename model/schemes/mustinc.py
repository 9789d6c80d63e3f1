"""``mustinc``: J. Layton's RFC v2 (2020-12-14): a second errseq flag, and O re-raised from U.

"errseq: split the ERRSEQ_SEEN flag into two new flags" + "overlayfs: propagate errors from
upper to overlay sb in sync_fs" (not merged).  The layout gains MUSTINC at bit 13, the counter
starts at bit 14: errseq_set increments iff MUSTINC; ``errseq_peek`` sets MUSTINC only (so a
peek forces the next error to be counted without marking it seen); sample = peek, then 0
unless SEEN; check ignores both flags; check_and_advance sets both.  The overlay half was
written for volatile mounts, so it is sticky like ``volatile`` by design::

    mount:  ofs->mark = errseq_peek(&upper_sb->s_wb_err);
    1  ret = errseq_check(&upper_sb->s_wb_err, ofs->mark);    /* ofs->mark is never written */
    2  if (ret)
    3          errseq_set(&sb->s_wb_err, ret);                 /* 2+ steps */
       return ret;                                             /* ->sync_fs's result */
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err), RFC semantics

The whole world (U, O, every cursor) uses the RFC layout: the layout is a parameter of the
world (``ErrseqLayout(mustinc=True)``), not a fork of the code.

Model notes: the semantics above match RFC v2's lib/errseq.c (peek of a zero word writes
nothing, so ``mark`` is 0 here: U is pristine at mount); ovl_sync_fs returns the check's
result, which the VFS passes up with ``--sync-fs-errors returned``; check_and_advance retries
its cmpxchg once when it lost a race to a peek, on private and shared cursors alike.  Not
modelled: the RFC loop's extra failing cmpxchg and its WARN_ON_ONCE after a successful retry.

Expected verdicts (hand analysis), as the checker reports them (shortest traces; ``--lock
spinlock`` adds spin_lock/unlock(ofs.lock) around each call's body, +2 steps per call):

* ``double`` violated, by design (sticky).  seed, two-overlays: 13 steps (spinlock 17).
  W: errseq_set(U,-EIO) (read, cmpxchg); P1 opens O (sample of 0: 1 step); syncfs:
  errseq_check(U, 0) = -EIO, errseq_set(O) read + cmpxchg, check_and_advance(O) read +
  cmpxchg (5): reported; second syncfs does the same (5), and as O now has SEEN|MUSTINC
  the set bumps O's counter, so the check reports EIO again.  wrap: 12 (16), the same
  without the open (opens run first).
* race (two syncfs per file): 13 (17), the seed trace.  With one syncfs per file it was 14
  (18): P1 reports as above (8), then P2 opens O (sample returns the consumed word, 1 step)
  and its syncfs re-sets O and reports the error already reported on O before it opened.
* shared-fd: 13 (17).  P1a's errseq_check(U) runs before the error (0: no set), P1b's after
  it: P1b sets O, P1a's check of O consumes it, and P1b's check finds the shared cursor
  already advanced, but P1b's ->sync_fs returned -EIO, which the VFS passes up: the file is
  told twice.  Without the return value it would be the VFS's unlocked f_sb_err race (both
  threads read the cursor before either stores it).  With --flock: 17 (21), the same
  sticky return with the cursor serialised.  The "by design" label covers both causes.
* late-open: nothing violated (one syncfs per file; both files report the error).
* ``lost`` (and ``wrap``) hold: mark is 0 and U never returns to 0, so after the first error
  every syncfs re-sets O before checking it; O can equal a cursor (which has SEEN) only via
  a counter wrap, out of reach with these few sets.
* ``unseen`` holds: nothing an overlay does sets SEEN on U (errseq_check only), so an opener
  on U still gets 0; an opener on O gets 0 or a word its first syncfs moves by re-setting O.
* ``backward`` violated in race with lock none, 17 steps (not by design): errseq_set does
  not bump O while O lacks MUSTINC, so a setter with a stale errseq_check(U) result puts an
  older errno back.  W: EIO (2); P1 opens, its check reads EIO (2); W: ENOSPC (2); P2 opens,
  checks ENOSPC, sets O = ctr=0 ENOSPC (4); P1 sets O = ctr=0 EIO (2); P2's
  check_and_advance cmpxchg fails on it (2); P2's second syncfs checks U and sets
  ctr=0 ENOSPC again (3).  It needs two errnos and three racing sets on O: seed,
  shared-fd, two-overlays have one errno, wrap one overlay syncer (and one-syncfs race only
  two sets), so it holds there; under spinlock the check of U and the set are atomic and
  U's errno never goes back: holds.
* ``deadlock`` holds: ofs.lock and f_lock are never nested.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import After, ProgramBuilder
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class MustInc(Scheme):
    """RFC errseq with MUSTINC; ``errseq_set(O, errseq_check(U, mark))`` on every syncfs."""

    name = "mustinc"
    summary = "RFC MUSTINC layout; if errseq_check(U, ofs->mark): errseq_set(O, err) (sticky)"
    provenance = "J. Layton, RFC v2, 2020-12-14, linux-fsdevel (not merged)"
    mustinc = True
    by_design = frozenset({"double"})
    ofs_fields = (("mark", "struct ovl_fs: errseq_peek(U) at mount, never written again", True),)

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.errseq_peek(b, ov.layout, ov.U, Var(ov.field("mark")), False, ov.field("mark"))

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        err = b.local("err", "ovl_sync_fs: errseq_check(U, mark) (positive errno)")
        end = b.label("mustinc.end")

        def body() -> None:
            result = L.check_ret(E, Var(ov.U), Var(ov.field("mark")))
            call.region("read-u", lambda: kernel.errseq_check(
                b, L, ov.U, Var(ov.field("mark")), err, "err",
                also={call.sret.name: result}))  # ovl_sync_fs returns it: "return ret;"
            b.branch(E.eq(After(err.name), ZERO), end)  # type: ignore[arg-type]
            kernel.errseq_set(b, L, ov.O, err, clear=(err,))
            b.here(end)

        call.region("body", body)

"""``copy-counter``: copy U into O (without SEEN) only when U's counter moved.

S. Dhillon, 2020-12-01, in the seed thread ("This also needs some locking sprinkled on it"):
mount sets ``sb->s_wb_err = READ_ONCE(upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::

    1  src = READ_ONCE(upper_sb->s_wb_err);
    2  if (errseq_counter(src) != errseq_counter(sb->s_wb_err))     /* reads O */
    3          WRITE_ONCE(sb->s_wb_err, src & ~ERRSEQ_SEEN);
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)  (1 or 2 steps)

Verdicts (checked with syncfs-mc; lengths are the shortest traces, in atomic steps, without
lock / with the spinlock, which adds its lock and unlock steps):

Only an ``errseq_set`` on a word that has SEEN bumps U's counter, and this scheme never sets
SEEN on U: a process syncing a file directly on U must.  Without one, step 2 compares 0 with
0 for ever and O never leaves its mount value.

* ``lost`` violated wherever a file is open before an error: P1 opens O; W's errseq_set(U,
  -EIO) (read, cmpxchg); P1's syncfs reads U = ctr=0 EIO, compares counter 0 with O's 0,
  copies nothing; the check of O returns 0.  seed, race, two-overlays: 6/8; shared-fd: 7/9
  (the check of a shared f_sb_err is 2 steps), 9/11 with --flock; wrap (open first): 5/7.
  Holds in ``late-open``: files opened after the only error have nothing to lose.
* ``unseen`` violated by the same calls with the open after the error: 6/8 in seed, race,
  two-overlays, late-open; shared-fd 7/9, 9/11 with --flock.  Holds in ``wrap`` only because
  every file is opened before the first error.
* ``wrap`` violated in ``wrap`` (21/23): EIO, Q1's syncfs on U sets SEEN, the next EIO bumps
  the counter; four rounds (10 W steps, 8 Q1 steps) take a 2-bit counter back to 0, O's value,
  and P1's syncfs copies nothing.  With a wide counter the same run copies ctr=4 and reports
  it (S. Dhillon: "exactly enough errors ... wrapping back to the same value").
* ``backward`` violated only in ``race`` without a lock (15): P1's syncfs reads U = 0 and is
  preempted; EIO, Q1 sets SEEN on U, ENOSPC makes U ctr=1 ENOSPC; P2 opens and copies it into
  O; P1 resumes, finds counter 0 != 1 and writes its stale 0: O is back at a value it held.
  (The trace prints "equal, no copy" at P1's compare: a text bug, the step does copy.)  Under
  the spinlock read-compare-write copies the current U, only when its counter differs, so O
  neither goes back nor is re-armed: holds.  Elsewhere one overlay syncer or no counter move.
* ``double`` holds in all six presets, only because of their bounds: it needs an upper syncer
  (to move U's counter), two overlay syncers (one holding a stale ``src``) and a second call
  on one file; no preset has all three.  ``--scenario race --syncs 2`` finds it (21): P1
  holds src = ctr=0 EIO, P2 copies ctr=1 ENOSPC and reports it, P1 writes ctr=0 EIO over it,
  P2's second syncfs reports -EIO again.
* ``deadlock`` holds: the one lock is always released.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import ProgramBuilder
from model.values import INT as _INT
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class CopyCounter(Scheme):
    """Copy ``U & ~SEEN`` into O when the counters differ (S. Dhillon, 2020-12-01)."""

    name = "copy-counter"
    summary = "copy U & ~SEEN into O when errseq_counter(U) != errseq_counter(O)"
    provenance = "S. Dhillon, 2020-12-01, linux-unionfs (seed thread)"

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.write_once(b, ov.O, Var(ov.U), ov.U)

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        src = b.local("src", "ovl_sync_fs: U's word read for copying", errseq=True)
        skip = b.label("copy-counter.skip")

        def body() -> None:
            call.region("read-u", lambda: kernel.read_once(b, src, ov.U, "src"))
            same = E.eq(L.counter(E, src), L.counter(E, Var(ov.O)))
            b.step(
                f"read({ov.O})",
                lambda v: f"errseq_counter(src) = {L.counter(_INT, v.pre[src.name])} vs "
                          f"errseq_counter({ov.O} = {v.pre_word(ov.O)}) = "
                          f"{L.counter(_INT, v.pre[ov.O])}"
                          + (": equal, no copy"
                             if L.counter(_INT, v.pre[src.name]) == L.counter(_INT, v.pre[ov.O])
                             else ": copy"),
                assigns={src.name: E.ite(same, ZERO, src)},
                goto=[(same, skip)],
            )
            kernel.write_once(b, ov.O, E.band(src, E.const(L.word_mask & ~L.seen)),
                              "src & ~SEEN", also={src.name: ZERO})
            b.here(skip)

        call.region("body", body)


"""``cursor``: the overlay keeps its own cursor into U and re-raises what it finds on O.

Discussed in the seed thread and after (J. Layton's sample-and-advance sketch, A. Goldstein's
"check and advance the overlay's sample"), never posted as a patch.  Mount samples
``ofs->cursor = errseq_sample(&upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::

    1  err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->cursor);   /* 1-4 steps */
    2  if (err)
    3          errseq_set(&sb->s_wb_err, err);                               /* 2+ steps */
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)

``ofs->cursor`` is shared by every syncer of the overlay: with more than one, its read and
store are steps of their own (DESIGN §6).

Verdicts (checked with syncfs-mc; lengths are the shortest traces, in atomic steps, without
lock / with the spinlock).  Step 1 is 2 steps on a private ``ofs->cursor`` and 4 (read U,
read cursor, cmpxchg U, store cursor) when two syncers share it:

* ``lost`` without a lock (seed, race, shared-fd: 11; shared-fd --flock: 13): P2's step 1
  consumes U's EIO into ofs->cursor; P1's syncfs, begun after the error, reads U and the
  advanced cursor (err = 0) and checks O before P2's errseq_set(O): returns 0.  The spinlock
  around 1-3 makes P1 wait until O carries the error: holds.  two-overlays holds even without
  a lock (one syncer and one cursor per overlay); late-open has nothing to lose.
* ``lost`` and ``wrap`` in ``wrap`` (26/30), the only loss there: P1's first syncfs moves
  ofs->cursor to ctr=0 EIO SEEN and reports; errors #2..#5, each landing on a SEEN U (P1's
  advance, then Q1's syncfs), take the 2-bit counter back to 0 and Q1 sets SEEN once more, so
  U equals the cursor word for word and P1's second syncfs finds nothing.
* ``unseen`` on O without a lock (seed, shared-fd: 11; --flock 13): P1 has consumed the error
  into ofs->cursor but not yet raised it on O when fd2 is opened; fd2's first syncfs returns
  0.  On U (race 8/9, late-open 7/8): the overlay's check_and_advance sets SEEN on U, so Q1
  opening U after it samples the error as seen and its first syncfs returns 0; no overlay
  lock helps.  Holds in wrap (files opened first), two-overlays (no file on U), and with the
  spinlock in seed and shared-fd.
* ``double`` in seed without a lock (21): P1 and P2 both read ofs->cursor = 0 and get EIO;
  P1 raises it on O and reports it; P2's errseq_set(O) lands on the SEEN word and bumps the
  counter; P1's second syncfs reports EIO again.  shared-fd (18/22): the VFS race on the
  shared f_sb_err (both threads read O = ctr=0 EIO SEEN and f_sb_err = 0 before either
  stores); the overlay lock does not cover the VFS check.  --flock closes that; without the
  overlay lock the ofs->cursor race above remains (26), with both it holds.  race holds: one
  syncfs per file, and Q1's report on U does not count on O (R is kept per layer).
* ``backward`` holds in every preset, but not in general: errseq_set on an unseen O with
  another errno replaces the errno without a counter bump, and a stale store to ofs->cursor
  re-raises an old error, so O can flip ENOSPC, EIO, ENOSPC (``race --syncs 2``: 25).  The
  presets have one errno, or only two errseq_set(O) calls.
* ``deadlock`` holds.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import After, ProgramBuilder
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class Cursor(Scheme):
    """``errseq_check_and_advance(U, &ofs->cursor)``, then ``errseq_set(O, err)``."""

    name = "cursor"
    summary = "ofs->cursor into U: check_and_advance(U, &cursor); if err: errseq_set(O, err)"
    provenance = ("J. Layton / A. Goldstein, linux-unionfs Nov-Dec 2020 (discussed, "
                  "never posted)")
    ofs_fields = (("cursor", "struct ovl_fs: the overlay's errseq cursor into U", True),)

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.errseq_peek(b, ov.layout, ov.U, Var(ov.field("cursor")), True,
                           f"{ov.field('cursor')}")

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        err = b.local("err", "ovl_sync_fs: error found on U (positive errno)")
        end = b.label("cursor.end")

        def body() -> None:
            call.region("read-u", lambda: kernel.check_and_advance(
                b, L, ov.U, ov.field("cursor"), err, ov.fields_shared, None, "U"))
            b.branch(E.eq(After(err.name), ZERO), end)  # type: ignore[arg-type]
            kernel.errseq_set(b, L, ov.O, err, clear=(err,))
            b.here(end)

        call.region("body", body)

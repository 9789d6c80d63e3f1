"""``upper-cursor``: overlay files keep their cursor on U itself (V. Goyal, v3, not merged).

V. Goyal, "overlayfs: Check writeback errors w.r.t upper in ->syncfs()", v3, 2020-12-21: a
new ``s_op`` hook lets the VFS ask the overlay to check the file: at open the file's
``f_sb_err`` samples U's word instead of O's, and syncfs calls::

    1  if (!errseq_check(&upper_sb->s_wb_err, file->f_sb_err))   /* lockless fast path */
           return 0;
    2  spin_lock(&file->f_lock);
    3  ret = errseq_check_and_advance(&upper_sb->s_wb_err, &file->f_sb_err);   /* 1-2 steps */
    4  spin_unlock(&file->f_lock);

O is never written.  The file's layer stays O for the ``unseen`` contract.

Expected verdicts (hand analysis), as the checker reports them (shortest traces).  ``--lock
none`` and ``spinlock`` give identical results and state counts (the scheme has no
ovl_sync_fs body for the overlay's lock to wrap), and so does ``--flock`` (the hook already
takes f_lock):

* seed, shared-fd (with or without --flock): everything holds.  Each overlay file is a plain
  errseq subscriber of U.  In shared-fd both threads may pass the lockless errseq_check, but
  check_and_advance runs under f_lock and re-reads the cursor, so the second thread finds
  U == f_sb_err and returns 0 (one report per file).
* race, late-open: ``unseen`` violated, 7 steps.  W: errseq_set(U,-EIO) (read, cmpxchg); Q1
  opens U (sample 0) and its syncfs consumes the error (check_and_advance read + cmpxchg: U
  gets SEEN); P1 opens O, samples U with SEEN, and its first syncfs returns 0 at the
  lockless errseq_check, though no file on O consumed the error (2 + 1 + 2 + 1 + 1 steps,
  none avoidable).  The mirror case (an overlay file hides the error from a later opener on
  U, DESIGN §4) needs 9 steps and is not the one shown.
* two-overlays: ``unseen`` violated, 9 steps.  Error (2); P1 opens O1, its syncfs runs
  errseq_check(U), spin_lock(f_lock), check_and_advance read + cmpxchg (5; the report counts
  at the cursor store, P1 need not unlock); P2 opens O2 sampling U with SEEN (1) and its
  first errseq_check returns 0 (1).  J. Layton's "one layer hiding an error from another".
* wrap: ``lost`` and ``wrap`` violated by the same 24-step trace: errseq's own counter limit,
  inherited.  Error #1 (2); P1's first syncfs reports it, cursor = ctr=0 EIO SEEN (5, with
  the unlock its next call must wait for); errors #2..#5 each bump U's counter because
  something set SEEN before each (2 each), Q1's syncfs on U providing the SEEN between them
  (3 x 2); after #5 U = ctr=0 EIO, Q1 consumes it once more (2) and U equals P1's cursor
  again, so P1's errseq_check returns 0 with four errors unreported (1).  Shorter is
  impossible: P1 needs a cursor holding an error, U needs 4 counted bumps, each preceded by
  a consumer.
* ``lost``, ``double`` hold in the other scenarios: a cursor is always 0 or a word with
  SEEN, so it equals U again only after U truly moves back (wrap), and f_lock keeps one
  report per file.  ``backward`` holds trivially (O is never written); ``deadlock`` holds
  (f_lock is the only lock and is never nested).
"""

from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class UpperCursor(Scheme):
    """Overlay files' cursors sample and check U's word (new s_op hook)."""

    name = "upper-cursor"
    summary = "file cursors on U: lockless errseq_check(U), then check_and_advance under f_lock"
    provenance = "V. Goyal, v3, 2020-12-21, linux-fsdevel (not merged)"

    def open_word(self, ov: OverlayCtx) -> str:
        return ov.U

    def check(self, call: CallCtx) -> None:
        call.check_advance_under_f_lock(call.ov.U)

"""``copy-naive``: copy U's word into O on every syncfs.

J. Layton, 2020-11-27, in the seed thread ("Something like this maybe?  Totally untested")::

    ret = sync_filesystem(upper_sb);
    /* Propagate s_wb_err from upper_sb to overlayfs sb */
    1  src = READ_ONCE(upper_sb->s_wb_err);
    2  WRITE_ONCE(sb->s_wb_err, src);
    return ret;
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)
    3  old = READ_ONCE(O); compare with f_sb_err
    4  cmpxchg(O, old, old | SEEN); f_sb_err = old | SEEN

Expected verdicts (hand analysis, checked against the explicit engine).  Lengths are
"no lock / spinlock"; the spinlock adds lock+unlock to each call's copy and rules out the
stale-copy race (P1 reads U = 0, P2 copies EIO into O, P1 writes its stale 0 back):

* ``double``: violated everywhere but late-open (one syncfs per file there).  Nobody sets
  SEEN on U, so a later copy re-arms O (S. Dhillon's "return the error twice"): open, W's two
  steps, syncfs -> -EIO (4), syncfs copies the unseen word back and reports again (4): seed,
  two-overlays 11/15; wrap 10/14 (open in the prologue); race 12/16 (one syncfs per file: P2
  opens after P1's report, sampling O = EIO SEEN, and its copy re-arms).  shared-fd 14/18 is
  the VFS cursor race, not the re-arm: P1b reads O = EIO SEEN and the cursor still 0 before
  P1a stores it, and both threads return -EIO.  With --flock that race is gone and the
  re-arm remains: 19/23.
* ``backward``: violated everywhere but late-open.  No lock: the stale copy moves O from EIO
  back to 0: 8 (seed, race), 7 (shared-fd, with or without --flock: one open fewer).  Where
  no two actors copy into the same O, or under the spinlock, the re-arm (O from EIO SEEN to
  EIO) is the shortest: two-overlays 9/12, wrap 8/11, seed 12, race 13 (P2 re-arms),
  shared-fd 13, --flock 14.
* ``lost``: no lock: the stale copy overwrites the EIO that P2 just copied, and P2's check
  finds O = 0 = its cursor: 9 (seed, race, shared-fd), 11 with --flock.  Also in wrap, lock
  or not, 12/16, with no race and no wrap: P1 reports EIO; error #2 merges into U's unseen
  EIO (errseq_set writes nothing: U has no SEEN, as P1's report only marked O); the upper
  syncer Q1 marks U SEEN; P1's next copy puts ctr=0 EIO SEEN in O, equal to its cursor: -> 0.
  Holds in two-overlays (each O has one writer, and U never gets SEEN), in late-open (errors
  precede the opens), and under the spinlock in seed, race, shared-fd.
* ``unseen``: no lock: the stale copy hides the error from a late opener: P1 reads U = 0,
  W sets EIO, P2 opens (O = 0), P2 copies EIO, P1 writes 0, P2's check -> 0: 9 (seed, race).
  Spinlock, race 16: Q1's syncfs on U sets SEEN there, P1 copies ctr=0 EIO SEEN into O, so a
  late opener P2 samples that word as its cursor and its copy is the same word: -> 0 (SEEN
  leaks from U into O although no file on O consumed the error).  Holds in wrap (opens come
  first), in shared-fd (the second thread starts after the open, so no stale 0 exists), in
  late-open and two-overlays (the late opener's own copy is unequal to its cursor 0), and
  in seed under the spinlock (no stale copy, no upper syncer).
* ``wrap``: violated only in wrap, 26/30: P1 reports ctr=0 EIO SEEN; four more EIOs, each
  after Q1 marked U SEEN, take U's 2-bit counter 0->1->2->3->0; Q1 marks it SEEN again, and
  P1's copy equals its cursor: -> 0 (a wide counter would read ctr=4).  No other scenario has
  enough increments to wrap.
* ``deadlock``: holds: the ovl_fs spinlock and f_lock are never held together.
"""

from model import kernel
from model.expr import ZERO
from model.variants import CallCtx, Scheme, register_scheme


@register_scheme
class CopyNaive(Scheme):
    """``WRITE_ONCE(O, READ_ONCE(U))`` in ovl_sync_fs, then the VFS checks O."""

    name = "copy-naive"
    summary = "WRITE_ONCE(O, READ_ONCE(U)) on every syncfs"
    provenance = "J. Layton, 2020-11-27, linux-unionfs (seed thread)"

    def sync_fs(self, call: CallCtx) -> None:
        b, ov = call.b, call.ov
        src = b.local("src", "ovl_sync_fs: U's word read for copying", errseq=True)

        def body() -> None:
            call.region("read-u", lambda: kernel.read_once(b, src, ov.U, "src"))
            kernel.write_once(b, ov.O, src, "src", also={src.name: ZERO})

        call.region("body", body)

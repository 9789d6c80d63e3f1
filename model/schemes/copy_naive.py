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

Expected verdicts (hand analysis):

* ``double`` violated (S. Dhillon's reply: "syncfs() twice in a row will return the error
  twice"): nobody sets SEEN on U, so the second copy re-arms O.  Shortest with one file:
  open (1), W read + cmpxchg (2-3), syncfs: 1-4 (4-7) reports EIO, syncfs: 1-2 (8-9) copies
  the unseen word back, 3-4 (10-11) report it again: 11 steps (DESIGN §7's trace).
* ``backward`` violated: step 9 above clears SEEN keeping counter and errno (a re-arm); with
  two syncers a stale ``src`` written after a newer one puts back a value O held before.
* ``lost`` violated with two unlocked syncers: P2 reads U = 0 before the error, P1 copies
  EIO into O, P2 writes its stale 0 back, and P1's check finds O equal to its cursor 0.
  The spinlock makes read-and-copy atomic: lost then holds, double and backward do not (the
  re-arm needs no race).
* ``unseen`` holds: O's copy has no SEEN until a cursor consumes it, so late openers of O
  sample 0 and report; nothing marks U.
* ``wrap``: a copied word equals a cursor again once U's counter wraps to the same value
  with SEEN set by an upper syncer: violated in the ``wrap`` scenario.
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

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

Two things go wrong.  Nobody sets SEEN on U, so every copy re-arms O with the unseen word
(S. Dhillon: "syncfs() twice in a row will return the error twice").  And steps 1-2 race:
a syncer that read U before an error can write its stale copy over one that carries it.  A
lock around 1-2 (``--lock spinlock``) removes the stale copy, not the re-arm.

One bad interleaving, ``double`` in ``seed`` (the thread's case): W sets EIO on U; P1 opens
O; P1's syncfs copies ``ctr=0 EIO`` into O and reports -EIO, which leaves O ``ctr=0 EIO
SEEN``; P1's second syncfs copies the unseen word back over it and reports -EIO again::

    replay: copy-naive/none/seed/double/-/W,W,P1,P1,P1,P1,P1,P1,P1,P1,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
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

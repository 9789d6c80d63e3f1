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

Expected verdicts (hand analysis):

* ``lost``, ``double``, ``backward``, ``deadlock`` hold: each overlay file is an ordinary
  errseq subscriber of U, and f_lock serialises threads that share one file.
* ``unseen`` violated: a file on O (or on U) opened after an overlay file consumed an error
  samples U as seen and never reports it, though nothing on its layer consumed it
  (``late-open``, ``two-overlays``: J. Layton's "one layer hiding an error from another").
* ``wrap`` violated only where a cursor can alias after a full wrap of U's counter.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import After, Event
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
        b, ov, L, f = call.b, call.ov, call.L, call.file
        cur = Var(f.cursor)
        end = b.label("upper-cursor.end")
        if call.cursor_shared:
            since = b.local("since", "errseq_check's argument: file->f_sb_err as read", True)
            b.step(f"read({f.cursor})",
                   lambda v: f"since = {f.cursor} = {v.pre_word(f.cursor)}",
                   assigns={since.name: cur})
            cur = since
        quick = E.eq(L.check_ret(E, Var(ov.U), cur), ZERO)
        ev = Event("cursor", (("file", f.name), ("layer", f.layer), ("actor", b.actor),
                              ("ret", ZERO), ("when", quick)))
        also = {cur.name: ZERO} if call.cursor_shared else {}
        kernel.errseq_check(b, L, ov.U, cur, call.ret, "ret", also=also, events=[ev])
        b.branch(E.eq(After(call.ret.name), ZERO), end)  # type: ignore[arg-type]
        lock = call.file_lock
        call.declare(lock, "spinlock_t file->f_lock", False)
        kernel.spin_lock(b, lock)
        kernel.check_and_advance(b, L, ov.U, f.cursor, call.ret, call.cursor_shared, f.name,
                                 f.layer)
        kernel.spin_unlock(b, lock)
        b.here(end)

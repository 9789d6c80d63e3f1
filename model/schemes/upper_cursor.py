"""``upper-cursor``: overlay files keep their cursor on U itself (V. Goyal, v3, not merged).

V. Goyal, "overlayfs: Report writeback errors on upper" (v3, patch 3/3, 2020-12-21): a new
``s_op->errseq_check_advance`` hook lets the VFS ask the overlay to check the file.  At open,
after the real file is opened, ``ovl_init_file_errseq`` re-samples the file's cursor from U
(``f_sb_err = errseq_sample(&upper_sb->s_wb_err)``), and syncfs calls::

    1  if (!errseq_check(&upper_sb->s_wb_err, file->f_sb_err))   /* lockless */
           return 0;
    2  spin_lock(&file->f_lock);
    3  ret = errseq_check_and_advance(&upper_sb->s_wb_err, &file->f_sb_err);
    4  spin_unlock(&file->f_lock);

That is the shape of J. Layton's f_lock patch for the VFS (``--flock``) with U for O, and
both come from ``CallCtx.check_advance_under_f_lock``.  (v2, 2020-12-16, was "overlayfs:
Check writeback errors w.r.t upper in ->syncfs()", through a new ``f_op->syncfs``.)  O is
never written.  The file's layer stays O for the ``unseen`` contract: each overlay file is a
plain errseq subscriber of U, so a consumer on U (or on another overlay) hides an error from
a later opener on O.

One bad interleaving, ``unseen`` in ``race``: W sets EIO on U; Q1 opens U and its syncfs
consumes the error (U becomes ``ctr=0 EIO SEEN``); P1 then opens O, its cursor samples U
with SEEN, and its first syncfs returns 0 at the lockless check, though no file on O was
told of the error::

    replay: upper-cursor/none/race/unseen/-/W,W,Q1,Q1,Q1,P1,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
"""

from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class UpperCursor(Scheme):
    """Overlay files' cursors sample and check U's word (V. Goyal v3's new s_op hook)."""

    name = "upper-cursor"
    summary = "file cursors on U: lockless errseq_check(U), then check_and_advance under f_lock"
    provenance = ('V. Goyal, v3 "overlayfs: Report writeback errors on upper", 2020-12-21, '
                  "linux-fsdevel (not merged)")

    def open_word(self, ov: OverlayCtx) -> str:
        return ov.U

    def check(self, call: CallCtx) -> None:
        call.check_advance_under_f_lock(call.ov.U)

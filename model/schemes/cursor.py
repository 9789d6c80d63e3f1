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

Expected verdicts (hand analysis):

* ``lost`` violated without a lock: P1's step 1 consumes U's error and P1 is preempted before
  step 3; P2's step 1 finds the cursor already advanced (err = 0) and P2's check of O returns
  0 although the error completed before P2's call began.  The spinlock around 1-3 makes P2
  wait until O carries the error: lost then holds.
* ``unseen`` violated where a file is opened directly on U after an overlay syncfs: step 1
  sets SEEN on U on the overlay's behalf, so the upper opener samples U as seen and its first
  syncfs returns 0 (``late-open``, ``race``).
* ``double`` violated without a lock when two syncers both get the error from step 1 (racing
  on the shared cursor) and the second ``errseq_set(O)`` lands after a check of O consumed the
  first: O's counter moves and the same error is reported again.
* ``backward`` holds: O changes only through errseq_set and check_and_advance, which never
  clear SEEN without a new error; ``deadlock`` holds.
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

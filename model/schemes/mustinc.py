"""``mustinc``: J. Layton's RFC v2 (2020-12-14): a second errseq flag, and O re-raised from U.

"errseq: split the ERRSEQ_SEEN flag into two new flags" + "overlayfs: propagate errors from
upper to overlay sb in sync_fs" (not merged).  The layout gains MUSTINC at bit 13, the counter
starts at bit 14: errseq_set increments iff MUSTINC; ``errseq_peek`` sets MUSTINC only (so a
peek forces the next error to be counted without marking it seen); sample = peek, then 0
unless SEEN; check ignores both flags; check_and_advance sets both.  The overlay half was
written for volatile mounts, so it is sticky like ``volatile`` by design::

    mount:  ofs->mark = errseq_peek(&upper_sb->s_wb_err);
    1  err = errseq_check(&upper_sb->s_wb_err, ofs->mark);    /* ofs->mark is never written */
    2  if (err)
    3          errseq_set(&sb->s_wb_err, err);                 /* 2+ steps */
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err), RFC semantics

The whole world (U, O, every cursor) uses the RFC layout: the layout is a parameter of the
world (``ErrseqLayout(mustinc=True)``), not a fork of the code.

Expected verdicts (hand analysis):

* ``double`` violated **by design**: ``ofs->mark`` never advances, so once U differs from it
  every syncfs sets O again; after a check consumed O (SEEN|MUSTINC), the next set bumps O's
  counter and every file is told again.  Shortest: open, W read + cmpxchg, syncfs (check U,
  set O read + cmpxchg, check O 2 steps) reports, second syncfs sets O again and reports.
* ``lost`` holds: every syncfs that starts after an error re-sets O before checking it.
* ``unseen`` holds: peeks never set SEEN, so U's errors stay reportable to later openers.
* ``backward`` holds: O changes only through errseq_set (counter forward) and
  check_and_advance (flags only); ``deadlock`` holds.
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
            call.region("read-u", lambda: kernel.errseq_check(
                b, L, ov.U, Var(ov.field("mark")), err, "err"))
            b.branch(E.eq(After(err.name), ZERO), end)  # type: ignore[arg-type]
            kernel.errseq_set(b, L, ov.O, err, clear=(err,))
            b.here(end)

        call.region("body", body)

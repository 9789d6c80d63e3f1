"""``cursor``: the overlay keeps its own cursor into U and re-raises what it finds on O.

Discussed in the seed thread and after (J. Layton's sample-and-advance sketch, A. Goldstein's
"check and advance the overlay's sample"), never posted as a patch.  Mount samples
``ofs->cursor = errseq_sample(&upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::

    1  err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->cursor);
    2  if (err)
    3          errseq_set(&sb->s_wb_err, err);
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)

``ofs->cursor`` is shared by every syncer of the overlay: with more than one, its read and
its store are steps of their own (DESIGN §6), so step 1 is a read of U, a read of the
cursor, a cmpxchg of U and a store of the cursor.  Step 1 also sets SEEN on U, on behalf of
files that are not on U.

One bad interleaving, ``lost`` in ``seed``: P1 opens O; W sets EIO on U; P2 opens O, and its
syncfs consumes the error into ``ofs->cursor`` (U becomes ``ctr=0 EIO SEEN``) but has not
raised it on O yet; P1's syncfs, begun after the error, finds U equal to the advanced cursor
(err = 0) and checks O, still 0: it returns 0::

    replay: cursor/none/seed/lost/-/P1,W,W,P2,P2,P2,P2,P2,P1,P1,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
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

"""``mustinc``: J. Layton's RFC v2 (2020-12-14): a second errseq flag, and O re-raised from U.

"[RFC PATCH v2 1/2] errseq: split the SEEN flag into two new flags" and "[RFC PATCH v2 2/2]
overlayfs: propagate errors from upper to overlay sb in sync_fs" (not merged).  errseq_t
stays a u32: MUSTINC takes bit 13 and the counter (18 bits) starts at bit 14.  errseq_set
increments iff MUSTINC; ``errseq_peek`` sets MUSTINC only, so the next error is counted
without this one being marked seen; ``errseq_sample`` is a peek that returns 0 unless SEEN;
errseq_check ignores both flags; errseq_check_and_advance sets both, retrying once if it
lost a race to a peek.  The overlay half was written for volatile mounts, so it is sticky
like ``volatile`` by design::

    mount:  ofs->errseq = errseq_peek(&upper_sb->s_wb_err);    /* never written again */
    1  ret = errseq_check(&upper_sb->s_wb_err, ofs->errseq);
    2  if (ret)
    3          errseq_set(&sb->s_wb_err, ret);
       return ret;                                             /* ->sync_fs's result */
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err), RFC semantics

The whole world (U, O, every cursor) uses the RFC layout: the layout is a parameter of the
world (``ErrseqLayout(mustinc=True)``), not a fork of the code, and ``effective_params``
gives it 18 counter bits at the kernel's 32-bit width (50 in the u64 of wide-counter).

Every sample is a peek, and so a write: the overlay file's open peeks O, and the hidden real
file ovl_open opens on U peeks U (``kernel.open_realfile``; the real file's ``f_path`` is on
U since v6.7, before which it sampled the overlay's O).  The peek at mount finds U pristine
and writes nothing.

Model notes: ovl_sync_fs returns the check's result, which the VFS passes up with
``--sync-fs-errors returned``.  Not modelled: when check_and_advance's first cmpxchg
succeeds on a word that had MUSTINC without SEEN, the RFC loop makes a second cmpxchg with
the value it first read, which can only swap if the word has come back to that value since;
and its WARN_ON_ONCE.

One bad interleaving, ``backward`` in ``race`` (not by design): errseq_set does not bump O
while O lacks MUSTINC, so a setter holding a stale errseq_check(U) result puts an older errno
back.  P1 and P2 open O; W sets EIO, P1's check of U reads EIO; W sets ENOSPC; P2's check
reads ENOSPC and sets ``ctr=0 ENOSPC`` in O; P1 sets ``ctr=0 EIO`` over it; P2's report
fails its cmpxchg on that word; P2's second syncfs sets ``ctr=0 ENOSPC`` again, a value O
held before::

    replay: mustinc/none/race/backward/-/P1,P1,P2,P2,W,W,W,P1,W,P2,P2,P2,P2,P1,P1,P2,P2,P2,P2

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import After, ProgramBuilder
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class MustInc(Scheme):
    """RFC errseq with MUSTINC; ``errseq_set(O, errseq_check(U, ofs->errseq))`` on every
    syncfs."""

    name = "mustinc"
    summary = ("RFC MUSTINC layout (18-bit counter); if errseq_check(U, ofs->errseq): "
               "errseq_set(O, err) (sticky)")
    provenance = "J. Layton, RFC v2, 2020-12-14, linux-fsdevel (not merged)"
    mustinc = True
    by_design = frozenset({"double"})
    ofs_fields = (("errseq", "struct ovl_fs: errseq_peek(U) at mount, never written again",
                   True),)

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.errseq_peek(b, ov.layout, ov.U, Var(ov.field("errseq")), False,
                           ov.field("errseq"))

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        err = b.local("err", "ovl_sync_fs: errseq_check(U, ofs->errseq) (positive errno)")
        end = b.label("mustinc.end")

        def body() -> None:
            result = L.check_ret(E, Var(ov.U), Var(ov.field("errseq")))
            call.region("read-u", lambda: kernel.errseq_check(
                b, L, ov.U, Var(ov.field("errseq")), err, "err",
                also={call.sret.name: result}))  # ovl_sync_fs returns it: "return ret;"
            b.branch(E.eq(After(err.name), ZERO), end)  # type: ignore[arg-type]
            kernel.errseq_set(b, L, ov.O, err, clear=(err,))
            b.here(end)

        call.region("body", body)

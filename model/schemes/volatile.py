"""``volatile`` and ``volatile-6.12``: the error handling of volatile overlay mounts.

Shipped in v5.11 (commit 335d3fc57941, "ovl: implement volatile-specific fsync error
behaviour").  Mount samples ``ofs->errseq = errseq_sample(&upper_sb->s_wb_err)`` (and refuses
to mount if ``errseq_check`` already fails; U is pristine at mount here).  ``ovl_sync_fs``
skips syncing (volatile) and does::

    1  if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {    /* ofs->errseq never written */
    2          errseq_set(&sb->s_wb_err, -EIO);                 /* v5.11-v6.11 only; 2+ steps */
               return -EIO;
       }
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err);
       returns ->sync_fs's error if the VFS passes it up (v5.17+), else the check's

``volatile`` is that v5.11 code: with ``--sync-fs-errors ignored`` it is v5.11-v5.16 exactly,
with ``returned`` (default) v5.17-v6.11.  ``volatile-6.12`` is today's code: O is no longer
set, the -EIO travels only through the return value.

Expected verdicts (hand analysis):

* ``double`` violated **by design** (sticky: once U moved, every syncfs fails, and the
  errseq_set on a consumed O bumps its counter so the check reports it again too).
* ``lost`` holds for ``volatile`` under both switches (O is set before the check); for
  ``volatile-6.12`` it holds with ``returned`` and is violated with ``ignored`` (the error
  only lives in the dropped return value).
* ``unseen`` holds where ``lost`` does (a late opener's first syncfs fails too).
* ``backward``, ``deadlock`` hold.
"""

from model import kernel
from model.errseq import ERRNO_NUMBERS
from model.expr import ZERO, E, Var
from model.ir import After, ProgramBuilder
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme

EIO = ERRNO_NUMBERS["EIO"]


@register_scheme
class Volatile(Scheme):
    """v5.11 volatile mounts: errseq_check(U, mount sample) -> errseq_set(O, -EIO), -EIO."""

    name = "volatile"
    summary = "volatile mount (v5.11): if U moved since mount: errseq_set(O, -EIO), return -EIO"
    provenance = "commit 335d3fc57941, v5.11 (shipped)"
    by_design = frozenset({"double"})
    ofs_fields = (("errseq", "struct ovl_fs: errseq_sample(U) at mount, never written again",
                   True),)
    sets_overlay = True

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.errseq_peek(b, ov.layout, ov.U, Var(ov.field("errseq")), True,
                           ov.field("errseq"))

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        err = b.local("err", "ovl_sync_status: errseq_check(U, ofs->errseq)")
        end = b.label("volatile.end")

        def body() -> None:
            failed = E.ne(L.check_ret(E, Var(ov.U), Var(ov.field("errseq"))), ZERO)
            call.region("read-u", lambda: kernel.errseq_check(
                b, L, ov.U, Var(ov.field("errseq")), err if self.sets_overlay else None, "err",
                also={call.sret.name: E.ite(failed, E.const(EIO), ZERO)}))
            if self.sets_overlay:
                b.branch(E.eq(After(err.name), ZERO), end)  # type: ignore[arg-type]
                kernel.errseq_set(b, L, ov.O, E.const(EIO), clear=(err,))
                b.here(end)

        call.region("body", body)


@register_scheme
class Volatile612(Volatile):
    """v6.12+ volatile mounts: the -EIO only travels through ->sync_fs's return value."""

    name = "volatile-6.12"
    summary = "volatile mount (v6.12+): if U moved since mount: return -EIO (O untouched)"
    provenance = "fs/overlayfs/super.c since v6.12 (shipped)"
    sets_overlay = False

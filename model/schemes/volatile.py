"""``volatile`` and ``volatile-6.12``: the error handling of volatile overlay mounts.

Shipped in v5.11, commit 335d3fc57941 ("ovl: implement volatile-specific fsync error
behaviour"; marked for stable, as a fix of the v5.10 volatile option).  Mount samples
``ofs->errseq = errseq_sample(&upper_sb->s_wb_err)`` (and refuses to mount if errseq_check
already fails; U is pristine at mount here).  ``ovl_sync_fs`` skips syncing (volatile) and
does::

    1  if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {    /* ofs->errseq never written */
    2          errseq_set(&sb->s_wb_err, -EIO);                 /* v5.11-v6.11 only */
               return -EIO;                                     /* since v5.11 */
       }
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err);
       returns ->sync_fs's error if the VFS passes it up, else the check's

The -EIO return is there from v5.11 on, but until v5.17 (5679897eb104, "vfs: make
sync_filesystem return errors from ->sync_fs") the VFS dropped it, which is why step 2 sets
O.  ``volatile`` is the v5.11 code: with ``--sync-fs-errors ignored`` it is v5.11-v5.16
mainline; 5679897eb104 was backported to 5.16.y, 5.15.y and 5.10.y, so those stable kernels
behave as ``returned`` (the default), which is also v5.17-v6.11.  ``volatile-6.12`` is
today's code, commit 34b4540e6646 ("ovl: don't set the superblock's errseq_t manually",
v6.12): O is no longer set, and the -EIO travels only through the return value.

Once U has moved, the overlay keeps failing syncfs with -EIO: the error is sticky by design,
so ``double`` is outside the contract of both schemes.  (``volatile-6.12`` with ``--sync-fs-
errors ignored``, a combination that never shipped, drops its -EIO altogether.)

Modelling note: before v5.17, sync_filesystem() calls ->sync_fs twice (wait=0, then 1); the
model calls it once.  The second errseq_set(O) is a no-op unless a racing check made O SEEN
in between, and then it only bumps the counter again.

One bad interleaving, ``double`` in ``seed`` (by design): W sets EIO on U; P1 opens O; its
first syncfs finds U moved since mount, sets ``ctr=0 EIO`` on O and reports it (O becomes
``ctr=0 EIO SEEN``); its second syncfs finds U still moved, errseq_set bumps O to ``ctr=1
EIO``, and the check reports -EIO again, with no new error on U::

    replay: volatile/none/seed/double/-/W,W,P1,P1,P1,P1,P1,P1,P1,P1,P1,P1,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
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
    provenance = ("commit 335d3fc57941, v5.11, marked for stable (shipped); --sync-fs-errors "
                  "ignored is v5.11-v5.16 mainline: 5679897eb104 (v5.17) is in 5.16.y, 5.15.y, "
                  "5.10.y")
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
    summary = ("volatile mount (v6.12+): if U moved since mount: return -EIO (as since v5.11), "
               "O no longer set")
    provenance = ("commit 34b4540e6646 (\"ovl: don't set the superblock's errseq_t "
                  "manually\"), v6.12 (shipped)")
    sets_overlay = False

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

Expected verdicts (checked with syncfs-mc; BFS-shortest lengths "none/spinlock": the spinlock
adds lock+unlock, 2 steps, to every syncfs call in a trace):

``volatile`` (v5.11).  U never returns to the mount sample 0, so every syncfs begun after an
error runs errseq_set(O) before its own check.  That leaves O without SEEN, unequal to every
cursor (cursors hold 0 or SEEN values), so the VFS check returns -EIO whatever the switch:
``--sync-fs-errors`` changes only shared-fd, where a sibling thread can move the cursor.
* lost, unseen, wrap hold everywhere (a sibling that moved the cursor past our set reported
  the error to the shared file itself).  backward, deadlock hold: errseq_set only moves O
  forward (at most one bump of O in the 2-bit scenarios) and the two locks never nest.
* double, by design.  seed, two-overlays 13/17: error on U; P1 opens; syncfs #1 sets O and
  consumes it; syncfs #2 finds O SEEN, errseq_set bumps the counter, the check reports again.
  wrap 12/16 (files open first).  race 14/18: fd1 is told; fd2 then opens with O SEEN (nothing
  owed) and its only syncfs re-arms O and gets -EIO.  shared-fd returned 13/17: P1a's
  ->sync_fs runs before the error (no set); P1b sets O; P1a's check consumes it; P1b's check
  finds the cursor unchanged but its ->sync_fs returns -EIO.  shared-fd ignored 14/18: the
  same, with P1b reading the cursor before P1a stores it, so both checks report.  --flock
  serialises the checks: returned 17/21 (same shape), ignored 21/25 (P1b has to set O after
  P1a's check, bumping the counter).  late-open: holds (one syncfs per file, and nothing was
  reported on O before the open).

``volatile-6.12`` (O is never written, so backward and deadlock hold trivially).
* returned: lost, unseen, wrap hold (every call begun after an error fails via ->sync_fs).
  double, by design: seed, two-overlays 7/11 (two syncfs on fd1, each just errseq_check(U) and
  a check of the untouched O); wrap 6/10; race 8/12 (fd2 opened after fd1 was told); shared-fd
  9/13, --flock 13/17; late-open holds.
* ignored (6.12 code on a pre-5.17 VFS, a combination that never shipped): the -EIO is
  dropped and O stays 0, so every syncfs returns 0.  double holds.  lost: open, error,
  syncfs -> 0: seed, race, two-overlays 5/7; wrap 4/6 (opens first); shared-fd 6/8, --flock
  8/10; holds in late-open (the error precedes the open).  unseen: the same trace with the open
  after the error, 5/7 (shared-fd 6/8, --flock 8/10, late-open 5/7); holds in wrap (every open
  precedes the errors).  wrap holds (the loss does not depend on the counter width).

Modelling note: before v5.17, sync_filesystem() calls ->sync_fs twice (wait=0, then 1); the
model calls it once.  The second errseq_set(O) is a no-op unless a racing check made O SEEN in
between, and then it only bumps the counter again.  No verdict within these bounds changes.
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

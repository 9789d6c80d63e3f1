"""``copy-counter``: copy U into O (without SEEN) only when U's counter moved.

S. Dhillon, 2020-11-28, in the seed thread ("This also needs some locking sprinkled on it"):
mount sets ``sb->s_wb_err = READ_ONCE(upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::

    1  src = READ_ONCE(upper_sb->s_wb_err);
    2  if (errseq_counter(src) != errseq_counter(sb->s_wb_err))     /* reads O */
    3          WRITE_ONCE(sb->s_wb_err, src & ~ERRSEQ_SEEN);
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)

Only an errseq_set on a word that has SEEN bumps U's counter, and this scheme never sets SEEN
on U: a process syncing a file directly on U must.  Until one does, step 2 compares equal
counters and O keeps its mount value.  When the counter does move, racing copies (steps 1-3
without a lock) can put an older word back in O, and a counter that wraps to O's value
hides the errors in between (S. Dhillon: "exactly enough errors ... wrapping back to the
same value").

One bad interleaving, ``lost`` in ``seed``: P1 opens O; W sets EIO on U (``ctr=0 EIO``);
P1's syncfs reads U, finds its counter 0 equal to O's and copies nothing; the check of O
returns 0::

    replay: copy-counter/none/seed/lost/-/P1,W,W,P1,P1,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import ProgramBuilder
from model.values import INT as _INT
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class CopyCounter(Scheme):
    """Copy ``U & ~SEEN`` into O when the counters differ (S. Dhillon, 2020-11-28)."""

    name = "copy-counter"
    summary = "copy U & ~SEEN into O when errseq_counter(U) != errseq_counter(O)"
    provenance = "S. Dhillon, 2020-11-28, linux-unionfs (seed thread)"

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        kernel.write_once(b, ov.O, Var(ov.U), ov.U)

    def sync_fs(self, call: CallCtx) -> None:
        b, ov, L = call.b, call.ov, call.L
        src = b.local("src", "ovl_sync_fs: U's word read for copying", errseq=True)
        skip = b.label("copy-counter.skip")

        def body() -> None:
            call.region("read-u", lambda: kernel.read_once(b, src, ov.U, "src"))
            same = E.eq(L.counter(E, src), L.counter(E, Var(ov.O)))
            b.step(
                f"read({ov.O})",
                lambda v: f"errseq_counter(src) = {L.counter(_INT, v.pre[src.name])} vs "
                          f"errseq_counter({ov.O} = {v.pre_word(ov.O)}) = "
                          f"{L.counter(_INT, v.pre[ov.O])}"
                          + (": equal, no copy"
                             if L.counter(_INT, v.pre[src.name]) == L.counter(_INT, v.pre[ov.O])
                             else ": copy"),
                assigns={src.name: E.ite(same, ZERO, src)},
                goto=[(same, skip)],
            )
            kernel.write_once(b, ov.O, E.band(src, E.const(L.word_mask & ~L.seen)),
                              "src & ~SEEN", also={src.name: ZERO})
            b.here(skip)

        call.region("body", body)


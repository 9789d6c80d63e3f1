"""``copy-counter``: copy U into O (without SEEN) only when U's counter moved.

S. Dhillon, 2020-12-01, in the seed thread ("This also needs some locking sprinkled on it"):
mount sets ``sb->s_wb_err = READ_ONCE(upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::

    1  src = READ_ONCE(upper_sb->s_wb_err);
    2  if (errseq_counter(src) != errseq_counter(sb->s_wb_err))     /* reads O */
    3          WRITE_ONCE(sb->s_wb_err, src & ~ERRSEQ_SEEN);
    -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)  (1 or 2 steps)

Expected verdicts (hand analysis):

* ``lost`` violated in ``seed``: U's counter moves only when an error lands on a word that
  has SEEN, and no one sets SEEN on U unless an upper syncer does.  The first EIO leaves the
  counter at 0, step 2 compares 0 with 0 and copies nothing: open, W read + cmpxchg, read U,
  read O, check O: 6 steps.
* ``wrap`` violated in ``wrap``: with a 2-bit counter four increments on U bring the counter
  back to the value O holds, and step 2 again copies nothing (S. Dhillon: "exactly enough
  errors occur to result in it wrapping back to the same value, it will break").
* ``double`` / ``backward`` violated without a lock where U's counter moves (an upper syncer):
  a syncer preempted between steps 2 and 3 writes an old ``src`` over a newer O, or re-arms a
  value another file already consumed.  The spinlock closes these; it cannot fix ``lost``.
* ``unseen`` holds where O's copy is unseen; ``deadlock`` holds.
"""

from model import kernel
from model.expr import ZERO, E, Var
from model.ir import ProgramBuilder
from model.values import INT as _INT
from model.variants import CallCtx, OverlayCtx, Scheme, register_scheme


@register_scheme
class CopyCounter(Scheme):
    """Copy ``U & ~SEEN`` into O when the counters differ (S. Dhillon, 2020-12-01)."""

    name = "copy-counter"
    summary = "copy U & ~SEEN into O when errseq_counter(U) != errseq_counter(O)"
    provenance = "S. Dhillon, 2020-12-01, linux-unionfs (seed thread)"

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
                          + (": equal, no copy" if v.post[src.name] == 0 else ": copy"),
                assigns={src.name: E.ite(same, ZERO, src)},
                goto=[(same, skip)],
            )
            kernel.write_once(b, ov.O, E.band(src, E.const(L.word_mask & ~L.seen)),
                              "src & ~SEEN", also={src.name: ZERO})
            b.here(skip)

        call.region("body", body)


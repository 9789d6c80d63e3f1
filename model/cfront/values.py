"""The values the lowering computes with (:class:`Val`), what it knows at one program point
(:class:`Env`), and the encodings of C's signed results over the IR's non-negative words
(:func:`to_sint`, :func:`errno_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from model.expr import ZERO, Const, E, Expr
from model.ir import Label


@dataclass
class Val:
    """A C value: ``kind`` word (an errseq_t), err (a negative errno, held as its magnitude),
    int (a small non-negative int), ptr (a pointer the model places: ``sb``, ``upper_sb``,
    ``ofs``, ``mnt``), addr (``&location``)."""

    kind: str
    expr: Expr | None = None
    ptr: str | None = None
    loc: str | None = None  # addr: the world variable

    @property
    def static(self) -> int | None:
        return self.expr.value if isinstance(self.expr, Const) else None




@dataclass
class Env:
    """What the lowering knows at one program point: pointers, local values, pending
    assignments not yet carried by a step."""

    ptrs: dict[str, str] = field(default_factory=dict)
    vals: dict[str, Val] = field(default_factory=dict)
    pending: dict[str, Expr] = field(default_factory=dict)
    dead: bool = False  # after a return: no path reaches here
    jump: Label | None = None  # the return's jump, emitted only if code follows it
    #: a goto's jump: where the assignments its label's join needs go, once the jump is
    #: emitted (``{"slot": dict}``, filled when the label is placed); shared by copies
    hold: dict | None = None

    def copy(self) -> Env:
        return Env(dict(self.ptrs), dict(self.vals), dict(self.pending), self.dead,
                    self.jump, self.hold)



FALSE_ = Const(0)


def to_sint(v: Val, e: Expr) -> Expr:
    """A value as a signed int, held zigzag: v >= 0 as 2v, -m as 2m - 1 (a helper that
    returns 1, 0 or a negative errno, like ovl_sync_status)."""
    if v.kind == "sint":
        return e
    if v.kind == "err":
        return E.ite(E.eq(e, ZERO), ZERO, E.sub(E.add(e, e), E.const(1)))
    return E.add(e, e)


def errno_of(v: Val, e: Expr) -> Expr:
    """The positive errno a value stands for if it is negative, else 0."""
    if v.kind == "err":
        return e
    if v.kind == "sint":
        return E.ite(E.ne(E.band(e, E.const(1)), ZERO), E.shr(E.add(e, E.const(1)), 1), ZERO)
    return ZERO


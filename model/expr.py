"""Expressions of the protocol IR, and the domain that builds them.

Every guard, assignment, branch condition and monitor update of the IR is an :class:`Expr`
tree over named state variables.  Engines never look inside schemes: the explicit engine
compiles these trees to Python (:func:`to_python`), the SMT engine translates them to z3, the
validator reads which variables they mention (:func:`variables`).

:class:`ExprDomain` implements the ``model.values.Domain`` operations by building trees (with
constant folding), so the errseq arithmetic written over a domain yields IR expressions.

``Var(name)`` is a variable's value in the state the expression is evaluated in: for every part
of a step (guard, assignments, branches, events, monitor updates) the state before the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Const:
    """An integer literal."""

    value: int


@dataclass(frozen=True, slots=True)
class Var:
    """A state variable (shared, local or ghost), by qualified name."""

    name: str


@dataclass(frozen=True, slots=True)
class Op:
    """An operation of the value domain applied to sub-expressions (``k``: a shift amount)."""

    op: str
    args: tuple[Expr, ...]
    k: int = 0


Expr = Const | Var | Op

TRUE = Const(1)
FALSE = Const(0)
ZERO = Const(0)


def _fold(op: str, args: tuple[int, ...], k: int) -> int:
    from model.values import INT

    if op == "shr":
        return INT.shr(args[0], k)
    return getattr(INT, op)(*args)


class ExprDomain:
    """Builds IR expressions; folds operations whose operands are all constants."""

    def _op(self, op: str, *args: Expr, k: int = 0) -> Expr:
        if all(isinstance(a, Const) for a in args):
            return Const(_fold(op, tuple(a.value for a in args), k))  # type: ignore[union-attr]
        return Op(op, args, k)

    def const(self, value: int) -> Expr:
        return Const(value)

    def add(self, a: Expr, b: Expr) -> Expr:
        if b == ZERO:
            return a
        return self._op("add", a, b)

    def sub(self, a: Expr, b: Expr) -> Expr:
        return self._op("sub", a, b)

    def band(self, a: Expr, b: Expr) -> Expr:
        return self._op("band", a, b)

    def bor(self, a: Expr, b: Expr) -> Expr:
        if b == ZERO:
            return a
        if a == ZERO:
            return b
        return self._op("bor", a, b)

    def shr(self, a: Expr, k: int) -> Expr:
        return self._op("shr", a, k=k)

    def eq(self, a: Expr, b: Expr) -> Expr:
        if a == b:
            return TRUE
        return self._op("eq", a, b)

    def ne(self, a: Expr, b: Expr) -> Expr:
        if a == b:
            return FALSE
        return self._op("ne", a, b)

    def lt(self, a: Expr, b: Expr) -> Expr:
        return self._op("lt", a, b)

    def le(self, a: Expr, b: Expr) -> Expr:
        return self._op("le", a, b)

    def ite(self, c: Expr, a: Expr, b: Expr) -> Expr:
        if isinstance(c, Const):
            return a if c.value else b
        if a == b:
            return a
        return Op("ite", (c, a, b))

    def land(self, a: Expr, b: Expr) -> Expr:
        if a == TRUE:
            return b
        if b == TRUE:
            return a
        if FALSE in (a, b):
            return FALSE
        return self._op("land", a, b)

    def lor(self, a: Expr, b: Expr) -> Expr:
        if a == FALSE:
            return b
        if b == FALSE:
            return a
        if TRUE in (a, b):
            return TRUE
        return self._op("lor", a, b)

    def lnot(self, a: Expr) -> Expr:
        return self._op("lnot", a)

    def max(self, a: Expr, b: Expr) -> Expr:
        return self._op("max", a, b)

    def min(self, a: Expr, b: Expr) -> Expr:
        return self._op("min", a, b)


E = ExprDomain()


def subexprs(e: Expr) -> Iterator[Expr]:
    """Every node of ``e``, pre-order."""
    yield e
    if isinstance(e, Op):
        for a in e.args:
            yield from subexprs(a)


def variables(e: Expr) -> set[str]:
    """Names of the variables ``e`` reads."""
    return {n.name for n in subexprs(e) if isinstance(n, Var)}


_PY_BINARY = {
    "add": "+", "sub": "-", "band": "&", "bor": "|",
    "eq": "==", "ne": "!=", "lt": "<", "le": "<=",
}


def to_python(e: Expr, var: Callable[[str], str]) -> str:
    """Python source computing ``e``; ``var`` maps a variable name to source text.

    Comparisons yield bools, which Python treats as 0/1 ints, matching the domain contract.
    """

    def go(n: Expr) -> str:
        if isinstance(n, Const):
            return repr(n.value)
        if isinstance(n, Var):
            return var(n.name)
        a = [go(x) for x in n.args]
        if n.op in _PY_BINARY:
            return f"({a[0]} {_PY_BINARY[n.op]} {a[1]})"
        if n.op == "shr":
            return f"({a[0]} >> {n.k})"
        if n.op == "ite":
            return f"({a[1]} if {a[0]} else {a[2]})"
        if n.op == "land":
            return f"({a[0]} and {a[1]})"
        if n.op == "lor":
            return f"({a[0]} or {a[1]})"
        if n.op == "lnot":
            return f"(not {a[0]})"
        if n.op in ("max", "min"):
            return f"{n.op}({a[0]}, {a[1]})"
        raise ValueError(f"unknown operation {n.op!r}")

    return go(e)


def evaluate(e: Expr, env: Mapping[str, int]) -> int:
    """Evaluate ``e`` on concrete values (slow; the interpreter's reference semantics)."""
    from model.values import INT

    def go(n: Expr) -> int:
        if isinstance(n, Const):
            return n.value
        if isinstance(n, Var):
            return env[n.name]
        args = [go(x) for x in n.args]
        if n.op == "shr":
            return INT.shr(args[0], n.k)
        return int(getattr(INT, n.op)(*args))

    return go(e)

"""Value domains: the tiny arithmetic API that errseq and the protocol are written over.

The errseq bit arithmetic (``model/errseq.py``) and every atomic step of the protocol are written
once, against the operations of a *domain*.  Three domains implement them:

* :class:`IntDomain` computes on Python ints (the explicit interpreter, the public errseq API);
* :class:`model.expr.ExprDomain` builds expression trees (the protocol IR, which the explicit
  engine compiles to Python and the SMT engine translates to z3);
* the z3 domain of the SMT engine (in ``checks/``; z3 is imported nowhere else).

All values are unsigned integers; booleans are 0/1.  Operations never wrap on their own: code
that models a fixed-width word masks explicitly (``band(x, mask)``), exactly as the kernel's
``u32`` arithmetic is modelled by masking to the layout's width.
"""

from __future__ import annotations

from typing import Any, Protocol


class Domain(Protocol):
    """The operations a value domain offers.  ``V`` values, ``B`` booleans (0/1 ints)."""

    def const(self, value: int) -> Any: ...
    def add(self, a: Any, b: Any) -> Any: ...
    def sub(self, a: Any, b: Any) -> Any: ...
    def band(self, a: Any, b: Any) -> Any: ...
    def bor(self, a: Any, b: Any) -> Any: ...
    def shr(self, a: Any, k: int) -> Any: ...
    def eq(self, a: Any, b: Any) -> Any: ...
    def ne(self, a: Any, b: Any) -> Any: ...
    def lt(self, a: Any, b: Any) -> Any: ...
    def le(self, a: Any, b: Any) -> Any: ...
    def ite(self, c: Any, a: Any, b: Any) -> Any: ...
    def land(self, a: Any, b: Any) -> Any: ...
    def lor(self, a: Any, b: Any) -> Any: ...
    def lnot(self, a: Any) -> Any: ...
    def max(self, a: Any, b: Any) -> Any: ...
    def min(self, a: Any, b: Any) -> Any: ...


class IntDomain:
    """Concrete evaluation on Python ints: what the kernel computes, one value at a time."""

    def const(self, value: int) -> int:
        return value

    def add(self, a: int, b: int) -> int:
        return a + b

    def sub(self, a: int, b: int) -> int:
        return a - b

    def band(self, a: int, b: int) -> int:
        return a & b

    def bor(self, a: int, b: int) -> int:
        return a | b

    def shr(self, a: int, k: int) -> int:
        return a >> k

    def eq(self, a: int, b: int) -> int:
        return int(a == b)

    def ne(self, a: int, b: int) -> int:
        return int(a != b)

    def lt(self, a: int, b: int) -> int:
        return int(a < b)

    def le(self, a: int, b: int) -> int:
        return int(a <= b)

    def ite(self, c: int, a: int, b: int) -> int:
        return a if c else b

    def land(self, a: int, b: int) -> int:
        return int(bool(a) and bool(b))

    def lor(self, a: int, b: int) -> int:
        return int(bool(a) or bool(b))

    def lnot(self, a: int) -> int:
        return int(not a)

    def max(self, a: int, b: int) -> int:
        return a if a >= b else b

    def min(self, a: int, b: int) -> int:
        return a if a <= b else b


INT = IntDomain()

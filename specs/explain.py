"""How a broken promise is told in words: the history of a replay and one sentence per
property, naming the steps that matter ("error #1 (step 3) was already reported to fd2 at
step 7").

The replay (``checks.replay``) keeps a :class:`History` as it re-executes a schedule and, at
the step that violates the property, hands a :class:`Violation` to the property's
``explain`` (``specs.properties.PROPERTIES``).  Nothing here runs a search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from model.errseq import errno_name
from model.expr import evaluate
from model.ir import Step, World, enabled


@dataclass
class History:
    """What happened so far in a replay, in trace terms."""

    G: int = 0
    errors: dict[int, int] = field(default_factory=dict)  # generation -> step completing it
    opened: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (step, G then)
    begun: dict[str, tuple[int, int]] = field(default_factory=dict)  # actor -> (step, G) of
    # its open call
    calls: dict[str, str] = field(default_factory=dict)  # actor -> file of its open call
    #: file -> (step, actor, errno, G then) of each error returned to it
    reports: dict[str, list[tuple[int, str, int, int]]] = field(default_factory=dict)

    def err(self, n: int) -> str:
        s = self.errors.get(n)
        return f"error #{n}" + (f" (step {s})" if s else "")


@dataclass(frozen=True)
class Violation:
    """The step (or final state) that breaks a property, with what led to it.

    ``env`` is the state before ``step`` (for a property of states: the final state, and
    ``step`` is None).  ``file``, ``actor`` and ``ret`` name the syncfs call that returns at
    this step, when one does.
    """

    world: World
    history: History
    index: int
    env: Mapping[str, int]
    step: Step | None = None
    file: str | None = None
    actor: str | None = None
    ret: int | None = None


def _opened(v: Violation) -> tuple[str, int]:
    assert v.file is not None
    o_step, o_G = v.history.opened.get(v.file, (0, 0))
    return (f"opened at step {o_step}" if o_step else "opened before the first step"), o_G


def explain_lost(v: Violation, wrapped: bool = False) -> str:
    """``lost`` (and ``wrap``): the call returned 0 though an error it owed had completed."""
    name = "wrap" if wrapped else "lost"
    if v.file is None or v.actor is None:
        return name
    h, f = v.history, v.file
    opened, _ = _opened(v)
    b_step, b_G = h.begun.get(v.actor, (v.index, h.G))
    why = "; the errseq counter wrapped back to a value already seen" if wrapped else ""
    return (f"{name} — {f}'s syncfs (begun at step {b_step}) returned 0, but {h.err(b_G)} "
            f"completed after {f} was {opened} and before the call began, and {f} was "
            f"never told of it{why}")


def explain_wrap(v: Violation) -> str:
    return explain_lost(v, wrapped=True)


def explain_double(v: Violation) -> str:
    """``double``: the call returned an error nothing new could have caused."""
    if v.file is None or v.ret is None:
        return "double"
    h, f = v.history, v.file
    layer = v.world.file(f).layer
    opened, _ = _opened(v)
    earlier = [r for r in h.reports.get(f, []) if r[0] < v.index]
    if earlier:
        r_step, r_actor, _, r_G = earlier[-1]
        return (f"double — {f} is told -{errno_name(v.ret)} again: {h.err(r_G)} was already "
                f"reported to it at step {r_step} ({r_actor}), and no newer error completed")
    return (f"double — {f} is told -{errno_name(v.ret)}, but every error up to #{h.G} had "
            f"been reported on {layer} before {f} was {opened}")


def explain_unseen(v: Violation) -> str:
    """``unseen``: a late opener's first syncfs did not report an error nobody consumed."""
    if v.file is None:
        return "unseen"
    layer = v.world.file(v.file).layer
    opened, o_G = _opened(v)
    return (f"unseen — {v.file} was {opened}, after {v.history.err(o_G)} which no file on "
            f"{layer} had consumed, and its first syncfs returned 0")


def explain_backward(v: Violation) -> str:
    """``backward``: the write that re-arms O or puts an older value back."""
    st, L = v.step, v.world.layout
    if st is None:
        return "backward"
    for o in v.world.overlays:
        if o in st.writes:
            new = evaluate(dict(st.assigns)[o], v.env)
            old = v.env[o]
            if old & L.seen and not new & L.seen and (old & ~L.flags) == (new & ~L.flags):
                return (f"backward — {o} goes from {L.format(old)} to {L.format(new)}: an error "
                        "already reported is re-armed")
            return (f"backward — {o} goes from {L.format(old)} back to {L.format(new)}, a "
                    "value it held before")
    return "backward"


def explain_deadlock(v: Violation) -> str:
    """``deadlock``: who is blocked in the final state."""
    blocked = [a.name for a in v.world.actors
               if v.env[a.pc_var] < a.done and not enabled(a.steps[v.env[a.pc_var]], v.env)]
    return f"deadlock — {', '.join(blocked)} are all blocked"

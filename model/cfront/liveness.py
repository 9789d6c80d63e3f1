"""Dead C locals: after the world is built, :meth:`CScheme.finish_actor` zeroes every C
local at the step after which it is dead (liveness over the step graph), so that states
differing only in dead values are one state, as the Python schemes do by hand."""

from __future__ import annotations

import dataclasses

from model.expr import ZERO, Const, E, Expr, Op, Var, variables
from model.ir import Actor


def clear_dead(actor: Actor, names: set[str]) -> Actor:
    """``actor`` with each variable of ``names`` set to 0 by every step after which it is
    dead on the path taken (liveness over the step graph)."""
    steps = actor.steps
    n = len(steps)
    reads: list[set[str]] = []
    for s in steps:
        r = set(s.reads)
        for ev in s.events:
            for _, v in ev.args:
                if isinstance(v, (Var, Op, Const)):
                    r |= variables(v)
        reads.append(r & names)
    writes = [set(s.writes) & names for s in steps]
    live_in: list[set[str]] = [set() for _ in range(n + 1)]
    changed = True
    while changed:
        changed = False
        for i in range(n - 1, -1, -1):
            out: set[str] = set()
            for _, t in steps[i].goto:
                out |= live_in[t] if t < n else set()
            new = reads[i] | (out - writes[i])
            if new != live_in[i]:
                live_in[i], changed = new, True
    new_steps = []
    for i, s in enumerate(steps):
        assigns = dict(s.assigns)
        for v in names:
            if v not in live_in[i] and v not in writes[i]:
                continue
            val = assigns.get(v, Var(v))
            targets = [(c, t < n and v in live_in[t]) for c, t in s.goto]
            if all(keep for _, keep in targets):
                continue
            if not any(keep for _, keep in targets):
                assigns[v] = ZERO
                continue
            e: Expr = val if targets[-1][1] else ZERO
            for c, keep in reversed(targets[:-1]):
                e = E.ite(c, val if keep else ZERO, e)
            assigns[v] = e
        new_steps.append(dataclasses.replace(s, assigns=tuple(sorted(assigns.items()))))
    return Actor(actor.name, actor.role, actor.doc, tuple(new_steps))

"""Dead values reset: a value no later step can read is not kept apart in the state.

Two states that differ only in a value nobody will read again behave the same from there on
(every guard, right-hand side, branch and violation condition that can still run reads the
same values), yet a search stores both.  SPIN models avoid it by zeroing dead registers by
hand; here a live-variable analysis over the instrumented IR does it for every scheme,
discipline and property, and both back ends (``checks.stepcode``, ``checks.native``)
search the rewritten world.

First, a value that can never influence a guard, a branch or a violation condition, however
many steps later, is not kept at all: the *cone of influence* is the least set of variables
holding what those read and closed under "the right-hand side of an assignment to a variable
in the cone reads it"; an assignment to a variable outside the cone is dropped, so it keeps
its initial value for ever (a monitor's ghost that only another property reads, say).

Then the variables that the steps of one actor alone read or write (its locals, the cursor
of a file only it holds, its monitors' ghosts) are reset after their last read.  Only that
actor moves its pc, so the classic backward analysis over its step graph is exact for them:

    live_in(p) = reads(p) ∪ (⋃_{t ∈ targets(p)} live_in(t) − writes(p)),  live_in(done) = ∅

where ``reads(p)`` covers the guard, the assignments' right-hand sides, the branch conditions
and the violation condition (``specs.properties.violation_of``).  A step that moves to a
target where ``v`` is dead assigns ``v`` its initial value on that branch.

Why nothing a search reports changes.  Let ``r(s)`` be ``s`` with every variable outside the
cone, and every owned variable dead at its actor's pc, replaced by its initial value.

* ``r(init)`` is the rewritten world's initial state: a variable dead at pc 0 holds its
  initial value there, and one outside the cone is never assigned.
* If a step leads from ``s`` to ``s'``, the rewritten step leads from ``r(s)`` to ``r(s')``,
  with the same guard and violation values: it reads only cone variables that are live at
  the pc, which ``r`` keeps; its results differ only in variables dead at the new pc or
  outside the cone, which the rewrite sets as ``r`` does.  Steps of other actors neither
  read nor write an owned variable, and do not move its actor's pc.

So ``r`` is a functional bisimulation that preserves enabledness and violations: the same
schedules are enabled from ``init`` in both worlds, the same steps violate at the same
depths, and the search stores at most as many states.  Every shortest counterexample of one
world is one of the other; schedules are replayed in the world as built
(``ResolvedCheck.world``), whose traces show every value.  Symmetric actors get the same
rewrite (their programs are the same once renamed), so symmetry is unaffected.
:func:`representative` is ``r``; ``tests/test_deadreset.py`` checks the second point on every
reachable state of a few dozen worlds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from model.expr import E, Expr, Var, variables
from model.ir import PC, Actor, Step, World
from specs.properties import violation_of


def step_reads(st: Step) -> frozenset[str]:
    """Everything a search evaluates when it runs ``st``: guard, values, branch conditions
    and the violation condition (other event arguments are for traces and monitors, which
    have already been compiled into ghost assignments)."""
    return st.reads | variables(violation_of(st))


def owned_variables(world: World) -> dict[str, str]:
    """Variable -> the one actor whose steps read or write it (pcs excluded)."""
    users: dict[str, set[str]] = {}
    for a in world.actors:
        for st in a.steps:
            for n in step_reads(st) | st.writes:
                users.setdefault(n, set()).add(a.name)
    kinds = {v.name: v.kind for v in world.variables}
    return {n: next(iter(u)) for n, u in users.items()
            if len(u) == 1 and kinds.get(n) != PC}


def live_in(actor: Actor, names: frozenset[str]) -> list[frozenset[str]]:
    """Per pc (``done`` included, with nothing live): the variables of ``names`` that some
    path from that pc may read before writing them."""
    steps, n = actor.steps, len(actor.steps)
    reads = [step_reads(s) & names for s in steps]
    writes = [s.writes & names for s in steps]
    live: list[frozenset[str]] = [frozenset()] * (n + 1)
    changed = True
    while changed:
        changed = False
        for i in range(n - 1, -1, -1):
            out: set[str] = set()
            for _, t in steps[i].goto:
                out |= live[t]
            new = frozenset(reads[i] | (out - writes[i]))
            if new != live[i]:
                live[i], changed = new, True
    return live


def cone_of_influence(world: World) -> frozenset[str]:
    """The variables whose values can reach a guard, a branch or a violation condition."""
    cone: set[str] = {v.name for v in world.variables if v.kind == PC}
    feeds: dict[str, set[str]] = {}
    for a in world.actors:
        for st in a.steps:
            cone |= variables(st.guard) | variables(violation_of(st))
            for c, _ in st.goto:
                cone |= variables(c)
            for name, e in st.assigns:
                feeds.setdefault(name, set()).update(variables(e))
    todo = list(cone)
    while todo:
        for n in feeds.get(todo.pop(), ()):
            if n not in cone:
                cone.add(n)
                todo.append(n)
    return frozenset(cone)


def _drop_outside(actor: Actor, cone: frozenset[str]) -> Actor:
    steps = tuple(dataclasses.replace(s, assigns=tuple((n, e) for n, e in s.assigns if n in cone))
                  for s in actor.steps)
    return Actor(actor.name, actor.role, actor.doc, steps)


def _reset_actor(actor: Actor, names: frozenset[str], init: dict[str, int]) -> Actor:
    live = live_in(actor, names)
    steps = []
    for i, s in enumerate(actor.steps):
        assigns = dict(s.assigns)
        for v in sorted(names):
            if v not in live[i] and v not in s.writes:
                continue  # dead here already, so it holds its initial value
            keep = [v in live[t] for _, t in s.goto]
            if all(keep):
                continue
            val, zero = assigns.get(v, Var(v)), E.const(init[v])
            if not any(keep):
                assigns[v] = zero
                continue
            e: Expr = val if keep[-1] else zero
            for (c, _), k in zip(reversed(s.goto[:-1]), reversed(keep[:-1]), strict=True):
                e = E.ite(c, val if k else zero, e)
            assigns[v] = e
        steps.append(dataclasses.replace(s, assigns=tuple(sorted(assigns.items()))))
    return Actor(actor.name, actor.role, actor.doc, tuple(steps))


def reset_dead(world: World) -> World:
    """``world`` with no assignment outside the cone of influence, and every owned variable
    reset to its initial value by each step after which it is dead on the branch taken (see
    the module docstring for why verdicts, shortest lengths and schedules are unchanged)."""
    cone = cone_of_influence(world)
    world = dataclasses.replace(world, actors=tuple(_drop_outside(a, cone)
                                                    for a in world.actors))
    owner = owned_variables(world)
    init = dict(zip(world.names, world.initial_state(), strict=True))
    actors = []
    for a in world.actors:
        names = frozenset(n for n, o in owner.items() if o == a.name)
        actors.append(_reset_actor(a, names, init) if names else a)
    return dataclasses.replace(world, actors=tuple(actors))


def representative(world: World) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    """The map ``r`` of the module docstring on state tuples of ``world`` (the world as
    built, before :func:`reset_dead`): the state of the rewritten world that stands for it.
    The tests check on every reachable state that ``reset_dead(world)`` steps from ``r(s)``
    to ``r(s')`` for each step from ``s`` to ``s'`` (and with the same violations)."""
    cone = cone_of_influence(world)
    names = world.names
    init = world.initial_state()
    pruned = dataclasses.replace(world, actors=tuple(_drop_outside(a, cone)
                                                     for a in world.actors))
    owner = owned_variables(pruned)
    slot = {n: i for i, n in enumerate(names)}
    outside = [i for i, n in enumerate(names) if n not in cone]
    per_actor = []
    for a in pruned.actors:
        mine = frozenset(n for n, o in owner.items() if o == a.name)
        live = live_in(a, mine)
        per_actor.append((slot[a.pc_var],
                          [[slot[n] for n in sorted(mine - lv)] for lv in live]))

    def r(s: tuple[int, ...]) -> tuple[int, ...]:
        t = list(s)
        for i in outside:
            t[i] = init[i]
        for pc_slot, dead in per_actor:
            for i in dead[s[pc_slot]]:
                t[i] = init[i]
        return tuple(t)

    return r

"""A proof of ``holds`` for the SMT engine: the reachable states as an inductive invariant.

Bounded model checking proves a ``holds`` only by unrolling to the longest execution, and
k-induction from an arbitrary state rarely succeeds on these worlds (an arbitrary state can
hold a word no execution writes).  Where the reachable states can be listed, the engine
proves them an inductive invariant instead, and asks z3, not the list, every question:

* **candidates**: the states reached from the initial state by every step (a violating one
  included), listed by the compiled step functions (``checks.stepcode``);
* **initiation**: z3 lists the initial states of the world's *symbolic* initial condition
  (``_Unrolling.initial``: with ``--upper-at-mount any`` every word U can hold at mount,
  with the mount code run symbolically), each excluded before the next is asked for, until
  there is none; the candidates are what those reach;
* **consecution**: for every step of every actor, z3 is asked for a state of the set where
  the step is enabled whose successor (the step's z3 encoding, ``checks.smt._fire``) is
  outside the set.  There is none, or the two encodings of the step disagree, which is a
  bug and is raised (:class:`EncodingMismatch`), never papered over;
* **the property**: z3 is asked for a state of the set with a violating step (a property
  of states: a deadlock).  None: ``holds``, for every execution of any length.  One: the
  set is reachable, so the property is violated, and BMC finds the shortest trace.

A set is encoded per control point (every actor's pc): the other variables are packed, each
in the bits its listed values need, into one bit-vector compared against the packed values
listed at that control point.  The listing stops at ``MAX_STATES`` states and at
``MAX_INITIAL_STATES`` initial states (a symbolic mount: U's errno is any of 1..4095, so
there are thousands); the engine then goes on without an invariant.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import z3

from checks.smt import Z3Domain, _fire, _Unrolling, _width, translate
from checks.stepcode import compile_world, successor_function
from model.ir import World

#: listing more reachable states than this gives up the invariant (the SMT engine goes on
#: with bounded model checking alone): the proof costs ~1 ms per state (7,500 states: 7 s),
#: so a bigger set would cost more than the BMC it saves on the catalogue's worlds
MAX_STATES = 20_000
#: initial states z3 may list (a symbolic mount has several) before the proof gives up:
#: ``--upper-at-mount any`` leaves U's errno any of 1..4095, so thousands even at 2 bits
MAX_INITIAL_STATES = 64


class EncodingMismatch(RuntimeError):
    """A step's z3 encoding and its compiled Python function give different successors."""


@dataclass
class ReachableInvariant:
    """The reachable states of a world (or of the ``wrap`` product: the world, its twin
    and whether the twin is still alive, as ``checks.stepcode.successor_function`` lists
    them), and their encoding on symbolic states.  ``names``: one per slot."""

    names: tuple[str, ...]
    states: set[tuple[int, ...]]
    pcs: tuple[int, ...]  # the slots of the actors' pcs (the world's first)
    data: tuple[int, ...]  # every other slot
    bits: tuple[int, ...]  # bits per data slot
    by_point: dict[tuple[int, ...], set[int]]  # control point -> packed data values
    violating: bool  # some listed state has a violating step
    seconds: float = 0.0
    initial_states: int = 1  # z3 listed them (a symbolic mount: several)
    proved: bool = False  # z3 proved initiation and consecution

    @classmethod
    def of(cls, names: tuple[str, ...], pcs: tuple[int, ...], states: set[tuple[int, ...]],
           violating: bool) -> ReachableInvariant:
        data = tuple(i for i in range(len(names)) if i not in pcs)
        bits = tuple(max(1, max(s[i] for s in states).bit_length()) for i in data)
        by_point: dict[tuple[int, ...], set[int]] = {}
        for s in states:
            x = 0
            for i, b in zip(data, bits, strict=True):
                x = (x << b) | s[i]
            by_point.setdefault(tuple(s[i] for i in pcs), set()).add(x)
        return cls(names, states, pcs, data, bits, by_point, violating)

    def member(self, env: dict[str, Any], D: Z3Domain,
               points: list[tuple[int, ...]] | None = None) -> Any:
        """State ``env`` (terms of the world's width) is one of the listed states (at one
        of ``points``, default every control point)."""
        names = self.names
        parts, high = [], []
        for i, b in zip(self.data, self.bits, strict=True):
            parts.append(z3.Extract(b - 1, 0, env[names[i]]))
            if b < D.width:
                high.append(z3.Extract(D.width - 1, b, env[names[i]]) == 0)
        packed = z3.Concat(parts) if len(parts) > 1 else parts[0]
        width = packed.size()
        ors = []
        for point in self.by_point if points is None else points:
            at = [env[names[i]] == D.const(v) for i, v in zip(self.pcs, point, strict=True)]
            values = z3.Or([packed == z3.BitVecVal(x, width) for x in self.by_point[point]])
            ors.append(z3.And(*at, values))
        return z3.And(*high, z3.Or(ors)) if ors else z3.BoolVal(False)

    def summary(self) -> str:
        return (f"the {len(self.states):,} reachable states ({len(self.by_point):,} control "
                "points) form an inductive invariant (z3: every initial state is one, every "
                "step keeps them)")


def _close(world: World, twin: World | None, start: list[tuple[int, ...]],
           states: set[tuple[int, ...]], limit: int, seen: list[bool] | None = None
           ) -> bool | None:
    """Add to ``states`` everything reachable from ``start`` by any step; True if some step
    on the way violates, None when more than ``limit`` states were listed (``seen[0]``
    then tells whether a violating step was met before the limit)."""
    succ = successor_function(compile_world(world),
                              compile_world(twin) if twin is not None else None)
    violating = False
    frontier = [s for s in start if s not in states]
    states.update(frontier)
    while frontier:
        nxt = []
        for s in frontier:
            for _, t, bad in succ(s)[0]:
                violating |= bad
                if t not in states:
                    states.add(t)
                    nxt.append(t)
        if len(states) > limit:
            if seen is not None:
                seen[0] = violating
            return None
        frontier = nxt
    return violating


#: the twin's variables in a product state are named with this prefix, then ``ALIVE``
TWIN = "twin:"
ALIVE = "twin:alive"


class _System:
    """The transition system an invariant is proved for: ``world``, or the ``wrap``
    product of ``world`` and ``twin``, one z3 encoding per step of the world's actors."""

    def __init__(self, world: World, twin: World | None):
        self.world, self.twin = world, twin
        self.names = world.names
        pcs = [world.names.index(a.pc_var) for a in world.actors]
        widths = [_width(world)]
        if twin is not None:
            self.names += tuple(TWIN + n for n in twin.names) + (ALIVE,)
            pcs += [len(world.names) + twin.names.index(a.pc_var) for a in twin.actors]
            widths.append(_width(twin))
        self.pcs = tuple(pcs)
        self.D = Z3Domain(max(widths))

    def symbolic(self, tag: str) -> dict[str, Any]:
        return {n: z3.BitVec(f"{tag}.{n}", self.D.width) for n in self.names}

    def fire(self, ai: int, st: Any, env: dict[str, Any]) -> tuple[Any, dict[str, Any], Any]:
        """Step ``st`` of actor ``ai`` on ``env``: when it fires, the state after it, and
        whether it violates.  In the product the twin's actor takes its step at its own
        pc in lockstep (``checks.stepcode.successor_function``): blocked or finished, the
        twin dies (its slots 0); a transition on which it loses an error is not one."""
        D = self.D
        guard, nxt, bad = _fire(st, env, D)
        if self.twin is None:
            return guard, nxt, bad
        tenv = {n: env[TWIN + n] for n in self.twin.names}
        actor = self.twin.actors[ai]
        tpc = tenv[actor.pc_var]
        moved, tbad = [], []
        tnext = {n: D.const(0) for n in self.twin.names}
        for tst in reversed(actor.steps):
            g, n1, b = _fire(tst, tenv, D)
            fires = z3.And(tpc == D.const(tst.pc), g)
            moved.append(fires)
            tbad.append(z3.And(fires, b))
            tnext = {n: z3.If(fires, n1[n], tnext[n]) for n in tnext}
        alive = z3.And(env[ALIVE] != D.const(0), z3.Or(moved) if moved else z3.BoolVal(False))
        lost = z3.And(alive, z3.Or(tbad) if tbad else z3.BoolVal(False))
        for n in self.twin.names:
            nxt[TWIN + n] = z3.If(alive, tnext[n], D.const(0))
        nxt[ALIVE] = z3.If(alive, D.const(1), D.const(0))
        return z3.And(guard, z3.Not(lost)), nxt, bad

    def steps(self) -> list[tuple[int, Any]]:
        return [(ai, st) for ai, a in enumerate(self.world.actors) for st in a.steps]


def _initial_states(world: World, limit: int) -> tuple[list[tuple[int, ...]] | None, str]:
    """Every initial state of ``world``'s symbolic initial condition (``_Unrolling.initial``:
    with ``--upper-at-mount any``, every word U can hold at mount, the mount code run
    symbolically), found by z3 one at a time, each excluded before the next is asked for;
    the last query's ``unsat`` proves the list complete.  None and why past ``limit``."""
    u = _Unrolling(world, "inv.", [])
    solver = z3.SolverFor("QF_BV")
    solver.add(*u.initial())
    frame = [u.frames[0][n] for n in world.names]
    starts: list[tuple[int, ...]] = []
    while True:
        r = solver.check()
        if r == z3.unsat:
            return starts, ""
        if r != z3.sat:
            return None, "initial states: " + solver.reason_unknown()
        if len(starts) == limit:
            return None, f"more than {limit} initial states (a symbolic mount)"
        m = solver.model()
        values = [m.eval(v, model_completion=True) for v in frame]
        starts.append(tuple(v.as_long() for v in values))
        solver.add(z3.Or([v != x for v, x in zip(frame, values, strict=True)]))


def prove(world: World, twin: World | None = None, max_seconds: float | None = None,
          max_states: int | None = None, stop_at_violation: bool = False
          ) -> tuple[ReachableInvariant | None, str]:
    """The reachable states of ``world`` (with ``twin``: of the ``wrap`` product) as a
    z3-proved inductive invariant, or None and why not (too many states, too many initial
    states, out of time).  ``stop_at_violation``: when a listed state has a violating step,
    return the set unproved (``proved`` False): the caller wants the shortest trace, which
    bounded model checking finds and the interpreter replays, not a proof."""
    t0 = time.perf_counter()
    max_states = MAX_STATES if max_states is None else max_states

    def late() -> bool:
        return max_seconds is not None and time.perf_counter() - t0 > max_seconds

    system = _System(world, twin)
    states: set[tuple[int, ...]] = set()
    if twin is not None:
        if world.upper_any or world.errno_vars:
            return None, "the wrap twin's initial states are not listed for a symbolic mount"
        seen = [False]
        found = _close(world, twin, [world.initial_state() + twin.initial_state() + (1,)],
                       states, max_states, seen)
        if found is None and seen[0] and stop_at_violation:
            return (ReachableInvariant.of(system.names, system.pcs, states, True),
                    f"a state among the first {max_states:,} reachable has a violating step")
        if found is None:
            return None, f"more than {max_states:,} reachable states"
        inv = ReachableInvariant.of(system.names, system.pcs, states, found)
    else:
        starts, why = _initial_states(world, MAX_INITIAL_STATES)
        if starts is None:
            return None, why
        if not (world.upper_any or world.errno_vars) and starts != [world.initial_state()]:
            raise EncodingMismatch(f"z3's initial states {starts} are not the world's "
                                   f"{world.initial_state()}")
        seen = [False]
        found = _close(world, None, starts, states, max_states, seen)
        if found is None and seen[0] and stop_at_violation:
            # every listed state is reachable (from z3's initial states, by the compiled
            # steps): the violation is known, though the set was not listed to its end
            inv = ReachableInvariant.of(system.names, system.pcs, states, True)
            return inv, (f"a state among the first {max_states:,} reachable has a "
                         "violating step")
        if found is None:
            return None, f"more than {max_states:,} reachable states"
        inv = ReachableInvariant.of(system.names, system.pcs, states, found)
        inv.initial_states = len(starts)
    if stop_at_violation and inv.violating:
        return inv, "a listed state has a violating step"
    if late():
        return None, "time limit reached listing the reachable states"
    deadline = None if max_seconds is None else t0 + max_seconds
    if not _consecution(system, inv, deadline):
        return None, "time limit reached proving the invariant"
    inv.seconds = time.perf_counter() - t0
    inv.proved = True
    return inv, inv.summary()


def _consecution(system: _System, inv: ReachableInvariant, deadline: float | None) -> bool:
    """Every step keeps the set (z3), one query per step; raise on a step that does not.
    False when the clock passed ``deadline`` (seconds of ``time.perf_counter``) first."""
    D, names = system.D, system.names
    env = system.symbolic("c")
    points = list(inv.by_point)
    n_actors = len(system.world.actors)
    for ai, st in system.steps():
        src = [p for p in points if p[ai] == st.pc]
        if not src:
            continue
        targets = {t for _, t in st.goto}
        # the other actors' pcs stay (the twin's may all drop to 0: they are not compared)
        others = {p[:ai] + p[ai + 1:n_actors] for p in src}
        dst = [p for p in points if p[ai] in targets and p[:ai] + p[ai + 1:n_actors] in others]
        guard, nxt, _ = system.fire(ai, st, env)
        solver = z3.SolverFor("QF_BV")  # fresh: faster here than push/pop (5.8 s v 8.9 s)
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            solver.set("timeout", max(1, int(left * 1000)))
        solver.add(inv.member(env, D, src), guard, z3.Not(inv.member(nxt, D, dst)))
        r = solver.check()
        if r == z3.unknown:
            return False
        if r == z3.sat:
            m = solver.model()
            s = tuple(m.eval(env[n], model_completion=True).as_long() for n in names)
            t = tuple(m.eval(nxt[n], model_completion=True).as_long() for n in names)
            raise EncodingMismatch(f"{system.world.actors[ai].name} step {st.pc} ({st.name}) "
                                   f"leaves the reachable states: from {s} z3's encoding "
                                   f"reaches {t}")
    return True


def stuck(world: World, env: dict[str, Any], D: Z3Domain) -> list[Any]:
    """State ``env`` is a deadlock: no step of any actor is enabled and some actor has not
    finished (the ``deadlock`` property's violating states)."""
    enabled, unfinished = [], []
    for a in world.actors:
        pc = env[a.pc_var]
        unfinished.append(z3.ULT(pc, D.const(a.done)))
        for st in a.steps:
            enabled.append(z3.And(pc == D.const(st.pc), D.bool(translate(st.guard, D, env))))
    return [z3.Not(z3.Or(enabled)), z3.Or(unfinished)]


def violation_outside(world: World, twin: World | None, inv: ReachableInvariant,
                      on_states: bool) -> Any:
    """z3's answer to "is there a listed state with a violating step" (for a property of
    states: a listed state that is a deadlock): ``unsat`` proves the property."""
    system = _System(world, twin)
    D = system.D
    env = system.symbolic("p")
    solver = z3.SolverFor("QF_BV")
    solver.add(inv.member(env, D))
    if on_states:
        return solver.check(*stuck(world, env, D))
    bad = []
    for ai, st in system.steps():
        guard, _, violates = system.fire(ai, st, env)
        bad.append(z3.And(env[world.actors[ai].pc_var] == D.const(st.pc), guard, violates))
    return solver.check(z3.Or(bad))

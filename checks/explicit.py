"""Explicit-state engine: breadth-first search of every interleaving.

The instrumented world (``specs.properties``) is compiled once to Python: one function per
atomic step that maps a state tuple to its successor and says whether the step violates the
property.  The search is breadth-first, level by level, so the first violation found is at the
smallest depth: every counterexample is a shortest one.  It returns the schedule (the actor of
each step); ``checks.replay`` re-runs it through the reference interpreter before anyone sees
it.

``wrap`` runs the world and a *twin* in lockstep: the same world with a counter too wide to
wrap, driven by the same schedule.  A ``lost`` violation of the world is a ``wrap`` violation
when the twin, under the same interleaving, has not lost an error (or could not follow the
interleaving at all, its control flow having diverged).  Paths on which the twin loses an
error first are pruned: no wrap violation can follow on them.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

from model.expr import TRUE, to_python
from model.ir import World
from specs.properties import violation_of
from specs.results import Stats, Verdict

StepFn = Callable[[tuple[int, ...]], "tuple[tuple[int, ...], bool] | None"]


@dataclass(frozen=True)
class Limits:
    """When to give up with ``unknown`` (None: no limit)."""

    max_states: int | None = None
    max_seconds: float | None = None
    max_mib: float | None = None  # resident memory of the whole process, in MiB


#: how many new states between two looks at the process's memory (reading it costs a syscall)
MEMORY_CHECK_EVERY = 2048


@dataclass(frozen=True)
class Outcome:
    """What a search found: a verdict, the violating schedule, the reason, the cost."""

    verdict: Verdict
    schedule: tuple[str, ...] | None
    reason: str
    stats: Stats


@dataclass(frozen=True)
class CompiledWorld:
    """A world as state tuples and step functions: ``steps[actor][pc](state)``."""

    world: World
    slots: dict[str, int]
    pc_slots: tuple[int, ...]
    steps: tuple[tuple[StepFn, ...], ...]
    initial: tuple[int, ...]


def compile_world(world: World) -> CompiledWorld:
    """Compile every step of ``world`` (already instrumented) to a Python function."""
    slots = {name: i for i, name in enumerate(world.names)}

    def var(name: str) -> str:
        return f"s[{slots[name]}]"

    actors = []
    for a in world.actors:
        fns = []
        pc_slot = slots[a.pc_var]
        for st in a.steps:
            lines = ["def step(s):"]
            if st.guard != TRUE:
                lines.append(f"    if not {to_python(st.guard, var)}: return None")
            for i, (_, e) in enumerate(st.assigns):
                lines.append(f"    v{i} = {to_python(e, var)}")
            target = str(st.goto[-1][1])
            for cond, t in reversed(st.goto[:-1]):
                target = f"({t} if {to_python(cond, var)} else {target})"
            lines.append(f"    pc = {target}")
            lines.append(f"    bad = bool({to_python(violation_of(st), var)})")
            lines.append("    t = list(s)")
            for i, (name, _) in enumerate(st.assigns):
                lines.append(f"    t[{slots[name]}] = int(v{i})")
            lines.append(f"    t[{pc_slot}] = pc")
            lines.append("    return tuple(t), bad")
            src = "\n".join(lines)
            ns: dict[str, object] = {}
            exec(compile(src, f"<{a.name}:{st.pc} {st.name}>", "exec"), ns)  # noqa: S102
            fns.append(ns["step"])
        actors.append(tuple(fns))
    pc_slots = tuple(slots[a.pc_var] for a in world.actors)
    return CompiledWorld(world, slots, pc_slots, tuple(actors), world.initial_state())


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_mib() -> float:
    """The process's resident memory now (Linux ``/proc/self/statm``), else its peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / (1024.0 * 1024.0)
    except (OSError, ValueError, IndexError):
        return _peak_mib()


def search(cw: CompiledWorld, prop: str, limits: Limits | None = None,
           twin: CompiledWorld | None = None) -> Outcome:
    """Breadth-first search for a step that violates ``prop`` (or, for ``deadlock``, a state
    where unfinished actors are all blocked).  With ``twin``: the ``wrap`` product."""
    t0 = time.perf_counter()
    limits = limits or Limits()
    names = tuple(a.name for a in cw.world.actors)
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    deadlock = prop == "deadlock"

    if twin is not None:
        init = cw.initial + twin.initial + (1,)
        tsteps, tpcs, tn = twin.steps, twin.pc_slots, len(twin.initial)
        dead_twin = (0,) * tn + (0,)
    else:
        init = cw.initial

    parent: dict[tuple[int, ...], tuple[tuple[int, ...] | None, int]] = {init: (None, -1)}
    frontier = [init]
    depth = 0
    transitions = 0
    actor_range = range(len(steps))
    next_memory_check = 0  # the first look is at the first state: a limit below the
    # memory the process already holds is hit at once, never missed on a small world

    def path(state: tuple[int, ...], last: int | None) -> tuple[str, ...]:
        out = [] if last is None else [names[last]]
        cur: tuple[int, ...] | None = state
        while cur is not None:
            prev, ai = parent[cur]
            if prev is None:
                break
            out.append(names[ai])
            cur = prev
        return tuple(reversed(out))

    def stats() -> Stats:
        return Stats(len(parent), transitions, depth, time.perf_counter() - t0, _peak_mib())

    while frontier:
        nxt: list[tuple[int, ...]] = []
        for s in frontier:
            real = s[:n] if twin is not None else s
            moved = False
            for ai in actor_range:
                pc = real[pcs[ai]]
                if pc >= dones[ai]:
                    continue
                r = steps[ai][pc](real)
                if r is None:
                    continue
                moved = True
                transitions += 1
                t, bad = r
                if twin is not None:
                    tw = s[n:n + tn]
                    alive = s[-1]
                    tbad = False
                    if alive:
                        tpc = tw[tpcs[ai]]
                        tr = tsteps[ai][tpc](tw) if tpc < len(tsteps[ai]) else None
                        if tr is None:
                            t = t + dead_twin
                        else:
                            t = t + tr[0] + (1,)
                            tbad = tr[1]
                    else:
                        t = t + dead_twin
                    if tbad:
                        continue  # the twin lost an error first: no wrap on this path
                if bad:
                    depth += 1
                    return Outcome(Verdict.VIOLATED, path(s, ai), prop, stats())
                if t not in parent:
                    parent[t] = (s, ai)
                    nxt.append(t)
            if deadlock and not moved and any(
                    real[pcs[i]] < dones[i] for i in actor_range):
                return Outcome(Verdict.VIOLATED, path(s, None), prop, stats())
            if limits.max_states is not None and len(parent) > limits.max_states:
                return Outcome(Verdict.UNKNOWN, None,
                               f"state limit {limits.max_states} reached at depth {depth}",
                               stats())
            if limits.max_mib is not None and len(parent) >= next_memory_check:
                next_memory_check = len(parent) + MEMORY_CHECK_EVERY
                mib = current_mib()
                if mib > limits.max_mib:
                    return Outcome(Verdict.UNKNOWN, None,
                                   f"memory limit {limits.max_mib:g} MiB reached ({mib:.0f} MiB "
                                   f"resident) at depth {depth} with {len(parent)} states",
                                   stats())
        if limits.max_seconds is not None and time.perf_counter() - t0 > limits.max_seconds:
            return Outcome(Verdict.UNKNOWN, None,
                           f"time limit {limits.max_seconds:g}s reached at depth {depth}",
                           stats())
        frontier = nxt
        if frontier:
            depth += 1
    return Outcome(Verdict.HOLDS, None, f"no violation in {len(parent)} states", stats())

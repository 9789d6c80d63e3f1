"""``progress``: every syncfs call eventually returns, under weak fairness per actor.

The property (DESIGN §4, issue 14): on every fair infinite run, every syncfs call returns.
Fairness is weak and per actor: an actor continuously enabled from some point on takes a
step.  A *blocked* actor (waiting for a spinlock or a mutex another actor holds, or for the
open it shares a file with) is still inside its call: it spins or sleeps there, so a lock
never released on some path makes its waiters violate ``progress`` even while others keep
running; weak fairness does not force a step of an actor that is disabled infinitely often,
so a waiter overtaken for ever counts as a violation too (only looping actors can do that).
A state where nothing can move and some call is unfinished stutters for ever: a lasso with
an empty cycle (``deadlock`` reports the same state as a safety violation).

The check (``checks.lasso``) runs on the explicit state graph of the *uninstrumented,
unreduced* world (``ResolvedCheck.world``, no monitor: progress has no ghost state):

* no symmetry reduction: fairness is per actor, and the canonical quotient merges actors;
* no partial-order reduction: ample sets with the cycle proviso preserve safety, not fair
  cycles;
* no dead-value reset: the reset is a bisimulation and would preserve the verdict, but a
  cycle closing on a reset state may not close in the reference interpreter, which resets
  nothing; searching the world as it is makes every lasso replay exactly.

Past ``checks.native.PYTHON_FIRST_STATES`` states the native back end takes over
(``checks.native.search.search_progress``): the same graph, numbered in the same order,
with the components found by the driver's own Tarjan and the lasso built here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from checks.lasso import Edge, Lasso, find_lasso
from checks.meter import Limits, peak_mib
from checks.replay import ReplayError
from checks.stepcode import CompiledWorld, compile_world, packer, successor_function
from model.ir import Actor, World, enabled, execute
from specs.results import Stats, Verdict

#: the token in a replay key's schedule where a lasso's cycle starts
CYCLE_MARK = "~"


def call_pcs(actor: Actor) -> frozenset[int]:
    """The pcs at which ``actor`` is inside a syncfs call: reachable from a step that begins
    one (``sync_begin``, emitted by ``model.world``'s syscall loop) without reaching the next
    call's first step or the end of the program, where a returning step goes
    (``kernel.syncfs_return``)."""
    begins = {st.pc for st in actor.steps if any(e.kind == "sync_begin" for e in st.events)}
    stop = begins | {actor.done}
    seen: set[int] = set()
    work = [t for pc in begins for _, t in actor.steps[pc].goto]
    while work:
        pc = work.pop()
        if pc in seen or pc in stop:
            continue
        seen.add(pc)
        work.extend(t for _, t in actor.steps[pc].goto)
    return frozenset(seen)


def begin_pcs(actor: Actor) -> frozenset[int]:
    """The pcs of the steps that begin a syncfs call (``sync_begin``).  The call's first
    step is folded with its entry, so an actor *blocked* at one of these (its first step
    takes a lock another actor holds) has called syncfs and waits inside it; an actor that
    could take it has simply not been scheduled into the call yet."""
    return frozenset(st.pc for st in actor.steps
                     if any(e.kind == "sync_begin" for e in st.events))


def explore(cw: CompiledWorld, limits: Limits
            ) -> tuple[dict[int, list[Edge]], int, str | None]:
    """The reachable graph (packed state -> [(actor, packed successor)], states packed by
    ``checks.stepcode.packer``), its transitions, and why the exploration stopped early
    (None: complete)."""
    succ_fn = successor_function(cw, None)
    pack, unpack = packer([v.width(cw.world) for v in cw.world.variables])
    graph: dict[int, list[Edge]] = {}
    start = time.monotonic()
    init = pack(cw.initial)
    work = [init]
    seen = {init}
    transitions = 0
    while work:
        x = work.pop()
        out = [(ai, pack(t)) for ai, t, _ in succ_fn(unpack(x))[0]]
        graph[x] = out
        transitions += len(out)
        for _, y in out:
            if y not in seen:
                seen.add(y)
                work.append(y)
        if limits.max_states is not None and len(seen) > limits.max_states:
            return (graph, transitions, f"state limit {limits.max_states} reached "
                    f"({len(seen)} states seen")
        if (limits.max_seconds is not None and len(graph) % 1024 == 0
                and time.monotonic() - start > limits.max_seconds):
            return (graph, transitions, f"time limit {limits.max_seconds:g} s reached "
                    f"({len(seen)} states seen")
    return graph, transitions, None


def search_progress(world: World, limits: Limits | None = None
                    ) -> tuple[Verdict, tuple[str, ...] | None, int | None, str, Stats]:
    """Decide ``progress`` on ``world`` (not instrumented, not reduced): the verdict, the
    lasso's schedule (stem then cycle), the index where the cycle starts (0-based), the
    reason and the figures.  A limit gives ``unknown``, never ``holds``."""
    limits = limits or Limits()
    t0 = time.monotonic()
    cw = compile_world(world)
    graph, transitions, cut = explore(cw, limits)

    def stats(depth: int = 0) -> Stats:
        return Stats(len(graph), transitions, depth, time.monotonic() - t0, peak_mib())

    if cut is not None:
        return (Verdict.UNKNOWN, None, None, f"{cut}, {len(graph)} expanded, "
                f"{transitions} transitions)", stats())
    inside = [call_pcs(a) for a in world.actors]
    begins = [begin_pcs(a) for a in world.actors]
    pcs, steps = cw.pc_slots, cw.steps
    _, unpack = packer([v.width(cw.world) for v in cw.world.variables])

    def waiting(x: int) -> frozenset[int]:
        s = unpack(x)
        return frozenset(i for i, p in enumerate(pcs) if s[p] in inside[i]
                         or (s[p] in begins[i] and steps[i][s[p]](s) is None))

    init = next(iter(graph))  # explore stores the initial state first
    lasso = find_lasso(init, graph.__getitem__, waiting, len(world.actors))
    if lasso is None:
        return (Verdict.HOLDS, None, None, "every syncfs call returns on every fair run "
                f"({len(graph)} states)", stats())
    names = [a.name for a in world.actors]
    sched = tuple(names[a] for a, _ in lasso.stem) + tuple(names[a] for a, _ in lasso.cycle)
    return (Verdict.VIOLATED, sched, len(lasso.stem), _reason(lasso, names),
            stats(len(sched)))


def _reason(lasso: Lasso, names: Sequence[str]) -> str:
    who = names[lasso.actor]
    if not lasso.cycle:
        return (f"{who}'s syncfs never returns: after {len(lasso.stem)} steps nothing can "
                "move and the call is unfinished")
    return (f"{who}'s syncfs never returns: a fair cycle of {len(lasso.cycle)} steps, "
            f"entered after {len(lasso.stem)}, repeats for ever without it returning")


class LassoReplayError(ReplayError):
    """A lasso the reference interpreter does not reproduce: an engine bug."""


def check_lasso(world: World, schedule: tuple[str, ...], cycle_start: int) -> str:
    """Replay ``schedule`` in ``world`` with ``model.ir.execute`` and check it is a lasso
    that violates ``progress``: the cycle (``schedule[cycle_start:]``) returns to the state
    it starts from, is fair (every actor steps on it or is disabled at one of its states) and
    keeps one actor inside a syncfs call throughout; an empty cycle ends where nothing can
    move with a call unfinished.  Returns the name of that actor; raises
    :class:`LassoReplayError` otherwise."""
    env = dict(zip(world.names, world.initial_state(), strict=True))
    inside = {a.name: call_pcs(a) for a in world.actors}
    begins = {a.name: begin_pcs(a) for a in world.actors}

    def waits(a: Actor, s: dict[str, int]) -> bool:
        pc = s[a.pc_var]
        return pc in inside[a.name] or (pc in begins[a.name] and not enabled(a.steps[pc], s))

    states = [env]
    for i, name in enumerate(schedule, start=1):
        a = world.actor(name)
        pc = env[a.pc_var]
        if pc >= a.done or not enabled(a.steps[pc], env):
            raise LassoReplayError(f"step {i}: {name} cannot move")
        env = execute(a.steps[pc], env)
        states.append(env)
    loop = states[cycle_start:]
    stuck = [a.name for a in world.actors if all(waits(a, s) for s in loop)]
    if not stuck:
        raise LassoReplayError("no actor stays inside a syncfs call on the cycle")

    def can(a: Actor, s: dict[str, int]) -> bool:
        return s[a.pc_var] < a.done and enabled(a.steps[s[a.pc_var]], s)

    if cycle_start == len(schedule):
        if any(can(a, env) for a in world.actors):
            raise LassoReplayError("an empty cycle must end where nothing can move")
        return stuck[0]
    if states[-1] != states[cycle_start]:
        raise LassoReplayError("the cycle does not return to the state it starts from")
    movers = set(schedule[cycle_start:])
    for a in world.actors:
        if a.name not in movers and all(can(a, s) for s in loop):
            raise LassoReplayError(f"the cycle is unfair to {a.name}: enabled throughout, "
                                   "it never steps")
    return stuck[0]


__all__ = ["CYCLE_MARK", "LassoReplayError", "begin_pcs", "call_pcs", "check_lasso", "explore",
           "search_progress"]

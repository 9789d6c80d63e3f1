"""Among the shortest counterexamples, one with the fewest context switches
(``--minimize preemptions``).

Still breadth-first and level by level, over plain state tuples (no packing, no symmetry:
the bookkeeping is per state and per last actor).  A state first reached at level d is never
revisited later, so every path kept is a shortest one; within a level, each state keeps, per
actor that last moved, the fewest switches of any shortest path reaching it, and the whole
level of the first violation is expanded before choosing.  Limits and progress as in
``checks.bfs``.
"""

from __future__ import annotations

import time

from checks.bfs import Outcome, SearchInterrupted
from checks.meter import (
    CLOCK_CHECK_EVERY,
    MEMORY_CHECK_EVERY,
    PROGRESS_INTERVAL,
    Clock,
    Limits,
    ProgressFn,
    current_mib,
    peak_mib,
)
from checks.stepcode import CompiledWorld, successor_function
from specs.results import Stats, Verdict


def search_fewest_switches(cw: CompiledWorld, prop: str, limits: Limits | None = None,
                           twin: CompiledWorld | None = None,
                           progress: ProgressFn | None = None,
                           progress_interval: float = PROGRESS_INTERVAL) -> Outcome:
    """Like ``checks.explicit.search``, but among the shortest counterexamples return one
    with the fewest context switches (steps whose actor differs from the previous step's).

    The state space is the one ``search`` visits without symmetry, times at most the number
    of actors in bookkeeping.  Limits, ``progress`` and Ctrl-C behave as in ``search``.
    """
    t0 = time.perf_counter()
    limits = limits or Limits()
    names = tuple(a.name for a in cw.world.actors)
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    deadlock = prop == "deadlock"
    init = cw.initial + twin.initial + (1,) if twin is not None else cw.initial
    successors = successor_function(cw, twin)
    Key = tuple  # (state, last actor index or -1)
    parent: dict[Key, tuple[Key | None, int]] = {(init, -1): (None, -1)}
    seen: set[tuple[int, ...]] = {init}
    level: dict[tuple[int, ...], dict[int, int]] = {init: {-1: 0}}
    depth = 0
    transitions = 0
    actor_range = range(len(steps))

    def path(key: Key, last: int | None) -> tuple[str, ...]:
        out = [] if last is None else [names[last]]
        cur: Key | None = key
        while cur is not None:
            prev, ai = parent[cur]
            if prev is None:
                break
            out.append(names[ai])
            cur = prev
        return tuple(reversed(out))

    def stats() -> Stats:
        return Stats(len(seen), transitions, depth, time.perf_counter() - t0, peak_mib())

    clock = Clock(prop, limits, t0, progress, progress_interval)
    tick = CLOCK_CHECK_EVERY
    next_memory_check = 0
    try:
        while level:
            nxt: dict[tuple[int, ...], dict[int, int]] = {}
            best: tuple[int, Key, int | None] | None = None
            for i, (s, lasts) in enumerate(level.items()):
                real = s[:n] if twin is not None else s
                succ, moved = successors(s)
                transitions += len(succ)
                for ai, t, bad in succ:
                    for last, sw in lasts.items():
                        cost = sw + (1 if last not in (-1, ai) else 0)
                        if bad:
                            if best is None or cost < best[0]:
                                best = (cost, (s, last), ai)
                            continue
                        if best is not None or (t in seen and t not in nxt):
                            continue
                        per = nxt.setdefault(t, {})
                        if ai not in per or cost < per[ai]:
                            per[ai] = cost
                            parent[(t, ai)] = ((s, last), ai)
                if deadlock and not moved and any(real[pcs[k]] < dones[k] for k in actor_range):
                    for last, sw in lasts.items():
                        if best is None or sw < best[0]:
                            best = (sw, (s, last), None)
                stored = len(seen) + len(nxt)
                if limits.max_states is not None and stored > limits.max_states:
                    return Outcome(Verdict.UNKNOWN, None,
                                   f"state limit {limits.max_states} reached at depth {depth}",
                                   stats())
                if limits.max_mib is not None and stored >= next_memory_check:
                    next_memory_check = stored + MEMORY_CHECK_EVERY
                    mib = current_mib()
                    if mib > limits.max_mib:
                        return Outcome(Verdict.UNKNOWN, None,
                                       f"memory limit {limits.max_mib:g} MiB reached ({mib:.0f} "
                                       f"MiB resident) at depth {depth} with {stored} states",
                                       stats())
                tick -= 1
                if tick <= 0:
                    tick = CLOCK_CHECK_EVERY
                    late = clock.look(stored, transitions, depth, len(level) - i + len(nxt))
                    if late:
                        return Outcome(Verdict.UNKNOWN, None, late, stats())
            seen.update(nxt)
            if best is not None:
                if best[2] is not None:
                    depth += 1
                return Outcome(Verdict.VIOLATED, path(best[1], best[2]), prop, stats())
            late = clock.look(len(seen), transitions, depth, len(nxt))
            if late:
                return Outcome(Verdict.UNKNOWN, None, late, stats())
            level = nxt
            if level:
                depth += 1
        return Outcome(Verdict.HOLDS, None, f"no violation in {len(seen)} states", stats())
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None

"""Among the shortest counterexamples, one with the fewest context switches
(``--minimize preemptions``).

Still breadth-first and level by level, over plain state tuples (no packing, no symmetry:
the bookkeeping is per state and per last actor).  A state first reached at level d is never
revisited later, so every path kept is a shortest one; within a level, each state keeps, per
actor that last moved, the fewest switches of any shortest path reaching it, and the whole
level of the first violation is expanded before choosing.  Limits and progress go through
one ``checks.meter.Meter``, as in ``checks.bfs``.
"""

from __future__ import annotations

from checks.bfs import Outcome, SearchInterrupted
from checks.meter import PROGRESS_INTERVAL, Limits, Meter, ProgressFn, peak_mib
from checks.stepcode import CompiledWorld, successor_function
from specs.properties import PROPERTIES
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
    limits = limits or Limits()
    meter = Meter(prop, limits, progress, progress_interval)
    names = tuple(a.name for a in cw.world.actors)
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    on_states = PROPERTIES[prop].on_states
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
        return Stats(len(seen), transitions, depth, meter.elapsed(), peak_mib())

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
                if on_states and not moved and any(real[pcs[k]] < dones[k]
                                                   for k in actor_range):
                    for last, sw in lasts.items():
                        if best is None or sw < best[0]:
                            best = (sw, (s, last), None)
                stored = len(seen) + len(nxt)
                meter.tick -= 1  # Meter.expanded, its call made only when a look is due
                if meter.tick <= 0 or stored >= meter.watch:
                    why = meter.look(stored, transitions, depth, len(level) - i + len(nxt))
                    if why is not None:
                        return Outcome(Verdict.UNKNOWN, None, why, stats())
            seen.update(nxt)
            if best is not None:
                if best[2] is not None:
                    depth += 1
                return Outcome(Verdict.VIOLATED, path(best[1], best[2]), prop, stats())
            why = meter.level_end(len(seen), transitions, depth, len(nxt))
            if why is not None:
                return Outcome(Verdict.UNKNOWN, None, why, stats())
            level = nxt
            if level:
                depth += 1
        return Outcome(Verdict.HOLDS, None, f"no violation in {len(seen)} states", stats())
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None

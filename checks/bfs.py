"""The breadth-first search over packed states, and what a search returns.

Level by level, so the first violation met is at the smallest depth: every counterexample is
a shortest one.  Each stored state is one int (``checks.stepcode.packer``) mapped to its
parent's; with symmetry, to the parent of its canonical representative
(``checks.symmetry``), so the concrete schedule is rebuilt at the end by re-simulating the
canonical path from the initial state.  With ``reduce`` a state may be expanded by one step
only (``checks.por``).  A property violated by a step is found when the step is taken; one
violated by a state (``Property.on_states``: unfinished actors all blocked) when the state is
expanded and nothing moves.  Limits and progress go through one ``checks.meter.Meter``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from checks.datasym import data_symmetry
from checks.meter import Limits, Meter, ProgressFn, peak_mib
from checks.por import ample_function
from checks.stepcode import CompiledWorld, packer, successor_function
from checks.symmetry import canonicalizer, symmetry_groups
from specs.properties import PROPERTIES
from specs.results import Stats, Verdict


@dataclass(frozen=True)
class Outcome:
    """What a search found: a verdict, the violating schedule, the reason, the cost."""

    verdict: Verdict
    schedule: tuple[str, ...] | None
    reason: str
    stats: Stats


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a search, carrying the figures reached so far (``stats``) for the
    property being searched.  A ``KeyboardInterrupt``, so code that does not care sees
    the plain interrupt."""

    def __init__(self, prop: str, stats: Stats) -> None:
        super().__init__(f"{prop}: interrupted")
        self.prop = prop
        self.stats = stats


def bfs(cw: CompiledWorld, prop: str, twin: CompiledWorld | None, symmetry: bool,
        progress: ProgressFn | None, progress_interval: float, limits: Limits,
        reduce: bool) -> Outcome:
    """The breadth-first search behind ``checks.explicit.search`` (``reduce``: with ample
    sets)."""
    meter = Meter(prop, limits, progress, progress_interval)
    names = tuple(a.name for a in cw.world.actors)
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    on_states = PROPERTIES[prop].on_states
    actor_range = range(len(steps))

    init = cw.initial + twin.initial + (1,) if twin is not None else cw.initial
    groups = symmetry_groups(cw.world) if symmetry else []
    canon = canonicalizer(groups, 0, n if twin is not None else -1)
    if symmetry and twin is None and not reduce:
        data, _ = data_symmetry(cw.world)
        if data is not None:
            canon = data.canonicalizer(canon)
    widths = [v.width(cw.world) for v in cw.world.variables]
    if twin is not None:
        widths += [v.width(twin.world) for v in twin.world.variables] + [1]
    pack, unpack = packer(widths)
    verify = os.environ.get("SYNCFS_MC_CHECK_PACKING") == "1"

    successors = successor_function(cw, twin)
    ample = ample_function(cw) if reduce else None

    start = pack(canon(init) if canon else init)
    parent: dict[int, int | None] = {start: None}
    frontier = [start]
    depth = 0
    transitions = 0

    def schedule(last: int, final_bad: bool) -> tuple[str, ...]:
        """Re-simulate the canonical path ending in ``last`` from the concrete initial state
        (then one violating step, if ``final_bad``)."""
        chain = []
        cur: int | None = last
        while cur is not None:
            chain.append(cur)
            cur = parent[cur]
        chain.reverse()
        state, out = init, []
        for target in chain[1:]:
            for ai, t, _ in successors(state)[0]:
                if pack(canon(t) if canon else t) == target:
                    state = t
                    out.append(names[ai])
                    break
            else:  # pragma: no cover - would be an engine bug
                raise AssertionError("canonical path cannot be re-simulated")
        if final_bad:
            ai = next(ai for ai, _, bad in successors(state)[0] if bad)
            out.append(names[ai])
        return tuple(out)

    def stats() -> Stats:
        return Stats(len(parent), transitions, depth, meter.elapsed(), peak_mib())

    try:
        while frontier:
            nxt: list[int] = []
            for i, x in enumerate(frontier):
                s = unpack(x)
                succ: list[tuple[int, tuple[int, ...], bool]] = []
                if ample is not None:
                    ai = ample(s)
                    if ai >= 0:
                        succ, moved = successors(s, (ai,))
                        if len(succ) != 1 or succ[0][2]:
                            succ = []  # blocked or violating: expand fully
                        elif pack(canon(succ[0][1]) if canon else succ[0][1]) in parent:
                            succ = []  # the cycle proviso: expand this state fully
                if not succ:
                    succ, moved = successors(s)
                transitions += len(succ)
                for _, t, bad in succ:
                    if bad:
                        depth += 1
                        return Outcome(Verdict.VIOLATED, schedule(x, True), prop, stats())
                    if canon is not None:
                        t = canon(t)
                    y = pack(t)
                    if verify and unpack(y) != t:
                        raise OverflowError(f"a value outgrew its slot width: {t}")
                    if y not in parent:
                        parent[y] = x
                        nxt.append(y)
                if on_states and not moved and any(s[pcs[k]] < dones[k] for k in actor_range):
                    return Outcome(Verdict.VIOLATED, schedule(x, False), prop, stats())
                meter.tick -= 1  # Meter.expanded, its call made only when a look is due
                if meter.tick <= 0 or len(parent) >= meter.watch:
                    why = meter.look(len(parent), transitions, depth, len(frontier) - i + len(nxt))
                    if why is not None:
                        return Outcome(Verdict.UNKNOWN, None, why, stats())
            why = meter.level_end(len(parent), transitions, depth, len(nxt))
            if why is not None:
                return Outcome(Verdict.UNKNOWN, None, why, stats())
            frontier = nxt
            if frontier:
                depth += 1
        return Outcome(Verdict.HOLDS, None, f"no violation in {len(parent)} states", stats())
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None

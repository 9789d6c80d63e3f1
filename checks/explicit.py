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

import dataclasses
import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from model.expr import TRUE, to_python, variables
from model.ir import Step, World
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
#: how many expanded states between two looks at the clock (for the time limit and the
#: progress callback); the clock is also read at the end of every BFS level
CLOCK_CHECK_EVERY = 1024
#: seconds between two progress reports
PROGRESS_INTERVAL = 1.0


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running search, for a progress line: ``states`` stored so far,
    ``transitions`` taken, the BFS ``depth`` being expanded, ``queue`` (states waiting to be
    expanded, this level's rest and the next level so far), the process's resident ``mib``."""

    prop: str
    states: int
    transitions: int
    depth: int
    queue: int
    seconds: float
    mib: float

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


ProgressFn = Callable[[Progress], None]


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a search, carrying the figures reached so far (``stats``) for the
    property being searched.  A ``KeyboardInterrupt``, so code that does not care sees
    the plain interrupt."""

    def __init__(self, prop: str, stats: Stats) -> None:
        super().__init__(f"{prop}: interrupted")
        self.prop = prop
        self.stats = stats


class _Clock:
    """Looked at every ``CLOCK_CHECK_EVERY`` expanded states and at each level's end: reports
    progress at most once per ``interval`` seconds and says when the time budget is spent."""

    def __init__(self, prop: str, limits: Limits, t0: float, progress: ProgressFn | None,
                 interval: float) -> None:
        self.prop, self.limits, self.t0 = prop, limits, t0
        self.progress, self.interval = progress, interval
        self.next_report = t0 + interval

    def look(self, states: int, transitions: int, depth: int, queue: int) -> str | None:
        """Report progress if due; the reason to stop when the time budget is spent."""
        now = time.perf_counter()
        if self.progress is not None and now >= self.next_report:
            self.next_report = now + self.interval
            self.progress(Progress(self.prop, states, transitions, depth, queue,
                                   now - self.t0, current_mib()))
        return _time_limit_hit(self.limits, self.t0, depth)


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


def _step_source(st: Step, var: Callable[[str], str], slots: dict[str, int],
                 pc_slot: int) -> str:
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
    return "\n".join(lines)


def compile_world(world: World) -> CompiledWorld:
    """Compile every step of ``world`` (already instrumented) to a Python function."""
    slots = {name: i for i, name in enumerate(world.names)}

    def var(name: str) -> str:
        return f"s[{slots[name]}]"

    actors = []
    for a in world.actors:
        fns = []
        for st in a.steps:
            src = _step_source(st, var, slots, slots[a.pc_var])
            ns: dict[str, object] = {}
            exec(compile(src, f"<{a.name}:{st.pc} {st.name}>", "exec"), ns)  # noqa: S102
            fns.append(ns["step"])
        actors.append(tuple(fns))
    pc_slots = tuple(slots[a.pc_var] for a in world.actors)
    return CompiledWorld(world, slots, pc_slots, tuple(actors), world.initial_state())


# --------------------------------------------------------------------------------------------
# Symmetry of identical actors


def _block(world: World, actor: str) -> list[str] | None:
    """The variables that belong to ``actor`` alone, in a canonical order: its pc and locals,
    its file's cursor and f_lock, its own and its file's ghost variables.  None when the actor
    shares its file with another thread (not interchangeable as a unit)."""
    files = [f for f in world.files if actor in f.holders]
    if len(files) != 1 or files[0].holders != (actor,):
        return None
    f = files[0].name
    mine = []
    for v in world.variables:
        n = v.name
        if (n.startswith(f"{actor}.") or n.startswith(f"{f}.") or n.startswith(f"g.{actor}.")
                or n.startswith(f"g.{f}.")):
            mine.append(n)
    key = {n: n.replace(f"g.{actor}.", "g.@A.").replace(f"g.{f}.", "g.@F.")
           .replace(f"{actor}.", "@A.").replace(f"{f}.", "@F.") for n in mine}
    return sorted(mine, key=lambda n: key[n])


def symmetry_groups(world: World) -> list[list[tuple[int, ...]]]:
    """Groups of interchangeable actors, as slot tuples of their blocks.

    Two actors are interchangeable when their programs are identical once each one's own
    variables (see ``_block``) are renamed to block positions, nothing outside them refers to
    those variables, and they play the same role on the same layer.  Overlay syncers on one
    overlay running the same program on their own files are the case that matters.
    """
    slots = {name: i for i, name in enumerate(world.names)}
    blocks: dict[str, list[str]] = {}
    for a in world.actors:
        b = _block(world, a.name)
        if b is not None:
            blocks[a.name] = b
    owner = {n: a for a, b in blocks.items() for n in b}
    # Nobody else may look inside a block.
    for a in world.actors:
        for st in a.steps:
            used = set(st.reads) | set(st.writes)
            for ev in st.events:
                for _, v in ev.args:
                    if not isinstance(v, (str, int)):
                        used |= variables(v)
            for n in used:
                if n in owner and owner[n] != a.name:
                    blocks.pop(owner[n], None)
    sig: dict[tuple, list[str]] = {}
    for a in world.actors:
        if a.name not in blocks:
            continue
        pos = {n: i for i, n in enumerate(blocks[a.name])}

        def var(name: str, pos: dict[str, int] = pos) -> str:
            return f"B[{pos[name]}]" if name in pos else f"s[{slots[name]}]"

        local_slots = {n: (1000 + pos[n] if n in pos else slots[n]) for n in world.names}
        srcs = tuple(_step_source(st, var, local_slots, 1000 + pos[a.pc_var])
                     for st in a.steps)
        f = next(f for f in world.files if a.name in f.holders)
        sig.setdefault((a.role, f.layer, len(blocks[a.name]), srcs), []).append(a.name)
    groups = []
    for names in sig.values():
        if len(names) > 1:
            groups.append([tuple(slots[n] for n in blocks[a]) for a in names])
    return groups


def canonicalizer(groups: list[list[tuple[int, ...]]], offset: int = 0, twin_offset: int = -1
                  ) -> Callable[[tuple[int, ...]], tuple[int, ...]] | None:
    """A function mapping a state to its canonical representative: within each group the
    blocks' values are sorted.  ``twin_offset``: the twin's copy of every slot sits that far
    on (the wrap product) and moves with its block."""
    if not groups:
        return None
    lines = ["def canon(s):", "    t = list(s)"]
    for g, blocks in enumerate(groups):
        def cells(b: tuple[int, ...]) -> list[int]:
            out = [offset + i for i in b]
            if twin_offset >= 0:
                out += [twin_offset + i for i in b]
            return out
        items = ", ".join("(" + ", ".join(f"s[{i}]" for i in cells(b)) + ",)" for b in blocks)
        lines.append(f"    g{g} = sorted(({items}))")
        for k, b in enumerate(blocks):
            for j, i in enumerate(cells(b)):
                lines.append(f"    t[{i}] = g{g}[{k}][{j}]")
    lines.append("    return tuple(t)")
    ns: dict[str, object] = {}
    exec(compile("\n".join(lines), "<canon>", "exec"), ns)  # noqa: S102
    return ns["canon"]  # type: ignore[return-value]


def packer(widths: list[int]) -> tuple[Callable[[tuple[int, ...]], int],
                                       Callable[[int], tuple[int, ...]]]:
    """Functions packing a state tuple into one int (slot ``i`` in ``widths[i]`` bits) and
    back: a stored state costs tens of bytes instead of a tuple of int objects."""
    shifts, at = [], 0
    for w in widths:
        shifts.append(at)
        at += w
    pack = " | ".join(f"(t[{i}] << {sh})" if sh else f"t[{i}]" for i, sh in enumerate(shifts))
    unpack = ", ".join(f"(x >> {sh}) & {(1 << w) - 1}" if sh else f"x & {(1 << w) - 1}"
                       for sh, w in zip(shifts, widths, strict=True))
    ns: dict[str, object] = {}
    src = f"def pack(t):\n    return {pack}\n\ndef unpack(x):\n    return ({unpack},)\n"
    exec(compile(src, "<packer>", "exec"), ns)  # noqa: S102
    return ns["pack"], ns["unpack"]  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Partial-order reduction


def _accesses(st: Step) -> tuple[frozenset[str], frozenset[str]]:
    """What ``st`` reads (guard, values, branch conditions, the violation condition and event
    arguments) and what it writes."""
    reads = set(st.reads) | variables(violation_of(st))
    for ev in st.events:
        for _, v in ev.args:
            if not isinstance(v, (str, int)):
                reads |= variables(v)
    return frozenset(reads), st.writes


def _futures(actor_steps: tuple[Step, ...]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Per pc: everything the actor may read and write from that pc on (the union over the
    steps reachable through gotos, that pc included)."""
    n = len(actor_steps)
    acc = [_accesses(st) for st in actor_steps]
    succ = [{t for _, t in st.goto if t < n} for st in actor_steps]
    out = []
    for pc in range(n):
        seen, todo = {pc}, [pc]
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        r = frozenset().union(*(acc[q][0] for q in seen))
        w = frozenset().union(*(acc[q][1] for q in seen))
        out.append((r, w))
    return out


def independence(world: World) -> list[list[list[frozenset[int]]]]:
    """``table[a][pc][b]``: the pcs of actor ``b`` from which nothing ``b`` may still do
    conflicts with actor ``a``'s step at ``pc`` (no write of one touches what the other reads
    or writes, ghost state and violation conditions included).  A step that commutes with the
    whole remaining future of every other actor can be explored alone (an ample set of one,
    as in the stubborn/ample-set methods of Valmari and Peled): every interleaving that
    postpones it reaches the same violations and deadlocks with it moved to the front."""
    acc = [[_accesses(st) for st in a.steps] for a in world.actors]
    fut = [_futures(a.steps) for a in world.actors]
    table = []
    for ai, a in enumerate(world.actors):
        rows = []
        for pc in range(len(a.steps)):
            r, w = acc[ai][pc]
            row = []
            for bj, b in enumerate(world.actors):
                ok = set()
                if bj != ai:
                    for q in range(len(b.steps)):
                        fr, fw = fut[bj][q]
                        if not (w & (fr | fw)) and not (r & fw):
                            ok.add(q)
                row.append(frozenset(ok))
            rows.append(row)
        table.append(rows)
    return table


def ample_function(cw: CompiledWorld) -> Callable[[tuple[int, ...]], int]:
    """A compiled ``ample(state) -> actor`` (see :func:`independence`): the first unfinished
    actor whose next step commutes with what every other actor may still do, or -1."""
    table = independence(cw.world)
    dones = [len(a.steps) for a in cw.world.actors]
    pcs = cw.pc_slots
    ns: dict[str, object] = {}
    lines = ["def ample(s):"]
    lines += [f"    p{i} = s[{k}]" for i, k in enumerate(pcs)]
    for ai in range(len(pcs)):
        # per pc of ai: for each other actor, the pcs it may be at (finished included)
        rows = []
        for pc in range(dones[ai]):
            rows.append(tuple(frozenset(table[ai][pc][bj] | {dones[bj]})
                              for bj in range(len(pcs)) if bj != ai))
        ns[f"T{ai}"] = tuple(rows)
        others = [bj for bj in range(len(pcs)) if bj != ai]
        test = " and ".join(f"p{bj} in r[{k}]" for k, bj in enumerate(others)) or "True"
        lines.append(f"    if p{ai} < {dones[ai]}:")
        lines.append(f"        r = T{ai}[p{ai}]")
        lines.append(f"        if {test}:")
        lines.append(f"            return {ai}")
    lines.append("    return -1")
    exec(compile("\n".join(lines), "<ample>", "exec"), ns)  # noqa: S102
    return ns["ample"]  # type: ignore[return-value]


def _time_limit_hit(limits: Limits, t0: float, depth: int) -> str | None:
    """The reason to stop with ``unknown`` when the time budget is spent, else None."""
    if limits.max_seconds is not None and time.perf_counter() - t0 > limits.max_seconds:
        return f"time limit {limits.max_seconds:g}s reached at depth {depth}"
    return None


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


Successors = Callable[..., tuple[list[tuple[int, tuple[int, ...], bool]], bool]]


def successor_function(cw: CompiledWorld, twin: CompiledWorld | None) -> Successors:
    """``succ(state[, actors]) -> ([(actor, successor, violates), ...], moved)`` for every
    enabled step (of ``actors``, default all), ``moved`` telling whether any step was
    enabled.  With ``twin`` (the ``wrap`` product) the
    state is the world's, the twin's and an ``alive`` flag; a transition on which the twin
    loses an error is dropped: no wrap violation can follow on that path."""
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    actor_range = range(len(steps))
    if twin is not None:
        tsteps, tpcs, tn = twin.steps, twin.pc_slots, len(twin.initial)
        dead_twin = (0,) * tn + (0,)

    def successors(s: tuple[int, ...], actors: Iterable[int] = actor_range
                   ) -> tuple[list[tuple[int, tuple[int, ...], bool]], bool]:
        real = s[:n] if twin is not None else s
        out = []
        moved = False
        for ai in actors:
            pc = real[pcs[ai]]
            if pc >= dones[ai]:
                continue
            r = steps[ai][pc](real)
            if r is None:
                continue
            moved = True
            t, bad = r
            if twin is not None:
                tw = s[n:n + tn]
                tbad = False
                if s[-1]:
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
            out.append((ai, t, bad))
        return out, moved

    return successors


def search(cw: CompiledWorld, prop: str, limits: Limits | None = None,
           twin: CompiledWorld | None = None, symmetry: bool = True,
           progress: ProgressFn | None = None,
           progress_interval: float = PROGRESS_INTERVAL, por: bool = False) -> Outcome:
    """Breadth-first search for a step that violates ``prop`` (or, for ``deadlock``, a state
    where unfinished actors are all blocked).  With ``twin``: the ``wrap`` product.

    ``symmetry``: store one canonical representative per class of states that differ only by
    a permutation of interchangeable actors (``symmetry_groups``).  Depths are unchanged, so
    counterexamples stay shortest; the concrete schedule is rebuilt by re-simulating the
    canonical path from the initial state.

    ``progress`` is called with a :class:`Progress` at most once per ``progress_interval``
    seconds (the clock is read every ``CLOCK_CHECK_EVERY`` states and at each level's end).
    Ctrl-C raises :class:`SearchInterrupted` with the figures so far.

    ``por``: partial-order reduction (:func:`independence`).  A state where some actor's
    enabled step commutes with everything the others may still do explores that step alone,
    unless its successor was already seen (the cycle proviso: every cycle of the reduced graph
    keeps a fully expanded state).  Verdicts are preserved, depths are not: the reduced graph
    can reach a violation late.  So a plain search runs first, up to ``PLAIN_FIRST_STATES``
    states (small worlds and shallow violations are settled there, exactly as without POR);
    past that the reduced search runs, and a violation it finds is searched again without
    POR, which returns a shortest counterexample.  The figures are the sum of the searches.
    """
    limits = limits or Limits()
    args = (cw, prop, twin, symmetry, progress, progress_interval)
    if not por:
        return _bfs(*args, limits, False)
    cap = PLAIN_FIRST_STATES
    if limits.max_states is not None and limits.max_states <= cap:
        return _bfs(*args, limits, False)
    first = _bfs(*args, dataclasses.replace(limits, max_states=cap), False)
    if first.verdict is not Verdict.UNKNOWN or first.stats.states <= cap:
        return first  # settled, or another limit (time, memory) was hit
    runs = [first]
    reduced = _bfs(*args, _less(limits, runs), True)
    runs.append(reduced)
    if reduced.verdict is Verdict.VIOLATED:
        shortest = _bfs(*args, _less(limits, runs), False)
        runs.append(shortest)
        if shortest.verdict is Verdict.UNKNOWN:  # a limit cut the re-minimising search
            assert reduced.schedule is not None
            reason = (f"{shortest.reason}, while shortening a {len(reduced.schedule)}-step "
                      "violation the reduced search found")
            return dataclasses.replace(shortest, reason=reason,
                                       stats=_summed([r.stats for r in runs]))
    return dataclasses.replace(runs[-1], stats=_summed([r.stats for r in runs]))


#: states a plain search may store before ``search(por=True)`` switches to the reduced one
PLAIN_FIRST_STATES = 20_000


def _less(limits: Limits, runs: list[Outcome]) -> Limits:
    """``limits`` less what the searches in ``runs`` already spent (states and seconds)."""
    spent_s = sum(r.stats.seconds for r in runs)
    spent_n = sum(r.stats.states for r in runs)
    return dataclasses.replace(
        limits,
        max_seconds=None if limits.max_seconds is None else max(0.0, limits.max_seconds - spent_s),
        max_states=None if limits.max_states is None else max(0, limits.max_states - spent_n))


def _summed(stats: list[Stats]) -> Stats:
    return Stats(sum(s.states for s in stats), sum(s.transitions for s in stats),
                 stats[-1].max_depth, sum(s.seconds for s in stats),
                 max(s.peak_mib for s in stats))


def _bfs(cw: CompiledWorld, prop: str, twin: CompiledWorld | None, symmetry: bool,
         progress: ProgressFn | None, progress_interval: float, limits: Limits,
         reduce: bool) -> Outcome:
    """The breadth-first search behind :func:`search` (``reduce``: with ample sets)."""
    t0 = time.perf_counter()
    names = tuple(a.name for a in cw.world.actors)
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    deadlock = prop == "deadlock"
    actor_range = range(len(steps))

    init = cw.initial + twin.initial + (1,) if twin is not None else cw.initial
    groups = symmetry_groups(cw.world) if symmetry else []
    canon = canonicalizer(groups, 0, n if twin is not None else -1)
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
    next_memory_check = 0  # the first look is at the first state: a limit below the
    # memory the process already holds is hit at once, never missed on a small world

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
        return Stats(len(parent), transitions, depth, time.perf_counter() - t0, _peak_mib())

    clock = _Clock(prop, limits, t0, progress, progress_interval)
    tick = CLOCK_CHECK_EVERY
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
                if deadlock and not moved and any(s[pcs[k]] < dones[k] for k in actor_range):
                    return Outcome(Verdict.VIOLATED, schedule(x, False), prop, stats())
                if limits.max_states is not None and len(parent) > limits.max_states:
                    return Outcome(Verdict.UNKNOWN, None,
                                   f"state limit {limits.max_states} reached at depth {depth}",
                                   stats())
                if limits.max_mib is not None and len(parent) >= next_memory_check:
                    next_memory_check = len(parent) + MEMORY_CHECK_EVERY
                    mib = current_mib()
                    if mib > limits.max_mib:
                        return Outcome(Verdict.UNKNOWN, None,
                                       f"memory limit {limits.max_mib:g} MiB reached ({mib:.0f} "
                                       f"MiB resident) at depth {depth} with {len(parent)} "
                                       "states", stats())
                tick -= 1
                if tick <= 0:
                    tick = CLOCK_CHECK_EVERY
                    late = clock.look(len(parent), transitions, depth,
                                      len(frontier) - i + len(nxt))
                    if late:
                        return Outcome(Verdict.UNKNOWN, None, late, stats())
            late = clock.look(len(parent), transitions, depth, len(nxt))
            if late:
                return Outcome(Verdict.UNKNOWN, None, late, stats())
            frontier = nxt
            if frontier:
                depth += 1
        return Outcome(Verdict.HOLDS, None, f"no violation in {len(parent)} states", stats())
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None


def search_fewest_switches(cw: CompiledWorld, prop: str, limits: Limits | None = None,
                           twin: CompiledWorld | None = None,
                           progress: ProgressFn | None = None,
                           progress_interval: float = PROGRESS_INTERVAL) -> Outcome:
    """Like :func:`search`, but among the shortest counterexamples return one with the
    fewest context switches (steps whose actor differs from the previous step's).

    Still breadth-first, level by level, and a state first reached at level d is never
    revisited later (so every path kept is a shortest one); within a level, each state keeps,
    per actor that last moved, the fewest switches of any shortest path reaching it, and the
    whole level of the first violation is expanded before choosing.  The state space is the
    one ``search`` visits, times at most the number of actors in bookkeeping.  Limits,
    ``progress`` and Ctrl-C behave as in :func:`search`.
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
        return Stats(len(seen), transitions, depth, time.perf_counter() - t0, _peak_mib())

    clock = _Clock(prop, limits, t0, progress, progress_interval)
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

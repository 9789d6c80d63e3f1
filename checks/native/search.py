"""The native breadth-first search, driven from Python with the Python engine's Meter.

The C side (``driver.c``) expands states until a look is due (the Meter's ``tick`` and
``watch`` counters, the same two tests ``checks.bfs`` makes inline), a level ends, a
violation is met or the space is exhausted, and returns; this side makes the Meter's
calls with the same figures at the same points, so limits, their reason texts and the
progress line are the Python engine's, and Ctrl-C (delivered when the C call returns, at
most ``CLOCK_CHECK_EVERY`` states later) raises :class:`SearchInterrupted` with the figures.
"""

from __future__ import annotations

import ctypes

from checks.bfs import Outcome, SearchInterrupted
from checks.datasym import data_symmetry
from checks.meter import Limits, Meter, ProgressFn, peak_mib
from checks.native.build import build, load
from checks.native.codegen import generate
from checks.stepcode import CompiledWorld, compile_world
from checks.symmetry import symmetry_groups
from model.ir import World
from specs.properties import PROPERTIES
from specs.results import Stats, Verdict

_DRIVER: str | None = None
R_HOLDS, R_VIOLATED, R_LOOK, R_LEVEL, R_OVERFLOW, R_NOMEM = range(6)
(IO_TICK, IO_WATCH, IO_STORED, IO_TRANS, IO_DEPTH, IO_QUEUE, IO_VIOL, IO_FINALBAD,
 IO_BYTES) = range(9)


def driver_source() -> str:
    global _DRIVER
    if _DRIVER is None:
        from pathlib import Path

        _DRIVER = Path(__file__).with_name("driver.c").read_text()
    return _DRIVER


def source(cw: CompiledWorld, prop: str, twin: CompiledWorld | None) -> str:
    """The C translation unit for this world (symmetry is chosen when a search starts, so
    searches with and without it share one compiled object)."""
    groups = symmetry_groups(cw.world)
    data = data_symmetry(cw.world)[0] if twin is None else None
    return generate(cw, twin, groups, PROPERTIES[prop].on_states, driver_source(), data)


def search(cw: CompiledWorld, prop: str, limits: Limits, twin: CompiledWorld | None,
           symmetry: bool, progress: ProgressFn | None, progress_interval: float
           ) -> tuple[Outcome, bool]:
    """``checks.bfs.bfs`` without POR, natively: the same Outcome, and whether the world had
    to be compiled (False: the cache had it).  The compile is inside the search's time."""
    meter = Meter(prop, limits, progress, progress_interval)
    so, compiled = build(source(cw, prop, twin))
    lib = load(so).lib
    ctx = lib.mc_new(1 if symmetry else 0)
    if not ctx:
        raise MemoryError("the native search could not allocate its first state")
    io = (ctypes.c_int64 * 9)()
    names = tuple(a.name for a in cw.world.actors)

    def stats() -> Stats:
        return Stats(io[IO_STORED], io[IO_TRANS], io[IO_DEPTH], meter.elapsed(), peak_mib())

    try:
        r, why = _drive(lib, ctx, io, meter)
        if why is not None:
            return Outcome(Verdict.UNKNOWN, None, why, stats()), compiled
        if r == R_HOLDS:
            return Outcome(Verdict.HOLDS, None, f"no violation in {io[IO_STORED]} states",
                           stats()), compiled
        cap = io[IO_DEPTH] + 2
        buf = (ctypes.c_int * cap)()
        m = lib.mc_schedule(ctx, io[IO_VIOL], io[IO_FINALBAD], buf, cap)
        if m < 0:  # pragma: no cover - would be an engine bug
            raise AssertionError("canonical path cannot be re-simulated")
        schedule = tuple(names[buf[i]] for i in range(m))
        return Outcome(Verdict.VIOLATED, schedule, prop, stats()), compiled
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None
    finally:
        lib.mc_free(ctx)


def _drive(lib: ctypes.CDLL, ctx: int, io: ctypes.Array, meter: Meter) -> tuple[int, str | None]:
    """Run ``mc_run`` to the end, a violation, or a limit: the last return code, and the
    Meter's reason when a limit stopped it (None otherwise)."""
    io[IO_STORED] = 1
    while True:
        io[IO_TICK] = meter.tick
        io[IO_WATCH] = min(meter.watch, 1 << 62)
        r = lib.mc_run(ctx, io)
        meter.tick = io[IO_TICK]
        if r == R_LOOK:
            why = meter.look(io[IO_STORED], io[IO_TRANS], io[IO_DEPTH], io[IO_QUEUE])
        elif r == R_LEVEL:
            why = meter.level_end(io[IO_STORED], io[IO_TRANS], io[IO_DEPTH], io[IO_QUEUE])
        elif r in (R_HOLDS, R_VIOLATED):
            return r, None
        elif r == R_OVERFLOW:
            raise OverflowError("a value outgrew its slot width")
        else:
            raise MemoryError("the native search ran out of memory")
        if why is not None:
            return r, why


def search_progress(world: World, limits: Limits
                    ) -> tuple[Verdict, tuple[str, ...] | None, int | None, str, Stats]:
    """``checks.liveness.search_progress`` on the native back end: the same breadth-first
    graph (no symmetry, no reset: states numbered as ``checks.lasso`` numbers them), the
    fair components of each actor's waiting states by the driver's Tarjan (``mc_fair``),
    and the lasso built by ``checks.lasso`` from the stored graph: the shortest stem (the
    component's first state in breadth-first order), then among equal stems the shorter
    cycle."""
    from checks.lasso import Lasso, _cycle
    from checks.liveness import _reason

    cw = compile_world(world)
    meter = Meter("progress", limits, None, 1.0)
    so, _ = build(generate(cw, None, [], False, driver_source()))
    lib = load(so).lib
    lib.mc_succ.restype = ctypes.c_int
    lib.mc_succ.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int),
                            ctypes.POINTER(ctypes.c_int64)]
    lib.mc_fair.restype = ctypes.c_int64
    lib.mc_fair.argtypes = [ctypes.c_void_p]
    lib.mc_fair_copy.restype = None
    lib.mc_fair_copy.argtypes = [ctypes.c_void_p]
    ctx = lib.mc_new(0)
    if not ctx:
        raise MemoryError("the native search could not allocate its first state")
    io = (ctypes.c_int64 * 9)()
    names = tuple(a.name for a in world.actors)

    def stats(depth: int = 0) -> Stats:
        return Stats(io[IO_STORED], io[IO_TRANS], depth, meter.elapsed(), peak_mib())

    try:
        r, why = _drive(lib, ctx, io, meter)
        if why is not None:
            return (Verdict.UNKNOWN, None, None, f"{why} (exploring the graph for progress)",
                    stats())
        assert r == R_HOLDS, "nothing is monitored: no violation stops this search"
        words = lib.mc_fair(ctx)
        if words < 0:
            raise MemoryError("the fair-cycle search ran out of memory")
        buf = (ctypes.c_int64 * max(1, words))()
        lib.mc_fair_copy(buf)
        acts = (ctypes.c_int * len(names))()
        targets = (ctypes.c_int64 * len(names))()
        cache: dict[int, list[tuple[int, int]]] = {}

        def succ(x: int) -> list[tuple[int, int]]:
            if x not in cache:
                n = lib.mc_succ(ctx, x, acts, targets)
                if n < 0:  # pragma: no cover - the graph is complete here
                    raise AssertionError("a successor of a stored state is not stored")
                cache[x] = [(acts[i], targets[i]) for i in range(n)]
            return cache[x]

        comps: list[tuple[int, list[int]]] = []
        i = 0
        while i < words:
            a, size = buf[i], buf[i + 1]
            comps.append((a, list(buf[i + 2:i + 2 + size])))
            i += 2 + size
        if not comps:
            return (Verdict.HOLDS, None, None, "every syncfs call returns on every fair run "
                    f"({io[IO_STORED]} states)", stats())
        cap = io[IO_DEPTH] + 2
        sched_buf = (ctypes.c_int * cap)()

        def stem(entry: int) -> tuple[int, ...]:
            m = lib.mc_schedule(ctx, entry, 0, sched_buf, cap)
            if m < 0:  # pragma: no cover - would be an engine bug
                raise AssertionError("path to a stored state cannot be re-simulated")
            return tuple(sched_buf[j] for j in range(m))

        entries = [(a, min(members), members) for a, members in comps]
        stems = {e: stem(e) for _, e, _ in entries}
        shortest = min(len(s) for s in stems.values())
        best: Lasso | None = None
        for a, entry, members in entries:
            if len(stems[entry]) != shortest:
                continue
            cyc = _cycle(entry, frozenset(members), succ, len(names))
            cand = Lasso(a, entry, tuple((x, 0) for x in stems[entry]), cyc)
            if best is None or len(cand.cycle) < len(best.cycle):
                best = cand
        assert best is not None
        sched = tuple(names[x] for x, _ in best.stem) + tuple(names[x] for x, _ in best.cycle)
        return (Verdict.VIOLATED, sched, len(best.stem), _reason(best, names),
                stats(len(sched)))
    except KeyboardInterrupt:
        raise SearchInterrupted("progress", stats()) from None
    finally:
        lib.mc_free(ctx)

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
from checks.stepcode import CompiledWorld
from checks.symmetry import symmetry_groups
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
            elif r == R_HOLDS:
                return Outcome(Verdict.HOLDS, None, f"no violation in {io[IO_STORED]} states",
                               stats()), compiled
            elif r == R_VIOLATED:
                cap = io[IO_DEPTH] + 2
                buf = (ctypes.c_int * cap)()
                m = lib.mc_schedule(ctx, io[IO_VIOL], io[IO_FINALBAD], buf, cap)
                if m < 0:  # pragma: no cover - would be an engine bug
                    raise AssertionError("canonical path cannot be re-simulated")
                schedule = tuple(names[buf[i]] for i in range(m))
                return Outcome(Verdict.VIOLATED, schedule, prop, stats()), compiled
            elif r == R_OVERFLOW:
                raise OverflowError("a value outgrew its slot width")
            else:
                raise MemoryError("the native search ran out of memory")
            if why is not None:
                return Outcome(Verdict.UNKNOWN, None, why, stats()), compiled
    except KeyboardInterrupt:
        raise SearchInterrupted(prop, stats()) from None
    finally:
        lib.mc_free(ctx)

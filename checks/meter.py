"""The explicit searches' budget: limits on states, memory and time, and the progress callback.

``Limits`` says when a search gives up with ``unknown``; ``Progress`` is the snapshot a
progress callback receives.  The process's memory is read from ``/proc/self/statm`` (a
syscall, so the searches look at it every ``MEMORY_CHECK_EVERY`` new states) and the clock
every ``CLOCK_CHECK_EVERY`` expanded states and at every level's end.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass


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

class Clock:
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
        return time_limit_hit(self.limits, self.t0, depth)


def time_limit_hit(limits: Limits, t0: float, depth: int) -> str | None:
    """The reason to stop with ``unknown`` when the time budget is spent, else None."""
    if limits.max_seconds is not None and time.perf_counter() - t0 > limits.max_seconds:
        return f"time limit {limits.max_seconds:g}s reached at depth {depth}"
    return None


def peak_mib() -> float:
    """The process's peak resident memory so far (``ru_maxrss``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_mib() -> float:
    """The process's resident memory now (Linux ``/proc/self/statm``), else its peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / (1024.0 * 1024.0)
    except (OSError, ValueError, IndexError):
        return peak_mib()
